//! `tcp-fsm learn`: infers a TCP stack's machine by querying it and writes it as a spec. The
//! engine is `tcp_engine::learn` over `fsm_learn`; this module parses the arguments, handles
//! Ctrl-C, writes the spec and prints the figures.

use crate::error::Error;
use crate::input;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;
use tcp_engine::conform::ConformError;
use tcp_engine::interpreter::Interpreter;
use tcp_engine::learn::{self, Options};

/// Learn a TCP stack's state machine by querying it, and write it as a spec.
///
/// Active automata learning (L* with a Wp-method equivalence oracle and a query cache): the
/// inputs are the spec's calls, received segments and timers, given to the stack as
/// `conform` gives them; the outputs are the control bits of the segments the stack sends
/// back (or nothing, within its silence window). The learned machine is written in the spec
/// format, its states named after the spec's states where the same events reach them and
/// the stack agrees, so `check`, `diagram`, `audit` and `diff` take it.
///
/// Targets: `smoltcp` and `lwip` (in process, under a minute) and `linux` (the running kernel, each
/// query in a network namespace of its own; as root, or as a user where unprivileged user
/// namespaces are allowed). Ctrl-C stops learning; nothing is written then.
///
/// Exits 0 when a machine was learned and written, 2 when the spec, the alphabet or the
/// target cannot be used, a stack crashed or hung, or learning was interrupted.
///
/// Examples: `tcp-fsm learn --target smoltcp -o learned-smoltcp.toml`,
/// `tcp-fsm learn --target linux --events passive_open,active_open,close,rcv_syn,rcv_ack`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The spec whose events are the alphabet and whose states name the learned ones
    /// [default: the bundled TCP spec]
    spec: Option<PathBuf>,
    /// The stack to learn: smoltcp, lwip or linux.
    #[arg(long)]
    target: String,
    /// Write the learned spec here [default: stdout].
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Only these events of the spec [default: every event a stack can be given, on linux
    /// without the two timers, whose TIME-WAIT alone takes 60 s a query].
    #[arg(long, value_delimiter = ',', value_name = "EVENT,...")]
    events: Vec<String>,
    /// States the equivalence oracle allows the stack beyond the hypothesis (the Wp-method's
    /// k): the result is exact for a stack with at most that many more.
    #[arg(long, default_value_t = 1)]
    extra_states: usize,
    /// Queries run at once [default: 2 for smoltcp, 1 for lwip, 192 for linux].
    #[arg(long)]
    threads: Option<usize>,
    /// Random test words a round after the Wp-method's, each a state's access word and up to
    /// 8 random events [default: 2000 for linux, 0 for the stacks in process].
    #[arg(long, value_name = "N")]
    random_words: Option<usize>,
    /// Linux only: milliseconds of silence after which a step's answer is complete; too
    /// short, and a late segment makes answers depend on timing [default: 30].
    #[arg(long, value_name = "MS")]
    silence: Option<u64>,
}

pub fn run(args: &Args) -> Result<ExitCode, Error> {
    let (source, spec) = input::load(args.spec.as_deref())?;
    let machine = Interpreter::new(&spec).map_err(|e| Error::drive(source.name(), e))?;
    let mut target = match args.target.as_str() {
        "smoltcp" => learn::smoltcp(),
        "lwip" => learn::lwip()?,
        "linux" => {
            // Before any thread starts: a process enters a user namespace single-threaded.
            tcp_engine::conform::linux::enter_user_namespace()?;
            let silence = args
                .silence
                .map_or(learn::LINUX_SILENCE, Duration::from_millis);
            learn::linux(silence)?
        }
        other => {
            return Err(ConformError::UnknownTarget {
                name: other.to_string(),
            }
            .into());
        }
    };
    if args.silence.is_some() && target.name != "linux" {
        return Err(Error::Usage(format!(
            "--silence is for the linux target; {} runs in process, on its own clock",
            target.name
        )));
    }
    if let Some(words) = args.random_words {
        target.random_words = words;
    }
    if let Some(threads) = args.threads {
        target.threads = threads.max(1);
    }
    let stop = Arc::new(AtomicBool::new(false));
    // Ctrl-C sets the flag; the queries stop at their next step and learning ends with
    // an error, each query's thread (and a Linux query's namespace) ending with it.
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop))
            .map_err(|e| Error::Usage(format!("cannot handle Ctrl-C: {e}")))?;
    }
    // A line a round, from a thread of its own, until learning drops the sender.
    let (progress, rounds) = std::sync::mpsc::channel::<learn::Round>();
    let reporter = std::thread::spawn(move || {
        for round in rounds {
            eprintln!(
                "hypothesis {}: {} states; {} queries run so far; {:.0} s",
                round.stats.equivalence_queries,
                round.states,
                round.stats.queries_run,
                round.elapsed.as_secs_f64()
            );
        }
    });
    let options = Options {
        extra_states: args.extra_states,
        events: (!args.events.is_empty()).then(|| args.events.clone()),
        stop,
        query_limit: None,
        progress: Some(progress),
    };
    // Said once Ctrl-C is handled, so that whoever watches (a person, a test) knows a stop
    // request from now on ends learning cleanly.
    eprintln!(
        "learning {} ({}), {} queries at once; Ctrl-C stops",
        target.name, target.version, target.threads
    );
    let learned = learn::learn(&machine, &target, &options);
    drop(options);
    // The reporter ends once its last line is out, before the result's.
    let _ = reporter.join();
    let learned = learned?;
    let text = learn::spec_text(&learned, &machine);
    match &args.output {
        Some(path) => std::fs::write(path, &text).map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?,
        None => print!("{text}"),
    }
    let stats = &learned.stats;
    eprintln!(
        "{} ({}): {} states over {} inputs; {} membership queries ({} run on the stack, {} steps), \
         {} equivalence queries ({} test words), {} words decided by a vote; {:.1} s",
        learned.target,
        learned.version,
        learned.machine.states(),
        learned.alphabet.len(),
        stats.membership_queries,
        stats.queries_run,
        stats.steps_run,
        stats.equivalence_queries,
        stats.test_words,
        stats.votes_taken,
        learned.seconds
    );
    Ok(ExitCode::SUCCESS)
}
