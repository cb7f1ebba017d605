//! Simultaneous open with the typed API: both TCPs send a SYN at once, RFC 793 Figure 8.
//!
//! Run with `cargo run -p tcp-fsm --example simultaneous_open`.

use tcp_fsm::{Tcp, state};

fn main() {
    // Line 2: both users call OPEN (active); each TCP sends <SYN>.
    let (a, a_syn) = Tcp::new().active_open();
    let (b, b_syn) = Tcp::new().active_open();
    println!("A: active OPEN  -> {:<12} send <{a_syn}>", a.state());
    println!("B: active OPEN  -> {:<12} send <{b_syn}>", b.state());

    // Lines 3-4: the SYNs cross; each TCP answers with <SYN,ACK>.
    let (a, a_syn_ack) = a.rcv_syn();
    let (b, b_syn_ack) = b.rcv_syn();
    println!("A: rcv SYN      -> {:<12} send <{a_syn_ack}>", a.state());
    println!("B: rcv SYN      -> {:<12} send <{b_syn_ack}>", b.state());

    // Lines 5-6: each SYN,ACK acknowledges the other's SYN.
    let a: Tcp<state::Established> = a.rcv_syn_ack();
    let b: Tcp<state::Established> = b.rcv_syn_ack();
    println!("A: rcv SYN,ACK  -> {}", a.state());
    println!("B: rcv SYN,ACK  -> {}", b.state());
}
