//! Running a scenario: two [`Endpoint`]s, a network that is FIFO per direction unless a step
//! says otherwise, and a [`Transcript`] row for every step.

// A step's error is the spec's `Diagnostic` (large: it carries the problem's words and
// location); a scenario stops at its first failed step, so the size is paid once per failed
// run, never per step, and boxing every error would only add an allocation.
#![allow(clippy::result_large_err)]

use super::{Movement, Named, Scenario, ScenarioError, ScenarioErrors, Step};
use crate::endpoint::{Endpoint, Outcome, Reaction, Settings, Side, Stimulus};
use crate::interpreter::Interpreter;
use crate::transcript::record::Recorder;
use crate::transcript::{Fate, Row, SegmentCell, Transcript};
use crate::wire::Segment;
use fsm_spec::{EventId, EventKind, Span};

/// Settle gives up after this many deliveries (two endpoints that keep answering each other).
const SETTLE_LIMIT: usize = 1000;

/// Runs `scenario` with endpoints driven by `rules`.
pub fn simulate(rules: &Interpreter, scenario: &Scenario) -> Result<Transcript, ScenarioErrors> {
    let events = resolve(rules, scenario)?;
    let settings: [Settings; 2] = scenario.endpoints.clone();
    let mut run = Run {
        rules,
        scenario,
        events,
        settings,
        ends: [Endpoint::new(rules), Endpoint::new(rules)],
        record: Recorder::new(scenario.title.clone(), scenario.reference.clone()),
        log: Vec::new(),
    };
    run.record.notation = scenario.notation.clone();
    // The setup runs out of sight.
    run.record.visible = false;
    let fail = |error| ScenarioErrors(vec![error]);
    for (index, step) in scenario.setup.iter().enumerate() {
        run.step(step, index).map_err(fail)?;
    }
    run.record.visible = true;
    let offset = scenario.setup.len();
    for (index, step) in scenario.steps.iter().enumerate() {
        run.step(step, offset + index).map_err(fail)?;
    }
    Ok(run.record.finish())
}

/// The event of every `call` and `timeout`, in step order (setup first); every unknown name
/// or wrong kind is reported.
fn resolve(
    rules: &Interpreter,
    scenario: &Scenario,
) -> Result<Vec<[[Option<EventId>; 2]; 2]>, ScenarioErrors> {
    let spec = rules.spec();
    let mut errors = Vec::new();
    let mut lookup = |named: &Option<Named>, kind: EventKind| {
        let named = named.as_ref()?;
        let found = spec
            .event_named(&named.name)
            .filter(|&e| spec.event(e).kind == kind);
        if found.is_none() {
            let names: Vec<&str> = spec
                .events
                .iter()
                .filter(|e| e.kind == kind)
                .map(|e| e.name.as_str())
                .collect();
            errors.push(scenario.error_at(
                named.span,
                format!(
                    "`{}` is not a {kind} event of the spec; its {kind} events are {}",
                    named.name,
                    names.join(", ")
                ),
            ));
        }
        found
    };
    let events = scenario
        .setup
        .iter()
        .chain(&scenario.steps)
        .map(|step| {
            let calls = [0, 1].map(|i| lookup(&step.call[i], EventKind::Call));
            let timeouts = [0, 1].map(|i| lookup(&step.timeout[i], EventKind::Timeout));
            [calls, timeouts]
        })
        .collect();
    for step in scenario.setup.iter().chain(&scenario.steps) {
        for named in step.expect.iter().flatten() {
            if spec.state_named_loosely(&named.name).is_none() {
                let states: Vec<&str> = spec.states.iter().map(|s| s.name.as_str()).collect();
                errors.push(scenario.error_at(
                    named.span,
                    format!(
                        "`{}` is not a state of the spec; its states are {}",
                        named.name,
                        states.join(", ")
                    ),
                ));
            }
        }
    }
    match errors.is_empty() {
        true => Ok(events),
        false => Err(ScenarioErrors(errors)),
    }
}

struct Run<'r, 's> {
    rules: &'r Interpreter<'s>,
    scenario: &'r Scenario,
    events: Vec<[[Option<EventId>; 2]; 2]>,
    settings: [Settings; 2],
    ends: [Endpoint; 2],
    /// The rows so far, and the segments in the network.
    record: Recorder,
    log: Vec<String>,
}

impl Run<'_, '_> {
    fn error(&self, span: Span, message: impl Into<String>) -> ScenarioError {
        self.scenario.error_at(span, message)
    }

