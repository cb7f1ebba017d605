//! Declarative state-machine specs in TOML.
//!
//! A spec file is the single source of truth for a state machine: its states, events and
//! transitions, each with documentation and a citation. This crate parses a spec with byte
//! spans, checks it (collecting every problem, each with `file:line:col`), analyses its graph
//! and exports a normalised JSON form. It has no proc-macro dependencies, so the `fsm!` macro
//! and the command-line tool share it.
//!
//! Cargo features, all on by default: `analysis` (graph warnings, petgraph), `render`
//! (diagrams), `audit`, `json` (serde_json) and `snippets` (annotate-snippets). The macro
//! turns them all off, so its build compiles only the parser and the checks.
//!
//! ```
//! use fsm_spec::{SourceFile, Spec};
//!
//! let source = SourceFile::new("door.toml", r#"
//! [machine]
//! name = "Door"
//! initial = "CLOSED"
//!
//! [states.CLOSED]
//! [states.OPEN]
//!
//! [events.open]
//! kind = "call"
//! [events.close]
//! kind = "call"
//!
//! [[transition]]
//! from = "CLOSED"
//! event = "open"
//! to = "OPEN"
//! cite = "door manual, page 1"
//!
//! [[transition]]
//! from = "OPEN"
//! event = "close"
//! to = "CLOSED"
//! cite = "door manual, page 1"
//! "#);
//! let spec = Spec::from_source(&source).expect("a valid spec");
//! assert_eq!(spec.states.len(), 2);
//! assert_eq!(spec.initial_state().name, "CLOSED");
//! ```

#[cfg(feature = "analysis")]
pub mod analysis;
#[cfg(feature = "audit")]
pub mod audit;
pub mod diagnostic;
#[cfg(feature = "json")]
pub mod export;
pub mod model;
pub mod naming;
mod parse;
#[cfg(feature = "render")]
pub mod render;
pub mod source;
mod suggest;
pub mod synthetic;
pub mod table;
mod validate;

pub use diagnostic::{Diagnostic, Diagnostics, Problem, Severity};
pub use model::{
    Contradiction, ContradictionKind, Deviation, Event, EventId, EventKind, Machine, NoTransition,
    NoTransitionKind, Reading, RustType, Spec, State, StateId, Transition,
};
pub use source::{SourceFile, Span};

/// The outcome of checking a spec: the model (when it could be built) and every diagnostic.
#[derive(Debug)]
pub struct Report {
    /// The parsed spec; `None` when errors prevented building it.
    pub spec: Option<Spec>,
    /// Errors and warnings, in source order.
    pub diagnostics: Diagnostics,
}

impl Report {
    /// The spec when there is no error (warnings allowed), otherwise every diagnostic.
    pub fn into_result(self) -> Result<Spec, Diagnostics> {
        match self.spec {
            Some(spec) if !self.diagnostics.has_errors() => Ok(spec),
            _ => Err(self.diagnostics),
        }
    }
}

/// Parses and checks a spec: syntax, keys, references, names, determinism, and (when there
/// are no errors) the graph analyses that produce warnings. Without the `analysis` feature
/// (the `fsm!` macro turns it off: a proc macro cannot show warnings) there are no warnings;
/// the errors are the same.
pub fn check(source: &SourceFile) -> Report {
    let mut problems = Vec::new();
    let spec = parse::parse(source.text(), &mut problems);
    if let Some(spec) = &spec {
        validate::validate(spec, source, &mut problems);
        #[cfg(feature = "analysis")]
        if problems.is_empty() {
            analysis::warnings(spec, &mut problems);
        }
    }
    let diagnostics = Diagnostics::new(source, problems);
    let spec = spec.filter(|_| !diagnostics.has_errors());
    Report { spec, diagnostics }
}

impl Spec {
    /// Parses and checks a spec, returning it when it has no errors (warnings are dropped;
    /// use [`check`] to see them).
    pub fn from_source(source: &SourceFile) -> Result<Spec, Diagnostics> {
        check(source).into_result()
    }
}
