//! Tracking a capture as a stream, in bounded memory, on one thread or several, with the same
//! report either way.
//!
//! One reader reads and decodes the frames. Each segment goes to the tracker of its shard,
//! chosen by its 4-tuple with the two directions put in one order, so that both directions
//! of a connection meet in one tracker. A connection is finished when its 4-tuple falls idle
//! ([`Limits`]), when a new SYN reopens it, or at the end of the capture, and is then
//! reported and forgotten.
//!
//! **Report order.** Connections are reported in the order of their first packet, numbered
//! in that order. To keep it, a finished connection waits while a connection opened before it
//! is still open. At most [`Options::reorder`] finished connections wait: when more do, the
//! oldest of them are reported at once, and the still-open connection that held them is
//! reported later, out of first-packet order, with the next number in report order (the
//! numbers always follow the report order). This happens only when one 4-tuple stays busy
//! while that many later connections open and finish.
//!
//! **The same report on any number of threads.** Every decision depends on the capture alone,
//! never on how fast a thread runs: a connection ends by a rule on its own packets, the frame
//! numbers and the capture clock (the latest timestamp up to a frame, which the reader
//! computes for every frame); idle connections are swept and the reorder window is settled
//! every [`Options::tick`] frames, at the same frames whatever the sharding, after every shard
//! has handled every frame before it.

use super::TrackError;
use super::capture::{CaptureError, Frames};
use super::decode::{self, Captured};
use super::tracker::{Connection, Detail, Limits, Totals, Tracker};
use crate::interpreter::Interpreter;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::hash::BuildHasher;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::Duration;

/// How often (in frames), by default, idle connections are swept and finished ones
/// reported.
pub const TICK_FRAMES: u64 = 4096;

/// Segments sent to a shard at a time.
const BATCH: usize = 512;
/// Batches a shard's channel holds before the reader waits.
const CHANNEL_BATCHES: usize = 16;

/// How a capture is tracked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Trackers running in parallel, each on its own thread; 1 tracks on the calling thread.
    pub threads: usize,
    /// When connections are finished.
    pub limits: Limits,
    /// Finished connections that may wait for an older one still open (see the module
    /// documentation).
    pub reorder: usize,
    /// Idle connections are swept and finished ones reported after every this many frames.
    pub tick: u64,
}

impl Default for Options {
    /// One thread, the default [`Limits`], 65,536 connections in the reorder window, a tick
    /// every [`TICK_FRAMES`] frames.
    fn default() -> Self {
        Options {
            threads: 1,
            limits: Limits::default(),
            reorder: 1 << 16,
            tick: TICK_FRAMES,
        }
    }
}

/// What the capture gave besides its connections.
#[derive(Debug)]
pub struct Streamed {
    /// Capture-wide counts.
    pub totals: Totals,
    /// The damaged record that ended the reading, if any.
    pub damage: Option<CaptureError>,
}

/// Tracks the capture read from `reader` with `machine`, handing each finished connection,
/// numbered, to `report` with the capture's start time, in report order (see the module
/// documentation). Fails only when the spec cannot be bound or the file header cannot be
/// read; a damaged record later on ends the reading and is returned in [`Streamed::damage`]
/// after every connection before it was reported.
pub fn track_stream<R: std::io::Read + Send>(
    reader: R,
    machine: Interpreter<'_>,
    detail: Detail,
    options: Options,
    mut report: impl FnMut(Connection, Duration),
) -> Result<Streamed, TrackError> {
    let spec = machine.spec();
    let mut trackers = vec![Tracker::with_limits(machine, detail, options.limits)?];
    for _ in 1..options.threads.max(1) {
        let machine = Interpreter::new(spec).expect("the spec was interpreted once already");
        trackers.push(Tracker::with_limits(machine, detail, options.limits)?);
    }
    let mut frames = Frames::new(reader)?;
    let mut sequencer = Sequencer::new(options.reorder);
    if let [tracker] = trackers.as_mut_slice() {
        let mut start = Duration::ZERO;
        let (totals, damage) = read_frames(&mut frames, options.tick, |event| {
            match event {
                Read::First(time) => start = time,
                Read::Segment(p) => tracker.observe_at(p.number, p.time, p.clock, &p.captured),
                Read::Tick(position) => {
                    tracker.sweep(position);
                    let oldest = tracker.oldest_open();
                    sequencer.settle(tracker.take_finished(), oldest, &mut |c| report(c, start));
                }
            }
            true
        });
        tracker.finish_open();
        sequencer.settle(tracker.take_finished(), None, &mut |c| report(c, start));
        return Ok(Streamed { totals, damage });
    }
    Ok(track_sharded(
        frames,
        options.tick,
        trackers,
        sequencer,
        report,
    ))
}

/// A segment on its way to a shard.
#[derive(Debug, Clone, Copy)]
struct Packet {
    number: u64,
    time: Duration,
    clock: Duration,
    captured: Captured,
}

