//! State data and event payloads on TCP: `tcp_engine::handshake`, where SYN-SENT holds the ISS
//! and the synchronized states hold ISS and IRS, and the guards choose on the arriving
//! segment. `tests/ui-engine` has the programs that must not compile.

use std::mem::size_of;
use tcp_engine::handshake::{
    Handshake, Iss, Rfc793, Sent, Synchronized, guard, outcome, runtime, state,
};
use tcp_engine::wire::{Control, Segment, SeqNum};

const ISS: SeqNum = SeqNum(100);
const PEER_ISS: SeqNum = SeqNum(300);

fn syn(seq: SeqNum) -> Segment {
    Segment::new(seq, Control::SYN)
}

#[test]
fn the_client_learns_the_irs_from_the_syn_ack() {
    let (tcp, syn_sent) = Handshake::with_data(Rfc793).active_open(Iss(ISS));
    assert_eq!(syn_sent.to_string(), "SYN");
    assert_eq!(*tcp.state_data(), Sent { iss: ISS });
    let syn_ack = syn(PEER_ISS).with_ack(ISS + 1);
    let outcome::SynSentRcvSegment::SynAck(tcp, ack) = tcp.rcv_segment(syn_ack) else {
        panic!("an acceptable SYN,ACK is the `syn_ack` guard");
    };
    assert_eq!(ack.to_string(), "ACK");
    let _: &Handshake<state::Established, Rfc793> = &tcp;
    assert_eq!(
        *tcp.state_data(),
        Synchronized {
            iss: ISS,
            irs: PEER_ISS
        }
    );
}

#[test]
fn the_server_keeps_the_iss_chosen_at_the_passive_open() {
    let tcp = Handshake::with_data(Rfc793).passive_open(Iss(ISS));
    assert_eq!(*tcp.state_data(), Iss(ISS));
    // An RST in LISTEN is dropped, and the ISS stays.
    let outcome::ListenRcvSegment::Other(tcp) =
        tcp.rcv_segment(Segment::new(SeqNum(7), Control::RST))
    else {
        panic!("an RST in LISTEN is ignored");
    };
    assert_eq!(*tcp.state_data(), Iss(ISS));
    let outcome::ListenRcvSegment::Syn(tcp, syn_ack) = tcp.rcv_segment(syn(PEER_ISS)) else {
        panic!("a SYN in LISTEN is the `syn` guard");
    };
    assert_eq!(syn_ack.to_string(), "SYN,ACK");
    let known = Synchronized {
        iss: ISS,
        irs: PEER_ISS,
    };
    assert_eq!(*tcp.state_data(), known);
    // An ACK of something we never sent is answered with a reset, in the same state.
    let wrong = Segment::ack(PEER_ISS + 1, ISS + 5);
    let outcome::SynReceivedRcvSegment::Unacceptable(tcp, _rst) = tcp.rcv_segment(wrong) else {
        panic!("an unacceptable ACK in SYN-RECEIVED is answered with a reset");
    };
    let outcome::SynReceivedRcvSegment::Ack(tcp) =
        tcp.rcv_segment(Segment::ack(PEER_ISS + 1, ISS + 1))
    else {
        panic!("the ACK of our SYN establishes the connection");
    };
    // The ACK that ends the handshake changes neither ISS nor IRS.
    assert_eq!(*tcp.state_data(), known);
}

#[test]
fn a_simultaneous_open_learns_the_irs_in_syn_sent() {
    let (tcp, _syn) = Handshake::with_data(Rfc793).active_open(Iss(ISS));
    let outcome::SynSentRcvSegment::Syn(tcp, _syn_ack) = tcp.rcv_segment(syn(PEER_ISS)) else {
        panic!("a SYN without ACK in SYN-SENT is a simultaneous open");
    };
    assert_eq!(tcp.state().name(), "SYN_RECEIVED");
    assert_eq!(tcp.state_data().irs, PEER_ISS);
}

#[test]
fn the_guards_read_the_bits_and_the_acknowledgment() {
    let sent = Sent { iss: ISS };
    let decide = |segment: Segment| guard::Guards::syn_sent_rcv_segment(&Rfc793, &sent, &segment);
    use guard::SynSentRcvSegment::*;
    assert_eq!(decide(syn(PEER_ISS).with_ack(ISS + 1)), SynAck);
    assert_eq!(decide(syn(PEER_ISS)), Syn);
    assert_eq!(
        decide(Segment::new(SeqNum(0), Control::RST).with_ack(ISS + 1)),
        Rst
    );
    // RFC 793 3.9: an unacceptable ACK is answered with a reset unless it is one; an RST
    // without an acceptable ACK, and a segment with neither SYN nor RST, are dropped.
    assert_eq!(decide(syn(PEER_ISS).with_ack(ISS)), Unacceptable);
    assert_eq!(
        decide(Segment::new(SeqNum(0), Control::RST).with_ack(ISS)),
        Dropped
    );
    assert_eq!(decide(Segment::new(SeqNum(0), Control::RST)), Dropped);
    assert_eq!(decide(Segment::new(PEER_ISS, Control::NONE)), Dropped);
}

#[test]
fn a_refused_connection_drops_its_data() {
    let (tcp, _syn) = Handshake::with_data(Rfc793).active_open(Iss(ISS));
    let reset = Segment::new(SeqNum(0), Control::RST).with_ack(ISS + 1);
    let outcome::SynSentRcvSegment::Rst(tcp) = tcp.rcv_segment(reset) else {
        panic!("an RST acknowledging our SYN refuses the connection");
    };
    let _: Handshake<state::Closed, Rfc793> = tcp;
    assert_eq!(size_of::<Handshake<state::Closed, Rfc793>>(), 0);
}

#[test]
fn a_handle_is_as_large_as_its_state_data() {
    assert_eq!(size_of::<Handshake<state::Closed, Rfc793>>(), 0);
    assert_eq!(
        size_of::<Handshake<state::SynSent, Rfc793>>(),
        size_of::<Sent>()
    );
    assert_eq!(
        size_of::<Handshake<state::Established, Rfc793>>(),
        size_of::<Synchronized>()
    );
}

#[test]
fn debug_shows_the_state_data() {
    let (tcp, _syn) = Handshake::with_data(Rfc793).active_open(Iss(ISS));
    assert_eq!(
        format!("{tcp:?}"),
        "Handshake { state: \"SYN_SENT\", state_data: Sent { iss: SeqNum(100) }, data: Rfc793 }"
    );
}

#[test]
fn the_runtime_api_takes_the_callers_decision() {
    // The guards read the segment, which runtime events do not carry, so the caller decides
    // and the decision names the transition.
    let step = runtime::step(runtime::State::SynSent, runtime::Event::RcvSegment).unwrap();
    let runtime::Step::Guarded(group) = step else {
        panic!("rcv_segment is guarded in SYN-SENT");
    };
    assert_eq!(group.transitions().len(), 5);
    let taken: runtime::Taken = guard::SynSentRcvSegment::SynAck.into();
    assert_eq!(taken.to, runtime::State::Established);
    assert_eq!(taken.output.map(|o| o.to_string()).as_deref(), Some("ACK"));
    assert_eq!(taken.from(), runtime::State::SynSent);
}
