//! A (state, event) → transitions index, for interpreters that step a spec many times.

use crate::model::{EventId, Spec, StateId, Transition};

/// The transitions of a spec grouped by `(from, event)`, looked up in constant time.
///
/// [`Spec::transitions_on`] scans every transition; simulations and model checkers that
/// step millions of times build this once instead.
///
/// ```
/// # let spec = fsm_spec::Spec::from_source(&fsm_spec::SourceFile::new("s.toml",
/// #     fsm_spec::synthetic::spec_text(3, 2))).unwrap();
/// let table = fsm_spec::table::TransitionTable::new(&spec);
/// let (s0, e0) = (spec.state_named("S0").unwrap(), spec.event_named("e0").unwrap());
/// let next: Vec<_> = table.on(s0, e0).iter().map(|&t| spec.transitions[t].to).collect();
/// assert_eq!(next, [spec.state_named("S1").unwrap()]);
/// ```
#[derive(Debug, Clone)]
pub struct TransitionTable {
    events: usize,
    /// `starts[cell]..starts[cell + 1]` indexes `indices` for cell `state * events + event`.
    starts: Vec<usize>,
    /// Indices into [`Spec::transitions`], grouped by cell, in source order inside a cell.
    indices: Vec<usize>,
}

impl TransitionTable {
    pub fn new(spec: &Spec) -> TransitionTable {
        let events = spec.events.len();
        let cell = |t: &Transition| t.from.0 * events + t.event.0;
        let mut starts = vec![0; spec.states.len() * events + 1];
        for t in &spec.transitions {
            starts[cell(t) + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut indices = vec![0; spec.transitions.len()];
        for (index, t) in spec.transitions.iter().enumerate() {
            indices[next[cell(t)]] = index;
            next[cell(t)] += 1;
        }
        TransitionTable {
            events,
            starts,
            indices,
        }
    }

    /// Indices (into [`Spec::transitions`]) of the transitions for `event` in `state`: empty
    /// when the pair is illegal, several when guarded.
    pub fn on(&self, state: StateId, event: EventId) -> &[usize] {
        let cell = state.0 * self.events + event.0;
        match (self.starts.get(cell), self.starts.get(cell + 1)) {
            (Some(&start), Some(&end)) => &self.indices[start..end],
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{SourceFile, synthetic};

    #[test]
    fn agrees_with_the_linear_scan_for_every_pair() {
        let text = synthetic::spec_text(7, 3);
        let spec = Spec::from_source(&SourceFile::new("s.toml", text)).unwrap();
        let table = TransitionTable::new(&spec);
        for state in spec.state_ids() {
            for event in spec.event_ids() {
                let scanned: Vec<*const Transition> = spec
                    .transitions_on(state, event)
                    .map(|t| t as *const _)
                    .collect();
                let looked_up: Vec<*const Transition> = table
                    .on(state, event)
                    .iter()
                    .map(|&i| &spec.transitions[i] as *const _)
                    .collect();
                assert_eq!(scanned, looked_up);
            }
        }
        assert_eq!(table.on(StateId(99), EventId(0)), &[] as &[usize]);
    }
}
