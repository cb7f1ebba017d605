//! Mermaid `stateDiagram-v2`, which GitHub renders in Markdown.

use super::{Options, edges};
use crate::model::Spec;
use std::fmt::Write;

/// Label text with the characters Mermaid's parser treats specially written as its
/// `#code;` entities.
fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '#' => out.push_str("#35;"),
            ';' => out.push_str("#59;"),
            ':' => out.push_str("#58;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '{' => out.push_str("#123;"),
            '}' => out.push_str("#125;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

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

#[cfg(test)]
mod tests {
    use super::escaped;

    #[test]
    fn special_characters_become_entities() {
        assert_eq!(escaped("a;b#c:d\"<e>"), "a#59;b#35;c#58;d#quot;#lt;e#gt;");
    }
}
