//! `[machine] extends = "base.toml"`: a spec that inherits the states and events of another,
//! so that two machines over the same states and events (two versions of one protocol)
//! declare them once.
//!
//! The rules:
//! - `extends` names a spec file relative to the directory of the file that writes it. The
//!   base is a whole spec, checked on its own first; its errors are reported in its file and
//!   make the extending spec unusable. Then the extending spec's problems that stand without
//!   its base (`Problem::stands_without_base`) are reported too. Bases may extend others; a
//!   circle is an error.
//! - The base's states and events come first, in its order; then the extending spec's own.
//!   Nothing else is inherited: `[machine]`, transitions and the other tables are the spec's.
//! - Declaring an inherited state or event again may set `doc`, which replaces the base's,
//!   and `aliases`, which are added to the base's. Every other key stays the base's, and
//!   setting it is an error, so that the two specs cannot disagree on what a state or an
//!   event is.
//! - Diagnostics about an inherited state or event that the extending spec does not declare
//!   point at its `extends`.

use super::{Refinements, in_document_order};
use crate::diagnostic::Problem;
use crate::model::{Event, State};
use crate::source::Span;
use std::collections::HashMap;
use toml::de::DeTable;

type Problems = Vec<(Problem, Span)>;

/// The keys an extending spec may set on an inherited state or event.
const OVERRIDABLE: &[&str] = &["doc", "aliases"];

/// What a spec inherits from its base.
#[derive(Debug, Clone)]
pub(crate) struct Base {
    /// The base's file, as diagnostics name it.
    pub name: String,
    /// Where the extending spec writes `extends`.
    pub span: Span,
    pub states: Vec<State>,
    pub events: Vec<Event>,
    /// Where each name is in `states` and `events`, so that merging a spec that redeclares
    /// many of them stays linear.
    state_index: HashMap<String, usize>,
    event_index: HashMap<String, usize>,
}

impl Base {
    pub(crate) fn new(name: String, span: Span, states: Vec<State>, events: Vec<Event>) -> Base {
        Base {
            name,
            span,
            state_index: positions(states.iter().map(|s| &s.name)),
            event_index: positions(events.iter().map(|e| &e.name)),
            states,
            events,
        }
    }

    pub(crate) fn has_event(&self, name: &str) -> bool {
        self.event_index.contains_key(name)
    }

    fn has_state(&self, name: &str) -> bool {
        self.state_index.contains_key(name)
    }

    /// Reports every key but `doc` and `aliases` of an inherited entry of `table`.
    fn forbid_redefinition(
        &self,
        table: Option<(&DeTable<'_>, Span)>,
        what: &str,
        known_keys: &[&str],
        inherited: impl Fn(&str) -> bool,
        problems: &mut Problems,
    ) {
        let Some((table, _)) = table else { return };
        for (name, value) in in_document_order(table) {
            let (name, Some(entry)) = (name.get_ref(), value.get_ref().as_table()) else {
                continue;
            };
            if !inherited(name) {
                continue;
            }
            for (key, _) in in_document_order(entry) {
                let key_name = key.get_ref().as_ref();
                // Unknown keys are reported by the parser already.
                if OVERRIDABLE.contains(&key_name) || !known_keys.contains(&key_name) {
                    continue;
                }
                let problem = Problem::InheritedKey {
                    key: key_name.to_string(),
                    what: format!("{what} `{name}`"),
                    base: self.name.clone(),
                };
                problems.push((problem, key.span().into()));
            }
        }
    }
}

/// Adds what a redeclaration of an inherited state or event may set.
fn refine_docs(
    doc: &mut Option<String>,
    aliases: &mut Vec<String>,
    own_doc: Option<String>,
    own_aliases: Vec<String>,
) {
    if own_doc.is_some() {
        *doc = own_doc;
    }
    aliases.extend(own_aliases);
}

fn positions<'a>(names: impl Iterator<Item = &'a String>) -> HashMap<String, usize> {
    names
        .enumerate()
        .map(|(at, name)| (name.clone(), at))
        .collect()
}

/// The base's states, then the spec's own; redeclared ones refine the base's.
pub(crate) fn states(
    base: &Base,
    table: Option<(&DeTable<'_>, Span)>,
    own: Option<Vec<State>>,
    known_keys: &[&str],
    problems: &mut Problems,
) -> Vec<State> {
    base.forbid_redefinition(table, "state", known_keys, |n| base.has_state(n), problems);
    let mut merged: Vec<State> = base
        .states
        .iter()
        .map(|state| State {
            span: base.span,
            // Groups are not inherited: the extending spec declares its own.
            group: None,
            alias_spans: vec![base.span; state.aliases.len()],
            ..state.clone()
        })
        .collect();
    for state in own.unwrap_or_default() {
        // The spec's own names are distinct (TOML keys), so only the base's can repeat.
        match base.state_index.get(&state.name) {
            Some(&index) => {
                let inherited = &mut merged[index];
                refine_docs(
                    &mut inherited.doc,
                    &mut inherited.aliases,
                    state.doc,
                    state.aliases,
                );
                inherited.alias_spans.extend(state.alias_spans);
                inherited.span = state.span;
            }
            None => merged.push(state),
        }
    }
    merged
}

/// The base's events, then the spec's own; redeclared ones refine the base's. The own
/// events' `refines` are renumbered to the merged list (an inherited event keeps the base's).
pub(crate) fn events(
    base: &Base,
    table: Option<(&DeTable<'_>, Span)>,
    own: Option<(Vec<Event>, Refinements)>,
    known_keys: &[&str],
    problems: &mut Problems,
) -> (Vec<Event>, Refinements) {
    base.forbid_redefinition(table, "event", known_keys, |n| base.has_event(n), problems);
    let mut merged: Vec<Event> = base
        .events
        .iter()
        .map(|event| Event {
            span: base.span,
            ..event.clone()
        })
        .collect();
    let (own, own_refinements) = own.unwrap_or_default();
    let mut merged_index = Vec::with_capacity(own.len());
    for event in own {
        match base.event_index.get(&event.name) {
            Some(&index) => {
                let inherited = &mut merged[index];
                refine_docs(
                    &mut inherited.doc,
                    &mut inherited.aliases,
                    event.doc,
                    event.aliases,
                );
                inherited.span = event.span;
                merged_index.push(index);
            }
            None => {
                merged_index.push(merged.len());
                merged.push(event);
            }
        }
    }
    let refinements = own_refinements
        .into_iter()
        .map(|(own_index, refined)| (merged_index[own_index], refined))
        .filter(|(index, _)| *index >= base.events.len())
        .collect();
    (merged, refinements)
}
