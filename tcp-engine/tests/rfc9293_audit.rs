//! `tcp9293.toml` audits clean against RFC 9293 with nothing declared, and against RFC 793
//! with every difference declared: the RFC 5961 challenge ACKs and SYN-RECEIVED's return to
//! LISTEN on a SYN, and nothing else.

use fsm_spec::Spec;
use fsm_spec::audit::{self, Status};
use std::collections::BTreeSet;
use tcp_engine::specs as reference;

const TCP9293: &str = tcp_fsm::rfc9293::SPEC_SOURCE;

fn audit(against: reference::Reference) -> audit::Report {
    let source = tcp_engine::specs::bundled_source(tcp_fsm::rfc9293::SPEC_NAME, TCP9293);
    let spec = Spec::from_source(&source).unwrap_or_else(|e| panic!("{e}"));
    audit::audit(&spec, &source, &against.spec())
}

#[test]
fn the_rfc_9293_spec_audits_clean_against_rfc_9293_without_a_deviation() {
    let report = audit(reference::RFC9293);
    assert!(report.passed(), "{}", audit::render_human(&report));
    assert_eq!(report.count(Status::Declared), 0);
    assert_eq!(report.count(Status::Note), 0, "no stale deviation");
}

#[test]
fn against_rfc_793_only_the_rfc_9293_changes_are_declared() {
    let report = audit(reference::RFC793);
    assert!(report.passed(), "{}", audit::render_human(&report));
    assert_eq!(report.count(Status::Note), 0, "no stale deviation");
    let declared: BTreeSet<(String, String)> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Declared)
        .map(|f| (f.state.clone(), f.event.clone()))
        .collect();
    let synchronized = [
        "ESTABLISHED",
        "FIN_WAIT_1",
        "FIN_WAIT_2",
        "CLOSE_WAIT",
        "CLOSING",
        "LAST_ACK",
        "TIME_WAIT",
    ];
    let mut expected = BTreeSet::new();
    for state in synchronized {
        for event in ["rcv_syn", "rcv_syn_ack", "rcv_rst_in_window"] {
            expected.insert((state.to_string(), event.to_string()));
        }
    }
    for event in ["rcv_syn", "rcv_rst_in_window"] {
        expected.insert(("SYN_RECEIVED".to_string(), event.to_string()));
    }
    assert_eq!(declared, expected);
}

#[test]
fn every_transition_cites_rfc_9293_not_rfc_793() {
    let source = tcp_engine::specs::bundled_source(tcp_fsm::rfc9293::SPEC_NAME, TCP9293);
    let spec = Spec::from_source(&source).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        spec.machine.require_cite,
        "both bundled specs require citations"
    );
    for t in &spec.transitions {
        let cite = t.cite.as_deref().unwrap_or_default();
        assert!(cite.starts_with("RFC 9293 "), "{cite}");
        assert!(!cite.contains("RFC 793"), "{cite}");
    }
}
