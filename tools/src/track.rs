//! `tcp-fsm track`: follow every TCP connection of a pcap or pcapng capture through the spec's
//! state machine (the engine is `tcp_engine::track`) and print what it found.

use crate::error::Error;
use crate::input;
use crate::output::ReportFormat;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::process::ExitCode;
use tcp_engine::interpreter::Interpreter;
use tcp_engine::track::TrackError;
use tcp_engine::track::capture::CaptureError;
use tcp_engine::track::report::{ReportWriter, Style};
use tcp_engine::track::stream::{Options, track_stream};
use tcp_engine::track::tracker::Detail;

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
/// Connections are reported as they finish, in the order of their first packet, and the
/// counts come last; memory stays bounded whatever the capture's size (docs/conformance.md,
/// section 1).
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
    /// Trackers to run in parallel, connections shared among them by 4-tuple; the report is
    /// the same for any number [default: the number of cores].
    #[arg(long)]
    threads: Option<NonZeroUsize>,
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
    let threads = args
        .threads
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get);
    let options = Options {
        threads,
        ..Options::default()
    };
    let style = match (args.format, args.summary) {
        (ReportFormat::Json, _) => Style::Json,
        (ReportFormat::Human, true) => Style::Summary,
        (ReportFormat::Human, false) => Style::Timeline,
    };
    let cannot_write = |source: std::io::Error| Error::Write {
        path: "standard output".into(),
        source,
    };
    let stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let mut writer = ReportWriter::new(&name, &spec, style, stdout).map_err(cannot_write)?;
    // The first write error stops the writing; it is returned once the tracking is over.
    let mut failed = None;
    let tracked = track_stream(file, machine, detail, options, |connection, start| {
        if failed.is_none() {
            failed = writer.connection(&connection, start).err();
        }
    });
    let streamed = match tracked {
        Ok(streamed) => streamed,
        Err(TrackError::Capture(error)) => return Err(unreadable(error)),
        Err(TrackError::Binding(error)) => return Err(Error::drive(source.name(), error)),
    };
    if let Some(error) = failed {
        return Err(cannot_write(error));
    }
    let findings = writer.findings();
    writer
        .finish(&streamed.totals, streamed.damage.as_ref())
        .map_err(cannot_write)?;
    // What came before the damage is reported above; the damage still fails the run.
    if let Some(damage) = streamed.damage {
        return Err(unreadable(damage));
    }
    Ok(if findings > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
