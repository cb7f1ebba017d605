//! Programs that must not compile: illegal transitions and misuses of the typestate API.
//! Each `tests/ui/*.stderr` is the error a user sees; regenerate with `TRYBUILD=overwrite`
//! and read them as a user would.

#[test]
fn illegal_programs_do_not_compile() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}

/// The handshake with state data (`tcp_fsm::handshake`) is part of the engine's feature,
/// because its payload is the engine's `Segment`.
#[cfg(feature = "engine")]
#[test]
fn state_data_is_only_where_the_spec_puts_it() {
    trybuild::TestCases::new().compile_fail("tests/ui-engine/*.rs");
}
