//! The Rust types a spec names: the data a state holds (`data`) and the payload an event
//! carries (`payload`). The spec tools keep them as text; here they are parsed as Rust, and
//! the rules for moving data from one state to the next are decided in one place.
//!
//! A type is written as the code next to `fsm!` would write it, but most uses are inside the
//! generated modules (`state`, `event`, `guard`), one level down, where `Credit` would not
//! resolve, or would resolve to a generated item of the same name (an event `coin` is a trait
//! `Coin` in `event`). So each type gets a hidden alias next to the macro call, where it means
//! what the caller means, and the modules name the alias.

use fsm_spec::{EventId, RustType, SourceFile, Spec, StateId, Transition};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, quote};

/// The parsed `data` of every state and `payload` of every event, indexed like the spec.
pub(crate) struct Types {
    data: Vec<Option<Named>>,
    payloads: Vec<Option<Named>>,
}

/// A type as written, and the alias the generated modules use for it.
struct Named {
    written: syn::Type,
    alias: Ident,
    /// `super::alias`, as the modules write it.
    path: syn::Type,
}

/// How a transition makes the data of the state it enters.
pub(crate) enum Entry<'a> {
    /// The state entered holds no data.
    Nothing,
    /// The same type as the state left holds, and no payload: the value moves over.
    Carried,
    /// `To::from(previous)`, `To::from(payload)` or `To::from((previous, payload))`.
    Converted {
        to: &'a syn::Type,
        from: Option<&'a syn::Type>,
        payload: Option<&'a syn::Type>,
    },
}

impl Entry<'_> {
    /// Whether making the entered state's data reads the data of the state left: then the
    /// code depends on which state that was, and one impl cannot serve a whole group.
    pub(crate) fn reads_state_left(&self) -> bool {
        matches!(
            self,
            Entry::Carried | Entry::Converted { from: Some(_), .. }
        )
    }
}

impl Types {
    /// Parses every type. A string that is not a Rust type is reported at the macro call,
    /// with the spec's file, line and column, as every other spec error.
    pub(crate) fn parse(spec: &Spec, source: &SourceFile, span: Span) -> syn::Result<Types> {
        let machine = &spec.machine.name;
        let mut errors = Vec::new();
        let mut parse = |ty: &Option<RustType>, what: String, alias: String| {
            let ty = ty.as_ref()?;
            match syn::parse_str::<syn::Type>(&ty.value) {
                Ok(written) => {
                    let alias = Ident::new(&alias, Span::call_site());
                    let path = syn::parse_quote!(super::#alias);
                    Some(Named {
                        written,
                        alias,
                        path,
                    })
                }
                Err(error) => {
                    let at = source.location(ty.span.start);
                    errors.push(format!(
                        "{}:{at}: {what}, `{}`, is not a Rust type: {error}",
                        source.name(),
                        ty.value
                    ));
                    None
                }
            }
        };
        let data = spec
            .states
            .iter()
            .map(|s| {
                let what = format!("the `data` of state {}", s.name);
                parse(&s.data, what, format!("__fsm_{machine}_data_{}", s.name))
            })
            .collect();
        let payloads = spec
            .events
            .iter()
            .map(|e| {
                let what = format!("the `payload` of event `{}`", e.name);
                parse(
                    &e.payload,
                    what,
                    format!("__fsm_{machine}_payload_{}", e.name),
                )
            })
            .collect();
        if errors.is_empty() {
            Ok(Types { data, payloads })
        } else {
            Err(crate::load::combine(errors, span))
        }
    }

    /// The type of `state`'s data, as the generated modules name it.
    pub(crate) fn data(&self, state: StateId) -> Option<&syn::Type> {
        self.data[state.0].as_ref().map(|n| &n.path)
    }

    /// The type of `event`'s payload, as the generated modules name it.
    pub(crate) fn payload(&self, event: EventId) -> Option<&syn::Type> {
        self.payloads[event.0].as_ref().map(|n| &n.path)
    }

    /// The type of `event`'s payload as the spec writes it, for code next to the macro call
    /// (the handle's methods), where it reads best in the docs.
    pub(crate) fn payload_as_written(&self, event: EventId) -> Option<&syn::Type> {
        self.payloads[event.0].as_ref().map(|n| &n.written)
    }

    /// The aliases, for next to the macro call.
    pub(crate) fn aliases(&self) -> TokenStream {
        let aliases = self.data.iter().chain(&self.payloads).flatten().map(|n| {
            let (alias, written) = (&n.alias, &n.written);
            quote! {
                #[doc(hidden)]
                #[allow(non_camel_case_types)]
                type #alias = #written;
            }
        });
        quote!(#(#aliases)*)
    }

    /// Whether any state holds data: only then does the handle get a field for it, so a spec
    /// without data generates exactly the zero-sized handle it always did.
    pub(crate) fn any_data(&self) -> bool {
        self.data.iter().any(Option::is_some)
    }

    /// Whether the guard deciding `event` in `from` reads the state's data or the payload:
    /// such a decision needs values the runtime API does not have.
    pub(crate) fn guard_reads(&self, from: StateId, event: EventId) -> bool {
        self.data(from).is_some() || self.payload(event).is_some()
    }

    /// How `t` makes the data of the state it enters. Validation guarantees that a state
    /// with data is entered with the previous state's data, a payload, or both.
    pub(crate) fn entry(&self, t: &Transition) -> Entry<'_> {
        let Some(to) = &self.data[t.to.0] else {
            return Entry::Nothing;
        };
        let from = self.data[t.from.0].as_ref();
        let payload = self.payload(t.event);
        if payload.is_none() && from.is_some_and(|from| same_type(&from.written, &to.written)) {
            return Entry::Carried;
        }
        Entry::Converted {
            to: &to.path,
            from: from.map(|f| &f.path),
            payload,
        }
    }
}

impl Entry<'_> {
    /// The expression that makes the new data, reading `handle.held` and `payload`.
    pub(crate) fn value(&self) -> TokenStream {
        match self {
            Entry::Nothing => quote!(()),
            Entry::Carried => quote!(handle.held),
            Entry::Converted { to, from, payload } => {
                let (source, value) = match (from, payload) {
                    (Some(from), Some(payload)) => {
                        (quote!((#from, #payload)), quote!((handle.held, payload)))
                    }
                    (Some(from), None) => (quote!(#from), quote!(handle.held)),
                    (None, Some(payload)) => (quote!(#payload), quote!(payload)),
                    // Rejected by validation; a clear error if it ever got here.
                    (None, None) => {
                        return quote!(::core::compile_error!(
                            "fsm!: a state with data is entered with nothing to make it from"
                        ));
                    }
                };
                quote!(<#to as ::core::convert::From<#source>>::from(#value))
            }
        }
    }
}

/// Types compare as written, token for token: `Sent` and `crate::tcb::Sent` are different
/// here, so moving the value over without a conversion happens only where the spec spells
/// both the same.
fn same_type(a: &syn::Type, b: &syn::Type) -> bool {
    a.to_token_stream().to_string() == b.to_token_stream().to_string()
}
