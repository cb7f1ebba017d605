//! Zeek's words for a connection: the `conn_state` and `history` columns of its `conn.log`,
//! derived from the segments `track` follows, beside the spec's own states and findings.
//!
//! Zeek does not run RFC 793's machine. It keeps a coarse state per endpoint
//! ([`EndpointState`]: inactive, SYN sent, SYN-ACK sent, partial, established, closed, reset),
//! moved by the control bits each endpoint sends, and at the end names the connection by the
//! pair of states ([`ConnState`]). It also writes a history: one letter per kind of segment,
//! upper case for the originator, lower case for the responder. This module restates those
//! rules (Zeek's `base/protocols/conn/main.zeek` and its TCP session analyzer) as a table,
//! and the code cites the rules by id. What it leaves out is listed after the table.
//!
//! | # | rule |
//! |---|------|
//! | O1 | The originator is the sender of the connection's first segment (the first SYN, in a capture that saw the handshake). |
//! | O2 | A SYN without ACK from the responder, while the originator has only sent a SYN-ACK and the SYN's number is the one that SYN-ACK acknowledged, swaps the roles (`^`): the SYN was captured late. |
//! | O3 | A history that is only `H` (the first segment was a SYN-ACK) when an ACK or data segment comes: the roles are swapped and the history becomes `^h`. |
//! | E1 | Inactive + SYN: the originator is SYN sent (SYN-ACK sent with ACK); the responder is established, and so is an originator in SYN sent. |
//! | E2 | Inactive, SYN sent or SYN-ACK sent + FIN: closed. + RST: reset. |
//! | E3 | Inactive + no SYN, FIN or RST: established when it carries an ACK and the peer is established, nothing for the responder's bare ACK to a SYN, else partial. |
//! | E4 | Established or partial + FIN (without RST): closed; a peer reset right after its own FIN is closed again. + RST: reset. A partial endpoint's SYN while its peer is inactive: SYN sent. |
//! | E5 | Closed + RST: reset, unless the peer is closed too. Reset: stays reset. |
//! | H1 | `S` SYN without ACK, `H` SYN with ACK, `F` FIN, `R` RST: once per endpoint, and again each time the sequence number differs from the last of that kind (for FIN, the number after the data). |
//! | H2 | `A` a pure ACK, `D` data: once per endpoint. `I` FIN and RST together, `Q` SYN with FIN or RST: once per endpoint. |
//! | H3 | `T` data at or below the sender's highest sequence number (retransmitted), `W` a zero window (not with RST, not after the peer's FIN, not once the sender is reset), `G` acknowledged data the capture never showed, while both endpoints are established: the 1st, 10th, 100th ... time each. |
//! | H4 | `^` the roles were swapped (O2, O3). |
//! | C1 | The conn_state from the pair of endpoint states, in this order: responder reset: `REJ` if the originator is in SYN (or SYN-ACK) sent, or reset with no bytes either way; `RSTRH` if the originator is inactive or partial; else `RSTR`. Originator reset: `RSTOS0` if the responder is inactive or partial and the history is `S`, then no `H A F G I Q` before an `R`; `OTH` if only the former; else `RSTO`. Both closed: `SF`. Originator closed: `SH` if the responder is inactive or partial, else `S2`. Responder closed: `SHR` if the originator is inactive or partial, else `S3`. SYN sent and inactive: `S0`. Both established: `S1`. Anything else: `OTH`. |
//!
//! Left out, each with its reason:
//! - `C`/`c` (bad checksum): `track` does not verify checksums (most captures taken on a
//!   sending host carry offloaded, unfinished checksums); Zeek drops such packets unless run
//!   with `-C`, which is how captures from a host are usually read.
//! - `X`/`x` (analyzer limits): `track` has none; the history is capped at
//!   [`HISTORY_LIMIT`] letters instead, to keep memory bounded.
//! - The first-segment role swap by Zeek's table of likely server ports: `track` keeps O1.
//! - `G` is counted from sequence numbers: Zeek counts a gap in its stream reassembly, which
//!   it runs only for some connections.
//! - Connections: `track` starts a new connection where its own rules do (a new SYN on a
//!   4-tuple back in CLOSED or TIME-WAIT, an idle 4-tuple); Zeek starts one on a SYN with a
//!   new sequence number and on its timeouts. Most captures split alike.

