//! Graphviz DOT.

use super::{Options, edges};
use crate::escape::dot as quoted;
use crate::model::Spec;
use std::fmt::Write;

/// The spec as a DOT digraph: states as rounded boxes with their docs as tooltips, the
/// initial state entered from a dot, one edge per pair of states with a multi-line label,
/// highlighted paths in their colours with a legend.
pub fn dot(spec: &Spec, options: &Options) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph {} {{", quoted(&spec.machine.name));
    let _ = writeln!(out, "  rankdir=TB;");
    let _ = writeln!(out, "  nodesep=0.5;");
    let _ = writeln!(out, "  ranksep=0.6;");
    let _ = writeln!(
        out,
        "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=12];"
    );
    let _ = writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=10];");
    if let Some(doc) = &spec.machine.doc {
        let _ = writeln!(out, "  tooltip={};", quoted(doc));
    }
    let _ = writeln!(out, "  \"__start\" [shape=point, width=0.15, label=\"\"];");
    for id in options.states_shown(spec) {
        let state = spec.state(id);
        let mut attributes = vec![format!("label={}", quoted(&state.name))];
        if let Some(doc) = &state.doc {
            attributes.push(format!("tooltip={}", quoted(doc)));
        }
        if id == spec.machine.initial {
            attributes.push("penwidth=2".to_string());
        }
        if state.is_final {
            attributes.push("peripheries=2".to_string());
        }
        let _ = writeln!(
            out,
            "  {} [{}];",
            quoted(&state.name),
            attributes.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "  \"__start\" -> {};",
        quoted(&spec.initial_state().name)
    );
    for edge in edges(spec, options) {
        let mut attributes = vec![format!("label={}", quoted(&edge.lines.join("\n")))];
        if let Some(color) = &edge.color {
            attributes.push(format!("color={}", quoted(color)));
            attributes.push(format!("fontcolor={}", quoted(color)));
            attributes.push("penwidth=2".to_string());
        }
        let _ = writeln!(
            out,
            "  {} -> {} [{}];",
            quoted(&spec.state(edge.from).name),
            quoted(&spec.state(edge.to).name),
            attributes.join(", ")
        );
    }
    if !options.highlights.is_empty() {
        let _ = writeln!(out, "  subgraph \"cluster_legend\" {{");
        let _ = writeln!(out, "    label=\"paths\";");
        for (i, h) in options.highlights.iter().enumerate() {
            let _ = writeln!(
                out,
                "    \"__legend{i}\" [shape=plaintext, label={}, fontcolor={}];",
                quoted(&h.name),
                quoted(&h.color)
            );
        }
        let _ = writeln!(out, "  }}");
    }
    out.push_str("}\n");
    out
}
