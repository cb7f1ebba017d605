//! From TOML text to a [`Spec`], collecting every problem with its span.
//!
//! The TOML is read as a spanned tree (`toml::de::DeTable`) and walked by hand rather than
//! deserialised with serde, so that one pass reports every unknown key, wrong type and unknown
//! name instead of stopping at the first.

use crate::diagnostic::Problem;
use crate::model::{Event, EventId, EventKind, Machine, Spec, State, StateId, Transition};
use crate::naming::is_rust_identifier;
use crate::source::Span;
use crate::suggest::nearest;
use serde_spanned::Spanned;
use std::collections::HashMap;
use toml::de::{DeTable, DeValue};

type Problems = Vec<(Problem, Span)>;
type Value<'i> = Spanned<DeValue<'i>>;

const TOP_KEYS: &[&str] = &["machine", "states", "events", "transition"];
const MACHINE_KEYS: &[&str] = &["name", "initial", "doc"];
const STATE_KEYS: &[&str] = &["doc", "aliases", "final"];
const EVENT_KEYS: &[&str] = &["kind", "segment", "label", "doc"];
const TRANSITION_KEYS: &[&str] = &[
    "from", "event", "to", "send", "guard", "tags", "cite", "doc",
];
const EVENT_KINDS: &[&str] = &["call", "receive", "timeout"];

pub(crate) fn parse(text: &str, problems: &mut Problems) -> Option<Spec> {
    let (document, syntax_errors) = DeTable::parse_recoverable(text);
    if !syntax_errors.is_empty() {
        for error in syntax_errors {
            let span = error.span().map(Span::from).unwrap_or_default();
            let mut message = error.message().trim().to_string();
            // toml does not say which key is repeated; the span does.
            if message == "duplicate key" {
                if let Some(key) = text.get(span.start..span.end) {
                    message = format!("duplicate key `{key}` (a name may be declared once)");
                }
            }
            problems.push((Problem::Syntax { message }, span));
        }
        return None;
    }
    let top = Fields::open(
        document.get_ref(),
        "the top level".into(),
        span_of(&document),
        TOP_KEYS,
        problems,
    );
    let states = top
        .required_table("states", problems)
        .map(|t| parse_states(t, problems));
    let events = top
        .required_table("events", problems)
        .map(|t| parse_events(t, problems));
    let machine = top
        .required_table("machine", problems)
        .and_then(|machine| parse_machine(machine, states.as_deref(), problems));
    let (states, events) = (states?, events?);
    let transitions = match top.get("transition") {
        Some(value) => parse_transitions(value, &states, &events, problems),
        None => Vec::new(),
    };
    Some(Spec {
        machine: machine?,
        states,
        events,
        transitions,
    })
}

fn span_of<T>(value: &Spanned<T>) -> Span {
    value.span().into()
}

/// A TOML table being read: reports unknown keys on opening, then hands out typed values.
struct Fields<'a, 'i> {
    table: &'a DeTable<'i>,
    name: String,
    span: Span,
}

impl<'a, 'i> Fields<'a, 'i> {
    fn open(
        table: &'a DeTable<'i>,
        name: String,
        span: Span,
        allowed: &'static [&'static str],
        problems: &mut Problems,
    ) -> Self {
        for (key, _) in table.iter() {
            if !allowed.contains(&key.get_ref().as_ref()) {
                let problem = Problem::UnknownKey {
                    key: key.get_ref().to_string(),
                    table: name.clone(),
                    expected: allowed,
                };
                problems.push((problem, span_of(key)));
            }
        }
        Fields { table, name, span }
    }

    fn get(&self, key: &str) -> Option<&'a Value<'i>> {
        self.table.get(key)
    }

    fn missing(&self, key: &'static str, problems: &mut Problems) {
        problems.push((
            Problem::MissingKey {
                key,
                table: self.name.clone(),
            },
            self.span,
        ));
    }

    fn string(&self, key: &str, problems: &mut Problems) -> Option<(String, Span)> {
        let value = self.get(key)?;
        match value.get_ref().as_str() {
            Some(text) => Some((text.to_string(), span_of(value))),
            None => {
                problems.push((wrong_type(key, "a string", value), span_of(value)));
                None
            }
        }
    }

    fn required_string(
        &self,
        key: &'static str,
        problems: &mut Problems,
    ) -> Option<(String, Span)> {
        if self.get(key).is_none() {
            self.missing(key, problems);
        }
        self.string(key, problems)
    }

    fn text(&self, key: &str, problems: &mut Problems) -> Option<String> {
        self.string(key, problems).map(|(text, _)| text)
    }

    /// An array of strings; with `single`, a lone string is accepted as a one-element list.
    fn strings(&self, key: &str, single: bool, problems: &mut Problems) -> Vec<(String, Span)> {
        let Some(value) = self.get(key) else {
            return Vec::new();
        };
        let expected = if single {
            "a string or an array of strings"
        } else {
            "an array of strings"
        };
        match value.get_ref() {
            DeValue::String(text) if single => vec![(text.to_string(), span_of(value))],
            DeValue::Array(items) => items
                .iter()
                .filter_map(|item| match item.get_ref().as_str() {
                    Some(text) => Some((text.to_string(), span_of(item))),
                    None => {
                        problems.push((wrong_type(key, "a string", item), span_of(item)));
                        None
                    }
                })
                .collect(),
            _ => {
                problems.push((wrong_type(key, expected, value), span_of(value)));
                Vec::new()
            }
        }
    }

    fn bool(&self, key: &str, problems: &mut Problems) -> Option<bool> {
        let value = self.get(key)?;
        let flag = value.get_ref().as_bool();
        if flag.is_none() {
            problems.push((wrong_type(key, "true or false", value), span_of(value)));
        }
        flag
    }

    fn table(&self, key: &str, problems: &mut Problems) -> Option<(&'a DeTable<'i>, Span)> {
        let value = self.get(key)?;
        match value.get_ref().as_table() {
            Some(table) => Some((table, span_of(value))),
            None => {
                problems.push((wrong_type(key, "a table", value), span_of(value)));
                None
            }
        }
    }

    fn required_table(
        &self,
        key: &'static str,
        problems: &mut Problems,
    ) -> Option<(&'a DeTable<'i>, Span)> {
        if self.get(key).is_none() {
            self.missing(key, problems);
        }
        self.table(key, problems)
    }
}

