//! What can be wrong with a spec, and how it is reported.

use crate::source::{Location, SourceFile, Span};
#[cfg(feature = "snippets")]
use annotate_snippets::{Level, Renderer, Snippet};
use std::fmt;
use std::sync::Arc;

/// How bad a problem is: errors make a spec unusable; warnings point at likely mistakes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(
    feature = "json",
    derive(serde::Serialize),
    serde(rename_all = "lowercase")
)]
pub enum Severity {
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One thing wrong with a spec. The `Display` text is the message; [`Problem::help`] adds a
/// hint such as a suggested name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Syntax {
        message: String,
    },
    UnknownKey {
        key: String,
        table: String,
        expected: &'static [&'static str],
    },
    MissingKey {
        key: &'static str,
        table: String,
    },
    WrongType {
        key: String,
        expected: &'static str,
        found: &'static str,
    },
    InvalidValue {
        value: String,
        what: &'static str,
        expected: &'static [&'static str],
    },
    UnknownState {
        name: String,
        suggestion: Option<String>,
    },
    UnknownEvent {
        name: String,
        suggestion: Option<String>,
    },
    DuplicateName {
        name: String,
        first: String,
        second: String,
    },
    NameClash {
        first: String,
        second: String,
        kind: &'static str,
        rust: String,
    },
    NotARustName {
        what: String,
        rust: String,
    },
    ReservedName {
        what: String,
        rust: String,
        used_for: &'static str,
        fix: &'static str,
    },
    NotAnIdentifier {
        what: &'static str,
        name: String,
    },
    DuplicateTransition {
        state: String,
        event: String,
        to: String,
        first_line: usize,
    },
    NonDeterministic {
        state: String,
        event: String,
        count: usize,
        reason: String,
    },
    Unreachable {
        state: String,
        initial: String,
    },
    DeadEnd {
        state: String,
    },
    UnusedEvent {
        event: String,
    },
    DuplicateContradiction {
        id: String,
    },
    UnknownContradiction {
        id: String,
        suggestion: Option<String>,
    },
    TooFewReadings {
        id: String,
        count: usize,
    },
    DuplicateReading {
        id: String,
        reading: String,
    },
    BaseUnreadable {
        name: String,
        reason: String,
    },
    ExtendsCycle {
        chain: String,
    },
    BaseHasErrors {
        name: String,
        count: usize,
    },
    InheritedKey {
        key: String,
        what: String,
        base: String,
    },
    /// A problem in words of its reader's own, for files that are not specs but are reported
    /// the same way (a scenario file, for instance): see [`Diagnostic::error`].
    Message {
        message: String,
    },
    NoTransitionConflict {
        state: String,
        event: String,
        with_transition: bool,
    },
    UnusedDiagramTag {
        tag: String,
    },
    EmptyType {
        key: &'static str,
    },
    InitialStateData {
        state: String,
        data: String,
    },
    NothingToEnterWith {
        from: String,
        event: String,
        to: String,
        data: String,
    },
    UnknownMember {
        name: String,
        group: String,
        suggestion: Option<String>,
    },
    GroupNamedLikeState {
        name: String,
    },
    MemberOfTwoGroups {
        member: String,
        first: String,
        second: String,
    },
    GroupCycle {
        chain: String,
    },
    EmptyGroup {
        group: String,
    },
    InitialNotInGroup {
        group: String,
        initial: String,
    },
    GroupWithoutInitial {
        group: String,
    },
    ShadowedGroupTransition {
        /// `transition` or `[[no_transition]] entry`.
        entry: &'static str,
        group: String,
        event: String,
    },
}

