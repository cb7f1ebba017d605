//! From TOML text to a [`Spec`], collecting every problem with its span.
//!
//! The TOML is read as a spanned tree (`toml::de::DeTable`) and walked by hand rather than
//! deserialised with serde, so that one pass reports every unknown key, wrong type and unknown
//! name instead of stopping at the first.

mod extend;
mod group;

pub(crate) use extend::Base;

use crate::diagnostic::Problem;
use crate::format::{
    CONTRADICTION_KEYS, CONTRADICTION_KINDS, DEVIATION_KEYS, EVENT_KEYS, EVENT_KINDS, MACHINE_KEYS,
    NO_TRANSITION_KEYS, NO_TRANSITION_KINDS, STATE_KEYS, TOP_KEYS, TRANSITION_KEYS,
};
use crate::model::{
    Contradiction, ContradictionKind, Deviation, Event, EventId, EventKind, Group, GroupId,
    Machine, Member, NoTransition, NoTransitionKind, Reading, RustType, Spec, State, StateId,
    Transition, Tree,
};
use crate::naming::check_identifier;
use crate::source::{Located, Span};
use crate::suggest::nearest;
use std::collections::HashMap;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

type Problems = Vec<(Problem, Span)>;
type Value<'i> = Spanned<DeValue<'i>>;

/// A spec's text read as a TOML document, once: [`check`](crate::check) looks up `extends`
/// in it, then parses the spec from it.
pub(crate) struct Document<'i> {
    text: &'i str,
    tree: Spanned<DeTable<'i>>,
    syntax_errors: Vec<toml::de::Error>,
}

impl<'i> Document<'i> {
    pub(crate) fn read(text: &'i str) -> Document<'i> {
        let (tree, syntax_errors) = DeTable::parse_recoverable(text);
        Document {
            text,
            tree,
            syntax_errors,
        }
    }

    /// The `[machine] extends`, if it is a string, with its span (the rest of the document
    /// is checked by [`parse`]).
    pub(crate) fn extends(&self) -> Option<Located<String>> {
        let machine = self.tree.get_ref().get("machine")?.get_ref().as_table()?;
        let value = machine.get("extends")?;
        Some(located(value.get_ref().as_str()?, value))
    }
}

/// Parses a spec; with a `base`, its states and events come first, and `[states]` and
/// `[events]` may be left out.
pub(crate) fn parse(
    document: &Document<'_>,
    base: Option<&Base>,
    problems: &mut Problems,
) -> Option<Spec> {
    let Document {
        text,
        tree,
        syntax_errors,
    } = document;
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
        tree.get_ref(),
        "the top level".into(),
        span_of(tree),
        TOP_KEYS,
        problems,
    );
    let mut table = |key| match base {
        None => top.required_table(key, problems),
        Some(_) => top.table(key, problems),
    };
    let (state_table, event_table) = (table("states"), table("events"));
    let mut states = state_table.map(|t| parse_states(t, problems));
    let mut events = event_table.map(|t| parse_events(t, base, problems));
    if let Some(base) = base {
        states = Some(extend::states(
            base,
            state_table,
            states,
            STATE_KEYS,
            problems,
        ));
        events = Some(extend::events(
            base,
            event_table,
            events,
            EVENT_KEYS,
            problems,
        ));
    }
    let events =
        events.map(|(events, refinements)| resolve_refinements(events, refinements, problems));
    let groups = match (top.table("groups", problems), states.as_mut()) {
        (Some(table), Some(states)) => group::parse_groups(table, states, problems),
        _ => Vec::new(),
    };
    let contradictions = match top.get("contradiction") {
        Some(value) => parse_contradictions(value, problems),
        None => Vec::new(),
    };
    let machine = top
        .required_table("machine", problems)
        .and_then(|machine| parse_machine(machine, states.as_deref(), problems));
    let (states, events) = (states?, events?);
    let names = SpecNames {
        states: Names::new(states.iter().map(|s| s.name.as_str())),
        events: Names::new(events.iter().map(|e| e.name.as_str())),
        groups: Names::new(groups.iter().map(|g| g.name.as_str())),
    };
    let tree = Tree {
        states: &states,
        groups: &groups,
    };
    // Read on its own, so that missing cites are reported even when `[machine]` has errors.
    let require_cite = top
        .get("machine")
        .and_then(|machine| machine.get_ref().as_table()?.get("require_cite"))
        .and_then(|flag| flag.get_ref().as_bool())
        .unwrap_or(false);
    let declarations = match top.get("transition") {
        Some(value) => parse_transitions(value, &names, tree, require_cite, problems),
        None => Vec::new(),
    };
    let no_transitions = match top.get("no_transition") {
        Some(value) => parse_no_transitions(value, &names, problems),
        None => Vec::new(),
    };
    let handled = group::Handled::new(&declarations, &no_transitions);
    let transitions = group::expand(declarations, tree, &events, &handled, problems);
    let no_transitions = group::expand(no_transitions, tree, &events, &handled, problems);
    let deviations = match top.get("deviation") {
        Some(value) => parse_deviations(value, &names, tree, problems),
        None => Vec::new(),
    };
    Some(Spec {
        machine: machine?,
        states,
        groups,
        events,
        transitions,
        contradictions,
        deviations,
        no_transitions,
        bases: Vec::new(),
    })
}

