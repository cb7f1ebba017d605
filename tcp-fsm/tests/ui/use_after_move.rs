// A transition consumes the handle: the old state cannot be used once the connection left it.
use tcp_fsm::Tcp;

fn main() {
    let listen = Tcp::new().passive_open();
    let (_syn_received, _syn_ack) = listen.rcv_syn();
    let _closed = listen.close();
}
