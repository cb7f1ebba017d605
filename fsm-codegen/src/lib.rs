//! The Rust code that `fsm!` generates from a spec: a typestate API and a runtime API, as
//! tokens.
//!
//! The `fsm!` proc macro (crate `tcp-fsm-macros`) is a thin shim over [`expand`]; the
//! command-line tool prints [`generate`]'s output (`tcp-fsm expand`), as `cargo expand` would.
//! A proc-macro crate can export nothing but macros, so the generation lives here, where a
//! library, a CLI and unit tests can call it.
//!
//! Why a crate of its own rather than a `codegen` feature of `fsm-spec`: generation needs
//! `proc-macro2`, `quote` and `syn`, which no other user of `fsm-spec` needs, and a feature
//! would make `fsm-spec`'s API depend on who else in the build enabled it (cargo unifies
//! features). A crate states the dependency plainly: `fsm-spec` is the model, this crate maps
//! the checked model to tokens, `tcp-fsm-macros` is the macro.
//!
//! ```
//! use fsm_spec::SourceFile;
//!
//! let source = SourceFile::new("door.toml", r#"
//! [machine]
//! name = "Door"
//! initial = "CLOSED"
//! [states.CLOSED]
//! [states.OPEN]
//! [events.open]
//! kind = "call"
//! [events.close]
//! kind = "call"
//! [[transition]]
//! from = "CLOSED"
//! event = "open"
//! to = "OPEN"
//! [[transition]]
//! from = "OPEN"
//! event = "close"
//! to = "CLOSED"
//! "#);
//! let spec = fsm_spec::Spec::from_source(&source).expect("a valid spec");
//! let span = proc_macro2::Span::call_site();
//! let items = fsm_codegen::generate(&spec, &source, "door.toml", span).expect("usable names");
//! let file: syn::File = syn::parse2(items).expect("the expansion is Rust");
//! assert!(!file.items.is_empty());
//! ```

mod docs;
mod expand;
mod load;
mod model;
mod names;
#[cfg(test)]
mod robustness;
mod runtime;
mod types;
mod typestate;

pub use expand::{expand, generate};
pub use load::MANIFEST_DIR_OVERRIDE;
