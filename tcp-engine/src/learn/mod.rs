//! Learning a TCP stack's machine by querying it (`tcp-fsm learn`): the TCP side of
//! `fsm_learn`, which knows no TCP.
//!
//! - The **alphabet** is the spec's events that stand for something a stack can be given
//!   (the calls, the received segments with a `segment`, the two timers), as `conform`
//!   binds them ([`crate::conform::cases`]).
//! - Each **query** runs on a fresh stack from [`Target::open`], through the
//!   [`Stack`] trait `conform` drives, so every `conform` target (and any new one) can be
//!   learned. The peer's segments are numbered by the [`mapper`] from what the stack sent.
//! - An **output** is the control bits of each segment the stack sent in answer, within the
//!   stack's silence window (the stack's `emitted`), a retransmission left out as `conform`
//!   leaves it out, a RST's ACK bit not counted (rule V1 of [`crate::conform::report`]); or
//!   that the stack's API refused the call; or that the harness cannot give the input in
//!   that state ([`Output::NotDriven`], a timer that does not run there, a call with no
//!   socket to make it on).
//! - Queries run on a pool of threads, each query on a thread of its own (the Linux target's
//!   network namespace is per thread and ends with it). A query that does not finish in
//!   its time limit, or whose thread panics, ends learning with an error, as does a stop
//!   request (Ctrl-C).
//! - The learned machine is written as a spec ([`spec_text`]): states named after the
//!   spec's state the same access word reaches where the stack agrees it is there (by its
//!   own name of its state), else `s{n}` with a note; events and `send` in the spec's names.

pub mod mapper;

use crate::conform::cases::Step;
use crate::conform::peer::{self, STACK, Seen, keep_fresh, spec_state};
use crate::conform::report::significant;
use crate::conform::{ConformError, NotDriven, Stack, Timer};
use crate::interpreter::{Choice, History, Interpreter};
use crate::track::decode::{Captured, encode_ip};
use crate::wire::Control;
use fsm_learn::{Config, Mealy, Stats, Teacher};
use fsm_spec::write::{EventText, NoTransitionText, SpecText, StateText, TransitionText};
use fsm_spec::{EventId, EventKind, NoTransitionKind};
use mapper::Mapper;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

/// What a stack did on one input.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Output {
    /// The control bits of each segment it sent, in order, and whether its API refused the
    /// call with an error.
    Answered {
        segments: Vec<Control>,
        refused: bool,
    },
    /// The harness cannot give the input in this state; the stack is as it was.
    NotDriven(String),
}

impl fmt::Display for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Output::Answered { segments, refused } => {
                let sent: Vec<String> = segments.iter().map(Control::to_string).collect();
                match (sent.is_empty(), refused) {
                    (true, false) => f.write_str("nothing"),
                    (true, true) => f.write_str("refused"),
                    (false, false) => f.write_str(&sent.join(" ")),
                    (false, true) => write!(f, "refused, {}", sent.join(" ")),
                }
            }
            Output::NotDriven(_) => f.write_str("not driven"),
        }
    }
}

/// Why learning a target failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LearnError {
    /// The spec cannot be used, or the target cannot run here.
    #[error(transparent)]
    Conform(#[from] ConformError),
    /// Events asked for that the spec does not have or a stack cannot be given.
    #[error("the alphabet cannot be given to a stack: {0}")]
    Alphabet(String),
    /// A stack could not be set up for a query.
    #[error("{target}: a stack could not be set up: {why}")]
    Open { target: String, why: String },
    /// A system call failed while a query ran.
    #[error("{target}: the query {word} could not be run: {why}")]
    Fault {
        target: String,
        word: String,
        why: String,
    },
    /// A query's thread panicked: the stack crashed.
    #[error("{target}: the stack crashed (its thread panicked) on the query {word}")]
    Crashed { target: String, word: String },
    /// A query did not finish within its limit.
    #[error("{target}: the stack did not answer the query {word} within {seconds} s")]
    Hung {
        target: String,
        word: String,
        seconds: u64,
    },
    /// A stop was requested (Ctrl-C).
    #[error("interrupted: learning stopped before it finished, and nothing was written")]
    Interrupted,
    /// The learning algorithm stopped.
    #[error("{target}: {why}")]
    Learning { target: String, why: String },
}

