//! The inference rules: which spec events a passive observer infers from one captured segment,
//! for the endpoint that sent it and for the endpoint that receives it.
//!
//! This module is the only TCP knowledge the tracker has outside the spec. It never decides a
//! state: it names events, and the spec's transitions say where they lead. The rules read
//! only the segment and what earlier segments showed about sequence numbers ([`SeqView`]).
//! They name roles ([`Call`], [`Key`]); [`crate::binding`] finds the spec event that plays
//! each, so the table's event names are the bundled spec's and any spec's work alike.
//!
//! | # | seen | sender's event | receiver's event | source |
//! |---|------|----------------|------------------|--------|
//! | S1 | SYN without ACK, new ISN | `active_open` | `rcv_syn` (R0 first for a fresh receiver) | RFC 793 3.4 Figure 7; 3.9 OPEN Call |
//! | S2 | SYN without ACK, ISN already seen | none (retransmission) | none: a duplicate SYN is not acceptable | RFC 793 3.7 Retransmission; 3.9 first check |
//! | S3 | SYN,ACK | none: the output of an earlier `rcv_syn` | `rcv_syn_ack`, unless a duplicate that acknowledges nothing new | RFC 793 3.4 Figures 7, 8 |
//! | S4 | data beyond what the sender sent before | `send` | from its ACK bit, rules A1-A3 | RFC 793 3.9 SEND Call |
//! | S5 | FIN, first one from the sender | `close` (after `send` for data in it) | `rcv_fin_ack` if its ACK covers the receiver's unacknowledged FIN, else `rcv_fin` | RFC 793 3.5; 3.9 CLOSE Call, eighth check |
//! | S6 | FIN, retransmitted | none | as S5 (the spec models retransmitted FINs) | RFC 793 3.9 eighth check |
//! | S7 | RST that the sender owes (an output of a transition it took) | none | `rcv_rst` | RFC 793 3.4 Reset Generation |
//! | S8 | RST that the sender does not owe | `abort` | `rcv_rst` | RFC 793 3.9 ABORT Call |
//! | A1 | ACK (no SYN, FIN, RST) while the receiver's SYN is unacknowledged | none | `rcv_ack` if it acknowledges the SYN, else none | RFC 793 3.9 fifth check, SYN-RECEIVED |
//! | A2 | ACK while the receiver's FIN is unacknowledged | none | `rcv_ack` if it acknowledges the FIN, else none: the spec's `rcv_ack` there means "rcv ACK of FIN" (Figure 6) | RFC 793 3.9 fifth check, FIN-WAIT-1, CLOSING, LAST-ACK |
//! | A3 | any other ACK | none | `rcv_ack` | RFC 793 3.9 fifth check |
//! | A4 | no ACK, SYN, FIN or RST | none | none: "if the ACK bit is off drop the segment" | RFC 793 3.9 fifth check |
//! | R0 | a fresh endpoint (never seen before) receives a SYN | `passive_open` before the SYN if its answer carries SYN; none if it answers RST (no listener) | | RFC 793 3.9 OPEN Call; SEGMENT ARRIVES, CLOSED |
//! | T1 | a new SYN (new ISN) from an endpoint where `timeout_2msl` is allowed (TIME_WAIT) | `timeout_2msl`, assumed just before the SYN, then S1 | | RFC 793 3.9 TIME-WAIT TIMEOUT; RFC 1122 4.2.2.13 |
//!
//! | M1 | the first segment of a connection has no SYN | assumed before it: Figure 7 with A as the opener (A `active_open`, `rcv_syn_ack`) | assumed: B `passive_open`, `rcv_syn`, `rcv_ack` | RFC 793 3.4 Figure 7 |
//! | O1 | any segment towards an endpoint | | processed when the endpoint's next segment acknowledges it (or carries no ACK), else at the end of the capture; a segment with no sequence space is processed at once when nothing waits before it | RFC 793 3.3 (SEG.ACK); 3.9 "processed in sequence" |
//!
//! Rule O1 is applied by the tracker: a capture lists segments when they are sent, and two
//! segments can cross (Figure 14, simultaneous close). The ACK field of what an endpoint
//! sends shows which of the segments sent to it it had processed. A step caused by a
//! received segment is dated by that segment (or by the endpoint's previous step, if later).
//!
//! What a passive observer cannot know, and how the tracker settles it:
//! - LISTEN is invisible: a passive OPEN sends nothing. R0 infers it from the answer to the
//!   first SYN (SYN,ACK means it was listening, RST means it was closed).
//! - Calls are seen only through the segments they cause, so a state change is dated by
//!   its segment, not by the moment the application made the call. A `close` whose FIN is
//!   held back behind unsent data shows up when the FIN leaves.
//! - Which call caused a RST is unknown: `close` with unread data and SO_LINGER 0 both send
//!   RST on Linux; both read as `abort` (S8).
//! - Timeouts send nothing: the end of TIME-WAIT is never seen. An endpoint in TIME_WAIT
//!   stays there until the end of the capture unless rule T1 applies.
//! - A segment lost before the capture point would have to be guessed; on loopback every
//!   segment is captured once, so no rule guesses lost segments.

