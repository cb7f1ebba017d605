//! The generated-name rules over a spec: every Rust name the generated code gives it, and
//! the checks that those names are identifiers, distinct, and not the generated code's own.

use super::case::{is_rust_identifier, output_type, snake, upper_camel};
use crate::diagnostic::Problem;
use crate::model::{EventId, Spec, StateId};
use crate::source::Span;

/// Items the generated handle already has; an event cannot become a method of that name.
pub const HANDLE_METHODS: &[&str] = &[
    "new",
    "with_data",
    "state",
    "data",
    "data_mut",
    "into_data",
    "map_data",
];

/// Modules emitted next to the handle; the machine's type cannot share their name.
pub const MODULES: &[&str] = &["state", "event", "output", "guard", "outcome", "runtime"];

/// Type names the generated modules use themselves: the name, the kind of spec item that
/// could take it, and what the generated code uses it for.
pub const RESERVED_TYPES: &[(&str, &str, &str)] = &[
    ("State", "state", "the trait that all state types implement"),
    (
        "Rules",
        "event",
        "the type that implements the event traits",
    ),
    ("Guards", "guarded pair", "the generated guard trait"),
];

/// A `send` text and the type the generated `output` module gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputName {
    /// The spec's text, `SYN,ACK`.
    pub text: String,
    /// The type name, `SynAck`.
    pub name: String,
    /// The first transition that sends it.
    pub span: Span,
}

/// Several transitions with the same `from` and `event`, told apart by their guards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub from: StateId,
    pub event: EventId,
    /// Indices into `Spec::transitions`, in source order.
    pub transitions: Vec<usize>,
    /// `SynReceivedRcvRst`: the decision enum, the outcome enum and the runtime variant.
    pub name: String,
    /// `syn_received_rcv_rst`: the `Guards` method that decides the group.
    pub method: String,
    /// One per transition: the guard in UpperCamelCase.
    pub variants: Vec<String>,
}

impl Choice {
    /// "SYN_RECEIVED on `rcv_rst`", for messages.
    pub fn label(&self, spec: &Spec) -> String {
        format!(
            "{} on `{}`",
            spec.state(self.from).name,
            spec.event(self.event).name
        )
    }
}

/// Every Rust name the generated code gives a spec, indexed like its states and events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustNames {
    /// The handle type: the machine name as written.
    pub machine: String,
    /// Marker types and runtime `State` variants.
    pub states: Vec<String>,
    /// Event traits and runtime `Event` variants.
    pub events: Vec<String>,
    /// Handle methods: the event names as written.
    pub methods: Vec<String>,
    /// Distinct `send` texts in order of first use.
    pub outputs: Vec<OutputName>,
    /// The guarded `(state, event)` pairs, ordered by state then event.
    pub choices: Vec<Choice>,
    /// One marker trait per `[groups.NAME]`, indexed like `Spec::groups`, in the `state`
    /// module beside the state types (and the runtime `Group` variants).
    pub group_traits: Vec<String>,
}

impl RustNames {
    /// Computes every name; [`RustNames::check`] says whether they are usable.
    pub fn new(spec: &Spec) -> RustNames {
        RustNames {
            machine: spec.machine.name.clone(),
            states: spec.states.iter().map(|s| upper_camel(&s.name)).collect(),
            events: spec.events.iter().map(|e| upper_camel(&e.name)).collect(),
            methods: spec.events.iter().map(|e| e.name.clone()).collect(),
            outputs: distinct_outputs(spec),
            choices: guarded_pairs(spec)
                .into_iter()
                .map(|members| choice(spec, members))
                .collect(),
            group_traits: spec.groups.iter().map(|g| upper_camel(&g.name)).collect(),
        }
    }

    /// The type name of a transition's output, if it sends one.
    pub fn output(&self, send: Option<&str>) -> Option<&OutputName> {
        let send = send?;
        self.outputs.iter().find(|o| o.text == send)
    }

    /// Reports every generated name that is not an identifier, that two items share, or
    /// that the generated code uses itself. Spec names that are not identifiers as written
    /// are reported where they are parsed; their derived names are not reported again.
    pub fn check(&self, spec: &Spec, problems: &mut Vec<(Problem, Span)>) {
        self.check_identifiers(spec, problems);
        self.check_reserved(spec, problems);
        self.check_clashes(spec, problems);
    }

