//! One state and event of the reference, compared with the same state and event of the spec.

use super::{
    Arrow, CoverageCell, EventLink, Finding, FindingKind, Handling, Names, Rule, Status, rule_of,
};
use crate::model::{EventId, NoTransition, Spec, StateId, Transition};
use crate::naming::case::loose_key;
use crate::output::same as same_output;
use crate::source::SourceFile;

/// What the reference has at one state and event: plain transitions and contradictions
/// (each a group of readings), or a `[[no_transition]]` entry, or nothing.
pub(super) struct Cell<'r> {
    r_state: StateId,
    r_event: EventId,
    s_state: Option<StateId>,
    s_event: EventLink,
    slots: Vec<Slot<'r>>,
    no_transition: Option<&'r NoTransition>,
}

/// A test that a slot and a spec transition belong together, in one round of pairing.
type PairingRule<'a> = dyn Fn(&Slot, &Transition) -> bool + 'a;

/// One thing the spec must have: a transition, or one of the readings of a contradiction.
struct Slot<'r> {
    guard: Option<&'r str>,
    options: Vec<&'r Transition>,
}

impl Slot<'_> {
    fn contradiction(&self) -> Option<&str> {
        self.options[0]
            .reading
            .as_ref()
            .map(|r| r.contradiction.as_str())
    }
}

