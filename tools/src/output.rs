//! What the report-printing verbs (check, audit, explore, track) share about their output.

/// How a verb prints its result on stdout: for people (the default) or as JSON for programs.
/// Diagnostics go to stderr either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Human,
    Json,
}
