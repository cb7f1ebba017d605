// Other crates cannot add states: `State` is sealed.
use tcp_fsm::{runtime, state::State};

#[derive(Debug, Clone, Copy, Default)]
struct Half;

impl State for Half {
    const NAME: &'static str = "HALF";
    const RUNTIME: runtime::State = runtime::State::Closed;
}

fn main() {}
