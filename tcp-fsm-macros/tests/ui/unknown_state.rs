tcp_fsm_macros::fsm!("tests/ui/unknown_state.toml");

fn main() {}
