//! From a macro call to the generated items: load and check the spec, name everything, then
//! emit the typestate and runtime APIs.

use crate::load::{self, Loaded};
use crate::model::Model;
use crate::names::Names;
use crate::types::Types;
use crate::{runtime, typestate};
use fsm_spec::{SourceFile, Spec};
use proc_macro2::TokenStream;
use quote::quote;

/// Expands `fsm!("path")`.
pub fn expand(literal: &syn::LitStr) -> syn::Result<TokenStream> {
    expand_loaded(load::load(literal)?, literal)
}

/// The items for a loaded spec, with the files it was read from made inputs of the crate.
fn expand_loaded(loaded: Loaded, literal: &syn::LitStr) -> syn::Result<TokenStream> {
    let Loaded {
        spec,
        source,
        path,
        bases,
    } = loaded;
    let paths = std::iter::once(&path)
        .chain(&bases)
        .map(|path| {
            path.to_str().map(str::to_string).ok_or_else(|| {
                syn::Error::new(literal.span(), "fsm!: the spec's path is not valid UTF-8")
            })
        })
        .collect::<syn::Result<Vec<String>>>()?;
    let items = generate(&spec, &source, &literal.value(), literal.span())?;
    Ok(quote! {
        // Makes the spec and the base specs it extends inputs of the calling crate: editing
        // any of them rebuilds the crate.
        #(const _: &[u8] = ::core::include_bytes!(#paths);)*
        #items
    })
}

/// Generates the items for a spec that passed `fsm_spec::check` (which also checked every
/// Rust name, see `fsm_spec::naming`).
pub fn generate(
    spec: &Spec,
    source: &SourceFile,
    file: &str,
    span: proc_macro2::Span,
) -> syn::Result<TokenStream> {
    let names = Names::new(spec).map_err(|unparsable| {
        let message = format!(
            "{}: fsm!: `{}` passed the spec's name checks but is not a Rust identifier; \
             please report this",
            source.name(),
            unparsable.0
        );
        syn::Error::new(span, message)
    })?;
    let types = Types::parse(spec, source, span)?;
    let model = Model {
        spec,
        names: &names,
        types: &types,
        file,
    };
    let typestate = typestate::generate(&model);
    let runtime = runtime::generate(&model);
    let aliases = types.aliases();
    Ok(quote! {
        #aliases
        #typestate
        #runtime
    })
}

