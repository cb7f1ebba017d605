//! `tcp-fsm track`: follow every TCP connection of pcap or pcapng captures through the spec's
//! state machine (the engine is `tcp_engine::track`) and print what it found, or write it as
//! Parquet tables.

use crate::error::Error;
use crate::input;
use std::io::Write as _;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tcp_engine::interpreter::Interpreter;
use tcp_engine::track::TrackError;
use tcp_engine::track::capture::CaptureError;
use tcp_engine::track::fleet::{CaptureFailure, Event, Plan, track_files};
use tcp_engine::track::report::{ReportWriter, Style};
use tcp_engine::track::stream::{Options, Streamed};
use tcp_engine::track::tracker::Detail;
/// The file names a directory argument contributes: captures by their usual extensions.
const CAPTURE_EXTENSIONS: [&str; 3] = ["pcap", "pcapng", "cap"];

/// Follow the TCP connections of captures through the spec's state machine.
///
/// Reads pcap or pcapng (Ethernet, Linux cooked SLL/SLL2 or raw IP), follows every
/// connection by its 4-tuple and drives one machine per endpoint from the segments seen: a
/// SYN from A is A's active OPEN and B's "rcv SYN", and so on (the inference rules are
/// listed in docs/conformance.md). Prints, per connection, each segment with the state
/// changes it caused, and flags every event the spec does not allow in the tracked state
/// (a violation), every output the spec expects that never comes, and every call whose
/// segment differs from what the spec sends. Each connection is also named in Zeek's
/// `conn.log` words: its `conn_state` and `history` (docs/track.md).
///
/// Several captures, or a directory (its *.pcap, *.pcapng and *.cap files), are tracked in one
/// run; with `--format parquet` they are tracked in parallel, one per core, and written as
/// tables into `--out DIR` (connections.parquet, findings.parquet, captures.parquet).
///
/// Exits 0 when there are no findings, 1 when there are (or the spec has errors, as for
/// `check`), 2 when a capture or the spec file cannot be read, a capture is damaged part-way
/// (what came before it is still reported, and the other captures are tracked), or the
/// tables cannot be written.
///
/// Connections are reported as they finish, in the order of their first packet, and the
/// counts come last; memory stays bounded whatever the captures' size (docs/conformance.md,
/// section 1).
///
/// Examples: `tcp-fsm track capture.pcap --format json`;
/// `tcp-fsm track captures/ --format parquet --out tables/`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Capture files (pcap or pcapng), or directories of them.
    #[arg(required = true, num_args = 1..)]
    captures: Vec<PathBuf>,
    /// The spec to drive the endpoints with [default: the bundled TCP spec].
    #[arg(long)]
    spec: Option<PathBuf>,
    /// One line per connection instead of timelines (with --format json: no timelines).
    #[arg(long)]
    summary: bool,
    /// Output: a report on stdout (human, json), or tables in --out (parquet).
    #[arg(long, value_enum, default_value_t = TrackFormat::Human)]
    format: TrackFormat,
    /// The directory for --format parquet (created if missing).
    #[arg(long, required_if_eq("format", "parquet"))]
    out: Option<PathBuf>,
    /// Trackers to run in parallel: within a capture when there is one, else captures
    /// tracked at once (parquet) [default: the number of cores].
    #[arg(long)]
    threads: Option<NonZeroUsize>,
}

/// What `track` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TrackFormat {
    /// Timelines (or one line per connection with --summary) on stdout.
    Human,
    /// JSON on stdout: one document per capture.
    Json,
    /// Parquet tables in --out: connections, findings, captures.
    #[cfg(feature = "parquet")]
    Parquet,
}

