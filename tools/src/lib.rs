//! The library behind the `tcp-fsm` command: one module per verb, each with an `Args` (clap)
//! and a `run`, so that integration tests can reach the same code as the binary.

pub mod audit;
pub mod check;
pub mod conform;
pub mod diagram;
pub mod explore;
pub mod export;
pub mod input;
pub mod output;
pub mod report;
pub mod simulate;
pub mod track;
pub mod track_report;
