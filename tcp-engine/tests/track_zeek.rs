//! Zeek's `conn_state` and `history` on crafted captures: one capture per state a capture can
//! show, and the history letters, with segments written as RFC 793 writes them. Each capture
//! is written as pcap and read back through the whole pipeline.

use pcap_file::DataLink;
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
use std::time::Duration;
use tcp_engine::interpreter::Interpreter;
use tcp_engine::track::decode::{Captured, encode_ethernet};
use tcp_engine::track::tracker::Detail;
use tcp_engine::track::zeek::{ConnState, EndpointState, Observer, ZeekView};
use tcp_engine::wire::Segment;

/// The client and the server: who opens is the test's business, not the addresses'.
const C: &str = "198.18.0.1:40000";
const S: &str = "198.18.0.2:80";

/// One line of a capture: `C > S <SEQ=100><CTL=SYN>` as `(C, S, "<SEQ=100><CTL=SYN>")`,
/// with the window field.
struct Line(&'static str, &'static str, &'static str, u16);

fn c(segment: &'static str) -> Line {
    Line(C, S, segment, 65535)
}

fn s(segment: &'static str) -> Line {
    Line(S, C, segment, 65535)
}

/// A pcap capture of `lines`, one millisecond apart.
fn capture(lines: &[Line]) -> Vec<u8> {
    let header = PcapHeader {
        datalink: DataLink::ETHERNET,
        ..PcapHeader::default()
    };
    let mut writer = PcapWriter::with_header(Vec::new(), header).unwrap();
    for (i, Line(src, dst, segment, window)) in lines.iter().enumerate() {
        let captured = Captured {
            src: src.parse().unwrap(),
            dst: dst.parse().unwrap(),
            segment: segment.parse().unwrap(),
            window: *window,
        };
        let frame = encode_ethernet(&captured).unwrap();
        let time = Duration::from_secs(1_700_000_000) + Duration::from_millis(i as u64);
        writer
            .write_packet(&PcapPacket::new(time, frame.len() as u32, &frame))
            .unwrap();
    }
    writer.into_writer()
}

/// Zeek's view of the one connection of `lines`.
fn zeek(lines: &[Line]) -> ZeekView {
    let spec = tcp_engine::spec();
    let machine = Interpreter::new(&spec).unwrap();
    let bytes = capture(lines);
    let outcome = tcp_engine::track::track(&bytes[..], machine, Detail::Summary).unwrap();
    assert!(outcome.damage.is_none());
    let connections = outcome.tracking.connections;
    assert_eq!(connections.len(), 1, "one connection");
    connections[0].zeek.clone()
}

fn state_and_history(lines: &[Line]) -> (ConnState, String) {
    let view = zeek(lines);
    (view.conn_state, view.history)
}

/// RFC 793 Figure 7: C connects to S (ISNs 100 and 300).
fn handshake() -> Vec<Line> {
    vec![
        c("<SEQ=100><CTL=SYN>"),
        s("<SEQ=300><ACK=101><CTL=SYN,ACK>"),
        c("<SEQ=101><ACK=301><CTL=ACK>"),
    ]
}

fn after_handshake(more: impl IntoIterator<Item = Line>) -> Vec<Line> {
    let mut lines = handshake();
    lines.extend(more);
    lines
}

#[test]
fn s0_a_syn_with_no_reply() {
    let view = zeek(&[c("<SEQ=100><CTL=SYN>")]);
    assert_eq!(
        (view.conn_state, view.history.as_str()),
        (ConnState::S0, "S")
    );
    assert_eq!(
        view.states,
        [EndpointState::SynSent, EndpointState::Inactive]
    );
}

#[test]
fn s1_established_and_never_closed() {
    assert_eq!(
        state_and_history(&handshake()),
        (ConnState::S1, "ShA".into())
    );
}

#[test]
fn sf_data_both_ways_and_a_close_from_each_side() {
    let lines = after_handshake([
        c("<SEQ=101><ACK=301><CTL=ACK><DATA=5>"),
        s("<SEQ=301><ACK=106><CTL=ACK>"),
        s("<SEQ=301><ACK=106><CTL=ACK><DATA=3>"),
        c("<SEQ=106><ACK=304><CTL=ACK>"),
        c("<SEQ=106><ACK=304><CTL=FIN,ACK>"),
        s("<SEQ=304><ACK=107><CTL=ACK>"),
        s("<SEQ=304><ACK=107><CTL=FIN,ACK>"),
        c("<SEQ=107><ACK=305><CTL=ACK>"),
    ]);
    let view = zeek(&lines);
    assert_eq!(
        (view.conn_state, view.history.as_str()),
        (ConnState::SF, "ShADadFf")
    );
    assert_eq!(view.orig, 0);
    assert_eq!(view.packets, [6, 5]);
    assert_eq!(view.bytes, [5, 3]);
}

#[test]
fn rej_a_syn_answered_by_a_reset() {
    assert_eq!(
        state_and_history(&[c("<SEQ=100><CTL=SYN>"), s("<SEQ=0><ACK=101><CTL=RST,ACK>")]),
        (ConnState::REJ, "Sr".into())
    );
}

#[test]
fn s2_the_originators_fin_unanswered() {
    let lines = after_handshake([c("<SEQ=101><ACK=301><CTL=FIN,ACK>")]);
    assert_eq!(state_and_history(&lines), (ConnState::S2, "ShAF".into()));
}

#[test]
fn s3_the_responders_fin_unanswered() {
    let lines = after_handshake([s("<SEQ=301><ACK=101><CTL=FIN,ACK>")]);
    assert_eq!(state_and_history(&lines), (ConnState::S3, "ShAf".into()));
}

#[test]
fn rsto_the_originator_resets_an_established_connection() {
    let lines = after_handshake([c("<SEQ=101><ACK=301><CTL=RST,ACK>")]);
    assert_eq!(state_and_history(&lines), (ConnState::RSTO, "ShAR".into()));
}

#[test]
fn rstr_the_responder_resets_an_established_connection() {
    let lines = after_handshake([s("<SEQ=301><ACK=101><CTL=RST,ACK>")]);
    assert_eq!(state_and_history(&lines), (ConnState::RSTR, "ShAr".into()));
}

#[test]
fn rstos0_a_syn_then_the_originators_reset() {
    assert_eq!(
        state_and_history(&[c("<SEQ=100><CTL=SYN>"), c("<SEQ=101><CTL=RST>")]),
        (ConnState::RSTOS0, "SR".into())
    );
}

#[test]
fn rstrh_a_syn_ack_seen_first_then_the_responders_reset() {
    // The capture began after the SYN: the server's SYN,ACK comes first, and the client's
    // ACK swaps the roles (history `^h`).
    let lines = [
        s("<SEQ=300><ACK=101><CTL=SYN,ACK>"),
        c("<SEQ=101><ACK=301><CTL=ACK>"),
        s("<SEQ=301><CTL=RST>"),
    ];
    let view = zeek(&lines);
    assert_eq!(
        (view.conn_state, view.history.as_str()),
        (ConnState::RSTRH, "^hAr")
    );
    // The client, endpoint B of the capture (it sent second), is the originator.
    assert_eq!(view.orig, 1);
}

#[test]
fn sh_a_syn_then_a_fin_with_no_syn_ack() {
    assert_eq!(
        state_and_history(&[c("<SEQ=100><CTL=SYN>"), c("<SEQ=101><CTL=FIN>")]),
        (ConnState::SH, "SF".into())
    );
}

#[test]
fn shr_a_syn_ack_seen_first_then_the_responders_fin() {
    let lines = [
        s("<SEQ=300><ACK=101><CTL=SYN,ACK>"),
        c("<SEQ=101><ACK=301><CTL=ACK>"),
        s("<SEQ=301><ACK=101><CTL=FIN,ACK>"),
    ];
    assert_eq!(state_and_history(&lines), (ConnState::SHR, "^hAf".into()));
}

#[test]
fn oth_midstream_traffic_with_no_syn() {
    let lines = [
        c("<SEQ=5000><ACK=9000><CTL=ACK><DATA=10>"),
        s("<SEQ=9000><ACK=5010><CTL=ACK>"),
    ];
    let view = zeek(&lines);
    assert_eq!(
        (view.conn_state, view.history.as_str()),
        (ConnState::OTH, "Da")
    );
    assert_eq!(view.states, [EndpointState::Partial; 2]);
}

#[test]
fn a_syn_ack_captured_before_its_syn_swaps_the_roles() {
    // `track` itself starts a new connection at such a SYN (its endpoint is still CLOSED);
    // Zeek's rule is checked on the observer alone, fed as Zeek would be.
    let mut observer = Observer::default();
    for (from, segment) in [
        (0, "<SEQ=300><ACK=101><CTL=SYN,ACK>"),
        (1, "<SEQ=100><CTL=SYN>"),
        (1, "<SEQ=101><ACK=301><CTL=ACK>"),
    ] {
        let segment: Segment = segment.parse().unwrap();
        observer.observe(from, &segment, 65535);
    }
    let view = observer.finish();
    assert_eq!(
        (view.conn_state, view.history.as_str()),
        (ConnState::S1, "Hs^A")
    );
    assert_eq!(view.orig, 1);
}

#[test]
fn retransmitted_data_is_t_at_the_first_and_tenth_time() {
    let mut lines = after_handshake([c("<SEQ=101><ACK=301><CTL=ACK><DATA=5>")]);
    assert_eq!(state_and_history(&lines).1, "ShAD");
    lines.push(c("<SEQ=101><ACK=301><CTL=ACK><DATA=5>"));
    assert_eq!(state_and_history(&lines).1, "ShADT");
    for _ in 0..8 {
        lines.push(c("<SEQ=101><ACK=301><CTL=ACK><DATA=5>"));
    }
    assert_eq!(state_and_history(&lines).1, "ShADT", "9 retransmissions");
    lines.push(c("<SEQ=101><ACK=301><CTL=ACK><DATA=5>"));
    assert_eq!(state_and_history(&lines).1, "ShADTT", "10 retransmissions");
}

#[test]
fn a_zero_window_is_w_in_the_senders_case() {
    let lines = after_handshake([
        c("<SEQ=101><ACK=301><CTL=ACK><DATA=5>"),
        Line(S, C, "<SEQ=301><ACK=106><CTL=ACK>", 0),
    ]);
    assert_eq!(state_and_history(&lines).1, "ShADaw");
}

#[test]
fn data_acknowledged_but_never_captured_is_a_gap() {
    // The client's first 5 octets (101-105) are missing from the capture.
    let lines = after_handshake([s("<SEQ=301><ACK=106><CTL=ACK>")]);
    assert_eq!(state_and_history(&lines).1, "ShAaG");
}

#[test]
fn odd_flag_combinations_are_i_and_q() {
    let fin_rst = after_handshake([c("<SEQ=101><ACK=301><CTL=FIN,RST,ACK>")]);
    assert_eq!(state_and_history(&fin_rst).1, "ShAI");
    assert_eq!(state_and_history(&[c("<SEQ=100><CTL=SYN,FIN>")]).1, "Q");
}

#[test]
fn a_reset_is_recorded_again_only_with_a_new_sequence_number() {
    let lines = after_handshake([
        s("<SEQ=301><CTL=RST>"),
        s("<SEQ=301><CTL=RST>"),
        s("<SEQ=350><CTL=RST>"),
    ]);
    assert_eq!(state_and_history(&lines).1, "ShArr");
}
