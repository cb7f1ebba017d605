tcp_fsm_macros::fsm!(tcp.toml);

fn main() {}
