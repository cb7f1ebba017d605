//! Runtime `step` against a hand-written `match` over the same TCP table, on one fixed
//! pseudo-random sequence of (state, event) pairs, legal and illegal; and a typed path
//! against the same outputs produced without the state machine.
//!
//! Run with `cargo bench -p tcp-fsm --bench step -- --warm-up-time 1 --measurement-time 3`;
//! figures are in `docs/benchmarks-step.md`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use tcp_fsm::runtime::{self, Event, Output, State};
use tcp_fsm::{Opened, Tcp};

/// The next state and what to send.
type Next = (State, Option<Output>);

/// The TCP table written out by hand, as code without a generator would be: the next state
/// and output, with the guarded reset in SYN_RECEIVED decided for a passive open.
fn hand_written_step(state: State, event: Event) -> Option<Next> {
    match (state, event) {
        (State::Closed, Event::PassiveOpen) => Some((State::Listen, None)),
        (State::Closed, Event::ActiveOpen) => Some((State::SynSent, Some(Output::Syn))),
        (State::Closed, Event::RcvSyn) => Some((State::Closed, Some(Output::Rst))),
        (State::Closed, Event::RcvSynAck) => Some((State::Closed, Some(Output::Rst))),
        (State::Closed, Event::RcvAck) => Some((State::Closed, Some(Output::Rst))),
        (State::Closed, Event::RcvFin) => Some((State::Closed, Some(Output::Rst))),
        (State::Closed, Event::RcvRst) => Some((State::Closed, None)),
        (State::Listen, Event::ActiveOpen) => Some((State::SynSent, Some(Output::Syn))),
        (State::Listen, Event::Send) => Some((State::SynSent, Some(Output::Syn))),
        (State::Listen, Event::Close) => Some((State::Closed, None)),
        (State::Listen, Event::Abort) => Some((State::Closed, None)),
        (State::Listen, Event::RcvSyn) => Some((State::SynReceived, Some(Output::SynAck))),
        (State::Listen, Event::RcvSynAck) => Some((State::Listen, Some(Output::Rst))),
        (State::Listen, Event::RcvAck) => Some((State::Listen, Some(Output::Rst))),
        (State::Listen, Event::RcvRst) => Some((State::Listen, None)),
        (State::Listen, Event::UserTimeout) => Some((State::Closed, None)),
        (State::SynSent, Event::Send) => Some((State::SynSent, None)),
        (State::SynSent, Event::Close) => Some((State::Closed, None)),
        (State::SynSent, Event::Abort) => Some((State::Closed, None)),
        (State::SynSent, Event::RcvSyn) => Some((State::SynReceived, Some(Output::SynAck))),
        (State::SynSent, Event::RcvSynAck) => Some((State::Established, Some(Output::Ack))),
        (State::SynSent, Event::RcvRst) => Some((State::Closed, None)),
        (State::SynSent, Event::UserTimeout) => Some((State::Closed, None)),
        (State::SynReceived, Event::Send) => Some((State::SynReceived, None)),
        (State::SynReceived, Event::Close) => Some((State::FinWait1, Some(Output::Fin))),
        (State::SynReceived, Event::Abort) => Some((State::Closed, Some(Output::Rst))),
        (State::SynReceived, Event::RcvSyn) => Some((State::Closed, Some(Output::Rst))),
        (State::SynReceived, Event::RcvSynAck) => Some((State::Established, None)),
        (State::SynReceived, Event::RcvAck) => Some((State::Established, None)),
        (State::SynReceived, Event::RcvFin) => Some((State::CloseWait, Some(Output::Ack))),
        (State::SynReceived, Event::RcvRst) => Some((State::Listen, None)),
        (State::SynReceived, Event::UserTimeout) => Some((State::Closed, None)),
        (State::Established, Event::Send) => Some((State::Established, None)),
        (State::Established, Event::Close) => Some((State::FinWait1, Some(Output::Fin))),
        (State::Established, Event::Abort) => Some((State::Closed, Some(Output::Rst))),
        (State::Established, Event::RcvSyn) => Some((State::Closed, Some(Output::Rst))),
        (State::Established, Event::RcvAck) => Some((State::Established, None)),
        (State::Established, Event::RcvFin) => Some((State::CloseWait, Some(Output::Ack))),
        (State::Established, Event::RcvRst) => Some((State::Closed, None)),
        (State::Established, Event::UserTimeout) => Some((State::Closed, None)),
        (State::FinWait1, Event::Abort) => Some((State::Closed, Some(Output::Rst))),
        (State::FinWait1, Event::RcvSyn) => Some((State::Closed, Some(Output::Rst))),
        (State::FinWait1, Event::RcvAck) => Some((State::FinWait2, None)),
        (State::FinWait1, Event::RcvFin) => Some((State::Closing, Some(Output::Ack))),
        (State::FinWait1, Event::RcvFinAck) => Some((State::TimeWait, Some(Output::Ack))),
        (State::FinWait1, Event::RcvRst) => Some((State::Closed, None)),
        (State::FinWait1, Event::UserTimeout) => Some((State::Closed, None)),
        (State::FinWait2, Event::Abort) => Some((State::Closed, Some(Output::Rst))),
        (State::FinWait2, Event::RcvSyn) => Some((State::Closed, Some(Output::Rst))),
        (State::FinWait2, Event::RcvAck) => Some((State::FinWait2, None)),
        (State::FinWait2, Event::RcvFin) => Some((State::TimeWait, Some(Output::Ack))),
        (State::FinWait2, Event::RcvRst) => Some((State::Closed, None)),
        (State::FinWait2, Event::UserTimeout) => Some((State::Closed, None)),
        (State::CloseWait, Event::Send) => Some((State::CloseWait, None)),
        (State::CloseWait, Event::Close) => Some((State::LastAck, Some(Output::Fin))),
        (State::CloseWait, Event::Abort) => Some((State::Closed, Some(Output::Rst))),
        (State::CloseWait, Event::RcvSyn) => Some((State::Closed, Some(Output::Rst))),
        (State::CloseWait, Event::RcvAck) => Some((State::CloseWait, None)),
        (State::CloseWait, Event::RcvFin) => Some((State::CloseWait, Some(Output::Ack))),
        (State::CloseWait, Event::RcvRst) => Some((State::Closed, None)),
        (State::CloseWait, Event::UserTimeout) => Some((State::Closed, None)),
        (State::Closing, Event::Abort) => Some((State::Closed, None)),
        (State::Closing, Event::RcvSyn) => Some((State::Closed, Some(Output::Rst))),
        (State::Closing, Event::RcvAck) => Some((State::TimeWait, None)),
        (State::Closing, Event::RcvFin) => Some((State::Closing, Some(Output::Ack))),
        (State::Closing, Event::RcvFinAck) => Some((State::TimeWait, Some(Output::Ack))),
        (State::Closing, Event::RcvRst) => Some((State::Closed, None)),
        (State::Closing, Event::UserTimeout) => Some((State::Closed, None)),
        (State::LastAck, Event::Abort) => Some((State::Closed, None)),
        (State::LastAck, Event::RcvSyn) => Some((State::Closed, Some(Output::Rst))),
        (State::LastAck, Event::RcvAck) => Some((State::Closed, None)),
        (State::LastAck, Event::RcvFin) => Some((State::LastAck, Some(Output::Ack))),
        (State::LastAck, Event::RcvFinAck) => Some((State::Closed, None)),
        (State::LastAck, Event::RcvRst) => Some((State::Closed, None)),
        (State::LastAck, Event::UserTimeout) => Some((State::Closed, None)),
        (State::TimeWait, Event::Abort) => Some((State::Closed, None)),
        (State::TimeWait, Event::RcvSyn) => Some((State::Closed, Some(Output::Rst))),
        (State::TimeWait, Event::RcvFin) => Some((State::TimeWait, Some(Output::Ack))),
        (State::TimeWait, Event::RcvRst) => Some((State::Closed, None)),
        (State::TimeWait, Event::Timeout2msl) => Some((State::Closed, None)),
        (State::TimeWait, Event::UserTimeout) => Some((State::Closed, None)),
        _ => None,
    }
}

