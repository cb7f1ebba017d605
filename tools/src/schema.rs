//! `tcp-fsm schema`: print the JSON Schema of the spec format (built by `fsm_spec::schema`).

use std::process::ExitCode;

/// Print the JSON Schema (draft-07) of the spec format.
///
/// Point a TOML editor at it with a first line `#:schema ./spec.schema.json` in the spec, or
/// a `[[rule]]` with `schema.path` in `.taplo.toml`; check a spec with
/// `taplo check --schema file://$PWD/docs/spec.schema.json spec.toml`. The copy checked in
/// at docs/spec.schema.json is kept current by `tcp-fsm report`.
///
/// Example: `tcp-fsm schema > spec.schema.json`
#[derive(Debug, clap::Args)]
pub struct Args {}

/// The file name of the checked-in copy, in the `report` output folder.
pub const FILE_NAME: &str = "spec.schema.json";

pub fn run(_: &Args) -> ExitCode {
    print!("{}", fsm_spec::schema::text());
    ExitCode::SUCCESS
}
