//! Following TCP connections by their 4-tuple and driving one spec machine per endpoint from
//! the segments seen, recording the timeline and every finding.

use super::decode::{Captured, Skip};
use super::inference::{self, SeqView};
use super::zeek::{self, ZeekView};
use crate::binding::{BindingError, Call, Key, Role};
use crate::interpreter::{Choice, History, Interpreter};
use crate::wire::{Control, Segment, SeqNum};
use fsm_spec::{EventId, StateId};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::time::Duration;

/// The roles the inference rules name: every call and every arriving segment.
const ROLES: [Role; 11] = [
    Role::Call(Call::PassiveOpen),
    Role::Call(Call::ActiveOpen),
    Role::Call(Call::Send),
    Role::Call(Call::Close),
    Role::Call(Call::Abort),
    Role::Receive(Key::Syn),
    Role::Receive(Key::SynAck),
    Role::Receive(Key::Ack),
    Role::Receive(Key::Fin),
    Role::Receive(Key::FinAck),
    Role::Receive(Key::Rst),
];

/// How much the tracker keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Every segment and every step, for timelines.
    Timeline,
    /// Only final states and findings (less memory for large captures).
    Summary,
}

/// Why a state changed (or stayed) as a step records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Basis {
    /// The segment of the step shows the event directly.
    Seen,
    /// Inferred from a later segment (rule R0); the text says from what.
    Inferred(String),
    /// Not observable; assumed (rule T1, or a SYN left unanswered at the end).
    Assumed(String),
}

/// One event applied to one endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The packet the event is dated by.
    pub packet: u64,
    /// Its capture time.
    pub time: Duration,
    /// Index of the endpoint in [`Connection::endpoints`].
    pub endpoint: usize,
    /// The spec event.
    pub event: EventId,
    /// State before.
    pub from: StateId,
    /// State after.
    pub to: StateId,
    /// Index of the transition taken in the spec.
    pub transition: usize,
    /// How the tracker knows.
    pub basis: Basis,
}

/// One segment of a connection, for timelines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// Packet number in the capture.
    pub packet: u64,
    /// Capture time.
    pub time: Duration,
    /// Index of the sending endpoint.
    pub from: usize,
    /// The segment.
    pub segment: Segment,
    /// Sequence number relative to the sender's ISN, when known.
    pub rel_seq: Option<u32>,
    /// Acknowledgment number relative to the receiver's ISN, when known and ACK is set.
    pub rel_ack: Option<u32>,
}

/// What the tracker flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindingKind {
    /// A violation: the spec has no transition for the inferred event in the tracked state.
    NotAllowed {
        /// The endpoint's state.
        state: StateId,
        /// The inferred event.
        event: EventId,
        /// Where the spec allows the event.
        allowed_in: Vec<StateId>,
    },
    /// Several guarded transitions and nothing in the endpoint's history selects one.
    Undecided {
        /// The endpoint's state.
        state: StateId,
        /// The inferred event.
        event: EventId,
    },
    /// A transition taken on a received segment says the endpoint sends something, and no
    /// later segment from it does.
    MissingOutput {
        /// The control bits the spec's `send` names.
        expected: Control,
        /// The transition that sends them.
        transition: usize,
    },
    /// A call inferred from a segment whose control bits differ from the call's `send` in
    /// the spec (for example a RST where the spec's ABORT sends nothing).
    OutputDiffers {
        /// The spec's `send` for the call (`None` when it sends nothing).
        expected: Option<Control>,
        /// The control bits of the segment.
        seen: Control,
        /// The transition taken.
        transition: usize,
    },
}

/// A finding, attached to a packet and an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The packet the finding is about.
    pub packet: u64,
    /// Index of the endpoint in [`Connection::endpoints`].
    pub endpoint: usize,
    /// What was found.
    pub kind: FindingKind,
}

