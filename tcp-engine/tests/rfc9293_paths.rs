//! The RFC 9293 machine (`tcp_fsm::rfc9293`, generated from `tcp9293.toml`) on the paths of
//! RFC 9293's figures, through the typed API and the runtime API: client and server,
//! simultaneous open and close, and the RFC 5961 challenge ACKs that replace RFC 793's resets.

use tcp_fsm::Opened;
use tcp_fsm::rfc9293::runtime::{Event, State, step};
use tcp_fsm::rfc9293::{Tcp9293, outcome};

#[test]
fn the_spec_is_clean_without_warnings() {
    let source = tcp_engine::specs::bundled("tcp9293").unwrap().source_file();
    let report = fsm_spec::check(&source);
    assert!(report.diagnostics.is_empty(), "{}", report.diagnostics);
}

#[test]
fn the_client_opens_closes_first_and_waits_in_time_wait() {
    // RFC 9293 3.5 Figure 6 (TCP Peer A), then 3.6 Figure 12 (TCP Peer A).
    let (tcp, syn) = Tcp9293::new().active_open();
    assert_eq!(syn.to_string(), "SYN");
    let (tcp, ack) = tcp.rcv_syn_ack();
    assert_eq!(ack.to_string(), "ACK");
    let (tcp, fin) = tcp.close();
    assert_eq!(fin.to_string(), "FIN");
    let tcp = tcp.rcv_ack();
    assert_eq!(tcp.state().name(), "FIN_WAIT_2");
    let (tcp, ack) = tcp.rcv_fin();
    assert_eq!(ack.to_string(), "ACK");
    assert_eq!(tcp.state().name(), "TIME_WAIT");
    assert_eq!(tcp.timeout_2msl().state().name(), "CLOSED");
}

#[test]
fn the_server_accepts_and_closes_second_through_last_ack() {
    // Figure 6 (TCP Peer B), then Figure 12 (TCP Peer B).
    let tcp = Tcp9293::with_data(Opened::Passive).passive_open();
    let (tcp, syn_ack) = tcp.rcv_syn();
    assert_eq!(syn_ack.to_string(), "SYN,ACK");
    let tcp = tcp.rcv_ack();
    let (tcp, ack) = tcp.rcv_fin();
    assert_eq!(
        (tcp.state().name(), ack.to_string().as_str()),
        ("CLOSE_WAIT", "ACK")
    );
    // RFC 9293 3.10.4 corrects RFC 793 3.9: CLOSE in CLOSE-WAIT enters LAST-ACK.
    let (tcp, fin) = tcp.close();
    assert_eq!(
        (tcp.state().name(), fin.to_string().as_str()),
        ("LAST_ACK", "FIN")
    );
    assert_eq!(tcp.rcv_ack().state().name(), "CLOSED");
}

#[test]
fn a_simultaneous_open_sends_syn_ack_as_figure_5_draws_it() {
    // Figure 7: each side goes CLOSED, SYN-SENT, SYN-RECEIVED, ESTABLISHED.
    let (tcp, _syn) = Tcp9293::new().active_open();
    let (tcp, syn_ack) = tcp.rcv_syn();
    assert_eq!(syn_ack.to_string(), "SYN,ACK");
    assert_eq!(tcp.state().name(), "SYN_RECEIVED");
    assert_eq!(tcp.rcv_syn_ack().state().name(), "ESTABLISHED");
}

#[test]
fn a_simultaneous_close_goes_through_closing_to_time_wait() {
    // Figure 13.
    let (tcp, _) = Tcp9293::new().active_open();
    let (tcp, _) = tcp.rcv_syn_ack();
    let (tcp, _fin) = tcp.close();
    let (tcp, ack) = tcp.rcv_fin();
    assert_eq!(
        (tcp.state().name(), ack.to_string().as_str()),
        ("CLOSING", "ACK")
    );
    assert_eq!(tcp.rcv_ack().state().name(), "TIME_WAIT");
}

