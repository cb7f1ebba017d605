//! Deliberately broken specs: each test asserts the message and the line:column it is reported at.

use fsm_spec::{SourceFile, check};

/// A small valid spec; tests break it in one place each.
const DOOR: &str = r#"[machine]
name = "Door"
initial = "CLOSED"

[states.CLOSED]
doc = "shut"
aliases = ["SHUT"]

[states.OPEN]
doc = "open"

[states.LOCKED]
doc = "locked"

[events.open]
kind = "call"

[events.close]
kind = "call"

[events.lock]
kind = "call"

[events.unlock]
kind = "call"

[[transition]]
from = "CLOSED"
event = "open"
to = "OPEN"
cite = "manual 1"

[[transition]]
from = "OPEN"
event = "close"
to = "CLOSED"
cite = "manual 2"

[[transition]]
from = "CLOSED"
event = "lock"
to = "LOCKED"
cite = "manual 3"

[[transition]]
from = "LOCKED"
event = "unlock"
to = "CLOSED"
cite = "manual 4"
"#;

/// `line:col: severity: message` for every diagnostic of `text`.
fn diagnostics(text: &str) -> Vec<String> {
    let report = check(&SourceFile::new("door.toml", text));
    report
        .diagnostics
        .iter()
        .map(|d| format!("{}: {}: {}", d.location, d.severity(), d.message()))
        .collect()
}

#[test]
fn the_base_spec_is_clean() {
    assert_eq!(diagnostics(DOOR), Vec::<String>::new());
}

#[test]
fn toml_syntax_error_has_its_position() {
    let d = diagnostics(&test_support::replaced(
        DOOR,
        "initial = \"CLOSED\"",
        "initial = \"CLOSED",
    ));
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        d[0],
        "3:18: error: invalid TOML: invalid basic string, expected `\"`"
    );
}

#[test]
fn every_syntax_error_is_reported() {
    let text = test_support::replaced(DOOR, "doc = \"shut\"", "doc = shut").replacen(
        "doc = \"open\"",
        "doc = = 1",
        1,
    );
    let d = diagnostics(&text);
    assert!(d.len() >= 2, "{d:?}");
    assert!(d[0].starts_with("6:7: error: invalid TOML"), "{d:?}");
    assert!(d.iter().any(|m| m.starts_with("10:")), "{d:?}");
}

#[test]
fn unknown_key_suggests_the_nearest() {
    let d = diagnostics(&test_support::replaced(DOOR, "initial =", "iniital ="));
    assert_eq!(
        d,
        [
            "1:1: error: missing key `initial` in [machine]; ",
            "3:1: error: unknown key `iniital` in [machine]; did you mean `initial`?",
        ]
        .map(str::trim_end)
        .map(|s| s.trim_end_matches(';').to_string())
    );
}

#[test]
fn unknown_top_level_key_lists_the_expected_ones() {
    let d = diagnostics(&format!("{DOOR}\n[extra]\nx = 1\n"));
    assert_eq!(
        d,
        [
            "51:2: error: unknown key `extra` in the top level; expected one of: machine, states, groups, events, transition, contradiction, deviation, no_transition"
        ]
    );
}

#[test]
fn unknown_state_in_transition_suggests_a_name() {
    let d = diagnostics(&test_support::replaced(
        DOOR,
        "to = \"LOCKED\"",
        "to = \"LOKCED\"",
    ));
    assert_eq!(
        d,
        ["42:6: error: unknown state `LOKCED`; did you mean `LOCKED`?"]
    );
}

#[test]
fn unknown_state_in_from_list() {
    let d = diagnostics(&test_support::replaced(
        DOOR,
        "from = \"OPEN\"",
        "from = [\"OPEN\", \"AJAR\"]",
    ));
    assert_eq!(d, ["34:17: error: unknown state `AJAR`"]);
}

#[test]
fn unknown_event_suggests_a_name() {
    let d = diagnostics(&test_support::replaced(
        DOOR,
        "event = \"unlock\"",
        "event = \"unlok\"",
    ));
    assert_eq!(
        d,
        ["47:9: error: unknown event `unlok`; did you mean `unlock`?"]
    );
}

