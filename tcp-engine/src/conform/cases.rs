//! The test cases of a spec: for every transition, the shortest run of events from the
//! initial state that reaches its `from` state with its guard holding, then its event; the
//! expectation is its `to` and its `send`. Every `[[no_transition]]` entry is a case too
//! ("stays, sends nothing").
//!
//! | # | rule |
//! |---|------|
//! | C1 | A run is a list of events the spec allows one after the other from the initial state, with the guard rule of [`crate::interpreter`] (so SYN_RECEIVED is reached by a passive OPEN for the `passive_open` guard and by an active one for `active_open`). |
//! | C2 | Of the shortest runs, the one with the fewest transitions outside the spec's `figure6` arcs (the usual paths through a connection) and calls made where the passive OPEN's SYN leads (SYN-RECEIVED: the sockets API gives no handle on a passively opened connection before `accept`, and a CLOSE there may wait for the handshake, RFC 9293 3.10.4), then the first in the spec's event order. |
//! | C3 | A case is named `{from}_{event}`, plus `_{guard}` for a guarded transition, in lower case, as smoltcp names its tests (`syn_received_rcv_rst_passive_open`). |
//! | C4 | A transition whose `from` cannot be reached with its guard holding is a case without a run, with the reason. |

use super::ConformError;
use crate::binding::{Call, Key, Role};
use crate::interpreter::{Choice, History, Interpreter};
use fsm_spec::{EventId, EventKind, Spec, StateId};
use std::collections::HashSet;

/// What a case is made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// A transition to another state.
    Transition,
    /// A transition that keeps the state.
    SelfLoop,
    /// A `[[no_transition]]` entry: the state is kept and nothing is sent.
    NoTransition,
}

/// What the spec expects after the case's event.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Expected {
    /// The state after the event.
    pub to: String,
    /// What the spec sends (`SYN,ACK`), if anything.
    pub send: Option<String>,
}

/// One event of a run, with what it stands for on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A user call.
    Call(Call),
    /// A segment the peer sends.
    Receive(Key),
    /// The TIME-WAIT timeout (binding rule B7).
    TimeWait,
    /// Any other timeout: the user timeout.
    UserTimeout,
}

/// One test case.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Case {
    /// The case's name (rule C3).
    pub case: String,
    /// What it is made from.
    pub kind: CaseKind,
    /// The state the run reaches.
    pub from: String,
    /// The event tried there.
    pub event: String,
    /// The transition's guard.
    pub guard: Option<String>,
    /// The events leading from the initial state to `from`.
    pub prefix: Vec<String>,
    /// What the spec expects.
    pub expected: Expected,
    /// Why no run reaches `from` (rule C4).
    pub unreachable: Option<String>,
    /// The transition's index in the spec, if the case is one.
    #[serde(skip)]
    pub transition: Option<usize>,
    /// `prefix`, then the event, as steps.
    #[serde(skip)]
    pub steps: Vec<(EventId, Step)>,
}

/// A node of the search: a state and the calls that decide guards.
type Node = (StateId, History);

/// The step each event stands for (`None` for a receive event whose segment the harness
/// cannot build: it has no `segment`), or, when no receive event has one, the error that
/// names them all.
pub(crate) fn steps_of(machine: &Interpreter) -> Result<Vec<Option<Step>>, ConformError> {
    let spec = machine.spec();
    let binding = machine.binding();
    let mut unbound = Vec::new();
    let steps: Vec<Option<Step>> = spec
        .event_ids()
        .map(|e| {
            let role = Call::ALL
                .iter()
                .map(|&c| Role::Call(c))
                .chain(Key::ALL.iter().map(|&k| Role::Receive(k)))
                .find(|&r| binding.event(r) == Some(e));
            Some(match (spec.event(e).kind, role) {
                (_, Some(Role::Call(call))) => Step::Call(call),
                (_, Some(Role::Receive(key))) => Step::Receive(key),
                (EventKind::Timeout, _) if binding.reopening_timeout() == Some(e) => Step::TimeWait,
                (EventKind::Timeout, _) => Step::UserTimeout,
                (kind, None) => {
                    unbound.push(format!("{} ({})", spec.event(e).name, kind.as_str()));
                    return None;
                }
            })
        })
        .collect();
    let receives = steps.iter().any(|s| matches!(s, Some(Step::Receive(_))));
    match receives || unbound.is_empty() {
        true => Ok(steps),
        false => Err(ConformError::Unbound(unbound)),
    }
}