/// What the reader sends a shard.
enum ToShard {
    Packets(Vec<Packet>),
    /// Every frame before this one has been sent: sweep and report.
    Tick(u64),
}

/// What a shard reports at a tick (or, at `u64::MAX`, at the end).
struct ShardReport {
    position: u64,
    finished: Vec<Connection>,
    oldest_open: Option<u64>,
}

/// What the reader hands on.
enum Read {
    /// The first frame's timestamp, once.
    First(Duration),
    /// A segment.
    Segment(Packet),
    /// After every [`Options::tick`] frames: the number of the next frame.
    Tick(u64),
}

/// Reads every frame, counting them, and hands on what it reads to `next`, until the end,
/// the first damaged record, or `next` returns false.
fn read_frames<R: std::io::Read>(
    frames: &mut Frames<R>,
    tick: u64,
    mut next: impl FnMut(Read) -> bool,
) -> (Totals, Option<CaptureError>) {
    let mut totals = Totals::default();
    let mut clock = Duration::ZERO;
    while let Some(frame) = frames.next_frame() {
        let frame = match frame {
            Ok(frame) => frame,
            Err(error) => return (totals, Some(error)),
        };
        totals.frames += 1;
        let mut going = true;
        if totals.start.is_none() {
            totals.start = Some(frame.timestamp);
            going &= next(Read::First(frame.timestamp));
        }
        clock = clock.max(frame.timestamp);
        match decode::decode(frame.link, frame.data) {
            Ok(captured) => {
                totals.segments += 1;
                going &= next(Read::Segment(Packet {
                    number: frame.number,
                    time: frame.timestamp,
                    clock,
                    captured,
                }));
            }
            Err(reason) => *totals.skipped.entry(reason).or_default() += 1,
        }
        if frame.number % tick.max(1) == 0 {
            going &= next(Read::Tick(frame.number + 1));
        }
        if !going {
            break;
        }
    }
    (totals, None)
}

/// The shard of a segment: both directions of a 4-tuple hash alike. The seed is fixed, so a
/// capture is sharded alike on every run (the report does not depend on it either way).
fn shard_of(captured: &Captured, shards: usize) -> usize {
    let (src, dst) = (captured.src, captured.dst);
    let key = if src <= dst { (src, dst) } else { (dst, src) };
    let hash = foldhash::fast::FixedState::default().hash_one(key);
    (hash % shards as u64) as usize
}

