//! `tcp-fsm learn` as a user runs it: it reports each hypothesis as it goes; a run stopped by
//! Ctrl-C (SIGINT) ends with exit 2, a clear error and no output file, on smoltcp and on
//! Linux; and an ordinary user learns Linux (where the tests run as root or unprivileged
//! user namespaces are allowed; elsewhere the Linux parts are skipped, unless
//! `TCP_FSM_REQUIRE_CONFORMANCE=1`).

mod cli;
use cli::{tcp_fsm, temp_dir, text};

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Starts `command` (a `learn` run writing to `output`), waits for its line saying Ctrl-C is
/// handled, sends SIGINT, and returns its exit code and standard error; or, when the run
/// ends before that line, `Err` with what it said.
fn interrupt(mut command: Command) -> Result<(Option<i32>, String), String> {
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stderr = child.stderr.take().expect("piped");
    let (lines, received) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    let first = received
        .recv_timeout(Duration::from_secs(120))
        .expect("learn says something within 120 s");
    if !first.contains("Ctrl-C stops") {
        let _ = child.wait();
        return Err(first);
    }
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(kill.success());
    // Bounded: a stopped run ends at its queries' next step.
    let mut status = None;
    for _ in 0..600 {
        if let Some(s) = child.try_wait().expect("waitable") {
            status = Some(s);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("learn did not end within 60 s of SIGINT");
    };
    reader.join().expect("the reader ends with the pipe");
    let rest: Vec<String> = received.try_iter().collect();
    Ok((status.code(), rest.join("\n")))
}

fn assert_interrupted(code: Option<i32>, stderr: &str, output: &std::path::Path) {
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr
            .contains("interrupted: learning stopped before it finished, and nothing was written"),
        "{stderr}"
    );
    assert!(!output.exists(), "{} was written", output.display());
}

#[test]
fn ctrl_c_stops_learning_smoltcp_with_exit_2_and_no_file() {
    let output = temp_dir().join("interrupted-smoltcp.toml");
    let mut command = Command::new(env!("CARGO_BIN_EXE_tcp-fsm"));
    command
        .args(["learn", "--target", "smoltcp", "-o"])
        .arg(&output);
    let (code, stderr) = interrupt(command).expect("learn starts");
    assert_interrupted(code, &stderr, &output);
}

#[test]
fn learning_reports_each_hypothesis_on_stderr() {
    let output = tcp_fsm(&[
        "learn",
        "--target",
        "smoltcp",
        "--events",
        "passive_open,rcv_syn,rcv_ack,close",
    ]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    // A line a hypothesis, numbered from 1, before the summary; the last one is the machine.
    let rounds: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("hypothesis "))
        .collect();
    assert!(rounds[0].starts_with("hypothesis 1: "), "{stderr}");
    let last = rounds.last().expect("at least one hypothesis");
    let states = last
        .split(": ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .unwrap();
    let summary = stderr.lines().last().unwrap();
    assert!(
        summary.contains(&format!(": {states} states over 4 inputs")),
        "{stderr}"
    );
    assert!(
        summary.contains(&format!("{} equivalence queries", rounds.len())),
        "{stderr}"
    );
}

/// `tcp-fsm` as an ordinary user, or `None` after saying why not (a failure where
/// `TCP_FSM_REQUIRE_CONFORMANCE=1`).
fn ordinary_user(test: &str) -> Option<Command> {
    match cli::as_ordinary_user() {
        Ok(command) => Some(command),
        Err(why) => {
            test_support::CONFORMANCE.skip(test, &why);
            None
        }
    }
}

/// Whether a run's error says the Linux target cannot run here; the skip says why.
fn cannot_run(test: &str, stderr: &str) -> bool {
    stderr.contains("target `linux` cannot run here") && {
        test_support::CONFORMANCE.skip(test, stderr);
        true
    }
}

#[test]
fn ctrl_c_stops_learning_linux_as_an_ordinary_user() {
    let Some(mut command) = ordinary_user("learn linux interrupted") else {
        return;
    };
    // Somewhere everybody may write: the ordinary user's run would write it.
    let output =
        std::env::temp_dir().join(format!("interrupted-linux-{}.toml", std::process::id()));
    command
        .args([
            "learn",
            "--target",
            "linux",
            "--events",
            "passive_open,rcv_syn,rcv_ack,close",
            "-o",
        ])
        .arg(&output);
    match interrupt(command) {
        Ok((code, stderr)) => assert_interrupted(code, &stderr, &output),
        Err(said) if cannot_run("learn linux interrupted", &said) => {}
        Err(said) => panic!("learn ended before it started: {said}"),
    }
}

#[test]
fn an_ordinary_user_learns_linux_over_a_small_alphabet() {
    let Some(mut command) = ordinary_user("learn linux as an ordinary user") else {
        return;
    };
    let output = command
        .args([
            "learn",
            "--target",
            "linux",
            "--events",
            "passive_open,rcv_syn,rcv_rst",
        ])
        .output()
        .expect("the binary runs");
    let stderr = text(&output.stderr);
    if cannot_run("learn linux as an ordinary user", &stderr) {
        return;
    }
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let spec = text(&output.stdout);
    assert!(spec.contains("(target `linux`)"), "{spec}");
    // LISTEN, SYN-RECEIVED after a SYN, and back to LISTEN after a reset (RFC 9293
    // 3.10.7.3), named after the bundled spec's states where Linux agrees.
    for state in ["[states.LISTEN]", "[states.SYN_RECEIVED]"] {
        assert!(spec.contains(state), "{state} missing from\n{spec}");
    }
    let learned = temp_dir().join("learned-linux-small.toml");
    std::fs::write(&learned, &spec).unwrap();
    let check = tcp_fsm(&["check", learned.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
}
