tcp_fsm_macros::fsm!("tests/ui/duplicate_transition.toml");

fn main() {}
