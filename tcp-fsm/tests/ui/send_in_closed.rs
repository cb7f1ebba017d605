// SEND on a connection that does not exist: RFC 793 3.9 answers "error: connection does not
// exist", and the spec has no transition for it.
use tcp_fsm::Tcp;

fn main() {
    let _tcp = Tcp::new().send();
}
