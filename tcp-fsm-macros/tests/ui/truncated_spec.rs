tcp_fsm_macros::fsm!("tests/ui/truncated_spec.toml");

fn main() {}
