//! `tcp-fsm report`: check and audit a spec and write its diagrams, the job the README
//! runs on the bundled TCP spec.

use crate::input;
use fsm_spec::render::{self, Arcs, Options};
use fsm_spec::{SourceFile, Spec, audit};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Check and audit a spec (against RFC 793 by default) and write its diagrams to a folder:
/// NAME.dot and NAME.svg (every transition), NAME-figure6.svg and NAME.mmd (the arcs of
/// RFC 793 Figure 6, with the blog's client and server paths), NAME being the machine's
/// name in snake case; and spec.schema.json, the JSON Schema of the spec format.
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
    let mut figure6 = Options {
        arcs: Arcs::Figure6,
        highlights: Vec::new(),
    };
    for (i, path) in ["client", "server"].into_iter().enumerate() {
        let color = ["#1f77b4", "#d62728"][i];
        if let Ok(h) = crate::diagram::highlight(spec, path, color) {
            figure6.highlights.push(h);
        }
    }
    // A spec without Figure 6 tags gets every transition instead.
    if !spec.transitions.iter().any(|t| t.has_tag("figure6")) {
        figure6.arcs = Arcs::All;
    }
    vec![
        (format!("{name}.dot"), render::dot(spec, &all)),
        (format!("{name}.svg"), render::svg::svg(spec, &all)),
        (
            format!("{name}-figure6.svg"),
            render::svg::svg(spec, &figure6),
        ),
        (format!("{name}.mmd"), render::mermaid(spec, &figure6)),
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

pub fn run(args: &Args) -> Result<ExitCode, input::InputError> {
    let source = input::read(args.spec.as_deref())?;
    let checked = fsm_spec::check(&source);
    input::print_diagnostics(&source, &checked);
    let clean = checked.diagnostics.is_empty();
    let Some(spec) = checked.spec else {
        return Ok(ExitCode::FAILURE);
    };
    let passed = audit(&spec, &source, &args.against)?;
    let mut files = diagrams(&spec);
    // The schema does not depend on the spec, but is kept current with the diagrams.
    files.push((crate::schema::FILE_NAME.to_string(), crate::schema::text()));
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
