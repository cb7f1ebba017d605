//! Auditing a spec against a reference spec (for example RFC 793): which reference
//! transitions the spec has, lacks or changes, which it adds, which reading of each
//! contradiction it follows, and a state × event coverage matrix.
//!
//! ```
//! use fsm_spec::audit;
//! use fsm_spec::{SourceFile, Spec};
//!
//! // The reference: what a standard says a door does.
//! let reference = Spec::from_source(&SourceFile::new("door-standard.toml", r#"
//! [machine]
//! name = "DoorStandard"
//! initial = "SHUT"
//! [states.SHUT]
//! [states.OPEN]
//! [events.push]
//! kind = "call"
//! [events.pull]
//! kind = "call"
//! [[transition]]
//! from = "SHUT"
//! event = "push"
//! to = "OPEN"
//! cite = "door standard 1.1"
//! [[transition]]
//! from = "OPEN"
//! event = "pull"
//! to = "SHUT"
//! cite = "door standard 1.2"
//! "#)).unwrap();
//! // A spec that forgot how to shut the door.
//! let source = SourceFile::new("door.toml", r#"
//! [machine]
//! name = "Door"
//! initial = "SHUT"
//! [states.SHUT]
//! [states.OPEN]
//! [events.push]
//! kind = "call"
//! [events.pull]
//! kind = "call"
//! [[transition]]
//! from = "SHUT"
//! event = "push"
//! to = "OPEN"
//! cite = "door standard 1.1"
//! "#);
//! let spec = Spec::from_source(&source).unwrap();
//! let report = audit::audit(&spec, &source, &reference);
//! assert!(!report.passed());
//! assert!(audit::render_human(&report).contains("OPEN"));
//! ```

mod cell;
mod render;

use crate::model::{EventId, NoTransitionKind, Spec, StateId, Transition};
use crate::naming::case::loose_key;
use crate::source::SourceFile;
use serde::Serialize;

pub use render::{render_coverage, render_human};

/// The outcome of an audit: how names were matched, every finding, the coverage matrix and,
/// when a baseline reference was given, what changed between the two references.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The audited spec's file name.
    pub spec: String,
    /// The reference's machine name, for example `Rfc793`.
    pub reference: String,
    /// The reference's `[machine] doc`: which document it models.
    pub reference_doc: Option<String>,
    /// One entry per reference state: its counterpart in the spec, if any.
    pub states: Vec<NameMatch>,
    /// One entry per reference event: its counterpart in the spec, if any.
    pub events: Vec<NameMatch>,
    /// Findings in reference order (state, then event), then those about spec-only names.
    pub findings: Vec<Finding>,
    /// One row per reference state, one cell per reference event.
    pub coverage: Vec<CoverageRow>,
    /// With [`with_changes`]: the cells where the baseline and the reference disagree.
    pub changes: Vec<Change>,
}

/// How a reference state or event was found in the spec.
#[derive(Debug, Clone, Serialize)]
pub struct NameMatch {
    pub reference: String,
    /// The spec's name for it; `None` when the spec has no counterpart.
    pub spec: Option<String>,
    /// The alias or name through which it was matched, when it is not the spec's name.
    pub via: Option<String>,
    /// For an event the spec lacks but that refines one it has: the spec event used instead.
    pub handled_as: Option<String>,
}

/// Whether a finding is fine, breaks the audit, or is a declared deviation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The spec agrees with the reference.
    Ok,
    /// Worth reading, but not a discrepancy (for example a declaration that covers nothing).
    Note,
    /// A discrepancy the spec declares as a deliberate deviation.
    Declared,
    /// An undeclared discrepancy: the audit fails.
    Discrepancy,
}

impl Status {
    /// How the human report spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Note => "note",
            Status::Declared => "declared",
            Status::Discrepancy => "DIFFERS",
        }
    }
}

/// A transition's outcome: where it goes and what it sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Arrow {
    pub to: String,
    pub send: Option<String>,
    /// For a reading of a contradiction: the reading's name.
    pub reading: Option<String>,
}