use crate::binding::{Call, Key};
use crate::wire::{Control, Segment, SeqNum};

/// The control bit whose appearance on the wire made the rules infer `call`, if any: the
/// spec's `send` for the call must include it.
pub fn trigger(call: Call) -> Control {
    match call {
        Call::ActiveOpen => Control::SYN,
        Call::Close => Control::FIN,
        Call::Abort => Control::RST,
        Call::PassiveOpen | Call::Send => Control::NONE,
    }
}

/// What the segments seen so far tell about one endpoint's sequence numbers: its ISN, how
/// far it has sent, its FIN, which of its SYN and FIN the peer has acknowledged, and the
/// peer's ISN as this endpoint received it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeqView {
    /// The sequence number of this endpoint's SYN.
    pub isn: Option<SeqNum>,
    /// The sequence number after the last octet (or SYN or FIN) sent so far.
    pub snd_max: Option<SeqNum>,
    /// The sequence number of this endpoint's FIN.
    pub fin_seq: Option<SeqNum>,
    /// The peer acknowledged this endpoint's SYN.
    pub syn_acked: bool,
    /// The peer acknowledged this endpoint's FIN.
    pub fin_acked: bool,
    /// The ISN of the peer's SYN, once this endpoint has received it.
    pub peer_isn: Option<SeqNum>,
}

impl SeqView {
    fn syn_outstanding(&self) -> bool {
        self.isn.is_some() && !self.syn_acked
    }

    fn fin_outstanding(&self) -> bool {
        self.fin_seq.is_some() && !self.fin_acked
    }

    fn acks_syn(&self, segment: &Segment) -> bool {
        let acked = |isn: SeqNum| segment.ack.gt(isn);
        segment.has(Control::ACK) && self.isn.is_some_and(acked)
    }

    fn acks_fin(&self, segment: &Segment) -> bool {
        let acked = |fin: SeqNum| segment.ack.gt(fin);
        segment.has(Control::ACK) && self.fin_seq.is_some_and(acked)
    }

    /// Whether a SYN from this endpoint is a new connection request rather than a
    /// retransmission of the last one.
    pub fn is_new_syn(&self, segment: &Segment) -> bool {
        self.isn != Some(segment.seq)
    }

    /// Records a segment this endpoint sent.
    pub fn note_sent(&mut self, segment: &Segment) {
        if segment.has(Control::SYN) && self.isn.is_none() {
            self.isn = Some(segment.seq);
        }
        if segment.has(Control::FIN) && self.fin_seq.is_none() {
            self.fin_seq = Some(segment.seq + (segment.len() - 1));
        }
        let end = segment.end();
        if self.snd_max.is_none_or(|max| end.gt(max)) {
            self.snd_max = Some(end);
        }
    }

