//! Where two specs over the same events disagree: the shortest runs of events after which
//! the two machines reach differently named states, send different outputs, or one has a
//! transition where the other has none.
//!
//! The search is breadth first over the product of the two machines, so each difference is
//! found by a shortest run. Events are matched by name (or alias); those only one spec has
//! are left out and listed. A run is not followed past a step that takes the two machines to
//! differently named states (from there on everything may differ); past a step whose only
//! difference is the output, it is.
//!
//! | # | rule |
//! |---|------|
//! | D1 | What an event does in a state: its transition (`to` and `send`); a `[[no_transition]]` entry stays and sends nothing; with neither, the event has no transition there. |
//! | D2 | Two outcomes agree when both have no transition, or both go to states of the same name (compared loosely, as `SYN-SENT` and `SynSent`) and send the same signals (`fsm_spec::output::same`). |
//! | D3 | Guards: a guard that names a call event of its spec holds when that call is the most recent call of the run since the machine last entered its initial state (the rule `tcp-engine`'s interpreter applies to `passive_open` and `active_open`); failing that, the unguarded transition is taken; failing that, each guarded transition is an alternative, and the run goes on with each, labelled with its guard. |

use crate::model::{EventId, EventKind, Spec, StateId};
use crate::naming::case::loose_key;
use std::collections::{HashSet, VecDeque};

/// What one machine did on one step of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(serde::Serialize))]
pub struct Step {
    /// The state after the step; `None` when the event has no transition.
    pub to: Option<String>,
    /// What the step sends.
    pub send: Option<String>,
    /// The guard of the transition taken, if it has one and no call decided it (D3).
    pub guard: Option<String>,
}

/// A run of one machine: its initial state and each step.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(serde::Serialize))]
pub struct Run {
    pub initial: String,
    pub steps: Vec<Step>,
}

/// What differs on a difference's last step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "json",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
pub enum Differs {
    /// One machine has a transition, the other none.
    Transition,
    /// The states reached have different names.
    State,
    /// The same state, different outputs.
    Send,
}

/// One difference: a shortest run of events and what each machine did on it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(serde::Serialize))]
pub struct Difference {
    /// The events, by name.
    pub events: Vec<String>,
    pub differs: Differs,
    /// The first spec's run.
    pub a: Run,
    /// The second spec's run.
    pub b: Run,
}

/// Every difference, shortest runs first, and the events left out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "json", derive(serde::Serialize))]
pub struct Comparison {
    pub differences: Vec<Difference>,
    /// Events only the first spec has.
    pub only_in_a: Vec<String>,
    /// Events only the second spec has.
    pub only_in_b: Vec<String>,
}

/// The calls since the initial state was last entered, most recent last, each once (D3).
type History = Vec<EventId>;

/// One machine's position: its state and its history.
type Position = (StateId, History);

/// What a machine may do with an event at a position: each alternative's step and the
/// position after it (none when it has no transition).
fn outcomes(spec: &Spec, (state, history): &Position, event: EventId) -> Vec<(Step, Position)> {
    let stay = |step| vec![(step, (*state, history.clone()))];
    let transitions: Vec<_> = spec.transitions_on(*state, event).collect();
    if transitions.is_empty() {
        let step = match spec.no_transition(*state, event) {
            Some(_) => Step {
                to: Some(spec.state(*state).name.clone()),
                send: None,
                guard: None,
            },
            None => Step {
                to: None,
                send: None,
                guard: None,
            },
        };
        return stay(step);
    }
    let by_history = history.iter().rev().find_map(|&call| {
        let name = &spec.event(call).name;
        transitions
            .iter()
            .find(|t| t.guard.as_deref() == Some(name.as_str()))
    });
    let chosen: Vec<_> = match by_history.or_else(|| transitions.iter().find(|t| t.guard.is_none()))
    {
        Some(t) => vec![(*t, false)],
        None => transitions.iter().map(|t| (*t, true)).collect(),
    };
    chosen
        .into_iter()
        .map(|(t, labelled)| {
            let mut after = history.clone();
            if t.to == spec.machine.initial {
                after.clear();
            } else if spec.event(t.event).kind == EventKind::Call {
                after.retain(|&e| e != t.event);
                after.push(t.event);
            }
            let step = Step {
                to: Some(spec.state(t.to).name.clone()),
                send: t.send.clone(),
                guard: t.guard.clone().filter(|_| labelled),
            };
            (step, (t.to, after))
        })
        .collect()
}

/// Rule D2: whether two steps agree, and if not, how they differ.
fn compare(a: &Step, b: &Step) -> Option<Differs> {
    match (&a.to, &b.to) {
        (None, None) => None,
        (None, _) | (_, None) => Some(Differs::Transition),
        (Some(x), Some(y)) if loose_key(x) != loose_key(y) => Some(Differs::State),
        _ if !crate::output::same(a.send.as_deref(), b.send.as_deref()) => Some(Differs::Send),
        _ => None,
    }
}

