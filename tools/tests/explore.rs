//! `tcp-fsm explore` on the bundled spec (every property holds within the default bounds, and
//! under network faults once half-open connections left by ABORT are set aside) and on a spec
//! without CLOSING + rcv_ack -> TIME_WAIT (a simultaneous close gets stuck, and the shortest
//! counterexample shows it).

mod sim_common;

use fsm_spec::Spec;
use std::process::{Command, Output};
use tcp_fsm::explore::model::{Bounds, Model, Options};
use tcp_fsm::explore::search::{Exploration, Verdict, explore};
use tcp_fsm::explore::trace;
use tcp_fsm::interpreter::Interpreter;
use tcp_fsm_tools::explore::Report;

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
        &tcp_fsm::spec(),
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
        run(&tcp_fsm::spec(), bounds.clone(), |_, _, verdict| {
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
    let spec = sim_common::mutated_spec();
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
    run(&sim_common::mutated_spec(), bounds, |_, _, verdict| {
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
    std::fs::write(&path, sim_common::spec_without_closing_ack()).unwrap();
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
