//! `[groups.NAME]`: composite states. Reading the groups into a forest (cycles, overlaps and
//! unknown members reported and cut), and expanding the transitions and `[[no_transition]]`
//! entries declared on groups to the states inside them.
//!
//! The rule, statically resolved as UML and SCXML resolve it at run time: a transition (or a
//! `[[no_transition]]` entry) declared on a group applies to every state inside it that does
//! not handle the event itself, where handling means that the state, or a group between it
//! and the declaring group, declares a transition or a `[[no_transition]]` entry on the
//! event. The innermost declaration wins with all its guarded alternatives; a false guard
//! does not fall through to an outer group (SCXML's does), because the typed API must know
//! every target at compile time.

use super::{Fields, Names, Problems, sub_tables};
use crate::diagnostic::Problem;
use crate::format::GROUP_KEYS;
use crate::model::{
    Event, EventId, Group, GroupId, Member, NoTransition, State, StateId, Transition, Tree,
};
use crate::naming::check_identifier;
use crate::source::{Located, Span};
use crate::suggest::nearest;
use std::collections::HashSet;
use toml::de::DeTable;

/// A group as written, before its members are resolved.
struct Written {
    name: String,
    span: Span,
    members: Vec<Located<String>>,
    initial: Option<Located<String>>,
    doc: Option<String>,
    cite: Option<String>,
}

