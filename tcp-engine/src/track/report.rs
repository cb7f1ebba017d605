//! Rendering tracked connections: per-connection timelines or one line per connection for
//! people, JSON for machines. [`ReportWriter`] writes each connection as it is reported and the
//! totals at the end, so that a report of any size is written in bounded memory; [`Report`]
//! renders a whole [`Tracking`] the same way.

use crate::track::capture::CaptureError;
use crate::track::decode::Skip;
use crate::track::tracker::{Basis, Connection, Finding, FindingKind, Row, Step, Totals, Tracking};
use fsm_spec::Spec;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::io;
use std::time::Duration;

/// A tracking result with what is needed to name things.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    /// The capture's name, as the user gave it.
    pub capture: &'a str,
    /// The spec the endpoints were driven by.
    pub spec: &'a Spec,
    /// The result.
    pub tracking: &'a Tracking,
}

const NAMES: [&str; 2] = ["A", "B"];

impl<'a> Report<'a> {
    /// Number of findings over all connections.
    pub fn finding_count(&self) -> usize {
        self.tracking
            .connections
            .iter()
            .map(|c| c.findings.len())
            .sum()
    }

    /// The last line of every human report: counts and the verdict.
    pub fn headline(&self) -> String {
        headline(
            self.capture,
            &self.tracking.totals,
            self.tracking.connections.len(),
            self.finding_count(),
        )
    }

    fn render(&self, style: Style, damage: Option<&CaptureError>) -> String {
        let mut writer = ReportWriter::new(self.capture, self.spec, style, Vec::new())
            .expect("writing to memory");
        let start = self.tracking.totals.start.unwrap_or_default();
        for c in &self.tracking.connections {
            writer.connection(c, start).expect("writing to memory");
        }
        let bytes = writer
            .finish(&self.tracking.totals, damage)
            .expect("writing to memory");
        String::from_utf8(bytes).expect("the report is UTF-8")
    }

    /// One line per connection: endpoints, packets, final states, findings; then the
    /// headline.
    pub fn summary(&self) -> String {
        self.render(Style::Summary, None)
    }

    /// Per connection, every segment with the steps it caused and the findings about it;
    /// then the headline.
    pub fn timeline(&self) -> String {
        self.render(Style::Timeline, None)
    }

    /// The whole report as JSON, with the damaged record that ended the reading, if any;
    /// timelines are empty when the tracking kept none.
    pub fn json(&self, damage: Option<&CaptureError>) -> String {
        let mut json = self.render(Style::Json, damage);
        json.pop(); // the newline that ends the printed report
        json
    }

    /// A finding in words, naming the endpoint as A or B.
    pub fn finding_text(&self, finding: &Finding) -> String {
        View::new(self.spec, Duration::ZERO).finding_text(finding)
    }
}

/// A finding as the JSON report and the finding table name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingFields<'a> {
    /// `A` or `B`.
    pub endpoint: &'static str,
    /// `violation`, `undecided`, `missing_output` or `output_differs`.
    pub kind: &'static str,
    /// The endpoint's state, for the kinds that have one.
    pub state: Option<&'a str>,
    /// The event, for the kinds that have one.
    pub event: Option<&'a str>,
    /// The finding in words.
    pub message: String,
}

/// The fields of `finding`, named with `spec`.
pub fn finding_fields<'a>(spec: &'a Spec, finding: &Finding) -> FindingFields<'a> {
    let (kind, state, event) = match &finding.kind {
        FindingKind::NotAllowed { state, event, .. } => ("violation", Some(*state), Some(*event)),
        FindingKind::Undecided { state, event } => ("undecided", Some(*state), Some(*event)),
        FindingKind::MissingOutput { .. } => ("missing_output", None, None),
        FindingKind::OutputDiffers { .. } => ("output_differs", None, None),
    };
    FindingFields {
        endpoint: NAMES[finding.endpoint],
        kind,
        state: state.map(|s| spec.state(s).name.as_str()),
        event: event.map(|e| spec.event(e).name.as_str()),
        message: View::new(spec, Duration::ZERO).finding_text(finding),
    }
}

