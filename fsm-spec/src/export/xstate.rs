//! XState v5 machine configs (JSON), for `createMachine` in JavaScript and the Stately editor.
//!
//! The mapping: every spec state is a state node keyed by its name (never `type: "final"`,
//! which would forbid the transitions a spec's final state may have); each event's
//! transitions from a state are an array under `on`, in spec order, XState taking the first
//! whose guard passes, as the runtime API does; a guard is a named guard (`guard: "NAME"`)
//! whose implementation the caller provides (`machine.provide({ guards })`), as the handle's
//! data decides guards through the generated `Guards` trait; what a transition sends is a
//! named action `{ "type": "send", "params": { "output": "SYN,ACK" } }` for the caller to
//! implement. An event with no transition in the current state is ignored by XState, where
//! the runtime API returns `IllegalTransition`.

use crate::model::{Spec, Transition};
use serde::Serialize;

/// Serialises `(key, value)` pairs as a JSON object in their order (serde_json's own map
/// sorts its keys; a machine reads best in the spec's order).
fn ordered<S: serde::Serializer, V: Serialize>(
    entries: &[(&str, V)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_map(entries.iter().map(|(key, value)| (key, value)))
}

#[derive(Serialize)]
struct Config<'a> {
    id: &'a str,
    initial: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(serialize_with = "ordered")]
    states: Vec<(&'a str, StateNode<'a>)>,
}

#[derive(Serialize)]
struct StateNode<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(serialize_with = "ordered", skip_serializing_if = "Vec::is_empty")]
    on: Vec<(&'a str, Vec<Target<'a>>)>,
}

#[derive(Serialize)]
struct Target<'a> {
    target: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    guard: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    actions: Vec<Action<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    meta: Meta<'a>,
}

#[derive(Serialize)]
struct Action<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    params: Output<'a>,
}

#[derive(Serialize)]
struct Output<'a> {
    output: &'a str,
}

#[derive(Serialize)]
struct Meta<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    cite: Option<&'a str>,
}

fn target<'a>(spec: &'a Spec, t: &'a Transition) -> Target<'a> {
    Target {
        target: &spec.state(t.to).name,
        guard: t.guard.as_deref(),
        actions: t
            .send
            .as_deref()
            .map(|output| Action {
                kind: "send",
                params: Output { output },
            })
            .into_iter()
            .collect(),
        description: t.doc.as_deref(),
        meta: Meta {
            cite: t.cite.as_deref(),
        },
    }
}

/// The spec as an XState v5 machine config, pretty-printed JSON, every transition included.
pub fn xstate(spec: &Spec) -> String {
    let states = spec
        .state_ids()
        .map(|id| {
            let state = spec.state(id);
            let mut on: Vec<(&str, Vec<Target<'_>>)> = Vec::new();
            for t in spec.transitions_from(id) {
                let event = spec.event(t.event).name.as_str();
                match on.iter_mut().find(|(name, _)| *name == event) {
                    Some((_, targets)) => targets.push(target(spec, t)),
                    None => on.push((event, vec![target(spec, t)])),
                }
            }
            let node = StateNode {
                description: state.doc.as_deref(),
                on,
            };
            (state.name.as_str(), node)
        })
        .collect();
    let config = Config {
        id: &spec.machine.name,
        initial: &spec.initial_state().name,
        description: spec.machine.doc.as_deref(),
        states,
    };
    let mut text = serde_json::to_string_pretty(&config).expect("the config serialises");
    text.push('\n');
    text
}
