//! A stack behind a link that corrupts the TCP checksum of every segment from the peer, for
//! the conformance targets' checksum self-checks (`conform_smoltcp.rs`, `conform_lwip.rs`).

use tcp_engine::binding::Call;
use tcp_engine::conform::{NotDriven, Stack, Timer};
use tcp_engine::wire::Segment;

/// `S`, with every delivered packet's TCP checksum flipped; everything else passes through,
/// the stack's own faults included.
pub struct Corrupting<S>(pub S);

impl<S: Stack> Stack for Corrupting<S> {
    fn call(&mut self, call: Call) -> Result<Option<String>, NotDriven> {
        self.0.call(call)
    }
    fn deliver(&mut self, packet: &[u8]) {
        let mut packet = packet.to_vec();
        // IPv4 header of 20 octets, then the TCP checksum at offset 16.
        packet[20 + 16] ^= 0xff;
        self.0.deliver(&packet);
    }
    fn expire(&mut self, timer: Timer) -> Result<(), NotDriven> {
        self.0.expire(timer)
    }
    fn emitted(&mut self) -> Vec<Segment> {
        self.0.emitted()
    }
    fn state(&mut self) -> Option<String> {
        self.0.state()
    }
    fn fault(&mut self) -> Option<String> {
        self.0.fault()
    }
}
