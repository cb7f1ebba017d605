//! Breadth-first search of every joint state, and the properties checked on the graph it
//! builds.
//!
//! The search keeps each state's parent, so the path to any state is a shortest one. The
//! graph (a petgraph `Graph`, one node per joint state) is then analysed with petgraph's
//! traversals: the states from which both endpoints can still get back to CLOSED are those
//! reached by a depth-first search of the reversed graph from the states where both are
//! closed, following only moves that are not escapes.

use super::model::{Joint, Model, Move};
use crate::endpoint::StepError;
use fsm_spec::{EventId, StateId};
use petgraph::graph::{Graph, NodeIndex};
use petgraph::visit::{Dfs, EdgeFiltered, EdgeRef, Reversed, Visitable};
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

/// Everything the search found.
#[derive(Debug)]
pub struct Exploration {
    /// The joint states, in the order they were found (index 0 is the initial state).
    pub states: Vec<Joint>,
    /// For every state but the first: the state it was first reached from, and the move.
    parents: Vec<Option<(usize, Move)>>,
    /// One node per state, one edge per move.
    graph: Graph<(), Edge>,
    /// Moves not taken because they would exceed the in-flight bound, per state.
    pruned: Vec<bool>,
    /// Per spec transition: whether some move took it.
    pub used: Vec<bool>,
    /// Segments that arrived as an event their state has no transition for, and how often.
    pub ignored: BTreeMap<(StateId, EventId), usize>,
    /// The first move an endpoint could not make (for example no guard held), if any.
    pub error: Option<(usize, Move, StepError)>,
    /// False when the search stopped at `max_states`.
    pub complete: bool,
    /// How long the search took.
    pub elapsed: Duration,
}

/// A move between two joint states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Edge {
    step: Move,
    escape: bool,
}

/// What the properties say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// States with nothing in flight, not both closed, and no move but escapes.
    pub deadlocks: Vec<usize>,
    /// States from which both endpoints can no longer reach CLOSED without escapes.
    pub cannot_close: Vec<usize>,
    /// Whether some state had a move cut off by the in-flight bound.
    pub pruned: bool,
    /// Per state: reachable from the initial state without any escape.
    pub without_escapes: Vec<bool>,
}

impl Verdict {
    /// Whether every property holds.
    pub fn holds(&self) -> bool {
        self.deadlocks.is_empty() && self.cannot_close.is_empty()
    }

    /// Keeps only the failures reachable without escapes: after an ABORT or a USER TIMEOUT
    /// the peer may be left half-open by design (RFC 793 3.4).
    pub fn ignore_escaped(&mut self) {
        let keep = &self.without_escapes;
        self.deadlocks.retain(|&n| keep[n]);
        self.cannot_close.retain(|&n| keep[n]);
    }

    /// How many of `states` are reachable without escapes.
    pub fn count_without_escapes(&self, states: &[usize]) -> usize {
        states.iter().filter(|&&n| self.without_escapes[n]).count()
    }
}

/// Explores every joint state reachable under the model's bounds.
pub fn explore(model: &Model) -> Exploration {
    let started = Instant::now();
    let initial = model.initial();
    let mut index: HashMap<Joint, usize> = HashMap::new();
    index.insert(initial.clone(), 0);
    let mut exploration = Exploration {
        states: vec![initial],
        parents: vec![None],
        graph: Graph::new(),
        pruned: vec![false],
        used: vec![false; model.rules.spec().transitions.len()],
        ignored: BTreeMap::new(),
        error: None,
        complete: true,
        elapsed: Duration::ZERO,
    };
    exploration.graph.add_node(());
    let mut moves = Vec::new();
    let mut at = 0;
    while at < exploration.states.len() {
        model.moves(&exploration.states[at], &mut moves);
        for &step in &moves {
            let successor = match model.apply(&exploration.states[at], step) {
                Ok(successor) => successor,
                Err(error) => {
                    exploration.error.get_or_insert((at, step, error));
                    continue;
                }
            };
            if successor.overflows {
                exploration.pruned[at] = true;
                continue;
            }
            if let Some(t) = successor.taken {
                exploration.used[t] = true;
            }
            if let Some(pair) = successor.ignored {
                *exploration.ignored.entry(pair).or_default() += 1;
            }
            let target = match index.get(&successor.joint) {
                Some(&target) => target,
                None => {
                    if exploration.states.len() >= model.options.bounds.max_states {
                        exploration.complete = false;
                        continue;
                    }
                    let target = exploration.states.len();
                    index.insert(successor.joint.clone(), target);
                    exploration.states.push(successor.joint);
                    exploration.parents.push(Some((at, step)));
                    exploration.pruned.push(false);
                    exploration.graph.add_node(());
                    target
                }
            };
            let edge = Edge {
                step,
                escape: model.is_escape(step),
            };
            exploration
                .graph
                .add_edge(NodeIndex::new(at), NodeIndex::new(target), edge);
        }
        at += 1;
    }
    exploration.elapsed = started.elapsed();
    exploration
}

