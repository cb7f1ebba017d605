//! Tracking many captures in one run: each capture is tracked as a stream on one worker, the
//! workers run in parallel, and every connection comes back to the calling thread with the
//! index of its capture. Memory stays bounded: each worker holds what one tracked capture
//! holds ([`super::stream`]), and the channel to the caller holds a bounded number of
//! batches.
//!
//! A capture that cannot be opened or read to its end is reported with its index and does
//! not stop the others.

use super::TrackError;
use super::stream::{Options, Streamed, track_stream};
use super::tracker::{Connection, Detail};
use crate::interpreter::Interpreter;
use fsm_spec::Spec;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::sync_channel;
use std::time::Duration;

/// Connections sent to the caller at a time.
const BATCH: usize = 256;
/// Batches waiting for the caller before a worker waits.
const CHANNEL_BATCHES: usize = 8;

/// How the captures are shared out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// Captures tracked at once, each on its own worker thread.
    pub workers: usize,
    /// How each capture is tracked (its `threads` are trackers within that capture).
    pub options: Options,
}

impl Plan {
    /// All `cores` on one capture when there is one, else one core per capture at a time.
    pub fn for_cores(captures: usize, cores: usize) -> Plan {
        let cores = cores.max(1);
        if captures <= 1 {
            Plan {
                workers: 1,
                options: Options {
                    threads: cores,
                    ..Options::default()
                },
            }
        } else {
            Plan {
                workers: cores.min(captures),
                options: Options::default(),
            }
        }
    }
}

/// Why a capture could not be tracked, or where it stopped.
#[derive(Debug, thiserror::Error)]
pub enum CaptureFailure {
    /// The file cannot be opened.
    #[error("cannot read: {0}")]
    Open(#[source] std::io::Error),
    /// The capture's header cannot be read, or the spec cannot be bound.
    #[error(transparent)]
    Track(#[from] TrackError),
}

impl CaptureFailure {
    /// The damaged record that ended a capture early, as a failure of that capture.
    pub fn from_damage(damage: super::capture::CaptureError) -> Self {
        CaptureFailure::Track(TrackError::Capture(damage))
    }
}

/// What the caller is told, in the order it happens.
#[derive(Debug)]
pub enum Event {
    /// A finished connection of capture `capture`, whose first frame is at `start`.
    Connection {
        /// Index of the capture in the list given.
        capture: usize,
        /// The connection, numbered within its capture.
        connection: Connection,
        /// The capture's first timestamp.
        start: Duration,
    },
    /// Capture `capture` is over: every connection of it came before this.
    Done {
        /// Index of the capture.
        capture: usize,
        /// Its counts and the damaged record that ended it early, or why it could not be
        /// tracked at all.
        result: Result<Streamed, CaptureFailure>,
    },
}

/// Tracks every capture in `paths` with the spec of `machine`, `plan.workers` at a time, and hands each
/// [`Event`] to `report` on the calling thread. With one worker the captures are tracked in
/// the order given, so every event of a capture comes before those of the next.
pub fn track_files(
    paths: &[PathBuf],
    machine: Interpreter<'_>,
    detail: Detail,
    plan: Plan,
    mut report: impl FnMut(Event),
) {
    let spec = machine.spec();
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let (tx, rx) = sync_channel::<Vec<Event>>(CHANNEL_BATCHES);
        for _ in 0..plan.workers.max(1) {
            let tx = tx.clone();
            let next = &next;
            scope.spawn(move || {
                loop {
                    let capture = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = paths.get(capture) else {
                        return;
                    };
                    let mut batch = Vec::with_capacity(BATCH);
                    let mut stopped = false;
                    let result =
                        track_one(path, spec, detail, plan.options, |connection, start| {
                            if stopped {
                                return;
                            }
                            batch.push(Event::Connection {
                                capture,
                                connection,
                                start,
                            });
                            if batch.len() >= BATCH {
                                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                                // The caller has gone (it panicked): stop sending.
                                stopped = tx.send(full).is_err();
                            }
                        });
                    batch.push(Event::Done { capture, result });
                    if tx.send(batch).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        for batch in rx {
            batch.into_iter().for_each(&mut report);
        }
    });
}

fn track_one(
    path: &Path,
    spec: &Spec,
    detail: Detail,
    options: Options,
    report: impl FnMut(Connection, Duration),
) -> Result<Streamed, CaptureFailure> {
    // Checked here: opening a directory succeeds on Linux, and reading it then fails with a
    // message that does not say what is wrong.
    if path.is_dir() {
        let error = std::io::Error::other("is a directory, not a capture file");
        return Err(CaptureFailure::Open(error));
    }
    let file = std::fs::File::open(path).map_err(CaptureFailure::Open)?;
    let machine = Interpreter::new(spec).expect("the spec was interpreted once already");
    Ok(track_stream(file, machine, detail, options, report)?)
}
