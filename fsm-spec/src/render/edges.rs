//! Transitions merged into edges with Figure 6 style labels. In a spec with groups, the
//! transitions a group declares are one edge from the group (UML's transition from a
//! composite state) instead of one per state inside it, and a transition whose `to` names a
//! group ends at the group.

use super::Options;
use crate::analysis;
use crate::model::{GroupId, Spec, StateId, Transition};
use petgraph::visit::EdgeRef;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

/// One drawn edge: the shown transitions from `from` to `to` (those of a highlighted path
/// apart from the others).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// The state the edge leaves; for an edge from a group, the first state inside it that
    /// its transitions apply to (where a drawing that needs a node attaches it).
    pub from: StateId,
    /// The state the edge enters; for an edge to a group, the state the group is entered at.
    pub to: StateId,
    /// The group the transitions were declared on: the edge leaves the group's border.
    pub from_group: Option<GroupId>,
    /// The group the transitions' `to` names: the edge ends at the group's border. `None`
    /// when the edge starts inside that group (it is then drawn to the state it enters).
    pub to_group: Option<GroupId>,
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

impl Edge {
    /// Whether the edge comes back to where it starts: a state's self-loop, or a group's
    /// transition to itself.
    pub fn is_self_loop(&self) -> bool {
        match (self.from_group, self.to_group) {
            (None, None) => self.from == self.to,
            (from, to) => from == to,
        }
    }
}

/// One end of an edge: a state, or a group's border.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum End {
    State(StateId),
    Group(GroupId),
}

/// Where transition `t` is drawn from and to.
fn ends(spec: &Spec, t: &Transition) -> (End, End) {
    let from = t.declared_in.map_or(End::State(t.from), End::Group);
    // An edge from inside the group it enters is drawn to the state it enters.
    let inside = |group: GroupId| match t.declared_in {
        Some(g) => g != group && spec.group_ancestors(g).contains(&group),
        None => spec.contains(group, t.from),
    };
    let to = match t.to_group.filter(|&g| !inside(g)) {
        Some(group) => End::Group(group),
        None => End::State(t.to),
    };
    (from, to)
}

/// The edges of the diagram, from the petgraph graph of the spec, in order of their first
/// transition.
pub fn edges(spec: &Spec, options: &Options) -> Vec<Edge> {
    let graph = analysis::graph(spec);
    let mut edges: Vec<Edge> = Vec::new();
    // Where the edge for (from, to, colour) is in `edges`: a linear search here made
    // rendering quadratic in the number of edges (15 s for 100,000 transitions).
    let mut edge_at: HashMap<(End, End, Option<String>), usize> = HashMap::new();
    let mut refs: Vec<_> = graph.edge_references().collect();
    refs.sort_by_key(|e| *e.weight());
    for edge in refs {
        let index = *edge.weight();
        if !options.shows(spec, index) {
            continue;
        }
        let (from, to) = (graph[edge.source()], graph[edge.target()]);
        let (from_end, to_end) = ends(spec, &spec.transitions[index]);
        // A highlighted transition gets an edge of its own colour.
        let color = options.highlight_of(index).map(|h| h.color.clone());
        match edge_at.entry((from_end, to_end, color)) {
            Entry::Occupied(at) => edges[*at.get()].transitions.push(index),
            Entry::Vacant(at) => {
                let color = at.key().2.clone();
                at.insert(edges.len());
                let group = |end: End| match end {
                    End::Group(g) => Some(g),
                    End::State(_) => None,
                };
                edges.push(Edge {
                    from,
                    to,
                    from_group: group(from_end),
                    to_group: group(to_end),
                    transitions: vec![index],
                    lines: Vec::new(),
                    color,
                });
            }
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
