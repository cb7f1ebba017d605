//! How spec names become Rust names, and every rule those names must follow.
//!
//! State names such as `FIN_WAIT_1` become types (`FinWait1`); event names such as
//! `rcv_syn_ack` become methods as they are and enum variants as `RcvSynAck`. [`RustNames`]
//! computes every name the generated code uses, and [`RustNames::check`] reports each one
//! that is not an identifier, clashes with another, or is a name the generated code uses
//! itself. `fsm_spec::check` runs these rules, so `tcp-fsm check` rejects exactly what the
//! `fsm!` macro would reject; the macro only turns the checked names into identifiers.
//!
//! [`case`] holds the pure spelling rules (case conversions, identifiers, loose matching);
//! [`rules`] applies them to a spec. Both are re-exported here, where callers find them.

pub(crate) mod case;
mod rules;

pub use case::{is_rust_identifier, loose_key, output_type, snake, upper_camel};
pub use rules::{Choice, HANDLE_METHODS, MODULES, OutputName, RESERVED_TYPES, RustNames};
pub(crate) use rules::{check, check_identifier};
