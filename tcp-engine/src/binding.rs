//! How a spec's events stand for TCP: which receive event an arriving segment is, and which
//! call opens, sends, closes or aborts a connection. Every part of the engine (the
//! simulator, the explorer, the tracker) binds events here and nowhere else, so a spec whose
//! events have other names than the bundled spec's works everywhere.
//!
//! The binding comes from the spec alone, by these rules:
//!
//! | # | role | the event that plays it |
//! |---|------|-------------------------|
//! | B1 | an arriving segment ([`Key`]) | the `receive` event whose `segment` is the key's control bits (`SYN`, `SYN,ACK`, `ACK`, `FIN`, `FIN,ACK`, `RST`; case and order aside) and that `refines` no other event (a refinement, such as RFC 5961's in-window RST, is a case of the event it refines) |
//! | B2 | active OPEN | the `call` with a transition from the initial state that sends SYN |
//! | B3 | passive OPEN | the `call` with a transition from the initial state to another that sends nothing, into a state where the SYN event (B1) is legal (a learned machine's CLOSE that does nothing in CLOSED is no OPEN) |
//! | B4 | CLOSE | the `call` with a transition that sends FIN |
//! | B5 | ABORT | the `call`, other than CLOSE, with a transition that sends RST |
//! | B6 | SEND | the `call`, other than the above, that the state after the handshake (B2's target, then the SYN,ACK event) allows as a self-loop sending nothing |
//! | B7 | the timeout that ends a closed connection unseen (TIME-WAIT's) | the `timeout` that leads to a state where the active OPEN is legal from the fewest states (one, TIME-WAIT, for the 2MSL timeout; the user timeout leads there from almost every state) |
//!
//! RFC 793 3.8 names the calls (OPEN, SEND, CLOSE, ABORT) and 3.9 says what each sends; the
//! rules read those effects off the spec's transitions rather than its event names. Two
//! events claiming one role is an error ([`BindingError::Ambiguous`]).

use crate::wire::Control;
use fsm_spec::{EventId, EventKind, Spec, StateId};
use std::fmt;

/// Which receive event of the spec an arriving segment is: its `segment`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    /// A SYN without ACK.
    Syn,
    /// A SYN with ACK.
    SynAck,
    /// An ACK without SYN, FIN or RST (it may carry text).
    Ack,
    /// A FIN that does not newly acknowledge a FIN of ours.
    Fin,
    /// A FIN whose ACK acknowledges our unacknowledged FIN.
    FinAck,
    /// A RST.
    Rst,
}

impl Key {
    /// Every key, in declaration order.
    pub const ALL: [Key; 6] = [
        Key::Syn,
        Key::SynAck,
        Key::Ack,
        Key::Fin,
        Key::FinAck,
        Key::Rst,
    ];

    /// The control bits a receive event's `segment` names for this key.
    pub fn control(self) -> Control {
        match self {
            Key::Syn => Control::SYN,
            Key::SynAck => Control::SYN | Control::ACK,
            Key::Ack => Control::ACK,
            Key::Fin => Control::FIN,
            Key::FinAck => Control::FIN | Control::ACK,
            Key::Rst => Control::RST,
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.control().fmt(f)
    }
}

/// A user call of RFC 793 3.8, by what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Call {
    /// OPEN, passive (rule B3).
    PassiveOpen,
    /// OPEN, active (rule B2).
    ActiveOpen,
    /// SEND (rule B6).
    Send,
    /// CLOSE (rule B4).
    Close,
    /// ABORT (rule B5).
    Abort,
}

impl Call {
    /// Every call, in declaration order.
    pub const ALL: [Call; 5] = [
        Call::PassiveOpen,
        Call::ActiveOpen,
        Call::Send,
        Call::Close,
        Call::Abort,
    ];

    /// How the RFC names the call.
    pub fn rfc_name(self) -> &'static str {
        match self {
            Call::PassiveOpen => "passive OPEN",
            Call::ActiveOpen => "active OPEN",
            Call::Send => "SEND",
            Call::Close => "CLOSE",
            Call::Abort => "ABORT",
        }
    }

    /// The rule that binds it, and what it looks for.
    fn rule(self) -> &'static str {
        match self {
            Call::PassiveOpen => {
                "B3: a call from the initial state that sends nothing, into a state where \
                 the SYN event is legal"
            }
            Call::ActiveOpen => "B2: a call from the initial state that sends SYN",
            Call::Send => {
                "B6: a call that the state after the handshake allows as a self-loop \
                 sending nothing"
            }
            Call::Close => "B4: a call with a transition that sends FIN",
            Call::Abort => "B5: a call other than CLOSE with a transition that sends RST",
        }
    }
}