/// Reads `[groups]` and sets each state's innermost group. The groups come out as a forest:
/// a second membership, a cycle or an unknown member is reported and left out.
pub(super) fn parse_groups(
    table: (&DeTable<'_>, Span),
    states: &mut [State],
    problems: &mut Problems,
) -> Vec<Group> {
    let mut written = Vec::new();
    for (name, span, inner, table_span) in sub_tables(table, problems) {
        check_identifier("group name", &name, span, problems);
        let fields = Fields::open(
            inner,
            format!("[groups.{name}]"),
            table_span,
            GROUP_KEYS,
            problems,
        );
        if fields.get("states").is_none() {
            fields.missing("states", problems);
        }
        if states.iter().any(|s| s.name == name) {
            problems.push((Problem::GroupNamedLikeState { name: name.clone() }, span));
        }
        written.push(Written {
            members: fields.strings("states", false, problems),
            initial: fields.string("initial", problems),
            doc: fields.text("doc", problems),
            cite: fields.text("cite", problems),
            name,
            span,
        });
    }
    let state_names = Names::new(states.iter().map(|s| s.name.as_str()));
    let group_names = Names::new(written.iter().map(|g| g.name.as_str()));
    let resolve = |name: &Located<String>, group: &str, problems: &mut Problems| {
        member(
            &state_names,
            &group_names,
            name,
            problems,
            |name, suggestion| Problem::UnknownMember {
                name,
                group: group.to_string(),
                suggestion,
            },
        )
    };
    // Set on the states once the names borrowing them are done with.
    let mut state_groups: Vec<Option<GroupId>> = vec![None; states.len()];
    let mut groups: Vec<Group> = Vec::with_capacity(written.len());
    let mut initials = Vec::with_capacity(written.len());
    for (index, group) in written.iter().enumerate() {
        let mut members = Vec::new();
        for name in &group.members {
            let Some(found) = resolve(name, &group.name, problems) else {
                continue;
            };
            let first = match found {
                Member::State(s) => state_groups[s.0].replace(GroupId(index)),
                // A group listed in itself is a cycle, reported below.
                Member::Group(g) if g.0 == index => None,
                Member::Group(g) if g.0 < index => groups[g.0].parent.replace(GroupId(index)),
                Member::Group(_) => None,
            };
            if let Some(first) = first {
                // The first membership stands; this one is left out.
                match found {
                    Member::State(s) => state_groups[s.0] = Some(first),
                    Member::Group(g) => groups[g.0].parent = Some(first),
                }
                let problem = Problem::MemberOfTwoGroups {
                    member: name.value.clone(),
                    first: written[first.0].name.clone(),
                    second: group.name.clone(),
                };
                problems.push((problem, name.span));
                continue;
            }
            members.push(found);
        }
        initials.push(
            group
                .initial
                .as_ref()
                .and_then(|i| resolve(i, &group.name, problems).map(|found| (found, i.span))),
        );
        groups.push(Group {
            name: group.name.clone(),
            members,
            parent: None,
            initial: None,
            doc: group.doc.clone(),
            cite: group.cite.clone(),
            span: group.span,
        });
    }
    for (state, group) in states.iter_mut().zip(state_groups) {
        state.group = group;
    }
    link_parents(&mut groups, &written, problems);
    cut_cycles(&mut groups, problems);
    let tree = Tree {
        states,
        groups: &groups,
    };
    let mut checked_initials = Vec::with_capacity(groups.len());
    for (index, initial) in initials.into_iter().enumerate() {
        let group = GroupId(index);
        if tree.leaves(group).is_empty() {
            let problem = Problem::EmptyGroup {
                group: groups[index].name.clone(),
            };
            problems.push((problem, groups[index].span));
        }
        checked_initials.push(initial.and_then(|(found, span)| {
            let inside = match found {
                Member::State(s) => tree.ancestors(s).contains(&group),
                Member::Group(g) => g != group && tree.group_ancestors(g).contains(&group),
            };
            if !inside {
                let problem = Problem::InitialNotInGroup {
                    group: groups[index].name.clone(),
                    initial: written[index].initial.as_ref()?.value.clone(),
                };
                problems.push((problem, span));
            }
            inside.then_some(found)
        }));
    }
    for (group, initial) in groups.iter_mut().zip(checked_initials) {
        group.initial = initial;
    }
    groups
}

/// A state or group by name, a state first (a group named like one is reported).
pub(super) fn member(
    states: &Names<'_>,
    groups: &Names<'_>,
    name: &Located<String>,
    problems: &mut Problems,
    unknown: impl FnOnce(String, Option<String>) -> Problem,
) -> Option<Member> {
    if let Some(&s) = states.ids.get(name.value.as_str()) {
        return Some(Member::State(StateId(s)));
    }
    if let Some(&g) = groups.ids.get(name.value.as_str()) {
        return Some(Member::Group(GroupId(g)));
    }
    let known = states.ids.keys().chain(groups.ids.keys()).copied();
    let suggestion = nearest(&name.value, known);
    problems.push((unknown(name.value.clone(), suggestion), name.span));
    None
}

/// Sets the `parent` of groups listed by a group declared before them (the ones declared
/// after were set while reading). The first membership stands.
fn link_parents(groups: &mut [Group], written: &[Written], problems: &mut Problems) {
    for index in 0..groups.len() {
        let nested: Vec<GroupId> = groups[index]
            .members
            .iter()
            .filter_map(|m| match *m {
                Member::Group(g) if g.0 > index => Some(g),
                _ => None,
            })
            .collect();
        for child in nested {
            match groups[child.0].parent {
                None => groups[child.0].parent = Some(GroupId(index)),
                Some(first) => {
                    let name = &groups[child.0].name;
                    let span = written[index]
                        .members
                        .iter()
                        .find(|m| &m.value == name)
                        .map_or(groups[index].span, |m| m.span);
                    let problem = Problem::MemberOfTwoGroups {
                        member: name.clone(),
                        first: groups[first.0].name.clone(),
                        second: groups[index].name.clone(),
                    };
                    problems.push((problem, span));
                    groups[index].members.retain(|m| *m != Member::Group(child));
                }
            }
        }
    }
    // A group listed in itself is its own parent: a cycle of one.
    for (index, group) in groups.iter_mut().enumerate() {
        if group.members.contains(&Member::Group(GroupId(index))) {
            group.parent = Some(GroupId(index));
        }
    }
}

/// Reports each cycle of membership once, at the first group of it in file order, and cuts
/// it there so that the groups are a forest.
fn cut_cycles(groups: &mut [Group], problems: &mut Problems) {
    for index in 0..groups.len() {
        let start = GroupId(index);
        let mut chain = vec![start];
        let mut next = groups[index].parent;
        while let Some(g) = next {
            if g == start {
                chain.push(start);
                let names: Vec<&str> = chain.iter().map(|g| groups[g.0].name.as_str()).collect();
                let problem = Problem::GroupCycle {
                    chain: names.join(" is in "),
                };
                problems.push((problem, groups[index].span));
                let parent = groups[index].parent.take();
                if let Some(parent) = parent {
                    groups[parent.0]
                        .members
                        .retain(|m| *m != Member::Group(start));
                }
                break;
            }
            if chain.contains(&g) {
                // A cycle further up, cut when its own first group comes.
                break;
            }
            chain.push(g);
            next = groups[g.0].parent;
        }
    }
}

/// One `[[transition]]` or `[[no_transition]]` entry with its `from` resolved to states and
/// groups, before it is expanded to one copy per state and event.
pub(super) struct Declaration<T> {
    pub from: Vec<Member>,
    pub events: Vec<EventId>,
    /// Every field but the state and event (and a transition's `declared_in`), which each
    /// expanded copy sets.
    pub template: T,
}

/// An entry that a group in its `from` expands to the states inside: a transition or a
/// `[[no_transition]]` entry.
pub(super) trait Entry: Clone {
    /// What the warning for an entry that applies to no state calls it.
    const KIND: &'static str;
    /// The copy of this template for `state` and `event`, declared on `group` if any.
    fn at(&self, state: StateId, event: EventId, group: Option<GroupId>) -> Self;
    /// The entry's span.
    fn span(&self) -> Span;
}

impl Entry for Transition {
    const KIND: &'static str = "transition";

    fn at(&self, from: StateId, event: EventId, declared_in: Option<GroupId>) -> Self {
        Transition {
            from,
            event,
            declared_in,
            ..self.clone()
        }
    }

    fn span(&self) -> Span {
        self.span
    }
}

impl Entry for NoTransition {
    const KIND: &'static str = "[[no_transition]] entry";

    fn at(&self, from: StateId, event: EventId, _: Option<GroupId>) -> Self {
        NoTransition {
            from,
            event,
            ..self.clone()
        }
    }

    fn span(&self) -> Span {
        self.span
    }
}

/// The states and groups that handle an event themselves: each `(from, event)` some
/// `[[transition]]` or `[[no_transition]]` entry names. A `[[no_transition]]` entry handles
/// the event because the document says what the state does there, so a group's rule is not
/// it.
pub(super) struct Handled(HashSet<(Member, EventId)>);

impl Handled {
    pub fn new<A, B>(transitions: &[Declaration<A>], no_transitions: &[Declaration<B>]) -> Self {
        fn pairs<T>(declarations: &[Declaration<T>]) -> impl Iterator<Item = (Member, EventId)> {
            declarations.iter().flat_map(|d| {
                d.from
                    .iter()
                    .flat_map(|&from| d.events.iter().map(move |&event| (from, event)))
            })
        }
        Handled(pairs(transitions).chain(pairs(no_transitions)).collect())
    }

    /// Whether `leaf`, or a group between it and `group` (exclusive), handles `event`.
    fn below(&self, tree: Tree<'_>, leaf: StateId, group: GroupId, event: EventId) -> bool {
        self.0.contains(&(Member::State(leaf), event))
            || tree
                .ancestors(leaf)
                .into_iter()
                .take_while(|&g| g != group)
                .any(|g| self.0.contains(&(Member::Group(g), event)))
    }
}

/// One copy per `from` state and event, in declaration order; a group in `from` stands for
/// each state inside it, in the group's order, that does not handle the event itself (the
/// innermost declaration wins).
pub(super) fn expand<T: Entry>(
    declarations: Vec<Declaration<T>>,
    tree: Tree<'_>,
    events: &[Event],
    handled: &Handled,
    problems: &mut Problems,
) -> Vec<T> {
    let mut copies = Vec::new();
    for declaration in declarations {
        for &from in &declaration.from {
            for &event in &declaration.events {
                let group = match from {
                    Member::State(state) => {
                        copies.push(declaration.template.at(state, event, None));
                        continue;
                    }
                    Member::Group(group) => group,
                };
                let leaves = tree.leaves(group);
                let applies: Vec<StateId> = leaves
                    .iter()
                    .copied()
                    .filter(|&leaf| !handled.below(tree, leaf, group, event))
                    .collect();
                // An empty group is reported on its own.
                if applies.is_empty() && !leaves.is_empty() {
                    let problem = Problem::ShadowedGroupTransition {
                        entry: T::KIND,
                        group: tree.groups[group.0].name.clone(),
                        event: events[event.0].name.clone(),
                    };
                    problems.push((problem, declaration.template.span()));
                }
                for leaf in applies {
                    copies.push(declaration.template.at(leaf, event, Some(group)));
                }
            }
        }
    }
    copies
}

/// The states `from` names, a group standing for every state inside it, each once, in the
/// order named (for `[[deviation]]`, which says how the spec differs at each of them).
pub(super) fn states_of(tree: Tree<'_>, from: &[Member]) -> Vec<StateId> {
    let mut states = Vec::new();
    for &member in from {
        let inside = match member {
            Member::State(state) => vec![state],
            Member::Group(group) => tree.leaves(group),
        };
        for state in inside {
            if !states.contains(&state) {
                states.push(state);
            }
        }
    }
    states
}
