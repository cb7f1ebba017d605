//! Scenario files: who calls what and when, and what the network does, line by line as in the
//! RFC's figures. The format is described in `docs/simulation.md`.
//!
//! A scenario is read in two passes: this module checks everything that does not depend on
//! the spec (keys, types, which keys go together, segment notation), collecting every problem
//! with its `file:line:col`; `run` then checks call and timeout names against the
//! spec before running anything.

mod run;

pub use run::simulate;

use crate::endpoint::{Isns, Settings, Side};
use crate::tcb::DEFAULT_WINDOW;
use crate::transcript::notation::{DataField, Notation};
use crate::wire::{DEFAULT_DATA_LEN, Segment, SeqNum};
use fsm_spec::{Diagnostic, SourceFile, Span};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use toml::Spanned;

/// The scenarios of the RFC's figures and the blog's that the HTML page plays, compiled in so
/// that the page of the bundled spec does not depend on the working directory: (file name,
/// text) of files in `tcp-engine/scenarios/`.
pub const BUNDLED: &[(&str, &str)] = &[
    (
        "rfc793-figure-07.toml",
        include_str!("../../scenarios/rfc793-figure-07.toml"),
    ),
    (
        "rfc793-figure-08.toml",
        include_str!("../../scenarios/rfc793-figure-08.toml"),
    ),
    (
        "rfc793-figure-09.toml",
        include_str!("../../scenarios/rfc793-figure-09.toml"),
    ),
    (
        "rfc793-figure-10.toml",
        include_str!("../../scenarios/rfc793-figure-10.toml"),
    ),
    (
        "rfc793-figure-13.toml",
        include_str!("../../scenarios/rfc793-figure-13.toml"),
    ),
    (
        "rfc793-figure-14.toml",
        include_str!("../../scenarios/rfc793-figure-14.toml"),
    ),
    (
        "blog-three-way-handshake.toml",
        include_str!("../../scenarios/blog-three-way-handshake.toml"),
    ),
    (
        "blog-simultaneous-open.toml",
        include_str!("../../scenarios/blog-simultaneous-open.toml"),
    ),
    (
        "blog-four-way-close.toml",
        include_str!("../../scenarios/blog-four-way-close.toml"),
    ),
    (
        "blog-simultaneous-close.toml",
        include_str!("../../scenarios/blog-simultaneous-close.toml"),
    ),
    (
        "blog-fin-wait-1-to-time-wait.toml",
        include_str!("../../scenarios/blog-fin-wait-1-to-time-wait.toml"),
    ),
    (
        "blog-time-wait.toml",
        include_str!("../../scenarios/blog-time-wait.toml"),
    ),
];

/// A scenario: two endpoints, steps run silently before the figure, and the figure's steps.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The file the scenario came from (for error locations); `None` when built in code.
    pub source: Option<SourceFile>,
    /// What the scenario shows, for example `Basic 3-Way Handshake for Connection Synchronization`.
    pub title: String,
    /// Where it comes from, for example `RFC 793 section 3.4, Figure 7`.
    pub reference: Option<String>,
    /// Settings of TCP A and TCP B.
    pub endpoints: [Settings; 2],
    /// How the transcript writes segments: symbols for sequence numbers, the form of text.
    pub notation: Notation,
    /// Steps run before line 1 without being shown (for example a handshake).
    pub setup: Vec<Step>,
    /// The steps, each one row of the figure.
    pub steps: Vec<Step>,
    /// The figure the transcript must reproduce, if any.
    pub expect: Option<Expectation>,
}

/// The figure a scenario reproduces, transcribed from an RFC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    /// The figure's text, from its `TCP A ... TCP B` heading to its last line.
    pub figure: String,
    /// The RFC text file it was copied from, for example `rfc793.txt`.
    pub rfc: Option<String>,
    /// The first and last line of the figure in that file (1-based).
    pub lines: Option<[usize; 2]>,
    /// Span of the `[expect]` table's figure.
    pub span: Span,
}