/// How long a connection is kept open without a packet of its 4-tuple, which bounds the
/// memory of tracking: see [`Tracker::sweep`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A connection whose 4-tuple has seen no packet for this many frames of the capture is
    /// finished: a later segment of the 4-tuple starts a new connection. So at most this
    /// many connections, and those opened since the last [`Tracker::sweep`], are open at
    /// any time, whatever the capture holds.
    pub idle_frames: u64,
    /// A connection whose endpoints are all closed or waiting out TIME-WAIT is finished once
    /// this much capture time passes without a packet of its 4-tuple.
    pub quiet_time: Duration,
}

/// The maximum segment lifetime RFC 793 section 3.3 assumes (two minutes). RFC 793 section
/// 3.5 (and RFC 9293 section 3.6.1) keep an endpoint in TIME-WAIT for twice this, so that
/// every segment of the old incarnation is gone from the network by its end.
pub const MSL: Duration = Duration::from_secs(120);

impl Default for Limits {
    /// 2 * [`MSL`] of capture time for a settled connection; 65,536 frames for any.
    fn default() -> Self {
        Limits {
            idle_frames: 1 << 16,
            quiet_time: 2 * MSL,
        }
    }
}

/// One connection (one incarnation of a 4-tuple) and what happened to its endpoints.
#[derive(Debug, Clone)]
pub struct Connection {
    /// 1-based, in the order connections are reported: the order of their first packet
    /// (see [`crate::track::stream`] for the one exception). 0 until reported.
    pub id: usize,
    /// Endpoint A (sender of the first segment) and B; one endpoint when a socket is
    /// connected to itself (its own address and port).
    pub endpoints: Vec<SocketAddr>,
    /// First and last packet numbers.
    pub packets: (u64, u64),
    /// Capture times of the first and last packets.
    pub times: (Duration, Duration),
    /// Number of segments.
    pub segments: u64,
    /// Segments, in capture order ([`Detail::Timeline`] only).
    pub rows: Vec<Row>,
    /// Steps in packet order ([`Detail::Timeline`] only).
    pub steps: Vec<Step>,
    /// Findings in packet order.
    pub findings: Vec<Finding>,
    /// The state of each endpoint at the end.
    pub final_states: Vec<StateId>,
    /// State changes per endpoint as (time, new state), kept in every detail level so
    /// states can be asked for at any time.
    pub changes: Vec<Vec<(Duration, StateId)>>,
    /// The connection in Zeek's `conn.log` words: conn_state, history, originator, counts.
    pub zeek: ZeekView,
}

impl Connection {
    /// Whether the connection is a socket connected to itself.
    pub fn is_self_connected(&self) -> bool {
        self.endpoints.len() == 1
    }

    /// The index of the endpoint with address `addr`.
    pub fn endpoint_of(&self, addr: SocketAddr) -> Option<usize> {
        self.endpoints.iter().position(|&a| a == addr)
    }

    /// The tracked state of `endpoint` after every packet captured at or before `time`;
    /// `initial` before its first step.
    pub fn state_at(&self, endpoint: usize, time: Duration, initial: StateId) -> StateId {
        self.changes[endpoint]
            .iter()
            .take_while(|(at, _)| *at <= time)
            .last()
            .map_or(initial, |&(_, state)| state)
    }
}

/// Counts over the whole capture.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// Frames read.
    pub frames: u64,
    /// Frames that were TCP segments.
    pub segments: u64,
    /// Frames skipped, by reason.
    pub skipped: BTreeMap<Skip, u64>,
    /// Timestamp of the first frame.
    pub start: Option<Duration>,
}

/// The result of tracking a capture.
#[derive(Debug, Clone)]
pub struct Tracking {
    /// Connections in order of their first packet.
    pub connections: Vec<Connection>,
    /// Capture-wide counts.
    pub totals: Totals,
}