use crate::wire::{Control, Segment, SeqNum};
use std::fmt;

/// The most history letters kept for one connection; Zeek keeps any number.
pub const HISTORY_LIMIT: usize = 64;

/// A sequence-number jump beyond this on a SYN or RST is not believed (Zeek's bound, one
/// mebibyte): the endpoint's highest sequence number stays where it was.
const TOO_LARGE_JUMP: i32 = 1 << 20;

/// The state Zeek keeps for one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EndpointState {
    /// Nothing seen from it yet.
    #[default]
    Inactive,
    /// It sent a SYN (the originator).
    SynSent,
    /// It sent a SYN with ACK while being the originator.
    SynAckSent,
    /// It sent segments without a SYN being seen first.
    Partial,
    /// The handshake was seen from its side.
    Established,
    /// It sent a FIN.
    Closed,
    /// It sent a RST.
    Reset,
}

impl EndpointState {
    /// The name Zeek's scripts give the state (`TCP_SYN_SENT`, ...).
    pub fn name(self) -> &'static str {
        match self {
            EndpointState::Inactive => "TCP_INACTIVE",
            EndpointState::SynSent => "TCP_SYN_SENT",
            EndpointState::SynAckSent => "TCP_SYN_ACK_SENT",
            EndpointState::Partial => "TCP_PARTIAL",
            EndpointState::Established => "TCP_ESTABLISHED",
            EndpointState::Closed => "TCP_CLOSED",
            EndpointState::Reset => "TCP_RESET",
        }
    }

    /// Inactive or partial: no handshake seen from this side.
    fn is_inactive(self) -> bool {
        matches!(self, EndpointState::Inactive | EndpointState::Partial)
    }
}

/// Zeek's `conn_state`: what the pair of endpoint states says about the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum ConnState {
    /// Connection attempt seen, no reply.
    S0,
    /// Established, not terminated.
    S1,
    /// Normal establishment and termination.
    SF,
    /// Connection attempt rejected.
    REJ,
    /// Established, and the originator's close seen (no reply from the responder).
    S2,
    /// Established, and the responder's close seen (no reply from the originator).
    S3,
    /// Established, the originator aborted (sent a RST).
    RSTO,
    /// The responder sent a RST.
    RSTR,
    /// The originator sent a SYN and then a RST; no SYN-ACK seen.
    RSTOS0,
    /// The responder sent a SYN-ACK and then a RST; no SYN seen from the originator.
    RSTRH,
    /// The originator sent a SYN and then a FIN; no SYN-ACK seen.
    SH,
    /// The responder sent a SYN-ACK and then a FIN; no SYN seen from the originator.
    SHR,
    /// No SYN seen: midstream traffic, or an order no other state describes.
    OTH,
}

impl ConnState {
    /// Every state, in the order Zeek's documentation lists them.
    pub const ALL: [ConnState; 13] = [
        ConnState::S0,
        ConnState::S1,
        ConnState::SF,
        ConnState::REJ,
        ConnState::S2,
        ConnState::S3,
        ConnState::RSTO,
        ConnState::RSTR,
        ConnState::RSTOS0,
        ConnState::RSTRH,
        ConnState::SH,
        ConnState::SHR,
        ConnState::OTH,
    ];

    /// The name as `conn.log` writes it.
    pub fn name(self) -> &'static str {
        match self {
            ConnState::S0 => "S0",
            ConnState::S1 => "S1",
            ConnState::SF => "SF",
            ConnState::REJ => "REJ",
            ConnState::S2 => "S2",
            ConnState::S3 => "S3",
            ConnState::RSTO => "RSTO",
            ConnState::RSTR => "RSTR",
            ConnState::RSTOS0 => "RSTOS0",
            ConnState::RSTRH => "RSTRH",
            ConnState::SH => "SH",
            ConnState::SHR => "SHR",
            ConnState::OTH => "OTH",
        }
    }
}

