//! Target `smoltcp`: the smoltcp crate in process, deterministic. One [`Interface`] over a
//! device whose packets the harness hands in and takes out (raw IP, `Medium::Ip`), a clock
//! the harness advances by hand, one TCP socket whose `state()` is read after each step.

use super::peer::{PEER, STACK};
use super::{NotDriven, Stack, Timer};
use crate::binding::Call;
use crate::track::decode::decode;
use crate::wire::Segment;
use pcap_file::DataLink;
use smoltcp::iface::{Config, Interface, SocketHandle, SocketSet};
use smoltcp::phy::{self, Device, DeviceCapabilities, Medium};
use smoltcp::socket::tcp;
use smoltcp::time::{Duration, Instant};
use smoltcp::wire::{HardwareAddress, IpAddress, IpCidr, IpEndpoint};
use std::collections::VecDeque;
use std::net::IpAddr;

/// The version of smoltcp this target links, for reports.
pub const VERSION: &str = "smoltcp 0.14";

/// The device: packets in from the peer, packets out from the stack.
#[derive(Debug, Default)]
struct Wire {
    inbound: VecDeque<Vec<u8>>,
    outbound: Vec<Vec<u8>>,
}

struct Rx(Vec<u8>);
struct Tx<'a>(&'a mut Vec<Vec<u8>>);

impl phy::RxToken for Rx {
    fn consume<R, F: FnOnce(&[u8]) -> R>(self, f: F) -> R {
        f(&self.0)
    }
}

impl phy::TxToken for Tx<'_> {
    fn consume<R, F: FnOnce(&mut [u8]) -> R>(self, len: usize, f: F) -> R {
        let mut packet = vec![0; len];
        let result = f(&mut packet);
        self.0.push(packet);
        result
    }
}

impl Device for Wire {
    type RxToken<'a> = Rx;
    type TxToken<'a> = Tx<'a>;

    fn receive(&mut self, _: Instant) -> Option<(Rx, Tx<'_>)> {
        let packet = self.inbound.pop_front()?;
        Some((Rx(packet), Tx(&mut self.outbound)))
    }

    fn transmit(&mut self, _: Instant) -> Option<Tx<'_>> {
        Some(Tx(&mut self.outbound))
    }

    fn capabilities(&self) -> DeviceCapabilities {
        // The default checksum capabilities verify every checksum, as a stack on a real
        // link must: the bad-checksum self-check relies on it.
        let mut caps = DeviceCapabilities::default();
        caps.medium = Medium::Ip;
        caps.max_transmission_unit = 1500;
        caps
    }
}

/// smoltcp with one socket.
pub struct Smoltcp {
    iface: Interface,
    wire: Wire,
    sockets: SocketSet<'static>,
    socket: SocketHandle,
    now: Instant,
}

impl std::fmt::Debug for Smoltcp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Smoltcp").field("now", &self.now).finish()
    }
}

fn address(ip: IpAddr) -> IpAddress {
    match ip {
        IpAddr::V4(v4) => IpAddress::Ipv4(v4),
        IpAddr::V6(v6) => IpAddress::Ipv6(v6),
    }
}

impl Default for Smoltcp {
    fn default() -> Self {
        Smoltcp::new()
    }
}

impl Smoltcp {
    /// A fresh interface at [`STACK`]'s address with a closed socket, at time zero. The
    /// random seed is fixed, so ISSs and every run are the same.
    pub fn new() -> Smoltcp {
        let mut wire = Wire::default();
        let mut config = Config::new(HardwareAddress::Ip);
        config.random_seed = 0x7463_7066_736d;
        let now = Instant::from_millis(0);
        let mut iface = Interface::new(config, &mut wire, now);
        iface.update_ip_addrs(|addrs| {
            addrs
                .push(IpCidr::new(address(STACK.ip()), 24))
                .expect("one address fits");
        });
        let mut socket = tcp::Socket::new(
            tcp::SocketBuffer::new(vec![0; 4096]),
            tcp::SocketBuffer::new(vec![0; 4096]),
        );
        // Acknowledge at once and send at once, so each step's segments come in that step.
        socket.set_ack_delay(None);
        socket.set_nagle_enabled(false);
        let mut sockets = SocketSet::new(Vec::new());
        let socket = sockets.add(socket);
        Smoltcp {
            iface,
            wire,
            sockets,
            socket,
            now,
        }
    }

