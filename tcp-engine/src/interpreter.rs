//! The one interpreter of a spec that every part of the engine drives: the transition table,
//! what each transition sends, how the spec's events bind to TCP ([`crate::binding`]), and
//! the rule that settles guarded transitions. No TCP state lives here: states change only
//! through the spec's transitions.
//!
//! # The guard rule
//!
//! When the spec has several transitions for one event in one state, told apart by their
//! guards, the transition taken is:
//!
//! 1. the one whose guard names the call made most recently on this connection ([`History`]):
//!    the bundled spec's guards `passive_open` and `active_open` name the OPEN a connection
//!    came from (RFC 9293 3.5: a TCP "MUST keep track of whether a connection has reached
//!    SYN-RECEIVED state as the result of a passive OPEN or an active OPEN");
//! 2. failing that, the one without a guard;
//! 3. failing that, for a call seen on the wire, the one transition whose `send` has the SYN,
//!    FIN and RST bits seen (a tracker learns a call only from its segment);
//! 4. otherwise none: the choice is [`Choice::Undecided`].

use crate::binding::{Binding, BindingError};
use crate::wire::{Control, UnknownControlBit};
use fsm_spec::table::TransitionTable;
use fsm_spec::{EventId, EventKind, Spec, StateId, Transition};

/// Why a spec cannot drive the engine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DriveError {
    /// A transition sends something that is not made of TCP control bits.
    #[error("the transition {from} --{event}--> {to} sends `{send}`: {why}")]
    Send {
        from: String,
        event: String,
        to: String,
        send: String,
        why: UnknownControlBit,
    },
    /// The events cannot be bound to TCP.
    #[error(transparent)]
    Binding(#[from] BindingError),
}

/// What the spec does with an event in a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// The transition taken, by index in [`Spec::transitions`].
    Taken(usize),
    /// The spec has no transition for the event in this state.
    NotAllowed,
    /// Guarded transitions, and the guard rule picks none of them.
    Undecided,
}

/// The calls made on one connection since it left the initial state, most recent last, each
/// once: what guards name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct History(Vec<EventId>);

impl History {
    /// The calls, least recent first.
    pub fn calls(&self) -> &[EventId] {
        &self.0
    }
}

/// A spec, indexed and bound for the engine.
#[derive(Debug)]
pub struct Interpreter<'s> {
    spec: &'s Spec,
    table: TransitionTable,
    sends: Vec<Option<Control>>,
    /// The event each transition's guard names, if it names one.
    guard_events: Vec<Option<EventId>>,
    binding: Binding,
}

