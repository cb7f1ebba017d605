//! Damaged captures never make `track` panic: random bytes, valid captures cut anywhere,
//! and valid captures with bytes flipped give a report, a skip count or a clear error.

use proptest::prelude::*;
use tcp_engine::interpreter::Interpreter;
use tcp_engine::track::capture::CaptureError;
use tcp_engine::track::synth::{Shape, write_capture};
use tcp_engine::track::tracker::Detail;
use tcp_engine::track::{Outcome, TrackError, track};

fn valid_pcap() -> &'static [u8] {
    static CAPTURE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    CAPTURE.get_or_init(|| {
        let mut bytes = Vec::new();
        let shape = Shape {
            connections: 12,
            data_segments: 2,
            concurrent: 4,
        };
        write_capture(&mut bytes, shape).unwrap();
        bytes
    })
}

/// Byte offsets where the records of [`valid_pcap`] end.
fn record_ends() -> Vec<usize> {
    let mut reader = pcap_file::pcap::PcapReader::new(valid_pcap()).unwrap();
    let mut end = 24;
    let mut ends = Vec::new();
    while let Some(packet) = reader.next_packet() {
        end += 16 + packet.unwrap().data.len();
        ends.push(end);
    }
    ends
}

/// [`valid_pcap`] rewritten as pcapng, with a nanosecond `if_tsresol` option.
fn valid_pcapng() -> &'static [u8] {
    use pcap_file::pcapng::PcapNgWriter;
    use pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketBlock;
    use pcap_file::pcapng::blocks::interface_description::{
        InterfaceDescriptionBlock, InterfaceDescriptionOption,
    };
    static CAPTURE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    CAPTURE.get_or_init(|| {
        let mut reader = pcap_file::pcap::PcapReader::new(valid_pcap()).unwrap();
        let mut writer = PcapNgWriter::new(Vec::new()).unwrap();
        let interface = InterfaceDescriptionBlock {
            linktype: pcap_file::DataLink::ETHERNET,
            snaplen: 0,
            options: vec![InterfaceDescriptionOption::IfTsResol(9)],
        };
        writer.write_pcapng_block(interface).unwrap();
        while let Some(packet) = reader.next_packet() {
            let packet = packet.unwrap();
            let block = EnhancedPacketBlock {
                interface_id: 0,
                timestamp: packet.timestamp,
                original_len: packet.orig_len,
                data: packet.data,
                options: vec![],
            };
            writer.write_pcapng_block(block).unwrap();
        }
        writer.into_inner()
    })
}

/// The pcap magic numbers (both byte orders, micro- and nanoseconds) and pcapng's.
const CAPTURE_MAGICS: [[u8; 4]; 5] = [
    [0xa1, 0xb2, 0xc3, 0xd4],
    [0xd4, 0xc3, 0xb2, 0xa1],
    [0xa1, 0xb2, 0x3c, 0x4d],
    [0x4d, 0x3c, 0xb2, 0xa1],
    [0x0a, 0x0d, 0x0d, 0x0a],
];

/// The blocks of [`valid_pcapng`] (little-endian): the byte offset where each ends, and
/// whether it is a packet (an enhanced packet block).
fn pcapng_blocks() -> Vec<(usize, bool)> {
    const ENHANCED_PACKET: u32 = 6;
    let bytes = valid_pcapng();
    let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    let mut blocks = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let end = at + word(at + 4) as usize;
        blocks.push((end, word(at) == ENHANCED_PACKET));
        at = end;
    }
    blocks
}

fn checked_in(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata")
            .join(name),
    )
    .unwrap()
}

