//! `conform` on smoltcp, in process: the run over the bundled spec, and the self-checks that
//! the harness reports what a stack did rather than what the spec says.

#![cfg(feature = "conform")]

use tcp_engine::conform::report::{TargetReport, Verdict};
use tcp_engine::conform::smoltcp::Smoltcp;
use tcp_engine::conform::{self, cases};
use tcp_engine::interpreter::Interpreter;

#[path = "shared/corrupting.rs"]
mod corrupting;
use corrupting::Corrupting;

fn run(spec: &fsm_spec::Spec) -> TargetReport {
    let machine = Interpreter::new(spec).unwrap();
    let cases = cases::cases(&machine).unwrap();
    conform::run_smoltcp(&machine, &cases)
}

fn verdict<'r>(report: &'r TargetReport, case: &str) -> &'r conform::report::CaseResult {
    report.cases.iter().find(|c| c.case == case).unwrap()
}

#[test]
fn smoltcp_is_driven_through_almost_every_transition_and_agrees_on_the_handshake() {
    let report = run(&tcp_engine::spec());
    let counts = report.counts();
    // The security mismatch has no segment binding (an IP option): its cases are never
    // driven. Of the others, at most 7 are left out.
    let left_out = report
        .cases
        .iter()
        .filter(|c| c.verdict == Verdict::NotDriven && c.event != "rcv_bad_security")
        .count();
    assert!(left_out <= 7, "{left_out} left out: {counts:?}");
    for case in [
        "listen_rcv_syn",
        "syn_sent_rcv_syn_ack",
        "syn_received_rcv_ack",
        "established_close",
        "time_wait_timeout_2msl",
    ] {
        assert_eq!(verdict(&report, case).verdict, Verdict::Agrees, "{case}");
    }
    // Every case not driven says why.
    assert!(
        report
            .cases
            .iter()
            .filter(|c| c.verdict == Verdict::NotDriven)
            .all(|c| c.reason.is_some())
    );
}

#[test]
fn a_flipped_transition_is_reported_as_exactly_that_one_difference() {
    let baseline = run(&tcp_engine::spec());
    // LAST_ACK on the final ACK goes to CLOSED; claim it stays.
    let marker = "from = \"LAST_ACK\"\nevent = \"rcv_ack\"\nto = \"CLOSED\"";
    assert!(tcp_fsm::SPEC_SOURCE.contains(marker));
    let text = tcp_fsm::SPEC_SOURCE.replacen(
        marker,
        "from = \"LAST_ACK\"\nevent = \"rcv_ack\"\nto = \"LAST_ACK\"",
        1,
    );
    let spec =
        fsm_spec::Spec::from_source(&fsm_spec::SourceFile::new("flipped.toml", text)).unwrap();
    let flipped = run(&spec);
    let changed: Vec<&str> = baseline
        .cases
        .iter()
        .zip(&flipped.cases)
        .filter(|(a, b)| a.verdict != b.verdict)
        .map(|(_, b)| b.case.as_str())
        .collect();
    assert_eq!(changed, ["last_ack_rcv_ack"]);
    assert_eq!(
        verdict(&flipped, "last_ack_rcv_ack").verdict,
        Verdict::Differs
    );
}

#[test]
fn a_segment_with_a_wrong_checksum_is_reported_as_not_answered() {
    let spec = tcp_engine::spec();
    let machine = Interpreter::new(&spec).unwrap();
    let cases = cases::cases(&machine).unwrap();
    let listen_syn: Vec<_> = cases
        .into_iter()
        .filter(|c| c.case == "listen_rcv_syn")
        .collect();
    let report = conform::run_each(&machine, &listen_syn, "corrupting", "smoltcp", &|| {
        Box::new(Corrupting(Smoltcp::new()))
    });
    let case = &report.cases[0];
    assert_eq!(case.verdict, Verdict::Differs);
    let observed = case.observed.as_ref().unwrap();
    assert_eq!(
        observed.segments,
        Vec::<String>::new(),
        "no SYN,ACK to a damaged SYN"
    );
    assert_eq!(observed.state.as_deref(), Some("LISTEN"));
    assert!(
        case.reason.as_deref().unwrap().contains("sent nothing"),
        "{case:?}"
    );
}
