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
    let mut text = String::with_capacity(states * events * 70);
    text.push_str("[machine]\nname = \"Synthetic\"\ninitial = \"S0\"\n\n");
    for s in 0..states {
        let _ = writeln!(text, "[states.S{s}]\ndoc = \"state {s}\"\n");
    }
    for e in 0..events {
        let _ = writeln!(text, "[events.e{e}]\nkind = \"call\"\n");
    }
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
