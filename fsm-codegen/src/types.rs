//! The Rust types a spec names: the data a state holds (`data`) and the payload an event
//! carries (`payload`). The spec tools keep them as text; here they are parsed as Rust, and
//! the rules for moving data from one state to the next are decided in one place.

use fsm_spec::{EventId, RustType, SourceFile, Spec, StateId, Transition};
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};

/// The parsed `data` of every state and `payload` of every event, indexed like the spec.
pub(crate) struct Types {
    data: Vec<Option<syn::Type>>,
    payloads: Vec<Option<syn::Type>>,
}

/// How a transition makes the data of the state it enters.
pub(crate) enum Entry<'a> {
    /// The state entered holds no data.
    Nothing,
    /// The same type as the state left holds: the value moves over (a guard has seen the
    /// payload; `state_data_mut` changes the value afterwards).
    Carried,
    /// `To::from(previous)`, `To::from(payload)` or `To::from((previous, payload))`.
    Converted {
        to: &'a syn::Type,
        from: Option<&'a syn::Type>,
        payload: Option<&'a syn::Type>,
    },
}

impl Types {
    /// Parses every type. A string that is not a Rust type is reported at the macro call,
    /// with the spec's file, line and column, as every other spec error.
    pub(crate) fn parse(spec: &Spec, source: &SourceFile, span: Span) -> syn::Result<Types> {
        let parse = |ty: &Option<RustType>, what: String| -> syn::Result<Option<syn::Type>> {
            let Some(ty) = ty else { return Ok(None) };
            syn::parse_str::<syn::Type>(&ty.text)
                .map(Some)
                .map_err(|error| {
                    let at = source.location(ty.span.start);
                    let message = format!(
                        "{}:{at}: {what}, `{}`, is not a Rust type: {error}",
                        source.name(),
                        ty.text
                    );
                    syn::Error::new(span, message)
                })
        };
        let mut errors: Option<syn::Error> = None;
        let mut keep = |result: syn::Result<Option<syn::Type>>| {
            result.unwrap_or_else(|error| {
                match &mut errors {
                    Some(all) => all.combine(error),
                    None => errors = Some(error),
                }
                None
            })
        };
        let data = spec
            .states
            .iter()
            .map(|s| keep(parse(&s.data, format!("the `data` of state {}", s.name))))
            .collect();
        let payloads = spec
            .events
            .iter()
            .map(|e| {
                keep(parse(
                    &e.payload,
                    format!("the `payload` of event `{}`", e.name),
                ))
            })
            .collect();
        match errors {
            Some(errors) => Err(errors),
            None => Ok(Types { data, payloads }),
        }
    }

    pub(crate) fn data(&self, state: StateId) -> Option<&syn::Type> {
        self.data[state.0].as_ref()
    }

    pub(crate) fn payload(&self, event: EventId) -> Option<&syn::Type> {
        self.payloads[event.0].as_ref()
    }

    /// Whether any state holds data: only then does the handle get a field for it, so a spec
    /// without data generates exactly the zero-sized handle it always did.
    pub(crate) fn any_data(&self) -> bool {
        self.data.iter().any(Option::is_some)
    }

    /// Whether the spec names any type, which the generated modules must then resolve as the
    /// macro's caller does.
    pub(crate) fn any(&self) -> bool {
        self.any_data() || self.payloads.iter().any(Option::is_some)
    }

    /// Whether the guard deciding `event` in `from` reads the state's data or the payload:
    /// such a decision needs values the runtime API does not have.
    pub(crate) fn guard_reads(&self, from: StateId, event: EventId) -> bool {
        self.data(from).is_some() || self.payload(event).is_some()
    }

    /// How `t` makes the data of the state it enters. Validation guarantees that a state
    /// with data is entered with the previous state's data, a payload, or both.
    pub(crate) fn entry(&self, t: &Transition) -> Entry<'_> {
        let Some(to) = self.data(t.to) else {
            return Entry::Nothing;
        };
        let from = self.data(t.from);
        let payload = self.payload(t.event);
        if from.is_some_and(|from| same_type(from, to)) {
            return Entry::Carried;
        }
        Entry::Converted { to, from, payload }
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
