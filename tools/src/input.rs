//! Reading the spec a verb works on: a file, or the bundled TCP spec.

use fsm_spec::source::{MAX_SPEC_BYTES, ReadError, read_text};
use fsm_spec::{Report, SourceFile, Spec};
use std::path::{Path, PathBuf};

/// Why an input file (a spec, conformance results) could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// Missing, a directory, too large (see [`MAX_SPEC_BYTES`]) or not UTF-8.
    #[error("{}: cannot read: {source}", path.display())]
    Read { path: PathBuf, source: ReadError },
    #[error("{0}")]
    Spec(String),
    #[error("{path}: cannot read the conformance results: {error}")]
    Conformance {
        path: PathBuf,
        error: serde_json::Error,
    },
}

/// The spec at `path`, or the bundled TCP spec when there is none. A path that names no
/// file but a bundled spec (`tcp9293`, see [`tcp_engine::specs::BUNDLED`]) selects that spec.
pub fn read(path: Option<&Path>) -> Result<SourceFile, InputError> {
    let Some(path) = path else {
        return Ok(tcp_engine::spec_source());
    };
    if let Some(bundled) = path.to_str().and_then(tcp_engine::specs::bundled) {
        if !path.exists() {
            return Ok(bundled.source_file());
        }
    }
    let text = read_text(path, MAX_SPEC_BYTES).map_err(|source| InputError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(SourceFile::new(path.display().to_string(), text))
}

/// Prints every diagnostic of `report` to stderr with the offending source lines, read from
/// the file the diagnostic is in (a base spec's, for `extends`).
pub fn print_diagnostics(source: &SourceFile, report: &Report) {
    for diagnostic in &report.diagnostics {
        let rendered = if *diagnostic.file == *source.name() {
            diagnostic.render_snippet(source)
        } else {
            match source.open_named(&diagnostic.file) {
                Ok(file) => diagnostic.render_snippet(&file),
                Err(_) => diagnostic.to_string(),
            }
        };
        eprintln!("{rendered}");
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
