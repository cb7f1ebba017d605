//! The audit report as text for people: findings grouped by state, then the coverage matrix.

use super::{Arrow, Finding, FindingKind, Follows, Handling, Report, Rule, Status};
use std::fmt::Write;

/// The whole report: header, name matching, findings grouped by state, changes against
/// the baseline (if any), the coverage matrix and the verdict.
pub fn render_human(report: &Report) -> String {
    let mut out = String::new();
    let doc = report
        .reference_doc
        .as_deref()
        .map(|d| format!(" ({d})"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "Audit of {} against {}{doc}",
        report.spec, report.reference
    );
    let _ = writeln!(out);
    names(&mut out, "States", &report.states);
    names(&mut out, "Events", &report.events);
    findings(&mut out, &report.findings);
    changes(&mut out, report);
    out.push('\n');
    out.push_str(&render_coverage(report));
    verdict(&mut out, report);
    out
}

fn names(out: &mut String, what: &str, matches: &[super::NameMatch]) {
    let found = matches.iter().filter(|m| m.spec.is_some()).count();
    let _ = write!(out, "{what}: {found} of {} matched", matches.len());
    let notes: Vec<String> = matches
        .iter()
        .filter_map(|m| match (&m.spec, &m.via, &m.handled_as) {
            (Some(spec), Some(via), _) => Some(format!("{} as {spec} (via {via})", m.reference)),
            (Some(spec), None, _) if *spec != m.reference => {
                Some(format!("{} as {spec}", m.reference))
            }
            (None, _, Some(coarser)) => Some(format!("{} handled as {coarser}", m.reference)),
            (None, _, None) => Some(format!("{} has no counterpart", m.reference)),
            _ => None,
        })
        .collect();
    if notes.is_empty() {
        out.push_str(".\n");
    } else {
        let _ = writeln!(out, "; {}.", notes.join(", "));
    }
}

fn findings(out: &mut String, findings: &[Finding]) {
    let event_width = findings
        .iter()
        .map(|f| event_column(f).chars().count())
        .max()
        .unwrap_or(0);
    let arrow_width = findings
        .iter()
        .map(|f| spec_column(f).chars().count())
        .max()
        .unwrap_or(0);
    let mut groups: Vec<&str> = Vec::new();
    for f in findings {
        if !groups.contains(&f.state.as_str()) {
            groups.push(&f.state);
        }
    }
    for group in groups {
        let title = if group.is_empty() { "(events)" } else { group };
        let _ = writeln!(out, "\n{title}");
        for f in findings.iter().filter(|f| f.state == group) {
            let location = f
                .location
                .as_deref()
                .map(|l| format!("  [{l}]"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {:<8}  {:<event_width$}  {:<arrow_width$}  {}; {}{location}",
                f.status.as_str(),
                event_column(f),
                spec_column(f),
                describe(f),
                f.cite,
            );
            if f.kind != FindingKind::Matched && f.status != Status::Ok || is_reading(f) {
                if let Some(quote) = &f.quote {
                    let _ = writeln!(out, "            RFC: \"{quote}\"");
                }
            }
            if let Some(d) = &f.declared {
                let cite = d
                    .cite
                    .as_deref()
                    .map(|c| format!("; {c}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "            declared: {}{cite}  [{}]",
                    d.reason, d.location
                );
            }
        }
    }
}

fn is_reading(f: &Finding) -> bool {
    matches!(f.kind, FindingKind::FollowsReading { .. })
}

fn event_column(f: &Finding) -> String {
    match &f.guard {
        Some(guard) => format!("{} [{guard}]", f.event),
        None => f.event.clone(),
    }
}

fn spec_column(f: &Finding) -> String {
    f.spec
        .as_ref()
        .map(arrow)
        .unwrap_or_else(|| "-".to_string())
}

fn arrow(a: &Arrow) -> String {
    match &a.send {
        Some(send) => format!("-> {} snd {send}", a.to),
        None => format!("-> {}", a.to),
    }
}

fn readings(arrows: &[Arrow]) -> String {
    arrows
        .iter()
        .map(|a| match &a.reading {
            Some(r) => format!("{r}: {}", arrow(a)),
            None => arrow(a),
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

/// The finding in words, with what the reference says when the spec differs.
fn describe(f: &Finding) -> String {
    match &f.kind {
        FindingKind::Matched => "matched".to_string(),
        FindingKind::Ignored => "ignored, as the reference drops it".to_string(),
        FindingKind::Missing => format!("missing: reference {}", readings(&f.reference)),
        FindingKind::DifferentTarget => {
            format!("different target: reference {}", readings(&f.reference))
        }
        FindingKind::DifferentOutput => {
            format!("different output: reference {}", readings(&f.reference))
        }
        FindingKind::Extra => "extra: the reference has no such transition".to_string(),
        FindingKind::FollowsReading {
            contradiction,
            reading,
            ..
        } => {
            let others: Vec<&Arrow> = f
                .reference
                .iter()
                .filter(|a| a.reading.as_deref() != Some(reading))
                .collect();
            let others: Vec<Arrow> = others.into_iter().cloned().collect();
            format!(
                "follows reading {reading} of contradiction {contradiction} (not {})",
                readings(&others)
            )
        }
        FindingKind::FollowsNoReading { contradiction, .. } => format!(
            "follows no reading of contradiction {contradiction}: {}",
            readings(&f.reference)
        ),
        FindingKind::MissingState => {
            "state missing: no spec state has this name or an alias".to_string()
        }
        FindingKind::ExtraState => "extra state".to_string(),
        FindingKind::MissingEvent => {
            "event missing: no spec event has this name or an alias".to_string()
        }
        FindingKind::ExtraEvent => "extra event".to_string(),
        FindingKind::StaleDeviation => "declared deviation matches no discrepancy".to_string(),
    }
}

fn changes(out: &mut String, report: &Report) {
    if report.changes.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\nChanges from the baseline to {} at this spec's states and events:",
        report.reference
    );
    for c in &report.changes {
        let follows = match c.follows {
            Follows::Baseline => "spec follows the baseline",
            Follows::Reference => "spec follows the reference",
            Follows::Both => "spec follows both (the reference still allows the baseline's rule)",
            Follows::Neither => "spec follows neither",
        };
        let _ = writeln!(
            out,
            "  {} on {}: {follows} (spec {})\n    baseline:  {}; {}\n    reference: {}; {}",
            c.state, c.event, c.spec, c.baseline, c.baseline_cite, c.reference, c.reference_cite
        );
    }
}

fn rule_letter(rule: Rule) -> char {
    match rule {
        Rule::Moves => 'M',
        Rule::Stays => 'S',
        Rule::Contradiction => 'C',
        Rule::Error => 'E',
        Rule::Drop => 'D',
        Rule::Impossible => 'I',
        Rule::Silent => '.',
    }
}

fn handling_letter(handling: Handling) -> char {
    match handling {
        Handling::Handles => 'h',
        Handling::Ignores => 'i',
        Handling::Undefined => '.',
    }
}

fn status_mark(status: Status) -> char {
    match status {
        Status::Ok => ' ',
        Status::Note => '?',
        Status::Declared => '*',
        Status::Discrepancy => '!',
    }
}

/// The state × event matrix: per cell, what the reference prescribes, what the spec does,
/// and whether that is a discrepancy.
pub fn render_coverage(report: &Report) -> String {
    let mut out = String::new();
    let Some(first) = report.coverage.first() else {
        return out;
    };
    let width = report
        .coverage
        .iter()
        .map(|r| r.state.chars().count())
        .max()
        .unwrap_or(0);
    let _ = writeln!(
        out,
        "Coverage (reference rule, spec handling, mark per state and event):"
    );
    let mut header = format!("  {:width$}", "");
    for index in 1..=first.cells.len() {
        let _ = write!(header, " {index:<3}");
    }
    let _ = writeln!(out, "{}", header.trim_end());
    for row in &report.coverage {
        let mut line = format!("  {:width$}", row.state);
        for c in &row.cells {
            let _ = write!(
                line,
                " {}{}{}",
                rule_letter(c.rule),
                handling_letter(c.spec),
                status_mark(c.status)
            );
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let events: Vec<String> = first
        .cells
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{} {}", i + 1, c.event))
        .collect();
    let _ = writeln!(out, "  events: {}", events.join(", "));
    let _ = writeln!(
        out,
        "  reference: M moves, S stays, C contradiction, E error reply, D dropped, I impossible, . silent"
    );
    let _ = writeln!(
        out,
        "  spec: h handles, i ignores (stays, sends nothing), . undefined; ! discrepancy, * declared"
    );
    out
}

fn verdict(out: &mut String, report: &Report) {
    let _ = writeln!(
        out,
        "\n{} ok, {} declared, {} discrepancies, {} notes: audit {}.",
        report.count(Status::Ok),
        report.count(Status::Declared),
        report.count(Status::Discrepancy),
        report.count(Status::Note),
        if report.passed() { "passed" } else { "FAILED" }
    );
}
