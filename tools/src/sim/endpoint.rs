//! One endpoint driven by a spec: a generic interpreter whose state changes only through the
//! spec's transitions.
//!
//! The endpoint knows no TCP state: a user call or timeout is looked up in the spec's
//! transition table; an arriving segment is first named by the bookkeeping of
//! [`crate::sim::tcb`] (which may also drop it) and then looked up the same way. Where the
//! spec says `send = "SYN,ACK"`, the endpoint emits that segment, numbered by its TCB. Guarded
//! transitions are chosen by the endpoint's *facts*: the user calls made since its TCB was
//! created, most recent last; a guard holds when it names one of them, and the most recent
//! wins (RFC 9293 3.5: a TCP "MUST keep track of whether a connection has reached
//! SYN-RECEIVED state as the result of a passive OPEN or an active OPEN").

use crate::sim::segment::Segment;
use crate::sim::tcb::{Discard, Key, SendBits, Tcb, Verdict};
use fsm_spec::table::TransitionTable;
use fsm_spec::{EventId, EventKind, Spec, StateId};
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

/// Why a spec cannot drive the simulator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    /// A transition sends something that is not made of TCP control bits.
    #[error("the transition {from} --{event}--> {to} sends `{send}`: {why}")]
    Send {
        from: String,
        event: String,
        to: String,
        send: String,
        why: String,
    },
}

/// What the simulator needs of a spec, computed once: the transition table, the receive
/// event each segment key selects, what each transition sends and which call each guard names.
#[derive(Debug)]
pub struct Rules<'s> {
    /// The spec.
    pub spec: &'s Spec,
    table: TransitionTable,
    keyed: [Option<EventId>; Key::ALL.len()],
    sends: Vec<Option<SendBits>>,
    guard_calls: Vec<Option<EventId>>,
    text_call: Option<EventId>,
}