#[test]
fn unknown_initial_state() {
    let d = diagnostics(&test_support::replaced(
        DOOR,
        "initial = \"CLOSED\"",
        "initial = \"CLOSD\"",
    ));
    assert_eq!(
        d,
        ["3:11: error: unknown state `CLOSD`; did you mean `CLOSED`?"]
    );
}

#[test]
fn duplicate_state_table_is_a_toml_error() {
    let d = diagnostics(&test_support::replaced(
        DOOR,
        "[states.LOCKED]",
        "[states.OPEN]",
    ));
    assert_eq!(
        d,
        [
            "12:9: error: invalid TOML: duplicate key `OPEN` (a name may be declared once)",
            "13:1: error: invalid TOML: duplicate key `doc` (a name may be declared once)",
        ]
    );
}

#[test]
fn alias_that_names_another_state_is_a_duplicate() {
    let d = diagnostics(&test_support::replaced(
        DOOR,
        "doc = \"open\"",
        "doc = \"open\"\naliases = [\"SHUT\"]",
    ));
    assert_eq!(
        d,
        ["11:12: error: the name `SHUT` is used twice (by state `CLOSED` and state `OPEN`)"]
    );
}

#[test]
fn duplicate_event_table_is_a_toml_error() {
    let d = diagnostics(&test_support::replaced(
        DOOR,
        "[events.unlock]",
        "[events.lock]",
    ));
    assert_eq!(
        d,
        [
            "24:9: error: invalid TOML: duplicate key `lock` (a name may be declared once)",
            "25:1: error: invalid TOML: duplicate key `kind` (a name may be declared once)",
        ]
    );
}

#[test]
fn duplicate_transition_names_the_first() {
    let copy =
        "\n[[transition]]\nfrom = \"OPEN\"\nevent = \"close\"\nto = \"CLOSED\"\ncite = \"again\"\n";
    let d = diagnostics(&format!("{DOOR}{copy}"));
    assert_eq!(
        d,
        ["51:1: error: duplicate transition: OPEN already goes to CLOSED on `close` (line 33)"]
    );
}

#[test]
fn same_state_and_event_without_guards_is_non_deterministic() {
    let other =
        "\n[[transition]]\nfrom = \"OPEN\"\nevent = \"close\"\nto = \"LOCKED\"\ncite = \"x\"\n";
    let d = diagnostics(&format!("{DOOR}{other}"));
    assert_eq!(
        d,
        [
            "51:1: error: non-deterministic: OPEN has 2 transitions on `close` and this one has no guard \
          (another is on line 33); give each of these transitions a distinct `guard`"
        ]
    );
}

#[test]
fn identical_guards_do_not_distinguish() {
    let text = test_support::replaced(
        DOOR,
        "to = \"CLOSED\"\ncite = \"manual 2\"",
        "to = \"CLOSED\"\nguard = \"gently\"\ncite = \"manual 2\"",
    );
    let other = "\n[[transition]]\nfrom = \"OPEN\"\nevent = \"close\"\nto = \"LOCKED\"\nguard = \"gently\"\ncite = \"x\"\n";
    let d = diagnostics(&format!("{text}{other}"));
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].starts_with("52:1: error: non-deterministic: OPEN has 2 transitions on `close` and this one has the same guard `gently` as the one on line 33"),
        "{d:?}"
    );
}

#[test]
fn distinct_guards_are_accepted() {
    let text = test_support::replaced(
        DOOR,
        "to = \"CLOSED\"\ncite = \"manual 2\"",
        "to = \"CLOSED\"\nguard = \"gently\"\ncite = \"manual 2\"",
    );
    let other = "\n[[transition]]\nfrom = \"OPEN\"\nevent = \"close\"\nto = \"LOCKED\"\nguard = \"slam\"\ncite = \"x\"\n";
    assert_eq!(diagnostics(&format!("{text}{other}")), Vec::<String>::new());
}

