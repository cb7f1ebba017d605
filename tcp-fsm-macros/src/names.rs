//! The Rust names of everything the macro generates, and the checks that they are valid and
//! distinct. `fsm-spec` checks spec names; this module checks what only code generation
//! cares about: keywords after case changes, clashes after case changes, and names that the
//! generated code itself uses.

use fsm_spec::naming::{snake, upper_camel};
use fsm_spec::{EventId, Span, Spec, StateId};
use proc_macro2::Ident;

/// Items the generated handle already has; an event cannot become a method of that name.
const HANDLE_METHODS: &[&str] = &[
    "new",
    "with_data",
    "state",
    "data",
    "data_mut",
    "into_data",
    "map_data",
];

/// Modules emitted next to the handle; the machine's type cannot share their name.
pub(crate) const MODULES: &[&str] = &["state", "event", "output", "guard", "outcome", "runtime"];

/// A problem with a generated name, at a place in the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NameProblem {
    pub message: String,
    pub span: Span,
}

/// Several transitions with the same `from` and `event`, told apart by their guards.
pub(crate) struct Group {
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
    pub groups: Vec<Group>,
}

impl Names {
    /// Computes every name, or reports each one that is not a usable identifier or clashes.
    pub(crate) fn new(spec: &Spec) -> Result<Names, Vec<NameProblem>> {
        let mut problems = Vec::new();
        let mut ident = |text: String, what: &str, span: Span| {
            let parsed = parse_ident(&text);
            if parsed.is_none() {
                problems.push(NameProblem {
                    message: format!(
                        "{what} would become `{text}`, which is not a Rust identifier; \
                         rename it (letters, digits and `_`, not a keyword)"
                    ),
                    span,
                });
            }
            parsed
        };
        let machine = ident(
            spec.machine.name.clone(),
            "the machine name",
            spec.machine.span,
        );
        let states: Vec<_> = spec
            .states
            .iter()
            .filter_map(|s| ident(upper_camel(&s.name), &format!("state `{}`", s.name), s.span))
            .collect();
        let events: Vec<_> = spec
            .events
            .iter()
            .filter_map(|e| ident(upper_camel(&e.name), &format!("event `{}`", e.name), e.span))
            .collect();
        let methods: Vec<_> = spec
            .events
            .iter()
            .filter_map(|e| ident(e.name.clone(), &format!("event `{}`", e.name), e.span))
            .collect();
        let outputs: Vec<_> = distinct_outputs(spec)
            .into_iter()
            .filter_map(|(text, span)| {
                let name = ident(output_type(&text), &format!("output `{text}`"), span)?;
                Some((text, name))
            })
            .collect();
        let groups: Vec<_> = guarded_groups(spec)
            .into_iter()
            .filter_map(|members| group(spec, members, &mut ident))
            .collect();
        let (Some(machine), true) = (machine, problems.is_empty()) else {
            return Err(problems);
        };
        let names = Names {
            machine,
            states,
            events,
            methods,
            outputs,
            groups,
        };
        names.check_clashes(spec, &mut problems);
        if problems.is_empty() {
            Ok(names)
        } else {
            Err(problems)
        }
    }

    /// The type name of a transition's output, if it sends one.
    pub(crate) fn output(&self, send: Option<&str>) -> Option<&Ident> {
        let send = send?;
        self.outputs
            .iter()
            .find(|(text, _)| text == send)
            .map(|(_, name)| name)
    }

    /// The guarded group a `(state, event)` pair belongs to, if it is guarded.
    pub(crate) fn group(&self, from: StateId, event: EventId) -> Option<&Group> {
        self.groups
            .iter()
            .find(|g| g.from == from && g.event == event)
    }

