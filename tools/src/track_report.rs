//! Rendering a [`Tracking`]: per-connection timelines or one line per connection for people,
//! JSON for machines. Plain functions from the model to text, no I/O.

use fsm_spec::Spec;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::time::Duration;
use tcp_fsm::track::capture::CaptureError;
use tcp_fsm::track::decode::Skip;
use tcp_fsm::track::tracker::{Basis, Connection, Finding, FindingKind, Row, Step, Tracking};

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

    fn offset(&self, time: Duration) -> f64 {
        let start = self.tracking.totals.start.unwrap_or_default();
        time.saturating_sub(start).as_secs_f64()
    }

    /// The first line of every human report: counts and the verdict.
    pub fn headline(&self) -> String {
        let totals = &self.tracking.totals;
        let skipped: u64 = totals.skipped.values().sum();
        let mut line = format!(
            "{}: {} frames, {} TCP segments, {} skipped",
            self.capture, totals.frames, totals.segments, skipped
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
        let connections = self.tracking.connections.len();
        let findings = self.finding_count();
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

    /// One line per connection: endpoints, packets, final states, findings.
    pub fn summary(&self) -> String {
        let mut out = self.headline();
        out.push('\n');
        for c in &self.tracking.connections {
            let _ = write!(out, "connection {}: ", c.id);
            self.write_endpoints(&mut out, c);
            let _ = write!(
                out,
                "; packets #{}-#{} ({} segments); final ",
                c.packets.0, c.packets.1, c.segments
            );
            self.write_final_states(&mut out, c);
            let n = c.findings.len();
            let _ = writeln!(out, "; {n} finding{}", if n == 1 { "" } else { "s" });
        }
        out
    }

    /// Per connection, every segment with the steps it caused and the findings about it.
    pub fn timeline(&self) -> String {
        let mut out = self.headline();
        out.push('\n');
        for c in &self.tracking.connections {
            out.push('\n');
            self.write_connection(&mut out, c);
        }
        out
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
        let _ = writeln!(out, "  final: {}", self.final_states(c));
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
    pub fn finding_text(&self, finding: &Finding) -> String {
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
        let spec = self.spec;
        let (kind, state, event) = match &finding.kind {
            FindingKind::NotAllowed { state, event, .. } => {
                ("violation", Some(*state), Some(*event))
            }
            FindingKind::Undecided { state, event } => ("undecided", Some(*state), Some(*event)),
            FindingKind::MissingOutput { .. } => ("missing_output", None, None),
            FindingKind::OutputDiffers { .. } => ("output_differs", None, None),
        };
        FindingJson {
            packet: finding.packet,
            endpoint: NAMES[finding.endpoint],
            kind,
            state: state.map(|s| spec.state(s).name.as_str()),
            event: event.map(|e| spec.event(e).name.as_str()),
            message: self.finding_text(finding),
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
            timeline,
            findings: c.findings.iter().map(|f| self.finding_json(f)).collect(),
        }
    }

    /// The whole report as JSON, with the damaged record that ended the reading, if any;
    /// timelines are empty when the tracking kept none.
    pub fn json(&self, damage: Option<&CaptureError>) -> String {
        let totals = &self.tracking.totals;
        let report = ReportJson {
            capture: self.capture,
            frames: totals.frames,
            segments: totals.segments,
            skipped: totals.skipped.clone(),
            findings: self.finding_count(),
            damage: damage.map(ToString::to_string),
            connections: self
                .tracking
                .connections
                .iter()
                .map(|c| self.connection_json(c))
                .collect(),
        };
        serde_json::to_string_pretty(&report).expect("the report's types serialise")
    }
}

/// `tcp-fsm track --format json`, as documented in docs/conformance.md.
#[derive(Serialize)]
struct ReportJson<'a> {
    capture: &'a str,
    frames: u64,
    segments: u64,
    skipped: BTreeMap<Skip, u64>,
    findings: usize,
    damage: Option<String>,
    connections: Vec<ConnectionJson<'a>>,
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
    timeline: Vec<RowJson<'a>>,
    findings: Vec<FindingJson<'a>>,
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
