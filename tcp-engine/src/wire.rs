//! The vocabulary of the wire that every part of the engine shares: sequence numbers with the
//! modular comparisons of RFC 793 3.3, the control bits, and one segment type, written the way
//! RFC 793 writes segments in its figures: `<SEQ=100><ACK=301><CTL=SYN,ACK>`.
//!
//! A segment carries only what the figures show and what the state machine reads: SEQ, ACK,
//! the control bits and the length of the text (RFC 793 3.4: "Other fields such as window,
//! addresses, lengths, and text have been left out in the interest of clarity"). Addresses
//! belong to whoever carries the segment (a capture, a network).

use std::fmt;
use std::ops::{Add, AddAssign};
use std::str::FromStr;

/// A sequence number: a point in the 2^32 sequence space, compared modulo 2^32 (RFC 793 3.3:
/// "all arithmetic dealing with sequence numbers must be performed modulo 2**32").
///
/// There is no `Ord`: modular order is not transitive over the whole space. The comparisons
/// are the RFC's `<`, `=<`, `>` and `=>`, valid for numbers less than 2^31 apart.
///
/// ```
/// use tcp_engine::wire::SeqNum;
///
/// let near_the_end = SeqNum(4_294_967_000);
/// let after_the_wrap = near_the_end + 500;
/// assert_eq!(after_the_wrap, SeqNum(204));
/// assert!(near_the_end.lt(after_the_wrap));
/// assert!(after_the_wrap.in_window(near_the_end, 1000));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SeqNum(pub u32);

impl SeqNum {
    /// `self - other` as a signed distance: negative when `self` comes first.
    fn offset(self, other: SeqNum) -> i32 {
        self.0.wrapping_sub(other.0) as i32
    }

    /// `self < other` in sequence space.
    pub fn lt(self, other: SeqNum) -> bool {
        self.offset(other) < 0
    }

    /// `self =< other` in sequence space.
    pub fn le(self, other: SeqNum) -> bool {
        self.offset(other) <= 0
    }

    /// `self > other` in sequence space.
    pub fn gt(self, other: SeqNum) -> bool {
        self.offset(other) > 0
    }

    /// `self => other` in sequence space.
    pub fn ge(self, other: SeqNum) -> bool {
        self.offset(other) >= 0
    }

    /// The later of the two in sequence space.
    pub fn max(self, other: SeqNum) -> SeqNum {
        if self.lt(other) { other } else { self }
    }

    /// How far `self` lies after `start`, modulo 2^32.
    pub fn since(self, start: SeqNum) -> u32 {
        self.0.wrapping_sub(start.0)
    }

    /// `start =< self < start + size`: the window test of RFC 793 3.3 (`RCV.NXT =< SEG.SEQ <
    /// RCV.NXT+RCV.WND`).
    pub fn in_window(self, start: SeqNum, size: u32) -> bool {
        self.since(start) < size
    }
}

impl Add<u32> for SeqNum {
    type Output = SeqNum;
    fn add(self, octets: u32) -> SeqNum {
        SeqNum(self.0.wrapping_add(octets))
    }
}

impl AddAssign<u32> for SeqNum {
    fn add_assign(&mut self, octets: u32) {
        *self = *self + octets;
    }
}

impl From<u32> for SeqNum {
    fn from(n: u32) -> SeqNum {
        SeqNum(n)
    }
}

impl fmt::Display for SeqNum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A set of TCP control bits (RFC 793 3.1): SYN, ACK, FIN and RST, the ones the state machine
/// reads. The bit values are those of the TCP header, so a header's flags byte masks into it.
///
/// Specs write control bits as `"SYN,ACK"`; parsing ignores case and spaces, and refuses a bit
/// it does not know:
///
/// ```
/// use tcp_engine::wire::Control;
///
/// assert_eq!("syn, ack".parse(), Ok(Control::SYN | Control::ACK));
/// assert_eq!((Control::FIN | Control::ACK).to_string(), "FIN,ACK");
/// assert!("SYN,PSH".parse::<Control>().unwrap_err().to_string().contains("`PSH`"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Control(u8);

