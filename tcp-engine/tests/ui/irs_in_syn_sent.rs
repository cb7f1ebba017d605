// SYN-SENT knows the ISS but not the IRS: the peer's SYN has not arrived, so the state's
// data has no `irs` to read.
use tcp_engine::handshake::{Handshake, Iss, Rfc793};
use tcp_engine::wire::SeqNum;

fn main() {
    let (tcp, _syn) = Handshake::with_data(Rfc793).active_open(Iss(SeqNum(100)));
    let _iss = tcp.state_data().iss;
    let _irs = tcp.state_data().irs;
}