/// Zeek's words for a connection: `conn_state SF, history ShADadFf (originator A)`.
fn write_zeek(out: &mut String, c: &Connection) {
    let _ = write!(
        out,
        "conn_state {}, history {} (originator {})",
        c.zeek.conn_state,
        if c.zeek.history.is_empty() {
            "-"
        } else {
            &c.zeek.history
        },
        NAMES[c.zeek.orig]
    );
}

/// Counts and the verdict, as the last line of a human report.
pub fn headline(capture: &str, totals: &Totals, connections: usize, findings: usize) -> String {
    let skipped: u64 = totals.skipped.values().sum();
    let mut line = format!(
        "{}: {} frames, {} TCP segments, {} skipped",
        capture, totals.frames, totals.segments, skipped
    );
    if skipped > 0 {
        let reasons: Vec<String> = Skip::ALL
            .iter()
            .filter_map(|r| {
                totals
                    .skipped
                    .get(r)
                    .map(|n| format!("{n} {}", r.describe()))
            })
            .collect();
        let _ = write!(line, " ({})", reasons.join(", "));
    }
    let _ = write!(
        line,
        "; {} connection{}; {}",
        connections,
        if connections == 1 { "" } else { "s" },
        match findings {
            0 => "no findings".to_string(),
            1 => "1 finding".to_string(),
            n => format!("{n} findings"),
        }
    );
    line
}

/// Which report a [`ReportWriter`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Per connection, each segment and the steps it caused; the headline last.
    Timeline,
    /// One line per connection; the headline last.
    Summary,
    /// JSON, as documented in docs/conformance.md: the connections, then the totals.
    Json,
}

/// Writes a report connection by connection, as connections are reported, and the totals
/// last: nothing but the counts is kept.
#[derive(Debug)]
pub struct ReportWriter<'a, W: io::Write> {
    capture: &'a str,
    spec: &'a Spec,
    style: Style,
    out: W,
    begun: bool,
    connections: usize,
    findings: usize,
}

impl<'a, W: io::Write> ReportWriter<'a, W> {
    /// A report to be written on `out`; nothing is written before the first connection or
    /// [`ReportWriter::finish`], so a capture refused at its header leaves `out` empty.
    pub fn new(capture: &'a str, spec: &'a Spec, style: Style, out: W) -> io::Result<Self> {
        Ok(ReportWriter {
            capture,
            spec,
            style,
            out,
            begun: false,
            connections: 0,
            findings: 0,
        })
    }

    /// Writes the JSON report's opening, once.
    fn begin(&mut self) -> io::Result<()> {
        if self.style == Style::Json && !self.begun {
            let name = serde_json::to_string(self.capture).expect("a string serialises");
            write!(self.out, "{{\n  \"capture\": {name},\n  \"connections\": [")?;
        }
        self.begun = true;
        Ok(())
    }

    /// Findings in the connections written so far.
    pub fn findings(&self) -> usize {
        self.findings
    }

    /// Writes one connection; `start` is the capture's first timestamp, which timelines
    /// count from.
    pub fn connection(&mut self, c: &Connection, start: Duration) -> io::Result<()> {
        self.begin()?;
        let view = View::new(self.spec, start);
        let mut text = String::new();
        match self.style {
            Style::Timeline => {
                view.write_connection(&mut text, c);
                text.push('\n');
            }
            Style::Summary => view.write_summary_line(&mut text, c),
            Style::Json => {
                text.push_str(if self.connections == 0 { "\n" } else { ",\n" });
                let json = serde_json::to_string_pretty(&view.connection_json(c))
                    .expect("the report's types serialise");
                indent(&mut text, &json, "    ");
            }
        }
        self.connections += 1;
        self.findings += c.findings.len();
        self.out.write_all(text.as_bytes())
    }

