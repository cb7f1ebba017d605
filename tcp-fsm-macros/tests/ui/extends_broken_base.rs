tcp_fsm_macros::fsm!("tests/ui/extends_broken_base.toml");

fn main() {}
