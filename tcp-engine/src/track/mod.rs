//! Following every TCP connection of a pcap or pcapng capture through a spec, one machine per
//! endpoint, and flagging every segment the spec does not allow.
//!
//! The pipeline: [`capture`] reads frames, [`decode`] turns each into a [`crate::wire::Segment`]
//! with its addresses, [`inference`] names the calls and arriving segments a passive observer
//! can infer from it (the only TCP knowledge outside the spec, with its rules in a table),
//! [`crate::binding`] turns those into the spec's events, and [`tracker`] keeps one
//! [`crate::interpreter::Interpreter`]-driven machine per endpoint and 4-tuple. [`zeek`] names each connection in Zeek's `conn.log` words beside the spec's. [`stream`]
//! runs the trackers over a capture in bounded memory, on one thread or several.

pub mod capture;
pub mod decode;
pub mod fleet;
pub mod inference;
pub mod report;
pub mod stream;
pub mod synth;
#[cfg(feature = "parquet")]
pub mod table;
pub mod tracker;
pub mod zeek;

use crate::interpreter::Interpreter;
use capture::CaptureError;
use tracker::{Detail, Tracking};

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

/// Tracks the capture read from `reader` (a file, or bytes in memory) with `machine` on the
/// calling thread and collects every connection. Fails only when the spec cannot be bound or
/// the file header cannot be read; a damaged record later on ends the reading and is
/// returned in [`Outcome::damage`]. [`stream::track_stream`] reports connections as they
/// finish instead, in bounded memory.
pub fn track(
    reader: impl std::io::Read + Send,
    machine: Interpreter<'_>,
    detail: Detail,
) -> Result<Outcome, TrackError> {
    let mut connections = Vec::new();
    let streamed = stream::track_stream(
        reader,
        machine,
        detail,
        stream::Options::default(),
        |connection, _| connections.push(connection),
    )?;
    Ok(Outcome {
        tracking: Tracking {
            connections,
            totals: streamed.totals,
        },
        damage: streamed.damage,
    })
}
