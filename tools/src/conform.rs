//! `tcp-fsm conform`: drives real TCP stacks through every transition of a spec and reports
//! where they differ. The engine is `tcp_engine::conform`; this module parses the arguments,
//! runs the targets and prints.

use crate::error::Error;
use crate::input;
use crate::output::ReportFormat;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use tcp_engine::conform::report::{self, TargetReport, Verdict};
use tcp_engine::conform::{self, ConformError, KNOWN_TARGETS, cases};
use tcp_engine::interpreter::Interpreter;

/// Drive real TCP stacks through every transition of the spec and report where they differ.
///
/// Each transition is a case: the shortest run of events from the initial state to its
/// `from` state, then its event; the harness plays the remote peer, makes the user calls
/// through the stack's API and compares the state the stack reports and the segments it
/// sends with the spec's `to` and `send`. Each difference is classified: declared by the
/// spec, explained by RFC 9293 / RFC 5961 / RFC 1122, or undeclared (a finding).
///
/// Targets: `smoltcp` (in process, deterministic), `linux` (the running kernel, in a
/// private network namespace over a TUN device; needs /dev/net/tun and root, or a system that
/// lets an ordinary user make a user namespace) and `lwip`
/// (lwIP's raw API in process, deterministic; built from the registry's lwIP sources).
///
/// Exits 0 when every driven case agrees or its difference is declared or explained, 1 when
/// an undeclared difference is found, 2 when the spec cannot be used or a target cannot run.
///
/// Examples: `tcp-fsm conform --list`, `tcp-fsm conform --target linux --format json`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The spec file [default: the bundled TCP spec]
    spec: Option<PathBuf>,
    /// Only list the cases, do not drive any stack.
    #[arg(long)]
    list: bool,
    /// The targets to run (smoltcp, linux, lwip) [default: all three]
    #[arg(long, value_delimiter = ',', value_name = "TARGET,...")]
    target: Vec<String>,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    format: ReportFormat,
}

/// Runs the verb.
pub fn run(args: &Args) -> Result<ExitCode, Error> {
    let (source, spec) = input::load(args.spec.as_deref())?;
    let machine = Interpreter::new(&spec).map_err(|e| Error::drive(source.name(), e))?;
    let cases = cases::cases(&machine)?;
    if args.list {
        match args.format {
            ReportFormat::Human => print!("{}", list(&cases)),
            ReportFormat::Json => println!(
                "{}",
                serde_json::to_string_pretty(&cases).expect("cases serialize")
            ),
        }
        return Ok(ExitCode::SUCCESS);
    }
    let targets: Vec<&str> = match args.target.is_empty() {
        true => KNOWN_TARGETS.to_vec(),
        false => args.target.iter().map(String::as_str).collect(),
    };
    if let Some(name) = targets.iter().find(|t| !KNOWN_TARGETS.contains(t)) {
        return Err(ConformError::UnknownTarget {
            name: name.to_string(),
        }
        .into());
    }
    if targets.contains(&"linux") {
        // Before any thread starts: a process enters a user namespace single-threaded.
        conform::linux::enter_user_namespace()?;
    }
    let mut reports = Vec::new();
    for target in targets {
        let report = match target {
            "smoltcp" => Ok(conform::run_smoltcp(&machine, &cases)),
            "lwip" => conform::run_lwip(&machine, &cases),
            _ => conform::linux::run(&machine, &cases),
        };
        reports.push(report?);
    }
    match args.format {
        ReportFormat::Human => {
            for report in &reports {
                print!("{}", human(&spec, source.name(), report));
            }
        }
        ReportFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&reports).expect("reports serialize")
        ),
    }
    let undeclared = reports.iter().any(|r| r.counts().undeclared > 0);
    Ok(match undeclared {
        true => ExitCode::FAILURE,
        false => ExitCode::SUCCESS,
    })
}

/// The case list, one line per case.
fn list(cases: &[cases::Case]) -> String {
    let mut out = String::new();
    for case in cases {
        let send = case.expected.send.as_deref().unwrap_or("nothing");
        let run = match &case.unreachable {
            Some(why) => format!("cannot be driven: {why}"),
            None if case.prefix.is_empty() => "from the start".into(),
            None => format!("after {}", case.prefix.join(", ")),
        };
        let _ = writeln!(
            out,
            "{:<36} {} --{}--> {} sends {send}; {run}",
            case.case, case.from, case.event, case.expected.to
        );
    }
    let _ = writeln!(out, "{} cases", cases.len());
    out
}

/// A target's report for people: the matrix, then every case that did not agree.
fn human(spec: &fsm_spec::Spec, name: &str, report: &TargetReport) -> String {
    let counts = report.counts();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{name} on {} ({}): {} cases in {:.1} s",
        report.target,
        report.stack,
        report.cases.len(),
        report.seconds
    );
    out.push('\n');
    out.push_str(&report::matrix(spec, report));
    out.push('\n');
    for case in &report.cases {
        let mark = match (case.verdict, case.explained_by.as_deref()) {
            (Verdict::Agrees, _) => continue,
            (Verdict::NotDriven, _) => "not driven".to_string(),
            (Verdict::Differs, None) => "DIFFERS".to_string(),
            (Verdict::Differs, Some(by)) => format!("differs ({by})"),
        };
        let _ = writeln!(
            out,
            "  {mark:<22} {:<36} {}",
            case.case,
            case.reason.as_deref().unwrap_or("")
        );
        if let Some(sent) = case.observed.as_ref().and_then(|o| o.peer_sent.as_ref()) {
            let _ = writeln!(out, "  {:<22} {:<36} peer sent {sent}", "", "");
        }
    }
    let _ = writeln!(
        out,
        "\n{}: {} agree, {} differ as declared or as a reference says, {} differ undeclared, {} not driven\n",
        report.target, counts.agrees, counts.explained, counts.undeclared, counts.not_driven
    );
    out
}
