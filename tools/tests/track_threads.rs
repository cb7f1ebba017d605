//! `track` on several threads reports exactly what it reports on one, and connections are
//! finished by the documented rules: the checked-in captures through the command in every
//! output form, a synthetic capture of many interleaved connections through the library
//! with windows small enough that sweeping and the reorder bound both take part, and
//! damaged captures, which fail alike on any number of threads.

mod cli;
use cli::{tcp_fsm_in, temp_file, text};

use std::path::PathBuf;
use std::time::Duration;
use tcp_engine::interpreter::Interpreter;
use tcp_engine::track::decode::{Captured, encode_ethernet};
use tcp_engine::track::stream::{Options, track_stream};
use tcp_engine::track::synth::{Shape, write_capture};
use tcp_engine::track::tracker::{Connection, Detail, Limits, Tracker};
use tcp_engine::wire::{Control, Segment, SeqNum};

/// The engine's folder: the captures are named relative to it (`testdata/NAME.pcap`).
fn engine_dir() -> PathBuf {
    test_support::repository().join("tcp-engine")
}

const CAPTURES: [&str; 9] = [
    "client_close",
    "client_close_v6",
    "server_close",
    "half_close",
    "simultaneous_open",
    "unread_data",
    "refused",
    "linger_abort",
    "time_wait_reuse",
];

#[test]
fn the_checked_in_captures_give_the_same_report_on_any_number_of_threads() {
    for name in CAPTURES {
        let capture = format!("testdata/{name}.pcap");
        for form in [&[][..], &["--summary"], &["--format", "json"]] {
            let run = |threads: &str| {
                let mut args = vec!["track", &capture, "--threads", threads];
                args.extend_from_slice(form);
                tcp_fsm_in(&engine_dir(), &args)
            };
            let one = run("1");
            assert!(
                matches!(one.status.code(), Some(0 | 1)),
                "{name}: {}",
                text(&one.stderr)
            );
            for threads in ["2", "3", "8"] {
                let many = run(threads);
                assert_eq!(
                    many.status.code(),
                    one.status.code(),
                    "{name} {form:?} {threads}"
                );
                assert_eq!(
                    text(&many.stdout),
                    text(&one.stdout),
                    "{name} {form:?}: {threads} threads"
                );
            }
        }
    }
}

#[test]
fn damaged_captures_fail_alike_on_any_number_of_threads() {
    let bytes = std::fs::read(engine_dir().join("testdata/client_close.pcap")).unwrap();
    let cut = temp_file("threads-cut.pcap", &bytes[..bytes.len() - 10]);
    let bad_header = temp_file("threads-header.pcap", &bytes[..10]);
    for path in [cut, bad_header] {
        let path = path.to_str().unwrap();
        let one = tcp_fsm_in(&engine_dir(), &["track", path, "--threads", "1"]);
        assert_eq!(one.status.code(), Some(2), "{}", text(&one.stderr));
        for threads in ["2", "4"] {
            let many = tcp_fsm_in(&engine_dir(), &["track", path, "--threads", threads]);
            assert_eq!(many.status.code(), Some(2));
            assert_eq!(text(&many.stderr), text(&one.stderr));
            assert_eq!(text(&many.stdout), text(&one.stdout));
        }
    }
}

/// Tracks `capture` with `options` and returns every connection in report order, written
/// out in full so that two runs compare field by field.
fn tracked(capture: &[u8], options: Options) -> (Vec<String>, String) {
    let spec = tcp_engine::spec();
    let machine = Interpreter::new(&spec).unwrap();
    let mut connections = Vec::new();
    let streamed = track_stream(capture, machine, Detail::Timeline, options, |c, start| {
        connections.push(format!("{start:?} {c:?}"));
    })
    .unwrap();
    (
        connections,
        format!("{:?} {:?}", streamed.totals, streamed.damage),
    )
}

