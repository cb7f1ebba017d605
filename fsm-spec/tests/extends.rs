//! `[machine] extends`: a spec inherits the states and events of a base spec, refines their
//! docs and aliases, and is told, with file, line and column, when the base is missing,
//! circular, wrong, or redefined.

use fsm_spec::{Embedded, EventKind, Report, SourceFile};

const BASE: &str = r#"
[machine]
name = "Door"
initial = "CLOSED"

[states.CLOSED]
doc = "Shut."
aliases = ["SHUT"]
[states.OPEN]
doc = "Open."

[events.open]
kind = "call"
label = "open it"
doc = "The base's words."
[events.close]
kind = "call"

[[transition]]
from = "CLOSED"
event = "open"
to = "OPEN"
[[transition]]
from = "OPEN"
event = "close"
to = "CLOSED"
"#;

/// A second door over the base's states and events: its own docs, one more alias, one more
/// state and event, its own transitions.
const EXTENDING: &str = r#"
[machine]
name = "LockedDoor"
initial = "CLOSED"
extends = "base.toml"

[states.CLOSED]
doc = "Shut, and maybe locked."
aliases = ["CLOSED_DOOR"]
[states.LOCKED]

[events.open]
doc = "The extending spec's words."
[events.lock]
kind = "call"
[events.slam]
kind = "call"
refines = "close"

[[transition]]
from = "CLOSED"
event = "open"
to = "OPEN"
[[transition]]
from = "OPEN"
event = ["close", "slam"]
to = "CLOSED"
[[transition]]
from = "CLOSED"
event = "lock"
to = "LOCKED"
[[transition]]
from = "LOCKED"
event = "open"
to = "OPEN"
"#;

fn check(files: &'static [(&'static str, &'static str)], name: &str) -> Report {
    let text = files.iter().find(|(n, _)| *n == name).unwrap().1;
    fsm_spec::check(&SourceFile::new(name, text).with_files(Embedded(files)))
}

fn messages_of(report: &Report) -> Vec<String> {
    report.diagnostics.iter().map(|d| d.to_string()).collect()
}

#[test]
fn states_and_events_of_the_base_come_first_and_are_refined() {
    static FILES: &[(&str, &str)] = &[("doors/base.toml", BASE), ("doors/locked.toml", EXTENDING)];
    let report = check(FILES, "doors/locked.toml");
    let spec = report.into_result().unwrap_or_else(|e| panic!("{e}"));
    let states: Vec<&str> = spec.states.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(states, ["CLOSED", "OPEN", "LOCKED"]);
    let closed = &spec.states[0];
    assert_eq!(closed.doc.as_deref(), Some("Shut, and maybe locked."));
    assert_eq!(closed.aliases, ["SHUT", "CLOSED_DOOR"]);
    assert_eq!(
        spec.states[1].doc.as_deref(),
        Some("Open."),
        "inherited as is"
    );
    let events: Vec<&str> = spec.events.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(events, ["open", "close", "lock", "slam"]);
    let open = &spec.events[0];
    assert_eq!(
        (open.kind, open.label.as_deref(), open.doc.as_deref()),
        (
            EventKind::Call,
            Some("open it"),
            Some("The extending spec's words.")
        )
    );
    let slam = spec.event(spec.event_named("slam").unwrap());
    assert_eq!(
        slam.refines,
        spec.event_named("close"),
        "refines an inherited event"
    );
    // The transitions are the extending spec's only.
    assert_eq!(spec.transitions.len(), 5);
    assert_eq!(spec.machine.extends.as_deref(), Some("base.toml"));
    assert_eq!(spec.bases, ["doors/base.toml"]);
}

#[test]
fn a_base_may_extend_another_and_bases_are_listed_nearest_first() {
    const MIDDLE: &str = "[machine]\nname = \"Middle\"\ninitial = \"CLOSED\"\nextends = \"../base.toml\"\n\n[[transition]]\nfrom = \"CLOSED\"\nevent = \"open\"\nto = \"OPEN\"\n[[transition]]\nfrom = \"OPEN\"\nevent = \"close\"\nto = \"CLOSED\"\n";
    const TOP: &str = "[machine]\nname = \"Top\"\ninitial = \"OPEN\"\nextends = \"middle.toml\"\n\n[[transition]]\nfrom = \"OPEN\"\nevent = \"close\"\nto = \"CLOSED\"\n[[transition]]\nfrom = \"CLOSED\"\nevent = \"open\"\nto = \"OPEN\"\n";
    static FILES: &[(&str, &str)] = &[
        ("base.toml", BASE),
        ("more/middle.toml", MIDDLE),
        ("more/top.toml", TOP),
    ];
    let spec = check(FILES, "more/top.toml")
        .into_result()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(spec.bases, ["more/middle.toml", "base.toml"]);
    assert_eq!(spec.states.len(), 2);
}

#[test]
fn a_missing_base_is_an_error_at_the_extends_key() {
    static FILES: &[(&str, &str)] = &[("doors/locked.toml", EXTENDING)];
    let report = check(FILES, "doors/locked.toml");
    assert!(report.spec.is_none());
    let messages = messages_of(&report);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].starts_with(
            "doors/locked.toml:5:11: error: cannot read the base spec `doors/base.toml`: not one of the embedded files"
        ),
        "{messages:?}"
    );
}

