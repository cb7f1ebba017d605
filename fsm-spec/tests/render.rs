//! The renderers on a spec of their own (the door of the macro's tests): what each format
//! must show. The TCP spec's diagrams are snapshot-tested in `tcp-fsm/tests/render.rs`.

use fsm_spec::render::{self, Arcs, Highlight, Options, svg};
use fsm_spec::{SourceFile, Spec};

fn door() -> Spec {
    let text = test_support::DOOR;
    Spec::from_source(&SourceFile::new("door.toml", text)).unwrap()
}

fn events(spec: &Spec, names: &[&str]) -> Vec<fsm_spec::EventId> {
    names.iter().map(|n| spec.event_named(n).unwrap()).collect()
}

#[test]
fn every_format_names_every_state_and_merged_labels() {
    let spec = door();
    let options = Options::all();
    let outputs = [
        render::dot(&spec, &options),
        render::mermaid(&spec, &options),
        svg::svg(&spec, &options),
    ];
    for text in &outputs {
        for state in &spec.states {
            assert!(
                text.contains(&state.name),
                "{} missing in\n{text}",
                state.name
            );
        }
        // The two kicks merge into edges labelled with their output.
        assert!(text.contains("CRASH"), "{text}");
    }
}

#[test]
fn tagged_arcs_and_self_loops_are_left_out_on_request() {
    let mut spec = door();
    spec.transitions[0].tags.push("short".into());
    let only_tagged = Options::tagged("short");
    let shown: Vec<usize> = (0..spec.transitions.len())
        .filter(|&i| only_tagged.shows(&spec, i))
        .collect();
    assert_eq!(shown, [0]);
    let no_loops = Options {
        arcs: Arcs::NoSelfLoops,
        highlights: Vec::new(),
    };
    let wrong_key = spec
        .transitions
        .iter()
        .position(|t| t.guard.as_deref() == Some("wrong_key"))
        .unwrap();
    assert!(
        !no_loops.shows(&spec, wrong_key),
        "LOCKED -> LOCKED is a self-loop"
    );
}

#[test]
fn a_highlighted_path_is_drawn_in_its_colour_and_the_svg_is_deterministic() {
    let spec = door();
    let path = Highlight::run(
        &spec,
        "visit",
        "#009e73",
        &events(&spec, &["open", "close"]),
    );
    let options = Options {
        arcs: Arcs::All,
        highlights: vec![path.unwrap()],
    };
    let dot = render::dot(&spec, &options);
    assert!(dot.contains("#009e73"), "{dot}");
    assert_eq!(svg::svg(&spec, &options), svg::svg(&spec, &options));
    assert_eq!(
        Highlight::run(&spec, "bad", "red", &events(&spec, &["close"])),
        Err(0),
        "CLOSED has no `close`"
    );
}