/// What a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum FindingKind {
    /// The spec has the reference transition.
    Matched,
    /// The reference drops the event without a reply; the spec keeps the state and sends
    /// nothing.
    Ignored,
    /// The spec has no transition where the reference has one.
    Missing,
    /// The spec goes to another state.
    DifferentTarget,
    /// The spec goes to the same state but sends something else.
    DifferentOutput,
    /// The spec has a transition the reference lacks.
    Extra,
    /// At a contradiction, the spec follows one of the readings.
    FollowsReading {
        contradiction: String,
        reading: String,
        summary: String,
    },
    /// At a contradiction, the spec follows none of the readings.
    FollowsNoReading {
        contradiction: String,
        summary: String,
    },
    /// A reference state has no counterpart in the spec (no name or alias matches).
    MissingState,
    /// A spec state has no counterpart in the reference.
    ExtraState,
    /// A reference event has no counterpart in the spec.
    MissingEvent,
    /// A spec event has no counterpart in the reference.
    ExtraEvent,
    /// A `[[deviation]]` that matches no discrepancy.
    StaleDeviation,
}

/// A declared deviation that covers a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Declaration {
    pub reason: String,
    pub cite: Option<String>,
    /// `file:line` of the declaration.
    pub location: String,
}

/// One line of the audit.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    #[serde(flatten)]
    pub kind: FindingKind,
    pub status: Status,
    /// The reference's name of the state (the spec's, for spec-only states).
    pub state: String,
    /// The reference's name of the event (the spec's, for spec-only events); empty for
    /// findings about a state.
    pub event: String,
    pub guard: Option<String>,
    /// What the reference says: one arrow, or one per reading of a contradiction.
    pub reference: Vec<Arrow>,
    /// What the spec does.
    pub spec: Option<Arrow>,
    /// Where the reference says it (for example `RFC 793 3.9 ...`).
    pub cite: String,
    /// The reference's quote of that sentence.
    pub quote: Option<String>,
    /// `file:line` in the spec, when the finding is about a spec entry.
    pub location: Option<String>,
    /// The declaration that covers this finding.
    pub declared: Option<Declaration>,
    #[serde(skip)]
    spec_cell: Option<(StateId, EventId)>,
    #[serde(skip)]
    spec_transition: Option<usize>,
}

/// What the reference prescribes for one state and event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// A transition to another state.
    Moves,
    /// A transition that keeps the state (with or without a reply).
    Stays,
    /// Readings that disagree.
    Contradiction,
    /// A user call answered with an error.
    Error,
    /// Dropped without a reply.
    Drop,
    /// Cannot happen in this state.
    Impossible,
    /// The reference says nothing.
    Silent,
}

/// What the spec does for one state and event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Handling {
    /// A transition to another state, or one that replies.
    Handles,
    /// A transition that keeps the state and sends nothing.
    Ignores,
    /// No transition.
    Undefined,
}

/// One cell of the coverage matrix.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageCell {
    pub event: String,
    pub rule: Rule,
    pub spec: Handling,
    /// The worst status among the cell's findings (`ok` without findings).
    pub status: Status,
}

/// One row of the coverage matrix: a reference state.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageRow {
    pub state: String,
    pub cells: Vec<CoverageCell>,
}

/// Which of two references the spec follows where they disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Follows {
    Baseline,
    Reference,
    /// The reference still allows what the baseline prescribed (for example an option).
    Both,
    Neither,
}

/// A state and event where the baseline (for example RFC 793) and the reference (for
/// example RFC 9293) prescribe different things.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub state: String,
    pub event: String,
    pub baseline: String,
    pub baseline_cite: String,
    pub reference: String,
    pub reference_cite: String,
    /// What the spec does, in the same notation.
    pub spec: String,
    pub follows: Follows,
}

impl Report {
    /// Whether the audit passes: no undeclared discrepancy.
    pub fn passed(&self) -> bool {
        !self
            .findings
            .iter()
            .any(|f| f.status == Status::Discrepancy)
    }

    /// How many findings have `status`.
    pub fn count(&self, status: Status) -> usize {
        self.findings.iter().filter(|f| f.status == status).count()
    }

    /// The report as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("plain data always serialises")
    }
}

