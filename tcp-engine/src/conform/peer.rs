//! The remote peer the harness plays, and the driving of one case.
//!
//! A spec-driven [`Endpoint`] (the model) goes through every step of the case beside the
//! stack. The peer's segments are numbered from the model's TCB: SEQ is the model's RCV.NXT
//! and ACK its SND.NXT, so the model's own checks of RFC 793 3.9 ([`Tcb::arrive`]) find them
//! acceptable and name them as the case's event, and a segment they would not name so is
//! not sent. The model's ISS differs from the stack's; the first SYN the stack sends gives
//! the offset between the two, which ACKs of the peer add.
//!
//! | # | rule |
//! |---|------|
//! | P1 | SYN: `<SEQ=RCV.NXT>` once the peer's SYN is known (a SYN in the window), else the peer's ISS. |
//! | P2 | SYN,ACK: the peer's ISS (or, after its SYN, the same SYN again), acknowledging SND.NXT. |
//! | P3 | ACK: `<SEQ=RCV.NXT><ACK=SND.NXT>`. |
//! | P4 | FIN: `<SEQ=RCV.NXT><CTL=FIN,ACK>` acknowledging all but the stack's FIN (RFC 793 3.9 drops a segment without ACK before it looks at FIN); once the peer's FIN is in, the same FIN again (`RCV.NXT - 1`). |
//! | P5 | FIN,ACK: the same, acknowledging the stack's FIN too. |
//! | P6 | RST: `<SEQ=RCV.NXT>`; in SYN-SENT with an acceptable ACK (3.9 SYN-SENT, second check). |
//! | P7 | With no TCB (CLOSED, LISTEN), ACKs acknowledge an arbitrary number. |
//! | P8 | A step after which the stack is not in the state the spec reached is not the case's: the case is not driven, and the transition that step took has its own case. |

use super::cases::{Case, Step};
use super::{NotDriven, Stack, Timer};
use crate::binding::Key;
use crate::endpoint::{Endpoint, Isns, Settings, Stimulus};
use crate::interpreter::Interpreter;
use crate::tcb::{Tcb, Verdict};
use crate::track::decode::{Captured, encode_ip};
use crate::wire::{Control, Segment, SeqNum};
use std::collections::HashSet;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};

/// The stack's address: 198.18.0.0/15 is the benchmarking range of RFC 2544.
pub const STACK: SocketAddr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::new(198, 18, 0, 1), 80));
/// The peer's address.
pub const PEER: SocketAddr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::new(198, 18, 0, 2), 40000));
/// The peer's initial sequence number.
pub const PEER_ISS: SeqNum = SeqNum(1000);
/// What rule P7 acknowledges.
const ARBITRARY_ACK: SeqNum = SeqNum(5000);
/// Octets of a SEND call.
pub const TEXT: u32 = 10;
/// The window the peer advertises.
pub const WINDOW: u16 = 65535;

/// What the stack did on the case's last step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    /// The stack's own name of its state (`None`: no connection, CLOSED).
    pub stack_state: Option<String>,
    /// The segments it sent, with its own sequence numbers.
    pub segments: Vec<Segment>,
    /// The error the stack's API answered the call with, if it refused it.
    pub refusal: Option<String>,
    /// What the model sent on the same step.
    pub model_sent: Vec<Segment>,
    /// The segment the peer sent on the last step, if it sent one.
    pub peer_sent: Option<Segment>,
}

/// The model's settings; ISSs far apart so that each new SYN is recognisable.
fn settings() -> Settings {
    Settings {
        isns: Isns::Spaced {
            first: SeqNum(0),
            gap: 0x1000_0000,
            count: 16,
        },
        window: u32::from(WINDOW),
    }
}

/// The segment standing for `key` that the model accepts as `key` (rules P1 to P7).
pub fn segment_for(model: &Endpoint, key: Key, window: u32) -> Result<Segment, NotDriven> {
    let tcb = model.tcb.unwrap_or_default();
    let seq = tcb.rcv.map_or(PEER_ISS, |r| r.nxt);
    let fin_seq = tcb.rcv.map_or(PEER_ISS, |r| match r.fin {
        true => SeqNum(r.nxt.0.wrapping_sub(1)),
        false => r.nxt,
    });
    let all = tcb.snd.map_or(ARBITRARY_ACK, |s| s.nxt);
    let but_fin = tcb.snd.map_or(ARBITRARY_ACK, |s| match s.fin {
        Some(fin) if s.una.le(fin) => fin,
        _ => s.nxt,
    });
    let segment = match key {
        Key::Syn => Segment::new(seq, Control::SYN),
        Key::SynAck => {
            Segment::new(tcb.rcv.map_or(PEER_ISS, |r| r.irs), Control::SYN).with_ack(all)
        }
        Key::Ack => Segment::ack(seq, all),
        Key::Fin if tcb.snd.is_none() => Segment::new(fin_seq, Control::FIN),
        Key::Fin => Segment::new(fin_seq, Control::FIN).with_ack(but_fin),
        Key::FinAck => Segment::new(fin_seq, Control::FIN).with_ack(all),
        Key::Rst if tcb.snd.is_some() && tcb.rcv.is_none() => Segment::rst(seq).with_ack(all),
        Key::Rst => Segment::rst(seq),
    };
    let arrival = match &model.tcb {
        None => Tcb::arrive_without_tcb(&segment),
        Some(tcb) => tcb.arrive(&segment, window),
    };
    match arrival.verdict {
        Verdict::Event { key: named, .. } if named == key => Ok(segment),
        Verdict::Event { key: named, .. } => Err(NotDriven(format!(
            "the peer's {key} segment {segment} would be a {named} here"
        ))),
        Verdict::Absorbed { .. } => Err(NotDriven(format!(
            "the peer's {key} segment {segment} would only move SND.UNA here"
        ))),
        Verdict::Discarded(why) => Err(NotDriven(format!(
            "no acceptable {key} segment can be formed here: {why}"
        ))),
    }
}

