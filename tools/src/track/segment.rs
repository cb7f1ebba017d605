//! Decoding a captured frame into a TCP segment (addresses, sequence numbers, control bits,
//! length) with `etherparse`, or saying why the frame is skipped.

use etherparse::{
    EtherType, IpNumber, LaxNetSlice, LaxSlicedPacket, LinkSlice, LinuxSllHeaderSlice,
    LinuxSllProtocolType, TransportSlice,
};
use pcap_file::DataLink;
use std::fmt;
use std::net::{IpAddr, SocketAddr};

/// The TCP control bits the tracker reads (RFC 793 3.1), as a small bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Flags(u8);

impl Flags {
    /// No control bits.
    pub const NONE: Flags = Flags(0);
    /// FIN: no more data from the sender.
    pub const FIN: Flags = Flags(1);
    /// SYN: synchronize sequence numbers.
    pub const SYN: Flags = Flags(2);
    /// RST: reset the connection.
    pub const RST: Flags = Flags(4);
    /// ACK: the acknowledgment field is significant.
    pub const ACK: Flags = Flags(16);

    const NAMES: [(Flags, &'static str); 4] = [
        (Flags::SYN, "SYN"),
        (Flags::FIN, "FIN"),
        (Flags::RST, "RST"),
        (Flags::ACK, "ACK"),
    ];

    /// Whether every bit of `other` is set here.
    pub fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }

    /// Only the SYN, FIN and RST bits: what a spec's `send` is about, ACK aside.
    pub fn control(self) -> Flags {
        Flags(self.0 & (Flags::SYN.0 | Flags::FIN.0 | Flags::RST.0))
    }

    /// Whether no bit is set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Reads a spec's `send` value such as `"SYN,ACK"`; `None` names a bit this type does not
    /// know.
    ///
    /// ```
    /// use tcp_fsm_tools::track::segment::Flags;
    /// assert_eq!(Flags::parse("SYN,ACK"), Some(Flags::SYN | Flags::ACK));
    /// assert_eq!(Flags::parse("URG"), None);
    /// ```
    pub fn parse(text: &str) -> Option<Flags> {
        text.split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .try_fold(Flags::NONE, |flags, name| {
                let bit = Flags::NAMES
                    .iter()
                    .find(|(_, n)| n.eq_ignore_ascii_case(name))?;
                Some(flags | bit.0)
            })
    }
}

impl std::ops::BitOr for Flags {
    type Output = Flags;
    fn bitor(self, other: Flags) -> Flags {
        Flags(self.0 | other.0)
    }
}

impl fmt::Display for Flags {
    /// Writes the bits as the spec writes them, `SYN,ACK`; no bits at all is `none`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        let names: Vec<&str> = Flags::NAMES
            .iter()
            .filter(|(bit, _)| self.contains(*bit))
            .map(|(_, name)| *name)
            .collect();
        f.write_str(&names.join(","))
    }
}

/// A TCP segment as the tracker sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// Sender address and port.
    pub src: SocketAddr,
    /// Receiver address and port.
    pub dst: SocketAddr,
    /// Sequence number of the first octet (of the SYN, if set).
    pub seq: u32,
    /// Acknowledgment number; significant only with [`Flags::ACK`].
    pub ack: u32,
    /// Control bits.
    pub flags: Flags,
    /// Octets of data, from the IP length fields (not cut by the snapshot length).
    pub payload_len: u32,
}

impl Segment {
    /// The sequence space the segment occupies: data plus one for SYN and one for FIN
    /// (RFC 793 3.3, SEG.LEN).
    pub fn seq_len(&self) -> u32 {
        self.payload_len
            .saturating_add(u32::from(self.flags.contains(Flags::SYN)))
            .saturating_add(u32::from(self.flags.contains(Flags::FIN)))
    }

    /// The sequence number after the segment: SEG.SEQ + SEG.LEN.
    pub fn seq_end(&self) -> u32 {
        self.seq.wrapping_add(self.seq_len())
    }
}

/// Why a frame gives no TCP segment; the tracker counts skips by reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Skip {
    /// The link type is not Ethernet, Linux cooked (SLL, SLL2) or raw IP.
    UnsupportedLink,
    /// The frame carries something other than IPv4 or IPv6 (ARP, for example).
    NotIp,
    /// The IP packet carries something other than TCP.
    NotTcp,
    /// A fragment of an IP packet; fragments are not reassembled.
    Fragment,
    /// The headers are cut short or invalid.
    Malformed,
}

