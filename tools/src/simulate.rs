//! `tcp-fsm simulate`: run a scenario between two endpoints built from a spec, and print the
//! transcript in the format of RFC 793's figures (or as a sequence diagram).

use crate::error::Error;
use crate::input;
use fsm_spec::SourceFile;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tcp_engine::interpreter::Interpreter;
use tcp_engine::scenario::{Scenario, simulate};
use tcp_engine::transcript::{figure, sequence};

/// Run a scenario: two endpoints, each driven only by the spec's transitions, exchange
/// segments over a network the scenario controls (delays, losses, duplicates, reordering).
///
/// Prints the transcript as RFC 793 prints its figures: numbered lines, TCP A's state, the
/// segment with its arrows, TCP B's state. When the scenario has an `[expect]` figure, the
/// transcript must match it line by line. Scenarios are TOML files (docs/simulation.md);
/// tcp-engine/scenarios/ has RFC 793's Figures 7 to 14, RFC 9293's 6 to 13 and the blog's scenarios.
///
/// Exits 0 on success, 1 when the spec cannot play the scenario or the transcript differs from
/// the expected figure, 2 when a file cannot be read or the scenario is invalid.
///
/// Example: `tcp-fsm simulate tcp-engine/scenarios/rfc793-figure-07.toml --svg handshake.svg`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario file
    scenario: PathBuf,
    /// The spec both endpoints follow [default: the bundled TCP spec]
    #[arg(long, value_name = "SPEC")]
    spec: Option<PathBuf>,
    /// Also print what each endpoint did on each line: transitions taken, segments dropped
    /// and why.
    #[arg(long)]
    explain: bool,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Also write the Mermaid sequence diagram to FILE.
    #[arg(long, value_name = "FILE")]
    mermaid: Option<PathBuf>,
    /// Also write the SVG sequence diagram to FILE.
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// The transcript in RFC figure format.
    Text,
    /// A Mermaid `sequenceDiagram`.
    Mermaid,
    /// An SVG sequence diagram.
    Svg,
}

/// Scenario files larger than this are refused.
const MAX_SCENARIO_BYTES: u64 = 1024 * 1024;

pub fn run(args: &Args) -> Result<ExitCode, Error> {
    let (source, spec) = input::load(args.spec.as_deref())?;
    let (source, spec) = (source.name().to_string(), spec);
    let rules = Interpreter::new(&spec).map_err(|e| Error::drive(&source, e))?;
    let scenario = read_scenario(&args.scenario)?;
    let transcript = match simulate(&rules, &scenario) {
        Ok(transcript) => transcript,
        Err(errors) => {
            match &scenario.source {
                Some(source) => eprintln!("{}", errors.render(source)),
                None => eprintln!("{errors}"),
            }
            return Ok(ExitCode::FAILURE);
        }
    };
    let outputs = [
        (&args.mermaid, sequence::mermaid(&transcript)),
        (&args.svg, sequence::svg(&transcript)),
    ];
    for (path, text) in outputs {
        if let Some(path) = path {
            std::fs::write(path, text).map_err(|source| Error::Write {
                path: path.clone(),
                source,
            })?;
        }
    }
    match args.format {
        Format::Text => print!("{}", transcript.render(args.explain)),
        Format::Mermaid => print!("{}", sequence::mermaid(&transcript)),
        Format::Svg => print!("{}", sequence::svg(&transcript)),
    }
    let Some(expect) = &scenario.expect else {
        return Ok(ExitCode::SUCCESS);
    };
    let differences = figure::differences(&expect.figure, &transcript.figure());
    let from = match (&expect.rfc, expect.lines) {
        (Some(rfc), Some([first, last])) => format!("{rfc} lines {first}-{last}"),
        (Some(rfc), None) => rfc.clone(),
        _ => "the expected figure".into(),
    };
    if differences.is_empty() {
        if args.format == Format::Text {
            println!("\nThe transcript matches {from} line by line.");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let location = scenario.error_at(expect.span, "");
    eprintln!(
        "error: the transcript differs from {from} (the figure at {}:{}:{}):",
        location.file, location.location.line, location.location.column
    );
    for difference in differences {
        eprintln!("  {difference}");
    }
    Ok(ExitCode::FAILURE)
}

/// Reads and parses a scenario file; its problems come with the lines they point at.
pub fn read_scenario(path: &Path) -> Result<Scenario, Error> {
    let text = fsm_spec::source::read_text(path, MAX_SCENARIO_BYTES).map_err(|source| {
        crate::input::InputError::Read {
            path: path.to_path_buf(),
            source,
        }
    })?;
    let source = SourceFile::new(path.display().to_string(), text);
    Scenario::parse(source.clone()).map_err(|errors| Error::Scenario(errors.render(&source)))
}
