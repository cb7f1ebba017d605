// Other crates cannot add transitions: the event traits take a token that only the generated
// code can name (the orphan rules alone would allow this impl, because `Mine` is local).
use tcp_fsm::{event, state, Tcp};

struct Mine;

impl event::RcvFin<state::Listen, Mine> for event::Rules {
    type Next = Tcp<state::Closed, Mine>;
    fn apply(handle: Tcp<state::Listen, Mine>, _: event::sealed::Token) -> Self::Next {
        Tcp::with_data(handle.into_data())
    }
}

fn main() {}