/// A difference's key: both states, the event and both guard labels.
type Reported = (StateId, StateId, EventId, Option<String>, Option<String>);

/// A node of the product search, with the run that reached it.
struct Node {
    a: Position,
    b: Position,
    events: Vec<EventId>,
    run_a: Vec<Step>,
    run_b: Vec<Step>,
}

/// The differences between `a` and `b` (module docs), at most `limit` of them.
pub fn compare_specs(a: &Spec, b: &Spec, limit: usize) -> Comparison {
    let shared: Vec<(EventId, EventId)> = a
        .event_ids()
        .filter_map(|e| Some((e, b.event_named_loosely(&a.event(e).name)?)))
        .collect();
    let only_in_a = a
        .event_ids()
        .filter(|e| !shared.iter().any(|(x, _)| x == e))
        .map(|e| a.event(e).name.clone())
        .collect();
    let only_in_b = b
        .event_ids()
        .filter(|e| !shared.iter().any(|(_, y)| y == e))
        .map(|e| b.event(e).name.clone())
        .collect();
    let mut differences = Vec::new();
    // A difference is reported once per pair of states and event (the first run to reach it
    // is a shortest one); the guard labels tell alternatives apart.
    let mut reported: HashSet<Reported> = HashSet::new();
    let start = Node {
        a: (a.machine.initial, Vec::new()),
        b: (b.machine.initial, Vec::new()),
        events: Vec::new(),
        run_a: Vec::new(),
        run_b: Vec::new(),
    };
    let mut seen: HashSet<(Position, Position)> =
        HashSet::from([(start.a.clone(), start.b.clone())]);
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for &(ea, eb) in &shared {
            for (step_a, after_a) in outcomes(a, &node.a, ea) {
                for (step_b, after_b) in outcomes(b, &node.b, eb) {
                    let differs = compare(&step_a, &step_b);
                    let mut events = node.events.clone();
                    events.push(ea);
                    let mut run_a = node.run_a.clone();
                    run_a.push(step_a.clone());
                    let mut run_b = node.run_b.clone();
                    run_b.push(step_b.clone());
                    if let Some(differs) = differs {
                        let key = (
                            node.a.0,
                            node.b.0,
                            ea,
                            step_a.guard.clone(),
                            step_b.guard.clone(),
                        );
                        if reported.insert(key) && differences.len() < limit {
                            differences.push(Difference {
                                events: events.iter().map(|&e| a.event(e).name.clone()).collect(),
                                differs,
                                a: Run {
                                    initial: a.initial_state().name.clone(),
                                    steps: run_a.clone(),
                                },
                                b: Run {
                                    initial: b.initial_state().name.clone(),
                                    steps: run_b.clone(),
                                },
                            });
                        }
                    }
                    let follow = matches!(differs, None | Some(Differs::Send))
                        && step_a.to.is_some()
                        && seen.insert((after_a.clone(), after_b.clone()));
                    if follow {
                        queue.push_back(Node {
                            a: after_a.clone(),
                            b: after_b,
                            events,
                            run_a,
                            run_b,
                        });
                    }
                }
            }
        }
    }
    Comparison {
        differences,
        only_in_a,
        only_in_b,
    }
}

