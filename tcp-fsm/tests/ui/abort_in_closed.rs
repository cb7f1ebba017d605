// ABORT needs a connection: in CLOSED there is none to abort.
use tcp_fsm::Tcp;

fn main() {
    let _tcp = Tcp::new().abort();
}
