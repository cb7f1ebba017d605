//! Synthetic captures: many interleaved, well-behaved TCP connections written as pcap, for the
//! benchmark against tshark and for tests. Packets are built with `etherparse` and written
//! with `pcap-file`; nothing is sent anywhere.

use super::decode::{Captured, encode_ethernet};
use crate::wire::{Control, Segment, SeqNum};
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
use pcap_file::{DataLink, PcapError};
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// The shape of a synthetic capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Number of connections.
    pub connections: u32,
    /// Data segments (each answered by an ACK) per connection.
    pub data_segments: u32,
    /// How many connections are open at once; their packets are interleaved.
    pub concurrent: u32,
}

impl Shape {
    /// A shape with about `packets` packets: connections of 4 data segments each, 64 at
    /// a time.
    pub fn with_packets(packets: u64) -> Shape {
        let data_segments = 4;
        // Of every 10 connections, 9 are complete (7 + 2 per data segment) and 1 is refused (2).
        let per_ten = 9 * (7 + 2 * u64::from(data_segments)) + 2;
        let connections = (packets * 10).div_ceil(per_ten);
        Shape {
            connections: u32::try_from(connections).unwrap_or(u32::MAX),
            data_segments,
            concurrent: 64,
        }
    }
}

/// Which side does what in a synthetic connection; chosen by the connection's index so the
/// capture is the same on every run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plot {
    /// Handshake, data, the client closes first.
    ClientCloses,
    /// Handshake, data, the server closes first.
    ServerCloses,
    /// SYN answered by RST,ACK: nothing listens.
    Refused,
}

/// One packet to be: who sends, control bits, data length.
#[derive(Debug, Clone, Copy)]
struct Move {
    from_client: bool,
    ctl: Control,
    len: u32,
}

fn mv(from_client: bool, ctl: Control, len: u32) -> Move {
    Move {
        from_client,
        ctl,
        len,
    }
}

fn script(plot: Plot, data_segments: u32) -> Vec<Move> {
    const SYN: Control = Control::SYN;
    const ACK: Control = Control::ACK;
    let fin_ack = Control::FIN | ACK;
    let mut moves = vec![mv(true, SYN, 0)];
    if plot == Plot::Refused {
        moves.push(mv(false, Control::RST | ACK, 0));
        return moves;
    }
    moves.extend([mv(false, SYN | ACK, 0), mv(true, ACK, 0)]);
    for i in 0..data_segments {
        let from_client = i % 2 == 0;
        moves.extend([mv(from_client, ACK, 100), mv(!from_client, ACK, 0)]);
    }
    let first = plot == Plot::ClientCloses;
    moves.extend([
        mv(first, fin_ack, 0),
        mv(!first, ACK, 0),
        mv(!first, fin_ack, 0),
        mv(first, ACK, 0),
    ]);
    moves
}

/// Sequence state of one synthetic connection being written.
struct Flow {
    index: u32,
    moves: Vec<Move>,
    next: usize,
    /// Next sequence number of client and server.
    snd: [SeqNum; 2],
}

impl Flow {
    fn new(index: u32, shape: &Shape) -> Flow {
        let plot = match index % 10 {
            9 => Plot::Refused,
            3 | 6 => Plot::ServerCloses,
            _ => Plot::ClientCloses,
        };
        Flow {
            index,
            moves: script(plot, shape.data_segments),
            next: 0,
            snd: [
                SeqNum(index.wrapping_mul(2_654_435_761)),
                SeqNum(index.wrapping_mul(40_503) ^ 0x5555),
            ],
        }
    }

    /// The next packet as Ethernet bytes, or `None` when the connection is over.
    fn packet(&mut self) -> Option<Vec<u8>> {
        let m = *self.moves.get(self.next)?;
        self.next += 1;
        let client: IpAddr = [127, 1, (self.index >> 16) as u8, (self.index >> 8) as u8].into();
        let client = SocketAddr::new(client, 1024 + (self.index & 0xff) as u16 * 200);
        let server = SocketAddr::from(([127, 0, 0, 1], 80));
        let (me, peer) = if m.from_client { (0, 1) } else { (1, 0) };
        let (src, dst) = if m.from_client {
            (client, server)
        } else {
            (server, client)
        };
        let seq = if m.ctl.contains(Control::RST) {
            SeqNum(0)
        } else {
            self.snd[me]
        };
        let mut segment = Segment {
            data: m.len,
            ..Segment::new(seq, m.ctl)
        };
        if m.ctl.contains(Control::ACK) {
            segment = segment.with_ack(self.snd[peer]);
        }
        let bytes = encode_ethernet(&Captured {
            src,
            dst,
            segment,
            window: 65535,
        })
        .expect("both addresses are IPv4");
        self.snd[me] += segment.len();
        Some(bytes)
    }
}

/// Writes a synthetic capture of `shape` to `out` as pcap (Ethernet, microsecond
/// timestamps); returns the number of packets written.
///
/// ```
/// use tcp_engine::track::synth::{write_capture, Shape};
/// let mut pcap = Vec::new();
/// let shape = Shape { connections: 10, data_segments: 2, concurrent: 3 };
/// assert_eq!(write_capture(&mut pcap, shape).unwrap(), 9 * 11 + 2);
/// ```
pub fn write_capture<W: Write>(out: W, shape: Shape) -> Result<u64, PcapError> {
    let header = PcapHeader {
        datalink: DataLink::ETHERNET,
        ..PcapHeader::default()
    };
    let mut writer = PcapWriter::with_header(out, header)?;
    let mut active: Vec<Flow> = Vec::new();
    let mut started = 0;
    let mut written = 0u64;
    let start = Duration::from_secs(1_700_000_000);
    loop {
        while active.len() < shape.concurrent.max(1) as usize && started < shape.connections {
            active.push(Flow::new(started, &shape));
            started += 1;
        }
        if active.is_empty() {
            return Ok(written);
        }
        let mut i = 0;
        while i < active.len() {
            match active[i].packet() {
                Some(bytes) => {
                    let timestamp = start + Duration::from_micros(written);
                    let packet = PcapPacket::new(timestamp, bytes.len() as u32, &bytes);
                    writer.write_packet(&packet)?;
                    written += 1;
                    i += 1;
                }
                None => {
                    active.swap_remove(i);
                }
            }
        }
    }
}
