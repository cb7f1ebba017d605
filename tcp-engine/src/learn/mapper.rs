//! The mapper between the learner's abstract inputs and outputs and the wire: it plays the
//! peer, numbering each segment from what the stack has sent, and turns what the stack sent
//! back into control bits.
//!
//! `conform`'s peer ([`crate::conform::peer`]) numbers its segments from a spec-driven model
//! of the stack, which a learner cannot use: its queries take the stack where the spec has
//! no transition. This peer keeps a TCB of its own instead, in [`Tcb`]'s terms (its SND is
//! what the peer sent, its RCV what the stack sent), and fills it from the stack's segments,
//! as Fiterau-Brostean et al. (CAV 2016) do. It follows `conform`'s rules P1 to P7 wherever
//! they do not need the model, so the same segment is sent for the same input:
//!
//! | # | rule |
//! |---|------|
//! | M1 | SYN: `<SEQ=SND.NXT>` once the peer has sent its SYN (a SYN in the window, P1), else the peer's ISS. |
//! | M2 | SYN,ACK: the peer's ISS, acknowledging RCV.NXT (all the stack sent, P2). |
//! | M3 | ACK: `<SEQ=SND.NXT><ACK=RCV.NXT>` (P3). |
//! | M4 | FIN: `<SEQ=SND.NXT><CTL=FIN,ACK>` acknowledging all but the stack's FIN (unless an ACK of the peer's has already acknowledged that FIN), once the peer's FIN is out the same FIN again (P4); with nothing from the stack, no ACK. |
//! | M5 | FIN,ACK: the same, acknowledging the stack's FIN too (P5). |
//! | M6 | RST: `<SEQ=SND.NXT>`; with `<ACK=RCV.NXT>` when the stack has sent a SYN and the peer none (SYN-SENT's acceptable reset, P6). |
//! | M7 | Nothing received from the stack yet: ACKs acknowledge an arbitrary number (P7). |
//! | M8 | A reset either way ends the connection, as does the stack's saying it has none (CLOSED or LISTEN): the peer forgets the stack's numbers and its own, and its next SYN starts from a new ISS. A SYN from the stack at a new sequence number starts the stack's numbers over. |

use crate::binding::Key;
use crate::conform::peer::PEER_ISS;
use crate::tcb::{ReceiveSequence, SendSequence, Tcb};
use crate::wire::{Control, Segment, SeqNum};

/// What rule M7 acknowledges.
const ARBITRARY_ACK: SeqNum = SeqNum(5000);
/// How far apart the peer's successive ISSs are (M8).
const ISS_GAP: u32 = 0x1000_0000;

/// The peer's TCB and its bookkeeping.
#[derive(Debug, Clone, Default)]
pub struct Mapper {
    /// SND: what the peer sent; RCV: what the stack sent.
    tcb: Tcb,
    /// Connections ended so far (M8).
    ended: u32,
    /// The highest ACK the peer has sent on this connection.
    acked: Option<SeqNum>,
}

impl Mapper {
    /// The peer's ISS for its current connection.
    fn iss(&self) -> SeqNum {
        PEER_ISS + self.ended.wrapping_mul(ISS_GAP)
    }

    /// What the peer's next segment's SEQ is, and the sequence number of its FIN if sent.
    fn snd(&self) -> SendSequence {
        self.tcb.snd.unwrap_or(SendSequence {
            iss: self.iss(),
            una: self.iss(),
            nxt: self.iss(),
            fin: None,
        })
    }

    /// The segment standing for `key` (rules M1 to M7).
    pub fn segment(&self, key: Key) -> Segment {
        let snd = self.snd();
        let synced = self.tcb.snd.is_some();
        let rcv = self.tcb.rcv;
        let all = rcv.map_or(ARBITRARY_ACK, |r| r.nxt);
        // All but the stack's FIN, unless the peer has acknowledged that FIN already.
        let fin_acked = |r: ReceiveSequence| self.acked.is_some_and(|a| a.ge(r.nxt));
        let but_fin = rcv.map_or(ARBITRARY_ACK, |r| match r.fin && !fin_acked(r) {
            true => SeqNum(r.nxt.0.wrapping_sub(1)),
            false => r.nxt,
        });
        let fin_seq = match snd.fin {
            Some(fin) => fin,
            None => snd.nxt,
        };
        match key {
            Key::Syn if synced => Segment::new(snd.nxt, Control::SYN),
            Key::Syn => Segment::new(snd.iss, Control::SYN),
            Key::SynAck => Segment::new(snd.iss, Control::SYN).with_ack(all),
            Key::Ack => Segment::ack(snd.nxt, all),
            Key::Fin if rcv.is_none() => Segment::new(fin_seq, Control::FIN),
            Key::Fin => Segment::new(fin_seq, Control::FIN).with_ack(but_fin),
            Key::FinAck => Segment::new(fin_seq, Control::FIN).with_ack(all),
            Key::Rst if rcv.is_some() && !synced => Segment::rst(snd.nxt).with_ack(all),
            Key::Rst => Segment::rst(snd.nxt),
        }
    }

