// An active OPEN sends a SYN: dropping the output on the floor is an error here.
#![deny(unused_must_use)]
use tcp_fsm::Tcp;

fn main() {
    Tcp::new().active_open();
}