#[test]
fn a_circle_of_bases_is_an_error_in_the_file_that_closes_it() {
    const A: &str = "[machine]\nname = \"A\"\ninitial = \"X\"\nextends = \"b.toml\"\n";
    const B: &str = "[machine]\nname = \"B\"\ninitial = \"X\"\nextends = \"a.toml\"\n";
    static FILES: &[(&str, &str)] = &[("a.toml", A), ("b.toml", B)];
    let messages = messages_of(&check(FILES, "a.toml"));
    assert_eq!(
        messages,
        [
            "a.toml:4:11: error: the base spec `b.toml` has 1 error(s), reported in it",
            "b.toml:4:11: error: `extends` goes round in a circle: a.toml extends b.toml extends a.toml; \
             a base spec cannot extend, directly or not, the spec that extends it",
        ]
    );
    static ITSELF: &[(&str, &str)] = &[("a.toml", "[machine]\nextends = \"a.toml\"\n")];
    let itself = messages_of(&check(ITSELF, "a.toml"));
    assert!(
        itself[0].starts_with(
            "a.toml:2:11: error: `extends` goes round in a circle: a.toml extends a.toml"
        ),
        "{itself:?}"
    );
}

/// A base with one error, at 6:8: an event kind that does not exist.
const BROKEN_BASE: &str = "[machine]\nname = \"Door\"\ninitial = \"CLOSED\"\n[states.CLOSED]\n[events.open]\nkind = \"walk\"\n";

#[test]
fn errors_inside_the_base_point_at_the_base() {
    static FILES: &[(&str, &str)] = &[
        ("base.toml", BROKEN_BASE),
        (
            "top.toml",
            "[machine]\nname = \"Top\"\ninitial = \"CLOSED\"\nextends = \"base.toml\"\n",
        ),
    ];
    let messages = messages_of(&check(FILES, "top.toml"));
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages[0].starts_with("top.toml:4:11: error: the base spec `base.toml` has 1 error(s)")
    );
    assert!(
        messages[1].starts_with("base.toml:6:8: error: `walk` is not a valid event kind"),
        "{messages:?}"
    );
}

#[test]
fn an_extending_spec_cannot_redefine_what_it_inherits() {
    const REDEFINING: &str = r#"[machine]
name = "Top"
initial = "CLOSED"
extends = "base.toml"

[states.OPEN]
final = true
[events.close]
kind = "timeout"
doc = "allowed"
label = "shut it"

[[transition]]
from = "CLOSED"
event = "open"
to = "OPEN"
"#;
    static FILES: &[(&str, &str)] = &[("base.toml", BASE), ("top.toml", REDEFINING)];
    let messages = messages_of(&check(FILES, "top.toml"));
    let expected = [
        "top.toml:7:1: error: `final` of state `OPEN` comes from the base spec `base.toml`",
        "top.toml:9:1: error: `kind` of event `close` comes from the base spec `base.toml`",
        "top.toml:11:1: error: `label` of event `close` comes from the base spec `base.toml`",
    ];
    assert_eq!(messages.len(), expected.len(), "{messages:?}");
    for (message, expected) in messages.iter().zip(expected) {
        assert!(message.starts_with(expected), "{message}");
        assert!(message.contains("may set only `doc`"), "{message}");
    }
}

#[test]
fn problems_with_inherited_names_point_at_extends() {
    // An alias of the extending spec that the base already uses for another state.
    const CLASH: &str = "[machine]\nname = \"Top\"\ninitial = \"CLOSED\"\nextends = \"base.toml\"\n[states.OPEN]\naliases = [\"SHUT\"]\n\n[[transition]]\nfrom = \"CLOSED\"\nevent = \"open\"\nto = \"OPEN\"\n[[transition]]\nfrom = \"OPEN\"\nevent = \"close\"\nto = \"CLOSED\"\n";
    static FILES: &[(&str, &str)] = &[("base.toml", BASE), ("top.toml", CLASH)];
    let messages = messages_of(&check(FILES, "top.toml"));
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("top.toml:6:12: error: the name `SHUT` is used twice")),
        "{messages:?}"
    );
}

#[test]
fn on_disk_the_base_is_found_next_to_the_extending_file() {
    let dir = std::env::temp_dir().join(format!("fsm-spec-extends-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("base.toml"), BASE).unwrap();
    std::fs::write(dir.join("locked.toml"), EXTENDING).unwrap();
    let source = SourceFile::read(&dir.join("locked.toml")).unwrap();
    let spec = fsm_spec::check(&source)
        .into_result()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(spec.bases, [dir.join("base.toml").display().to_string()]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn with_a_broken_base_the_extending_spec_still_reports_its_own_text() {
    static FILES: &[(&str, &str)] = &[
        ("base.toml", BROKEN_BASE),
        (
            "top.toml",
            "[machine]\nname = \"Top\"\ninitial = \"CLOSED\"\nextends = \"base.toml\"\n\
             [states.LOCKED]\ncolour = \"red\"\n[events.lock]\nkind = \"shout\"\n\
             [[transition]]\nfrom = \"CLOSED\"\nevent = \"open\"\nto = \"LOCKED\"\n",
        ),
    ];
    let messages = messages_of(&check(FILES, "top.toml"));
    // The unknown key and the bad kind are wrong whatever the base declares; `CLOSED` and
    // `open` are the base's, so no unknown-name error is made up while the base is broken.
    assert_eq!(messages.len(), 4, "{messages:?}");
    assert!(
        messages[0].starts_with("top.toml:4:11: error: the base spec `base.toml` has 1 error(s)")
    );
    assert!(
        messages[1].starts_with("top.toml:6:1: error: unknown key `colour` in [states.LOCKED]"),
        "{messages:?}"
    );
    assert!(
        messages[2].starts_with("top.toml:8:8: error: `shout` is not a valid event kind"),
        "{messages:?}"
    );
    assert!(
        messages[3].starts_with("base.toml:6:8: error: `walk` is not a valid event kind"),
        "{messages:?}"
    );
}
