//! `tcp-fsm report`: check and audit a spec and write its diagrams, the job the README
//! runs on the bundled TCP spec; with `--html`, also the page that shows it all.

use crate::error::Error;
use crate::input;
use fsm_spec::source::{MAX_SPEC_BYTES, read_text};
use fsm_spec::{SourceFile, Spec, audit};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tcp_engine::conform::report::{self as conformance, TargetReport};
use tcp_engine::page;

/// Check and audit a spec (against RFC 793 by default) and write its diagrams to a folder:
/// NAME.dot and NAME.svg (every transition), NAME-figure6.svg and NAME.mmd (the arcs of
/// RFC 793 Figure 6, or NAME-figure5.svg for RFC 9293 Figure 5, with the blog's client and
/// server paths), NAME being the machine's name in snake case. Without SPEC: both bundled
/// specs (tcp.toml, and tcp9293.toml also against RFC 9293), each also as NAME.html, the
/// page of --html (which then shows tcp.toml); and spec.schema.json, the JSON Schema of the
/// spec format.
///
/// With --check nothing is written; the command fails if a file differs from what it would
/// write. Exits 0 when the spec is clean, the audit passes and (with --check) the files are
/// up to date; 1 otherwise; 2 when a file cannot be read or written.
///
/// Example: `tcp-fsm report` (regenerates docs/tcp.*), `tcp-fsm report --check`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The spec file [default: the bundled TCP spec]
    spec: Option<PathBuf>,
    /// The reference to audit against: rfc793, rfc9293 or a path.
    #[arg(long, default_value = "rfc793")]
    against: String,
    /// The folder for the diagrams.
    #[arg(long, default_value = "docs")]
    out: PathBuf,
    /// Compare the diagrams with the files in the folder instead of writing them.
    #[arg(long)]
    check: bool,
    /// Also write one self-contained HTML page to FILE: the diagram, the audit grid, the
    /// scenarios played on the diagram and (with --conformance) the conformance grids.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Conformance results to show on the page (the JSON of `tcp-fsm conform --format json`).
    #[arg(long, value_name = "FILE", requires = "html")]
    conformance: Option<PathBuf>,
}

fn read_conformance(path: &Path) -> Result<Vec<TargetReport>, Error> {
    let text = read_text(path, MAX_SPEC_BYTES).map_err(|source| input::InputError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    conformance::read_json(&text).map_err(|error| {
        Error::from(input::InputError::Conformance {
            path: path.to_path_buf(),
            error,
        })
    })
}

/// The files among `files` whose copy in `dir` is missing or different.
pub fn stale(dir: &Path, files: &[(String, String)]) -> Vec<PathBuf> {
    files
        .iter()
        .map(|(name, content)| (dir.join(name), content))
        .filter(|(path, content)| std::fs::read_to_string(path).ok().as_ref() != Some(*content))
        .map(|(path, _)| path)
        .collect()
}

fn audit(spec: &Spec, source: &SourceFile, against: &str) -> Result<audit::Report, Error> {
    let report = crate::audit::report(spec, source, against)?;
    eprintln!(
        "{}: audit against {}: {} ok, {} declared, {} discrepancies.",
        source.name(),
        report.reference,
        report.count(audit::Status::Ok),
        report.count(audit::Status::Declared),
        report.count(audit::Status::Discrepancy)
    );
    if !report.passed() {
        eprint!("{}", audit::render_human(&report));
    }
    Ok(report)
}

/// Without a SPEC, every bundled spec: each against the RFC it implements as well.
pub fn run(args: &Args) -> Result<ExitCode, Error> {
    let conformance = args
        .conformance
        .as_deref()
        .map(read_conformance)
        .transpose()?;
    let conformance = conformance.as_deref();
    if args.spec.is_some() {
        let source = input::read(args.spec.as_deref())?;
        return run_one(args, source, None, args.html.as_deref(), conformance);
    }
    let mut code = ExitCode::SUCCESS;
    for (i, bundled) in tcp_engine::specs::BUNDLED.iter().enumerate() {
        // --html without a SPEC is the page of the default spec.
        let html = args.html.as_deref().filter(|_| i == 0);
        let own = bundled.implements.map(|reference| reference.id);
        if run_one(args, bundled.source_file(), own, html, conformance)? != ExitCode::SUCCESS {
            code = ExitCode::FAILURE;
        }
    }
    Ok(code)
}

/// One spec: check it, audit it (also against `own`, the RFC a bundled spec implements),
/// write or check its files (with its page, when bundled), and write the page to `html`.
fn run_one(
    args: &Args,
    source: SourceFile,
    own: Option<&str>,
    html: Option<&Path>,
    conformance: Option<&[TargetReport]>,
) -> Result<ExitCode, Error> {
    let checked = fsm_spec::check(&source);
    input::print_diagnostics(&source, &checked);
    let clean = checked.diagnostics.is_empty();
    let Some(spec) = checked.spec else {
        return Ok(ExitCode::FAILURE);
    };
    let report = audit(&spec, &source, &args.against)?;
    let mut passed = report.passed();
    if let Some(own) = own.filter(|own| *own != args.against) {
        passed &= audit(&spec, &source, own)?.passed();
    }
    let mut files = page::diagram_files(&spec);
    let bundled = args.spec.is_none();
    if bundled {
        let name = fsm_spec::naming::snake(&spec.machine.name);
        // The checked-in page shows no conformance results: they depend on the machine.
        files.push((
            format!("{name}.html"),
            page::tcp_page(&spec, &source, &report, None),
        ));
    }
    // The schema does not depend on the spec, but is kept current with the diagrams.
    files.push((
        crate::schema::FILE_NAME.to_string(),
        fsm_spec::schema::text(),
    ));
    let fresh = if args.check {
        let stale = stale(&args.out, &files);
        for path in &stale {
            eprintln!(
                "{} is stale; regenerate with `cargo run -p tcp-fsm-tools -- report`",
                path.display()
            );
        }
        stale.is_empty()
    } else {
        let io = |path: &Path, source| Error::Write {
            path: path.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(&args.out).map_err(|e| io(&args.out, e))?;
        for (name, content) in &files {
            let path = args.out.join(name);
            std::fs::write(&path, content).map_err(|e| io(&path, e))?;
            eprintln!("wrote {}", path.display());
        }
        true
    };
    if let Some(path) = html {
        let page = page::tcp_page(&spec, &source, &report, conformance);
        std::fs::write(path, page).map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })?;
        eprintln!("wrote {}", path.display());
    }
    Ok(if clean && passed && fresh {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