fn span_of<T>(value: &Spanned<T>) -> Span {
    value.span().into()
}

/// `text` with the span of the TOML value it was read from.
fn located<T>(text: &str, value: &Spanned<T>) -> Located<String> {
    Located::new(text.to_string(), span_of(value))
}

/// A table's entries in the order they are written. `DeTable` is a sorted map (the ordered one
/// would bring `indexmap` into the macro's build), but every key keeps its span, and states and
/// events are numbered in the order the spec declares them.
pub(crate) fn in_document_order<'a, 'i>(
    table: &'a DeTable<'i>,
) -> Vec<(&'a Spanned<std::borrow::Cow<'i, str>>, &'a Value<'i>)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    entries
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
        for (key, _) in in_document_order(table) {
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

    fn string(&self, key: &str, problems: &mut Problems) -> Option<Located<String>> {
        let value = self.get(key)?;
        match value.get_ref().as_str() {
            Some(text) => Some(located(text, value)),
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
    ) -> Option<Located<String>> {
        if self.get(key).is_none() {
            self.missing(key, problems);
        }
        self.string(key, problems)
    }

    /// A key naming a Rust type: a non-empty string, kept as written (the code generator
    /// parses it as Rust; the spec tools only carry it).
    fn rust_type(&self, key: &'static str, problems: &mut Problems) -> Option<RustType> {
        let text = self.string(key, problems)?;
        if text.value.trim().is_empty() {
            problems.push((Problem::EmptyType { key }, text.span));
            return None;
        }
        Some(text)
    }

    fn text(&self, key: &str, problems: &mut Problems) -> Option<String> {
        self.string(key, problems).map(|text| text.value)
    }

    /// An array of strings; with `single`, a lone string is accepted as a one-element list.
    fn strings(&self, key: &str, single: bool, problems: &mut Problems) -> Vec<Located<String>> {
        let Some(value) = self.get(key) else {
            return Vec::new();
        };
        let expected = if single {
            "a string or an array of strings"
        } else {
            "an array of strings"
        };
        match value.get_ref() {
            DeValue::String(text) if single => vec![located(text, value)],
            DeValue::Array(items) => items
                .iter()
                .filter_map(|item| match item.get_ref().as_str() {
                    Some(text) => Some(located(text, item)),
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

    /// The required `from` key: a state or group or a list of both, resolved (unknown names
    /// are reported and left out).
    fn source_places(&self, names: &SpecNames<'_>, problems: &mut Problems) -> Vec<Member> {
        if self.get("from").is_none() {
            self.missing("from", problems);
        }
        self.strings("from", true, problems)
            .into_iter()
            .filter_map(|f| names.place(f, problems))
            .collect()
    }

    /// The required `event` key: an event or a list of events, each resolved; unknown ones
    /// are reported and left out.
    fn event_list(&self, names: &Names<'_>, problems: &mut Problems) -> Vec<EventId> {
        if self.get("event").is_none() {
            self.missing("event", problems);
        }
        self.strings("event", true, problems)
            .into_iter()
            .filter_map(|e| names.event(e, problems))
            .collect()
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
    for (key, value) in in_document_order(table) {
        let name = key.get_ref().to_string();
        match value.get_ref().as_table() {
            Some(inner) => entries.push((name, span_of(key), inner, span_of(value))),
            None => problems.push((wrong_type(&name, "a table", value), span_of(value))),
        }
    }
    entries
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
        states.push(State {
            doc: fields.text("doc", problems),
            alias_spans: aliases.iter().map(|alias| alias.span).collect(),
            aliases: aliases.into_iter().map(|alias| alias.value).collect(),
            data: fields.rust_type("data", problems),
            group: None,
            name,
            is_final,
            span,
        });
    }
    states
}

/// An event's `refines`, not resolved yet: the event's index and the name it refines.
pub(crate) type Refinements = Vec<(usize, Located<String>)>;

/// The events of `[events]` and what they refine. An event the `base` has needs no `kind`.
fn parse_events(
    table: (&DeTable<'_>, Span),
    base: Option<&Base>,
    problems: &mut Problems,
) -> (Vec<Event>, Refinements) {
    let mut events = Vec::new();
    let mut refinements = Vec::new();
    for (name, span, inner, table_span) in sub_tables(table, problems) {
        check_identifier("event name", &name, span, problems);
        let fields = Fields::open(
            inner,
            format!("[events.{name}]"),
            table_span,
            EVENT_KEYS,
            problems,
        );
        let inherited = base.is_some_and(|base| base.has_event(&name));
        let kind = if inherited {
            fields.string("kind", problems)
        } else {
            fields.required_string("kind", problems)
        };
        let kind = kind.and_then(|kind| {
            let parsed = EventKind::ALL
                .into_iter()
                .find(|k| k.as_str() == kind.value);
            if parsed.is_none() {
                let problem = Problem::InvalidValue {
                    value: kind.value,
                    what: "event kind",
                    expected: EVENT_KINDS,
                };
                problems.push((problem, kind.span));
            }
            parsed
        });
        if let Some(refined) = fields.string("refines", problems) {
            refinements.push((events.len(), refined));
        }
        events.push(Event {
            kind: kind.unwrap_or(EventKind::Call),
            segment: fields.text("segment", problems),
            label: fields.text("label", problems),
            doc: fields.text("doc", problems),
            aliases: fields
                .strings("aliases", false, problems)
                .into_iter()
                .map(|alias| alias.value)
                .collect(),
            refines: None,
            payload: fields.rust_type("payload", problems),
            name,
            span,
        });
    }
    (events, refinements)
}

/// Sets each event's `refines` to the event it names, reporting unknown names.
fn resolve_refinements(
    mut events: Vec<Event>,
    refinements: Refinements,
    problems: &mut Problems,
) -> Vec<Event> {
    let names = Names::new(events.iter().map(|e| e.name.as_str()));
    let refined: Vec<_> = refinements
        .into_iter()
        .map(|(index, name)| (index, names.event(name, problems)))
        .collect();
    for (index, refines) in refined {
        events[index].refines = refines;
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
    if let Some(name) = &name {
        check_identifier("machine name", &name.value, name.span, problems);
    }
    let initial = fields.required_string("initial", problems);
    let require_cite = fields.bool("require_cite", problems).unwrap_or(false);
    let extends = fields.text("extends", problems);
    let states = Names::new(states?.iter().map(|s| s.name.as_str()));
    let initial = states.state(initial?, problems);
    Some(Machine {
        name: name?.value,
        initial: initial?,
        doc: fields.text("doc", problems),
        require_cite,
        diagram_tag: fields
            .string("diagram_tag", problems)
            .map(|tag| (tag.value, tag.span)),
        extends,
        span,
    })
}

/// The state and event names of a spec, resolved once for every table that refers to them.
struct SpecNames<'a> {
    states: Names<'a>,
    events: Names<'a>,
    groups: Names<'a>,
}

impl SpecNames<'_> {
    /// A state or a group (`from` and `to` of a transition may name either); an unknown
    /// name is reported as an unknown state, with the nearest of both as the suggestion.
    fn place(&self, name: Located<String>, problems: &mut Problems) -> Option<Member> {
        group::member(
            &self.states,
            &self.groups,
            &name,
            problems,
            |name, suggestion| Problem::UnknownState { name, suggestion },
        )
    }
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
        name: Located<String>,
        unknown: fn(String, Option<String>) -> Problem,
        problems: &mut Problems,
    ) -> Option<usize> {
        let found = self.ids.get(name.value.as_str()).copied();
        if found.is_none() {
            let suggestion = nearest(&name.value, self.ids.keys().copied());
            problems.push((unknown(name.value, suggestion), name.span));
        }
        found
    }

    fn state(&self, name: Located<String>, problems: &mut Problems) -> Option<StateId> {
        let unknown = |name, suggestion| Problem::UnknownState { name, suggestion };
        self.resolve(name, unknown, problems).map(StateId)
    }

    fn event(&self, name: Located<String>, problems: &mut Problems) -> Option<EventId> {
        let unknown = |name, suggestion| Problem::UnknownEvent { name, suggestion };
        self.resolve(name, unknown, problems).map(EventId)
    }
}

fn parse_transitions(
    value: &Value<'_>,
    names: &SpecNames<'_>,
    tree: Tree<'_>,
    require_cite: bool,
    problems: &mut Problems,
) -> Vec<group::Declaration<Transition>> {
    let DeValue::Array(entries) = value.get_ref() else {
        let problem = wrong_type(
            "transition",
            "an array of tables (write `[[transition]]`)",
            value,
        );
        problems.push((problem, span_of(value)));
        return Vec::new();
    };
    let mut transitions = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let span = span_of(entry);
        let Some(table) = entry.get_ref().as_table() else {
            problems.push((wrong_type("transition", "a table", entry), span));
            continue;
        };
        let name = format!("[[transition]] number {}", index + 1);
        let fields = Fields::open(table, name, span, TRANSITION_KEYS, problems);
        let from = fields.source_places(names, problems);
        let events = fields.event_list(&names.events, problems);
        let to = fields
            .required_string("to", problems)
            .and_then(|t| target(names, tree, t, problems));
        let guard = fields.string("guard", problems);
        if let Some(guard) = &guard {
            check_identifier("guard", &guard.value, guard.span, problems);
        }
        let tags = fields
            .strings("tags", false, problems)
            .into_iter()
            .map(|tag| tag.value)
            .collect();
        let send = fields.text("send", problems);
        let cite = if require_cite {
            fields.required_string("cite", problems)
        } else {
            fields.string("cite", problems)
        }
        .map(|cite| cite.value);
        let doc = fields.text("doc", problems);
        let quote = fields.text("quote", problems);
        let deviation = fields.text("deviation", problems);
        let reading = parse_reading(&fields, problems);
        let Some((to, to_group)) = to else {
            continue;
        };
        transitions.push(group::Declaration {
            from,
            events,
            template: Transition {
                // Set per expanded copy.
                from: StateId(0),
                event: EventId(0),
                declared_in: None,
                to,
                to_group,
                send,
                guard: guard.map(|g| g.value),
                tags,
                cite,
                doc,
                quote,
                reading,
                deviation,
                span,
            },
        });
    }
    transitions
}

/// The state a transition's `to` enters (a state, or a group's `initial` followed down), and
/// the group when `to` names one.
fn target(
    names: &SpecNames<'_>,
    tree: Tree<'_>,
    to: Located<String>,
    problems: &mut Problems,
) -> Option<(StateId, Option<GroupId>)> {
    let span = to.span;
    match names.place(to, problems)? {
        Member::State(state) => Some((state, None)),
        Member::Group(group) => {
            let leaf = tree.initial_leaf(group);
            if leaf.is_none() {
                let problem = Problem::GroupWithoutInitial {
                    group: innermost_without_initial(tree.groups, group),
                };
                problems.push((problem, span));
            }
            leaf.map(|leaf| (leaf, Some(group)))
        }
    }
}

/// The group on the way down from `group` through `initial`s that has none.
fn innermost_without_initial(groups: &[Group], group: GroupId) -> String {
    let mut next = group;
    for _ in 0..groups.len() {
        match groups[next.0].initial {
            Some(Member::Group(g)) => next = g,
            _ => break,
        }
    }
    groups[next.0].name.clone()
}

/// Every resolved `from` state with every resolved event, `from` first.
fn cells(from: &[StateId], events: &[EventId]) -> Vec<(StateId, EventId)> {
    from.iter()
        .flat_map(|&from| events.iter().map(move |&event| (from, event)))
        .collect()
}

/// `contradiction` and `reading` come as a pair.
fn parse_reading(fields: &Fields<'_, '_>, problems: &mut Problems) -> Option<Reading> {
    let contradiction = fields.text("contradiction", problems);
    let name = fields.text("reading", problems);
    match (contradiction, name) {
        (Some(contradiction), Some(name)) => Some(Reading {
            contradiction,
            name,
        }),
        (Some(_), None) => {
            fields.missing("reading", problems);
            None
        }
        (None, Some(_)) => {
            fields.missing("contradiction", problems);
            None
        }
        (None, None) => None,
    }
}

/// The entries of an array of tables such as `[[deviation]]`, each opened with its keys checked.
fn array_of_tables<'a, 'i>(
    key: &'static str,
    value: &'a Value<'i>,
    allowed: &'static [&'static str],
    problems: &mut Problems,
) -> Vec<Fields<'a, 'i>> {
    let DeValue::Array(entries) = value.get_ref() else {
        let expected = match key {
            "contradiction" => "an array of tables (write `[[contradiction]]`)",
            "no_transition" => "an array of tables (write `[[no_transition]]`)",
            _ => "an array of tables (write `[[deviation]]`)",
        };
        problems.push((wrong_type(key, expected, value), span_of(value)));
        return Vec::new();
    };
    let mut tables = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let span = span_of(entry);
        match entry.get_ref().as_table() {
            Some(table) => {
                let name = format!("[[{key}]] number {}", index + 1);
                tables.push(Fields::open(table, name, span, allowed, problems));
            }
            None => problems.push((wrong_type(key, "a table", entry), span)),
        }
    }
    tables
}

fn parse_contradictions(value: &Value<'_>, problems: &mut Problems) -> Vec<Contradiction> {
    let mut contradictions: Vec<Contradiction> = Vec::new();
    for fields in array_of_tables("contradiction", value, CONTRADICTION_KEYS, problems) {
        let id = fields.required_string("id", problems);
        if let Some(id) = &id {
            check_identifier("contradiction id", &id.value, id.span, problems);
            if contradictions.iter().any(|c| c.id == id.value) {
                let problem = Problem::DuplicateContradiction {
                    id: id.value.clone(),
                };
                problems.push((problem, id.span));
            }
        }
        let kind = match fields.string("kind", problems) {
            None => Some(ContradictionKind::Contradiction),
            Some(kind) => {
                let parsed = ContradictionKind::ALL
                    .into_iter()
                    .find(|k| k.as_str() == kind.value);
                if parsed.is_none() {
                    let problem = Problem::InvalidValue {
                        value: kind.value,
                        what: "contradiction kind",
                        expected: CONTRADICTION_KINDS,
                    };
                    problems.push((problem, kind.span));
                }
                parsed
            }
        };
        let summary = fields.required_string("summary", problems);
        let doc = fields.text("doc", problems);
        // Kept without a summary, so that its readings are not reported as unknown too.
        if let (Some(id), Some(kind)) = (id, kind) {
            contradictions.push(Contradiction {
                id: id.value,
                kind,
                summary: summary.map(|s| s.value).unwrap_or_default(),
                doc,
                span: fields.span,
            });
        }
    }
    contradictions
}

fn parse_deviations(
    value: &Value<'_>,
    names: &SpecNames<'_>,
    tree: Tree<'_>,
    problems: &mut Problems,
) -> Vec<Deviation> {
    let (state_names, event_names) = (&names.states, &names.events);
    let mut deviations = Vec::new();
    for fields in array_of_tables("deviation", value, DEVIATION_KEYS, problems) {
        let from = group::states_of(tree, &fields.source_places(names, problems));
        let events = fields.event_list(event_names, problems);
        let to = fields
            .string("to", problems)
            .map(|t| state_names.state(t, problems));
        let guard = fields.text("guard", problems);
        let send = fields.text("send", problems);
        let reason = fields.required_string("reason", problems);
        let cite = fields.text("cite", problems);
        let against: Vec<String> = fields
            .strings("against", true, problems)
            .into_iter()
            .map(|name| name.value)
            .collect();
        let Some(reason) = reason.map(|r| r.value) else {
            continue;
        };
        // A `to` that names no state was reported; drop the entry rather than widen it.
        let Some(to) = to.map_or(Some(None), |to| to.map(Some)) else {
            continue;
        };
        for (from, event) in cells(&from, &events) {
            deviations.push(Deviation {
                from,
                event,
                guard: guard.clone(),
                to,
                send: send.clone(),
                reason: reason.clone(),
                cite: cite.clone(),
                against: against.clone(),
                span: fields.span,
            });
        }
    }
    deviations
}

/// The `[[no_transition]]` entries as written; [`group::expand`] makes one per state.
fn parse_no_transitions(
    value: &Value<'_>,
    names: &SpecNames<'_>,
    problems: &mut Problems,
) -> Vec<group::Declaration<NoTransition>> {
    let mut entries = Vec::new();
    for fields in array_of_tables("no_transition", value, NO_TRANSITION_KEYS, problems) {
        let from = fields.source_places(names, problems);
        let events = fields.event_list(&names.events, problems);
        let kind = fields.required_string("kind", problems).and_then(|kind| {
            let parsed = NoTransitionKind::ALL
                .into_iter()
                .find(|k| k.as_str() == kind.value);
            if parsed.is_none() {
                let problem = Problem::InvalidValue {
                    value: kind.value,
                    what: "no_transition kind",
                    expected: NO_TRANSITION_KINDS,
                };
                problems.push((problem, kind.span));
            }
            parsed
        });
        let cite = fields.required_string("cite", problems);
        let quote = fields.text("quote", problems);
        let doc = fields.text("doc", problems);
        let (Some(kind), Some(Located { value: cite, .. })) = (kind, cite) else {
            continue;
        };
        entries.push(group::Declaration {
            from,
            events,
            template: NoTransition {
                // Set per expanded copy.
                from: StateId(0),
                event: EventId(0),
                kind,
                cite,
                quote,
                doc,
                span: fields.span,
            },
        });
    }
    entries
}
