//! Transitions merged into edges with Figure 6 style labels.

use super::Options;
use crate::analysis;
use crate::model::{Spec, StateId, Transition};
use petgraph::visit::EdgeRef;

/// One drawn edge: the shown transitions from `from` to `to` (those of a highlighted path
/// apart from the others).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub from: StateId,
    pub to: StateId,
    /// Indices into [`Spec::transitions`], in spec order.
    pub transitions: Vec<usize>,
    /// One line per distinct output: the events (with guards) that cause it, then
    /// ` / snd OUTPUT` when there is one.
    pub lines: Vec<String>,
    /// The colour of the highlighted path these transitions belong to.
    pub color: Option<String>,
}

/// `rcv RST [passive_open]`: the event's display label and the guard.
pub fn event_text(spec: &Spec, t: &Transition) -> String {
    let label = spec.event(t.event).display_label();
    match &t.guard {
        Some(guard) => format!("{label} [{guard}]"),
        None => label,
    }
}

/// The edges of the diagram, from the petgraph graph of the spec, in order of their first
/// transition.
pub fn edges(spec: &Spec, options: &Options) -> Vec<Edge> {
    let graph = analysis::graph(spec);
    let mut edges: Vec<Edge> = Vec::new();
    let mut refs: Vec<_> = graph.edge_references().collect();
    refs.sort_by_key(|e| *e.weight());
    for edge in refs {
        let index = *edge.weight();
        if !options.shows(spec, index) {
            continue;
        }
        let (from, to) = (graph[edge.source()], graph[edge.target()]);
        // A highlighted transition gets an edge of its own colour.
        let color = options.highlight_of(index).map(|h| h.color.clone());
        match edges
            .iter_mut()
            .find(|e| e.from == from && e.to == to && e.color == color)
        {
            Some(e) => e.transitions.push(index),
            None => edges.push(Edge {
                from,
                to,
                transitions: vec![index],
                lines: Vec::new(),
                color,
            }),
        }
    }
    for edge in &mut edges {
        edge.lines = lines(spec, &edge.transitions);
    }
    edges
}

/// Transitions with the same output share a line: `rcv SYN, ABORT / snd RST`.
fn lines(spec: &Spec, transitions: &[usize]) -> Vec<String> {
    let mut groups: Vec<(Option<&str>, Vec<String>)> = Vec::new();
    for &i in transitions {
        let t = &spec.transitions[i];
        let event = event_text(spec, t);
        match groups
            .iter_mut()
            .find(|(send, _)| *send == t.send.as_deref())
        {
            Some((_, events)) => {
                if !events.contains(&event) {
                    events.push(event);
                }
            }
            None => groups.push((t.send.as_deref(), vec![event])),
        }
    }
    groups
        .into_iter()
        .map(|(send, events)| match send {
            Some(send) => format!("{} / snd {send}", events.join(", ")),
            None => events.join(", "),
        })
        .collect()
}