impl Control {
    /// No bits.
    pub const NONE: Control = Control(0);
    /// FIN: no more data from the sender.
    pub const FIN: Control = Control(0x01);
    /// SYN: synchronize sequence numbers.
    pub const SYN: Control = Control(0x02);
    /// RST: reset the connection.
    pub const RST: Control = Control(0x04);
    /// ACK: the acknowledgment field is significant.
    pub const ACK: Control = Control(0x10);

    /// The bits in the order RFC 793's figures list them: `SYN,ACK`, `FIN,ACK`, `RST,ACK`.
    const NAMES: [(Control, &'static str); 4] = [
        (Control::SYN, "SYN"),
        (Control::FIN, "FIN"),
        (Control::RST, "RST"),
        (Control::ACK, "ACK"),
    ];

    /// The bits of a TCP header's flags byte that this type models (PSH, URG and the rest
    /// are left out).
    pub fn from_header_flags(flags: u8) -> Control {
        Control(flags & (Control::SYN | Control::ACK | Control::FIN | Control::RST).0)
    }

    /// Whether every bit of `other` is set here.
    pub fn contains(self, other: Control) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether any bit of `other` is set here.
    pub fn intersects(self, other: Control) -> bool {
        self.0 & other.0 != 0
    }

    /// These bits without those of `other`.
    pub fn without(self, other: Control) -> Control {
        Control(self.0 & !other.0)
    }

    /// Whether no bit is set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The bits set, by name, in the figures' order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Control::NAMES
            .into_iter()
            .filter(move |(bit, _)| self.contains(*bit))
            .map(|(_, name)| name)
    }
}

impl std::ops::BitOr for Control {
    type Output = Control;
    fn bitor(self, other: Control) -> Control {
        Control(self.0 | other.0)
    }
}

impl std::ops::BitOrAssign for Control {
    fn bitor_assign(&mut self, other: Control) {
        self.0 |= other.0;
    }
}

impl fmt::Display for Control {
    /// `SYN,ACK`; no bits at all is `none`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        for (i, name) in self.names().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(name)?;
        }
        Ok(())
    }
}

/// A name in a list of control bits that is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a TCP control bit (expected SYN, ACK, FIN or RST, separated by commas)")]
pub struct UnknownControlBit(pub String);

impl FromStr for Control {
    type Err = UnknownControlBit;

    /// Reads `"SYN,ACK"` (or `SYN+ACK`), in any case and order, as the spec format reads a
    /// `send` value ([`fsm_spec::output::signals`]); blank text and empty parts are refused.
    fn from_str(text: &str) -> Result<Control, UnknownControlBit> {
        if text.trim().is_empty() {
            return Err(UnknownControlBit(text.trim().to_string()));
        }
        fsm_spec::output::signals(text).try_fold(Control::NONE, |bits, name| {
            let (bit, _) = Control::NAMES
                .iter()
                .find(|(_, n)| n.eq_ignore_ascii_case(name))
                .ok_or_else(|| UnknownControlBit(name.to_string()))?;
            Ok(bits | *bit)
        })
    }
}

/// One TCP segment: what a figure line of RFC 793 shows in its middle column, and what the
/// engine reads from a capture or a stack.
///
/// ```
/// use tcp_engine::wire::{Control, Segment, SeqNum};
///
/// let syn_ack: Segment = "<SEQ=300><ACK=101><CTL=SYN,ACK>".parse().unwrap();
/// assert_eq!(syn_ack.seq, SeqNum(300));
/// assert_eq!(syn_ack.acknowledgment(), Some(SeqNum(101)));
/// assert!(syn_ack.ctl.contains(Control::SYN));
/// assert_eq!(syn_ack.to_string(), "<SEQ=300><ACK=101><CTL=SYN,ACK>");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Segment {
    /// SEG.SEQ: the sequence number of the first octet (of the SYN, if set).
    pub seq: SeqNum,
    /// SEG.ACK. Significant only with [`Control::ACK`]; kept at 0 without it, so that two
    /// segments that mean the same compare equal.
    pub ack: SeqNum,
    /// The control bits.
    pub ctl: Control,
    /// Octets of text; RFC notation prints it as `<DATA>` when non-zero.
    pub data: u32,
}

