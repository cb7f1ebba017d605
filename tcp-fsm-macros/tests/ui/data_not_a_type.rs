tcp_fsm_macros::fsm!("tests/ui/data_not_a_type.toml");

fn main() {}