/// A role in the binding: what the engine needs a spec event for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// A user call.
    Call(Call),
    /// An arriving segment.
    Receive(Key),
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Role::Call(call) => write!(f, "the {} call ({})", call.rfc_name(), call.rule()),
            Role::Receive(key) => write!(
                f,
                "the arriving {key} segment (B1: a receive event with segment = \"{key}\")"
            ),
        }
    }
}

/// Why a spec's events cannot be bound.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BindingError {
    /// Two events fit one role.
    #[error("events `{first}` and `{second}` both fit {role}; only one may")]
    Ambiguous {
        role: Role,
        first: String,
        second: String,
    },
    /// Roles that a verb needs and no event plays.
    #[error("no event of the spec plays {}", .0.iter().map(Role::to_string).collect::<Vec<_>>().join("; nor "))]
    Missing(Vec<Role>),
}

/// The events that play each role, found once per spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    receive: [Option<EventId>; Key::ALL.len()],
    calls: [Option<EventId>; Call::ALL.len()],
    /// Rule B7.
    reopening_timeout: Option<EventId>,
}

impl Binding {
    /// Binds the events of `spec`, whose transitions send `sends` (the parsed `send` of each
    /// transition, in spec order).
    pub fn new(spec: &Spec, sends: &[Option<Control>]) -> Result<Binding, BindingError> {
        let mut receive = [None; Key::ALL.len()];
        for key in Key::ALL {
            let mut fitting = spec.event_ids().filter(|&e| {
                let event = spec.event(e);
                event.kind == EventKind::Receive
                    && event.refines.is_none()
                    && event.segment.as_deref().and_then(|s| s.parse().ok()) == Some(key.control())
            });
            receive[key as usize] = unique(spec, Role::Receive(key), &mut fitting)?;
        }
        let mut binding = Binding {
            receive,
            calls: [None; Call::ALL.len()],
            reopening_timeout: None,
        };
        for call in Call::ALL {
            let mut fitting = spec
                .event_ids()
                .filter(|&e| spec.event(e).kind == EventKind::Call)
                .filter(|&e| binding.plays(spec, sends, call, e));
            binding.calls[call as usize] = unique(spec, Role::Call(call), &mut fitting)?;
        }
        binding.reopening_timeout = binding.timeout_to_opening(spec);
        Ok(binding)
    }

    /// The event that plays `role`, if any.
    pub fn event(&self, role: Role) -> Option<EventId> {
        match role {
            Role::Call(call) => self.calls[call as usize],
            Role::Receive(key) => self.receive[key as usize],
        }
    }

    /// The receive event an arriving segment with this key is, if the spec has one.
    pub fn receive(&self, key: Key) -> Option<EventId> {
        self.receive[key as usize]
    }

    /// The event of a user call, if the spec has one.
    pub fn call(&self, call: Call) -> Option<EventId> {
        self.calls[call as usize]
    }

    /// Rule B7: the timeout after which a closed connection's 4-tuple can be opened again.
    pub fn reopening_timeout(&self) -> Option<EventId> {
        self.reopening_timeout
    }

    /// Fails, naming every role of `roles` that no event plays.
    pub fn require(&self, roles: &[Role]) -> Result<(), BindingError> {
        let missing: Vec<Role> = roles
            .iter()
            .copied()
            .filter(|&r| self.event(r).is_none())
            .collect();
        match missing.is_empty() {
            true => Ok(()),
            false => Err(BindingError::Missing(missing)),
        }
    }

