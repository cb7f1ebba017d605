// A reset in SYN_RECEIVED is guarded: the handle's data must say how the connection was
// opened, and a plain `Tcp::new()` carries none.
use tcp_fsm::Tcp;

fn main() {
    let tcp = Tcp::new().passive_open();
    let (tcp, _syn_ack) = tcp.rcv_syn();
    let _outcome = tcp.rcv_rst();
}
