//! Reading capture files: pcap and pcapng, through the `pcap-file` crate, into numbered
//! frames with a timestamp and a link type.
//!
//! The whole file is read into memory and parsed in place, so a frame borrows its bytes and
//! a damaged record can be named by its packet number and byte offset.

use pcap_file::pcap::PcapParser;
use pcap_file::pcapng::{Block, PcapNgParser};
use pcap_file::{DataLink, PcapError, TsResolution};
use std::path::Path;
use std::time::Duration;

/// Captures larger than this are refused before reading: the file is held in memory.
pub const MAX_CAPTURE_BYTES: u64 = 8 * 1024 * 1024 * 1024;

/// One captured frame.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// 1-based number of the frame in the capture, as Wireshark and tcpdump count them.
    pub number: u64,
    /// When the frame was captured, since the Unix epoch.
    pub timestamp: Duration,
    /// The link-layer header type the bytes start with.
    pub link: DataLink,
    /// The captured bytes (possibly cut short by the snapshot length).
    pub data: &'a [u8],
}

/// Why a capture cannot be read, or where it stops being readable.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// The file cannot be opened or read.
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    /// The file is larger than [`MAX_CAPTURE_BYTES`].
    #[error("is {0} bytes; captures are limited to {MAX_CAPTURE_BYTES} bytes")]
    TooLarge(u64),
    /// The file starts with neither a pcap nor a pcapng magic number.
    #[error("is not a pcap or pcapng capture (it starts with {0})")]
    NotCapture(String),
    /// The file header is cut short or invalid.
    #[error("has an invalid file header: {0}")]
    Header(String),
    /// A record after the header is cut short or invalid; frames before it were read.
    #[error("packet {number} (byte offset {offset}): {reason}; the capture is read up to there")]
    Record {
        /// The number the damaged frame would have had.
        number: u64,
        /// Byte offset of the damaged record in the file.
        offset: usize,
        /// What is wrong with it.
        reason: String,
    },
}

/// Reads the whole capture at `path` into memory.
pub fn read_file(path: &Path) -> Result<Vec<u8>, CaptureError> {
    let size = std::fs::metadata(path)?.len();
    if size > MAX_CAPTURE_BYTES {
        return Err(CaptureError::TooLarge(size));
    }
    Ok(std::fs::read(path)?)
}

/// The frames of a pcap or pcapng capture held in memory, in file order.
///
/// Iteration yields frames until the end of the file or the first damaged record, which is
/// yielded as an error and ends the iteration (a damaged length field leaves no reliable
/// way to find the next record).
pub struct Frames<'a> {
    bytes: &'a [u8],
    rest: &'a [u8],
    next_number: u64,
    format: Format,
    done: bool,
}

enum Format {
    Pcap(PcapParser),
    PcapNg {
        parser: Box<PcapNgParser>,
        /// Timestamp of the last enhanced packet, for simple packets that carry none.
        last_timestamp: Duration,
    },
}

const PCAP_MAGICS: [[u8; 4]; 4] = [
    [0xa1, 0xb2, 0xc3, 0xd4],
    [0xd4, 0xc3, 0xb2, 0xa1],
    [0xa1, 0xb2, 0x3c, 0x4d],
    [0x4d, 0x3c, 0xb2, 0xa1],
];
const PCAPNG_MAGIC: [u8; 4] = [0x0a, 0x0d, 0x0d, 0x0a];

impl<'a> Frames<'a> {
    /// Starts reading `bytes`, which must begin with a pcap or pcapng file header.
    pub fn new(bytes: &'a [u8]) -> Result<Self, CaptureError> {
        let magic: [u8; 4] = bytes
            .get(..4)
            .and_then(|m| m.try_into().ok())
            .ok_or_else(|| CaptureError::NotCapture(describe_start(bytes)))?;
        let (rest, format) = if PCAP_MAGICS.contains(&magic) {
            let (rest, parser) = PcapParser::new(bytes).map_err(header_error)?;
            (rest, Format::Pcap(parser))
        } else if magic == PCAPNG_MAGIC {
            let (rest, parser) = PcapNgParser::new(bytes).map_err(header_error)?;
            let parser = Box::new(parser);
            let last_timestamp = Duration::ZERO;
            (
                rest,
                Format::PcapNg {
                    parser,
                    last_timestamp,
                },
            )
        } else {
            return Err(CaptureError::NotCapture(describe_start(bytes)));
        };
        Ok(Frames {
            bytes,
            rest,
            next_number: 1,
            format,
            done: false,
        })
    }

    fn offset(&self) -> usize {
        self.bytes.len() - self.rest.len()
    }

    fn record_error(&mut self, error: PcapError) -> CaptureError {
        self.done = true;
        let reason = match error {
            PcapError::IncompleteBuffer => "the record is cut short (truncated file)".to_string(),
            other => other.to_string(),
        };
        CaptureError::Record {
            number: self.next_number,
            offset: self.offset(),
            reason,
        }
    }