/// Something that opens a fresh stack for a query.
pub type Open = dyn Fn() -> Result<Box<dyn Stack>, String> + Send + Sync;

/// A stack to learn, and how to make one.
#[derive(Clone)]
pub struct Target {
    /// The target's name (`smoltcp`, `lwip`, `linux`).
    pub name: String,
    /// The stack and its version, for the spec's doc.
    pub version: String,
    /// Opens a fresh stack, on the thread that will run the query.
    pub open: Arc<Open>,
    /// Queries run at once.
    pub threads: usize,
    /// Whether the default alphabet has the timer events: not where the stack's timers run
    /// on the wall clock (Linux's TIME-WAIT lasts 60 s).
    pub timers: bool,
    /// Random test words after the Wp-method ([`fsm_learn::Config::random_words`]): 0 in
    /// process, where the Wp-method's words are cheap; on Linux, whose machine has more
    /// states than its first hypotheses by more than one, 2,000 a round.
    pub random_words: usize,
    /// How many more times a word answered two ways is asked, the majority deciding
    /// ([`fsm_learn::Config::votes`]): 0 for a stack on a clock of its own, whose answers
    /// cannot depend on timing.
    pub votes: usize,
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Target")
            .field("name", &self.name)
            .field("version", &self.version)
            .field("threads", &self.threads)
            .finish()
    }
}

/// smoltcp, in process: two queries at once (the machine's two cores).
pub fn smoltcp() -> Target {
    Target {
        name: "smoltcp".into(),
        version: crate::conform::smoltcp::VERSION.into(),
        open: Arc::new(|| Ok(Box::new(crate::conform::smoltcp::Smoltcp::new()) as Box<dyn Stack>)),
        threads: 2,
        timers: true,
        random_words: 0,
        votes: 0,
    }
}

/// lwIP, in process: one query at a time, since lwIP's state is one per process (a second
/// query would wait for the first's lock).
pub fn lwip() -> Result<Target, ConformError> {
    crate::conform::ensure_available("lwip", crate::conform::lwip::unavailable())?;
    Ok(Target {
        name: "lwip".into(),
        version: crate::conform::lwip::VERSION.into(),
        open: Arc::new(|| crate::conform::lwip::Lwip::new().map(|l| Box::new(l) as Box<dyn Stack>)),
        threads: 1,
        timers: true,
        random_words: 0,
        votes: 0,
    })
}

/// How long the Linux target waits in silence before a step's answer is complete, by
/// default ([`crate::conform::linux::pool`]).
pub const LINUX_SILENCE: Duration = Duration::from_millis(30);

/// The running kernel, each query in a network namespace of its own (mostly waiting, so
/// many at once), a step's answer complete after `silence` without a segment.
///
/// The default alphabet leaves out the two timers, whose TIME-WAIT alone takes a minute a
/// query.
pub fn linux(silence: Duration) -> Result<Target, ConformError> {
    crate::conform::ensure_available("linux", crate::conform::linux::unavailable())?;
    Ok(Target {
        name: "linux".into(),
        version: format!("Linux {}", crate::conform::linux::kernel_release()),
        open: {
            let namespaces = crate::conform::linux::pool::Namespaces::new(silence);
            Arc::new(move || namespaces.open().map(|l| Box::new(l) as Box<dyn Stack>))
        },
        threads: 192,
        timers: false,
        random_words: 2000,
        votes: 5,
    })
}

/// How learning runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// The Wp-method's extra states ([`fsm_learn::Config::extra_states`]).
    pub extra_states: usize,
    /// Only these events (by name), when given.
    pub events: Option<Vec<String>>,
    /// Set to stop learning (Ctrl-C).
    pub stop: Arc<AtomicBool>,
    /// How long one query may take before learning ends with [`LearnError::Hung`]
    /// [default: 30 s plus 5 s a step, 30 s a user timeout and 90 s a 2 MSL timeout, above
    /// the slowest stack's timers].
    pub query_limit: Option<Duration>,
    /// Where each hypothesis is reported before it is tested, if anywhere: learning a
    /// kernel takes minutes.
    pub progress: Option<mpsc::Sender<Round>>,
}

