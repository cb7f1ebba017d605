//! Groups (composite states): the checks on `[groups]`, each with its message and line:column,
//! and the expansion of transitions declared on groups to the states inside them.

use fsm_spec::{SourceFile, Spec, check};

/// A media player: ACTIVE holds PLAYING, PAUSED and the nested LOADING (BUFFERING). Tests
/// break it in one place each.
const PLAYER: &str = r#"[machine]
name = "Player"
initial = "IDLE"

[states.IDLE]
[states.PLAYING]
[states.PAUSED]
[states.BUFFERING]
[states.DONE]
final = true

[groups.ACTIVE]
states = ["PLAYING", "PAUSED", "LOADING"]
initial = "LOADING"
cite = "manual 1"

[groups.LOADING]
states = ["BUFFERING"]
initial = "BUFFERING"

[events.play]
kind = "call"

[events.pause]
kind = "call"

[events.stop]
kind = "call"

[events.tick]
kind = "timeout"

[[transition]]
from = "IDLE"
event = "play"
to = "ACTIVE"

[[transition]]
from = "ACTIVE"
event = "stop"
to = "DONE"

[[transition]]
from = "LOADING"
event = "stop"
to = "IDLE"

[[transition]]
from = "PAUSED"
event = "stop"
to = "IDLE"

[[transition]]
from = "ACTIVE"
event = "pause"
to = "PAUSED"

[[transition]]
from = "PLAYING"
event = "pause"
guard = "live"
to = "PLAYING"

[[transition]]
from = "PLAYING"
event = "pause"
guard = "recorded"
to = "PAUSED"

[[transition]]
from = "ACTIVE"
event = "tick"
guard = "ready"
to = "PLAYING"

[[transition]]
from = "ACTIVE"
event = "tick"
guard = "starved"
to = "LOADING"
"#;

/// `line:col: severity: message` for every diagnostic of `text`.
fn diagnostics(text: &str) -> Vec<String> {
    let report = check(&SourceFile::new("player.toml", text));
    report
        .diagnostics
        .iter()
        .map(|d| format!("{}: {}: {}", d.location, d.severity(), d.message()))
        .collect()
}

fn spec(text: &str) -> Spec {
    check(&SourceFile::new("player.toml", text))
        .into_result()
        .expect("the spec is valid")
}

/// Each expanded transition as `FROM event [guard] -> TO (declared in GROUP)`, in order.
fn expanded(spec: &Spec) -> Vec<String> {
    spec.transitions
        .iter()
        .map(|t| {
            let guard = t
                .guard
                .as_ref()
                .map(|g| format!(" [{g}]"))
                .unwrap_or_default();
            let declared = match t.declared_in {
                Some(group) => format!(" (declared in {})", spec.group(group).name),
                None => String::new(),
            };
            format!(
                "{} {}{guard} -> {}{declared}",
                spec.state(t.from).name,
                spec.event(t.event).name,
                spec.state(t.to).name
            )
        })
        .collect()
}

/// The expanded transitions on `event`, as [`expanded`] writes them.
fn expanded_on(spec: &Spec, event: &str) -> Vec<String> {
    let on = format!(" {event} ");
    expanded(spec)
        .into_iter()
        .filter(|t| t.contains(&on))
        .collect()
}

#[test]
fn the_player_is_clean() {
    assert_eq!(diagnostics(PLAYER), Vec::<String>::new());
}

