//! A machine that is not TCP, with two levels of groups: a media player whose POWERED group
//! holds STOPPED and the PLAYING_MODES group (PLAYING, PAUSED). It shows both APIs over the
//! groups: typed code generic over a group, and the runtime machine's observer hearing the
//! groups it leaves and enters.
//!
//! Run with `cargo run -p tcp-fsm-macros --example player`.

tcp_fsm_macros::fsm!("../test-support/player.toml");

use runtime::{Event, Group, Machine, Observer, State, Taken};

/// Any powered player can be reset: `reset` is declared on POWERED, so every state inside it
/// implements it, and the function needs no list of states.
fn reset<S: state::Powered>(player: Player<S>) -> Player<state::Stopped> {
    player.reset()
}

/// Prints each exit, transition and entry as the runtime machine takes an event.
struct Trace;

impl Observer for Trace {
    fn on_transition(&mut self, taken: Taken) {
        println!("    {taken}");
    }
    fn on_exit(&mut self, state: State) {
        println!("    exit {state}");
    }
    fn on_exit_group(&mut self, group: Group) {
        println!("    exit group {group}");
    }
    fn on_entry_group(&mut self, group: Group) {
        println!("    enter group {group}");
    }
    fn on_entry(&mut self, state: State) {
        println!("    enter {state}");
    }
}

fn main() {
    println!("typed: each call is checked at compile time");
    let playing = Player::new().power_on().play();
    let stopped = reset(playing);
    let off = stopped.power_off();
    println!("  {} after power_on, play, reset, power_off", off.state());

    println!("runtime: the same events, with the groups each one leaves and enters");
    let mut machine = Machine::new(()).observed_by(Trace);
    for event in [
        Event::PowerOn,
        Event::Play,
        Event::Pause,
        Event::Reset,
        Event::PowerOff,
    ] {
        println!("  {event}");
        if let Err(illegal) = machine.handle(event) {
            println!("    refused: {illegal}");
        }
    }
}
