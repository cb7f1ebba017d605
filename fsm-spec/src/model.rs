//! The checked model of a state machine: states, events and transitions, referring to each
//! other by index.

use crate::naming::case::loose_key;
use crate::source::{Located, Span};
use std::fmt;

/// Index of a state in [`Spec::states`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StateId(pub usize);

/// Index of a group in [`Spec::groups`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupId(pub usize);

/// Index of an event in [`Spec::events`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventId(pub usize);

/// A whole spec: the `[machine]` table, the states and events in source order, and one
/// transition per `from` state (lists of `from` states are expanded).
#[derive(Debug, Clone)]
pub struct Spec {
    pub machine: Machine,
    pub states: Vec<State>,
    /// `[groups.NAME]` tables: composite states, in source order. Empty for a flat spec.
    pub groups: Vec<Group>,
    pub events: Vec<Event>,
    /// The transitions as the machine takes them: one per leaf `from` state and event, a
    /// transition declared on a group expanded to each state inside it that does not handle
    /// the event itself (see [`Transition::declared_in`]).
    pub transitions: Vec<Transition>,
    /// `[[contradiction]]` entries: places where the source document says two things. Used
    /// by reference specs; each reading is a transition with a [`Transition::reading`].
    pub contradictions: Vec<Contradiction>,
    /// `[[deviation]]` entries: places where this spec differs from a reference on purpose,
    /// one per `from` state (lists are expanded).
    pub deviations: Vec<Deviation>,
    /// `[[no_transition]]` entries: events that the source document handles without a
    /// transition in some states (an error reply, a dropped segment, an impossible event),
    /// one per `from` state (lists are expanded).
    pub no_transitions: Vec<NoTransition>,
    /// The files of the base specs whose states and events this one inherits
    /// (`[machine] extends`), nearest first, by the names diagnostics use for them.
    pub bases: Vec<String>,
}

/// The `[machine]` table.
#[derive(Debug, Clone)]
pub struct Machine {
    /// The Rust type name of the machine, for example `Tcp`.
    pub name: String,
    pub initial: StateId,
    pub doc: Option<String>,
    /// `require_cite = true`: every transition must say where it comes from (the TCP specs
    /// ask for it; a spec that models no document leaves it off).
    pub require_cite: bool,
    /// `diagram_tag = "figure6"`: the arcs with this tag are the machine's own picture (TCP's
    /// RFC 793 Figure 6), drawn in the generated docs instead of every arc. With its span.
    pub diagram_tag: Option<(String, Span)>,
    /// `extends = "base.toml"`: the base spec, as written, whose states and events this
    /// one inherits.
    pub extends: Option<String>,
    /// Span of the `[machine]` table.
    pub span: Span,
}

/// A `[states.NAME]` table.
#[derive(Debug, Clone)]
pub struct State {
    pub name: String,
    pub doc: Option<String>,
    /// Other names for the state (other RFCs, tools, operating systems).
    pub aliases: Vec<String>,
    /// Span of each alias, in the order of `aliases`.
    pub alias_spans: Vec<Span>,
    /// A final state may have no way out without being reported as a dead end.
    pub is_final: bool,
    /// `data = "Type"`: the Rust type of the data a handle holds while in this state.
    pub data: Option<RustType>,
    /// The innermost group the state is a member of; `None` at the top level.
    pub group: Option<GroupId>,
    /// Span of the state's name.
    pub span: Span,
}

/// A member of a group: a state, or another group nested in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Member {
    State(StateId),
    Group(GroupId),
}

/// The states and groups as a tree ([`Spec::nested`]): a state, or a group with what is
/// inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Nested {
    State(StateId),
    Group(GroupId, Vec<Nested>),
}

