//! The learner learns known random Mealy machines exactly: the learned machine answers
//! every word as the target does (no separating word exists) and has as many states as the
//! target's minimal machine.

use fsm_learn::{Config, LearnError, Mealy, OneByOne, System, learn};
use proptest::prelude::*;

/// A target machine stepped one input at a time, counting resets.
struct Target {
    machine: Mealy<u8>,
    state: usize,
    resets: usize,
}

impl System for Target {
    type Input = usize;
    type Output = u8;
    type Error = String;

    fn reset(&mut self) -> Result<(), String> {
        self.state = 0;
        self.resets += 1;
        Ok(())
    }

    fn step(&mut self, input: &usize) -> Result<u8, String> {
        let (to, output) = self.machine.step(self.state, *input);
        self.state = to;
        Ok(*output)
    }
}

/// The number of states of the minimal machine equivalent to `m` (reachable states, merged
/// where no word separates them).
fn minimal_states(m: &Mealy<u8>) -> usize {
    let mut reachable = vec![0usize];
    let mut i = 0;
    while i < reachable.len() {
        for input in 0..m.inputs() {
            let to = m.step(reachable[i], input).0;
            if !reachable.contains(&to) {
                reachable.push(to);
            }
        }
        i += 1;
    }
    let mut classes: Vec<usize> = Vec::new();
    for &s in &reachable {
        if classes.iter().all(|&c| m.separating(c, m, s).is_some()) {
            classes.push(s);
        }
    }
    classes.len()
}

fn machine(states: usize, inputs: usize, outputs: u8) -> impl Strategy<Value = Mealy<u8>> {
    prop::collection::vec(
        prop::collection::vec((0..states, 0..outputs), inputs),
        states,
    )
    .prop_map(move |next| Mealy::new(inputs, next).expect("complete"))
}

