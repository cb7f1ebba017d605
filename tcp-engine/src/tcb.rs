//! The sequence-number bookkeeping of one TCP endpoint (its Transmission Control Block), and
//! the checks of RFC 793 3.9 SEGMENT ARRIVES that come before any state change.
//!
//! This module is all the TCP knowledge the simulator has outside the spec. It
//!
//! 1. names the spec event an arriving segment is: its [`Key`], which [`crate::binding`]
//!    matches against the `segment` of the spec's receive events;
//! 2. drops what 3.9 drops before any state change, with the reply 3.9 makes for it (an ACK
//!    for an unacceptable segment, a RST for an unacceptable ACK while unsynchronized). The
//!    spec does not model these ("Unacceptable segments are answered with an ACK (or RST) and
//!    cause no state change; not modelled", `tcp.toml`), so without them Figures 9 and 10
//!    could not happen;
//! 3. fills in SEQ and ACK of the segments the spec sends (`send = "SYN,ACK"`), of data, of
//!    acknowledgments of data and of retransmissions.
//!
//! It never chooses a state: states change only through the spec's transitions
//! ([`crate::endpoint`]). Which checks apply depends on what the TCB holds, not on state
//! names: no SYN sent or received is LISTEN's processing, our SYN sent but none received is
//! SYN-SENT's, and once a SYN has been received it is the processing of the other states.
//!
//! Sequence numbers are [`SeqNum`]s, compared modulo 2^32 (RFC 793 3.3), so a connection
//! whose ISN lies just below 2^32 works across the wrap.

use crate::binding::Key;
use crate::wire::{Control, Segment, SeqNum};
use std::fmt;

/// RCV.WND when a scenario does not set one. Figure 10 needs a window that does not reach
/// from 100 to 400 ("the incoming segment outside the window").
pub const DEFAULT_WINDOW: u32 = 100;

/// The send sequence variables of RFC 793 3.2 (Figure 4) that the figures use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SendSequence {
    /// ISS: our initial sequence number, the sequence number of our SYN.
    pub iss: SeqNum,
    /// SND.UNA: oldest unacknowledged sequence number.
    pub una: SeqNum,
    /// SND.NXT: next sequence number to be sent.
    pub nxt: SeqNum,
    /// The sequence number of our FIN, once sent.
    pub fin: Option<SeqNum>,
}

impl SendSequence {
    fn syn_acknowledged(&self) -> bool {
        self.una.gt(self.iss)
    }

    /// Our FIN has been sent and not yet acknowledged.
    fn fin_outstanding(&self) -> bool {
        self.fin.is_some_and(|fin| self.una.le(fin))
    }
}

/// The receive sequence variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReceiveSequence {
    /// IRS: the peer's initial sequence number.
    pub irs: SeqNum,
    /// RCV.NXT: next sequence number expected.
    pub nxt: SeqNum,
    /// Whether the peer's FIN has been received (it is then at `nxt - 1`).
    pub fin: bool,
}

/// An endpoint's sequence state. An endpoint in the spec's initial state (CLOSED) has no TCB
/// at all ("CLOSED is fictional because it represents the state when there is no TCB", 3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Tcb {
    /// Set once our SYN has been formed.
    pub snd: Option<SendSequence>,
    /// Set once the peer's SYN has been received.
    pub rcv: Option<ReceiveSequence>,
}

/// Why a segment was dropped before reaching the spec, with the RFC 793 rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Discard {
    /// No SYN, ACK, FIN or RST bit: nothing the spec can receive.
    NoControl,
    /// Outside the receive window.
    OutsideWindow,
    /// A RST outside the window.
    RstOutsideWindow,
    /// A SYN (without ACK) that lies before RCV.NXT: an old duplicate.
    OldSyn,
    /// SYN-SENT and the ACK does not acknowledge our SYN.
    UnacceptableAckInSynSent,
    /// SYN-SENT and a RST without an ACK.
    RstWithoutAckInSynSent,
    /// SYN-SENT and neither SYN nor RST.
    NeitherSynNorRstInSynSent,
    /// Our SYN is unacknowledged and the ACK does not acknowledge it.
    UnacceptableAckInSynReceived,
    /// The ACK acknowledges something not yet sent.
    AckOfUnsentData,
    /// Synchronizing or synchronized, and the ACK bit is off.
    NoAck,
    /// Text or FIN beyond RCV.NXT: there is no reassembly queue.
    OutOfOrder,
}

