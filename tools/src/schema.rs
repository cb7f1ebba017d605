//! `tcp-fsm schema`: the JSON Schema of the spec format, for TOML editors (taplo and the
//! editors built on it) to complete and check keys while a spec is written.
//!
//! The schema is generated from the key tables below, one per TOML table of the format. It
//! checks the shape of a spec (keys, types, required keys, enumerated values, identifier
//! spelling); what needs the whole spec (names that refer to states and events, guards on
//! shared transitions, reachability) is left to `tcp-fsm check`. `tools/tests/schema.rs`
//! shows that the schema and the parser reject the same broken shapes.

use fsm_spec::{ContradictionKind, EventKind, NoTransitionKind};
use serde_json::{Map, Value, json};
use std::process::ExitCode;

/// Print the JSON Schema (draft-07) of the spec format.
///
/// Point a TOML editor at it with a first line `#:schema ./spec.schema.json` in the spec, or
/// a `[[rule]]` with `schema.path` in `.taplo.toml`; check a spec with
/// `taplo check --schema file://$PWD/docs/spec.schema.json spec.toml`. The copy checked in
/// at docs/spec.schema.json is kept current by `tcp-fsm report`.
///
/// Example: `tcp-fsm schema > spec.schema.json`
#[derive(Debug, clap::Args)]
pub struct Args {}

/// The file name of the checked-in copy, in the `report` output folder.
pub const FILE_NAME: &str = "spec.schema.json";

/// What a key holds.
#[derive(Debug, Clone, Copy)]
enum Type {
    /// A string.
    Text,
    /// A string that must be a Rust identifier.
    Identifier,
    /// An array of strings.
    Texts,
    /// A string, or an array of strings (a list of states or events sharing an entry).
    TextOrTexts,
    /// `true` or `false`.
    Flag,
    /// One of the strings the function lists (the model's spellings).
    OneOf(fn() -> Vec<&'static str>),
}

/// One key of a table.
#[derive(Debug)]
struct Key {
    name: &'static str,
    kind: Type,
    required: bool,
    doc: &'static str,
}

const fn key(name: &'static str, kind: Type, required: bool, doc: &'static str) -> Key {
    Key {
        name,
        kind,
        required,
        doc,
    }
}

use Type::{Flag, Identifier, OneOf, Text, TextOrTexts, Texts};

fn event_kinds() -> Vec<&'static str> {
    EventKind::ALL.map(EventKind::as_str).to_vec()
}

fn contradiction_kinds() -> Vec<&'static str> {
    ContradictionKind::ALL
        .map(ContradictionKind::as_str)
        .to_vec()
}

fn no_transition_kinds() -> Vec<&'static str> {
    NoTransitionKind::ALL.map(NoTransitionKind::as_str).to_vec()
}

const MACHINE: &[Key] = &[
    key(
        "name",
        Identifier,
        true,
        "The machine's Rust type name, e.g. `Tcp`.",
    ),
    key("initial", Text, true, "The state the machine starts in."),
    key("doc", Text, false, "Documentation of the machine."),
    key(
        "require_cite",
        Flag,
        false,
        "`true`: every transition must have a `cite`.",
    ),
    key(
        "diagram_tag",
        Text,
        false,
        "The tag of the arcs that are the machine's own picture, drawn in the generated docs.",
    ),
    key(
        "extends",
        Text,
        false,
        "A base spec, relative to this file, whose states and events this spec inherits; \
         it may set their `doc` and add `aliases`.",
    ),
];

const STATE: &[Key] = &[
    key("doc", Text, false, "What the state means."),
    key(
        "aliases",
        Texts,
        false,
        "Other names of the state (other RFCs, operating systems, tools).",
    ),
    key(
        "final",
        Flag,
        false,
        "`true` when the state may have no way out (not reported as a dead end).",
    ),
    key(
        "data",
        Text,
        false,
        "The Rust type of the data a handle holds in this state, e.g. `crate::tcb::Sent`.",
    ),
];