fn wrong_type(key: &str, expected: &'static str, found: &Value<'_>) -> Problem {
    Problem::WrongType {
        key: key.to_string(),
        expected,
        found: found.get_ref().type_str(),
    }
}

/// Yields each entry of a table of tables (`[states.X]`), reporting entries that are not tables.
fn sub_tables<'a, 'i>(
    (table, _): (&'a DeTable<'i>, Span),
    problems: &mut Problems,
) -> Vec<(String, Span, &'a DeTable<'i>, Span)> {
    let mut entries = Vec::new();
    for (key, value) in table.iter() {
        let name = key.get_ref().to_string();
        match value.get_ref().as_table() {
            Some(inner) => entries.push((name, span_of(key), inner, span_of(value))),
            None => problems.push((wrong_type(&name, "a table", value), span_of(value))),
        }
    }
    entries
}

fn check_identifier(what: &'static str, name: &str, span: Span, problems: &mut Problems) {
    if !is_rust_identifier(name) {
        problems.push((
            Problem::NotAnIdentifier {
                what,
                name: name.to_string(),
            },
            span,
        ));
    }
}

fn parse_states(table: (&DeTable<'_>, Span), problems: &mut Problems) -> Vec<State> {
    let mut states = Vec::new();
    for (name, span, inner, table_span) in sub_tables(table, problems) {
        check_identifier("state name", &name, span, problems);
        let fields = Fields::open(
            inner,
            format!("[states.{name}]"),
            table_span,
            STATE_KEYS,
            problems,
        );
        let aliases = fields.strings("aliases", false, problems);
        let is_final = fields.bool("final", problems).unwrap_or(false);
        states.push((
            State {
                doc: fields.text("doc", problems),
                aliases: aliases.iter().map(|(alias, _)| alias.clone()).collect(),
                name,
                is_final,
                span,
            },
            aliases,
        ));
    }
    check_unique_names(&states, problems);
    states.into_iter().map(|(state, _)| state).collect()
}

/// Names and aliases must each point at one state, and state names must stay distinct as
/// Rust types.
fn check_unique_names(states: &[(State, Vec<(String, Span)>)], problems: &mut Problems) {
    let mut owners: HashMap<&str, &str> = HashMap::new();
    let mut rust_names: HashMap<String, &str> = HashMap::new();
    for (state, aliases) in states {
        let names = std::iter::once((state.name.as_str(), state.span))
            .chain(aliases.iter().map(|(alias, span)| (alias.as_str(), *span)));
        for (name, span) in names {
            match owners.get(name) {
                // An alias repeating its own state's name is harmless.
                Some(owner) if *owner == state.name => {}
                Some(owner) => problems.push((
                    Problem::DuplicateName {
                        name: name.to_string(),
                        first: owner.to_string(),
                        second: state.name.clone(),
                    },
                    span,
                )),
                None => {
                    owners.insert(name, &state.name);
                }
            }
        }
        let rust = crate::naming::upper_camel(&state.name);
        if let Some(first) = rust_names.get(&rust) {
            let problem = Problem::NameClash {
                first: first.to_string(),
                second: state.name.clone(),
                rust: rust.clone(),
            };
            problems.push((problem, state.span));
        } else {
            rust_names.insert(rust, &state.name);
        }
    }
}

fn parse_events(table: (&DeTable<'_>, Span), problems: &mut Problems) -> Vec<Event> {
    let mut events = Vec::new();
    for (name, span, inner, table_span) in sub_tables(table, problems) {
        check_identifier("event name", &name, span, problems);
        let fields = Fields::open(
            inner,
            format!("[events.{name}]"),
            table_span,
            EVENT_KEYS,
            problems,
        );
        let kind = fields
            .required_string("kind", problems)
            .and_then(|(kind, kind_span)| {
                let parsed = EventKind::ALL.into_iter().find(|k| k.as_str() == kind);
                if parsed.is_none() {
                    let problem = Problem::InvalidValue {
                        value: kind,
                        what: "event kind",
                        expected: EVENT_KINDS,
                    };
                    problems.push((problem, kind_span));
                }
                parsed
            });
        events.push(Event {
            kind: kind.unwrap_or(EventKind::Call),
            segment: fields.text("segment", problems),
            label: fields.text("label", problems),
            doc: fields.text("doc", problems),
            name,
            span,
        });
    }
    events
}

fn parse_machine(
    (table, span): (&DeTable<'_>, Span),
    states: Option<&[State]>,
    problems: &mut Problems,
) -> Option<Machine> {
    let fields = Fields::open(table, "[machine]".into(), span, MACHINE_KEYS, problems);
    let name = fields.required_string("name", problems);
    if let Some((name, name_span)) = &name {
        check_identifier("machine name", name, *name_span, problems);
    }
    let initial = fields.required_string("initial", problems);
    let states = Names::new(states?.iter().map(|s| s.name.as_str()));
    let initial = states.state(initial?, problems);
    Some(Machine {
        name: name?.0,
        initial: initial?,
        doc: fields.text("doc", problems),
        span,
    })
}

/// Names to indices, for resolving references in time linear in the spec's size.
struct Names<'a> {
    ids: HashMap<&'a str, usize>,
}

impl<'a> Names<'a> {
    fn new(names: impl Iterator<Item = &'a str>) -> Self {
        let mut ids = HashMap::new();
        for (id, name) in names.enumerate() {
            ids.entry(name).or_insert(id);
        }
        Names { ids }
    }

    /// The index of `name`, or a problem made by `unknown` with the nearest known name.
    fn resolve(
        &self,
        (name, span): (String, Span),
        unknown: fn(String, Option<String>) -> Problem,
        problems: &mut Problems,
    ) -> Option<usize> {
        let found = self.ids.get(name.as_str()).copied();
        if found.is_none() {
            let suggestion = nearest(&name, self.ids.keys().copied());
            problems.push((unknown(name, suggestion), span));
        }
        found
    }

    fn state(&self, name: (String, Span), problems: &mut Problems) -> Option<StateId> {
        let unknown = |name, suggestion| Problem::UnknownState { name, suggestion };
        self.resolve(name, unknown, problems).map(StateId)
    }

    fn event(&self, name: (String, Span), problems: &mut Problems) -> Option<EventId> {
        let unknown = |name, suggestion| Problem::UnknownEvent { name, suggestion };
        self.resolve(name, unknown, problems).map(EventId)
    }
}

fn parse_transitions(
    value: &Value<'_>,
    states: &[State],
    events: &[Event],
    problems: &mut Problems,
) -> Vec<Transition> {
    let DeValue::Array(entries) = value.get_ref() else {
        let problem = wrong_type(
            "transition",
            "an array of tables (write `[[transition]]`)",
            value,
        );
        problems.push((problem, span_of(value)));
        return Vec::new();
    };
    let state_names = Names::new(states.iter().map(|s| s.name.as_str()));
    let event_names = Names::new(events.iter().map(|e| e.name.as_str()));
    let mut transitions = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let span = span_of(entry);
        let Some(table) = entry.get_ref().as_table() else {
            problems.push((wrong_type("transition", "a table", entry), span));
            continue;
        };
        let name = format!("[[transition]] number {}", index + 1);
        let fields = Fields::open(table, name, span, TRANSITION_KEYS, problems);
        let from = fields.strings("from", true, problems);
        if fields.get("from").is_none() {
            fields.missing("from", problems);
        }
        let from: Vec<Option<StateId>> = from
            .into_iter()
            .map(|f| state_names.state(f, problems))
            .collect();
        let event = fields
            .required_string("event", problems)
            .and_then(|e| event_names.event(e, problems));
        let to = fields
            .required_string("to", problems)
            .and_then(|t| state_names.state(t, problems));
        let guard = fields.string("guard", problems);
        if let Some((guard, guard_span)) = &guard {
            check_identifier("guard", guard, *guard_span, problems);
        }
        let tags = fields
            .strings("tags", false, problems)
            .into_iter()
            .map(|(tag, _)| tag)
            .collect();
        let send = fields.text("send", problems);
        let cite = fields
            .required_string("cite", problems)
            .map(|(cite, _)| cite);
        let doc = fields.text("doc", problems);
        let (Some(event), Some(to), Some(cite)) = (event, to, cite) else {
            continue;
        };
        for from in from.into_iter().flatten() {
            transitions.push(Transition {
                from,
                event,
                to,
                send: send.clone(),
                guard: guard.as_ref().map(|(g, _)| g.clone()),
                tags: Vec::clone(&tags),
                cite: cite.clone(),
                doc: doc.clone(),
                span,
            });
        }
    }
    transitions
}
