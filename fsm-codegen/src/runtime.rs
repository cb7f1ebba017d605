//! The runtime API: the same machine as plain enums and a transition table, for events that
//! are known only at run time (packets, simulations).

use crate::docs;
use crate::model::Model;
use fsm_spec::Transition;
use fsm_spec::naming::loose_key;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

pub(crate) fn generate(m: &Model<'_>) -> TokenStream {
    let machine = &m.names.machine;
    let state = state_enum(m);
    let event = event_enum(m);
    let group = group_enum(m);
    let output = output_enum(m);
    let table = table(m);
    let step = step(m);
    let doc = format!(
        "The runtime API of [`{machine}`](super::{machine}), generated from `{}`: states, \
         events and outputs as enums (`Display` prints the spec's names, `FromStr` also takes \
         aliases and labels, ignoring case and separators), the transition table, and [`step`].",
        m.file
    );
    quote! {
        #[doc = #doc]
        #[allow(dead_code)]
        pub mod runtime {
            // Named once here rather than by full path at each of the table's thousands of
            // cells: fewer tokens make every build of the calling crate faster. An explicit
            // import, so that the module also builds under `#![no_implicit_prelude]`.
            use ::core::option::Option::{self, None, Some};

            #state
            #event
            #group
            #output
            #table
            #step

            /// Whether `input`, ignoring case and everything but letters and digits, spells
            /// `key` (already in that form).
            fn loosely_equal(input: &str, key: &str) -> bool {
                input
                    .chars()
                    .filter(|c| c.is_alphanumeric())
                    .flat_map(char::to_uppercase)
                    .eq(key.chars())
            }

            /// A name that is no state or event of the spec.
            ///
            /// It keeps the first [`ParseError::INPUT_CAPACITY`] bytes of the input (cut at a
            /// character boundary) in place, so parsing needs no allocator (`no_std`).
            #[derive(Debug, Clone, PartialEq, Eq)]
            pub struct ParseError {
                what: &'static str,
                input: [u8; ParseError::INPUT_CAPACITY],
                input_len: u8,
                truncated: bool,
                expected: &'static [&'static str],
            }

            impl ParseError {
                /// How many bytes of the input the error keeps.
                pub const INPUT_CAPACITY: usize = 64;

                fn new(what: &'static str, input: &str, expected: &'static [&'static str]) -> Self {
                    let mut len = input.len().min(Self::INPUT_CAPACITY);
                    while !input.is_char_boundary(len) {
                        len -= 1;
                    }
                    let mut kept = [0; Self::INPUT_CAPACITY];
                    kept[..len].copy_from_slice(&input.as_bytes()[..len]);
                    ParseError {
                        what,
                        input: kept,
                        // `len` is at most INPUT_CAPACITY, which fits a byte.
                        input_len: u8::try_from(len).unwrap_or(u8::MAX),
                        truncated: len < input.len(),
                        expected,
                    }
                }

                /// The text that did not parse (its first
                /// [`INPUT_CAPACITY`](ParseError::INPUT_CAPACITY) bytes).
                #[must_use]
                pub fn input(&self) -> &str {
                    let kept = &self.input[..usize::from(self.input_len)];
                    // `new` copied whole characters of a `str`.
                    ::core::str::from_utf8(kept).unwrap_or_default()
                }
            }

            impl ::core::fmt::Display for ParseError {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    let ellipsis = if self.truncated { "..." } else { "" };
                    ::core::write!(
                        f,
                        "`{}{ellipsis}` is not {} of `{}`; expected one of: ",
                        self.input(),
                        self.what,
                        ::core::stringify!(#machine),
                    )?;
                    for (index, name) in self.expected.iter().enumerate() {
                        let separator = if index == 0 { "" } else { ", " };
                        ::core::write!(f, "{separator}{name}")?;
                    }
                    ::core::result::Result::Ok(())
                }
            }

            impl ::core::error::Error for ParseError {}
        }
    }
}