    fn step(&mut self, step: &Step, index: usize) -> Result<(), ScenarioError> {
        for side in Side::BOTH {
            if step.crash[side.index()] {
                self.ends[side.index()].crash(self.rules);
                self.log.push(format!("{side} crashes and loses its TCB"));
            }
        }
        let [calls, timeouts] = self.events[index];
        for side in Side::BOTH {
            if let Some(event) = calls[side.index()] {
                let stimulus = Stimulus::Call {
                    event,
                    octets: step.octets,
                };
                self.react(side, stimulus, step.call[side.index()].as_ref())?;
            }
        }
        for side in Side::BOTH {
            if let Some(event) = timeouts[side.index()] {
                let stimulus = Stimulus::Timeout(event);
                self.react(side, stimulus, step.timeout[side.index()].as_ref())?;
            }
        }
        for side in Side::BOTH {
            if step.retransmit[side.index()] {
                let segment = self.ends[side.index()].retransmission().ok_or_else(|| {
                    self.error(
                        step.span,
                        format!("{side} has no unacknowledged SYN or FIN to retransmit"),
                    )
                })?;
                self.log
                    .push(format!("{side}: retransmission timeout, {segment} again"));
                self.emit(side, [segment]);
            }
            if let Some(nth) = step.duplicate[side.index()] {
                self.duplicate(side, nth, step.span)?;
            }
        }
        if step.settle {
            self.settle(step)?;
        } else {
            let mut row = self.row(step);
            if let Some(movement) = step.movement {
                row.segment = Some(self.movement(step, movement)?);
            }
            self.push_row(step, row)?;
        }
        self.check_expected(step)
    }

    /// The states a step `expect`s.
    fn check_expected(&self, step: &Step) -> Result<(), ScenarioError> {
        for side in Side::BOTH {
            let Some(named) = &step.expect[side.index()] else {
                continue;
            };
            let actual = self.ends[side.index()].state;
            if self.rules.spec().state_named_loosely(&named.name) != Some(actual) {
                return Err(self.error(
                    named.span,
                    format!(
                        "{side} is {}, but the scenario expects {}",
                        self.rules.state_label(actual),
                        named.name
                    ),
                ));
            }
        }
        Ok(())
    }

    /// A row for `step` with the states as they are now, or its notes.
    fn row(&mut self, step: &Step) -> Row {
        let is_note = step.note.iter().any(Option::is_some);
        Row {
            line: None,
            cells: match is_note {
                true => step.note.clone().map(Option::unwrap_or_default),
                false => [String::new(), String::new()],
            },
            is_note,
            segment: None,
            log: Vec::new(),
        }
    }

    /// Fills in states and overrides, numbers the row and adds it (when visible).
    fn push_row(&mut self, step: &Step, mut row: Row) -> Result<(), ScenarioError> {
        row.log = std::mem::take(&mut self.log);
        if !self.record.visible {
            return Ok(());
        }
        if !row.is_note {
            let shown = step.states.unwrap_or_else(|| match &row.segment {
                Some(segment) => segment.involved(),
                None => [true; 2],
            });
            for side in Side::BOTH {
                let state = self.rules.state_label(self.ends[side.index()].state);
                row.cells[side.index()] = match (&step.show[side.index()], shown[side.index()]) {
                    (Some(text), _) => {
                        self.check_shown(step, side, text, &state)?;
                        text.clone()
                    }
                    (None, true) => state,
                    (None, false) => String::new(),
                };
            }
        }
        self.record.push(row, step.continued);
        Ok(())
    }

    /// A `show` naming a state other than the simulated one must say why, and is noted.
    fn check_shown(
        &mut self,
        step: &Step,
        side: Side,
        shown: &str,
        state: &str,
    ) -> Result<(), ScenarioError> {
        let spec = self.rules.spec();
        let names_state = !shown.is_empty()
            && !shown.starts_with('(')
            && spec.state_named_loosely(shown).is_some();
        if !names_state || shown == state {
            return Ok(());
        }
        let Some(why) = &step.why else {
            return Err(self.error(
                step.span,
                format!(
                    "`show` prints {side} as {shown}, but it is {state}; say why with `why` \
                     (for example, an RFC erratum)"
                ),
            ));
        };
        // The row is numbered when pushed, after this check.
        let line = self.record.line() + u32::from(!step.continued);
        self.record.transcript.notes.push(format!(
            "Line {line}, {side}: shown as {shown}, as the figure prints it; the simulated \
             state is {state}. {why}"
        ));
        Ok(())
    }

    fn react(
        &mut self,
        side: Side,
        stimulus: Stimulus,
        named: Option<&Named>,
    ) -> Result<(), ScenarioError> {
        let before = self.ends[side.index()].state;
        let endpoint = &mut self.ends[side.index()];
        let reaction = endpoint
            .react(self.rules, &self.settings[side.index()], stimulus)
            .map_err(|e| {
                let span = named.map(|n| n.span).unwrap_or_default();
                self.scenario.error_at(span, format!("{side}: {e}"))
            })?;
        self.explain(side, before, &reaction);
        self.emit(side, reaction.emitted);
        Ok(())
    }