const EVENT: &[Key] = &[
    key(
        "kind",
        OneOf(event_kinds),
        false,
        "`call` (the user or application), `receive` (something arrives) or `timeout`; \
         required unless the event is inherited (`[machine] extends`).",
    ),
    key(
        "segment",
        Text,
        false,
        "For received events: what arrives, e.g. `SYN,ACK`.",
    ),
    key(
        "label",
        Text,
        false,
        "How diagrams name the event, e.g. `CLOSE`.",
    ),
    key("doc", Text, false, "What the event means."),
    key("aliases", Texts, false, "Other names of the event."),
    key(
        "refines",
        Text,
        false,
        "A coarser event this one is a special case of.",
    ),
    key(
        "payload",
        Text,
        false,
        "The Rust type of the value the event carries, e.g. `crate::tcb::Segment`.",
    ),
];

const TRANSITION: &[Key] = &[
    key(
        "from",
        TextOrTexts,
        true,
        "A state, or a list of states that share the transition.",
    ),
    key(
        "event",
        TextOrTexts,
        true,
        "The event that triggers it, or a list of events.",
    ),
    key("to", Text, true, "The next state."),
    key(
        "send",
        Text,
        false,
        "What the machine emits, e.g. `SYN,ACK`.",
    ),
    key(
        "guard",
        Identifier,
        false,
        "The condition that selects this transition among those sharing `from` and `event`.",
    ),
    key("tags", Texts, false, "Free-form labels, e.g. `figure6`."),
    key(
        "cite",
        Text,
        false,
        "Where the transition comes from; required when `[machine] require_cite = true`.",
    ),
    key("doc", Text, false, "A sentence on the transition."),
    key(
        "quote",
        Text,
        false,
        "A short verbatim quote of the cited text.",
    ),
    key(
        "contradiction",
        Text,
        false,
        "With `reading`: the `[[contradiction]]` this transition is a reading of.",
    ),
    key(
        "reading",
        Text,
        false,
        "With `contradiction`: the name of this reading.",
    ),
    key(
        "deviation",
        Text,
        false,
        "Why this transition differs from the reference on purpose.",
    ),
];

const CONTRADICTION: &[Key] = &[
    key(
        "id",
        Identifier,
        true,
        "Names a place where the source document says two things.",
    ),
    key(
        "kind",
        OneOf(contradiction_kinds),
        false,
        "`contradiction` (default) or `option`.",
    ),
    key("summary", Text, true, "What the readings disagree on."),
    key("doc", Text, false, "More on it."),
];

const NO_TRANSITION: &[Key] = &[
    key("from", TextOrTexts, true, "A state, or a list of states."),
    key("event", TextOrTexts, true, "An event, or a list of events."),
    key(
        "kind",
        OneOf(no_transition_kinds),
        true,
        "`error`, `drop` or `impossible`.",
    ),
    key(
        "cite",
        Text,
        true,
        "Where the document says the event is handled without a transition.",
    ),
    key(
        "quote",
        Text,
        false,
        "A short verbatim quote of the cited text.",
    ),
    key("doc", Text, false, "A sentence on it."),
];

const DEVIATION: &[Key] = &[
    key("from", TextOrTexts, true, "A state, or a list of states."),
    key("event", TextOrTexts, true, "An event, or a list of events."),
    key(
        "guard",
        Text,
        false,
        "Narrows the declaration to this guard.",
    ),
    key(
        "to",
        Text,
        false,
        "Narrows the declaration to this next state.",
    ),
    key(
        "send",
        Text,
        false,
        "Narrows the declaration to this output.",
    ),
    key("reason", Text, true, "Why, e.g. `RFC 9293 3.10.7.4`."),
    key(
        "cite",
        Text,
        false,
        "Where the deviating behaviour comes from.",
    ),
    key(
        "against",
        TextOrTexts,
        false,
        "The references the declaration applies to (all when absent).",
    ),
];

/// A Rust identifier, as the checker requires of names (it also rejects keywords).
const IDENTIFIER: &str = "^[A-Za-z_][A-Za-z0-9_]*$";

