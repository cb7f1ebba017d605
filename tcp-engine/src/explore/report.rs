//! What an exploration found, for people and for machines: the counts, the properties, the
//! transitions no run took (and why some may be so), and the shortest run that breaks a
//! property (the counterexample), replayed as an RFC figure.

use super::model::{DEFAULT_FIRST_ISNS, ISN_GAP, Model};
use super::search::{Exploration, Verdict};
use super::trace;
use crate::transcript::Transcript;
use fsm_spec::{EventId, EventKind};
use serde::{Serialize, Serializer};
use std::fmt::Write as _;

/// A spec transition no run took, and why it may be so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unused {
    /// The transition's state, event and target, by name.
    pub from: String,
    pub event: String,
    pub to: String,
    /// Set when the explorer never makes the event happen (not chosen, or bounded to zero).
    pub not_explored: Option<String>,
}

/// What `explore` reports; `--format json` prints it as it is (the transcript as its figure
/// text).
#[derive(Debug, Serialize)]
pub struct Report {
    /// The spec's name.
    pub spec: String,
    /// Joint states and moves explored, and how long it took.
    pub states: usize,
    pub moves: usize,
    pub seconds: f64,
    /// False when `--max-states` stopped the search.
    pub complete: bool,
    /// The bounds and events explored, in words.
    pub settings: String,
    /// How many joint states are deadlocks, and how many cannot get back to CLOSED.
    pub deadlocks: usize,
    pub cannot_close: usize,
    /// Of the failures, how many are reachable without escapes.
    pub deadlocks_without_escapes: usize,
    pub cannot_close_without_escapes: usize,
    /// Whether the in-flight bound cut off some moves.
    pub pruned: bool,
    /// The spec's transitions no run takes.
    pub unused: Vec<Unused>,
    /// `STATE: rcv X` pairs where a segment was dropped for want of a transition.
    #[serde(serialize_with = "ignored_json")]
    pub ignored: Vec<(String, usize)>,
    /// A move an endpoint could not make (no guard held), if any.
    pub error: Option<String>,
    /// The shortest run to the first failure, if any.
    #[serde(serialize_with = "counterexample_json")]
    pub counterexample: Option<(String, Transcript)>,
}

fn ignored_json<S: Serializer>(ignored: &[(String, usize)], out: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Ignored<'a> {
        arrival: &'a str,
        count: usize,
    }
    out.collect_seq(ignored.iter().map(|(arrival, count)| Ignored {
        arrival,
        count: *count,
    }))
}

fn counterexample_json<S: Serializer>(
    counterexample: &Option<(String, Transcript)>,
    out: S,
) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Counterexample<'a> {
        failure: &'a str,
        transcript: String,
    }
    let view = counterexample.as_ref().map(|(failure, t)| Counterexample {
        failure,
        transcript: t.render(false),
    });
    view.serialize(out)
}

impl Report {
    /// Gathers the report of an exploration and replays its counterexample, if any.
    pub fn new(model: &Model, exploration: &Exploration, verdict: &Verdict, name: &str) -> Report {
        let rules = model.rules;
        let spec = rules.spec();
        let unused = spec
            .transitions
            .iter()
            .zip(&exploration.used)
            .filter(|(_, used)| !**used)
            .map(|(t, _)| Unused {
                from: spec.state(t.from).name.clone(),
                event: spec.event(t.event).name.clone(),
                to: spec.state(t.to).name.clone(),
                not_explored: not_explored(model, t.event),
            })
            .collect();
        let ignored = exploration
            .ignored
            .iter()
            .map(|(&(state, event), &count)| {
                let label = spec.event(event).display_label();
                (format!("{}: {label}", rules.state_label(state)), count)
            })
            .collect();
        let failure = match (verdict.deadlocks.first(), verdict.cannot_close.first()) {
            (Some(&n), _) => Some(("a deadlock", n)),
            (None, Some(&n)) => Some(("a state from which CLOSED is out of reach", n)),
            _ => exploration
                .error
                .as_ref()
                .map(|(n, ..)| ("a move the spec cannot make", *n)),
        };
        let counterexample = failure.map(|(what, n)| {
            let mut path = exploration.path_to(n);
            let mut title = format!("The shortest run to {what} ({} moves)", path.len());
            if verdict.deadlocks.is_empty() && verdict.cannot_close.contains(&n) {
                let round = exploration.lasso(n, &verdict.cannot_close, 12);
                if !round.is_empty() {
                    let _ = write!(
                        title,
                        ", then {} move(s) that go round without reaching it",
                        round.len()
                    );
                    path.extend(round);
                }
            }
            (what.to_string(), trace::transcript(model, &title, &path))
        });
        Report {
            spec: name.to_string(),
            states: exploration.states.len(),
            moves: exploration.moves(),
            seconds: exploration.elapsed.as_secs_f64(),
            complete: exploration.complete,
            settings: settings(model),
            deadlocks: verdict.deadlocks.len(),
            cannot_close: verdict.cannot_close.len(),
            deadlocks_without_escapes: verdict.count_without_escapes(&verdict.deadlocks),
            cannot_close_without_escapes: verdict.count_without_escapes(&verdict.cannot_close),
            pruned: verdict.pruned,
            unused,
            ignored,
            error: exploration
                .error
                .as_ref()
                .map(|(_, step, e)| format!("{step:?}: {e}")),
            counterexample,
        }
    }