#[test]
fn the_innermost_declaration_wins_at_every_depth_with_all_its_guards() {
    assert_eq!(
        expanded(&spec(PLAYER)),
        [
            "IDLE play -> BUFFERING",
            // PAUSED handles `stop` itself; BUFFERING through LOADING, one level down.
            "PLAYING stop -> DONE (declared in ACTIVE)",
            "BUFFERING stop -> IDLE (declared in LOADING)",
            "PAUSED stop -> IDLE",
            // PLAYING handles `pause` with guards: neither falls through to ACTIVE's.
            "PAUSED pause -> PAUSED (declared in ACTIVE)",
            "BUFFERING pause -> PAUSED (declared in ACTIVE)",
            "PLAYING pause [live] -> PLAYING",
            "PLAYING pause [recorded] -> PAUSED",
            // Guarded alternatives on a group apply together; `to = LOADING` is BUFFERING.
            "PLAYING tick [ready] -> PLAYING (declared in ACTIVE)",
            "PAUSED tick [ready] -> PLAYING (declared in ACTIVE)",
            "BUFFERING tick [ready] -> PLAYING (declared in ACTIVE)",
            "PLAYING tick [starved] -> BUFFERING (declared in ACTIVE)",
            "PAUSED tick [starved] -> BUFFERING (declared in ACTIVE)",
            "BUFFERING tick [starved] -> BUFFERING (declared in ACTIVE)",
        ]
    );
}

#[test]
fn a_group_transition_keeps_the_span_of_its_declaration() {
    let spec = spec(PLAYER);
    let source = SourceFile::new("player.toml", PLAYER);
    let lines: Vec<usize> = spec
        .transitions
        .iter()
        .filter(|t| spec.event(t.event).name == "tick")
        .map(|t| source.location(t.span.start).line)
        .collect();
    assert_eq!(lines, [70, 70, 70, 76, 76, 76]);
}

#[test]
fn the_model_answers_questions_about_the_hierarchy() {
    let spec = spec(PLAYER);
    let (active, loading) = (
        spec.group_named("ACTIVE").unwrap(),
        spec.group_named("LOADING").unwrap(),
    );
    let state = |name| spec.state_named(name).unwrap();
    assert_eq!(spec.ancestors(state("BUFFERING")), [loading, active]);
    assert_eq!(spec.ancestors(state("IDLE")), []);
    assert_eq!(spec.state(state("PLAYING")).group, Some(active));
    assert_eq!(spec.group(loading).parent, Some(active));
    let names: Vec<&str> = spec
        .leaves(active)
        .into_iter()
        .map(|s| spec.state(s).name.as_str())
        .collect();
    assert_eq!(names, ["PLAYING", "PAUSED", "BUFFERING"]);
    assert!(spec.contains(active, state("BUFFERING")));
    assert!(!spec.contains(loading, state("PLAYING")));
    assert_eq!(spec.initial_leaf(active), Some(state("BUFFERING")));
    assert_eq!(spec.group(active).cite.as_deref(), Some("manual 1"));
}

#[test]
fn a_cycle_of_membership_is_reported_once() {
    let text = test_support::replaced(
        PLAYER,
        r#"states = ["BUFFERING"]"#,
        r#"states = ["BUFFERING", "ACTIVE"]"#,
    );
    assert_eq!(
        diagnostics(&text),
        ["12:9: error: groups contain each other in a circle: ACTIVE is in LOADING is in ACTIVE"]
    );
}

#[test]
fn a_group_with_no_states_is_reported() {
    let text = test_support::replaced(PLAYER, r#"states = ["BUFFERING"]"#, "states = []").replacen(
        r#"initial = "BUFFERING""#,
        "",
        1,
    );
    let d = diagnostics(&text);
    assert!(
        d.contains(&"17:9: error: the group `LOADING` has no states".to_string()),
        "{d:?}"
    );
}

#[test]
fn a_member_of_two_groups_is_reported_where_it_is_listed_the_second_time() {
    let text = test_support::replaced(
        PLAYER,
        r#"states = ["BUFFERING"]"#,
        r#"states = ["BUFFERING", "PAUSED"]"#,
    );
    assert_eq!(
        diagnostics(&text),
        [
            "18:24: error: `PAUSED` is a member of two groups, `ACTIVE` and `LOADING`; groups nest \
          but do not overlap: list it in one group, or nest one group in the other"
        ]
    );
}

