//! The generated runtime API against what a user would pick instead: the same machine as a
//! hand-written `match` marked `#[inline]` (the baseline, and the same `match` kept out of
//! line), through rust-fsm 0.8 (`state_machine!`), smlang 0.8 (`statemachine!`) and statig
//! 0.4 (`#[state_machine]`), each driven through its own API, and through the generated
//! `runtime::step(..).decide(..)` and `runtime::Machine::handle`.
//!
//! Two machines: the bundled TCP spec (11 states, 14 events, 92 transitions; the guarded reset
//! in SYN-RECEIVED decided as after a passive open) and the 1,000-transition spec of
//! `benches/large/`. Two workloads each, in one process: a legal walk of 1,024 events from the
//! initial state (for TCP, connection lifecycles that end in CLOSED), and 1,024 pseudo-random
//! (state, event) pairs, mostly illegal, each taken by a machine started in that state.
//!
//! Before timing, every side's states and outputs are compared on every workload, so
//! `cargo test --benches` checks that the sides agree. The peers' sources in `benches/peers/`
//! are written by `cargo run -p tcp-fsm --example peer_machines`; this checks they are current.
//!
//! Run with `scripts/bench-ratios.sh peers`; figures are in `docs/PERFORMANCE.md`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::fmt::Debug;
use std::hint::black_box;

#[path = "peers/source.rs"]
mod source;

