//! A path found by the explorer, replayed by the simulator so that it prints like an RFC
//! figure: each move is a numbered line, a segment is shown departing in the line of the move
//! that emitted it (arriving in the same row when the next move delivers it).

use super::model::{Joint, Model, Move};
use crate::endpoint::Side;
use crate::scenario::{Movement, Named, Scenario, Step, simulate};
use crate::transcript::Transcript;

/// The transcript of `path` from the model's initial state.
pub fn transcript(model: &Model, title: &str, path: &[Move]) -> Transcript {
    let steps = steps(model, path);
    let scenario = Scenario {
        source: None,
        title: title.to_string(),
        reference: None,
        endpoints: model.settings.clone(),
        setup: Vec::new(),
        steps,
        expect: None,
    };
    simulate(model.rules, &scenario).unwrap_or_else(|errors| Transcript {
        title: title.to_string(),
        notes: vec![format!("the simulator could not replay the path: {errors}")],
        ..Transcript::default()
    })
}

/// Which segments in flight have been shown departing, mirroring the simulator's network.
type Shown = [Vec<bool>; 2];

fn steps(model: &Model, path: &[Move]) -> Vec<Step> {
    let mut steps = vec![Step::default()];
    let mut joint: Joint = model.initial();
    let mut shown: Shown = [Vec::new(), Vec::new()];
    let mut continue_line = false;
    for (k, &step) in path.iter().enumerate() {
        let Ok(successor) = model.apply(&joint, step) else {
            break;
        };
        let mut main = move_step(model, &joint, step, &mut shown);
        main.continued = continue_line;
        continue_line = false;
        let acted = matches!(
            step,
            Move::Call(..) | Move::Timeout(..) | Move::Retransmit(_)
        );
        steps.push(main);
        let emitted = emissions(&joint, &successor.joint, step);
        let next = path.get(k + 1).copied();
        for side in Side::BOTH {
            let link = &mut shown[side.index()];
            link.extend(std::iter::repeat_n(false, emitted[side.index()]));
            let first_new = link.len() - emitted[side.index()];
            for (index, departed) in link.iter_mut().enumerate().skip(first_new) {
                if index == first_new && next == Some(Move::Deliver(side, index)) {
                    // Shown departing and arriving by the next move's row.
                    continue_line = acted;
                    continue;
                }
                *departed = true;
                steps.push(Step {
                    continued: true,
                    movement: Some(Movement::Send(side)),
                    nth: Some(index + 1),
                    ..Step::default()
                });
            }
        }
        if acted && emitted == [0, 0] && !matches!(step, Move::Retransmit(_)) {
            steps.push(Step {
                continued: true,
                ..Step::default()
            });
        }
        joint = successor.joint;
    }
    steps.push(Step {
        states: Some([true, true]),
        ..Step::default()
    });
    steps
}

/// How many segments each side emitted in the move (they are appended to its link).
fn emissions(before: &Joint, after: &Joint, step: Move) -> [usize; 2] {
    Side::BOTH.map(|side| {
        let mut expected = before.links[side.index()].len();
        match step {
            Move::Deliver(s, _) | Move::Lose(s, _) if s == side => expected -= 1,
            Move::Duplicate(s, _) if s == side => expected += 1,
            _ => {}
        }
        after.links[side.index()].len().saturating_sub(expected)
    })
}

fn named(model: &Model, event: fsm_spec::EventId) -> Named {
    Named {
        name: model.rules.event_name(event).to_string(),
        span: Default::default(),
    }
}

fn note(side: Side, text: String) -> [Option<String>; 2] {
    let mut notes = [None, None];
    notes[side.index()] = Some(text);
    notes
}

/// The step of one move, updating which segments have been shown departing.
fn move_step(model: &Model, joint: &Joint, step: Move, shown: &mut Shown) -> Step {
    let spec = model.rules.spec();
    let label = |event| format!("({})", spec.event(event).display_label());
    match step {
        Move::Call(side, event) => {
            let mut call = [None, None];
            call[side.index()] = Some(named(model, event));
            Step {
                note: note(side, label(event)),
                call,
                ..Step::default()
            }
        }
        Move::Timeout(side, event) => {
            let mut timeout = [None, None];
            timeout[side.index()] = Some(named(model, event));
            Step {
                note: note(side, label(event)),
                timeout,
                ..Step::default()
            }
        }
        Move::Retransmit(side) => {
            let mut retransmit = [false; 2];
            retransmit[side.index()] = true;
            Step {
                note: note(side, "(retransmission timeout)".into()),
                retransmit,
                ..Step::default()
            }
        }
        Move::Duplicate(side, k) => {
            let mut duplicate = [None, None];
            duplicate[side.index()] = Some(k + 1);
            shown[side.index()].insert(k + 1, true);
            let text = format!("(the network duplicates {})", joint.links[side.index()][k]);
            Step {
                note: note(side, text),
                duplicate,
                ..Step::default()
            }
        }
        Move::Deliver(side, k) => {
            let departed = shown[side.index()].remove(k);
            let movement = match departed {
                true => Movement::Arrive(side),
                false => Movement::Transmit(side),
            };
            Step {
                movement: Some(movement),
                nth: Some(k + 1),
                reorder: !departed && k > 0,
                ..Step::default()
            }
        }
        Move::Lose(side, k) => {
            shown[side.index()].remove(k);
            Step {
                movement: Some(Movement::Drop(side)),
                nth: Some(k + 1),
                ..Step::default()
            }
        }
    }
}
