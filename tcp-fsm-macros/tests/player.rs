//! `fsm!` on a spec with nested groups that is not TCP: a media player whose POWERED group
//! holds PLAYING_MODES. Each group is a trait in `state`, and code generic over a group may
//! call the events the spec declares on that group as a whole.
#![deny(warnings)]

tcp_fsm_macros::fsm!("../test-support/player.toml");

use runtime::State;

/// `reset` is declared on POWERED and overridden nowhere inside: any powered player takes it.
fn reset<S: state::Powered>(player: Player<S>) -> Player<state::Stopped> {
    player.reset()
}

/// `stop` is declared on the inner group; PLAYING_MODES's trait also gives POWERED's events.
fn stop_then_reset<S: state::PlayingModes>(player: Player<S>) -> Player<state::Stopped> {
    reset(player.stop())
}

/// What a caller generic over a group learns about the state: its name, and that it is one
/// of the group's.
fn powered_name<S: state::Powered>(_: &Player<S>) -> &'static str {
    S::NAME
}

#[test]
fn code_generic_over_a_group_runs_in_each_of_its_states() {
    let stopped = Player::new().power_on();
    assert_eq!(powered_name(&stopped), "STOPPED");
    let playing = reset(stopped).play();
    assert_eq!(powered_name(&playing), "PLAYING");
    assert_eq!(reset(playing).state(), State::Stopped);
    let paused = Player::new().power_on().play().pause();
    assert_eq!(reset(paused).state(), State::Stopped);
}

#[test]
fn the_inner_groups_trait_reaches_the_outer_groups_events() {
    let playing = Player::new().power_on().play();
    assert_eq!(stop_then_reset(playing).state(), State::Stopped);
    let paused = Player::new().power_on().play().pause();
    assert_eq!(stop_then_reset(paused).state(), State::Stopped);
}

#[test]
fn an_overridden_group_event_is_still_taken_per_state() {
    // PAUSED overrides POWERED's `power_off`: it alone says to save the position.
    let (off, save) = Player::new().power_on().play().pause().power_off();
    assert_eq!(off.state(), State::Off);
    assert_eq!(save.to_string(), "SAVE_POSITION");
    let off: Player<state::Off> = Player::new().power_on().play().power_off();
    assert_eq!(off.state(), State::Off);
}

#[test]
fn group_events_stay_zero_sized() {
    assert_eq!(std::mem::size_of::<Player<state::Playing>>(), 0);
}

/// Writes down every call of the runtime `Machine`'s observer, in order.
#[derive(Default)]
struct Recorder(Vec<String>);

impl runtime::Observer for Recorder {
    fn on_transition(&mut self, taken: runtime::Taken) {
        self.0.push(format!("{}", taken.event()));
    }
    fn on_exit(&mut self, state: State) {
        self.0.push(format!("exit {state}"));
    }
    fn on_exit_group(&mut self, group: runtime::Group) {
        self.0.push(format!("exit {group}"));
    }
    fn on_entry_group(&mut self, group: runtime::Group) {
        self.0.push(format!("enter {group}"));
    }
    fn on_entry(&mut self, state: State) {
        self.0.push(format!("enter {state}"));
    }
}

#[test]
fn the_machine_observer_hears_exits_innermost_first_and_entries_outermost_first() {
    use runtime::Event::*;
    let mut machine = runtime::Machine::new(()).observed_by(Recorder::default());
    let mut calls = |event| {
        machine.handle(event).expect("legal in the player");
        std::mem::take(&mut machine.observer_mut().0)
    };
    // Into POWERED, whose initial is STOPPED.
    assert_eq!(
        calls(PowerOn),
        ["exit OFF", "power_on", "enter POWERED", "enter STOPPED"]
    );
    // Into the nested group from a state beside it: POWERED stays.
    assert_eq!(
        calls(Play),
        [
            "exit STOPPED",
            "play",
            "enter PLAYING_MODES",
            "enter PLAYING"
        ]
    );
    // A transition declared on PLAYING_MODES leaves it, to STOPPED beside it.
    let _ = calls(Pause);
    assert_eq!(
        calls(Stop),
        ["exit PAUSED", "exit PLAYING_MODES", "stop", "enter STOPPED"]
    );
    // POWERED's `reset` from inside it: POWERED is left and entered again, as in SCXML.
    let _ = calls(Play);
    assert_eq!(
        calls(Reset),
        [
            "exit PLAYING",
            "exit PLAYING_MODES",
            "exit POWERED",
            "reset",
            "enter POWERED",
            "enter STOPPED"
        ]
    );
    // Out of both groups, innermost first.
    let _ = calls(Play);
    assert_eq!(
        calls(PowerOff),
        [
            "exit PLAYING",
            "exit PLAYING_MODES",
            "exit POWERED",
            "power_off",
            "enter OFF"
        ]
    );
}

#[test]
fn the_runtime_table_says_where_each_transition_was_declared() {
    use runtime::{Event, Group, TRANSITIONS};
    let declared = |from: State, event: Event| {
        TRANSITIONS
            .iter()
            .find(|t| t.from == from && t.event == event)
            .map(|t| t.declared_in)
            .expect("a transition")
    };
    assert_eq!(declared(State::Paused, Event::Reset), Some(Group::Powered));
    assert_eq!(
        declared(State::Paused, Event::Stop),
        Some(Group::PlayingModes)
    );
    assert_eq!(declared(State::Paused, Event::PowerOff), None);
    assert_eq!(
        State::Paused.groups(),
        [Group::PlayingModes, Group::Powered]
    );
    assert_eq!(Group::PlayingModes.parent(), Some(Group::Powered));
    assert_eq!(
        Group::Powered.states(),
        [State::Playing, State::Paused, State::Stopped]
    );
    assert_eq!("playing modes".parse::<Group>(), Ok(Group::PlayingModes));
}
