//! SCXML (W3C State Chart XML, <https://www.w3.org/TR/scxml/>), which statechart engines such
//! as Qt SCXML load and run.
//!
//! The mapping, chosen so that an engine runs the spec as the generated runtime API does:
//!
//! - every spec state is an atomic `<state>` (never `<final>`: a spec's final state may still
//!   have transitions, and entering a top-level `<final>` ends an SCXML session);
//! - every transition is a `<transition event target>` in spec order; SCXML takes the first
//!   enabled one in document order, as the runtime API takes the first guard that holds;
//! - guards live in the ECMAScript data model as the object `guards`, one boolean per guard
//!   name, all `false` at the start; a guarded transition has `cond="guards.NAME"`. Whoever
//!   runs the machine decides the guards by setting them (Qt: `setInitialValues`), as the
//!   handle's data decides them through the generated `Guards` trait;
//! - what a transition sends is assigned to the data model's `sent` (`null` when it sends
//!   nothing), so the caller can read the output of the last step;
//! - an event with no transition in the current state is ignored (SCXML discards events that
//!   enable nothing), where the runtime API returns `IllegalTransition`.

use crate::escape::xml;
use crate::model::Spec;
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
    for id in spec.state_ids() {
        let state = spec.state(id);
        let _ = writeln!(out, "  <state id=\"{}\">", xml(&state.name));
        for t in spec.transitions_from(id) {
            let cond = match &t.guard {
                Some(guard) => format!(" cond=\"guards.{}\"", xml(guard)),
                None => String::new(),
            };
            let sent = t.send.as_deref().map_or("null".to_string(), js_string);
            let _ = writeln!(
                out,
                "    <transition event=\"{}\"{cond} target=\"{}\">",
                xml(&spec.event(t.event).name),
                xml(&spec.state(t.to).name)
            );
            let _ = writeln!(
                out,
                "      <assign location=\"sent\" expr=\"{}\"/>",
                xml(&sent)
            );
            out.push_str("    </transition>\n");
        }
        out.push_str("  </state>\n");
    }
    out.push_str("</scxml>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::js_string;

    #[test]
    fn outputs_become_javascript_strings() {
        assert_eq!(js_string("SYN,\"ACK\""), r#""SYN,\"ACK\"""#);
    }
}
