// OPEN holds a `Visit`, made from the `u32` that `open` carries; without that conversion the
// machine does not compile, so the data of OPEN cannot be forgotten.
pub struct Visit {
    pub guests: u32,
}

tcp_fsm_macros::fsm!("tests/ui/missing_entry_conversion.toml");

fn main() {}