// Written out rather than derived with `thiserror`: this crate is in the `fsm!` macro's build,
// and a derive macro would make it wait for `syn` to compile instead of building beside it.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Message { message } => f.write_str(message),
            Problem::Syntax { message } => write!(f, "invalid TOML: {message}"),
            Problem::UnknownKey { key, table, .. } => write!(f, "unknown key `{key}` in {table}"),
            Problem::MissingKey { key, table } => write!(f, "missing key `{key}` in {table}"),
            Problem::WrongType {
                expected,
                found,
                key,
            } => write!(f, "`{key}` must be {expected}, found {found}"),
            Problem::InvalidValue { value, what, .. } => {
                write!(f, "`{value}` is not a valid {what}")
            }
            Problem::UnknownState { name, .. } => write!(f, "unknown state `{name}`"),
            Problem::UnknownEvent { name, .. } => write!(f, "unknown event `{name}`"),
            Problem::DuplicateName {
                first,
                name,
                second,
            } => write!(
                f,
                "the name `{name}` is used twice (by state `{first}` and state `{second}`)"
            ),
            Problem::NameClash {
                first,
                kind,
                rust,
                second,
            } => write!(
                f,
                "{first} and {second} would both become the Rust {kind} `{rust}`"
            ),
            Problem::NotARustName { rust, what } => write!(
                f,
                "{what} would become `{rust}`, which is not a Rust identifier"
            ),
            Problem::ReservedName {
                rust,
                used_for,
                what,
                ..
            } => write!(
                f,
                "{what} would become {rust}, which the generated code uses for {used_for}"
            ),
            Problem::NotAnIdentifier { name, what } => {
                write!(f, "{what} `{name}` cannot become a Rust identifier")
            }
            Problem::DuplicateTransition {
                event,
                first_line,
                state,
                to,
            } => write!(
                f,
                "duplicate transition: {state} already goes to {to} on `{event}` (line {first_line})"
            ),
            Problem::NonDeterministic {
                count,
                event,
                reason,
                state,
            } => write!(
                f,
                "non-deterministic: {state} has {count} transitions on `{event}` and this one has {reason}"
            ),
            Problem::Unreachable { initial, state } => write!(
                f,
                "state {state} is unreachable from the initial state {initial}"
            ),
            Problem::DeadEnd { state } => write!(
                f,
                "state {state} is a dead end: no transition leaves it and it is not declared final"
            ),
            Problem::UnusedEvent { event } => {
                write!(f, "event `{event}` is never used by a transition")
            }
            Problem::DuplicateContradiction { id } => {
                write!(f, "the contradiction `{id}` is declared twice")
            }
            Problem::UnknownContradiction { id, .. } => write!(f, "unknown contradiction `{id}`"),
            Problem::TooFewReadings { count, id } => write!(
                f,
                "contradiction `{id}` has {count} reading(s) here; each state and event it covers needs at least two"
            ),
            Problem::DuplicateReading { id, reading } => {
                write!(f, "contradiction `{id}` has two readings named `{reading}`")
            }
            Problem::BaseUnreadable { name, reason } => {
                write!(f, "cannot read the base spec `{name}`: {reason}")
            }
            Problem::ExtendsCycle { chain } => {
                write!(f, "`extends` goes round in a circle: {chain}")
            }
            Problem::BaseHasErrors { count, name } => write!(
                f,
                "the base spec `{name}` has {count} error(s), reported in it"
            ),
            Problem::InheritedKey { base, key, what } => {
                write!(f, "`{key}` of {what} comes from the base spec `{base}`")
            }
            Problem::NoTransitionConflict {
                event,
                state,
                with_transition,
            } => write!(
                f,
                "{state} on `{event}` is declared as a [[no_transition]] but {}",
                if *with_transition {
                    "a transition also handles it"
                } else {
                    "an earlier entry already declares it"
                }
            ),
            Problem::UnusedDiagramTag { tag } => write!(
                f,
                "no transition has the tag `{tag}` that `diagram_tag` names"
            ),
            Problem::EmptyType { key } => {
                write!(f, "`{key}` must name a Rust type, found an empty string")
            }
            Problem::InitialStateData { data, state } => write!(
                f,
                "the initial state {state} cannot hold data (`{data}`): a handle starts without any"
            ),
            Problem::NothingToEnterWith {
                data,
                event,
                from,
                to,
            } => write!(
                f,
                "{from} --{event}--> {to}: {to} holds `{data}`, but {from} holds no data and `{event}` \
         carries no payload, so there is nothing to make it from"
            ),
            Problem::UnknownMember { name, group, .. } => {
                write!(f, "unknown state or group `{name}` in group `{group}`")
            }
            Problem::GroupNamedLikeState { name } => {
                write!(f, "the group `{name}` has the name of a state")
            }
            Problem::MemberOfTwoGroups {
                first,
                member,
                second,
            } => write!(
                f,
                "`{member}` is a member of two groups, `{first}` and `{second}`"
            ),
            Problem::GroupCycle { chain } => {
                write!(f, "groups contain each other in a circle: {chain}")
            }
            Problem::EmptyGroup { group } => write!(f, "the group `{group}` has no states"),
            Problem::InitialNotInGroup { group, initial } => write!(
                f,
                "the initial `{initial}` of group `{group}` is not inside the group"
            ),
            Problem::GroupWithoutInitial { group } => write!(
                f,
                "this transition goes to the group `{group}`, which has no `initial`"
            ),
            Problem::ShadowedGroupTransition {
                entry,
                event,
                group,
            } => write!(
                f,
                "this {entry} on `{event}` declared on group `{group}` applies to no state: \
                 every state inside handles `{event}` itself"
            ),
        }
    }
}

