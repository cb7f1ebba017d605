//! Following every TCP connection of a pcap or pcapng capture through a spec, one machine per
//! endpoint, and flagging every segment the spec does not allow.
//!
//! The pipeline: [`capture`] reads frames, [`decode`] turns each into a [`crate::wire::Segment`]
//! with its addresses, [`inference`] names the calls and arriving segments a passive observer
//! can infer from it (the only TCP knowledge outside the spec, with its rules in a table),
//! [`crate::binding`] turns those into the spec's events, and [`tracker`] keeps one
//! [`crate::interpreter::Interpreter`]-driven machine per endpoint and 4-tuple.

pub mod capture;
pub mod decode;
pub mod inference;
pub mod synth;
pub mod tracker;

use crate::interpreter::Interpreter;
use capture::{CaptureError, Frames};
use tracker::{Detail, Tracker, Tracking};

/// What tracking a capture gave: the connections, and the damaged record that ended the
/// reading early, if any.
#[derive(Debug)]
pub struct Outcome {
    /// The connections followed up to the end (or up to the damage).
    pub tracking: Tracking,
    /// The damaged record, when the capture does not read to its end.
    pub damage: Option<CaptureError>,
}

/// Why a capture cannot be tracked at all.
#[derive(Debug, thiserror::Error)]
pub enum TrackError {
    /// The spec lacks an event the inference rules need.
    #[error(transparent)]
    Binding(#[from] crate::binding::BindingError),
    /// The capture's file header cannot be read.
    #[error(transparent)]
    Capture(#[from] CaptureError),
}

/// Tracks the capture read from `reader` (a file, or bytes in memory) with `machine`. Fails only when the spec cannot be bound or
/// the file header cannot be read; a damaged record later on ends the reading and is
/// returned in [`Outcome::damage`].
pub fn track(
    reader: impl std::io::Read,
    machine: Interpreter<'_>,
    detail: Detail,
) -> Result<Outcome, TrackError> {
    let mut tracker = Tracker::new(machine, detail)?;
    let mut frames = Frames::new(reader)?;
    let mut damage = None;
    while let Some(frame) = frames.next_frame() {
        let frame = match frame {
            Ok(frame) => frame,
            Err(error) => {
                damage = Some(error);
                break;
            }
        };
        match decode::decode(frame.link, frame.data) {
            Ok(captured) => tracker.observe(frame.number, frame.timestamp, &captured),
            Err(reason) => tracker.skip(frame.timestamp, reason),
        }
    }
    Ok(Outcome {
        tracking: tracker.finish(),
        damage,
    })
}
