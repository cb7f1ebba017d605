//! TCP segments as RFC 793 writes them in its figures: `<SEQ=100><ACK=301><CTL=SYN,ACK>`.
//!
//! Only the fields the figures show are modelled: the sequence number, the acknowledgment
//! number, the control bits and the length of the text (RFC 793 3.4: "Other fields such as
//! window, addresses, lengths, and text have been left out in the interest of clarity", so the
//! text prints as `<DATA>` whatever its length).

use std::fmt;
use std::str::FromStr;

/// The control bits other than ACK. ACK is set exactly when [`Segment::ack`] is `Some`, as in
/// the figures, where `<ACK=n>` always comes with `ACK` in `<CTL=...>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Control {
    /// SYN, FIN, RST.
    pub syn: bool,
    pub fin: bool,
    pub rst: bool,
}

/// One segment: what a figure line shows in its middle column.
///
/// ```
/// use tcp_fsm_tools::sim::segment::Segment;
///
/// let syn_ack: Segment = "<SEQ=300><ACK=101><CTL=SYN,ACK>".parse().unwrap();
/// assert_eq!(syn_ack.seq, 300);
/// assert_eq!(syn_ack.ack, Some(101));
/// assert!(syn_ack.ctl.syn);
/// assert_eq!(syn_ack.to_string(), "<SEQ=300><ACK=101><CTL=SYN,ACK>");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Segment {
    /// SEG.SEQ.
    pub seq: u32,
    /// SEG.ACK when the ACK bit is set.
    pub ack: Option<u32>,
    pub ctl: Control,
    /// Octets of text; printed as `<DATA>` when non-zero.
    pub data: u32,
}

/// How many octets `<DATA>` stands for when a scenario does not say.
pub const DEFAULT_DATA_LEN: u32 = 10;

impl Segment {
    /// SEG.LEN: text plus one for SYN and one for FIN (RFC 793 3.3).
    pub fn len(&self) -> u32 {
        self.data
            .saturating_add(u32::from(self.ctl.syn))
            .saturating_add(u32::from(self.ctl.fin))
    }

    /// Whether the segment occupies no sequence space.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `<SEQ=seq><ACK=ack><CTL=ACK>`: an empty acknowledgment.
    pub fn ack(seq: u32, ack: u32) -> Segment {
        Segment {
            seq,
            ack: Some(ack),
            ctl: Control::default(),
            data: 0,
        }
    }

    /// `<SEQ=seq><CTL=RST>`.
    pub fn rst(seq: u32) -> Segment {
        Segment {
            seq,
            ack: None,
            ctl: Control {
                rst: true,
                ..Control::default()
            },
            data: 0,
        }
    }

    /// The control bits in the order the figures list them (`SYN,ACK`, `FIN,ACK`, `RST,ACK`).
    pub fn control_names(&self) -> Vec<&'static str> {
        let bits = [
            (self.ctl.syn, "SYN"),
            (self.ctl.fin, "FIN"),
            (self.ctl.rst, "RST"),
            (self.ack.is_some(), "ACK"),
        ];
        bits.iter().filter(|(on, _)| *on).map(|&(_, n)| n).collect()
    }
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<SEQ={}>", self.seq)?;
        if let Some(ack) = self.ack {
            write!(f, "<ACK={ack}>")?;
        }
        let names = self.control_names();
        if !names.is_empty() {
            write!(f, "<CTL={}>", names.join(","))?;
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
        let (mut seq, mut ack, mut ack_bit) = (None, None, false);
        let mut ctl = Control::default();
        let mut data = 0;
        while !rest.is_empty() {
            let Some(field) = rest.strip_prefix('<').and_then(|r| r.split_once('>')) else {
                return error(format!(
                    "expected a field like `<SEQ=100>` at `{rest}` (segments are written \
                     as in RFC 793, e.g. `<SEQ=90><CTL=SYN>`)"
                ));
            };
            let (inner, after) = field;
            rest = after.trim_start();
            let (key, value) = inner.split_once('=').unwrap_or((inner, ""));
            match key {
                "SEQ" => seq = Some(number(value, "SEQ")?),
                "ACK" => ack = Some(number(value, "ACK")?),
                "DATA" if value.is_empty() => data = DEFAULT_DATA_LEN,
                "DATA" => data = number(value, "DATA")?,
                "CTL" => {
                    for bit in value.split(',').map(str::trim) {
                        match bit {
                            "SYN" => ctl.syn = true,
                            "FIN" => ctl.fin = true,
                            "RST" => ctl.rst = true,
                            "ACK" => ack_bit = true,
                            other => {
                                return error(format!(
                                    "unknown control bit `{other}` (expected SYN, ACK, FIN or RST)"
                                ));
                            }
                        }
                    }
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
        if ack.is_some() != ack_bit {
            return error("`<ACK=n>` and the ACK bit in `<CTL=...>` go together".into());
        }
        Ok(Segment {
            seq,
            ack,
            ctl,
            data,
        })
    }
}

/// Sequence numbers are kept below 2^31 so that the simulator's plain comparisons never meet
/// the wrap-around of RFC 793 3.3.
pub const MAX_SEQUENCE_NUMBER: u32 = (1 << 31) - 1;

fn number(text: &str, field: &str) -> Result<u32, SegmentSyntaxError> {
    match text.parse::<u32>() {
        Ok(n) if n <= MAX_SEQUENCE_NUMBER => Ok(n),
        _ => Err(SegmentSyntaxError(format!(
            "`{field}={text}` is not a number from 0 to {MAX_SEQUENCE_NUMBER}"
        ))),
    }
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
    }

    #[test]
    fn rejects_what_is_not_rfc_notation() {
        let bad = [
            ("SEQ=1", "expected a field"),
            ("<CTL=SYN>", "needs `<SEQ=n>`"),
            ("<SEQ=1><CTL=PSH>", "unknown control bit `PSH`"),
            ("<SEQ=1><ACK=2>", "go together"),
            ("<SEQ=1><CTL=ACK>", "go together"),
            ("<SEQ=x>", "not a number"),
            ("<SEQ=4294967295>", "not a number"),
            ("<WND=5><SEQ=1>", "unknown field"),
            ("<SEQ=1", "expected a field"),
        ];
        for (text, message) in bad {
            let error = text.parse::<Segment>().unwrap_err().to_string();
            assert!(error.contains(message), "{text}: {error}");
        }
    }
}
