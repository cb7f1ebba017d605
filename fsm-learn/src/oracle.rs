//! The equivalence oracle: a W-method conformance test of a hypothesis.
//!
//! The test words are `p · m · w`: `p` in the transition cover (each state's access word,
//! alone and followed by each input), `m` any word of at most `extra_states` inputs, and `w`
//! in a characterising set (words that tell every two states apart; the empty word too, so
//! that `p · m` itself is checked). If the system has at most `extra_states` states more
//! than the hypothesis and answers every test word as the hypothesis does, the two are
//! equivalent (Chow 1978, Theorem 2).

use crate::{Mealy, Word};

/// A characterising set of `machine`: for each pair of states, a shortest word that tells
/// them apart, without duplicates and without a word that is a prefix of another (its
/// outputs are part of the longer one's).
pub fn characterising_set<O: Clone + Eq>(machine: &Mealy<O>) -> Vec<Word> {
    let mut set: Vec<Word> = Vec::new();
    for a in 0..machine.states() {
        for b in a + 1..machine.states() {
            // Already told apart by a word in the set?
            let split = set.iter().any(|w| {
                let run = |s: usize| {
                    let mut state = s;
                    w.iter()
                        .map(|&i| {
                            let (to, o) = machine.step(state, i);
                            state = to;
                            o.clone()
                        })
                        .collect::<Vec<O>>()
                };
                run(a) != run(b)
            });
            if !split {
                if let Some(word) = machine.separating(a, machine, b) {
                    set.push(word);
                }
            }
        }
    }
    let all = set.clone();
    set.retain(|w| {
        !all.iter()
            .any(|longer| longer.len() > w.len() && longer.starts_with(w))
    });
    set.sort();
    set
}

/// Every word of at most `length` inputs over `inputs` inputs, shortest first.
fn words_up_to(inputs: usize, length: usize) -> Vec<Word> {
    let mut all = vec![Vec::new()];
    let mut last = vec![Vec::new()];
    for _ in 0..length {
        last = last
            .iter()
            .flat_map(|w: &Word| {
                (0..inputs).map(move |i| {
                    let mut w = w.clone();
                    w.push(i);
                    w
                })
            })
            .collect();
        all.extend(last.iter().cloned());
    }
    all
}

/// The W-method's test words for `machine`, whose states are reached by `access`, shortest
/// first.
pub fn w_method<O: Clone + Eq>(
    machine: &Mealy<O>,
    access: &[Word],
    extra_states: usize,
) -> Vec<Word> {
    let inputs = machine.inputs();
    let mut cover: Vec<Word> = access.to_vec();
    for word in access {
        for i in 0..inputs {
            let mut w = word.clone();
            w.push(i);
            cover.push(w);
        }
    }
    let middle = words_up_to(inputs, extra_states);
    let mut characterising = characterising_set(machine);
    characterising.push(Vec::new());
    let mut tests: Vec<Word> = Vec::new();
    for p in &cover {
        for m in &middle {
            for w in &characterising {
                tests.push(p.iter().chain(m).chain(w).copied().collect());
            }
        }
    }
    tests.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    tests.dedup();
    tests
}

/// `count` random test words: a state's access word (from `access`, at random) and 1 to
/// `longest` random inputs of `inputs`. The same `round` gives the same words, so a run can
/// be repeated.
pub fn random_words(
    access: &[Word],
    inputs: usize,
    count: usize,
    longest: usize,
    round: u64,
) -> Vec<Word> {
    if access.is_empty() || inputs == 0 || longest == 0 {
        return Vec::new();
    }
    // SplitMix64 (Steele, Lea and Flood, 2014), written out: ten lines that give the same
    // words on every platform and release, where a random-number crate would be a first
    // dependency for this crate and might change its sequence between versions.
    let mut state = 0x005e_ed0f_7e57_u64 ^ round.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut next = move |below: usize| -> usize {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z % below as u64) as usize
    };
    (0..count)
        .map(|_| {
            let mut word = access[next(access.len())].clone();
            let length = 1 + next(longest);
            word.extend((0..length).map(|_| next(inputs)));
            word
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_characterising_set_tells_every_two_states_apart() {
        // Three states on a ring; only state 2 says 1 on input 0.
        let m = Mealy::new(1, vec![vec![(1, 0)], vec![(2, 0)], vec![(0, 1)]]).unwrap();
        let set = characterising_set(&m);
        for a in 0..3 {
            for b in a + 1..3 {
                assert!(set.iter().any(|w| {
                    let from = |s| {
                        let mut state = s;
                        w.iter()
                            .map(|&i| {
                                let (to, o) = m.step(state, i);
                                state = to;
                                *o
                            })
                            .collect::<Vec<_>>()
                    };
                    from(a) != from(b)
                }));
            }
        }
        assert_eq!(set, vec![vec![0, 0]]);
    }

    #[test]
    fn extra_states_multiply_the_middle_by_the_alphabet() {
        assert_eq!(words_up_to(3, 0).len(), 1);
        assert_eq!(words_up_to(3, 2).len(), 1 + 3 + 9);
    }
}
