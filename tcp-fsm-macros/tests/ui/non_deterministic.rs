tcp_fsm_macros::fsm!("tests/ui/non_deterministic.toml");

fn main() {}