impl fmt::Display for Discard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Discard::NoControl => "no SYN, ACK, FIN or RST bit",
            Discard::OutsideWindow => {
                "not acceptable: outside the receive window; an ACK is sent in reply \
                 (3.9 SEGMENT ARRIVES, first check sequence number)"
            }
            Discard::RstOutsideWindow => {
                "a RST outside the window is not valid (3.4 Reset Processing)"
            }
            Discard::OldSyn => {
                "an old duplicate SYN, before RCV.NXT: acknowledged and dropped \
                 (3.9 fourth check the SYN bit: \"an ack would have been sent in the first step\")"
            }
            Discard::UnacceptableAckInSynSent => {
                "the ACK does not acknowledge our SYN (SEG.ACK =< ISS or > SND.NXT): \
                 <SEQ=SEG.ACK><CTL=RST> is sent (3.9 SYN-SENT, first check the ACK bit)"
            }
            Discard::RstWithoutAckInSynSent => {
                "a RST without an acceptable ACK (3.9 SYN-SENT, second check the RST bit)"
            }
            Discard::NeitherSynNorRstInSynSent => {
                "neither SYN nor RST (3.9 SYN-SENT, fifth: \"drop the segment and return\")"
            }
            Discard::UnacceptableAckInSynReceived => {
                "the ACK does not acknowledge our SYN: <SEQ=SEG.ACK><CTL=RST> is sent \
                 (3.9 fifth check the ACK field, SYN-RECEIVED)"
            }
            Discard::AckOfUnsentData => {
                "the ACK acknowledges something not yet sent: an ACK is sent in reply \
                 (3.9 fifth check the ACK field)"
            }
            Discard::NoAck => "the ACK bit is off (3.9 fifth check the ACK field)",
            Discard::OutOfOrder => {
                "text or FIN beyond RCV.NXT; not queued here, an ACK is sent in reply"
            }
        })
    }
}

/// What the checks of 3.9 make of an arriving segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The segment is the spec event named by `key`; `tcb` is the TCB after taking it in
    /// (used only if the spec has a transition for the event).
    Event { key: Key, tcb: Tcb },
    /// Acceptable, but no spec event: it only moves SND.UNA or brings text, for example an
    /// ACK of our SYN while our FIN is still unacknowledged (FIN-WAIT-1 stays FIN-WAIT-1).
    Absorbed { tcb: Tcb },
    /// Dropped before any state change.
    Discarded(Discard),
}

/// A verdict and the segments 3.9 sends in reply whatever the spec does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrival {
    /// What the segment is.
    pub verdict: Verdict,
    /// What 3.9 sends in reply (an ACK for an unacceptable segment, a RST for an
    /// unacceptable ACK), whatever the spec does.
    pub replies: Vec<Segment>,
    /// The segment brought text at RCV.NXT, which must be acknowledged (3.9 seventh,
    /// process the segment text) unless the spec's reply already carries an ACK.
    pub text_received: bool,
}

impl Arrival {
    fn new(verdict: Verdict) -> Arrival {
        Arrival {
            verdict,
            replies: Vec::new(),
            text_received: false,
        }
    }

    fn discard(why: Discard) -> Arrival {
        Arrival::new(Verdict::Discarded(why))
    }

    fn reply(mut self, segment: Segment) -> Arrival {
        self.replies.push(segment);
        self
    }
}

/// The key of a segment from its control bits alone, for an endpoint with no TCB (CLOSED) or
/// one in LISTEN: the spec itself answers these with RSTs (3.4 Reset Generation, groups 1 and
/// 2) or, for a SYN in LISTEN, with SYN,ACK.
fn by_control_bits(segment: &Segment, base: Tcb) -> Arrival {
    let has = |bit| segment.has(bit);
    let key = if has(Control::RST) {
        Key::Rst
    } else if has(Control::SYN) {
        if has(Control::ACK) {
            Key::SynAck
        } else {
            Key::Syn
        }
    } else if has(Control::FIN) {
        Key::Fin
    } else if has(Control::ACK) {
        Key::Ack
    } else {
        return Arrival::discard(Discard::NoControl);
    };
    let mut tcb = base;
    if key == Key::Syn {
        tcb.rcv = Some(ReceiveSequence::from_syn(segment));
    }
    Arrival::new(Verdict::Event { key, tcb })
}