    fn next_pcap(&mut self) -> Option<Result<Frame<'a>, CaptureError>> {
        let Format::Pcap(parser) = &self.format else {
            unreachable!("next_pcap is called for pcap files only")
        };
        let header = parser.header();
        let (rest, raw) = match parser.next_raw_packet(self.rest) {
            Ok(parsed) => parsed,
            Err(error) => return Some(Err(self.record_error(error))),
        };
        // Lenient on purpose: a record longer than the snapshot length in the header is
        // kept (some writers set the header wrong); only the nanoseconds are checked.
        let nanos = match header.ts_resolution {
            TsResolution::MicroSecond => u64::from(raw.ts_frac) * 1_000,
            TsResolution::NanoSecond => u64::from(raw.ts_frac),
        };
        if nanos >= 1_000_000_000 {
            let error = PcapError::InvalidField("sub-second timestamp is one second or more");
            return Some(Err(self.record_error(error)));
        }
        let timestamp = Duration::new(u64::from(raw.ts_sec), nanos as u32);
        let data: &'a [u8] = match raw.data {
            std::borrow::Cow::Borrowed(data) => data,
            std::borrow::Cow::Owned(_) => unreachable!("parsing a slice borrows from it"),
        };
        self.rest = rest;
        Some(Ok(self.frame(timestamp, header.datalink, data)))
    }

    fn next_pcapng(&mut self) -> Option<Result<Frame<'a>, CaptureError>> {
        loop {
            if self.rest.is_empty() {
                return None;
            }
            let Format::PcapNg {
                parser,
                last_timestamp,
            } = &mut self.format
            else {
                unreachable!("next_pcapng is called for pcapng files only")
            };
            let (rest, block) = match parser.next_block(self.rest) {
                Ok(parsed) => parsed,
                Err(error) => return Some(Err(self.record_error(error))),
            };
            let packet = match block {
                Block::EnhancedPacket(packet) => {
                    let Some(interface) = parser.packet_interface(&packet) else {
                        let error = PcapError::InvalidInterfaceId(packet.interface_id);
                        return Some(Err(self.record_error(error)));
                    };
                    let timestamp = scale_timestamp(packet.timestamp, ts_resolution(interface));
                    *last_timestamp = timestamp;
                    Some((timestamp, interface.linktype, packet.data))
                }
                Block::SimplePacket(packet) => match parser.interfaces().first() {
                    Some(interface) => Some((*last_timestamp, interface.linktype, packet.data)),
                    None => {
                        let error = PcapError::InvalidInterfaceId(0);
                        return Some(Err(self.record_error(error)));
                    }
                },
                _ => None,
            };
            self.rest = rest;
            if let Some((timestamp, link, data)) = packet {
                let data: &'a [u8] = match data {
                    std::borrow::Cow::Borrowed(data) => data,
                    std::borrow::Cow::Owned(_) => unreachable!("parsing a slice borrows from it"),
                };
                return Some(Ok(self.frame(timestamp, link, data)));
            }
        }
    }

    fn frame(&mut self, timestamp: Duration, link: DataLink, data: &'a [u8]) -> Frame<'a> {
        let number = self.next_number;
        self.next_number += 1;
        Frame {
            number,
            timestamp,
            link,
            data,
        }
    }
}

impl<'a> Iterator for Frames<'a> {
    type Item = Result<Frame<'a>, CaptureError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.rest.is_empty() {
            return None;
        }
        match self.format {
            Format::Pcap(_) => self.next_pcap(),
            Format::PcapNg { .. } => self.next_pcapng(),
        }
    }
}

fn header_error(error: PcapError) -> CaptureError {
    match error {
        PcapError::IncompleteBuffer => CaptureError::Header("the file ends inside it".into()),
        other => CaptureError::Header(other.to_string()),
    }
}

fn describe_start(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "nothing: the file is empty".to_string();
    }
    let shown: Vec<String> = bytes.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("bytes {}", shown.join(" "))
}

/// The `if_tsresol` option of a pcapng interface: 6 (microseconds) when absent.
fn ts_resolution(
    interface: &pcap_file::pcapng::blocks::interface_description::InterfaceDescriptionBlock,
) -> u8 {
    use pcap_file::pcapng::blocks::interface_description::InterfaceDescriptionOption;
    interface
        .options
        .iter()
        .find_map(|option| match option {
            InterfaceDescriptionOption::IfTsResol(resolution) => Some(*resolution),
            _ => None,
        })
        .unwrap_or(6)
}

/// `pcap-file` returns a pcapng timestamp as raw units taken for nanoseconds; the units are
/// really 10^-r seconds (or 2^-r with the high bit of `if_tsresol` set, pcapng 4.2).
fn scale_timestamp(raw: Duration, resolution: u8) -> Duration {
    let units = raw.as_nanos();
    let nanos = if resolution & 0x80 == 0 {
        let exponent = u32::from(resolution.min(30));
        if exponent <= 9 {
            units.saturating_mul(10u128.pow(9 - exponent))
        } else {
            units / 10u128.pow(exponent - 9)
        }
    } else {
        let shift = u32::from((resolution & 0x7f).min(100));
        units.saturating_mul(1_000_000_000) >> shift.min(127)
    };
    Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_foreign_files_are_not_captures() {
        assert!(matches!(Frames::new(b""), Err(CaptureError::NotCapture(_))));
        let error = Frames::new(b"GIF89a...").err().unwrap();
        assert_eq!(
            error.to_string(),
            "is not a pcap or pcapng capture (it starts with bytes 47 49 46 38)"
        );
    }

    #[test]
    fn a_pcap_header_cut_short_is_a_header_error() {
        let error = Frames::new(&[0xd4, 0xc3, 0xb2, 0xa1, 2, 0]).err().unwrap();
        assert!(matches!(error, CaptureError::Header(_)), "{error}");
    }

    #[test]
    fn pcapng_timestamps_follow_the_interface_resolution() {
        let raw = Duration::from_nanos(1_500_000);
        assert_eq!(scale_timestamp(raw, 6), Duration::from_millis(1_500));
        assert_eq!(scale_timestamp(raw, 9), raw);
        assert_eq!(
            scale_timestamp(Duration::from_nanos(1 << 20), 0x80 | 20),
            Duration::from_secs(1)
        );
    }
}
