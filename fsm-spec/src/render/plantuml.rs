//! PlantUML state diagrams (`@startuml` ... `@enduml`), for the many documentation tools that
//! embed PlantUML.

use super::{Options, edges};
use crate::escape::plantuml as one_line;
use crate::model::Spec;
use std::fmt::Write;

/// The spec as a PlantUML state diagram: `[*]` enters the initial state and leaves final
/// states, one arrow per pair of states with a line per output (`rcv SYN / snd SYN,ACK`),
/// highlighted paths drawn bold in their colour.
pub fn plantuml(spec: &Spec, options: &Options) -> String {
    let mut out = String::from("@startuml\nhide empty description\n");
    let _ = writeln!(out, "title {}", one_line(&spec.machine.name));
    // Declared first so that states without drawn transitions still appear, in spec order.
    for id in options.states_shown(spec) {
        let _ = writeln!(out, "state {}", spec.state(id).name);
    }
    let _ = writeln!(out, "[*] --> {}", spec.initial_state().name);
    for id in options.states_shown(spec) {
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
        let _ = writeln!(
            out,
            "{} {arrow} {} : {}",
            spec.state(edge.from).name,
            spec.state(edge.to).name,
            label.join("\\n")
        );
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
