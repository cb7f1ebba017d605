//! The normalised JSON form of a spec: names instead of indices, one transition per `from`
//! state, every optional key present (as `null` or `[]`), for other tools to read.

use crate::model::{EventKind, Spec};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct NormalSpec<'a> {
    pub machine: NormalMachine<'a>,
    pub states: Vec<NormalState<'a>>,
    pub events: Vec<NormalEvent<'a>>,
    pub transitions: Vec<NormalTransition<'a>>,
}

#[derive(Debug, Serialize)]
pub struct NormalMachine<'a> {
    pub name: &'a str,
    pub initial: &'a str,
    pub doc: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct NormalState<'a> {
    pub name: &'a str,
    pub doc: Option<&'a str>,
    pub aliases: &'a [String],
    #[serde(rename = "final")]
    pub is_final: bool,
}

#[derive(Debug, Serialize)]
pub struct NormalEvent<'a> {
    pub name: &'a str,
    pub kind: EventKind,
    pub segment: Option<&'a str>,
    pub label: Option<&'a str>,
    pub doc: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct NormalTransition<'a> {
    pub from: &'a str,
    pub event: &'a str,
    pub to: &'a str,
    pub send: Option<&'a str>,
    pub guard: Option<&'a str>,
    pub tags: &'a [String],
    pub cite: &'a str,
    pub doc: Option<&'a str>,
}

impl Spec {
    /// The normalised, serialisable view of this spec.
    pub fn normalised(&self) -> NormalSpec<'_> {
        NormalSpec {
            machine: NormalMachine {
                name: &self.machine.name,
                initial: &self.initial_state().name,
                doc: self.machine.doc.as_deref(),
            },
            states: self
                .states
                .iter()
                .map(|s| NormalState {
                    name: &s.name,
                    doc: s.doc.as_deref(),
                    aliases: &s.aliases,
                    is_final: s.is_final,
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
                    cite: &t.cite,
                    doc: t.doc.as_deref(),
                })
                .collect(),
        }
    }

    /// The normalised spec as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.normalised()).expect("plain data always serialises")
    }
}
