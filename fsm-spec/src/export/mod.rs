//! A spec for other programs, every transition included: its normalised JSON form
//! ([`Spec::to_json`](crate::Spec::to_json)), SCXML for statechart engines and an XState
//! config. Unlike the diagrams of [`render`](crate::render), an export keeps every
//! transition and reads as a machine that another program can run.
//!
//! A spec with groups exports them as compound states (SCXML) and nested state nodes
//! (XState), each transition written once where it was declared: on its state, or on the
//! group. The engines then resolve the hierarchy as the spec does, innermost first, with one
//! difference that the export closes: when no guard of a state's transitions holds, SCXML
//! and XState try the enclosing group's, where the spec does not (`docs/hierarchy.md`). A
//! state (or group) whose every transition on an event is guarded, inside a group that also
//! takes the event, gets a last transition on the event that goes nowhere and so stops the
//! search there. `Spec::flattened` gives the flat export.

mod check;
mod json;
mod scxml;
mod xstate;

pub use json::{
    NormalContradiction, NormalDeviation, NormalEvent, NormalMachine, NormalNoTransition,
    NormalSpec, NormalState, NormalTransition,
};
pub use scxml::scxml;
pub use xstate::xstate;

use crate::model::{EventId, GroupId, Member, Spec, Transition};
use std::collections::HashSet;

/// What a nested export writes on one state or group.
struct Written<'s> {
    /// Its transitions as declared: a state's own, or each of a group's `[[transition]]`
    /// entries once per event (the first state it applies to stands for all), in spec order.
    transitions: Vec<&'s Transition>,
    /// The events on which it must stop the engine's search (see the module's doc), in
    /// order of first use.
    blocked: Vec<EventId>,
}

/// The transitions declared on `member` itself, in spec order.
fn declared_on(spec: &Spec, member: Member) -> Vec<&Transition> {
    match member {
        Member::State(s) => spec
            .transitions_from(s)
            .filter(|t| t.declared_in.is_none())
            .collect(),
        Member::Group(g) => {
            let mut seen = HashSet::new();
            spec.transitions
                .iter()
                .filter(|t| t.declared_in == Some(g) && seen.insert((t.span, t.event)))
                .collect()
        }
    }
}

/// What to write on `member`.
fn written(spec: &Spec, member: Member) -> Written<'_> {
    let transitions = declared_on(spec, member);
    let enclosing: Vec<GroupId> = match member {
        Member::State(s) => spec.ancestors(s),
        Member::Group(g) => spec.group_ancestors(g),
    };
    let taken_outside = |event: EventId| {
        enclosing.iter().any(|&g| {
            declared_on(spec, Member::Group(g))
                .iter()
                .any(|t| t.event == event)
        })
    };
    let mut blocked = Vec::new();
    for t in &transitions {
        let all_guarded = transitions
            .iter()
            .filter(|o| o.event == t.event)
            .all(|o| o.guard.is_some());
        if all_guarded && !blocked.contains(&t.event) && taken_outside(t.event) {
            blocked.push(t.event);
        }
    }
    Written {
        transitions,
        blocked,
    }
}

/// The name a transition's target has in a nested export: the group `to` names, or the
/// state.
fn target_name<'s>(spec: &'s Spec, t: &Transition) -> &'s str {
    match t.to_group {
        Some(g) => &spec.group(g).name,
        None => &spec.state(t.to).name,
    }
}
