//! The tracker's findings and assumptions, one scenario per test, with segments written as
//! RFC 793 writes them: `A > B <SEQ=100><ACK=301><CTL=SYN,ACK>`.

use std::time::Duration;
use tcp_engine::interpreter::Interpreter;
use tcp_engine::track::decode::Captured;
use tcp_engine::track::report::Report;
use tcp_engine::track::tracker::{Basis, Detail, FindingKind, Tracker, Tracking};
use tcp_engine::wire::{Control, Segment, SeqNum};

const A: &str = "127.0.0.1:40000";
const B: &str = "127.0.0.1:80";

/// Segments in the order a capture would list them.
struct Script {
    segments: Vec<Captured>,
}

impl Script {
    fn new() -> Script {
        Script {
            segments: Vec::new(),
        }
    }

    /// `from > to <SEQ=seq><ACK=ack><CTL=ctl>` with `len` octets of data.
    fn seg(mut self, from: &str, to: &str, ctl: &str, seq: u32, ack: u32, len: u32) -> Script {
        let ctl: Control = ctl.parse().expect("control bits");
        let segment = Segment {
            data: len,
            ..Segment::new(SeqNum(seq), ctl)
        };
        self.segments.push(Captured {
            src: from.parse().unwrap(),
            dst: to.parse().unwrap(),
            segment: match ctl.contains(Control::ACK) {
                true => segment.with_ack(SeqNum(ack)),
                false => segment,
            },
            window: 65535,
        });
        self
    }

    /// RFC 793 Figure 7: A connects to B (ISNs 100 and 300).
    fn handshake(self) -> Script {
        self.seg(A, B, "SYN", 100, 0, 0)
            .seg(B, A, "SYN,ACK", 300, 101, 0)
            .seg(A, B, "ACK", 101, 301, 0)
    }

    fn track(&self) -> Tracking {
        let spec = tcp_engine::spec();
        let machine = Interpreter::new(&spec).unwrap();
        let mut tracker = Tracker::new(machine, Detail::Timeline).unwrap();
        for (i, segment) in self.segments.iter().enumerate() {
            let time = Duration::from_millis(10 * i as u64);
            tracker.observe(i as u64 + 1, time, segment);
        }
        tracker.finish()
    }
}

fn findings(tracking: &Tracking) -> Vec<String> {
    let spec = tcp_engine::spec();
    let report = Report {
        capture: "script",
        spec: &spec,
        tracking,
    };
    tracking
        .connections
        .iter()
        .flat_map(|c| {
            c.findings
                .iter()
                .map(|f| format!("#{} {}", f.packet, report.finding_text(f)))
        })
        .collect()
}

fn finals(tracking: &Tracking) -> Vec<Vec<String>> {
    let spec = tcp_engine::spec();
    tracking
        .connections
        .iter()
        .map(|c| {
            c.final_states
                .iter()
                .map(|&s| spec.state(s).name.clone())
                .collect()
        })
        .collect()
}

#[test]
fn figure_13_normal_close_has_no_findings() {
    let tracking = Script::new()
        .handshake()
        .seg(A, B, "FIN,ACK", 101, 301, 0)
        .seg(B, A, "ACK", 301, 102, 0)
        .seg(B, A, "FIN,ACK", 301, 102, 0)
        .seg(A, B, "ACK", 102, 302, 0)
        .track();
    assert_eq!(findings(&tracking), Vec::<String>::new());
    assert_eq!(finals(&tracking), [["TIME_WAIT", "CLOSED"]]);
}

#[test]
fn data_sent_after_the_senders_own_fin_is_a_violation() {
    let tracking = Script::new()
        .handshake()
        .seg(A, B, "FIN,ACK", 101, 301, 0)
        .seg(B, A, "ACK", 301, 102, 0)
        .seg(A, B, "ACK", 102, 301, 5)
        .track();
    assert_eq!(
        findings(&tracking),
        [
            "#6 violation: A in FIN_WAIT_2 cannot take send (the spec allows it in LISTEN, SYN_SENT, \
          SYN_RECEIVED, ESTABLISHED, CLOSE_WAIT)"
        ]
    );
    let kind = &tracking.connections[0].findings[0].kind;
    assert!(matches!(kind, FindingKind::NotAllowed { .. }));
}

#[test]
fn a_syn_never_answered_is_a_missing_syn_ack() {
    let tracking = Script::new()
        .seg(A, B, "SYN", 100, 0, 0)
        .seg(A, B, "SYN", 100, 0, 0)
        .track();
    assert_eq!(
        findings(&tracking),
        [
            "#1 missing output: after LISTEN --rcv_syn--> SYN_RECEIVED the spec has B send SYN,ACK; \
          no later segment from B does"
        ]
    );
    let open = &tracking.connections[0].steps[1];
    assert!(matches!(&open.basis, Basis::Assumed(why) if why.contains("never answered")));
}