/// Audits `spec` (read from `source`, for line numbers) against `reference`.
pub fn audit(spec: &Spec, source: &SourceFile, reference: &Spec) -> Report {
    let names = Names::match_up(spec, reference);
    let mut findings = names.findings(spec, source, reference);
    let mut coverage = Vec::new();
    let mut visited = vec![false; spec.transitions.len()];
    for r_state in reference.state_ids() {
        let mut cells = Vec::new();
        for r_event in reference.event_ids() {
            let cell = cell::Cell::new(reference, &names, r_state, r_event);
            let cell_findings = cell.findings(spec, source, reference, &mut visited);
            cells.push(cell.coverage(spec, reference, &cell_findings));
            findings.extend(cell_findings);
        }
        coverage.push(CoverageRow {
            state: reference.state(r_state).name.clone(),
            cells,
        });
    }
    findings.extend(cell::unvisited(spec, source, reference, &visited));
    declare(spec, source, reference, &mut findings);
    // Declarations change statuses; the matrix shows the final ones.
    for row in &mut coverage {
        for c in &mut row.cells {
            c.status = findings
                .iter()
                .filter(|f| f.state == row.state && f.event == c.event)
                .map(|f| f.status)
                .max()
                .unwrap_or(Status::Ok);
        }
    }
    Report {
        spec: source.name().to_string(),
        reference: reference.machine.name.clone(),
        reference_doc: reference.machine.doc.clone(),
        states: names.state_matches(spec, reference),
        events: names.event_matches(spec, reference),
        findings,
        coverage,
        changes: Vec::new(),
    }
}

/// Adds to `report` (an audit against `reference`) the cells where `baseline` (the
/// reference that `reference` replaces, for example RFC 793 for RFC 9293) prescribes
/// something else, with what the spec does there.
pub fn with_changes(
    mut report: Report,
    spec: &Spec,
    source: &SourceFile,
    reference: &Spec,
    baseline: &Spec,
) -> Report {
    let old = audit(spec, source, baseline);
    let pair = Names::match_up(baseline, reference);
    for r_state in reference.state_ids() {
        for r_event in reference.event_ids() {
            let (Some(b_state), Some(b_event)) =
                (pair.state(r_state), pair.event(r_event).direct())
            else {
                continue;
            };
            if cell::rule_key(reference, r_state, r_event)
                == cell::rule_key(baseline, b_state, b_event)
            {
                continue;
            }
            let new_rule = cell::describe(reference, r_state, r_event);
            let old_rule = cell::describe(baseline, b_state, b_event);
            let state = &reference.state(r_state).name;
            let event = &reference.event(r_event).name;
            let b_names = (&baseline.state(b_state).name, &baseline.event(b_event).name);
            // A declared deviation does not count as following.
            let ok_in = |r: &Report, s: &str, e: &str| {
                r.findings
                    .iter()
                    .filter(|f| f.state == s && f.event == e)
                    .all(|f| matches!(f.status, Status::Ok | Status::Note))
            };
            let follows = match (
                ok_in(&old, b_names.0, b_names.1),
                ok_in(&report, state, event),
            ) {
                (true, true) => Follows::Both,
                (false, true) => Follows::Reference,
                (true, false) => Follows::Baseline,
                (false, false) => Follows::Neither,
            };
            let names = Names::match_up(spec, reference);
            report.changes.push(Change {
                state: state.clone(),
                event: event.clone(),
                baseline: old_rule.0,
                baseline_cite: old_rule.1,
                reference: new_rule.0,
                reference_cite: new_rule.1,
                spec: cell::describe_spec(spec, &names, r_state, r_event),
                follows,
            });
        }
    }
    report
}

/// Marks the discrepancies that the spec declares, and notes declarations that cover nothing.
fn declare(spec: &Spec, source: &SourceFile, reference: &Spec, findings: &mut Vec<Finding>) {
    let location =
        |span: crate::Span| format!("{}:{}", source.name(), source.location(span.start).line);
    let mut used = vec![false; spec.deviations.len()];
    for finding in findings.iter_mut() {
        if finding.status != Status::Discrepancy {
            continue;
        }
        let transition = finding.spec_transition.map(|i| &spec.transitions[i]);
        if let Some(t) = transition {
            if let Some(reason) = &t.deviation {
                finding.status = Status::Declared;
                finding.declared = Some(Declaration {
                    reason: reason.clone(),
                    cite: t.cite.clone(),
                    location: location(t.span),
                });
                continue;
            }
        }
        let Some((state, event)) = finding.spec_cell else {
            continue;
        };
        let found = spec.deviations.iter().position(|d| {
            d.applies_to(&reference.machine.name)
                && d.from == state
                && d.event == event
                && covers(d, transition, finding.guard.as_deref())
        });
        if let Some(index) = found {
            used[index] = true;
            let d = &spec.deviations[index];
            finding.status = Status::Declared;
            finding.declared = Some(Declaration {
                reason: d.reason.clone(),
                cite: d.cite.clone(),
                location: location(d.span),
            });
        }
    }
    for (d, used) in spec.deviations.iter().zip(used) {
        if used || !d.applies_to(&reference.machine.name) {
            continue;
        }
        findings.push(Finding {
            kind: FindingKind::StaleDeviation,
            status: Status::Note,
            state: spec.state(d.from).name.clone(),
            event: spec.event(d.event).name.clone(),
            guard: d.guard.clone(),
            reference: Vec::new(),
            spec: None,
            cite: d.cite.clone().unwrap_or_default(),
            quote: None,
            location: Some(location(d.span)),
            declared: Some(Declaration {
                reason: d.reason.clone(),
                cite: d.cite.clone(),
                location: location(d.span),
            }),
            spec_cell: None,
            spec_transition: None,
        });
    }
}