impl<'r> Cell<'r> {
    pub(super) fn new(
        reference: &'r Spec,
        names: &Names,
        r_state: StateId,
        r_event: EventId,
    ) -> Cell<'r> {
        let mut slots: Vec<Slot<'r>> = Vec::new();
        for t in reference.transitions_on(r_state, r_event) {
            let rival = t.reading.as_ref().and_then(|r| {
                slots.iter_mut().find(|s| {
                    s.guard == t.guard.as_deref() && s.contradiction() == Some(&r.contradiction)
                })
            });
            match rival {
                Some(slot) => slot.options.push(t),
                None => slots.push(Slot {
                    guard: t.guard.as_deref(),
                    options: vec![t],
                }),
            }
        }
        Cell {
            r_state,
            r_event,
            s_state: names.state(r_state),
            s_event: names.event(r_event),
            slots,
            no_transition: reference.no_transition(r_state, r_event),
        }
    }

    fn spec_transitions<'s>(&self, spec: &'s Spec) -> Vec<(usize, &'s Transition)> {
        let (Some(state), Some(event)) = (self.s_state, self.s_event.any()) else {
            return Vec::new();
        };
        spec.transitions
            .iter()
            .enumerate()
            .filter(|(_, t)| t.from == state && t.event == event)
            .collect()
    }

    /// Pairs each slot with a spec transition, compares them, and reports the leftovers;
    /// marks the spec transitions it consumes in `visited`.
    pub(super) fn findings(
        &self,
        spec: &Spec,
        source: &SourceFile,
        reference: &Spec,
        visited: &mut [bool],
    ) -> Vec<Finding> {
        let theirs = self.spec_transitions(spec);
        let pairs = self.pair(spec, reference, &theirs);
        let refined = matches!(self.s_event, EventLink::Refined(_));
        let mut findings = Vec::new();
        let mut used = vec![false; theirs.len()];
        for (slot, mine) in &pairs {
            if let Some(m) = mine {
                used[*m] = true;
            }
            let mine = mine.map(|m| theirs[m]);
            findings.push(self.compare(spec, source, reference, slot.as_ref(), mine));
        }
        for (index, (i, t)) in theirs.iter().enumerate() {
            if !refined {
                visited[*i] = true;
            }
            if used[index] || refined {
                continue;
            }
            findings.push(self.leftover(spec, source, reference, (*i, t)));
        }
        findings
    }

    /// Slot index → spec transition index (into `theirs`), by guard, then by target, then
    /// in order; unpaired slots come with `None`.
    fn pair(
        &self,
        spec: &Spec,
        reference: &Spec,
        theirs: &[(usize, &Transition)],
    ) -> Vec<(Option<usize>, Option<usize>)> {
        let mut taken = vec![false; theirs.len()];
        let mut pairs: Vec<(Option<usize>, Option<usize>)> =
            (0..self.slots.len()).map(|s| (Some(s), None)).collect();
        let guard_eq = |a: Option<&str>, b: Option<&str>| a.map(loose_key) == b.map(loose_key);
        let target_eq = |slot: &Slot, t: &Transition| {
            slot.options.iter().any(|o| {
                spec.state_named_loosely(&reference.state(o.to).name) == Some(t.to)
                    || reference
                        .state(o.to)
                        .aliases
                        .iter()
                        .any(|a| spec.state_named_loosely(a) == Some(t.to))
            })
        };
        let rounds: [&PairingRule; 3] = [
            &|slot, t| guard_eq(slot.guard, t.guard.as_deref()),
            &|slot, t| target_eq(slot, t),
            &|_, _| true,
        ];
        for round in rounds {
            for pair in pairs.iter_mut() {
                let (Some(s), None) = *pair else { continue };
                let found =
                    (0..theirs.len()).find(|&i| !taken[i] && round(&self.slots[s], theirs[i].1));
                if let Some(i) = found {
                    taken[i] = true;
                    pair.1 = Some(i);
                }
            }
        }
        pairs
    }

    fn arrow(spec: &Spec, t: &Transition) -> Arrow {
        Arrow {
            to: spec.state(t.to).name.clone(),
            send: t.send.clone(),
            reading: t.reading.as_ref().map(|r| r.name.clone()),
        }
    }

    fn base(&self, reference: &Spec, kind: FindingKind) -> Finding {
        Finding {
            kind,
            status: Status::Ok,
            state: reference.state(self.r_state).name.clone(),
            event: reference.event(self.r_event).name.clone(),
            guard: None,
            reference: Vec::new(),
            spec: None,
            cite: String::new(),
            quote: None,
            location: None,
            declared: None,
            spec_cell: self.s_state.zip(self.s_event.any()),
            spec_transition: None,
        }
    }

    fn compare(
        &self,
        spec: &Spec,
        source: &SourceFile,
        reference: &Spec,
        slot: Option<&usize>,
        mine: Option<(usize, &Transition)>,
    ) -> Finding {
        let slot = &self.slots[*slot.expect("every pair starts from a slot")];
        let mut finding = self.base(reference, FindingKind::Matched);
        finding.guard = slot.guard.map(str::to_string);
        finding.reference = slot
            .options
            .iter()
            .map(|o| Self::arrow(reference, o))
            .collect();
        let first = slot.options[0];
        finding.cite = first.cite.clone().unwrap_or_default();
        finding.quote = first.quote.clone();
        let Some((index, t)) = mine else {
            finding.kind = FindingKind::Missing;
            finding.status = Status::Discrepancy;
            return finding;
        };
        finding.spec = Some(Self::arrow(spec, t));
        finding.spec_transition = Some(index);
        finding.location = Some(location(source, t));
        let maps_to = |o: &Transition| {
            let r = reference.state(o.to);
            std::iter::once(&r.name)
                .chain(&r.aliases)
                .any(|n| spec.state_named_loosely(n) == Some(t.to))
        };
        let agrees =
            |o: &Transition| maps_to(o) && same_output(o.send.as_deref(), t.send.as_deref());
        if let Some(contradiction) = slot.contradiction() {
            let summary = reference
                .contradiction(contradiction)
                .map(|c| c.summary.clone())
                .unwrap_or_default();
            match slot.options.iter().find(|o| agrees(o)) {
                Some(o) => {
                    finding.cite = o.cite.clone().unwrap_or_default();
                    finding.quote = o.quote.clone();
                    finding.kind = FindingKind::FollowsReading {
                        contradiction: contradiction.to_string(),
                        reading: o
                            .reading
                            .as_ref()
                            .map(|r| r.name.clone())
                            .unwrap_or_default(),
                        summary,
                    };
                }
                None => {
                    finding.kind = FindingKind::FollowsNoReading {
                        contradiction: contradiction.to_string(),
                        summary,
                    };
                    finding.status = Status::Discrepancy;
                }
            }
            return finding;
        }
        if !maps_to(first) {
            finding.kind = FindingKind::DifferentTarget;
            finding.status = Status::Discrepancy;
        } else if !agrees(first) {
            finding.kind = FindingKind::DifferentOutput;
            finding.status = Status::Discrepancy;
        }
        finding
    }

    /// A spec transition no slot took: ignoring a dropped event is fine, anything else is
    /// extra.
    fn leftover(
        &self,
        spec: &Spec,
        source: &SourceFile,
        reference: &Spec,
        (index, t): (usize, &Transition),
    ) -> Finding {
        let mut finding = self.base(reference, FindingKind::Extra);
        finding.guard = t.guard.clone();
        finding.spec = Some(Self::arrow(spec, t));
        finding.spec_transition = Some(index);
        finding.location = Some(location(source, t));
        match self.no_transition {
            Some(n) => {
                finding.cite = format!("{} ({})", n.cite, n.kind);
                finding.quote = n.quote.clone();
            }
            None => finding.cite = silent_cite(reference, self.r_state, self.r_event),
        }
        let drop = self
            .no_transition
            .is_some_and(|n| n.kind == crate::NoTransitionKind::Drop);
        if drop && t.is_self_loop() && t.send.is_none() {
            finding.kind = FindingKind::Ignored;
        } else {
            finding.status = Status::Discrepancy;
        }
        finding
    }

    pub(super) fn coverage(
        &self,
        spec: &Spec,
        reference: &Spec,
        findings: &[Finding],
    ) -> CoverageCell {
        let theirs = self.spec_transitions(spec);
        let handling = if theirs.is_empty() {
            Handling::Undefined
        } else if theirs
            .iter()
            .all(|(_, t)| t.is_self_loop() && t.send.is_none())
        {
            Handling::Ignores
        } else {
            Handling::Handles
        };
        CoverageCell {
            event: reference.event(self.r_event).name.clone(),
            rule: self.rule(),
            spec: handling,
            status: findings
                .iter()
                .map(|f| f.status)
                .max()
                .unwrap_or(Status::Ok),
        }
    }

    fn rule(&self) -> Rule {
        if self.slots.iter().any(|s| s.options.len() > 1) {
            Rule::Contradiction
        } else if self.slots.iter().any(|s| !s.options[0].is_self_loop()) {
            Rule::Moves
        } else if !self.slots.is_empty() {
            Rule::Stays
        } else {
            rule_of(self.no_transition.map(|n| n.kind))
        }
    }
}