/// A `[groups.NAME]` table: a composite state. A transition declared on it applies to each
/// state inside it (transitively) that does not handle the event itself.
#[derive(Debug, Clone)]
pub struct Group {
    pub name: String,
    /// The states and groups directly inside it, in the order `states` lists them.
    pub members: Vec<Member>,
    /// The group it is a member of; `None` at the top level.
    pub parent: Option<GroupId>,
    /// The member a transition to the group enters (followed down to a state by
    /// [`Spec::initial_leaf`]); needed only when a transition targets the group.
    pub initial: Option<Member>,
    pub doc: Option<String>,
    /// Where the grouping comes from, for example `RFC 9293 3.10.7.4`.
    pub cite: Option<String>,
    /// Span of the group's name.
    pub span: Span,
}

/// A Rust type named by a spec (`data` of a state, `payload` of an event), as written, with
/// the span of the string. The spec tools carry it as text; the code generator parses it
/// where the macro is called.
pub type RustType = Located<String>;

/// What causes an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "json",
    derive(serde::Serialize),
    serde(rename_all = "lowercase")
)]
pub enum EventKind {
    /// A call from the user or application, such as OPEN or CLOSE.
    Call,
    /// Something received, such as a segment with SYN set.
    Receive,
    /// A timer running out.
    Timeout,
}

impl EventKind {
    pub const ALL: [EventKind; 3] = [EventKind::Call, EventKind::Receive, EventKind::Timeout];

    /// The spelling used in spec files.
    pub const fn as_str(self) -> &'static str {
        match self {
            EventKind::Call => "call",
            EventKind::Receive => "receive",
            EventKind::Timeout => "timeout",
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An `[events.NAME]` table.
#[derive(Debug, Clone)]
pub struct Event {
    pub name: String,
    pub kind: EventKind,
    /// For received events: what arrives, for example `SYN,ACK`.
    pub segment: Option<String>,
    /// A display name for diagrams, for example `CLOSE`.
    pub label: Option<String>,
    pub doc: Option<String>,
    /// Other names for the event, used when matching a spec against a reference.
    pub aliases: Vec<String>,
    /// A coarser event of the same spec that this one is a special case of (`rcv_fin_ack`
    /// refines `rcv_fin`). A spec that does not tell them apart handles this event as that one.
    pub refines: Option<EventId>,
    /// `payload = "Type"`: the Rust type of the value the event carries (the typed method
    /// takes it; guards and the entry into a state holding data can read it).
    pub payload: Option<RustType>,
    /// Span of the event's name.
    pub span: Span,
}

impl Event {
    /// How diagrams name the event: its label, else `rcv SEGMENT` for received events, else
    /// its name.
    pub fn display_label(&self) -> String {
        match (&self.label, &self.segment) {
            (Some(label), _) => label.clone(),
            (None, Some(segment)) if self.kind == EventKind::Receive => format!("rcv {segment}"),
            _ => self.name.clone(),
        }
    }
}

/// One `[[transition]]` entry for one `from` state.
#[derive(Debug, Clone)]
pub struct Transition {
    pub from: StateId,
    pub event: EventId,
    pub to: StateId,
    /// What the machine emits on this transition, for example `SYN,ACK`.
    pub send: Option<String>,
    /// Names the condition that selects this transition among others with the same `from`
    /// and `event`.
    pub guard: Option<String>,
    /// Free-form tags, for example `figure6` for arcs drawn in RFC 793 Figure 6.
    pub tags: Vec<String>,
    /// Where the transition comes from (a section of a standard, a document); required when
    /// the machine sets `require_cite`.
    pub cite: Option<String>,
    pub doc: Option<String>,
    /// A short quote of the sentence of the cited document that the transition comes from.
    pub quote: Option<String>,
    /// In a reference spec: the reading of a contradiction that this transition stands for.
    pub reading: Option<Reading>,
    /// Why this transition differs from the reference on purpose (`deviation = "RFC 5961"`).
    pub deviation: Option<String>,
    /// The group whose `from` declared it; `None` when declared on the state itself. The
    /// span is the declaration's either way.
    pub declared_in: Option<GroupId>,
    /// The group `to` named, when it named one: the transition enters that group, at `to`
    /// (its `initial` followed down). `None` when `to` named a state.
    pub to_group: Option<GroupId>,
    /// Span of the `[[transition]]` entry.
    pub span: Span,
}

/// Which reading of which `[[contradiction]]` a transition stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// The `id` of the contradiction.
    pub contradiction: String,
    /// The reading's short name, for example `figure6` or `section_3_9`.
    pub name: String,
}

/// Whether the readings of a `[[contradiction]]` exclude each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "json",
    derive(serde::Serialize),
    serde(rename_all = "lowercase")
)]
pub enum ContradictionKind {
    /// The document says two incompatible things (`kind = "contradiction"`, the default).
    Contradiction,
    /// The document allows either behaviour, for example an optional mitigation
    /// (`kind = "option"`).
    Option,
}

