// The handle's type is its state: a passive OPEN leads to LISTEN, not ESTABLISHED.
use tcp_fsm::{state, Tcp};

fn main() {
    let _tcp: Tcp<state::Established> = Tcp::new().passive_open();
}