    fn check_identifiers(&self, spec: &Spec, problems: &mut Vec<(Problem, Span)>) {
        let mut require = |what: String, raw: &str, rust: &str, span: Span| {
            if is_rust_identifier(raw) && !is_rust_identifier(rust) {
                let rust = rust.to_string();
                problems.push((Problem::NotARustName { what, rust }, span));
            }
        };
        for (state, rust) in spec.states.iter().zip(&self.states) {
            require(
                format!("state `{}`", state.name),
                &state.name,
                rust,
                state.span,
            );
        }
        for (event, rust) in spec.events.iter().zip(&self.events) {
            require(
                format!("event `{}`", event.name),
                &event.name,
                rust,
                event.span,
            );
        }
        for output in &self.outputs {
            // An output has no name of its own, so only its type name can be wrong.
            let what = format!("output `{}`", output.text);
            require(what, "output", &output.name, output.span);
        }
        for g in &self.choices {
            let span = spec.transitions[g.transitions[0]].span;
            let state = &spec.state(g.from).name;
            let event = &spec.event(g.event).name;
            let what = || format!("the guarded {}", g.label(spec));
            let raw_ok = is_rust_identifier(state) && is_rust_identifier(event);
            let raw = if raw_ok { "group" } else { "-" };
            require(what(), raw, &g.name, span);
            require(what(), raw, &g.method, span);
            for (variant, &t) in g.variants.iter().zip(&g.transitions) {
                let guard = spec.transitions[t].guard.as_deref().unwrap_or_default();
                let what = format!("guard `{guard}`");
                require(what, guard, variant, spec.transitions[t].span);
            }
        }
    }

    fn check_reserved(&self, spec: &Spec, problems: &mut Vec<(Problem, Span)>) {
        if MODULES.contains(&self.machine.as_str()) {
            let problem = Problem::ReservedName {
                what: format!("the machine name `{}`", self.machine),
                rust: format!("the module `{}`", self.machine),
                used_for: "one of the generated modules",
                fix: "rename the machine",
            };
            problems.push((problem, spec.machine.span));
        }
        let reserved_type = |kind: &str| {
            RESERVED_TYPES
                .iter()
                .find(|(_, k, _)| *k == kind)
                .map(|&(name, _, used_for)| (name, used_for))
                .unwrap_or_default()
        };
        let (state_type, state_use) = reserved_type("state");
        for (state, rust) in spec.states.iter().zip(&self.states) {
            if rust == state_type {
                let problem = Problem::ReservedName {
                    what: format!("state `{}`", state.name),
                    rust: format!("the Rust type `{rust}`"),
                    used_for: state_use,
                    fix: "rename the state",
                };
                problems.push((problem, state.span));
            }
        }
        for (group, rust) in spec.groups.iter().zip(&self.group_traits) {
            if rust == state_type {
                let problem = Problem::ReservedName {
                    what: format!("group `{}`", group.name),
                    rust: format!("the Rust trait `{rust}`"),
                    used_for: state_use,
                    fix: "rename the group",
                };
                problems.push((problem, group.span));
            }
        }
        let (event_type, event_use) = reserved_type("event");
        for (event, rust) in spec.events.iter().zip(&self.events) {
            if rust == event_type {
                let problem = Problem::ReservedName {
                    what: format!("event `{}`", event.name),
                    rust: format!("the Rust type `{rust}`"),
                    used_for: event_use,
                    fix: "rename the event",
                };
                problems.push((problem, event.span));
            }
        }
        for (event, method) in spec.events.iter().zip(&self.methods) {
            if HANDLE_METHODS.contains(&method.as_str()) {
                let problem = Problem::ReservedName {
                    what: format!("event `{method}`"),
                    rust: format!("the method `{}::{method}`", self.machine),
                    used_for: "a method of the generated handle",
                    fix: "rename the event",
                };
                problems.push((problem, event.span));
            }
        }
        let (group_type, group_use) = reserved_type("guarded pair");
        for g in &self.choices {
            if g.name == group_type {
                let problem = Problem::ReservedName {
                    what: format!("the guarded {}", g.label(spec)),
                    rust: format!("`guard::{}`", g.name),
                    used_for: group_use,
                    fix: "rename the state or the event",
                };
                problems.push((problem, spec.transitions[g.transitions[0]].span));
            }
        }
    }

