tcp_fsm_macros::fsm!("tests/ui/rust_name_clash.toml");

fn main() {}
