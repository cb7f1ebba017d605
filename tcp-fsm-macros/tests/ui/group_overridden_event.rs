// PAUSED overrides the `power_off` that POWERED declares, so the states of POWERED do not all
// take the same transition: code generic over POWERED cannot call `power_off`.
tcp_fsm_macros::fsm!("../test-support/player.toml");

fn power_off<S: state::Powered>(player: Player<S>) -> Player<state::Off> {
    player.power_off()
}

fn main() {
    let _ = power_off(Player::new().power_on());
}
