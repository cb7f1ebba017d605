//! Active automata learning of Mealy machines.
//!
//! A [`Teacher`] answers membership queries: it runs words of inputs from the initial state
//! of the system under learning and returns the output of each step. [`learn`] infers the
//! smallest Mealy machine that answers every query as the system does:
//!
//! - **L\*** in its Mealy form ([`table`]): rows are access words, columns distinguishing
//!   suffixes, each cell the outputs the suffix gives after the row's word. A counterexample
//!   adds all its suffixes after the longest prefix the table already holds to the columns
//!   (Shahbaz and Groz, "Inferring Mealy Machines", FM 2009), which keeps the rows of the
//!   short prefixes distinct, so no consistency check is needed.
//! - **Equivalence queries** are answered by a conformance test ([`oracle`]), the
//!   Wp-method (Fujiwara et al. 1991), a smaller test with the W-method's guarantee (Chow
//!   1978; Vasilevskii 1973): words `p · m · w` with `p` a state's access word, `m` any
//!   word of at most `extra_states + 1` inputs and `w` from a characterising set (after
//!   the longest `m`, only the words that identify the state reached). When the system has
//!   at most `extra_states` more states than the hypothesis, the test finds a difference if
//!   there is one, so the result is exact.
//! - **A cache** ([`cache`]): a prefix tree of every answer. A word that is a prefix of one
//!   already run is answered from it; a batch is reduced to its longest words before it is
//!   asked. A system that answers a word otherwise than the cache says is not deterministic,
//!   and learning stops with [`LearnError::Nondeterministic`].
//!
//! Why our own and not a crate: the one Rust crate for it (`rust-lstar`, a young port of
//! pylstar) takes inputs and outputs as strings, answers one query at a time through a
//! shared lock, and has no batch for a teacher that runs many queries in parallel (the Linux
//! target runs each in a network namespace of its own, dozens at once).
//!
//! ```
//! use fsm_learn::{Config, OneByOne, System, learn};
//!
//! /// A counter modulo 3 that says `tick` when it wraps.
//! struct Counter(u8);
//! impl System for Counter {
//!     type Input = char;
//!     type Output = &'static str;
//!     type Error = std::convert::Infallible;
//!     fn reset(&mut self) -> Result<(), Self::Error> { self.0 = 0; Ok(()) }
//!     fn step(&mut self, input: &char) -> Result<&'static str, Self::Error> {
//!         if *input == 'n' { self.0 = (self.0 + 1) % 3; }
//!         Ok(if *input == 'n' && self.0 == 0 { "tick" } else { "-" })
//!     }
//! }
//!
//! // The first hypothesis has one state (no single input ticks); the oracle must look two
//! // inputs past it to see the third `n` tick.
//! let config = Config { extra_states: 2, ..Config::default() };
//! let learned = learn(&mut OneByOne(Counter(0)), &['n', 'x'], &config).unwrap();
//! assert_eq!(learned.machine.states(), 3);
//! ```

pub mod cache;
pub mod mealy;
pub mod oracle;
mod table;

pub use mealy::Mealy;

use cache::Cache;
use std::fmt;

/// A word: inputs by their index in the alphabet.
pub type Word = Vec<usize>;

/// Answers membership queries: runs each word from the initial state and returns the
/// output of every step, in order. A teacher may run the words of a batch in any order or
/// at once.
pub trait Teacher {
    /// What the system is given.
    type Input;
    /// What it answers with on each step.
    type Output: Clone + Eq + fmt::Debug;
    /// Why a query could not be answered (the system crashed, hung, was interrupted).
    type Error;
    /// The outputs of each word, one per input.
    fn answer(&mut self, words: &[Vec<Self::Input>])
    -> Result<Vec<Vec<Self::Output>>, Self::Error>;
    /// Told of each hypothesis, with `states` states, before it is tested, and of the work
    /// so far: for a progress report on a system slow to query. Does nothing by default.
    fn hypothesis(&mut self, states: usize, stats: &Stats) {
        let _ = (states, stats);
    }
}