/// Something an endpoint owes: the output of a transition taken on a received segment.
#[derive(Debug, Clone, Copy)]
struct Owed {
    flags: Control,
    /// An owed ACK must acknowledge the segment that caused it: SEG.ACK >= this.
    cover: Option<SeqNum>,
    packet: u64,
    transition: usize,
}

/// A segment captured on its way to an endpoint and not yet processed by it, as far as the
/// capture shows (see [`Tracker::observe`]).
#[derive(Debug, Clone, Copy)]
struct Arrival {
    packet: u64,
    time: Duration,
    segment: Segment,
}

#[derive(Debug, Clone)]
struct EndpointTrack {
    state: StateId,
    fresh: bool,
    seq: SeqView,
    /// The calls made on the connection, for guards.
    history: History,
    owed: Vec<Owed>,
    /// Segments captured towards this endpoint that it has not yet been seen to process.
    inbox: VecDeque<Arrival>,
    isn: Option<SeqNum>,
    /// Packet and time of the endpoint's last step: later steps are not dated before it.
    last_step: (u64, Duration),
}

impl EndpointTrack {
    fn new(initial: StateId) -> Self {
        EndpointTrack {
            state: initial,
            fresh: true,
            seq: SeqView::default(),
            history: History::default(),
            owed: Vec::with_capacity(2),
            inbox: VecDeque::with_capacity(4),
            isn: None,
            last_step: (0, Duration::ZERO),
        }
    }
}

#[derive(Debug)]
struct Live {
    connection: Connection,
    ends: Vec<EndpointTrack>,
    saw_syn: bool,
    /// Zeek's view, fed every segment.
    zeek: zeek::Observer,
    /// The capture clock (the latest timestamp so far) at the connection's last packet.
    last_clock: Duration,
    /// The frame of its entry in [`Tracker::checks`]: never later than one idle window
    /// after its last packet.
    check_at: u64,
}

/// Tracks the connections of a capture, one segment at a time.
#[derive(Debug)]
pub struct Tracker<'s> {
    machine: Interpreter<'s>,
    detail: Detail,
    /// Boxed: the map moves values when it grows, and a connection's state is large. Hashed
    /// with foldhash, seeded per process: several times faster than SipHash on 4-tuples,
    /// and a capture cannot aim collisions at an unknown seed.
    live: HashMap<(SocketAddr, SocketAddr), Box<Live>, foldhash::fast::RandomState>,
    /// The first packets of the open connections: the oldest one holds back the report.
    open_since: BTreeSet<u64>,
    /// When to look again whether a connection is idle: (frame, 4-tuple), earliest first.
    /// One entry per open connection (its [`Live::check_at`]), not one per segment: a
    /// connection busy at its check is looked at again one window after its last packet.
    checks: BinaryHeap<Reverse<(u64, (SocketAddr, SocketAddr))>>,
    finished: Vec<Connection>,
    limits: Limits,
    /// The latest timestamp so far, for [`Tracker::observe`].
    clock: Duration,
    totals: Totals,
}

impl<'s> Tracker<'s> {
    /// A tracker driving `machine`, keeping `detail`. Fails when the spec has no event for a
    /// role the inference rules name.
    pub fn new(machine: Interpreter<'s>, detail: Detail) -> Result<Self, BindingError> {
        Self::with_limits(machine, detail, Limits::default())
    }

    /// [`Tracker::new`] with other [`Limits`].
    pub fn with_limits(
        machine: Interpreter<'s>,
        detail: Detail,
        limits: Limits,
    ) -> Result<Self, BindingError> {
        machine.binding().require(&ROLES)?;
        Ok(Tracker {
            machine,
            detail,
            live: HashMap::default(),
            open_since: BTreeSet::new(),
            checks: BinaryHeap::new(),
            finished: Vec::new(),
            limits,
            clock: Duration::ZERO,
            totals: Totals::default(),
        })
    }

