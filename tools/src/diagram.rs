//! `tcp-fsm diagram`: draw a spec as DOT, SVG, Mermaid or PlantUML.

use crate::error::{DiagramError, Error};
use crate::input;
use fsm_spec::Spec;
use fsm_spec::render::{self, Arcs, Highlight, Options};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

/// Draw a spec: Graphviz DOT (default), SVG, a Mermaid or a PlantUML state diagram.
///
/// Edges between the same two states are merged into one, labelled like RFC 793 Figure 6
/// (`rcv SYN / snd SYN,ACK`). SVG is laid out in Rust and needs no Graphviz; with
/// `--engine graphviz` the installed `dot` lays it out instead.
///
/// A spec with groups (composite states) draws each group as a labelled box around its
/// states, and a transition declared on a group once, from the box; `--flat` draws the
/// expanded machine instead, one arc per state.
///
/// Examples: `tcp-fsm diagram --format svg -o tcp.svg`,
/// `tcp-fsm diagram --arcs figure6 --highlight client --highlight server`,
/// `tcp-fsm diagram --format mermaid`, `tcp-fsm diagram --format plantuml | plantuml -pipe -tsvg`,
/// `tcp-fsm diagram --flat`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The spec file [default: the bundled TCP spec]
    spec: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Dot)]
    format: Format,
    /// Which transitions to draw: `all`, `no-self-loops` (all but those that keep the state),
    /// or a tag: only the transitions with it (`figure6`: the arcs of RFC 793 Figure 6;
    /// `figure5`: those of RFC 9293 Figure 5).
    #[arg(long, value_name = "ARCS", default_value = "all")]
    arcs: String,
    /// Draw a path in its own colour: `client` or `server` (the blog's paths through the TCP
    /// spec), or NAME=EVENT,EVENT,... run from the initial state. Repeatable.
    #[arg(long, value_name = "PATH")]
    highlight: Vec<String>,
    /// Who lays out the SVG: the built-in Rust layout, or Graphviz's `dot` program.
    #[arg(long, value_enum, default_value_t = Engine::Builtin)]
    engine: Engine,
    /// Leave the groups out: every transition drawn from its own state.
    #[arg(long)]
    flat: bool,
    /// Write to this file instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Dot,
    Svg,
    Mermaid,
    Plantuml,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Engine {
    Builtin,
    Graphviz,
}

const COLORS: &[&str] = &["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"];

/// Parses one `--arcs` value against `spec`.
fn arcs(spec: &Spec, value: &str) -> Result<Arcs, DiagramError> {
    match value {
        "all" => Ok(Arcs::All),
        "no-self-loops" => Ok(Arcs::NoSelfLoops),
        tag if spec.transitions.iter().any(|t| t.has_tag(tag)) => Ok(Arcs::Tagged(tag.into())),
        tag => {
            let mut tags: Vec<&str> = spec
                .transitions
                .iter()
                .flat_map(|t| t.tags.iter().map(String::as_str))
                .collect();
            tags.sort_unstable();
            tags.dedup();
            let tags = match tags.is_empty() {
                true => "none".to_string(),
                false => tags.join(", "),
            };
            Err(DiagramError::UnknownTag(tag.into(), tags))
        }
    }
}

/// Parses one `--highlight` value against `spec`: a path of [`tcp_engine::specs::BLOG_PATHS`] by name,
/// or NAME=EVENT,EVENT,...
pub fn highlight(spec: &Spec, value: &str, color: &str) -> Result<Highlight, DiagramError> {
    let fail = |why: String| DiagramError::Highlight(value.to_string(), why);
    let blog = tcp_engine::specs::BLOG_PATHS
        .iter()
        .find(|p| p.name == value);
    let (name, events): (&str, Vec<&str>) = match (blog, value.split_once('=')) {
        (Some(path), _) => (path.name, path.events.to_vec()),
        (None, Some((name, events))) => (name, events.split(',').map(str::trim).collect()),
        (None, None) => {
            return Err(fail(
                "expected client, server or NAME=EVENT,EVENT,...".into(),
            ));
        }
    };
    let ids = events
        .iter()
        .map(|e| {
            spec.event_named(e)
                .ok_or_else(|| fail(format!("the spec has no event `{e}`")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Highlight::run(spec, name, color, &ids).map_err(|step| {
        fail(format!(
            "event `{}` (step {}) has no transition there",
            events[step],
            step + 1
        ))
    })
}

/// The diagram text for `args` (no I/O besides running `dot` for `--engine graphviz`).
pub fn render(spec: &Spec, args: &Args) -> Result<String, DiagramError> {
    let highlights = args
        .highlight
        .iter()
        .enumerate()
        .map(|(i, h)| highlight(spec, h, COLORS[i % COLORS.len()]))
        .collect::<Result<Vec<_>, _>>()?;
    let options = Options {
        arcs: arcs(spec, &args.arcs)?,
        highlights,
    };
    Ok(match (args.format, args.engine) {
        (Format::Dot, _) => render::dot(spec, &options),
        (Format::Mermaid, _) => render::mermaid(spec, &options),
        (Format::Plantuml, _) => render::plantuml(spec, &options),
        (Format::Svg, Engine::Builtin) => render::svg::svg(spec, &options),
        (Format::Svg, Engine::Graphviz) => graphviz(&render::dot(spec, &options))?,
    })
}

/// Runs `dot -Tsvg` on `dot_text`.
pub fn graphviz(dot_text: &str) -> Result<String, DiagramError> {
    let fail = |e: std::io::Error| DiagramError::Graphviz(e.to_string());
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(fail)?;
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(dot_text.as_bytes())
        .map_err(fail)?;
    let output = child.wait_with_output().map_err(fail)?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr).trim().to_string();
        return Err(DiagramError::Graphviz(stderr));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn write(path: Option<&Path>, text: &str) -> Result<(), Error> {
    match path {
        Some(path) => std::fs::write(path, text).map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        }),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

pub fn run(args: &Args) -> Result<ExitCode, Error> {
    let (_, mut spec) = input::load(args.spec.as_deref())?;
    if args.flat {
        spec = spec.flattened();
    }
    let text = render(&spec, args)?;
    write(args.output.as_deref(), &text)?;
    Ok(ExitCode::SUCCESS)
}
