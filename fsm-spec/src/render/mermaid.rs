//! Mermaid `stateDiagram-v2`, which GitHub renders in Markdown.

use super::{Options, edges};
use crate::escape::mermaid as escaped;
use crate::model::{Nested, Spec};
use std::fmt::Write;

/// The spec as a Mermaid state diagram: `[*]` enters the initial state, a group is a
/// composite state (`state NAME { ... }`, its `initial` entered from its own `[*]`), one
/// transition line per pair of states or groups, label lines joined with `<br/>`.
pub fn mermaid(spec: &Spec, options: &Options) -> String {
    let mut out = String::from("stateDiagram-v2\n");
    let _ = writeln!(out, "    [*] --> {}", spec.initial_state().name);
    let shown = options.states_shown(spec);
    if !spec.groups.is_empty() {
        for node in spec.nested(|s| shown.contains(&s)) {
            composite(&mut out, spec, &node, 1);
        }
    }
    for &id in &shown {
        let state = spec.state(id);
        if state.is_final {
            let _ = writeln!(out, "    {} --> [*]", state.name);
        }
    }
    for edge in edges(spec, options) {
        let label: Vec<String> = edge.lines.iter().map(|l| escaped(l)).collect();
        let from = edge
            .from_group
            .map_or(&spec.state(edge.from).name, |g| &spec.group(g).name);
        let to = edge
            .to_group
            .map_or(&spec.state(edge.to).name, |g| &spec.group(g).name);
        let _ = writeln!(out, "    {from} --> {to}: {}", label.join("<br/>"));
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

/// A group as a composite state holding its shown members; a state inside one is declared
/// by its name so that Mermaid places it there.
fn composite(out: &mut String, spec: &Spec, node: &Nested, depth: usize) {
    let indent = "    ".repeat(depth);
    match node {
        Nested::State(s) => {
            // Top-level states are declared by their transitions, as in a spec without groups.
            if depth > 1 {
                let _ = writeln!(out, "{indent}{}", spec.state(*s).name);
            }
        }
        Nested::Group(g, inner) => {
            let group = spec.group(*g);
            let _ = writeln!(out, "{indent}state {} {{", group.name);
            if let Some(name) = super::initial_drawn(spec, *g, inner) {
                let _ = writeln!(out, "{indent}    [*] --> {name}");
            }
            for node in inner {
                composite(out, spec, node, depth + 1);
            }
            let _ = writeln!(out, "{indent}}}");
        }
    }
}
