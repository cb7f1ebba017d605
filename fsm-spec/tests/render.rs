//! Diagrams of the bundled TCP spec: DOT and Mermaid snapshots, and SVG properties that a
//! reader relies on (deterministic, every state and label present, no overlapping text).

use fsm_spec::render::{self, Arcs, Highlight, Options, svg};
use fsm_spec::{SourceFile, Spec};

const TCP: &str = include_str!("../../tcp-fsm/tcp.toml");

fn tcp() -> Spec {
    Spec::from_source(&SourceFile::new("tcp.toml", TCP)).unwrap()
}

fn paths(spec: &Spec) -> Vec<Highlight> {
    let run = |name: &str, color: &str, events: &[&str]| {
        let ids: Vec<_> = events
            .iter()
            .map(|e| spec.event_named(e).unwrap())
            .collect();
        Highlight::run(spec, name, color, &ids).unwrap()
    };
    vec![
        run(
            "client",
            "#1f77b4",
            &[
                "active_open",
                "rcv_syn_ack",
                "close",
                "rcv_ack",
                "rcv_fin",
                "timeout_2msl",
            ],
        ),
        run(
            "server",
            "#d62728",
            &[
                "passive_open",
                "rcv_syn",
                "rcv_ack",
                "rcv_fin",
                "close",
                "rcv_ack",
            ],
        ),
    ]
}

#[test]
fn dot_of_figure6_with_the_blog_paths() {
    let spec = tcp();
    let options = Options {
        arcs: Arcs::Figure6,
        highlights: paths(&spec),
    };
    insta::assert_snapshot!(render::dot(&spec, &options));
}

#[test]
fn dot_of_every_transition() {
    insta::assert_snapshot!(render::dot(&tcp(), &Options::all()));
}

#[test]
fn mermaid_of_figure6() {
    insta::assert_snapshot!(render::mermaid(&tcp(), &Options::figure6()));
}

#[test]
fn mermaid_of_every_transition() {
    insta::assert_snapshot!(render::mermaid(&tcp(), &Options::all()));
}

#[test]
fn figure6_arcs_merge_into_one_edge_per_pair_of_states() {
    let spec = tcp();
    let edges = render::edges(&spec, &Options::figure6());
    let figure6 = spec
        .transitions
        .iter()
        .filter(|t| t.has_tag("figure6"))
        .count();
    // Figure 6 draws 19 arcs between 19 distinct pairs of states.
    assert_eq!((figure6, edges.len()), (19, 19));
    let line = |from: &str, to: &str| {
        let (from, to) = (
            spec.state_named(from).unwrap(),
            spec.state_named(to).unwrap(),
        );
        edges
            .iter()
            .find(|e| e.from == from && e.to == to)
            .map(|e| e.lines.join(" | "))
    };
    assert_eq!(
        line("LISTEN", "SYN_RECEIVED").as_deref(),
        Some("rcv SYN / snd SYN,ACK")
    );
    assert_eq!(
        line("CLOSE_WAIT", "LAST_ACK").as_deref(),
        Some("CLOSE / snd FIN")
    );
    assert_eq!(line("TIME_WAIT", "CLOSED").as_deref(), Some("Timeout=2MSL"));
}

#[test]
fn transitions_with_one_output_share_a_line() {
    let spec = tcp();
    let edges = render::edges(&spec, &Options::all());
    let (from, to) = (
        spec.state_named("ESTABLISHED").unwrap(),
        spec.state_named("CLOSED").unwrap(),
    );
    let edge = edges.iter().find(|e| e.from == from && e.to == to).unwrap();
    assert_eq!(
        edge.lines,
        [
            "ABORT, rcv SYN, rcv bad security / snd RST",
            "rcv RST, USER TIMEOUT"
        ]
    );
}

#[test]
fn svg_is_deterministic_and_names_every_state() {
    let spec = tcp();
    let options = Options {
        arcs: Arcs::All,
        highlights: paths(&spec),
    };
    let first = svg::svg(&spec, &options);
    assert_eq!(first, svg::svg(&spec, &options));
    assert!(first.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    for state in &spec.states {
        assert!(
            first.contains(&format!(">{}</text>", state.name)),
            "{}",
            state.name
        );
    }
    assert!(first.contains(">rcv SYN / snd SYN,ACK</text>"));
}

#[test]
fn no_two_texts_of_the_svg_overlap() {
    let spec = tcp();
    for arcs in [Arcs::All, Arcs::Figure6, Arcs::NoSelfLoops] {
        let options = Options {
            arcs,
            highlights: paths(&spec),
        };
        let boxes = svg::text_boxes(&spec, &options);
        assert!(boxes.len() > spec.states.len());
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                assert!(
                    !a.overlaps(b),
                    "{arcs:?}: `{}` overlaps `{}`",
                    a.text,
                    b.text
                );
            }
        }
    }
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
