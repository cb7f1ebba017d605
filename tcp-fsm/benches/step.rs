//! Runtime `step` against the same machine written without a generator: a hand-written
//! `match` marked `#[inline]` (`benches/tcp/hand_written.rs`, `benches/large/hand_written.rs`),
//! a lookup in a plain array, and `fsm_spec::table::TransitionTable` interpreting the
//! parsed spec. Each runs over one fixed pseudo-random sequence of (state, event) pairs, legal
//! and illegal, for the TCP spec (11 states, 14 events, 92 transitions) and for a generated
//! spec of 125 states, 10 events and 1,000 transitions (`benches/large/`). The typed API is
//! measured in `zero_cost.rs`; the peer crates and `runtime::Machine` in `peers.rs`.
//!
//! Run with `cargo bench -p tcp-fsm --bench step -- --warm-up-time 1 --measurement-time 3`;
//! figures are in `docs/PERFORMANCE.md`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use tcp_fsm::Opened;
use tcp_fsm::runtime::{self, Event, Output, State};

/// The next state and what to send.
type Next = (State, Option<Output>);

include!("tcp/hand_written.rs");

/// The generated runtime API, with the same guard decision.
fn generated_step(state: State, event: Event) -> Option<Next> {
    let taken = runtime::step(state, event).ok()?.decide(&Opened::Passive);
    Some((taken.to, taken.output))
}

/// The lookup table one would fill by hand: the next state and output of every
/// (state, event) pair, with the guarded reset decided for a passive open.
fn array_table() -> Vec<Option<Next>> {
    let mut table = vec![None; State::ALL.len() * Event::ALL.len()];
    for t in &runtime::TRANSITIONS {
        if t.guard.is_none_or(|guard| guard == "passive_open") {
            table[t.from as usize * Event::ALL.len() + t.event as usize] = Some((t.to, t.output));
        }
    }
    table
}

/// A run-time interpreter of the parsed spec: `fsm_spec::table::TransitionTable` finds the
/// transitions of a pair; guarded ones are chosen by the guard's name.
struct Interpreter {
    spec: fsm_spec::Spec,
    table: fsm_spec::table::TransitionTable,
    /// Each spec transition's target and output as runtime values, by index.
    next: Vec<Next>,
}

impl Interpreter {
    fn new() -> Interpreter {
        let spec = spec();
        let table = fsm_spec::table::TransitionTable::new(&spec);
        let next = spec
            .transitions
            .iter()
            .map(|t| {
                let output = t.send.as_deref().map(|send| {
                    *Output::ALL
                        .iter()
                        .find(|o| o.text() == send)
                        .expect("every send is an output")
                });
                (State::ALL[t.to.0], output)
            })
            .collect();
        Interpreter { spec, table, next }
    }

    fn step(&self, state: State, event: Event) -> Option<Next> {
        let indices = self.table.on(
            fsm_spec::StateId(state as usize),
            fsm_spec::EventId(event as usize),
        );
        let index = match indices {
            [] => return None,
            [only] => *only,
            several => *several
                .iter()
                .find(|&&i| self.spec.transitions[i].guard.as_deref() == Some("passive_open"))?,
        };
        Some(self.next[index])
    }
}

/// The generated spec of 1,000 transitions, through `fsm!`, and its hand-written `match`.
mod large {
    tcp_fsm_macros::fsm!("benches/large/spec.toml");

    use runtime::{Event, Output, State};

    include!("large/hand_written.rs");

    /// The generated runtime API.
    pub fn generated_step(state: State, event: Event) -> Option<(State, Option<Output>)> {
        let taken = runtime::step(state, event).ok()?.decide(&());
        Some((taken.to, taken.output))
    }

    /// The same plain array table as for TCP.
    pub fn array_table() -> Vec<Option<(State, Option<Output>)>> {
        let mut table = vec![None; State::ALL.len() * Event::ALL.len()];
        for t in &runtime::TRANSITIONS {
            table[t.from as usize * Event::ALL.len() + t.event as usize] = Some((t.to, t.output));
        }
        table
    }
}

/// A fixed sequence of pairs from a xorshift generator, so every side sees the same input.
fn pairs<S: Copy, E: Copy>(states: &[S], events: &[E], count: usize) -> Vec<(S, E)> {
    let mut seed: u32 = 0x9E37_79B9;
    (0..count)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let state = states[seed as usize % states.len()];
            let event = events[(seed >> 8) as usize % events.len()];
            (state, event)
        })
        .collect()
}

/// A fixed sequence of events from the same generator.
fn events<E: Copy>(events: &[E], count: usize) -> Vec<E> {
    let states = [()];
    pairs(&states, events, count)
        .into_iter()
        .map(|(_, e)| e)
        .collect()
}

/// Feeds `events` to one machine starting in `start`: each step depends on the state the last
/// one reached (illegal events leave it), as in a connection. Returns the final state.
fn walk<S: Copy, E: Copy, O>(start: S, events: &[E], step: impl Fn(S, E) -> Option<(S, O)>) -> S {
    let mut state = start;
    for &event in events {
        if let Some((next, output)) = step(state, black_box(event)) {
            black_box(output);
            state = next;
        }
    }
    state
}

