//! The `fsm!` proc macro: a typestate API and a runtime API from a TOML state-machine spec.
//!
//! `fsm!("path/to/spec.toml")` reads the spec (relative to the calling crate's
//! `CARGO_MANIFEST_DIR`), checks it with `fsm-spec`, and expands to Rust items at the call
//! site. The expansion is `fsm_codegen::expand`; this crate is only the macro entry point.
//! What is generated, and why, is described in `docs/typestate.md`.
//!
//! ```
//! // The door of the workspace's tests: CLOSED, OPEN, LOCKED and BROKEN.
//! tcp_fsm_macros::fsm!("../test-support/door.toml");
//!
//! fn main() {
//!     let door: Door<state::Open> = Door::new().open();
//!     let (door, click) = door.close();
//!     assert_eq!(click.to_string(), "CLICK");
//!     assert_eq!(door.state(), runtime::State::Closed);
//! }
//! ```

use proc_macro::TokenStream;

/// Generates the typestate and runtime API of the state machine described by a TOML spec.
///
/// The argument is a string literal: the spec's path, relative to the calling crate's
/// `CARGO_MANIFEST_DIR`. A spec with errors becomes a `compile_error!` per problem, each
/// naming the spec's `file:line:col`.
#[proc_macro]
pub fn fsm(input: TokenStream) -> TokenStream {
    let path = syn::parse_macro_input!(input as syn::LitStr);
    fsm_codegen::expand(&path)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
