//! Checks on a parsed spec that need the whole model: names that must be unique, Rust names
//! (the rules are in [`crate::naming`]), duplicate and non-deterministic transitions,
//! readings of contradictions, and `[[no_transition]]` entries. Parsing only builds the model.

use crate::diagnostic::Problem;
use crate::model::{Contradiction, Spec, Transition};
use crate::source::{SourceFile, Span};
use crate::suggest::nearest;
use std::collections::HashMap;

type Problems = Vec<(Problem, Span)>;

/// Runs every whole-model check.
pub(crate) fn validate(spec: &Spec, source: &SourceFile, problems: &mut Problems) {
    check_unique_names(spec, problems);
    crate::naming::check(spec, problems);
    check_readings(&spec.contradictions, &spec.transitions, problems);
    check_no_transitions(spec, problems);
    check_transitions(spec, source, problems);
    check_state_data(spec, problems);
    check_diagram_tag(spec, problems);
}

/// A diagram of no arc would be an empty picture: the tag must be on some transition.
fn check_diagram_tag(spec: &Spec, problems: &mut Problems) {
    if let Some((tag, span)) = &spec.machine.diagram_tag
        && !spec.transitions.iter().any(|t| t.has_tag(tag))
    {
        problems.push((Problem::UnusedDiagramTag { tag: tag.clone() }, *span));
    }
}

/// A handle is created in the initial state with nothing but its own data, and a state that
/// holds data is entered with data made from what the transition has: the data of the state
/// it leaves, the event's payload, or both. With neither there is nothing to make it from.
fn check_state_data(spec: &Spec, problems: &mut Problems) {
    let initial = spec.initial_state();
    if let Some(data) = &initial.data {
        let problem = Problem::InitialStateData {
            state: initial.name.clone(),
            data: data.value.clone(),
        };
        problems.push((problem, data.span));
    }
    for t in &spec.transitions {
        let (from, to, event) = (spec.state(t.from), spec.state(t.to), spec.event(t.event));
        if let (Some(data), None, None) = (&to.data, &from.data, &event.payload) {
            let problem = Problem::NothingToEnterWith {
                from: from.name.clone(),
                event: event.name.clone(),
                to: to.name.clone(),
                data: data.value.clone(),
            };
            problems.push((problem, t.span));
        }
    }
}

/// Names and aliases must each point at one state.
fn check_unique_names(spec: &Spec, problems: &mut Problems) {
    let mut owners: HashMap<&str, &str> = HashMap::new();
    for state in &spec.states {
        let aliases = state.aliases.iter().map(String::as_str);
        let names = std::iter::once((state.name.as_str(), state.span))
            .chain(aliases.zip(state.alias_spans.iter().copied()));
        for (name, span) in names {
            match owners.get(name) {
                // An alias repeating its own state's name is harmless.
                Some(owner) if *owner == state.name => {}
                Some(owner) => problems.push((
                    Problem::DuplicateName {
                        name: name.to_string(),
                        first: owner.to_string(),
                        second: state.name.clone(),
                    },
                    span,
                )),
                None => {
                    owners.insert(name, &state.name);
                }
            }
        }
    }
}

/// Reports each transition that repeats or is indistinguishable from an earlier one with the
/// same `from` and `event`; the earlier one is named by its line.
fn check_transitions(spec: &Spec, source: &SourceFile, problems: &mut Problems) {
    let mut seen: HashMap<_, Vec<&Transition>> = HashMap::new();
    let mut counts: HashMap<_, usize> = HashMap::new();
    for t in &spec.transitions {
        *counts.entry((t.from, t.event)).or_default() += 1;
    }
    for transition in &spec.transitions {
        let key = (transition.from, transition.event);
        let earlier = seen.entry(key).or_default();
        if let Some(problem) = conflict(spec, source, transition, earlier, counts[&key]) {
            problems.push((problem, transition.span));
        }
        earlier.push(transition);
    }
}