/// Every run of rule C1 by breadth-first search, each node reached by its best run (C2).
/// Runs are sorted by length, then by their count of arcs outside `figure6`, so the first
/// that fits is the one rule C2 picks.
fn runs(machine: &Interpreter, steps: &[Option<Step>]) -> Vec<(Node, Vec<EventId>)> {
    let spec = machine.spec();
    let binding = machine.binding();
    let target = |state: StateId, event: Option<EventId>| {
        let event = event?;
        match machine.choose(state, event, &History::default(), None) {
            Choice::Taken(t) => Some(machine.transition(t).to),
            _ => None,
        }
    };
    let passive = binding.call(Call::PassiveOpen);
    let unaccepted = target(machine.initial(), passive)
        .and_then(|listen| target(listen, binding.receive(Key::Syn)));
    let awkward = |state: StateId, event: EventId| {
        spec.event(event).kind == EventKind::Call && Some(state) == unaccepted
    };
    let start: Node = (machine.initial(), History::default());
    let mut seen: HashSet<Node> = HashSet::from([start.clone()]);
    let mut found = vec![(start.clone(), Vec::new(), 0usize)];
    let mut frontier = vec![(start, Vec::new(), 0usize)];
    while !frontier.is_empty() {
        let mut next: Vec<(Node, Vec<EventId>, usize)> = Vec::new();
        for ((state, history), path, off) in &frontier {
            for event in spec.event_ids().filter(|e| steps[e.0].is_some()) {
                let Choice::Taken(t) = machine.choose(*state, event, history, None) else {
                    continue;
                };
                let mut after = history.clone();
                machine.record(&mut after, t);
                let node = (machine.transition(t).to, after);
                if seen.contains(&node) {
                    continue;
                }
                let off = off
                    + usize::from(!machine.transition(t).has_tag("figure6"))
                    + usize::from(awkward(*state, event));
                let mut path = path.clone();
                path.push(event);
                match next.iter_mut().find(|(n, _, _)| *n == node) {
                    Some(entry) if entry.2 > off => *entry = (node, path, off),
                    Some(_) => {}
                    None => next.push((node, path, off)),
                }
            }
        }
        for (node, path, off) in &next {
            seen.insert(node.clone());
            found.push((node.clone(), path.clone(), *off));
        }
        frontier = next;
    }
    found.sort_by_key(|(_, path, off)| (path.len(), *off));
    found
        .into_iter()
        .map(|(node, path, _)| (node, path))
        .collect()
}

/// The case name of rule C3.
fn name(spec: &Spec, from: StateId, event: EventId, guard: Option<&str>) -> String {
    let mut name = format!("{}_{}", spec.state(from).name, spec.event(event).name);
    if let Some(guard) = guard {
        name = format!("{name}_{guard}");
    }
    name.to_lowercase()
}

