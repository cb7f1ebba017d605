//! Reading capture files: pcap and pcapng, through the `pcap-file` crate's slice parsers,
//! into numbered frames with a timestamp and a link type.
//!
//! The capture is read as a stream through a bounded window: the file header is checked
//! first, then each record's length is read from its own header (pcap `incl_len`, pcapng
//! block total length) and only that record is brought into the window before the parser
//! sees it. A record that claims more than [`MAX_RECORD_BYTES`] is refused with its packet
//! number before anything is allocated for it, so memory stays bounded by the largest
//! sane record, whatever the capture's size.

use pcap_file::pcap::PcapParser;
use pcap_file::pcapng::{Block, PcapNgParser};
use pcap_file::{DataLink, Endianness, PcapError, TsResolution};
use std::io::Read;
use std::time::Duration;

/// Records (pcap packet records, pcapng blocks) longer than this are refused: no link type
/// carries frames this large, and the window must stay bounded.
pub const MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;

/// How much is asked of the reader at a time.
const READ_CHUNK: usize = 256 * 1024;

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
        offset: u64,
        /// What is wrong with it.
        reason: String,
    },
}

/// The frames of a pcap or pcapng capture, read from `R` in file order.
///
/// [`Frames::next_frame`] yields frames until the end of the file or the first damaged
/// record, which is yielded as an error and ends the reading (a damaged length field leaves
/// no reliable way to find the next record).
pub struct Frames<R> {
    reader: R,
    /// The window: `window[start..end]` is read and not yet consumed.
    window: Vec<u8>,
    start: usize,
    end: usize,
    /// File offset of `window[0]`.
    base: u64,
    eof: bool,
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
/// pcap file header and record header sizes.
const PCAP_HEADER: usize = 24;
const PCAP_RECORD_HEADER: usize = 16;
/// A pcapng block starts with its type and total length; a section header block adds the
/// byte-order magic that says how to read that length.
const PCAPNG_BLOCK_HEADER: usize = 8;
const PCAPNG_SECTION_START: usize = 12;
const PCAPNG_BYTE_ORDER_MAGIC: u32 = 0x1a2b_3c4d;

/// Where a packet's bytes lie in the window, so that the borrow of the window ends before
/// the next read.
struct Located {
    timestamp: Duration,
    link: DataLink,
    offset: usize,
    len: usize,
}

impl<R: Read> Frames<R> {
    /// Starts reading `reader`, which must begin with a pcap or pcapng file header; the
    /// header is checked before anything else is read.
    pub fn new(reader: R) -> Result<Self, CaptureError> {
        let mut frames = Frames {
            reader,
            window: Vec::new(),
            start: 0,
            end: 0,
            base: 0,
            eof: false,
            next_number: 1,
            format: Format::Pcap(
                PcapParser::new(&PCAP_EMPTY_HEADER)
                    .expect("a valid header")
                    .1,
            ),
            done: false,
        };
        frames.fill(4)?;
        let magic: [u8; 4] = match frames.buffered().get(..4) {
            Some(magic) => magic.try_into().expect("four bytes"),
            None => return Err(CaptureError::NotCapture(describe_start(frames.buffered()))),
        };
        if PCAP_MAGICS.contains(&magic) {
            frames.fill(PCAP_HEADER)?;
            let (rest, parser) = PcapParser::new(frames.buffered()).map_err(header_error)?;
            let used = frames.buffered().len() - rest.len();
            frames.start += used;
            frames.format = Format::Pcap(parser);
        } else if magic == PCAPNG_MAGIC {
            frames.fill(PCAPNG_SECTION_START)?;
            let claimed = section_length(frames.buffered())
                .ok_or_else(|| CaptureError::Header("the file ends inside it".into()))?;
            if claimed > MAX_RECORD_BYTES {
                return Err(CaptureError::Header(format!(
                    "its section header claims {claimed} bytes, more than the \
                     {MAX_RECORD_BYTES} a record may have"
                )));
            }
            frames.fill(claimed as usize)?;
            let (rest, parser) = PcapNgParser::new(frames.buffered()).map_err(header_error)?;
            let used = frames.buffered().len() - rest.len();
            frames.start += used;
            frames.format = Format::PcapNg {
                parser: Box::new(parser),
                last_timestamp: Duration::ZERO,
            };
        } else {
            return Err(CaptureError::NotCapture(describe_start(frames.buffered())));
        }
        Ok(frames)
    }