impl fmt::Display for ConnState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// History letters recorded once per endpoint (rule H2) and the first of H1's, as bits; the
/// responder's are shifted by [`RESPONDER_SHIFT`]. They belong to the role, not the address:
/// a swap of roles does not move them (as in Zeek).
mod seen {
    pub const SYN: u32 = 1;
    pub const FIN: u32 = 1 << 1;
    pub const RST: u32 = 1 << 2;
    pub const FIN_RST: u32 = 1 << 3;
    pub const DATA: u32 = 1 << 4;
    pub const ACK: u32 = 1 << 5;
    pub const MULTI_FLAG: u32 = 1 << 6;
}
const RESPONDER_SHIFT: u32 = 16;

/// A letter recorded the 1st, 10th, 100th ... time (rule H3).
#[derive(Debug, Clone, Copy)]
struct Scaled {
    count: u32,
    next: u32,
}

impl Default for Scaled {
    fn default() -> Self {
        Scaled { count: 0, next: 1 }
    }
}

impl Scaled {
    /// Counts one more; true when the count reaches the next power of ten.
    fn hit(&mut self) -> bool {
        self.count = self.count.saturating_add(1);
        if self.count != self.next {
            return false;
        }
        self.next = self.next.saturating_mul(10);
        true
    }
}

/// What Zeek knows of one endpoint.
#[derive(Debug, Clone, Copy, Default)]
struct Side {
    state: EndpointState,
    prev_state: EndpointState,
    /// Its first sequence number (the SYN's; one before the first seen without a SYN).
    start: SeqNum,
    /// One past the highest sequence number it sent.
    last: SeqNum,
    /// The highest acknowledgment its peer sent for it.
    ack: SeqNum,
    fins: u32,
    /// Relative sequence number just past its last FIN.
    fin_end: u32,
    /// Relative numbers of its last SYN, FIN and RST (rule H1).
    last_syn: u32,
    last_fin: u32,
    last_rst: u32,
    /// Its data acknowledged by the peer so far, relative (for `G`).
    acked: u32,
    retransmits: Scaled,
    zero_windows: Scaled,
    gaps: Scaled,
    packets: u64,
}

impl Side {
    fn set(&mut self, state: EndpointState) {
        if state != self.state {
            self.prev_state = self.state;
            self.state = state;
        }
    }

    fn restart(&mut self, seq: SeqNum, end: SeqNum) {
        self.start = seq;
        self.ack = seq;
        self.last = end;
    }

    /// Its payload octets, from sequence numbers as Zeek counts them: from the first number
    /// to the highest sent or acknowledged, less the SYN and FIN.
    fn size(&self, peer: &Side) -> u64 {
        let no_data_acked = matches!(self.ack.since(self.start), 0 | 1);
        if self.prev_state == EndpointState::SynSent
            && self.state == EndpointState::Reset
            && peer.state == EndpointState::Inactive
            && !no_data_acked
        {
            return 0;
        }
        let top = if self.last.gt(self.ack) {
            self.last
        } else {
            self.ack
        };
        // Less the SYN's octet, and the FIN's.
        let size = u64::from(top.since(self.start)).saturating_sub(1);
        if self.fins > 0 {
            size.saturating_sub(1)
        } else {
            size
        }
    }
}

/// Zeek's view of one connection, fed every segment in capture order.
#[derive(Debug, Clone, Default)]
pub struct Observer {
    /// Indexed by the connection's endpoint: 0 is A (the first sender), 1 is B.
    sides: [Side; 2],
    /// The index of the originator (O1-O3).
    orig: usize,
    history: String,
    seen: u32,
}

/// What [`Observer::finish`] gives: the `conn.log` view of a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZeekView {
    /// Index of the originator in the connection's endpoints (0 is A).
    pub orig: usize,
    /// The connection's state.
    pub conn_state: ConnState,
    /// The history letters.
    pub history: String,
    /// Zeek's state of the originator and of the responder at the end.
    pub states: [EndpointState; 2],
    /// Segments sent by the originator and by the responder.
    pub packets: [u64; 2],
    /// Payload octets of the originator and the responder, from sequence numbers.
    pub bytes: [u64; 2],
}

impl Default for ZeekView {
    /// The view of a connection that saw no segment.
    fn default() -> Self {
        Observer::default().finish()
    }
}

