//! Verdicts on cases, which reference explains a difference, and the state × event matrix.
//!
//! | # | rule |
//! |---|------|
//! | V1 | A case agrees when the stack ends in the spec state its state name stands for (by name or alias) and sent segments with the same control bits, in the same order, as the spec-driven model did; the ACK bit of a RST is not compared (RFC 793 3.4 gives a reset's acknowledgment meaning only to a receiver in SYN-SENT). |
//! | V2 | A difference covered by a `[[deviation]]` of the spec (or a `deviation` on the transition) is explained by it: declared. |
//! | V3 | Otherwise, a transition of the RFC 9293 reference at the same state and event that goes where the stack went and sends what it sent explains it; its citation names RFC 5961 or RFC 1122 when it comes from there. A call the reference answers with an error (`[[no_transition]]` of kind `error`) explains a stack that refused the call, stayed and sent nothing. |
//! | V4 | Otherwise the difference is undeclared: a finding. |

use super::cases::{Case, Expected};
use super::peer::{Observation, spec_state};
use crate::wire::{Control, Segment};
use fsm_spec::Spec;
use std::fmt::Write as _;

/// A case's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The stack did what the spec says.
    Agrees,
    /// It did something else.
    Differs,
    /// The case could not be given to the stack.
    NotDriven,
}

/// What a stack did, as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Observed {
    /// The spec state the stack's state stands for, if any.
    pub state: Option<String>,
    /// The stack's own name of its state.
    pub stack_state: Option<String>,
    /// Its segments in RFC notation, with its own sequence numbers.
    pub segments: Vec<String>,
    /// The error its API answered the call with, if any.
    pub refusal: Option<String>,
    /// The segment the peer sent on the last step, if any.
    pub peer_sent: Option<String>,
}

/// One case on one target.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CaseResult {
    /// The case's name.
    pub case: String,
    /// The state the run reached.
    pub from: String,
    /// The event.
    pub event: String,
    /// The transition's guard.
    pub guard: Option<String>,
    /// The run before the event.
    pub prefix: Vec<String>,
    /// What the spec expects.
    pub expected: Expected,
    /// What the stack did, when driven.
    pub observed: Option<Observed>,
    /// The verdict.
    pub verdict: Verdict,
    /// For a difference: the reference that explains it (`declared`, `RFC 9293`, `RFC 5961`,
    /// `RFC 1122`), none for a finding.
    pub explained_by: Option<String>,
    /// Why: the citation of the explaining rule, what made a case undrivable, or what
    /// differs.
    pub reason: Option<String>,
}

/// All cases on one target.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TargetReport {
    /// The target's name.
    pub target: String,
    /// The stack and its version.
    pub stack: String,
    /// Wall-clock seconds the run took.
    pub seconds: f64,
    /// Every case.
    pub cases: Vec<CaseResult>,
}

impl Verdict {
    /// How bad the verdict is, for showing the worst of several cases: a difference
    /// outranks a case that was not driven, which outranks agreement.
    pub fn rank(self) -> u8 {
        match self {
            Verdict::Agrees => 0,
            Verdict::NotDriven => 1,
            Verdict::Differs => 2,
        }
    }
}

/// Reads what `tcp-fsm conform --format json` writes: one report per target.
pub fn read_json(text: &str) -> Result<Vec<TargetReport>, serde_json::Error> {
    serde_json::from_str(text)
}

/// Case counts by verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Agreeing cases.
    pub agrees: usize,
    /// Differences explained by a reference or a declared deviation.
    pub explained: usize,
    /// Differences nothing explains.
    pub undeclared: usize,
    /// Cases not driven.
    pub not_driven: usize,
}

impl TargetReport {
    /// Counts by verdict.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for case in &self.cases {
            match (case.verdict, &case.explained_by) {
                (Verdict::Agrees, _) => counts.agrees += 1,
                (Verdict::Differs, Some(_)) => counts.explained += 1,
                (Verdict::Differs, None) => counts.undeclared += 1,
                (Verdict::NotDriven, _) => counts.not_driven += 1,
            }
        }
        counts
    }
}

/// The bits rule V1 compares.
pub fn significant(ctl: Control) -> Control {
    match ctl.contains(Control::RST) {
        true => ctl.without(Control::ACK),
        false => ctl,
    }
}

fn controls(segments: &[Segment]) -> Vec<Control> {
    segments.iter().map(|s| significant(s.ctl)).collect()
}

fn parse_send(send: Option<&str>) -> Vec<Control> {
    send.and_then(|s| s.parse().ok())
        .map(significant)
        .into_iter()
        .collect()
}

