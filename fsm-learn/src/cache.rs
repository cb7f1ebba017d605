//! The query cache: a prefix tree of every word run and the outputs it gave. A
//! deterministic system answers a prefix of a word as it answered the word, so one run of
//! the longest word answers all its prefixes.

use crate::Word;
use std::collections::HashMap;

#[derive(Debug, Clone)]
struct Node<O> {
    /// For each input taken from here: the output and the node reached.
    children: HashMap<usize, (O, usize)>,
}

/// A prefix tree of answers.
#[derive(Debug, Clone)]
pub struct Cache<O> {
    nodes: Vec<Node<O>>,
}

impl<O> Default for Cache<O> {
    fn default() -> Cache<O> {
        Cache {
            nodes: vec![Node {
                children: HashMap::new(),
            }],
        }
    }
}

impl<O: Clone + Eq> Cache<O> {
    /// The outputs of `word`, if the cache holds it (or a word it begins).
    pub fn outputs(&self, word: &[usize]) -> Option<Vec<O>> {
        let mut node = 0;
        let mut outputs = Vec::with_capacity(word.len());
        for input in word {
            let (output, next) = self.nodes[node].children.get(input)?;
            outputs.push(output.clone());
            node = *next;
        }
        Some(outputs)
    }

    /// Whether the cache answers `word`.
    pub fn holds(&self, word: &[usize]) -> bool {
        let mut node = 0;
        for input in word {
            match self.nodes[node].children.get(input) {
                Some((_, next)) => node = *next,
                None => return false,
            }
        }
        true
    }

    /// Records the outputs of `word`. `Err((step, cached, new))` when a step's output
    /// differs from what the cache holds for it: the system is not deterministic.
    pub fn insert(&mut self, word: &[usize], outputs: Vec<O>) -> Result<(), (usize, O, O)> {
        let mut node = 0;
        for (step, (input, output)) in word.iter().zip(outputs).enumerate() {
            if let Some((cached, next)) = self.nodes[node].children.get(input) {
                if *cached != output {
                    return Err((step, cached.clone(), output));
                }
                node = *next;
                continue;
            }
            let next = self.nodes.len();
            self.nodes.push(Node {
                children: HashMap::new(),
            });
            self.nodes[node].children.insert(*input, (output, next));
            node = next;
        }
        Ok(())
    }

    /// Records `outputs` as the answer to `word`, replacing what the cache held: where a
    /// step's output changes, what was recorded after that step is dropped too, since it
    /// was answered after a different output.
    pub fn overwrite(&mut self, word: &[usize], outputs: Vec<O>) {
        let mut node = 0;
        for (input, output) in word.iter().zip(outputs) {
            let fresh = self.nodes.len();
            let next = match self.nodes[node].children.get_mut(input) {
                Some((cached, next)) if *cached == output => *next,
                // The old subtree's nodes stay in the vector, unreachable.
                Some(entry) => {
                    *entry = (output, fresh);
                    fresh
                }
                None => {
                    self.nodes[node].children.insert(*input, (output, fresh));
                    fresh
                }
            };
            if next == fresh {
                self.nodes.push(Node {
                    children: HashMap::new(),
                });
            }
            node = next;
        }
    }

    /// The words of `words` the cache does not answer, without duplicates and without a
    /// word that is a prefix of another one in the result: what a teacher must run.
    pub fn missing(&self, words: &[Word]) -> Vec<Word> {
        let mut missing: Vec<&Word> = words.iter().filter(|w| !self.holds(w)).collect();
        // Longest first, so that a word's extensions are kept before it is looked at.
        missing.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        missing.dedup();
        let mut kept: Cache<()> = Cache::default();
        let mut result = Vec::new();
        for word in missing {
            if !kept.holds(word) {
                let _ = kept.insert(word, vec![(); word.len()]);
                result.push(word.clone());
            }
        }
        result.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
        result
    }

    /// Number of nodes (the empty word's included).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether only the empty word is held.
    pub fn is_empty(&self) -> bool {
        self.nodes.len() == 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_of_a_word_run_is_answered() {
        let mut cache = Cache::default();
        cache.insert(&[0, 1, 1], vec!['a', 'b', 'c']).unwrap();
        assert_eq!(cache.outputs(&[0, 1]), Some(vec!['a', 'b']));
        assert_eq!(cache.outputs(&[1]), None);
        assert!(cache.holds(&[]));
    }

    #[test]
    fn a_second_answer_that_differs_is_caught_at_its_step() {
        let mut cache = Cache::default();
        cache.insert(&[0, 1], vec!['a', 'b']).unwrap();
        assert_eq!(
            cache.insert(&[0, 1, 0], vec!['a', 'x', 'c']),
            Err((1, 'b', 'x'))
        );
    }

    #[test]
    fn only_the_longest_unanswered_words_are_run() {
        let mut cache = Cache::default();
        cache.insert(&[0], vec!['a']).unwrap();
        let words = vec![vec![0], vec![1], vec![1, 0], vec![1, 0], vec![1, 1], vec![]];
        assert_eq!(cache.missing(&words), vec![vec![1, 0], vec![1, 1]]);
    }
}