/// The sides of the comparison for one machine, in the module that calls it. The module
/// holds `runtime`, `hand_written_step`, `GUARDS`, the peers (`with_rust_fsm`, `with_smlang`,
/// `with_statig`) and their names (`peers/*_names.rs`). Every side takes a workload and calls
/// `sink` with the state and output after each event: the state unchanged and no output on
/// an illegal event.
macro_rules! sides {
    ($rust_fsm:ident) => {
        use super::{Sink, agree};
        use criterion::Criterion;
        use runtime::{Event, Output, State};
        use std::hint::black_box;

        /// The hand-written `match` called out of line.
        #[inline(never)]
        fn out_of_line(state: State, event: Event) -> Option<(State, Option<Output>)> {
            hand_written_step(state, event)
        }

        fn walk_with(
            step: impl Fn(State, Event) -> Option<(State, Option<Output>)>,
            events: &[Event],
            sink: &mut impl Sink<State, Output>,
        ) {
            let mut state = State::INITIAL;
            for &event in events {
                match step(state, black_box(event)) {
                    Some((next, output)) => {
                        state = next;
                        sink.take(state, output);
                    }
                    None => sink.take(state, None),
                }
            }
        }

        pub fn walk_match(events: &[Event], sink: &mut impl Sink<State, Output>) {
            walk_with(hand_written_step, events, sink)
        }

        pub fn walk_out_of_line(events: &[Event], sink: &mut impl Sink<State, Output>) {
            walk_with(out_of_line, events, sink)
        }

        pub fn walk_step(events: &[Event], sink: &mut impl Sink<State, Output>) {
            let mut state = State::INITIAL;
            for &event in events {
                match runtime::step(state, black_box(event)) {
                    Ok(step) => {
                        let taken = step.decide(&GUARDS);
                        state = taken.to;
                        sink.take(state, taken.output);
                    }
                    Err(_) => sink.take(state, None),
                }
            }
        }

        pub fn walk_machine(events: &[Event], sink: &mut impl Sink<State, Output>) {
            let mut machine = runtime::Machine::new(GUARDS);
            for &event in events {
                match machine.handle(black_box(event)) {
                    Ok(taken) => sink.take(taken.to, taken.output),
                    Err(_) => sink.take(machine.state(), None),
                }
            }
        }

        pub fn walk_rust_fsm(
            events: &[with_rust_fsm::$rust_fsm::Input],
            sink: &mut impl Sink<with_rust_fsm::$rust_fsm::State, with_rust_fsm::$rust_fsm::Output>,
        ) {
            let mut machine = with_rust_fsm::$rust_fsm::StateMachine::new();
            for event in events {
                match machine.consume(black_box(event)) {
                    Ok(output) => sink.take(*machine.state(), output),
                    Err(_) => sink.take(*machine.state(), None),
                }
            }
        }

        pub fn walk_smlang(
            events: &[with_smlang::Events],
            sink: &mut impl Sink<with_smlang::States, with_smlang::Output>,
        ) {
            let mut machine = with_smlang::StateMachine::new(with_smlang::context());
            for &event in events {
                match machine.process_event(black_box(event)) {
                    Ok(&state) => {
                        let sent = machine.context_mut().sent.take();
                        sink.take(state, sent);
                    }
                    Err(_) => sink.take(*machine.state(), None),
                }
            }
        }

        pub fn walk_statig(
            events: &[with_statig::Event],
            sink: &mut impl Sink<with_statig::State, with_statig::Output>,
        ) {
            use statig::prelude::IntoStateMachineExt;
            let mut machine = with_statig::storage().state_machine();
            for event in events {
                let mut sent = None;
                machine.handle_with_context(black_box(event), &mut sent);
                sink.take(*machine.state(), sent);
            }
        }

        fn pairs_with(
            step: impl Fn(State, Event) -> Option<(State, Option<Output>)>,
            pairs: &[(State, Event)],
            sink: &mut impl Sink<State, Output>,
        ) {
            for &(state, event) in pairs {
                match step(black_box(state), black_box(event)) {
                    Some((next, output)) => sink.take(next, output),
                    None => sink.take(state, None),
                }
            }
        }

        pub fn pairs_match(pairs: &[(State, Event)], sink: &mut impl Sink<State, Output>) {
            pairs_with(hand_written_step, pairs, sink)
        }

        pub fn pairs_out_of_line(pairs: &[(State, Event)], sink: &mut impl Sink<State, Output>) {
            pairs_with(out_of_line, pairs, sink)
        }

        pub fn pairs_step(pairs: &[(State, Event)], sink: &mut impl Sink<State, Output>) {
            for &(state, event) in pairs {
                match runtime::step(black_box(state), black_box(event)) {
                    Ok(step) => {
                        let taken = step.decide(&GUARDS);
                        sink.take(taken.to, taken.output);
                    }
                    Err(_) => sink.take(state, None),
                }
            }
        }

        pub fn pairs_machine(pairs: &[(State, Event)], sink: &mut impl Sink<State, Output>) {
            for &(state, event) in pairs {
                let mut machine = runtime::Machine::with_state(black_box(state), GUARDS);
                match machine.handle(black_box(event)) {
                    Ok(taken) => sink.take(taken.to, taken.output),
                    Err(_) => sink.take(machine.state(), None),
                }
            }
        }

        pub fn pairs_rust_fsm(
            pairs: &[(
                with_rust_fsm::$rust_fsm::State,
                with_rust_fsm::$rust_fsm::Input,
            )],
            sink: &mut impl Sink<with_rust_fsm::$rust_fsm::State, with_rust_fsm::$rust_fsm::Output>,
        ) {
            for (state, event) in pairs {
                let mut machine =
                    with_rust_fsm::$rust_fsm::StateMachine::from_state(black_box(*state));
                match machine.consume(black_box(event)) {
                    Ok(output) => sink.take(*machine.state(), output),
                    Err(_) => sink.take(*machine.state(), None),
                }
            }
        }

        pub fn pairs_smlang(
            pairs: &[(with_smlang::States, with_smlang::Events)],
            sink: &mut impl Sink<with_smlang::States, with_smlang::Output>,
        ) {
            for &(state, event) in pairs {
                let mut machine = with_smlang::StateMachine::new_with_state(
                    with_smlang::context(),
                    black_box(state),
                );
                match machine.process_event(black_box(event)) {
                    Ok(&state) => {
                        let sent = machine.context_mut().sent.take();
                        sink.take(state, sent);
                    }
                    Err(_) => sink.take(*machine.state(), None),
                }
            }
        }

        pub fn pairs_statig(
            pairs: &[(with_statig::State, with_statig::Event)],
            sink: &mut impl Sink<with_statig::State, with_statig::Output>,
        ) {
            use statig::prelude::IntoStateMachineExt;
            for (state, event) in pairs {
                let mut sent = None;
                let mut machine = with_statig::storage().uninitialized_state_machine();
                *machine.state_mut() = black_box(*state);
                let mut machine = machine.init_with_context(&mut sent);
                machine.handle_with_context(black_box(event), &mut sent);
                sink.take(*machine.state(), sent);
            }
        }

        /// Checks that every side agrees on `walk` and `pairs`, then times them, in groups
        /// named after `machine`.
        pub fn bench(c: &mut Criterion, machine: &str, walk: &[Event], pairs: &[(State, Event)]) {
            // Every side gets the same workload in its own types.
            let (rust_fsm_states, rust_fsm_events) = (rust_fsm_states(), rust_fsm_events());
            let (smlang_states, smlang_events) = (smlang_states(), smlang_events());
            let (statig_states, statig_events) = (statig_states(), statig_events());
            let each_event = |events: &[Event]| {
                let index = |e: &Event| *e as usize;
                (
                    events
                        .iter()
                        .map(|e| rust_fsm_events[index(e)])
                        .collect::<Vec<_>>(),
                    events
                        .iter()
                        .map(|e| smlang_events[index(e)])
                        .collect::<Vec<_>>(),
                    events
                        .iter()
                        .map(|e| statig_events[index(e)])
                        .collect::<Vec<_>>(),
                )
            };
            let (walk_r, walk_m, walk_s) = each_event(walk);
            let pair_events: Vec<Event> = pairs.iter().map(|&(_, e)| e).collect();
            let (events_r, events_m, events_s) = each_event(&pair_events);
            let pairs_r: Vec<_> = pairs
                .iter()
                .zip(events_r)
                .map(|(&(s, _), e)| (rust_fsm_states[s as usize], e))
                .collect();
            let pairs_m: Vec<_> = pairs
                .iter()
                .zip(events_m)
                .map(|(&(s, _), e)| (smlang_states[s as usize], e))
                .collect();
            let pairs_s: Vec<_> = pairs
                .iter()
                .zip(events_s)
                .map(|(&(s, _), e)| (statig_states[s as usize], e))
                .collect();

            // The comparison is fair only if every side computes the same thing.
            let expected = super::trace(|sink| walk_match(walk, sink));
            assert!(
                walk.iter()
                    .scan(State::INITIAL, |state, &event| {
                        let legal = hand_written_step(*state, event);
                        *state = legal.map_or(*state, |(to, _)| to);
                        Some(legal.is_some())
                    })
                    .all(|legal| legal),
                "{machine}: the walk takes only legal events"
            );
            agree(machine, "walk, out of line", &expected, |k| {
                walk_out_of_line(walk, k)
            });
            agree(machine, "walk, runtime::step", &expected, |k| {
                walk_step(walk, k)
            });
            agree(machine, "walk, Machine::handle", &expected, |k| {
                walk_machine(walk, k)
            });
            agree(machine, "walk, rust-fsm", &expected, |k| {
                walk_rust_fsm(&walk_r, k)
            });
            agree(machine, "walk, smlang", &expected, |k| {
                walk_smlang(&walk_m, k)
            });
            agree(machine, "walk, statig", &expected, |k| {
                walk_statig(&walk_s, k)
            });
            let expected = super::trace(|sink| pairs_match(pairs, sink));
            agree(machine, "pairs, out of line", &expected, |k| {
                pairs_out_of_line(pairs, k)
            });
            agree(machine, "pairs, runtime::step", &expected, |k| {
                pairs_step(pairs, k)
            });
            agree(machine, "pairs, Machine::handle", &expected, |k| {
                pairs_machine(pairs, k)
            });
            agree(machine, "pairs, rust-fsm", &expected, |k| {
                pairs_rust_fsm(&pairs_r, k)
            });
            agree(machine, "pairs, smlang", &expected, |k| {
                pairs_smlang(&pairs_m, k)
            });
            agree(machine, "pairs, statig", &expected, |k| {
                pairs_statig(&pairs_s, k)
            });

            let mut group =
                super::Group::new(c, format!("{machine} legal walk, {} events", walk.len()));
            group.side("hand-written match", || {
                walk_match(black_box(walk), &mut super::Discard)
            });
            group.side("hand-written match, out of line", || {
                walk_out_of_line(black_box(walk), &mut super::Discard)
            });
            group.side("tcp-fsm runtime::step", || {
                walk_step(black_box(walk), &mut super::Discard)
            });
            group.side("tcp-fsm Machine::handle", || {
                walk_machine(black_box(walk), &mut super::Discard)
            });
            group.side("rust-fsm consume", || {
                walk_rust_fsm(black_box(&walk_r), &mut super::Discard)
            });
            group.side("smlang process_event", || {
                walk_smlang(black_box(&walk_m), &mut super::Discard)
            });
            group.side("statig handle", || {
                walk_statig(black_box(&walk_s), &mut super::Discard)
            });
            group.finish();

            let mut group =
                super::Group::new(c, format!("{machine} mixed pairs, {} pairs", pairs.len()));
            group.side("hand-written match", || {
                pairs_match(black_box(pairs), &mut super::Discard)
            });
            group.side("hand-written match, out of line", || {
                pairs_out_of_line(black_box(pairs), &mut super::Discard)
            });
            group.side("tcp-fsm runtime::step", || {
                pairs_step(black_box(pairs), &mut super::Discard)
            });
            group.side("tcp-fsm Machine::handle", || {
                pairs_machine(black_box(pairs), &mut super::Discard)
            });
            group.side("rust-fsm consume", || {
                pairs_rust_fsm(black_box(&pairs_r), &mut super::Discard)
            });
            group.side("smlang process_event", || {
                pairs_smlang(black_box(&pairs_m), &mut super::Discard)
            });
            group.side("statig handle", || {
                pairs_statig(black_box(&pairs_s), &mut super::Discard)
            });
            group.finish();
        }
    };
}

