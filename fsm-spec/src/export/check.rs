//! The result of `check` for programs: what `tcp-fsm check --format json` prints.

use crate::Report;
use serde::Serialize;

/// `tcp-fsm check --format json`: the spec's counts, if it parsed, and every diagnostic.
#[derive(Serialize)]
struct CheckJson<'a> {
    spec: Option<Counts<'a>>,
    diagnostics: Vec<DiagnosticJson<'a>>,
}

#[derive(Serialize)]
struct Counts<'a> {
    machine: &'a str,
    states: usize,
    events: usize,
    transitions: usize,
}

#[derive(Serialize)]
struct DiagnosticJson<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    severity: crate::Severity,
    code: &'static str,
    message: String,
    help: Option<String>,
}

impl Report {
    /// The result for programs (`tcp-fsm check --format json`): the spec's counts, if it
    /// was built, and every diagnostic with its file, line, column, severity, code and help.
    pub fn to_json(&self) -> String {
        let diagnostics = self
            .diagnostics
            .iter()
            .map(|d| DiagnosticJson {
                file: &d.file,
                line: d.location.line,
                column: d.location.column,
                severity: d.severity(),
                code: d.problem.code(),
                message: d.problem.to_string(),
                help: d.problem.help(),
            })
            .collect();
        let spec = self.spec.as_ref().map(|spec| Counts {
            machine: &spec.machine.name,
            states: spec.states.len(),
            events: spec.events.len(),
            transitions: spec.transitions.len(),
        });
        serde_json::to_string_pretty(&CheckJson { spec, diagnostics })
            .expect("the report's types serialise")
    }
}