impl Exploration {
    /// Moves explored (edges of the state graph).
    pub fn moves(&self) -> usize {
        self.graph.edge_count()
    }

    /// The moves of a shortest path from the initial state to `state`.
    pub fn path_to(&self, state: usize) -> Vec<Move> {
        let mut path = Vec::new();
        let mut at = state;
        while let Some((parent, step)) = self.parents[at] {
            path.push(step);
            at = parent;
        }
        path.reverse();
        path
    }

    /// Moves that go on from `state` without escapes while staying among `trapped` states,
    /// until a state repeats (at most `limit` moves): how a run that can no longer reach
    /// CLOSED goes round. Deliveries are preferred, so the loop shows segments.
    pub fn lasso(&self, state: usize, trapped: &[usize], limit: usize) -> Vec<Move> {
        let mut seen = vec![state];
        let mut moves = Vec::new();
        let mut at = state;
        while moves.len() < limit {
            let mut options: Vec<(usize, Move)> = self
                .graph
                .edges(NodeIndex::new(at))
                .filter(|e| {
                    !e.weight().escape && trapped.binary_search(&e.target().index()).is_ok()
                })
                .map(|e| (e.target().index(), e.weight().step))
                .collect();
            options.sort_by_key(|(target, step)| (!matches!(step, Move::Deliver(..)), *target));
            let Some(&(next, step)) = options.first() else {
                break;
            };
            moves.push(step);
            if seen.contains(&next) {
                break;
            }
            seen.push(next);
            at = next;
        }
        moves
    }

    /// Checks deadlock freedom and that both endpoints can always get back to CLOSED.
    pub fn verdict(&self, model: &Model) -> Verdict {
        let initial = model.rules.initial();
        let closed = |n: usize| self.states[n].both_in(initial);
        let progress = EdgeFiltered::from_fn(&self.graph, |edge| !edge.weight().escape);
        let deadlocks = (0..self.states.len())
            .filter(|&n| {
                self.states[n].quiet()
                    && !closed(n)
                    && !self.pruned[n]
                    && self
                        .graph
                        .edges(NodeIndex::new(n))
                        .all(|edge| edge.weight().escape)
            })
            .collect();
        let goals: Vec<NodeIndex> = (0..self.states.len())
            .filter(|&n| closed(n))
            .map(NodeIndex::new)
            .collect();
        let mut can_close = vec![false; self.states.len()];
        let reversed = Reversed(&progress);
        let mut search = Dfs::from_parts(goals, self.graph.visit_map());
        while let Some(node) = search.next(reversed) {
            can_close[node.index()] = true;
        }
        let cannot_close = (0..self.states.len()).filter(|&n| !can_close[n]).collect();
        let mut without_escapes = vec![false; self.states.len()];
        let mut search = Dfs::new(&progress, NodeIndex::new(0));
        while let Some(node) = search.next(&progress) {
            without_escapes[node.index()] = true;
        }
        Verdict {
            deadlocks,
            cannot_close,
            pruned: self.pruned.iter().any(|&p| p),
            without_escapes,
        }
    }
}