    fn socket(&mut self) -> &mut tcp::Socket<'static> {
        self.sockets.get_mut::<tcp::Socket>(self.socket)
    }

    /// Polls until the interface has nothing more to do at this instant (bounded).
    fn poll(&mut self) {
        for _ in 0..16 {
            let before = self.wire.outbound.len();
            self.iface.poll(self.now, &mut self.wire, &mut self.sockets);
            if self.wire.inbound.is_empty() && self.wire.outbound.len() == before {
                break;
            }
        }
    }

    /// Advances the clock by `total` in `step`s, polling at each.
    fn advance(&mut self, total: Duration, step: Duration) {
        let end = self.now + total;
        while self.now < end {
            self.now += step;
            self.poll();
        }
    }
}

impl Stack for Smoltcp {
    fn call(&mut self, call: Call) -> Result<Option<String>, NotDriven> {
        let refusal = match call {
            Call::PassiveOpen => self
                .socket()
                .listen(STACK.port())
                .err()
                .map(|e| e.to_string()),
            Call::ActiveOpen => {
                let remote = IpEndpoint::new(address(PEER.ip()), PEER.port());
                let cx = self.iface.context();
                let socket = self.sockets.get_mut::<tcp::Socket>(self.socket);
                socket
                    .connect(cx, remote, STACK.port())
                    .err()
                    .map(|e| e.to_string())
            }
            Call::Send => match self
                .socket()
                .send_slice(&[0x61; super::peer::TEXT as usize])
            {
                Ok(_) => None,
                Err(e) => Some(e.to_string()),
            },
            Call::Close => {
                self.socket().close();
                None
            }
            Call::Abort => {
                self.socket().abort();
                None
            }
        };
        self.poll();
        Ok(refusal)
    }

    fn deliver(&mut self, packet: &[u8]) {
        self.wire.inbound.push_back(packet.to_vec());
        self.poll();
    }

    fn expire(&mut self, timer: Timer) -> Result<(), NotDriven> {
        match timer {
            Timer::TimeWait if self.socket().state() != tcp::State::TimeWait => {
                return Err(NotDriven(format!(
                    "the 2 MSL timer runs only in TIME-WAIT, not in {}",
                    self.socket().state()
                )));
            }
            // smoltcp keeps TIME-WAIT for 10 s (CLOSE_DELAY in its TCP socket).
            Timer::TimeWait => self.advance(Duration::from_secs(11), Duration::from_secs(1)),
            Timer::User => {
                let state = self.socket().state();
                use tcp::State::*;
                if matches!(state, Listen | TimeWait | FinWait2 | Closed) {
                    return Err(NotDriven(format!(
                        "smoltcp's timeout runs only while something it sent is unacknowledged, \
                         and in {state} nothing can be"
                    )));
                }
                self.socket().set_timeout(Some(Duration::from_secs(1)));
                // Something unacknowledged for the timeout to run on (RFC 793 3.8: the user
                // timeout is about data not delivered); SYN or FIN already are.
                if self.socket().may_send() {
                    let _ = self.socket().send_slice(b"a");
                }
                self.advance(Duration::from_secs(5), Duration::from_millis(250));
            }
        }
        Ok(())
    }

    fn emitted(&mut self) -> Vec<Segment> {
        self.wire
            .outbound
            .drain(..)
            .filter_map(|p| decode(DataLink::RAW, &p).ok())
            .map(|c| c.segment)
            .collect()
    }

    fn state(&mut self) -> Option<String> {
        match self.socket().state() {
            tcp::State::Closed => None,
            state => Some(state.to_string()),
        }
    }
}
