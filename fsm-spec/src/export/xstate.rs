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
//!
//! A group is a state node with its members under `states` and its `initial` (the first
//! member when the group has none: XState requires one, and no transition of the spec
//! enters a group without one); a transition declared on a group is on the group's node,
//! once. Targets are then absolute (`#Machine.GROUP.STATE`, XState's default id of a node),
//! since a state's siblings are no longer all the states. A node whose every transition on
//! an event is guarded, inside a group that also takes the event, ends the event's list with
//! a transition without target, so that XState does not go on to the group's when no guard
//! holds (the spec does not, see `export`).

use super::written;
use crate::model::{GroupId, Member, Nested, Spec, StateId, Transition};
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
    #[serde(skip_serializing_if = "Option::is_none")]
    initial: Option<&'a str>,
    #[serde(serialize_with = "ordered", skip_serializing_if = "Vec::is_empty")]
    on: Vec<(&'a str, Vec<Target<'a>>)>,
    #[serde(serialize_with = "ordered", skip_serializing_if = "Vec::is_empty")]
    states: Vec<(&'a str, StateNode<'a>)>,
    /// Only on [`START`].
    #[serde(skip_serializing_if = "Option::is_none")]
    always: Option<Target<'a>>,
}

/// The node a machine whose initial state is inside a group starts in, when the groups'
/// `initial`s lead elsewhere: XState's `initial` names a child only, so this node moves on
/// to the initial state at once (an `always` transition).
const START: &str = "(start)";

#[derive(Serialize)]
struct Target<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    guard: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    actions: Vec<Action<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    meta: Option<Meta<'a>>,
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

/// Where transition targets point: a sibling's name in a flat spec, the absolute id of a
/// node in one with groups.
#[derive(Clone, Copy)]
enum Targets {
    Siblings,
    Absolute,
}

fn target<'a>(spec: &'a Spec, t: &'a Transition, targets: Targets) -> Target<'a> {
    let target = match targets {
        Targets::Siblings => spec.state(t.to).name.clone(),
        Targets::Absolute => absolute(spec, t),
    };
    Target {
        target: Some(target),
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
        meta: Some(Meta {
            cite: t.cite.as_deref(),
        }),
    }
}

/// `#Machine.GROUP.STATE`: the id XState gives the node `t` goes to.
fn absolute(spec: &Spec, t: &Transition) -> String {
    match t.to_group {
        Some(g) => {
            let mut chain = spec.group_ancestors(g);
            chain.insert(0, g);
            path(spec, &chain, None)
        }
        None => absolute_state(spec, t.to),
    }
}

fn absolute_state(spec: &Spec, state: StateId) -> String {
    path(spec, &spec.ancestors(state), Some(&spec.state(state).name))
}

/// `#Machine.` and the groups of `chain` (innermost first) outermost first, then `last`.
fn path(spec: &Spec, chain: &[GroupId], last: Option<&str>) -> String {
    let mut id = format!("#{}", spec.machine.name);
    let names = chain.iter().rev().map(|g| spec.group(*g).name.as_str());
    for name in names.chain(last) {
        id.push('.');
        id.push_str(name);
    }
    id
}

/// The transition that ends an event's list on a node whose guards may all fail.
fn stop() -> Target<'static> {
    Target {
        target: None,
        guard: None,
        actions: Vec::new(),
        description: Some("no guard holds: the event stops here, as in the spec"),
        meta: None,
    }
}

/// A state's node, or a group's with its members.
fn node<'a>(spec: &'a Spec, nested: &Nested, targets: Targets) -> (&'a str, StateNode<'a>) {
    let (member, name, description) = match nested {
        Nested::State(s) => (
            Member::State(*s),
            spec.state(*s).name.as_str(),
            spec.state(*s).doc.as_deref(),
        ),
        Nested::Group(g, _) => (
            Member::Group(*g),
            spec.group(*g).name.as_str(),
            spec.group(*g).doc.as_deref(),
        ),
    };
    let written = written(spec, member);
    let mut on: Vec<(&str, Vec<Target<'_>>)> = Vec::new();
    for t in &written.transitions {
        let event = spec.event(t.event).name.as_str();
        match on.iter_mut().find(|(name, _)| *name == event) {
            Some((_, list)) => list.push(target(spec, t, targets)),
            None => on.push((event, vec![target(spec, t, targets)])),
        }
    }
    for &event in &written.blocked {
        let event = spec.event(event).name.as_str();
        if let Some((_, list)) = on.iter_mut().find(|(name, _)| *name == event) {
            list.push(stop());
        }
    }
    let (initial, states) = match nested {
        Nested::State(_) => (None, Vec::new()),
        Nested::Group(g, inner) => {
            let initial = match spec.group(*g).initial {
                Some(Member::State(s)) => Some(spec.state(s).name.as_str()),
                Some(Member::Group(h)) => Some(spec.group(h).name.as_str()),
                None => first_name(spec, inner),
            };
            let states = inner.iter().map(|n| node(spec, n, targets)).collect();
            (initial, states)
        }
    };
    let node = StateNode {
        description,
        initial,
        on,
        states,
        always: None,
    };
    (name, node)
}

fn first_name<'a>(spec: &'a Spec, inner: &[Nested]) -> Option<&'a str> {
    inner.first().map(|n| match n {
        Nested::State(s) => spec.state(*s).name.as_str(),
        Nested::Group(g, _) => spec.group(*g).name.as_str(),
    })
}

/// The spec as an XState v5 machine config, pretty-printed JSON, every transition included.
pub fn xstate(spec: &Spec) -> String {
    let targets = if spec.groups.is_empty() {
        Targets::Siblings
    } else {
        Targets::Absolute
    };
    let mut states: Vec<(&str, StateNode<'_>)> = spec
        .nested(|_| true)
        .iter()
        .map(|n| node(spec, n, targets))
        .collect();
    let initial_state = spec.machine.initial;
    let initial = match spec.ancestors(initial_state).last() {
        None => spec.initial_state().name.as_str(),
        Some(&outer) if spec.initial_leaf(outer) == Some(initial_state) => {
            spec.group(outer).name.as_str()
        }
        Some(_) => {
            let start = StateNode {
                description: Some("moves on to the initial state at once"),
                initial: None,
                on: Vec::new(),
                states: Vec::new(),
                always: Some(Target {
                    target: Some(absolute_state(spec, initial_state)),
                    guard: None,
                    actions: Vec::new(),
                    description: None,
                    meta: None,
                }),
            };
            states.insert(0, (START, start));
            START
        }
    };
    let config = Config {
        id: &spec.machine.name,
        initial,
        description: spec.machine.doc.as_deref(),
        states,
    };
    let mut text = serde_json::to_string_pretty(&config).expect("the config serialises");
    text.push('\n');
    text
}