#[test]
fn state_name_must_be_an_identifier() {
    let text = DOOR.replace("LOCKED", "LOCKED-TIGHT");
    let d = diagnostics(&text);
    assert_eq!(
        d,
        [
            "12:9: error: state name `LOCKED-TIGHT` cannot become a Rust identifier; use ASCII letters, \
          digits and `_`, start with a letter, and avoid Rust keywords"
        ]
    );
}

#[test]
fn event_name_cannot_be_a_keyword() {
    let text = DOOR
        .replace("\"lock\"", "\"move\"")
        .replace("events.lock]", "events.move]");
    let d = diagnostics(&text);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].starts_with("21:9: error: event name `move` cannot become a Rust identifier"),
        "{d:?}"
    );
}

#[test]
fn machine_name_must_be_an_identifier() {
    let d = diagnostics(&test_support::replaced(
        DOOR,
        "name = \"Door\"",
        "name = \"Front Door\"",
    ));
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].starts_with("2:8: error: machine name `Front Door` cannot become"),
        "{d:?}"
    );
}

#[test]
fn guard_must_be_an_identifier() {
    let text = test_support::replaced(
        DOOR,
        "cite = \"manual 4\"",
        "cite = \"manual 4\"\nguard = \"key in hand\"",
    );
    let d = diagnostics(&text);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].starts_with("50:9: error: guard `key in hand` cannot become"),
        "{d:?}"
    );
}

#[test]
fn states_that_clash_as_rust_types() {
    let text = test_support::replaced(DOOR, "[states.OPEN]", "[states.Closed]\n\n[states.OPEN]");
    let d = diagnostics(&text);
    assert_eq!(
        d,
        [
            "9:9: error: state `CLOSED` and state `Closed` would both become the Rust type `Closed`; rename one"
        ]
    );
}

#[test]
fn wrong_types_are_reported_with_both_types() {
    let text = test_support::replaced(DOOR, "doc = \"shut\"", "doc = 3").replacen(
        "kind = \"call\"",
        "kind = true",
        1,
    );
    let d = diagnostics(&text);
    assert_eq!(
        d,
        [
            "6:7: error: `doc` must be a string, found integer",
            "16:8: error: `kind` must be a string, found boolean",
        ]
    );
}

#[test]
fn invalid_event_kind_suggests_one() {
    let d = diagnostics(&test_support::replaced(
        DOOR,
        "kind = \"call\"",
        "kind = \"cal\"",
    ));
    assert_eq!(
        d,
        ["16:8: error: `cal` is not a valid event kind; did you mean `call`?"]
    );
}

#[test]
fn missing_event_is_reported_and_cite_is_optional() {
    let d = diagnostics(&test_support::replaced(
        DOOR,
        "event = \"open\"\nto = \"OPEN\"\ncite = \"manual 1\"",
        "to = \"OPEN\"",
    ));
    assert_eq!(
        d,
        ["27:1: error: missing key `event` in [[transition]] number 1"]
    );
}

/// `DOOR` with every `cite` line removed: a spec that models no document.
fn door_without_cites() -> String {
    DOOR.lines()
        .filter(|line| !line.starts_with("cite = "))
        .map(|line| format!("{line}\n"))
        .collect()
}

#[test]
fn a_spec_without_citations_is_clean() {
    let text = door_without_cites();
    assert!(!text.contains("cite"));
    assert_eq!(diagnostics(&text), Vec::<String>::new());
    let spec = fsm_spec::Spec::from_source(&SourceFile::new("door.toml", text)).unwrap();
    assert!(!spec.machine.require_cite);
    assert!(spec.transitions.iter().all(|t| t.cite.is_none()));
}

