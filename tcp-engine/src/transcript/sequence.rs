//! Sequence diagrams of a transcript: Mermaid `sequenceDiagram` text, and an SVG drawn here
//! (two lifelines, time downwards, one arrow per segment from its departure to its arrival,
//! states beside the lifelines). Both are deterministic, so they can be checked in and
//! compared.

use super::{Fate, SegmentCell, Transcript};
use crate::endpoint::Side;
use std::collections::HashMap;
use std::fmt::Write as _;

/// The Mermaid `sequenceDiagram` of a transcript. Segments that arrive in the row they depart
/// are solid arrows; a segment that stays in the network is a dotted arrow at its departure
/// and a note at its arrival; lost segments end in a cross.
pub fn mermaid(transcript: &Transcript) -> String {
    let mut out = String::from("sequenceDiagram\n");
    let _ = writeln!(out, "    %% {}", transcript.title);
    out.push_str("    participant A as TCP A\n    participant B as TCP B\n");
    let departed: HashMap<u64, u32> = departures(transcript);
    for (row, cells) in transcript.rows.iter().zip(shown_cells(transcript)) {
        let number = row.line.map(|n| format!("{n}. ")).unwrap_or_default();
        let mut numbered = false;
        let mut prefix = || match numbered {
            true => String::new(),
            false => {
                numbered = true;
                number.clone()
            }
        };
        if let Some(segment) = &row.segment {
            let line = message(segment, &prefix(), departed.get(&segment.id).copied());
            let _ = writeln!(out, "    {line}");
        }
        for (side, text) in cells {
            let place = match side {
                Side::A => "left of A",
                Side::B => "right of B",
            };
            let _ = writeln!(
                out,
                "    Note {place}: {}{}",
                prefix(),
                escape_mermaid(text)
            );
        }
    }
    out
}

/// For each row, the state cells worth drawing: a state is shown when it changes on its side,
/// notes always. Both diagrams use this, so they show the same texts.
fn shown_cells(transcript: &Transcript) -> Vec<Vec<(Side, &str)>> {
    let mut last_shown: [Option<&str>; 2] = [None, None];
    let mut shown = Vec::with_capacity(transcript.rows.len());
    for row in &transcript.rows {
        let mut cells = Vec::new();
        for side in Side::BOTH {
            let text = row.cells[side.index()].as_str();
            let repeated = !row.is_note && last_shown[side.index()] == Some(text);
            if text.is_empty() || repeated {
                continue;
            }
            if !row.is_note {
                last_shown[side.index()] = Some(text);
            }
            cells.push((side, text));
        }
        shown.push(cells);
    }
    shown
}

/// The line on which each segment that later arrives was shown departing.
fn departures(transcript: &Transcript) -> HashMap<u64, u32> {
    let mut found = HashMap::new();
    for (index, row) in transcript.rows.iter().enumerate() {
        if let Some(segment) = row.segment.as_ref().filter(|s| s.departs) {
            if let Some(line) = transcript.line_of(index) {
                found.insert(segment.id, line);
            }
        }
    }
    found
}

fn message(segment: &SegmentCell, prefix: &str, departed_on: Option<u32>) -> String {
    let (from, to) = match segment.from {
        Side::A => ("A", "B"),
        Side::B => ("B", "A"),
    };
    let text = escape_mermaid(&segment.text);
    match (segment.departs, segment.fate, departed_on) {
        (true, Fate::Arrives, _) => format!("{from}->>{to}: {prefix}{text}"),
        (true, Fate::InFlight, _) => format!("{from}--){to}: {prefix}{text} (delayed)"),
        (true, Fate::Lost, _) => format!("{from}-x{to}: {prefix}{text} (lost)"),
        (false, Fate::Arrives, Some(line)) => {
            format!("Note over {to}: {prefix}{text} arrives (sent on line {line})")
        }
        (false, Fate::Arrives, None) => format!("{from}--){to}: {prefix}... {text}"),
        (false, Fate::Lost, _) => format!("Note over A,B: {prefix}{text} is lost"),
        (false, Fate::InFlight, _) => format!("Note over A,B: {prefix}{text} in the network"),
    }
}