/// The verdict on a case (rules V1 to V4); `references` is RFC 9293's reference spec.
pub fn judge(
    spec: &Spec,
    references: &Spec,
    case: &Case,
    driven: Result<Observation, String>,
) -> CaseResult {
    let mut result = CaseResult {
        case: case.case.clone(),
        from: case.from.clone(),
        event: case.event.clone(),
        guard: case.guard.clone(),
        prefix: case.prefix.clone(),
        expected: case.expected.clone(),
        observed: None,
        verdict: Verdict::NotDriven,
        explained_by: None,
        reason: None,
    };
    let observation = match driven {
        Ok(observation) => observation,
        Err(why) => {
            result.reason = Some(why);
            return result;
        }
    };
    let state = spec_state(spec, observation.stack_state.as_deref());
    let state_name = state.map(|s| spec.state(s).name.clone());
    result.observed = Some(Observed {
        state: state_name.clone(),
        stack_state: observation.stack_state.clone(),
        segments: observation
            .segments
            .iter()
            .map(Segment::to_string)
            .collect(),
        refusal: observation.refusal.clone(),
        peer_sent: observation.peer_sent.map(|s| s.to_string()),
    });
    let sent = controls(&observation.segments);
    let same_state = state_name.as_deref() == Some(case.expected.to.as_str());
    if same_state && sent == controls(&observation.model_sent) {
        result.verdict = Verdict::Agrees;
        return result;
    }
    result.verdict = Verdict::Differs;
    let what = describe(&state_name, &observation);
    let refused = observation.refusal.is_some();
    let (explained_by, reason) = explain(
        spec,
        references,
        case,
        state_name.as_deref(),
        &sent,
        refused,
    );
    result.explained_by = explained_by;
    result.reason = Some(format!("{what}; {reason}"));
    result
}

fn describe(state: &Option<String>, observation: &Observation) -> String {
    let went = state
        .clone()
        .or_else(|| observation.stack_state.clone())
        .unwrap_or_else(|| "CLOSED".into());
    let sent = match observation.segments.as_slice() {
        [] => "sent nothing".to_string(),
        segments => format!(
            "sent {}",
            segments
                .iter()
                .map(Segment::to_string)
                .collect::<Vec<_>>()
                .join(" ")
        ),
    };
    match &observation.refusal {
        Some(refusal) => {
            format!("the call was refused ({refusal}); the stack went to {went} and {sent}")
        }
        None => format!("the stack went to {went} and {sent}"),
    }
}

/// Rules V2 to V4.
fn explain(
    spec: &Spec,
    references: &Spec,
    case: &Case,
    state: Option<&str>,
    sent: &[Control],
    refused: bool,
) -> (Option<String>, String) {
    if let Some(t) = case.transition.map(|t| &spec.transitions[t]) {
        if let Some(why) = &t.deviation {
            return (Some("declared".into()), why.clone());
        }
        let declared = spec.deviations.iter().find(|d| {
            d.from == t.from && d.event == t.event && (d.guard.is_none() || d.guard == t.guard)
        });
        if let Some(d) = declared {
            return (Some("declared".into()), d.reason.clone());
        }
    }
    let from = references.state_named_loosely(&case.from);
    let event = references.event_named_loosely(&case.event);
    if let (Some(from), Some(event), Some(state)) = (from, event, state) {
        let fits = references.transitions_on(from, event).find(|t| {
            fsm_spec::naming::loose_key(&references.state(t.to).name)
                == fsm_spec::naming::loose_key(state)
                && parse_send(t.send.as_deref()) == sent
        });
        let stayed = fsm_spec::naming::loose_key(&case.from) == fsm_spec::naming::loose_key(state);
        if let Some(n) = references.no_transition(from, event) {
            if n.kind == fsm_spec::NoTransitionKind::Error && refused && stayed && sent.is_empty() {
                return (
                    Some("RFC 9293".into()),
                    format!("an error reply: {}", n.cite),
                );
            }
        }
        if let Some(t) = fits {
            let cite = t.cite.clone().unwrap_or_default();
            let by = ["RFC 5961", "RFC 1122"]
                .into_iter()
                .find(|rfc| cite.contains(rfc))
                .unwrap_or("RFC 9293");
            return (Some(by.into()), cite);
        }
    }
    (None, "undeclared: no reference explains it".into())
}

/// The state × event matrix of one target: `=` agrees, `x` differs undeclared, `r` differs
/// as a reference explains, `d` differs as declared, `-` not driven, `.` no case; several
/// cases in one cell (guards) show the worst.
pub fn matrix(spec: &Spec, report: &TargetReport) -> String {
    let mut out = String::new();
    let width = spec.states.iter().map(|s| s.name.len()).max().unwrap_or(0);
    let _ = write!(out, "{:width$}", "");
    for (i, _) in spec.events.iter().enumerate() {
        let _ = write!(out, " {:>2}", i + 1);
    }
    out.push('\n');
    for state in &spec.states {
        let _ = write!(out, "{:width$}", state.name);
        for event in &spec.events {
            let marks: Vec<char> = report
                .cases
                .iter()
                .filter(|c| c.from == state.name && c.event == event.name)
                .map(mark)
                .collect();
            let worst = ['x', 'r', 'd', '-', '=']
                .into_iter()
                .find(|m| marks.contains(m))
                .unwrap_or('.');
            let _ = write!(out, "  {worst}");
        }
        out.push('\n');
    }
    let legend: Vec<String> = spec
        .events
        .iter()
        .enumerate()
        .map(|(i, e)| format!("{} {}", i + 1, e.name))
        .collect();
    let _ = writeln!(out, "events: {}", legend.join(", "));
    out.push_str(
        "= agrees, x differs (undeclared), r differs as RFC 9293/5961/1122 says, d differs as \
         the spec declares, - not driven, . no case\n",
    );
    out
}

fn mark(case: &CaseResult) -> char {
    match (case.verdict, case.explained_by.as_deref()) {
        (Verdict::Agrees, _) => '=',
        (Verdict::NotDriven, _) => '-',
        (Verdict::Differs, None) => 'x',
        (Verdict::Differs, Some("declared")) => 'd',
        (Verdict::Differs, Some(_)) => 'r',
    }
}