/// A call or timeout name with where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub name: String,
    pub span: Span,
}

/// How one segment moves in a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movement {
    /// The sender's next segment departs and arrives in the same row (`--> ... -->`).
    Transmit(Side),
    /// The sender's next segment departs and stays in the network (`--> ... ...`).
    Send(Side),
    /// A segment in the network arrives (`... ... -->`).
    Arrive(Side),
    /// A segment is lost (`XXX`).
    Drop(Side),
    /// An old segment from the network arrives, as if the side had sent it long ago.
    Inject(Side, Segment),
}

/// One step: actions, then one row of the transcript.
#[derive(Debug, Clone, Default)]
pub struct Step {
    /// Where the step is written.
    pub span: Span,
    /// The row belongs to the previous numbered line.
    pub continued: bool,
    /// A remark row, for example `(Close)`, instead of states and a segment.
    pub note: [Option<String>; 2],
    /// The endpoint loses its memory (RFC 793 Figure 10).
    pub crash: [bool; 2],
    pub call: [Option<Named>; 2],
    pub timeout: [Option<Named>; 2],
    /// The endpoint's retransmission timeout fires: its oldest unacknowledged SYN or FIN is
    /// sent again.
    pub retransmit: [bool; 2],
    /// The network duplicates this in-flight segment (1-based) of the side.
    pub duplicate: [Option<usize>; 2],
    pub movement: Option<Movement>,
    /// Which in-flight segment of the sender moves (1-based); default: the first one that
    /// can.
    pub nth: Option<usize>,
    /// A transmitted segment may overtake earlier ones still in the network.
    pub reorder: bool,
    /// Deliver everything in the network, oldest first, one numbered line each.
    pub settle: bool,
    /// Which states the row shows. By default a segment row shows the states of the
    /// endpoints it involves (the sender if the segment departs, the receiver if it arrives),
    /// as most figures do; other rows show both.
    pub states: Option<[bool; 2]>,
    /// Text shown instead of a state, for example `(??)` or an empty column.
    pub show: [Option<String>; 2],
    /// Why a `show` names a state other than the simulated one (an RFC erratum).
    pub why: Option<String>,
    /// Octets of text a `send` call carries.
    pub octets: u32,
    /// The states the endpoints must be in after the step (names or aliases of the spec's
    /// states, any spelling: `SYN_RCVD`, `syn-received`).
    pub expect: [Option<Named>; 2],
}

/// A problem in a scenario file: a diagnostic like a spec's, with `file:line:col` and the
/// quoted line (`Diagnostic::render_snippet` with the scenario's source).
pub type ScenarioError = Diagnostic;

/// Every problem found in a scenario.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ScenarioErrors(pub Vec<ScenarioError>);

impl fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&lines.join("\n"))
    }
}

impl ScenarioErrors {
    /// Every problem with the lines of `source` it points at, as `tcp-fsm check` shows a
    /// spec's.
    pub fn render(&self, source: &SourceFile) -> String {
        let rendered: Vec<String> = self.0.iter().map(|e| e.render_snippet(source)).collect();
        rendered.join("\n")
    }
}

impl Scenario {
    /// Reads and checks a scenario file's text.
    pub fn parse(source: SourceFile) -> Result<Scenario, ScenarioErrors> {
        let document = match toml::from_str::<ScenarioDoc>(source.text()) {
            Ok(document) => document,
            Err(error) => {
                let span = error.span().map(Span::from).unwrap_or_default();
                let message = error.message().trim().to_string();
                return Err(ScenarioErrors(vec![locate(&source, span, message)]));
            }
        };
        let mut problems = Vec::new();
        let scenario = build(document, &mut problems);
        if problems.is_empty() {
            Ok(Scenario {
                source: Some(source),
                ..scenario
            })
        } else {
            problems.sort_by_key(|(span, _)| span.start);
            Err(ScenarioErrors(
                problems
                    .into_iter()
                    .map(|(span, message)| locate(&source, span, message))
                    .collect(),
            ))
        }
    }

