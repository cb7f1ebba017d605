//! The `#![no_std]` library's functions, run: its typed and runtime paths give what the spec
//! says, and its errors format without an allocator.

use fsm_no_std_check::{
    handshake, handshake_at_run_time, illegal_message, parse_state, runtime, turnstile,
};

#[test]
fn the_typed_handshake_ends_established() {
    assert_eq!(handshake().state(), runtime::State::Established);
}

#[test]
fn the_runtime_handshake_ends_established() {
    assert_eq!(handshake_at_run_time(), Ok(runtime::State::Established));
}

#[test]
fn the_machine_observer_sees_both_transitions() {
    let mut count = 0;
    let state = fsm_no_std_check::transitions_to_established(&mut count);
    assert_eq!((state, count), (runtime::State::Established, 2));
}

#[test]
fn errors_format_into_a_fixed_buffer() {
    let mut buffer = [0u8; 128];
    let len = illegal_message(&mut buffer);
    assert_eq!(
        std::str::from_utf8(&buffer[..len]).unwrap(),
        "LISTEN has no transition on `timeout_2msl`; it is legal in TIME_WAIT"
    );
}

#[test]
fn a_parse_error_keeps_the_input_without_allocating() {
    assert_eq!(parse_state("syn-rcvd"), Ok(runtime::State::SynReceived));
    let error = parse_state("HALF_OPEN").unwrap_err();
    assert_eq!(error.input(), "HALF_OPEN");
    assert!(
        error
            .to_string()
            .starts_with("`HALF_OPEN` is not a state of `Tcp`; expected one of: CLOSED, LISTEN")
    );
    // A long input is cut at a character boundary and marked.
    let long = "é".repeat(40);
    let error = parse_state(&long).unwrap_err();
    assert_eq!(error.input(), "é".repeat(32));
    assert!(
        error
            .to_string()
            .starts_with(&format!("`{}...` is not a state", "é".repeat(32)))
    );
}

#[test]
fn coins_add_up_to_the_fare_in_the_state_data() {
    assert_eq!(turnstile::pay_and_push(&[100, 100, 50]), Ok(()));
    assert_eq!(
        turnstile::pay_and_push(&[100, 100]),
        Err(turnstile::Credit(200))
    );
    assert_eq!(turnstile::pay_and_push(&[]), Err(turnstile::Credit(0)));
}

#[test]
fn the_turnstile_handle_is_its_credit() {
    use core::mem::size_of;
    use turnstile::{Credit, Fare, Turnstile, state};
    assert_eq!(size_of::<Turnstile<state::Locked, Fare>>(), 0);
    assert_eq!(
        size_of::<Turnstile<state::Paying, Fare>>(),
        size_of::<Credit>()
    );
}