/// One round of learning, reported on [`Options::progress`].
#[derive(Debug, Clone, Copy)]
pub struct Round {
    /// The states of the hypothesis about to be tested.
    pub states: usize,
    /// The work so far; its `equivalence_queries` is the hypothesis' number, from 1.
    pub stats: Stats,
    /// Since learning started.
    pub elapsed: Duration,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            extra_states: 1,
            events: None,
            stop: Arc::new(AtomicBool::new(false)),
            query_limit: None,
            progress: None,
        }
    }
}

/// A learned machine, with what it took.
#[derive(Debug, Clone)]
pub struct Learned {
    /// The target's name and its stack's version.
    pub target: String,
    pub version: String,
    /// The alphabet: the spec's events and what each stands for.
    pub alphabet: Vec<(EventId, Step)>,
    /// The machine over the alphabet (input `i` is `alphabet[i]`).
    pub machine: Mealy<Output>,
    /// Each state's access word.
    pub access: Vec<Vec<usize>>,
    /// The stack's own name of its state after each state's access word.
    pub stack_states: Vec<Option<String>>,
    /// The stack's other names of each state: after other words that reach it, where the
    /// stack answered as the machine does. A state has more than one name where the stack
    /// has states no input of the alphabet tells apart (Linux's FIN-WAIT-1 and FIN-WAIT-2,
    /// with no timer to send the FIN again).
    pub also_called: Vec<Vec<Option<String>>>,
    /// Each state's name in the written spec.
    pub names: Vec<String>,
    /// The spec's state each access word reaches, if it has a run for it.
    pub spec_states: Vec<Option<String>>,
    /// The learner's counts.
    pub stats: Stats,
    /// The Wp-method's extra states.
    pub extra_states: usize,
    /// Runs that decided a word answered two ways ([`Target::votes`]).
    pub votes: usize,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// The alphabet of `machine`'s spec: every event bound to something a stack can be given
/// (without the timers unless `timers`), or only those named in `only`.
pub fn alphabet(
    machine: &Interpreter,
    only: Option<&[String]>,
    timers: bool,
) -> Result<Vec<(EventId, Step)>, LearnError> {
    let spec = machine.spec();
    let steps = crate::conform::cases::steps_of(machine)?;
    let bound: Vec<(EventId, Step)> = spec
        .event_ids()
        .filter_map(|e| Some((e, steps[e.0]?)))
        .collect();
    let Some(only) = only else {
        let timer = |s: &Step| matches!(s, Step::TimeWait | Step::UserTimeout);
        return Ok(bound
            .into_iter()
            .filter(|(_, s)| timers || !timer(s))
            .collect());
    };
    let mut problems = Vec::new();
    for name in only {
        match spec.event_named_loosely(name) {
            None => problems.push(format!("the spec has no event `{name}`")),
            Some(e) if steps[e.0].is_none() => problems.push(format!(
                "`{name}` stands for nothing a stack can be given (a receive event needs `segment`)"
            )),
            Some(_) => {}
        }
    }
    if !problems.is_empty() {
        return Err(LearnError::Alphabet(problems.join("; ")));
    }
    let chosen: Vec<(EventId, Step)> = bound
        .into_iter()
        .filter(|(e, _)| only.iter().any(|n| spec.event_named_loosely(n) == Some(*e)))
        .collect();
    match chosen.is_empty() {
        true => Err(LearnError::Alphabet("no events".into())),
        false => Ok(chosen),
    }
}

/// Gives `step` to `stack` and returns what it did (module docs).
fn apply(stack: &mut dyn Stack, mapper: &mut Mapper, seen: &mut Seen, step: Step) -> Output {
    let mut refused = false;
    let driven = match step {
        Step::Call(call) => stack.call(call).map(|r| refused = r.is_some()),
        Step::Receive(key) => {
            let segment = mapper.segment(key);
            let packet = encode_ip(&Captured {
                src: stack.peer(),
                dst: STACK,
                segment,
                window: peer::WINDOW,
            })
            .expect("both addresses are IPv4");
            stack.deliver(&packet);
            mapper.peer_sent(&segment);
            Ok(())
        }
        Step::TimeWait => stack.expire(Timer::TimeWait),
        Step::UserTimeout => stack.expire(Timer::User),
    };
    if let Err(NotDriven(why)) = driven {
        return Output::NotDriven(why);
    }
    let mut segments = stack.emitted();
    let timer = matches!(step, Step::TimeWait | Step::UserTimeout);
    keep_fresh(&mut segments, seen, timer);
    mapper.stack_sent(&segments);
    // Rule M8: a stack with no connection (CLOSED, LISTEN) ends the peer's too.
    let state = stack.state();
    if state.is_none() || state.as_deref().map(fsm_spec::naming::loose_key) == Some(loose_listen())
    {
        mapper.forget();
    }
    Output::Answered {
        segments: segments.iter().map(|s| significant(s.ctl)).collect(),
        refused,
    }
}

fn loose_listen() -> String {
    fsm_spec::naming::loose_key("LISTEN")
}

/// What one query gave: each step's output and the stack's own name of its state after.
type Answer = (Vec<Output>, Option<String>);

/// Runs `word` on a fresh stack from `open`.
fn run_word(open: &Open, word: &[Step], stop: &AtomicBool) -> Result<Answer, Failure> {
    let mut stack = open().map_err(Failure::Open)?;
    let mut mapper = Mapper::default();
    let mut seen = Seen::new();
    let mut outputs = Vec::with_capacity(word.len());
    for &step in word {
        if stop.load(Ordering::Relaxed) {
            return Err(Failure::Interrupted);
        }
        outputs.push(apply(stack.as_mut(), &mut mapper, &mut seen, step));
        if let Some(why) = stack.fault() {
            return Err(Failure::Fault(why));
        }
    }
    let state = stack.state();
    match stack.fault() {
        Some(why) => Err(Failure::Fault(why)),
        None => Ok((outputs, state)),
    }
}

/// Why one query failed.
#[derive(Debug)]
enum Failure {
    Open(String),
    Fault(String),
    Crashed,
    Hung(u64),
    Interrupted,
}

/// How long a query may take: generous bounds over the slowest stack's timers (Linux's
/// TIME-WAIT lasts 60 s).
fn limit(word: &[Step]) -> Duration {
    let per_step: u64 = word
        .iter()
        .map(|s| match s {
            Step::TimeWait => 90,
            Step::UserTimeout => 30,
            _ => 5,
        })
        .sum();
    Duration::from_secs(30 + per_step)
}

/// The learner's teacher: a pool of threads running queries on fresh stacks.
struct Pool<'a> {
    target: &'a Target,
    stop: Arc<AtomicBool>,
    /// [`Options::query_limit`].
    query_limit: Option<Duration>,
    alphabet: Vec<Step>,
    /// The event name of each input.
    names: Vec<String>,
    /// [`Options::progress`], and when learning started.
    progress: Option<mpsc::Sender<Round>>,
    started: Instant,
    /// Every word the learner had run, with a hash of its outputs (a Linux run asks a
    /// hundred thousand words; their outputs would take a hundred megabytes) and the
    /// stack's name of its state after it.
    ends: Vec<(Vec<usize>, u64, Option<String>)>,
}

