//! The sequence diagrams checked into `docs/sequences/` are what `tcp-fsm simulate` draws
//! today for RFC 793's figures. Set `UPDATE_SEQUENCES=1` to rewrite them.

use fsm_spec::SourceFile;
use std::path::Path;
use tcp_engine::interpreter::Interpreter;
use tcp_engine::scenario::{Scenario, simulate};
use tcp_engine::transcript::sequence;

const FIGURES: [&str; 8] = [
    "rfc793-figure-07",
    "rfc793-figure-08",
    "rfc793-figure-09",
    "rfc793-figure-10",
    "rfc793-figure-11",
    "rfc793-figure-12",
    "rfc793-figure-13",
    "rfc793-figure-14",
];

#[test]
fn checked_in_sequence_diagrams_are_up_to_date() {
    let engine = Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = test_support::repository().join("docs/sequences");
    let spec = tcp_engine::spec();
    let rules = Interpreter::new(&spec).unwrap();
    let update = std::env::var_os("UPDATE_SEQUENCES").is_some();
    let mut stale = Vec::new();
    for name in FIGURES {
        let path = engine.join(format!("scenarios/{name}.toml"));
        let text = std::fs::read_to_string(&path).unwrap();
        let scenario = Scenario::parse(SourceFile::new(format!("{name}.toml"), text)).unwrap();
        let transcript = simulate(&rules, &scenario).unwrap();
        for (extension, drawn) in [
            ("mmd", sequence::mermaid(&transcript)),
            ("svg", sequence::svg(&transcript)),
        ] {
            let file = docs.join(format!("{name}.{extension}"));
            if update {
                std::fs::write(&file, &drawn).unwrap();
            } else if std::fs::read_to_string(&file).ok().as_deref() != Some(drawn.as_str()) {
                stale.push(format!("docs/sequences/{name}.{extension}"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale sequence diagrams: {}\nregenerate them with:\n  \
         UPDATE_SEQUENCES=1 cargo test -p tcp-fsm-tools --test sim_diagrams",
        stale.join(", ")
    );
}

#[test]
fn diagrams_show_every_segment_of_the_figure() {
    let engine = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(engine.join("scenarios/rfc793-figure-14.toml")).unwrap();
    let scenario = Scenario::parse(SourceFile::new("f14.toml", text)).unwrap();
    let spec = tcp_engine::spec();
    let transcript = simulate(&Interpreter::new(&spec).unwrap(), &scenario).unwrap();
    let mermaid = sequence::mermaid(&transcript);
    let svg = sequence::svg(&transcript);
    for segment in [
        "<SEQ=100><ACK=300><CTL=FIN,ACK>",
        "<SEQ=300><ACK=100><CTL=FIN,ACK>",
        "<SEQ=101><ACK=301><CTL=ACK>",
        "<SEQ=301><ACK=101><CTL=ACK>",
    ] {
        let escaped = segment.replace('<', "#lt;").replace('>', "#gt;");
        assert!(
            mermaid.contains(&escaped),
            "{segment} missing from\n{mermaid}"
        );
        assert!(svg.contains(&segment.replace('<', "&lt;").replace('>', "&gt;")));
    }
    // Two crossing FINs and two crossing ACKs: four arrows besides the two lifelines.
    assert_eq!(svg.matches("<line ").count(), 6);
    assert_eq!(mermaid.matches("Note left of A: (2 MSL)").count(), 1);
}
