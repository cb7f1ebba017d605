//! Diagrams of the bundled TCP spec: DOT and Mermaid snapshots, and SVG properties that a
//! reader relies on (deterministic, every state and label present, no overlapping text).

use fsm_spec::Spec;
use fsm_spec::render::{self, Arcs, Highlight, Options, svg};

fn tcp() -> Spec {
    tcp_engine::spec()
}

/// The blog's two paths, as `report` draws them on Figure 6.
fn paths(spec: &Spec) -> Vec<Highlight> {
    tcp_engine::specs::BLOG_PATHS
        .iter()
        .map(|path| {
            let ids: Vec<_> = path
                .events
                .iter()
                .map(|e| spec.event_named(e).unwrap())
                .collect();
            Highlight::run(spec, path.name, path.color, &ids).unwrap()
        })
        .collect()
}

#[test]
fn dot_of_figure6_with_the_blog_paths() {
    let spec = tcp();
    let options = Options {
        arcs: Arcs::Tagged("figure6".into()),
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
    insta::assert_snapshot!(render::mermaid(&tcp(), &Options::tagged("figure6")));
}

#[test]
fn mermaid_of_every_transition() {
    insta::assert_snapshot!(render::mermaid(&tcp(), &Options::all()));
}

#[test]
fn figure6_arcs_merge_into_one_edge_per_pair_of_states() {
    let spec = tcp();
    let edges = render::edges(&spec, &Options::tagged("figure6"));
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
    let spec = tcp().flattened();
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
fn the_transitions_declared_on_synchronized_are_one_edge_from_it() {
    let spec = tcp();
    let edges = render::edges(&spec, &Options::all());
    let synchronized = spec.group_named("SYNCHRONIZED").unwrap();
    let closed = spec.state_named("CLOSED").unwrap();
    let from_group: Vec<_> = edges
        .iter()
        .filter(|e| e.from_group == Some(synchronized))
        .collect();
    assert_eq!(from_group.len(), 1, "{from_group:?}");
    let edge = from_group[0];
    assert_eq!(edge.to, closed);
    assert_eq!(
        edge.lines,
        ["rcv SYN, rcv bad security / snd RST", "USER TIMEOUT"]
    );
    // Seven states take rcv_syn and user_timeout from the group, six rcv_bad_security
    // (ESTABLISHED has its own).
    assert_eq!(edge.transitions.len(), 7 + 7 + 6);
    let established = spec.state_named("ESTABLISHED").unwrap();
    let own = edges
        .iter()
        .find(|e| e.from == established && e.to == closed && e.from_group.is_none())
        .unwrap();
    assert_eq!(own.lines, ["ABORT, rcv bad security / snd RST", "rcv RST"]);
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
    for arcs in [Arcs::All, Arcs::Tagged("figure6".into()), Arcs::NoSelfLoops] {
        let options = Options {
            arcs: arcs.clone(),
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
fn the_group_boxes_of_both_specs_hold_their_states_and_no_other() {
    let rfc9293 = tcp_engine::specs::bundled("tcp9293").unwrap();
    let rfc9293 = Spec::from_source(&rfc9293.source_file()).unwrap();
    for (spec, figure) in [(tcp(), "figure6"), (rfc9293, "figure5")] {
        for arcs in [Arcs::All, Arcs::Tagged(figure.into()), Arcs::NoSelfLoops] {
            let options = Options {
                arcs: arcs.clone(),
                highlights: paths(&spec),
            };
            let frames = svg::group_frames(&spec, &options);
            let names: Vec<&str> = frames.iter().map(|f| f.text.as_str()).collect();
            assert_eq!(names, ["NON_SYNCHRONIZED", "SYNCHRONIZED"], "{arcs:?}");
            assert_eq!(
                svg::problems(&spec, &options),
                Vec::<String>::new(),
                "{}, {arcs:?}",
                spec.machine.name
            );
        }
    }
}

#[test]
fn the_svg_draws_synchronized_s_transitions_once_from_its_box() {
    let spec = tcp();
    let text = svg::interactive(&spec, &Options::all());
    let from = |name: &str| text.matches(&format!("data-from=\"{name}\"")).count();
    assert_eq!(
        from("SYNCHRONIZED"),
        1,
        "one edge: rcv SYN, rcv bad security, USER TIMEOUT"
    );
    assert_eq!(from("NON_SYNCHRONIZED"), 1, "USER TIMEOUT");
    assert!(text.contains(">USER TIMEOUT</text>"));
    let flat = svg::interactive(&spec.flattened(), &Options::all());
    assert_eq!(flat.matches("data-from=\"SYNCHRONIZED\"").count(), 0);
    assert!(!flat.contains("class=\"group\""));
}

#[test]
fn plantuml_of_rfc793_figure6_with_a_highlighted_path() {
    let spec = tcp_engine::specs::RFC793.spec();
    let events: Vec<_> = ["passive_open", "rcv_syn", "rcv_ack"]
        .iter()
        .map(|e| spec.event_named(e).unwrap())
        .collect();
    let options = Options {
        arcs: Arcs::Tagged("figure6".into()),
        highlights: vec![Highlight::run(&spec, "server", "#d62728", &events).unwrap()],
    };
    let text = render::plantuml(&spec, &options);
    assert!(
        text.contains("LISTEN -[#d62728,bold]-> SYN_RECEIVED"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

/// `diagram --flat` draws as before groups existed: these snapshots are the ones of the
/// bundled spec from before it had groups, unchanged.
#[test]
fn flat_dot_and_mermaid_are_the_drawings_of_the_spec_before_groups() {
    let flat = tcp().flattened();
    insta::assert_snapshot!(
        "dot_of_every_transition_flat",
        render::dot(&flat, &Options::all())
    );
    insta::assert_snapshot!(
        "mermaid_of_every_transition_flat",
        render::mermaid(&flat, &Options::all())
    );
    insta::assert_snapshot!(
        "mermaid_of_figure6_flat",
        render::mermaid(&flat, &Options::tagged("figure6"))
    );
}