/// 3.9's test of whether a segment lies in the receive window ("first check sequence
/// number": its first or its last octet in `RCV.NXT =< n < RCV.NXT+RCV.WND`).
fn acceptable(segment: &Segment, rcv_nxt: SeqNum, window: u32) -> bool {
    match segment.len() {
        0 => segment.seq.in_window(rcv_nxt, window),
        len => {
            segment.seq.in_window(rcv_nxt, window)
                || (segment.seq + (len - 1)).in_window(rcv_nxt, window)
        }
    }
}

impl ReceiveSequence {
    /// What a SYN tells: IRS is its sequence number, RCV.NXT the one after it.
    fn from_syn(syn: &Segment) -> ReceiveSequence {
        ReceiveSequence {
            irs: syn.seq,
            nxt: syn.seq + 1,
            fin: false,
        }
    }
}

impl Tcb {
    /// The verdict on `segment` arriving at an endpoint without a TCB (the initial state).
    pub fn arrive_without_tcb(segment: &Segment) -> Arrival {
        by_control_bits(segment, Tcb::default())
    }

    /// The verdict on `segment` arriving at an endpoint with this TCB and receive window.
    pub fn arrive(&self, segment: &Segment, window: u32) -> Arrival {
        match (self.snd, self.rcv) {
            (_, Some(rcv)) => self.synchronizing(segment, window, rcv),
            (Some(snd), None) => self.syn_sent(segment, snd),
            (None, None) => by_control_bits(segment, *self),
        }
    }

    /// 3.9 SEGMENT ARRIVES, "If the state is SYN-SENT then".
    fn syn_sent(&self, segment: &Segment, snd: SendSequence) -> Arrival {
        let rst = segment.has(Control::RST);
        if let Some(ack) = segment.acknowledgment() {
            if ack.le(snd.iss) || ack.gt(snd.nxt) {
                let arrival = Arrival::discard(Discard::UnacceptableAckInSynSent);
                return match rst {
                    true => arrival,
                    false => arrival.reply(Segment::rst(ack)),
                };
            }
        }
        if rst {
            return match segment.acknowledgment() {
                Some(_) => Arrival::new(Verdict::Event {
                    key: Key::Rst,
                    tcb: *self,
                }),
                None => Arrival::discard(Discard::RstWithoutAckInSynSent),
            };
        }
        if !segment.has(Control::SYN) {
            return Arrival::discard(Discard::NeitherSynNorRstInSynSent);
        }
        let mut tcb = *self;
        tcb.rcv = Some(ReceiveSequence::from_syn(segment));
        let key = match segment.acknowledgment() {
            Some(ack) => {
                if let Some(snd) = tcb.snd.as_mut() {
                    snd.una = ack;
                }
                Key::SynAck
            }
            None => Key::Syn,
        };
        Arrival::new(Verdict::Event { key, tcb })
    }

