//! Reading the spec a verb works on: a file, or the bundled TCP spec.

use fsm_spec::{Report, SourceFile, Spec};
use std::path::{Path, PathBuf};

/// Specs larger than this are refused before reading, so a wrong path cannot exhaust memory.
pub const MAX_SPEC_BYTES: u64 = 4 * 1024 * 1024;

/// Why a spec file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: is a directory, not a spec file")]
    Directory { path: PathBuf },
    #[error("{path}: is {size} bytes; specs are limited to {MAX_SPEC_BYTES} bytes")]
    TooLarge { path: PathBuf, size: u64 },
    #[error("{path}: is not UTF-8 text (invalid byte at offset {offset})")]
    NotText { path: PathBuf, offset: usize },
    #[error("{0}")]
    Spec(String),
    #[error("{path}: cannot read the conformance results: {error}")]
    Conformance {
        path: PathBuf,
        error: fsm_spec::render::html::ConformanceError,
    },
}

impl InputError {
    /// 1 for a spec with errors (as `check` exits), 2 for a file that cannot be read.
    pub fn exit_code(&self) -> u8 {
        match self {
            InputError::Spec(_) => 1,
            _ => 2,
        }
    }
}

/// The spec at `path`, or the bundled TCP spec when there is none.
pub fn read(path: Option<&Path>) -> Result<SourceFile, InputError> {
    let Some(path) = path else {
        return Ok(tcp_fsm::spec_source());
    };
    let io = |source| InputError::Io {
        path: path.to_path_buf(),
        source,
    };
    let metadata = std::fs::metadata(path).map_err(io)?;
    if metadata.is_dir() {
        return Err(InputError::Directory {
            path: path.to_path_buf(),
        });
    }
    if metadata.len() > MAX_SPEC_BYTES {
        return Err(InputError::TooLarge {
            path: path.to_path_buf(),
            size: metadata.len(),
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let text = String::from_utf8(bytes).map_err(|e| InputError::NotText {
        path: path.to_path_buf(),
        offset: e.utf8_error().valid_up_to(),
    })?;
    Ok(SourceFile::new(path.display().to_string(), text))
}

/// Prints every diagnostic of `report` to stderr with the offending source lines.
pub fn print_diagnostics(source: &SourceFile, report: &Report) {
    for diagnostic in &report.diagnostics {
        eprintln!("{}", diagnostic.render_snippet(source));
    }
}

/// Reads and checks a spec for verbs that need a usable one: errors are printed and turned
/// into [`InputError::Spec`]; warnings are printed and otherwise ignored.
pub fn load(path: Option<&Path>) -> Result<(SourceFile, Spec), InputError> {
    let source = read(path)?;
    let report = fsm_spec::check(&source);
    print_diagnostics(&source, &report);
    let errors = report.diagnostics.errors().count();
    match report.spec {
        Some(spec) => Ok((source, spec)),
        None => Err(InputError::Spec(format!(
            "{}: {errors} error(s); see above",
            source.name()
        ))),
    }
}
