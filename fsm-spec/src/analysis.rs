//! Graph analyses of a spec, on petgraph: reachability, dead ends, unused events.

use crate::diagnostic::Problem;
use crate::model::{EventId, Spec, StateId};
use crate::source::Span;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::Dfs;

/// The spec as a directed graph: node `i` is state `i`, each edge carries the index of its
/// transition in [`Spec::transitions`].
pub fn graph(spec: &Spec) -> DiGraph<StateId, usize> {
    let mut graph = DiGraph::with_capacity(spec.states.len(), spec.transitions.len());
    for id in spec.state_ids() {
        graph.add_node(id);
    }
    for (index, t) in spec.transitions.iter().enumerate() {
        graph.add_edge(NodeIndex::new(t.from.0), NodeIndex::new(t.to.0), index);
    }
    graph
}

/// For each state, whether some sequence of events leads to it from the initial state.
pub fn reachable(spec: &Spec) -> Vec<bool> {
    let graph = graph(spec);
    let mut seen = vec![false; spec.states.len()];
    let mut dfs = Dfs::new(&graph, NodeIndex::new(spec.machine.initial.0));
    while let Some(node) = dfs.next(&graph) {
        seen[node.index()] = true;
    }
    seen
}

/// States that no transition leaves (self-loops do not count) and that are not final.
pub fn dead_ends(spec: &Spec) -> Vec<StateId> {
    let mut has_exit = vec![false; spec.states.len()];
    for t in spec.transitions.iter().filter(|t| !t.is_self_loop()) {
        has_exit[t.from.0] = true;
    }
    spec.state_ids()
        .filter(|s| !has_exit[s.0] && !spec.state(*s).is_final)
        .collect()
}

/// Events that no transition uses.
pub fn unused_events(spec: &Spec) -> Vec<EventId> {
    let mut used = vec![false; spec.events.len()];
    for t in &spec.transitions {
        used[t.event.0] = true;
    }
    spec.event_ids().filter(|e| !used[e.0]).collect()
}

/// The warnings of a spec that has no errors.
pub(crate) fn warnings(spec: &Spec, problems: &mut Vec<(Problem, Span)>) {
    let initial = spec.initial_state().name.clone();
    for (state, reached) in spec.states.iter().zip(reachable(spec)) {
        if !reached {
            let problem = Problem::Unreachable {
                state: state.name.clone(),
                initial: initial.clone(),
            };
            problems.push((problem, state.span));
        }
    }
    for id in dead_ends(spec) {
        let state = spec.state(id);
        problems.push((
            Problem::DeadEnd {
                state: state.name.clone(),
            },
            state.span,
        ));
    }
    for id in unused_events(spec) {
        let event = spec.event(id);
        problems.push((
            Problem::UnusedEvent {
                event: event.name.clone(),
            },
            event.span,
        ));
    }
}
