//! Running a scenario: two [`Endpoint`]s, a network that is FIFO per direction unless a step
//! says otherwise, and a [`Transcript`] row for every step.

use super::{Movement, Named, Scenario, ScenarioError, ScenarioErrors, Step};
use crate::endpoint::{Endpoint, Outcome, Reaction, Settings, Side, Stimulus};
use crate::interpreter::Interpreter;
use crate::transcript::{Fate, Row, SegmentCell, Transcript};
use crate::wire::Segment;
use fsm_spec::{EventId, EventKind, Span};

/// A segment in the network.
#[derive(Debug, Clone, PartialEq, Eq)]
struct InFlight {
    segment: Segment,
    id: u64,
    /// Whether a row has shown it departing.
    departed: bool,
    /// The row where it was emitted, or where it departed once it has.
    row: Option<usize>,
}

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
        links: [Vec::new(), Vec::new()],
        next_id: 0,
        transcript: Transcript {
            title: scenario.title.clone(),
            reference: scenario.reference.clone(),
            ..Transcript::default()
        },
        line: 0,
        visible: false,
        log: Vec::new(),
    };
    let fail = |error| ScenarioErrors(vec![error]);
    for (index, step) in scenario.setup.iter().enumerate() {
        run.step(step, index).map_err(fail)?;
    }
    run.visible = true;
    let offset = scenario.setup.len();
    for (index, step) in scenario.steps.iter().enumerate() {
        run.step(step, offset + index).map_err(fail)?;
    }
    run.note_segments_left();
    Ok(run.transcript)
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
    /// Segments in the network, by sender, oldest first.
    links: [Vec<InFlight>; 2],
    next_id: u64,
    transcript: Transcript,
    line: u32,
    visible: bool,
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
        if !self.visible {
            return Ok(());
        }
        if !step.continued {
            self.line += 1;
            row.line = Some(self.line);
        }
        if !row.is_note {
            let shown = step.states.unwrap_or_else(|| match &row.segment {
                Some(segment) => {
                    let mut involved = [false; 2];
                    involved[segment.from.index()] = segment.departs;
                    involved[segment.from.peer().index()] = segment.fate == Fate::Arrives;
                    involved
                }
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
        self.transcript.rows.push(row);
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
        self.transcript.notes.push(format!(
            "Line {}, {side}: shown as {shown}, as the figure prints it; the simulated state \
             is {state}. {why}",
            self.line
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
        let row = self.visible.then_some(self.transcript.rows.len());
        for segment in segments {
            self.next_id += 1;
            self.links[side.index()].push(InFlight {
                segment,
                id: self.next_id,
                departed: false,
                row,
            });
        }
    }

    fn duplicate(&mut self, side: Side, nth: usize, span: Span) -> Result<(), ScenarioError> {
        let link = &self.links[side.index()];
        let Some(original) = link.get(nth - 1).cloned() else {
            return Err(self.error(
                span,
                format!(
                    "{side} has {} segment(s) in the network, not {nth}",
                    link.len()
                ),
            ));
        };
        self.next_id += 1;
        self.log
            .push(format!("the network duplicates {}", original.segment));
        let copy = InFlight {
            id: self.next_id,
            departed: true,
            ..original
        };
        self.links[side.index()].insert(nth, copy);
        Ok(())
    }

    /// Picks the in-flight segment a movement moves: the `nth`, or the first that may move.
    fn pick(&self, step: &Step, side: Side, waiting: bool) -> Result<usize, ScenarioError> {
        let link = &self.links[side.index()];
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
        let (from, departs, fate, index) = match movement {
            Movement::Transmit(side) => {
                let index = self.pick(step, side, true)?;
                if index > 0 && !step.reorder {
                    let ahead = self.links[side.index()][0].segment;
                    return Err(self.error(
                        step.span,
                        format!(
                            "this segment would overtake {ahead}, still in the network; \
                             set `reorder = true` if the network reorders here"
                        ),
                    ));
                }
                (side, true, Fate::Arrives, Some(index))
            }
            Movement::Send(side) => (
                side,
                true,
                Fate::InFlight,
                Some(self.pick(step, side, true)?),
            ),
            Movement::Arrive(side) => (
                side,
                false,
                Fate::Arrives,
                Some(self.pick(step, side, false)?),
            ),
            Movement::Drop(side) => {
                let index = self.pick(step, side, false)?;
                let departs = !self.links[side.index()][index].departed;
                (side, departs, Fate::Lost, Some(index))
            }
            Movement::Inject(side, _) => (side, false, Fate::Arrives, None),
        };
        let this_row = self.transcript.rows.len();
        let flight = match (movement, index) {
            (Movement::Inject(_, segment), _) => {
                self.next_id += 1;
                self.log
                    .push(format!("an old segment {segment} arrives from the network"));
                InFlight {
                    segment,
                    id: self.next_id,
                    departed: true,
                    row: None,
                }
            }
            (Movement::Send(_), Some(index)) => {
                let flight = &mut self.links[from.index()][index];
                flight.departed = true;
                flight.row = Some(this_row);
                flight.clone()
            }
            (_, Some(index)) => self.links[from.index()].remove(index),
            (_, None) => unreachable!("every movement but inject picks a segment"),
        };
        let origin_row = match departs {
            true => None,
            false => flight.row,
        };
        match fate {
            Fate::Arrives => self.deliver(from.peer(), &flight.segment, step.span)?,
            Fate::Lost => self.log.push(format!("{} is lost", flight.segment)),
            Fate::InFlight => {}
        }
        Ok(SegmentCell {
            text: flight.segment.to_string(),
            from,
            departs,
            fate,
            id: flight.id,
            origin_row,
        })
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
            let oldest = Side::BOTH
                .into_iter()
                .filter_map(|side| self.links[side.index()].first().map(|f| (f.id, side)))
                .min();
            let Some((_, from)) = oldest else {
                return Ok(());
            };
            let flight = self.links[from.index()].remove(0);
            self.deliver(from.peer(), &flight.segment, step.span)?;
            let mut row = self.row(step);
            row.segment = Some(SegmentCell {
                text: flight.segment.to_string(),
                from,
                departs: !flight.departed,
                fate: Fate::Arrives,
                id: flight.id,
                origin_row: flight.row.filter(|_| flight.departed),
            });
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

    /// Notes the segments still in the network when the scenario ends.
    fn note_segments_left(&mut self) {
        for side in Side::BOTH {
            for flight in &self.links[side.index()] {
                let line = flight.row.and_then(|r| self.transcript.line_of(r));
                let when = match (flight.departed, line) {
                    (true, Some(line)) => {
                        format!("departed on line {line} and is still in the network")
                    }
                    (true, None) => "is still in the network".to_string(),
                    (false, Some(line)) => {
                        format!("emitted on line {line}, has not departed in the figure")
                    }
                    (false, None) => "has not departed".to_string(),
                };
                self.transcript
                    .notes
                    .push(format!("{} from {side} {when}.", flight.segment));
            }
        }
    }
}