    fn check_clashes(&self, spec: &Spec, problems: &mut Vec<(Problem, Span)>) {
        // State types and group traits share the `state` module.
        let states = spec.states.iter().zip(&self.states);
        let states = states.map(|(s, n)| (n.clone(), format!("state `{}`", s.name), s.span));
        let groups = spec.groups.iter().zip(&self.group_traits);
        let groups = groups.map(|(g, n)| (n.clone(), format!("group `{}`", g.name), g.span));
        clashes(states.chain(groups), "type", problems);
        let events = spec.events.iter().zip(&self.events);
        let events = events.map(|(e, n)| (n.clone(), format!("event `{}`", e.name), e.span));
        clashes(events, "type", problems);
        let outputs = self.outputs.iter();
        let outputs = outputs.map(|o| (o.name.clone(), format!("output `{}`", o.text), o.span));
        clashes(outputs, "type", problems);
        let first_span = |g: &Choice| spec.transitions[g.transitions[0]].span;
        let choices = self.choices.iter();
        let choices = choices.map(|g| {
            (
                g.name.clone(),
                format!("the guarded {}", g.label(spec)),
                first_span(g),
            )
        });
        clashes(choices, "type", problems);
        for g in &self.choices {
            // The same guard twice is non-determinism (reported by validation) or two readings
            // of a contradiction (alternatives); only distinct guards can clash as variants.
            let mut guards: Vec<&str> = Vec::new();
            let variants = g.variants.iter().zip(&g.transitions).filter_map(|(v, &t)| {
                let t = &spec.transitions[t];
                let guard = t.guard.as_deref().unwrap_or_default();
                if guards.contains(&guard) {
                    return None;
                }
                guards.push(guard);
                Some((v.clone(), format!("guard `{guard}`"), t.span))
            });
            clashes(
                variants.collect::<Vec<_>>().into_iter(),
                "variant",
                problems,
            );
        }
        let methods = self.choices.iter();
        let methods = methods.map(|g| {
            (
                g.method.clone(),
                format!("the guarded {}", g.label(spec)),
                first_span(g),
            )
        });
        clashes(methods, "method", problems);
    }
}

/// Runs every naming rule on a parsed spec (see [`RustNames::check`]).
pub(crate) fn check(spec: &Spec, problems: &mut Vec<(Problem, Span)>) {
    RustNames::new(spec).check(spec, problems);
}

/// Reports `name` where the spec writes it, if it cannot be a Rust identifier as written.
pub(crate) fn check_identifier(
    what: &'static str,
    name: &str,
    span: Span,
    problems: &mut Vec<(Problem, Span)>,
) {
    if !is_rust_identifier(name) {
        let name = name.to_string();
        problems.push((Problem::NotAnIdentifier { what, name }, span));
    }
}

/// Reports each item whose Rust name an earlier item already has.
fn clashes(
    items: impl Iterator<Item = (String, String, Span)>,
    kind: &'static str,
    problems: &mut Vec<(Problem, Span)>,
) {
    let mut seen: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for (rust, what, span) in items {
        match seen.get(&rust) {
            Some(first) => {
                let problem = Problem::NameClash {
                    first: first.clone(),
                    second: what,
                    kind,
                    rust,
                };
                problems.push((problem, span));
            }
            None => {
                seen.insert(rust, what);
            }
        }
    }
}

fn distinct_outputs(spec: &Spec) -> Vec<OutputName> {
    let mut outputs: Vec<OutputName> = Vec::new();
    for t in &spec.transitions {
        if let Some(send) = &t.send {
            if !outputs.iter().any(|o| &o.text == send) {
                outputs.push(OutputName {
                    text: send.clone(),
                    name: output_type(send),
                    span: t.span,
                });
            }
        }
    }
    outputs
}

/// The `(state, event)` pairs with more than one transition, each as transition indices.
fn guarded_pairs(spec: &Spec) -> Vec<Vec<usize>> {
    let mut groups: std::collections::HashMap<(StateId, EventId), Vec<usize>> =
        std::collections::HashMap::new();
    for (index, t) in spec.transitions.iter().enumerate() {
        groups.entry((t.from, t.event)).or_default().push(index);
    }
    let mut groups: Vec<_> = groups.into_values().filter(|g| g.len() > 1).collect();
    groups.sort_by_key(|g| (spec.transitions[g[0]].from, spec.transitions[g[0]].event));
    groups
}

fn choice(spec: &Spec, transitions: Vec<usize>) -> Choice {
    let first = &spec.transitions[transitions[0]];
    let (state, event) = (spec.state(first.from), spec.event(first.event));
    let variants = transitions
        .iter()
        // A member without a guard is a non-determinism error; the name is then unused.
        .map(|&t| upper_camel(spec.transitions[t].guard.as_deref().unwrap_or("unguarded")))
        .collect();
    Choice {
        from: first.from,
        event: first.event,
        name: format!("{}{}", upper_camel(&state.name), upper_camel(&event.name)),
        method: format!("{}_{}", snake(&state.name), snake(&event.name)),
        variants,
        transitions,
    }
}