/// Runs `tcp-fsm track`.
pub fn run(args: &Args) -> Result<ExitCode, Error> {
    if args.out.is_some() && !is_parquet(args.format) {
        return Err(Error::Usage(
            "--out is for --format parquet; the other formats write to stdout".into(),
        ));
    }
    let (source, spec) = input::load(args.spec.as_deref())?;
    let machine = Interpreter::new(&spec).map_err(|e| Error::drive(source.name(), e))?;
    let captures = expand(&args.captures)?;
    let names: Vec<String> = captures.iter().map(|p| p.display().to_string()).collect();
    let cores = args
        .threads
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get);
    #[cfg(feature = "parquet")]
    if let (TrackFormat::Parquet, Some(out)) = (args.format, &args.out) {
        return parquet::run(&captures, &names, machine, cores, out, source.name());
    }
    let detail = if args.summary {
        Detail::Summary
    } else {
        Detail::Timeline
    };
    let style = match (args.format, args.summary) {
        (TrackFormat::Human, true) => Style::Summary,
        (TrackFormat::Human, false) => Style::Timeline,
        _ => Style::Json,
    };
    // One capture at a time, in the order given, each on every core: the reports come out
    // one after another, each in bounded memory.
    let plan = Plan {
        workers: 1,
        options: Options {
            threads: cores,
            ..Options::default()
        },
    };
    let cannot_write = |source: std::io::Error| Error::Write {
        path: "standard output".into(),
        source,
    };
    let stdout = std::io::stdout();
    let mut writer: Option<(usize, ReportWriter<'_, _>)> = None;
    // The first write error stops the writing; it is returned once the tracking is over.
    let mut failed = None;
    let mut findings = 0;
    let mut unreadable = 0;
    track_files(&captures, machine, detail, plan, |event| {
        let capture = match &event {
            Event::Connection { capture, .. } | Event::Done { capture, .. } => *capture,
        };
        if failed.is_some() {
            return;
        }
        if writer.as_ref().is_none_or(|(at, _)| *at != capture) {
            let out = std::io::BufWriter::new(stdout.lock());
            match ReportWriter::new(&names[capture], &spec, style, out) {
                Ok(w) => writer = Some((capture, w)),
                Err(e) => {
                    failed = Some(e);
                    return;
                }
            }
        }
        let (_, w) = writer.as_mut().expect("made above");
        match event {
            Event::Connection {
                connection, start, ..
            } => failed = w.connection(&connection, start).err(),
            Event::Done { result, .. } => {
                let (_, w) = writer.take().expect("made above");
                findings += w.findings();
                let problem = match result {
                    Ok(Streamed { totals, damage }) => {
                        failed = w.finish(&totals, damage.as_ref()).err();
                        damage.map(CaptureFailure::from_damage)
                    }
                    // Nothing was written for a capture refused at its header.
                    Err(error) => Some(error),
                };
                if let Some(problem) = problem {
                    unreadable += 1;
                    report_failure(&names[capture], problem, source.name());
                }
            }
        }
    });
    if let Some(error) = failed {
        return Err(cannot_write(error));
    }
    Ok(exit_code(unreadable, findings))
}

fn is_parquet(format: TrackFormat) -> bool {
    #[cfg(feature = "parquet")]
    if format == TrackFormat::Parquet {
        return true;
    }
    let _ = format;
    false
}

