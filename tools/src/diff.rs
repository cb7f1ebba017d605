//! `tcp-fsm diff`: where two specs disagree. The comparison is `fsm_spec::diff`; this module
//! reads the specs and prints.

use crate::error::Error;
use crate::input;
use crate::output::ReportFormat;
use fsm_spec::diff::{Comparison, Differs, compare_specs};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

/// Show the shortest runs of events after which two specs disagree.
///
/// Runs both machines side by side from their initial states over the events both have
/// (matched by name or alias) and prints, for every difference, a shortest run of events
/// that leads to it and what each machine did on it: states reached by differently named
/// states, different outputs, or a transition in one and none in the other. A
/// `[[no_transition]]` entry stays and sends nothing. Guards: one that names a call event
/// holds when that call is the most recent of the run; otherwise the unguarded transition is
/// taken, and failing that each guarded one is followed, labelled `[guard]`.
///
/// Works on any two specs; a bundled name (`tcp`, `tcp9293`) selects a bundled spec.
///
/// Exits 0 when the machines agree on every run, 1 when they differ, 2 when a spec cannot
/// be read.
///
/// Examples: `tcp-fsm diff tcp tcp9293`, `tcp-fsm diff tcp learned-smoltcp.toml --format json`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The first spec.
    a: PathBuf,
    /// The second spec.
    b: PathBuf,
    /// The most differences to print.
    #[arg(long, default_value_t = 200)]
    limit: usize,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    format: ReportFormat,
}

pub fn run(args: &Args) -> Result<ExitCode, Error> {
    let (source_a, a) = input::load(Some(&args.a))?;
    let (source_b, b) = input::load(Some(&args.b))?;
    let comparison = compare_specs(&a, &b, args.limit);
    match args.format {
        ReportFormat::Human => print!("{}", human(source_a.name(), source_b.name(), &comparison)),
        ReportFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&comparison).expect("a comparison serializes")
        ),
    }
    Ok(match comparison.differences.is_empty() {
        true => ExitCode::SUCCESS,
        false => ExitCode::FAILURE,
    })
}

/// The comparison for people: each difference as the run of both machines.
pub fn human(a: &str, b: &str, comparison: &Comparison) -> String {
    let mut out = String::new();
    let width = a.len().max(b.len());
    for (n, d) in comparison.differences.iter().enumerate() {
        let what = match d.differs {
            Differs::Transition => "a transition in one, none in the other",
            Differs::State => "different states",
            Differs::Send => "different outputs",
        };
        let _ = writeln!(out, "{}. {} ({what})", n + 1, d.events.join(", "));
        let _ = writeln!(out, "   {a:<width$}  {}", d.a.line(&d.events));
        let _ = writeln!(out, "   {b:<width$}  {}", d.b.line(&d.events));
    }
    for (name, only) in [(a, &comparison.only_in_a), (b, &comparison.only_in_b)] {
        if !only.is_empty() {
            let _ = writeln!(out, "events only {name} has, left out: {}", only.join(", "));
        }
    }
    let _ = writeln!(
        out,
        "{} difference(s) between {a} and {b}",
        comparison.differences.len()
    );
    out
}
