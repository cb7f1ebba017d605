//! `tcp-fsm expand`: the code `fsm!` generates, formatted, and the exit codes of a bad spec.

mod cli;
use cli::{tcp_fsm, temp_file, text};

#[test]
fn expanding_the_bundled_spec_prints_the_tcp_api_as_rust() {
    let out = tcp_fsm(&["expand"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let code = text(&out.stdout);
    for item in [
        "pub struct Tcp<S, D = ()>",
        "pub mod runtime",
        "pub struct Machine<G = (), O = ()>",
        "pub trait RcvSynAck<S: state::State, D>",
        "pub fn step(\n        state: State,\n        event: Event,\n    )",
    ] {
        assert!(code.contains(item), "missing `{item}`");
    }
    let file = syn::parse_file(&code).expect("the printed expansion is Rust");
    assert!(file.items.len() >= 7, "{} items", file.items.len());
    // Formatted: one item per line, not one token stream on a line.
    assert!(
        code.lines().count() > 1000,
        "{} lines",
        code.lines().count()
    );
}

#[test]
fn a_spec_with_errors_exits_1_and_an_unreadable_one_2() {
    let broken = tcp_fsm::SPEC_SOURCE.replacen("to = \"SYN_RECEIVED\"", "to = \"SYN_RECIEVED\"", 1);
    let path = temp_file("expand-broken.toml", broken.as_bytes());
    let out = tcp_fsm(&["expand", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "");
    assert!(text(&out.stderr).contains("error: unknown state `SYN_RECIEVED`"));

    let reserved =
        tcp_fsm::SPEC_SOURCE.replacen("[states.LISTEN]", "[states.STATE]\n[states.LISTEN]", 1);
    let path = temp_file("expand-reserved.toml", reserved.as_bytes());
    let out = tcp_fsm(&["expand", path.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the name checks run before generation"
    );
    assert!(text(&out.stderr).contains("would become the Rust type `State`"));

    let out = tcp_fsm(&["expand", "/no/such/spec.toml"]);
    assert_eq!(out.status.code(), Some(2));
}