impl Pool<'_> {
    /// A word by event name, for errors.
    fn describe(&self, word: &[Step]) -> String {
        let names: Vec<&str> = word
            .iter()
            .map(|s| {
                let at = self
                    .alphabet
                    .iter()
                    .position(|a| a == s)
                    .expect("in the alphabet");
                self.names[at].as_str()
            })
            .collect();
        format!("[{}]", names.join(", "))
    }

    /// Runs every word, `threads` at a time, each on a thread of its own.
    fn run(&self, words: &[Vec<Step>]) -> Result<Vec<Answer>, LearnError> {
        let next = Mutex::new(0usize);
        let results: Mutex<Vec<Option<Result<Answer, Failure>>>> =
            Mutex::new((0..words.len()).map(|_| None).collect());
        std::thread::scope(|scope| {
            for _ in 0..self.target.threads.clamp(1, words.len().max(1)) {
                scope.spawn(|| {
                    loop {
                        let index = {
                            let mut next = next.lock().expect("not poisoned");
                            let index = *next;
                            *next += 1;
                            index
                        };
                        let Some(word) = words.get(index) else { break };
                        let result = self.run_one(word);
                        let failed = result.is_err();
                        results.lock().expect("not poisoned")[index] = Some(result);
                        if failed {
                            // The others stop at their next step.
                            self.stop.store(true, Ordering::Relaxed);
                            break;
                        }
                    }
                });
            }
        });
        let results = results.into_inner().expect("not poisoned");
        // The first real failure, not the stops it caused.
        let mut interrupted = false;
        let mut answers = Vec::with_capacity(words.len());
        let mut first_error = None;
        for (word, result) in words.iter().zip(results) {
            match result {
                Some(Ok(answer)) => answers.push(answer),
                Some(Err(Failure::Interrupted)) | None => interrupted = true,
                Some(Err(failure)) if first_error.is_none() => {
                    first_error = Some(self.error(word, failure))
                }
                Some(Err(_)) => {}
            }
        }
        match (first_error, interrupted) {
            (Some(error), _) => Err(error),
            (None, true) => Err(LearnError::Interrupted),
            (None, false) => Ok(answers),
        }
    }

    fn error(&self, word: &[Step], failure: Failure) -> LearnError {
        let target = self.target.name.clone();
        let word = self.describe(word);
        match failure {
            Failure::Open(why) => LearnError::Open { target, why },
            Failure::Fault(why) => LearnError::Fault { target, word, why },
            Failure::Crashed => LearnError::Crashed { target, word },
            Failure::Hung(seconds) => LearnError::Hung {
                target,
                word,
                seconds,
            },
            Failure::Interrupted => LearnError::Interrupted,
        }
    }

    /// One word on a thread of its own, abandoned (with an error) past its limit.
    fn run_one(&self, word: &[Step]) -> Result<Answer, Failure> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(Failure::Interrupted);
        }
        let (send, receive) = mpsc::channel();
        let open = Arc::clone(&self.target.open);
        let stop = Arc::clone(&self.stop);
        let owned = word.to_vec();
        let spawned = std::thread::Builder::new()
            .name("learn-query".into())
            .spawn(move || {
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    run_word(open.as_ref(), &owned, &stop)
                }));
                let _ = send.send(result.unwrap_or(Err(Failure::Crashed)));
            });
        if let Err(e) = spawned {
            return Err(Failure::Open(format!("cannot start a thread: {e}")));
        }
        let limit = self.query_limit.unwrap_or_else(|| limit(word));
        match receive.recv_timeout(limit) {
            Ok(result) => result,
            Err(mpsc::RecvTimeoutError::Timeout) => Err(Failure::Hung(limit.as_secs())),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(Failure::Crashed),
        }
    }
}

