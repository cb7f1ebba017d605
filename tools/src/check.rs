//! `tcp-fsm check`: validate a spec and summarise it.

use crate::error::Error;
use crate::input;
use crate::output::ReportFormat;
use fsm_spec::Spec;
use std::path::PathBuf;
use std::process::ExitCode;

/// Validate a spec: TOML syntax, keys, names, references, determinism, reachability,
/// dead ends and unused events.
///
/// Prints a summary on stdout and every problem on stderr as `file:line:col`, quoting the
/// source. Exits 0 when the spec is clean, 1 when it has errors or warnings (warnings alone
/// exit 0 with --allow-warnings), 2 when the file cannot be read.
///
/// Example: `tcp-fsm check my-machine.toml`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The spec file [default: the bundled TCP spec]
    spec: Option<PathBuf>,
    /// Exit 0 when there are warnings but no errors.
    #[arg(long)]
    allow_warnings: bool,
    /// Output format of the result on stdout.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    format: ReportFormat,
}

pub fn run(args: &Args) -> Result<ExitCode, Error> {
    let source = input::read(args.spec.as_deref())?;
    let report = fsm_spec::check(&source);
    let errors = report.diagnostics.errors().count();
    let warnings = report.diagnostics.warnings().count();
    match args.format {
        ReportFormat::Human => {
            input::print_diagnostics(&source, &report);
            println!(
                "{}",
                summary(source.name(), report.spec.as_ref(), errors, warnings)
            );
        }
        ReportFormat::Json => println!("{}", report.to_json()),
    }
    let failed = errors > 0 || (warnings > 0 && !args.allow_warnings);
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn plural(count: usize, word: &str) -> String {
    format!("{count} {word}{}", if count == 1 { "" } else { "s" })
}

/// One paragraph: what the machine is, how big, and whether it is clean.
fn summary(name: &str, spec: Option<&Spec>, errors: usize, warnings: usize) -> String {
    let verdict = match (errors, warnings) {
        (0, 0) => "clean: no errors, no warnings".to_string(),
        _ => format!(
            "{}, {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        ),
    };
    match spec {
        Some(spec) => format!(
            "{name}: machine {} with {}, {} and {}, starting in {}; {verdict}.",
            spec.machine.name,
            plural(spec.states.len(), "state"),
            plural(spec.events.len(), "event"),
            plural(spec.transitions.len(), "transition"),
            spec.initial_state().name,
        ),
        None => format!("{name}: {verdict}."),
    }
}