#[test]
fn many_interleaved_connections_give_the_same_report_on_any_number_of_threads() {
    let mut capture = Vec::new();
    let shape = Shape {
        connections: 3_000,
        data_segments: 3,
        concurrent: 150,
    };
    write_capture(&mut capture, shape).unwrap();
    // Small windows, so that idle connections are swept, reopened 4-tuples split, and the
    // reorder bound reached, many times over.
    let small = Options {
        limits: Limits {
            idle_frames: 400,
            ..Limits::default()
        },
        reorder: 20,
        tick: 64,
        ..Options::default()
    };
    // A window shorter than the gaps between a connection's segments splits every one.
    let splitting = Options {
        limits: Limits {
            idle_frames: 100,
            ..Limits::default()
        },
        ..small
    };
    for (options, split) in [
        (Options::default(), false),
        (small, false),
        (splitting, true),
    ] {
        let one = tracked(&capture, options);
        assert_eq!(one.0.len() > 3_000, split, "{} connections", one.0.len());
        for threads in [2, 3, 5] {
            let many = tracked(&capture, Options { threads, ..options });
            assert_eq!(many.1, one.1, "{threads} threads: totals");
            assert_eq!(many.0.len(), one.0.len(), "{threads} threads: connections");
            for (a, b) in many.0.iter().zip(&one.0) {
                assert_eq!(a, b, "{threads} threads");
            }
        }
    }
}

#[test]
fn a_truncated_synthetic_capture_reports_the_same_connections_on_any_number_of_threads() {
    let mut capture = Vec::new();
    let shape = Shape {
        connections: 500,
        data_segments: 2,
        concurrent: 40,
    };
    write_capture(&mut capture, shape).unwrap();
    capture.truncate(capture.len() * 2 / 3);
    let one = tracked(&capture, Options::default());
    assert!(one.1.contains("cut short"), "{}", one.1);
    for threads in [2, 4] {
        assert_eq!(
            tracked(
                &capture,
                Options {
                    threads,
                    ..Options::default()
                }
            ),
            one
        );
    }
}

fn segment(from_client: bool, ctl: Control, seq: u32, ack: Option<u32>) -> Captured {
    let client = "10.0.0.1:40000".parse().unwrap();
    let server = "10.0.0.2:80".parse().unwrap();
    let (src, dst) = if from_client {
        (client, server)
    } else {
        (server, client)
    };
    let mut segment = Segment::new(SeqNum(seq), ctl);
    if let Some(ack) = ack {
        segment = segment.with_ack(SeqNum(ack));
    }
    Captured {
        src,
        dst,
        segment,
        window: 65535,
    }
}

/// A client-closed connection: A ends in TIME-WAIT, B in CLOSED (settled).
fn closed_connection() -> Vec<Captured> {
    let fin_ack = Control::FIN | Control::ACK;
    vec![
        segment(true, Control::SYN, 100, None),
        segment(false, Control::SYN | Control::ACK, 500, Some(101)),
        segment(true, Control::ACK, 101, Some(501)),
        segment(true, fin_ack, 101, Some(501)),
        segment(false, Control::ACK, 501, Some(102)),
        segment(false, fin_ack, 501, Some(102)),
        segment(true, Control::ACK, 102, Some(502)),
    ]
}

/// The connections `segments` give, at `gap` of capture time between them and frame numbers
/// `step` apart.
fn connections_of(
    segments: &[Captured],
    gap: Duration,
    step: u64,
    limits: Limits,
) -> Vec<Connection> {
    let spec = tcp_engine::spec();
    let machine = Interpreter::new(&spec).unwrap();
    let mut tracker = Tracker::with_limits(machine, Detail::Summary, limits).unwrap();
    let mut time = Duration::from_secs(1_000);
    for (i, captured) in segments.iter().enumerate() {
        tracker.observe(1 + i as u64 * step, time, captured);
        time += gap;
    }
    tracker.finish().connections
}

#[test]
fn a_settled_connection_ends_after_twice_the_msl_of_quiet() {
    // B's FIN sent again after A's last ACK: within 2 MSL it belongs to the connection,
    // after 2 MSL of quiet it starts another one (seen after its handshake).
    let mut segments = closed_connection();
    segments.push(segment(false, Control::FIN | Control::ACK, 501, Some(102)));
    let within = connections_of(&segments, Duration::from_secs(30), 1, Limits::default());
    assert_eq!(within.len(), 1);
    assert_eq!(within[0].segments, 8);
    let after = connections_of(&segments, Duration::from_secs(241), 1, Limits::default());
    assert_eq!(after.len(), 2);
    assert_eq!((after[0].segments, after[1].segments), (7, 1));
    assert_eq!(after[1].packets, (8, 8));
}