    fn explain(&mut self, side: Side, before: fsm_spec::StateId, reaction: &Reaction) {
        let rules = self.rules;
        let what = match reaction.outcome {
            Outcome::Took(index) => {
                let t = &rules.spec().transitions[index];
                format!(
                    "{} --{}--> {} [{}]",
                    rules.state_label(before),
                    rules.event_name(t.event),
                    rules.state_label(t.to),
                    t.cite.as_deref().unwrap_or("no citation")
                )
            }
            Outcome::Ignored(event) => format!(
                "{} has no transition on `{}`: the segment is dropped",
                rules.state_label(before),
                rules.event_name(event)
            ),
            Outcome::Unnamed(key) => {
                format!("the spec has no receive event for a {key} segment: dropped")
            }
            Outcome::Absorbed => "acceptable, but no event: only the TCB moves".into(),
            Outcome::Discarded(why) => format!("dropped: {why}"),
        };
        let sends: Vec<String> = reaction.emitted.iter().map(Segment::to_string).collect();
        let sends = match sends.is_empty() {
            true => String::new(),
            false => format!("; sends {}", sends.join(", ")),
        };
        self.log.push(format!("{side}: {what}{sends}"));
    }

    fn emit(&mut self, side: Side, segments: impl IntoIterator<Item = Segment>) {
        self.record.emit(side, segments);
    }

    fn duplicate(&mut self, side: Side, nth: usize, span: Span) -> Result<(), ScenarioError> {
        let Some(original) = self.record.duplicate(side, nth - 1) else {
            let count = self.record.network.link(side).len();
            return Err(self.error(
                span,
                format!("{side} has {count} segment(s) in the network, not {nth}"),
            ));
        };
        self.log.push(format!("the network duplicates {original}"));
        Ok(())
    }

    /// Picks the in-flight segment a movement moves: the `nth`, or the first that may move.
    fn pick(&self, step: &Step, side: Side, waiting: bool) -> Result<usize, ScenarioError> {
        let link = self.record.network.link(side);
        let index = match step.nth {
            Some(nth) => nth - 1,
            None if waiting => link.iter().position(|s| !s.departed).unwrap_or(link.len()),
            None => 0,
        };
        let Some(chosen) = link.get(index) else {
            let what = if waiting {
                "waiting to depart"
            } else {
                "in the network"
            };
            return Err(self.error(step.span, format!("{side} has no segment {what} here")));
        };
        if waiting && chosen.departed {
            return Err(self.error(
                step.span,
                format!(
                    "{} from {side} has already departed; use `arrive`",
                    chosen.segment
                ),
            ));
        }
        Ok(index)
    }

    fn movement(&mut self, step: &Step, movement: Movement) -> Result<SegmentCell, ScenarioError> {
        let (from, cell, arrived) = match movement {
            Movement::Transmit(side) => {
                let index = self.pick(step, side, true)?;
                if index > 0 && !step.reorder {
                    let ahead = self.record.network.link(side)[0].segment;
                    return Err(self.error(
                        step.span,
                        format!(
                            "this segment would overtake {ahead}, still in the network; \
                             set `reorder = true` if the network reorders here"
                        ),
                    ));
                }
                let (segment, cell) = self.record.take(side, index, Fate::Arrives);
                (side, cell, Some(segment))
            }
            Movement::Send(side) => {
                let index = self.pick(step, side, true)?;
                let cell = self.record.depart(side, index);
                (side, cell.expect("picked"), None)
            }
            Movement::Arrive(side) => {
                let index = self.pick(step, side, false)?;
                let (segment, cell) = self.record.arrive_from_network(side, index);
                (side, cell, Some(segment))
            }
            Movement::Drop(side) => {
                let index = self.pick(step, side, false)?;
                let (segment, cell) = self.record.take(side, index, Fate::Lost);
                self.log.push(format!("{segment} is lost"));
                (side, cell, None)
            }
            Movement::Inject(side, segment) => {
                self.log
                    .push(format!("an old segment {segment} arrives from the network"));
                (side, self.record.inject(side, segment), Some(segment))
            }
        };
        if let Some(segment) = arrived {
            self.deliver(from.peer(), &segment, step.span)?;
        }
        Ok(cell)
    }

    fn deliver(&mut self, to: Side, segment: &Segment, span: Span) -> Result<(), ScenarioError> {
        let before = self.ends[to.index()].state;
        let reaction = self.ends[to.index()]
            .react(
                self.rules,
                &self.settings[to.index()],
                Stimulus::Arrival(segment),
            )
            .map_err(|e| self.scenario.error_at(span, format!("{to}: {e}")))?;
        self.explain(to, before, &reaction);
        self.emit(to, reaction.emitted);
        Ok(())
    }

    /// Delivers everything in the network, oldest first, one numbered line per segment.
    fn settle(&mut self, step: &Step) -> Result<(), ScenarioError> {
        let mut continued = step.continued;
        for _ in 0..SETTLE_LIMIT {
            let Some(from) = self.record.network.oldest(|flight| flight.id) else {
                return Ok(());
            };
            let (segment, cell) = self.record.take(from, 0, Fate::Arrives);
            self.deliver(from.peer(), &segment, step.span)?;
            let mut row = self.row(step);
            row.segment = Some(cell);
            let row_step = Step {
                continued,
                ..step.clone()
            };
            self.push_row(&row_step, row)?;
            continued = false;
        }
        Err(self.error(
            step.span,
            format!("the endpoints still exchange segments after {SETTLE_LIMIT} deliveries"),
        ))
    }
}
