//! The spec keys that references and audited specs use: each broken in one place, with the
//! message and line:column it is reported at.

use fsm_spec::{SourceFile, Spec, check};

const BASE: &str = r#"[machine]
name = "Door"
initial = "CLOSED"

[states.CLOSED]
[states.OPEN]

[events.open]
kind = "call"
[events.close]
kind = "call"

[[contradiction]]
id = "where_open_goes"
summary = "open leads to OPEN or stays"

[[transition]]
from = "CLOSED"
event = "open"
to = "OPEN"
contradiction = "where_open_goes"
reading = "manual"
cite = "manual 1"
quote = "Opening opens."

[[transition]]
from = "CLOSED"
event = "open"
to = "CLOSED"
contradiction = "where_open_goes"
reading = "errata"
cite = "errata 1"

[[transition]]
from = "OPEN"
event = ["close", "open"]
to = "CLOSED"
cite = "manual 2"

[[no_transition]]
from = "CLOSED"
event = "close"
kind = "error"
cite = "manual 3"

[[deviation]]
from = "OPEN"
event = "open"
reason = "we close on open"
against = "Rfc793"
"#;

fn diagnostics(text: &str) -> Vec<String> {
    check(&SourceFile::new("door.toml", text))
        .diagnostics
        .iter()
        .map(|d| format!("{}: {}: {}", d.location, d.severity(), d.message()))
        .collect()
}

#[test]
fn the_base_spec_is_clean_and_keeps_every_key() {
    assert_eq!(diagnostics(BASE), Vec::<String>::new());
    let spec = Spec::from_source(&SourceFile::new("door.toml", BASE)).unwrap();
    // The readings are alternatives, not a non-deterministic choice.
    assert_eq!(
        spec.transitions.len(),
        4,
        "the event list expands to two transitions"
    );
    let reading = spec.transitions[0].reading.as_ref().unwrap();
    assert_eq!(
        (reading.contradiction.as_str(), reading.name.as_str()),
        ("where_open_goes", "manual")
    );
    assert_eq!(spec.transitions[0].quote.as_deref(), Some("Opening opens."));
    assert_eq!(spec.no_transitions.len(), 1);
    assert!(spec.deviations[0].applies_to("RFC 793"));
    assert!(!spec.deviations[0].applies_to("RFC 9293"));
    let json = spec.to_json();
    assert!(json.contains("\"reading\": \"errata\""));
    assert!(json.contains("\"kind\": \"error\""));
}

#[test]
fn unknown_contradiction_suggests_a_name() {
    let d = diagnostics(&test_support::replaced(
        BASE,
        "contradiction = \"where_open_goes\"\nreading = \"errata\"",
        "contradiction = \"where_open_gos\"\nreading = \"errata\"",
    ));
    assert_eq!(
        d,
        [
            "17:1: error: contradiction `where_open_goes` has 1 reading(s) here; each state and event it covers needs at least two; write each reading as a transition with the same `from`, `event` and `guard`, `contradiction` and a distinct `reading`",
            "26:1: error: unknown contradiction `where_open_gos`; did you mean `where_open_goes`?",
            "26:1: error: non-deterministic: CLOSED has 2 transitions on `open` and this one has no guard (another is on line 17); give each of these transitions a distinct `guard`",
        ]
    );
}

#[test]
fn readings_need_distinct_names() {
    let d = diagnostics(&test_support::replaced(
        BASE,
        "reading = \"errata\"",
        "reading = \"manual\"",
    ));
    assert_eq!(
        d,
        [
            "26:1: error: contradiction `where_open_goes` has two readings named `manual`",
            "26:1: error: non-deterministic: CLOSED has 2 transitions on `open` and this one has no guard (another is on line 17); give each of these transitions a distinct `guard`",
        ]
    );
}

#[test]
fn a_reading_needs_its_contradiction() {
    let d = diagnostics(&test_support::replaced(
        BASE,
        "contradiction = \"where_open_goes\"\nreading = \"errata\"",
        "reading = \"errata\"",
    ));
    let missing = "26:1: error: missing key `contradiction` in [[transition]] number 2";
    assert!(d.iter().any(|l| l == missing), "{d:#?}");
}

#[test]
fn a_no_transition_cannot_sit_where_a_transition_is() {
    let d = diagnostics(&test_support::replaced(
        BASE,
        "from = \"CLOSED\"\nevent = \"close\"\nkind",
        "from = \"OPEN\"\nevent = \"close\"\nkind",
    ));
    assert_eq!(
        d,
        [
            "40:1: error: OPEN on `close` is declared as a [[no_transition]] but a transition also handles it"
        ]
    );
}

#[test]
fn no_transition_kind_suggests_one() {
    let d = diagnostics(&test_support::replaced(
        BASE,
        "kind = \"error\"",
        "kind = \"eror\"",
    ));
    assert_eq!(
        d,
        ["43:8: error: `eror` is not a valid no_transition kind; did you mean `error`?"]
    );
}

#[test]
fn deviation_names_are_checked() {
    let d = diagnostics(&test_support::replaced(
        BASE,
        "from = \"OPEN\"\nevent = \"open\"\nreason = \"we close on open\"\n",
        "from = \"OPPEN\"\nevent = \"open\"\n",
    ));
    assert_eq!(
        d,
        [
            "46:1: error: missing key `reason` in [[deviation]] number 1",
            "47:8: error: unknown state `OPPEN`; did you mean `OPEN`?",
        ]
    );
}

#[test]
fn unknown_keys_in_the_new_tables_are_reported() {
    let d = diagnostics(&test_support::replaced(
        BASE,
        "summary = \"open",
        "sumary = \"open",
    ));
    assert_eq!(
        d,
        [
            "13:1: error: missing key `summary` in [[contradiction]] number 1",
            "15:1: error: unknown key `sumary` in [[contradiction]] number 1; did you mean `summary`?",
        ]
    );
}
