//! The audit against the bundled RFC references: the TCP spec audits clean, and each kind
//! of damage to it is reported exactly (kind, state, event, spec line) and fails the audit.

use fsm_spec::audit::{self, Finding, FindingKind, Handling, Status};
use fsm_spec::{SourceFile, Spec};
use tcp_engine::specs as reference;

const TCP: &str = tcp_fsm::SPEC_SOURCE;

fn source(text: &str) -> SourceFile {
    SourceFile::new("tcp.toml", text)
}

fn spec(text: &str) -> Spec {
    Spec::from_source(&source(text)).unwrap_or_else(|e| panic!("mutated spec is invalid:\n{e}"))
}

fn audit_793(text: &str) -> audit::Report {
    audit::audit(&spec(text), &source(text), &reference::RFC793.spec())
}

/// `status kind state event [guard] @line` for every finding that is not `ok`.
fn not_ok(report: &audit::Report) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| f.status != Status::Ok)
        .map(line)
        .collect()
}

fn line(f: &Finding) -> String {
    let kind = serde_json::to_value(&f.kind).unwrap()["kind"]
        .as_str()
        .unwrap()
        .to_string();
    let guard = f
        .guard
        .as_deref()
        .map(|g| format!(" [{g}]"))
        .unwrap_or_default();
    let at = f
        .location
        .as_deref()
        .map(|l| format!(" @{}", l.rsplit(':').next().unwrap()))
        .unwrap_or_default();
    format!(
        "{} {kind} {} {}{guard}{at}",
        f.status.as_str(),
        f.state,
        f.event
    )
}

/// The 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not found"));
    text[..at].lines().count() + 1
}

/// The text without the `[[transition]]` entry that starts with `head`.
fn without(text: &str, head: &str) -> String {
    let start = text
        .find(head)
        .unwrap_or_else(|| panic!("`{head}` not found"));
    let end = start
        + text[start..]
            .find("\n\n")
            .expect("entries end with a blank line");
    format!("{}{}", &text[..start], &text[end + 1..])
}

/// The seven declared deviations of the bundled spec (SYN,ACK in synchronized states).
fn declared_lines() -> Vec<String> {
    [
        "ESTABLISHED",
        "FIN_WAIT_1",
        "FIN_WAIT_2",
        "CLOSE_WAIT",
        "CLOSING",
        "LAST_ACK",
        "TIME_WAIT",
    ]
    .iter()
    .map(|s| format!("declared missing {s} rcv_syn_ack"))
    .collect()
}

#[test]
fn the_bundled_tcp_spec_audits_clean() {
    let report = audit_793(TCP);
    assert!(report.passed(), "{}", audit::render_human(&report));
    assert_eq!(not_ok(&report), declared_lines());
    assert_eq!(report.count(Status::Discrepancy), 0);
}

#[test]
fn the_bundled_spec_follows_a_reading_of_each_of_seven_contradictions() {
    let report = audit_793(TCP);
    // One finding per state: the security contradiction spans six states.
    let readings: std::collections::BTreeSet<(String, String)> = report
        .findings
        .iter()
        .filter_map(|f| match &f.kind {
            FindingKind::FollowsReading {
                contradiction,
                reading,
                ..
            } => Some((contradiction.clone(), reading.clone())),
            _ => None,
        })
        .collect();
    let expected = [
        ("syn_sent_rcv_syn", "section_3_9"),
        ("syn_sent_rcv_rst", "section_3_9"),
        ("syn_received_rcv_syn_ack", "figure8"),
        ("syn_received_rcv_rst", "section_3_9"),
        ("close_wait_close", "figure6"),
        ("closing_rcv_ack", "figure6"),
        ("security_in_synchronized_states", "section_3_4"),
    ];
    assert_eq!(
        readings,
        expected
            .map(|(c, r)| (c.to_string(), r.to_string()))
            .into_iter()
            .collect()
    );
}

