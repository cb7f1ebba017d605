//! `tcp-fsm conform` as a user runs it: the case list, bad input, the smoltcp and lwIP runs, and the
//! Linux run with its self-check, as root and as an ordinary user in a user namespace of its
//! own (as root with /dev/net/tun; elsewhere skipped, unless `TCP_FSM_REQUIRE_CONFORMANCE=1`
//! turns the skip into a failure), and the error where no user namespace may be made.

mod cli;
use cli::{tcp_fsm, temp_file, text};

use tcp_engine::conform::linux::unavailable;

#[test]
fn the_list_has_one_case_per_transition_with_its_run() {
    let output = tcp_fsm(&["conform", "--list"]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = text(&output.stdout);
    assert!(stdout.ends_with("92 cases\n"), "{stdout}");
    assert!(
        stdout.contains(
            "syn_received_rcv_rst_passive_open    SYN_RECEIVED --rcv_rst--> LISTEN sends nothing; after passive_open, rcv_syn"
        ),
        "{stdout}"
    );
    let json = tcp_fsm(&["conform", "--list", "--format", "json"]);
    let cases: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let cases = cases.as_array().unwrap();
    assert_eq!(cases.len(), 92);
    assert_eq!(cases[1]["case"], "closed_active_open");
    assert_eq!(cases[1]["expected"]["send"], "SYN");
}

#[test]
fn an_unknown_target_lists_the_known_ones() {
    let output = tcp_fsm(&["conform", "--target", "bsd"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("unknown target `bsd`; the known targets are: smoltcp, linux, lwip"),
        "{stderr}"
    );
}

#[test]
fn a_spec_without_segment_bindings_names_the_events() {
    // An unbound receive event: its cases say why they cannot be driven.
    let text_without = tcp_fsm::SPEC_SOURCE.replace("segment = \"RST\"\n", "");
    let path = temp_file("no-rst-segment.toml", text_without);
    let output = tcp_fsm(&[
        "conform",
        "--list",
        "--format",
        "json",
        path.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let cases: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rst = cases
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["case"] == "established_rcv_rst")
        .expect("the case is listed");
    let why = rst["unreachable"].as_str().unwrap_or_default();
    assert!(why.contains("`rcv_rst` has no `segment`"), "{why}");
    // No receive event bound at all: nothing can be driven, an error names them.
    let mut none = tcp_fsm::SPEC_SOURCE.to_string();
    for segment in ["SYN", "SYN,ACK", "ACK", "FIN", "FIN,ACK", "RST"] {
        none = none.replacen(&format!("segment = \"{segment}\"\n"), "", 1);
    }
    let path = temp_file("no-segments.toml", none);
    let output = tcp_fsm(&["conform", "--list", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("rcv_rst (receive)"), "{stderr}");
}

#[test]
fn smoltcp_reports_json_with_every_field() {
    let output = tcp_fsm(&["conform", "--target", "smoltcp", "--format", "json"]);
    // smoltcp differs from RFC 793 where no reference explains it: exit 1.
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let reports: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let cases = reports[0]["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 92);
    for key in [
        "case",
        "from",
        "event",
        "guard",
        "expected",
        "observed",
        "verdict",
        "explained_by",
        "reason",
    ] {
        assert!(cases[0].get(key).is_some(), "missing {key}");
    }
    let handshake = cases
        .iter()
        .find(|c| c["case"] == "listen_rcv_syn")
        .unwrap();
    assert_eq!(handshake["verdict"], "agrees");
    assert_eq!(handshake["observed"]["state"], "SYN_RECEIVED");
}

#[test]
fn lwip_reports_json_with_every_field() {
    if let Some(why) = tcp_engine::conform::lwip::unavailable() {
        test_support::LWIP.skip("lwip conform run", &why);
        let output = tcp_fsm(&["conform", "--target", "lwip"]);
        assert_eq!(output.status.code(), Some(2));
        assert!(text(&output.stderr).contains("target `lwip` cannot run here"));
        return;
    }
    let output = tcp_fsm(&["conform", "--target", "lwip", "--format", "json"]);
    // lwIP differs from RFC 793 where no reference explains it: exit 1.
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let reports: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(reports[0]["target"], "lwip");
    let cases = reports[0]["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 92);
    let handshake = cases
        .iter()
        .find(|c| c["case"] == "listen_rcv_syn")
        .unwrap();
    assert_eq!(handshake["verdict"], "agrees");
    // lwIP's own name of the state, and the spec's.
    assert_eq!(handshake["observed"]["stack_state"], "SYN_RCVD");
    assert_eq!(handshake["observed"]["state"], "SYN_RECEIVED");
}

fn can_run_linux(test: &str) -> bool {
    let Some(why) = unavailable() else {
        return true;
    };
    test_support::CONFORMANCE.skip(test, &why)
}

/// `tcp-fsm ARGS` inside a user namespace of its own whose `user.max_user_namespaces` is 0,
/// as root there but without a capability: the target must make a user namespace and may
/// not. `None` where `unshare -U` cannot run (no util-linux, or no user namespaces at all).
fn where_no_user_namespace_may_be_made(args: &[&str]) -> Option<std::process::Output> {
    let probe = std::process::Command::new("unshare")
        .args(["-U", "-r", "true"])
        .output()
        .ok()?;
    if !probe.status.success() {
        return None;
    }
    let script = "echo 0 > /proc/sys/user/max_user_namespaces && \
                  exec setpriv --bounding-set=-all --inh-caps=-all \"$@\"";
    let output = std::process::Command::new("unshare")
        .args([
            "-U",
            "-r",
            "sh",
            "-c",
            script,
            "sh",
            env!("CARGO_BIN_EXE_tcp-fsm"),
        ])
        .args(args)
        .output()
        .expect("unshare runs");
    Some(output)
}

#[test]
fn linux_where_no_user_namespace_may_be_made_exits_2_saying_how_to_allow_it() {
    for args in [
        &["conform", "--target", "linux"][..],
        &["learn", "--target", "linux", "--events", "passive_open"],
    ] {
        let Some(output) = where_no_user_namespace_may_be_made(args) else {
            test_support::CONFORMANCE.skip("linux without user namespaces", "unshare -U fails");
            return;
        };
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("target `linux` cannot run here"),
            "{stderr}"
        );
        assert!(
            stderr.contains("does not let an ordinary user make one"),
            "{stderr}"
        );
        assert!(
            stderr.contains("user.max_user_namespaces above 0"),
            "{stderr}"
        );
    }
}

#[test]
fn linux_runs_as_root_and_as_an_ordinary_user_and_a_flipped_transition_differs() {
    if !can_run_linux("linux conform run") {
        return;
    }
    let user = match cli::as_ordinary_user() {
        Ok(command) => command,
        Err(why) => {
            test_support::CONFORMANCE.skip("linux conform as an ordinary user", &why);
            return;
        }
    };
    let marker = "from = \"LAST_ACK\"\nevent = \"rcv_ack\"\nto = \"CLOSED\"";
    let flipped_text = tcp_fsm::SPEC_SOURCE.replacen(
        marker,
        "from = \"LAST_ACK\"\nevent = \"rcv_ack\"\nto = \"LAST_ACK\"",
        1,
    );
    let flipped = temp_file("flipped.toml", flipped_text);
    // The two targets the test is about (lwIP has its own test above).
    let args = |spec: Option<&str>| {
        let mut args = vec!["conform", "--target", "smoltcp,linux", "--format", "json"];
        args.extend(spec);
        args.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let reports = |mut command: std::process::Command, args: Vec<String>| {
        let output = command.args(args).output().expect("the binary runs");
        assert_ne!(output.status.code(), Some(2), "{}", text(&output.stderr));
        let reports: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        reports.as_array().unwrap().clone()
    };
    let binary = || std::process::Command::new(env!("CARGO_BIN_EXE_tcp-fsm"));
    let flipped_args = args(Some(flipped.to_str().unwrap()));
    let (baseline, changed, as_user) = std::thread::scope(|s| {
        let a = s.spawn(|| reports(binary(), args(None)));
        let b = s.spawn(|| reports(binary(), flipped_args.clone()));
        let c = s.spawn(|| reports(user, args(None)));
        (a.join().unwrap(), b.join().unwrap(), c.join().unwrap())
    });
    // An ordinary user (in a user namespace of its own) drives the same cases with the
    // same verdicts.
    let verdicts = |reports: &[serde_json::Value]| -> Vec<(String, String)> {
        reports
            .iter()
            .flat_map(|r| r["cases"].as_array().unwrap())
            .map(|c| (c["case"].to_string(), c["verdict"].to_string()))
            .collect()
    };
    assert_eq!(verdicts(&as_user), verdicts(&baseline));
    for (before, after) in baseline.iter().zip(&changed) {
        let target = before["target"].as_str().unwrap();
        let pairs = before["cases"]
            .as_array()
            .unwrap()
            .iter()
            .zip(after["cases"].as_array().unwrap());
        let differing: Vec<&str> = pairs
            .filter(|(a, b)| a["verdict"] != b["verdict"])
            .map(|(_, b)| b["case"].as_str().unwrap())
            .collect();
        assert_eq!(differing, ["last_ack_rcv_ack"], "on {target}");
        let driven = before["cases"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["verdict"] != "not_driven")
            .count();
        assert!(driven >= 75, "{driven} cases driven on {target}");
    }
}