#[test]
fn a_rst_where_the_spec_aborts_silently_is_an_output_difference() {
    // B is in LAST-ACK; RFC 793 3.9 ABORT Call, LAST-ACK STATE: respond "ok", no RST.
    let tracking = Script::new()
        .handshake()
        .seg(A, B, "FIN,ACK", 101, 301, 0)
        .seg(B, A, "FIN,ACK", 301, 102, 0)
        .seg(B, A, "RST", 302, 0, 0)
        .seg(A, B, "ACK", 102, 302, 0)
        .track();
    assert_eq!(
        findings(&tracking),
        [
            "#6 output differs: B sent RST for LAST_ACK --abort--> CLOSED, where the spec sends nothing",
            // Then A's ACK finds B without a TCB, which answers with RST (3.4 Reset Generation).
            "#7 missing output: after CLOSED --rcv_ack--> CLOSED the spec has B send RST; no later \
             segment from B does",
        ]
    );
}

#[test]
fn a_retransmitted_syn_is_not_a_second_open() {
    let tracking = Script::new()
        .seg(A, B, "SYN", 100, 0, 0)
        .seg(A, B, "SYN", 100, 0, 0)
        .seg(B, A, "SYN,ACK", 300, 101, 0)
        .seg(A, B, "ACK", 101, 301, 0)
        .track();
    assert_eq!(findings(&tracking), Vec::<String>::new());
    assert_eq!(finals(&tracking), [["ESTABLISHED", "ESTABLISHED"]]);
}

#[test]
fn figure_14_simultaneous_close_goes_through_closing() {
    let tracking = Script::new()
        .handshake()
        .seg(A, B, "FIN,ACK", 101, 301, 0)
        .seg(B, A, "FIN,ACK", 301, 101, 0)
        .seg(A, B, "ACK", 102, 302, 0)
        .seg(B, A, "ACK", 302, 102, 0)
        .track();
    assert_eq!(findings(&tracking), Vec::<String>::new());
    assert_eq!(finals(&tracking), [["TIME_WAIT", "TIME_WAIT"]]);
    let spec = tcp_engine::spec();
    let closing = spec.state_named("CLOSING").unwrap();
    assert!(
        tracking.connections[0]
            .steps
            .iter()
            .any(|s| s.to == closing)
    );
}

#[test]
fn a_new_syn_from_time_wait_assumes_the_unseen_timeout_and_opens_a_new_connection() {
    let tracking = Script::new()
        .handshake()
        .seg(A, B, "FIN,ACK", 101, 301, 0)
        .seg(B, A, "ACK", 301, 102, 0)
        .seg(B, A, "FIN,ACK", 301, 102, 0)
        .seg(A, B, "ACK", 102, 302, 0)
        .seg(A, B, "SYN", 5000, 0, 0)
        .seg(B, A, "SYN,ACK", 9000, 5001, 0)
        .seg(A, B, "ACK", 5001, 9001, 0)
        .track();
    assert_eq!(findings(&tracking), Vec::<String>::new());
    assert_eq!(
        finals(&tracking),
        [["CLOSED", "CLOSED"], ["ESTABLISHED", "ESTABLISHED"]]
    );
    let spec = tcp_engine::spec();
    let last = tracking.connections[0].steps.last().unwrap();
    assert_eq!(spec.event(last.event).name, "timeout_2msl");
    assert!(matches!(&last.basis, Basis::Assumed(why) if why.contains("#8 reuses the 4-tuple")));
}

#[test]
fn an_ack_that_does_not_cover_our_fin_leaves_fin_wait_1() {
    // B's data crosses A's FIN: its ACK (101) does not acknowledge the FIN (seq 101).
    let tracking = Script::new()
        .handshake()
        .seg(A, B, "FIN,ACK", 101, 301, 0)
        .seg(B, A, "ACK", 301, 101, 10)
        .seg(B, A, "ACK", 311, 102, 0)
        .track();
    assert_eq!(findings(&tracking), Vec::<String>::new());
    let spec = tcp_engine::spec();
    let connection = &tracking.connections[0];
    let a_at = |packet: u64| {
        let time = Duration::from_millis(10 * (packet - 1));
        spec.state(connection.state_at(0, time, spec.machine.initial))
            .name
            .clone()
    };
    assert_eq!(
        [a_at(4), a_at(5), a_at(6)],
        ["FIN_WAIT_1", "FIN_WAIT_1", "FIN_WAIT_2"]
    );
}

#[test]
fn a_reset_in_syn_received_after_a_passive_open_returns_to_listen() {
    let tracking = Script::new()
        .seg(A, B, "SYN", 100, 0, 0)
        .seg(B, A, "SYN,ACK", 300, 101, 0)
        .seg(A, B, "RST", 101, 0, 0)
        .track();
    // A was in SYN-SENT, where a SYN,ACK makes it ESTABLISHED; its RST is an ABORT, and
    // the ACK the spec has it send never comes.
    assert_eq!(
        findings(&tracking),
        [
            "#2 missing output: after SYN_SENT --rcv_syn_ack--> ESTABLISHED the spec has A send ACK; \
          no later segment from A does"
        ]
    );
    assert_eq!(finals(&tracking), [["CLOSED", "LISTEN"]]);
}

