//! The JSON Schema of the spec format (`tcp-fsm schema`) against the parser: they accept the
//! same valid specs and reject the same broken shapes, and taplo (what TOML editors run)
//! validates every spec of the repository with it.

mod external;

use external::{VALID_SPECS, repo, runs, scratch, skip};
use fsm_spec::SourceFile;
use serde_json::Value;
use std::process::Command;
use tcp_fsm_tools::schema;

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
fn the_checked_in_schema_is_current() {
    let path = repo().join("docs").join(schema::FILE_NAME);
    let checked_in = std::fs::read_to_string(&path).expect("docs/spec.schema.json exists");
    assert!(
        checked_in == schema::text(),
        "docs/spec.schema.json is stale; regenerate with `cargo run -p tcp-fsm-tools -- report`"
    );
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
fn every_spec_of_the_repository_is_accepted_by_both() {
    for path in VALID_SPECS {
        // Read from its place, so that a spec's `extends` finds its base.
        let source = SourceFile::read(&repo().join(path)).expect("the spec exists");
        let report = fsm_spec::check(&source);
        assert!(
            !report.diagnostics.has_errors(),
            "the parser rejects {path}"
        );
        assert_eq!(schema_errors(source.text()), Vec::<String>::new(), "{path}");
    }
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

/// The `tcp-fsm schema` verb prints the same schema as the checked-in file.
#[test]
fn the_schema_verb_prints_the_schema() {
    let out = Command::new(env!("CARGO_BIN_EXE_tcp-fsm"))
        .arg("schema")
        .output()
        .expect("the binary runs");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), schema::text());
}

/// taplo, the TOML toolkit behind editors' TOML support, with the checked-in schema: every
/// spec of the repository passes, a broken one fails at its line.
#[test]
fn taplo_validates_the_specs_with_the_schema() {
    if !runs("taplo", &["--version"])
        && !skip(
            "taplo schema check",
            "taplo is not installed (`pip install taplo`; `.ci/run` installs it)",
        )
    {
        return;
    }
    let schema_url = format!(
        "file://{}",
        repo().join("docs").join(schema::FILE_NAME).display()
    );
    let taplo = |paths: &[std::path::PathBuf]| {
        Command::new("taplo")
            .args(["check", "--no-auto-config", "--schema", &schema_url])
            .args(paths)
            .env("RUST_LOG", "error")
            .output()
            .expect("taplo runs")
    };
    let valid: Vec<_> = VALID_SPECS.iter().map(|p| repo().join(p)).collect();
    let out = taplo(&valid);
    assert!(out.status.success(), "{}", external::text(&out));

    let broken = scratch("taplo").join("broken.toml");
    let text = EVERY_KEY.replacen("kind = \"call\"\nlabel", "kind = \"cal\"\nlabel", 1);
    std::fs::write(&broken, text).expect("a scratch file");
    let out = taplo(&[broken]);
    assert!(!out.status.success(), "taplo accepts an unknown event kind");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("\"cal\" is not one of"), "{stderr}");
    assert!(stderr.contains("broken.toml:15:8"), "{stderr}");
}