fn type_of(kind: Type) -> Value {
    let text = json!({ "type": "string" });
    match kind {
        Text => text,
        Identifier => json!({ "type": "string", "pattern": IDENTIFIER }),
        Texts => json!({ "type": "array", "items": text }),
        TextOrTexts => json!({ "anyOf": [text, { "type": "array", "items": text }] }),
        Flag => json!({ "type": "boolean" }),
        OneOf(values) => json!({ "type": "string", "enum": values() }),
    }
}

/// A closed table: only `keys`, the required ones present.
fn table(description: &str, keys: &[Key]) -> Value {
    let mut properties = Map::new();
    for k in keys {
        let mut property = type_of(k.kind);
        property["description"] = k.doc.into();
        properties.insert(k.name.to_string(), property);
    }
    let required: Vec<&str> = keys.iter().filter(|k| k.required).map(|k| k.name).collect();
    json!({
        "description": description,
        "type": "object",
        "additionalProperties": false,
        "required": required,
        "properties": properties,
    })
}

/// `[states.NAME]` and `[events.NAME]`: a table of tables keyed by identifiers.
fn named_tables(description: &str, entry: &str) -> Value {
    json!({
        "description": description,
        "type": "object",
        "propertyNames": { "pattern": IDENTIFIER },
        "additionalProperties": { "$ref": format!("#/definitions/{entry}") },
    })
}

/// `[[transition]]` and the like: an array of tables.
fn array_of(description: &str, entry: &str) -> Value {
    json!({
        "description": description,
        "type": "array",
        "items": { "$ref": format!("#/definitions/{entry}") },
    })
}

/// The JSON Schema of the spec format.
pub fn schema() -> Value {
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://github.com/tcp-fsm/tcp-fsm/blob/main/docs/spec.schema.json",
        "title": "tcp-fsm state-machine spec",
        "description": "A state machine in one TOML file: states, events and transitions. \
            `tcp-fsm check` checks what a schema cannot (names, guards, reachability).",
        "type": "object",
        "additionalProperties": false,
        "required": ["machine"],
        "properties": {
            "machine": { "$ref": "#/definitions/machine" },
            "states": named_tables("The states, in file order.", "state"),
            "events": named_tables("The events, in file order.", "event"),
            "transition": array_of("The transitions.", "transition"),
            "contradiction": array_of(
                "Places where the source document says two things.", "contradiction"),
            "no_transition": array_of(
                "Events the document handles without a transition.", "no_transition"),
            "deviation": array_of(
                "Where the spec differs from a reference on purpose.", "deviation"),
        },
        "allOf": [
            // `[machine] require_cite = true` makes `cite` required on every transition.
            {
                "if": {
                    "required": ["machine"],
                    "properties": {
                        "machine": {
                            "required": ["require_cite"],
                            "properties": { "require_cite": { "const": true } },
                        },
                    },
                },
                "then": {
                    "properties": {
                        "transition": { "items": { "required": ["cite"] } },
                    },
                },
            },
            // Without `[machine] extends`, states and events are the spec's own: both tables
            // are required, and every event has its `kind`. (An extending spec may redeclare
            // an inherited event without it; `tcp-fsm check` knows which are inherited.)
            {
                "if": {
                    "required": ["machine"],
                    "properties": { "machine": { "required": ["extends"] } },
                },
                "else": {
                    "required": ["states", "events"],
                    "properties": {
                        "events": { "additionalProperties": { "required": ["kind"] } },
                    },
                },
            },
        ],
        "definitions": {
            "machine": table("The machine: its name and initial state.", MACHINE),
            "state": table("A state.", STATE),
            "event": table("An event.", EVENT),
            "transition": table("A transition (one per `from` state and event).", TRANSITION),
            "contradiction": table("A place where the source says two things.", CONTRADICTION),
            "no_transition": table("An event handled without a transition.", NO_TRANSITION),
            "deviation": table("A deliberate difference from a reference.", DEVIATION),
        },
    })
}

/// The schema as the checked-in file holds it: pretty-printed, with a final newline.
pub fn text() -> String {
    let mut text = serde_json::to_string_pretty(&schema()).expect("a JSON value prints");
    text.push('\n');
    text
}

pub fn run(_: &Args) -> ExitCode {
    print!("{}", text());
    ExitCode::SUCCESS
}
