//! Malformed specs fed to `fsm!`, and a spec whose state data the caller cannot make: each
//! must fail to compile with the spec's `file:line:col`
//! and the message from `fsm-spec`. Each `tests/ui/*.stderr` is what a user sees; regenerate
//! with `TRYBUILD=overwrite` and read them as a user would.

#[test]
#[allow(
    unsafe_code,
    reason = "set_var is unsafe since edition 2024, and trybuild's scratch crate reads the \
              specs' directory only from the environment"
)]
fn malformed_specs_are_compile_errors_at_their_lines() {
    // trybuild compiles each test in a scratch crate under `target/`, whose
    // CARGO_MANIFEST_DIR does not hold the specs; the macro reads this override instead.
    // SAFETY: this is the only test in this binary, so no other thread reads the environment.
    unsafe { std::env::set_var("FSM_MANIFEST_DIR_OVERRIDE", env!("CARGO_MANIFEST_DIR")) };
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