    /// Writes the totals (the headline, or the JSON report's closing fields, with the
    /// damaged record that ended the reading) and returns the output.
    pub fn finish(mut self, totals: &Totals, damage: Option<&CaptureError>) -> io::Result<W> {
        self.begin()?;
        match self.style {
            Style::Timeline | Style::Summary => {
                let line = headline(self.capture, totals, self.connections, self.findings);
                writeln!(self.out, "{line}")?;
            }
            Style::Json => {
                let tail = TotalsJson {
                    frames: totals.frames,
                    segments: totals.segments,
                    skipped: totals.skipped.clone(),
                    findings: self.findings,
                    damage: damage.map(ToString::to_string),
                };
                let json =
                    serde_json::to_string_pretty(&tail).expect("the report's types serialise");
                let fields = json.strip_prefix("{\n").expect("an object");
                let close = if self.connections == 0 { "" } else { "\n  " };
                writeln!(self.out, "{close}],\n{fields}")?;
            }
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Appends `text` to `out` with every line indented by `by`; JSON strings hold no raw
/// newlines, so this nests pretty-printed JSON.
fn indent(out: &mut String, text: &str, by: &str) {
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(by);
        out.push_str(line);
    }
}

/// What rendering one connection needs: the spec for names, the capture's start for times.
#[derive(Debug, Clone, Copy)]
struct View<'a> {
    spec: &'a Spec,
    start: Duration,
}

impl<'a> View<'a> {
    fn new(spec: &'a Spec, start: Duration) -> Self {
        View { spec, start }
    }

    fn offset(&self, time: Duration) -> f64 {
        time.saturating_sub(self.start).as_secs_f64()
    }

    /// One line: endpoints, packets, final states, findings.
    fn write_summary_line(&self, out: &mut String, c: &Connection) {
        let _ = write!(out, "connection {}: ", c.id);
        self.write_endpoints(out, c);
        let _ = write!(
            out,
            "; packets #{}-#{} ({} segments); final ",
            c.packets.0, c.packets.1, c.segments
        );
        self.write_final_states(out, c);
        out.push_str("; ");
        write_zeek(out, c);
        let n = c.findings.len();
        let _ = writeln!(out, "; {n} finding{}", if n == 1 { "" } else { "s" });
    }

    fn endpoints(&self, c: &Connection) -> String {
        let mut out = String::new();
        self.write_endpoints(&mut out, c);
        out
    }

    fn write_endpoints(&self, out: &mut String, c: &Connection) {
        let _ = match c.endpoints.as_slice() {
            [a] => write!(out, "A {a} connected to itself"),
            [a, b] => write!(out, "A {a}, B {b}"),
            _ => unreachable!("a connection has one or two endpoints"),
        };
    }

    fn final_states(&self, c: &Connection) -> String {
        let mut out = String::new();
        self.write_final_states(&mut out, c);
        out
    }

    fn write_final_states(&self, out: &mut String, c: &Connection) {
        for (e, &state) in c.final_states.iter().enumerate() {
            if e > 0 {
                out.push_str(", ");
            }
            let _ = write!(out, "{} {}", NAMES[e], self.spec.state(state).name);
        }
    }

    fn write_connection(&self, out: &mut String, c: &Connection) {
        let _ = writeln!(out, "connection {}: {}", c.id, self.endpoints(c));
        let _ = writeln!(
            out,
            "  {:>7}  {:>10}  {:<34} steps",
            "#", "time (s)", "segment"
        );
        let mut steps = c.steps.iter().peekable();
        let mut findings = c.findings.iter().peekable();
        let mut segment = String::new();
        for row in &c.rows {
            segment.clear();
            self.write_segment(&mut segment, c, row);
            let _ = write!(
                out,
                "  {:>7}  {:>10.6}  {:<34} ",
                row.packet,
                self.offset(row.time),
                segment
            );
            // Continuation lines start under the first step.
            let indent = 2 + 7 + 2 + 10 + 2 + segment.chars().count().max(34) + 1;
            let mut first = true;
            while let Some(step) = steps.next_if(|s| s.packet <= row.packet) {
                if !first {
                    out.extend(std::iter::repeat_n(' ', indent));
                }
                self.write_step(out, step);
                out.push('\n');
                first = false;
            }
            if first {
                out.push_str("-\n");
            }
            while let Some(finding) = findings.next_if(|f| f.packet <= row.packet) {
                let _ = writeln!(
                    out,
                    "  ! #{}: {}",
                    finding.packet,
                    self.finding_text(finding)
                );
            }
        }
        for finding in findings {
            let _ = writeln!(
                out,
                "  ! #{}: {}",
                finding.packet,
                self.finding_text(finding)
            );
        }
        let _ = write!(out, "  final: {}; ", self.final_states(c));
        write_zeek(out, c);
        out.push('\n');
    }