/// A system that is reset and stepped one input at a time.
pub trait System {
    /// What the system is given.
    type Input;
    /// What it answers with on each step.
    type Output: Clone + Eq + fmt::Debug;
    /// Why it could not be reset or stepped.
    type Error;
    /// Brings the system back to its initial state.
    fn reset(&mut self) -> Result<(), Self::Error>;
    /// Gives the system one input and returns its output.
    fn step(&mut self, input: &Self::Input) -> Result<Self::Output, Self::Error>;
}

/// A [`Teacher`] over a [`System`]: each word after a reset, one after the other.
#[derive(Debug)]
pub struct OneByOne<S>(pub S);

impl<S: System> Teacher for OneByOne<S> {
    type Input = S::Input;
    type Output = S::Output;
    type Error = S::Error;

    fn answer(&mut self, words: &[Vec<S::Input>]) -> Result<Vec<Vec<S::Output>>, S::Error> {
        words
            .iter()
            .map(|word| {
                self.0.reset()?;
                word.iter().map(|input| self.0.step(input)).collect()
            })
            .collect()
    }
}

/// How learning runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// How many more states than the hypothesis the equivalence oracle allows the system
    /// (the `k` of the Wp-method): the result is exact for a system with at most that many
    /// more. Each one multiplies the test by the alphabet's size.
    pub extra_states: usize,
    /// The most states a hypothesis may have before learning gives up
    /// ([`LearnError::TooManyStates`]).
    pub max_states: usize,
    /// The most test words given to the teacher at once.
    pub batch: usize,
    /// Random test words tried after the Wp-method finds no counterexample: each a state's
    /// access word and 1 to [`Config::random_length`] random inputs. The Wp-method is exact
    /// only for a system with at most `extra_states` more states; these catch a larger one
    /// where one of its longer words tells states apart, at a cost that does not grow with
    /// the alphabet. 0 (the default) tries none.
    pub random_words: usize,
    /// The longest random suffix of [`Config::random_words`].
    pub random_length: usize,
    /// When a word is answered two ways, how many more times it is asked: the answer most
    /// of them give replaces what the cache held, and learning starts again from the
    /// cache. 0 (the default) ends learning with [`LearnError::Nondeterministic`] at once,
    /// as is right for a system that should be deterministic; a system whose answers
    /// depend on timing now and then (a real network stack) wants a few (5).
    pub votes: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            extra_states: 1,
            max_states: 256,
            batch: 512,
            random_words: 0,
            random_length: 8,
            votes: 0,
        }
    }
}

/// Counts of the work learning did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Membership queries the learner asked (filling the table and testing hypotheses),
    /// whether or not the cache answered them.
    pub membership_queries: usize,
    /// Of those, the words the teacher was given (the cache answered the others).
    pub queries_run: usize,
    /// Inputs in the words the teacher was given.
    pub steps_run: usize,
    /// Equivalence queries: hypotheses tested, the last one without a counterexample.
    pub equivalence_queries: usize,
    /// Test words of the equivalence oracle, over all equivalence queries.
    pub test_words: usize,
    /// Words answered two ways and decided by a vote ([`Config::votes`]).
    pub votes_taken: usize,
}

/// A learned machine, with how it was learned.
#[derive(Debug, Clone)]
pub struct Learned<O> {
    /// The machine: state 0 is the initial one.
    pub machine: Mealy<O>,
    /// For each state, the shortest word (by the table's order) that reaches it.
    pub access: Vec<Word>,
    /// The work done.
    pub stats: Stats,
}

/// Why learning stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LearnError<E, O> {
    /// The teacher could not answer.
    Teacher(E),
    /// The teacher answered a word with a number of outputs other than its length.
    Length {
        /// The word, by input index.
        word: Word,
        /// How many outputs came back.
        outputs: usize,
    },
    /// The same word was answered two ways.
    Nondeterministic {
        /// The word, by input index, up to the first step that differed.
        word: Word,
        /// The first answer's output at that step.
        first: O,
        /// The later one's.
        then: O,
    },
    /// A hypothesis grew past [`Config::max_states`].
    TooManyStates(usize),
    /// The alphabet is empty.
    NoInputs,
}