fn location(source: &SourceFile, t: &Transition) -> String {
    format!("{}:{}", source.name(), source.location(t.span.start).line)
}

fn silent_cite(reference: &Spec, state: StateId, event: EventId) -> String {
    format!(
        "{} has no rule for {} on {}",
        reference.machine.name,
        reference.state(state).name,
        reference.event(event).name
    )
}

/// Spec transitions that no reference cell looked at: from spec-only states or on
/// spec-only events.
pub(super) fn unvisited(
    spec: &Spec,
    source: &SourceFile,
    reference: &Spec,
    visited: &[bool],
) -> Vec<Finding> {
    spec.transitions
        .iter()
        .enumerate()
        .filter(|(i, _)| !visited[*i])
        .map(|(i, t)| Finding {
            kind: FindingKind::Extra,
            status: Status::Discrepancy,
            state: spec.state(t.from).name.clone(),
            event: spec.event(t.event).name.clone(),
            guard: t.guard.clone(),
            reference: Vec::new(),
            spec: Some(Cell::arrow(spec, t)),
            cite: format!(
                "{} has no counterpart for {} on {}",
                reference.machine.name,
                spec.state(t.from).name,
                spec.event(t.event).name
            ),
            quote: None,
            location: Some(location(source, t)),
            declared: None,
            spec_cell: Some((t.from, t.event)),
            spec_transition: Some(i),
        })
        .collect()
}

/// A one-line description of what `spec` prescribes at `state` and `event`, and its
/// citation; equal descriptions mean equal rules.
pub(super) fn describe(spec: &Spec, state: StateId, event: EventId) -> (String, String) {
    let transitions: Vec<&Transition> = spec.transitions_on(state, event).collect();
    if transitions.is_empty() {
        return match spec.no_transition(state, event) {
            Some(n) => (n.kind.to_string(), n.cite.clone()),
            None => ("nothing".to_string(), String::new()),
        };
    }
    let text = transitions
        .iter()
        .map(|t| describe_transition(spec, t))
        .collect::<Vec<_>>()
        .join(" | ");
    let cites: Vec<&str> = transitions
        .iter()
        .filter_map(|t| t.cite.as_deref())
        .collect();
    (text, cites.join(" | "))
}

/// What `spec` prescribes at `state` and `event`, without names of readings or citations:
/// equal keys mean equal rules.
pub(super) fn rule_key(spec: &Spec, state: StateId, event: EventId) -> Vec<String> {
    let mut key: Vec<String> = spec
        .transitions_on(state, event)
        .map(|t| {
            let guard = t.guard.as_deref().map(loose_key).unwrap_or_default();
            let mut bits: Vec<String> = t
                .send
                .as_deref()
                .unwrap_or_default()
                .split([',', '+', ' '])
                .filter(|b| !b.is_empty())
                .map(str::to_uppercase)
                .collect();
            bits.sort();
            format!(
                "{guard}>{}:{}",
                loose_key(&spec.state(t.to).name),
                bits.join(",")
            )
        })
        .collect();
    if key.is_empty() {
        if let Some(n) = spec.no_transition(state, event) {
            key.push(n.kind.to_string());
        }
    }
    key.sort();
    key.dedup();
    key
}

fn describe_transition(spec: &Spec, t: &Transition) -> String {
    let mut text = String::new();
    if let Some(reading) = &t.reading {
        text.push_str(&format!("[{}] ", reading.name));
    }
    if let Some(guard) = &t.guard {
        text.push_str(&format!("({guard}) "));
    }
    text.push_str(&format!("-> {}", spec.state(t.to).name));
    if let Some(send) = &t.send {
        text.push_str(&format!(" snd {send}"));
    }
    text
}

/// What `spec` does at the counterpart of a reference state and event.
pub(super) fn describe_spec(
    spec: &Spec,
    names: &Names,
    r_state: StateId,
    r_event: EventId,
) -> String {
    match (names.state(r_state), names.event(r_event).any()) {
        (Some(s), Some(e)) => {
            let transitions: Vec<String> = spec
                .transitions_on(s, e)
                .map(|t| describe_transition(spec, t))
                .collect();
            if transitions.is_empty() {
                "nothing".to_string()
            } else {
                transitions.join(" | ")
            }
        }
        _ => "nothing (no counterpart)".to_string(),
    }
}
