//! A path found by the explorer as a transcript in the RFC's figure format: each move is a
//! numbered line, a segment is shown departing in the line of the move that emitted it
//! (arriving in the same row when the next move delivers it).
//!
//! The path is replayed on the model, and each move recorded as it happens; the transcript's
//! network follows the joint state's, segment for segment.

use super::model::{Joint, Model, Move};
use crate::endpoint::Side;
use crate::transcript::record::Recorder;
use crate::transcript::{Fate, Row, Transcript};

/// The transcript of `path` from the model's initial state.
pub fn transcript(model: &Model, title: &str, path: &[Move]) -> Transcript {
    let rules = model.rules;
    let spec = rules.spec();
    let mut record = Recorder::new(title.to_string(), None);
    let mut joint = model.initial();
    let labels =
        |joint: &Joint| Side::BOTH.map(|side| rules.state_label(joint.ends[side.index()].state));
    record.push(Row::states(labels(&joint), [true; 2], None), false);
    let mut continue_line = false;
    for (k, &step) in path.iter().enumerate() {
        let Ok(successor) = model.apply(&joint, step) else {
            break;
        };
        let after = labels(&successor.joint);
        let label = |event| format!("({})", spec.event(event).display_label());
        // What the move does to the network, before what it emits.
        let main = match step {
            Move::Call(side, event) | Move::Timeout(side, event) => Row::note(side, label(event)),
            Move::Retransmit(side) => Row::note(side, "(retransmission timeout)".into()),
            Move::Duplicate(side, k) => {
                let copied = record.duplicate(side, k);
                let text = copied.map(|s| format!("(the network duplicates {s})"));
                Row::note(side, text.unwrap_or_default())
            }
            Move::Deliver(side, k) | Move::Lose(side, k) => {
                let fate = match step {
                    Move::Deliver(..) => Fate::Arrives,
                    _ => Fate::Lost,
                };
                let (_, cell) = record.take(side, k, fate);
                Row::states(after.clone(), cell.involved(), Some(cell))
            }
        };
        for side in Side::BOTH {
            let link = successor.joint.network.link(side);
            let emitted = successor.emitted[side.index()];
            record.emit(side, link[link.len() - emitted..].iter().copied());
        }
        record.push(main, continue_line);
        continue_line = false;
        let acted = matches!(
            step,
            Move::Call(..) | Move::Timeout(..) | Move::Retransmit(_)
        );
        let next = path.get(k + 1).copied();
        for side in Side::BOTH {
            let len = successor.joint.network.link(side).len();
            let first_new = len - successor.emitted[side.index()];
            for index in first_new..len {
                if index == first_new && next == Some(Move::Deliver(side, index)) {
                    // Shown departing and arriving by the next move's row.
                    continue_line = acted;
                    continue;
                }
                if let Some(cell) = record.depart(side, index) {
                    let row = Row::states(after.clone(), cell.involved(), Some(cell));
                    record.push(row, true);
                }
            }
        }
        if acted && successor.emitted == [0, 0] && !matches!(step, Move::Retransmit(_)) {
            record.push(Row::states(after, [true; 2], None), true);
        }
        joint = successor.joint;
    }
    record.push(Row::states(labels(&joint), [true; 2], None), false);
    record.finish()
}
