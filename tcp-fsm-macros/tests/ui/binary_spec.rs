tcp_fsm_macros::fsm!("tests/ui/binary_spec.toml");

fn main() {}
