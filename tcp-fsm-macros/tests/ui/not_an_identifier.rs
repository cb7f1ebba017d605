tcp_fsm_macros::fsm!("tests/ui/not_an_identifier.toml");

fn main() {}