    /// The next frame, `None` at the end of the capture or after a damaged record.
    pub fn next_frame(&mut self) -> Option<Result<Frame<'_>, CaptureError>> {
        if self.done {
            return None;
        }
        let located = match self.locate_next() {
            Ok(Some(located)) => located,
            Ok(None) => {
                self.done = true;
                return None;
            }
            Err(error) => {
                self.done = true;
                return Some(Err(error));
            }
        };
        let number = self.next_number;
        self.next_number += 1;
        Some(Ok(Frame {
            number,
            timestamp: located.timestamp,
            link: located.link,
            data: &self.window[located.offset..located.offset + located.len],
        }))
    }

    fn buffered(&self) -> &[u8] {
        &self.window[self.start..self.end]
    }

    fn offset(&self) -> u64 {
        self.base + self.start as u64
    }

    /// Reads until at least `wanted` bytes are buffered or the file ends, moving what is
    /// buffered to the front of the window first, so the window never holds more than one
    /// record and one read chunk.
    fn fill(&mut self, wanted: usize) -> Result<(), CaptureError> {
        if self.end - self.start >= wanted || self.eof {
            return Ok(());
        }
        if self.start > 0 {
            self.window.copy_within(self.start..self.end, 0);
            self.base += self.start as u64;
            self.end -= self.start;
            self.start = 0;
        }
        let size = wanted.max(READ_CHUNK);
        if self.window.len() < size {
            self.window.resize(size, 0);
        }
        while self.end < wanted {
            let read = match self.reader.read(&mut self.window[self.end..]) {
                Ok(read) => read,
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error.into()),
            };
            if read == 0 {
                self.eof = true;
                break;
            }
            self.end += read;
        }
        Ok(())
    }

    fn record_error(&self, reason: String) -> CaptureError {
        CaptureError::Record {
            number: self.next_number,
            offset: self.offset(),
            reason,
        }
    }

    fn parse_error(&self, error: PcapError) -> CaptureError {
        let reason = match error {
            PcapError::IncompleteBuffer => "the record is cut short (truncated file)".to_string(),
            other => other.to_string(),
        };
        self.record_error(reason)
    }

    /// Brings the next record, `header` bytes and the `claimed` bytes its header gives,
    /// into the window, refusing it first when the claim is over [`MAX_RECORD_BYTES`].
    fn fill_record(&mut self, header: usize, claimed: u64) -> Result<(), CaptureError> {
        if claimed > MAX_RECORD_BYTES {
            return Err(self.record_error(format!(
                "its header claims {claimed} bytes, more than the {MAX_RECORD_BYTES} a record \
                 may have"
            )));
        }
        self.fill(header + claimed as usize)
    }

    fn locate_next(&mut self) -> Result<Option<Located>, CaptureError> {
        match self.format {
            Format::Pcap(_) => self.locate_pcap(),
            Format::PcapNg { .. } => self.locate_pcapng(),
        }
    }

    fn locate_pcap(&mut self) -> Result<Option<Located>, CaptureError> {
        self.fill(PCAP_RECORD_HEADER)?;
        if self.buffered().is_empty() {
            return Ok(None);
        }
        let Format::Pcap(parser) = &self.format else {
            unreachable!("locate_pcap is called for pcap files only")
        };
        let header = parser.header();
        if let Some(incl_len) = self.buffered().get(8..12) {
            let incl_len = read_u32(incl_len, header.endianness);
            self.fill_record(PCAP_RECORD_HEADER, u64::from(incl_len))?;
        }
        let Format::Pcap(parser) = &self.format else {
            unreachable!("locate_pcap is called for pcap files only")
        };
        let parsed = parser.next_raw_packet(&self.window[self.start..self.end]);
        let (rest, raw) = parsed.map_err(|error| self.parse_error(error))?;
        // Lenient on purpose: a record longer than the snapshot length in the header is
        // kept (some writers set the header wrong); only the nanoseconds are checked.
        let nanos = match header.ts_resolution {
            TsResolution::MicroSecond => u64::from(raw.ts_frac) * 1_000,
            TsResolution::NanoSecond => u64::from(raw.ts_frac),
        };
        if nanos >= 1_000_000_000 {
            let error = PcapError::InvalidField("sub-second timestamp is one second or more");
            return Err(self.parse_error(error));
        }
        let timestamp = Duration::new(u64::from(raw.ts_sec), nanos as u32);
        let offset = self.start + PCAP_RECORD_HEADER;
        let len = raw.data.len();
        self.start = self.end - rest.len();
        Ok(Some(Located {
            timestamp,
            link: header.datalink,
            offset,
            len,
        }))
    }

    fn locate_pcapng(&mut self) -> Result<Option<Located>, CaptureError> {
        loop {
            self.fill(PCAPNG_SECTION_START)?;
            if self.buffered().is_empty() {
                return Ok(None);
            }
            let claimed = self.pcapng_block_length();
            if let Some(claimed) = claimed {
                self.fill_record(0, claimed)?;
            }
            let window_start = self.start;
            let window = &self.window[self.start..self.end];
            let Format::PcapNg {
                parser,
                last_timestamp,
            } = &mut self.format
            else {
                unreachable!("locate_pcapng is called for pcapng files only")
            };
            let parsed = parser.next_block(window).map(|(rest, block)| {
                let rest = rest.len();
                let located = match block {
                    Block::EnhancedPacket(packet) => match parser.packet_interface(&packet) {
                        Some(interface) => {
                            let resolution = ts_resolution(interface);
                            let timestamp = scale_timestamp(packet.timestamp, resolution);
                            *last_timestamp = timestamp;
                            Ok(Some((timestamp, interface.linktype, packet.data)))
                        }
                        None => Err(PcapError::InvalidInterfaceId(packet.interface_id)),
                    },
                    Block::SimplePacket(packet) => match parser.interfaces().first() {
                        Some(interface) => {
                            Ok(Some((*last_timestamp, interface.linktype, packet.data)))
                        }
                        None => Err(PcapError::InvalidInterfaceId(0)),
                    },
                    _ => Ok(None),
                };
                let located = located.map(|packet| {
                    packet.map(|(timestamp, link, data)| Located {
                        timestamp,
                        link,
                        offset: window_start + (data.as_ptr() as usize - window.as_ptr() as usize),
                        len: data.len(),
                    })
                });
                (rest, located)
            });
            let (rest, located) = parsed.map_err(|error| self.parse_error(error))?;
            let located = located.map_err(|error| self.parse_error(error))?;
            self.start = self.end - rest;
            if let Some(located) = located {
                return Ok(Some(located));
            }
        }
    }

    /// The total length the next pcapng block claims, in the byte order of its section (a
    /// section header block gives its own); `None` when too little is left to say.
    fn pcapng_block_length(&self) -> Option<u64> {
        let bytes = self.buffered();
        if bytes.get(..4) == Some(&PCAPNG_MAGIC[..]) {
            return section_length(bytes);
        }
        let Format::PcapNg { parser, .. } = &self.format else {
            unreachable!("pcapng_block_length is called for pcapng files only")
        };
        let length = bytes.get(4..PCAPNG_BLOCK_HEADER)?;
        Some(u64::from(read_u32(length, parser.section().endianness)))
    }
}

