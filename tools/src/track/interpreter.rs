//! A small interpreter of a [`Spec`]: given a state and an event, the spec's transition, with
//! guards settled by the endpoint's history. No TCP logic lives here.

use super::inference::Inferred;
use super::segment::Flags;
use fsm_spec::table::TransitionTable;
use fsm_spec::{EventId, Spec, StateId, Transition};

/// The spec, indexed for lookups by (state, event), with the events the inference rules name.
#[derive(Debug)]
pub struct Interpreter<'s> {
    spec: &'s Spec,
    table: TransitionTable,
    /// The spec event for each [`Inferred`], in [`Inferred::ALL`] order.
    vocabulary: [EventId; Inferred::ALL.len()],
    /// The parsed `send` of each transition (`None` when absent or not control bits).
    outputs: Vec<Option<Flags>>,
}

/// Why a spec cannot drive the tracker.
#[derive(Debug, thiserror::Error)]
#[error(
    "the spec has no event named {}; `track` needs the events its inference rules name: {}",
    missing.join(", "),
    Inferred::ALL.iter().map(|e| e.spec_name()).collect::<Vec<_>>().join(", ")
)]
pub struct MissingEvents {
    /// The names not found.
    pub missing: Vec<&'static str>,
}

/// The outcome of an event in a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The spec's transition, by index in [`Spec::transitions`].
    Taken(usize),
    /// The spec has no transition for the event in this state.
    NotAllowed,
    /// Several guarded transitions and the history names none of their guards.
    Undecided,
}

impl<'s> Interpreter<'s> {
    /// Indexes `spec`; fails when it lacks an event the inference rules name.
    pub fn new(spec: &'s Spec) -> Result<Self, MissingEvents> {
        let missing: Vec<&'static str> = Inferred::ALL
            .iter()
            .map(|e| e.spec_name())
            .filter(|name| spec.event_named(name).is_none())
            .collect();
        if !missing.is_empty() {
            return Err(MissingEvents { missing });
        }
        let vocabulary = Inferred::ALL.map(|e| {
            spec.event_named(e.spec_name())
                .expect("checked above: every name is present")
        });
        let table = TransitionTable::new(spec);
        let outputs = spec
            .transitions
            .iter()
            .map(|t| t.send.as_deref().and_then(Flags::parse))
            .collect();
        Ok(Interpreter {
            spec,
            table,
            vocabulary,
            outputs,
        })
    }

    /// The spec being interpreted.
    pub fn spec(&self) -> &'s Spec {
        self.spec
    }

    /// The spec's event for an inferred one.
    pub fn event(&self, inferred: Inferred) -> EventId {
        let index = Inferred::ALL
            .iter()
            .position(|&e| e == inferred)
            .expect("ALL lists every variant");
        self.vocabulary[index]
    }

    /// The transition at `index`.
    pub fn transition(&self, index: usize) -> &'s Transition {
        &self.spec.transitions[index]
    }

    /// The control bits the transition at `index` sends, if its `send` names any.
    pub fn output(&self, index: usize) -> Option<Flags> {
        self.outputs[index]
    }

    /// What `event` does in `state`. Among guarded transitions, the guard that names the
    /// most recent event of `history` wins (the spec's guards `passive_open` and
    /// `active_open` name the OPEN the connection came from); failing that, for a call
    /// seen through a segment with control bits `observed`, the one transition whose `send`
    /// has the same SYN, FIN and RST bits.
    pub fn step(
        &self,
        state: StateId,
        event: EventId,
        history: &[EventId],
        observed: Option<Flags>,
    ) -> Outcome {
        let several = match self.table.on(state, event) {
            [] => return Outcome::NotAllowed,
            [only] => return Outcome::Taken(*only),
            several => several,
        };
        let by_history = history.iter().rev().find_map(|&past| {
            let name = &self.spec.event(past).name;
            several
                .iter()
                .find(|&&t| self.transition(t).guard.as_deref() == Some(name))
        });
        if let Some(&t) = by_history {
            return Outcome::Taken(t);
        }
        let Some(observed) = observed else {
            return Outcome::Undecided;
        };
        let sends_observed =
            |t: &&usize| self.output(**t).unwrap_or(Flags::NONE).control() == observed.control();
        match several
            .iter()
            .filter(sends_observed)
            .collect::<Vec<_>>()
            .as_slice()
        {
            [only] => Outcome::Taken(**only),
            _ => Outcome::Undecided,
        }
    }

    /// The states where `event` is allowed, for violation messages.
    pub fn states_accepting(&self, event: EventId) -> Vec<StateId> {
        self.spec.states_accepting(event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guards_follow_the_most_recent_open() {
        let spec = tcp_fsm::spec();
        let machine = Interpreter::new(&spec).unwrap();
        let syn_received = spec.state_named("SYN_RECEIVED").unwrap();
        let rst = machine.event(Inferred::RcvRst);
        let passive = machine.event(Inferred::PassiveOpen);
        let active = machine.event(Inferred::ActiveOpen);
        let rcv_syn = machine.event(Inferred::RcvSyn);
        let to = |outcome| match outcome {
            Outcome::Taken(t) => spec.state(machine.transition(t).to).name.clone(),
            other => format!("{other:?}"),
        };
        assert_eq!(
            to(machine.step(syn_received, rst, &[passive, rcv_syn], None)),
            "LISTEN"
        );
        assert_eq!(
            to(machine.step(syn_received, rst, &[active, rcv_syn], None)),
            "CLOSED"
        );
        assert_eq!(
            to(machine.step(syn_received, rst, &[rcv_syn], None)),
            "Undecided"
        );
    }

    #[test]
    fn the_segment_seen_chooses_among_guarded_calls() {
        // A spec that says, as Linux does, that CLOSE with unread data sends RST.
        let mut spec = tcp_fsm::spec();
        let established = spec.state_named("ESTABLISHED").unwrap();
        let close = spec.event_named("close").unwrap();
        let fin = spec
            .transitions
            .iter()
            .position(|t| t.from == established && t.event == close)
            .unwrap();
        let mut rst = spec.transitions[fin].clone();
        spec.transitions[fin].guard = Some("all_data_read".into());
        rst.guard = Some("unread_data".into());
        rst.to = spec.machine.initial;
        rst.send = Some("RST".into());
        spec.transitions.push(rst);
        let machine = Interpreter::new(&spec).unwrap();
        let to = |observed| match machine.step(established, close, &[], observed) {
            Outcome::Taken(t) => spec.state(machine.transition(t).to).name.clone(),
            other => format!("{other:?}"),
        };
        assert_eq!(to(Some(Flags::FIN | Flags::ACK)), "FIN_WAIT_1");
        assert_eq!(to(Some(Flags::RST | Flags::ACK)), "CLOSED");
        assert_eq!(to(None), "Undecided");
    }

    #[test]
    fn a_spec_without_the_tcp_events_is_refused_with_their_names() {
        let mut spec = tcp_fsm::spec();
        spec.events.retain(|e| e.name != "rcv_fin_ack");
        let error = Interpreter::new(&spec).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("the spec has no event named rcv_fin_ack;")
        );
    }
}
