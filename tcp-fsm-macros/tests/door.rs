//! `fsm!` on a spec that is not TCP: a door with a lock, a guarded `unlock`, outputs,
//! aliases and a final state. The generated code must compile without warnings here, in a
//! test crate where most of it is unused.
#![deny(warnings)]

tcp_fsm_macros::fsm!("../test-support/door.toml");

use runtime::{Event, Output, State, Step};

/// The key in the user's hand decides the guarded `unlock`.
#[derive(Debug)]
struct Key {
    fits: bool,
}

impl guard::Guards for Key {
    fn locked_unlock(&self) -> guard::LockedUnlock {
        if self.fits {
            guard::LockedUnlock::RightKey
        } else {
            guard::LockedUnlock::WrongKey
        }
    }
}

#[test]
fn typed_handles_walk_the_spec_and_return_outputs() {
    let door: Door<state::Open> = Door::new().open();
    let (door, click): (Door<state::Closed>, output::Click) = door.close();
    assert_eq!(click.to_string(), "CLICK");
    let (door, _click) = door.lock();
    assert_eq!(door.state(), State::Locked);
    let (door, crash) = door.kick();
    assert_eq!(Output::from(crash).text(), "CRASH, BANG");
    assert_eq!(door.state(), State::Broken);
    assert!(door.state().is_final());
}

#[test]
fn the_handles_data_decides_the_guarded_transition() {
    let (door, _click) = Door::with_data(Key { fits: false }).lock();
    let door = match door.unlock() {
        outcome::LockedUnlock::WrongKey(door, alarm) => {
            assert_eq!(alarm.to_string(), "ALARM");
            door
        }
        outcome::LockedUnlock::RightKey(_) => panic!("the key does not fit"),
    };
    let mut door = door;
    door.data_mut().fits = true;
    match door.unlock() {
        outcome::LockedUnlock::RightKey(door) => assert_eq!(door.state(), State::Closed),
        outcome::LockedUnlock::WrongKey(..) => panic!("the key fits now"),
    }
}

#[test]
fn handles_without_data_are_zero_sized() {
    assert_eq!(size_of::<Door<state::Closed>>(), 0);
    assert_eq!(size_of::<Door<state::Broken>>(), 0);
    assert_eq!(size_of::<output::Click>(), 0);
    assert_eq!(size_of::<Door<state::Locked, Key>>(), size_of::<Key>());
}

#[test]
fn runtime_step_follows_the_table() {
    assert_eq!(State::INITIAL, State::Closed);
    let step = runtime::step(State::Closed, Event::Kick).expect("legal");
    let Step::Unguarded(kick) = step else {
        panic!("kick is not guarded: {step:?}")
    };
    assert_eq!(
        (kick.to, kick.output),
        (State::Broken, Some(Output::CrashBang))
    );
    let unlock = runtime::step(State::Locked, Event::Unlock).expect("legal");
    assert_eq!(unlock.transitions().len(), 2);
    assert_eq!(unlock.decide(&Key { fits: true }).to, State::Closed);
    assert_eq!(
        unlock.decide(&Key { fits: false }).output,
        Some(Output::Alarm)
    );
    let illegal = runtime::step(State::Broken, Event::Open).expect_err("BROKEN is final");
    assert_eq!(
        illegal.to_string(),
        "BROKEN has no transition on `open`; it is legal in CLOSED"
    );
    assert_eq!(runtime::TRANSITIONS.len(), 7);
}

#[test]
fn names_parse_with_aliases_labels_and_loose_spelling() {
    assert_eq!("AJAR".parse::<State>(), Ok(State::Open));
    assert_eq!("ajar".parse::<State>(), Ok(State::Open));
    assert_eq!("shut".parse::<Event>(), Ok(Event::Close));
    assert_eq!("rcv BOOT".parse::<Event>(), Ok(Event::Kick));
    let error = "WIDE_OPEN".parse::<State>().expect_err("no such state");
    assert_eq!(
        error.to_string(),
        "`WIDE_OPEN` is not a state of `Door`; expected one of: CLOSED, OPEN, LOCKED, BROKEN"
    );
    for state in State::ALL {
        assert_eq!(state.to_string().parse::<State>(), Ok(state));
    }
    for event in Event::ALL {
        assert_eq!(event.to_string().parse::<Event>(), Ok(event));
    }
}

#[test]
fn a_machine_keeps_its_state_and_reports_every_transition() {
    let mut seen = Vec::new();
    let mut door =
        runtime::Machine::new(Key { fits: false }).observed_by(|taken: runtime::Taken| {
            seen.push((taken.from(), taken.event(), taken.to, taken.output));
        });
    assert_eq!(door.state(), State::Closed);
    let lock = door.handle(Event::Lock).expect("CLOSED locks");
    assert_eq!(
        (lock.from(), lock.event(), lock.to),
        (State::Closed, Event::Lock, State::Locked)
    );
    // The guard data decides: the wrong key sounds the alarm and the door stays locked.
    let alarm = door.handle(Event::Unlock).expect("LOCKED unlocks");
    assert_eq!(
        (alarm.to, alarm.output),
        (State::Locked, Some(Output::Alarm))
    );
    door.guards_mut().fits = true;
    assert_eq!(door.handle(Event::Unlock).map(|t| t.to), Ok(State::Closed));
    // An illegal event leaves the state and calls no observer.
    let error = door
        .handle(Event::Close)
        .expect_err("a closed door cannot be closed");
    assert_eq!(
        error.to_string(),
        "CLOSED has no transition on `close`; it is legal in OPEN"
    );
    assert_eq!(door.state(), State::Closed);
    assert_eq!(
        format!("{door:?}"),
        "Machine { state: Closed, guards: Key { fits: true }, .. }"
    );
    // Ends the observer's borrow of `seen`.
    let _ = door.into_parts();
    assert_eq!(
        seen,
        [
            (
                State::Closed,
                Event::Lock,
                State::Locked,
                Some(Output::Click)
            ),
            (
                State::Locked,
                Event::Unlock,
                State::Locked,
                Some(Output::Alarm)
            ),
            (State::Locked, Event::Unlock, State::Closed, None),
        ]
    );
}

#[test]
fn a_machine_without_observer_is_as_small_as_its_state_and_data() {
    assert_eq!(size_of::<runtime::Machine<()>>(), size_of::<State>());
    let mut door = runtime::Machine::with_state(State::Open, Key { fits: true });
    assert_eq!(
        door.handle(Event::Close).map(|t| t.output),
        Ok(Some(Output::Click))
    );
    let (state, key, ()) = door.into_parts();
    assert_eq!((state, key.fits), (State::Closed, true));
}