/// One group of sides: timed by criterion, or, when `PEERS_COUNT` is set, one side run a
/// fixed number of times so that callgrind can count its instructions
/// (`scripts/step-instructions.sh`). `PEERS_COUNT=REPEAT` and `PEERS_SIDE=GROUP/SIDE`
/// (criterion's names) select the side; every other side is skipped.
enum Group<'a> {
    Timed(criterion::BenchmarkGroup<'a, criterion::measurement::WallTime>),
    Counted { name: String },
}

impl Group<'_> {
    fn new(c: &mut Criterion, name: String) -> Group<'_> {
        if std::env::var_os("PEERS_COUNT").is_some() {
            Group::Counted { name }
        } else {
            Group::Timed(c.benchmark_group(name))
        }
    }

    fn side<R>(&mut self, side: &str, mut run: impl FnMut() -> R) {
        match self {
            Group::Timed(group) => {
                group.bench_function(side, |b| b.iter(&mut run));
            }
            Group::Counted { name } => {
                let wanted = std::env::var("PEERS_SIDE").unwrap_or_default();
                if wanted == format!("{name}/{side}") {
                    let repeat: usize = std::env::var("PEERS_COUNT")
                        .ok()
                        .and_then(|n| n.parse().ok())
                        .expect("PEERS_COUNT is a number of repetitions");
                    for _ in 0..repeat {
                        black_box(run());
                    }
                }
            }
        }
    }

    fn finish(self) {
        if let Group::Timed(group) = self {
            group.finish();
        }
    }
}

