//! The JSON Schema (draft-07) of the spec format, for TOML editors (taplo and the editors
//! built on it) to complete and check keys while a spec is written.
//!
//! It is generated from [`crate::format`], the table of keys the parser checks against. It
//! checks the shape of a spec (keys, types, required keys, enumerated values, identifier
//! spelling); what needs the whole spec (names that refer to states and events, guards on
//! shared transitions, reachability) is left to [`crate::check`].
//!
//! ```
//! let schema = fsm_spec::schema::schema();
//! assert_eq!(schema["definitions"]["event"]["properties"]["kind"]["enum"][0], "call");
//! ```

use crate::format::{Key, Shape, TABLES, ValueType};
use ValueType::{Flag, Identifier, OneOf, Text, TextOrTexts, Texts};
use serde_json::{Map, Value, json};

/// A Rust identifier, as the checker requires of names (it also rejects keywords).
const IDENTIFIER: &str = "^[A-Za-z_][A-Za-z0-9_]*$";

fn type_of(kind: ValueType) -> Value {
    let text = json!({ "type": "string" });
    match kind {
        Text => text,
        Identifier => json!({ "type": "string", "pattern": IDENTIFIER }),
        Texts => json!({ "type": "array", "items": text }),
        TextOrTexts => json!({ "anyOf": [text, { "type": "array", "items": text }] }),
        Flag => json!({ "type": "boolean" }),
        OneOf(values) => json!({ "type": "string", "enum": values }),
    }
}

/// A closed table: only `keys`, the required ones present.
fn table(description: &str, keys: &[Key]) -> Value {
    let mut properties = Map::new();
    for k in keys {
        let mut property = type_of(k.value);
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
        "properties": properties(),
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
        "definitions": definitions(),
    })
}

/// The schema as a file holds it: pretty-printed, with a final newline.
pub fn text() -> String {
    let mut text = serde_json::to_string_pretty(&schema()).expect("a JSON value prints");
    text.push('\n');
    text
}

/// Each top-level key: a reference to its table, or the table of tables or array of them.
fn properties() -> Map<String, Value> {
    let mut properties = Map::new();
    for t in TABLES {
        let property = match t.shape {
            Shape::Table => json!({ "$ref": format!("#/definitions/{}", t.entry) }),
            Shape::Named => named_tables(t.doc, t.entry),
            Shape::Array => array_of(t.doc, t.entry),
        };
        properties.insert(t.key.to_string(), property);
    }
    properties
}

/// Each table's entry, under the name the references use.
fn definitions() -> Map<String, Value> {
    TABLES
        .iter()
        .map(|t| (t.entry.to_string(), table(t.entry_doc, t.keys)))
        .collect()
}
