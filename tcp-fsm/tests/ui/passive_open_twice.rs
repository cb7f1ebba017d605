// A listening connection cannot be opened passively again.
use tcp_fsm::Tcp;

fn main() {
    let _tcp = Tcp::new().passive_open().passive_open();
}