impl std::error::Error for Problem {}

impl Problem {
    /// Whether the problem is in a file's own text whatever its base spec declares: TOML
    /// syntax, and the keys, types and values of its tables. Names are not: an unknown state
    /// may be one the base declares.
    pub(crate) fn stands_without_base(&self) -> bool {
        matches!(
            self,
            Problem::Syntax { .. }
                | Problem::UnknownKey { .. }
                | Problem::WrongType { .. }
                | Problem::InvalidValue { .. }
                | Problem::EmptyType { .. }
                | Problem::NotAnIdentifier { .. }
        )
    }

    /// Errors make the spec unusable; the graph findings are warnings.
    pub fn severity(&self) -> Severity {
        match self {
            Problem::Unreachable { .. }
            | Problem::DeadEnd { .. }
            | Problem::UnusedEvent { .. }
            | Problem::ShadowedGroupTransition { .. } => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// A stable, kebab-case code for machines and tests.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Syntax { .. } => "syntax",
            Problem::UnknownKey { .. } => "unknown-key",
            Problem::MissingKey { .. } => "missing-key",
            Problem::WrongType { .. } => "wrong-type",
            Problem::InvalidValue { .. } => "invalid-value",
            Problem::UnknownState { .. } => "unknown-state",
            Problem::UnknownEvent { .. } => "unknown-event",
            Problem::DuplicateName { .. } => "duplicate-name",
            Problem::NameClash { .. } => "name-clash",
            Problem::NotARustName { .. } => "not-a-rust-name",
            Problem::ReservedName { .. } => "reserved-name",
            Problem::NotAnIdentifier { .. } => "not-an-identifier",
            Problem::DuplicateTransition { .. } => "duplicate-transition",
            Problem::NonDeterministic { .. } => "non-deterministic",
            Problem::Unreachable { .. } => "unreachable",
            Problem::DeadEnd { .. } => "dead-end",
            Problem::UnusedEvent { .. } => "unused-event",
            Problem::DuplicateContradiction { .. } => "duplicate-contradiction",
            Problem::UnknownContradiction { .. } => "unknown-contradiction",
            Problem::TooFewReadings { .. } => "too-few-readings",
            Problem::DuplicateReading { .. } => "duplicate-reading",
            Problem::NoTransitionConflict { .. } => "no-transition-conflict",
            Problem::UnusedDiagramTag { .. } => "unused-diagram-tag",
            Problem::EmptyType { .. } => "empty-type",
            Problem::InitialStateData { .. } => "initial-state-data",
            Problem::NothingToEnterWith { .. } => "nothing-to-enter-with",
            Problem::BaseUnreadable { .. } => "base-unreadable",
            Problem::ExtendsCycle { .. } => "extends-cycle",
            Problem::BaseHasErrors { .. } => "base-has-errors",
            Problem::InheritedKey { .. } => "inherited-key",
            Problem::Message { .. } => "message",
            Problem::UnknownMember { .. } => "unknown-member",
            Problem::GroupNamedLikeState { .. } => "group-named-like-state",
            Problem::MemberOfTwoGroups { .. } => "member-of-two-groups",
            Problem::GroupCycle { .. } => "group-cycle",
            Problem::EmptyGroup { .. } => "empty-group",
            Problem::InitialNotInGroup { .. } => "initial-not-in-group",
            Problem::GroupWithoutInitial { .. } => "group-without-initial",
            Problem::ShadowedGroupTransition { .. } => "shadowed-group-transition",
        }
    }