impl Observer {
    /// The index of the current originator.
    pub fn orig(&self) -> usize {
        self.orig
    }

    /// Follows one segment from endpoint `from` (0 or 1) with `window` as its unscaled
    /// window field. A socket connected to itself sends every segment as the originator.
    pub fn observe(&mut self, from: usize, segment: &Segment, window: u16) {
        let (e, p) = (from, 1 - from);
        // Zeek decides the direction before the segment can swap the roles (O2, O3).
        let is_orig = e == self.orig;
        let syn = segment.has(Control::SYN);
        let fin = segment.has(Control::FIN);
        let rst = segment.has(Control::RST);
        let ack = segment.acknowledgment();
        let len = segment.data;
        let mut seg_len = len + u32::from(syn) + u32::from(fin);
        if rst {
            seg_len -= len;
        }
        let end = segment.seq + seg_len;
        self.sides[e].packets += 1;
        self.init_sequence(e, segment, end);
        let rel = segment.seq.since(self.sides[e].start);
        self.history_letters(e, segment, rel);
        if window == 0
            && !rst
            && self.sides[p].state != EndpointState::Closed
            && self.sides[e].state != EndpointState::Reset
            && self.sides[e].zero_windows.hit()
        {
            self.add(e, 'W');
        }
        if let Some(ack) = ack {
            let peer = &mut self.sides[p];
            if peer.state == EndpointState::Inactive {
                peer.restart(ack + u32::MAX, ack + u32::MAX);
            } else if !rst && ack.gt(peer.ack) {
                peer.ack = ack;
            }
        }
        self.advance_last(e, segment, end);
        if fin {
            self.sides[e].fins += 1;
            self.sides[e].fin_end = rel.wrapping_add(seg_len);
        }
        self.transition(e, p, is_orig, segment);
        if let Some(ack) = ack {
            self.note_ack(p, ack);
        }
    }

    /// Where Zeek (re)starts an endpoint's sequence numbers.
    fn init_sequence(&mut self, e: usize, segment: &Segment, end: SeqNum) {
        let side = &mut self.sides[e];
        let syn = segment.has(Control::SYN);
        match side.state {
            EndpointState::Inactive if syn => side.restart(segment.seq, end),
            // As though a SYN came just before, so relative numbers start at 1.
            EndpointState::Inactive => side.restart(segment.seq + u32::MAX, segment.seq),
            EndpointState::SynSent | EndpointState::SynAckSent
                if syn && segment.seq != side.start =>
            {
                side.restart(segment.seq, end)
            }
            EndpointState::Established | EndpointState::Partial if syn => {
                side.restart(segment.seq, end)
            }
            EndpointState::Reset if syn && side.prev_state == EndpointState::Inactive => {
                side.restart(segment.seq, end)
            }
            _ => {}
        }
    }

    /// Moves the endpoint's highest sequence number, or counts a retransmission (H3 `T`).
    fn advance_last(&mut self, e: usize, segment: &Segment, end: SeqNum) {
        let side = &mut self.sides[e];
        let delta = end.0.wrapping_sub(side.last.0) as i32;
        let flags_jump = segment.ctl.intersects(Control::SYN | Control::RST)
            && !(-TOO_LARGE_JUMP..=TOO_LARGE_JUMP).contains(&delta);
        if flags_jump {
            return;
        }
        if segment.has(Control::FIN) && side.last == side.start + 1 {
            side.last = end;
        } else if side.state == EndpointState::Reset {
        } else if delta > 0 {
            side.last = end;
        } else if segment.data > 0 && side.retransmits.hit() {
            self.add(e, 'T');
        }
    }

    /// Rule H3 `G`: `ack` (from the peer of `d`) covers data of `d` the capture never showed.
    fn note_ack(&mut self, d: usize, ack: SeqNum) {
        let both_established = self
            .sides
            .iter()
            .all(|s| s.state == EndpointState::Established);
        let side = &mut self.sides[d];
        let mut rel = ack.since(side.start);
        if side.fins > 0 && rel >= side.fin_end {
            rel = side.fin_end.wrapping_sub(1);
        }
        if rel <= side.acked || rel > i32::MAX as u32 {
            return;
        }
        side.acked = rel;
        let seen = side.last.since(side.start);
        if both_established && rel > seen && side.gaps.hit() {
            self.add(d, 'G');
        }
    }

