//! One endpoint driven by a spec, for the simulator and the explorer: its state changes only
//! through the spec's transitions, chosen by the [`Interpreter`] and its guard rule.
//!
//! The endpoint knows no TCP state: a user call or timeout is looked up in the spec; an
//! arriving segment is first named by the bookkeeping of [`crate::tcb`] (which may also drop
//! it), bound to a receive event by [`crate::binding`], and then looked up the same way. Where
//! the spec says `send = "SYN,ACK"`, the endpoint emits that segment, numbered by its TCB.

use crate::binding::{Call, Key};
use crate::interpreter::{Choice, History, Interpreter};
use crate::tcb::{Discard, Tcb, Verdict};
use crate::wire::{Control, Segment, SeqNum};
use fsm_spec::{EventId, StateId};
use std::fmt;

/// One of the two endpoints, named as in the RFC's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    /// TCP A, the left column of the figures.
    A,
    /// TCP B, the right column.
    B,
}

impl Side {
    /// A, then B.
    pub const BOTH: [Side; 2] = [Side::A, Side::B];

    /// 0 for A, 1 for B.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The other endpoint.
    pub fn peer(self) -> Side {
        match self {
            Side::A => Side::B,
            Side::B => Side::A,
        }
    }

    /// `A` or `B`.
    pub fn letter(self) -> &'static str {
        match self {
            Side::A => "A",
            Side::B => "B",
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TCP {}", self.letter())
    }
}

/// The initial sequence numbers an endpoint uses for its successive SYNs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Isns {
    /// These, in order; a further SYN is an error.
    List(Vec<SeqNum>),
    /// `first`, `first + gap`, ... (`count` of them), modulo 2^32 as sequence numbers are.
    Spaced { first: SeqNum, gap: u32, count: u16 },
}

impl Isns {
    fn get(&self, index: u16) -> Option<SeqNum> {
        match self {
            Isns::List(list) => list.get(usize::from(index)).copied(),
            Isns::Spaced { first, gap, count } => {
                (index < *count).then(|| *first + gap.wrapping_mul(u32::from(index)))
            }
        }
    }
}

/// The fixed settings of one endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// ISNs for the endpoint's successive new SYNs.
    pub isns: Isns,
    /// RCV.WND.
    pub window: u32,
}

/// What happens to an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stimulus<'a> {
    /// A user call; `octets` is the text a SEND call carries.
    Call { event: EventId, octets: u32 },
    /// A timeout.
    Timeout(EventId),
    /// A segment arriving from the network.
    Arrival(&'a Segment),
}

/// What an endpoint made of a stimulus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It took this transition (an index into `Spec::transitions`).
    Took(usize),
    /// The segment is this receive event, but the spec has no transition for it in this
    /// state: the segment is dropped.
    Ignored(EventId),
    /// The segment is no receive event of the spec (its key names none): dropped.
    Unnamed(Key),
    /// The segment was acceptable but is no event: only the TCB moved.
    Absorbed,
    /// The bookkeeping dropped the segment before the spec saw it.
    Discarded(Discard),
}

/// The outcome and the segments emitted, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reaction {
    /// What the endpoint made of the stimulus.
    pub outcome: Outcome,
    /// The segments it sent, in order.
    pub emitted: Vec<Segment>,
}

/// Why an endpoint could not react.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    /// A call or timeout the spec has no transition for in this state.
    #[error("`{event}` is not legal in {state} (the spec allows it in {})", list(.legal_in))]
    NotLegal {
        state: String,
        event: String,
        legal_in: Vec<String>,
    },
    /// Guarded transitions, and no guard names a call made on this connection.
    #[error(
        "{state} has transitions on `{event}` guarded by {}, and none holds: the calls made \
         since the connection was opened are {}",
        list(.guards),
        list(.calls)
    )]
    NoGuardHolds {
        state: String,
        event: String,
        guards: Vec<String>,
        calls: Vec<String>,
    },
    /// A new SYN, and no ISN left.
    #[error("a new SYN needs initial sequence number #{}, but only {used} are given", .used + 1)]
    NoIsn { used: u16 },
}

