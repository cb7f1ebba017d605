//! Every interleaving of user calls, timeouts and segment deliveries between two endpoints
//! built from a spec, within bounds: the engine of `tcp-fsm explore`.
//!
//! [`model`] is the transition system, [`search`] the breadth-first search and the graph
//! analyses (no deadlock; both endpoints can always get back to the initial state),
//! [`trace`] turns a path into a transcript in the RFC's figure format.

pub mod model;
pub mod report;
pub mod search;
pub mod trace;