    /// Whether call event `event` fits `call`'s rule. Earlier calls must be bound first:
    /// B3 needs the SYN event, B5 and B6 exclude what is already bound.
    fn plays(&self, spec: &Spec, sends: &[Option<Control>], call: Call, event: EventId) -> bool {
        let initial = spec.machine.initial;
        let transitions = || {
            spec.transitions
                .iter()
                .zip(sends)
                .filter(move |(t, _)| t.event == event)
        };
        let sends_bit = |bit| transitions().any(|(_, s)| s.is_some_and(|s| s.contains(bit)));
        let bound = |c: Call| self.calls[c as usize] == Some(event);
        match call {
            Call::ActiveOpen => transitions()
                .any(|(t, s)| t.from == initial && s.is_some_and(|s| s.contains(Control::SYN))),
            Call::PassiveOpen => {
                let syn = self.receive(Key::Syn);
                transitions().any(|(t, s)| {
                    t.from == initial
                        && t.to != initial
                        && s.is_none()
                        && syn.is_some_and(|syn| accepts(spec, t.to, syn))
                })
            }
            Call::Close => !bound(Call::ActiveOpen) && sends_bit(Control::FIN),
            Call::Abort => {
                !bound(Call::ActiveOpen) && !sends_bit(Control::FIN) && sends_bit(Control::RST)
            }
            Call::Send => {
                let taken = [
                    Call::PassiveOpen,
                    Call::ActiveOpen,
                    Call::Close,
                    Call::Abort,
                ];
                !taken.into_iter().any(bound)
                    && self.synchronized_state(spec, sends).is_some_and(|state| {
                        transitions().any(|(t, s)| t.from == state && t.to == state && s.is_none())
                    })
            }
        }
    }

    /// The state the handshake ends in: the active OPEN's target, then the SYN,ACK event.
    fn synchronized_state(&self, spec: &Spec, sends: &[Option<Control>]) -> Option<StateId> {
        let open = self.calls[Call::ActiveOpen as usize]?;
        let syn_ack = self.receive(Key::SynAck)?;
        let next = |from: StateId, event: EventId| {
            spec.transitions
                .iter()
                .zip(sends)
                .find(|(t, _)| t.from == from && t.event == event)
                .map(|(t, _)| t.to)
        };
        next(next(spec.machine.initial, open)?, syn_ack)
    }

    /// Rule B7.
    fn timeout_to_opening(&self, spec: &Spec) -> Option<EventId> {
        let open = self.calls[Call::ActiveOpen as usize]?;
        let reopening_from = |event: EventId| {
            spec.transitions
                .iter()
                .filter(|t| t.event == event && t.to != t.from && accepts(spec, t.to, open))
                .count()
        };
        spec.event_ids()
            .filter(|&e| spec.event(e).kind == EventKind::Timeout)
            .filter(|&e| reopening_from(e) > 0)
            .min_by_key(|&e| reopening_from(e))
    }
}

/// Whether `state` has a transition on `event`.
fn accepts(spec: &Spec, state: StateId, event: EventId) -> bool {
    spec.transitions_on(state, event).next().is_some()
}

/// The one event `fitting` yields, none, or an error naming the first two.
fn unique(
    spec: &Spec,
    role: Role,
    fitting: &mut dyn Iterator<Item = EventId>,
) -> Result<Option<EventId>, BindingError> {
    let first = fitting.next();
    match (first, fitting.next()) {
        (Some(first), Some(second)) => Err(BindingError::Ambiguous {
            role,
            first: spec.event(first).name.clone(),
            second: spec.event(second).name.clone(),
        }),
        (first, _) => Ok(first),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interpreter::Interpreter;

    fn name(spec: &Spec, event: Option<EventId>) -> &str {
        event.map_or("-", |e| spec.event(e).name.as_str())
    }

    #[test]
    fn the_bundled_spec_binds_every_role_to_its_own_names() {
        let spec = crate::spec();
        let machine = Interpreter::new(&spec).unwrap();
        let binding = machine.binding();
        let calls: Vec<&str> = Call::ALL
            .iter()
            .map(|&c| name(&spec, binding.call(c)))
            .collect();
        assert_eq!(
            calls,
            ["passive_open", "active_open", "send", "close", "abort"]
        );
        let receives: Vec<&str> = Key::ALL
            .iter()
            .map(|&k| name(&spec, binding.receive(k)))
            .collect();
        assert_eq!(
            receives,
            [
                "rcv_syn",
                "rcv_syn_ack",
                "rcv_ack",
                "rcv_fin",
                "rcv_fin_ack",
                "rcv_rst"
            ]
        );
        assert_eq!(name(&spec, binding.reopening_timeout()), "timeout_2msl");
    }

    #[test]
    fn two_events_with_one_segment_are_ambiguous() {
        let text = tcp_fsm::SPEC_SOURCE.replacen("segment = \"FIN,ACK\"", "segment = \"fin\"", 1);
        let spec = Spec::from_source(&fsm_spec::SourceFile::new("x.toml", text)).unwrap();
        let error = Interpreter::new(&spec).unwrap_err().to_string();
        assert!(
            error.contains("events `rcv_fin` and `rcv_fin_ack` both fit the arriving FIN"),
            "{error}"
        );
    }
}
