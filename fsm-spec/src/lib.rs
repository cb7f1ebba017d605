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
pub mod diff;
pub mod escape;
#[cfg(feature = "json")]
pub mod export;
pub mod format;
pub mod model;
pub mod naming;
pub mod output;
mod parse;
#[cfg(feature = "render")]
pub mod render;
#[cfg(feature = "json")]
pub mod schema;
pub mod source;
mod suggest;
pub mod synthetic;
pub mod table;
mod validate;
pub mod write;

pub use diagnostic::{Diagnostic, Diagnostics, Problem, Severity};
pub use model::{
    Contradiction, ContradictionKind, Deviation, Event, EventId, EventKind, Group, GroupId,
    GroupPath, Machine, Member, Nested, NoTransition, NoTransitionKind, Reading, RustType, Spec,
    State, StateId, Transition,
};
pub use source::{Embedded, FileSystem, Files, Located, SourceFile, Span};

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
///
/// A spec with `[machine] extends` reads its base through `source`'s [`Files`] (the file
/// system unless [`SourceFile::with_files`] says otherwise) and checks it first; the base's
/// errors are reported in the base's file (see the rules in `docs`, and `parse/extend.rs`).
pub fn check(source: &SourceFile) -> Report {
    check_extending(source, &mut Vec::new())
}

/// [`check`], with the names of the specs that extend this one, outermost first, to find
/// circles.
fn check_extending(source: &SourceFile, extending: &mut Vec<String>) -> Report {
    let mut problems = Vec::new();
    let mut base_diagnostics = Diagnostics::default();
    let mut base = None;
    let mut bases = Vec::new();
    let mut usable = true;
    let document = parse::Document::read(source.text());
    if let Some(Located { value: path, span }) = document.extends() {
        extending.push(source.name().to_string());
        match read_base(source, &path, span, extending, &mut problems) {
            Some((name, report)) => {
                let errors = report.diagnostics.errors().count();
                if errors > 0 {
                    let name = name.clone();
                    problems.push((
                        Problem::BaseHasErrors {
                            name,
                            count: errors,
                        },
                        span,
                    ));
                    let only_errors = report
                        .diagnostics
                        .iter()
                        .filter(|d| d.severity() == Severity::Error);
                    base_diagnostics = Diagnostics::from_list(only_errors.cloned().collect());
                }
                match report.spec {
                    Some(spec) if errors == 0 => {
                        bases.push(name.clone());
                        bases.extend(spec.bases.iter().cloned());
                        base = Some(parse::Base::new(name, span, spec.states, spec.events));
                    }
                    _ => usable = false,
                }
            }
            None => usable = false,
        }
        extending.pop();
    }
    let spec = if usable {
        parse::parse(&document, base.as_ref(), &mut problems)
    } else {
        // Without its base, a spec's names cannot be resolved. What its own text gets wrong
        // whatever the base says is still reported, so that fixing the base does not bring
        // a second round of errors in this file.
        let mut own = Vec::new();
        parse::parse(&document, None, &mut own);
        problems.extend(
            own.into_iter()
                .filter(|(problem, _)| problem.stands_without_base()),
        );
        None
    };
    if let Some(spec) = &spec {
        validate::validate(spec, source, &mut problems);
        #[cfg(feature = "analysis")]
        if problems.is_empty() {
            analysis::warnings(spec, &mut problems);
        }
    }
    let mut diagnostics = Diagnostics::new(source, problems);
    diagnostics.append(base_diagnostics);
    let spec = spec
        .filter(|_| !diagnostics.has_errors())
        .map(|spec| Spec { bases, ..spec });
    Report { spec, diagnostics }
}

/// Reads and checks the base that `source` names at `span`; `None` (with the problem) when
/// it cannot be read or it is a spec that extends `source`.
fn read_base(
    source: &SourceFile,
    path: &str,
    span: Span,
    extending: &mut Vec<String>,
    problems: &mut Vec<(Problem, Span)>,
) -> Option<(String, Report)> {
    let name = source::resolve_name(source.name(), path);
    if let Some(first) = extending.iter().position(|n| *n == name) {
        let mut chain: Vec<&str> = extending[first..].iter().map(String::as_str).collect();
        chain.push(&name);
        let chain = chain.join(" extends ");
        problems.push((Problem::ExtendsCycle { chain }, span));
        return None;
    }
    match source.open_named(&name) {
        Ok(base) => Some((name, check_extending(&base, extending))),
        Err(error) => {
            let reason = error.to_string();
            problems.push((Problem::BaseUnreadable { name, reason }, span));
            None
        }
    }
}

impl Spec {
    /// Parses and checks a spec, returning it when it has no errors (warnings are dropped;
    /// use [`check`] to see them).
    pub fn from_source(source: &SourceFile) -> Result<Spec, Diagnostics> {
        check(source).into_result()
    }
}