    fn write_segment(&self, out: &mut String, c: &Connection, row: &Row) {
        let to = if c.is_self_connected() {
            0
        } else {
            1 - row.from
        };
        let segment = &row.segment;
        let _ = write!(out, "{}>{} {}", NAMES[row.from], NAMES[to], segment.ctl);
        let _ = write!(out, " seq={}", row.rel_seq.unwrap_or(segment.seq.0));
        if let Some(ack) = row.rel_ack {
            let _ = write!(out, " ack={ack}");
        } else if let Some(ack) = segment.acknowledgment() {
            let _ = write!(out, " ack={ack}");
        }
        if segment.data > 0 {
            let _ = write!(out, " len={}", segment.data);
        }
    }

    fn write_step(&self, out: &mut String, step: &Step) {
        let spec = self.spec;
        let who = NAMES[step.endpoint];
        let event = &spec.event(step.event).name;
        let from = &spec.state(step.from).name;
        let _ = if step.from == step.to {
            write!(out, "{who} {from} ({event})")
        } else {
            write!(
                out,
                "{who} {from} --{event}--> {}",
                spec.state(step.to).name
            )
        };
        let _ = match &step.basis {
            Basis::Seen => Ok(()),
            Basis::Inferred(why) => write!(out, "  [inferred: {why}]"),
            Basis::Assumed(why) => write!(out, "  [assumed: {why}]"),
        };
    }

    /// A finding in words, naming the endpoint as A or B.
    fn finding_text(&self, finding: &Finding) -> String {
        let spec = self.spec;
        let who = NAMES[finding.endpoint];
        let arc = |t: usize| {
            let t = &spec.transitions[t];
            format!(
                "{} --{}--> {}",
                spec.state(t.from).name,
                spec.event(t.event).name,
                spec.state(t.to).name
            )
        };
        match &finding.kind {
            FindingKind::NotAllowed {
                state,
                event,
                allowed_in,
            } => {
                let allowed: Vec<&str> = allowed_in
                    .iter()
                    .map(|&s| spec.state(s).name.as_str())
                    .collect();
                format!(
                    "violation: {who} in {} cannot take {} (the spec allows it in {})",
                    spec.state(*state).name,
                    spec.event(*event).name,
                    if allowed.is_empty() {
                        "no state".to_string()
                    } else {
                        allowed.join(", ")
                    }
                )
            }
            FindingKind::Undecided { state, event } => format!(
                "undecided: {who} in {} on {}: guarded transitions, and no earlier event names a guard",
                spec.state(*state).name,
                spec.event(*event).name
            ),
            FindingKind::MissingOutput {
                expected,
                transition,
            } => format!(
                "missing output: after {} the spec has {who} send {expected}; no later segment from {who} does",
                arc(*transition)
            ),
            FindingKind::OutputDiffers {
                expected,
                seen,
                transition,
            } => format!(
                "output differs: {who} sent {seen} for {}, where the spec sends {}",
                arc(*transition),
                expected.map_or("nothing".to_string(), |e| e.to_string())
            ),
        }
    }

    fn finding_json(&self, finding: &Finding) -> FindingJson<'a> {
        let fields = finding_fields(self.spec, finding);
        FindingJson {
            packet: finding.packet,
            endpoint: fields.endpoint,
            kind: fields.kind,
            state: fields.state,
            event: fields.event,
            message: fields.message,
        }
    }