/// Drives `stack` through `case`, beside the model.
pub fn drive(
    machine: &Interpreter,
    case: &Case,
    stack: &mut dyn Stack,
) -> Result<Observation, NotDriven> {
    if let Some(why) = &case.unreachable {
        return Err(NotDriven(why.clone()));
    }
    let spec = machine.spec();
    let settings = settings();
    let mut model = Endpoint::new(machine);
    // Stack sequence numbers minus the model's, learnt from the stack's first SYN.
    let mut offset: Option<u32> = None;
    let mut seen = Seen::new();
    for (index, &(event, step)) in case.steps.iter().enumerate() {
        let last = index + 1 == case.steps.len();
        let name = &spec.event(event).name;
        let fail = |e: crate::endpoint::StepError| NotDriven(format!("the model: {e}"));
        let mut refusal = None;
        let mut peer_sent = None;
        let reaction = match step {
            Step::Call(call) => {
                let reaction = model
                    .react(
                        machine,
                        &settings,
                        Stimulus::Call {
                            event,
                            octets: TEXT,
                        },
                    )
                    .map_err(fail)?;
                refusal = stack.call(call)?;
                reaction
            }
            Step::Receive(key) => {
                let segment = segment_for(&model, key, settings.window)?;
                // Whether the ACK field counts the stack's octets, known before the model
                // takes the segment in (and perhaps drops its TCB).
                let stack_numbered = model.tcb.is_some_and(|t| t.snd.is_some());
                let reaction = model
                    .react(machine, &settings, Stimulus::Arrival(&segment))
                    .map_err(fail)?;
                let mut wire = segment;
                if wire.acknowledgment().is_some() && stack_numbered {
                    wire.ack += offset.unwrap_or(0);
                }
                let packet = encode_ip(&Captured {
                    src: PEER,
                    dst: STACK,
                    segment: wire,
                    window: WINDOW,
                })
                .expect("both addresses are IPv4");
                stack.deliver(&packet);
                peer_sent = Some(wire);
                reaction
            }
            Step::TimeWait | Step::UserTimeout => {
                let reaction = model
                    .react(machine, &settings, Stimulus::Timeout(event))
                    .map_err(fail)?;
                let timer = match step {
                    Step::TimeWait => Timer::TimeWait,
                    _ => Timer::User,
                };
                stack.expire(timer)?;
                reaction
            }
        };
        let mut segments = stack.emitted();
        if offset.is_none() {
            let model_syn = reaction.emitted.iter().find(|s| s.has(Control::SYN));
            let stack_syn = segments.iter().find(|s| s.has(Control::SYN));
            if let (Some(m), Some(s)) = (model_syn, stack_syn) {
                offset = Some(s.seq.0.wrapping_sub(m.seq.0));
            }
        }
        let timer = matches!(step, Step::TimeWait | Step::UserTimeout);
        keep_fresh(&mut segments, &mut seen, timer);
        let stack_state = stack.state();
        if last {
            return Ok(Observation {
                stack_state,
                segments,
                refusal,
                model_sent: reaction.emitted,
                peer_sent,
            });
        }
        let reached = spec_state(spec, stack_state.as_deref());
        if reached != Some(model.state) {
            return Err(NotDriven(format!(
                "step {} of the run ({name}) took the stack to {} where the spec goes to {} \
                 (that step has its own case)",
                index + 1,
                stack_state.as_deref().unwrap_or("CLOSED"),
                spec.state(model.state).name
            )));
        }
    }
    Err(NotDriven("the case has no event".into()))
}

/// What the stack has sent before, to tell a retransmission from a new segment.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    /// Every segment, by its sequence number, control bits and length.
    segments: HashSet<(SeqNum, Control, u32)>,
    /// The stack's ISS on its current connection and the end of the sequence space it has
    /// used there (the highest SEG.SEQ + SEG.LEN).
    space: Option<(SeqNum, SeqNum)>,
}

