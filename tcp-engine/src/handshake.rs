//! The opening handshake with its sequence numbers in the states that know them, generated
//! by `fsm!` from `tcp-fsm/handshake.toml`: state data and event payloads shown on TCP.
//!
//! The initial send sequence number exists from SYN-SENT on (the active OPEN chooses it); the
//! initial receive sequence number only once the peer's SYN has arrived (RFC 793 3.3). So
//! [`Handshake<SynSent>`](Handshake) holds a [`Sent`], which has no IRS, and a
//! `Handshake<SynReceived>` or `Handshake<Established>` holds a [`Synchronized`]: reading
//! the IRS before the peer's SYN is a compile error, not a zero read by mistake.
//!
//! ```
//! use tcp_engine::handshake::{Handshake, Iss, Rfc793, outcome::SynSentRcvSegment};
//! use tcp_engine::wire::{Control, Segment, SeqNum};
//!
//! let (tcp, _syn) = Handshake::with_data(Rfc793).active_open(Iss(SeqNum(100)));
//! assert_eq!(tcp.state_data().iss, SeqNum(100));
//! // The peer answers <SEQ=300><ACK=101><CTL=SYN,ACK>.
//! let syn_ack = Segment::new(SeqNum(300), Control::SYN).with_ack(SeqNum(101));
//! let SynSentRcvSegment::SynAck(tcp, _ack) = tcp.rcv_segment(syn_ack) else {
//!     panic!("an acceptable SYN,ACK establishes the connection");
//! };
//! assert_eq!((tcp.state_data().iss, tcp.state_data().irs), (SeqNum(100), SeqNum(300)));
//! ```
//!
//! Reading the IRS in SYN-SENT does not compile:
//!
//! ```compile_fail
//! use tcp_engine::handshake::{Handshake, Iss, Rfc793};
//! use tcp_engine::wire::SeqNum;
//!
//! let (tcp, _syn) = Handshake::with_data(Rfc793).active_open(Iss(SeqNum(100)));
//! let irs = tcp.state_data().irs; // no field `irs` on `Sent`
//! ```

use crate::wire::{Control, Segment, SeqNum};

/// The initial send sequence number a user chooses (RFC 793 3.3 describes a clock; any
/// unpredictable choice will do, RFC 9293 3.4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Iss(pub SeqNum);

/// What SYN-SENT knows: only our own sequence numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    /// ISS, the sequence number of our SYN.
    pub iss: SeqNum,
}

/// What a state knows once the peer's SYN has arrived: both initial sequence numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Synchronized {
    /// ISS, the sequence number of our SYN.
    pub iss: SeqNum,
    /// IRS, the sequence number of the peer's SYN.
    pub irs: SeqNum,
}

impl Synchronized {
    /// Whether `segment` acknowledges our SYN and nothing beyond it: SND.UNA < SEG.ACK =<
    /// SND.NXT with SND.UNA = ISS and SND.NXT = ISS + 1 (RFC 793 3.3, acceptable ACK).
    fn acknowledges_syn(&self, segment: &Segment) -> bool {
        acknowledges(self.iss, segment)
    }
}

fn acknowledges(iss: SeqNum, segment: &Segment) -> bool {
    segment.acknowledgment() == Some(iss + 1)
}

tcp_fsm_macros::fsm!("handshake.toml");

/// Both ways into SYN-SENT choose the ISS: the active OPEN's payload becomes the state's.
impl From<Iss> for Sent {
    fn from(Iss(iss): Iss) -> Sent {
        Sent { iss }
    }
}

/// A SYN in SYN-SENT (answered or simultaneous) gives the IRS.
impl From<(Sent, Segment)> for Synchronized {
    fn from((sent, syn): (Sent, Segment)) -> Synchronized {
        Synchronized {
            iss: sent.iss,
            irs: syn.seq,
        }
    }
}

/// A segment that leaves the handshake where it was (dropped, or answered with a reset)
/// changes no initial sequence number; the same for the ACK that ends SYN-RECEIVED.
impl From<(Iss, Segment)> for Iss {
    fn from((iss, _): (Iss, Segment)) -> Iss {
        iss
    }
}

impl From<(Sent, Segment)> for Sent {
    fn from((sent, _): (Sent, Segment)) -> Sent {
        sent
    }
}

impl From<(Synchronized, Segment)> for Synchronized {
    fn from((known, _): (Synchronized, Segment)) -> Synchronized {
        known
    }
}

/// A SYN in LISTEN gives the IRS; the ISS was chosen at the passive OPEN.
impl From<(Iss, Segment)> for Synchronized {
    fn from((Iss(iss), syn): (Iss, Segment)) -> Synchronized {
        Synchronized { iss, irs: syn.seq }
    }
}

/// The handle's data: it decides the guarded transitions as RFC 793 3.9 does, reading the
/// arriving segment's bits and acknowledgment and the state's sequence numbers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rfc793;

impl guard::Guards for Rfc793 {
    fn listen_rcv_segment(&self, _iss: &Iss, segment: &Segment) -> guard::ListenRcvSegment {
        if segment.has(Control::RST) {
            guard::ListenRcvSegment::Other
        } else if segment.has(Control::ACK) {
            guard::ListenRcvSegment::Ack
        } else if segment.has(Control::SYN) {
            guard::ListenRcvSegment::Syn
        } else {
            guard::ListenRcvSegment::Other
        }
    }

    fn syn_sent_rcv_segment(&self, sent: &Sent, segment: &Segment) -> guard::SynSentRcvSegment {
        use guard::SynSentRcvSegment::{Dropped, Rst, Syn, SynAck, Unacceptable};
        // RFC 793 3.9, SYN-SENT: first the ACK, then the RST, then the SYN bit.
        let (ack, rst, syn) = (
            segment.has(Control::ACK),
            segment.has(Control::RST),
            segment.has(Control::SYN),
        );
        if ack && !acknowledges(sent.iss, segment) {
            // A reset is never answered with a reset.
            return if rst { Dropped } else { Unacceptable };
        }
        match (rst, syn) {
            (true, _) if ack => Rst,
            (true, _) => Dropped,
            (false, true) if ack => SynAck,
            (false, true) => Syn,
            (false, false) => Dropped,
        }
    }

    fn syn_received_rcv_segment(
        &self,
        known: &Synchronized,
        segment: &Segment,
    ) -> guard::SynReceivedRcvSegment {
        if segment.has(Control::RST) {
            guard::SynReceivedRcvSegment::Rst
        } else if !segment.has(Control::ACK) {
            guard::SynReceivedRcvSegment::Other
        } else if known.acknowledges_syn(segment) {
            guard::SynReceivedRcvSegment::Ack
        } else {
            guard::SynReceivedRcvSegment::Unacceptable
        }
    }
}