impl ContradictionKind {
    pub const ALL: [ContradictionKind; 2] =
        [ContradictionKind::Contradiction, ContradictionKind::Option];

    /// The spelling used in spec files.
    pub const fn as_str(self) -> &'static str {
        match self {
            ContradictionKind::Contradiction => "contradiction",
            ContradictionKind::Option => "option",
        }
    }
}

/// A `[[contradiction]]` entry: one `from` state and event for which the source document
/// gives two or more readings, each written as a transition with `reading`.
#[derive(Debug, Clone)]
pub struct Contradiction {
    /// A short identifier that transitions name in `contradiction = "..."`.
    pub id: String,
    pub kind: ContradictionKind,
    /// One line saying what the readings disagree on.
    pub summary: String,
    pub doc: Option<String>,
    /// Span of the `[[contradiction]]` entry.
    pub span: Span,
}

/// Why a `[[no_transition]]` entry has no transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "json",
    derive(serde::Serialize),
    serde(rename_all = "lowercase")
)]
pub enum NoTransitionKind {
    /// A user call answered with an error and no state change (`kind = "error"`).
    Error,
    /// Something received is dropped without a reply or a state change (`kind = "drop"`).
    Drop,
    /// The event cannot happen in this state (`kind = "impossible"`).
    Impossible,
}

impl NoTransitionKind {
    pub const ALL: [NoTransitionKind; 3] = [
        NoTransitionKind::Error,
        NoTransitionKind::Drop,
        NoTransitionKind::Impossible,
    ];

    /// The spelling used in spec files.
    pub const fn as_str(self) -> &'static str {
        match self {
            NoTransitionKind::Error => "error",
            NoTransitionKind::Drop => "drop",
            NoTransitionKind::Impossible => "impossible",
        }
    }
}

impl fmt::Display for NoTransitionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `[[no_transition]]` entry for one `from` state: what the source document says when
/// `event` happens in `from` and no transition follows.
#[derive(Debug, Clone)]
pub struct NoTransition {
    pub from: StateId,
    pub event: EventId,
    pub kind: NoTransitionKind,
    pub cite: String,
    pub quote: Option<String>,
    pub doc: Option<String>,
    /// Span of the `[[no_transition]]` entry.
    pub span: Span,
}

/// A `[[deviation]]` entry for one `from` state: the spec differs from a reference at this
/// state and event on purpose, for `reason`.
#[derive(Debug, Clone)]
pub struct Deviation {
    pub from: StateId,
    pub event: EventId,
    /// Restricts the declaration to the transitions with this guard.
    pub guard: Option<String>,
    /// When given, the state the spec goes to instead (the declaration goes stale if the
    /// spec changes).
    pub to: Option<StateId>,
    /// When given, what the spec sends instead.
    pub send: Option<String>,
    /// Why the spec deviates, for example `RFC 9293 3.10.7.4`.
    pub reason: String,
    /// Where the deviating behaviour comes from.
    pub cite: Option<String>,
    /// The references (by machine name, compared loosely: `RFC 9293` finds `Rfc9293`) the
    /// declaration applies to; empty for all.
    pub against: Vec<String>,
    /// Span of the `[[deviation]]` entry.
    pub span: Span,
}

