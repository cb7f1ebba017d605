// In SYN_SENT only a SYN (or SYN,ACK) moves the handshake on; a bare ACK has no transition.
use tcp_fsm::Tcp;

fn main() {
    let (tcp, _syn) = Tcp::new().active_open();
    let _tcp = tcp.rcv_ack();
}