/// What a side does with the state and output after each event.
trait Sink<S, O> {
    fn take(&mut self, state: S, output: Option<O>);
}

/// While timing: keeps each result alive, and nothing else.
struct Discard;

impl<S, O> Sink<S, O> for Discard {
    #[inline(always)]
    fn take(&mut self, state: S, output: Option<O>) {
        black_box((state, output));
    }
}

/// While checking: every state and output, by name (every side names them as the spec's
/// runtime API does).
struct Trace(Vec<String>);

impl<S: Debug, O: Debug> Sink<S, O> for Trace {
    fn take(&mut self, state: S, output: Option<O>) {
        self.0.push(format!("{state:?} {output:?}"));
    }
}

fn trace(side: impl FnOnce(&mut Trace)) -> Vec<String> {
    let mut trace = Trace(Vec::new());
    side(&mut trace);
    trace.0
}

/// Panics unless `side` gives the `expected` states and outputs, naming the first difference.
fn agree(machine: &str, side: &str, expected: &[String], run: impl FnOnce(&mut Trace)) {
    let got = trace(run);
    assert_eq!(got.len(), expected.len(), "{machine}, {side}: length");
    if let Some(i) = (0..got.len()).find(|&i| got[i] != expected[i]) {
        panic!(
            "{machine}, {side}: event {i} gives `{}`, the match `{}`",
            got[i], expected[i]
        );
    }
}

