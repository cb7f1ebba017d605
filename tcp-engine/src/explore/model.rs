//! The joint state of two endpoints and the network between them, and the moves that change
//! it: user calls and timeouts on either side, and deliveries (plus, within bounds, losses,
//! duplications, reordering and retransmissions) of segments in flight.
//!
//! Both endpoints are the simulator's [`Endpoint`]s, driven only by the spec. What is bounded:
//! the calls that open a connection (those legal in the initial state) and SEND calls, per
//! side; the segments in flight per direction; the network's faults. Other calls (CLOSE,
//! ABORT) are not bounded: each can only move a connection towards its end.

use crate::binding::Call;
use crate::endpoint::{Endpoint, Isns, Outcome, Settings, Side, StepError, Stimulus};
use crate::interpreter::Interpreter;
use crate::network::Network;
use crate::tcb::DEFAULT_WINDOW;
use crate::wire::{DEFAULT_DATA_LEN, Segment, SeqNum};
use fsm_spec::{EventId, EventKind, Spec, StateId};

/// How far the exploration goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bounds {
    /// Calls legal in the initial state (passive and active OPEN) per side.
    pub opens: u8,
    /// SEND calls per side (each sends text once the connection is synchronized).
    pub sends: u8,
    /// Segments in flight per direction; moves that would exceed it are not taken.
    pub in_flight: usize,
    /// Segments the network may lose in a run.
    pub losses: u8,
    /// Segments the network may duplicate in a run.
    pub duplicates: u8,
    /// Whether any segment in flight may arrive, not only the oldest of its direction.
    pub reorder: bool,
    /// Whether retransmission timeouts fire: an endpoint sends its unacknowledged SYN or FIN
    /// again once nothing is in flight in either direction (RFC 793 3.7; the spec does not
    /// model them, as they change no state). A segment that is lost, or dropped by its
    /// receiver (out of order, or from an older connection), is recovered only this way.
    /// Firing only on a quiet network keeps the search finite; early firings only duplicate
    /// segments, which `duplicates` covers. See [`Bounds::needs_retransmissions`].
    pub retransmissions: bool,
    /// Joint states after which the exploration stops (and says it is incomplete).
    pub max_states: usize,
}

impl Default for Bounds {
    fn default() -> Bounds {
        Bounds {
            opens: 1,
            sends: 0,
            in_flight: 10,
            losses: 0,
            duplicates: 0,
            reorder: false,
            retransmissions: false,
            max_states: 2_000_000,
        }
    }
}

impl Bounds {
    /// Whether something can go missing, so that retransmissions are needed: a loss, a
    /// duplicate or reordering (a receiver drops what it does not expect), or a second
    /// connection that meets the first one's old segments. On a reliable FIFO network with
    /// one connection per side every segment arrives once and in order, and a run that needs
    /// a retransmission to go on is stuck although nothing was lost: a deadlock.
    pub fn needs_retransmissions(&self) -> bool {
        self.losses > 0 || self.duplicates > 0 || self.reorder || self.opens > 1
    }
}

/// Which events the exploration makes happen, and which of them are *escapes*.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// How far to go.
    pub bounds: Bounds,
    /// Calls the explorer makes.
    pub calls: Vec<EventId>,
    /// Timeouts the explorer lets fire.
    pub timeouts: Vec<EventId>,
    /// Events that abandon a connection from anywhere (ABORT, USER TIMEOUT). They are
    /// explored, but do not count as progress: a state only they can leave is still a
    /// deadlock, and "can still reach CLOSED" must hold without them.
    pub escapes: Vec<EventId>,
    /// The first ISN of A and of B; later connections add [`ISN_GAP`] each time (modulo
    /// 2^32, so ISNs just below 2^32 explore the wrap).
    pub first_isns: [SeqNum; 2],
}

/// A's and B's first ISNs unless set: RFC 793's habit in its figures.
pub const DEFAULT_FIRST_ISNS: [SeqNum; 2] = [SeqNum(100), SeqNum(300)];

impl Options {
    /// The default choice for a spec: every call; every timeout except escapes. A timeout that
    /// silently abandons the connection from every state (USER TIMEOUT) leaves the peer
    /// half-open by design (RFC 793 3.4), so with it every such peer state would be reported.
    pub fn for_spec(spec: &Spec, bounds: Bounds) -> Options {
        let mut escapes: Vec<EventId> = spec
            .event_ids()
            .filter(|&e| abandons_from_anywhere(spec, e))
            .collect();
        // They are escapes only if the spec has another way back to the initial state (a
        // door whose only way to close is `close` does not escape by closing).
        let initial = spec.machine.initial;
        let graceful_way_back = spec
            .transitions
            .iter()
            .any(|t| t.to == initial && t.from != initial && !escapes.contains(&t.event));
        if !graceful_way_back {
            escapes.clear();
        }
        let of_kind = |kind| {
            spec.event_ids()
                .filter(move |&e| spec.event(e).kind == kind)
        };
        Options {
            bounds,
            calls: of_kind(EventKind::Call).collect(),
            timeouts: of_kind(EventKind::Timeout)
                .filter(|e| !escapes.contains(e))
                .collect(),
            escapes,
            first_isns: DEFAULT_FIRST_ISNS,
        }
    }
}