/// The generated runtime API, with the same guard decision.
fn generated_step(state: State, event: Event) -> Option<Next> {
    let transition = runtime::step(state, event).ok()?.decide(&Opened::Passive);
    Some((transition.to, transition.output))
}

/// A fixed sequence of pairs from a xorshift generator, so both sides see the same input.
fn pairs(count: usize) -> Vec<(State, Event)> {
    let mut seed: u32 = 0x9E37_79B9;
    (0..count)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let state = State::ALL[seed as usize % State::ALL.len()];
            let event = Event::ALL[(seed >> 8) as usize % Event::ALL.len()];
            (state, event)
        })
        .collect()
}

fn run(pairs: &[(State, Event)], step: fn(State, Event) -> Option<Next>) -> usize {
    let mut legal = 0;
    for &(state, event) in pairs {
        if let Some(next) = step(black_box(state), black_box(event)) {
            black_box(next);
            legal += 1;
        }
    }
    legal
}

/// The client path of RFC 793 Figures 7 and 13 with the typed API, writing what it sends to
/// `sent` (a side effect, so the optimiser cannot drop the function).
#[inline(never)]
fn typed_client_path(sent: &mut [Output; 4]) {
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
#[inline(never)]
fn plain_client_path(sent: &mut [Output; 4]) {
    sent[0] = Output::Syn;
    sent[1] = Output::Ack;
    sent[2] = Output::Fin;
    sent[3] = Output::Ack;
}

fn bench(c: &mut Criterion) {
    // The comparison is fair only if both sides compute the same thing.
    for state in State::ALL {
        for event in Event::ALL {
            assert_eq!(
                generated_step(state, event),
                hand_written_step(state, event),
                "{state} {event}"
            );
        }
    }
    let (mut typed, mut plain) = ([Output::Rst; 4], [Output::Rst; 4]);
    typed_client_path(&mut typed);
    plain_client_path(&mut plain);
    assert_eq!(typed, plain);

    let pairs = pairs(1024);
    let mut group = c.benchmark_group("step 1024 pairs");
    group.bench_function("generated runtime::step", |b| {
        b.iter(|| run(black_box(&pairs), generated_step))
    });
    group.bench_function("hand-written match", |b| {
        b.iter(|| run(black_box(&pairs), hand_written_step))
    });
    group.finish();

    let mut group = c.benchmark_group("client path");
    group.bench_function("typed API", |b| {
        b.iter(|| typed_client_path(black_box(&mut typed)))
    });
    group.bench_function("plain code", |b| {
        b.iter(|| plain_client_path(black_box(&mut plain)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
