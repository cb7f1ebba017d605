//! The library behind the `tcp-fsm` command: one module per verb, each with an `Args` (clap)
//! and a `run` returning an exit code or an [`error::Error`], so that integration tests can
//! reach the same code as the binary. The engines are libraries: `fsm-spec` for specs,
//! `tcp-engine` for TCP; this crate parses arguments, reads files, prints and exits.

pub mod audit;
pub mod check;
pub mod conform;
pub mod diagram;
pub mod diff;
pub mod error;
pub mod expand;
pub mod explore;
pub mod export;
pub mod input;
pub mod learn;
pub mod output;
pub mod report;
pub mod schema;
pub mod simulate;
pub mod track;