/// 2 when a capture could not be read to its end, else 1 with findings, else 0.
fn exit_code(unreadable: usize, findings: usize) -> ExitCode {
    if unreadable > 0 {
        ExitCode::from(2)
    } else if findings > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Prints why a capture could not be read (to its end), as `main` prints an error; the run
/// goes on with the other captures.
fn report_failure(name: &str, failure: CaptureFailure, spec: &str) {
    let error = match failure {
        CaptureFailure::Open(error) => Error::Capture {
            path: name.to_string(),
            source: CaptureError::Io(error),
        },
        CaptureFailure::Track(TrackError::Capture(source)) => Error::Capture {
            path: name.to_string(),
            source,
        },
        CaptureFailure::Track(TrackError::Binding(error)) => Error::drive(spec, error),
    };
    let _ = writeln!(std::io::stderr(), "error: {error}");
}

/// The captures named by the arguments: files as given, directories by their capture files
/// in name order.
fn expand(arguments: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut captures = Vec::new();
    for argument in arguments {
        if !argument.is_dir() {
            captures.push(argument.clone());
            continue;
        }
        let listing = |source| Error::Capture {
            path: argument.display().to_string(),
            source: CaptureError::Io(source),
        };
        let mut found = Vec::new();
        for entry in std::fs::read_dir(argument).map_err(listing)? {
            let path = entry.map_err(listing)?.path();
            if path.is_file() && is_capture_name(&path) {
                found.push(path);
            }
        }
        if found.is_empty() {
            return Err(Error::Usage(format!(
                "{}: no capture files in this directory (*.pcap, *.pcapng, *.cap)",
                argument.display()
            )));
        }
        found.sort();
        captures.extend(found);
    }
    Ok(captures)
}

fn is_capture_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| CAPTURE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

#[cfg(feature = "parquet")]
mod parquet {
    use super::*;
    use std::collections::BTreeMap;
    use tcp_engine::track::report::headline;
    use tcp_engine::track::table::{CaptureSummary, TableWriter};
    use tcp_engine::track::tracker::Totals;
    use tcp_engine::track::zeek::ConnState;

    /// The line that counts connections by Zeek's conn_state: `conn_state: REJ 1, SF 6`.
    fn conn_state_line(counts: &BTreeMap<ConnState, u64>) -> String {
        let parts: Vec<String> = counts
            .iter()
            .map(|(state, n)| format!("{state} {n}"))
            .collect();
        format!("conn_state: {}", parts.join(", "))
    }

    /// `--format parquet`: every capture into the tables in `out`, captures in parallel;
    /// stdout gets each capture's headline and the conn_state counts.
    pub(super) fn run(
        captures: &[PathBuf],
        names: &[String],
        machine: Interpreter<'_>,
        cores: usize,
        out: &Path,
        spec_name: &str,
    ) -> Result<ExitCode, Error> {
        let spec = machine.spec();
        let mut tables = TableWriter::create(out, spec)?;
        let plan = Plan::for_cores(captures.len(), cores);
        // Per capture: connections and findings so far (captures finish in any order).
        let mut running: BTreeMap<usize, (u64, u64)> = BTreeMap::new();
        let mut states: BTreeMap<ConnState, u64> = BTreeMap::new();
        let (mut connections, mut findings, mut unreadable) = (0u64, 0usize, 0usize);
        let mut failed = None;
        let stdout = std::io::stdout();
        track_files(captures, machine, Detail::Summary, plan, |event| {
            if failed.is_some() {
                return;
            }
            match event {
                Event::Connection {
                    capture,
                    connection,
                    ..
                } => {
                    let counts = running.entry(capture).or_default();
                    counts.0 += 1;
                    counts.1 += connection.findings.len() as u64;
                    *states.entry(connection.zeek.conn_state).or_default() += 1;
                    failed = tables.connection(&names[capture], &connection).err();
                }
                Event::Done { capture, result } => {
                    let (n, f) = running.remove(&capture).unwrap_or_default();
                    connections += n;
                    findings += f as usize;
                    let empty = Totals::default();
                    let (totals, problem) = match &result {
                        Ok(streamed) => (
                            &streamed.totals,
                            streamed.damage.as_ref().map(|d| d.to_string()),
                        ),
                        Err(error) => (&empty, Some(error.to_string())),
                    };
                    let summary = CaptureSummary {
                        totals,
                        connections: n,
                        findings: f,
                        problem: problem.as_deref(),
                    };
                    failed = tables.capture(&names[capture], summary).err();
                    if problem.is_none() {
                        let line = headline(&names[capture], totals, n as usize, f as usize);
                        let _ = writeln!(stdout.lock(), "{line}");
                    }
                    let failure = match result {
                        Ok(streamed) => streamed.damage.map(CaptureFailure::from_damage),
                        Err(error) => Some(error),
                    };
                    if let Some(failure) = failure {
                        unreadable += 1;
                        report_failure(&names[capture], failure, spec_name);
                    }
                }
            }
        });
        if let Some(error) = failed {
            return Err(error.into());
        }
        let written = tables.finish()?;
        let mut stdout = stdout.lock();
        let _ = writeln!(stdout, "{}", conn_state_line(&states));
        let _ = writeln!(
            stdout,
            "{} captures ({} unreadable or damaged), {} connections, {} findings; wrote {}",
            captures.len(),
            unreadable,
            connections,
            findings,
            written
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        Ok(exit_code(unreadable, findings))
    }
}
