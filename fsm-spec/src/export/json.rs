//! The normalised JSON form of a spec: names instead of indices, one transition per `from`
//! state, every optional key present (as `null` or `[]`), for other tools to read. A spec
//! with groups also has `groups` and each transition's `declared_in`; a spec without them
//! has neither key, so its JSON is what it was before groups existed.

use crate::model::{ContradictionKind, EventKind, Member, NoTransitionKind, Spec};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct NormalSpec<'a> {
    pub machine: NormalMachine<'a>,
    pub states: Vec<NormalState<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<NormalGroup<'a>>,
    pub events: Vec<NormalEvent<'a>>,
    pub transitions: Vec<NormalTransition<'a>>,
    pub contradictions: Vec<NormalContradiction<'a>>,
    pub deviations: Vec<NormalDeviation<'a>>,
    pub no_transitions: Vec<NormalNoTransition<'a>>,
}

#[derive(Debug, Serialize)]
pub struct NormalNoTransition<'a> {
    pub from: &'a str,
    pub event: &'a str,
    pub kind: NoTransitionKind,
    pub cite: &'a str,
    pub quote: Option<&'a str>,
    pub doc: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct NormalMachine<'a> {
    pub name: &'a str,
    pub initial: &'a str,
    pub doc: Option<&'a str>,
    pub require_cite: bool,
}

#[derive(Debug, Serialize)]
pub struct NormalState<'a> {
    pub name: &'a str,
    pub doc: Option<&'a str>,
    pub aliases: &'a [String],
    #[serde(rename = "final")]
    pub is_final: bool,
    /// Left out when the state holds no data, as in most specs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct NormalGroup<'a> {
    pub name: &'a str,
    /// The states and groups directly inside, by name.
    pub states: Vec<&'a str>,
    pub parent: Option<&'a str>,
    pub initial: Option<&'a str>,
    pub doc: Option<&'a str>,
    pub cite: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct NormalEvent<'a> {
    pub name: &'a str,
    pub kind: EventKind,
    pub segment: Option<&'a str>,
    pub label: Option<&'a str>,
    pub doc: Option<&'a str>,
    pub aliases: &'a [String],
    pub refines: Option<&'a str>,
    /// Left out when the event carries no payload, as in most specs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct NormalTransition<'a> {
    pub from: &'a str,
    pub event: &'a str,
    pub to: &'a str,
    pub send: Option<&'a str>,
    pub guard: Option<&'a str>,
    pub tags: &'a [String],
    pub cite: Option<&'a str>,
    pub doc: Option<&'a str>,
    pub quote: Option<&'a str>,
    pub contradiction: Option<&'a str>,
    pub reading: Option<&'a str>,
    pub deviation: Option<&'a str>,
    /// In a spec with groups: the group that declared the transition, `null` for the state
    /// itself. Left out in a spec without groups.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared_in: Option<Option<&'a str>>,
}

#[derive(Debug, Serialize)]
pub struct NormalContradiction<'a> {
    pub id: &'a str,
    pub kind: ContradictionKind,
    pub summary: &'a str,
    pub doc: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct NormalDeviation<'a> {
    pub from: &'a str,
    pub event: &'a str,
    pub guard: Option<&'a str>,
    pub to: Option<&'a str>,
    pub send: Option<&'a str>,
    pub reason: &'a str,
    pub cite: Option<&'a str>,
    pub against: &'a [String],
}

impl Spec {
    /// The normalised, serialisable view of this spec.
    pub fn normalised(&self) -> NormalSpec<'_> {
        NormalSpec {
            machine: NormalMachine {
                name: &self.machine.name,
                initial: &self.initial_state().name,
                doc: self.machine.doc.as_deref(),
                require_cite: self.machine.require_cite,
            },
            states: self
                .states
                .iter()
                .map(|s| NormalState {
                    name: &s.name,
                    doc: s.doc.as_deref(),
                    aliases: &s.aliases,
                    is_final: s.is_final,
                    data: s.data.as_ref().map(|d| d.value.as_str()),
                })
                .collect(),
            groups: self
                .groups
                .iter()
                .map(|g| NormalGroup {
                    name: &g.name,
                    states: g.members.iter().map(|&m| self.member_name(m)).collect(),
                    parent: g.parent.map(|p| self.group(p).name.as_str()),
                    initial: g.initial.map(|m| self.member_name(m)),
                    doc: g.doc.as_deref(),
                    cite: g.cite.as_deref(),
                })
                .collect(),
            events: self
                .events
                .iter()
                .map(|e| NormalEvent {
                    name: &e.name,
                    kind: e.kind,
                    segment: e.segment.as_deref(),
                    label: e.label.as_deref(),
                    doc: e.doc.as_deref(),
                    aliases: &e.aliases,
                    refines: e.refines.map(|r| self.event(r).name.as_str()),
                    payload: e.payload.as_ref().map(|p| p.value.as_str()),
                })
                .collect(),
            transitions: self
                .transitions
                .iter()
                .map(|t| NormalTransition {
                    from: &self.state(t.from).name,
                    event: &self.event(t.event).name,
                    to: &self.state(t.to).name,
                    send: t.send.as_deref(),
                    guard: t.guard.as_deref(),
                    tags: &t.tags,
                    cite: t.cite.as_deref(),
                    doc: t.doc.as_deref(),
                    quote: t.quote.as_deref(),
                    contradiction: t.reading.as_ref().map(|r| r.contradiction.as_str()),
                    reading: t.reading.as_ref().map(|r| r.name.as_str()),
                    deviation: t.deviation.as_deref(),
                    declared_in: (!self.groups.is_empty())
                        .then(|| t.declared_in.map(|g| self.group(g).name.as_str())),
                })
                .collect(),
            contradictions: self
                .contradictions
                .iter()
                .map(|c| NormalContradiction {
                    id: &c.id,
                    kind: c.kind,
                    summary: &c.summary,
                    doc: c.doc.as_deref(),
                })
                .collect(),
            deviations: self
                .deviations
                .iter()
                .map(|d| NormalDeviation {
                    from: &self.state(d.from).name,
                    event: &self.event(d.event).name,
                    guard: d.guard.as_deref(),
                    to: d.to.map(|s| self.state(s).name.as_str()),
                    send: d.send.as_deref(),
                    reason: &d.reason,
                    cite: d.cite.as_deref(),
                    against: &d.against,
                })
                .collect(),
            no_transitions: self
                .no_transitions
                .iter()
                .map(|n| NormalNoTransition {
                    from: &self.state(n.from).name,
                    event: &self.event(n.event).name,
                    kind: n.kind,
                    cite: &n.cite,
                    quote: n.quote.as_deref(),
                    doc: n.doc.as_deref(),
                })
                .collect(),
        }
    }

    fn member_name(&self, member: Member) -> &str {
        match member {
            Member::State(s) => &self.state(s).name,
            Member::Group(g) => &self.group(g).name,
        }
    }

    /// The normalised spec as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.normalised()).expect("plain data always serialises")
    }
}