    /// Records a segment the peer sent.
    pub fn peer_sent(&mut self, segment: &Segment) {
        if segment.has(Control::RST) {
            self.end();
            return;
        }
        if let Some(ack) = segment.acknowledgment() {
            self.acked = Some(self.acked.map_or(ack, |a| a.max(ack)));
        }
        let mut snd = self.snd();
        if segment.has(Control::SYN) && self.tcb.snd.is_none() {
            snd.nxt = snd.iss + 1;
        }
        if segment.has(Control::FIN) && snd.fin.is_none() {
            snd.fin = Some(snd.nxt);
            snd.nxt += 1;
        }
        if segment.has(Control::SYN) || self.tcb.snd.is_some() {
            self.tcb.snd = Some(snd);
        }
    }

    /// Records the segments the stack sent.
    pub fn stack_sent(&mut self, segments: &[Segment]) {
        for segment in segments {
            if segment.has(Control::RST) {
                self.end();
                continue;
            }
            let rcv = match (self.tcb.rcv, segment.has(Control::SYN)) {
                (Some(r), true) if r.irs == segment.seq => r,
                (_, true) => ReceiveSequence {
                    irs: segment.seq,
                    nxt: segment.seq,
                    fin: false,
                },
                (Some(r), false) => r,
                (None, false) => continue,
            };
            let end = segment.end();
            self.tcb.rcv = Some(ReceiveSequence {
                nxt: rcv.nxt.max(end),
                fin: rcv.fin || segment.has(Control::FIN),
                ..rcv
            });
        }
    }

    /// Rule M8, when the stack says it has no connection.
    pub fn forget(&mut self) {
        self.end();
    }

    /// Rule M8.
    fn end(&mut self) {
        if self.tcb.snd.is_some() || self.tcb.rcv.is_some() {
            self.ended += 1;
        }
        self.tcb = Tcb::default();
        self.acked = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handshake_is_numbered_from_the_stacks_syn() {
        let mut peer = Mapper::default();
        assert_eq!(peer.segment(Key::Syn), Segment::new(PEER_ISS, Control::SYN));
        peer.peer_sent(&peer.segment(Key::Syn));
        let syn_ack = Segment::new(SeqNum(7000), Control::SYN).with_ack(PEER_ISS + 1);
        peer.stack_sent(&[syn_ack]);
        assert_eq!(
            peer.segment(Key::Ack),
            Segment::ack(PEER_ISS + 1, SeqNum(7001))
        );
        // A second SYN is in the window.
        assert_eq!(
            peer.segment(Key::Syn),
            Segment::new(PEER_ISS + 1, Control::SYN)
        );
    }

    #[test]
    fn a_fin_acknowledges_all_but_the_stacks_fin() {
        let mut peer = Mapper::default();
        peer.peer_sent(&Segment::new(PEER_ISS, Control::SYN));
        peer.stack_sent(&[Segment::new(SeqNum(7000), Control::SYN).with_ack(PEER_ISS + 1)]);
        peer.stack_sent(&[Segment::new(SeqNum(7001), Control::FIN).with_ack(PEER_ISS + 1)]);
        assert_eq!(peer.segment(Key::Fin).ack, SeqNum(7001));
        assert_eq!(peer.segment(Key::FinAck).ack, SeqNum(7002));
        peer.peer_sent(&peer.segment(Key::FinAck));
        // Its FIN again, at the same number.
        assert_eq!(peer.segment(Key::Fin).seq, PEER_ISS + 1);
    }

    #[test]
    fn a_reset_starts_a_new_connection_from_a_new_iss() {
        let mut peer = Mapper::default();
        peer.peer_sent(&Segment::new(PEER_ISS, Control::SYN));
        peer.stack_sent(&[Segment::rst(SeqNum(0))]);
        assert_eq!(peer.segment(Key::Syn).seq, PEER_ISS + ISS_GAP);
        assert_eq!(peer.segment(Key::Ack).ack, ARBITRARY_ACK);
    }

    #[test]
    fn a_reset_to_a_syn_sent_stack_acknowledges_its_syn() {
        let mut peer = Mapper::default();
        peer.stack_sent(&[Segment::new(SeqNum(7000), Control::SYN)]);
        assert_eq!(
            peer.segment(Key::Rst),
            Segment::rst(PEER_ISS).with_ack(SeqNum(7001))
        );
    }
}
