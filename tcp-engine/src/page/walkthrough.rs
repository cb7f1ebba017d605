//! The scenarios of the HTML page: the RFC's figures and the blog's, played by the simulator,
//! each transcript seen as the page shows it: one step per figure line, with both sides'
//! states after it and the segments on the wire.

use crate::endpoint::Side;
use crate::interpreter::Interpreter;
use crate::scenario::{BUNDLED, Scenario, simulate};
use crate::transcript::{Fate, Transcript};
use fsm_spec::{SourceFile, Spec};

/// A scenario between two sides, already played: what to show at each line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Walkthrough {
    pub title: String,
    /// Where the scenario comes from, for example a figure of a document.
    pub source: Option<String>,
    /// The names of the two sides, for example `TCP A` and `TCP B`.
    pub sides: [String; 2],
    /// The heading line of the figure's text, drawn above the steps.
    pub heading: String,
    pub steps: Vec<WalkStep>,
    /// Remarks printed after the figure.
    pub notes: Vec<String>,
}

/// One line of a walkthrough.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct WalkStep {
    /// The figure's text of this line (one or more printed rows).
    pub text: Vec<String>,
    /// The state of each side after the line, by the spec's state name (`None` when it is
    /// not one of the spec's states).
    pub states: [Option<String>; 2],
    /// The messages of this line.
    pub messages: Vec<Message>,
}

/// A message (a segment, a signal) on the wire during one line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Message {
    pub text: String,
    /// 0 when the first side sent it, 1 for the second.
    pub from: usize,
    /// What becomes of it in this line.
    pub delivery: Fate,
}

/// The walkthroughs of every bundled scenario that `spec` can play; none for a spec the
/// simulator cannot drive (a spec that is not TCP).
pub fn walkthroughs(spec: &Spec) -> Vec<Walkthrough> {
    let Ok(rules) = Interpreter::new(spec) else {
        return Vec::new();
    };
    BUNDLED
        .iter()
        .filter_map(|(name, text)| {
            let source = SourceFile::new(format!("tcp-engine/scenarios/{name}"), *text);
            let scenario = Scenario::parse(source).ok()?;
            let transcript = simulate(&rules, &scenario).ok()?;
            Some(walkthrough(spec, &transcript))
        })
        .collect()
}

/// One figure line per step: its printed rows, both sides' states after it (carried over
/// from the line before when its rows do not show one), its segments.
pub fn walkthrough(spec: &Spec, transcript: &Transcript) -> Walkthrough {
    // `figure()` prints the heading, then every row on a line of its own, with a blank
    // line before each numbered row.
    let figure = transcript.figure();
    let mut printed = figure.lines();
    let heading = printed.next().unwrap_or_default().to_string();
    let mut steps: Vec<WalkStep> = Vec::new();
    let mut states: [Option<String>; 2] = [None, None];
    for row in &transcript.rows {
        if row.line.is_some() || steps.is_empty() {
            steps.push(WalkStep {
                text: Vec::new(),
                states: states.clone(),
                messages: Vec::new(),
            });
        }
        if row.line.is_some() {
            printed.next();
        }
        let step = steps.last_mut().expect("pushed above");
        step.text.extend(printed.next().map(str::to_string));
        for side in Side::BOTH {
            let state = spec.state_named_loosely(&row.cells[side.index()]);
            if let (false, Some(state)) = (row.is_note, state) {
                states[side.index()] = Some(spec.state(state).name.clone());
            }
        }
        step.states = states.clone();
        if let Some(segment) = &row.segment {
            step.messages.push(Message {
                text: segment.text.clone(),
                from: segment.from.index(),
                delivery: segment.fate,
            });
        }
    }
    Walkthrough {
        title: transcript.title.clone(),
        source: transcript.reference.clone(),
        sides: ["TCP A".into(), "TCP B".into()],
        heading,
        steps,
        notes: transcript.notes.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(name: &str) -> Walkthrough {
        let spec = crate::spec();
        let (_, text) = BUNDLED.iter().find(|(n, _)| *n == name).expect(name);
        let scenario = Scenario::parse(SourceFile::new(name, *text)).expect("a scenario");
        let rules = Interpreter::new(&spec).expect("TCP drives the simulator");
        walkthrough(&spec, &simulate(&rules, &scenario).expect("it plays"))
    }

    #[test]
    fn figure_7_steps_line_by_line_with_both_states_and_the_segment() {
        let w = figure("rfc793-figure-07.toml");
        let states: Vec<[Option<&str>; 2]> = w
            .steps
            .iter()
            .map(|s| s.states.each_ref().map(Option::as_deref))
            .collect();
        let expected = [
            ["CLOSED", "LISTEN"],
            ["SYN_SENT", "SYN_RECEIVED"],
            ["ESTABLISHED", "SYN_RECEIVED"],
            ["ESTABLISHED", "ESTABLISHED"],
            ["ESTABLISHED", "ESTABLISHED"],
        ]
        .map(|pair| pair.map(Some));
        assert_eq!(states, expected);
        assert!(w.heading.contains("TCP A") && w.heading.contains("TCP B"));
        assert!(w.steps[1].text[0].trim_start().starts_with("2.  SYN-SENT"));
        assert_eq!(
            w.steps[2].messages,
            [Message {
                text: "<SEQ=300><ACK=101><CTL=SYN,ACK>".into(),
                from: 1,
                delivery: Fate::Arrives,
            }]
        );
        assert!(w.steps[0].messages.is_empty());
    }

    #[test]
    fn every_bundled_scenario_plays_and_a_foreign_spec_gets_none() {
        let spec = crate::spec();
        assert_eq!(walkthroughs(&spec).len(), BUNDLED.len());
        let door = fsm_spec::Spec::from_source(&SourceFile::new(
            test_support::DOOR_NAME,
            test_support::DOOR,
        ))
        .expect("the door spec");
        assert!(walkthroughs(&door).is_empty());
    }

    #[test]
    fn remarks_keep_the_state_and_continued_rows_join_their_line() {
        // Figure 9 line 3: TCP A's column says "(duplicate)"; A is still in SYN-SENT.
        let w = figure("rfc793-figure-09.toml");
        assert_eq!(w.steps[2].states[0].as_deref(), Some("SYN_SENT"));
        assert_eq!(w.steps[2].states[1].as_deref(), Some("SYN_RECEIVED"));
        // The blog's handshake, line 2: the remark "(passive OPEN)", then the states.
        let w = figure("blog-three-way-handshake.toml");
        assert_eq!(w.steps[1].text.len(), 2, "{:?}", w.steps[1].text);
        assert!(w.steps[1].text[0].trim_start().starts_with("2."));
        assert!(w.steps[1].text[0].contains("(passive OPEN)"));
        assert_eq!(w.steps[1].states[1].as_deref(), Some("LISTEN"));
    }
}
