//! The connection scenarios of RFC 793 and the blog, written with the typed API. Each test is
//! a figure, line by line: the state after each step is checked by the compiler (the type
//! annotations) and again at run time, and each output is checked against the figure.

use tcp_fsm::runtime::State;
use tcp_fsm::{Opened, Tcp, outcome, output, state};

/// The blog's client path, and RFC 793 Figure 7 (TCP A) then Figure 13 (TCP A).
#[test]
fn client_opens_actively_and_closes_first() {
    let tcp = Tcp::new();
    // Figure 7 line 2: <SEQ=100><CTL=SYN> --> SYN-SENT
    let (tcp, syn): (Tcp<state::SynSent>, output::Syn) = tcp.active_open();
    assert_eq!(syn.to_string(), "SYN");
    // line 3 arrives: <SEQ=300><ACK=101><CTL=SYN,ACK>; line 4: --> <CTL=ACK>, ESTABLISHED
    let (tcp, ack): (Tcp<state::Established>, output::Ack) = tcp.rcv_syn_ack();
    assert_eq!(ack.to_string(), "ACK");
    // Figure 13 line 2: CLOSE, <CTL=FIN,ACK> --> FIN-WAIT-1
    let (tcp, fin): (Tcp<state::FinWait1>, output::Fin) = tcp.close();
    assert_eq!(fin.to_string(), "FIN");
    // line 3: <CTL=ACK> arrives --> FIN-WAIT-2
    let tcp: Tcp<state::FinWait2> = tcp.rcv_ack();
    // line 4: <CTL=FIN,ACK> arrives (it acknowledges nothing new) --> TIME-WAIT, send ACK
    let (tcp, ack): (Tcp<state::TimeWait>, output::Ack) = tcp.rcv_fin();
    assert_eq!(ack.to_string(), "ACK");
    assert_eq!(tcp.state(), State::TimeWait);
    // "(2 MSL)" --> CLOSED
    let tcp: Tcp<state::Closed> = tcp.timeout_2msl();
    assert_eq!(tcp.state(), State::Closed);
}

/// The blog's server path, and RFC 793 Figure 7 (TCP B) then Figure 13 (TCP B).
#[test]
fn server_opens_passively_and_closes_second() {
    let tcp: Tcp<state::Listen> = Tcp::new().passive_open();
    // Figure 7 line 2: <CTL=SYN> arrives; line 3: <CTL=SYN,ACK> --> SYN-RECEIVED
    let (tcp, syn_ack): (Tcp<state::SynReceived>, output::SynAck) = tcp.rcv_syn();
    assert_eq!(syn_ack.to_string(), "SYN,ACK");
    // line 4: <CTL=ACK> arrives --> ESTABLISHED
    let tcp: Tcp<state::Established> = tcp.rcv_ack();
    // Figure 13 line 2: <CTL=FIN,ACK> arrives; line 3: --> <CTL=ACK>, CLOSE-WAIT
    let (tcp, ack): (Tcp<state::CloseWait>, output::Ack) = tcp.rcv_fin();
    assert_eq!(ack.to_string(), "ACK");
    // line 4: CLOSE, <CTL=FIN,ACK> --> LAST-ACK
    let (tcp, fin): (Tcp<state::LastAck>, output::Fin) = tcp.close();
    assert_eq!(fin.to_string(), "FIN");
    assert_eq!(tcp.state(), State::LastAck);
    // line 5: <CTL=ACK> arrives --> CLOSED
    let tcp: Tcp<state::Closed> = tcp.rcv_ack();
    assert_eq!(tcp.state(), State::Closed);
}

/// RFC 793 Figure 8: both TCPs send a SYN; each receives the other's SYN, then its SYN,ACK.
#[test]
fn simultaneous_open_goes_through_syn_received() {
    let (a, a_syn) = Tcp::new().active_open();
    let (b, b_syn) = Tcp::new().active_open();
    assert_eq!(
        (a_syn.to_string(), b_syn.to_string()),
        ("SYN".into(), "SYN".into())
    );
    // lines 3-4: each SYN arrives --> SYN-RECEIVED, send <CTL=SYN,ACK>
    let (a, a_syn_ack): (Tcp<state::SynReceived>, output::SynAck) = a.rcv_syn();
    let (b, b_syn_ack): (Tcp<state::SynReceived>, output::SynAck) = b.rcv_syn();
    assert_eq!(
        (a_syn_ack.to_string(), b_syn_ack.to_string()),
        ("SYN,ACK".into(), "SYN,ACK".into())
    );
    // lines 5-6: each SYN,ACK arrives --> ESTABLISHED
    let a: Tcp<state::Established> = a.rcv_syn_ack();
    let b: Tcp<state::Established> = b.rcv_syn_ack();
    assert_eq!(
        (a.state(), b.state()),
        (State::Established, State::Established)
    );
}

