//! How a transcript writes a segment. The RFC's figures do not all write segments alike:
//! Figure 7 of RFC 793 prints text as `<CTL=ACK><DATA>`, Figure 11 as `<DATA=10><CTL=ACK>`,
//! and Figure 12 names its sequence numbers by symbols (`<SEQ=X><ACK=Z+1>`). A scenario says
//! which form its figure uses; the default is [`Segment`]'s own `Display`.
//!
//! ```
//! use tcp_engine::endpoint::Side;
//! use tcp_engine::transcript::notation::{DataField, Notation};
//! use tcp_engine::wire::{Segment, SeqNum};
//!
//! let mut notation = Notation::default();
//! notation.name(Side::A, "Z", SeqNum(90));
//! notation.name(Side::B, "X", SeqNum(300));
//! let syn_ack: Segment = "<SEQ=300><ACK=91><CTL=SYN,ACK>".parse().unwrap();
//! assert_eq!(notation.segment(&syn_ack, Side::B), "<SEQ=X><ACK=Z+1><CTL=SYN,ACK>");
//!
//! let figure_11 = Notation { data: DataField::LengthBeforeControl, ..Notation::default() };
//! let text: Segment = "<SEQ=300><ACK=100><CTL=ACK><DATA=10>".parse().unwrap();
//! assert_eq!(figure_11.segment(&text, Side::B), "<SEQ=300><ACK=100><DATA=10><CTL=ACK>");
//! ```

use crate::endpoint::Side;
use crate::wire::{Segment, SeqNum};
use std::fmt::Write as _;

/// Where and how a segment's text is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DataField {
    /// `<CTL=ACK><DATA>`: a mark after the control bits (RFC 793 Figure 7).
    #[default]
    AfterControl,
    /// `<DATA=10><CTL=ACK>`: the octet count, before the control bits (RFC 793 Figure 11).
    LengthBeforeControl,
}

/// The form of the segments of one transcript.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notation {
    /// Symbols for numbers of each side's sequence space (A's: the SEQ of A's segments and
    /// the ACK of B's), for example `Z = 90`.
    pub symbols: [Vec<(String, SeqNum)>; 2],
    /// How text is written.
    pub data: DataField,
}

impl Notation {
    /// Names `value` of `side`'s sequence space `symbol`.
    pub fn name(&mut self, side: Side, symbol: &str, value: SeqNum) {
        self.symbols[side.index()].push((symbol.to_string(), value));
    }

    /// `number` of `space`'s sequence space: `Z` for a symbol's value, `Z+1` after it (the
    /// nearest symbol at or before it in sequence space, RFC 793 3.3), the number otherwise.
    pub fn number(&self, number: SeqNum, space: Side) -> String {
        let nearest = self.symbols[space.index()]
            .iter()
            .filter(|(_, value)| value.le(number))
            .min_by_key(|(_, value)| number.since(*value));
        match nearest {
            Some((symbol, value)) if number == *value => symbol.clone(),
            Some((symbol, value)) => format!("{symbol}+{}", number.since(*value)),
            None => number.0.to_string(),
        }
    }

    /// `segment`, sent by `from`, in this notation.
    pub fn segment(&self, segment: &Segment, from: Side) -> String {
        let mut text = format!("<SEQ={}>", self.number(segment.seq, from));
        if let Some(ack) = segment.acknowledgment() {
            let _ = write!(text, "<ACK={}>", self.number(ack, from.peer()));
        }
        let data = match (segment.data, self.data) {
            (0, _) => String::new(),
            (_, DataField::AfterControl) => "<DATA>".to_string(),
            (octets, DataField::LengthBeforeControl) => format!("<DATA={octets}>"),
        };
        if self.data == DataField::LengthBeforeControl {
            text.push_str(&data);
        }
        if !segment.ctl.is_empty() {
            let _ = write!(text, "<CTL={}>", segment.ctl);
        }
        if self.data == DataField::AfterControl {
            text.push_str(&data);
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(text: &str) -> Segment {
        text.parse().unwrap()
    }

    #[test]
    fn the_default_is_the_segments_own_notation() {
        for text in [
            "<SEQ=100><CTL=SYN>",
            "<SEQ=101><ACK=301><CTL=ACK><DATA>",
            "<SEQ=0><ACK=101><CTL=RST,ACK>",
        ] {
            let s = segment(text);
            assert_eq!(Notation::default().segment(&s, Side::A), s.to_string());
        }
    }

    #[test]
    fn a_number_takes_the_nearest_symbol_at_or_before_it() {
        let mut notation = Notation::default();
        notation.name(Side::A, "Z", SeqNum(90));
        notation.name(Side::A, "Y", SeqNum(200));
        let at = |n| notation.number(SeqNum(n), Side::A);
        assert_eq!(
            [at(89), at(90), at(91), at(200), at(205)],
            ["89", "Z", "Z+1", "Y", "Y+5"]
        );
        // B's sequence space has no symbols.
        assert_eq!(notation.number(SeqNum(90), Side::B), "90");
    }

    #[test]
    fn symbols_follow_sequence_arithmetic_across_the_wrap() {
        let mut notation = Notation::default();
        notation.name(Side::B, "X", SeqNum(u32::MAX));
        assert_eq!(notation.number(SeqNum(1), Side::B), "X+2");
        assert_eq!(notation.number(SeqNum(u32::MAX - 1), Side::B), "4294967294");
    }

    #[test]
    fn the_ack_is_in_the_peers_sequence_space() {
        let mut notation = Notation::default();
        notation.name(Side::A, "Z", SeqNum(90));
        let rst = segment("<SEQ=91><CTL=RST>");
        assert_eq!(notation.segment(&rst, Side::A), "<SEQ=Z+1><CTL=RST>");
        assert_eq!(notation.segment(&rst, Side::B), "<SEQ=91><CTL=RST>");
    }
}
