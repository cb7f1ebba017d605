//! A complete deterministic Mealy machine over inputs `0..inputs`: every state has one
//! transition and one output for every input. State 0 is the initial state.

use crate::Word;
use std::collections::{HashMap, VecDeque};

/// A state of each of two machines.
type Pair = (usize, usize);

/// A complete deterministic Mealy machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mealy<O> {
    inputs: usize,
    /// `next[state][input]`: the state reached and the output given.
    next: Vec<Vec<(usize, O)>>,
}

impl<O: Clone + Eq> Mealy<O> {
    /// A machine from its table: `next[state][input] = (to, output)`. `None` when a row
    /// does not have one entry per input or a target is not a state.
    pub fn new(inputs: usize, next: Vec<Vec<(usize, O)>>) -> Option<Mealy<O>> {
        let states = next.len();
        let complete = states > 0
            && next
                .iter()
                .all(|row| row.len() == inputs && row.iter().all(|(to, _)| *to < states));
        complete.then_some(Mealy { inputs, next })
    }

    /// Number of states.
    pub fn states(&self) -> usize {
        self.next.len()
    }

    /// Size of the alphabet.
    pub fn inputs(&self) -> usize {
        self.inputs
    }

    /// The state reached and the output given on `input` in `state`.
    pub fn step(&self, state: usize, input: usize) -> (usize, &O) {
        let (to, output) = &self.next[state][input];
        (*to, output)
    }

    /// The outputs of `word` from the initial state.
    pub fn run(&self, word: &[usize]) -> Vec<O> {
        self.run_from(0, word)
    }

    /// The outputs of `word` from `state`.
    pub fn run_from(&self, state: usize, word: &[usize]) -> Vec<O> {
        let mut state = state;
        word.iter()
            .map(|&input| {
                let (to, output) = self.step(state, input);
                state = to;
                output.clone()
            })
            .collect()
    }

    /// The state `word` reaches from the initial state.
    pub fn state_after(&self, word: &[usize]) -> usize {
        word.iter()
            .fold(0, |state, &input| self.step(state, input).0)
    }

    /// A shortest word on which `self` from `a` and `other` from `b` give different outputs
    /// (breadth-first over pairs of states), or `None` when they answer every word alike.
    pub fn separating(&self, a: usize, other: &Mealy<O>, b: usize) -> Option<Word> {
        assert_eq!(self.inputs, other.inputs, "one alphabet");
        // Each pair reached, with the pair and input it was first reached from.
        let mut seen: HashMap<Pair, Option<(Pair, usize)>> = HashMap::from([((a, b), None)]);
        let mut queue = VecDeque::from([(a, b)]);
        while let Some((x, y)) = queue.pop_front() {
            for input in 0..self.inputs {
                let (x2, ox) = self.step(x, input);
                let (y2, oy) = other.step(y, input);
                if ox != oy {
                    let mut word = vec![input];
                    let mut at = (x, y);
                    while let Some(Some((before, i))) = seen.get(&at) {
                        word.push(*i);
                        at = *before;
                    }
                    word.reverse();
                    return Some(word);
                }
                if let std::collections::hash_map::Entry::Vacant(entry) = seen.entry((x2, y2)) {
                    entry.insert(Some(((x, y), input)));
                    queue.push_back((x2, y2));
                }
            }
        }
        None
    }

    /// Whether every state can be told from every other by some word.
    pub fn is_minimal(&self) -> bool {
        (0..self.states())
            .all(|a| (a + 1..self.states()).all(|b| self.separating(a, self, b).is_some()))
    }
}
