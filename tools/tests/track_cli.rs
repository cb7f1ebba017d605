//! `tcp-fsm track` as a user runs it: golden timelines of the checked-in captures, JSON,
//! other capture formats and link types, damaged and foreign files, exit codes.
//!
//! `TCP_FSM_BLESS=1` rewrites the golden `tcp-engine/testdata/*.timeline` files.

mod cli;
use cli::{temp_file, text};

use pcap_file::DataLink;
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapReader, PcapWriter};
use pcap_file::pcapng::PcapNgWriter;
use pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketBlock;
use pcap_file::pcapng::blocks::interface_description::InterfaceDescriptionBlock;
use std::borrow::Cow;
use std::path::PathBuf;
use std::process::Output;

/// The checked-in captures and the exit code `track` gives each: 1 for the 4-tuple reuse,
/// where Linux follows RFC 1122 and the spec RFC 793 (see docs/conformance.md).
const CAPTURES: [(&str, i32); 9] = [
    ("client_close", 0),
    ("client_close_v6", 0),
    ("server_close", 0),
    ("half_close", 0),
    ("simultaneous_open", 0),
    ("unread_data", 0),
    ("refused", 0),
    ("linger_abort", 0),
    ("time_wait_reuse", 1),
];

/// The engine's folder: the captures are named relative to it (`testdata/NAME.pcap`), as the
/// golden reports show them.
fn engine_dir() -> PathBuf {
    test_support::repository().join("tcp-engine")
}

fn tcp_fsm(args: &[&str]) -> Output {
    cli::tcp_fsm_in(&engine_dir(), args)
}

fn testdata(name: &str) -> Vec<u8> {
    std::fs::read(engine_dir().join("testdata").join(name)).unwrap()
}

#[test]
fn checked_in_captures_give_their_golden_timelines() {
    let bless = std::env::var("TCP_FSM_BLESS").is_ok_and(|v| v == "1");
    for (name, code) in CAPTURES {
        let out = tcp_fsm(&["track", &format!("testdata/{name}.pcap")]);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{name}: {}",
            text(&out.stderr)
        );
        let golden = engine_dir().join(format!("testdata/{name}.timeline"));
        if bless {
            std::fs::write(&golden, &out.stdout).unwrap();
        }
        let expected = std::fs::read_to_string(&golden).unwrap_or_default();
        assert_eq!(
            text(&out.stdout),
            expected,
            "{name}: rerun with TCP_FSM_BLESS=1 if intended"
        );
    }
}