    /// 3.9 SEGMENT ARRIVES, "Otherwise" (SYN-RECEIVED and the synchronized states).
    fn synchronizing(&self, segment: &Segment, window: u32, rcv: ReceiveSequence) -> Arrival {
        let Some(snd) = self.snd else {
            // A SYN was received but the spec sent none back: nothing can be acknowledged.
            return Arrival::discard(Discard::NoAck);
        };
        let reply_ack = Segment::ack(snd.nxt, rcv.nxt);
        if segment.has(Control::RST) {
            // 3.4 Reset Processing: "A reset is valid if its sequence number is in the window."
            return match segment.seq.in_window(rcv.nxt, window) {
                true => Arrival::new(Verdict::Event {
                    key: Key::Rst,
                    tcb: *self,
                }),
                false => Arrival::discard(Discard::RstOutsideWindow),
            };
        }
        let mut segment = *segment;
        let mut replies = Vec::new();
        let old_syn = segment.has(Control::SYN) && segment.seq.lt(rcv.nxt);
        if old_syn {
            // The SYN lies before the window: trim it ("trimming off any portions that lie
            // outside the window (including SYN and FIN)", first check) and acknowledge it
            // (fourth check: "an ack would have been sent in the first step"). What is left
            // of a SYN,ACK is its acknowledgment, which the spec may use (Figure 8, line 6).
            replies.push(reply_ack);
            segment.seq += 1;
            segment.ctl = segment.ctl.without(Control::SYN);
            if segment.acknowledgment().is_none() {
                return Arrival {
                    replies,
                    ..Arrival::discard(Discard::OldSyn)
                };
            }
        }
        // A FIN we have already received and acknowledged, sent again: the spec's rcv_fin
        // self-loops (CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT) acknowledge it again.
        let repeated_fin = segment.has(Control::FIN) && rcv.fin && segment.end() == rcv.nxt;
        if !repeated_fin && !acceptable(&segment, rcv.nxt, window) {
            if !old_syn {
                replies.push(reply_ack);
            }
            return Arrival {
                replies,
                ..Arrival::discard(Discard::OutsideWindow)
            };
        }
        if segment.has(Control::SYN) {
            // Fourth check: a SYN in the window. The spec decides (RFC 793: reset, CLOSED).
            let key = match segment.acknowledgment() {
                Some(_) => Key::SynAck,
                None => Key::Syn,
            };
            return Arrival {
                replies,
                ..Arrival::new(Verdict::Event { key, tcb: *self })
            };
        }
        let Some(ack) = segment.acknowledgment() else {
            return Arrival {
                replies,
                ..Arrival::discard(Discard::NoAck)
            };
        };
        let acknowledges_syn = snd.una.lt(ack) && ack.le(snd.nxt);
        if !snd.syn_acknowledged() && !acknowledges_syn {
            replies.push(Segment::rst(ack));
            return Arrival {
                replies,
                ..Arrival::discard(Discard::UnacceptableAckInSynReceived)
            };
        }
        if ack.gt(snd.nxt) {
            replies.push(reply_ack);
            return Arrival {
                replies,
                ..Arrival::discard(Discard::AckOfUnsentData)
            };
        }
        let mut tcb = *self;
        let mut next_rcv = rcv;
        let next_snd = tcb.snd.as_mut().expect("checked above");
        next_snd.una = next_snd.una.max(ack);
        let acks_our_fin = snd.fin_outstanding() && snd.fin.is_some_and(|fin| ack.gt(fin));
        let bears_text_or_fin = segment.data > 0 || segment.has(Control::FIN);
        if !repeated_fin && bears_text_or_fin && segment.seq != rcv.nxt {
            replies.push(reply_ack);
            return Arrival {
                replies,
                ..Arrival::discard(Discard::OutOfOrder)
            };
        }
        let text_received = !repeated_fin && segment.data > 0;
        if text_received {
            next_rcv.nxt += segment.data;
        }
        let key = if segment.has(Control::FIN) {
            if !repeated_fin {
                next_rcv.nxt += 1;
                next_rcv.fin = true;
            }
            Some(if acks_our_fin { Key::FinAck } else { Key::Fin })
        } else if old_syn {
            Some(Key::SynAck)
        } else if snd.fin_outstanding() && !acks_our_fin {
            None
        } else {
            Some(Key::Ack)
        };
        tcb.rcv = Some(next_rcv);
        let verdict = match key {
            Some(key) => Verdict::Event { key, tcb },
            None => Verdict::Absorbed { tcb },
        };
        Arrival {
            verdict,
            replies,
            text_received,
        }
    }