impl<'s> Rules<'s> {
    /// Prepares `spec` for simulation. Fails if a transition sends something other than TCP
    /// control bits.
    pub fn new(spec: &'s Spec) -> Result<Rules<'s>, RulesError> {
        let sends = spec
            .transitions
            .iter()
            .map(|t| {
                let Some(send) = &t.send else { return Ok(None) };
                send.parse::<SendBits>()
                    .map(Some)
                    .map_err(|why| RulesError::Send {
                        from: spec.state(t.from).name.clone(),
                        event: spec.event(t.event).name.clone(),
                        to: spec.state(t.to).name.clone(),
                        send: send.clone(),
                        why,
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let calls = |name: &str| {
            spec.event_named(name)
                .filter(|&e| spec.event(e).kind == EventKind::Call)
        };
        let guard_calls = spec
            .transitions
            .iter()
            .map(|t| t.guard.as_deref().and_then(calls))
            .collect();
        let keyed = Key::ALL.map(|key| {
            let wanted = key.segment().parse::<SendBits>().ok();
            spec.event_ids().find(|&e| {
                let event = spec.event(e);
                event.kind == EventKind::Receive
                    && event.segment.as_deref().map(str::parse::<SendBits>) == wanted.map(Ok)
            })
        });
        Ok(Rules {
            spec,
            table: TransitionTable::new(spec),
            keyed,
            sends,
            guard_calls,
            text_call: calls("send"),
        })
    }

    /// The spec's initial state, where an endpoint has no TCB.
    pub fn initial(&self) -> StateId {
        self.spec.machine.initial
    }

    /// Indices of the transitions for `event` in `state`.
    pub fn transitions(&self, state: StateId, event: EventId) -> &[usize] {
        self.table.on(state, event)
    }

    /// Whether the spec has a transition for `event` in `state`.
    pub fn is_legal(&self, state: StateId, event: EventId) -> bool {
        !self.transitions(state, event).is_empty()
    }

    /// The receive event a segment key selects, if the spec has one.
    pub fn receive_event(&self, key: Key) -> Option<EventId> {
        self.keyed[key as usize]
    }

    /// A state as the RFC's figures write it: `SYN_SENT` prints as `SYN-SENT`.
    pub fn state_label(&self, state: StateId) -> String {
        self.spec.state(state).name.replace('_', "-")
    }

    /// The event's name.
    pub fn event_name(&self, event: EventId) -> &str {
        &self.spec.event(event).name
    }

    /// The call that carries text (the call named `send`, RFC 793 3.9 SEND Call), if any.
    pub fn text_call(&self) -> Option<EventId> {
        self.text_call
    }

    /// The states in which `event` is legal, as figures write them.
    fn legal_in(&self, event: EventId) -> Vec<String> {
        self.spec
            .states_accepting(event)
            .into_iter()
            .map(|s| self.state_label(s))
            .collect()
    }
}

/// The initial sequence numbers an endpoint uses for its successive SYNs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Isns {
    /// These, in order; a further SYN is an error.
    List(Vec<u32>),
    /// `first`, `first + gap`, ... (`count` of them).
    Spaced { first: u32, gap: u32, count: u16 },
}

impl Isns {
    fn get(&self, index: u16) -> Option<u32> {
        match self {
            Isns::List(list) => list.get(usize::from(index)).copied(),
            Isns::Spaced { first, gap, count } => (index < *count)
                .then(|| first.checked_add(gap.checked_mul(u32::from(index))?))
                .flatten(),
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
        list(.facts)
    )]
    NoGuardHolds {
        state: String,
        event: String,
        guards: Vec<String>,
        facts: Vec<String>,
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
    facts: Vec<EventId>,
    isns_used: u16,
}

impl Endpoint {
    /// An endpoint in the spec's initial state.
    pub fn new(rules: &Rules) -> Endpoint {
        Endpoint {
            state: rules.initial(),
            tcb: None,
            facts: Vec::new(),
            isns_used: 0,
        }
    }

    /// Reacts to a call, a timeout or an arriving segment.
    pub fn react(
        &mut self,
        rules: &Rules,
        settings: &Settings,
        stimulus: Stimulus,
    ) -> Result<Reaction, StepError> {
        match stimulus {
            Stimulus::Call { event, octets } => {
                let mut reaction = self.take_event(rules, settings, event)?;
                if self.tcb.is_some() {
                    self.facts.retain(|&e| e != event);
                    self.facts.push(event);
                }
                if rules.text_call() == Some(event) {
                    let text = self.tcb.as_mut().and_then(|tcb| tcb.text(octets));
                    reaction.emitted.extend(text);
                }
                Ok(reaction)
            }
            Stimulus::Timeout(event) => self.take_event(rules, settings, event),
            Stimulus::Arrival(segment) => self.receive(rules, settings, segment),
        }
    }

    /// Loses all memory: back to the initial state without a TCB (RFC 793 3.4, "a crash
    /// occurs causing loss of memory"). ISNs already used stay used: they come from a clock.
    pub fn crash(&mut self, rules: &Rules) {
        self.state = rules.initial();
        self.tcb = None;
        self.facts.clear();
    }

    /// The segment a retransmission timeout sends again, if any.
    pub fn retransmission(&self) -> Option<Segment> {
        self.tcb.and_then(|tcb| tcb.retransmission())
    }

    fn take_event(
        &mut self,
        rules: &Rules,
        settings: &Settings,
        event: EventId,
    ) -> Result<Reaction, StepError> {
        let candidates = rules.transitions(self.state, event);
        if candidates.is_empty() {
            return Err(StepError::NotLegal {
                state: rules.state_label(self.state),
                event: rules.event_name(event).to_string(),
                legal_in: rules.legal_in(event),
            });
        }
        let taken = self.choose(rules, event, candidates)?;
        let tcb = self.tcb.unwrap_or_default();
        let emitted = self.enter(rules, settings, taken, tcb, None)?;
        Ok(Reaction {
            outcome: Outcome::Took(taken),
            emitted,
        })
    }

    fn receive(
        &mut self,
        rules: &Rules,
        settings: &Settings,
        segment: &Segment,
    ) -> Result<Reaction, StepError> {
        let arrival = match &self.tcb {
            None => Tcb::arrive_without_tcb(segment),
            Some(tcb) => tcb.arrive(segment, settings.window),
        };
        let mut emitted = arrival.replies;
        let outcome = match arrival.verdict {
            Verdict::Discarded(why) => return Ok(self.reaction(Outcome::Discarded(why), emitted)),
            Verdict::Absorbed { tcb } => {
                self.tcb = Some(tcb);
                Outcome::Absorbed
            }
            Verdict::Event { key, tcb } => {
                let Some(event) = rules.receive_event(key) else {
                    return Ok(self.reaction(Outcome::Unnamed(key), emitted));
                };
                let candidates = rules.transitions(self.state, event);
                if candidates.is_empty() {
                    return Ok(self.reaction(Outcome::Ignored(event), emitted));
                }
                let taken = self.choose(rules, event, candidates)?;
                emitted.extend(self.enter(rules, settings, taken, tcb, Some(segment))?);
                Outcome::Took(taken)
            }
        };
        let acknowledged = emitted.iter().any(|s| s.ack.is_some());
        if arrival.text_received && !acknowledged {
            emitted.extend(self.tcb.and_then(|tcb| tcb.acknowledgment()));
        }
        Ok(self.reaction(outcome, emitted))
    }

    fn reaction(&self, outcome: Outcome, emitted: Vec<Segment>) -> Reaction {
        Reaction { outcome, emitted }
    }

    /// Among the transitions for one event, the one whose guard holds (see the module docs).
    fn choose(
        &self,
        rules: &Rules,
        event: EventId,
        candidates: &[usize],
    ) -> Result<usize, StepError> {
        let transitions = &rules.spec.transitions;
        let mut unguarded = None;
        let mut best: Option<(usize, usize)> = None;
        for &index in candidates {
            if transitions[index].guard.is_none() {
                unguarded.get_or_insert(index);
                continue;
            }
            let rank = rules.guard_calls[index]
                .and_then(|call| self.facts.iter().position(|&f| f == call));
            if let Some(rank) = rank {
                if best.is_none_or(|(r, _)| rank > r) {
                    best = Some((rank, index));
                }
            }
        }
        best.map(|(_, index)| index).or(unguarded).ok_or_else(|| {
            let guards = candidates
                .iter()
                .filter_map(|&i| transitions[i].guard.clone())
                .collect();
            let facts = self
                .facts
                .iter()
                .map(|&f| rules.event_name(f).to_string())
                .collect();
            StepError::NoGuardHolds {
                state: rules.state_label(self.state),
                event: rules.event_name(event).to_string(),
                guards,
                facts,
            }
        })
    }

    /// Takes transition `index`: emits what it sends, numbered from `tcb` (the TCB after the
    /// triggering segment was taken in), and moves to its target state. Entering the initial
    /// state deletes the TCB; an accepted RST that changes the state but leaves a TCB (back to
    /// LISTEN) forgets the connection's sequence numbers.
    fn enter(
        &mut self,
        rules: &Rules,
        settings: &Settings,
        index: usize,
        mut tcb: Tcb,
        trigger: Option<&Segment>,
    ) -> Result<Vec<Segment>, StepError> {
        let transition = &rules.spec.transitions[index];
        if self.state == rules.initial() && transition.to != rules.initial() {
            self.facts.clear();
        }
        let mut emitted = Vec::new();
        if let Some(bits) = rules.sends[index] {
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
        let reset = trigger.is_some_and(|s| s.ctl.rst) && transition.to != transition.from;
        self.state = transition.to;
        if transition.to == rules.initial() {
            self.tcb = None;
            self.facts.clear();
        } else {
            if reset {
                tcb.forget_connection();
            }
            self.tcb = Some(tcb);
        }
        Ok(emitted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::tcb::DEFAULT_WINDOW;

    fn settings(isns: &[u32]) -> Settings {
        Settings {
            isns: Isns::List(isns.to_vec()),
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
        let spec = tcp_fsm::spec();
        let rules = Rules::new(&spec).unwrap();
        let mut a = Endpoint::new(&rules);
        let reaction = a
            .react(&rules, &settings(&[100]), call(&spec, "active_open"))
            .unwrap();
        assert_eq!(rules.state_label(a.state), "SYN-SENT");
        assert_eq!(reaction.emitted, ["<SEQ=100><CTL=SYN>".parse().unwrap()]);
    }

    #[test]
    fn a_reset_in_syn_received_returns_a_passive_open_to_listen() {
        let spec = tcp_fsm::spec();
        let rules = Rules::new(&spec).unwrap();
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
        let spec = tcp_fsm::spec();
        let rules = Rules::new(&spec).unwrap();
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

    #[test]
    fn a_spec_that_sends_something_else_is_refused() {
        let text = tcp_fsm::SPEC_SOURCE.replacen("send = \"SYN,ACK\"", "send = \"SYN,PING\"", 1);
        let spec = Spec::from_source(&fsm_spec::SourceFile::new("x.toml", text)).unwrap();
        let error = Rules::new(&spec).unwrap_err().to_string();
        assert!(error.contains("`PING` is not a TCP control bit"), "{error}");
    }
}