    /// Rules H1, H2: the letters of one segment.
    fn history_letters(&mut self, e: usize, segment: &Segment, rel: u32) {
        let syn = segment.has(Control::SYN);
        let fin = segment.has(Control::FIN);
        let rst = segment.has(Control::RST);
        let flags = u8::from(syn) + u8::from(fin) + u8::from(rst);
        if flags > 1 {
            if fin && rst {
                self.once(e, seen::FIN_RST, 'I');
            } else {
                self.once(e, seen::MULTI_FLAG, 'Q');
            }
            return;
        }
        if flags == 0 {
            if segment.data > 0 {
                self.once(e, seen::DATA, 'D');
            } else if segment.has(Control::ACK) {
                self.once(e, seen::ACK, 'A');
            }
            return;
        }
        let (mask, letter, at) = if syn {
            let letter = if segment.has(Control::ACK) { 'H' } else { 'S' };
            (seen::SYN, letter, rel)
        } else if fin {
            // A FIN's number is the one after its data.
            (seen::FIN, 'F', rel.wrapping_add(segment.data))
        } else {
            (seen::RST, 'R', rel)
        };
        let side = &self.sides[e];
        let last = match mask {
            seen::SYN => side.last_syn,
            seen::FIN => side.last_fin,
            _ => side.last_rst,
        };
        if self.once(e, mask, letter) && at != last {
            self.add(e, letter);
        }
        let side = &mut self.sides[e];
        match mask {
            seen::SYN => side.last_syn = at,
            seen::FIN => side.last_fin = at,
            _ => side.last_rst = at,
        }
    }

    /// Records `letter` the first time `mask` is seen for `e`'s role; returns whether it had
    /// been seen before. Rule O3 applies first.
    fn once(&mut self, e: usize, mask: u32, letter: char) -> bool {
        if matches!(letter, 'A' | 'D') && self.history == "H" {
            self.swap_roles();
            self.history = String::from("^h");
        }
        let mask = if e == self.orig {
            mask
        } else {
            mask << RESPONDER_SHIFT
        };
        if self.seen & mask == 0 {
            self.seen |= mask;
            self.add(e, letter);
            return false;
        }
        true
    }

    /// Appends `letter` in the case of `e`'s role, up to [`HISTORY_LIMIT`] letters.
    fn add(&mut self, e: usize, letter: char) {
        if self.history.len() >= HISTORY_LIMIT {
            return;
        }
        self.history.push(if e == self.orig {
            letter
        } else {
            letter.to_ascii_lowercase()
        });
    }

    fn swap_roles(&mut self) {
        self.orig = 1 - self.orig;
        if self.history.len() < HISTORY_LIMIT {
            self.history.push('^');
        }
    }

    /// Rules E1-E5 and O2 for a segment from `e` to `p`; `is_orig` is the role `e` had
    /// when the segment arrived.
    fn transition(&mut self, e: usize, p: usize, is_orig: bool, segment: &Segment) {
        use EndpointState::*;
        let syn = segment.has(Control::SYN);
        let fin = segment.has(Control::FIN);
        let rst = segment.has(Control::RST);
        let has_ack = segment.has(Control::ACK);
        match self.sides[e].state {
            Inactive => {
                if syn {
                    if is_orig {
                        self.sides[e].set(if has_ack { SynAckSent } else { SynSent });
                    } else {
                        let reversed = !has_ack
                            && self.sides[p].state == SynAckSent
                            && segment.seq == self.sides[e].start;
                        if reversed {
                            self.swap_roles();
                            self.sides[p].set(Established);
                        }
                        if self.sides[p].state == SynSent {
                            self.sides[p].set(Established);
                        }
                        self.sides[e].set(Established);
                    }
                }
                if fin {
                    self.sides[e].set(Closed);
                }
                if rst {
                    self.sides[e].set(Reset);
                }
                if self.sides[e].state == Inactive {
                    let answer_to_syn =
                        !is_orig && segment.data == 0 && self.sides[self.orig].state == SynSent;
                    if answer_to_syn {
                    } else if has_ack && self.sides[p].state == Established {
                        self.sides[e].set(Established);
                    } else {
                        self.sides[e].set(Partial);
                    }
                }
            }
            SynSent | SynAckSent => {
                if fin {
                    self.sides[e].set(Closed);
                }
                if rst {
                    self.sides[e].set(Reset);
                }
            }
            Established | Partial => {
                if syn
                    && self.sides[e].state == Partial
                    && self.sides[p].state == Inactive
                    && !has_ack
                {
                    self.sides[e].set(SynSent);
                }
                if fin && !rst {
                    self.sides[e].set(Closed);
                    let peer = &mut self.sides[p];
                    if peer.state == Reset && peer.prev_state == Closed {
                        peer.set(Closed);
                    }
                }
                if rst {
                    self.sides[e].set(Reset);
                }
            }
            Closed => {
                if rst && self.sides[p].state != Closed {
                    self.sides[e].set(Reset);
                }
            }
            Reset => {}
        }
    }