/// The TCP machine.
mod tcp {
    pub use tcp_fsm::runtime;

    include!("tcp/hand_written.rs");

    /// How the connection was opened, for the guarded reset in SYN-RECEIVED.
    pub const GUARDS: tcp_fsm::Opened = tcp_fsm::Opened::Passive;

    pub mod with_rust_fsm {
        include!("peers/tcp_rust_fsm.rs");
    }

    pub mod with_smlang {
        include!("peers/tcp_smlang.rs");

        /// The context: what the last transition sent, and how the connection was opened.
        pub struct Connection {
            pub sent: Option<Output>,
            pub passive: bool,
        }

        pub fn context() -> Connection {
            Connection {
                sent: None,
                passive: true,
            }
        }

        impl StateMachineContext for Connection {
            fn passive_open(&self) -> Result<bool, ()> {
                Ok(self.passive)
            }

            fn active_open(&self) -> Result<bool, ()> {
                Ok(!self.passive)
            }

            fn send_syn(&mut self) -> Result<(), ()> {
                self.sent = Some(Output::Syn);
                Ok(())
            }

            fn send_rst(&mut self) -> Result<(), ()> {
                self.sent = Some(Output::Rst);
                Ok(())
            }

            fn send_syn_ack(&mut self) -> Result<(), ()> {
                self.sent = Some(Output::SynAck);
                Ok(())
            }

            fn send_ack(&mut self) -> Result<(), ()> {
                self.sent = Some(Output::Ack);
                Ok(())
            }

            fn send_fin(&mut self) -> Result<(), ()> {
                self.sent = Some(Output::Fin);
                Ok(())
            }
        }
    }

    pub mod with_statig {
        use statig::prelude::*;

        include!("peers/tcp_statig.rs");

        /// The machine's shared storage: how the connection was opened.
        pub struct Connection {
            passive: bool,
        }

        pub fn storage() -> Connection {
            Connection { passive: true }
        }

        impl Connection {
            fn passive_open(&self) -> bool {
                self.passive
            }

            fn active_open(&self) -> bool {
                !self.passive
            }
        }
    }

    include!("peers/tcp_names.rs");

    sides!(tcp);

    /// Connection lifecycles, each from CLOSED back to CLOSED (RFC 793 Figures 6, 7, 9, 12,
    /// 13; the reset of Figure 9 as after a passive open).
    const LIFECYCLES: [&[Event]; 6] = {
        use Event::*;
        [
            // Client: open, data, active close through FIN-WAIT-2 and TIME-WAIT.
            &[
                ActiveOpen,
                RcvSynAck,
                Send,
                RcvAck,
                Close,
                RcvAck,
                RcvFin,
                Timeout2msl,
            ],
            // Server: open, data, passive close through CLOSE-WAIT and LAST-ACK.
            &[
                PassiveOpen,
                RcvSyn,
                RcvAck,
                Send,
                RcvAck,
                RcvFin,
                Close,
                RcvAck,
            ],
            // Simultaneous close through CLOSING.
            &[ActiveOpen, RcvSynAck, Close, RcvFin, RcvAck, Timeout2msl],
            // Our FIN and theirs acknowledged at once.
            &[ActiveOpen, RcvSynAck, Close, RcvFinAck, Timeout2msl],
            // A reset in SYN-RECEIVED returns to LISTEN; the listener closes.
            &[PassiveOpen, RcvSyn, RcvRst, Close],
            // An abort.
            &[PassiveOpen, RcvSyn, RcvAck, Abort],
        ]
    };