#[test]
fn a_removed_transition_is_missing() {
    let text = without(
        TCP,
        "[[transition]]\nfrom = \"FIN_WAIT_2\"\nevent = \"rcv_fin\"",
    );
    let report = audit_793(&text);
    assert!(!report.passed());
    let mut expected = declared_lines();
    expected.insert(3, "DIFFERS missing FIN_WAIT_2 rcv_fin".to_string());
    assert_eq!(not_ok(&report), expected);
    let missing = report
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::Missing && f.event == "rcv_fin")
        .unwrap();
    assert!(
        missing
            .cite
            .contains("3.9 SEGMENT ARRIVES, eighth, check the FIN bit, FIN-WAIT-2")
    );
    // The coverage matrix shows the pair as undefined where the RFC defines it.
    let row = report
        .coverage
        .iter()
        .find(|r| r.state == "FIN_WAIT_2")
        .unwrap();
    let cell = row.cells.iter().find(|c| c.event == "rcv_fin").unwrap();
    assert_eq!(
        (cell.spec, cell.status),
        (Handling::Undefined, Status::Discrepancy)
    );
}

#[test]
fn a_changed_target_is_reported_at_its_line() {
    let head = "from = \"LAST_ACK\"\nevent = \"rcv_ack\"\nto = \"CLOSED\"";
    let text = test_support::replaced(
        TCP,
        head,
        "from = \"LAST_ACK\"\nevent = \"rcv_ack\"\nto = \"TIME_WAIT\"",
    );
    let report = audit_793(&text);
    assert!(!report.passed());
    let line = line_of(&text, "from = \"LAST_ACK\"\nevent = \"rcv_ack\"") - 1;
    let mut expected = declared_lines();
    expected.insert(
        6,
        format!("DIFFERS different-target LAST_ACK rcv_ack @{line}"),
    );
    assert_eq!(not_ok(&report), expected);
}

#[test]
fn a_changed_output_is_reported_at_its_line() {
    let head = "event = \"rcv_syn\"\nto = \"SYN_RECEIVED\"\nsend = \"SYN,ACK\"";
    let text = test_support::replaced(
        TCP,
        head,
        "event = \"rcv_syn\"\nto = \"SYN_RECEIVED\"\nsend = \"SYN\"",
    );
    let report = audit_793(&text);
    assert!(!report.passed());
    let line = line_of(&text, "from = \"LISTEN\"\nevent = \"rcv_syn\"") - 1;
    let mut expected = declared_lines();
    expected.insert(
        0,
        format!("DIFFERS different-output LISTEN rcv_syn @{line}"),
    );
    assert_eq!(not_ok(&report), expected);
}

const EXTRA_ARC: &str = "
[[transition]]
from = \"TIME_WAIT\"
event = \"rcv_ack\"
to = \"TIME_WAIT\"
send = \"ACK\"
cite = \"the blog\"
";

#[test]
fn an_extra_arc_is_reported_with_what_the_rfc_says_there() {
    let text = format!("{TCP}{EXTRA_ARC}");
    let report = audit_793(&text);
    assert!(!report.passed());
    let line = line_of(&text, EXTRA_ARC.trim_start());
    let mut expected = declared_lines();
    expected.insert(7, format!("DIFFERS extra TIME_WAIT rcv_ack @{line}"));
    assert_eq!(not_ok(&report), expected);
    let extra = report
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::Extra)
        .unwrap();
    assert_eq!(
        extra.cite,
        "RFC 793 3.9 SEGMENT ARRIVES, fifth check the ACK field, TIME-WAIT STATE (impossible)"
    );
}

/// Renames the state CLOSING, optionally keeping the old name as an alias.
fn renamed_closing(alias: bool) -> String {
    let table = if alias {
        "[states.SHUTTING_DOWN]\naliases = [\"CLOSING\"]"
    } else {
        "[states.SHUTTING_DOWN]"
    };
    test_support::replaced(TCP, "[states.CLOSING]", table)
        .replace("\"CLOSING\"", "\"SHUTTING_DOWN\"")
}

