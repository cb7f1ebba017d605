//! `tcp-fsm explore` on the bundled spec (every property holds within the default bounds, and
//! under network faults once half-open connections left by ABORT are set aside) and on a spec
//! without CLOSING + rcv_ack -> TIME_WAIT (a simultaneous close gets stuck, and the shortest
//! counterexample shows it).

use fsm_spec::Spec;
use fsm_spec::{EventId, StateId};
use std::collections::BTreeMap;
use std::process::{Command, Output};
use tcp_engine::explore::model::{Bounds, DEFAULT_FIRST_ISNS, Model, Options};
use tcp_engine::explore::report::Report;
use tcp_engine::explore::search::{Exploration, Verdict, explore};
use tcp_engine::explore::trace;
use tcp_engine::interpreter::Interpreter;
use tcp_engine::wire::SeqNum;

fn run(spec: &Spec, bounds: Bounds, check: impl FnOnce(&Model, &Exploration, &Verdict)) {
    let rules = Interpreter::new(spec).unwrap();
    let model = Model::new(&rules, Options::for_spec(spec, bounds));
    let exploration = explore(&model);
    let verdict = exploration.verdict(&model);
    assert!(exploration.complete, "the search finished");
    assert!(exploration.error.is_none(), "{:?}", exploration.error);
    check(&model, &exploration, &verdict);
}

fn tcp_fsm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tcp-fsm"))
        .args(args)
        .output()
        .expect("the binary runs")
}

#[test]
fn the_bundled_spec_is_deadlock_free_and_always_closable_within_the_default_bounds() {
    run(
        &tcp_engine::spec(),
        Bounds::default(),
        |model, exploration, verdict| {
            assert!(verdict.holds(), "{verdict:?}");
            assert!(!verdict.pruned, "the in-flight bound is never reached");
            assert!(
                exploration.states.len() > 1000,
                "{}",
                exploration.states.len()
            );
            // The figures' transitions are all taken, including the simultaneous close.
            let spec = model.rules.spec();
            let taken = |from: &str, event: &str, to: &str| {
                spec.transitions
                    .iter()
                    .zip(&exploration.used)
                    .any(|(t, &used)| {
                        used && spec.state(t.from).name == from
                            && spec.event(t.event).name == event
                            && spec.state(t.to).name == to
                    })
            };
            assert!(taken("CLOSING", "rcv_ack", "TIME_WAIT"));
            assert!(taken("SYN_RECEIVED", "rcv_syn_ack", "ESTABLISHED"));
            assert!(taken("TIME_WAIT", "timeout_2msl", "CLOSED"));
            assert!(
                !taken("LISTEN", "send", "SYN_SENT"),
                "SEND is not explored by default"
            );
        },
    );
}

#[test]
fn faults_strand_only_connections_an_abort_left_half_open() {
    let faults = [
        Bounds {
            losses: 1,
            ..Bounds::default()
        },
        Bounds {
            duplicates: 1,
            ..Bounds::default()
        },
        Bounds {
            reorder: true,
            ..Bounds::default()
        },
    ];
    for mut bounds in faults {
        assert!(bounds.needs_retransmissions());
        bounds.retransmissions = true;
        run(&tcp_engine::spec(), bounds.clone(), |_, _, verdict| {
            // A lost RST, or an ABORT in CLOSING (which sends none), can leave the peer waiting
            // for ever: RFC 793's half-open connections. Nothing else gets stuck.
            let escaped = verdict.deadlocks.len() + verdict.cannot_close.len();
            let mut plain = verdict.clone();
            plain.ignore_escaped();
            assert!(plain.holds(), "{bounds:?}: {plain:?}");
            assert_eq!(verdict.count_without_escapes(&verdict.cannot_close), 0);
            assert!(escaped > 0 || !bounds.reorder, "{bounds:?}");
        });
    }
}

