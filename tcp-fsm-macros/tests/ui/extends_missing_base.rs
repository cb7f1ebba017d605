tcp_fsm_macros::fsm!("tests/ui/extends_missing_base.toml");

fn main() {}
