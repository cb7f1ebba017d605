//! Every shipped scenario plays on the bundled spec, and `tcp-fsm simulate` behaves as a user
//! expects: transcripts on stdout, problems with `file:line:col` on stderr, exit codes.

mod cli;
use cli::{tcp_fsm, temp_file, text};

use fsm_spec::SourceFile;
use std::path::PathBuf;
use tcp_engine::interpreter::Interpreter;
use tcp_engine::scenario::{Scenario, simulate};

fn scenarios() -> Vec<PathBuf> {
    let dir = test_support::scenario("");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths
}

#[test]
fn every_shipped_scenario_plays_on_the_bundled_spec() {
    let spec = tcp_engine::spec();
    let rules = Interpreter::new(&spec).unwrap();
    let paths = scenarios();
    let names: Vec<String> = paths
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    for required in [
        "connection-refused",
        "half-close",
        "blog-three-way-handshake",
        "blog-simultaneous-open",
        "blog-four-way-close",
        "blog-simultaneous-close",
        "blog-time-wait",
    ] {
        assert!(names.iter().any(|n| n == required), "{required} is missing");
    }
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let scenario = Scenario::parse(SourceFile::new(path.display().to_string(), text))
            .unwrap_or_else(|e| panic!("{e}"));
        // Steps' `expect` states are checked while playing.
        let transcript = simulate(&rules, &scenario).unwrap_or_else(|e| panic!("{e}"));
        assert!(!transcript.rows.is_empty(), "{}", path.display());
    }
}