/// The cases of a spec, transitions first (in spec order), then `[[no_transition]]` entries.
pub fn cases(machine: &Interpreter) -> Result<Vec<Case>, ConformError> {
    let spec = machine.spec();
    let steps = steps_of(machine)?;
    let runs = runs(machine, &steps);
    let names = |events: &[EventId]| -> Vec<String> {
        events.iter().map(|&e| spec.event(e).name.clone()).collect()
    };
    let case = |kind, from, event, guard: Option<&String>, to, send, run: Option<&Vec<EventId>>| {
        let state_name = |s: StateId| spec.state(s).name.clone();
        let mut case = Case {
            case: name(spec, from, event, guard.map(String::as_str)),
            kind,
            from: state_name(from),
            event: spec.event(event).name.clone(),
            guard: guard.cloned(),
            prefix: Vec::new(),
            expected: Expected {
                to: state_name(to),
                send,
            },
            unreachable: None,
            transition: None,
            steps: Vec::new(),
        };
        match run {
            // An arriving segment the spec does not bind (rule B1) cannot be built.
            _ if steps[event.0].is_none() => {
                case.unreachable = Some(format!(
                    "`{}` has no `segment`: the harness cannot build the segment it stands for",
                    spec.event(event).name
                ));
            }
            Some(run) => {
                case.prefix = names(run);
                case.steps = run
                    .iter()
                    .chain([&event])
                    .filter_map(|&e| Some((e, steps[e.0]?)))
                    .collect();
            }
            None => {
                case.unreachable = Some(match guard {
                    Some(guard) => format!(
                        "no run of the spec reaches {} with guard `{guard}` holding",
                        state_name(from)
                    ),
                    None => format!("no run of the spec reaches {}", state_name(from)),
                })
            }
        }
        case
    };
    let mut all = Vec::new();
    for (index, t) in spec.transitions.iter().enumerate() {
        // A call or timeout where a passive OPEN's SYN leads is tried, where the guard
        // allows, on a connection opened actively (rule C2's reason holds for the case's own
        // event too: the user timeout is set on the connection's socket).
        let passive = machine.binding().call(Call::PassiveOpen);
        let run = runs
            .iter()
            .filter(|((state, history), _)| {
                *state == t.from
                    && machine.choose(*state, t.event, history, None) == Choice::Taken(index)
            })
            .min_by_key(|((_, history), _)| {
                spec.event(t.event).kind != EventKind::Receive
                    && passive.is_some_and(|p| history.calls().contains(&p))
            });
        let kind = match t.from == t.to {
            true => CaseKind::SelfLoop,
            false => CaseKind::Transition,
        };
        let mut c = case(
            kind,
            t.from,
            t.event,
            t.guard.as_ref(),
            t.to,
            t.send.clone(),
            run.map(|(_, path)| path),
        );
        c.transition = Some(index);
        all.push(c);
    }
    for n in &spec.no_transitions {
        let run = runs.iter().find(|((state, _), _)| *state == n.from);
        all.push(case(
            CaseKind::NoTransition,
            n.from,
            n.event,
            None,
            n.from,
            None,
            run.map(|(_, path)| path),
        ));
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled() -> Vec<Case> {
        let spec = crate::spec();
        let machine = Interpreter::new(&spec).unwrap();
        cases(&machine).unwrap()
    }

    fn named<'c>(cases: &'c [Case], name: &str) -> &'c Case {
        cases.iter().find(|c| c.case == name).unwrap()
    }

    #[test]
    fn every_transition_of_the_bundled_spec_is_a_reachable_case() {
        let cases = bundled();
        let spec = crate::spec();
        let transitions: Vec<&Case> = cases.iter().filter(|c| c.transition.is_some()).collect();
        assert_eq!(transitions.len(), spec.transitions.len());
        // Only the security mismatch cannot be driven: it has no segment binding (an IP
        // option, not TCP control bits), and each of its cases says so.
        let unreachable: Vec<&Case> = cases.iter().filter(|c| c.unreachable.is_some()).collect();
        assert!(!unreachable.is_empty());
        for case in &unreachable {
            assert_eq!(case.event, "rcv_bad_security", "{}", case.case);
            let why = case.unreachable.as_deref().unwrap_or_default();
            assert!(why.contains("has no `segment`"), "{why}");
        }
        let driven = transitions
            .iter()
            .filter(|c| c.unreachable.is_none())
            .count();
        assert_eq!(
            driven, 82,
            "the transitions of RFC 793 3.9 other than the security check"
        );
        let names: HashSet<&str> = cases.iter().map(|c| c.case.as_str()).collect();
        assert_eq!(names.len(), cases.len(), "case names are unique");
    }

    #[test]
    fn guards_choose_how_syn_received_is_reached() {
        let cases = bundled();
        let passive = named(&cases, "syn_received_rcv_rst_passive_open");
        let active = named(&cases, "syn_received_rcv_rst_active_open");
        assert_eq!(passive.prefix, ["passive_open", "rcv_syn"]);
        assert_eq!(active.prefix, ["active_open", "rcv_syn"]);
        assert_eq!(
            (&*passive.expected.to, &*active.expected.to),
            ("LISTEN", "CLOSED")
        );
    }

    #[test]
    fn runs_are_shortest_and_follow_the_usual_arcs() {
        let cases = bundled();
        let close_wait = named(&cases, "close_wait_close");
        assert_eq!(close_wait.prefix, ["active_open", "rcv_syn_ack", "rcv_fin"]);
        assert_eq!(close_wait.expected.send.as_deref(), Some("FIN"));
        let time_wait = named(&cases, "time_wait_timeout_2msl");
        assert_eq!(
            time_wait.prefix,
            ["active_open", "rcv_syn_ack", "close", "rcv_fin_ack"]
        );
        assert_eq!(
            named(&cases, "closed_passive_open").prefix,
            Vec::<String>::new()
        );
        assert_eq!(named(&cases, "established_send").kind, CaseKind::SelfLoop);
        // A call in SYN_RECEIVED is made on an actively opened connection.
        assert_eq!(
            named(&cases, "syn_received_close").prefix,
            ["active_open", "rcv_syn"]
        );
        assert_eq!(
            named(&cases, "syn_received_rcv_ack").prefix,
            ["passive_open", "rcv_syn"]
        );
    }

    #[test]
    fn no_transition_entries_are_cases_that_stay() {
        let text = format!(
            "{}\n[[no_transition]]\nfrom = \"LISTEN\"\nevent = \"rcv_fin\"\nkind = \"drop\"\ncite = \"RFC 793 3.9\"\n",
            tcp_fsm::SPEC_SOURCE
        );
        let spec = Spec::from_source(&fsm_spec::SourceFile::new("x.toml", text)).unwrap();
        let machine = Interpreter::new(&spec).unwrap();
        let cases = cases(&machine).unwrap();
        let case = named(&cases, "listen_rcv_fin");
        assert_eq!(case.kind, CaseKind::NoTransition);
        assert_eq!(
            (case.expected.to.as_str(), case.expected.send.as_deref()),
            ("LISTEN", None)
        );
        assert_eq!(case.prefix, ["passive_open"]);
    }

    #[test]
    fn a_receive_event_without_a_segment_is_named() {
        // One event unbound: its cases say why they cannot be driven; the rest stay.
        let text = tcp_fsm::SPEC_SOURCE.replacen("segment = \"FIN\"\n", "", 1);
        let spec = Spec::from_source(&fsm_spec::SourceFile::new("x.toml", text)).unwrap();
        let machine = Interpreter::new(&spec).unwrap();
        let all = cases(&machine).unwrap();
        let fin = named(&all, "established_rcv_fin");
        let why = fin.unreachable.as_deref().unwrap_or_default();
        assert!(why.contains("`rcv_fin` has no `segment`"), "{why}");
        assert!(named(&all, "established_close").unreachable.is_none());
        // No receive event bound at all: an error naming them.
        let mut text = tcp_fsm::SPEC_SOURCE.to_string();
        for segment in ["SYN", "SYN,ACK", "ACK", "FIN", "FIN,ACK", "RST"] {
            text = text.replacen(&format!("segment = \"{segment}\"\n"), "", 1);
        }
        let spec = Spec::from_source(&fsm_spec::SourceFile::new("x.toml", text)).unwrap();
        let error = match Interpreter::new(&spec) {
            Ok(machine) => cases(&machine).unwrap_err().to_string(),
            Err(error) => error.to_string(),
        };
        assert!(error.contains("rcv_fin"), "{error}");
    }
}