impl Skip {
    /// All reasons, in the order reports list them.
    pub const ALL: [Skip; 5] = [
        Skip::UnsupportedLink,
        Skip::NotIp,
        Skip::NotTcp,
        Skip::Fragment,
        Skip::Malformed,
    ];

    /// A short description for reports.
    pub fn describe(self) -> &'static str {
        match self {
            Skip::UnsupportedLink => "unsupported link type",
            Skip::NotIp => "not IP",
            Skip::NotTcp => "not TCP",
            Skip::Fragment => "IP fragment",
            Skip::Malformed => "malformed or cut short",
        }
    }
}

/// Decodes the TCP segment in a frame whose bytes start with a `link` header.
pub fn decode(link: DataLink, data: &[u8]) -> Result<Segment, Skip> {
    let packet = match link {
        DataLink::ETHERNET => LaxSlicedPacket::from_ethernet(data).map_err(|_| Skip::Malformed)?,
        DataLink::RAW | DataLink::IPV4 | DataLink::IPV6 => {
            LaxSlicedPacket::from_ip(data).map_err(|_| Skip::Malformed)?
        }
        DataLink::LINUX_SLL => {
            const SLL_LEN: usize = 16;
            let ether_type = match LinuxSllHeaderSlice::from_slice(data) {
                Ok(header) => match header.protocol_type() {
                    LinuxSllProtocolType::EtherType(ether_type) => ether_type,
                    _ => return Err(Skip::NotIp),
                },
                // etherparse refuses hardware types it does not list, among them
                // ARPHRD_LOOPBACK, which `tcpdump -i any` records for lo. For those the
                // protocol field (bytes 14-15) is an EtherType
                // (https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html).
                Err(etherparse::err::linux_sll::HeaderSliceError::Content(
                    etherparse::err::linux_sll::HeaderError::UnsupportedArpHardwareId { .. },
                )) => match data.get(14..SLL_LEN) {
                    Some(&[high, low]) => EtherType(u16::from_be_bytes([high, low])),
                    _ => return Err(Skip::Malformed),
                },
                Err(_) => return Err(Skip::Malformed),
            };
            let payload = data.get(SLL_LEN..).ok_or(Skip::Malformed)?;
            LaxSlicedPacket::from_ether_type(ether_type, payload)
        }
        DataLink::LINUX_SLL2 => {
            // etherparse has no SLL2 type. Its 20-byte header starts with the EtherType of
            // the payload (https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html).
            const SLL2_LEN: usize = 20;
            let (Some(protocol), Some(payload)) = (data.get(..2), data.get(SLL2_LEN..)) else {
                return Err(Skip::Malformed);
            };
            let ether_type = EtherType(u16::from_be_bytes([protocol[0], protocol[1]]));
            LaxSlicedPacket::from_ether_type(ether_type, payload)
        }
        _ => return Err(Skip::UnsupportedLink),
    };
    segment_of(&packet)
}

