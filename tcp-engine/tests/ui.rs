//! Programs that must not compile: the handshake with state data (`tcp_engine::handshake`)
//! reads a sequence number only in the states that know it. Each `tests/ui/*.stderr` is the
//! error a user sees; regenerate with `TRYBUILD=overwrite`.

#[test]
fn state_data_is_only_where_the_spec_puts_it() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