/// RFC 793 Figure 14: both users CLOSE; each FIN crosses the other.
#[test]
fn simultaneous_close_goes_through_closing_and_time_wait() {
    let (a, _) = Tcp::new().active_open();
    let (a, _) = a.rcv_syn_ack();
    let (b, _) = Tcp::new().passive_open().rcv_syn();
    let b = b.rcv_ack();
    // line 2: both CLOSE, <CTL=FIN,ACK> --> FIN-WAIT-1
    let (a, a_fin): (Tcp<state::FinWait1>, output::Fin) = a.close();
    let (b, b_fin): (Tcp<state::FinWait1>, output::Fin) = b.close();
    assert_eq!(
        (a_fin.to_string(), b_fin.to_string()),
        ("FIN".into(), "FIN".into())
    );
    // line 3: each FIN arrives before the ACK of ours --> CLOSING, send <CTL=ACK>
    let (a, a_ack): (Tcp<state::Closing>, output::Ack) = a.rcv_fin();
    let (b, b_ack): (Tcp<state::Closing>, output::Ack) = b.rcv_fin();
    assert_eq!(
        (a_ack.to_string(), b_ack.to_string()),
        ("ACK".into(), "ACK".into())
    );
    // line 4: the ACKs arrive --> TIME-WAIT
    let a: Tcp<state::TimeWait> = a.rcv_ack();
    let b: Tcp<state::TimeWait> = b.rcv_ack();
    // "(2 MSL)" --> CLOSED
    assert_eq!(a.timeout_2msl().state(), State::Closed);
    assert_eq!(b.timeout_2msl().state(), State::Closed);
}

/// RFC 793 3.9, SYN-RECEIVED, second check the RST bit: a reset returns a passively opened
/// connection to LISTEN (Figure 9's recovery); an actively opened one is refused (CLOSED).
#[test]
fn a_reset_in_syn_received_follows_how_the_connection_was_opened() {
    let (tcp, _syn_ack) = Tcp::with_data(Opened::Passive).passive_open().rcv_syn();
    let listen: Tcp<state::Listen, Opened> = match tcp.rcv_rst() {
        outcome::SynReceivedRcvRst::PassiveOpen(listen) => listen,
        outcome::SynReceivedRcvRst::ActiveOpen(closed) => panic!("refused: {closed:?}"),
    };
    assert_eq!(listen.state(), State::Listen);

    let (tcp, _syn) = Tcp::with_data(Opened::Active).active_open();
    let (tcp, _syn_ack) = tcp.rcv_syn();
    let outcome = tcp.rcv_rst();
    assert_eq!(outcome.state(), State::Closed);
    assert!(matches!(outcome, outcome::SynReceivedRcvRst::ActiveOpen(_)));
}

/// A handle without data is nothing at run time, and outputs are nothing either.
#[test]
fn handles_and_outputs_are_zero_sized() {
    assert_eq!(size_of::<Tcp<state::Closed>>(), 0);
    assert_eq!(size_of::<Tcp<state::Listen>>(), 0);
    assert_eq!(size_of::<Tcp<state::TimeWait>>(), 0);
    assert_eq!(size_of::<(Tcp<state::SynReceived>, output::SynAck)>(), 0);
    // A guarded outcome is only its discriminant: which guard held.
    assert_eq!(size_of::<outcome::SynReceivedRcvRst>(), 1);
    assert_eq!(size_of::<Tcp<state::Listen, Opened>>(), size_of::<Opened>());
}

#[test]
fn handles_convert_to_runtime_states_and_print_their_spec_name() {
    let tcp = Tcp::new().passive_open();
    assert_eq!(State::from(&tcp), State::Listen);
    assert_eq!(format!("{tcp:?}"), r#"Tcp { state: "LISTEN", data: () }"#);
    let tcp = tcp.map_data(|()| Opened::Passive);
    assert_eq!(*tcp.data(), Opened::Passive);
    assert_eq!(tcp.into_data(), Opened::Passive);
}

/// RFC 793 3.9, fourth, check the SYN bit: a SYN in any synchronized state is answered with a
/// reset and the connection closes. The spec says it once, on the group SYNCHRONIZED, so code
/// generic over the group's trait can take it in every such state.
fn syn_in_a_synchronized_state<S: state::Synchronized>(tcp: Tcp<S>) -> String {
    let (tcp, rst): (Tcp<state::Closed>, output::Rst) = tcp.rcv_syn();
    format!("{} {rst}", tcp.state().name())
}

#[test]
fn a_syn_closes_every_synchronized_state_through_the_group() {
    let established = Tcp::new().active_open().0.rcv_syn_ack().0;
    assert_eq!(syn_in_a_synchronized_state(established), "CLOSED RST");
    let (fin_wait_1, _) = Tcp::new().active_open().0.rcv_syn_ack().0.close();
    assert_eq!(syn_in_a_synchronized_state(fin_wait_1), "CLOSED RST");
    let close_wait = Tcp::new().passive_open().rcv_syn().0.rcv_ack().rcv_fin().0;
    assert_eq!(syn_in_a_synchronized_state(close_wait), "CLOSED RST");
}
