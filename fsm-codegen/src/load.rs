//! Finding, reading and checking the spec that a macro call names.

use fsm_spec::source::{MAX_SPEC_BYTES, ReadError, read_text};
use fsm_spec::{SourceFile, Spec};
use proc_macro2::Span;
use std::path::{Path, PathBuf};

/// Set by our own UI tests: trybuild compiles each test in a scratch crate under `target/`,
/// so `CARGO_MANIFEST_DIR` there is not the directory that holds the test specs.
pub const MANIFEST_DIR_OVERRIDE: &str = "FSM_MANIFEST_DIR_OVERRIDE";

/// A spec that passed `fsm_spec::check`, with where it came from.
pub(crate) struct Loaded {
    pub spec: Spec,
    pub source: SourceFile,
    /// Absolute path, for `include_bytes!` so that editing the spec rebuilds the crate.
    pub path: PathBuf,
    /// Absolute paths of the base specs it extends, for the same reason.
    pub bases: Vec<PathBuf>,
}

/// Reads the spec named by `literal` (relative to the calling crate's manifest directory)
/// and checks it. Every error is reported at the literal.
pub(crate) fn load(literal: &syn::LitStr) -> syn::Result<Loaded> {
    let span = literal.span();
    let manifest_dir = std::env::var_os(MANIFEST_DIR_OVERRIDE)
        .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR"))
        .map(PathBuf::from)
        .ok_or_else(|| {
            syn::Error::new(
                span,
                "fsm!: CARGO_MANIFEST_DIR is not set, so the spec path cannot be resolved \
                 (build with cargo)",
            )
        })?;
    load_in(&manifest_dir, literal)
}

/// [`load`], with the path relative to `manifest_dir`.
pub(crate) fn load_in(manifest_dir: &Path, literal: &syn::LitStr) -> syn::Result<Loaded> {
    let span = literal.span();
    let path = manifest_dir.join(literal.value());
    let cwd = std::env::current_dir().ok();
    let shown = display_path(&path, cwd.as_deref());
    let text = read_text(&path, MAX_SPEC_BYTES).map_err(|error| {
        let reason = match error {
            ReadError::Io(error) if error.kind() == std::io::ErrorKind::NotFound => format!(
                "no such file (the path is relative to `{}`, the directory of the calling \
                 crate's Cargo.toml)",
                display_path(manifest_dir, cwd.as_deref())
            ),
            error => error.to_string(),
        };
        syn::Error::new(span, format!("cannot read the spec `{shown}`: {reason}"))
    })?;
    let source = SourceFile::new(shown, text);
    let spec = check(&source, span)?;
    // A base is named as the spec is: relative to the working directory, or absolute.
    let bases = spec
        .bases
        .iter()
        .map(|name| match &cwd {
            Some(cwd) => cwd.join(name),
            None => PathBuf::from(name),
        })
        .collect();
    Ok(Loaded {
        spec,
        source,
        path,
        bases,
    })
}

/// How errors name the spec: relative to the compiler's working directory (the workspace
/// root under cargo, as rustc names source files) when it lies below it, else absolute.
pub(crate) fn display_path(path: &Path, cwd: Option<&Path>) -> String {
    cwd.and_then(|cwd| path.strip_prefix(cwd).ok())
        .filter(|relative| !relative.as_os_str().is_empty())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Checks a spec with `fsm-spec`; every error becomes one `syn::Error` at `span`, combined so
/// that all of them are shown. Warnings are left to `tcp-fsm check`: a proc macro cannot
/// emit warnings on stable Rust.
pub(crate) fn check(source: &SourceFile, span: Span) -> syn::Result<Spec> {
    fsm_spec::check(source)
        .into_result()
        .map_err(|diagnostics| {
            let messages = diagnostics
                .errors()
                .map(|d| format!("{}:{}: {}", d.file, d.location, d.message()));
            combine(messages, span)
        })
}

/// One error per message, all at `span`.
pub(crate) fn combine(messages: impl IntoIterator<Item = String>, span: Span) -> syn::Error {
    let mut messages = messages.into_iter();
    let first = messages
        .next()
        .unwrap_or_else(|| "the spec has errors".to_string());
    messages.fold(syn::Error::new(span, first), |mut all, message| {
        all.combine(syn::Error::new(span, message));
        all
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_below_the_working_directory_are_shown_relative() {
        let cwd = Path::new("/ws");
        assert_eq!(
            display_path(Path::new("/ws/tcp-fsm/tcp.toml"), Some(cwd)),
            "tcp-fsm/tcp.toml"
        );
        assert_eq!(
            display_path(Path::new("/elsewhere/tcp.toml"), Some(cwd)),
            "/elsewhere/tcp.toml"
        );
        assert_eq!(display_path(Path::new("/ws"), Some(cwd)), "/ws");
        assert_eq!(display_path(Path::new("/a/b.toml"), None), "/a/b.toml");
    }

    #[test]
    fn every_error_of_a_spec_is_reported_with_its_location() {
        let source = SourceFile::new(
            "bad.toml",
            "[machine]\nname = \"M\"\ninitial = \"NOPE\"\n\n[states.A]\n[events.go]\nkind = \"walk\"\n",
        );
        let error = check(&source, Span::call_site()).expect_err("the spec is invalid");
        let messages: Vec<String> = error.into_iter().map(|e| e.to_string()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].starts_with("bad.toml:3:11: unknown state `NOPE`"));
        assert!(messages[1].starts_with("bad.toml:7:8: `walk` is not a valid event kind"));
    }
}