#[test]
fn a_syn_in_established_gets_a_challenge_ack_not_a_reset() {
    // RFC 9293 3.10.7.4 fourth check, RFC 5961 section 4.
    let (tcp, _) = Tcp9293::new().active_open();
    let (tcp, _) = tcp.rcv_syn_ack();
    let (tcp, challenge) = tcp.rcv_syn();
    assert_eq!(
        (tcp.state().name(), challenge.to_string().as_str()),
        ("ESTABLISHED", "ACK")
    );
    let (tcp, challenge) = tcp.rcv_syn_ack();
    assert_eq!(
        (tcp.state().name(), challenge.to_string().as_str()),
        ("ESTABLISHED", "ACK")
    );
}

#[test]
fn only_a_rst_at_rcv_nxt_resets_an_established_connection() {
    // RFC 9293 3.10.7.4 second check, RFC 5961 section 3.
    let (tcp, _) = Tcp9293::new().active_open();
    let (tcp, _) = tcp.rcv_syn_ack();
    let (tcp, challenge) = tcp.rcv_rst_in_window();
    assert_eq!(
        (tcp.state().name(), challenge.to_string().as_str()),
        ("ESTABLISHED", "ACK")
    );
    assert_eq!(tcp.rcv_rst().state().name(), "CLOSED");
}

#[test]
fn time_wait_answers_a_new_syn_with_a_challenge_ack() {
    // RFC 9293 3.6.1 MAY-2 (reopen from TIME-WAIT) is not taken; 3.10.7.4 applies.
    for event in [Event::RcvSyn, Event::RcvSynAck, Event::RcvRstInWindow] {
        let t = step(State::TimeWait, event)
            .unwrap()
            .decide(&Opened::Active);
        assert_eq!(t.to, State::TimeWait, "{event}");
        assert_eq!(
            t.output.map(|s| s.to_string()).as_deref(),
            Some("ACK"),
            "{event}"
        );
    }
}

#[test]
fn syn_received_after_a_passive_open_returns_to_listen_on_a_rst_or_a_syn() {
    let listen = || {
        Tcp9293::with_data(Opened::Passive)
            .passive_open()
            .rcv_syn()
            .0
    };
    match listen().rcv_rst() {
        outcome::SynReceivedRcvRst::PassiveOpen(tcp) => assert_eq!(tcp.state().name(), "LISTEN"),
        outcome::SynReceivedRcvRst::ActiveOpen(_) => unreachable!("opened passively"),
    }
    match listen().rcv_syn() {
        outcome::SynReceivedRcvSyn::PassiveOpen(tcp) => assert_eq!(tcp.state().name(), "LISTEN"),
        outcome::SynReceivedRcvSyn::ActiveOpen(_, _) => unreachable!("opened passively"),
    }
}

#[test]
fn syn_received_after_an_active_open_challenges_a_syn_and_closes_on_a_rst() {
    let t = step(State::SynReceived, Event::RcvSyn)
        .unwrap()
        .decide(&Opened::Active);
    assert_eq!(t.to, State::SynReceived);
    assert_eq!(t.output.map(|s| s.to_string()).as_deref(), Some("ACK"));
    let t = step(State::SynReceived, Event::RcvRst)
        .unwrap()
        .decide(&Opened::Active);
    assert_eq!(t.to, State::Closed);
    let t = step(State::SynReceived, Event::RcvRstInWindow)
        .unwrap()
        .decide(&Opened::Active);
    assert_eq!(t.to, State::SynReceived);
}

#[test]
fn a_security_mismatch_resets_a_synchronized_connection() {
    for state in [State::Established, State::FinWait2, State::TimeWait] {
        let t = step(state, Event::RcvBadSecurity)
            .unwrap()
            .decide(&Opened::Active);
        assert_eq!(t.to, State::Closed, "{state}");
        assert_eq!(
            t.output.map(|s| s.to_string()).as_deref(),
            Some("RST"),
            "{state}"
        );
    }
    let t = step(State::Listen, Event::RcvBadSecurity)
        .unwrap()
        .decide(&Opened::Passive);
    assert_eq!(t.to, State::Listen);
}

#[test]
fn both_bundled_specs_are_listed_by_name() {
    let names: Vec<&str> = tcp_engine::specs::BUNDLED.iter().map(|b| b.name).collect();
    assert_eq!(names, ["tcp", "tcp9293"]);
    let rfc9293 = tcp_engine::specs::bundled("tcp9293").unwrap();
    assert_eq!(rfc9293.source, tcp_fsm::rfc9293::SPEC_SOURCE);
    assert!(tcp_engine::specs::bundled("tcp793").is_none());
}
