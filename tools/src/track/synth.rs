//! Synthetic captures: many interleaved, well-behaved TCP connections written as pcap, for the
//! benchmark against tshark and for tests. Packets are built with `etherparse` and written
//! with `pcap-file`; nothing is sent anywhere.

use etherparse::PacketBuilder;
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
use pcap_file::{DataLink, PcapError};
use std::io::Write;
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
    syn: bool,
    ack: bool,
    fin: bool,
    rst: bool,
    len: u32,
}

const fn mv(from_client: bool, bits: &str, len: u32) -> Move {
    let b = bits.as_bytes();
    let mut m = Move {
        from_client,
        syn: false,
        ack: false,
        fin: false,
        rst: false,
        len,
    };
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'S' => m.syn = true,
            b'A' => m.ack = true,
            b'F' => m.fin = true,
            b'R' => m.rst = true,
            _ => {}
        }
        i += 1;
    }
    m
}

fn script(plot: Plot, data_segments: u32) -> Vec<Move> {
    let mut moves = vec![mv(true, "S", 0)];
    if plot == Plot::Refused {
        moves.push(mv(false, "RA", 0));
        return moves;
    }
    moves.extend([mv(false, "SA", 0), mv(true, "A", 0)]);
    for i in 0..data_segments {
        let from_client = i % 2 == 0;
        moves.extend([mv(from_client, "A", 100), mv(!from_client, "A", 0)]);
    }
    let first = plot == Plot::ClientCloses;
    moves.extend([
        mv(first, "FA", 0),
        mv(!first, "A", 0),
        mv(!first, "FA", 0),
        mv(first, "A", 0),
    ]);
    moves
}

/// Sequence state of one synthetic connection being written.
struct Flow {
    index: u32,
    moves: Vec<Move>,
    next: usize,
    /// Next sequence number of client and server.
    snd: [u32; 2],
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
                index.wrapping_mul(2_654_435_761),
                index.wrapping_mul(40_503) ^ 0x5555,
            ],
        }
    }

    /// The next packet as Ethernet bytes, or `None` when the connection is over.
    fn packet(&mut self) -> Option<Vec<u8>> {
        let m = *self.moves.get(self.next)?;
        self.next += 1;
        let client = [127, 1, (self.index >> 16) as u8, (self.index >> 8) as u8];
        let client_port = 1024 + (self.index & 0xff) as u16 * 200;
        let server = [127, 0, 0, 1];
        let (me, peer) = if m.from_client { (0, 1) } else { (1, 0) };
        let (src, dst, sport, dport) = if m.from_client {
            (client, server, client_port, 80)
        } else {
            (server, client, 80, client_port)
        };
        let seq = if m.rst { 0 } else { self.snd[me] };
        let mut builder = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
            .ipv4(src, dst, 64)
            .tcp(sport, dport, seq, 65535);
        if m.ack {
            builder = builder.ack(self.snd[peer]);
        }
        if m.syn {
            builder = builder.syn();
        }
        if m.fin {
            builder = builder.fin();
        }
        if m.rst {
            builder = builder.rst();
        }
        let payload = vec![0x61; m.len as usize];
        let mut bytes = Vec::with_capacity(builder.size(payload.len()));
        builder
            .write(&mut bytes, &payload)
            .expect("writing to a Vec cannot fail");
        self.snd[me] = self.snd[me].wrapping_add(m.len + u32::from(m.syn) + u32::from(m.fin));
        Some(bytes)
    }
}

/// Writes a synthetic capture of `shape` to `out` as pcap (Ethernet, microsecond
/// timestamps); returns the number of packets written.
///
/// ```
/// use tcp_fsm_tools::track::synth::{write_capture, Shape};
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