#[test]
fn an_unknown_member_suggests_the_nearest_name() {
    let text = test_support::replaced(PLAYER, r#""PLAYING", "PAUSED""#, r#""PLAYNG", "PAUSED""#);
    let d = diagnostics(&text);
    assert_eq!(
        d[0],
        "13:11: error: unknown state or group `PLAYNG` in group `ACTIVE`; did you mean `PLAYING`?"
    );
    let report = check(&SourceFile::new("player.toml", &text));
    let help = report.diagnostics.iter().next().unwrap().problem.help();
    assert_eq!(help.as_deref(), Some("did you mean `PLAYING`?"));
}

#[test]
fn a_group_may_not_have_the_name_of_a_state() {
    let text = test_support::replaced(PLAYER, "[groups.LOADING]", "[groups.DONE]")
        .replace(r#""LOADING""#, r#""DONE""#);
    let d = diagnostics(&text);
    assert_eq!(
        d[0],
        "17:9: error: the group `DONE` has the name of a state; \
         states and groups share one namespace: rename the group",
        "{d:?}"
    );
}

#[test]
fn a_group_trait_may_not_share_a_state_types_rust_name() {
    // `Loading` would be the group's trait and the state's type, both in the `state` module.
    let text = test_support::replaced(PLAYER, "[states.DONE]", "[states.Loading]")
        .replace(r#"to = "DONE""#, r#"to = "Loading""#);
    let d = diagnostics(&text);
    assert!(
        d.iter().any(|d| d.starts_with("17:9: error:")
            && d.contains("state `Loading`")
            && d.contains("group `LOADING`")
            && d.contains("`Loading`")),
        "{d:#?}"
    );
}

#[test]
fn a_group_may_not_be_named_like_the_state_trait() {
    let text = test_support::replaced(PLAYER, "[groups.LOADING]", "[groups.STATE]")
        .replace(r#""LOADING""#, r#""STATE""#);
    let d = diagnostics(&text);
    assert!(
        d.iter()
            .any(|d| d.starts_with("17:9: error:") && d.contains("group `STATE`")),
        "{d:#?}"
    );
}

#[test]
fn a_transition_to_a_group_needs_its_initial() {
    let text = test_support::replaced(PLAYER, r#"initial = "BUFFERING""#, "");
    assert_eq!(
        diagnostics(&text),
        [
            "36:6: error: this transition goes to the group `LOADING`, which has no `initial`; \
             give [groups.LOADING] an `initial`, or name a state as `to`",
            "80:6: error: this transition goes to the group `LOADING`, which has no `initial`; \
             give [groups.LOADING] an `initial`, or name a state as `to`",
        ]
    );
}

#[test]
fn an_initial_outside_its_group_is_reported() {
    let text = test_support::replaced(PLAYER, r#"initial = "BUFFERING""#, r#"initial = "PLAYING""#);
    let d = diagnostics(&text);
    assert_eq!(
        d[0], "19:11: error: the initial `PLAYING` of group `LOADING` is not inside the group",
        "{d:?}"
    );
}

#[test]
fn a_group_transition_that_every_state_overrides_is_a_warning_at_its_line() {
    let text = format!(
        "{PLAYER}\n[[transition]]\nfrom = \"LOADING\"\nevent = \"pause\"\nto = \"PAUSED\"\n\
         \n[[transition]]\nfrom = \"BUFFERING\"\nevent = \"pause\"\nto = \"IDLE\"\n"
    );
    assert_eq!(
        diagnostics(&text),
        [
            "82:1: warning: this transition on `pause` declared on group `LOADING` applies to no \
             state: every state inside handles `pause` itself; the innermost declaration wins: \
             remove this transition, or the states' own"
        ]
    );
}

#[test]
fn an_unknown_key_in_a_group_is_reported() {
    let text = test_support::replaced(PLAYER, "cite = \"manual 1\"", "citation = \"manual 1\"");
    assert_eq!(
        diagnostics(&text),
        ["15:1: error: unknown key `citation` in [groups.ACTIVE]; \
          expected one of: states, initial, doc, cite"]
    );
}

/// `FROM event [guard]: exits ..., entries ...` for each transition that leaves or enters a
/// group, as [`Spec::exits_and_entries`] orders them.
fn paths(spec: &Spec) -> Vec<String> {
    let names = |groups: &[fsm_spec::GroupId]| {
        groups
            .iter()
            .map(|&g| spec.group(g).name.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    spec.transitions
        .iter()
        .map(|t| {
            let path = spec.exits_and_entries(t);
            let guard = t
                .guard
                .as_ref()
                .map(|g| format!(" [{g}]"))
                .unwrap_or_default();
            format!(
                "{} {}{guard}: exits [{}], entries [{}]",
                spec.state(t.from).name,
                spec.event(t.event).name,
                names(&path.exits),
                names(&path.entries)
            )
        })
        .collect()
}

#[test]
fn exits_run_innermost_first_and_entries_outermost_first() {
    let spec = spec(PLAYER);
    let paths = paths(&spec);
    let path = |prefix: &str| {
        paths
            .iter()
            .find(|p| p.starts_with(prefix))
            .unwrap_or_else(|| panic!("no transition `{prefix}` in {paths:#?}"))
            .as_str()
    };
    // Into a group: its `initial` is followed down, outermost group entered first.
    assert_eq!(
        path("IDLE play"),
        "IDLE play: exits [], entries [ACTIVE LOADING]"
    );
    // Out of two groups from the innermost state: innermost exit first.
    assert_eq!(
        path("BUFFERING stop"),
        "BUFFERING stop: exits [LOADING ACTIVE], entries []"
    );
    // Declared on ACTIVE with a target inside it: ACTIVE is left and entered again (an
    // SCXML external transition), from a state directly inside it and from a nested one.
    assert_eq!(
        path("PLAYING tick [starved]"),
        "PLAYING tick [starved]: exits [ACTIVE], entries [ACTIVE LOADING]"
    );
    assert_eq!(
        path("BUFFERING tick [starved]"),
        "BUFFERING tick [starved]: exits [LOADING ACTIVE], entries [ACTIVE LOADING]"
    );
    // Declared on a state, within its group: the group stays, a self-loop included.
    assert_eq!(
        path("PLAYING pause [recorded]"),
        "PLAYING pause [recorded]: exits [], entries []"
    );
    assert_eq!(
        path("PLAYING pause [live]"),
        "PLAYING pause [live]: exits [], entries []"
    );
    // A flat spec has no groups on any path.
    let flat = spec.flattened();
    assert!(
        flat.transitions
            .iter()
            .all(|t| flat.exits_and_entries(t) == fsm_spec::GroupPath::default())
    );
}

#[test]
fn a_no_transition_entry_on_a_state_overrides_its_groups_transition() {
    // PAUSED says what `stop` does there without a transition: ACTIVE's `stop` does not
    // apply to it, and there is no conflict to report.
    let text = test_support::replaced(
        PLAYER,
        "[[transition]]\nfrom = \"PAUSED\"\nevent = \"stop\"\nto = \"IDLE\"\n",
        "[[no_transition]]\nfrom = \"PAUSED\"\nevent = \"stop\"\nkind = \"drop\"\ncite = \"manual 2\"\n",
    );
    assert_eq!(diagnostics(&text), Vec::<String>::new());
    let spec = spec(&text);
    let stops = expanded_on(&spec, "stop");
    assert_eq!(
        stops,
        [
            "PLAYING stop -> DONE (declared in ACTIVE)",
            "BUFFERING stop -> IDLE (declared in LOADING)"
        ]
    );
}

/// Each `[[no_transition]]` entry as `FROM event`, in order.
fn no_transitions(spec: &Spec) -> Vec<String> {
    spec.no_transitions
        .iter()
        .map(|n| format!("{} {}", spec.state(n.from).name, spec.event(n.event).name))
        .collect()
}

#[test]
fn a_no_transition_entry_on_a_group_applies_to_each_state_that_does_not_handle_the_event() {
    // ACTIVE drops `play`: PLAYING, PAUSED and BUFFERING (through LOADING) get the entry,
    // except PAUSED, which declares its own `play`.
    let text = format!(
        "{PLAYER}\n[[no_transition]]\nfrom = \"ACTIVE\"\nevent = \"play\"\nkind = \"drop\"\n\
         cite = \"manual 3\"\n\n[[transition]]\nfrom = \"PAUSED\"\nevent = \"play\"\n\
         to = \"PLAYING\"\n"
    );
    assert_eq!(diagnostics(&text), Vec::<String>::new());
    let spec = spec(&text);
    assert_eq!(no_transitions(&spec), ["PLAYING play", "BUFFERING play"]);
    assert!(spec.no_transitions.iter().all(|n| n.cite == "manual 3"));
}

#[test]
fn a_no_transition_entry_on_a_nested_group_overrides_the_outer_groups_transition() {
    // LOADING says what `pause` does inside it: ACTIVE's `pause` no longer reaches BUFFERING.
    let text = format!(
        "{PLAYER}\n[[no_transition]]\nfrom = \"LOADING\"\nevent = \"pause\"\n\
         kind = \"impossible\"\ncite = \"manual 4\"\n"
    );
    assert_eq!(diagnostics(&text), Vec::<String>::new());
    let spec = spec(&text);
    assert_eq!(no_transitions(&spec), ["BUFFERING pause"]);
    let pauses = expanded_on(&spec, "pause");
    assert_eq!(
        pauses,
        [
            "PAUSED pause -> PAUSED (declared in ACTIVE)",
            "PLAYING pause [live] -> PLAYING",
            "PLAYING pause [recorded] -> PAUSED",
        ]
    );
}

#[test]
fn a_no_transition_entry_on_a_group_beside_its_transition_conflicts_and_one_overridden_warns() {
    let text = format!(
        "{PLAYER}\n[[no_transition]]\nfrom = \"LOADING\"\nevent = \"stop\"\nkind = \"drop\"\n\
         cite = \"manual 5\"\n"
    );
    let found = diagnostics(&text);
    // LOADING's own transition and this entry both handle `stop` at the same level: the
    // entry applies to BUFFERING and conflicts there.
    assert_eq!(
        found,
        [
            "82:1: error: BUFFERING on `stop` is declared as a [[no_transition]] but a \
             transition also handles it"
        ],
        "{found:#?}"
    );
    let shadowed = format!(
        "{PLAYER}\n[[no_transition]]\nfrom = \"LOADING\"\nevent = \"play\"\nkind = \"drop\"\n\
         cite = \"manual 5\"\n\n[[transition]]\nfrom = \"BUFFERING\"\nevent = \"play\"\n\
         to = \"PLAYING\"\n"
    );
    assert_eq!(
        diagnostics(&shadowed),
        [
            "82:1: warning: this [[no_transition]] entry on `play` declared on group `LOADING` \
             applies to no state: every state inside handles `play` itself; the innermost \
             declaration wins: remove this [[no_transition]] entry, or the states' own"
        ]
    );
}

#[test]
fn a_deviation_on_a_group_applies_to_every_state_inside_it() {
    let text = format!(
        "{PLAYER}\n[[deviation]]\nfrom = [\"ACTIVE\", \"PLAYING\"]\nevent = \"tick\"\n\
         reason = \"manual 6\"\n"
    );
    assert_eq!(diagnostics(&text), Vec::<String>::new());
    let spec = spec(&text);
    let deviations: Vec<String> = spec
        .deviations
        .iter()
        .map(|d| format!("{} {}", spec.state(d.from).name, spec.event(d.event).name))
        .collect();
    // PLAYING is named twice (in ACTIVE and alone) and declared once.
    assert_eq!(
        deviations,
        ["PLAYING tick", "PAUSED tick", "BUFFERING tick"]
    );
}

#[test]
fn an_unknown_name_in_a_no_transition_or_deviation_suggests_states_and_groups() {
    for table in ["[[no_transition]]", "[[deviation]]"] {
        let text = format!(
            "{PLAYER}\n{table}\nfrom = \"ACTIV\"\nevent = \"play\"\nkind = \"drop\"\n\
             cite = \"manual 7\"\nreason = \"manual 7\"\n"
        );
        let found = diagnostics(&text);
        assert!(
            found
                .iter()
                .any(|d| d.starts_with("83:8: error: unknown state `ACTIV`")
                    && d.contains("did you mean `ACTIVE`?")),
            "{table}: {found:#?}"
        );
    }
}
