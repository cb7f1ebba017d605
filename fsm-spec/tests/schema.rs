//! The JSON Schema of the spec format against the parser: both read the key table of
//! `fsm_spec::format`, and here they accept the same valid specs and reject the same broken
//! shapes.

use fsm_spec::{SourceFile, schema};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A small spec with every table and key of the format, clean for the checker.
const EVERY_KEY: &str = r#"
[machine]
name = "Door"
initial = "CLOSED"
doc = "A door that can be kicked in."

[states.CLOSED]
doc = "Shut."
aliases = ["SHUT"]
[states.OPEN]
[states.BROKEN]
final = true

[events.open]
kind = "call"
label = "OPEN"
[events.close]
kind = "call"
doc = "Push it shut."
aliases = ["shut"]
[events.kick]
kind = "receive"
segment = "BOOT"
[events.kick_hard]
kind = "timeout"
refines = "kick"

[[transition]]
from = "CLOSED"
event = "open"
to = "OPEN"
tags = ["manual"]
cite = "manual 1"
doc = "It swings."
quote = "Pull the handle."

[[transition]]
from = "OPEN"
event = "close"
to = "CLOSED"
send = "CLICK"
cite = "manual 2"
contradiction = "closing"
reading = "clicks"

[[transition]]
from = "OPEN"
event = "close"
to = "OPEN"
cite = "manual 3"
contradiction = "closing"
reading = "sticks"

[[transition]]
from = ["CLOSED", "OPEN"]
event = ["kick", "kick_hard"]
guard = "strong"
to = "BROKEN"
cite = "manual 4"
deviation = "doors in this house are weak"

[[transition]]
from = ["CLOSED", "OPEN"]
event = ["kick", "kick_hard"]
guard = "weak"
to = "CLOSED"
cite = "manual 4"

[[contradiction]]
id = "closing"
kind = "option"
summary = "Whether the door always closes."
doc = "The manual says both."

[[no_transition]]
from = "BROKEN"
event = ["open", "close"]
kind = "impossible"
cite = "manual 5"
quote = "A broken door stays broken."
doc = "Nothing to open."

[[deviation]]
from = "CLOSED"
event = "close"
reason = "not modelled"
cite = "manual 6"
against = "Door"
"#;

/// Broken shapes, each an edit of [`EVERY_KEY`]: (what is wrong, text to replace, replacement).
const BROKEN: &[(&str, &str, &str)] = &[
    // Unknown keys, in every table.
    (
        "unknown top-level table",
        "[machine]",
        "[machines]\n[machine]",
    ),
    (
        "unknown key in [machine]",
        "initial = ",
        "colour = \"red\"\ninitial = ",
    ),
    (
        "unknown key in a state",
        "aliases = [\"SHUT\"]",
        "alias = [\"SHUT\"]",
    ),
    ("unknown key in an event", "segment = ", "segments = "),
    ("unknown key in a transition", "tags = ", "tag = "),
    (
        "unknown key in a contradiction",
        "summary = ",
        "why = \"x\"\nsummary = ",
    ),
    (
        "unknown key in a no_transition",
        "kind = \"impossible\"",
        "kind = \"impossible\"\nto = \"OPEN\"",
    ),
    (
        "unknown key in a deviation",
        "reason = ",
        "because = \"x\"\nreason = ",
    ),
    // Wrong types.
    ("machine name is a number", "name = \"Door\"", "name = 7"),
    (
        "machine is not a table",
        "[machine]\n",
        "machine = \"Door\"\n[machinery]\n",
    ),
    ("final is a string", "final = true", "final = \"yes\""),
    (
        "aliases is a string",
        "aliases = [\"SHUT\"]",
        "aliases = \"SHUT\"",
    ),
    (
        "aliases holds a number",
        "aliases = [\"SHUT\"]",
        "aliases = [\"SHUT\", 2]",
    ),
    (
        "a state is not a table",
        "[states.OPEN]\n",
        "[states]\nOPEN = 1\n",
    ),
    (
        "from is a number",
        "from = \"CLOSED\"\nevent = \"open\"",
        "from = 1\nevent = \"open\"",
    ),
    (
        "tags is a string",
        "tags = [\"manual\"]",
        "tags = \"manual\"",
    ),
    ("send is a boolean", "send = \"CLICK\"", "send = true"),
    (
        "contradiction is a table, not an array of tables",
        "[[contradiction]]",
        "[contradiction]",
    ),
    ("against is a number", "against = \"Door\"", "against = 1"),
    // Missing required keys.
    (
        "no [machine]",
        "[machine]\nname = \"Door\"\ninitial = \"CLOSED\"\n",
        "[unused]\n",
    ),
    ("no initial state", "initial = \"CLOSED\"\n", ""),
    ("no machine name", "name = \"Door\"\n", ""),
    (
        "an event without kind",
        "kind = \"call\"\nlabel = \"OPEN\"",
        "label = \"OPEN\"",
    ),
    ("a transition without to", "to = \"OPEN\"\ntags", "tags"),
    (
        "a transition without from",
        "from = \"CLOSED\"\nevent = \"open\"",
        "event = \"open\"",
    ),
    (
        "a contradiction without summary",
        "summary = \"Whether the door always closes.\"\n",
        "",
    ),
    ("a no_transition without cite", "cite = \"manual 5\"\n", ""),
    (
        "a deviation without reason",
        "reason = \"not modelled\"\n",
        "",
    ),
    // Values outside an enumeration, names that are not identifiers.
    (
        "unknown event kind",
        "kind = \"call\"\nlabel",
        "kind = \"cal\"\nlabel",
    ),
    (
        "unknown no_transition kind",
        "kind = \"impossible\"",
        "kind = \"never\"",
    ),
    (
        "unknown contradiction kind",
        "kind = \"option\"",
        "kind = \"maybe\"",
    ),
    (
        "a state name that is not an identifier",
        "[states.OPEN]",
        "[states.OPEN-WIDE]",
    ),
    (
        "a guard that is not an identifier",
        "guard = \"weak\"",
        "guard = \"too weak\"",
    ),
];