impl Deviation {
    /// Whether the declaration applies when auditing against the reference machine `name`.
    pub fn applies_to(&self, name: &str) -> bool {
        let key = loose_key(name);
        self.against.is_empty() || self.against.iter().any(|a| loose_key(a) == key)
    }
}

impl Transition {
    /// Whether the transition leaves the machine in the state it was in.
    pub fn is_self_loop(&self) -> bool {
        self.from == self.to
    }

    /// Whether the transition carries `tag`.
    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| t == tag)
    }
}

impl Spec {
    pub fn state(&self, id: StateId) -> &State {
        &self.states[id.0]
    }

    pub fn group(&self, id: GroupId) -> &Group {
        &self.groups[id.0]
    }

    /// A group by its exact name.
    pub fn group_named(&self, name: &str) -> Option<GroupId> {
        self.groups.iter().position(|g| g.name == name).map(GroupId)
    }

    fn tree(&self) -> Tree<'_> {
        Tree {
            states: &self.states,
            groups: &self.groups,
        }
    }

    /// The groups containing `state`, innermost first.
    pub fn ancestors(&self, state: StateId) -> Vec<GroupId> {
        self.tree().ancestors(state)
    }

    /// The states inside `group`, at any depth, in the order its members list them (depth
    /// first).
    pub fn leaves(&self, group: GroupId) -> Vec<StateId> {
        self.tree().leaves(group)
    }

    /// The groups containing `group`, innermost first (itself not included).
    pub fn group_ancestors(&self, group: GroupId) -> Vec<GroupId> {
        self.tree().group_ancestors(group)
    }

    /// The states that `keep` lets through, in the tree of the groups holding them: the
    /// top level in the order of the states (a group where its first kept state is), each
    /// group's members in its own order. A group holding no kept state is left out.
    pub fn nested(&self, keep: impl Fn(StateId) -> bool) -> Vec<Nested> {
        let mut top = Vec::new();
        let mut placed = vec![false; self.groups.len()];
        for state in self.state_ids().filter(|&s| keep(s)) {
            match self.ancestors(state).last() {
                None => top.push(Nested::State(state)),
                Some(&outer) if !placed[outer.0] => {
                    placed[outer.0] = true;
                    top.extend(self.nested_group(outer, &keep, &mut Vec::new()));
                }
                Some(_) => {}
            }
        }
        top
    }

    /// `seen` guards a hand-built model with a cycle (the parser cuts them).
    fn nested_group(
        &self,
        group: GroupId,
        keep: &impl Fn(StateId) -> bool,
        seen: &mut Vec<GroupId>,
    ) -> Option<Nested> {
        if seen.contains(&group) {
            return None;
        }
        seen.push(group);
        let inside: Vec<Nested> = self
            .group(group)
            .members
            .iter()
            .filter_map(|&member| match member {
                Member::State(s) => keep(s).then_some(Nested::State(s)),
                Member::Group(g) => self.nested_group(g, keep, seen),
            })
            .collect();
        (!inside.is_empty()).then_some(Nested::Group(group, inside))
    }

    /// Whether `state` is inside `group`, at any depth.
    pub fn contains(&self, group: GroupId, state: StateId) -> bool {
        self.ancestors(state).contains(&group)
    }

    /// The same machine without its groups: the expanded transitions as if each had been
    /// written on its state (what `export --flat` prints).
    pub fn flattened(&self) -> Spec {
        let mut flat = self.clone();
        flat.groups.clear();
        for state in &mut flat.states {
            state.group = None;
        }
        for transition in &mut flat.transitions {
            transition.declared_in = None;
            transition.to_group = None;
        }
        flat
    }

    /// The groups a transition leaves and enters, besides its two states: `exits` innermost
    /// first, `entries` outermost first, the order in which they run (SCXML's and statig's).
    ///
    /// The groups that stay active are those containing the transition's *domain*: the
    /// innermost group that holds both the declaration (the state, or the group that
    /// declared the transition, [`Transition::declared_in`]) and the target, without being
    /// the declaring group itself. So, as an SCXML external transition does, a transition
    /// declared on a group leaves and re-enters that group even when its target is inside
    /// it; a transition declared on a state, a self-loop included, leaves no group its
    /// target is also in.
    pub fn exits_and_entries(&self, transition: &Transition) -> GroupPath {
        let from = self.ancestors(transition.from);
        let to = self.ancestors(transition.to);
        let outside_declaration = match transition.declared_in {
            // The declaring group and everything inside it are left.
            Some(declared) => from
                .iter()
                .position(|&g| g == declared)
                .map_or(&from[..0], |i| &from[i + 1..]),
            None => &from[..],
        };
        let domain = outside_declaration.iter().find(|g| to.contains(g));
        let below = |chain: &[GroupId]| -> Vec<GroupId> {
            chain
                .iter()
                .take_while(|&g| Some(g) != domain)
                .copied()
                .collect()
        };
        let mut entries = below(&to);
        entries.reverse();
        GroupPath {
            exits: below(&from),
            entries,
        }
    }

    /// The state a transition to `group` enters: its `initial`, followed down to a state;
    /// `None` when a group on the way has no `initial`.
    pub fn initial_leaf(&self, group: GroupId) -> Option<StateId> {
        self.tree().initial_leaf(group)
    }

    pub fn event(&self, id: EventId) -> &Event {
        &self.events[id.0]
    }

    pub fn initial_state(&self) -> &State {
        self.state(self.machine.initial)
    }

    /// All state ids, in declaration order.
    pub fn state_ids(&self) -> impl Iterator<Item = StateId> + use<> {
        (0..self.states.len()).map(StateId)
    }

    /// All event ids, in declaration order.
    pub fn event_ids(&self) -> impl Iterator<Item = EventId> + use<> {
        (0..self.events.len()).map(EventId)
    }

    /// A state by its name or one of its aliases (exact spelling).
    pub fn state_named(&self, name: &str) -> Option<StateId> {
        self.states
            .iter()
            .position(|s| s.name == name || s.aliases.iter().any(|a| a == name))
            .map(StateId)
    }

    /// A state by name or alias, ignoring case and separators (`syn-rcvd` finds `SYN_RECEIVED`
    /// when `SYN_RCVD` is an alias).
    pub fn state_named_loosely(&self, name: &str) -> Option<StateId> {
        let key = loose_key(name);
        self.states
            .iter()
            .position(|s| {
                std::iter::once(&s.name)
                    .chain(&s.aliases)
                    .any(|n| loose_key(n) == key)
            })
            .map(StateId)
    }

    pub fn event_named(&self, name: &str) -> Option<EventId> {
        self.events.iter().position(|e| e.name == name).map(EventId)
    }

    /// An event by name or alias, ignoring case and separators.
    pub fn event_named_loosely(&self, name: &str) -> Option<EventId> {
        let key = loose_key(name);
        self.events
            .iter()
            .position(|e| {
                std::iter::once(&e.name)
                    .chain(&e.aliases)
                    .any(|n| loose_key(n) == key)
            })
            .map(EventId)
    }

    /// The `[[no_transition]]` entry for `event` in `state`, if there is one.
    pub fn no_transition(&self, state: StateId, event: EventId) -> Option<&NoTransition> {
        self.no_transitions
            .iter()
            .find(|n| n.from == state && n.event == event)
    }

    /// A contradiction by its `id`.
    pub fn contradiction(&self, id: &str) -> Option<&Contradiction> {
        self.contradictions.iter().find(|c| c.id == id)
    }

    /// The transitions leaving `state`, in source order.
    pub fn transitions_from(&self, state: StateId) -> impl Iterator<Item = &Transition> {
        self.transitions.iter().filter(move |t| t.from == state)
    }

    /// The transitions taken when `event` happens in `state`: none (illegal), one, or several
    /// told apart by their guards.
    pub fn transitions_on(
        &self,
        state: StateId,
        event: EventId,
    ) -> impl Iterator<Item = &Transition> {
        self.transitions_from(state)
            .filter(move |t| t.event == event)
    }

    /// The states where `event` is legal, in declaration order.
    pub fn states_accepting(&self, event: EventId) -> Vec<StateId> {
        self.state_ids()
            .filter(|&s| self.transitions_on(s, event).next().is_some())
            .collect()
    }

    /// Runs `events` from `start`, choosing among guarded transitions with `choose`, and
    /// returns the states visited (including `start`), or the index of the first event that
    /// has no transition.
    pub fn run(
        &self,
        start: StateId,
        events: &[EventId],
        mut choose: impl FnMut(&[&Transition]) -> usize,
    ) -> Result<Vec<StateId>, usize> {
        let mut path = vec![start];
        let mut state = start;
        for (index, &event) in events.iter().enumerate() {
            let options: Vec<&Transition> = self.transitions_on(state, event).collect();
            let taken = match options.len() {
                0 => return Err(index),
                1 => options[0],
                _ => options[choose(&options).min(options.len() - 1)],
            };
            state = taken.to;
            path.push(state);
        }
        Ok(path)
    }
}