    /// Records a segment this endpoint received.
    pub fn note_received(&mut self, segment: &Segment) {
        if segment.has(Control::SYN) && self.peer_isn.is_none() {
            self.peer_isn = Some(segment.seq);
        }
        self.syn_acked |= self.acks_syn(segment);
        self.fin_acked |= self.acks_fin(segment);
    }
}

/// The calls one segment shows, in order: at most `active_open`, `send` and `close`, or `abort`.
/// A fixed array, because the tracker asks for every segment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Calls {
    list: [Option<Call>; 3],
}

impl Calls {
    fn push(&mut self, call: Call) {
        let free = self.list.iter_mut().find(|slot| slot.is_none());
        *free.expect("a segment shows at most three calls") = Some(call);
    }

    /// The calls as a vector, in order.
    pub fn to_vec(self) -> Vec<Call> {
        self.into_iter().collect()
    }
}

impl IntoIterator for Calls {
    type Item = Call;
    type IntoIter = std::iter::Flatten<std::array::IntoIter<Option<Call>, 3>>;

    fn into_iter(self) -> Self::IntoIter {
        self.list.into_iter().flatten()
    }
}

/// The calls the sender made, in order, by rules S1, S4, S5 and S8. `owes_rst` says whether a
/// transition the sender took earlier owes a RST (rule S7).
pub fn sender_calls(view: &SeqView, segment: &Segment, owes_rst: bool) -> Calls {
    let has = |bit| segment.has(bit);
    let mut calls = Calls::default();
    if has(Control::RST) {
        if !owes_rst {
            calls.push(Call::Abort);
        }
        return calls;
    }
    if has(Control::SYN) && !has(Control::ACK) && view.is_new_syn(segment) {
        calls.push(Call::ActiveOpen);
    }
    let data_end = segment.seq + (segment.len() - u32::from(has(Control::FIN)));
    let new_data = segment.data > 0 && view.snd_max.is_none_or(|max| data_end.gt(max));
    if new_data {
        calls.push(Call::Send);
    }
    if has(Control::FIN) && view.fin_seq.is_none() {
        calls.push(Call::Close);
    }
    calls
}

