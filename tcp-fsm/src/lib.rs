//! The TCP connection state machine of RFC 793, generated from one TOML spec.
//!
//! [`SPEC_SOURCE`] is `tcp.toml`, the single source of truth: the 11 states, the user calls,
//! segment arrivals and timeouts, and every transition with its RFC citation.

/// The text of the bundled spec, `tcp-fsm/tcp.toml`.
pub const SPEC_SOURCE: &str = include_str!("../tcp.toml");

/// The name diagnostics use for the bundled spec.
pub const SPEC_NAME: &str = "tcp-fsm/tcp.toml";

/// The bundled spec as a source file, for `fsm_spec::check` and friends.
pub fn spec_source() -> fsm_spec::SourceFile {
    fsm_spec::SourceFile::new(SPEC_NAME, SPEC_SOURCE)
}

/// The bundled spec, parsed and checked.
pub fn spec() -> fsm_spec::Spec {
    fsm_spec::Spec::from_source(&spec_source())
        .unwrap_or_else(|errors| panic!("the bundled spec is checked by the tests:\n{errors}"))
}