impl Teacher for Pool<'_> {
    type Input = usize;
    type Output = Output;
    type Error = LearnError;

    fn answer(&mut self, words: &[Vec<usize>]) -> Result<Vec<Vec<Output>>, LearnError> {
        let steps: Vec<Vec<Step>> = words
            .iter()
            .map(|w| w.iter().map(|&i| self.alphabet[i]).collect())
            .collect();
        let answers = self.run(&steps)?;
        let mut outputs = Vec::with_capacity(answers.len());
        for (word, (answer, state)) in words.iter().zip(answers) {
            self.ends.push((word.clone(), hash_of(&answer), state));
            outputs.push(answer);
        }
        Ok(outputs)
    }

    fn hypothesis(&mut self, states: usize, stats: &Stats) {
        if let Some(progress) = &self.progress {
            // A receiver gone away wants no more reports; learning goes on.
            let _ = progress.send(Round {
                states,
                stats: *stats,
                elapsed: self.started.elapsed(),
            });
        }
    }
}

/// Learns `target`'s machine over the alphabet of `machine`'s spec.
pub fn learn(
    machine: &Interpreter,
    target: &Target,
    options: &Options,
) -> Result<Learned, LearnError> {
    let started = Instant::now();
    let alphabet = alphabet(machine, options.events.as_deref(), target.timers)?;
    let mut pool = Pool {
        target,
        stop: Arc::clone(&options.stop),
        query_limit: options.query_limit,
        alphabet: alphabet.iter().map(|&(_, s)| s).collect(),
        names: alphabet
            .iter()
            .map(|&(e, _)| machine.spec().event(e).name.clone())
            .collect(),
        progress: options.progress.clone(),
        started,
        ends: Vec::new(),
    };
    let config = Config {
        extra_states: options.extra_states,
        max_states: 128,
        // Enough words at once to keep every thread busy while a batch's slowest query
        // runs.
        batch: (target.threads * 8).max(512),
        random_words: target.random_words,
        random_length: 8,
        votes: target.votes,
    };
    let indices: Vec<usize> = (0..alphabet.len()).collect();
    let learned = fsm_learn::learn(&mut pool, &indices, &config).map_err(|e| match e {
        fsm_learn::LearnError::Teacher(e) => e,
        other => LearnError::Learning {
            target: target.name.clone(),
            why: other.to_string(),
        },
    })?;
    // Each state's access word once more, for the stack's own name of its state.
    let words: Vec<Vec<Step>> = learned
        .access
        .iter()
        .map(|w| w.iter().map(|&i| pool.alphabet[i]).collect())
        .collect();
    let stack_states: Vec<Option<String>> = pool.run(&words)?.into_iter().map(|(_, s)| s).collect();
    let spec_states: Vec<Option<String>> = learned
        .access
        .iter()
        .map(|w| {
            let events: Vec<EventId> = w.iter().map(|&i| alphabet[i].0).collect();
            spec_run(machine, &events).map(|s| machine.spec().state(s).name.clone())
        })
        .collect();
    let mut also_called: Vec<Vec<Option<String>>> = vec![Vec::new(); learned.machine.states()];
    for (word, outputs, name) in std::mem::take(&mut pool.ends) {
        if hash_of(&learned.machine.run(&word)) != outputs {
            // Outvoted.
            continue;
        }
        let state = learned.machine.state_after(&word);
        if name != stack_states[state] && !also_called[state].contains(&name) {
            also_called[state].push(name);
        }
    }
    let names = names(machine, &spec_states, &stack_states);
    Ok(Learned {
        target: target.name.clone(),
        version: target.version.clone(),
        alphabet,
        machine: learned.machine,
        access: learned.access,
        stack_states,
        also_called,
        names,
        spec_states,
        stats: learned.stats,
        extra_states: options.extra_states,
        votes: target.votes,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// A hash of a word's outputs, the same for the same outputs within a run.
fn hash_of(outputs: &[Output]) -> u64 {
    use std::hash::{Hash as _, Hasher as _};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    outputs.hash(&mut hasher);
    hasher.finish()
}

/// The spec state `events` reach from the initial state by the interpreter's guard rule,
/// if the spec has a transition for each.
pub fn spec_run(machine: &Interpreter, events: &[EventId]) -> Option<fsm_spec::StateId> {
    let mut state = machine.initial();
    let mut history = History::default();
    for &event in events {
        let Choice::Taken(t) = machine.choose(state, event, &history, None) else {
            return None;
        };
        machine.record(&mut history, t);
        state = machine.transition(t).to;
    }
    Some(state)
}

/// Each learned state's name: the spec's state its access word reaches where the stack says
/// it is in that state too and no earlier state took the name, else `s{n}`.
fn names(
    machine: &Interpreter,
    spec_states: &[Option<String>],
    stack_states: &[Option<String>],
) -> Vec<String> {
    let spec = machine.spec();
    let mut names: Vec<String> = Vec::new();
    for (n, (by_spec, by_stack)) in spec_states.iter().zip(stack_states).enumerate() {
        let stack = spec_state(spec, by_stack.as_deref()).map(|s| spec.state(s).name.clone());
        let name = match (by_spec, stack) {
            (Some(a), Some(b)) if *a == b && !names.contains(a) => a.clone(),
            _ => format!("s{n}"),
        };
        names.push(name);
    }
    names
}

/// The word of a state's access sequence, by event name.
fn word_names(learned: &Learned, spec: &fsm_spec::Spec, word: &[usize]) -> String {
    match word {
        [] => "the empty word".into(),
        _ => word
            .iter()
            .map(|&i| spec.event(learned.alphabet[i].0).name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The learned machine as a spec in our format (module docs).
pub fn spec_text(learned: &Learned, machine: &Interpreter) -> String {
    let spec = machine.spec();
    let cite = format!("learned from {}", learned.version);
    let mut text = SpecText::new(
        &format!("Learned{}", capitalised(&learned.target)),
        &learned.names[0],
    );
    let stats = &learned.stats;
    let left_out: Vec<&str> = spec
        .event_ids()
        .filter(|e| !learned.alphabet.iter().any(|(a, _)| a == e))
        .map(|e| spec.event(e).name.as_str())
        .collect();
    text.doc = Some(format!(
        "The machine of {} (target `{}`), learned by `tcp-fsm learn` over the events of {}: \
         {} states; {} membership queries, {} of them run on the stack ({} steps), the others \
         answered from the cache; {} equivalence queries (Wp-method, {} extra states, {} test \
         words); {:.1} s.{}{}",
        learned.version,
        learned.target,
        spec.machine.name,
        learned.machine.states(),
        stats.membership_queries,
        stats.queries_run,
        stats.steps_run,
        stats.equivalence_queries,
        learned.extra_states,
        stats.test_words,
        learned.seconds,
        match stats.votes_taken {
            0 => String::new(),
            n => format!(
                " {n} words answered two ways were decided by a majority of {} more runs.",
                learned.votes
            ),
        },
        match left_out.is_empty() {
            true => String::new(),
            false => format!(" Events left out: {}.", left_out.join(", ")),
        }
    ));
    for (n, name) in learned.names.iter().enumerate() {
        let access = word_names(learned, spec, &learned.access[n]);
        fn stack_name(state: &Option<String>) -> &str {
            state.as_deref().unwrap_or("CLOSED (no connection)")
        }
        let mut stack = stack_name(&learned.stack_states[n]).to_string();
        if !learned.also_called[n].is_empty() {
            let others: Vec<&str> = learned.also_called[n].iter().map(stack_name).collect();
            stack += &format!(
                " (after other events that reach it, {}: no input of the alphabet tells them \
                 apart)",
                others.join(" or ")
            );
        }
        let mut state = StateText::new(name);
        match spec.state_named(name) {
            Some(id) => {
                state.aliases = spec.state(id).aliases.clone();
                state.doc = Some(format!(
                    "Reached by {access}; the stack calls it {stack}, and the spec reaches \
                     {name} by the same events."
                ));
            }
            None => {
                let spec_says = match &learned.spec_states[n] {
                    Some(s) => format!("the spec reaches {s} by the same events"),
                    None => "the spec has no run of these events".into(),
                };
                state.doc = Some(format!(
                    "No state of the spec fits: reached by {access}; the stack calls it \
                     {stack}; {spec_says}."
                ));
            }
        }
        // A state no input of the alphabet leaves (one only a timer left out would end) may
        // have no way out: `final`, so that `check` does not report it as a dead end.
        state.is_final = (0..learned.alphabet.len()).all(|i| learned.machine.step(n, i).0 == n);
        if let (true, Some(doc)) = (state.is_final, &mut state.doc) {
            doc.push_str(" No input of the alphabet leads out of it.");
        }
        text.states.push(state);
    }
    for &(e, _) in &learned.alphabet {
        let event = spec.event(e);
        text.events.push(EventText {
            name: event.name.clone(),
            kind: event.kind,
            segment: event.segment.clone(),
            label: event.label.clone(),
            aliases: event.aliases.clone(),
            doc: None,
        });
    }
    for q in 0..learned.machine.states() {
        for (i, &(e, _)) in learned.alphabet.iter().enumerate() {
            let (to, output) = learned.machine.step(q, i);
            let from = learned.names[q].clone();
            let event = spec.event(e).name.clone();
            let stays = to == q;
            let no_transition = |kind, doc: String| NoTransitionText {
                from: from.clone(),
                event: event.clone(),
                kind,
                cite: cite.clone(),
                doc: Some(doc),
            };
            match output {
                Output::NotDriven(why) if stays => text.no_transitions.push(no_transition(
                    NoTransitionKind::Impossible,
                    format!("The harness cannot give it here: {why}."),
                )),
                Output::Answered {
                    segments,
                    refused: true,
                } if stays && segments.is_empty() => text.no_transitions.push(no_transition(
                    NoTransitionKind::Error,
                    "The stack's API refuses the call with an error.".into(),
                )),
                Output::Answered {
                    segments,
                    refused: false,
                } if stays && segments.is_empty() && event_kind(spec, e) == EventKind::Receive => {
                    text.no_transitions.push(no_transition(
                        NoTransitionKind::Drop,
                        "The stack sends nothing and stays.".into(),
                    ))
                }
                _ => {
                    let mut t = TransitionText::new(&from, &event, &learned.names[to], &cite);
                    if let Output::Answered { segments, refused } = output {
                        // In the spec's names: a FIN's ACK is the TCB's to add (`Tcb::form`),
                        // as the bundled spec writes `send = "FIN"` for <FIN,ACK>.
                        let all = segments.iter().fold(Control::default(), |a, &b| a | b);
                        let all = match all.contains(Control::FIN) {
                            true => all.without(Control::ACK),
                            false => all,
                        };
                        t.send = (!all.is_empty()).then(|| all.to_string());
                        let mut notes = Vec::new();
                        if segments.len() > 1 {
                            let each: Vec<String> =
                                segments.iter().map(Control::to_string).collect();
                            notes.push(format!(
                                "The stack sends {} segments: {}.",
                                each.len(),
                                each.join(", then ")
                            ));
                        }
                        if *refused {
                            notes.push("The stack's API refuses the call with an error.".into());
                        }
                        t.doc = (!notes.is_empty()).then(|| notes.join(" "));
                    }
                    text.transitions.push(t);
                }
            }
        }
    }
    text.to_string()
}

fn event_kind(spec: &fsm_spec::Spec, e: EventId) -> EventKind {
    spec.event(e).kind
}

fn capitalised(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The steps a case of `conform` is made of, as alphabet indices, if every event of the case
/// is in the alphabet.
pub fn word_of(learned: &Learned, steps: &[(EventId, Step)]) -> Option<Vec<usize>> {
    steps
        .iter()
        .map(|(e, _)| learned.alphabet.iter().position(|(a, _)| a == e))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binding::{Call, Key};

    /// A namespace of the Linux pool, used again query after query as when learning, still
    /// takes a connection into TIME-WAIT after more than the 64 its connection table would
    /// allow by default (the next queries would find CLOSED, and their answers differ).
    #[test]
    fn a_linux_namespace_used_again_keeps_every_time_wait() {
        if let Some(why) = crate::conform::linux::unavailable() {
            test_support::CONFORMANCE.skip("a pooled namespace's TIME-WAIT", &why);
            return;
        }
        let target = linux(Duration::from_millis(10)).unwrap();
        let word = [
            Step::Call(Call::ActiveOpen),
            Step::Receive(Key::SynAck),
            Step::Call(Call::Close),
            Step::Receive(Key::FinAck),
        ];
        let stop = AtomicBool::new(false);
        for query in 0..100 {
            // One query at a time, each on a thread of its own: the pool lends them all
            // the same namespace.
            let (_, state) = std::thread::scope(|s| {
                s.spawn(|| run_word(target.open.as_ref(), &word, &stop))
                    .join()
                    .expect("the query does not panic")
            })
            .unwrap_or_else(|e| panic!("query {query}: {e:?}"));
            assert_eq!(state.as_deref(), Some("TIME_WAIT"), "query {query}");
        }
    }
}