    fn check_clashes(&self, spec: &Spec, problems: &mut Vec<NameProblem>) {
        let machine = self.machine.to_string();
        if MODULES.contains(&machine.as_str()) {
            problems.push(NameProblem {
                message: format!(
                    "the machine name `{machine}` is also the name of a generated module; \
                     rename the machine"
                ),
                span: spec.machine.span,
            });
        }
        let states = spec.states.iter().zip(&self.states);
        reserved(
            states.clone().map(|(s, n)| (n, "state", &s.name, s.span)),
            "State",
            "the trait that all state types implement",
            problems,
        );
        clashes(
            states.map(|(s, n)| (n.to_string(), format!("state `{}`", s.name), s.span)),
            "type",
            problems,
        );
        let events = spec.events.iter().zip(&self.events);
        reserved(
            events.clone().map(|(e, n)| (n, "event", &e.name, e.span)),
            "Rules",
            "the type that implements the event traits",
            problems,
        );
        clashes(
            events.map(|(e, n)| (n.to_string(), format!("event `{}`", e.name), e.span)),
            "type",
            problems,
        );
        for (event, method) in spec.events.iter().zip(&self.methods) {
            if HANDLE_METHODS.contains(&method.to_string().as_str()) {
                problems.push(NameProblem {
                    message: format!(
                        "event `{method}` would become the method `{}::{method}`, which the \
                         generated handle already has; rename the event",
                        self.machine
                    ),
                    span: event.span,
                });
            }
        }
        let outputs = self.outputs.iter().map(|(text, name)| {
            let span = first_send_span(spec, text);
            (name.to_string(), format!("output `{text}`"), span)
        });
        clashes(outputs, "type", problems);
        let groups = self.groups.iter().map(|g| {
            let span = spec.transitions[g.transitions[0]].span;
            (g.name.to_string(), group_label(spec, g), span)
        });
        clashes(groups, "type", problems);
        for g in &self.groups {
            if g.name == "Guards" {
                problems.push(NameProblem {
                    message: format!(
                        "the guarded {} would become `guard::Guards`, the name of the \
                         generated guard trait; rename the state or the event",
                        group_label(spec, g)
                    ),
                    span: spec.transitions[g.transitions[0]].span,
                });
            }
            let variants = g.variants.iter().zip(&g.transitions).map(|(v, &t)| {
                let guard = spec.transitions[t].guard.as_deref().unwrap_or_default();
                (
                    v.to_string(),
                    format!("guard `{guard}`"),
                    spec.transitions[t].span,
                )
            });
            clashes(variants, "variant", problems);
        }
        let methods = self.groups.iter().map(|g| {
            let span = spec.transitions[g.transitions[0]].span;
            (g.method.to_string(), group_label(spec, g), span)
        });
        clashes(methods, "method", problems);
    }
}

/// `syn` rejects keywords and anything that is not a single identifier, so this never
/// creates an identifier that would make the generated code unparsable.
fn parse_ident(text: &str) -> Option<Ident> {
    syn::parse_str::<Ident>(text).ok()
}

/// `SYN,ACK` → `SynAck`: words split at any character that is not a letter or digit.
pub(crate) fn output_type(send: &str) -> String {
    send.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(upper_camel)
        .collect()
}

/// "SYN_RECEIVED on `rcv_rst`", for messages.
pub(crate) fn group_label(spec: &Spec, group: &Group) -> String {
    format!(
        "{} on `{}`",
        spec.state(group.from).name,
        spec.event(group.event).name
    )
}

fn distinct_outputs(spec: &Spec) -> Vec<(String, Span)> {
    let mut outputs: Vec<(String, Span)> = Vec::new();
    for t in &spec.transitions {
        if let Some(send) = &t.send {
            if !outputs.iter().any(|(seen, _)| seen == send) {
                outputs.push((send.clone(), t.span));
            }
        }
    }
    outputs
}

fn first_send_span(spec: &Spec, send: &str) -> Span {
    spec.transitions
        .iter()
        .find(|t| t.send.as_deref() == Some(send))
        .map(|t| t.span)
        .unwrap_or_default()
}

/// The `(state, event)` pairs with more than one transition, each as transition indices.
fn guarded_groups(spec: &Spec) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (index, t) in spec.transitions.iter().enumerate() {
        let same = |g: &&mut Vec<usize>| {
            let first = &spec.transitions[g[0]];
            first.from == t.from && first.event == t.event
        };
        match groups.iter_mut().find(same) {
            Some(group) => group.push(index),
            None => groups.push(vec![index]),
        }
    }
    groups.retain(|g| g.len() > 1);
    groups.sort_by_key(|g| (spec.transitions[g[0]].from, spec.transitions[g[0]].event));
    groups
}

fn group(
    spec: &Spec,
    transitions: Vec<usize>,
    ident: &mut impl FnMut(String, &str, Span) -> Option<Ident>,
) -> Option<Group> {
    let first = &spec.transitions[transitions[0]];
    let (state, event) = (spec.state(first.from), spec.event(first.event));
    let what = format!("the guarded {} on `{}`", state.name, event.name);
    let name = ident(
        format!("{}{}", upper_camel(&state.name), upper_camel(&event.name)),
        &what,
        first.span,
    );
    let method = ident(
        format!("{}_{}", snake(&state.name), snake(&event.name)),
        &what,
        first.span,
    );
    let variants: Vec<_> = transitions
        .iter()
        .map(|&t| {
            let t = &spec.transitions[t];
            // fsm-spec rejects a group member without a guard, so the default is unused.
            let guard = t.guard.as_deref().unwrap_or("unguarded");
            ident(upper_camel(guard), &format!("guard `{guard}`"), t.span)
        })
        .collect();
    Some(Group {
        from: first.from,
        event: first.event,
        name: name?,
        method: method?,
        variants: variants.into_iter().collect::<Option<_>>()?,
        transitions,
    })
}