#[test]
fn a_spec_without_citations_still_gets_the_graph_checks() {
    // No "missing key `cite`" errors hide the real problems any more: each mutation below
    // reports exactly its own (non-determinism, an unreachable state, a dead end).
    let text = door_without_cites();
    let rival =
        format!("{text}\n[[transition]]\nfrom = \"LOCKED\"\nevent = \"unlock\"\nto = \"OPEN\"\n");
    assert_eq!(
        diagnostics(&rival),
        [
            "47:1: error: non-deterministic: LOCKED has 2 transitions on `unlock` and this one has \
          no guard (another is on line 42); give each of these transitions a distinct `guard`"
        ]
    );
    let unreachable = text.replacen(
        "from = \"CLOSED\"\nevent = \"lock\"",
        "from = \"LOCKED\"\nevent = \"lock\"",
        1,
    );
    assert_eq!(
        diagnostics(&unreachable),
        ["12:9: warning: state LOCKED is unreachable from the initial state CLOSED"]
    );
    let dead_end = text.replacen(
        "event = \"unlock\"\nto = \"CLOSED\"",
        "event = \"unlock\"\nto = \"LOCKED\"",
        1,
    );
    assert_eq!(
        diagnostics(&dead_end),
        [
            "12:9: warning: state LOCKED is a dead end: no transition leaves it and it is not declared \
          final; add a transition out of it, or mark it `final = true`"
        ]
    );
}

#[test]
fn require_cite_makes_cite_required() {
    let text = test_support::replaced(
        DOOR,
        "initial = \"CLOSED\"",
        "initial = \"CLOSED\"\nrequire_cite = true",
    );
    assert_eq!(diagnostics(&text), Vec::<String>::new());
    let text = text.replacen("to = \"OPEN\"\ncite = \"manual 1\"", "to = \"OPEN\"", 1);
    assert_eq!(
        diagnostics(&text),
        ["28:1: error: missing key `cite` in [[transition]] number 1"]
    );
    let wrong = test_support::replaced(
        DOOR,
        "initial = \"CLOSED\"",
        "initial = \"CLOSED\"\nrequire_cite = \"yes\"",
    );
    assert_eq!(
        diagnostics(&wrong),
        ["4:16: error: `require_cite` must be true or false, found string"]
    );
}

#[test]
fn transition_as_plain_table_is_explained() {
    let text = DOOR.replacen("[[transition]]", "[transition]", 1);
    let text = &text[..text.find("\n\n[[transition]]").unwrap()];
    let d = diagnostics(text);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].contains("`transition` must be an array of tables (write `[[transition]]`)"),
        "{d:?}"
    );
}

#[test]
fn all_errors_are_reported_not_just_the_first() {
    let text = test_support::replaced(DOOR, "to = \"LOCKED\"", "to = \"LOKCED\"")
        .replacen("event = \"unlock\"", "event = \"unlok\"", 1)
        .replacen("doc = \"open\"", "doc = \"open\"\ncolour = \"red\"", 1);
    let d = diagnostics(&text);
    let positions: Vec<&str> = d.iter().map(|m| m.split(": ").next().unwrap()).collect();
    assert_eq!(positions, ["11:1", "43:6", "48:9"], "{d:?}");
}

#[test]
fn unreachable_state_is_a_warning() {
    let text = test_support::replaced(
        DOOR,
        "from = \"CLOSED\"\nevent = \"lock\"",
        "from = \"LOCKED\"\nevent = \"lock\"",
    );
    let d = diagnostics(&text);
    assert_eq!(
        d,
        ["12:9: warning: state LOCKED is unreachable from the initial state CLOSED"]
    );
}

#[test]
fn dead_end_unless_final() {
    let text = test_support::replaced(
        DOOR,
        "to = \"CLOSED\"\ncite = \"manual 4\"",
        "to = \"LOCKED\"\ncite = \"manual 4\"",
    );
    let d = diagnostics(&text);
    assert_eq!(
        d,
        [
            "12:9: warning: state LOCKED is a dead end: no transition leaves it and it is not declared \
          final; add a transition out of it, or mark it `final = true`"
        ]
    );
    let text = text.replace("doc = \"locked\"", "doc = \"locked\"\nfinal = true");
    assert_eq!(diagnostics(&text), Vec::<String>::new());
}

#[test]
fn unused_event_is_a_warning() {
    let d = diagnostics(&format!("{DOOR}\n[events.knock]\nkind = \"receive\"\n"));
    assert_eq!(
        d,
        ["51:9: warning: event `knock` is never used by a transition"]
    );
}