/// The same escaping as the spec's Mermaid diagrams: not only `<` and `>`, but the `;`,
/// `:` and `#` that would end or garble a note.
fn escape_mermaid(text: &str) -> String {
    fsm_spec::escape::mermaid(text)
}

fn escape_xml(text: &str) -> String {
    fsm_spec::escape::xml(text)
}

/// Pixels per character of the 12px monospace font, rounded up.
const CHAR: i64 = 8;
const ROW: i64 = 26;
const LINE_GAP: i64 = 12;
const TOP: i64 = 86;

fn width_of(text: &str) -> i64 {
    text.chars().count() as i64 * CHAR
}

/// Where things go: the two lifelines and the y of every row.
struct Layout {
    x: [i64; 2],
    y: Vec<i64>,
    width: i64,
    height: i64,
}

fn layout(transcript: &Transcript) -> Layout {
    let widest = |side: Side| {
        transcript
            .rows
            .iter()
            .map(|r| width_of(&r.cells[side.index()]))
            .max()
            .unwrap_or(0)
    };
    let segment = transcript
        .rows
        .iter()
        .filter_map(|r| r.segment.as_ref().map(|s| width_of(&s.text)))
        .max()
        .unwrap_or(0);
    let x_a = (48 + widest(Side::A) + 16).max(160);
    let x_b = x_a + (segment + 110).max(320);
    let width = x_b + 16 + widest(Side::B).max(width_of("TCP B")) + 24;
    let mut y = Vec::new();
    let mut at = TOP;
    for row in &transcript.rows {
        if row.line.is_some() && !y.is_empty() {
            at += LINE_GAP;
        }
        y.push(at);
        at += ROW;
    }
    Layout {
        x: [x_a, x_b],
        y,
        width,
        height: at + 30,
    }
}

/// The SVG sequence diagram of a transcript.
pub fn svg(transcript: &Transcript) -> String {
    let layout = layout(transcript);
    let Layout {
        x, width, height, ..
    } = layout;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, \
         monospace\" font-size=\"12\">"
    );
    out.push_str(concat!(
        "<defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" ",
        "markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\">",
        "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#222\"/></marker></defs>\n"
    ));
    let _ = writeln!(
        out,
        "<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n\
         <text x=\"{}\" y=\"22\" text-anchor=\"middle\" font-weight=\"bold\">{}</text>",
        width / 2,
        escape_xml(&transcript.title)
    );
    for side in Side::BOTH {
        let cx = x[side.index()];
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"36\" width=\"72\" height=\"24\" rx=\"4\" fill=\"#eef2f7\" \
             stroke=\"#445\"/>\n<text x=\"{cx}\" y=\"52\" text-anchor=\"middle\">{side}</text>\n\
             <line x1=\"{cx}\" y1=\"60\" x2=\"{cx}\" y2=\"{}\" stroke=\"#889\" \
             stroke-dasharray=\"4 3\"/>",
            cx - 36,
            height - 16
        );
    }
    draw_rows(&mut out, transcript, &layout);
    draw_segments(&mut out, transcript, &layout);
    out.push_str("</svg>\n");
    out
}

fn draw_rows(out: &mut String, transcript: &Transcript, layout: &Layout) {
    let rows = transcript.rows.iter().zip(shown_cells(transcript));
    for (index, (row, cells)) in rows.enumerate() {
        let y = layout.y[index] + 4;
        if let Some(line) = row.line {
            let _ = writeln!(out, "<text x=\"12\" y=\"{y}\" fill=\"#667\">{line}.</text>");
        }
        for (side, text) in cells {
            let (at, anchor) = match side {
                Side::A => (layout.x[0] - 12, "end"),
                Side::B => (layout.x[1] + 12, "start"),
            };
            let style = match row.is_note {
                true => " font-style=\"italic\" fill=\"#555\"",
                false => " font-weight=\"bold\"",
            };
            let _ = writeln!(
                out,
                "<text x=\"{at}\" y=\"{y}\" text-anchor=\"{anchor}\"{style}>{}</text>",
                escape_xml(text)
            );
        }
    }
}

