//! From a macro call to the generated items: load and check the spec, name everything, then
//! emit the typestate and runtime APIs.

use crate::load::{self, Loaded};
use crate::names::Names;
use crate::{runtime, typestate};
use fsm_spec::{SourceFile, Spec, StateId, Transition};
use proc_macro2::TokenStream;
use quote::quote;

/// What the generators read: the checked spec, its Rust names, and the spec path as the
/// macro call wrote it (for docs).
pub(crate) struct Model<'a> {
    pub spec: &'a Spec,
    pub names: &'a Names,
    pub file: &'a str,
}

impl Model<'_> {
    /// The spec's transitions ordered by `from` then `event` (stable, so guarded
    /// alternatives stay in source order and sit next to each other): the runtime table.
    pub(crate) fn table(&self) -> Vec<&Transition> {
        let mut table: Vec<&Transition> = self.spec.transitions.iter().collect();
        table.sort_by_key(|t| (t.from, t.event));
        table
    }

    /// The spec names of the states where the transition list has `event`.
    pub(crate) fn legal_in(&self, event: fsm_spec::EventId) -> Vec<StateId> {
        self.spec.states_accepting(event)
    }
}

/// Expands `fsm!("path")`.
pub(crate) fn expand(literal: &syn::LitStr) -> syn::Result<TokenStream> {
    let Loaded { spec, source, path } = load::load(literal)?;
    let path = path.to_str().ok_or_else(|| {
        syn::Error::new(literal.span(), "fsm!: the spec's path is not valid UTF-8")
    })?;
    let items = generate(&spec, &source, &literal.value(), literal.span())?;
    Ok(quote! {
        // Makes the spec an input of the calling crate: editing it rebuilds the crate.
        const _: &[u8] = ::core::include_bytes!(#path);
        #items
    })
}

/// Generates the items for a checked spec; name problems are reported like spec errors, at
/// `span`, with the spec's `file:line:col`.
pub(crate) fn generate(
    spec: &Spec,
    source: &SourceFile,
    file: &str,
    span: proc_macro2::Span,
) -> syn::Result<TokenStream> {
    let names = Names::new(spec).map_err(|mut problems| {
        problems.sort_by_key(|p| p.span.start);
        let messages = problems.into_iter().map(|p| {
            let location = source.location(p.span.start);
            format!("{}:{}: {}", source.name(), location, p.message)
        });
        load::combine(messages, span)
    })?;
    let model = Model {
        spec,
        names: &names,
        file,
    };
    let typestate = typestate::generate(&model);
    let runtime = runtime::generate(&model);
    Ok(quote! {
        #typestate
        #runtime
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOOR: &str = r#"
[machine]
name = "Door"
initial = "CLOSED"
doc = "A door with a lock."

[states.CLOSED]
doc = "Shut <but> not locked."
[states.OPEN]
[states.LOCKED]

[events.open]
kind = "call"
[events.close]
kind = "call"
[events.unlock]
kind = "call"
[events.lock]
kind = "call"

[[transition]]
from = "CLOSED"
event = "open"
to = "OPEN"
cite = "manual 1"

[[transition]]
from = "OPEN"
event = "close"
to = "CLOSED"
send = "CLICK"
cite = "manual 2"

[[transition]]
from = "CLOSED"
event = "lock"
to = "LOCKED"
cite = "manual 3"

[[transition]]
from = "LOCKED"
event = "unlock"
guard = "right_key"
to = "CLOSED"
cite = "manual 4"

[[transition]]
from = "LOCKED"
event = "unlock"
guard = "wrong_key"
to = "LOCKED"
send = "ALARM"
cite = "manual 5"
"#;

    fn expand_text(text: &str) -> syn::Result<String> {
        let source = SourceFile::new("door.toml", text);
        let spec = load::check(&source, proc_macro2::Span::call_site())?;
        let tokens = generate(&spec, &source, "door.toml", proc_macro2::Span::call_site())?;
        Ok(tokens.to_string())
    }

    #[test]
    fn a_small_spec_expands_to_both_apis() {
        let code = expand_text(DOOR).expect("the door spec is valid");
        for expected in [
            "pub struct Door < S , D = () >",
            "pub mod state",
            "pub struct Locked ;",
            "pub trait Unlock < S : super :: state :: State , D >",
            "impl < D > Open < super :: state :: Closed , D > for Rules",
            "impl < D : super :: guard :: Guards > Unlock < super :: state :: Locked , D > for Rules",
            "fn locked_unlock (& self) -> LockedUnlock",
            "pub struct Click ;",
            "pub enum Output",
            "pub fn step (state : State , event : Event)",
            "pub enum Guarded",
        ] {
            assert!(code.contains(expected), "missing `{expected}` in:\n{code}");
        }
        // Doc text from the spec is escaped for Markdown.
        assert!(code.contains("Shut &lt;but&gt; not locked."));
        // The syntax is valid Rust.
        syn::parse_file(&code).expect("the expansion parses as a Rust file");
    }

    #[test]
    fn name_problems_are_reported_with_the_spec_location() {
        let text = DOOR
            .replace("[states.LOCKED]", "[states.STATE]")
            .replace("\"LOCKED\"", "\"STATE\"");
        let error = expand_text(&text).expect_err("`STATE` clashes with the state trait");
        let message = error.to_string();
        assert!(
            message.starts_with("door.toml:10:9: state `STATE` would become the Rust type `State`"),
            "{message}"
        );
    }
}
