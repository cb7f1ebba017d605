// Code generic over the state must say which transitions it needs: not every state can close.
use tcp_fsm::{state::State, Tcp};

fn close_any<S: State>(tcp: Tcp<S>) {
    let _ = tcp.close();
}

fn main() {
    close_any(Tcp::new());
}
