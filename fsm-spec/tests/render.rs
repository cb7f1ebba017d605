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
