//! `tcp-fsm audit`: compare a spec with a reference model of an RFC.

use crate::error::Error;
use crate::input;
use crate::output::ReportFormat;
use fsm_spec::audit;
use fsm_spec::{SourceFile, Spec};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tcp_engine::specs as reference;

/// Audit a spec against a reference model of the RFC (default: RFC 793).
///
/// Matches states and events by name or alias, then reports every reference transition
/// as matched, missing, different target or different output, every spec transition the
/// reference lacks as extra, and which reading the spec follows where the RFC contradicts
/// itself; then a state × event coverage matrix. Each line carries the RFC citation and
/// the spec's file:line. Deviations the spec declares (`[[deviation]]`, or `deviation` on
/// a transition) are reported as declared and do not fail the audit.
///
/// Exits 0 when there is no undeclared discrepancy, 1 otherwise, 2 when a file cannot be
/// read.
///
/// Examples: `tcp-fsm audit`, `tcp-fsm audit my.toml --against rfc9293 --format json`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The spec file [default: the bundled TCP spec]
    spec: Option<PathBuf>,
    /// The reference: a bundled one (rfc793, rfc9293) or the path of a reference spec.
    #[arg(long, default_value = "rfc793")]
    against: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    format: ReportFormat,
}

/// A reference and, for a bundled one that replaces another, that other one.
struct Against {
    spec: Spec,
    baseline: Option<Spec>,
}

fn against(name: &str) -> Result<Against, input::InputError> {
    if let Some(bundled) = reference::reference(name) {
        let baseline = bundled
            .obsoletes
            .and_then(reference::reference)
            .map(|b| b.spec());
        return Ok(Against {
            spec: bundled.spec(),
            baseline,
        });
    }
    let (_, spec) = input::load(Some(Path::new(name)))?;
    Ok(Against {
        spec,
        baseline: None,
    })
}

/// The audit report for `source` (already checked as `spec`) against `against`.
pub fn report(
    spec: &Spec,
    source: &SourceFile,
    against: &str,
) -> Result<audit::Report, input::InputError> {
    let reference = self::against(against)?;
    let report = audit::audit(spec, source, &reference.spec);
    Ok(match &reference.baseline {
        Some(baseline) => audit::with_changes(report, spec, source, &reference.spec, baseline),
        None => report,
    })
}

pub fn run(args: &Args) -> Result<ExitCode, Error> {
    let (source, spec) = input::load(args.spec.as_deref())?;
    let report = report(&spec, &source, &args.against)?;
    match args.format {
        ReportFormat::Human => print!("{}", audit::render_human(&report)),
        ReportFormat::Json => println!("{}", report.to_json()),
    }
    Ok(if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
