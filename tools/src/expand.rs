//! `tcp-fsm expand`: print the Rust code `fsm!` generates for a spec, formatted.

use crate::input;
use std::path::PathBuf;
use std::process::ExitCode;

/// Print the Rust items `fsm!("SPEC")` expands to (the typestate and runtime APIs), formatted,
/// as `cargo expand` would show them. A spec with errors is reported as `check` reports it.
///
/// Example: `tcp-fsm expand tcp-fsm/tcp.toml > tcp_expanded.rs`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The spec file [default: the bundled TCP spec]
    spec: Option<PathBuf>,
}

pub fn run(args: &Args) -> Result<ExitCode, crate::error::Error> {
    let (source, spec) = input::load(args.spec.as_deref())?;
    print!("{}", expansion(&source, &spec)?);
    Ok(ExitCode::SUCCESS)
}

/// The formatted expansion of a checked spec.
pub fn expansion(
    source: &fsm_spec::SourceFile,
    spec: &fsm_spec::Spec,
) -> Result<String, input::InputError> {
    // Docs and notes in the generated code name the spec as a macro call would: its file name.
    let file = std::path::Path::new(source.name()).file_name().map_or_else(
        || source.name().to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    let generation_failed = |error: String| {
        input::InputError::Spec(format!("{}: cannot generate code: {error}", source.name()))
    };
    let items = fsm_codegen::generate(spec, source, &file, proc_macro2::Span::call_site())
        .map_err(|error| generation_failed(error.to_string()))?;
    let file =
        syn::parse2::<syn::File>(items).map_err(|error| generation_failed(error.to_string()))?;
    Ok(prettyplease::unparse(&file))
}