/// The small spec of the unit tests, for the diagram's test in `docs.rs`.
#[cfg(all(test, feature = "doc-diagram"))]
pub(crate) fn tests_door() -> &'static str {
    tests::DOOR
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) const DOOR: &str = r#"
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
            "pub trait Unlock < S : state :: State , D >",
            "impl < D > Open < state :: Closed , D > for Rules",
            "impl < D : super :: guard :: Guards > Unlock < state :: Locked , D > for Rules",
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
    fn a_spec_and_every_base_it_extends_are_inputs_of_the_crate() {
        let dir = std::env::temp_dir().join(format!("fsm-codegen-extends-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("specs")).unwrap();
        std::fs::write(dir.join("specs/door.toml"), DOOR).unwrap();
        // The door's states and events, inherited; its transitions, repeated.
        let extending = format!(
            "[machine]\nname = \"Door2\"\ninitial = \"CLOSED\"\nextends = \"door.toml\"\n{}",
            &DOOR[DOOR.find("[[transition]]").unwrap()..]
        );
        std::fs::write(dir.join("specs/door2.toml"), extending).unwrap();
        let literal: syn::LitStr = syn::parse_quote!("specs/door2.toml");
        let loaded = load::load_in(&dir, &literal).unwrap_or_else(|e| panic!("{e}"));
        let tokens = expand_loaded(loaded, &literal).unwrap().to_string();
        let cwd = std::env::current_dir().unwrap();
        for file in ["specs/door2.toml", "specs/door.toml"] {
            let path = load::display_path(&dir.join(file), Some(&cwd));
            let absolute = cwd.join(path).display().to_string();
            let include = format!("include_bytes ! ({absolute:?})");
            assert!(tokens.contains(&include), "missing `{include}` in {tokens}");
        }
        assert!(tokens.contains("pub struct Door2"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The macro's errors for `text`, and `fsm_spec::check`'s (what `tcp-fsm check` prints),
    /// both as `file:line:col: message`.
    fn macro_and_check_errors(text: &str) -> (Vec<String>, Vec<String>) {
        let by_macro = match expand_text(text) {
            Ok(_) => Vec::new(),
            Err(error) => error.into_iter().map(|e| e.to_string()).collect(),
        };
        let source = SourceFile::new("door.toml", text);
        let by_check = fsm_spec::check(&source)
            .diagnostics
            .errors()
            .map(|d| format!("{}:{}: {}", d.file, d.location, d.message()))
            .collect();
        (by_macro, by_check)
    }

    /// The door with one more event, `name`, that no transition uses.
    fn door_with_event(name: &str) -> String {
        DOOR.replace(
            "[events.lock]",
            &format!("[events.{name}]\nkind = \"call\"\n[events.lock]"),
        )
    }

    fn assert_rejected_alike(text: &str, expected: &str) {
        let (by_macro, by_check) = macro_and_check_errors(text);
        assert_eq!(by_macro, [expected.to_string()], "fsm! on:\n{text}");
        assert_eq!(by_check, by_macro, "tcp-fsm check and fsm! disagree");
    }

    #[test]
    fn a_state_named_state_is_rejected_by_check_and_by_the_macro() {
        assert_rejected_alike(
            &DOOR.replace("[states.LOCKED]", "[states.STATE]\n[states.LOCKED]"),
            "door.toml:10:9: state `STATE` would become the Rust type `State`, which the \
             generated code uses for the trait that all state types implement; rename the state",
        );
    }

    #[test]
    fn an_event_named_rules_is_rejected_by_check_and_by_the_macro() {
        assert_rejected_alike(
            &door_with_event("rules"),
            "door.toml:18:9: event `rules` would become the Rust type `Rules`, which the \
             generated code uses for the type that implements the event traits; rename the event",
        );
    }

    #[test]
    fn events_named_like_handle_methods_are_rejected_by_check_and_by_the_macro() {
        for method in fsm_spec::naming::HANDLE_METHODS {
            assert_rejected_alike(
                &door_with_event(method),
                &format!(
                    "door.toml:18:9: event `{method}` would become the method `Door::{method}`, \
                     which the generated code uses for a method of the generated handle; rename \
                     the event"
                ),
            );
        }
    }

    #[test]
    fn machines_named_like_modules_are_rejected_by_check_and_by_the_macro() {
        for module in fsm_spec::naming::MODULES {
            assert_rejected_alike(
                &DOOR.replace("name = \"Door\"", &format!("name = \"{module}\"")),
                &format!(
                    "door.toml:2:1: the machine name `{module}` would become the module \
                     `{module}`, which the generated code uses for one of the generated modules; \
                     rename the machine"
                ),
            );
        }
    }

    #[test]
    fn a_keyword_after_a_case_change_is_rejected_by_check_and_by_the_macro() {
        assert_rejected_alike(
            &DOOR.replace("[states.LOCKED]", "[states.self_]\n[states.LOCKED]"),
            "door.toml:10:9: state `self_` would become `Self`, which is not a Rust identifier; \
             rename it (letters, digits and `_`, not a keyword)",
        );
    }

    #[test]
    fn events_that_clash_in_rust_are_rejected_by_check_and_by_the_macro() {
        let text = door_with_event("rcv_syn").replace(
            "[events.lock]",
            "[events.rcvSyn]\nkind = \"call\"\n[events.lock]",
        );
        let (by_macro, by_check) = macro_and_check_errors(&text);
        assert_eq!(
            by_macro,
            [
                "door.toml:20:9: event `rcv_syn` and event `rcvSyn` would both become the Rust type \
              `RcvSyn`; rename one"
            ]
        );
        assert_eq!(by_check, by_macro);
    }
}
