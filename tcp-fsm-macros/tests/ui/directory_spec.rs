tcp_fsm_macros::fsm!("tests/ui");

fn main() {}
