//! The `fsm!` proc macro: a typestate API and a runtime API from a TOML state-machine spec.
//!
//! `fsm!("path/to/spec.toml")` reads the spec (relative to the calling crate's
//! `CARGO_MANIFEST_DIR`), checks it with `fsm-spec`, and expands to Rust items at the call
//! site. Parsing and checking live in `fsm-spec`; this crate only maps the checked model to
//! tokens. What is generated, and why, is described in `docs/typestate.md`.
//!
//! ```ignore
//! tcp_fsm_macros::fsm!("tcp.toml");
//!
//! let tcp = Tcp::new().passive_open();
//! let (tcp, syn_ack) = tcp.rcv_syn();
//! ```

mod docs;
mod expand;
mod load;
mod names;
mod runtime;
mod typestate;

use proc_macro::TokenStream;

/// Generates the typestate and runtime API of the state machine described by a TOML spec.
///
/// The argument is a string literal: the spec's path, relative to the calling crate's
/// `CARGO_MANIFEST_DIR`. A spec with errors becomes a `compile_error!` per problem, each
/// naming the spec's `file:line:col`.
#[proc_macro]
pub fn fsm(input: TokenStream) -> TokenStream {
    let path = syn::parse_macro_input!(input as syn::LitStr);
    expand::expand(&path)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
