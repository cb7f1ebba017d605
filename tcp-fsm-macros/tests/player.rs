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