#[test]
fn json_names_every_step_and_no_findings_for_a_clean_capture() {
    let out = tcp_fsm(&["track", "testdata/client_close.pcap", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["frames"], 9);
    assert_eq!(report["findings"], 0);
    let connection = &report["connections"][0];
    assert_eq!(connection["final_states"]["A"], "TIME_WAIT");
    assert_eq!(connection["final_states"]["B"], "CLOSED");
    let first = &connection["timeline"][0];
    assert_eq!(first["flags"], "SYN");
    let events: Vec<&str> = first["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["active_open", "passive_open", "rcv_syn"]);
    assert_eq!(first["steps"][1]["basis"], "inferred");
}

#[test]
fn summary_prints_one_line_per_connection() {
    let out = tcp_fsm(&["track", "testdata/refused.pcap", "--summary"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].ends_with(
            "final A CLOSED, B CLOSED; conn_state REJ, history Sr (originator A); 0 findings"
        ),
        "{stdout}"
    );
    // The counts come last: they are known only at the end of the capture.
    assert!(lines[1].ends_with("1 connection; no findings"), "{stdout}");
}

/// Rewrites the frames of a checked-in Ethernet capture with `relink` under a new link type.
fn relinked(name: &str, link: DataLink, relink: impl Fn(&[u8]) -> Vec<u8>) -> Vec<u8> {
    let bytes = testdata(name);
    let mut reader = PcapReader::new(&bytes[..]).unwrap();
    let header = PcapHeader {
        datalink: link,
        ..reader.header()
    };
    let mut writer = PcapWriter::with_header(Vec::new(), header).unwrap();
    while let Some(packet) = reader.next_packet() {
        let packet = packet.unwrap();
        let data = relink(&packet.data);
        let packet = PcapPacket::new(packet.timestamp, data.len() as u32, &data);
        writer.write_packet(&packet).unwrap();
    }
    writer.into_writer()
}

/// The timelines without the headline, which names the capture file and comes last.
fn timeline_body(out: &Output) -> String {
    let stdout = text(&out.stdout);
    let body = stdout.trim_end_matches('\n');
    body.rsplit_once('\n').unwrap().0.to_string()
}

#[test]
fn raw_ip_and_linux_cooked_captures_track_like_ethernet() {
    let ethernet = tcp_fsm(&["track", "testdata/half_close.pcap"]);
    let raw = relinked("half_close.pcap", DataLink::RAW, |frame| {
        frame[14..].to_vec()
    });
    let sll = relinked("half_close.pcap", DataLink::LINUX_SLL, |frame| {
        // packet type 0 (to us), ARPHRD_LOOPBACK 772, address length 6, address, EtherType
        let mut cooked = vec![0, 0, 3, 4, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00];
        cooked.extend_from_slice(&frame[14..]);
        cooked
    });
    let sll2 = relinked("half_close.pcap", DataLink::LINUX_SLL2, |frame| {
        // EtherType, reserved, interface index 1, ARPHRD_LOOPBACK, packet type, length, address
        let mut cooked = vec![
            0x08, 0x00, 0, 0, 0, 0, 0, 1, 3, 4, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        cooked.extend_from_slice(&frame[14..]);
        cooked
    });
    for (label, bytes) in [("raw", raw), ("sll", sll), ("sll2", sll2)] {
        let path = temp_file(&format!("half_close_{label}.pcap"), &bytes);
        let out = tcp_fsm(&["track", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{label}: {}", text(&out.stderr));
        assert_eq!(timeline_body(&out), timeline_body(&ethernet), "{label}");
    }
}

#[test]
fn pcapng_captures_track_like_pcap() {
    let bytes = testdata("server_close.pcap");
    let mut reader = PcapReader::new(&bytes[..]).unwrap();
    let mut writer = PcapNgWriter::new(Vec::new()).unwrap();
    let interface = InterfaceDescriptionBlock {
        linktype: DataLink::ETHERNET,
        snaplen: 0,
        options: vec![],
    };
    writer.write_pcapng_block(interface).unwrap();
    while let Some(packet) = reader.next_packet() {
        let packet = packet.unwrap();
        // Without if_tsresol the unit is the microsecond; pcap-file takes the raw value.
        let micros = packet.timestamp.as_micros() as u64;
        let block = EnhancedPacketBlock {
            interface_id: 0,
            timestamp: std::time::Duration::from_nanos(micros),
            original_len: packet.orig_len,
            data: Cow::Borrowed(&packet.data),
            options: vec![],
        };
        writer.write_pcapng_block(block).unwrap();
    }
    let path = temp_file("server_close.pcapng", writer.into_inner());
    let pcap = tcp_fsm(&["track", "testdata/server_close.pcap"]);
    let pcapng = tcp_fsm(&["track", path.to_str().unwrap()]);
    assert_eq!(pcapng.status.code(), Some(0), "{}", text(&pcapng.stderr));
    assert_eq!(timeline_body(&pcapng), timeline_body(&pcap));
}

#[test]
fn a_truncated_capture_reports_what_it_read_and_where_it_stops() {
    let bytes = testdata("client_close.pcap");
    let path = temp_file("cut.pcap", &bytes[..bytes.len() - 10]);
    let out = tcp_fsm(&["track", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("packet 9 (byte offset ")
            && stderr.contains("the record is cut short (truncated file)"),
        "{stderr}"
    );
    assert!(
        text(&out.stdout).contains(": 8 frames, 8 TCP segments"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn files_that_are_not_captures_exit_2_with_a_reason() {
    let path = temp_file("notes.txt", b"not a capture at all");
    let out = tcp_fsm(&["track", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr)
            .contains("is not a pcap or pcapng capture (it starts with bytes 6e 6f 74 20)"),
        "{}",
        text(&out.stderr)
    );
    let out = tcp_fsm(&["track", "testdata/no-such-file.pcap"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no-such-file.pcap: cannot read"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_spec_without_the_tcp_events_is_refused_as_unusable() {
    let spec = temp_file(
        "door.toml",
        b"[machine]\nname = \"Door\"\ninitial = \"Shut\"\n\n[states.Shut]\n[states.Open]\n\n\
          [events.push]\nkind = \"call\"\n\n[[transition]]\nfrom = \"Shut\"\nevent = \"push\"\n\
          to = \"Open\"\ncite = \"t\"\n\n[[transition]]\nfrom = \"Open\"\nevent = \"push\"\n\
          to = \"Shut\"\ncite = \"t\"\n",
    );
    let out = tcp_fsm(&[
        "track",
        "testdata/refused.pcap",
        "--spec",
        spec.to_str().unwrap(),
    ]);
    // Exit 2, as in every verb: the spec cannot drive the engine.
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("no event of the spec plays the passive OPEN call"),
        "{}",
        text(&out.stderr)
    );
}