#[test]
fn every_rfc_figure_plays_on_the_rfc_9293_spec_too() {
    let bundled = tcp_engine::specs::bundled("tcp9293").unwrap();
    let spec = fsm_spec::Spec::from_source(&bundled.source_file()).unwrap();
    let rules = Interpreter::new(&spec).unwrap();
    let figures: Vec<PathBuf> = scenarios()
        .into_iter()
        .filter(|p| p.file_stem().unwrap().to_string_lossy().starts_with("rfc"))
        .collect();
    assert_eq!(
        figures.len(),
        16,
        "eight RFC 793 figures and eight RFC 9293 ones"
    );
    for path in figures {
        let text = std::fs::read_to_string(&path).unwrap();
        let scenario = Scenario::parse(SourceFile::new(path.display().to_string(), text))
            .unwrap_or_else(|e| panic!("{e}"));
        simulate(&rules, &scenario).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

#[test]
fn scenario_expectations_catch_a_spec_that_cannot_close_simultaneously() {
    let spec = mutated_spec();
    let rules = Interpreter::new(&spec).unwrap();
    let path = test_support::scenario("blog-simultaneous-close.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let scenario = Scenario::parse(SourceFile::new("blog-simultaneous-close.toml", text)).unwrap();
    let error = simulate(&rules, &scenario).unwrap_err().to_string();
    assert!(
        error.contains("blog-simultaneous-close.toml:")
            && error.contains("TCP A is CLOSING, but the scenario expects TIME_WAIT"),
        "{error}"
    );
}

#[test]
fn simulate_prints_the_figure_and_says_it_matches_the_rfc() {
    let path = test_support::scenario("rfc793-figure-07.toml");
    let out = tcp_fsm(&["simulate", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("  2.  SYN-SENT    --> <SEQ=100><CTL=SYN>                --> SYN-RECEIVED"),
        "{stdout}"
    );
    assert!(
        stdout.contains("The transcript matches rfc793.txt lines 2029-2039 line by line."),
        "{stdout}"
    );
}

#[test]
fn explain_says_what_each_endpoint_did() {
    let path = test_support::scenario("rfc793-figure-10.toml");
    let out = tcp_fsm(&["simulate", "--explain", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("   3. TCP B: dropped: not acceptable: outside the receive window"),
        "{stdout}"
    );
    assert!(
        stdout.contains("   5. TCP B: ESTABLISHED --rcv_rst--> CLOSED"),
        "{stdout}"
    );
}

#[test]
fn a_transcript_that_differs_from_the_expected_figure_fails() {
    let path = test_support::scenario("rfc793-figure-07.toml");
    let altered = std::fs::read_to_string(path).unwrap().replace(
        "<SEQ=101><ACK=301><CTL=ACK><DATA>",
        "<SEQ=102><ACK=301><CTL=ACK><DATA>",
    );
    let scenario = temp_file("altered-figure.toml", &altered);
    let out = tcp_fsm(&["simulate", scenario.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("error: the transcript differs from rfc793.txt lines 2029-2039"),
        "{stderr}"
    );
    assert!(
        stderr.contains("row 5: expected `5. ESTABLISHED --> <SEQ=102>"),
        "{stderr}"
    );
}

#[test]
fn invalid_scenarios_are_reported_with_file_line_and_column() {
    let scenario = temp_file(
        "bad.toml",
        "title = \"bad\"\n[[step]]\ncall = { A = \"active_open\" }\ntransmit = \"C\"\n",
    );
    let out = tcp_fsm(&["simulate", scenario.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    let name = scenario.display().to_string();
    assert!(
        stderr.contains("error: `C` is not an endpoint")
            && stderr.contains(&format!("--> {name}:4:12"))
            && stderr.contains("transmit = \"C\""),
        "{stderr}"
    );
}

#[test]
fn calls_the_spec_does_not_know_are_reported_with_their_location() {
    let scenario = temp_file(
        "typo.toml",
        "title = \"typo\"\n[[step]]\ncall = { A = \"activ_open\" }\n",
    );
    let out = tcp_fsm(&["simulate", scenario.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("`activ_open` is not a call event of the spec")
            && stderr.contains(":3:14\n"),
        "{stderr}"
    );
    assert!(stderr.contains("active_open"), "{stderr}");
}

#[test]
fn unreadable_scenarios_exit_2() {
    let out = tcp_fsm(&["simulate", "/nonexistent/scenario.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("/nonexistent/scenario.toml: cannot read"));
    let dir = std::env::temp_dir();
    let out = tcp_fsm(&["simulate", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("is a directory"));
}

#[test]
fn simulate_plays_a_spec_given_on_the_command_line() {
    let spec = temp_file("mutated.toml", test_support::tcp_without_closing_ack());
    let path = test_support::scenario("rfc793-figure-14.toml");
    let out = tcp_fsm(&[
        "simulate",
        "--spec",
        spec.to_str().unwrap(),
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("`timeout_2msl` is not legal in CLOSING"));
}

#[test]
fn a_connection_across_the_wrap_numbers_its_segments_modulo_2_32() {
    let path = test_support::scenario("wrap-around.toml");
    let out = tcp_fsm(&["simulate", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let rows = tcp_engine::transcript::figure::parse(&text(&out.stdout).replace(
        "A Connection across the Sequence Number Wrap\n(RFC 793 section 3.3)\n",
        "",
    ))
    .unwrap();
    let segments: Vec<&str> = rows.iter().filter_map(|r| r.segment.as_deref()).collect();
    assert_eq!(
        segments,
        [
            "<SEQ=4294967000><CTL=SYN>",
            // B's ISN is 2^32 - 1: the ACK of its SYN is 0.
            "<SEQ=4294967295><ACK=4294967001><CTL=SYN,ACK>",
            "<SEQ=4294967001><ACK=0><CTL=ACK>",
            // 400 octets from 4294967001: the next is 4294967401 - 2^32 = 105.
            "<SEQ=4294967001><ACK=0><CTL=ACK><DATA>",
            "<SEQ=0><ACK=105><CTL=ACK>",
            "<SEQ=105><ACK=0><CTL=FIN,ACK>",
            "<SEQ=0><ACK=106><CTL=ACK>",
            "<SEQ=0><ACK=106><CTL=FIN,ACK>",
            "<SEQ=106><ACK=1><CTL=ACK>",
        ]
    );
    let last = rows.last().unwrap();
    assert_eq!((last.a.as_str(), last.b.as_str()), ("CLOSED", "CLOSED"));
}

/// The spec of [`test_support::tcp_without_closing_ack`], parsed.
fn mutated_spec() -> fsm_spec::Spec {
    let source = fsm_spec::SourceFile::new(
        test_support::TCP_WITHOUT_CLOSING_ACK_NAME,
        test_support::tcp_without_closing_ack(),
    );
    fsm_spec::Spec::from_source(&source).unwrap_or_else(|e| panic!("{e}"))
}
