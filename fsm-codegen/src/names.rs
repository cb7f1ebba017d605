//! The Rust identifiers of everything the macro generates. Which names are usable is decided
//! by `fsm_spec::naming` (run by `fsm_spec::check`, so `tcp-fsm check` and `fsm!` agree); this
//! module only turns the checked names into identifiers.

use fsm_spec::naming::RustNames;
use fsm_spec::{EventId, Spec, StateId};
use proc_macro2::Ident;

/// Several transitions with the same `from` and `event`, told apart by their guards.
pub(crate) struct Choice {
    pub from: StateId,
    pub event: EventId,
    /// Indices into `Spec::transitions`, in source order.
    pub transitions: Vec<usize>,
    /// `SynReceivedRcvRst`: the decision enum, the outcome enum and the runtime variant.
    pub name: Ident,
    /// `syn_received_rcv_rst`: the `Guards` method that decides the group.
    pub method: Ident,
    /// One per transition: the guard in UpperCamelCase.
    pub variants: Vec<Ident>,
}

/// Every generated name, indexed like the spec's states, events and transitions.
pub(crate) struct Names {
    pub machine: Ident,
    /// Marker types and runtime `State` variants.
    pub states: Vec<Ident>,
    /// Event traits and runtime `Event` variants.
    pub events: Vec<Ident>,
    /// Handle methods: the event names as written.
    pub methods: Vec<Ident>,
    /// Distinct `send` texts in order of first use, with their type name.
    pub outputs: Vec<(String, Ident)>,
    /// The guarded `(state, event)` pairs.
    pub choices: Vec<Choice>,
    /// One marker trait per spec group (`[groups.NAME]`), indexed like `Spec::groups`: the
    /// group's name in UpperCamelCase, as states are named.
    pub group_traits: Vec<Ident>,
}

/// A name that `fsm_spec::naming` accepted but `syn` does not parse as an identifier: a gap
/// between the two, reported instead of generating code that does not parse.
#[derive(Debug)]
pub(crate) struct Unparsable(pub String);

impl Names {
    /// The identifiers of a spec that passed `fsm_spec::check`.
    pub(crate) fn new(spec: &Spec) -> Result<Names, Unparsable> {
        let names = RustNames::new(spec);
        let idents = |names: &[String]| -> Result<Vec<Ident>, Unparsable> {
            names.iter().map(|n| ident(n)).collect()
        };
        let choices = names.choices.iter().map(|g| {
            Ok(Choice {
                from: g.from,
                event: g.event,
                transitions: g.transitions.clone(),
                name: ident(&g.name)?,
                method: ident(&g.method)?,
                variants: idents(&g.variants)?,
            })
        });
        Ok(Names {
            machine: ident(&names.machine)?,
            states: idents(&names.states)?,
            events: idents(&names.events)?,
            methods: idents(&names.methods)?,
            outputs: names
                .outputs
                .iter()
                .map(|o| Ok((o.text.clone(), ident(&o.name)?)))
                .collect::<Result<_, _>>()?,
            choices: choices.collect::<Result<_, _>>()?,
            group_traits: idents(&names.group_traits)?,
        })
    }

    /// The type name of a transition's output, if it sends one.
    pub(crate) fn output(&self, send: Option<&str>) -> Option<&Ident> {
        let send = send?;
        self.outputs
            .iter()
            .find(|(text, _)| text == send)
            .map(|(_, name)| name)
    }

    /// The choice of a `(state, event)` pair, if it is guarded.
    pub(crate) fn choice(&self, from: StateId, event: EventId) -> Option<&Choice> {
        self.choices
            .iter()
            .find(|g| g.from == from && g.event == event)
    }
}

/// `syn` rejects keywords and anything that is not a single identifier, so this never
/// creates an identifier that would make the generated code unparsable.
fn ident(text: &str) -> Result<Ident, Unparsable> {
    syn::parse_str::<Ident>(text).map_err(|_| Unparsable(text.to_string()))
}

/// "SYN_RECEIVED on `rcv_rst`", for messages.
pub(crate) fn choice_label(spec: &Spec, choice: &Choice) -> String {
    format!(
        "{} on `{}`",
        spec.state(choice.from).name,
        spec.event(choice.event).name
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use fsm_spec::SourceFile;

    fn spec(text: &str) -> Spec {
        Spec::from_source(&SourceFile::new("t.toml", text)).expect("a valid spec")
    }

    const HEADER: &str = "[machine]\nname = \"M\"\ninitial = \"A\"\n[states.A]\n[states.B]\n";

    #[test]
    fn choices_and_outputs_are_named_from_the_spec() {
        let spec = spec(&format!(
            "{HEADER}[events.go]\nkind = \"call\"\n\
             [[transition]]\nfrom = \"A\"\nevent = \"go\"\nto = \"B\"\nguard = \"left_way\"\nsend = \"X,Y\"\n\
             [[transition]]\nfrom = \"A\"\nevent = \"go\"\nto = \"A\"\nguard = \"right_way\"\n"
        ));
        let names = Names::new(&spec).expect("valid names");
        assert_eq!(names.outputs.len(), 1);
        assert_eq!(names.outputs[0].1, "XY");
        let choice = &names.choices[0];
        assert_eq!(choice.name, "AGo");
        assert_eq!(choice.method, "a_go");
        assert_eq!(choice.variants, ["LeftWay", "RightWay"]);
    }
}