/// Whether deviation `d` describes `transition` (the spec's side of a finding; `None` when
/// the spec has no transition there).
fn covers(d: &crate::Deviation, transition: Option<&Transition>, guard: Option<&str>) -> bool {
    let guard_ok = match (&d.guard, guard, transition.and_then(|t| t.guard.as_deref())) {
        (None, _, _) => true,
        (Some(g), reference, spec) => [reference, spec]
            .into_iter()
            .flatten()
            .any(|other| loose_key(g) == loose_key(other)),
    };
    let to_ok = match (d.to, transition) {
        (None, _) => true,
        (Some(to), Some(t)) => t.to == to,
        (Some(_), None) => false,
    };
    let send_ok = match (&d.send, transition) {
        (None, _) => true,
        (Some(send), Some(t)) => crate::output::same(Some(send), t.send.as_deref()),
        (Some(_), None) => false,
    };
    guard_ok && to_ok && send_ok
}

/// How a reference event is found in the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EventLink {
    Direct(EventId),
    /// The spec lacks the event; it handles it as this coarser one.
    Refined(EventId),
    Unmatched,
}

impl EventLink {
    fn direct(self) -> Option<EventId> {
        match self {
            EventLink::Direct(e) => Some(e),
            _ => None,
        }
    }

    fn any(self) -> Option<EventId> {
        match self {
            EventLink::Direct(e) | EventLink::Refined(e) => Some(e),
            EventLink::Unmatched => None,
        }
    }
}

/// The correspondence between a reference's names and a spec's names.
struct Names {
    /// Per reference state: the spec state and the name that matched.
    states: Vec<Option<(StateId, String)>>,
    events: Vec<(EventLink, Option<String>)>,
}

impl Names {
    fn match_up(spec: &Spec, reference: &Spec) -> Names {
        let states = reference
            .states
            .iter()
            .map(|r| {
                std::iter::once(&r.name)
                    .chain(&r.aliases)
                    .find_map(|n| spec.state_named_loosely(n).map(|s| (s, n.clone())))
            })
            .collect();
        let mut events: Vec<(EventLink, Option<String>)> = reference
            .events
            .iter()
            .map(|r| {
                let by_name = std::iter::once(&r.name)
                    .chain(&r.aliases)
                    .find_map(|n| spec.event_named_loosely(n).map(|e| (e, Some(n.clone()))));
                // A spec event whose name another reference event has is not matched again
                // by its segment.
                let by_segment = || {
                    let segment = r.segment.as_deref()?;
                    spec.event_ids()
                        .find(|&e| {
                            let s = spec.event(e);
                            s.kind == r.kind
                                && s.segment.is_some()
                                && crate::output::same(s.segment.as_deref(), Some(segment))
                                && !named_elsewhere(reference, r, s)
                        })
                        .map(|e| (e, Some(format!("segment {segment}"))))
                };
                match by_name.or_else(by_segment) {
                    Some((e, via)) => (EventLink::Direct(e), via),
                    None => (EventLink::Unmatched, None),
                }
            })
            .collect();
        for (index, r) in reference.events.iter().enumerate() {
            if let (EventLink::Unmatched, Some(coarser)) = (events[index].0, r.refines) {
                if let EventLink::Direct(e) = events[coarser.0].0 {
                    events[index].0 = EventLink::Refined(e);
                }
            }
        }
        Names { states, events }
    }

    fn state(&self, r: StateId) -> Option<StateId> {
        self.states[r.0].as_ref().map(|(s, _)| *s)
    }

    fn event(&self, r: EventId) -> EventLink {
        self.events[r.0].0
    }

    /// The reference state that spec state `s` stands for.
    fn reference_state(&self, s: StateId) -> Option<StateId> {
        self.states
            .iter()
            .position(|m| m.as_ref().is_some_and(|(id, _)| *id == s))
            .map(StateId)
    }