#[test]
fn empty_file_reports_the_missing_tables() {
    let d = diagnostics("");
    assert_eq!(
        d,
        [
            "1:1: error: missing key `states` in the top level",
            "1:1: error: missing key `events` in the top level",
            "1:1: error: missing key `machine` in the top level",
        ]
    );
}

#[test]
fn display_names_the_file() {
    let report = check(&SourceFile::new(
        "specs/door.toml",
        test_support::replaced(DOOR, "to = \"LOCKED\"", "to = \"LOKCED\""),
    ));
    assert_eq!(
        report.diagnostics.to_string(),
        "specs/door.toml:42:6: error: unknown state `LOKCED`; did you mean `LOCKED`?"
    );
    assert!(report.spec.is_none());
}

/// Every name the generated code reserves, each put into the otherwise clean door. The
/// `fsm!` macro's tests (`expand.rs`) give it the same names and expect the same errors.
mod reserved_names {
    use super::{DOOR, diagnostics};
    use fsm_spec::naming::{HANDLE_METHODS, MODULES};

    #[test]
    fn a_state_cannot_become_the_state_trait() {
        let d = diagnostics(&test_support::replaced(
            DOOR,
            "[states.LOCKED]",
            "[states.STATE]\n[states.LOCKED]",
        ));
        assert_eq!(
            d,
            [
                "12:9: error: state `STATE` would become the Rust type `State`, which the generated \
              code uses for the trait that all state types implement; rename the state"
            ]
        );
    }

    #[test]
    fn an_event_cannot_become_the_rules_type() {
        let d = diagnostics(&test_support::replaced(
            DOOR,
            "[events.lock]",
            "[events.rules]\nkind = \"call\"\n[events.lock]",
        ));
        assert_eq!(
            d,
            [
                "21:9: error: event `rules` would become the Rust type `Rules`, which the generated \
              code uses for the type that implements the event traits; rename the event"
            ]
        );
    }

    #[test]
    fn an_event_cannot_become_a_method_the_handle_has() {
        for method in HANDLE_METHODS {
            let text = test_support::replaced(
                DOOR,
                "[events.lock]",
                &format!("[events.{method}]\nkind = \"call\"\n[events.lock]"),
            );
            assert_eq!(
                diagnostics(&text),
                [format!(
                    "21:9: error: event `{method}` would become the method `Door::{method}`, which \
                     the generated code uses for a method of the generated handle; rename the event"
                )]
            );
        }
    }

    #[test]
    fn the_machine_cannot_be_named_like_a_generated_module() {
        for module in MODULES {
            let text =
                test_support::replaced(DOOR, "name = \"Door\"", &format!("name = \"{module}\""));
            assert_eq!(
                diagnostics(&text),
                [format!(
                    "1:1: error: the machine name `{module}` would become the module `{module}`, \
                     which the generated code uses for one of the generated modules; rename the machine"
                )]
            );
        }
    }

    #[test]
    fn a_name_cannot_become_a_keyword_after_its_case_changes() {
        let d = diagnostics(&test_support::replaced(
            DOOR,
            "[states.LOCKED]",
            "[states.self_]\n[states.LOCKED]",
        ));
        assert_eq!(
            d,
            [
                "12:9: error: state `self_` would become `Self`, which is not a Rust identifier; \
              rename it (letters, digits and `_`, not a keyword)"
            ]
        );
    }

    #[test]
    fn guards_that_become_the_same_variant_clash() {
        let text = test_support::replaced(
            DOOR,
            "event = \"unlock\"\nto = \"CLOSED\"",
            "event = \"unlock\"\nguard = \"right_key\"\nto = \"CLOSED\"",
        );
        let text = format!(
            "{text}\n[[transition]]\nfrom = \"LOCKED\"\nevent = \"unlock\"\nguard = \"rightKey\"\nto = \"OPEN\"\n"
        );
        assert_eq!(
            diagnostics(&text),
            [
                "52:1: error: guard `right_key` and guard `rightKey` would both become the Rust \
              variant `RightKey`; rename one"
            ]
        );
    }
}