/// How many octets `<DATA>` stands for when a text does not say.
pub const DEFAULT_DATA_LEN: u32 = 10;

impl Segment {
    /// `<SEQ=seq>` with `ctl` and no acknowledgment, no text.
    pub fn new(seq: SeqNum, ctl: Control) -> Segment {
        Segment {
            seq,
            ack: SeqNum(0),
            ctl: ctl.without(Control::ACK),
            data: 0,
        }
    }

    /// The same segment acknowledging `ack` (sets the ACK bit).
    pub fn with_ack(self, ack: SeqNum) -> Segment {
        Segment {
            ack,
            ctl: self.ctl | Control::ACK,
            ..self
        }
    }

    /// `<SEQ=seq><ACK=ack><CTL=ACK>`: an empty acknowledgment.
    pub fn ack(seq: SeqNum, ack: SeqNum) -> Segment {
        Segment::new(seq, Control::NONE).with_ack(ack)
    }

    /// `<SEQ=seq><CTL=RST>`.
    pub fn rst(seq: SeqNum) -> Segment {
        Segment::new(seq, Control::RST)
    }

    /// SEG.ACK if the ACK bit is set.
    pub fn acknowledgment(&self) -> Option<SeqNum> {
        self.ctl.contains(Control::ACK).then_some(self.ack)
    }

    /// Whether a bit is set.
    pub fn has(&self, bit: Control) -> bool {
        self.ctl.contains(bit)
    }

    /// SEG.LEN: text plus one for SYN and one for FIN (RFC 793 3.3).
    pub fn len(&self) -> u32 {
        self.data
            .saturating_add(u32::from(self.has(Control::SYN)))
            .saturating_add(u32::from(self.has(Control::FIN)))
    }

    /// Whether the segment occupies no sequence space.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// SEG.SEQ + SEG.LEN: the sequence number after the segment.
    pub fn end(&self) -> SeqNum {
        self.seq + self.len()
    }
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<SEQ={}>", self.seq)?;
        if let Some(ack) = self.acknowledgment() {
            write!(f, "<ACK={ack}>")?;
        }
        if !self.ctl.is_empty() {
            write!(f, "<CTL={}>", self.ctl)?;
        }
        if self.data > 0 {
            f.write_str("<DATA>")?;
        }
        Ok(())
    }
}

/// Why a text is not a segment in RFC 793 notation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SegmentSyntaxError(String);

impl FromStr for Segment {
    type Err = SegmentSyntaxError;

    /// Parses `<SEQ=n>`, `<ACK=n>`, `<CTL=bits>` and `<DATA>` or `<DATA=octets>`, in any order;
    /// `SEQ` is required, and `<ACK=n>` and the `ACK` control bit go together.
    fn from_str(text: &str) -> Result<Segment, SegmentSyntaxError> {
        let error = |message: String| Err(SegmentSyntaxError(message));
        let mut rest = text.trim();
        let (mut seq, mut ack) = (None, None);
        let mut ctl = Control::NONE;
        let mut data = 0;
        while !rest.is_empty() {
            let Some((inner, after)) = rest.strip_prefix('<').and_then(|r| r.split_once('>'))
            else {
                return error(format!(
                    "expected a field like `<SEQ=100>` at `{rest}` (segments are written \
                     as in RFC 793, e.g. `<SEQ=90><CTL=SYN>`)"
                ));
            };
            rest = after.trim_start();
            let (key, value) = inner.split_once('=').unwrap_or((inner, ""));
            match key {
                "SEQ" => seq = Some(number(value, "SEQ")?),
                "ACK" => ack = Some(number(value, "ACK")?),
                "DATA" if value.is_empty() => data = DEFAULT_DATA_LEN,
                "DATA" => data = number(value, "DATA")?,
                "CTL" => {
                    ctl = value
                        .parse()
                        .map_err(|e| SegmentSyntaxError(format!("{e}")))?
                }
                other => {
                    return error(format!(
                        "unknown field `<{other}...>` (expected SEQ, ACK, CTL or DATA)"
                    ));
                }
            }
        }
        let Some(seq) = seq else {
            return error("a segment needs `<SEQ=n>`".into());
        };
        if ack.is_some() != ctl.contains(Control::ACK) {
            return error("`<ACK=n>` and the ACK bit in `<CTL=...>` go together".into());
        }
        let segment = Segment {
            data,
            ..Segment::new(SeqNum(seq), ctl)
        };
        Ok(match ack {
            Some(ack) => segment.with_ack(SeqNum(ack)),
            None => segment,
        })
    }
}

