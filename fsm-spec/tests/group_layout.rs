//! The built-in layout of random specs with random nested groups: every state stays out of
//! the boxes of groups it is not in and inside those it is in, nested boxes nest, no two
//! texts overlap. The case count follows `PROPTEST_CASES` (256 by default).

use fsm_spec::render::{Arcs, Options, svg};
use fsm_spec::{SourceFile, Spec};
use proptest::prelude::*;
use std::fmt::Write;

/// A spec of `states` states S0.. (S0 initial) and groups G0..: group `g`'s parent is a
/// later group or none, each state but S0 is in a group or at the top, and each transition
/// goes from a state or a group to a state or a group (one per `from` and event, so the spec
/// is valid).
fn spec_text(
    states: usize,
    parents: &[(usize, usize)],
    transitions: &[(usize, usize, usize)],
) -> String {
    let groups = parents.len();
    let mut members: Vec<Vec<String>> = vec![Vec::new(); groups];
    for s in 1..states {
        let (_, choice) = parents[s % groups];
        let g = (choice + s) % (groups + 1);
        if g < groups {
            members[g].push(format!("S{s}"));
        }
    }
    // Inner groups first, so that a group holding only empty groups is empty too.
    for (g, &(parent, _)) in parents.iter().enumerate() {
        let parent = g + 1 + parent % (groups - g).max(1);
        if parent < groups && !members[g].is_empty() {
            members[parent].push(format!("G{g}"));
        }
    }
    let mut text = String::from("[machine]\nname = \"Random\"\ninitial = \"S0\"\n");
    for s in 0..states {
        let _ = writeln!(text, "[states.S{s}]");
    }
    for (g, list) in members.iter().enumerate().filter(|(_, l)| !l.is_empty()) {
        let quoted: Vec<String> = list.iter().map(|m| format!("\"{m}\"")).collect();
        // Every group has an `initial`, its first member, so that a `to` may name it.
        let _ = writeln!(
            text,
            "[groups.G{g}]\nstates = [{}]\ninitial = {}",
            quoted.join(", "),
            quoted[0]
        );
    }
    for e in 0..3 {
        let _ = writeln!(text, "[events.e{e}]\nkind = \"call\"");
    }
    let mut declared = Vec::new();
    for &(from, event, to) in transitions {
        let from = match from.checked_sub(states) {
            Some(g) if !members[g % groups].is_empty() => format!("G{}", g % groups),
            _ => format!("S{}", from % states),
        };
        let event = event % 3;
        if declared.contains(&(from.clone(), event)) {
            continue;
        }
        declared.push((from.clone(), event));
        let to = match to.checked_sub(states) {
            Some(g) if !members[g % groups].is_empty() => format!("G{}", g % groups),
            _ => format!("S{}", to % states),
        };
        let _ = writeln!(
            text,
            "[[transition]]\nfrom = \"{from}\"\nevent = \"e{event}\"\nto = \"{to}\""
        );
    }
    text
}

proptest! {
    #[test]
    fn boxes_hold_their_states_and_no_other(
        states in 2usize..10,
        parents in proptest::collection::vec((0usize..4, 0usize..6), 1..5),
        transitions in proptest::collection::vec((0usize..14, 0usize..3, 0usize..14), 1..18),
    ) {
        let text = spec_text(states, &parents, &transitions);
        let Ok(spec) = Spec::from_source(&SourceFile::new("random.toml", text.clone())) else {
            return Ok(());
        };
        for arcs in [Arcs::All, Arcs::NoSelfLoops] {
            let options = Options { arcs, highlights: Vec::new() };
            prop_assert_eq!(svg::problems(&spec, &options), Vec::<String>::new(), "{}", text);
        }
    }
}
