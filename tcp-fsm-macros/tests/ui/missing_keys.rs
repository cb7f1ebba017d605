tcp_fsm_macros::fsm!("tests/ui/missing_keys.toml");

fn main() {}