fn list(items: &[String]) -> String {
    match items {
        [] => "nothing".into(),
        _ => items
            .iter()
            .map(|i| format!("`{i}`"))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// One endpoint: its spec state, its TCB (none in the initial state), the calls made on the
/// current connection and how many ISNs it has used.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// The spec state.
    pub state: StateId,
    /// Sequence numbers; `None` in the initial state.
    pub tcb: Option<Tcb>,
    history: History,
    isns_used: u16,
}

impl Endpoint {
    /// An endpoint in the spec's initial state.
    pub fn new(machine: &Interpreter) -> Endpoint {
        Endpoint {
            state: machine.initial(),
            tcb: None,
            history: History::default(),
            isns_used: 0,
        }
    }

    /// Reacts to a call, a timeout or an arriving segment.
    pub fn react(
        &mut self,
        machine: &Interpreter,
        settings: &Settings,
        stimulus: Stimulus,
    ) -> Result<Reaction, StepError> {
        match stimulus {
            Stimulus::Call { event, octets } => {
                let mut reaction = self.take_event(machine, settings, event)?;
                if machine.binding().call(Call::Send) == Some(event) {
                    let text = self.tcb.as_mut().and_then(|tcb| tcb.text(octets));
                    reaction.emitted.extend(text);
                }
                Ok(reaction)
            }
            Stimulus::Timeout(event) => self.take_event(machine, settings, event),
            Stimulus::Arrival(segment) => self.receive(machine, settings, segment),
        }
    }

    /// Loses all memory: back to the initial state without a TCB (RFC 793 3.4, "a crash
    /// occurs causing loss of memory"). ISNs already used stay used: they come from a clock.
    pub fn crash(&mut self, machine: &Interpreter) {
        self.state = machine.initial();
        self.tcb = None;
        self.history = History::default();
    }

    /// The segment a retransmission timeout sends again, if any.
    pub fn retransmission(&self) -> Option<Segment> {
        self.tcb.and_then(|tcb| tcb.retransmission())
    }

    fn take_event(
        &mut self,
        machine: &Interpreter,
        settings: &Settings,
        event: EventId,
    ) -> Result<Reaction, StepError> {
        let taken = self.choose(machine, event)?;
        let tcb = self.tcb.unwrap_or_default();
        let emitted = self.enter(machine, settings, taken, tcb, None)?;
        Ok(Reaction {
            outcome: Outcome::Took(taken),
            emitted,
        })
    }

    fn receive(
        &mut self,
        machine: &Interpreter,
        settings: &Settings,
        segment: &Segment,
    ) -> Result<Reaction, StepError> {
        let arrival = match &self.tcb {
            None => Tcb::arrive_without_tcb(segment),
            Some(tcb) => tcb.arrive(segment, settings.window),
        };
        let mut emitted = arrival.replies;
        let outcome = match arrival.verdict {
            Verdict::Discarded(why) => return Ok(reaction(Outcome::Discarded(why), emitted)),
            Verdict::Absorbed { tcb } => {
                self.tcb = Some(tcb);
                Outcome::Absorbed
            }
            Verdict::Event { key, tcb } => {
                let Some(event) = machine.binding().receive(key) else {
                    return Ok(reaction(Outcome::Unnamed(key), emitted));
                };
                if !machine.is_legal(self.state, event) {
                    return Ok(reaction(Outcome::Ignored(event), emitted));
                }
                let taken = self.choose(machine, event)?;
                emitted.extend(self.enter(machine, settings, taken, tcb, Some(segment))?);
                Outcome::Took(taken)
            }
        };
        let acknowledged = emitted.iter().any(|s| s.has(Control::ACK));
        if arrival.text_received && !acknowledged {
            emitted.extend(self.tcb.and_then(|tcb| tcb.acknowledgment()));
        }
        Ok(reaction(outcome, emitted))
    }

    /// The transition `event` takes here, by the interpreter's guard rule.
    fn choose(&self, machine: &Interpreter, event: EventId) -> Result<usize, StepError> {
        let label = |e: EventId| machine.event_name(e).to_string();
        match machine.choose(self.state, event, &self.history, None) {
            Choice::Taken(index) => Ok(index),
            Choice::NotAllowed => Err(StepError::NotLegal {
                state: machine.state_label(self.state),
                event: label(event),
                legal_in: machine
                    .states_accepting(event)
                    .into_iter()
                    .map(|s| machine.state_label(s))
                    .collect(),
            }),
            Choice::Undecided => Err(StepError::NoGuardHolds {
                state: machine.state_label(self.state),
                event: label(event),
                guards: machine
                    .transitions(self.state, event)
                    .iter()
                    .filter_map(|&i| machine.transition(i).guard.clone())
                    .collect(),
                calls: self.history.calls().iter().map(|&e| label(e)).collect(),
            }),
        }
    }

    /// Takes transition `index`: emits what it sends, numbered from `tcb` (the TCB after the
    /// triggering segment was taken in), and moves to its target state. Entering the initial
    /// state deletes the TCB; an accepted RST that changes the state but leaves a TCB (back to
    /// LISTEN) forgets the connection's sequence numbers.
    fn enter(
        &mut self,
        machine: &Interpreter,
        settings: &Settings,
        index: usize,
        mut tcb: Tcb,
        trigger: Option<&Segment>,
    ) -> Result<Vec<Segment>, StepError> {
        let transition = machine.transition(index);
        let mut emitted = Vec::new();
        if let Some(bits) = machine.send(index) {
            let used = &mut self.isns_used;
            let mut next_isn = || {
                let isn = settings.isns.get(*used)?;
                *used += 1;
                Some(isn)
            };
            let segment = tcb
                .form(bits, trigger, &mut next_isn)
                .ok_or(StepError::NoIsn {
                    used: self.isns_used,
                })?;
            emitted.push(segment);
        }
        let reset =
            trigger.is_some_and(|s| s.has(Control::RST)) && transition.to != transition.from;
        machine.record(&mut self.history, index);
        self.state = transition.to;
        if transition.to == machine.initial() {
            self.tcb = None;
        } else {
            if reset {
                tcb.forget_connection();
            }
            self.tcb = Some(tcb);
        }
        Ok(emitted)
    }
}

fn reaction(outcome: Outcome, emitted: Vec<Segment>) -> Reaction {
    Reaction { outcome, emitted }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tcb::DEFAULT_WINDOW;
    use fsm_spec::Spec;

    fn settings(isns: &[u32]) -> Settings {
        Settings {
            isns: Isns::List(isns.iter().copied().map(SeqNum).collect()),
            window: DEFAULT_WINDOW,
        }
    }

    fn call(spec: &Spec, name: &str) -> Stimulus<'static> {
        Stimulus::Call {
            event: spec.event_named(name).unwrap(),
            octets: 0,
        }
    }

    #[test]
    fn an_active_open_sends_a_syn_numbered_from_the_isn() {
        let spec = crate::spec();
        let rules = Interpreter::new(&spec).unwrap();
        let mut a = Endpoint::new(&rules);
        let reaction = a
            .react(&rules, &settings(&[100]), call(&spec, "active_open"))
            .unwrap();
        assert_eq!(rules.state_label(a.state), "SYN-SENT");
        assert_eq!(reaction.emitted, ["<SEQ=100><CTL=SYN>".parse().unwrap()]);
    }

    #[test]
    fn a_reset_in_syn_received_returns_a_passive_open_to_listen() {
        let spec = crate::spec();
        let rules = Interpreter::new(&spec).unwrap();
        let settings = settings(&[300, 400]);
        let mut b = Endpoint::new(&rules);
        b.react(&rules, &settings, call(&spec, "passive_open"))
            .unwrap();
        let syn: Segment = "<SEQ=90><CTL=SYN>".parse().unwrap();
        let reaction = b.react(&rules, &settings, Stimulus::Arrival(&syn)).unwrap();
        assert_eq!(
            reaction.emitted,
            ["<SEQ=300><ACK=91><CTL=SYN,ACK>".parse().unwrap()]
        );
        let rst: Segment = "<SEQ=91><CTL=RST>".parse().unwrap();
        b.react(&rules, &settings, Stimulus::Arrival(&rst)).unwrap();
        assert_eq!(rules.state_label(b.state), "LISTEN");
        assert_eq!(b.tcb, Some(Tcb::default()), "the next SYN gets a new ISS");
    }

    #[test]
    fn an_illegal_call_names_the_states_that_allow_it() {
        let spec = crate::spec();
        let rules = Interpreter::new(&spec).unwrap();
        let mut a = Endpoint::new(&rules);
        let error = a
            .react(&rules, &settings(&[]), call(&spec, "close"))
            .unwrap_err();
        let message = error.to_string();
        assert!(
            message.starts_with("`close` is not legal in CLOSED"),
            "{message}"
        );
        assert!(message.contains("`ESTABLISHED`"), "{message}");
    }
}