    /// The `conn.log` view at the end of the connection (rule C1).
    pub fn finish(&self) -> ZeekView {
        let (o, r) = (self.orig, 1 - self.orig);
        let (os, rs) = (self.sides[o].state, self.sides[r].state);
        let bytes = [
            self.sides[o].size(&self.sides[r]),
            self.sides[r].size(&self.sides[o]),
        ];
        ZeekView {
            orig: o,
            conn_state: conn_state(os, rs, &self.history, bytes),
            history: self.history.clone(),
            states: [os, rs],
            packets: [self.sides[o].packets, self.sides[r].packets],
            bytes,
        }
    }
}

/// Rule C1: the conn_state of an originator in `os` and a responder in `rs`.
pub fn conn_state(
    os: EndpointState,
    rs: EndpointState,
    history: &str,
    bytes: [u64; 2],
) -> ConnState {
    use EndpointState::*;
    if rs == Reset {
        if matches!(os, SynSent | SynAckSent) || (os == Reset && bytes == [0, 0]) {
            ConnState::REJ
        } else if os.is_inactive() {
            ConnState::RSTRH
        } else {
            ConnState::RSTR
        }
    } else if os == Reset {
        if !rs.is_inactive() {
            ConnState::RSTO
        } else if syn_then_reset(history) {
            ConnState::RSTOS0
        } else {
            ConnState::OTH
        }
    } else if os == Closed && rs == Closed {
        ConnState::SF
    } else if os == Closed {
        if rs.is_inactive() {
            ConnState::SH
        } else {
            ConnState::S2
        }
    } else if rs == Closed {
        if os.is_inactive() {
            ConnState::SHR
        } else {
            ConnState::S3
        }
    } else if os == SynSent && rs == Inactive {
        ConnState::S0
    } else if os == Established && rs == Established {
        ConnState::S1
    } else {
        ConnState::OTH
    }
}

/// Whether `history` is Zeek's `^?S[^HAFGIQ]*R.*`: a SYN, then a RST from the originator
/// before any SYN-ACK, ACK, FIN, gap or odd flags. Hand-written: one pattern does not
/// justify a regular-expression engine in the tracker.
fn syn_then_reset(history: &str) -> bool {
    let rest = history.strip_prefix('^').unwrap_or(history);
    let Some(rest) = rest.strip_prefix('S') else {
        return false;
    };
    rest.chars()
        .find(|c| *c == 'R' || "HAFGIQ".contains(*c))
        .is_some_and(|c| c == 'R')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reset_pattern_reads_as_zeek_writes_it() {
        assert!(syn_then_reset("SR"));
        assert!(syn_then_reset("^SdR"));
        assert!(syn_then_reset("SrR"));
        // The pattern is case-sensitive: the responder's letters do not stop it.
        assert!(syn_then_reset("ShR"));
        assert!(!syn_then_reset("SHR"));
        assert!(!syn_then_reset("SAR"));
        assert!(!syn_then_reset("R"));
    }

    #[test]
    fn scaled_letters_come_at_powers_of_ten() {
        let mut scaled = Scaled::default();
        let hits: Vec<u32> = (1..=1000).filter(|_| scaled.hit()).collect();
        assert_eq!(hits, [1, 10, 100, 1000]);
    }
}
