//! The connection figures of RFC 793 (3.4 and 3.5, Figures 7 to 14) and RFC 9293 (Figures 6 to
//! 13), reproduced line by line (states, control bits, SEQ and ACK numbers or the figure's
//! symbols, delayed segments, line numbers) by two endpoints driven by the bundled spec.
//!
//! Each scenario in `tcp-engine/scenarios/` carries the figure it reproduces, copied from the RFC
//! text (`[expect]`, with the RFC file and line numbers); the last test checks those copies
//! against the RFC files themselves when they are available.

use fsm_spec::{SourceFile, Spec};
use std::path::{Path, PathBuf};
use tcp_engine::interpreter::Interpreter;
use tcp_engine::scenario::{Scenario, simulate};
use tcp_engine::transcript::{Transcript, figure};

fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

fn scenario(name: &str) -> Scenario {
    let path = scenarios_dir().join(format!("{name}.toml"));
    let text = std::fs::read_to_string(&path).expect("the scenario exists");
    Scenario::parse(SourceFile::new(path.display().to_string(), text)).expect("a valid scenario")
}

fn play(spec: &Spec, scenario: &Scenario) -> Transcript {
    let rules = Interpreter::new(spec).expect("the spec sends TCP segments");
    simulate(&rules, scenario).unwrap_or_else(|e| panic!("{e}"))
}

/// Plays a scenario on the bundled spec and compares the transcript with its figure.
fn reproduce(name: &str) -> Transcript {
    let scenario = scenario(name);
    let transcript = play(&tcp_engine::spec(), &scenario);
    let expect = scenario
        .expect
        .as_ref()
        .expect("the scenario has an [expect] figure");
    let differences = figure::differences(&expect.figure, &transcript.figure());
    assert!(
        differences.is_empty(),
        "{name} differs from the RFC:\n{}\n\ntranscript:\n{}",
        differences.join("\n"),
        transcript.figure()
    );
    transcript
}

#[test]
fn figure_7_basic_three_way_handshake() {
    reproduce("rfc793-figure-07");
}

#[test]
fn figure_8_simultaneous_open() {
    let transcript = reproduce("rfc793-figure-08");
    // Line 7 is the ACK A sends for B's repeated SYN; A's SYN,ACK of line 5 was overtaken.
    assert_eq!(
        transcript.notes,
        [
            "<SEQ=100><ACK=301><CTL=SYN,ACK> from TCP A departed on line 5 and is still in the network."
        ]
    );
}

#[test]
fn figure_9_recovery_from_an_old_duplicate_syn() {
    let transcript = reproduce("rfc793-figure-09");
    // RFC 793 prints TCP A as SYN-SENT on line 7; the endpoint is ESTABLISHED, and says so.
    assert_eq!(transcript.notes.len(), 1, "{:?}", transcript.notes);
    assert!(
        transcript.notes[0].starts_with(
            "Line 7, TCP A: shown as SYN-SENT, as the figure prints it; the simulated state is ESTABLISHED."
        ),
        "{:?}",
        transcript.notes
    );
}

#[test]
fn figure_10_half_open_connection_discovery() {
    reproduce("rfc793-figure-10");
}

#[test]
fn figure_13_normal_close() {
    reproduce("rfc793-figure-13");
}

#[test]
fn figure_14_simultaneous_close() {
    let transcript = reproduce("rfc793-figure-14");
    assert!(transcript.notes.is_empty(), "{:?}", transcript.notes);
}

#[test]
fn rfc_9293_prints_figures_8_and_9_as_the_simulation_plays_them() {
    // RFC 9293's Figures 7 and 8 correct RFC 793's: no reordering, no state shown otherwise.
    reproduce("rfc9293-figure-07");
    let transcript = reproduce("rfc9293-figure-08");
    assert!(transcript.notes.is_empty(), "{:?}", transcript.notes);
}

#[test]
fn a_spec_without_closing_ack_cannot_play_figure_14() {
    let spec = mutated_spec();
    let rules = Interpreter::new(&spec).unwrap();
    let error = simulate(&rules, &scenario("rfc793-figure-14"))
        .unwrap_err()
        .to_string();
    // Both TCPs ignore the ACK of their FIN and stay in CLOSING, where no 2 MSL timer runs.
    assert!(
        error.contains("TCP A: `timeout_2msl` is not legal in CLOSING"),
        "{error}"
    );
    let figure = scenario("rfc793-figure-13");
    assert!(
        simulate(&rules, &figure).is_ok(),
        "the normal close does not need that arc"
    );
}

