// CLOSE is a user call that can be made once: after it the connection is in FIN_WAIT_1,
// where RFC 793 3.9 answers a second CLOSE with "error: connection closing".
use tcp_fsm::Tcp;

fn main() {
    let (tcp, _syn) = Tcp::new().active_open();
    let (tcp, _ack) = tcp.rcv_syn_ack();
    let (tcp, _fin) = tcp.close();
    let _tcp = tcp.close();
}