fn conflict(
    spec: &Spec,
    source: &SourceFile,
    transition: &Transition,
    earlier: &[&Transition],
    count: usize,
) -> Option<Problem> {
    let state = || spec.state(transition.from).name.clone();
    let event = || spec.event(transition.event).name.clone();
    for other in earlier {
        if are_rival_readings(transition, other) {
            continue;
        }
        let first_line = source.location(other.span.start).line;
        if other.to == transition.to && other.guard == transition.guard {
            let to = spec.state(transition.to).name.clone();
            return Some(Problem::DuplicateTransition {
                state: state(),
                event: event(),
                to,
                first_line,
            });
        }
        let reason = match (&transition.guard, &other.guard) {
            (None, _) => format!("no guard (another is on line {first_line})"),
            (Some(_), None) => format!("a guard but the one on line {first_line} has none"),
            (Some(mine), Some(theirs)) if mine == theirs => {
                format!("the same guard `{mine}` as the one on line {first_line}")
            }
            _ => continue,
        };
        return Some(Problem::NonDeterministic {
            state: state(),
            event: event(),
            count,
            reason,
        });
    }
    None
}

/// Two readings of one contradiction are alternatives, not a choice the machine makes.
fn are_rival_readings(a: &Transition, b: &Transition) -> bool {
    match (&a.reading, &b.reading) {
        (Some(a), Some(b)) => a.contradiction == b.contradiction && a.name != b.name,
        _ => false,
    }
}

/// Every reading names a declared contradiction; each contradiction has readings, and on
/// each `from`, `event` and `guard` it covers there are at least two, with distinct names.
fn check_readings(
    contradictions: &[Contradiction],
    transitions: &[Transition],
    problems: &mut Problems,
) {
    for t in transitions {
        let Some(reading) = &t.reading else { continue };
        if !contradictions.iter().any(|c| c.id == reading.contradiction) {
            let suggestion = nearest(
                &reading.contradiction,
                contradictions.iter().map(|c| c.id.as_str()),
            );
            let problem = Problem::UnknownContradiction {
                id: reading.contradiction.clone(),
                suggestion,
            };
            problems.push((problem, t.span));
        }
    }
    for contradiction in contradictions {
        let mut cells: Vec<Vec<&Transition>> = Vec::new();
        let readings = transitions.iter().filter(|t| {
            t.reading
                .as_ref()
                .is_some_and(|r| r.contradiction == contradiction.id)
        });
        for t in readings {
            let cell = (t.from, t.event, &t.guard);
            match cells
                .iter_mut()
                .find(|c| (c[0].from, c[0].event, &c[0].guard) == cell)
            {
                Some(cell) => cell.push(t),
                None => cells.push(vec![t]),
            }
        }
        if cells.is_empty() {
            let problem = Problem::TooFewReadings {
                id: contradiction.id.clone(),
                count: 0,
            };
            problems.push((problem, contradiction.span));
        }
        for cell in cells {
            check_cell_readings(&contradiction.id, &cell, problems);
        }
    }
}

fn check_cell_readings(id: &str, cell: &[&Transition], problems: &mut Problems) {
    let name = |t: &Transition| {
        t.reading
            .as_ref()
            .map(|r| r.name.clone())
            .unwrap_or_default()
    };
    if cell.len() < 2 {
        let problem = Problem::TooFewReadings {
            id: id.to_string(),
            count: cell.len(),
        };
        problems.push((problem, cell[0].span));
    }
    for (index, t) in cell.iter().enumerate() {
        if cell[..index].iter().any(|o| name(o) == name(t)) {
            let problem = Problem::DuplicateReading {
                id: id.to_string(),
                reading: name(t),
            };
            problems.push((problem, t.span));
        }
    }
}

/// A state and event has either transitions or one `[[no_transition]]` entry, not both.
fn check_no_transitions(spec: &Spec, problems: &mut Problems) {
    let (entries, transitions) = (&spec.no_transitions, &spec.transitions);
    for (index, entry) in entries.iter().enumerate() {
        let state = spec.state(entry.from).name.clone();
        let event = spec.event(entry.event).name.clone();
        let twice = entries[..index]
            .iter()
            .any(|e| e.from == entry.from && e.event == entry.event);
        let with_transition = transitions
            .iter()
            .any(|t| t.from == entry.from && t.event == entry.event);
        if twice || with_transition {
            let problem = Problem::NoTransitionConflict {
                state,
                event,
                with_transition,
            };
            problems.push((problem, entry.span));
        }
    }
}