/// The reader on one thread, a tracker per shard on a thread each, and the sequencer on the
/// calling thread, which therefore calls `report`.
fn track_sharded<R: std::io::Read + Send>(
    mut frames: Frames<R>,
    tick: u64,
    trackers: Vec<Tracker<'_>>,
    mut sequencer: Sequencer,
    mut report: impl FnMut(Connection, Duration),
) -> Streamed {
    let shards = trackers.len();
    std::thread::scope(|scope| {
        let (report_tx, report_rx) = sync_channel::<ShardReport>(4 * shards);
        let mut to_shards = Vec::with_capacity(shards);
        for tracker in trackers {
            let (tx, rx) = sync_channel::<ToShard>(CHANNEL_BATCHES);
            to_shards.push(tx);
            let report_tx = report_tx.clone();
            scope.spawn(move || run_shard(tracker, rx, report_tx));
        }
        drop(report_tx);
        let (start_tx, start_rx) = sync_channel::<Duration>(1);
        let reader = scope.spawn(move || {
            let mut batches: Vec<Vec<Packet>> = vec![Vec::with_capacity(BATCH); shards];
            // A send fails only when a shard thread has stopped (it panicked); reading stops
            // then, and the panic surfaces when the scope joins.
            let flush = |to: &SyncSender<ToShard>, batch: &mut Vec<Packet>| {
                let full = std::mem::replace(batch, Vec::with_capacity(BATCH));
                full.is_empty() || to.send(ToShard::Packets(full)).is_ok()
            };
            let outcome = read_frames(&mut frames, tick, |event| match event {
                Read::First(time) => start_tx.send(time).is_ok(),
                Read::Segment(packet) => {
                    let s = shard_of(&packet.captured, shards);
                    batches[s].push(packet);
                    batches[s].len() < BATCH || flush(&to_shards[s], &mut batches[s])
                }
                Read::Tick(position) => to_shards.iter().zip(&mut batches).all(|(to, batch)| {
                    flush(to, batch) && to.send(ToShard::Tick(position)).is_ok()
                }),
            });
            for (to, batch) in to_shards.iter().zip(&mut batches) {
                flush(to, batch);
            }
            // Dropping the senders tells every shard that the capture is over.
            drop(to_shards);
            outcome
        });
        let mut start = None;
        let mut pending: BTreeMap<u64, (usize, Vec<Connection>, Option<u64>)> = BTreeMap::new();
        for shard_report in report_rx {
            let entry = pending.entry(shard_report.position).or_default();
            entry.0 += 1;
            entry.1.extend(shard_report.finished);
            entry.2 = match (entry.2, shard_report.oldest_open) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            // Ticks settle in frame order, each once every shard has reported it.
            while let Some(ready) = pending.first_entry().filter(|e| e.get().0 == shards) {
                let (_, finished, oldest) = ready.remove();
                if start.is_none() {
                    start = start_rx.try_recv().ok();
                }
                let start = start.unwrap_or_default();
                sequencer.settle(finished, oldest, &mut |c| report(c, start));
            }
        }
        match reader.join() {
            Ok((totals, damage)) => Streamed { totals, damage },
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// One shard: tracks its segments, reports at every tick and once more at the end.
fn run_shard(mut tracker: Tracker<'_>, from: Receiver<ToShard>, to: SyncSender<ShardReport>) {
    for message in from {
        match message {
            ToShard::Packets(packets) => {
                for p in packets {
                    tracker.observe_at(p.number, p.time, p.clock, &p.captured);
                }
            }
            ToShard::Tick(position) => {
                tracker.sweep(position);
                let report = ShardReport {
                    position,
                    finished: tracker.take_finished(),
                    oldest_open: tracker.oldest_open(),
                };
                if to.send(report).is_err() {
                    return;
                }
            }
        }
    }
    tracker.finish_open();
    let _ = to.send(ShardReport {
        position: u64::MAX,
        finished: tracker.take_finished(),
        oldest_open: None,
    });
}

/// A finished connection, ordered by its first packet.
struct ByFirstPacket(Connection);

impl PartialEq for ByFirstPacket {
    fn eq(&self, other: &Self) -> bool {
        self.0.packets.0 == other.0.packets.0
    }
}

impl Eq for ByFirstPacket {}

impl PartialOrd for ByFirstPacket {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ByFirstPacket {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.packets.0.cmp(&other.0.packets.0)
    }
}

/// The reorder window: finished connections waiting for the older ones still open.
struct Sequencer {
    waiting: BinaryHeap<Reverse<ByFirstPacket>>,
    limit: usize,
    next_id: usize,
}

impl Sequencer {
    fn new(limit: usize) -> Self {
        Sequencer {
            waiting: BinaryHeap::new(),
            limit,
            next_id: 1,
        }
    }

    /// Takes in `finished` and reports, numbered, every waiting connection opened before
    /// `oldest_open` (the first packet of the oldest connection still open; `None` when none
    /// is), then the oldest waiting ones beyond the window's limit.
    fn settle(
        &mut self,
        finished: impl IntoIterator<Item = Connection>,
        oldest_open: Option<u64>,
        emit: &mut impl FnMut(Connection),
    ) {
        self.waiting
            .extend(finished.into_iter().map(|c| Reverse(ByFirstPacket(c))));
        while let Some(Reverse(next)) = self.waiting.peek() {
            let opened_before = oldest_open.is_none_or(|open| next.0.packets.0 < open);
            if !opened_before && self.waiting.len() <= self.limit {
                break;
            }
            let Reverse(ByFirstPacket(mut connection)) =
                self.waiting.pop().expect("peeked just before");
            connection.id = self.next_id;
            self.next_id += 1;
            emit(connection);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finished(first: u64) -> Connection {
        Connection {
            id: 0,
            endpoints: vec![([127, 0, 0, 1], 80).into(), ([127, 0, 0, 2], 1024).into()],
            packets: (first, first + 1),
            times: (Duration::ZERO, Duration::ZERO),
            segments: 2,
            rows: Vec::new(),
            steps: Vec::new(),
            findings: Vec::new(),
            final_states: Vec::new(),
            changes: Vec::new(),
            zeek: Default::default(),
        }
    }

    fn settle(sequencer: &mut Sequencer, firsts: &[u64], oldest: Option<u64>) -> Vec<(usize, u64)> {
        let mut out = Vec::new();
        let finished = firsts.iter().map(|&f| finished(f));
        sequencer.settle(finished, oldest, &mut |c| out.push((c.id, c.packets.0)));
        out
    }

    #[test]
    fn connections_wait_for_an_older_one_still_open() {
        let mut sequencer = Sequencer::new(10);
        // Opened at 1, 5 and 9; 5 is still open: 1 goes, 9 waits.
        assert_eq!(settle(&mut sequencer, &[9, 1], Some(5)), [(1, 1)]);
        assert_eq!(settle(&mut sequencer, &[5], None), [(2, 5), (3, 9)]);
    }

    #[test]
    fn beyond_the_window_the_oldest_waiting_are_reported_and_the_open_one_comes_later() {
        let mut sequencer = Sequencer::new(2);
        // Connection 1 stays open while 2, 3, 4 finish: one of them cannot wait.
        assert_eq!(settle(&mut sequencer, &[3, 2, 4], Some(1)), [(1, 2)]);
        assert_eq!(settle(&mut sequencer, &[], Some(1)), []);
        // The one held open is reported after those that waited, numbered in report order.
        assert_eq!(settle(&mut sequencer, &[1], None), [(2, 1), (3, 3), (4, 4)]);
    }
}
