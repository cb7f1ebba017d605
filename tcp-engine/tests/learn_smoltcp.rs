//! `learn` on smoltcp (and lwIP, and Linux where it can run): the learned
//! machine is a spec that checks, it agrees with `conform` on every case both can run, and a
//! stack that crashes, hangs, cannot be opened or is interrupted ends learning with a clear
//! error.

use fsm_spec::{SourceFile, Spec};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use tcp_engine::binding::Call;
use tcp_engine::conform::report::{Verdict, significant};
use tcp_engine::conform::{self, NotDriven, Stack, Timer, cases};
use tcp_engine::interpreter::Interpreter;
use tcp_engine::learn::{self, LearnError, Learned, Options, Output, Target};
use tcp_engine::wire::{Control, Segment};

fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(tcp_engine::spec)
}

/// smoltcp learned once for all the tests.
fn learned() -> &'static Learned {
    static LEARNED: OnceLock<Learned> = OnceLock::new();
    LEARNED.get_or_init(|| {
        let machine = Interpreter::new(spec()).unwrap();
        learn::learn(&machine, &learn::smoltcp(), &Options::default()).unwrap()
    })
}

#[test]
fn the_learned_spec_checks_and_drives_the_engine() {
    let machine = Interpreter::new(spec()).unwrap();
    let text = learn::spec_text(learned(), &machine);
    let report = fsm_spec::check(&SourceFile::new("learned-smoltcp.toml", text.clone()));
    assert!(
        !report.diagnostics.has_errors(),
        "{:?}\n{text}",
        report.diagnostics
    );
    let learned_spec = report.spec.unwrap();
    Interpreter::new(&learned_spec).expect("its sends are TCP control bits");
    // The states every connection goes through are named after the spec's.
    for name in ["CLOSED", "LISTEN", "SYN_SENT", "ESTABLISHED"] {
        assert!(learned_spec.state_named(name).is_some(), "{name}\n{text}");
    }
    assert!(
        text.contains("membership queries"),
        "the doc gives the counts"
    );
    // The learned machine differs from the RFC's, and diff says where.
    let diff = fsm_spec::diff::compare_specs(spec(), &learned_spec, 1000);
    assert!(!diff.differences.is_empty());
    assert_eq!(diff.only_in_a, ["rcv_bad_security"]);
}

#[test]
fn the_learned_machine_agrees_with_conform_on_every_case_both_run() {
    let machine = Interpreter::new(spec()).unwrap();
    let cases = cases::cases(&machine).unwrap();
    let report = conform::run_smoltcp(&machine, &cases);
    assert_agrees(learned(), &cases, &report, 70);
}

#[test]
fn lwip_learned_agrees_with_conform_on_lwip() {
    if let Some(why) = conform::lwip::unavailable() {
        test_support::LWIP.skip("learning lwIP", &why);
        return;
    }
    let machine = Interpreter::new(spec()).unwrap();
    let learned = learn::learn(&machine, &learn::lwip().unwrap(), &Options::default()).unwrap();
    let cases = cases::cases(&machine).unwrap();
    let report = conform::lwip::run(&machine, &cases).unwrap();
    assert_agrees(&learned, &cases, &report, 75);
}

#[test]
fn linux_learned_agrees_with_conform_on_linux() {
    if let Some(why) = conform::linux::unavailable() {
        test_support::CONFORMANCE.skip("learning Linux", &why);
        return;
    }
    let machine = Interpreter::new(spec()).unwrap();
    // The alphabet `.ci/run` learns as an ordinary user: every call and segment but SEND,
    // some 2 minutes. The default alphabet has SEND too, after which each unacknowledged
    // segment up to the congestion window is a state, and takes 8 (docs/conformance.md, 9).
    let options = Options {
        events: Some(
            [
                "passive_open",
                "active_open",
                "close",
                "abort",
                "rcv_syn",
                "rcv_syn_ack",
                "rcv_ack",
                "rcv_fin",
                "rcv_fin_ack",
                "rcv_rst",
            ]
            .map(String::from)
            .to_vec(),
        ),
        ..Options::default()
    };
    let target = learn::linux(learn::LINUX_SILENCE).unwrap();
    let learned = learn::learn(&machine, &target, &options).unwrap();
    // A clean spec: states only a timer would end are written `final`, not dead ends.
    let text = learn::spec_text(&learned, &machine);
    let report = fsm_spec::check(&SourceFile::new("learned-linux.toml", text.clone()));
    assert!(
        report.diagnostics.is_empty(),
        "{:?}\n{text}",
        report.diagnostics
    );
    let cases = cases::cases(&machine).unwrap();
    let report = conform::linux::run(&machine, &cases).unwrap();
    assert_agrees(&learned, &cases, &report, 66);
}