/// `FromStr` for an enum: exact names first, then the loose spellings that name one variant.
fn from_str(
    enum_name: &TokenStream,
    what: &str,
    names: &[String],
    entries: &[(Vec<String>, TokenStream)],
) -> TokenStream {
    let mut exact: Vec<(String, &TokenStream)> = Vec::new();
    for (spellings, variant) in entries {
        for spelling in spellings {
            if !exact.iter().any(|(seen, _)| seen == spelling) {
                exact.push((spelling.clone(), variant));
            }
        }
    }
    let exact_arms = exact
        .iter()
        .map(|(spelling, variant)| quote!(#spelling => ::core::result::Result::Ok(#variant)));
    let mut loose: Vec<(String, Option<&TokenStream>)> = Vec::new();
    for (spelling, variant) in &exact {
        let key = loose_key(spelling);
        match loose.iter_mut().find(|(seen, _)| *seen == key) {
            Some((_, owner)) if owner.map(|o| o.to_string()) != Some(variant.to_string()) => {
                // Two variants spell the same loosely: accept only their exact spellings.
                *owner = None;
            }
            Some(_) => {}
            None => loose.push((key, Some(variant))),
        }
    }
    let loose: Vec<_> = loose
        .into_iter()
        .filter_map(|(key, variant)| Some((key, variant?)))
        .collect();
    let keys = loose.iter().map(|(key, _)| key);
    let variants = loose.iter().map(|(_, variant)| variant);
    let count = loose.len();
    quote! {
        impl ::core::str::FromStr for #enum_name {
            type Err = ParseError;

            fn from_str(input: &str) -> ::core::result::Result<Self, ParseError> {
                const LOOSE: [(&str, #enum_name); #count] = [#((#keys, #variants)),*];
                match input {
                    #(#exact_arms,)*
                    _ => LOOSE
                        .iter()
                        .find(|(key, _)| loosely_equal(input, key))
                        .map(|&(_, value)| value)
                        .ok_or_else(|| ParseError::new(#what, input, &[#(#names),*])),
                }
            }
        }
    }
}

fn state_enum(m: &Model<'_>) -> TokenStream {
    let spec = m.spec;
    let types = &m.names.states;
    let count = types.len();
    let names: Vec<String> = spec.states.iter().map(|s| s.name.clone()).collect();
    let docs = spec
        .states
        .iter()
        .map(|s| docs::or_named(s.doc.as_deref(), format!("The state `{}`.", s.name)));
    let aliases = spec.states.iter().map(|s| &s.aliases);
    let state_docs = spec
        .states
        .iter()
        .map(|s| s.doc.clone().unwrap_or_default());
    let finals = spec.states.iter().map(|s| s.is_final);
    let groups = spec.state_ids().map(|s| group_list(m, &spec.ancestors(s)));
    let initial = &types[spec.machine.initial.0];
    let legal = spec.state_ids().map(|s| {
        let mut events: Vec<_> = spec.transitions_from(s).map(|t| t.event).collect();
        events.sort();
        events.dedup();
        let events = events.iter().map(|e| &m.names.events[e.0]);
        quote!(&[#(Event::#events),*])
    });
    let entries: Vec<(Vec<String>, TokenStream)> = spec
        .states
        .iter()
        .zip(types)
        .map(|(s, ty)| {
            let spellings = std::iter::once(s.name.clone()).chain(s.aliases.iter().cloned());
            (spellings.collect(), quote!(State::#ty))
        })
        .collect();
    let from_str = from_str(&quote!(State), "a state", &names, &entries);
    let initial = quote! {
        /// The state a new machine starts in.
        pub const INITIAL: State = State::#initial;
    };
    let methods = quote! {
            /// Other names for the state, from the spec's `aliases`.
            #[must_use]
            #[inline]
            pub const fn aliases(self) -> &'static [&'static str] {
                const ALIASES: [&[&str]; #count] = [#(&[#(#aliases),*]),*];
                ALIASES[self as usize]
            }

            /// The spec's `doc` for the state (empty if it has none).
            #[must_use]
            #[inline]
            pub const fn doc(self) -> &'static str {
                const DOCS: [&str; #count] = [#(#state_docs),*];
                DOCS[self as usize]
            }

            /// Whether the spec marks the state `final`.
            #[must_use]
            #[inline]
            pub const fn is_final(self) -> bool {
                const FINALS: [bool; #count] = [#(#finals),*];
                FINALS[self as usize]
            }

            /// The groups the state is in, innermost first (empty when it is in none).
            #[must_use]
            #[inline]
            pub const fn groups(self) -> &'static [Group] {
                const GROUPS: [&[Group]; #count] = [#(#groups),*];
                GROUPS[self as usize]
            }

            /// The events that have a transition from this state, in the spec's event order.
            #[must_use]
            #[inline]
            pub const fn legal_events(self) -> &'static [Event] {
                const LEGAL: [&[Event]; #count] = [#(#legal),*];
                LEGAL[self as usize]
            }
    };
    let state = NameEnum {
        ty: quote!(State),
        noun: "state",
        article: "A",
    };
    state.tokens(types, docs, &names, initial, methods, from_str)
}

fn event_enum(m: &Model<'_>) -> TokenStream {
    let spec = m.spec;
    let types = &m.names.events;
    let count = types.len();
    let names: Vec<String> = spec.events.iter().map(|e| e.name.clone()).collect();
    let labels = spec.events.iter().map(|e| e.display_label());
    let kinds = spec.events.iter().map(|e| e.kind.as_str());
    let docs = spec.events.iter().map(|e| {
        format!(
            "`{}` ({}): {}",
            e.name,
            docs::escape(&e.display_label()),
            docs::or_named(e.doc.as_deref(), format!("the event `{}`.", e.name))
        )
    });
    let legal = spec.event_ids().map(|e| {
        let states = m.legal_in(e);
        let states = states.iter().map(|s| &m.names.states[s.0]);
        quote!(&[#(State::#states),*])
    });
    // Names first, so that a label equal to another event's name cannot shadow it.
    let mut entries: Vec<(Vec<String>, TokenStream)> = spec
        .events
        .iter()
        .zip(types)
        .map(|(e, ty)| (vec![e.name.clone()], quote!(Event::#ty)))
        .collect();
    entries.extend(
        spec.events
            .iter()
            .zip(types)
            .map(|(e, ty)| (vec![e.display_label()], quote!(Event::#ty))),
    );
    let from_str = from_str(&quote!(Event), "an event", &names, &entries);
    let methods = quote! {
            /// How diagrams name the event: its label, else `rcv SEGMENT`, else its name.
            #[must_use]
            #[inline]
            pub const fn label(self) -> &'static str {
                const LABELS: [&str; #count] = [#(#labels),*];
                LABELS[self as usize]
            }

            /// What causes the event: `call`, `receive` or `timeout`.
            #[must_use]
            #[inline]
            pub const fn kind(self) -> &'static str {
                const KINDS: [&str; #count] = [#(#kinds),*];
                KINDS[self as usize]
            }

            /// The states that have a transition on this event, in the spec's state order.
            #[must_use]
            #[inline]
            pub const fn legal_in(self) -> &'static [State] {
                const LEGAL: [&[State]; #count] = [#(#legal),*];
                LEGAL[self as usize]
            }
    };
    let event = NameEnum {
        ty: quote!(Event),
        noun: "event",
        article: "An",
    };
    event.tokens(types, docs, &names, quote!(), methods, from_str)
}

/// What the generated `State` and `Event` enums share: a variant per spec name, `ALL`,
/// `name()`, `Display` and `FromStr`. Written once so that the two cannot drift apart.
struct NameEnum {
    ty: TokenStream,
    /// `state` or `event`, for the doc comments.
    noun: &'static str,
    article: &'static str,
}

impl NameEnum {
    /// The enum and its impls; `consts` come after `ALL`, `methods` after `name()`.
    fn tokens<T: quote::ToTokens>(
        &self,
        types: &[T],
        docs: impl Iterator<Item = String>,
        names: &[String],
        consts: TokenStream,
        methods: TokenStream,
        from_str: TokenStream,
    ) -> TokenStream {
        let NameEnum { ty, noun, article } = self;
        let count = types.len();
        // Leading spaces as `///` gives them, so that the expansion reads the same.
        let enum_doc = format!(" {article} {noun} of the machine, named as in the spec.");
        let all_doc = format!(" Every {noun}, in the spec's order.");
        let name_doc = format!(" The {noun}'s name in the spec.");
        let types2 = types.iter();
        quote! {
            #[doc = #enum_doc]
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub enum #ty {
                #(#[doc = #docs] #types,)*
            }

            impl #ty {
                #[doc = #all_doc]
                pub const ALL: [#ty; #count] = [#(#ty::#types2),*];
                #consts

                #[doc = #name_doc]
                #[must_use]
                #[inline]
                pub const fn name(self) -> &'static str {
                    const NAMES: [&str; #count] = [#(#names),*];
                    NAMES[self as usize]
                }

                #methods
            }

            impl ::core::fmt::Display for #ty {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.pad(self.name())
                }
            }

            #from_str
        }
    }
}

/// `&[Group::A, Group::B]`.
fn group_list(m: &Model<'_>, groups: &[fsm_spec::GroupId]) -> TokenStream {
    let groups = groups.iter().map(|g| &m.names.group_traits[g.0]);
    quote!(&[#(Group::#groups),*])
}

/// The spec's `[groups]` as an enum, named like their marker traits in the typed API. A
/// spec without groups gets an enum without variants, so that code over `Group` (the
/// observer's group methods, `Transition::declared_in`) reads the same for every spec.
fn group_enum(m: &Model<'_>) -> TokenStream {
    let spec = m.spec;
    let types = &m.names.group_traits;
    let count = types.len();
    let names: Vec<String> = spec.groups.iter().map(|g| g.name.clone()).collect();
    let docs = spec
        .groups
        .iter()
        .map(|g| docs::or_named(g.doc.as_deref(), format!("The group `{}`.", g.name)));
    let parents = spec.groups.iter().map(|g| match g.parent {
        Some(parent) => {
            let parent = &types[parent.0];
            quote!(Some(Group::#parent))
        }
        None => quote!(None),
    });
    let states = (0..count).map(|g| {
        let states = spec.leaves(fsm_spec::GroupId(g));
        let states = states.iter().map(|s| &m.names.states[s.0]);
        quote!(&[#(State::#states),*])
    });
    let cites = spec.groups.iter().map(|g| match &g.cite {
        Some(cite) => quote!(Some(#cite)),
        None => quote!(None),
    });
    let entries: Vec<(Vec<String>, TokenStream)> = spec
        .groups
        .iter()
        .zip(types)
        .map(|(g, ty)| (vec![g.name.clone()], quote!(Group::#ty)))
        .collect();
    let from_str = from_str(&quote!(Group), "a group", &names, &entries);
    let methods = quote! {
            /// The group it is directly inside, if any.
            #[must_use]
            #[inline]
            pub const fn parent(self) -> Option<Group> {
                const PARENTS: [Option<Group>; #count] = [#(#parents),*];
                PARENTS[self as usize]
            }

            /// The states inside it at any depth, in the order its members list them.
            #[must_use]
            #[inline]
            pub const fn states(self) -> &'static [State] {
                const STATES: [&[State]; #count] = [#(#states),*];
                STATES[self as usize]
            }

            /// Where the grouping comes from, when the spec says.
            #[must_use]
            #[inline]
            pub const fn cite(self) -> Option<&'static str> {
                const CITES: [Option<&str>; #count] = [#(#cites),*];
                CITES[self as usize]
            }
    };
    let group = NameEnum {
        ty: quote!(Group),
        noun: "group",
        article: "A",
    };
    group.tokens(types, docs, &names, quote!(), methods, from_str)
}

fn output_enum(m: &Model<'_>) -> TokenStream {
    let texts: Vec<&String> = m.names.outputs.iter().map(|(text, _)| text).collect();
    let types: Vec<_> = m.names.outputs.iter().map(|(_, ty)| ty).collect();
    let count = types.len();
    let docs = texts.iter().map(|t| format!("`{}`", docs::escape(t)));
    quote! {
        /// What a transition sends, as the spec's `send` writes it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Output {
            #(#[doc = #docs] #types,)*
        }

        impl Output {
            /// Every output, in order of first use in the spec.
            pub const ALL: [Output; #count] = [#(Output::#types),*];

            /// The spec's text, for example `SYN,ACK`.
            #[must_use]
            #[inline]
            pub const fn text(self) -> &'static str {
                match self {
                    #(Output::#types => #texts,)*
                }
            }
        }

        impl ::core::fmt::Display for Output {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.pad(self.text())
            }
        }
    }
}

/// What `t` sends, as an `Option<Output>` value of the runtime module.
fn output_value(m: &Model<'_>, t: &Transition) -> TokenStream {
    match m.names.output(t.send.as_deref()) {
        Some(ty) => quote!(Some(Output::#ty)),
        None => quote!(None),
    }
}

fn transition_value(m: &Model<'_>, t: &Transition) -> TokenStream {
    let from = &m.names.states[t.from.0];
    let event = &m.names.events[t.event.0];
    let to = &m.names.states[t.to.0];
    let output = output_value(m, t);
    let guard = match &t.guard {
        Some(guard) => quote!(Some(#guard)),
        None => quote!(None),
    };
    let tags = &t.tags;
    let cite = match &t.cite {
        Some(cite) => quote!(Some(#cite)),
        None => quote!(None),
    };
    let doc = t.doc.clone().unwrap_or_default();
    let declared_in = match t.declared_in {
        Some(group) => {
            let group = &m.names.group_traits[group.0];
            quote!(Some(Group::#group))
        }
        None => quote!(None),
    };
    let path = m.spec.exits_and_entries(t);
    let exits = group_list(m, &path.exits);
    let entries = group_list(m, &path.entries);
    quote! {
        Transition {
            from: State::#from,
            event: Event::#event,
            to: State::#to,
            output: #output,
            guard: #guard,
            tags: &[#(#tags),*],
            cite: #cite,
            doc: #doc,
            declared_in: #declared_in,
            exits: #exits,
            entries: #entries,
        }
    }
}

fn table(m: &Model<'_>) -> TokenStream {
    let table = m.table();
    let count = table.len();
    let rows = table.iter().map(|t| transition_value(m, t));
    quote! {
        /// One transition of the spec (a `from` list in the spec gives one per state, and so
        /// does a transition declared on a group, with [`Transition::declared_in`]).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct Transition {
            /// The state the transition leaves.
            pub from: State,
            /// The event that triggers it.
            pub event: Event,
            /// The state it enters (the same as `from` for a self-loop).
            pub to: State,
            /// What the spec says to send, if anything.
            pub output: Option<Output>,
            /// The guard that selects it among transitions with the same `from` and `event`.
            pub guard: Option<&'static str>,
            /// The spec's tags.
            pub tags: &'static [&'static str],
            /// Where the transition comes from, for example an RFC section (when the spec
            /// says).
            pub cite: Option<&'static str>,
            /// The spec's `doc` (empty if it has none).
            pub doc: &'static str,
            /// The group the spec declares it on, when it applies to `from` because `from` is
            /// inside that group (`None`: declared on `from` itself).
            pub declared_in: Option<Group>,
            /// The groups it leaves, innermost first, after `from` (see [`Observer`]).
            pub exits: &'static [Group],
            /// The groups it enters, outermost first, before `to`.
            pub entries: &'static [Group],
        }

        impl ::core::fmt::Display for Transition {
            /// `LISTEN --rcv_syn--> SYN_RECEIVED / SYN,ACK`, with `[guard]` after the event.
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::write!(f, "{} --{}", self.from, self.event)?;
                if let Some(guard) = self.guard {
                    ::core::write!(f, " [{guard}]")?;
                }
                ::core::write!(f, "--> {}", self.to)?;
                if let Some(output) = self.output {
                    ::core::write!(f, " / {output}")?;
                }
                ::core::result::Result::Ok(())
            }
        }

        /// Every transition of the spec, ordered by `from` state, then event; guarded
        /// alternatives keep the spec's order.
        pub static TRANSITIONS: [Transition; #count] = [#(#rows),*];
    }
}

fn step(m: &Model<'_>) -> TokenStream {
    let spec = m.spec;
    // Where each transition of the spec sits in `TRANSITIONS`.
    let mut row_of = vec![0; spec.transitions.len()];
    for (row, index) in m.table_order().into_iter().enumerate() {
        row_of[index] = row;
    }
    let index_type = if row_of.len() <= usize::from(u16::MAX) + 1 {
        quote!(u16)
    } else {
        quote!(u32)
    };
    let taken = |index: usize| {
        let t = &spec.transitions[index];
        let to = &m.names.states[t.to.0];
        let output = output_value(m, t);
        let row = Literal::usize_unsuffixed(row_of[index]);
        quote!(Taken { to: State::#to, output: #output, index: #row })
    };
    let cells = fsm_spec::table::TransitionTable::new(spec);
    // One row per event, indexed by state: on a walk, where each step's state is the last
    // step's result, the event's row is found off that dependency chain and the state is
    // the load's scaled index, so one step costs a load and nothing else.
    let rows = spec.event_ids().map(|event| {
        let row = spec.state_ids().map(|state| match cells.on(state, event) {
            [] => quote!(ILLEGAL),
            [only] => {
                let taken = taken(*only);
                quote!(Some(Step::Unguarded(#taken)))
            }
            _ => {
                let group = m
                    .names
                    .choice(state, event)
                    .map(|g| &g.name)
                    .expect("every pair with several transitions is a named group");
                quote!(Some(Step::Guarded(Guarded::#group)))
            }
        });
        quote!([#(#row),*])
    });
    let state_count = spec.states.len();
    let event_count = spec.events.len();
    let groups = &m.names.choices;
    let group_names: Vec<_> = groups.iter().map(|g| &g.name).collect();
    let group_docs = groups.iter().map(|g| {
        let label = crate::names::choice_label(spec, g);
        format!("{label}, decided by `Guards::{}`.", g.method)
    });
    let ranges = groups.iter().map(|g| {
        let rows: Vec<usize> = g.transitions.iter().map(|&t| row_of[t]).collect();
        let start = rows.iter().min().copied().unwrap_or_default();
        let end = rows.iter().max().map_or(0, |i| i + 1);
        quote!(&TRANSITIONS[#start..#end])
    });
    // Without guarded transitions `Guarded` has no variant and `decide` never reads `guards`.
    let guards = if groups.is_empty() {
        quote!(_guards)
    } else {
        quote!(guards)
    };
    // The guard's decision, turned into its transition by the `From` impls below (named in
    // full: `Taken::from` is also `Taken`'s own method for the state it left).
    let decisions = groups.iter().map(|g| {
        let name = &g.name;
        let method = &g.method;
        quote! {
            Guarded::#name => <Taken as ::core::convert::From<super::guard::#name>>::from(
                super::guard::Guards::#method(guards)
            )
        }
    });
    // A guard that reads a state's data or an event's payload needs values the runtime API
    // does not hold: for such a spec, the caller decides (`guard::..::Variant.into()` gives
    // the `Taken`) and there is no `decide` or `Machine`.
    let decides = !groups.iter().any(|g| m.types.guard_reads(g.from, g.event));
    let step_decide = decides.then(|| {
        quote! {
            /// The transition taken: the only one, or the one that `guards` selects.
            #[must_use]
            #[inline]
            pub fn decide<G: super::guard::Guards + ?Sized>(self, guards: &G) -> Taken {
                match self {
                    Step::Unguarded(taken) => taken,
                    Step::Guarded(group) => group.decide(guards),
                }
            }
        }
    });
    let guarded_decide = decides.then(|| {
        quote! {
            /// The alternative that `guards` selects.
            #[must_use]
            #[inline]
            pub fn decide<G: super::guard::Guards + ?Sized>(self, #guards: &G) -> Taken {
                match self {
                    #(#decisions,)*
                }
            }
        }
    });
    let machine = decides.then(machine);
    let choices = groups.iter().map(|g| {
        let name = &g.name;
        let arms = g.variants.iter().zip(&g.transitions).map(|(variant, &t)| {
            let taken = taken(t);
            quote!(super::guard::#name::#variant => #taken)
        });
        let doc = format!(
            "The transition a decision of {} takes.",
            crate::names::choice_label(spec, g)
        );
        quote! {
            impl ::core::convert::From<super::guard::#name> for Taken {
                #[doc = #doc]
                #[inline]
                fn from(decision: super::guard::#name) -> Self {
                    match decision {
                        #(#arms,)*
                    }
                }
            }
        }
    });
    quote! {
        #(#choices)*

        /// A transition chosen by [`step`] and [`Step::decide`]: the next state and the output,
        /// held in the value itself so that stepping reads no more than one small table, and
        /// the spec's full record (guard, tags, cite, doc) through [`Taken::transition`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct Taken {
            /// The state the machine enters (the same as the current one for a self-loop).
            pub to: State,
            /// What the spec says to send, if anything.
            pub output: Option<Output>,
            /// Where the record is in [`TRANSITIONS`].
            index: #index_type,
        }

        impl Taken {
            /// The spec's record of the transition, in [`TRANSITIONS`].
            #[must_use]
            #[inline]
            pub fn transition(self) -> &'static Transition {
                &TRANSITIONS[self.index as usize]
            }

            /// The state the transition left (read from its record, so that the table
            /// [`step`] reads stays small).
            #[must_use]
            #[inline]
            pub fn from(self) -> State {
                self.transition().from
            }

            /// The event that triggered it (from its record, like [`Taken::from`]).
            #[must_use]
            #[inline]
            pub fn event(self) -> Event {
                self.transition().event
            }
        }

        #machine

        impl ::core::fmt::Display for Taken {
            /// As the record: `LISTEN --rcv_syn--> SYN_RECEIVED / SYN,ACK`.
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(self.transition(), f)
            }
        }

        /// What the spec does on an event: one transition, or several told apart by guards.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Step {
            /// The only transition for the state and event.
            Unguarded(Taken),
            /// Several transitions; [`Step::decide`] picks one with the user's guards.
            Guarded(Guarded),
        }

        impl Step {
            #step_decide

            /// The records of the transitions the step may take: the only one, or every
            /// guarded alternative.
            #[must_use]
            #[inline]
            pub fn transitions(self) -> &'static [Transition] {
                match self {
                    Step::Unguarded(taken) => ::core::slice::from_ref(taken.transition()),
                    Step::Guarded(group) => group.transitions(),
                }
            }
        }

        /// A state and event with guarded transitions.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Guarded {
            #(#[doc = #group_docs] #group_names,)*
        }

        impl Guarded {
            /// The records of the alternatives, in the spec's order.
            #[must_use]
            #[inline]
            pub fn transitions(self) -> &'static [Transition] {
                match self {
                    #(Guarded::#group_names => #ranges,)*
                }
            }

            #guarded_decide
        }

        /// Takes `event` in `state`: the transition (next state, output), the guarded
        /// alternatives, or an error if the spec has no transition for the pair.
        ///
        /// One load from a dense `event × state` table of small values, as a hand-written
        /// table would do; the spec's full record is read only when asked for.
        ///
        /// # Errors
        ///
        /// [`IllegalTransition`] when the spec has no transition from `state` on `event`.
        #[inline]
        pub fn step(state: State, event: Event) -> ::core::result::Result<Step, IllegalTransition> {
            const ILLEGAL: Option<Step> = None;
            const STEPS: [[Option<Step>; #state_count]; #event_count] = [#(#rows),*];
            match STEPS[event as usize][state as usize] {
                Some(step) => ::core::result::Result::Ok(step),
                None => {
                    ::core::result::Result::Err(IllegalTransition { state, event })
                }
            }
        }

        /// An event that the spec does not allow in a state.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct IllegalTransition {
            /// The state the machine was in.
            pub state: State,
            /// The event it got.
            pub event: Event,
        }

        impl ::core::fmt::Display for IllegalTransition {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::write!(f, "{} has no transition on `{}`; it is legal in ", self.state, self.event)?;
                let legal = self.event.legal_in();
                if legal.is_empty() {
                    return f.write_str("no state");
                }
                for (i, state) in legal.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    ::core::write!(f, "{state}")?;
                }
                ::core::result::Result::Ok(())
            }
        }

        impl ::core::error::Error for IllegalTransition {}
    }
}

/// `Machine`, which keeps the state and decides guards with its data, and its `Observer`.
fn machine() -> TokenStream {
    quote! {
        /// Hears [`Machine::handle`]'s transitions: for logging, tracing, or the entry and
        /// exit actions of states and groups. `()` observes nothing; any `FnMut(Taken)`
        /// closure observes the transitions. Nothing is allocated, so it works in `no_std`
        /// code.
        ///
        /// On each transition the calls come in the order SCXML runs a transition's parts:
        /// [`on_exit`](Observer::on_exit) of the state left, then
        /// [`on_exit_group`](Observer::on_exit_group) for each group left, innermost first;
        /// then [`on_transition`](Observer::on_transition), after the state changed; then
        /// [`on_entry_group`](Observer::on_entry_group) for each group entered, outermost
        /// first, and [`on_entry`](Observer::on_entry) of the state entered. A self-loop
        /// leaves and enters its state; which groups a transition leaves is
        /// [`Transition::exits`]. Every method but `on_transition` does nothing unless
        /// implemented.
        pub trait Observer {
            /// `taken` has been taken: [`Taken::from`] was left for `taken.to`.
            fn on_transition(&mut self, taken: Taken);

            /// `state` is being left.
            #[inline(always)]
            fn on_exit(&mut self, state: State) {
                let _ = state;
            }

            /// `group` is being left.
            #[inline(always)]
            fn on_exit_group(&mut self, group: Group) {
                let _ = group;
            }

            /// `group` is being entered.
            #[inline(always)]
            fn on_entry_group(&mut self, group: Group) {
                let _ = group;
            }

            /// `state` has been entered.
            #[inline(always)]
            fn on_entry(&mut self, state: State) {
                let _ = state;
            }
        }

        impl Observer for () {
            #[inline(always)]
            fn on_transition(&mut self, _: Taken) {}
        }

        impl<F: ::core::ops::FnMut(Taken)> Observer for F {
            #[inline]
            fn on_transition(&mut self, taken: Taken) {
                self(taken)
            }
        }

        /// A machine that keeps its state: [`Machine::handle`] takes an event, moves to the
        /// next state and returns the transition taken. `G` is the data that decides guarded
        /// transitions (see [`guard::Guards`](super::guard::Guards); `()` for a spec without
        /// guards), `O` an optional [`Observer`].
        #[derive(Clone)]
        pub struct Machine<G = (), O = ()> {
            state: State,
            guards: G,
            observer: O,
        }

        impl<G> Machine<G, ()> {
            /// A machine in the initial state, with the data that decides its guards.
            #[must_use]
            #[inline]
            pub const fn new(guards: G) -> Self {
                Machine::with_state(State::INITIAL, guards)
            }

            /// A machine in `state`, with the data that decides its guards.
            #[must_use]
            #[inline]
            pub const fn with_state(state: State, guards: G) -> Self {
                Machine {
                    state,
                    guards,
                    observer: (),
                }
            }
        }

        impl<G, O> Machine<G, O> {
            /// The same machine, calling `observer` on every transition from now on.
            #[must_use]
            #[inline]
            pub fn observed_by<P: Observer>(self, observer: P) -> Machine<G, P> {
                Machine {
                    state: self.state,
                    guards: self.guards,
                    observer,
                }
            }

            /// The current state.
            #[must_use]
            #[inline]
            pub const fn state(&self) -> State {
                self.state
            }

            /// The data that decides guarded transitions.
            #[must_use]
            #[inline]
            pub const fn guards(&self) -> &G {
                &self.guards
            }

            /// The data that decides guarded transitions, to change it between events.
            #[inline]
            pub fn guards_mut(&mut self) -> &mut G {
                &mut self.guards
            }

            /// The observer.
            #[must_use]
            #[inline]
            pub const fn observer(&self) -> &O {
                &self.observer
            }

            /// The observer, to read or reset what it gathered.
            #[inline]
            pub fn observer_mut(&mut self) -> &mut O {
                &mut self.observer
            }

            /// The state, the guard data and the observer.
            #[must_use]
            #[inline]
            pub fn into_parts(self) -> (State, G, O) {
                (self.state, self.guards, self.observer)
            }
        }

        impl<G: super::guard::Guards, O: Observer> Machine<G, O> {
            /// Takes `event`: one table lookup ([`step`]), the guard decision if the pair is
            /// guarded, the state change and the observer's calls (see [`Observer`] for their
            /// order). On an illegal event the state stays and the observer is not called.
            ///
            /// # Errors
            ///
            /// [`IllegalTransition`] when the spec has no transition from the current state on
            /// `event`.
            #[inline]
            pub fn handle(&mut self, event: Event) -> ::core::result::Result<Taken, IllegalTransition> {
                let taken = step(self.state, event)?.decide(&self.guards);
                // With an observer that ignores exits and entries (`()`, a closure) the loops
                // have empty bodies and the record is never read. `get`, not an index: a
                // bounds check that can panic would stay even then (3 instructions a step).
                let (exits, entries) = TRANSITIONS
                    .get(taken.index as usize)
                    .map_or((&[][..], &[][..]), |record| (record.exits, record.entries));
                self.observer.on_exit(self.state);
                for &group in exits {
                    self.observer.on_exit_group(group);
                }
                self.state = taken.to;
                self.observer.on_transition(taken);
                for &group in entries {
                    self.observer.on_entry_group(group);
                }
                self.observer.on_entry(taken.to);
                ::core::result::Result::Ok(taken)
            }
        }

        impl<G: ::core::default::Default> ::core::default::Default for Machine<G, ()> {
            fn default() -> Self {
                Machine::new(G::default())
            }
        }

        impl<G: ::core::fmt::Debug, O> ::core::fmt::Debug for Machine<G, O> {
            /// The state and the guard data; an observer (often a closure) is shown as `..`.
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct("Machine")
                    .field("state", &self.state)
                    .field("guards", &self.guards)
                    .finish_non_exhaustive()
            }
        }
    }
}
