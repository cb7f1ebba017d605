//! The client and server paths of a TCP connection with the typed API: RFC 793 Figure 7
//! (three-way handshake) and Figure 13 (normal close), one line per step.
//!
//! Run with `cargo run -p tcp-fsm --example handshake`.

use std::fmt::Display;
use tcp_fsm::Tcp;

/// Prints one step of a peer: where it is now and what the spec made it send.
fn show(peer: &str, state: impl Display, event: &str, sent: Option<&dyn Display>) {
    match sent {
        Some(segment) => println!("{peer}: {event:<14} -> {state:<12} send <{segment}>"),
        None => println!("{peer}: {event:<14} -> {state}"),
    }
}

fn main() {
    println!("Three-way handshake (RFC 793 Figure 7)");
    let server = Tcp::new().passive_open();
    show("B", server.state(), "passive OPEN", None);
    let (client, syn) = Tcp::new().active_open();
    show("A", client.state(), "active OPEN", Some(&syn));
    let (server, syn_ack) = server.rcv_syn();
    show("B", server.state(), "rcv SYN", Some(&syn_ack));
    let (client, ack) = client.rcv_syn_ack();
    show("A", client.state(), "rcv SYN,ACK", Some(&ack));
    let server = server.rcv_ack();
    show("B", server.state(), "rcv ACK", None);

    println!("\nNormal close (RFC 793 Figure 13)");
    let (client, fin) = client.close();
    show("A", client.state(), "CLOSE", Some(&fin));
    let (server, ack) = server.rcv_fin();
    show("B", server.state(), "rcv FIN", Some(&ack));
    let client = client.rcv_ack();
    show("A", client.state(), "rcv ACK", None);
    let (server, fin) = server.close();
    show("B", server.state(), "CLOSE", Some(&fin));
    let (client, ack) = client.rcv_fin();
    show("A", client.state(), "rcv FIN", Some(&ack));
    let server = server.rcv_ack();
    show("B", server.state(), "rcv ACK", None);
    let client = client.timeout_2msl();
    show("A", client.state(), "Timeout=2MSL", None);
}
