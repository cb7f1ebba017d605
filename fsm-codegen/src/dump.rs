//! Writes what `fsm!` expands to for a spec, as Rust source, for `scripts/compile-cost.sh`:
//! that script compares a crate calling the macro with a crate holding this expansion, the
//! same API written out by hand. A proc-macro crate exports nothing but its macros, so the
//! expansion is reached from a unit test of the crate:
//!
//! ```sh
//! FSM_EXPAND_SPEC=tcp-fsm/tcp.toml FSM_EXPAND_OUT=/tmp/tcp.rs \
//!     cargo test -p fsm-codegen --lib -- --ignored --exact dump::write_expansion
//! ```

use crate::{expand, load};
use fsm_spec::SourceFile;
use proc_macro2::Span;

#[test]
#[ignore = "a tool for scripts/compile-cost.sh: needs FSM_EXPAND_SPEC and FSM_EXPAND_OUT"]
fn write_expansion() {
    let spec_path = std::env::var("FSM_EXPAND_SPEC").expect("FSM_EXPAND_SPEC: the spec to expand");
    let out = std::env::var("FSM_EXPAND_OUT").expect("FSM_EXPAND_OUT: where to write the items");
    let text = std::fs::read_to_string(&spec_path).expect("the spec is readable");
    // The macro call names the spec relative to its crate: `fsm!("spec.toml")`.
    let name = std::path::Path::new(&spec_path)
        .file_name()
        .map_or(spec_path.clone(), |name| {
            name.to_string_lossy().into_owned()
        });
    let source = SourceFile::new(name.clone(), text);
    let spec = load::check(&source, Span::call_site()).expect("the spec is valid");
    let items = expand::generate(&spec, &source, &name, Span::call_site())
        .expect("the spec's names are usable");
    let header = format!("// What `fsm!(\"{name}\")` expands to, written out by hand.\n\n");
    std::fs::write(&out, header + &items.to_string()).expect("FSM_EXPAND_OUT is writable");
}