    fn state_matches(&self, spec: &Spec, reference: &Spec) -> Vec<NameMatch> {
        reference
            .states
            .iter()
            .zip(&self.states)
            .map(|(r, m)| {
                let spec_name = m.as_ref().map(|(s, _)| spec.state(*s).name.clone());
                let via = m
                    .as_ref()
                    .map(|(_, via)| via.clone())
                    .filter(|via| Some(via) != spec_name.as_ref());
                NameMatch {
                    reference: r.name.clone(),
                    spec: spec_name,
                    via,
                    handled_as: None,
                }
            })
            .collect()
    }

    fn event_matches(&self, spec: &Spec, reference: &Spec) -> Vec<NameMatch> {
        reference
            .events
            .iter()
            .zip(&self.events)
            .map(|(r, (link, via))| {
                let spec_name = link.direct().map(|e| spec.event(e).name.clone());
                NameMatch {
                    reference: r.name.clone(),
                    via: via.clone().filter(|via| Some(via) != spec_name.as_ref()),
                    spec: spec_name,
                    handled_as: match link {
                        EventLink::Refined(e) => Some(spec.event(*e).name.clone()),
                        _ => None,
                    },
                }
            })
            .collect()
    }

    /// Findings about names: reference states and events the spec lacks, and spec-only ones.
    fn findings(&self, spec: &Spec, source: &SourceFile, reference: &Spec) -> Vec<Finding> {
        let mut findings = Vec::new();
        let location = |span: crate::Span| {
            Some(format!(
                "{}:{}",
                source.name(),
                source.location(span.start).line
            ))
        };
        let by = |kind, state: String, event: String, cite: String, loc| Finding {
            kind,
            status: Status::Discrepancy,
            state,
            event,
            guard: None,
            reference: Vec::new(),
            spec: None,
            cite,
            quote: None,
            location: loc,
            declared: None,
            spec_cell: None,
            spec_transition: None,
        };
        let title = &reference.machine.name;
        for (r, m) in reference.states.iter().zip(&self.states) {
            if m.is_none() {
                let cite = r
                    .doc
                    .clone()
                    .unwrap_or_else(|| format!("{title}: state {}", r.name));
                findings.push(by(
                    FindingKind::MissingState,
                    r.name.clone(),
                    String::new(),
                    cite,
                    None,
                ));
            }
        }
        for s in spec.state_ids() {
            if self.reference_state(s).is_none() {
                let state = spec.state(s);
                let cite = format!(
                    "{title} has no state named {} or one of its aliases",
                    state.name
                );
                findings.push(by(
                    FindingKind::ExtraState,
                    state.name.clone(),
                    String::new(),
                    cite,
                    location(state.span),
                ));
            }
        }
        for (r, (link, _)) in reference.events.iter().zip(&self.events) {
            if *link == EventLink::Unmatched {
                let cite = r
                    .doc
                    .clone()
                    .unwrap_or_else(|| format!("{title}: event {}", r.name));
                findings.push(by(
                    FindingKind::MissingEvent,
                    String::new(),
                    r.name.clone(),
                    cite,
                    None,
                ));
            }
        }
        for e in spec.event_ids() {
            if !self.events.iter().any(|(link, _)| link.direct() == Some(e)) {
                let event = spec.event(e);
                let cite = format!(
                    "{title} has no event named {} or one of its aliases",
                    event.name
                );
                findings.push(by(
                    FindingKind::ExtraEvent,
                    String::new(),
                    event.name.clone(),
                    cite,
                    location(event.span),
                ));
            }
        }
        findings
    }
}

/// Whether another event of `reference` than `r` has `s`'s name or one of its aliases.
fn named_elsewhere(reference: &Spec, r: &crate::Event, s: &crate::Event) -> bool {
    let names: Vec<String> = std::iter::once(&s.name)
        .chain(&s.aliases)
        .map(|n| loose_key(n))
        .collect();
    reference.events.iter().any(|other| {
        other.name != r.name
            && std::iter::once(&other.name)
                .chain(&other.aliases)
                .any(|n| names.contains(&loose_key(n)))
    })
}

/// The reference's rule kind for a state and event without transitions.
fn rule_of(kind: Option<NoTransitionKind>) -> Rule {
    match kind {
        Some(NoTransitionKind::Error) => Rule::Error,
        Some(NoTransitionKind::Drop) => Rule::Drop,
        Some(NoTransitionKind::Impossible) => Rule::Impossible,
        None => Rule::Silent,
    }
}