/// A valid empty pcap header, to have a parser before the real header is read.
const PCAP_EMPTY_HEADER: [u8; PCAP_HEADER] = [
    0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0,
];

/// The total length a pcapng section header block claims, read in the byte order its
/// byte-order magic gives.
fn section_length(bytes: &[u8]) -> Option<u64> {
    let length = bytes.get(4..8)?;
    let magic = bytes.get(8..12)?;
    let endianness = if read_u32(magic, Endianness::Little) == PCAPNG_BYTE_ORDER_MAGIC {
        Endianness::Little
    } else {
        Endianness::Big
    };
    Some(u64::from(read_u32(length, endianness)))
}

fn read_u32(bytes: &[u8], endianness: Endianness) -> u32 {
    let bytes: [u8; 4] = bytes[..4].try_into().expect("four bytes");
    match endianness {
        Endianness::Big => u32::from_be_bytes(bytes),
        Endianness::Little => u32::from_le_bytes(bytes),
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
        assert!(matches!(
            Frames::new(&b""[..]),
            Err(CaptureError::NotCapture(_))
        ));
        let error = Frames::new(&b"GIF89a..."[..]).err().unwrap();
        assert_eq!(
            error.to_string(),
            "is not a pcap or pcapng capture (it starts with bytes 47 49 46 38)"
        );
    }

    #[test]
    fn a_pcap_header_cut_short_is_a_header_error() {
        let error = Frames::new(&[0xd4u8, 0xc3, 0xb2, 0xa1, 2, 0][..])
            .err()
            .unwrap();
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
