//! SCXML (W3C State Chart XML, <https://www.w3.org/TR/scxml/>), which statechart engines such
//! as Qt SCXML load and run.
//!
//! The mapping, chosen so that an engine runs the spec as the generated runtime API does:
//!
//! - every spec state is an atomic `<state>` (never `<final>`: a spec's final state may still
//!   have transitions, and entering a top-level `<final>` ends an SCXML session);
//! - every group is a compound `<state>` holding its members, with `initial` when the group
//!   has one (without it SCXML enters the first member, which no transition of the spec
//!   does: a `to` may only name a group with an `initial`);
//! - every transition is a `<transition event target>` in spec order, on the state or group
//!   that declares it (a group's once, not once per state inside it), targeting the group
//!   when its `to` names one; SCXML takes the first enabled one in document order, trying
//!   the active state first and then each group around it, as the runtime API takes the
//!   first guard that holds of the innermost declaration;
//! - a state or group whose every transition on an event is guarded, inside a group that
//!   also takes the event, ends its transitions on the event with a targetless one, so that
//!   when no guard holds SCXML does not go on to the group's (the spec does not);
//! - guards live in the ECMAScript data model as the object `guards`, one boolean per guard
//!   name, all `false` at the start; a guarded transition has `cond="guards.NAME"`. Whoever
//!   runs the machine decides the guards by setting them (Qt: `setInitialValues`), as the
//!   handle's data decides them through the generated `Guards` trait;
//! - what a transition sends is assigned to the data model's `sent` (`null` when it sends
//!   nothing), so the caller can read the output of the last step;
//! - an event with no transition in the current state is ignored (SCXML discards events that
//!   enable nothing), where the runtime API returns `IllegalTransition`.

use super::{target_name, written};
use crate::escape::xml;
use crate::model::{Member, Nested, Spec, Transition};
use std::fmt::Write;

/// A JavaScript expression for `text` (a JSON string literal is one).
fn js_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string serialises")
}

/// The guard names of the spec, in order of first use.
fn guards(spec: &Spec) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for guard in spec.transitions.iter().filter_map(|t| t.guard.as_deref()) {
        if !names.contains(&guard) {
            names.push(guard);
        }
    }
    names
}

/// The spec as an SCXML document (ECMAScript data model), every transition included.
pub fn scxml(spec: &Spec) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<scxml xmlns=\"http://www.w3.org/2005/07/scxml\" version=\"1.0\" name=\"{}\" initial=\"{}\" datamodel=\"ecmascript\">",
        xml(&spec.machine.name),
        xml(&spec.initial_state().name)
    );
    let flags: Vec<String> = guards(spec)
        .iter()
        .map(|g| format!("{}: false", js_string(g)))
        .collect();
    out.push_str("  <datamodel>\n");
    let _ = writeln!(
        out,
        "    <data id=\"guards\" expr=\"{}\"/>",
        xml(&format!("({{{}}})", flags.join(", ")))
    );
    out.push_str("    <data id=\"sent\" expr=\"null\"/>\n");
    out.push_str("  </datamodel>\n");
    for node in spec.nested(|_| true) {
        element(&mut out, spec, &node, 1);
    }
    out.push_str("</scxml>\n");
    out
}

/// A state, or a group as a compound state with its members, indented by `depth`.
fn element(out: &mut String, spec: &Spec, node: &Nested, depth: usize) {
    let indent = "  ".repeat(depth);
    let (member, name, inner) = match node {
        Nested::State(s) => (Member::State(*s), &spec.state(*s).name, &[][..]),
        Nested::Group(g, inner) => (Member::Group(*g), &spec.group(*g).name, &inner[..]),
    };
    let initial = match member {
        Member::Group(g) => spec.group(g).initial.map_or(String::new(), |m| {
            let name = match m {
                Member::State(s) => &spec.state(s).name,
                Member::Group(h) => &spec.group(h).name,
            };
            format!(" initial=\"{}\"", xml(name))
        }),
        Member::State(_) => String::new(),
    };
    let _ = writeln!(out, "{indent}<state id=\"{}\"{initial}>", xml(name));
    let written = written(spec, member);
    for (i, t) in written.transitions.iter().enumerate() {
        transition(out, spec, t, &indent);
        let last_on_event = written.transitions[i + 1..]
            .iter()
            .all(|o| o.event != t.event);
        if last_on_event && written.blocked.contains(&t.event) {
            let _ = writeln!(
                out,
                "{indent}  <!-- no guard holds: {} stops here, as in the spec -->",
                xml(&spec.event(t.event).name)
            );
            let _ = writeln!(
                out,
                "{indent}  <transition event=\"{}\">",
                xml(&spec.event(t.event).name)
            );
            let _ = writeln!(out, "{indent}    <assign location=\"sent\" expr=\"null\"/>");
            let _ = writeln!(out, "{indent}  </transition>");
        }
    }
    for node in inner {
        element(out, spec, node, depth + 1);
    }
    let _ = writeln!(out, "{indent}</state>");
}

fn transition(out: &mut String, spec: &Spec, t: &Transition, indent: &str) {
    let cond = match &t.guard {
        Some(guard) => format!(" cond=\"guards.{}\"", xml(guard)),
        None => String::new(),
    };
    let sent = t.send.as_deref().map_or("null".to_string(), js_string);
    let _ = writeln!(
        out,
        "{indent}  <transition event=\"{}\"{cond} target=\"{}\">",
        xml(&spec.event(t.event).name),
        xml(target_name(spec, t))
    );
    let _ = writeln!(
        out,
        "{indent}    <assign location=\"sent\" expr=\"{}\"/>",
        xml(&sent)
    );
    let _ = writeln!(out, "{indent}  </transition>");
}

#[cfg(test)]
mod tests {
    use super::js_string;

    #[test]
    fn outputs_become_javascript_strings() {
        assert_eq!(js_string("SYN,\"ACK\""), r#""SYN,\"ACK\"""#);
    }
}