impl<E: fmt::Display, O: fmt::Debug> fmt::Display for LearnError<E, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LearnError::Teacher(e) => write!(f, "{e}"),
            LearnError::Length { word, outputs } => write!(
                f,
                "a query of {} inputs was answered with {outputs} outputs",
                word.len()
            ),
            LearnError::Nondeterministic { word, first, then } => write!(
                f,
                "the system is not deterministic: input word {word:?} (by index) ended with \
                 {first:?} once and {then:?} another time"
            ),
            LearnError::TooManyStates(n) => {
                write!(f, "the hypothesis has {n} states, more than allowed")
            }
            LearnError::NoInputs => f.write_str("the alphabet is empty"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display, O: fmt::Debug> std::error::Error for LearnError<E, O> {}

/// Why learning from teacher `T` stopped.
pub type Failure<T> = LearnError<<T as Teacher>::Error, <T as Teacher>::Output>;

/// The most words decided by a vote in one run ([`Config::votes`]).
const MAX_VOTES: usize = 100;

/// The teacher behind the cache, counting.
struct Queries<'t, T: Teacher> {
    teacher: &'t mut T,
    alphabet: &'t [T::Input],
    cache: Cache<T::Output>,
    stats: Stats,
}

impl<T: Teacher> Queries<'_, T>
where
    T::Input: Clone,
{
    /// Makes sure every word is in the cache, asking the teacher for those that are not.
    fn ensure(&mut self, words: &[Word]) -> Result<(), Failure<T>> {
        self.stats.membership_queries += words.len();
        let missing = self.cache.missing(words);
        if missing.is_empty() {
            return Ok(());
        }
        let inputs: Vec<Vec<T::Input>> = missing
            .iter()
            .map(|w| w.iter().map(|&i| self.alphabet[i].clone()).collect())
            .collect();
        let answers = self.teacher.answer(&inputs).map_err(LearnError::Teacher)?;
        self.stats.queries_run += missing.len();
        self.stats.steps_run += missing.iter().map(Vec::len).sum::<usize>();
        for (word, outputs) in missing.iter().zip(answers) {
            if outputs.len() != word.len() {
                return Err(LearnError::Length {
                    word: word.clone(),
                    outputs: outputs.len(),
                });
            }
            if let Err((at, first, then)) = self.cache.insert(word, outputs) {
                return Err(LearnError::Nondeterministic {
                    word: word[..=at].to_vec(),
                    first,
                    then,
                });
            }
        }
        Ok(())
    }

    /// Asks the word of `conflict`, answered two ways, `votes` more times, and keeps in the
    /// cache the answer a strict majority gave; none is an error.
    fn vote(&mut self, conflict: Failure<T>, votes: usize) -> Result<(), Failure<T>> {
        let LearnError::Nondeterministic { word, .. } = &conflict else {
            return Err(conflict);
        };
        // A system that needs more votes than this is not one a vote can fix.
        if self.stats.votes_taken >= MAX_VOTES {
            return Err(conflict);
        }
        let word = word.clone();
        let inputs: Vec<T::Input> = word.iter().map(|&i| self.alphabet[i].clone()).collect();
        let answers = self
            .teacher
            .answer(&vec![inputs; votes])
            .map_err(LearnError::Teacher)?;
        self.stats.queries_run += votes;
        self.stats.steps_run += votes * word.len();
        self.stats.votes_taken += 1;
        let mut tally: Vec<(&Vec<T::Output>, usize)> = Vec::new();
        for answer in &answers {
            if answer.len() != word.len() {
                return Err(LearnError::Length {
                    word: word.clone(),
                    outputs: answer.len(),
                });
            }
            match tally.iter_mut().find(|(a, _)| *a == answer) {
                Some((_, n)) => *n += 1,
                None => tally.push((answer, 1)),
            }
        }
        tally.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
        match tally.as_slice() {
            [(winner, n), ..] if 2 * n > votes => {
                self.cache.overwrite(&word, (*winner).clone());
                Ok(())
            }
            // No majority: report two of the answers, at the first step they differ.
            [(a, _), (b, _), ..] => {
                let at = (0..word.len()).find(|&i| a[i] != b[i]).unwrap_or(0);
                Err(LearnError::Nondeterministic {
                    word: word[..=at].to_vec(),
                    first: a[at].clone(),
                    then: b[at].clone(),
                })
            }
            _ => unreachable!("votes > 0 answers, and one alone is a majority"),
        }
    }

    /// The outputs of the last `suffix` steps of `word`, which must be in the cache.
    fn tail(&self, word: &[usize], suffix: usize) -> Vec<T::Output> {
        let mut outputs = self.cache.outputs(word).expect("ensured before");
        outputs.drain(..outputs.len() - suffix);
        outputs
    }
}