/// Steps through every pair, keeping each result alive; returns how many were legal.
fn run<S: Copy, E: Copy, N>(pairs: &[(S, E)], step: impl Fn(S, E) -> Option<N>) -> usize {
    let mut legal = 0;
    for &(state, event) in pairs {
        if let Some(next) = step(black_box(state), black_box(event)) {
            black_box(next);
            legal += 1;
        }
    }
    legal
}

fn bench(c: &mut Criterion) {
    // The comparison is fair only if every side computes the same thing.
    let table = array_table();
    let interpreter = Interpreter::new();
    for state in State::ALL {
        for event in Event::ALL {
            let expected = hand_written_step(state, event);
            assert_eq!(generated_step(state, event), expected, "{state} {event}");
            let cell = table[state as usize * Event::ALL.len() + event as usize];
            assert_eq!(cell, expected, "{state} {event}");
            assert_eq!(interpreter.step(state, event), expected, "{state} {event}");
        }
    }
    let large_table = large::array_table();
    assert_eq!(
        include_str!("large/spec.toml"),
        fsm_spec::synthetic::protocol_text(125, 10),
        "benches/large is stale: run `cargo run -p fsm-spec --example large_step_bench`"
    );
    for state in large::runtime::State::ALL {
        for event in large::runtime::Event::ALL {
            let expected = large::hand_written_step(state, event);
            assert_eq!(large::generated_step(state, event), expected);
            let cell =
                large_table[state as usize * large::runtime::Event::ALL.len() + event as usize];
            assert_eq!(cell, expected);
        }
    }
    let tcp_pairs = pairs(&State::ALL, &Event::ALL, 1024);
    let mut group = c.benchmark_group("TCP step, 1024 pairs");
    group.bench_function("generated runtime::step", |b| {
        b.iter(|| run(black_box(&tcp_pairs), generated_step))
    });
    group.bench_function("hand-written match", |b| {
        b.iter(|| run(black_box(&tcp_pairs), hand_written_step))
    });
    group.bench_function("array table", |b| {
        b.iter(|| {
            run(black_box(&tcp_pairs), |s, e| {
                table[s as usize * Event::ALL.len() + e as usize]
            })
        })
    });
    group.bench_function("TransitionTable interpreter", |b| {
        b.iter(|| run(black_box(&tcp_pairs), |s, e| interpreter.step(s, e)))
    });
    group.finish();

    let tcp_events = events(&Event::ALL, 1024);
    let mut group = c.benchmark_group("TCP walk, 1024 events");
    group.bench_function("generated runtime::step", |b| {
        b.iter(|| walk(State::Closed, black_box(&tcp_events), generated_step))
    });
    group.bench_function("hand-written match", |b| {
        b.iter(|| walk(State::Closed, black_box(&tcp_events), hand_written_step))
    });
    group.bench_function("array table", |b| {
        b.iter(|| {
            walk(State::Closed, black_box(&tcp_events), |s, e| {
                table[s as usize * Event::ALL.len() + e as usize]
            })
        })
    });
    group.bench_function("TransitionTable interpreter", |b| {
        b.iter(|| {
            walk(State::Closed, black_box(&tcp_events), |s, e| {
                interpreter.step(s, e)
            })
        })
    });
    group.finish();

    let events = large::runtime::Event::ALL.len();
    let large_pairs = pairs(
        &large::runtime::State::ALL,
        &large::runtime::Event::ALL,
        1024,
    );
    let mut group = c.benchmark_group("1,000-transition step, 1024 pairs");
    group.bench_function("generated runtime::step", |b| {
        b.iter(|| run(black_box(&large_pairs), large::generated_step))
    });
    group.bench_function("hand-written match", |b| {
        b.iter(|| run(black_box(&large_pairs), large::hand_written_step))
    });
    group.bench_function("array table", |b| {
        b.iter(|| {
            run(black_box(&large_pairs), |s, e| {
                large_table[s as usize * events + e as usize]
            })
        })
    });
    group.finish();

    let large_events = self::events(&large::runtime::Event::ALL, 1024);
    let start = large::runtime::State::INITIAL;
    let mut group = c.benchmark_group("1,000-transition walk, 1024 events");
    group.bench_function("generated runtime::step", |b| {
        b.iter(|| walk(start, black_box(&large_events), large::generated_step))
    });
    group.bench_function("hand-written match", |b| {
        b.iter(|| walk(start, black_box(&large_events), large::hand_written_step))
    });
    group.bench_function("array table", |b| {
        b.iter(|| {
            walk(start, black_box(&large_events), |s, e| {
                large_table[s as usize * events + e as usize]
            })
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

/// The bundled spec, parsed by the spec crate: the oracle the generated code is checked against.
fn spec() -> fsm_spec::Spec {
    let source = fsm_spec::SourceFile::new(tcp_fsm::SPEC_NAME, tcp_fsm::SPEC_SOURCE);
    fsm_spec::Spec::from_source(&source).expect("the bundled spec checks")
}
