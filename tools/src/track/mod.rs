//! `tcp-fsm track`: follow every TCP connection of a pcap or pcapng capture through the spec's
//! state machine, one machine per endpoint, and flag every segment the spec does not allow.
//!
//! The pipeline: [`capture`] reads frames, [`segment`] decodes TCP segments, [`inference`]
//! names the events a passive observer can infer from each segment (the only TCP knowledge
//! outside the spec, with its rules in a table), [`interpreter`] looks the events up in the
//! spec, [`tracker`] keeps one machine per endpoint and 4-tuple, and [`report`] prints.

pub mod capture;
pub mod inference;
pub mod interpreter;
pub mod report;
pub mod segment;
pub mod synth;
pub mod tracker;

use crate::input;
use crate::output::ReportFormat;
use capture::{CaptureError, Frames};
use interpreter::Interpreter;
use report::Report;
use std::path::PathBuf;
use std::process::ExitCode;
use tracker::{Detail, Tracker, Tracking};

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

/// What tracking a capture gave: the connections, and the damaged record that ended the
/// reading early, if any.
#[derive(Debug)]
pub struct Outcome {
    /// The connections followed up to the end (or up to the damage).
    pub tracking: Tracking,
    /// The damaged record, when the capture does not read to its end.
    pub damage: Option<CaptureError>,
}

/// Tracks the capture in `bytes` with `machine`. Fails only when the file header cannot be
/// read; a damaged record later on ends the reading and is returned in [`Outcome::damage`].
pub fn track(
    bytes: &[u8],
    machine: Interpreter<'_>,
    detail: Detail,
) -> Result<Outcome, CaptureError> {
    let frames = Frames::new(bytes)?;
    let mut tracker = Tracker::new(machine, detail);
    let mut damage = None;
    for frame in frames {
        let frame = match frame {
            Ok(frame) => frame,
            Err(error) => {
                damage = Some(error);
                break;
            }
        };
        match segment::decode(frame.link, frame.data) {
            Ok(segment) => tracker.observe(frame.number, frame.timestamp, &segment),
            Err(reason) => tracker.skip(frame.timestamp, reason),
        }
    }
    Ok(Outcome {
        tracking: tracker.finish(),
        damage,
    })
}

/// Runs `tcp-fsm track`.
pub fn run(args: &Args) -> Result<ExitCode, input::InputError> {
    let (_, spec) = input::load(args.spec.as_deref())?;
    let machine = match Interpreter::new(&spec) {
        Ok(machine) => machine,
        Err(error) => return Err(input::InputError::Spec(error.to_string())),
    };
    let name = args.capture.display().to_string();
    let unreadable = |error: CaptureError| {
        eprintln!("error: {name}: {error}");
        ExitCode::from(2)
    };
    let bytes = match capture::read_file(&args.capture) {
        Ok(bytes) => bytes,
        Err(error) => return Ok(unreadable(error)),
    };
    let detail = if args.summary {
        Detail::Summary
    } else {
        Detail::Timeline
    };
    let outcome = match track(&bytes, machine, detail) {
        Ok(outcome) => outcome,
        Err(error) => return Ok(unreadable(error)),
    };
    let report = Report {
        capture: &name,
        spec: &spec,
        tracking: &outcome.tracking,
    };
    match (args.format, args.summary) {
        (ReportFormat::Json, _) => {
            let mut value = report.json();
            value["damage"] = serde_json::json!(outcome.damage.as_ref().map(|d| d.to_string()));
            println!(
                "{}",
                serde_json::to_string_pretty(&value).expect("JSON values serialise")
            );
        }
        (ReportFormat::Human, true) => print!("{}", report.summary()),
        (ReportFormat::Human, false) => print!("{}", report.timeline()),
    }
    if let Some(damage) = outcome.damage {
        return Ok(unreadable(damage));
    }
    Ok(if report.finding_count() > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