    /// `count` events of lifecycles picked by a xorshift generator.
    pub fn legal_walk(count: usize) -> Vec<Event> {
        let mut walk = Vec::with_capacity(count + 8);
        let mut random = super::Xorshift::new();
        while walk.len() < count {
            walk.extend_from_slice(LIFECYCLES[random.below(LIFECYCLES.len())]);
        }
        walk.truncate(count);
        walk
    }
}

/// The 1,000-transition machine of `benches/large`.
mod large {
    tcp_fsm_macros::fsm!("benches/large/spec.toml");

    include!("large/hand_written.rs");

    /// The spec has no guards.
    pub const GUARDS: () = ();

    pub mod with_rust_fsm {
        include!("peers/large_rust_fsm.rs");
    }

    pub mod with_smlang {
        include!("peers/large_smlang.rs");

        /// The context: what the last transition sent.
        pub struct Connection {
            pub sent: Option<Output>,
        }

        pub fn context() -> Connection {
            Connection { sent: None }
        }

        impl StateMachineContext for Connection {
            fn send_out0(&mut self) -> Result<(), ()> {
                self.sent = Some(Output::Out0);
                Ok(())
            }

            fn send_out1(&mut self) -> Result<(), ()> {
                self.sent = Some(Output::Out1);
                Ok(())
            }

            fn send_out2(&mut self) -> Result<(), ()> {
                self.sent = Some(Output::Out2);
                Ok(())
            }

            fn send_out3(&mut self) -> Result<(), ()> {
                self.sent = Some(Output::Out3);
                Ok(())
            }
        }
    }

    pub mod with_statig {
        use statig::prelude::*;

        include!("peers/large_statig.rs");

        /// The machine's shared storage: nothing.
        pub struct Connection;

        pub fn storage() -> Connection {
            Connection
        }
    }

    include!("peers/large_names.rs");

    sides!(large);

    /// `count` legal events from the initial state, each picked by a xorshift generator
    /// among the events legal in the state reached.
    pub fn legal_walk(count: usize) -> Vec<Event> {
        let mut random = super::Xorshift::new();
        let mut state = State::INITIAL;
        (0..count)
            .map(|_| {
                let legal = state.legal_events();
                let event = legal[random.below(legal.len())];
                state = hand_written_step(state, event).expect("a legal event").0;
                event
            })
            .collect()
    }
}

/// A xorshift generator, so that every side and every run sees the same input.
struct Xorshift(u32);

impl Xorshift {
    fn new() -> Xorshift {
        Xorshift(0x9E37_79B9)
    }

    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0 as usize
    }

    /// A number in `0..bound`.
    fn below(&mut self, bound: usize) -> usize {
        self.next() % bound
    }
}

/// `count` pseudo-random pairs, the same generator as the `step` benchmark's.
fn pairs<S: Copy, E: Copy>(states: &[S], events: &[E], count: usize) -> Vec<(S, E)> {
    let mut random = Xorshift::new();
    (0..count)
        .map(|_| {
            let seed = random.next();
            (
                states[seed % states.len()],
                events[(seed >> 8) % events.len()],
            )
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    for table in [source::tcp(), source::large()] {
        for (name, text) in table.files() {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("benches/peers")
                .join(&name);
            let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                checked_in == text,
                "benches/peers/{name} is stale: run `cargo run -p tcp-fsm --example peer_machines`"
            );
        }
    }
    let tcp_pairs = pairs(&tcp::runtime::State::ALL, &tcp::runtime::Event::ALL, 1024);
    tcp::bench(c, "TCP", &tcp::legal_walk(1024), &tcp_pairs);
    let large_pairs = pairs(
        &large::runtime::State::ALL,
        &large::runtime::Event::ALL,
        1024,
    );
    large::bench(
        c,
        "1,000-transition",
        &large::legal_walk(1024),
        &large_pairs,
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