#[test]
fn user_text_is_escaped_in_every_format() {
    let text = r#"
[machine]
name = "Odd"
initial = "A"
[states.A]
doc = "<script>alert('x')</script> & \"quotes\""
[states.B]
[events.go]
kind = "call"
label = "go\"; x=<1> # {y}"
[[transition]]
from = "A"
event = "go"
to = "B"
send = "a\\b"
cite = "test"
"#;
    let spec = Spec::from_source(&SourceFile::new("odd.toml", text)).unwrap();
    let svg = svg::svg(&spec, &Options::all());
    assert!(!svg.contains("<script>"));
    assert!(
        svg.contains("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; &quot;quotes&quot;")
    );
    let dot = render::dot(&spec, &Options::all());
    assert!(
        dot.contains(r#"label="go\"; x=<1> # {y} / snd a\\b""#),
        "{dot}"
    );
    let mermaid = render::mermaid(&spec, &Options::all());
    assert!(
        mermaid.contains("A --> B: go#quot;#59; x=#lt;1#gt; #35; #123;y#125; / snd a\\b"),
        "{mermaid}"
    );
}

/// The player: POWERED holds PLAYING_MODES (PLAYING, PAUSED) and STOPPED; `power_off` and
/// `reset` are declared on POWERED, `stop` on PLAYING_MODES, and `power_on` enters POWERED.
fn player() -> Spec {
    Spec::from_source(&SourceFile::new("player.toml", test_support::PLAYER)).unwrap()
}

/// How many lines of `text` contain every one of `parts`.
fn lines_with(text: &str, parts: &[&str]) -> usize {
    text.lines()
        .filter(|line| parts.iter().all(|p| line.contains(p)))
        .count()
}

#[test]
fn dot_draws_groups_as_nested_clusters_and_a_group_transition_once_from_its_cluster() {
    let spec = player();
    let dot = render::dot(&spec, &Options::all());
    assert!(dot.contains("compound=true;"), "{dot}");
    let powered = dot.find("subgraph \"cluster_POWERED\" {").unwrap();
    let modes = dot
        .find("    subgraph \"cluster_PLAYING_MODES\" {")
        .unwrap();
    assert!(
        powered < modes,
        "PLAYING_MODES is drawn inside POWERED:\n{dot}"
    );
    // POWERED's `power_off` (PLAYING and STOPPED take it) is one arc from the cluster;
    // PAUSED's own is another.
    assert_eq!(lines_with(&dot, &["label=\"power_off\""]), 1, "{dot}");
    assert!(
        dot.contains("\"PLAYING\" -> \"OFF\" [label=\"power_off\", ltail=\"cluster_POWERED\"];"),
        "{dot}"
    );
    assert!(
        dot.contains(
            "\"PLAYING\" -> \"STOPPED\" [label=\"stop\", ltail=\"cluster_PLAYING_MODES\"];"
        ),
        "{dot}"
    );
    // `to = "POWERED"` ends at the cluster; the group's own `initial` is a dot inside it.
    assert!(
        dot.contains("\"OFF\" -> \"STOPPED\" [label=\"power_on\", lhead=\"cluster_POWERED\"];"),
        "{dot}"
    );
    assert!(
        dot.contains("\"__initial_POWERED\" -> \"STOPPED\";"),
        "{dot}"
    );
    // Graphviz cannot clip `reset` (POWERED to STOPPED, inside it) at the cluster: it
    // leaves a point in the cluster instead of a state.
    assert!(
        dot.contains("\"__group_POWERED\" -> \"STOPPED\" [label=\"reset\"];"),
        "{dot}"
    );
}

#[test]
fn flat_dot_draws_a_group_transition_from_every_state_it_applies_to() {
    let dot = render::dot(&player().flattened(), &Options::all());
    assert!(
        !dot.contains("cluster") && !dot.contains("compound"),
        "{dot}"
    );
    assert_eq!(lines_with(&dot, &["-> \"OFF\"", "label=\"power_off\""]), 2);
    assert_eq!(lines_with(&dot, &["-> \"STOPPED\"", "reset"]), 3, "{dot}");
}

#[test]
fn mermaid_draws_groups_as_composite_states_and_a_group_transition_once() {
    let spec = player();
    let text = render::mermaid(&spec, &Options::all());
    assert!(
        text.contains(
            "    state POWERED {\n        [*] --> STOPPED\n        state PLAYING_MODES {\n            [*] --> PLAYING\n            PLAYING\n            PAUSED\n        }\n        STOPPED\n    }\n"
        ),
        "{text}"
    );
    assert_eq!(lines_with(&text, &["--> OFF: power_off"]), 2, "{text}");
    assert!(text.contains("    POWERED --> OFF: power_off\n"), "{text}");
    assert!(text.contains("    PAUSED --> OFF: power_off / snd SAVE_POSITION\n"));
    assert!(
        text.contains("    PLAYING_MODES --> STOPPED: stop\n"),
        "{text}"
    );
    assert!(text.contains("    OFF --> POWERED: power_on\n"), "{text}");
    let flat = render::mermaid(&spec.flattened(), &Options::all());
    assert!(!flat.contains("state "), "{flat}");
    assert_eq!(lines_with(&flat, &["--> OFF: power_off"]), 3, "{flat}");
    assert_eq!(lines_with(&flat, &["--> STOPPED: reset"]), 3, "{flat}");
}

#[test]
fn plantuml_draws_groups_as_composite_states_and_a_group_transition_once() {
    let spec = player();
    let text = render::plantuml(&spec, &Options::all());
    assert!(
        text.contains(
            "state POWERED {\n  [*] --> STOPPED\n  state PLAYING_MODES {\n    [*] --> PLAYING\n    state PLAYING\n    state PAUSED\n  }\n  state STOPPED\n}\n"
        ),
        "{text}"
    );
    assert!(text.contains("\nPOWERED --> OFF : power_off\n"), "{text}");
    assert!(text.contains("\nPOWERED --> STOPPED : reset\n"), "{text}");
    assert_eq!(lines_with(&text, &[": reset"]), 1, "{text}");
    assert!(text.contains("\nOFF --> POWERED : power_on\n"), "{text}");
    let flat = render::plantuml(&spec.flattened(), &Options::all());
    assert!(!flat.contains('{'), "{flat}");
    assert_eq!(lines_with(&flat, &[": reset"]), 3, "{flat}");
}

#[test]
fn the_player_in_every_diagram_format() {
    let spec = player();
    let options = Options::all();
    insta::assert_snapshot!("player_dot", render::dot(&spec, &options));
    insta::assert_snapshot!("player_mermaid", render::mermaid(&spec, &options));
    insta::assert_snapshot!("player_plantuml", render::plantuml(&spec, &options));
}

#[test]
fn svg_draws_each_group_as_a_box_around_its_states_and_nested_boxes_inside() {
    let spec = player();
    assert_eq!(svg::problems(&spec, &Options::all()), Vec::<String>::new());
    let frames = svg::group_frames(&spec, &Options::all());
    let names: Vec<&str> = frames.iter().map(|f| f.text.as_str()).collect();
    assert_eq!(names, ["POWERED", "PLAYING_MODES"], "outer boxes first");
    let text = svg::svg(&spec, &Options::all());
    assert_eq!(svg::svg(&spec, &Options::all()), text, "deterministic");
    assert!(text.contains(">POWERED</text>") && text.contains(">PLAYING_MODES</text>"));
    // Each group's start dot: a transition to POWERED enters STOPPED.
    assert_eq!(text.matches("r=\"4\"").count(), 2, "{text}");
    let flat = svg::svg(&spec.flattened(), &Options::all());
    assert!(svg::group_frames(&spec.flattened(), &Options::all()).is_empty());
    assert!(!flat.contains(">POWERED</text>"));
}

#[test]
fn svg_draws_a_group_transition_once_from_the_box() {
    let spec = player();
    let text = svg::interactive(&spec, &Options::all());
    let edges = |from: &str, to: &str| {
        text.matches(&format!("data-from=\"{from}\" data-to=\"{to}\""))
            .count()
    };
    assert_eq!(edges("POWERED", "OFF"), 1, "{text}");
    assert_eq!(edges("PLAYING", "OFF"), 0);
    assert_eq!(edges("PAUSED", "OFF"), 1);
    assert_eq!(edges("POWERED", "STOPPED"), 1);
    assert_eq!(edges("PLAYING_MODES", "STOPPED"), 1);
    assert_eq!(edges("OFF", "POWERED"), 1);
    assert!(text.contains("<g class=\"group\" data-group=\"POWERED\" tabindex=\"0\">"));
    let flat = svg::interactive(&spec.flattened(), &Options::all());
    let flat_edges = |from: &str, to: &str| {
        flat.matches(&format!("data-from=\"{from}\" data-to=\"{to}\""))
            .count()
    };
    assert_eq!(flat_edges("POWERED", "OFF"), 0);
    assert_eq!(flat_edges("PLAYING", "OFF"), 1);
    assert_eq!(flat_edges("STOPPED", "OFF"), 1);
    assert_eq!(flat_edges("PLAYING", "STOPPED"), 1);
    assert_eq!(flat_edges("OFF", "STOPPED"), 1);
    assert!(!flat.contains("class=\"group\""));
}

/// A group whose rows hold states of no group beside it: X, Z and W must stay out of the
/// box of G (B, C, D), which spans their rows.
const BESIDE: &str = r#"
[machine]
name = "Beside"
initial = "A"
[states.A]
[states.B]
[states.C]
[states.D]
[states.X]
[states.Z]
[states.W]
[groups.G]
states = ["B", "C", "D"]
[events.go]
kind = "call"
[events.back]
kind = "call"
[[transition]]
from = "A"
event = "go"
to = "B"
[[transition]]
from = "A"
event = "back"
to = "X"
[[transition]]
from = "B"
event = "go"
to = "C"
[[transition]]
from = "C"
event = "go"
to = "D"
[[transition]]
from = "X"
event = "go"
to = "Z"
[[transition]]
from = "Z"
event = "go"
to = "W"
[[transition]]
from = "Z"
event = "back"
to = "C"
[[transition]]
from = "G"
event = "back"
to = "W"
"#;

#[test]
fn states_on_the_rows_of_a_group_stay_out_of_its_box() {
    let spec = Spec::from_source(&SourceFile::new("beside.toml", BESIDE)).unwrap();
    for arcs in [Arcs::All, Arcs::NoSelfLoops] {
        let options = Options {
            arcs,
            highlights: Vec::new(),
        };
        assert_eq!(svg::problems(&spec, &options), Vec::<String>::new());
    }
    let text = svg::interactive(&spec, &Options::all());
    assert_eq!(text.matches("data-from=\"G\" data-to=\"W\"").count(), 1);
}
