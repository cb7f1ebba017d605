// The 2 MSL timer runs only in TIME_WAIT.
use tcp_fsm::Tcp;

fn main() {
    let tcp = Tcp::new().passive_open();
    let (tcp, _syn_ack) = tcp.rcv_syn();
    let tcp = tcp.rcv_ack();
    let _tcp = tcp.timeout_2msl();
}
