// An active OPEN carries the ISS that SYN-SENT will hold: the call cannot leave it out.
use tcp_engine::handshake::{Handshake, Rfc793};

fn main() {
    let (_tcp, _syn) = Handshake::with_data(Rfc793).active_open();
}
