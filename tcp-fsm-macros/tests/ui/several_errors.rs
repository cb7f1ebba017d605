tcp_fsm_macros::fsm!("tests/ui/several_errors.toml");

fn main() {}