#[test]
fn an_open_connection_is_not_ended_by_quiet_but_by_the_idle_frame_window() {
    // An established connection quiet for an hour is still one connection...
    let mut segments = closed_connection();
    segments.insert(3, segment(true, Control::ACK, 101, Some(501)));
    let quiet = connections_of(&segments, Duration::from_secs(3_600), 1, Limits::default());
    assert_eq!(quiet.len(), 1);
    // ...but when more frames than the window pass between two of its segments, the
    // second starts a new connection.
    let limits = Limits {
        idle_frames: 10,
        ..Limits::default()
    };
    assert_eq!(
        connections_of(&segments, Duration::from_millis(1), 10, limits).len(),
        1
    );
    let split = connections_of(&segments, Duration::from_millis(1), 11, limits);
    assert_eq!(split.len(), segments.len());
    assert!(split.iter().all(|c| c.segments == 1));
}

/// One Ethernet frame of `captured`.
fn frame(captured: &Captured) -> Vec<u8> {
    encode_ethernet(captured).unwrap()
}

#[test]
fn the_report_keeps_first_packet_order_within_the_reorder_window() {
    // A long connection opened first and busy throughout, while short ones open and finish.
    use pcap_file::pcap::{PcapPacket, PcapWriter};
    let mut writer = PcapWriter::new(Vec::new()).unwrap();
    let mut time = Duration::from_secs(1);
    let mut write = |captured: &Captured| {
        let bytes = frame(captured);
        time += Duration::from_millis(1);
        let packet = PcapPacket::new(time, bytes.len() as u32, &bytes);
        writer.write_packet(&packet).unwrap();
    };
    // The long connection: a segment every third frame, within the idle window of 3.
    let mut long = closed_connection();
    for _ in 0..20 {
        long.insert(3, segment(true, Control::ACK, 101, Some(501)));
    }
    for (i, captured) in long.iter().enumerate() {
        write(captured);
        if i + 1 == long.len() {
            break;
        }
        // A refused connection, SYN and RST, idle from then on.
        let moved = |mut c: Captured| {
            if c.src.port() == 40000 {
                c.src.set_port(1 + i as u16);
            } else {
                c.dst.set_port(1 + i as u16);
            }
            c
        };
        write(&moved(segment(true, Control::SYN, 7, None)));
        write(&moved(segment(
            false,
            Control::RST | Control::ACK,
            0,
            Some(8),
        )));
    }
    let capture = writer.into_writer();
    let order = |reorder: usize, threads: usize| -> Vec<(usize, u64)> {
        let spec = tcp_engine::spec();
        let machine = Interpreter::new(&spec).unwrap();
        let options = Options {
            threads,
            reorder,
            tick: 4,
            limits: Limits {
                idle_frames: 3,
                ..Limits::default()
            },
        };
        let mut order = Vec::new();
        track_stream(&capture[..], machine, Detail::Summary, options, |c, _| {
            order.push((c.id, c.packets.0));
        })
        .unwrap();
        order
    };
    let wide = order(1_000, 1);
    assert_eq!(wide.len(), 27);
    assert!(wide.windows(2).all(|w| w[0].1 < w[1].1), "{wide:?}");
    assert_eq!(wide[0], (1, 1));
    // With room for 5 waiting connections, the short ones cannot all wait for the long
    // one: it comes after them, numbered where it is reported.
    let narrow = order(5, 1);
    assert_eq!(narrow.len(), wide.len());
    assert!(narrow.iter().enumerate().all(|(i, &(id, _))| id == i + 1));
    let long_at = narrow.iter().position(|&(_, first)| first == 1).unwrap();
    assert!(long_at > 0, "{narrow:?}");
    assert_eq!(order(5, 3), narrow);
}
