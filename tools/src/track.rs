//! `tcp-fsm track`: follow every TCP connection of a pcap or pcapng capture through the spec's
//! state machine (the engine is `tcp_fsm::track`) and print what it found.

use crate::error::Error;
use crate::input;
use crate::output::ReportFormat;
use crate::track_report::Report;
use std::path::PathBuf;
use std::process::ExitCode;
use tcp_fsm::interpreter::Interpreter;
use tcp_fsm::track::capture::CaptureError;
use tcp_fsm::track::tracker::Detail;
use tcp_fsm::track::{TrackError, track};

/// Follow the TCP connections of a capture through the spec's state machine.
///
/// Reads pcap or pcapng (Ethernet, Linux cooked SLL/SLL2 or raw IP), follows every
/// connection by its 4-tuple and drives one machine per endpoint from the segments seen: a
/// SYN from A is A's active OPEN and B's "rcv SYN", and so on (the inference rules are
/// listed in docs/conformance.md). Prints, per connection, each segment with the state
/// changes it caused, and flags every event the spec does not allow in the tracked state
/// (a violation), every output the spec expects that never comes, and every call whose
/// segment differs from what the spec sends.
///
/// Exits 0 when there are no findings, 1 when there are (or the spec has errors, as for
/// `check`), 2 when the capture or spec file cannot be read, or the capture is damaged
/// part-way (what came before it is still reported).
///
/// Example: `tcp-fsm track capture.pcap --format json`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The capture file (pcap or pcapng).
    capture: PathBuf,
    /// The spec to drive the endpoints with [default: the bundled TCP spec].
    #[arg(long)]
    spec: Option<PathBuf>,
    /// One line per connection instead of timelines (with --format json: no timelines).
    #[arg(long)]
    summary: bool,
    /// Output format of the result on stdout.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    format: ReportFormat,
}

/// Runs `tcp-fsm track`.
pub fn run(args: &Args) -> Result<ExitCode, Error> {
    let (source, spec) = input::load(args.spec.as_deref())?;
    let machine = Interpreter::new(&spec).map_err(|e| Error::drive(source.name(), e))?;
    let name = args.capture.display().to_string();
    let unreadable = |source: CaptureError| Error::Capture {
        path: name.clone(),
        source,
    };
    // Checked here: opening a directory succeeds, and reading it then fails with an
    // error that does not say what is wrong.
    if args.capture.is_dir() {
        let error = std::io::Error::other("is a directory, not a capture file");
        return Err(unreadable(CaptureError::Io(error)));
    }
    let file = std::fs::File::open(&args.capture).map_err(|e| unreadable(e.into()))?;
    let detail = if args.summary {
        Detail::Summary
    } else {
        Detail::Timeline
    };
    let outcome = match track(file, machine, detail) {
        Ok(outcome) => outcome,
        Err(TrackError::Capture(error)) => return Err(unreadable(error)),
        Err(TrackError::Binding(error)) => return Err(Error::drive(source.name(), error)),
    };
    let report = Report {
        capture: &name,
        spec: &spec,
        tracking: &outcome.tracking,
    };
    match (args.format, args.summary) {
        (ReportFormat::Json, _) => println!("{}", report.json(outcome.damage.as_ref())),
        (ReportFormat::Human, true) => print!("{}", report.summary()),
        (ReportFormat::Human, false) => print!("{}", report.timeline()),
    }
    // What came before the damage is reported above; the damage still fails the run.
    if let Some(damage) = outcome.damage {
        return Err(unreadable(damage));
    }
    Ok(if report.finding_count() > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
