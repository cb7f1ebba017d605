//! `tcp-fsm export`: print the spec for other programs: normalised JSON, SCXML or an XState
//! machine config.

use crate::error::Error;
use crate::input;
use std::path::PathBuf;
use std::process::ExitCode;

/// Print a spec for other programs, every transition included: `json`, the normalised spec
/// (names resolved, one transition per `from` state, every optional key present); `scxml`,
/// a W3C SCXML document (ECMAScript data model; guards are booleans in its `guards` object);
/// `xstate`, an XState v5 machine config (guards are named guards the caller implements).
///
/// A spec with groups (composite states) shows them: `json` lists them and each transition's
/// `declared_in`; `scxml` has compound states and `xstate` nested state nodes, a transition
/// declared on a group written once, on the group. `--flat` prints the expanded machine
/// without them, in the shape of a spec that has none.
///
/// Examples: `tcp-fsm export --format json > tcp.json`, `tcp-fsm export --format scxml`,
/// `tcp-fsm export --flat`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The spec file [default: the bundled TCP spec]
    spec: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// Leave the groups out: every transition as if written on its own state.
    #[arg(long)]
    flat: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Json,
    Scxml,
    Xstate,
}

pub fn run(args: &Args) -> Result<ExitCode, Error> {
    let (_, mut spec) = input::load(args.spec.as_deref())?;
    if args.flat {
        spec = spec.flattened();
    }
    match args.format {
        Format::Json => println!("{}", spec.to_json()),
        Format::Scxml => print!("{}", fsm_spec::export::scxml(&spec)),
        Format::Xstate => print!("{}", fsm_spec::export::xstate(&spec)),
    }
    Ok(ExitCode::SUCCESS)
}