#[test]
fn a_renamed_state_without_alias_is_missing_and_extra() {
    let text = renamed_closing(false);
    // Undo the alias line's rename: there is none without an alias.
    let report = audit_793(&text);
    assert!(!report.passed());
    let lines = not_ok(&report);
    let state_line = line_of(&text, "[states.SHUTTING_DOWN]");
    assert_eq!(lines[0], "DIFFERS missing-state CLOSING ");
    assert_eq!(
        lines[1],
        format!("DIFFERS extra-state SHUTTING_DOWN  @{state_line}")
    );
    // FIN-WAIT-1 on a FIN now goes to a state the reference does not know.
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("DIFFERS different-target FIN_WAIT_1 rcv_fin @")),
        "{lines:#?}"
    );
    // Every reference transition of CLOSING is missing (10, rcv_syn_ack and rcv_rst_in_window included, since the
    // deviation now names SHUTTING_DOWN), and SHUTTING_DOWN's 8 transitions are extra.
    let missing = lines
        .iter()
        .filter(|l| l.contains("missing CLOSING"))
        .count();
    let extra = lines
        .iter()
        .filter(|l| l.contains("extra SHUTTING_DOWN"))
        .count();
    assert_eq!((missing, extra), (10, 8), "{lines:#?}");
}

#[test]
fn a_renamed_state_with_the_old_name_as_alias_matches() {
    let text =
        renamed_closing(true).replace("aliases = [\"SHUTTING_DOWN\"]", "aliases = [\"CLOSING\"]");
    let report = audit_793(&text);
    assert!(report.passed(), "{}", audit::render_human(&report));
    let closing = report
        .states
        .iter()
        .find(|m| m.reference == "CLOSING")
        .unwrap();
    assert_eq!(closing.spec.as_deref(), Some("SHUTTING_DOWN"));
}

#[test]
fn the_other_reading_of_a_contradiction_is_followed_not_a_discrepancy() {
    let head = "from = \"CLOSE_WAIT\"\nevent = \"close\"\nto = \"LAST_ACK\"";
    let text = test_support::replaced(
        TCP,
        head,
        "from = \"CLOSE_WAIT\"\nevent = \"close\"\nto = \"CLOSING\"",
    );
    let report = audit_793(&text);
    assert!(report.passed());
    let finding = report
        .findings
        .iter()
        .find(|f| f.state == "CLOSE_WAIT" && f.event == "close")
        .unwrap();
    assert!(matches!(
        &finding.kind,
        FindingKind::FollowsReading { reading, .. } if reading == "section_3_9"
    ));
    assert_eq!(finding.cite, "RFC 793 3.9 CLOSE Call, CLOSE-WAIT STATE");
}

#[test]
fn following_no_reading_of_a_contradiction_is_a_discrepancy() {
    let head = "from = \"CLOSE_WAIT\"\nevent = \"close\"\nto = \"LAST_ACK\"";
    let text = test_support::replaced(
        TCP,
        head,
        "from = \"CLOSE_WAIT\"\nevent = \"close\"\nto = \"CLOSED\"",
    );
    let report = audit_793(&text);
    assert!(!report.passed());
    assert!(
        not_ok(&report)
            .iter()
            .any(|l| l.starts_with("DIFFERS follows-no-reading CLOSE_WAIT close @"))
    );
}

#[test]
fn a_declared_deviation_does_not_fail_the_audit() {
    let declaration = "
[[deviation]]
from = \"TIME_WAIT\"
event = \"rcv_ack\"
to = \"TIME_WAIT\"
reason = \"as the blog describes it\"
";
    let text = format!("{TCP}{EXTRA_ARC}{declaration}");
    let report = audit_793(&text);
    assert!(report.passed(), "{}", audit::render_human(&report));
    let finding = report
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::Extra)
        .unwrap();
    assert_eq!(finding.status, Status::Declared);
    let declared = finding.declared.as_ref().unwrap();
    assert_eq!(declared.reason, "as the blog describes it");
    assert_eq!(
        declared.location,
        format!("tcp.toml:{}", line_of(&text, declaration.trim_start()))
    );
}

#[test]
fn a_deviation_on_the_transition_itself_is_declared() {
    let text = format!("{TCP}{EXTRA_ARC}deviation = \"RFC 5961 style\"\n");
    let report = audit_793(&text);
    assert!(report.passed());
    let finding = report
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::Extra)
        .unwrap();
    assert_eq!(finding.declared.as_ref().unwrap().reason, "RFC 5961 style");
}

