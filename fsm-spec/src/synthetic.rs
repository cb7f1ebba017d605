//! Synthetic specs of any size, for benchmarks and scaling tests.

use std::fmt::Write;

/// A valid spec text with `states` states and `events` events in which every state handles
/// every event: `states * events` transitions. Event `e0` walks a ring through all states, so
/// every state is reachable; the other events jump around the ring deterministically.
///
/// ```
/// let text = fsm_spec::synthetic::spec_text(100, 10);
/// let spec = fsm_spec::Spec::from_source(&fsm_spec::SourceFile::new("big.toml", text)).unwrap();
/// assert_eq!(spec.transitions.len(), 1_000);
/// ```
pub fn spec_text(states: usize, events: usize) -> String {
    let states = states.max(1);
    let mut text = header("Synthetic", states, events, "call", 70);
    for s in 0..states {
        for e in 0..events {
            let to = if e == 0 {
                (s + 1) % states
            } else {
                (s * 31 + e * 17) % states
            };
            let _ = writeln!(
                text,
                "[[transition]]\nfrom = \"S{s}\"\nevent = \"e{e}\"\nto = \"S{to}\"\ncite = \"synthetic\"\n"
            );
        }
    }
    text
}

/// A valid spec text shaped more like a protocol than [`spec_text`]: `states` states and
/// `events` events (at least 3), where each state handles all but two events (so
/// `states * (events - 2)` transitions and some illegal pairs), and a third of the
/// transitions send one of four outputs (`OUT0` to `OUT3`). Event `e0` walks a ring through
/// all states, so every state is reachable.
///
/// ```
/// let text = fsm_spec::synthetic::protocol_text(125, 10);
/// let spec = fsm_spec::Spec::from_source(&fsm_spec::SourceFile::new("p.toml", text)).unwrap();
/// assert_eq!(spec.transitions.len(), 1_000);
/// assert!(spec.transitions.iter().any(|t| t.send.as_deref() == Some("OUT2")));
/// ```
pub fn protocol_text(states: usize, events: usize) -> String {
    let states = states.max(1);
    let events = events.max(3);
    let mut text = header("Protocol", states, events, "receive", 80);
    let others = events - 1;
    for s in 0..states {
        // Two distinct events other than `e0` are illegal in each state.
        let skipped = [1 + s % others, 1 + (s + others / 2) % others];
        for e in (0..events).filter(|e| !skipped.contains(e)) {
            let to = if e == 0 {
                (s + 1) % states
            } else {
                (s * 31 + e * 17) % states
            };
            let _ = write!(
                text,
                "[[transition]]\nfrom = \"S{s}\"\nevent = \"e{e}\"\nto = \"S{to}\"\ncite = \"synthetic\"\n"
            );
            if (s * 7 + e) % 3 == 0 {
                let _ = writeln!(text, "send = \"OUT{}\"", (s + e) % 4);
            }
            text.push('\n');
        }
    }
    text
}

/// The `[machine]`, `[states.S*]` and `[events.e*]` tables the generators share, in a string
/// with room for the transitions (`bytes_per_transition` each).
fn header(
    machine: &str,
    states: usize,
    events: usize,
    kind: &str,
    bytes_per_transition: usize,
) -> String {
    let mut text = String::with_capacity(states * events * bytes_per_transition);
    let _ = writeln!(text, "[machine]\nname = \"{machine}\"\ninitial = \"S0\"\n");
    for s in 0..states {
        let _ = writeln!(text, "[states.S{s}]\ndoc = \"state {s}\"\n");
    }
    for e in 0..events {
        let _ = writeln!(text, "[events.e{e}]\nkind = \"{kind}\"\n");
    }
    text
}
