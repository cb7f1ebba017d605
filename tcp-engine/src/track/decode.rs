//! Decoding a captured frame into a [`Segment`] and its addresses with `etherparse`, or saying
//! why the frame is skipped.

use crate::wire::{Control, Segment, SeqNum};
use etherparse::{
    EtherType, IpNumber, LaxNetSlice, LaxSlicedPacket, LinkSlice, LinuxSllHeaderSlice,
    LinuxSllProtocolType, TransportSlice,
};
use pcap_file::DataLink;
use std::net::{IpAddr, SocketAddr};

/// A segment as a capture shows it: the segment, and who sent it to whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Captured {
    /// Sender address and port.
    pub src: SocketAddr,
    /// Receiver address and port.
    pub dst: SocketAddr,
    /// The segment; its `data` is the length from the IP length fields, not cut by the
    /// snapshot length.
    pub segment: Segment,
    /// The window field as sent (not scaled): Zeek's history notes zero windows.
    pub window: u16,
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
pub fn decode(link: DataLink, data: &[u8]) -> Result<Captured, Skip> {
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

fn segment_of(packet: &LaxSlicedPacket) -> Result<Captured, Skip> {
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
    let flags = tcp.header_slice().get(13).copied().ok_or(Skip::Malformed)?;
    let segment = Segment {
        data: u32::try_from(payload_len).map_err(|_| Skip::Malformed)?,
        ..Segment::new(
            SeqNum(tcp.sequence_number()),
            Control::from_header_flags(flags),
        )
    };
    Ok(Captured {
        src: SocketAddr::new(src, tcp.source_port()),
        dst: SocketAddr::new(dst, tcp.destination_port()),
        segment: match tcp.ack() {
            true => segment.with_ack(SeqNum(tcp.acknowledgment_number())),
            false => segment,
        },
        window: tcp.window_size(),
    })
}

/// Addresses of two IP families in one segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot send from {src} to {dst}: the addresses are of different IP families")]
pub struct MixedFamilies {
    pub src: SocketAddr,
    pub dst: SocketAddr,
}

/// The Ethernet frame that carries `captured` over IPv4 or IPv6 (by its addresses), with
/// `data` octets of text: what [`decode`] reads back.
pub fn encode_ethernet(captured: &Captured) -> Result<Vec<u8>, MixedFamilies> {
    let link = etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2]);
    match (captured.src.ip(), captured.dst.ip()) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            Ok(encode_tcp(link.ipv4(s.octets(), d.octets(), 64), captured))
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => {
            Ok(encode_tcp(link.ipv6(s.octets(), d.octets(), 64), captured))
        }
        _ => Err(mixed(captured)),
    }
}

/// Encodes a segment as a raw IPv4 or IPv6 packet (what a TUN device carries with
/// `IFF_NO_PI`, and a `Medium::Ip` device of smoltcp), checksums computed.
pub fn encode_ip(captured: &Captured) -> Result<Vec<u8>, MixedFamilies> {
    use etherparse::PacketBuilder;
    match (captured.src.ip(), captured.dst.ip()) {
        (IpAddr::V4(s), IpAddr::V4(d)) => Ok(encode_tcp(
            PacketBuilder::ipv4(s.octets(), d.octets(), 64),
            captured,
        )),
        (IpAddr::V6(s), IpAddr::V6(d)) => Ok(encode_tcp(
            PacketBuilder::ipv6(s.octets(), d.octets(), 64),
            captured,
        )),
        _ => Err(mixed(captured)),
    }
}

fn mixed(captured: &Captured) -> MixedFamilies {
    MixedFamilies {
        src: captured.src,
        dst: captured.dst,
    }
}

/// The TCP header and text of `captured` on top of an IP (over a link or not) builder; one
/// function for both encoders, so both set the same bits the same way.
fn encode_tcp(
    ip: etherparse::PacketBuilderStep<etherparse::IpHeaders>,
    captured: &Captured,
) -> Vec<u8> {
    let Captured {
        src,
        dst,
        segment,
        window,
    } = *captured;
    let mut tcp = ip.tcp(src.port(), dst.port(), segment.seq.0, window);
    if let Some(ack) = segment.acknowledgment() {
        tcp = tcp.ack(ack.0);
    }
    if segment.has(Control::SYN) {
        tcp = tcp.syn();
    }
    if segment.has(Control::FIN) {
        tcp = tcp.fin();
    }
    if segment.has(Control::RST) {
        tcp = tcp.rst();
    }
    let payload = vec![0x61; segment.data as usize];
    let mut bytes = Vec::with_capacity(tcp.size(payload.len()));
    tcp.write(&mut bytes, &payload)
        .expect("writing to a Vec cannot fail");
    bytes
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
        let captured = decode(DataLink::ETHERNET, &ethernet_tcp(true, b"hello")).unwrap();
        assert_eq!(captured.src, "127.0.0.1:40000".parse().unwrap());
        assert_eq!(captured.dst, "127.0.0.2:80".parse().unwrap());
        let segment = captured.segment;
        assert_eq!(segment.to_string(), "<SEQ=1000><ACK=7><CTL=SYN,ACK><DATA>");
        assert_eq!((segment.data, segment.len()), (5, 6));
    }

    #[test]
    fn an_encoded_frame_decodes_to_the_same_segment() {
        for (src, dst) in [
            ("198.18.0.1:40000", "198.18.0.2:80"),
            ("[2001:db8::1]:40000", "[2001:db8::2]:80"),
        ] {
            let segment: Segment = "<SEQ=4294967295><ACK=7><CTL=FIN,ACK><DATA=3>"
                .parse()
                .unwrap();
            let captured = Captured {
                src: src.parse().unwrap(),
                dst: dst.parse().unwrap(),
                segment,
                window: 1000,
            };
            let frame = encode_ethernet(&captured).unwrap();
            assert_eq!(decode(DataLink::ETHERNET, &frame), Ok(captured));
        }
        let mixed = Captured {
            src: "198.18.0.1:1".parse().unwrap(),
            dst: "[2001:db8::2]:80".parse().unwrap(),
            segment: "<SEQ=1><CTL=SYN>".parse().unwrap(),
            window: 1000,
        };
        assert!(encode_ethernet(&mixed).is_err());
    }

    #[test]
    fn a_frame_cut_by_the_snapshot_length_keeps_its_real_length() {
        let mut frame = ethernet_tcp(false, &[0; 100]);
        frame.truncate(frame.len() - 60);
        assert_eq!(
            decode(DataLink::ETHERNET, &frame).unwrap().segment.data,
            100
        );
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
}
