//! `tcp-fsm report`: check and audit a spec and write its diagrams, the job the README
//! runs on the bundled TCP spec.

use crate::error::Error;
use crate::input;
use fsm_spec::render::{self, Options};
use fsm_spec::{SourceFile, Spec, audit};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Check and audit a spec (against RFC 793 by default) and write its diagrams to a folder:
/// NAME.dot and NAME.svg (every transition), NAME-figure6.svg and NAME.mmd (the arcs of
/// RFC 793 Figure 6, or NAME-figure5.svg for RFC 9293 Figure 5, with the blog's client and
/// server paths), NAME being the machine's name in snake case. Without SPEC: both bundled
/// specs (tcp.toml, and tcp9293.toml also against RFC 9293).
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
}

/// The diagram files for `spec`, as (file name, content).
pub fn diagrams(spec: &Spec) -> Vec<(String, String)> {
    let name = fsm_spec::naming::snake(&spec.machine.name);
    let all = Options::all();
    // The RFC 793 spec is drawn as its Figure 6, the RFC 9293 spec as its Figure 5; a spec
    // tagged with neither gets every transition.
    let tagged = |tag| spec.transitions.iter().any(|t| t.has_tag(tag));
    let figure = ["figure6", "figure5"]
        .into_iter()
        .find(|&tag| tagged(tag))
        .unwrap_or("figure6");
    let mut drawn = match tagged(figure) {
        true => Options::tagged(figure),
        false => Options::all(),
    };
    for path in tcp_fsm::BLOG_PATHS {
        if let Ok(h) = crate::diagram::highlight(spec, path.name, path.color) {
            drawn.highlights.push(h);
        }
    }
    vec![
        (format!("{name}.dot"), render::dot(spec, &all)),
        (format!("{name}.svg"), render::svg::svg(spec, &all)),
        (
            format!("{name}-{figure}.svg"),
            render::svg::svg(spec, &drawn),
        ),
        (format!("{name}.mmd"), render::mermaid(spec, &drawn)),
    ]
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

fn audit(spec: &Spec, source: &SourceFile, against: &str) -> Result<bool, input::InputError> {
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
    Ok(report.passed())
}

/// Without a SPEC, every bundled spec: each against the RFC it implements as well.
pub fn run(args: &Args) -> Result<ExitCode, Error> {
    if args.spec.is_some() {
        return run_one(args, input::read(args.spec.as_deref())?, None);
    }
    let mut code = ExitCode::SUCCESS;
    for (bundled, own) in tcp_fsm::BUNDLED.iter().zip([None, Some("rfc9293")]) {
        if run_one(args, bundled.source_file(), own)? != ExitCode::SUCCESS {
            code = ExitCode::FAILURE;
        }
    }
    Ok(code)
}

fn run_one(args: &Args, source: SourceFile, own: Option<&str>) -> Result<ExitCode, Error> {
    let checked = fsm_spec::check(&source);
    input::print_diagnostics(&source, &checked);
    let clean = checked.diagnostics.is_empty();
    let Some(spec) = checked.spec else {
        return Ok(ExitCode::FAILURE);
    };
    let mut passed = audit(&spec, &source, &args.against)?;
    if let Some(own) = own.filter(|own| *own != args.against) {
        passed &= audit(&spec, &source, own)?;
    }
    let files = diagrams(&spec);
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
        let io = |path: &Path, source| input::InputError::Io {
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
    Ok(if clean && passed && fresh {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