    fn step_json(&self, step: &'a Step) -> StepJson<'a> {
        let spec = self.spec;
        let (basis, why) = match &step.basis {
            Basis::Seen => ("seen", None),
            Basis::Inferred(why) => ("inferred", Some(why.as_str())),
            Basis::Assumed(why) => ("assumed", Some(why.as_str())),
        };
        StepJson {
            endpoint: NAMES[step.endpoint],
            from: &spec.state(step.from).name,
            event: &spec.event(step.event).name,
            to: &spec.state(step.to).name,
            basis,
            why,
        }
    }

    fn connection_json(&self, c: &'a Connection) -> ConnectionJson<'a> {
        let by_endpoint = |e: usize| NAMES[e];
        let mut steps = c.steps.iter().peekable();
        let timeline = c
            .rows
            .iter()
            .map(|row| {
                let to = if c.is_self_connected() {
                    0
                } else {
                    1 - row.from
                };
                let mut row_steps = Vec::new();
                while let Some(step) = steps.next_if(|s| s.packet <= row.packet) {
                    row_steps.push(self.step_json(step));
                }
                RowJson {
                    packet: row.packet,
                    time: self.offset(row.time),
                    from: NAMES[row.from],
                    to: NAMES[to],
                    flags: row.segment.ctl.to_string(),
                    seq: row.rel_seq.unwrap_or(row.segment.seq.0),
                    ack: row.rel_ack,
                    len: row.segment.data,
                    steps: row_steps,
                }
            })
            .collect();
        ConnectionJson {
            id: c.id,
            endpoints: (0..c.endpoints.len())
                .map(|e| (by_endpoint(e), c.endpoints[e].to_string()))
                .collect(),
            self_connected: c.is_self_connected(),
            first_packet: c.packets.0,
            last_packet: c.packets.1,
            segments: c.segments,
            final_states: (0..c.final_states.len())
                .map(|e| {
                    (
                        by_endpoint(e),
                        self.spec.state(c.final_states[e]).name.as_str(),
                    )
                })
                .collect(),
            zeek: ZeekJson {
                orig: NAMES[c.zeek.orig],
                conn_state: c.zeek.conn_state.name(),
                history: &c.zeek.history,
                orig_state: c.zeek.states[0].name(),
                resp_state: c.zeek.states[1].name(),
                orig_pkts: c.zeek.packets[0],
                resp_pkts: c.zeek.packets[1],
                orig_bytes: c.zeek.bytes[0],
                resp_bytes: c.zeek.bytes[1],
            },
            timeline,
            findings: c.findings.iter().map(|f| self.finding_json(f)).collect(),
        }
    }
}

/// The closing fields of `tcp-fsm track --format json` (docs/conformance.md), after the
/// connections.
#[derive(Serialize)]
struct TotalsJson {
    frames: u64,
    segments: u64,
    skipped: BTreeMap<Skip, u64>,
    findings: usize,
    damage: Option<String>,
}

#[derive(Serialize)]
struct ConnectionJson<'a> {
    id: usize,
    endpoints: BTreeMap<&'static str, String>,
    self_connected: bool,
    first_packet: u64,
    last_packet: u64,
    segments: u64,
    final_states: BTreeMap<&'static str, &'a str>,
    zeek: ZeekJson<'a>,
    timeline: Vec<RowJson<'a>>,
    findings: Vec<FindingJson<'a>>,
}

/// The connection in Zeek's `conn.log` words (docs/track.md).
#[derive(Serialize)]
struct ZeekJson<'a> {
    orig: &'static str,
    conn_state: &'static str,
    history: &'a str,
    orig_state: &'static str,
    resp_state: &'static str,
    orig_pkts: u64,
    resp_pkts: u64,
    orig_bytes: u64,
    resp_bytes: u64,
}

#[derive(Serialize)]
struct RowJson<'a> {
    packet: u64,
    time: f64,
    from: &'static str,
    to: &'static str,
    flags: String,
    seq: u32,
    ack: Option<u32>,
    len: u32,
    steps: Vec<StepJson<'a>>,
}

#[derive(Serialize)]
struct StepJson<'a> {
    endpoint: &'static str,
    from: &'a str,
    event: &'a str,
    to: &'a str,
    basis: &'static str,
    why: Option<&'a str>,
}

#[derive(Serialize)]
struct FindingJson<'a> {
    packet: u64,
    endpoint: &'static str,
    kind: &'static str,
    state: Option<&'a str>,
    event: Option<&'a str>,
    message: String,
}

impl fmt::Display for Report<'_> {
    /// The timeline report.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.timeline())
    }
}