/// Learns the Mealy machine of the system behind `teacher` over `alphabet`.
pub fn learn<T: Teacher>(
    teacher: &mut T,
    alphabet: &[T::Input],
    config: &Config,
) -> Result<Learned<T::Output>, Failure<T>>
where
    T::Input: Clone,
{
    if alphabet.is_empty() {
        return Err(LearnError::NoInputs);
    }
    let mut queries = Queries {
        teacher,
        alphabet,
        cache: Cache::default(),
        stats: Stats::default(),
    };
    let mut table = table::Table::new(alphabet.len());
    loop {
        match round(&mut table, &mut queries, config) {
            Ok(Some(hypothesis)) => {
                return Ok(Learned {
                    machine: hypothesis.machine,
                    access: hypothesis.access,
                    stats: queries.stats,
                });
            }
            Ok(None) => {}
            Err(conflict @ LearnError::Nondeterministic { .. }) if config.votes > 0 => {
                queries.vote(conflict, config.votes)?;
                // The cache may now say otherwise than the table was built on: start again
                // from the cache, which answers all but the new words.
                table = table::Table::new(alphabet.len());
            }
            Err(e) => return Err(e),
        }
    }
}

/// One round of L*: closes the table and tests the hypothesis. `Some` when no test word
/// refutes it; `None` after adding the counterexample to the table.
fn round<T: Teacher>(
    table: &mut table::Table,
    queries: &mut Queries<'_, T>,
    config: &Config,
) -> Result<Option<table::Hypothesis<T::Output>>, Failure<T>>
where
    T::Input: Clone,
{
    let hypothesis = table.close(queries, config.max_states)?;
    queries.stats.equivalence_queries += 1;
    queries
        .teacher
        .hypothesis(hypothesis.machine.states(), &queries.stats);
    let mut tests = oracle::wp_method(&hypothesis.machine, &hypothesis.access, config.extra_states);
    tests.extend(oracle::random_words(
        &hypothesis.access,
        queries.alphabet.len(),
        config.random_words,
        config.random_length,
        queries.stats.equivalence_queries as u64,
    ));
    for batch in tests.chunks(config.batch.max(1)) {
        queries.stats.test_words += batch.len();
        queries.ensure(batch)?;
        let counterexample = batch
            .iter()
            .find(|word| hypothesis.machine.run(word) != queries.tail(word, word.len()));
        if let Some(word) = counterexample {
            // The shortest prefix that already differs is the counterexample.
            let outputs = queries.tail(word, word.len());
            let hyp = hypothesis.machine.run(word);
            let at = (0..word.len())
                .find(|&i| hyp[i] != outputs[i])
                .expect("they differ");
            table.add_counterexample(&word[..=at]);
            return Ok(None);
        }
    }
    Ok(Some(hypothesis))
}