#[test]
fn removing_closing_ack_is_caught_with_a_simultaneous_close_that_gets_stuck() {
    let spec = mutated_spec();
    run(&spec, Bounds::default(), |model, exploration, verdict| {
        assert!(!verdict.holds());
        let deadlock = verdict.deadlocks[0];
        let state = &exploration.states[deadlock];
        let closing = spec.state_named("CLOSING").unwrap();
        assert!(state.both_in(closing), "{state:?}");
        assert!(
            verdict.without_escapes[deadlock],
            "no ABORT is needed to get stuck"
        );
        let path = exploration.path_to(deadlock);
        let transcript = trace::transcript(model, "counterexample", &path);
        let figure = transcript.figure();
        let last = figure.lines().last().unwrap();
        assert!(
            last.contains("CLOSING") && last.trim_end().ends_with("CLOSING"),
            "{figure}"
        );
        assert_eq!(
            figure.matches("(CLOSE)").count(),
            2,
            "both users close:\n{figure}"
        );
        assert!(figure.contains("CLOSING      --> "), "{figure}");
        // The ACKs of the FINs arrive and CLOSING has no transition for them.
        let report = Report::new(model, exploration, verdict, "mutated.toml");
        assert!(
            report
                .ignored
                .iter()
                .any(|(arrival, _)| arrival == "CLOSING: rcv ACK")
        );
    });
}

#[test]
fn with_retransmissions_the_mutated_spec_recovers_through_a_repeated_fin() {
    // A retransmitted FIN acknowledges the peer's FIN: CLOSING + rcv_fin_ack -> TIME_WAIT
    // finishes what CLOSING + rcv_ack no longer does, one timeout later. That is why, on a
    // reliable network, retransmissions are off: a run that needs one is reported stuck.
    let bounds = Bounds {
        retransmissions: true,
        ..Bounds::default()
    };
    run(&mutated_spec(), bounds, |_, _, verdict| {
        assert!(verdict.holds(), "{verdict:?}");
    });
}

