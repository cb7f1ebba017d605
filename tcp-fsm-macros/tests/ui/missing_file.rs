tcp_fsm_macros::fsm!("tests/ui/no_such_spec.toml");

fn main() {}