/// The groups a transition leaves and enters ([`Spec::exits_and_entries`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupPath {
    /// The groups left, innermost first (after the state left).
    pub exits: Vec<GroupId>,
    /// The groups entered, outermost first (before the state entered).
    pub entries: Vec<GroupId>,
}

/// The group hierarchy over the states and groups, for the parser (before there is a
/// [`Spec`]) and for the [`Spec`] methods alike.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tree<'a> {
    pub states: &'a [State],
    pub groups: &'a [Group],
}

impl Tree<'_> {
    /// The groups containing `state`, innermost first.
    pub(crate) fn ancestors(&self, state: StateId) -> Vec<GroupId> {
        match self.states[state.0].group {
            Some(group) => {
                let mut chain = vec![group];
                chain.extend(self.group_ancestors(group));
                chain
            }
            None => Vec::new(),
        }
    }

    /// The groups containing `group`, innermost first (itself not included).
    pub(crate) fn group_ancestors(&self, group: GroupId) -> Vec<GroupId> {
        let mut chain = Vec::new();
        let mut next = self.groups[group.0].parent;
        // The parser leaves a forest; the check only guards a hand-built model.
        while let Some(g) = next.filter(|g| !chain.contains(g) && *g != group) {
            chain.push(g);
            next = self.groups[g.0].parent;
        }
        chain
    }

    pub(crate) fn leaves(&self, group: GroupId) -> Vec<StateId> {
        let mut leaves = Vec::new();
        self.collect_leaves(group, &mut Vec::new(), &mut leaves);
        leaves
    }

    /// `seen` guards a hand-built model with a cycle (the parser cuts them).
    fn collect_leaves(&self, group: GroupId, seen: &mut Vec<GroupId>, leaves: &mut Vec<StateId>) {
        if seen.contains(&group) {
            return;
        }
        seen.push(group);
        for member in &self.groups[group.0].members {
            match *member {
                Member::State(s) => leaves.push(s),
                Member::Group(g) => self.collect_leaves(g, seen, leaves),
            }
        }
    }

    pub(crate) fn initial_leaf(&self, group: GroupId) -> Option<StateId> {
        let mut next = group;
        // At most one step per group: a longer walk is a cycle of `initial`s.
        for _ in 0..=self.groups.len() {
            match self.groups[next.0].initial? {
                Member::State(s) => return Some(s),
                Member::Group(g) => next = g,
            }
        }
        None
    }
}
