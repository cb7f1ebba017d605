//! The macro on randomly damaged TCP specs (the same damage as the spec reader's robustness tests):
//! it never panics; a spec with errors gives errors that each name `tcp.toml:line:col`, and
//! a spec without errors expands to items that parse as Rust.
//!
//! The case count follows `PROPTEST_CASES` (256 by default).

use crate::{expand, load};
use fsm_spec::SourceFile;
use proc_macro2::Span;
use proptest::prelude::*;
use test_support::damage;

const TCP: &str = test_support::TCP_SPEC;

/// What the macro makes of `text`: its items or its errors (no file reading involved).
fn expand_text(text: &str) -> syn::Result<proc_macro2::TokenStream> {
    let source = SourceFile::new("tcp.toml", text);
    let spec = load::check(&source, Span::call_site())?;
    expand::generate(&spec, &source, "tcp.toml", Span::call_site())
}

proptest! {
    #[test]
    fn damaged_specs_expand_or_report_located_errors(text in damage::damaged(TCP)) {
        match expand_text(&text) {
            Ok(items) => {
                let code = items.to_string();
                prop_assert!(syn::parse_file(&code).is_ok(), "the expansion does not parse");
            }
            Err(errors) => {
                for error in errors {
                    let message = error.to_string();
                    prop_assert!(message.starts_with("tcp.toml:"), "{}", message);
                }
            }
        }
    }
}

#[test]
fn the_undamaged_spec_expands() {
    let items = expand_text(TCP).expect("the TCP spec is valid");
    syn::parse_file(&items.to_string()).expect("the expansion parses");
}
