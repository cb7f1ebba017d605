//! Mermaid `stateDiagram-v2`, which GitHub renders in Markdown.

use super::{Options, edges};
use crate::escape::mermaid as escaped;
use crate::model::Spec;
use std::fmt::Write;

/// The spec as a Mermaid state diagram: `[*]` enters the initial state, one transition line
/// per pair of states, label lines joined with `<br/>`.
pub fn mermaid(spec: &Spec, options: &Options) -> String {
    let mut out = String::from("stateDiagram-v2\n");
    let _ = writeln!(out, "    [*] --> {}", spec.initial_state().name);
    for id in options.states_shown(spec) {
        let state = spec.state(id);
        if state.is_final {
            let _ = writeln!(out, "    {} --> [*]", state.name);
        }
    }
    for edge in edges(spec, options) {
        let label: Vec<String> = edge.lines.iter().map(|l| escaped(l)).collect();
        let _ = writeln!(
            out,
            "    {} --> {}: {}",
            spec.state(edge.from).name,
            spec.state(edge.to).name,
            label.join("<br/>")
        );
    }
    for (i, h) in options.highlights.iter().enumerate() {
        let _ = writeln!(
            out,
            "    classDef path{i} stroke:{},stroke-width:3px",
            super::safe_colour(&h.color)
        );
        let mut states: Vec<&str> = Vec::new();
        for &t in &h.transitions {
            for s in [spec.transitions[t].from, spec.transitions[t].to] {
                let name = spec.state(s).name.as_str();
                if !states.contains(&name) {
                    states.push(name);
                }
            }
        }
        let _ = writeln!(out, "    class {} path{i}", states.join(","));
    }
    out
}