impl<'s> Interpreter<'s> {
    /// Prepares `spec`. Fails when a transition sends something other than TCP control bits
    /// or two events claim one role of the binding.
    pub fn new(spec: &'s Spec) -> Result<Interpreter<'s>, DriveError> {
        let sends = spec
            .transitions
            .iter()
            .map(|t| {
                let Some(send) = &t.send else { return Ok(None) };
                send.parse::<Control>()
                    .map(Some)
                    .map_err(|why| DriveError::Send {
                        from: spec.state(t.from).name.clone(),
                        event: spec.event(t.event).name.clone(),
                        to: spec.state(t.to).name.clone(),
                        send: send.clone(),
                        why,
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let guard_events = spec
            .transitions
            .iter()
            .map(|t| t.guard.as_deref().and_then(|g| spec.event_named(g)))
            .collect();
        let binding = Binding::new(spec, &sends)?;
        Ok(Interpreter {
            spec,
            table: TransitionTable::new(spec),
            sends,
            guard_events,
            binding,
        })
    }

    /// The spec being interpreted.
    pub fn spec(&self) -> &'s Spec {
        self.spec
    }

    /// How the spec's events bind to TCP.
    pub fn binding(&self) -> &Binding {
        &self.binding
    }

    /// The spec's initial state, where an endpoint has no TCB.
    pub fn initial(&self) -> StateId {
        self.spec.machine.initial
    }

    /// The transition at `index`.
    pub fn transition(&self, index: usize) -> &'s Transition {
        &self.spec.transitions[index]
    }

    /// The control bits the transition at `index` sends, if it sends any.
    pub fn send(&self, index: usize) -> Option<Control> {
        self.sends[index]
    }

    /// Indices of the transitions for `event` in `state`.
    pub fn transitions(&self, state: StateId, event: EventId) -> &[usize] {
        self.table.on(state, event)
    }

    /// Whether the spec has a transition for `event` in `state`.
    pub fn is_legal(&self, state: StateId, event: EventId) -> bool {
        !self.transitions(state, event).is_empty()
    }

    /// The states where `event` is legal, in declaration order.
    pub fn states_accepting(&self, event: EventId) -> Vec<StateId> {
        self.spec.states_accepting(event)
    }

    /// A state as the RFC's figures write it: `SYN_SENT` prints as `SYN-SENT`.
    pub fn state_label(&self, state: StateId) -> String {
        self.spec.state(state).name.replace('_', "-")
    }

    /// The event's name.
    pub fn event_name(&self, event: EventId) -> &'s str {
        &self.spec.event(event).name
    }

    /// What `event` does in `state`, by the guard rule (module docs). `observed` is the
    /// control bits of the segment through which a call was seen, if it was.
    pub fn choose(
        &self,
        state: StateId,
        event: EventId,
        history: &History,
        observed: Option<Control>,
    ) -> Choice {
        let several = match self.transitions(state, event) {
            [] => return Choice::NotAllowed,
            [only] => return Choice::Taken(*only),
            several => several,
        };
        let by_history = history.0.iter().rev().find_map(|&call| {
            several
                .iter()
                .find(|&&t| self.guard_events[t] == Some(call))
        });
        let unguarded = || {
            several
                .iter()
                .find(|&&t| self.transition(t).guard.is_none())
        };
        if let Some(&t) = by_history.or_else(unguarded) {
            return Choice::Taken(t);
        }
        let Some(observed) = observed else {
            return Choice::Undecided;
        };
        let control = |bits: Control| bits.without(Control::ACK);
        let mut sending_observed = several
            .iter()
            .filter(|&&t| control(self.send(t).unwrap_or_default()) == control(observed));
        match (sending_observed.next(), sending_observed.next()) {
            (Some(&t), None) => Choice::Taken(t),
            _ => Choice::Undecided,
        }
    }

    /// Updates a connection's history after transition `index` was taken: entering the
    /// initial state ends the connection, and a call is remembered.
    pub fn record(&self, history: &mut History, index: usize) {
        let transition = self.transition(index);
        if transition.to == self.initial() {
            history.0.clear();
        } else if self.spec.event(transition.event).kind == EventKind::Call {
            history.0.retain(|&e| e != transition.event);
            history.0.push(transition.event);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to(machine: &Interpreter, choice: Choice) -> String {
        match choice {
            Choice::Taken(t) => machine.spec().state(machine.transition(t).to).name.clone(),
            other => format!("{other:?}"),
        }
    }

    /// The history after taking `events` from the initial state, one transition each.
    fn history(machine: &Interpreter, events: &[&str]) -> History {
        let mut history = History::default();
        let mut state = machine.initial();
        for name in events {
            let event = machine.spec().event_named(name).unwrap();
            let t = machine.transitions(state, event)[0];
            machine.record(&mut history, t);
            state = machine.transition(t).to;
        }
        history
    }

    #[test]
    fn guards_follow_the_most_recent_open() {
        let spec = crate::spec();
        let machine = Interpreter::new(&spec).unwrap();
        let syn_received = spec.state_named("SYN_RECEIVED").unwrap();
        let rst = spec.event_named("rcv_rst").unwrap();
        let passive = history(&machine, &["passive_open", "rcv_syn"]);
        let active = history(&machine, &["active_open", "rcv_syn"]);
        assert_eq!(
            to(&machine, machine.choose(syn_received, rst, &passive, None)),
            "LISTEN"
        );
        assert_eq!(
            to(&machine, machine.choose(syn_received, rst, &active, None)),
            "CLOSED"
        );
        let none = History::default();
        assert_eq!(
            to(&machine, machine.choose(syn_received, rst, &none, None)),
            "Undecided"
        );
        assert_eq!(passive.calls().len(), 1, "receive events are not calls");
    }

    #[test]
    fn the_segment_seen_chooses_among_guarded_calls() {
        // A spec that says, as Linux does, that CLOSE with unread data sends RST.
        let mut spec = crate::spec();
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
        let none = History::default();
        let seen = |observed| {
            to(
                &machine,
                machine.choose(established, close, &none, observed),
            )
        };
        assert_eq!(seen(Some(Control::FIN | Control::ACK)), "FIN_WAIT_1");
        assert_eq!(seen(Some(Control::RST | Control::ACK)), "CLOSED");
        assert_eq!(seen(None), "Undecided");
    }

    #[test]
    fn a_spec_that_sends_something_else_is_refused() {
        let text = tcp_fsm::SPEC_SOURCE.replacen("send = \"SYN,ACK\"", "send = \"SYN,PING\"", 1);
        let spec = Spec::from_source(&fsm_spec::SourceFile::new("x.toml", text)).unwrap();
        let error = Interpreter::new(&spec).unwrap_err().to_string();
        assert!(error.contains("`PING` is not a TCP control bit"), "{error}");
    }

    #[test]
    fn send_values_are_read_in_any_case() {
        let text = tcp_fsm::SPEC_SOURCE.replace("send = \"SYN,ACK\"", "send = \"syn, ack\"");
        let spec = Spec::from_source(&fsm_spec::SourceFile::new("x.toml", text)).unwrap();
        let machine = Interpreter::new(&spec).unwrap();
        let syn_ack = (0..spec.transitions.len())
            .find(|&t| spec.transitions[t].send.as_deref() == Some("syn, ack"))
            .unwrap();
        assert_eq!(machine.send(syn_ack), Some(Control::SYN | Control::ACK));
    }
}
