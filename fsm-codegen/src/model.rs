//! The generation context: what the typestate and runtime generators read, built once by
//! [`expand`](crate::expand) for a checked spec.

use crate::names::Names;
use crate::types::Types;
use fsm_spec::{EventId, GroupId, Spec, StateId, Transition};

/// What the generators read: the checked spec, its Rust names, and the spec path as the
/// macro call wrote it (for docs).
pub(crate) struct Model<'a> {
    pub spec: &'a Spec,
    pub names: &'a Names,
    pub types: &'a Types,
    pub file: &'a str,
}

impl Model<'_> {
    /// The spec's transitions ordered by `from` then `event` (stable, so guarded
    /// alternatives stay in source order and sit next to each other): the runtime table.
    pub(crate) fn table(&self) -> Vec<&Transition> {
        self.table_order()
            .into_iter()
            .map(|i| &self.spec.transitions[i])
            .collect()
    }

    /// The indices into [`Spec::transitions`] of [`Model::table`]'s rows, in its order.
    pub(crate) fn table_order(&self) -> Vec<usize> {
        let transitions = &self.spec.transitions;
        let mut order: Vec<usize> = (0..transitions.len()).collect();
        order.sort_by_key(|&i| (transitions[i].from, transitions[i].event));
        order
    }

    /// The spec names of the states where the transition list has `event`.
    pub(crate) fn legal_in(&self, event: fsm_spec::EventId) -> Vec<StateId> {
        self.spec.states_accepting(event)
    }

    /// The groups that take `event` as a whole: one generic impl `impl<S: state::G, D>`
    /// serves all their states. A group qualifies when every state inside it takes the
    /// transition declared on the group itself: no nested group or state overrides it, so
    /// every state goes to the same place. Guarded group transitions and entries that read
    /// the state left's data still get one impl per state.
    ///
    /// At most one group per event: two generic impls `impl<S: A>` and `impl<S: B>` of one
    /// trait conflict for rustc (E0119) even when no state is in both, because coherence
    /// does not reason that the two marker traits are disjoint. The first group in the
    /// spec's order that qualifies gets the generic impl; the others keep one impl per state.
    pub(crate) fn whole_groups(&self, event: EventId) -> Vec<GroupId> {
        (0..self.spec.groups.len())
            .map(GroupId)
            .find(|&g| self.takes_as_whole(g, event))
            .into_iter()
            .collect()
    }

    fn takes_as_whole(&self, group: GroupId, event: EventId) -> bool {
        let leaves = self.spec.leaves(group);
        !leaves.is_empty()
            && leaves.iter().all(|&s| {
                let mut on = self.spec.transitions_on(s, event);
                match (on.next(), on.next()) {
                    (Some(t), None) => {
                        t.declared_in == Some(group)
                            && t.guard.is_none()
                            && !self.types.entry(t).reads_state_left()
                    }
                    _ => false,
                }
            })
    }
}