/// A call or timeout that is legal in every state but the initial one and always leads to the
/// initial state.
fn abandons_from_anywhere(spec: &Spec, event: EventId) -> bool {
    let kind = spec.event(event).kind;
    let initial = spec.machine.initial;
    kind != EventKind::Receive
        && spec.state_ids().filter(|&s| s != initial).all(|s| {
            let mut transitions = spec.transitions_on(s, event).peekable();
            transitions.peek().is_some() && transitions.all(|t| t.to == initial)
        })
}

/// Both endpoints, the segments in flight and what is left of the bounds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Joint {
    /// TCP A and TCP B.
    pub ends: [Endpoint; 2],
    /// Segments in flight, by sender, oldest first.
    pub network: Network<Segment>,
    /// OPEN and SEND calls each side may still make.
    pub opens_left: [u8; 2],
    pub sends_left: [u8; 2],
    /// Losses and duplications the network may still cause.
    pub losses_left: u8,
    pub duplicates_left: u8,
}

impl Joint {
    /// Whether both endpoints are in `state`.
    pub fn both_in(&self, state: StateId) -> bool {
        self.ends.iter().all(|e| e.state == state)
    }

    /// Whether no segment is in flight.
    pub fn quiet(&self) -> bool {
        self.network.quiet()
    }
}

/// One thing that can happen next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Move {
    /// A user call on a side.
    Call(Side, EventId),
    /// A timeout on a side.
    Timeout(Side, EventId),
    /// The segment at this index of the side's link arrives at the peer.
    Deliver(Side, usize),
    /// The network loses that segment.
    Lose(Side, usize),
    /// The network duplicates that segment (the copy follows it).
    Duplicate(Side, usize),
    /// The side's retransmission timeout sends its unacknowledged SYN or FIN again.
    Retransmit(Side),
}

impl Move {
    /// The side that acts or sent the segment.
    pub fn side(self) -> Side {
        match self {
            Move::Call(side, _)
            | Move::Timeout(side, _)
            | Move::Deliver(side, _)
            | Move::Lose(side, _)
            | Move::Duplicate(side, _)
            | Move::Retransmit(side) => side,
        }
    }
}

/// The result of a move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Successor {
    /// The joint state after the move.
    pub joint: Joint,
    /// The spec transition taken, if any.
    pub taken: Option<usize>,
    /// A segment arrived as this event in this state, which has no transition for it.
    pub ignored: Option<(StateId, EventId)>,
    /// How many segments each side emitted (the last ones of its link).
    pub emitted: [usize; 2],
    /// The move would put more segments in flight than the bounds allow.
    pub overflows: bool,
}

/// The transition system the explorer searches.
#[derive(Debug)]
pub struct Model<'r, 's> {
    /// The spec, prepared for the endpoints.
    pub rules: &'r Interpreter<'s>,
    /// What is explored.
    pub options: Options,
    /// The endpoints' ISNs and windows.
    pub settings: [Settings; 2],
    /// Per event: whether it is a call legal in the initial state (it opens a connection).
    opens: Vec<bool>,
}

/// ISNs: A uses 100, 1100, 2100, ...; B 300, 1300, ... (the RFC's habits, far enough apart
/// that segments of one connection are outside the windows of the next).
pub const ISN_GAP: u32 = 1000;
const ISN_COUNT: u16 = 64;

impl<'r, 's> Model<'r, 's> {
    /// The model of two endpoints following `rules`, explored as `options` say.
    pub fn new(rules: &'r Interpreter<'s>, options: Options) -> Model<'r, 's> {
        let spec = rules.spec();
        let opens = spec
            .event_ids()
            .map(|e| spec.event(e).kind == EventKind::Call && rules.is_legal(rules.initial(), e))
            .collect();
        let settings = options.first_isns.map(|first| Settings {
            isns: Isns::Spaced {
                first,
                gap: ISN_GAP,
                count: ISN_COUNT,
            },
            window: DEFAULT_WINDOW,
        });
        Model {
            rules,
            options,
            settings,
            opens,
        }
    }

    /// Both endpoints in the initial state, nothing in flight, the bounds untouched.
    pub fn initial(&self) -> Joint {
        let bounds = &self.options.bounds;
        Joint {
            ends: [Endpoint::new(self.rules), Endpoint::new(self.rules)],
            network: Network::new(),
            opens_left: [bounds.opens; 2],
            sends_left: [bounds.sends; 2],
            losses_left: bounds.losses,
            duplicates_left: bounds.duplicates,
        }
    }

    /// Whether a move abandons the connection rather than making progress.
    pub fn is_escape(&self, step: Move) -> bool {
        match step {
            Move::Call(_, e) | Move::Timeout(_, e) => self.options.escapes.contains(&e),
            _ => false,
        }
    }

