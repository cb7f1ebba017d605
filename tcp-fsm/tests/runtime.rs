//! The runtime API agrees with the spec as `fsm-spec` reads it, for every state and event.

use tcp_fsm::Opened;
use tcp_fsm::runtime::{self, Event, Output, State, Step, TRANSITIONS};

fn runtime_state(spec: &fsm_spec::Spec, id: fsm_spec::StateId) -> State {
    let name = &spec.state(id).name;
    State::ALL
        .into_iter()
        .find(|s| s.name() == name)
        .unwrap_or_else(|| panic!("no runtime state named {name}"))
}

#[test]
fn states_and_events_are_the_specs_in_order() {
    let spec = spec();
    let states: Vec<&str> = State::ALL.iter().map(|s| s.name()).collect();
    let spec_states: Vec<&str> = spec.states.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(states, spec_states);
    let events: Vec<&str> = Event::ALL.iter().map(|e| e.name()).collect();
    let spec_events: Vec<&str> = spec.events.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(events, spec_events);
    assert_eq!(State::INITIAL.name(), spec.initial_state().name);
    assert_eq!(TRANSITIONS.len(), spec.transitions.len());
}

#[test]
fn step_agrees_with_the_spec_for_every_state_and_event() {
    let spec = spec();
    let mut legal = 0;
    for (s, &state) in State::ALL.iter().enumerate() {
        for (e, &event) in Event::ALL.iter().enumerate() {
            let expected: Vec<_> = spec
                .transitions_on(fsm_spec::StateId(s), fsm_spec::EventId(e))
                .collect();
            let pair = format!("{state} on {event}");
            match runtime::step(state, event) {
                Err(illegal) => {
                    assert!(expected.is_empty(), "{pair}: step says illegal");
                    assert_eq!((illegal.state, illegal.event), (state, event));
                }
                Ok(step) => {
                    legal += 1;
                    assert_eq!(
                        matches!(step, Step::Guarded(_)),
                        expected.len() > 1,
                        "{pair}: guarded or not"
                    );
                    let got = step.transitions();
                    assert_eq!(got.len(), expected.len(), "{pair}: number of transitions");
                    for (got, want) in got.iter().zip(&expected) {
                        assert_eq!((got.from, got.event), (state, event), "{pair}");
                        assert_eq!(got.to, runtime_state(&spec, want.to), "{pair}: target");
                        assert_eq!(got.output.map(Output::text), want.send.as_deref(), "{pair}");
                        assert_eq!(got.guard, want.guard.as_deref(), "{pair}: guard");
                        assert_eq!(got.cite, want.cite.as_deref(), "{pair}: cite");
                        assert_eq!(got.doc, want.doc.as_deref().unwrap_or(""), "{pair}: doc");
                        assert_eq!(got.tags, want.tags, "{pair}: tags");
                    }
                }
            }
        }
    }
    let mut pairs: Vec<_> = spec.transitions.iter().map(|t| (t.from, t.event)).collect();
    pairs.sort();
    pairs.dedup();
    assert_eq!(legal, pairs.len(), "legal (state, event) pairs in tcp.toml");
}

#[test]
fn legal_events_and_states_match_step() {
    for state in State::ALL {
        for event in Event::ALL {
            let legal = runtime::step(state, event).is_ok();
            assert_eq!(
                state.legal_events().contains(&event),
                legal,
                "{state} {event}"
            );
            assert_eq!(event.legal_in().contains(&state), legal, "{state} {event}");
        }
    }
}

#[test]
fn guards_decide_the_reset_in_syn_received() {
    let step = runtime::step(State::SynReceived, Event::RcvRst).expect("legal");
    assert_eq!(step.decide(&Opened::Passive).to, State::Listen);
    assert_eq!(step.decide(&Opened::Active).to, State::Closed);
    assert_eq!(
        step.decide(&Opened::Passive).to_string(),
        "SYN_RECEIVED --rcv_rst [passive_open]--> LISTEN"
    );
    let established = runtime::step(State::Listen, Event::RcvSyn).expect("legal");
    assert_eq!(
        established.decide(&Opened::Active).to_string(),
        "LISTEN --rcv_syn--> SYN_RECEIVED / SYN,ACK"
    );
}

#[test]
fn illegal_pairs_say_where_the_event_is_legal() {
    let error = runtime::step(State::Listen, Event::Timeout2msl).expect_err("illegal");
    assert_eq!(
        error.to_string(),
        "LISTEN has no transition on `timeout_2msl`; it is legal in TIME_WAIT"
    );
}

#[test]
fn names_aliases_and_labels_parse() {
    let spec = spec();
    for state in &spec.states {
        for name in std::iter::once(&state.name).chain(&state.aliases) {
            let parsed: State = name.parse().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(parsed.name(), state.name, "{name}");
        }
    }
    for event in &spec.events {
        for name in [event.name.clone(), event.display_label()] {
            let parsed: Event = name.parse().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(parsed.name(), event.name, "{name}");
        }
    }
    assert_eq!("syn-rcvd".parse(), Ok(State::SynReceived));
    assert_eq!("Fin Wait 2".parse(), Ok(State::FinWait2));
    assert_eq!("TIMEOUT_2MSL".parse(), Ok(Event::Timeout2msl));
    let error = "SYN_ACKED".parse::<State>().expect_err("no such state");
    assert!(
        error
            .to_string()
            .starts_with("`SYN_ACKED` is not a state of `Tcp`; expected one of: CLOSED, LISTEN,")
    );
    assert_eq!(error.input(), "SYN_ACKED");
}

#[test]
fn display_prints_the_specs_names() {
    assert_eq!(State::SynReceived.to_string(), "SYN_RECEIVED");
    assert_eq!(format!("{:>12}", State::Listen), "      LISTEN");
    assert_eq!(Event::RcvSynAck.to_string(), "rcv_syn_ack");
    assert_eq!(Event::RcvSynAck.label(), "rcv SYN,ACK");
    assert_eq!(Output::SynAck.to_string(), "SYN,ACK");
    assert_eq!(State::Closed.aliases(), ["CLOSE", "UNCONN"]);
}

/// The bundled spec, parsed by the spec crate: the oracle the generated code is checked against.
fn spec() -> fsm_spec::Spec {
    let source = fsm_spec::SourceFile::new(tcp_fsm::SPEC_NAME, tcp_fsm::SPEC_SOURCE);
    fsm_spec::Spec::from_source(&source).expect("the bundled spec checks")
}