/// One arrow per segment, from where it departed (or was emitted) to where it arrived, was
/// lost, or (still in the network at the end) half-way.
fn draw_segments(out: &mut String, transcript: &Transcript, layout: &Layout) {
    let mut departed: HashMap<u64, usize> = HashMap::new();
    let mut ended: Vec<u64> = Vec::new();
    for (index, row) in transcript.rows.iter().enumerate() {
        let Some(segment) = &row.segment else {
            continue;
        };
        if segment.departs {
            departed.insert(segment.id, index);
        }
        if segment.fate != Fate::InFlight {
            ended.push(segment.id);
            let shown_leaving = match segment.departs {
                true => Some(index),
                false => departed.get(&segment.id).copied(),
            };
            let start = shown_leaving.or(segment.origin_row);
            let ends = Ends {
                start,
                end: Some(index),
                row: index,
                label_at_start: shown_leaving.is_some(),
            };
            arrow(out, layout, segment, ends);
        }
    }
    for (index, row) in transcript.rows.iter().enumerate() {
        let Some(segment) = &row.segment else {
            continue;
        };
        if segment.fate == Fate::InFlight && !ended.contains(&segment.id) {
            let ends = Ends {
                start: Some(index),
                end: None,
                row: index,
                label_at_start: true,
            };
            arrow(out, layout, segment, ends);
        }
    }
}

/// Which rows an arrow joins.
struct Ends {
    /// Where it leaves: the row showing it depart, or where it was emitted.
    start: Option<usize>,
    /// Where it arrives or is lost; `None` if it is still in the network at the end.
    end: Option<usize>,
    /// The row being drawn.
    row: usize,
    /// Label it where it leaves (it was shown departing) rather than where it arrives.
    label_at_start: bool,
}

