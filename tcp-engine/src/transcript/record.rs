//! Building a transcript from moves as they happen: segments are emitted into a
//! [`Network`] of [`InFlight`] segments, depart, arrive or are lost, and each move becomes
//! a row. The simulator and the explorer both record through it, so a segment's departure,
//! arrival and line are worked out in one place.

use super::notation::Notation;
use super::{Fate, Row, SegmentCell, Transcript};
use crate::endpoint::Side;
use crate::network::{InFlight, Network};
use crate::wire::Segment;

/// A transcript being written, and the network as the transcript has shown it.
#[derive(Debug, Clone, Default)]
pub struct Recorder {
    /// The rows and notes so far.
    pub transcript: Transcript,
    /// Segments in flight, with where they were emitted or shown departing.
    pub network: Network<InFlight>,
    /// Whether rows are kept (a scenario's setup runs out of sight).
    pub visible: bool,
    /// How segments are written.
    pub notation: Notation,
    next_id: u64,
    line: u32,
}

impl Recorder {
    /// An empty transcript with this title and reference, visible.
    pub fn new(title: String, reference: Option<String>) -> Recorder {
        Recorder {
            transcript: Transcript {
                title,
                reference,
                ..Transcript::default()
            },
            visible: true,
            ..Recorder::default()
        }
    }

    /// The number of the last line.
    pub fn line(&self) -> u32 {
        self.line
    }

    fn fresh_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// `from` emits `segments` during the row about to be pushed; they wait to depart.
    pub fn emit(&mut self, from: Side, segments: impl IntoIterator<Item = Segment>) {
        let row = self.visible.then_some(self.transcript.rows.len());
        for segment in segments {
            let id = self.fresh_id();
            let flight = InFlight {
                segment,
                id,
                departed: false,
                row,
            };
            self.network.send(from, [flight]);
        }
    }

    /// The network duplicates `from`'s segment at `index`; the copy, already on its way,
    /// follows it. Returns the segment, or `None` when there is no such segment.
    pub fn duplicate(&mut self, from: Side, index: usize) -> Option<Segment> {
        let id = self.next_id + 1;
        let original = self.network.duplicate(from, index, |original| InFlight {
            id,
            departed: true,
            ..original.clone()
        })?;
        let segment = original.segment;
        self.next_id = id;
        Some(segment)
    }

    /// `from`'s segment at `index` departs in the row about to be pushed and stays in the
    /// network.
    pub fn depart(&mut self, from: Side, index: usize) -> Option<SegmentCell> {
        let row = self.transcript.rows.len();
        let flight = self.network.get_mut(from, index)?;
        flight.departed = true;
        flight.row = Some(row);
        Some(cell(&self.notation, from, true, Fate::InFlight, flight))
    }

    /// `from`'s segment at `index` leaves the network: it arrives at the peer, or is lost
    /// (departing in this row if no row has shown it departing yet).
    pub fn take(&mut self, from: Side, index: usize, fate: Fate) -> (Segment, SegmentCell) {
        let flight = self.network.take(from, index);
        let cell = cell(&self.notation, from, !flight.departed, fate, &flight);
        (flight.segment, cell)
    }

    /// `from`'s segment at `index` arrives at the peer, drawn as having been in the network
    /// (`...` on the sender's side) even if no row showed it departing, as the RFC's figures
    /// sometimes draw a segment: its origin is then the row that emitted it.
    pub fn arrive_from_network(&mut self, from: Side, index: usize) -> (Segment, SegmentCell) {
        let flight = self.network.take(from, index);
        let cell = cell(&self.notation, from, false, Fate::Arrives, &flight);
        (flight.segment, cell)
    }

    /// An old segment from `from`'s direction arrives, never seen before.
    pub fn inject(&mut self, from: Side, segment: Segment) -> SegmentCell {
        let flight = InFlight {
            segment,
            id: self.fresh_id(),
            departed: true,
            row: None,
        };
        cell(&self.notation, from, false, Fate::Arrives, &flight)
    }

    /// Adds `row`, numbered unless it `continued` the previous line, when visible.
    pub fn push(&mut self, mut row: Row, continued: bool) {
        if !self.visible {
            return;
        }
        if !continued {
            self.line += 1;
            row.line = Some(self.line);
        }
        self.transcript.rows.push(row);
    }

    /// Notes the segments still in the network, and returns the transcript.
    pub fn finish(mut self) -> Transcript {
        for (side, flight) in self.network.iter() {
            let line = flight.row.and_then(|r| self.transcript.line_of(r));
            let when = match (flight.departed, line) {
                (true, Some(line)) => {
                    format!("departed on line {line} and is still in the network")
                }
                (true, None) => "is still in the network".to_string(),
                (false, Some(line)) => {
                    format!("emitted on line {line}, has not departed in the figure")
                }
                (false, None) => "has not departed".to_string(),
            };
            self.transcript.notes.push(format!(
                "{} from {side} {when}.",
                self.notation.segment(&flight.segment, side)
            ));
        }
        self.transcript
    }
}

/// The middle column for `flight`: a segment that does not depart in its row points back to
/// where it departed, or was emitted.
fn cell(
    notation: &Notation,
    from: Side,
    departs: bool,
    fate: Fate,
    flight: &InFlight,
) -> SegmentCell {
    SegmentCell {
        text: notation.segment(&flight.segment, from),
        from,
        departs,
        fate,
        id: flight.id,
        origin_row: flight.row.filter(|_| !departs),
    }
}

impl SegmentCell {
    /// Which sides a row with this segment shows the state of: the sender when the segment
    /// departs, the receiver when it arrives.
    pub fn involved(&self) -> [bool; 2] {
        let mut involved = [false; 2];
        involved[self.from.index()] = self.departs;
        involved[self.from.peer().index()] = self.fate == Fate::Arrives;
        involved
    }
}

impl Row {
    /// A row of states: `labels` where `shown`, blank elsewhere.
    pub fn states(labels: [String; 2], shown: [bool; 2], segment: Option<SegmentCell>) -> Row {
        let mut cells = labels;
        for (cell, shown) in cells.iter_mut().zip(shown) {
            if !shown {
                cell.clear();
            }
        }
        Row {
            line: None,
            cells,
            is_note: false,
            segment,
            log: Vec::new(),
        }
    }

    /// A remark row: `text` in `side`'s column.
    pub fn note(side: Side, text: String) -> Row {
        let mut cells = [String::new(), String::new()];
        cells[side.index()] = text;
        Row {
            line: None,
            cells,
            is_note: true,
            segment: None,
            log: Vec::new(),
        }
    }
}
