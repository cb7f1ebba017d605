//! Programs that must not compile: illegal transitions and misuses of the typestate API.
//! Each `tests/ui/*.stderr` is the error a user sees; regenerate with `TRYBUILD=overwrite`
//! and read them as a user would.

#[test]
fn illegal_programs_do_not_compile() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
