//! Helpers shared by the simulation and exploration tests.

use fsm_spec::{SourceFile, Spec};

/// The bundled spec's text without the transition CLOSING + rcv_ack -> TIME_WAIT: a
/// simultaneous close can then never finish.
pub fn spec_without_closing_ack() -> String {
    let text = tcp_fsm::SPEC_SOURCE;
    let at = text
        .find("from = \"CLOSING\"\nevent = \"rcv_ack\"\nto = \"TIME_WAIT\"")
        .expect("the bundled spec has CLOSING + rcv_ack -> TIME_WAIT");
    let start = text[..at].rfind("[[transition]]").unwrap();
    let end = at + text[at..].find("\n\n").unwrap();
    format!("{}{}", &text[..start], &text[end..])
}

/// The spec of [`spec_without_closing_ack`], parsed.
pub fn mutated_spec() -> Spec {
    let source = SourceFile::new("tcp-without-closing-ack.toml", spec_without_closing_ack());
    Spec::from_source(&source).unwrap_or_else(|e| panic!("{e}"))
}