/// Tracks `bytes` and checks the promises about damaged input: either the header is
/// refused, or every frame read is counted as a segment or a skip.
fn track_anything(bytes: &[u8]) -> Result<Outcome, CaptureError> {
    let spec = tcp_engine::spec();
    let machine = Interpreter::new(&spec).unwrap();
    let outcome = match track(bytes, machine, Detail::Timeline) {
        Ok(outcome) => outcome,
        Err(TrackError::Capture(error)) => return Err(error),
        Err(TrackError::Binding(error)) => panic!("the bundled spec binds: {error}"),
    };
    let totals = &outcome.tracking.totals;
    let skipped: u64 = totals.skipped.values().sum();
    assert_eq!(totals.frames, totals.segments + skipped);
    if let Some(CaptureError::Record { number, offset, .. }) = &outcome.damage {
        assert_eq!(
            *number,
            totals.frames + 1,
            "the damaged record is the next frame"
        );
        assert!(*offset <= bytes.len() as u64);
    }
    // Rendering a damaged result must not panic either.
    let report = tcp_engine::track::report::Report {
        capture: "fuzz",
        spec: &spec,
        tracking: &outcome.tracking,
    };
    let _ = (
        report.timeline(),
        report.summary(),
        report.json(outcome.damage.as_ref()),
    );
    Ok(outcome)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_without_a_capture_magic_are_refused_naming_their_start(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let magic = bytes.get(..4).is_some_and(|start| CAPTURE_MAGICS.iter().any(|m| m == start));
        prop_assume!(!magic);
        match track_anything(&bytes) {
            Err(CaptureError::NotCapture(start)) => {
                let shown: Vec<String> = bytes.iter().take(4).map(|b| format!("{b:02x}")).collect();
                prop_assert!(start.contains(&shown.join(" ")), "{start}");
            }
            other => prop_assert!(false, "not refused as not a capture: {:?}", other.map(|o| o.tracking.totals)),
        }
    }

    #[test]
    fn random_bytes_after_a_pcap_header_are_read_or_reported(tail in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let mut bytes = valid_pcap()[..24].to_vec();
        bytes.extend_from_slice(&tail);
        prop_assert!(track_anything(&bytes).is_ok(), "a valid header is never refused");
    }

    #[test]
    fn a_capture_cut_anywhere_reads_every_record_before_the_cut(cut in 0usize..2000) {
        let bytes = valid_pcap();
        let cut = cut.min(bytes.len());
        match track_anything(&bytes[..cut]) {
            Ok(outcome) => {
                prop_assert!(cut >= 24);
                let ends = record_ends();
                let complete = ends.iter().filter(|&&end| end <= cut).count() as u64;
                prop_assert_eq!(outcome.tracking.totals.frames, complete);
                prop_assert_eq!(outcome.damage.is_some(), !ends.contains(&cut) && cut > 24);
            }
            Err(error) => prop_assert!(cut < 24, "only a cut header is refused: {}", error),
        }
    }

    #[test]
    fn flipped_bits_never_panic(flips in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..8), 1..16)) {
        for base in [valid_pcap().to_vec(), valid_pcapng().to_vec(), checked_in("half_close.pcap")] {
            let mut bytes = base;
            for (index, bit) in &flips {
                let i = index.index(bytes.len());
                bytes[i] ^= 1 << bit;
            }
            let _ = track_anything(&bytes);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_pcapng_capture_cut_anywhere_reads_every_packet_before_the_cut(cut in 0usize..3000) {
        let bytes = valid_pcapng();
        let cut = cut.min(bytes.len());
        let blocks = pcapng_blocks();
        let section_end = blocks[0].0;
        match track_anything(&bytes[..cut]) {
            Ok(outcome) => {
                prop_assert!(cut >= section_end, "a cut section header is read");
                let complete = blocks.iter().filter(|&&(end, packet)| packet && end <= cut).count() as u64;
                prop_assert_eq!(outcome.tracking.totals.frames, complete);
                let at_a_block_end = blocks.iter().any(|&(end, _)| end == cut);
                prop_assert_eq!(outcome.damage.is_some(), !at_a_block_end);
            }
            Err(error) => prop_assert!(cut < section_end, "only a cut section header is refused: {}", error),
        }
    }
}

#[test]
fn the_pcapng_form_tracks_like_the_pcap_form() {
    let pcap = track_anything(valid_pcap()).unwrap();
    let pcapng = track_anything(valid_pcapng()).unwrap();
    assert!(pcapng.damage.is_none(), "{:?}", pcapng.damage);
    assert_eq!(
        pcapng.tracking.totals.segments,
        pcap.tracking.totals.segments
    );
    assert_eq!(
        pcapng.tracking.totals.start, pcap.tracking.totals.start,
        "if_tsresol 9 is honoured"
    );
    let finals = |o: &Outcome| {
        o.tracking
            .connections
            .iter()
            .map(|c| c.final_states.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(finals(&pcapng), finals(&pcap));
}

#[test]
fn the_synthetic_capture_is_clean() {
    let outcome = track_anything(valid_pcap()).unwrap();
    assert!(outcome.damage.is_none());
    let tracking = &outcome.tracking;
    assert_eq!(tracking.connections.len(), 12);
    let findings: usize = tracking.connections.iter().map(|c| c.findings.len()).sum();
    assert_eq!(findings, 0);
}