fn reserved<'a>(
    items: impl Iterator<Item = (&'a Ident, &'a str, &'a String, Span)>,
    taken: &str,
    used_for: &str,
    problems: &mut Vec<NameProblem>,
) {
    for (ident, what, name, span) in items {
        if ident == taken {
            problems.push(NameProblem {
                message: format!(
                    "{what} `{name}` would become the Rust type `{taken}`, which the generated \
                     code uses for {used_for}; rename the {what}"
                ),
                span,
            });
        }
    }
}

/// Reports each item whose Rust name an earlier item already has.
fn clashes(
    items: impl Iterator<Item = (String, String, Span)>,
    kind: &str,
    problems: &mut Vec<NameProblem>,
) {
    let mut seen: Vec<(String, String)> = Vec::new();
    for (rust, what, span) in items {
        match seen.iter().find(|(taken, _)| *taken == rust) {
            Some((_, first)) => problems.push(NameProblem {
                message: format!(
                    "{first} and {what} would both become the Rust {kind} `{rust}`; rename one"
                ),
                span,
            }),
            None => seen.push((rust, what)),
        }
    }
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
    fn outputs_become_camel_case_types() {
        assert_eq!(output_type("SYN,ACK"), "SynAck");
        assert_eq!(output_type("RST"), "Rst");
        assert_eq!(output_type("snd FIN"), "SndFin");
        assert_eq!(output_type(",,"), "");
    }

    #[test]
    fn groups_and_outputs_are_named_from_the_spec() {
        let spec = spec(&format!(
            "{HEADER}[events.go]\nkind = \"call\"\n\
             [[transition]]\nfrom = \"A\"\nevent = \"go\"\nto = \"B\"\nguard = \"left_way\"\nsend = \"X,Y\"\ncite = \"c\"\n\
             [[transition]]\nfrom = \"A\"\nevent = \"go\"\nto = \"A\"\nguard = \"right_way\"\ncite = \"c\"\n"
        ));
        let names = Names::new(&spec).expect("valid names");
        assert_eq!(names.outputs.len(), 1);
        assert_eq!(names.outputs[0].1, "XY");
        let group = &names.groups[0];
        assert_eq!(group.name, "AGo");
        assert_eq!(group.method, "a_go");
        assert_eq!(group.variants, ["LeftWay", "RightWay"]);
    }

    #[test]
    fn keywords_clashes_and_reserved_names_are_all_reported() {
        let spec = spec(&format!(
            "{HEADER}[states.self_]\n[states.STATE]\n\
             [events.rcv_syn]\nkind = \"call\"\n[events.rcvSyn]\nkind = \"call\"\n\
             [events.data]\nkind = \"call\"\n[events.rules]\nkind = \"call\"\n\
             [[transition]]\nfrom = \"A\"\nevent = \"rcv_syn\"\nto = \"B\"\nsend = \"1st\"\ncite = \"c\"\n"
        ));
        let problems = Names::new(&spec).err().expect("bad names");
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:#?}");
        assert!(messages[0].starts_with("state `self_` would become `Self`"));
        assert!(messages[1].starts_with("output `1st` would become `1st`"));

        let spec = self::spec(&format!(
            "{HEADER}[states.STATE]\n\
             [events.rcv_syn]\nkind = \"call\"\n[events.rcvSyn]\nkind = \"call\"\n\
             [events.data]\nkind = \"call\"\n[events.rules]\nkind = \"call\"\n"
        ));
        let problems = Names::new(&spec).err().expect("bad names");
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 4, "{messages:#?}");
        assert!(messages[0].starts_with("state `STATE` would become the Rust type `State`"));
        assert!(messages[1].starts_with("event `rules` would become the Rust type `Rules`"));
        assert!(messages[2].starts_with(
            "event `rcv_syn` and event `rcvSyn` would both become the Rust type `RcvSyn`"
        ));
        assert!(messages[3].starts_with("event `data` would become the method `M::data`"));
    }
}
