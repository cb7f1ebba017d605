// A FIN cannot arrive on a connection that is only listening: LISTEN has no `rcv_fin`.
use tcp_fsm::Tcp;

fn main() {
    let tcp = Tcp::new().passive_open();
    let _tcp = tcp.rcv_fin();
}