fn target(machine: Mealy<u8>) -> OneByOne<Target> {
    OneByOne(Target {
        machine,
        state: 0,
        resets: 0,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_machines_are_learned_exactly(
        (m, inputs) in (1usize..=6, 1usize..=3, 1u8..=3)
            .prop_flat_map(|(s, i, o)| (machine(s, i, o), Just(i)))
    ) {
        let alphabet: Vec<usize> = (0..inputs).collect();
        // Extra states up to the target's size: the Wp-method is then exact.
        let config = Config { extra_states: m.states(), ..Config::default() };
        let learned = learn(&mut target(m.clone()), &alphabet, &config).unwrap();
        prop_assert_eq!(learned.machine.separating(0, &m, 0), None);
        prop_assert_eq!(learned.machine.states(), minimal_states(&m));
        prop_assert!(learned.machine.is_minimal());
        for (state, word) in learned.access.iter().enumerate() {
            prop_assert_eq!(learned.machine.state_after(word), state);
        }
        prop_assert!(learned.stats.queries_run <= learned.stats.membership_queries);
    }
}

/// Shortest access words of `m`'s states, breadth first, if every state is reachable.
fn access_words(m: &Mealy<u8>) -> Option<Vec<Vec<usize>>> {
    let mut access: Vec<Option<Vec<usize>>> = vec![None; m.states()];
    access[0] = Some(Vec::new());
    let mut queue = std::collections::VecDeque::from([0usize]);
    while let Some(s) = queue.pop_front() {
        for i in 0..m.inputs() {
            let (to, _) = m.step(s, i);
            if access[to].is_none() {
                let mut w = access[s].clone().expect("queued states have one");
                w.push(i);
                access[to] = Some(w);
                queue.push_back(to);
            }
        }
    }
    access.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The Wp-method's guarantee: a system with at most `k` more states than a minimal
    /// hypothesis, and not equivalent to it, answers some test word otherwise.
    #[test]
    fn the_wp_method_tells_apart_every_system_within_its_bound(
        (h, m, k) in (1usize..=4, 1usize..=2, 0usize..=2)
            .prop_flat_map(|(n, i, k)| (machine(n, i, 2), (1..=n + k).prop_flat_map(move |s| machine(s, i, 2)), Just(k)))
    ) {
        prop_assume!(h.is_minimal());
        let Some(access) = access_words(&h) else { return Ok(()) };
        let differs = h.separating(0, &m, 0).is_some();
        let tests = fsm_learn::oracle::wp_method(&h, &access, k);
        let found = tests.iter().any(|w| h.run(w) != m.run(w));
        prop_assert_eq!(found, differs, "{} tests", tests.len());
    }
}

#[test]
fn a_hidden_state_is_found_by_the_equivalence_oracle() {
    // A combination lock: only `1 1 1 0` opens it (output 1). Its states are told apart
    // only by long words, which the first table's columns (single inputs) cannot see.
    let mut next = Vec::new();
    for s in 0..4usize {
        let on_one = (s + 1).min(3);
        let on_zero = if s == 3 { (0, 1) } else { (0, 0) };
        next.push(vec![on_zero, (on_one, 0)]);
    }
    let lock = Mealy::new(2, next).unwrap();
    let config = Config {
        extra_states: 3,
        ..Config::default()
    };
    let learned = learn(&mut target(lock.clone()), &[0, 1], &config).unwrap();
    assert_eq!(learned.machine.states(), 4);
    assert_eq!(learned.machine.separating(0, &lock, 0), None);
    assert!(
        learned.stats.equivalence_queries >= 2,
        "the first hypothesis is wrong: {:?}",
        learned.stats
    );
}

#[test]
fn the_cache_answers_every_query_it_can() {
    let lock = Mealy::new(2, vec![vec![(1, 0), (0, 1)], vec![(0, 1), (1, 0)]]).unwrap();
    let mut teacher = target(lock);
    let learned = learn(&mut teacher, &[0, 1], &Config::default()).unwrap();
    assert_eq!(learned.machine.states(), 2);
    assert_eq!(teacher.0.resets, learned.stats.queries_run);
    assert!(learned.stats.queries_run < learned.stats.membership_queries);
}

/// A system that answers the same word two ways.
struct Flaky(usize);

impl System for Flaky {
    type Input = usize;
    type Output = usize;
    type Error = String;
    fn reset(&mut self) -> Result<(), String> {
        Ok(())
    }
    fn step(&mut self, _: &usize) -> Result<usize, String> {
        self.0 += 1;
        Ok(self.0 % 2)
    }
}

#[test]
fn a_system_that_is_not_deterministic_is_named_so() {
    let error = learn(&mut OneByOne(Flaky(0)), &[0, 1], &Config::default()).unwrap_err();
    assert!(
        matches!(error, LearnError::Nondeterministic { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("not deterministic"), "{error}");
}

/// A system that fails on its fifth step.
struct Crashing(usize);

impl System for Crashing {
    type Input = usize;
    type Output = usize;
    type Error = String;
    fn reset(&mut self) -> Result<(), String> {
        Ok(())
    }
    fn step(&mut self, _: &usize) -> Result<usize, String> {
        self.0 += 1;
        match self.0 {
            5 => Err("the system crashed".into()),
            _ => Ok(0),
        }
    }
}

#[test]
fn a_teacher_error_ends_learning_with_it() {
    let error = learn(&mut OneByOne(Crashing(0)), &[0, 1], &Config::default()).unwrap_err();
    assert_eq!(error, LearnError::Teacher("the system crashed".to_string()));
    let none = learn(&mut OneByOne(Crashing(0)), &[], &Config::default()).unwrap_err();
    assert_eq!(none, LearnError::NoInputs);
}

#[test]
fn a_bound_on_states_is_kept() {
    // A counter of 20 states.
    let next = (0..20usize)
        .map(|s| vec![((s + 1) % 20, u8::from(s == 19))])
        .collect();
    let counter = Mealy::new(1, next).unwrap();
    let config = Config {
        max_states: 5,
        extra_states: 20,
        ..Config::default()
    };
    let error = learn(&mut target(counter), &[0], &config).unwrap_err();
    assert!(matches!(error, LearnError::TooManyStates(6)), "{error}");
}

/// A target that answers one query wrongly: the first word run gets an output no state
/// gives (99) at its first step. The cache takes it; the next word run that starts with the
/// same input disagrees.
struct Glitching {
    target: Target,
    glitched: bool,
}

impl fsm_learn::Teacher for Glitching {
    type Input = usize;
    type Output = u8;
    type Error = String;

    fn answer(&mut self, words: &[Vec<usize>]) -> Result<Vec<Vec<u8>>, String> {
        let mut answers = Vec::with_capacity(words.len());
        for word in words {
            self.target.reset()?;
            let answer: Result<Vec<u8>, String> =
                word.iter().map(|i| self.target.step(i)).collect();
            answers.push(answer?);
        }
        for answer in &mut answers {
            if !answer.is_empty() && !self.glitched {
                self.glitched = true;
                answer[0] = 99;
            }
        }
        Ok(answers)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_wrong_answer_is_outvoted_and_the_machine_learned_exactly(
        (m, inputs) in (1usize..=6, 1usize..=3, 1u8..=3)
            .prop_flat_map(|(s, i, o)| (machine(s, i, o), Just(i)))
    ) {
        let alphabet: Vec<usize> = (0..inputs).collect();
        let glitching = || Glitching {
            target: Target { machine: m.clone(), state: 0, resets: 0 },
            glitched: false,
        };
        let config = Config { extra_states: m.states(), votes: 5, ..Config::default() };
        let mut teacher = glitching();
        let learned = learn(&mut teacher, &alphabet, &config).unwrap();
        prop_assert_eq!(learned.machine.separating(0, &m, 0), None);
        prop_assert_eq!(learned.machine.states(), minimal_states(&m));
        // The wrong answer was cached first and had to be voted out, once.
        prop_assert!(teacher.glitched);
        prop_assert_eq!(learned.stats.votes_taken, 1);
        // Without votes the same answer ends learning.
        let strict = Config { votes: 0, ..config };
        let mut teacher = glitching();
        let result = learn(&mut teacher, &alphabet, &strict);
        let is_conflict = matches!(result, Err(LearnError::Nondeterministic { .. }));
        prop_assert!(is_conflict);
    }
}

#[test]
fn random_words_find_a_state_the_wp_method_is_not_asked_to_look_for() {
    // A lock of 6 states opened by `1 1 1 1 1 0` alone: with no extra states allowed, the
    // Wp-method tests words too short to reach its far states.
    let mut next = Vec::new();
    for s in 0..6usize {
        let on_zero = if s == 5 { (0, 1) } else { (0, 0) };
        next.push(vec![on_zero, ((s + 1).min(5), 0)]);
    }
    let lock = Mealy::new(2, next).unwrap();
    let config = Config {
        extra_states: 0,
        ..Config::default()
    };
    let short = learn(&mut target(lock.clone()), &[0, 1], &config).unwrap();
    assert!(short.machine.states() < 6, "{}", short.machine.states());
    let config = Config {
        random_words: 500,
        random_length: 8,
        ..config
    };
    let learned = learn(&mut target(lock.clone()), &[0, 1], &config).unwrap();
    assert_eq!(learned.machine.states(), 6);
    assert_eq!(learned.machine.separating(0, &lock, 0), None);
}