#[test]
fn expected_figures_are_verbatim_copies_of_the_rfc_text() {
    let mut checked = 0;
    for entry in std::fs::read_dir(scenarios_dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        let Some(expect) = scenario(&name).expect else {
            continue;
        };
        let (Some(rfc), Some([first, last])) = (&expect.rfc, expect.lines) else {
            panic!("{name}: [expect] names its RFC file and lines");
        };
        let Some(text) = test_support::rfc_text_or_skip(rfc) else {
            continue;
        };
        let original: Vec<&str> = text
            .lines()
            .skip(first - 1)
            .take(last - first + 1)
            .collect();
        let copy: Vec<&str> = expect.figure.lines().collect();
        let trimmed = |lines: &[&str]| {
            lines
                .iter()
                .map(|l| l.trim_end().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            trimmed(&copy),
            trimmed(&original),
            "{name}: {rfc} lines {first}-{last}"
        );
        checked += 1;
    }
    if test_support::rfc_text("rfc793.txt").is_ok() {
        assert_eq!(checked, 16, "eight RFC 793 figures and eight RFC 9293 ones");
    }
}

#[test]
fn rfc_9293_prints_figures_6_9_12_and_13_as_rfc_793_prints_7_10_13_and_14() {
    for name in [
        "rfc9293-figure-06",
        "rfc9293-figure-09",
        "rfc9293-figure-12",
        "rfc9293-figure-13",
    ] {
        reproduce(name);
    }
}

#[test]
fn figure_11_the_active_side_discovers_a_half_open_connection() {
    // B's text is written `<DATA=10>` before `<CTL=ACK>`, as the figure writes it.
    for name in ["rfc793-figure-11", "rfc9293-figure-10"] {
        let transcript = reproduce(name);
        assert!(
            transcript.notes.is_empty(),
            "{name}: {:?}",
            transcript.notes
        );
        assert!(
            transcript
                .figure()
                .contains("<SEQ=300><ACK=100><DATA=10><CTL=ACK>"),
            "{name}"
        );
    }
}

#[test]
fn figure_12_an_old_syn_resets_two_passive_sockets_back_to_listen() {
    // Z = 90 and X = 300, printed back as the figure's symbols.
    for name in ["rfc793-figure-12", "rfc9293-figure-11"] {
        let transcript = reproduce(name);
        assert!(
            transcript.notes.is_empty(),
            "{name}: {:?}",
            transcript.notes
        );
        let numbers = scenario(name).notation;
        assert_eq!(
            numbers.number(tcp_engine::wire::SeqNum(91), tcp_engine::endpoint::Side::A),
            "Z+1"
        );
    }
}

#[test]
fn without_its_notation_figure_12_prints_numbers_and_differs_from_the_rfc() {
    // The symbols are notation only: the same run with numbers is the same run.
    let mut plain = scenario("rfc793-figure-12");
    plain.notation = Default::default();
    let figure = play(&tcp_engine::spec(), &plain).figure();
    assert!(
        figure.contains("<SEQ=300><ACK=91><CTL=SYN,ACK>"),
        "{figure}"
    );
    let expect = plain.expect.as_ref().unwrap();
    assert_eq!(figure::differences(&expect.figure, &figure).len(), 3);
}

#[test]
fn rfc_9293_figures_come_out_line_by_line_on_the_rfc_9293_spec_too() {
    let bundled = tcp_engine::specs::bundled("tcp9293").unwrap();
    let spec = Spec::from_source(&bundled.source_file()).unwrap_or_else(|e| panic!("{e}"));
    let mut played = 0;
    for entry in std::fs::read_dir(scenarios_dir()).unwrap() {
        let name = entry
            .unwrap()
            .path()
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .to_string();
        if !name.starts_with("rfc9293-figure-") {
            continue;
        }
        let scenario = scenario(&name);
        let expect = scenario.expect.as_ref().expect("an [expect] figure");
        let figure = play(&spec, &scenario).figure();
        let differences = figure::differences(&expect.figure, &figure);
        assert!(
            differences.is_empty(),
            "{name}:\n{}",
            differences.join("\n")
        );
        played += 1;
    }
    assert_eq!(played, 8, "RFC 9293 Figures 6 to 13");
}

/// The spec of [`test_support::tcp_without_closing_ack`], parsed.
fn mutated_spec() -> fsm_spec::Spec {
    let source = fsm_spec::SourceFile::new(
        test_support::TCP_WITHOUT_CLOSING_ACK_NAME,
        test_support::tcp_without_closing_ack(),
    );
    fsm_spec::Spec::from_source(&source).unwrap_or_else(|e| panic!("{e}"))
}
