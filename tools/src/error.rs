//! The one error type of the command: every verb returns it, `main` prints it once and exits
//! with its code. A verb that finished but found problems (a spec with errors, a failed audit,
//! a violated property, findings in a capture) is not an error: it returns exit code 1.
//!
//! | code | meaning |
//! |------|---------|
//! | 0 | success |
//! | 1 | the verb ran and found problems; or the spec has errors |
//! | 2 | the verb could not run: bad usage, a file that cannot be read or written, a spec that cannot drive the engine, a damaged capture |

use crate::input::InputError;
use std::path::PathBuf;
use tcp_engine::interpreter::DriveError;
use tcp_engine::track::capture::CaptureError;

/// Why a verb could not do its work.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A spec that cannot be read, or that has errors.
    #[error(transparent)]
    Input(#[from] InputError),
    /// A spec that checks clean but cannot drive the TCP engine (boxed: the rarest error
    /// is the largest).
    #[error("{spec}: the spec cannot drive the TCP engine: {source}")]
    Drive {
        spec: String,
        source: Box<DriveError>,
    },
    /// A capture that cannot be read, or is damaged part-way.
    #[error("{path}: {source}")]
    Capture { path: String, source: CaptureError },
    /// A scenario file that cannot be run: every problem, rendered with the lines it points
    /// at (each already says `error:`).
    #[error("{0}")]
    Scenario(String),
    /// An argument that names something the spec does not have.
    #[error("{0}")]
    Usage(String),
    /// A diagram that cannot be made.
    #[error(transparent)]
    Diagram(#[from] DiagramError),
    /// A conformance run that cannot be made: a spec it cannot drive, an unknown target, a
    /// target that cannot run here (not root, no TUN device).
    #[error(transparent)]
    Conform(#[from] tcp_engine::conform::ConformError),
    /// A stack that cannot be learned: a spec or alphabet it cannot take, a target that
    /// cannot run here, a stack that crashed or hung, an interrupted run.
    #[error(transparent)]
    Learn(#[from] tcp_engine::learn::LearnError),
    /// Parquet tables that cannot be written.
    #[cfg(feature = "parquet")]
    #[error(transparent)]
    Table(#[from] tcp_engine::track::table::TableError),
    /// An output file that cannot be written.
    #[error("{path}: cannot write: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Error {
    /// The exit code (module docs): 1 for a spec with errors, 2 for everything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(InputError::Spec(_)) => 1,
            _ => 2,
        }
    }

    /// Whether the message is already a rendered diagnostic, which says `error:` itself.
    pub fn is_rendered(&self) -> bool {
        matches!(self, Error::Scenario(_))
    }

    /// The spec cannot drive the engine: `spec` names it in the message.
    pub fn drive(spec: &str, source: impl Into<DriveError>) -> Error {
        Error::Drive {
            spec: spec.to_string(),
            source: Box::new(source.into()),
        }
    }
}

/// Why a diagram could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DiagramError {
    #[error("--highlight {0}: {1}")]
    Highlight(String, String),
    #[error("--arcs {0}: no transition has this tag (the spec's tags are {1})")]
    UnknownTag(String, String),
    #[error(
        "--engine graphviz: cannot run `dot` ({0}); install Graphviz or use the built-in layout"
    )]
    Graphviz(String),
}