#[test]
fn a_deviation_that_covers_nothing_is_a_note() {
    let text =
        format!("{TCP}\n[[deviation]]\nfrom = \"LISTEN\"\nevent = \"close\"\nreason = \"none\"\n");
    let report = audit_793(&text);
    assert!(report.passed());
    assert_eq!(report.count(Status::Note), 1);
    let note = report
        .findings
        .iter()
        .find(|f| f.status == Status::Note)
        .unwrap();
    assert_eq!(note.kind, FindingKind::StaleDeviation);
}

#[test]
fn a_deviation_scoped_to_another_reference_does_not_apply() {
    let declaration = "
[[deviation]]
from = \"TIME_WAIT\"
event = \"rcv_ack\"
reason = \"only for RFC 9293\"
against = \"RFC 9293\"
";
    let report = audit_793(&format!("{TCP}{EXTRA_ARC}{declaration}"));
    assert!(!report.passed());
    assert_eq!(report.count(Status::Note), 0);
}

#[test]
fn references_have_no_warnings_and_every_transition_has_a_quote() {
    for bundled in reference::REFERENCES {
        let report = fsm_spec::check(&bundled.source());
        assert!(report.diagnostics.is_empty(), "{}", report.diagnostics);
        let spec = report.spec.unwrap();
        assert!(spec.machine.require_cite, "{}", bundled.id);
        for t in &spec.transitions {
            let cite = t.cite.as_deref().unwrap_or_default();
            assert!(t.quote.is_some(), "{}: {cite} has no quote", bundled.id);
            assert!(cite.starts_with(bundled.title), "{}: {cite}", bundled.id);
        }
    }
}

/// Whitespace collapsed, so that a quote matches across the RFC's line breaks and pages;
/// a compound broken after its hyphen at a line end (`FIN-` / `WAIT-2`) is joined again.
fn collapsed(text: &str) -> String {
    let joined: Vec<&str> = text.split('\n').map(str::trim).collect();
    let mut out = String::new();
    for line in joined {
        let broken_word = out.ends_with('-')
            && out[..out.len() - 1].ends_with(|c: char| c.is_ascii_alphanumeric());
        if !out.is_empty() && !broken_word {
            out.push(' ');
        }
        out.push_str(line);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Removes the page breaks of the RFC text (footer, form feed, header) so that sentences
/// that run across a page are whole.
fn without_page_breaks(text: &str) -> String {
    text.lines()
        .filter(|l| {
            let t = l.trim();
            !(t.starts_with("[Page ")
                || t.ends_with("]") && t.contains("[Page ")
                || t == "September 1981"
                || t == "Transmission Control Protocol"
                || t == "Functional Specification"
                || t.starts_with('\u{c}'))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_quote_is_verbatim_in_the_rfc_text() {
    for bundled in reference::REFERENCES {
        let Some(text) = test_support::rfc_text_or_skip(&format!("{}.txt", bundled.id)) else {
            continue;
        };
        let text = collapsed(&without_page_breaks(&text));
        let spec = bundled.spec();
        let quotes = spec
            .transitions
            .iter()
            .filter_map(|t| t.quote.as_deref())
            .chain(
                spec.no_transitions
                    .iter()
                    .filter_map(|n| n.quote.as_deref()),
            );
        for quote in quotes {
            // Figure 6's labels are drawn on two lines; the quote joins them with " / ".
            let parts: Vec<&str> = quote.split(" / ").collect();
            for part in parts {
                assert!(
                    text.contains(&collapsed(part)),
                    "{}: quote not in the RFC: {part}",
                    bundled.id
                );
            }
        }
    }
}

#[test]
fn the_human_report_of_the_bundled_spec() {
    let report = audit_793(TCP);
    // Spec line numbers change with every edit of tcp.toml; the snapshot is about the rest.
    let text = audit::render_human(&report);
    let text: String = text
        .split("tcp.toml:")
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part.to_string()
            } else {
                let digits = part.chars().take_while(char::is_ascii_digit).count();
                format!("tcp.toml:N{}", &part[digits..])
            }
        })
        .collect();
    insta::assert_snapshot!(text);
}
