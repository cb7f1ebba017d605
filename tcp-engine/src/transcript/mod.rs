//! A simulation's transcript, printed in the format of RFC 793's figures: numbered lines,
//! TCP A's state, an arrow, the segment, an arrow, TCP B's state.
//!
//! ```text
//!       TCP A                                                TCP B
//!
//!   1.  CLOSED                                               LISTEN
//!
//!   2.  SYN-SENT    --> <SEQ=100><CTL=SYN>               --> SYN-RECEIVED
//! ```
//!
//! As in the RFC, states are those after the departure or arrival of the row's segment, `...`
//! marks a segment still in the network and `XXX` one that is lost. [`record`] builds a
//! transcript from moves as they happen; the simulator and the explorer both use it.

pub mod figure;
pub mod notation;
pub mod record;
pub mod sequence;

use crate::endpoint::Side;
use std::fmt::Write as _;

/// What became of a row's segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    /// It arrives in this row.
    Arrives,
    /// It stays in the network.
    InFlight,
    /// It is lost.
    Lost,
}

/// The middle column of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentCell {
    /// The segment in RFC notation.
    pub text: String,
    /// Who sent it.
    pub from: Side,
    /// It departs in this row (an arrow on the sender's side, otherwise `...`).
    pub departs: bool,
    pub fate: Fate,
    /// Identifies the segment across rows (its departure and its arrival).
    pub id: u64,
    /// For a segment that does not depart in this row: the row where it departed or, if it
    /// was never shown departing, where it was emitted (`None` for injected old segments).
    pub origin_row: Option<usize>,
}

impl SegmentCell {
    /// The markers left and right of the segment, as the RFC draws them.
    pub fn markers(&self) -> (&'static str, &'static str) {
        let fate = match self.fate {
            Fate::Arrives if self.from == Side::A => "-->",
            Fate::Arrives => "<--",
            Fate::InFlight => "...",
            Fate::Lost => "XXX",
        };
        let departure = match (self.departs, self.from) {
            (false, _) => "...",
            (true, Side::A) => "-->",
            (true, Side::B) => "<--",
        };
        match self.from {
            Side::A => (departure, fate),
            Side::B => (fate, departure),
        }
    }
}

/// One printed row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The line number; `None` for a row that continues the previous line.
    pub line: Option<u32>,
    /// What the A and B columns show: states, remarks, or nothing.
    pub cells: [String; 2],
    /// The row is a remark row such as `(Close)`, not states.
    pub is_note: bool,
    pub segment: Option<SegmentCell>,
    /// What happened, step by step, for `--explain`.
    pub log: Vec<String>,
}

/// A whole transcript.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Transcript {
    pub title: String,
    pub reference: Option<String>,
    pub rows: Vec<Row>,
    /// Remarks after the figure: states shown differently from the simulation (errata),
    /// segments still in the network.
    pub notes: Vec<String>,
}

const MARGIN: usize = 6;

impl Transcript {
    /// The line number a row belongs to.
    pub fn line_of(&self, row: usize) -> Option<u32> {
        let end = row.saturating_add(1).min(self.rows.len());
        self.rows[..end].iter().rev().find_map(|r| r.line)
    }

    /// The figure alone: the `TCP A ... TCP B` heading and the rows.
    pub fn figure(&self) -> String {
        let segment_rows = || self.rows.iter().filter(|r| r.segment.is_some());
        let a_width = segment_rows()
            .map(|r| r.cells[0].chars().count())
            .max()
            .unwrap_or_else(|| {
                self.rows
                    .iter()
                    .map(|r| r.cells[0].chars().count())
                    .max()
                    .unwrap_or(0)
            });
        let segment_width = segment_rows()
            .filter_map(|r| r.segment.as_ref().map(|s| s.text.len()))
            .max();
        let b_column = match segment_width {
            Some(width) => MARGIN + a_width + width + 10,
            None => MARGIN + a_width + 4,
        };
        let mut out = String::new();
        let heading = pad(&format!("{}TCP A", " ".repeat(MARGIN)), b_column);
        let _ = writeln!(out, "{heading}TCP B");
        for row in &self.rows {
            if row.line.is_some() {
                out.push('\n');
            }
            let prefix = match row.line {
                Some(n) => format!("{n:>3}.  "),
                None => " ".repeat(MARGIN),
            };
            let [a, b] = &row.cells;
            let text = match &row.segment {
                Some(segment) => {
                    let (left, right) = segment.markers();
                    let width = segment_width.unwrap_or(0);
                    format!(
                        "{prefix}{} {left} {} {right} {b}",
                        pad(a, a_width),
                        pad(&segment.text, width)
                    )
                }
                None if b.is_empty() => format!("{prefix}{a}"),
                None => {
                    let left = format!("{prefix}{a}");
                    let at = b_column.max(left.chars().count() + 2);
                    format!("{}{b}", pad(&left, at))
                }
            };
            let _ = writeln!(out, "{}", text.trim_end());
        }
        out
    }

    /// The transcript as `tcp-fsm simulate` prints it: title, figure and notes; with
    /// `explain`, also what each endpoint did on each line.
    pub fn render(&self, explain: bool) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.title);
        if let Some(reference) = &self.reference {
            let _ = writeln!(out, "({reference})");
        }
        let _ = write!(out, "\n{}", self.figure());
        if !self.notes.is_empty() {
            out.push_str("\nNotes:\n");
            for note in &self.notes {
                let _ = writeln!(out, "  - {note}");
            }
        }
        if explain {
            out.push_str("\nWhat happened:\n");
            for (index, row) in self.rows.iter().enumerate() {
                for entry in &row.log {
                    let line = self.line_of(index).unwrap_or(0);
                    let _ = writeln!(out, "  {line:>2}. {entry}");
                }
            }
        }
        out
    }
}

fn pad(text: &str, width: usize) -> String {
    let count = text.chars().count();
    format!("{text}{}", " ".repeat(width.saturating_sub(count)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: Option<u32>, a: &str, b: &str, segment: Option<SegmentCell>) -> Row {
        Row {
            line,
            cells: [a.into(), b.into()],
            is_note: false,
            segment,
            log: Vec::new(),
        }
    }

    fn cell(text: &str, from: Side, departs: bool, fate: Fate) -> SegmentCell {
        SegmentCell {
            text: text.into(),
            from,
            departs,
            fate,
            id: 0,
            origin_row: None,
        }
    }

    #[test]
    fn lays_rows_out_like_the_rfc() {
        let transcript = Transcript {
            rows: vec![
                row(Some(1), "CLOSED", "LISTEN", None),
                row(
                    Some(2),
                    "SYN-SENT",
                    "",
                    Some(cell("<SEQ=100><CTL=SYN>", Side::A, true, Fate::InFlight)),
                ),
                row(
                    None,
                    "",
                    "",
                    Some(cell("<SEQ=300><CTL=SYN>", Side::B, true, Fate::Lost)),
                ),
            ],
            ..Transcript::default()
        };
        let expected = "      TCP A                               TCP B

  1.  CLOSED                              LISTEN

  2.  SYN-SENT --> <SEQ=100><CTL=SYN> ...
               XXX <SEQ=300><CTL=SYN> <--
";
        assert_eq!(transcript.figure(), expected);
    }
}
