// A reset in SYN_RECEIVED leads to LISTEN or to CLOSED: the caller must handle both.
use tcp_fsm::{outcome::SynReceivedRcvRst, Opened, Tcp};

fn main() {
    let tcp = Tcp::with_data(Opened::Passive).passive_open();
    let (tcp, _syn_ack) = tcp.rcv_syn();
    match tcp.rcv_rst() {
        SynReceivedRcvRst::PassiveOpen(_listen) => {}
    }
}