fn segment_of(packet: &LaxSlicedPacket) -> Result<Segment, Skip> {
    let (src, dst, ip_payload_len, fragmented) = match &packet.net {
        Some(LaxNetSlice::Ipv4(ipv4)) => {
            let header = ipv4.header();
            let ext_len = ipv4.extensions().auth.map_or(0, |auth| auth.slice().len());
            let declared = usize::from(header.total_len())
                .checked_sub(usize::from(header.ihl()) * 4 + ext_len);
            let fragmented = ipv4.payload().fragmented;
            let src = IpAddr::V4(header.source_addr());
            let dst = IpAddr::V4(header.destination_addr());
            (src, dst, declared, fragmented)
        }
        Some(LaxNetSlice::Ipv6(ipv6)) => {
            let header = ipv6.header();
            let ext_len = ipv6.extensions().slice().len();
            let declared = usize::from(header.payload_length()).checked_sub(ext_len);
            let fragmented = ipv6.payload().fragmented;
            let src = IpAddr::V6(header.source_addr());
            let dst = IpAddr::V6(header.destination_addr());
            (src, dst, declared, fragmented)
        }
        Some(LaxNetSlice::Arp(_)) => return Err(Skip::NotIp),
        None => {
            return Err(match packet.link {
                Some(LinkSlice::Ethernet2(_)) | Some(LinkSlice::EtherPayload(_))
                    if packet.stop_err.is_none() =>
                {
                    Skip::NotIp
                }
                _ => Skip::Malformed,
            });
        }
    };
    if fragmented {
        return Err(Skip::Fragment);
    }
    let ip_payload = packet
        .net
        .as_ref()
        .and_then(LaxNetSlice::ip_payload_ref)
        .ok_or(Skip::Malformed)?;
    if ip_payload.ip_number != IpNumber::TCP {
        return Err(Skip::NotTcp);
    }
    let Some(TransportSlice::Tcp(tcp)) = &packet.transport else {
        return Err(Skip::Malformed);
    };
    // The IP length fields give the segment's real length even when the snapshot length
    // cut the capture short; a zero IP length (segmentation offload) leaves the bytes seen.
    let header_len = tcp.header_slice().len();
    let payload_len = match ip_payload_len {
        Some(declared) if declared > 0 => {
            declared.checked_sub(header_len).ok_or(Skip::Malformed)?
        }
        _ => tcp.payload().len(),
    };
    let flag = |set: bool, bit: Flags| if set { bit } else { Flags::NONE };
    Ok(Segment {
        src: SocketAddr::new(src, tcp.source_port()),
        dst: SocketAddr::new(dst, tcp.destination_port()),
        seq: tcp.sequence_number(),
        ack: tcp.acknowledgment_number(),
        flags: flag(tcp.syn(), Flags::SYN)
            | flag(tcp.ack(), Flags::ACK)
            | flag(tcp.fin(), Flags::FIN)
            | flag(tcp.rst(), Flags::RST),
        payload_len: u32::try_from(payload_len).map_err(|_| Skip::Malformed)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use etherparse::PacketBuilder;

    fn ethernet_tcp(syn: bool, payload: &[u8]) -> Vec<u8> {
        let mut builder = PacketBuilder::ethernet2([1; 6], [2; 6])
            .ipv4([127, 0, 0, 1], [127, 0, 0, 2], 64)
            .tcp(40000, 80, 1000, 65535)
            .ack(7);
        if syn {
            builder = builder.syn();
        }
        let mut bytes = Vec::new();
        builder.write(&mut bytes, payload).unwrap();
        bytes
    }

    #[test]
    fn an_ethernet_frame_gives_addresses_numbers_and_bits() {
        let segment = decode(DataLink::ETHERNET, &ethernet_tcp(true, b"hello")).unwrap();
        assert_eq!(segment.src, "127.0.0.1:40000".parse().unwrap());
        assert_eq!(segment.dst, "127.0.0.2:80".parse().unwrap());
        assert_eq!((segment.seq, segment.ack), (1000, 7));
        assert_eq!(segment.flags.to_string(), "SYN,ACK");
        assert_eq!((segment.payload_len, segment.seq_len()), (5, 6));
    }

    #[test]
    fn a_frame_cut_by_the_snapshot_length_keeps_its_real_length() {
        let mut frame = ethernet_tcp(false, &[0; 100]);
        frame.truncate(frame.len() - 60);
        assert_eq!(decode(DataLink::ETHERNET, &frame).unwrap().payload_len, 100);
    }

    #[test]
    fn frames_without_tcp_are_skipped_with_a_reason() {
        let mut udp = Vec::new();
        PacketBuilder::ipv4([127, 0, 0, 1], [127, 0, 0, 1], 64)
            .udp(1, 2)
            .write(&mut udp, b"x")
            .unwrap();
        assert_eq!(decode(DataLink::RAW, &udp), Err(Skip::NotTcp));
        assert_eq!(decode(DataLink::ETHERNET, &[0; 5]), Err(Skip::Malformed));
        assert_eq!(decode(DataLink::PPP, &udp), Err(Skip::UnsupportedLink));
    }

    #[test]
    fn send_values_of_the_spec_parse_as_flags() {
        assert_eq!(Flags::parse("RST"), Some(Flags::RST));
        assert_eq!(Flags::parse("SYN, ACK"), Some(Flags::SYN | Flags::ACK));
        assert_eq!(Flags::parse("PSH"), None);
    }
}