/// Every case `conform` drove: the learned machine sends what the stack sent and ends in
/// the state the stack reported.
fn assert_agrees(
    learned: &Learned,
    cases: &[cases::Case],
    report: &conform::report::TargetReport,
    at_least: usize,
) {
    let mut compared = 0;
    for (case, result) in cases.iter().zip(&report.cases) {
        let (Some(observed), Verdict::Agrees | Verdict::Differs) =
            (&result.observed, result.verdict)
        else {
            continue;
        };
        // A case with an event outside a smaller alphabet is not compared.
        let Some(word) = learn::word_of(learned, &case.steps) else {
            continue;
        };
        let outputs = learned.machine.run(&word);
        let sent: Vec<Control> = observed
            .segments
            .iter()
            .map(|s| significant(s.parse::<Segment>().unwrap().ctl))
            .collect();
        let Output::Answered { segments, .. } = outputs.last().unwrap() else {
            panic!("{}: conform drove the last step, learn did not", case.case);
        };
        assert_eq!(segments, &sent, "{}: what the stack sent", case.case);
        // The stack's state, by one of the names it gives the learned state (a learned
        // state is all the stack's states no input of the alphabet tells apart).
        let state = learned.machine.state_after(&word);
        let names: Vec<&Option<String>> = std::iter::once(&learned.stack_states[state])
            .chain(&learned.also_called[state])
            .collect();
        assert!(
            names.contains(&&observed.stack_state),
            "{}: the stack's state {:?}, learned as one of {names:?}",
            case.case,
            observed.stack_state
        );
        compared += 1;
    }
    assert!(compared >= at_least, "only {compared} cases compared");
}

/// A stack that panics on its first call: a crash.
struct Crashing;

impl Stack for Crashing {
    fn call(&mut self, _: Call) -> Result<Option<String>, NotDriven> {
        panic!("the stack crashed")
    }
    fn deliver(&mut self, _: &[u8]) {}
    fn expire(&mut self, _: Timer) -> Result<(), NotDriven> {
        Ok(())
    }
    fn emitted(&mut self) -> Vec<Segment> {
        Vec::new()
    }
    fn state(&mut self) -> Option<String> {
        None
    }
}

/// A stack that stops answering: its first output takes 5 s (bounded, so that the
/// abandoned query's thread ends soon after the test).
struct Hanging;

impl Stack for Hanging {
    fn call(&mut self, _: Call) -> Result<Option<String>, NotDriven> {
        Ok(None)
    }
    fn deliver(&mut self, _: &[u8]) {}
    fn expire(&mut self, _: Timer) -> Result<(), NotDriven> {
        Ok(())
    }
    fn emitted(&mut self) -> Vec<Segment> {
        std::thread::sleep(std::time::Duration::from_secs(5));
        Vec::new()
    }
    fn state(&mut self) -> Option<String> {
        None
    }
}

fn target(open: Arc<learn::Open>) -> Target {
    Target {
        name: "test".into(),
        version: "test stack".into(),
        open,
        threads: 2,
        timers: true,
        random_words: 0,
        votes: 0,
    }
}

#[test]
fn a_stack_that_crashes_ends_learning_with_an_error() {
    let machine = Interpreter::new(spec()).unwrap();
    let crashing = target(Arc::new(|| Ok(Box::new(Crashing) as Box<dyn Stack>)));
    let error = learn::learn(&machine, &crashing, &Options::default()).unwrap_err();
    assert!(matches!(error, LearnError::Crashed { .. }), "{error}");
    assert!(error.to_string().contains("the stack crashed"), "{error}");
}

#[test]
fn a_stack_that_hangs_ends_learning_at_the_query_limit() {
    let machine = Interpreter::new(spec()).unwrap();
    let hanging = target(Arc::new(|| Ok(Box::new(Hanging) as Box<dyn Stack>)));
    let options = Options {
        query_limit: Some(std::time::Duration::from_secs(1)),
        ..Options::default()
    };
    let error = learn::learn(&machine, &hanging, &options).unwrap_err();
    assert!(
        matches!(error, LearnError::Hung { seconds: 1, .. }),
        "{error}"
    );
    let text = error.to_string();
    assert!(
        text.starts_with("test: the stack did not answer the query [")
            && text.ends_with("] within 1 s"),
        "{text}"
    );
}

#[test]
fn a_stack_that_cannot_be_opened_is_named() {
    let machine = Interpreter::new(spec()).unwrap();
    let closed = target(Arc::new(|| Err("no such device".to_string())));
    let error = learn::learn(&machine, &closed, &Options::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "test: a stack could not be set up: no such device"
    );
}

#[test]
fn a_stop_request_interrupts_learning() {
    let machine = Interpreter::new(spec()).unwrap();
    let options = Options::default();
    options.stop.store(true, Ordering::Relaxed);
    let error = learn::learn(&machine, &learn::smoltcp(), &options).unwrap_err();
    assert_eq!(error, LearnError::Interrupted);
    // Stopped from another thread while it runs.
    let stop = Arc::new(AtomicBool::new(false));
    let options = Options {
        stop: Arc::clone(&stop),
        ..Options::default()
    };
    let stopper = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(300));
        stop.store(true, Ordering::Relaxed);
    });
    let error = learn::learn(&machine, &learn::smoltcp(), &options).unwrap_err();
    stopper.join().unwrap();
    assert_eq!(error, LearnError::Interrupted);
}

#[test]
fn an_alphabet_the_target_cannot_take_is_refused() {
    let machine = Interpreter::new(spec()).unwrap();
    let events = |names: &[&str]| Options {
        events: Some(names.iter().map(|n| n.to_string()).collect()),
        ..Options::default()
    };
    let error = learn::learn(
        &machine,
        &learn::smoltcp(),
        &events(&["rcv_bad_security", "knock"]),
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("`rcv_bad_security` stands for nothing a stack can be given"),
        "{error}"
    );
    assert!(error.contains("no event `knock`"), "{error}");
    // A smaller alphabet is learned.
    let small = learn::learn(
        &machine,
        &learn::smoltcp(),
        &events(&["passive_open", "rcv_syn", "rcv_ack"]),
    )
    .unwrap();
    assert_eq!(small.alphabet.len(), 3);
    assert_eq!(small.names[0], "CLOSED");
}