    /// Every move possible in `joint`, in a fixed order.
    pub fn moves(&self, joint: &Joint, out: &mut Vec<Move>) {
        out.clear();
        for side in Side::BOTH {
            let i = side.index();
            let state = joint.ends[i].state;
            for &call in &self.options.calls {
                let budget_left = if self.opens[call.0] {
                    joint.opens_left[i] > 0
                } else if Some(call) == self.rules.binding().call(Call::Send) {
                    joint.sends_left[i] > 0
                } else {
                    true
                };
                if budget_left && self.rules.is_legal(state, call) {
                    out.push(Move::Call(side, call));
                }
            }
            for &timeout in &self.options.timeouts {
                if self.rules.is_legal(state, timeout) {
                    out.push(Move::Timeout(side, timeout));
                }
            }
            let link = joint.network.link(side);
            let arriving = joint.network.arriving(side, self.options.bounds.reorder);
            out.extend(arriving.map(|k| Move::Deliver(side, k)));
            if joint.losses_left > 0 {
                out.extend((0..link.len()).map(|k| Move::Lose(side, k)));
            }
            let timer = self.options.bounds.retransmissions && joint.quiet();
            if timer && joint.ends[i].retransmission().is_some() {
                out.push(Move::Retransmit(side));
            }
            if joint.duplicates_left > 0 {
                out.extend((0..link.len()).map(|k| Move::Duplicate(side, k)));
            }
        }
    }

    /// The joint state after `step`.
    pub fn apply(&self, joint: &Joint, step: Move) -> Result<Successor, StepError> {
        let mut next = joint.clone();
        let mut taken = None;
        let mut ignored = None;
        let mut emitted = [0; 2];
        let side = step.side();
        let i = side.index();
        let mut react = |next: &mut Joint, at: Side, stimulus: Stimulus| {
            let endpoint = &mut next.ends[at.index()];
            let state = endpoint.state;
            let reaction = endpoint.react(self.rules, &self.settings[at.index()], stimulus)?;
            match reaction.outcome {
                Outcome::Took(t) => taken = Some(t),
                Outcome::Ignored(event) => ignored = Some((state, event)),
                _ => {}
            }
            emitted[at.index()] += reaction.emitted.len();
            next.network.send(at, reaction.emitted);
            Ok::<(), StepError>(())
        };
        match step {
            Move::Call(_, event) => {
                if self.opens[event.0] {
                    next.opens_left[i] -= 1;
                } else if Some(event) == self.rules.binding().call(Call::Send) {
                    next.sends_left[i] -= 1;
                }
                let octets = DEFAULT_DATA_LEN;
                react(&mut next, side, Stimulus::Call { event, octets })?;
            }
            Move::Timeout(_, event) => react(&mut next, side, Stimulus::Timeout(event))?,
            Move::Deliver(_, k) => {
                let segment = next.network.take(side, k);
                react(&mut next, side.peer(), Stimulus::Arrival(&segment))?;
            }
            Move::Lose(_, k) => {
                next.network.take(side, k);
                next.losses_left -= 1;
            }
            Move::Duplicate(_, k) => {
                next.network.duplicate(side, k, |&copy| copy);
                next.duplicates_left -= 1;
            }
            Move::Retransmit(_) => {
                let again = next.ends[i].retransmission();
                emitted[i] += usize::from(again.is_some());
                next.network.send(side, again);
            }
        }
        let overflows = next.network.exceeds(self.options.bounds.in_flight);
        Ok(Successor {
            joint: next,
            taken,
            ignored,
            emitted,
            overflows,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fsm_spec::SourceFile;

    fn names(spec: &Spec, ids: &[EventId]) -> Vec<String> {
        ids.iter().map(|&e| spec.event(e).name.clone()).collect()
    }

    #[test]
    fn abort_and_user_timeout_are_the_tcp_specs_escapes() {
        let spec = crate::spec();
        let options = Options::for_spec(&spec, Bounds::default());
        assert_eq!(names(&spec, &options.escapes), ["abort", "user_timeout"]);
        assert_eq!(names(&spec, &options.timeouts), ["timeout_2msl"]);
    }

    #[test]
    fn the_only_way_back_is_no_escape() {
        let text = "[machine]\nname = \"Door\"\ninitial = \"SHUT\"\n[states.SHUT]\n[states.OPEN]\n\
                    [events.open]\nkind = \"call\"\n[events.close]\nkind = \"call\"\n\
                    [[transition]]\nfrom = \"SHUT\"\nevent = \"open\"\nto = \"OPEN\"\ncite = \"-\"\n\
                    [[transition]]\nfrom = \"OPEN\"\nevent = \"close\"\nto = \"SHUT\"\ncite = \"-\"\n";
        let spec = Spec::from_source(&SourceFile::new("door.toml", text)).unwrap();
        let options = Options::for_spec(&spec, Bounds::default());
        assert!(options.escapes.is_empty());
    }

    #[test]
    fn retransmissions_are_needed_when_something_can_go_missing() {
        assert!(!Bounds::default().needs_retransmissions());
        let two_connections = Bounds {
            opens: 2,
            ..Bounds::default()
        };
        assert!(two_connections.needs_retransmissions());
    }
}