fn arrow(out: &mut String, layout: &Layout, segment: &SegmentCell, ends: Ends) {
    let Ends {
        start,
        end,
        row: labelled_at,
        label_at_start,
    } = ends;
    let (from, to) = (segment.from.index(), segment.from.peer().index());
    let y_start = match start {
        Some(row) => layout.y[row] - 7,
        None => layout.y[labelled_at] - ROW,
    };
    let (x1, x2) = (layout.x[from], layout.x[to]);
    let (x_end, y_end) = match (end, segment.fate) {
        (Some(row), Fate::Arrives) => (x2, layout.y[row] + 7),
        (Some(row), _) => (x1 + (x2 - x1) * 3 / 5, layout.y[row] + 4),
        (None, _) => (x1 + (x2 - x1) * 2 / 5, y_start + 8),
    };
    let solid = segment.departs || start.is_some_and(|s| s != labelled_at);
    let dash = match (segment.fate, solid) {
        (Fate::Arrives, true) => "",
        _ => " stroke-dasharray=\"5 4\"",
    };
    let color = match segment.fate {
        Fate::Lost => "#b22",
        _ => "#222",
    };
    let head = match segment.fate {
        Fate::Arrives => " marker-end=\"url(#head)\"",
        _ => "",
    };
    let _ = writeln!(
        out,
        "<line x1=\"{x1}\" y1=\"{y_start}\" x2=\"{x_end}\" y2=\"{y_end}\" stroke=\"{color}\" \
         stroke-width=\"1.4\"{dash}{head}/>"
    );
    match (end, segment.fate) {
        (Some(_), Fate::Lost) => {
            let _ = writeln!(
                out,
                "<text x=\"{x_end}\" y=\"{}\" text-anchor=\"middle\" fill=\"#b22\" \
                 font-weight=\"bold\">XXX</text>",
                y_end + 14
            );
        }
        (None, _) => {
            let (x, anchor) = match segment.from {
                Side::A => (x_end + 6, "start"),
                Side::B => (x_end - 6, "end"),
            };
            let _ = writeln!(
                out,
                "<text x=\"{x}\" y=\"{}\" text-anchor=\"{anchor}\" fill=\"#555\">...</text>",
                y_end + 4
            );
        }
        _ => {}
    }
    // The label sits where the segment leaves the sender, or, for a segment not shown
    // leaving in this row, where it arrives.
    let near_sender = label_at_start;
    // Near the receiver, the arrow rises towards the sender: lift the label above it over
    // the label's whole width.
    let span = (width_of(&segment.text) + 10) * (y_end - y_start) / (x2 - x1).abs().max(1);
    let (label_x, anchor, label_y) = match (near_sender, segment.from) {
        (true, Side::A) => (x1 + 10, "start", y_start - 5),
        (true, Side::B) => (x1 - 10, "end", y_start - 5),
        (false, Side::A) => (x_end - 10, "end", y_end - span - 5),
        (false, Side::B) => (x_end + 10, "start", y_end - span - 5),
    };
    let _ = writeln!(
        out,
        "<text x=\"{label_x}\" y=\"{label_y}\" text-anchor=\"{anchor}\" fill=\"{color}\">{}</text>",
        escape_xml(&segment.text)
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::Row;

    fn transcript() -> Transcript {
        let cell = |departs, fate| SegmentCell {
            text: "<SEQ=100><CTL=SYN>".into(),
            from: Side::A,
            departs,
            fate,
            id: 1,
            origin_row: Some(0),
        };
        Transcript {
            title: "t".into(),
            rows: vec![
                Row {
                    line: Some(1),
                    cells: ["SYN-SENT".into(), "LISTEN".into()],
                    is_note: false,
                    segment: Some(cell(true, Fate::InFlight)),
                    log: Vec::new(),
                },
                Row {
                    line: Some(2),
                    cells: ["SYN-SENT".into(), "SYN-RECEIVED".into()],
                    is_note: false,
                    segment: Some(cell(false, Fate::Arrives)),
                    log: Vec::new(),
                },
            ],
            ..Transcript::default()
        }
    }

    #[test]
    fn mermaid_escapes_segments_and_notes_delayed_arrivals() {
        let text = mermaid(&transcript());
        assert!(
            text.contains("A--)B: 1. #lt;SEQ=100#gt;#lt;CTL=SYN#gt; (delayed)"),
            "{text}"
        );
        assert!(
            text.contains(
                "Note over B: 2. #lt;SEQ=100#gt;#lt;CTL=SYN#gt; arrives (sent on line 1)"
            ),
            "{text}"
        );
        assert_eq!(
            text.matches("SYN-SENT").count(),
            1,
            "repeated states are not redrawn"
        );
    }

    /// `;` ends a Mermaid statement, `:` starts a message and `#` an entity: in a note's
    /// text each would cut the note short or garble it.
    #[test]
    fn mermaid_escapes_the_statement_characters_of_a_note() {
        let mut transcript = transcript();
        transcript.rows.push(Row {
            line: None,
            cells: [String::new(), "retransmits #2: then; waits".into()],
            is_note: true,
            segment: None,
            log: Vec::new(),
        });
        let text = mermaid(&transcript);
        assert!(
            text.contains("Note right of B: retransmits #35;2#58; then#59; waits\n"),
            "{text}"
        );
    }

    #[test]
    fn svg_draws_one_arrow_per_segment_and_escapes_text() {
        let text = svg(&transcript());
        assert_eq!(
            text.matches("<line x1=\"").count(),
            3,
            "two lifelines and one arrow"
        );
        assert!(text.contains("&lt;SEQ=100&gt;&lt;CTL=SYN&gt;"));
        assert!(!text.contains("<SEQ"));
    }
}