    /// The segment the spec's `send` stands for, formed from this TCB (which it updates: a
    /// new SYN takes an ISS from `next_isn`, a FIN takes a sequence number). `trigger` is the
    /// segment being answered, if any: a RST answering a segment follows 3.4 Reset Generation
    /// ("If the incoming segment has an ACK field, the reset takes its sequence number from
    /// the ACK field of the segment, otherwise the reset has sequence number zero and the ACK
    /// field is set to the sum of the sequence number and segment length"); a RST from a user
    /// call is `<SEQ=SND.NXT><CTL=RST>` (3.9 ABORT Call). Segments other than RST carry an ACK
    /// once a SYN has been received (Figure 13: `<CTL=FIN,ACK>`).
    ///
    /// Returns `None` when a new SYN needs an ISS and `next_isn` has none left.
    pub fn form(
        &mut self,
        bits: Control,
        trigger: Option<&Segment>,
        next_isn: &mut dyn FnMut() -> Option<SeqNum>,
    ) -> Option<Segment> {
        if bits.contains(Control::RST) {
            return Some(match trigger {
                Some(t) => match t.acknowledgment() {
                    Some(ack) => Segment::rst(ack),
                    None => Segment::rst(SeqNum(0)).with_ack(t.end()),
                },
                None => Segment::rst(self.snd.map_or(SeqNum(0), |s| s.nxt)),
            });
        }
        let syn = bits.contains(Control::SYN);
        let fin = bits.contains(Control::FIN);
        if syn && self.snd.is_none() {
            let iss = next_isn()?;
            self.snd = Some(SendSequence {
                iss,
                una: iss,
                nxt: iss + 1,
                fin: None,
            });
        }
        let seq = match self.snd.as_mut() {
            None => SeqNum(0),
            Some(snd) if syn => snd.iss,
            Some(snd) if fin => *snd.fin.get_or_insert_with(|| {
                let fin = snd.nxt;
                snd.nxt = fin + 1;
                fin
            }),
            Some(snd) => snd.nxt,
        };
        let segment = Segment::new(seq, bits);
        Some(match (bits.contains(Control::ACK), self.rcv) {
            (_, Some(rcv)) => segment.with_ack(rcv.nxt),
            (true, None) => segment.with_ack(SeqNum(0)),
            (false, None) => segment,
        })
    }

    /// A segment of `octets` octets of text, if the connection can carry text now (our SYN
    /// acknowledged, the peer's SYN received, our FIN not sent; 3.9 SEND Call). In SYN-SENT
    /// and SYN-RECEIVED 3.9 queues the text; the simulator does not model that queue.
    pub fn text(&mut self, octets: u32) -> Option<Segment> {
        let rcv = self.rcv?;
        let snd = self.snd.as_mut()?;
        if !snd.syn_acknowledged() || snd.fin.is_some() || octets == 0 {
            return None;
        }
        let segment = Segment {
            data: octets,
            ..Segment::ack(snd.nxt, rcv.nxt)
        };
        snd.nxt += octets;
        Some(segment)
    }

    /// `<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>`, acknowledging received text.
    pub fn acknowledgment(&self) -> Option<Segment> {
        Some(Segment::ack(self.snd?.nxt, self.rcv?.nxt))
    }

    /// The segment at the front of the retransmission queue: our SYN or FIN if
    /// unacknowledged (3.9 RETRANSMISSION TIMEOUT). Text is not kept for retransmission.
    pub fn retransmission(&self) -> Option<Segment> {
        let snd = self.snd?;
        let segment = if !snd.syn_acknowledged() {
            Segment::new(snd.iss, Control::SYN)
        } else if snd.fin_outstanding() {
            Segment::new(snd.fin?, Control::FIN)
        } else {
            return None;
        };
        Some(match self.rcv {
            Some(rcv) => segment.with_ack(rcv.nxt),
            None => segment,
        })
    }