impl Run {
    /// The run as one line: `CLOSED --open--> OPEN --close / FIN--> CLOSED`, `-x`
    /// for an event without a transition.
    pub fn line(&self, events: &[String]) -> String {
        let mut line = self.initial.clone();
        for (event, step) in events.iter().zip(&self.steps) {
            let guard = step
                .guard
                .as_ref()
                .map(|g| format!(" [{g}]"))
                .unwrap_or_default();
            let send = step
                .send
                .as_ref()
                .map(|s| format!(" / {s}"))
                .unwrap_or_default();
            match &step.to {
                Some(to) => line.push_str(&format!(" --{event}{guard}{send}--> {to}")),
                None => line.push_str(&format!(" --{event}--x (no transition)")),
            }
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SourceFile;

    fn spec(transitions: &str) -> Spec {
        let text = format!(
            "[machine]\nname = \"Door\"\ninitial = \"SHUT\"\n\n[states.SHUT]\n[states.OPEN]\n\
             [states.LOCKED]\n\n[events.open]\nkind = \"call\"\n[events.close]\nkind = \"call\"\n\
             [events.lock]\nkind = \"call\"\n\n{transitions}"
        );
        Spec::from_source(&SourceFile::new("door.toml", text)).unwrap()
    }

    const DOOR: &str = "[[transition]]\nfrom = \"SHUT\"\nevent = \"open\"\nto = \"OPEN\"\n\n\
        [[transition]]\nfrom = \"OPEN\"\nevent = \"close\"\nto = \"SHUT\"\nsend = \"BANG\"\n\n\
        [[transition]]\nfrom = \"SHUT\"\nevent = \"lock\"\nto = \"LOCKED\"\n";

    #[test]
    fn a_spec_agrees_with_itself() {
        let door = spec(DOOR);
        assert_eq!(compare_specs(&door, &door, 100), Comparison::default());
    }

    #[test]
    fn a_different_output_is_found_by_its_shortest_run() {
        let quiet = spec(&DOOR.replace("send = \"BANG\"\n", ""));
        let diff = compare_specs(&spec(DOOR), &quiet, 100);
        assert_eq!(diff.differences.len(), 1, "{diff:?}");
        let d = &diff.differences[0];
        assert_eq!(d.events, ["open", "close"]);
        assert_eq!(d.differs, Differs::Send);
        assert_eq!(
            d.a.line(&d.events),
            "SHUT --open--> OPEN --close / BANG--> SHUT"
        );
        assert_eq!(d.b.line(&d.events), "SHUT --open--> OPEN --close--> SHUT");
    }

    #[test]
    fn a_missing_transition_and_another_target_are_differences() {
        let other = spec(&DOOR.replace(
            "from = \"SHUT\"\nevent = \"lock\"\nto = \"LOCKED\"",
            "from = \"OPEN\"\nevent = \"lock\"\nto = \"LOCKED\"",
        ));
        let diff = compare_specs(&spec(DOOR), &other, 100);
        let kinds: Vec<(Vec<String>, Differs)> = diff
            .differences
            .iter()
            .map(|d| (d.events.clone(), d.differs))
            .collect();
        assert_eq!(
            kinds,
            [
                (vec!["lock".to_string()], Differs::Transition),
                (vec!["open".into(), "lock".into()], Differs::Transition),
            ]
        );
        let moved = spec(&DOOR.replace("to = \"LOCKED\"", "to = \"OPEN\""));
        let diff = compare_specs(&spec(DOOR), &moved, 100);
        assert_eq!(diff.differences[0].differs, Differs::State);
        assert_eq!(diff.differences.len(), 1, "not followed past the split");
    }

    #[test]
    fn a_no_transition_entry_stays_silently() {
        let stays = spec(&format!(
            "{DOOR}\n[[transition]]\nfrom = \"OPEN\"\nevent = \"open\"\nto = \"OPEN\"\n"
        ));
        let declared = spec(&format!(
            "{DOOR}\n[[no_transition]]\nfrom = \"OPEN\"\nevent = \"open\"\nkind = \"impossible\"\ncite = \"-\"\n"
        ));
        assert!(compare_specs(&stays, &declared, 100).differences.is_empty());
        assert_eq!(compare_specs(&stays, &spec(DOOR), 100).differences.len(), 1);
    }

    #[test]
    fn guards_follow_the_most_recent_call() {
        // LOCKED + open: back to SHUT when the door was opened before, else stays guarded.
        let guarded = format!(
            "{DOOR}\n[[transition]]\nfrom = \"LOCKED\"\nevent = \"close\"\nto = \"SHUT\"\nguard = \"open\"\n\n\
             [[transition]]\nfrom = \"LOCKED\"\nevent = \"close\"\nto = \"OPEN\"\nguard = \"lock\"\n"
        );
        let plain = format!(
            "{DOOR}\n[[transition]]\nfrom = \"LOCKED\"\nevent = \"close\"\nto = \"OPEN\"\n"
        );
        let diff = compare_specs(&spec(&guarded), &spec(&plain), 100);
        // After `lock` the guard `lock` holds: OPEN in both. After `open, close, lock` the
        // most recent call is `lock` too. No run makes `open` the most recent call in
        // LOCKED, so no difference.
        assert!(diff.differences.is_empty(), "{diff:?}");
        // Guards that name no call decide nothing: each is an alternative, labelled.
        let undecided = guarded
            .replace("guard = \"open\"", "guard = \"hot\"")
            .replace("guard = \"lock\"", "guard = \"cold\"");
        let diff = compare_specs(&spec(&undecided), &spec(&plain), 100);
        assert_eq!(diff.differences.len(), 1, "{diff:?}");
        let d = &diff.differences[0];
        assert_eq!(
            d.a.line(&d.events),
            "SHUT --lock--> LOCKED --close [hot]--> SHUT"
        );
    }

    #[test]
    fn events_only_one_spec_has_are_listed_and_left_out() {
        let text = "[machine]\nname = \"Door\"\ninitial = \"SHUT\"\n\n[states.SHUT]\n[states.OPEN]\n\n\
             [events.open]\nkind = \"call\"\n[events.kick]\nkind = \"call\"\n\n\
             [[transition]]\nfrom = \"SHUT\"\nevent = \"open\"\nto = \"OPEN\"\n\n\
             [[transition]]\nfrom = \"SHUT\"\nevent = \"kick\"\nto = \"OPEN\"\n";
        let other = Spec::from_source(&SourceFile::new("o.toml", text.to_string())).unwrap();
        let diff = compare_specs(&spec(DOOR), &other, 100);
        assert_eq!(diff.only_in_a, ["close", "lock"]);
        assert_eq!(diff.only_in_b, ["kick"]);
        assert!(diff.differences.is_empty(), "{diff:?}");
    }
}