    /// A problem at `span` of the scenario's file; at the start of an empty file named by
    /// the title for a scenario built in code.
    pub fn error_at(&self, span: Span, message: impl Into<String>) -> ScenarioError {
        match &self.source {
            Some(source) => Diagnostic::error(source, span, message),
            None => Diagnostic::error(
                &SourceFile::new(self.title.clone(), ""),
                Span::default(),
                message,
            ),
        }
    }
}

fn locate(source: &SourceFile, span: Span, message: String) -> ScenarioError {
    Diagnostic::error(source, span, message)
}

type Problems = Vec<(Span, String)>;

/// The most text one `send` call may carry (sequence numbers stay far from wrapping).
const MAX_OCTETS: u32 = 65_535;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioDoc {
    title: String,
    source: Option<String>,
    #[serde(rename = "A")]
    a: Option<EndpointDoc>,
    #[serde(rename = "B")]
    b: Option<EndpointDoc>,
    notation: Option<NotationDoc>,
    #[serde(default)]
    setup: Vec<Spanned<StepDoc>>,
    #[serde(default)]
    step: Vec<Spanned<StepDoc>>,
    expect: Option<ExpectDoc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EndpointDoc {
    isn: Option<Vec<Spanned<u32>>>,
    window: Option<Spanned<u32>>,
    #[serde(default)]
    symbols: BTreeMap<String, Spanned<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NotationDoc {
    data: Option<DataDoc>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "kebab-case")]
enum DataDoc {
    AfterControl,
    LengthBeforeControl,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectDoc {
    figure: Spanned<String>,
    rfc: Option<String>,
    lines: Option<[usize; 2]>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BySide<T> {
    #[serde(rename = "A")]
    a: Option<T>,
    #[serde(rename = "B")]
    b: Option<T>,
}

impl<T> BySide<T> {
    fn into_array(self) -> [Option<T>; 2] {
        [self.a, self.b]
    }
}

fn by_side<T>(value: Option<BySide<T>>) -> [Option<T>; 2] {
    value.map_or([None, None], BySide::into_array)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct StepDoc {
    #[serde(default, rename = "continue")]
    continued: Option<Spanned<bool>>,
    note: Option<Spanned<BySide<String>>>,
    crash: Option<Spanned<String>>,
    call: Option<BySide<Spanned<String>>>,
    timeout: Option<BySide<Spanned<String>>>,
    retransmit: Option<Spanned<String>>,
    duplicate: Option<BySide<Spanned<usize>>>,
    transmit: Option<Spanned<String>>,
    send: Option<Spanned<String>>,
    arrive: Option<Spanned<String>>,
    drop: Option<Spanned<String>>,
    inject: Option<BySide<Spanned<String>>>,
    nth: Option<Spanned<usize>>,
    reorder: Option<Spanned<bool>>,
    settle: Option<bool>,
    states: Option<Spanned<Vec<Spanned<String>>>>,
    show: Option<Spanned<BySide<String>>>,
    why: Option<Spanned<String>>,
    octets: Option<Spanned<u32>>,
    expect: Option<BySide<Spanned<String>>>,
}

fn span_of<T>(value: &Spanned<T>) -> Span {
    value.span().into()
}

fn build(document: ScenarioDoc, problems: &mut Problems) -> Scenario {
    let defaults = [[100], [300]];
    let mut notation = Notation {
        data: match document.notation.and_then(|n| n.data) {
            None | Some(DataDoc::AfterControl) => DataField::AfterControl,
            Some(DataDoc::LengthBeforeControl) => DataField::LengthBeforeControl,
        },
        ..Notation::default()
    };
    let endpoints = [document.a, document.b]
        .into_iter()
        .zip(defaults)
        .zip(Side::BOTH)
        .map(|((doc, isns), side)| endpoint(doc, &isns, side, &mut notation, problems))
        .collect::<Vec<_>>();
    let setup = document
        .setup
        .into_iter()
        .map(|doc| step(doc, true, problems))
        .collect();
    let steps: Vec<Step> = document
        .step
        .into_iter()
        .map(|doc| step(doc, false, problems))
        .collect();
    if let Some(first) = steps.first().filter(|s| s.continued) {
        problems.push((
            first.span,
            "the first step cannot `continue` a line: there is none before it".into(),
        ));
    }
    let expect = document.expect.map(|e| Expectation {
        span: span_of(&e.figure),
        figure: e.figure.into_inner(),
        rfc: e.rfc,
        lines: e.lines,
    });
    Scenario {
        source: None,
        title: document.title,
        reference: document.source,
        endpoints: [endpoints[0].clone(), endpoints[1].clone()],
        notation,
        setup,
        steps,
        expect,
    }
}

fn endpoint(
    doc: Option<EndpointDoc>,
    default_isns: &[u32],
    side: Side,
    notation: &mut Notation,
    problems: &mut Problems,
) -> Settings {
    let doc = doc.unwrap_or(EndpointDoc {
        isn: None,
        window: None,
        symbols: BTreeMap::new(),
    });
    for (symbol, value) in &doc.symbols {
        if is_symbol(symbol) {
            notation.name(side, symbol, SeqNum(*value.get_ref()));
        } else {
            problems.push((
                span_of(value),
                format!(
                    "`{symbol}` cannot name a sequence number: a symbol is a letter, then \
                     letters or digits (`X`, `ISS2`), so that `X+1` reads back"
                ),
            ));
        }
    }
    let isns = match doc.isn {
        None => default_isns.iter().copied().map(SeqNum).collect(),
        Some(list) => list
            .into_iter()
            .map(|isn| SeqNum(isn.into_inner()))
            .collect(),
    };
    let window = match doc.window {
        Some(w) if *w.get_ref() == 0 => {
            problems.push((span_of(&w), "the window must be at least 1".into()));
            DEFAULT_WINDOW
        }
        Some(w) => w.into_inner(),
        None => DEFAULT_WINDOW,
    };
    Settings {
        isns: Isns::List(isns),
        window,
    }
}

/// A letter, then letters or digits: `Z+1` must read as the symbol `Z` and an offset.
fn is_symbol(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric())
}

fn side(value: &Spanned<String>, problems: &mut Problems) -> Option<Side> {
    match value.get_ref().as_str() {
        "A" => Some(Side::A),
        "B" => Some(Side::B),
        other => {
            problems.push((
                span_of(value),
                format!("`{other}` is not an endpoint: write \"A\" or \"B\""),
            ));
            None
        }
    }
}

fn flag(value: Option<&Spanned<String>>, problems: &mut Problems) -> [bool; 2] {
    let mut flags = [false; 2];
    if let Some(side) = value.and_then(|v| side(v, problems)) {
        flags[side.index()] = true;
    }
    flags
}

fn named(value: Option<Spanned<String>>) -> Option<Named> {
    value.map(|v| Named {
        span: span_of(&v),
        name: v.into_inner(),
    })
}

fn step(doc: Spanned<StepDoc>, in_setup: bool, problems: &mut Problems) -> Step {
    let span = span_of(&doc);
    let doc = doc.into_inner();
    let movement = movement(&doc, span, problems);
    let mut problem = |span: Span, message: &str| problems.push((span, message.to_string()));
    let note_span = doc.note.as_ref().map(span_of);
    let is_note_row = note_span.is_some();
    if let Some(note_span) = note_span {
        if movement.is_some() || doc.settle == Some(true) {
            problem(
                note_span,
                "a note is a row of its own: move the segment to the next step \
                 (with `continue = true`)",
            );
        }
    }
    if let Some(nth) = &doc.nth {
        if *nth.get_ref() == 0 {
            problem(span_of(nth), "`nth` counts from 1");
        }
        if !matches!(
            movement,
            Some(
                Movement::Transmit(_) | Movement::Send(_) | Movement::Arrive(_) | Movement::Drop(_)
            )
        ) {
            problem(
                span_of(nth),
                "`nth` picks the segment that `transmit`, `send`, `arrive` or `drop` moves",
            );
        }
    }
    if let Some(reorder) = &doc.reorder {
        if !matches!(movement, Some(Movement::Transmit(_))) {
            problem(
                span_of(reorder),
                "`reorder` lets a `transmit`ted segment overtake earlier ones",
            );
        }
    }
    for (key, value) in [("duplicate", doc.duplicate.as_ref())] {
        for n in value.into_iter().flat_map(|d| [&d.a, &d.b]).flatten() {
            if *n.get_ref() == 0 {
                problem(span_of(n), &format!("`{key}` counts segments from 1"));
            }
        }
    }
    if let (Some(show), true) = (&doc.show, is_note_row) {
        problem(
            span_of(show),
            "a note row shows no states, so there is nothing to `show`",
        );
    }
    if let (Some(why), None) = (&doc.why, &doc.show) {
        problem(span_of(why), "`why` explains a `show`; this step has none");
    }
    if let (Some(octets), None) = (&doc.octets, &doc.call) {
        problem(
            span_of(octets),
            "`octets` is the text of a `send` call; this step has no call",
        );
    }
    if let Some(octets) = doc.octets.as_ref().filter(|o| *o.get_ref() > MAX_OCTETS) {
        problem(
            span_of(octets),
            &format!("a `send` carries at most {MAX_OCTETS} octets here"),
        );
    }
    if in_setup {
        let shown = [
            ("note", note_span),
            ("show", doc.show.as_ref().map(span_of)),
            ("why", doc.why.as_ref().map(span_of)),
            ("states", doc.states.as_ref().map(span_of)),
            ("continue", doc.continued.as_ref().map(span_of)),
        ];
        for (key, at) in shown {
            if let Some(at) = at {
                problem(
                    at,
                    &format!("`{key}` has no effect in [[setup]]: setup steps are not shown"),
                );
            }
        }
    }
    let notes = doc.note.map(|n| n.into_inner().into_array());
    let show = doc.show.map(|s| s.into_inner().into_array());
    Step {
        span,
        continued: doc.continued.is_some_and(|c| c.into_inner()),
        note: notes.unwrap_or_default(),
        crash: flag(doc.crash.as_ref(), problems),
        call: by_side(doc.call).map(named),
        timeout: by_side(doc.timeout).map(named),
        retransmit: flag(doc.retransmit.as_ref(), problems),
        duplicate: by_side(doc.duplicate).map(|d| d.map(Spanned::into_inner)),
        movement,
        nth: doc.nth.map(Spanned::into_inner),
        reorder: doc.reorder.is_some_and(Spanned::into_inner),
        settle: doc.settle.unwrap_or(false),
        states: doc.states.map(|list| {
            let mut shown = [false; 2];
            for name in list.get_ref() {
                if let Some(side) = side(name, problems) {
                    shown[side.index()] = true;
                }
            }
            shown
        }),
        show: show.unwrap_or_default(),
        why: doc.why.map(Spanned::into_inner),
        octets: doc.octets.map_or(DEFAULT_DATA_LEN, Spanned::into_inner),
        expect: by_side(doc.expect).map(named),
    }
}

fn movement(doc: &StepDoc, span: Span, problems: &mut Problems) -> Option<Movement> {
    let mut found = Vec::new();
    let simple = [
        (&doc.transmit, Movement::Transmit as fn(Side) -> Movement),
        (&doc.send, Movement::Send),
        (&doc.arrive, Movement::Arrive),
        (&doc.drop, Movement::Drop),
    ];
    for (value, make) in simple {
        if let Some(value) = value {
            found.extend(side(value, problems).map(make));
        }
    }
    if let Some(inject) = &doc.inject {
        for (side, text) in Side::BOTH.into_iter().zip([&inject.a, &inject.b]) {
            let Some(text) = text else { continue };
            match text.get_ref().parse::<Segment>() {
                Ok(segment) => found.push(Movement::Inject(side, segment)),
                Err(error) => problems.push((span_of(text), error.to_string())),
            }
        }
    }
    if found.len() > 1 {
        problems.push((
            span,
            "a step moves at most one segment (one of `transmit`, `send`, `arrive`, `drop`, \
             `inject`)"
                .into(),
        ));
    }
    if doc.settle == Some(true) && !found.is_empty() {
        problems.push((
            span,
            "`settle` moves every segment itself; drop the other movement".into(),
        ));
    }
    found.first().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Scenario, ScenarioErrors> {
        Scenario::parse(SourceFile::new("s.toml", text))
    }

    #[test]
    fn reads_steps_in_order() {
        let scenario = parse(
            r#"
title = "t"
[A]
isn = [7]
[[setup]]
call = { B = "passive_open" }
[[step]]
call = { A = "active_open" }
transmit = "A"
[[step]]
inject = { A = "<SEQ=90><CTL=SYN>" }
show = { A = "(duplicate)" }
"#,
        )
        .unwrap();
        assert_eq!(scenario.endpoints[0].isns, Isns::List(vec![SeqNum(7)]));
        assert_eq!(scenario.endpoints[1].isns, Isns::List(vec![SeqNum(300)]));
        assert_eq!(scenario.setup.len(), 1);
        assert_eq!(
            scenario.steps[0].movement,
            Some(Movement::Transmit(Side::A))
        );
        assert!(matches!(
            scenario.steps[1].movement,
            Some(Movement::Inject(Side::A, _))
        ));
        assert_eq!(scenario.steps[1].show[0].as_deref(), Some("(duplicate)"));
    }

    #[test]
    fn reports_every_problem_with_its_line_and_column() {
        let errors = parse(
            r#"title = "t"
[[step]]
continue = true
transmit = "C"
[[step]]
note = { A = "(Close)" }
send = "A"
[[step]]
inject = { B = "<SEQ=1><CTL=PSH>" }
"#,
        )
        .unwrap_err()
        .to_string();
        let expected = [
            "s.toml:2:1: error: the first step cannot `continue` a line",
            "s.toml:4:12: error: `C` is not an endpoint",
            "s.toml:6:8: error: a note is a row of its own",
            "s.toml:9:16: error: `PSH` is not a TCP control bit",
        ];
        for line in expected {
            assert!(errors.contains(line), "missing {line:?} in\n{errors}");
        }
    }

    #[test]
    fn unknown_keys_are_errors_with_a_location() {
        let error = parse("title = \"t\"\n[[step]]\ntransmitt = \"A\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("s.toml:3:1: error: unknown field `transmitt`"),
            "{error}"
        );
    }

    #[test]
    fn reads_the_notation_of_the_figure() {
        let scenario = parse(
            "title = \"t\"\n[notation]\ndata = \"length-before-control\"\n[B]\nsymbols = { X = 300 }\n",
        )
        .unwrap();
        assert_eq!(scenario.notation.data, DataField::LengthBeforeControl);
        assert_eq!(scenario.notation.number(SeqNum(301), Side::B), "X+1");
        assert_eq!(scenario.notation.number(SeqNum(301), Side::A), "301");
    }

    #[test]
    fn a_symbol_that_cannot_read_back_is_an_error() {
        let error = parse("title = \"t\"\n[A]\nsymbols = { \"Z+1\" = 90 }\n")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("s.toml:3:21: error: `Z+1` cannot name a sequence number"),
            "{error}"
        );
        let error = parse("title = \"t\"\n[notation]\ndata = \"before\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("s.toml:3:8: error: unknown variant `before`"),
            "{error}"
        );
    }

    #[test]
    fn setup_steps_cannot_show_anything() {
        let error = parse("title = \"t\"\n[[setup]]\nnote = { A = \"x\" }\n")
            .unwrap_err()
            .to_string();
        assert!(error.contains("has no effect in [[setup]]"), "{error}");
    }
}