    /// Forgets the connection's sequence numbers after an accepted RST that leaves a TCB
    /// (SYN-RECEIVED back to LISTEN): the next connection starts with a new ISS.
    pub fn forget_connection(&mut self) {
        *self = Tcb::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(text: &str) -> Segment {
        text.parse().unwrap()
    }

    fn key(arrival: &Arrival) -> Option<Key> {
        match arrival.verdict {
            Verdict::Event { key, .. } => Some(key),
            _ => None,
        }
    }

    /// A TCB after a handshake: we sent 100.., they sent 300...
    fn established() -> Tcb {
        Tcb {
            snd: Some(SendSequence {
                iss: SeqNum(99),
                una: SeqNum(100),
                nxt: SeqNum(100),
                fin: None,
            }),
            rcv: Some(ReceiveSequence {
                irs: SeqNum(299),
                nxt: SeqNum(300),
                fin: false,
            }),
        }
    }

    #[test]
    fn syn_sent_answers_an_ack_of_an_old_syn_with_rst() {
        // Figure 9 line 4: ISS 100, the SYN,ACK acknowledges 91.
        let tcb = Tcb {
            snd: Some(SendSequence {
                iss: SeqNum(100),
                una: SeqNum(100),
                nxt: SeqNum(101),
                fin: None,
            }),
            rcv: None,
        };
        let arrival = tcb.arrive(&seg("<SEQ=300><ACK=91><CTL=SYN,ACK>"), DEFAULT_WINDOW);
        assert_eq!(
            arrival.verdict,
            Verdict::Discarded(Discard::UnacceptableAckInSynSent)
        );
        assert_eq!(arrival.replies, [seg("<SEQ=91><CTL=RST>")]);
    }

    #[test]
    fn a_syn_outside_the_window_is_acknowledged_not_reset() {
        // Figure 10 line 3.
        let arrival = established().arrive(&seg("<SEQ=400><CTL=SYN>"), DEFAULT_WINDOW);
        assert_eq!(arrival.verdict, Verdict::Discarded(Discard::OutsideWindow));
        assert_eq!(arrival.replies, [seg("<SEQ=100><ACK=300><CTL=ACK>")]);
    }

    #[test]
    fn a_fin_is_fin_ack_only_when_it_acknowledges_our_fin() {
        let mut tcb = established();
        tcb.snd = Some(SendSequence {
            fin: Some(SeqNum(100)),
            nxt: SeqNum(101),
            ..tcb.snd.unwrap()
        });
        let crossing = tcb.arrive(&seg("<SEQ=300><ACK=100><CTL=FIN,ACK>"), DEFAULT_WINDOW);
        let acking = tcb.arrive(&seg("<SEQ=300><ACK=101><CTL=FIN,ACK>"), DEFAULT_WINDOW);
        assert_eq!(
            (key(&crossing), key(&acking)),
            (Some(Key::Fin), Some(Key::FinAck))
        );
    }

    #[test]
    fn an_ack_that_leaves_our_fin_unacknowledged_is_no_event() {
        let mut tcb = established();
        tcb.snd = Some(SendSequence {
            fin: Some(SeqNum(100)),
            nxt: SeqNum(101),
            ..tcb.snd.unwrap()
        });
        let arrival = tcb.arrive(&seg("<SEQ=300><ACK=100><CTL=ACK>"), DEFAULT_WINDOW);
        assert!(matches!(arrival.verdict, Verdict::Absorbed { .. }));
    }

    #[test]
    fn a_repeated_syn_ack_is_acknowledged_and_keeps_its_key() {
        // Figure 8 line 6: A in SYN-RECEIVED (RCV.NXT 301) gets B's SYN,ACK with SEQ 300.
        let tcb = Tcb {
            snd: Some(SendSequence {
                iss: SeqNum(100),
                una: SeqNum(100),
                nxt: SeqNum(101),
                fin: None,
            }),
            rcv: Some(ReceiveSequence {
                irs: SeqNum(300),
                nxt: SeqNum(301),
                fin: false,
            }),
        };
        let arrival = tcb.arrive(&seg("<SEQ=300><ACK=101><CTL=SYN,ACK>"), DEFAULT_WINDOW);
        assert_eq!(key(&arrival), Some(Key::SynAck));
        assert_eq!(arrival.replies, [seg("<SEQ=101><ACK=301><CTL=ACK>")]);
    }

    #[test]
    fn resets_follow_reset_generation() {
        let mut tcb = Tcb::default();
        let rst = Control::RST;
        let mut no_isn = || None;
        let to_syn = tcb.form(rst, Some(&seg("<SEQ=100><CTL=SYN>")), &mut no_isn);
        let to_ack = tcb.form(rst, Some(&seg("<SEQ=5><ACK=77><CTL=ACK>")), &mut no_isn);
        assert_eq!(to_syn, Some(seg("<SEQ=0><ACK=101><CTL=RST,ACK>")));
        assert_eq!(to_ack, Some(seg("<SEQ=77><CTL=RST>")));
    }
}