fn validator() -> jsonschema::Validator {
    jsonschema::draft7::new(&schema::schema()).expect("the schema compiles")
}

/// The spec as the JSON value a schema validator sees (as taplo converts it).
fn as_json(text: &str) -> Value {
    let table: toml::Table = toml::from_str(text).expect("the broken specs are valid TOML");
    serde_json::to_value(table).expect("TOML converts to JSON")
}

fn parser_accepts(text: &str) -> bool {
    let report = fsm_spec::check(&SourceFile::new("spec.toml", text));
    !report.diagnostics.has_errors()
}

fn schema_errors(text: &str) -> Vec<String> {
    validator()
        .iter_errors(&as_json(text))
        .map(|e| e.to_string())
        .collect()
}

#[test]
fn the_schema_is_valid_draft_07() {
    let schema = schema::schema();
    assert!(jsonschema::meta::is_valid(&schema));
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
}

#[test]
fn a_spec_with_every_key_is_accepted_by_both() {
    assert!(
        parser_accepts(EVERY_KEY),
        "the parser rejects the base spec"
    );
    assert_eq!(schema_errors(EVERY_KEY), Vec::<String>::new());
}

#[test]
fn an_extending_spec_may_leave_out_states_events_and_inherited_kinds() {
    const EXTENDING: &str = "[machine]\nname = \"Door2\"\ninitial = \"CLOSED\"\nextends = \"door.toml\"\n\n[events.open]\ndoc = \"Pull.\"\n";
    assert_eq!(schema_errors(EXTENDING), Vec::<String>::new());
    // Without `extends`, the same shape lacks its tables and the event its kind.
    let own = EXTENDING.replace("extends = \"door.toml\"\n", "");
    let errors = schema_errors(&own).join("\n");
    assert!(
        errors.contains("\"states\" is a required property"),
        "{errors}"
    );
    assert!(
        errors.contains("\"kind\" is a required property"),
        "{errors}"
    );
    let wrong = EXTENDING.replace("extends = \"door.toml\"", "extends = 1");
    assert!(!schema_errors(&wrong).is_empty());
}

#[test]
fn every_broken_shape_is_rejected_by_both() {
    for (what, find, replace) in BROKEN {
        assert!(
            EVERY_KEY.contains(find),
            "{what}: `{find}` is not in the base spec"
        );
        let text = EVERY_KEY.replacen(find, replace, 1);
        assert!(!parser_accepts(&text), "{what}: the parser accepts it");
        assert!(
            !schema_errors(&text).is_empty(),
            "{what}: the schema accepts it"
        );
    }
}

/// `cite` is optional unless `[machine] require_cite = true` (as both TCP specs set).
#[test]
fn a_missing_cite_is_rejected_only_when_the_machine_requires_citations() {
    let uncited = EVERY_KEY.replacen("cite = \"manual 1\"\n", "", 1);
    assert_eq!(schema_errors(&uncited), Vec::<String>::new());
    let required = uncited.replacen(
        "doc = \"A door that can be kicked in.\"",
        "require_cite = true",
        1,
    );
    assert!(!parser_accepts(&required), "the parser accepts it");
    let errors = schema_errors(&required).join("\n");
    assert!(
        errors.contains("\"cite\" is a required property"),
        "{errors}"
    );
}

#[test]
fn the_schema_reports_the_offending_key() {
    let text = EVERY_KEY.replacen("segment = ", "segments = ", 1);
    let errors = schema_errors(&text).join("\n");
    assert!(errors.contains("segments"), "{errors}");
}

/// The workspace's spec files (TOML with a `[machine]` table), wherever they are, so that a
/// spec added or moved is covered without this list knowing it.
fn workspace_specs() -> Vec<PathBuf> {
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let hidden = name.to_string_lossy().starts_with('.');
            if path.is_dir() && !hidden && name != "target" {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "toml")
                && std::fs::read_to_string(&path).is_ok_and(|t| t.contains("[machine]"))
            {
                found.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut found = Vec::new();
    walk(&root, &mut found);
    found.sort();
    found
}

/// Every spec of the workspace that the parser accepts (the bundled TCP specs, the RFC
/// references, the examples and fixtures) the schema accepts too.
#[test]
fn every_spec_the_parser_accepts_in_the_workspace_the_schema_accepts() {
    let mut valid = 0;
    for path in workspace_specs() {
        // Read from its place, so that a spec's `extends` finds its base.
        let source = SourceFile::read(&path).expect("the spec is readable");
        if fsm_spec::check(&source).diagnostics.has_errors() {
            continue;
        }
        valid += 1;
        let errors = schema_errors(source.text());
        assert_eq!(errors, Vec::<String>::new(), "{}", path.display());
    }
    // tcp.toml, tcp9293.toml, the two RFC references, the door and the large bench spec.
    assert!(valid >= 6, "only {valid} valid specs found");
}

#[test]
fn every_key_of_the_format_table_is_in_the_schema_and_no_other() {
    let schema = schema::schema();
    for table in fsm_spec::format::TABLES {
        let properties = schema["definitions"][table.entry]["properties"]
            .as_object()
            .expect("each table has a definition");
        let names: Vec<&str> = table.keys.iter().map(|k| k.name).collect();
        let listed: Vec<&str> = properties.keys().map(String::as_str).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(listed, sorted, "[{}]", table.key);
    }
}