impl Seen {
    /// Nothing seen yet.
    pub fn new() -> Seen {
        Seen::default()
    }

    /// Whether `segment` repeats what the stack sent before: the same segment again, or
    /// (not a SYN) one whose sequence space all lies in what it has used, as a retransmission
    /// that joins earlier segments into one does.
    fn repeats(&self, segment: &Segment) -> bool {
        let again = self
            .segments
            .contains(&(segment.seq, segment.ctl, segment.data));
        let within = !segment.is_empty()
            && !segment.has(Control::SYN)
            && self
                .space
                .is_some_and(|(iss, end)| segment.seq.ge(iss) && end.ge(segment.end()));
        again || within
    }

    fn record(&mut self, segment: &Segment) {
        self.segments
            .insert((segment.seq, segment.ctl, segment.data));
        self.space = match self.space {
            // A SYN at another number starts a new connection's space.
            Some((iss, _)) if segment.has(Control::SYN) && segment.seq != iss => {
                Some((segment.seq, segment.end()))
            }
            Some((iss, end)) if !segment.is_empty() => Some((iss, end.max(segment.end()))),
            None if segment.has(Control::SYN) => Some((segment.seq, segment.end())),
            space => space,
        };
    }
}

/// Drops from `segments` what the step did not make the stack send, and remembers the
/// rest in `seen`: a retransmission (of a SYN, FIN or text already sent; the stack's timer
/// may fire while a step is observed, and may join earlier segments into one), and, while
/// a `timer` runs, an empty segment seen before and the octet queued to start the user
/// timeout.
pub fn keep_fresh(segments: &mut Vec<Segment>, seen: &mut Seen, timer: bool) {
    // One at a time, so that a retransmission in the same step as its original goes too.
    segments.retain(|s| {
        let repeated = seen.repeats(s);
        let fresh = !(repeated && (timer || !s.is_empty())) && !(timer && s.data > 0);
        if fresh {
            seen.record(s);
        }
        fresh
    });
}

/// The spec state a stack's state name stands for (by name or alias, loosely); no
/// connection is the initial state.
pub fn spec_state(spec: &fsm_spec::Spec, stack_state: Option<&str>) -> Option<fsm_spec::StateId> {
    match stack_state {
        None => Some(spec.machine.initial),
        Some(name) => spec.state_named_loosely(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_text(segment: Segment, octets: u32) -> Segment {
        Segment {
            data: octets,
            ..segment
        }
    }

    fn fresh(seen: &mut Seen, segments: &[Segment], timer: bool) -> Vec<Segment> {
        let mut segments = segments.to_vec();
        keep_fresh(&mut segments, seen, timer);
        segments
    }

    #[test]
    fn a_retransmission_that_joins_earlier_segments_is_not_fresh() {
        let mut seen = Seen::new();
        let syn = Segment::new(SeqNum(100), Control::SYN);
        let text = with_text(Segment::ack(SeqNum(101), SeqNum(1)), 3);
        let fin = Segment::new(SeqNum(104), Control::FIN).with_ack(SeqNum(1));
        assert_eq!(fresh(&mut seen, &[syn, text, fin], false).len(), 3);
        // The text and the FIN again as one segment, then the FIN alone, in one step.
        let joined = with_text(
            Segment::new(SeqNum(101), Control::FIN).with_ack(SeqNum(1)),
            3,
        );
        assert_eq!(fresh(&mut seen, &[joined, fin], false), []);
        // New text after them is fresh.
        let more = with_text(Segment::ack(SeqNum(105), SeqNum(1)), 1);
        assert_eq!(fresh(&mut seen, &[more], false), [more]);
    }

    #[test]
    fn a_syn_ack_after_the_stacks_own_syn_and_a_new_connection_are_fresh() {
        let mut seen = Seen::new();
        let syn = Segment::new(SeqNum(100), Control::SYN);
        assert_eq!(fresh(&mut seen, &[syn], false), [syn]);
        // Simultaneous open: the same ISS, now acknowledging the peer's SYN.
        let syn_ack = syn.with_ack(SeqNum(1));
        assert_eq!(fresh(&mut seen, &[syn_ack, syn], false), [syn_ack]);
        // A new connection's SYN below the old space.
        let again = Segment::new(SeqNum(50), Control::SYN);
        assert_eq!(fresh(&mut seen, &[again], false), [again]);
    }

    #[test]
    fn an_empty_segment_repeats_only_while_a_timer_runs() {
        let mut seen = Seen::new();
        let ack = Segment::ack(SeqNum(100), SeqNum(1));
        assert_eq!(fresh(&mut seen, &[ack], false), [ack]);
        assert_eq!(fresh(&mut seen, &[ack], false), [ack]);
        assert_eq!(fresh(&mut seen, &[ack], true), []);
    }
}
