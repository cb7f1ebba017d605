//! The bundled TCP spec against the paths of the blog and RFC 793, as event sequences run on
//! the `fsm-spec` model.

use fsm_spec::{EventId, Spec, StateId, Transition};

fn spec() -> Spec {
    tcp_engine::spec()
}

fn events(spec: &Spec, names: &[&str]) -> Vec<EventId> {
    names
        .iter()
        .map(|name| {
            spec.event_named(name)
                .unwrap_or_else(|| panic!("no event {name}"))
        })
        .collect()
}

fn state(spec: &Spec, name: &str) -> StateId {
    spec.state_named(name)
        .unwrap_or_else(|| panic!("no state {name}"))
}

/// Runs `names` from `start` and returns the visited states' names. Guarded choices take the
/// transition whose guard is `guard`.
fn walk(spec: &Spec, start: &str, names: &[&str], guard: &str) -> Vec<String> {
    let choose = |options: &[&Transition]| {
        options
            .iter()
            .position(|t| t.guard.as_deref() == Some(guard))
            .unwrap_or(usize::MAX)
    };
    let path = spec
        .run(state(spec, start), &events(spec, names), choose)
        .unwrap_or_else(|at| {
            panic!(
                "event `{}` is not accepted after {:?}",
                names[at],
                &names[..at]
            )
        });
    path.iter().map(|&s| spec.state(s).name.clone()).collect()
}

#[test]
fn the_bundled_spec_is_clean_without_warnings() {
    let report = fsm_spec::check(&tcp_engine::spec_source());
    assert!(report.diagnostics.is_empty(), "{}", report.diagnostics);
}

#[test]
fn it_has_the_eleven_states_of_rfc_793() {
    let spec = spec();
    let names: Vec<&str> = spec.states.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "CLOSED",
            "LISTEN",
            "SYN_SENT",
            "SYN_RECEIVED",
            "ESTABLISHED",
            "FIN_WAIT_1",
            "FIN_WAIT_2",
            "CLOSE_WAIT",
            "CLOSING",
            "LAST_ACK",
            "TIME_WAIT",
        ]
    );
    assert_eq!(spec.initial_state().name, "CLOSED");
}

#[test]
fn every_transition_cites_rfc_793_or_its_successor() {
    let spec = spec();
    assert!(
        spec.machine.require_cite,
        "tcp.toml must keep asking for citations"
    );
    for t in &spec.transitions {
        let cite = t.cite.as_deref().unwrap_or_default();
        assert!(
            cite.starts_with("RFC "),
            "{} on {}: cite `{cite}`",
            spec.state(t.from).name,
            spec.event(t.event).name,
        );
    }
    assert!(
        spec.states.iter().all(|s| s.doc.is_some()),
        "every state has a doc"
    );
}

#[test]
fn client_path_of_the_blog() {
    let spec = spec();
    let path = walk(&spec, "CLOSED", tcp_engine::specs::CLIENT_PATH.events, "");
    assert_eq!(
        path,
        [
            "CLOSED",
            "SYN_SENT",
            "ESTABLISHED",
            "FIN_WAIT_1",
            "FIN_WAIT_2",
            "TIME_WAIT",
            "CLOSED"
        ]
    );
}

#[test]
fn server_path_of_the_blog() {
    let spec = spec();
    let path = walk(&spec, "CLOSED", tcp_engine::specs::SERVER_PATH.events, "");
    assert_eq!(
        path,
        [
            "CLOSED",
            "LISTEN",
            "SYN_RECEIVED",
            "ESTABLISHED",
            "CLOSE_WAIT",
            "LAST_ACK",
            "CLOSED"
        ]
    );
}

#[test]
fn simultaneous_open() {
    let spec = spec();
    let path = walk(
        &spec,
        "CLOSED",
        &["active_open", "rcv_syn", "rcv_syn_ack"],
        "",
    );
    assert_eq!(path, ["CLOSED", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED"]);
}

#[test]
fn simultaneous_close() {
    let spec = spec();
    let path = walk(
        &spec,
        "ESTABLISHED",
        &["close", "rcv_fin", "rcv_ack", "timeout_2msl"],
        "",
    );
    assert_eq!(
        path,
        [
            "ESTABLISHED",
            "FIN_WAIT_1",
            "CLOSING",
            "TIME_WAIT",
            "CLOSED"
        ]
    );
}

#[test]
fn fin_that_acknowledges_our_fin_goes_straight_to_time_wait() {
    let spec = spec();
    let path = walk(&spec, "FIN_WAIT_1", &["rcv_fin_ack"], "");
    assert_eq!(path, ["FIN_WAIT_1", "TIME_WAIT"]);
}

#[test]
fn reset_in_syn_received_depends_on_how_it_was_reached() {
    let spec = spec();
    assert_eq!(
        walk(&spec, "SYN_RECEIVED", &["rcv_rst"], "passive_open"),
        ["SYN_RECEIVED", "LISTEN"]
    );
    assert_eq!(
        walk(&spec, "SYN_RECEIVED", &["rcv_rst"], "active_open"),
        ["SYN_RECEIVED", "CLOSED"]
    );
}

#[test]
fn close_in_close_wait_follows_figure_6_not_section_3_9() {
    let spec = spec();
    assert_eq!(
        walk(&spec, "CLOSE_WAIT", &["close"], ""),
        ["CLOSE_WAIT", "LAST_ACK"]
    );
}

#[test]
fn user_timeout_and_abort_close_every_open_connection() {
    let spec = spec();
    for s in spec.states.iter().filter(|s| s.name != "CLOSED") {
        assert_eq!(
            walk(&spec, &s.name, &["user_timeout"], "").last().unwrap(),
            "CLOSED",
            "{}",
            s.name
        );
        assert_eq!(
            walk(&spec, &s.name, &["abort"], "").last().unwrap(),
            "CLOSED",
            "{}",
            s.name
        );
    }
}

#[test]
fn a_call_that_is_an_error_in_the_rfc_is_not_a_transition() {
    // RFC 793 3.9 CLOSE call, FIN-WAIT-1 STATE: "error: connection closing".
    let spec = spec();
    let close = spec.event_named("close").unwrap();
    assert!(
        spec.transitions_on(state(&spec, "FIN_WAIT_1"), close)
            .next()
            .is_none()
    );
    assert!(
        spec.transitions_on(state(&spec, "TIME_WAIT"), close)
            .next()
            .is_none()
    );
}