#[test]
fn explore_reports_success_on_the_bundled_spec() {
    let out = tcp_fsm(&["explore"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.starts_with("tcp-fsm/tcp.toml: "), "{stdout}");
    assert!(stdout.contains("\nok    no deadlock"), "{stdout}");
    assert!(stdout.contains(
        "\nok    from every reachable joint state both sides can still get back to CLOSED"
    ));
    assert!(stdout.contains("LISTEN --send--> SYN_SENT  (send is not explored: --sends 0)"));
}

#[test]
fn explore_prints_the_counterexample_of_the_mutated_spec_and_exits_1() {
    let dir = std::env::temp_dir().join(format!("tcp-fsm-explore-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("no-closing-ack.toml");
    std::fs::write(&path, test_support::tcp_without_closing_ack()).unwrap();
    let out = tcp_fsm(&["explore", path.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAIL  "), "{stdout}");
    assert!(stdout.contains("Counterexample: a deadlock."), "{stdout}");
    assert!(
        stdout.contains("The shortest run to a deadlock ("),
        "{stdout}"
    );
    let json = tcp_fsm(&["explore", path.to_str().unwrap(), "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(value["deadlocks"].as_u64().unwrap() > 0);
    let transcript = value["counterexample"]["transcript"].as_str().unwrap();
    assert!(transcript.contains("CLOSING"), "{transcript}");
}

#[test]
fn explore_rejects_unknown_event_names() {
    let out = tcp_fsm(&["explore", "--timeouts", "timeout_3msl"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("`timeout_3msl` is not a timeout event of the spec"),
        "{stderr}"
    );
}

/// What an exploration finds: how many joint states and moves; the verdict (deadlocks,
/// states that cannot close); which transitions are taken and which arrivals are dropped.
type Findings = (
    (usize, usize),
    (usize, usize),
    Vec<bool>,
    BTreeMap<(StateId, EventId), usize>,
);

fn findings(spec: &Spec, bounds: Bounds, first_isns: [SeqNum; 2]) -> Findings {
    let rules = Interpreter::new(spec).unwrap();
    let mut options = Options::for_spec(spec, bounds);
    options.first_isns = first_isns;
    let model = Model::new(&rules, options);
    let exploration = explore(&model);
    let verdict = exploration.verdict(&model);
    assert!(exploration.complete && exploration.error.is_none());
    (
        (exploration.states.len(), exploration.moves()),
        (verdict.deadlocks.len(), verdict.cannot_close.len()),
        exploration.used.clone(),
        exploration.ignored.clone(),
    )
}

/// The default ISNs (100, 300) moved to just below 2^32, as far as the receive windows (100
/// octets from ISN + 1) allow without holding 0; later connections (ISN + 1000) wrap.
const SHIFTED_BELOW_THE_WRAP: [SeqNum; 2] = [SeqNum(4_294_966_995), SeqNum(4_294_967_195)];

#[test]
fn isns_just_below_2_32_explore_exactly_what_the_default_ones_do() {
    let spec = tcp_engine::spec();
    let two_connections = Bounds {
        opens: 2,
        retransmissions: true,
        ..Bounds::default()
    };
    let with_data = Bounds {
        sends: 1,
        ..Bounds::default()
    };
    for bounds in [Bounds::default(), with_data, two_connections] {
        assert_eq!(
            findings(&spec, bounds.clone(), SHIFTED_BELOW_THE_WRAP),
            findings(&spec, bounds.clone(), DEFAULT_FIRST_ISNS),
            "{bounds:?}"
        );
    }
    let mutated = mutated_spec();
    assert_eq!(
        findings(&mutated, Bounds::default(), SHIFTED_BELOW_THE_WRAP),
        findings(&mutated, Bounds::default(), DEFAULT_FIRST_ISNS)
    );
}

#[test]
fn a_receive_window_across_the_wrap_holds_resets_numbered_0_and_the_verdict_stands() {
    // With B's ISN 4294967200, A's receive window is [4294967201, 5) modulo 2^32, so a RST
    // that a CLOSED B sends in answer to a segment without ACK (SEQ=0, RFC 793 3.4 "Reset
    // Generation", 1) is in A's window (3.9, "a reset is valid if its sequence number is in
    // the window") and resets a connection that ignores it with the default ISNs. Fewer
    // joint states, but the same verdict, the same transitions taken, the same drops.
    let spec = tcp_engine::spec();
    let near_the_wrap = [SeqNum(4_294_967_000), SeqNum(4_294_967_200)];
    let (count, verdict, used, ignored) = findings(&spec, Bounds::default(), near_the_wrap);
    let (default_count, default_verdict, default_used, default_ignored) =
        findings(&spec, Bounds::default(), DEFAULT_FIRST_ISNS);
    assert!(count.0 < default_count.0, "{count:?} {default_count:?}");
    assert_eq!(
        (verdict, used, ignored),
        (default_verdict, default_used, default_ignored)
    );
    assert_eq!(verdict, (0, 0));
}

#[test]
fn explore_takes_the_first_isns_from_the_command_line() {
    let default = tcp_fsm(&["explore"]);
    let wrapped = tcp_fsm(&["explore", "--isn", "4294966995,4294967195"]);
    assert_eq!(wrapped.status.code(), Some(0));
    let first_line = |out: &Output| {
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let line = stdout.lines().next().unwrap().to_string();
        line[..line.find(", explored").unwrap()].to_string()
    };
    assert_eq!(first_line(&wrapped), first_line(&default));
    let stdout = String::from_utf8_lossy(&wrapped.stdout);
    assert!(
        stdout.contains("First ISNs: A 4294966995, B 4294967195 (later connections add 1000"),
        "{stdout}"
    );
    assert!(!String::from_utf8_lossy(&default.stdout).contains("First ISNs"));
    for bad in ["4294967296,1", "1", "1,2,3"] {
        let out = tcp_fsm(&["explore", "--isn", bad]);
        assert_eq!(out.status.code(), Some(2), "--isn {bad}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("--isn"),
            "--isn {bad}"
        );
    }
}

#[test]
fn a_counterexample_across_the_wrap_prints_wrapped_numbers() {
    let spec = mutated_spec();
    let rules = Interpreter::new(&spec).unwrap();
    let mut options = Options::for_spec(&spec, Bounds::default());
    options.first_isns = [SeqNum(4_294_967_295), SeqNum(4_294_967_290)];
    let model = Model::new(&rules, options);
    let exploration = explore(&model);
    let verdict = exploration.verdict(&model);
    let path = exploration.path_to(verdict.deadlocks[0]);
    let figure = trace::transcript(&model, "across the wrap", &path).figure();
    // A's SYN,ACK takes 4294967295, so its FIN is numbered 0 and acknowledged with 1.
    assert!(
        figure.contains("<SEQ=4294967295><ACK=4294967291><CTL=SYN,ACK>"),
        "{figure}"
    );
    assert!(
        figure.contains("<SEQ=0><ACK=4294967291><CTL=FIN,ACK>"),
        "{figure}"
    );
    assert!(figure.contains("<ACK=1><CTL=ACK>"), "{figure}");
    assert!(figure.trim_end().ends_with("CLOSING"), "{figure}");
}

/// The spec of [`test_support::tcp_without_closing_ack`], parsed.
fn mutated_spec() -> fsm_spec::Spec {
    let source = fsm_spec::SourceFile::new(
        test_support::TCP_WITHOUT_CLOSING_ACK_NAME,
        test_support::tcp_without_closing_ack(),
    );
    fsm_spec::Spec::from_source(&source).unwrap_or_else(|e| panic!("{e}"))
}
