//! `tcp-fsm audit`, `diagram` and `report` as a user runs them: exit codes and output.

mod cli;
use cli::{tcp_fsm, temp_dir, temp_file, text};

use std::process::Command;

const TCP: &str = tcp_fsm::SPEC_SOURCE;

#[test]
fn audit_of_the_bundled_spec_passes() {
    let out = tcp_fsm(&["audit"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("Audit of tcp-fsm/tcp.toml against Rfc793"),
        "{stdout}"
    );
    assert!(
        stdout
            .trim_end()
            .ends_with("0 discrepancies, 0 notes: audit passed."),
        "{stdout}"
    );
}

#[test]
fn audit_of_a_mutated_spec_fails_with_the_line() {
    let mutated = TCP.replacen(
        "from = \"LAST_ACK\"\nevent = \"rcv_ack\"\nto = \"CLOSED\"",
        "from = \"LAST_ACK\"\nevent = \"rcv_ack\"\nto = \"TIME_WAIT\"",
        1,
    );
    assert_ne!(mutated, TCP);
    let line = mutated[..mutated
        .find("from = \"LAST_ACK\"\nevent = \"rcv_ack\"")
        .unwrap()]
        .lines()
        .count();
    let path = temp_file("target.toml", &mutated);
    let out = tcp_fsm(&["audit", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let differs: Vec<&str> = stdout.lines().filter(|l| l.contains("DIFFERS")).collect();
    assert_eq!(differs.len(), 1, "{stdout}");
    assert!(
        differs[0].starts_with("  DIFFERS   rcv_ack") && differs[0].contains("-> TIME_WAIT"),
        "{}",
        differs[0]
    );
    assert!(differs[0].contains("different target: reference -> CLOSED; RFC 793 3.2 Figure 6;"));
    assert!(
        differs[0].ends_with(&format!("target.toml:{line}]")),
        "{}",
        differs[0]
    );
}

#[test]
fn audit_json_is_machine_readable() {
    let out = tcp_fsm(&["audit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["reference"], "Rfc793");
    let findings = json["findings"].as_array().unwrap();
    let first = &findings[0];
    assert_eq!(first["kind"], "matched");
    assert_eq!(first["status"], "ok");
    assert_eq!(first["state"], "CLOSED");
    assert!(first["cite"].as_str().unwrap().starts_with("RFC 793"));
    assert_eq!(json["coverage"].as_array().unwrap().len(), 11);
}

#[test]
fn audit_against_rfc9293_reports_what_changed() {
    let out = tcp_fsm(&["audit", "--against", "rfc9293"]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("Audit of tcp-fsm/tcp.toml against Rfc9293"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Changes from the baseline to Rfc9293"),
        "{stdout}"
    );
    // RFC 9293 returns SYN-RECEIVED to LISTEN on a SYN after a passive OPEN; the bundled
    // spec follows RFC 793 there.
    assert!(
        stdout.contains("SYN_RECEIVED on rcv_syn: spec follows the baseline"),
        "{stdout}"
    );
}

#[test]
fn audit_against_an_unknown_reference_is_a_usage_error() {
    let out = tcp_fsm(&["audit", "--against", "rfc9999"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("rfc9999: cannot read"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn diagram_formats() {
    let dot = tcp_fsm(&["diagram"]);
    assert_eq!(dot.status.code(), Some(0));
    assert!(text(&dot.stdout).starts_with("digraph \"Tcp\" {"));
    let mermaid = tcp_fsm(&["diagram", "--format", "mermaid", "--arcs", "figure6"]);
    assert!(text(&mermaid.stdout).starts_with("stateDiagram-v2\n    [*] --> CLOSED\n"));
    let path = temp_dir().join("tcp.svg");
    let svg = tcp_fsm(&["diagram", "--format", "svg", "-o", path.to_str().unwrap()]);
    assert_eq!(svg.status.code(), Some(0), "{}", text(&svg.stderr));
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(written.trim_end().ends_with("</svg>"));
}

#[test]
fn diagram_with_an_impossible_path_is_refused() {
    let out = tcp_fsm(&["diagram", "--highlight", "bad=close"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr).trim(),
        "error: --highlight bad=close: event `close` (step 1) has no transition there"
    );
}

/// Whether Graphviz's `dot` can be run.
fn has_graphviz() -> bool {
    Command::new("dot").arg("-V").output().is_ok()
}

#[test]
fn graphviz_accepts_our_dot() {
    if !has_graphviz() {
        println!("skipped: Graphviz `dot` is not installed");
        return;
    }
    let player = test_support::player_path();
    let player = player.to_str().unwrap();
    for args in [
        &["diagram"][..],
        &["diagram", "--flat"],
        &["diagram", "tcp9293"],
        &["diagram", player],
        &[
            "diagram",
            "--arcs",
            "figure6",
            "--highlight",
            "client",
            "--highlight",
            "server",
        ],
    ] {
        let dot = tcp_fsm(args);
        assert_eq!(
            dot.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&dot.stderr)
        );
        let path = temp_file("graph.dot", text(&dot.stdout));
        let out = Command::new("dot")
            .args(["-Tsvg", path.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(text(&out.stdout).contains("<svg"));
        // A warning would mean an ltail or lhead Graphviz cannot draw (an edge clipped at a
        // cluster that holds both its ends).
        assert_eq!(text(&out.stderr), "", "{args:?}");
    }
    let out = tcp_fsm(&["diagram", "--format", "svg", "--engine", "graphviz"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("<svg"));
}

#[test]
fn the_checked_in_diagrams_are_up_to_date() {
    let docs = test_support::repository().join("docs");
    let spec = tcp_engine::spec();
    let files = tcp_engine::page::diagram_files(&spec);
    let stale = tcp_fsm_tools::report::stale(&docs, &files);
    assert!(
        stale.is_empty(),
        "stale: {stale:?}; regenerate with `cargo run -p tcp-fsm-tools -- report`"
    );
}

#[test]
fn report_check_passes_on_the_repository() {
    let docs = test_support::repository().join("docs");
    let out = tcp_fsm(&["report", "--check", "--out", docs.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn the_rfc_9293_spec_is_drawn_as_figure_5_and_its_diagrams_are_up_to_date() {
    let docs = test_support::repository().join("docs");
    let bundled = tcp_engine::specs::bundled("tcp9293").unwrap();
    let spec = fsm_spec::Spec::from_source(&bundled.source_file()).unwrap();
    let files = tcp_engine::page::diagram_files(&spec);
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "tcp9293.dot",
            "tcp9293.svg",
            "tcp9293-figure5.svg",
            "tcp9293.mmd"
        ]
    );
    let stale = tcp_fsm_tools::report::stale(&docs, &files);
    assert!(
        stale.is_empty(),
        "stale: {stale:?}; regenerate with `cargo run -p tcp-fsm-tools -- report`"
    );
}
