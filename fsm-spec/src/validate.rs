//! Checks on a parsed spec that need the whole model: duplicate and non-deterministic
//! transitions.

use crate::diagnostic::Problem;
use crate::model::{Spec, Transition};
use crate::source::{SourceFile, Span};
use std::collections::HashMap;

/// Reports each transition that repeats or is indistinguishable from an earlier one with the
/// same `from` and `event`; the earlier one is named by its line.
pub(crate) fn validate(spec: &Spec, source: &SourceFile, problems: &mut Vec<(Problem, Span)>) {
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
