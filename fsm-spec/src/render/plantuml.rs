//! PlantUML state diagrams (`@startuml` ... `@enduml`), for the many documentation tools that
//! embed PlantUML.

use super::{Options, edges};
use crate::escape::plantuml as one_line;
use crate::model::{Nested, Spec};
use std::fmt::Write;

/// The spec as a PlantUML state diagram: `[*]` enters the initial state and leaves final
/// states, a group is a composite state (`state NAME { ... }`, its `initial` entered from its
/// own `[*]`), one arrow per pair of states or groups with a line per output (`rcv SYN / snd
/// SYN,ACK`), highlighted paths drawn bold in their colour.
pub fn plantuml(spec: &Spec, options: &Options) -> String {
    let mut out = String::from("@startuml\nhide empty description\n");
    let _ = writeln!(out, "title {}", one_line(&spec.machine.name));
    // Declared first so that states without drawn transitions still appear, in spec order
    // (inside their groups).
    let shown = options.states_shown(spec);
    for node in spec.nested(|s| shown.contains(&s)) {
        declare(&mut out, spec, &node, 0);
    }
    let _ = writeln!(out, "[*] --> {}", spec.initial_state().name);
    for &id in &shown {
        let state = spec.state(id);
        if state.is_final {
            let _ = writeln!(out, "{} --> [*]", state.name);
        }
    }
    for edge in edges(spec, options) {
        let arrow = match &edge.color {
            Some(color) => format!("-[{},bold]->", super::safe_colour(color)),
            None => "-->".to_string(),
        };
        let label: Vec<String> = edge.lines.iter().map(|l| one_line(l)).collect();
        let from = edge
            .from_group
            .map_or(&spec.state(edge.from).name, |g| &spec.group(g).name);
        let to = edge
            .to_group
            .map_or(&spec.state(edge.to).name, |g| &spec.group(g).name);
        let _ = writeln!(out, "{from} {arrow} {to} : {}", label.join("\\n"));
    }
    if !options.highlights.is_empty() {
        out.push_str("legend right\n");
        for h in &options.highlights {
            let _ = writeln!(
                out,
                "  <color:{}>━━</color> {}",
                super::safe_colour(&h.color),
                one_line(&h.name)
            );
        }
        out.push_str("endlegend\n");
    }
    out.push_str("@enduml\n");
    out
}

/// `state NAME`, or a group's `state NAME { ... }` with its shown members, indented by
/// `depth`.
fn declare(out: &mut String, spec: &Spec, node: &Nested, depth: usize) {
    let indent = "  ".repeat(depth);
    match node {
        Nested::State(s) => {
            let _ = writeln!(out, "{indent}state {}", spec.state(*s).name);
        }
        Nested::Group(g, inner) => {
            let group = spec.group(*g);
            let _ = writeln!(out, "{indent}state {} {{", group.name);
            if let Some(name) = super::initial_drawn(spec, *g, inner) {
                let _ = writeln!(out, "{indent}  [*] --> {name}");
            }
            for node in inner {
                declare(out, spec, node, depth + 1);
            }
            let _ = writeln!(out, "{indent}}}");
        }
    }
}