/// The event the receiver sees, by rules S1-S8 and A1-A4, from what it knows (`view`)
/// before the segment arrives.
pub fn receiver_event(view: &SeqView, segment: &Segment) -> Option<Key> {
    let has = |bit| segment.has(bit);
    if has(Control::RST) {
        return Some(Key::Rst);
    }
    if has(Control::SYN) {
        let duplicate = view.peer_isn == Some(segment.seq);
        return match has(Control::ACK) {
            false if duplicate => None,
            false => Some(Key::Syn),
            true if duplicate && !(view.syn_outstanding() && view.acks_syn(segment)) => None,
            true => Some(Key::SynAck),
        };
    }
    if has(Control::FIN) {
        let acks_our_fin = view.fin_outstanding() && view.acks_fin(segment);
        return Some(if acks_our_fin { Key::FinAck } else { Key::Fin });
    }
    if !has(Control::ACK) {
        return None;
    }
    if view.syn_outstanding() {
        return view.acks_syn(segment).then_some(Key::Ack);
    }
    if view.fin_outstanding() {
        return view.acks_fin(segment).then_some(Key::Ack);
    }
    Some(Key::Ack)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(ctl: Control, seq: u32, ack: u32, data: u32) -> Segment {
        let segment = Segment {
            data,
            ..Segment::new(SeqNum(seq), ctl)
        };
        match ctl.contains(ACK) {
            true => segment.with_ack(SeqNum(ack)),
            false => segment,
        }
    }

    const SYN: Control = Control::SYN;
    const ACK: Control = Control::ACK;
    const FIN: Control = Control::FIN;
    const RST: Control = Control::RST;

    #[test]
    fn a_first_syn_is_an_active_open_and_a_retransmitted_one_is_nothing() {
        let mut view = SeqView::default();
        let syn = segment(SYN, 100, 0, 0);
        assert_eq!(
            sender_calls(&view, &syn, false).to_vec(),
            [Call::ActiveOpen]
        );
        view.note_sent(&syn);
        assert_eq!(sender_calls(&view, &syn, false).to_vec(), []);
        assert_eq!(view.snd_max, Some(SeqNum(101)));
    }

    #[test]
    fn data_with_a_fin_is_a_send_then_a_close() {
        let mut view = SeqView::default();
        view.note_sent(&segment(SYN, 100, 0, 0));
        let last = segment(FIN | ACK, 101, 5, 10);
        assert_eq!(
            sender_calls(&view, &last, false).to_vec(),
            [Call::Send, Call::Close]
        );
        view.note_sent(&last);
        assert_eq!(view.fin_seq, Some(SeqNum(111)));
        assert_eq!(
            sender_calls(&view, &last, false).to_vec(),
            [],
            "a retransmission"
        );
    }

    #[test]
    fn a_rst_is_an_abort_unless_a_transition_owes_it() {
        let view = SeqView::default();
        let rst = segment(RST | ACK, 0, 101, 0);
        assert_eq!(sender_calls(&view, &rst, false).to_vec(), [Call::Abort]);
        assert_eq!(sender_calls(&view, &rst, true).to_vec(), []);
        assert_eq!(receiver_event(&view, &rst), Some(Key::Rst));
    }

    #[test]
    fn a_fin_that_acknowledges_the_receivers_fin_is_rcv_fin_ack() {
        let mut view = SeqView::default();
        view.note_sent(&segment(SYN, 100, 0, 0));
        view.note_received(&segment(SYN | ACK, 500, 101, 0));
        view.note_sent(&segment(FIN | ACK, 101, 501, 0));
        assert_eq!(
            receiver_event(&view, &segment(FIN | ACK, 501, 101, 0)),
            Some(Key::Fin),
            "crossing FINs: ours is not acknowledged yet"
        );
        assert_eq!(
            receiver_event(&view, &segment(FIN | ACK, 501, 102, 0)),
            Some(Key::FinAck)
        );
    }

    #[test]
    fn an_ack_that_leaves_our_fin_unacknowledged_is_no_event() {
        let mut view = SeqView::default();
        view.note_sent(&segment(SYN, 100, 0, 0));
        view.note_received(&segment(SYN | ACK, 500, 101, 0));
        view.note_sent(&segment(FIN | ACK, 101, 501, 0));
        assert_eq!(receiver_event(&view, &segment(ACK, 501, 101, 3)), None);
        assert_eq!(
            receiver_event(&view, &segment(ACK, 504, 102, 0)),
            Some(Key::Ack)
        );
    }

    #[test]
    fn a_duplicate_syn_ack_is_no_event_but_one_acknowledging_our_syn_is() {
        let mut view = SeqView::default();
        view.note_sent(&segment(SYN, 100, 0, 0));
        view.note_received(&segment(SYN, 100, 0, 0));
        // A socket connected to itself receives its own SYN,ACK in SYN-RECEIVED.
        let syn_ack = segment(SYN | ACK, 100, 101, 0);
        assert_eq!(receiver_event(&view, &syn_ack), Some(Key::SynAck));
        view.note_received(&syn_ack);
        assert_eq!(receiver_event(&view, &syn_ack), None);
    }

    #[test]
    fn a_connection_across_the_wrap_is_followed() {
        // The ISN lies 200 below 2^32: the FIN's sequence number is past the wrap.
        let mut view = SeqView::default();
        view.note_sent(&segment(SYN, 4_294_967_096, 0, 0));
        view.note_received(&segment(SYN | ACK, 500, 4_294_967_097, 0));
        let last = segment(FIN | ACK, 4_294_967_097, 501, 300);
        assert_eq!(
            sender_calls(&view, &last, false).to_vec(),
            [Call::Send, Call::Close]
        );
        view.note_sent(&last);
        assert_eq!(view.fin_seq, Some(SeqNum(101)));
        assert_eq!(
            receiver_event(&view, &segment(FIN | ACK, 501, 102, 0)),
            Some(Key::FinAck),
            "an ACK of 102 covers a FIN at 101 across the wrap"
        );
    }
}
