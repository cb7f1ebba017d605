//! Graphviz DOT.
//!
//! Groups are clusters (`subgraph cluster_NAME`, nested as the groups nest) and the graph is
//! `compound`, so that an edge from a group leaves the cluster's border (`ltail`, attached
//! to a state inside it) and an edge to a group ends at it (`lhead`). Graphviz cannot clip an
//! edge at a cluster that holds both its ends; an edge from a group to a state inside it
//! starts at a small point in the cluster instead, as PlantUML draws it.

use super::{Edge, Options, edges};
use crate::escape::dot as quoted;
use crate::model::{GroupId, Member, Nested, Spec, StateId};
use std::fmt::Write;

/// The spec as a DOT digraph: states as rounded boxes with their docs as tooltips, groups as
/// labelled clusters around them, the initial state entered from a dot (and a group's
/// `initial` from a dot inside it), one edge per pair of states or groups with a multi-line
/// label, highlighted paths in their colours with a legend.
pub fn dot(spec: &Spec, options: &Options) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph {} {{", quoted(&spec.machine.name));
    let _ = writeln!(out, "  rankdir=TB;");
    let _ = writeln!(out, "  nodesep=0.5;");
    let _ = writeln!(out, "  ranksep=0.6;");
    if !spec.groups.is_empty() {
        let _ = writeln!(out, "  compound=true;");
    }
    let _ = writeln!(
        out,
        "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=12];"
    );
    let _ = writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=10];");
    if let Some(doc) = &spec.machine.doc {
        let _ = writeln!(out, "  tooltip={};", quoted(doc));
    }
    let _ = writeln!(out, "  \"__start\" [shape=point, width=0.15, label=\"\"];");
    let edges = edges(spec, options);
    let shown = options.states_shown(spec);
    let anchored: Vec<GroupId> = edges
        .iter()
        .filter_map(|e| e.from_group.filter(|&g| inside(spec, g, e)))
        .collect();
    let tree = spec.nested(|s| shown.contains(&s));
    for node in &tree {
        nested(&mut out, spec, node, &shown, &anchored, 1);
    }
    let _ = writeln!(
        out,
        "  \"__start\" -> {};",
        quoted(&spec.initial_state().name)
    );
    for edge in &edges {
        let mut attributes = vec![format!("label={}", quoted(&edge.lines.join("\n")))];
        if let Some(color) = &edge.color {
            attributes.push(format!("color={}", quoted(color)));
            attributes.push(format!("fontcolor={}", quoted(color)));
            attributes.push("penwidth=2".to_string());
        }
        let (tail, tail_state) = match edge.from_group {
            Some(g) if anchored.contains(&g) && inside(spec, g, edge) => (anchor(spec, g), None),
            Some(g) => {
                attributes.push(format!("ltail={}", cluster(spec, g)));
                (quoted(&spec.state(edge.from).name), Some(edge.from))
            }
            None => (quoted(&spec.state(edge.from).name), Some(edge.from)),
        };
        if let Some(h) = edge.to_group {
            // An anchor or a state inside the head's cluster cannot be clipped at it.
            let tail_inside = match (tail_state, edge.from_group) {
                (Some(s), _) => spec.contains(h, s),
                (None, Some(g)) => g == h || spec.group_ancestors(g).contains(&h),
                (None, None) => false,
            };
            if !tail_inside {
                attributes.push(format!("lhead={}", cluster(spec, h)));
            }
        }
        let _ = writeln!(
            out,
            "  {tail} -> {} [{}];",
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

/// Whether edge `e` from group `g` ends inside `g` (or at `g` itself).
fn inside(spec: &Spec, g: GroupId, e: &Edge) -> bool {
    match e.to_group {
        Some(h) => h == g || spec.group_ancestors(h).contains(&g),
        None => spec.contains(g, e.to),
    }
}

fn cluster(spec: &Spec, g: GroupId) -> String {
    quoted(&format!("cluster_{}", spec.group(g).name))
}

/// The point inside group `g` that its edges to states inside it start from.
fn anchor(spec: &Spec, g: GroupId) -> String {
    quoted(&format!("__group_{}", spec.group(g).name))
}

/// A state, or a group as a cluster with what is inside it, indented by `depth`.
fn nested(
    out: &mut String,
    spec: &Spec,
    node: &Nested,
    shown: &[StateId],
    anchored: &[GroupId],
    depth: usize,
) {
    let indent = "  ".repeat(depth);
    let (g, inner) = match node {
        Nested::State(id) => {
            state(out, spec, *id, &indent);
            return;
        }
        Nested::Group(g, inner) => (*g, inner),
    };
    let group = spec.group(g);
    let _ = writeln!(out, "{indent}subgraph {} {{", cluster(spec, g));
    let mut attributes = vec![
        format!("label={}", quoted(&group.name)),
        "labeljust=l".to_string(),
        "style=rounded".to_string(),
        "color=\"#888888\"".to_string(),
        "fontname=\"Helvetica\"".to_string(),
        "fontsize=11".to_string(),
    ];
    if let Some(doc) = &group.doc {
        attributes.push(format!("tooltip={}", quoted(doc)));
    }
    for attribute in attributes {
        let _ = writeln!(out, "{indent}  {attribute};");
    }
    if anchored.contains(&g) {
        let _ = writeln!(
            out,
            "{indent}  {} [shape=point, style=invis, width=0.01, label=\"\"];",
            anchor(spec, g)
        );
    }
    for node in inner {
        nested(out, spec, node, shown, anchored, depth + 1);
    }
    // UML's initial pseudostate: a transition to the group enters this member.
    let entered = match group.initial {
        Some(Member::State(s)) => shown.contains(&s).then_some((s, None)),
        Some(Member::Group(h)) => spec
            .initial_leaf(h)
            .filter(|s| shown.contains(s))
            .map(|s| (s, Some(h))),
        None => None,
    };
    if let Some((s, h)) = entered {
        let dot = quoted(&format!("__initial_{}", group.name));
        let _ = writeln!(out, "{indent}  {dot} [shape=point, width=0.1, label=\"\"];");
        let lhead = h.map_or(String::new(), |h| format!(" [lhead={}]", cluster(spec, h)));
        let _ = writeln!(
            out,
            "{indent}  {dot} -> {}{lhead};",
            quoted(&spec.state(s).name)
        );
    }
    let _ = writeln!(out, "{indent}}}");
}

fn state(out: &mut String, spec: &Spec, id: StateId, indent: &str) {
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
        "{indent}{} [{}];",
        quoted(&state.name),
        attributes.join(", ")
    );
}
