// OFF is outside POWERED: it does not implement the group's trait, and the events declared on
// POWERED name the group where they are legal.
tcp_fsm_macros::fsm!("../test-support/player.toml");

fn reset<S: state::Powered>(player: Player<S>) -> Player<state::Stopped> {
    player.reset()
}

fn main() {
    let _ = reset(Player::new());
    let _ = Player::new().reset();
}