    /// The interpreter, for reports.
    pub fn machine(&self) -> &Interpreter<'s> {
        &self.machine
    }

    /// The spec event that plays `role`; [`Tracker::new`] checked that one does.
    fn event(&self, role: Role) -> EventId {
        self.machine
            .binding()
            .event(role)
            .expect("Tracker::new requires every role the rules name")
    }

    /// Counts a frame that is not a TCP segment.
    pub fn skip(&mut self, time: Duration, reason: Skip) {
        self.count_frame(time);
        *self.totals.skipped.entry(reason).or_default() += 1;
    }

    fn count_frame(&mut self, time: Duration) {
        self.totals.frames += 1;
        self.totals.start.get_or_insert(time);
    }

    /// Follows one segment, captured as packet `packet` at `time`; packets come in capture
    /// order. The capture clock is the latest timestamp seen by this tracker.
    pub fn observe(&mut self, packet: u64, time: Duration, captured: &Captured) {
        self.clock = self.clock.max(time);
        self.sweep(packet);
        self.observe_at(packet, time, self.clock, captured);
    }

    /// [`Tracker::observe`] with the capture clock given: the latest timestamp of the whole
    /// capture up to this packet, when this tracker sees only some of its connections.
    pub fn observe_at(
        &mut self,
        packet: u64,
        time: Duration,
        clock: Duration,
        captured: &Captured,
    ) {
        self.count_frame(time);
        self.totals.segments += 1;
        let Captured {
            src,
            dst,
            ref segment,
            ..
        } = *captured;
        let key = if src <= dst { (src, dst) } else { (dst, src) };
        let initial = self.machine.initial();
        // The map is taken out for the call so that `self` stays borrowable: one lookup.
        let mut lives = std::mem::take(&mut self.live);
        if let Some(old) = lives.get(&key) {
            if self.is_over(old, packet, clock) {
                let old = lives.remove(&key).expect("just found");
                self.finish_live(*old);
            }
        }
        let live: &mut Live = lives.entry(key).or_insert_with(|| {
            let mut live = Box::new(self.open(captured, (packet, time), None));
            if !segment.has(Control::SYN) {
                self.assume_handshake(&mut live, packet, time);
            }
            live.check_at = packet
                .saturating_add(self.limits.idle_frames)
                .saturating_add(1);
            self.checks.push(Reverse((live.check_at, key)));
            live
        });
        let syn_only = segment.has(Control::SYN) && !segment.has(Control::ACK);
        if syn_only && live.saw_syn {
            let x = live
                .connection
                .endpoint_of(src)
                .expect("a connection endpoint");
            self.deliver_processed(live, x, segment);
            self.assume_time_wait_over(live, x, packet, time, segment);
            if live.ends[x].state == initial && live.ends[x].seq.is_new_syn(segment) {
                let y = live
                    .connection
                    .endpoint_of(dst)
                    .expect("a connection endpoint");
                let carried =
                    (x != y && live.ends[y].state != initial).then(|| live.ends[y].clone());
                // The new incarnation takes over the old one's check, which is due no later.
                let next = Live {
                    check_at: live.check_at,
                    ..self.open(captured, (packet, time), carried)
                };
                let old = std::mem::replace(live, next);
                self.finish_live(old);
            }
        }
        live.saw_syn |= segment.has(Control::SYN);
        live.last_clock = clock;
        self.follow(live, packet, time, captured);
        self.live = lives;
    }

    /// Whether a packet `packet` at capture clock `clock` comes after the end of `live`: its
    /// 4-tuple was idle for more than [`Limits::idle_frames`], or it is settled and was
    /// quiet for more than [`Limits::quiet_time`]. Depends on the connection alone, so
    /// every way of splitting a capture among trackers draws the same lines.
    fn is_over(&self, live: &Live, packet: u64, clock: Duration) -> bool {
        let last = live.connection.packets.1;
        if packet.saturating_sub(last) > self.limits.idle_frames {
            return true;
        }
        clock.saturating_sub(live.last_clock) > self.limits.quiet_time && self.is_settled(live)
    }

    /// Every endpoint is in the initial state (no TCB) or in a state the spec leaves by the
    /// TIME-WAIT timeout, with nothing waiting to be processed.
    fn is_settled(&self, live: &Live) -> bool {
        let initial = self.machine.initial();
        let timeout = self.machine.binding().reopening_timeout();
        live.ends.iter().all(|end| {
            let waiting = timeout.is_some_and(|t| {
                matches!(
                    self.machine.choose(end.state, t, &end.history, None),
                    Choice::Taken(_)
                )
            });
            end.inbox.is_empty() && (end.state == initial || waiting)
        })
    }

    /// Finishes the connections whose 4-tuple has had no packet for more than
    /// [`Limits::idle_frames`] before packet `packet`: the same connections a packet of
    /// theirs would find over (see [`Tracker::observe`]), finished without waiting for one.
    pub fn sweep(&mut self, packet: u64) {
        let idle = self.limits.idle_frames;
        while let Some(&Reverse((due, key))) = self.checks.peek() {
            if due > packet {
                break;
            }
            self.checks.pop();
            // An entry left by a connection finished since is stale.
            let Some(live) = self.live.get_mut(&key).filter(|live| live.check_at == due) else {
                continue;
            };
            let last = live.connection.packets.1;
            if packet.saturating_sub(last) > idle {
                let live = self.live.remove(&key).expect("just found");
                self.finish_live(*live);
            } else {
                live.check_at = last.saturating_add(idle).saturating_add(1);
                self.checks.push(Reverse((live.check_at, key)));
            }
        }
    }

    /// The connections finished since the last call, in the order they finished.
    pub fn take_finished(&mut self) -> Vec<Connection> {
        std::mem::take(&mut self.finished)
    }

    /// The first packet of the oldest connection still open.
    pub fn oldest_open(&self) -> Option<u64> {
        self.open_since.first().copied()
    }

    /// Finishes every open connection, as at the end of the capture.
    pub fn finish_open(&mut self) {
        let mut open: Vec<Live> = self.live.drain().map(|(_, live)| *live).collect();
        open.sort_by_key(|live| live.connection.packets.0);
        for live in open {
            self.finish_live(live);
        }
        self.checks.clear();
    }

    /// Rule T1: a new SYN from an endpoint where the TIME-WAIT timeout is allowed means the
    /// timeout ran out unseen.
    fn assume_time_wait_over(
        &self,
        live: &mut Live,
        x: usize,
        packet: u64,
        time: Duration,
        segment: &Segment,
    ) {
        let end = &live.ends[x];
        let Some(timeout) = self.machine.binding().reopening_timeout() else {
            return;
        };
        if !end.seq.is_new_syn(segment) {
            return;
        }
        if let Choice::Taken(_) = self.machine.choose(end.state, timeout, &end.history, None) {
            let basis = Basis::Assumed(format!(
                "not observable; the SYN of #{packet} reuses the 4-tuple"
            ));
            self.apply(live, x, timeout, packet, time, basis);
        }
    }

    /// Rule M1: a connection whose first segment has no SYN was opened before the capture
    /// began. The Figure 7 handshake is assumed, A as the opener, at the first packet; the
    /// spec decides where it leads (ESTABLISHED), and no output is owed for it.
    fn assume_handshake(&self, live: &mut Live, packet: u64, time: Duration) {
        let why = || Basis::Assumed("the capture starts after the handshake".into());
        let (a, b) = (0, live.ends.len() - 1);
        let steps = [
            (a, Role::Call(Call::ActiveOpen)),
            (b, Role::Call(Call::PassiveOpen)),
            (b, Role::Receive(Key::Syn)),
            (a, Role::Receive(Key::SynAck)),
            (b, Role::Receive(Key::Ack)),
        ];
        for (e, role) in steps {
            if a == b && role == Role::Call(Call::PassiveOpen) {
                continue;
            }
            let event = self.event(role);
            self.apply(live, e, event, packet, time, why());
        }
        for end in &mut live.ends {
            end.fresh = false;
        }
    }

    fn open(
        &mut self,
        captured: &Captured,
        (packet, captured_time): (u64, Duration),
        carried: Option<EndpointTrack>,
    ) -> Live {
        let initial = self.machine.initial();
        let mut endpoints = vec![captured.src];
        if captured.dst != captured.src {
            endpoints.push(captured.dst);
        }
        let mut ends = vec![EndpointTrack::new(initial); endpoints.len()];
        let mut changes = vec![Vec::with_capacity(8); endpoints.len()];
        if let Some(carried) = carried {
            changes[1].push((Duration::ZERO, carried.state));
            // Only the state carries over: sequence numbers belong to the old incarnation.
            ends[1] = EndpointTrack {
                state: carried.state,
                fresh: false,
                history: carried.history,
                ..EndpointTrack::new(initial)
            };
        }
        self.open_since.insert(packet);
        Live {
            connection: Connection {
                id: 0,
                endpoints,
                packets: (packet, packet),
                times: (captured_time, captured_time),
                segments: 0,
                rows: Vec::new(),
                steps: Vec::new(),
                findings: Vec::new(),
                final_states: Vec::new(),
                changes,
                zeek: ZeekView::default(),
            },
            ends,
            saw_syn: false,
            zeek: zeek::Observer::default(),
            last_clock: Duration::ZERO,
            check_at: 0,
        }
    }

    fn follow(&self, live: &mut Live, packet: u64, time: Duration, captured: &Captured) {
        let segment = &captured.segment;
        let connection = &mut live.connection;
        connection.packets.1 = packet;
        connection.times.1 = connection.times.1.max(time);
        connection.segments += 1;
        let x = connection
            .endpoint_of(captured.src)
            .expect("a connection endpoint");
        let y = connection
            .endpoint_of(captured.dst)
            .expect("a connection endpoint");
        // A socket connected to itself is, to Zeek, the originator sending every segment.
        let from = if y == x { live.zeek.orig() } else { x };
        live.zeek.observe(from, segment, captured.window);
        if segment.has(Control::SYN) && live.ends[x].isn.is_none() {
            live.ends[x].isn = Some(segment.seq);
        }
        if self.detail == Detail::Timeline {
            let rel_seq = live.ends[x].isn.map(|isn| segment.seq.since(isn));
            let rel_ack = live.ends[y]
                .isn
                .filter(|_| segment.has(Control::ACK))
                .map(|isn| segment.ack.since(isn));
            live.connection.rows.push(Row {
                packet,
                time,
                from: x,
                segment: *segment,
                rel_seq,
                rel_ack,
            });
        }
        self.sender_side(live, x, packet, time, segment);
        self.receiver_side(live, y, packet, time, segment);
    }

    fn sender_side(
        &self,
        live: &mut Live,
        x: usize,
        packet: u64,
        time: Duration,
        segment: &Segment,
    ) {
        self.deliver_processed(live, x, segment);
        live.ends[x].fresh = false;
        let owes_rst = live.ends[x]
            .owed
            .iter()
            .any(|o| o.flags.contains(Control::RST));
        for call in inference::sender_calls(&live.ends[x].seq, segment, owes_rst) {
            let event = self.event(Role::Call(call));
            let observed = Some(segment.ctl);
            let taken = self.apply_seen(live, x, event, (packet, time), Basis::Seen, observed);
            if let Some(t) = taken {
                self.check_call_output(live, x, call, t, packet, segment);
            }
        }
        let satisfied =
            |o: &Owed| segment.has(o.flags) && o.cover.is_none_or(|cover| !cover.gt(segment.ack));
        live.ends[x].owed.retain(|o| !satisfied(o));
        live.ends[x].seq.note_sent(segment);
    }

    /// Delivers to `x` the arrivals that its segment `sent` shows it processed before
    /// sending: those its ACK covers, or all of them when it carries no ACK.
    fn deliver_processed(&self, live: &mut Live, x: usize, sent: &Segment) {
        while let Some(front) = live.ends[x].inbox.front() {
            let covered = !sent.has(Control::ACK) || !front.segment.end().gt(sent.ack);
            if !covered {
                break;
            }
            let arrival = live.ends[x].inbox.pop_front().expect("front exists");
            self.deliver(live, x, arrival, Some(sent));
        }
    }

    /// Processes an arrival at endpoint `y`. `answer` is the segment `y` sent right after
    /// processing it (`None` at the end of the capture), which settles rule R0.
    fn deliver(&self, live: &mut Live, y: usize, arrival: Arrival, answer: Option<&Segment>) {
        let initial = self.machine.initial();
        let (last_packet, last_time) = live.ends[y].last_step;
        let packet = arrival.packet.max(last_packet);
        let time = arrival.time.max(last_time);
        let segment = &arrival.segment;
        let syn_only = segment.has(Control::SYN) && !segment.has(Control::ACK);
        let mut basis = Basis::Seen;
        if syn_only && live.ends[y].fresh && live.ends[y].state == initial {
            // Rule R0: LISTEN is invisible; the answer to the first SYN tells.
            let listening = match answer {
                Some(answer) if answer.has(Control::SYN) => Some(Basis::Inferred(format!(
                    "answered the SYN with {}, so it was listening",
                    answer.ctl
                ))),
                Some(answer) => {
                    basis = Basis::Inferred(format!(
                        "answered the SYN with {}, so nothing was listening",
                        answer.ctl
                    ));
                    None
                }
                None => Some(Basis::Assumed(
                    "the SYN was never answered; assumed listening".into(),
                )),
            };
            if let Some(why) = listening {
                let open = self.event(Role::Call(Call::PassiveOpen));
                self.apply(live, y, open, packet, time, why);
            }
        }
        live.ends[y].fresh = false;
        self.receive(live, y, segment, packet, time, basis);
    }

    fn check_call_output(
        &self,
        live: &mut Live,
        x: usize,
        call: Call,
        t: usize,
        packet: u64,
        segment: &Segment,
    ) {
        let expected = self.machine.send(t);
        let sent_all = expected.is_none_or(|e| segment.has(e));
        let trigger_expected = expected.is_some_and(|e| e.contains(inference::trigger(call)));
        if sent_all && (inference::trigger(call).is_empty() || trigger_expected) {
            return;
        }
        let seen = segment.ctl;
        live.connection.findings.push(Finding {
            packet,
            endpoint: x,
            kind: FindingKind::OutputDiffers {
                expected,
                seen,
                transition: t,
            },
        });
    }

    /// A segment reaches `y`: processed at once when nothing is waiting and it occupies no
    /// sequence space, else queued until `y` is seen to have processed it.
    fn receiver_side(
        &self,
        live: &mut Live,
        y: usize,
        packet: u64,
        time: Duration,
        segment: &Segment,
    ) {
        let arrival = Arrival {
            packet,
            time,
            segment: *segment,
        };
        if live.ends[y].inbox.is_empty() && segment.is_empty() {
            self.deliver(live, y, arrival, None);
        } else {
            live.ends[y].inbox.push_back(arrival);
        }
    }

    /// Applies the receiver's event for `segment` (rules S1-S8, A1-A4) and books what the
    /// transition owes.
    fn receive(
        &self,
        live: &mut Live,
        y: usize,
        segment: &Segment,
        packet: u64,
        time: Duration,
        basis: Basis,
    ) {
        if let Some(key) = inference::receiver_event(&live.ends[y].seq, segment) {
            let event = self.event(Role::Receive(key));
            if let Some(t) = self.apply(live, y, event, packet, time, basis) {
                if let Some(flags) = self.machine.send(t) {
                    let cover = flags.contains(Control::ACK).then(|| segment.end());
                    live.ends[y].owed.push(Owed {
                        flags,
                        cover,
                        packet,
                        transition: t,
                    });
                }
            }
        }
        live.ends[y].seq.note_received(segment);
    }

    /// Applies `event` to endpoint `e`; returns the transition taken, or records a finding.
    fn apply(
        &self,
        live: &mut Live,
        e: usize,
        event: EventId,
        packet: u64,
        time: Duration,
        basis: Basis,
    ) -> Option<usize> {
        self.apply_seen(live, e, event, (packet, time), basis, None)
    }

    /// [`Tracker::apply`] for a call inferred from a segment with control bits `observed`,
    /// which can choose among guarded transitions.
    fn apply_seen(
        &self,
        live: &mut Live,
        e: usize,
        event: EventId,
        (packet, time): (u64, Duration),
        basis: Basis,
        observed: Option<Control>,
    ) -> Option<usize> {
        let end = &mut live.ends[e];
        end.last_step = end.last_step.max((packet, time));
        let from = end.state;
        let t = match self.machine.choose(from, event, &end.history, observed) {
            Choice::Taken(t) => t,
            Choice::NotAllowed => {
                let allowed_in = self.machine.states_accepting(event);
                let kind = FindingKind::NotAllowed {
                    state: from,
                    event,
                    allowed_in,
                };
                live.connection.findings.push(Finding {
                    packet,
                    endpoint: e,
                    kind,
                });
                return None;
            }
            Choice::Undecided => {
                let kind = FindingKind::Undecided { state: from, event };
                live.connection.findings.push(Finding {
                    packet,
                    endpoint: e,
                    kind,
                });
                return None;
            }
        };
        let to = self.machine.transition(t).to;
        end.state = to;
        self.machine.record(&mut end.history, t);
        if from != to {
            live.connection.changes[e].push((time, to));
            // Back in the initial state the TCB is deleted: sequence numbers are forgotten.
            if to == self.machine.initial() {
                end.seq = SeqView::default();
            }
        }
        if self.detail == Detail::Timeline {
            live.connection.steps.push(Step {
                packet,
                time,
                endpoint: e,
                event,
                from,
                to,
                transition: t,
                basis,
            });
        }
        Some(t)
    }

    fn finish_live(&mut self, mut live: Live) {
        self.open_since.remove(&live.connection.packets.0);
        for e in 0..live.ends.len() {
            while let Some(arrival) = live.ends[e].inbox.pop_front() {
                self.deliver(&mut live, e, arrival, None);
            }
            for owed in std::mem::take(&mut live.ends[e].owed) {
                live.connection.findings.push(Finding {
                    packet: owed.packet,
                    endpoint: e,
                    kind: FindingKind::MissingOutput {
                        expected: owed.flags,
                        transition: owed.transition,
                    },
                });
            }
        }
        let mut connection = live.connection;
        connection.final_states = live.ends.iter().map(|end| end.state).collect();
        connection.zeek = live.zeek.finish();
        connection.steps.sort_by_key(|step| step.packet);
        connection.findings.sort_by_key(|finding| finding.packet);
        for changes in &mut connection.changes {
            changes.sort_by_key(|&(time, _)| time);
        }
        self.finished.push(connection);
    }

    /// Ends tracking: settles what the end of the capture leaves open and returns the
    /// connections in order of their first packet, numbered in that order.
    pub fn finish(mut self) -> Tracking {
        self.finish_open();
        let mut connections = self.finished;
        connections.sort_by_key(|c| c.packets.0);
        for (i, connection) in connections.iter_mut().enumerate() {
            connection.id = i + 1;
        }
        Tracking {
            connections,
            totals: self.totals,
        }
    }
}
