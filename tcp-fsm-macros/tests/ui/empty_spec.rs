tcp_fsm_macros::fsm!("tests/ui/empty_spec.toml");

fn main() {}
