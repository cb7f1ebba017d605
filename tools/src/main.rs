//! `tcp-fsm`: check, export, expand, schema, diagram, audit, report, simulate, explore, track, conform.
//!
//! Exit codes: 0 success; 1 the spec has problems (or the audit found discrepancies);
//! 2 bad usage or a file that cannot be read.

use clap::{Parser, Subcommand};
use std::process::ExitCode;
use tcp_fsm_tools::{
    audit, check, conform, diagram, diff, expand, explore, export, learn, report, schema, simulate,
    track,
};

/// Check, export, expand, draw and audit state-machine specs; simulate, explore, track, conform TCP.
///
/// Every verb takes an optional SPEC path; without one it works on the bundled TCP spec
/// (RFC 793), `tcp-fsm/tcp.toml`.
#[derive(Debug, Parser)]
#[command(name = "tcp-fsm", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Check(check::Args),
    Export(export::Args),
    Expand(expand::Args),
    Diagram(diagram::Args),
    Diff(diff::Args),
    Audit(audit::Args),
    Report(report::Args),
    Schema(schema::Args),
    Simulate(simulate::Args),
    Explore(explore::Args),
    Track(track::Args),
    Conform(conform::Args),
    Learn(learn::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Expand(args) => expand::run(&args),
        Command::Diagram(args) => diagram::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Audit(args) => audit::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Schema(args) => Ok(schema::run(&args)),
        Command::Simulate(args) => simulate::run(&args),
        Command::Explore(args) => explore::run(&args),
        Command::Track(args) => track::run(&args),
        Command::Learn(args) => learn::run(&args),
        Command::Conform(args) => conform::run(&args),
    };
    match outcome {
        Ok(code) => code,
        Err(error) if error.is_rendered() => {
            eprintln!("{error}");
            ExitCode::from(error.exit_code())
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}
