//! The typed API against the same code written without a state machine: three connection
//! paths, each a pair of `#[inline(never)]` functions with unmangled names (`typed_*` and
//! `plain_*`) that compute the same outputs. `tests/zero_cost.rs` compares their machine code
//! in this target's release build; this file also times them.
//!
//! Run with `cargo bench -p tcp-fsm --bench zero_cost -- --warm-up-time 1 --measurement-time 3`.

// `#[unsafe(no_mangle)]` on every compared function: `tests/zero_cost.rs` finds them by their
// plain names in the binary's symbols. No other unsafe code is here.
#![allow(unsafe_code)]

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use tcp_fsm::runtime::{Output, State};
use tcp_fsm::{Opened, Tcp, outcome};

/// The client path of RFC 793 Figures 7 and 13 with the typed API, writing what it sends to
/// `sent` (a side effect, so that the optimiser keeps the function).
#[unsafe(no_mangle)]
#[inline(never)]
pub fn typed_client_path(sent: &mut [Output; 4]) {
    let (tcp, syn) = Tcp::new().active_open();
    sent[0] = syn.into();
    let (tcp, ack) = tcp.rcv_syn_ack();
    sent[1] = ack.into();
    let (tcp, fin) = tcp.close();
    sent[2] = fin.into();
    let tcp = tcp.rcv_ack();
    let (tcp, last_ack) = tcp.rcv_fin();
    sent[3] = last_ack.into();
    let _closed = tcp.timeout_2msl();
}

/// The same outputs, written without a state machine.
#[unsafe(no_mangle)]
#[inline(never)]
pub fn plain_client_path(sent: &mut [Output; 4]) {
    sent[0] = Output::Syn;
    sent[1] = Output::Ack;
    sent[2] = Output::Fin;
    sent[3] = Output::Ack;
}

/// The server path of RFC 793 Figures 7 and 13 with the typed API; returns the final state.
#[unsafe(no_mangle)]
#[inline(never)]
pub fn typed_server_path(sent: &mut [Output; 3]) -> State {
    let tcp = Tcp::new().passive_open();
    let (tcp, syn_ack) = tcp.rcv_syn();
    sent[0] = syn_ack.into();
    let tcp = tcp.rcv_ack();
    let (tcp, ack) = tcp.rcv_fin();
    sent[1] = ack.into();
    let (tcp, fin) = tcp.close();
    sent[2] = fin.into();
    tcp.rcv_ack().state()
}

/// The same, without a state machine.
#[unsafe(no_mangle)]
#[inline(never)]
pub fn plain_server_path(sent: &mut [Output; 3]) -> State {
    sent[0] = Output::SynAck;
    sent[1] = Output::Ack;
    sent[2] = Output::Fin;
    State::Closed
}

/// A reset in SYN_RECEIVED with the typed API: the handle's data decides the guarded
/// transition (RFC 793 3.9), and the caller matches the outcome.
#[unsafe(no_mangle)]
#[inline(never)]
pub fn typed_reset_in_syn_received(opened: Opened) -> State {
    let (tcp, _syn_ack) = Tcp::with_data(opened).passive_open().rcv_syn();
    match tcp.rcv_rst() {
        outcome::SynReceivedRcvRst::PassiveOpen(listen) => listen.state(),
        outcome::SynReceivedRcvRst::ActiveOpen(closed) => closed.state(),
    }
}

/// The same decision, without a state machine.
#[unsafe(no_mangle)]
#[inline(never)]
pub fn plain_reset_in_syn_received(opened: Opened) -> State {
    match opened {
        Opened::Passive => State::Listen,
        Opened::Active => State::Closed,
    }
}

fn bench(c: &mut Criterion) {
    // Each pair computes the same thing.
    let (mut typed, mut plain) = ([Output::Rst; 4], [Output::Rst; 4]);
    typed_client_path(&mut typed);
    plain_client_path(&mut plain);
    assert_eq!(typed, plain);
    let (mut typed3, mut plain3) = ([Output::Rst; 3], [Output::Rst; 3]);
    assert_eq!(
        typed_server_path(&mut typed3),
        plain_server_path(&mut plain3)
    );
    assert_eq!(typed3, plain3);
    for opened in [Opened::Passive, Opened::Active] {
        assert_eq!(
            typed_reset_in_syn_received(opened),
            plain_reset_in_syn_received(opened)
        );
    }

    let mut group = c.benchmark_group("client path");
    group.bench_function("typed API", |b| {
        b.iter(|| typed_client_path(black_box(&mut typed)))
    });
    group.bench_function("plain code", |b| {
        b.iter(|| plain_client_path(black_box(&mut plain)))
    });
    group.finish();

    let mut group = c.benchmark_group("server path");
    group.bench_function("typed API", |b| {
        b.iter(|| typed_server_path(black_box(&mut typed3)))
    });
    group.bench_function("plain code", |b| {
        b.iter(|| plain_server_path(black_box(&mut plain3)))
    });
    group.finish();

    let mut group = c.benchmark_group("reset in SYN_RECEIVED");
    group.bench_function("typed API", |b| {
        b.iter(|| typed_reset_in_syn_received(black_box(Opened::Active)))
    });
    group.bench_function("plain code", |b| {
        b.iter(|| plain_reset_in_syn_received(black_box(Opened::Active)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
