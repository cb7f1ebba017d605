//! `tcp-fsm export`: print the normalised spec.

use crate::error::Error;
use crate::input;
use std::path::PathBuf;
use std::process::ExitCode;

/// Print a spec in normalised form: names resolved, one transition per `from` state,
/// every optional key present.
///
/// Example: `tcp-fsm export --format json > tcp.json`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The spec file [default: the bundled TCP spec]
    spec: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Json,
}

pub fn run(args: &Args) -> Result<ExitCode, Error> {
    let (_, spec) = input::load(args.spec.as_deref())?;
    match args.format {
        Format::Json => println!("{}", spec.to_json()),
    }
    Ok(ExitCode::SUCCESS)
}
