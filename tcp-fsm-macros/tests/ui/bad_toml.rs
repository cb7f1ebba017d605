tcp_fsm_macros::fsm!("tests/ui/bad_toml.toml");

fn main() {}