    /// Joint states explored per second.
    pub fn rate(&self) -> f64 {
        self.states as f64 / self.seconds.max(1e-9)
    }

    /// The report for people.
    pub fn human(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}: {} joint states, {} moves, explored in {:.2} s ({:.0} states/s){}",
            self.spec,
            self.states,
            self.moves,
            self.seconds,
            self.rate(),
            if self.complete {
                ""
            } else {
                "; INCOMPLETE: --max-states reached"
            }
        );
        let _ = writeln!(out, "{}", self.settings);
        if self.pruned {
            out.push_str(
                "note: some moves would have put more segments in flight than --in-flight \
                 allows and were not explored\n",
            );
        }
        let verdicts = [
            (
                (self.deadlocks, self.deadlocks_without_escapes),
                "no deadlock: in every joint state with nothing in flight, either both sides \
                 are CLOSED or some move other than an escape is possible",
                "joint states are deadlocks: nothing in flight, not both CLOSED, and nothing \
                 but an escape can move either side",
            ),
            (
                (self.cannot_close, self.cannot_close_without_escapes),
                "from every reachable joint state both sides can still get back to CLOSED \
                 without escapes, so every fair run ends with both CLOSED",
                "joint states cannot get both sides back to CLOSED without an escape",
            ),
        ];
        out.push('\n');
        for ((count, plain), good, bad) in verdicts {
            let _ = match count {
                0 => writeln!(out, "ok    {good}"),
                n => writeln!(
                    out,
                    "FAIL  {n} {bad} ({plain} of them reachable without an escape)"
                ),
            };
        }
        if let Some(error) = &self.error {
            let _ = writeln!(out, "FAIL  an endpoint could not make a move: {error}");
        }
        let _ = writeln!(out, "\nTransitions no run takes: {}", self.unused.len());
        for unused in &self.unused {
            let why = unused
                .not_explored
                .as_deref()
                .map(|w| format!("  ({w})"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {} --{}--> {}{why}",
                unused.from, unused.event, unused.to
            );
        }
        if !self.ignored.is_empty() {
            out.push_str("\nSegments dropped because their state has no transition for them:\n");
            for (pair, count) in &self.ignored {
                let _ = writeln!(out, "  {pair} ({count} times)");
            }
        }
        if let Some((what, transcript)) = &self.counterexample {
            let _ = writeln!(out, "\nCounterexample: {what}.\n");
            out.push_str(&transcript.render(false));
        }
        out
    }

    /// The report as JSON.
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).expect("the report's types serialise")
    }
}

/// Why the explorer never makes `event` happen, if it does not.
fn not_explored(model: &Model, event: EventId) -> Option<String> {
    let spec = model.rules.spec();
    let options = &model.options;
    let name = &spec.event(event).name;
    match spec.event(event).kind {
        EventKind::Receive => None,
        EventKind::Call if !options.calls.contains(&event) => {
            Some(format!("{name} is not explored: --calls"))
        }
        EventKind::Call
            if Some(event) == model.rules.binding().call(crate::binding::Call::Send)
                && options.bounds.sends == 0 =>
        {
            Some(format!("{name} is not explored: --sends 0"))
        }
        EventKind::Call => None,
        EventKind::Timeout if options.timeouts.contains(&event) => None,
        EventKind::Timeout if options.escapes.contains(&event) => Some(format!(
            "{name} is an escape and not explored by default: --timeouts"
        )),
        EventKind::Timeout => Some(format!("{name} is not explored: --timeouts")),
    }
}

/// One paragraph: the bounds and the events explored.
fn settings(model: &Model) -> String {
    let spec = model.rules.spec();
    let names = |ids: &[EventId]| {
        let names: Vec<&str> = ids.iter().map(|&e| spec.event(e).name.as_str()).collect();
        match names.is_empty() {
            true => "none".to_string(),
            false => names.join(", "),
        }
    };
    let b = &model.options.bounds;
    format!(
        "Bounds: {} OPEN and {} SEND call(s) per side, at most {} segment(s) in flight per \
         direction, {} loss(es), {} duplicate(s), {}, {}.\nExplored: calls {}; timeouts {}; \
         escapes (not progress): {}.",
        b.opens,
        b.sends,
        b.in_flight,
        b.losses,
        b.duplicates,
        if b.reorder {
            "any order"
        } else {
            "FIFO per direction"
        },
        if b.retransmissions {
            "retransmission of SYN and FIN when nothing is in flight"
        } else {
            "no retransmissions"
        },
        names(&model.options.calls),
        names(&model.options.timeouts),
        names(&model.options.escapes),
    ) + &isns(model)
}

/// The first ISNs, when they are not the default ones.
fn isns(model: &Model) -> String {
    match model.options.first_isns {
        isns if isns == DEFAULT_FIRST_ISNS => String::new(),
        [a, b] => format!("\nFirst ISNs: A {a}, B {b} (later connections add {ISN_GAP} each)."),
    }
}