#[test]
fn state_data_and_event_payloads_are_read_as_written() {
    let text = test_support::replaced(
        DOOR,
        "[states.OPEN]\n",
        "[states.OPEN]\ndata = \"crate::Visit\"\n",
    )
    .replacen(
        "[events.open]\n",
        "[events.open]\npayload = \"Key<'static>\"\n",
        1,
    );
    assert_eq!(diagnostics(&text), Vec::<String>::new());
    let spec = check(&SourceFile::new("door.toml", &text))
        .spec
        .expect("a spec");
    let open = spec.states.iter().find(|s| s.name == "OPEN").unwrap();
    assert_eq!(
        open.data.as_ref().map(|d| d.value.as_str()),
        Some("crate::Visit")
    );
    let event = spec.events.iter().find(|e| e.name == "open").unwrap();
    assert_eq!(
        event.payload.as_ref().map(|p| p.value.as_str()),
        Some("Key<'static>")
    );
}

#[test]
fn an_empty_type_is_reported_at_its_string() {
    let d = diagnostics(&test_support::replaced(
        DOOR,
        "[states.OPEN]\n",
        "[states.OPEN]\ndata = \" \"\n",
    ));
    assert_eq!(
        d,
        ["10:8: error: `data` must name a Rust type, found an empty string"]
    );
}

#[test]
fn the_initial_state_cannot_hold_data() {
    let d = diagnostics(&test_support::replaced(
        DOOR,
        "[states.CLOSED]\n",
        "[states.CLOSED]\ndata = \"u8\"\n",
    ));
    assert_eq!(
        d[0],
        "6:8: error: the initial state CLOSED cannot hold data (`u8`): a handle starts without \
         any; keep what every state needs in the handle's own data `D`, or give the data to a \
         state the machine enters later"
    );
    // Entering CLOSED again needs a `u8` too, and nothing on the way in has one.
    assert_eq!(d.len(), 3, "{d:?}");
}

#[test]
fn a_state_with_data_needs_something_to_make_it_from() {
    // LOCKED holds a code, but CLOSED has no data and `lock` no payload.
    let d = diagnostics(&test_support::replaced(
        DOOR,
        "[states.LOCKED]\n",
        "[states.LOCKED]\ndata = \"Code\"\n",
    ));
    assert_eq!(
        d,
        [
            "40:1: error: CLOSED --lock--> LOCKED: LOCKED holds `Code`, but CLOSED holds no data \
          and `lock` carries no payload, so there is nothing to make it from; give `lock` a \
          `payload`, or give the state it leaves `data`"
        ]
    );
    let with_payload = test_support::replaced(
        DOOR,
        "[states.LOCKED]\n",
        "[states.LOCKED]\ndata = \"Code\"\n",
    )
    .replacen("[events.lock]\n", "[events.lock]\npayload = \"Code\"\n", 1);
    assert_eq!(diagnostics(&with_payload), Vec::<String>::new());
}

#[test]
fn the_diagram_tag_must_be_on_some_transition() {
    let tagged = test_support::replaced(
        DOOR,
        "cite = \"manual 1\"",
        "cite = \"manual 1\"\ntags = [\"front\"]",
    );
    let named = tagged.replacen(
        "initial = \"CLOSED\"",
        "initial = \"CLOSED\"\ndiagram_tag = \"front\"",
        1,
    );
    assert_eq!(diagnostics(&named), Vec::<String>::new());
    let spec = check(&SourceFile::new("door.toml", &named))
        .spec
        .expect("a spec");
    assert_eq!(
        spec.machine.diagram_tag.map(|(tag, _)| tag).as_deref(),
        Some("front")
    );
    let unused = test_support::replaced(
        DOOR,
        "initial = \"CLOSED\"",
        "initial = \"CLOSED\"\ndiagram_tag = \"back\"",
    );
    assert_eq!(
        diagnostics(&unused),
        ["4:15: error: no transition has the tag `back` that `diagram_tag` names"]
    );
}
