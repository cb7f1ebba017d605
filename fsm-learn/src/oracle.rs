//! The equivalence oracle: a conformance test of a hypothesis, by the Wp-method (Fujiwara
//! et al. 1991), which has the W-method's guarantee (Chow 1978) with fewer words.
//!
//! The W-method's test words are `p · m · w`: `p` each state's access word, `m` any word of
//! at most `extra_states + 1` inputs, and `w` in a characterising set W (words that tell
//! every two states apart; the empty word too, so that `p · m` itself is checked). If the
//! system has at most `extra_states` states more than the hypothesis and answers every test
//! word as the hypothesis does, the two are equivalent.
//!
//! The Wp-method keeps the whole of W only where `m` is shorter than `extra_states + 1`
//! inputs. After the longest `m` it checks the state reached with that state's identifier
//! alone: the words of W that tell it apart from every other state. Words of the longest
//! `m` are most of the test (the alphabet's size times as many as all shorter ones), and
//! an identifier is a few words where W has one per state split, so the test shrinks
//! several times over on a machine of tens of states.

use crate::{Mealy, Word};

/// A characterising set of `machine`: for each pair of states, a shortest word that tells
/// them apart, without duplicates and without a word that is a prefix of another (its
/// outputs are part of the longer one's).
pub fn characterising_set<O: Clone + Eq>(machine: &Mealy<O>) -> Vec<Word> {
    let mut set: Vec<Word> = Vec::new();
    for a in 0..machine.states() {
        for b in a + 1..machine.states() {
            // Already told apart by a word in the set?
            if !set.iter().any(|w| tells_apart(machine, a, b, w)) {
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

/// Whether `word` gives different outputs from states `a` and `b`.
fn tells_apart<O: Clone + Eq>(machine: &Mealy<O>, a: usize, b: usize, word: &[usize]) -> bool {
    machine.run_from(a, word) != machine.run_from(b, word)
}

/// An identifier of `state` within `set`: words of `set` that together tell it apart from
/// every other state, taken greedily, each the one that tells it from the most states not
/// yet told apart (fewer words, fewer tests).
fn identifier<'w, O: Clone + Eq>(
    machine: &Mealy<O>,
    state: usize,
    set: &'w [Word],
) -> Vec<&'w Word> {
    let mut left: Vec<usize> = (0..machine.states()).filter(|&s| s != state).collect();
    let mut chosen = Vec::new();
    while !left.is_empty() {
        let split = |w: &Word| {
            left.iter()
                .filter(|&&s| tells_apart(machine, state, s, w))
                .count()
        };
        let Some(best) = set.iter().max_by_key(|w| split(w)).filter(|w| split(w) > 0) else {
            // A set that is not characterising for a machine that is not minimal: no word
            // tells the rest apart, and no test could.
            break;
        };
        left.retain(|&s| !tells_apart(machine, state, s, best));
        chosen.push(best);
    }
    chosen
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

/// The Wp-method's test words for `machine`, whose states are reached by `access`,
/// shortest first (module docs).
pub fn wp_method<O: Clone + Eq>(
    machine: &Mealy<O>,
    access: &[Word],
    extra_states: usize,
) -> Vec<Word> {
    let inputs = machine.inputs();
    let mut characterising = characterising_set(machine);
    characterising.push(Vec::new());
    let identifiers: Vec<Vec<&Word>> = (0..machine.states())
        .map(|s| identifier(machine, s, &characterising))
        .collect();
    let middle = words_up_to(inputs, extra_states + 1);
    let mut tests: Vec<Word> = Vec::new();
    for p in access {
        for m in &middle {
            let word: Word = p.iter().chain(m).copied().collect();
            if m.len() <= extra_states {
                // The whole of W.
                for w in &characterising {
                    tests.push(word.iter().chain(w).copied().collect());
                }
            } else {
                // The identifier of the state reached; the word itself checks the last
                // step's output.
                let reached = machine.state_after(&word);
                for w in &identifiers[reached] {
                    tests.push(word.iter().chain(w.iter()).copied().collect());
                }
                tests.push(word);
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