    /// A hint on how to fix the problem, if there is a useful one.
    pub fn help(&self) -> Option<String> {
        match self {
            Problem::UnknownKey { key, expected, .. } => Some(
                match crate::suggest::nearest(key, expected.iter().copied()) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("expected one of: {}", expected.join(", ")),
                },
            ),
            Problem::InvalidValue {
                value, expected, ..
            } => Some(
                match crate::suggest::nearest(value, expected.iter().copied()) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("expected one of: {}", expected.join(", ")),
                },
            ),
            Problem::UnknownState {
                suggestion: Some(near),
                ..
            }
            | Problem::UnknownEvent {
                suggestion: Some(near),
                ..
            }
            | Problem::UnknownContradiction {
                suggestion: Some(near),
                ..
            }
            | Problem::UnknownMember {
                suggestion: Some(near),
                ..
            } => Some(format!("did you mean `{near}`?")),
            Problem::GroupNamedLikeState { .. } => {
                Some("states and groups share one namespace: rename the group".to_string())
            }
            Problem::MemberOfTwoGroups { .. } => Some(
                "groups nest but do not overlap: list it in one group, or nest one group in \
                 the other"
                    .to_string(),
            ),
            Problem::GroupWithoutInitial { group } => Some(format!(
                "give [groups.{group}] an `initial`, or name a state as `to`"
            )),
            Problem::ShadowedGroupTransition { entry, .. } => Some(format!(
                "the innermost declaration wins: remove this {entry}, or the states' own"
            )),
            Problem::TooFewReadings { .. } => Some(
                "write each reading as a transition with the same `from`, `event` and `guard`, \
                 `contradiction` and a distinct `reading`"
                    .to_string(),
            ),
            Problem::NotAnIdentifier { .. } => Some(
                "use ASCII letters, digits and `_`, start with a letter, and avoid Rust keywords"
                    .to_string(),
            ),
            Problem::NameClash { .. } => Some("rename one".to_string()),
            Problem::NotARustName { .. } => {
                Some("rename it (letters, digits and `_`, not a keyword)".to_string())
            }
            Problem::ReservedName { fix, .. } => Some(fix.to_string()),
            Problem::NonDeterministic { .. } => {
                Some("give each of these transitions a distinct `guard`".to_string())
            }
            Problem::DeadEnd { .. } => {
                Some("add a transition out of it, or mark it `final = true`".to_string())
            }
            Problem::InitialStateData { .. } => Some(
                "keep what every state needs in the handle's own data `D`, or give the data to \
                 a state the machine enters later"
                    .to_string(),
            ),
            Problem::NothingToEnterWith { event, .. } => Some(format!(
                "give `{event}` a `payload`, or give the state it leaves `data`"
            )),
            Problem::BaseUnreadable { .. } => Some(
                "`extends` names a spec file relative to the directory of the file that \
                 writes it"
                    .to_string(),
            ),
            Problem::ExtendsCycle { .. } => {
                Some("a base spec cannot extend, directly or not, the spec that extends it".into())
            }
            Problem::InheritedKey { .. } => Some(
                "an extending spec may set only `doc` (which replaces the base's) and \
                 `aliases` (added to the base's) of a state or event it inherits; remove \
                 the key, or change it in the base spec"
                    .to_string(),
            ),
            _ => None,
        }
    }
}

/// A problem at a place in a spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub problem: Problem,
    pub span: Span,
    /// The file name, as given to [`SourceFile::new`].
    pub file: Arc<str>,
    /// Line and column of `span.start`.
    pub location: Location,
}