fn number(text: &str, field: &str) -> Result<u32, SegmentSyntaxError> {
    text.parse::<u32>().map_err(|_| {
        SegmentSyntaxError(format!(
            "`{field}={text}` is not a number from 0 to {}",
            u32::MAX
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_as_the_rfc_figures_do() {
        let cases = [
            "<SEQ=100><CTL=SYN>",
            "<SEQ=300><ACK=101><CTL=SYN,ACK>",
            "<SEQ=101><ACK=301><CTL=ACK><DATA>",
            "<SEQ=100><ACK=300><CTL=FIN,ACK>",
            "<SEQ=91><CTL=RST>",
            "<SEQ=0><ACK=101><CTL=RST,ACK>",
            "<SEQ=4294967295><CTL=SYN>",
        ];
        for text in cases {
            let segment: Segment = text.parse().unwrap();
            assert_eq!(segment.to_string(), text);
        }
    }

    #[test]
    fn lengths_count_syn_and_fin() {
        let syn: Segment = "<SEQ=100><CTL=SYN>".parse().unwrap();
        let ack: Segment = "<SEQ=101><ACK=301><CTL=ACK>".parse().unwrap();
        let data: Segment = "<SEQ=101><ACK=301><CTL=ACK><DATA=7>".parse().unwrap();
        assert_eq!((syn.len(), ack.len(), data.len()), (1, 0, 7));
        assert_eq!(syn.end(), SeqNum(101));
    }

    #[test]
    fn rejects_what_is_not_rfc_notation() {
        let bad = [
            ("SEQ=1", "expected a field"),
            ("<CTL=SYN>", "needs `<SEQ=n>`"),
            ("<SEQ=1><CTL=PSH>", "`PSH` is not a TCP control bit"),
            ("<SEQ=1><ACK=2>", "go together"),
            ("<SEQ=1><CTL=ACK>", "go together"),
            ("<SEQ=x>", "not a number"),
            ("<SEQ=4294967296>", "not a number"),
            ("<WND=5><SEQ=1>", "unknown field"),
            ("<SEQ=1", "expected a field"),
        ];
        for (text, message) in bad {
            let error = text.parse::<Segment>().unwrap_err().to_string();
            assert!(error.contains(message), "{text}: {error}");
        }
    }

    #[test]
    fn control_bits_parse_one_way_whatever_the_case() {
        assert_eq!("RST".parse(), Ok(Control::RST));
        assert_eq!("fin , Ack".parse(), Ok(Control::FIN | Control::ACK));
        assert_eq!(
            "SYN,,ACK".parse::<Control>(),
            Err(UnknownControlBit(String::new()))
        );
        assert_eq!(
            "PING".parse::<Control>(),
            Err(UnknownControlBit("PING".into()))
        );
        assert_eq!(Control::NONE.to_string(), "none");
        assert_eq!(Control::from_header_flags(0x18), Control::ACK, "PSH,ACK");
    }

    #[test]
    fn sequence_numbers_compare_across_the_wrap() {
        let top = SeqNum(u32::MAX - 5);
        let wrapped = top + 11;
        assert_eq!(wrapped, SeqNum(5));
        assert!(top.lt(wrapped) && wrapped.gt(top));
        assert!(top.le(top) && top.ge(top) && !top.lt(top));
        assert_eq!(top.max(wrapped), wrapped);
        assert_eq!(wrapped.since(top), 11);
        assert!(wrapped.in_window(top, 12));
        assert!(!wrapped.in_window(top, 11));
        assert!(!top.in_window(wrapped, 100), "before the window");
    }
}
