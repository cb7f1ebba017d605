//! `tcp.toml` (RFC 793) and `tcp9293.toml` (RFC 9293) name the same machine: the same
//! states with the same aliases, the same events with the same kinds, segments and labels,
//! so the simulator, explorer and tracker read both the same way. `tcp9293.toml` inherits
//! them (`[machine] extends = "tcp.toml"`), so they are declared once; only the docs differ
//! (each quotes its own RFC), and RFC 9293 adds one event.

use fsm_spec::{EventKind, Spec};

fn spec(name: &str) -> Spec {
    let bundled = tcp_engine::specs::bundled(name).expect("a bundled spec");
    Spec::from_source(&bundled.source_file()).unwrap_or_else(|e| panic!("{e}"))
}

fn specs() -> (Spec, Spec) {
    (spec("tcp"), spec("tcp9293"))
}

#[test]
fn the_rfc_9293_spec_declares_no_state_or_event_of_its_own_but_the_in_window_rst() {
    let text = tcp_fsm::rfc9293::SPEC_SOURCE;
    assert!(text.contains("\nextends = \"tcp.toml\"\n"));
    let (_, rfc9293) = specs();
    assert_eq!(rfc9293.bases, ["tcp-fsm/tcp.toml"]);
    // Kinds, segments and labels are tcp.toml's: tcp9293.toml writes one of each, for the
    // event it adds.
    for key in ["kind = ", "segment = ", "label = ", "aliases = "] {
        let count = text.lines().filter(|l| l.starts_with(key)).count();
        let expected = usize::from(key != "aliases = ");
        assert_eq!(count, expected, "`{key}` in tcp9293.toml");
    }
}

#[test]
fn the_rfc_9293_spec_documents_its_states_with_rfc_9293() {
    let (rfc793, rfc9293) = specs();
    for (old, new) in rfc793.states.iter().zip(&rfc9293.states) {
        let doc = new.doc.as_deref().unwrap_or_default();
        assert!(doc.starts_with("RFC 9293 3.3.2: "), "{}: {doc}", new.name);
        assert!(
            old.doc
                .as_deref()
                .unwrap_or_default()
                .starts_with("RFC 793 3.2: ")
        );
    }
}

#[test]
fn both_specs_have_the_same_states_in_the_same_order_with_the_same_aliases() {
    let (rfc793, rfc9293) = specs();
    let states = |s: &Spec| -> Vec<(String, Vec<String>, bool)> {
        s.states
            .iter()
            .map(|st| (st.name.clone(), st.aliases.clone(), st.is_final))
            .collect()
    };
    assert_eq!(states(&rfc793), states(&rfc9293));
    assert_eq!(rfc793.machine.initial, rfc9293.machine.initial);
}

#[test]
fn every_event_of_tcp_toml_is_in_tcp9293_toml_with_the_same_kind_segment_and_label() {
    let (rfc793, rfc9293) = specs();
    type Shape = (
        String,
        EventKind,
        Option<String>,
        Option<String>,
        Vec<String>,
    );
    let shape = |s: &Spec, name: &str| -> Option<Shape> {
        let e = s.event(s.event_named(name)?);
        Some((
            e.name.clone(),
            e.kind,
            e.segment.clone(),
            e.label.clone(),
            e.aliases.clone(),
        ))
    };
    for event in &rfc793.events {
        assert_eq!(
            shape(&rfc793, &event.name),
            shape(&rfc9293, &event.name),
            "event {} differs between the two specs",
            event.name
        );
    }
    let added: Vec<&str> = rfc9293
        .events
        .iter()
        .map(|e| e.name.as_str())
        .filter(|name| rfc793.event_named(name).is_none())
        .collect();
    assert_eq!(
        added,
        ["rcv_rst_in_window"],
        "RFC 9293 adds only RFC 5961's in-window RST"
    );
}

#[test]
fn the_exact_rst_comes_first_so_a_segment_key_selects_it() {
    // The simulator and the tracker bind a RST to the first receive event with segment RST.
    let (_, rfc9293) = specs();
    let first_rst = rfc9293
        .events
        .iter()
        .find(|e| e.segment.as_deref() == Some("RST"))
        .map(|e| e.name.as_str());
    assert_eq!(first_rst, Some("rcv_rst"));
}