impl Diagnostic {
    /// An error with a message of the caller's at `span` of `source`, for readers of other
    /// files than specs that want the same `file:line:col` and the same snippet.
    ///
    /// ```
    /// use fsm_spec::{Diagnostic, SourceFile, Span};
    ///
    /// let source = SourceFile::new("handshake.toml", "[[step]]\nsend = \"SYM\"\n");
    /// let error = Diagnostic::error(&source, Span::new(16, 21), "`SYM` is not a control bit");
    /// assert_eq!(
    ///     error.to_string(),
    ///     "handshake.toml:2:8: error: `SYM` is not a control bit"
    /// );
    /// ```
    pub fn error(source: &SourceFile, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            problem: Problem::Message {
                message: message.into(),
            },
            location: source.location(span.start),
            file: source.shared_name(),
            span,
        }
    }

    pub fn severity(&self) -> Severity {
        self.problem.severity()
    }

    /// The message with its hint, on one line.
    pub fn message(&self) -> String {
        match self.problem.help() {
            Some(help) => format!("{}; {help}", self.problem),
            None => self.problem.to_string(),
        }
    }

    /// A multi-line report quoting the offending source lines, as rustc does.
    #[cfg(feature = "snippets")]
    pub fn render_snippet(&self, source: &SourceFile) -> String {
        let title = self.problem.to_string();
        let help = self.problem.help();
        let level = match self.severity() {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
        };
        let text = source.text();
        let start = self.span.start.min(text.len());
        let end = self.span.end.clamp(start, text.len());
        // Only the lines the span covers go to the renderer: it reads all the text it is
        // given, so quoting the whole file made a file with thousands of errors (one broken
        // array can give one per token) take time quadratic in its size.
        let bytes = text.as_bytes();
        let first = bytes[..start]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let last = bytes[end..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |i| end + i);
        let mut message = level.title(&title).snippet(
            Snippet::source(&text[first..last])
                .line_start(source.location(start).line)
                .origin(source.name())
                .fold(true)
                .annotation(level.span(start - first..end - first)),
        );
        if let Some(help) = &help {
            message = message.footer(Level::Help.title(help));
        }
        Renderer::plain().render(message).to_string()
    }
}

/// `file:line:col: severity: message; hint`
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file,
            self.location,
            self.severity(),
            self.message()
        )
    }
}

/// Every diagnostic found in a spec file, sorted by position, then those of the base specs it
/// extends (each in its own file).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
}

impl Diagnostics {
    pub(crate) fn new(source: &SourceFile, problems: Vec<(Problem, Span)>) -> Diagnostics {
        let file = source.shared_name();
        let mut list: Vec<Diagnostic> = problems
            .into_iter()
            .map(|(problem, span)| Diagnostic {
                location: source.location(span.start),
                file: Arc::clone(&file),
                problem,
                span,
            })
            .collect();
        list.sort_by_key(|d| (d.span.start, std::cmp::Reverse(d.severity())));
        Diagnostics { list }
    }

    /// Diagnostics already located, in this order.
    pub(crate) fn from_list(list: Vec<Diagnostic>) -> Diagnostics {
        Diagnostics { list }
    }

    /// Adds the diagnostics of another file (a base spec's) after these.
    pub(crate) fn append(&mut self, other: Diagnostics) {
        self.list.extend(other.list);
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.list.iter()
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.list.iter().filter(|d| d.severity() == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.list
            .iter()
            .filter(|d| d.severity() == Severity::Warning)
    }

    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

/// One diagnostic per line.
impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.list.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader of another kind of file reports through the same type, with the same
    /// location and the same quoted source line as a spec's problems.
    #[test]
    fn a_free_form_error_is_located_and_quoted_like_a_spec_problem() {
        let source = SourceFile::new("handshake.toml", "[[step]]\nsend = \"SYM\"\n");
        let error = Diagnostic::error(&source, Span::new(16, 21), "`SYM` is not a control bit");
        assert_eq!(error.severity(), Severity::Error);
        assert_eq!(error.problem.code(), "message");
        assert_eq!(error.location, source.location(16));
        #[cfg(feature = "snippets")]
        {
            let snippet = error.render_snippet(&source);
            assert!(
                snippet.contains("error: `SYM` is not a control bit"),
                "{snippet}"
            );
            assert!(snippet.contains("--> handshake.toml:2:8"), "{snippet}");
            assert!(snippet.contains("send = \"SYM\""), "{snippet}");
            assert!(snippet.contains("^^^^^"), "{snippet}");
        }
    }
}