#[test]
fn a_capture_that_starts_after_the_handshake_assumes_it() {
    let tracking = Script::new()
        .seg(A, B, "ACK", 101, 301, 10)
        .seg(B, A, "ACK", 301, 111, 0)
        .seg(A, B, "FIN,ACK", 111, 301, 0)
        .seg(B, A, "ACK", 301, 112, 0)
        .seg(B, A, "FIN,ACK", 301, 112, 0)
        .seg(A, B, "ACK", 112, 302, 0)
        .track();
    assert_eq!(findings(&tracking), Vec::<String>::new());
    assert_eq!(finals(&tracking), [["TIME_WAIT", "CLOSED"]]);
    let spec = tcp_engine::spec();
    let assumed: Vec<String> = tracking.connections[0]
        .steps
        .iter()
        .filter(|s| matches!(&s.basis, Basis::Assumed(why) if why.contains("after the handshake")))
        .map(|s| spec.event(s.event).name.clone())
        .collect();
    assert_eq!(
        assumed,
        [
            "active_open",
            "passive_open",
            "rcv_syn",
            "rcv_syn_ack",
            "rcv_ack"
        ]
    );
}

#[test]
fn a_connection_whose_isn_lies_just_below_two_to_the_32_is_followed_across_the_wrap() {
    // A's ISN is 4294967000: after 100 octets and a FIN, A's sequence numbers have wrapped.
    const ISN: u32 = 4_294_967_000;
    let after = |octets: u32| ISN.wrapping_add(octets);
    let tracking = Script::new()
        .seg(A, B, "SYN", ISN, 0, 0)
        .seg(B, A, "SYN,ACK", 300, after(1), 0)
        .seg(A, B, "ACK", after(1), 301, 0)
        .seg(A, B, "ACK", after(1), 301, 400)
        .seg(B, A, "ACK", 301, after(401), 0)
        .seg(A, B, "FIN,ACK", after(401), 301, 0)
        .seg(B, A, "ACK", 301, after(402), 0)
        .seg(B, A, "FIN,ACK", 301, after(402), 0)
        .seg(A, B, "ACK", after(402), 302, 0)
        .track();
    assert!(after(401) < ISN, "the FIN lies past the wrap");
    assert_eq!(findings(&tracking), Vec::<String>::new());
    assert_eq!(finals(&tracking), [["TIME_WAIT", "CLOSED"]]);
}

#[test]
fn a_spec_with_other_event_names_tracks_alike_through_its_segment_bindings() {
    // The bundled spec with every event renamed: `track` binds receive events by their
    // `segment` and calls by what they send, not by name.
    let renamed = [
        ("passive_open", "listen"),
        ("active_open", "connect"),
        ("rcv_syn_ack", "got_syn_ack"),
        ("rcv_fin_ack", "got_fin_ack"),
        ("rcv_syn", "got_syn"),
        ("rcv_ack", "got_ack"),
        ("rcv_fin", "got_fin"),
        ("rcv_rst", "got_rst"),
        ("timeout_2msl", "msl_timer"),
        ("\"send\"", "\"write\""),
        ("[events.send]", "[events.write]"),
        ("\"close\"", "\"shutdown\""),
        ("[events.close]", "[events.shutdown]"),
    ];
    let mut text = tcp_fsm::SPEC_SOURCE.to_string();
    for (old, new) in renamed {
        text = text.replace(old, new);
    }
    let source = fsm_spec::SourceFile::new("renamed.toml", text);
    let spec = fsm_spec::Spec::from_source(&source).expect("the renamed spec checks");
    assert!(spec.event_named("rcv_syn").is_none() && spec.event_named("got_syn").is_some());
    let script = Script::new()
        .handshake()
        .seg(A, B, "ACK", 101, 301, 10)
        .seg(B, A, "ACK", 301, 111, 0)
        .seg(A, B, "FIN,ACK", 111, 301, 0)
        .seg(B, A, "ACK", 301, 112, 0)
        .seg(B, A, "FIN,ACK", 301, 112, 0)
        .seg(A, B, "ACK", 112, 302, 0);
    let bundled = script.track();
    let machine = Interpreter::new(&spec).unwrap();
    let mut tracker = Tracker::new(machine, Detail::Timeline).unwrap();
    for (i, segment) in script.segments.iter().enumerate() {
        tracker.observe(i as u64 + 1, Duration::from_millis(10 * i as u64), segment);
    }
    let renamed = tracker.finish();
    let events = |tracking: &Tracking, spec: &fsm_spec::Spec| -> Vec<String> {
        tracking.connections[0]
            .steps
            .iter()
            .map(|s| spec.state(s.to).name.clone())
            .collect()
    };
    assert_eq!(
        events(&renamed, &spec),
        events(&bundled, &tcp_engine::spec())
    );
    assert_eq!(renamed.connections[0].findings, []);
    assert_eq!(finals(&renamed), [["TIME_WAIT", "CLOSED"]]);
}
