//! Spec source text and positions in it, reading it from a file, and finding the files a
//! spec names (its `[machine] extends` base).

use std::fmt;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// The size limit the command-line tool and the `fsm!` macro put on a spec file, so that a
/// wrong path (a disk image, a device) cannot exhaust memory.
pub const MAX_SPEC_BYTES: u64 = 4 * 1024 * 1024;

/// Why a file could not be read as text. The messages complete "cannot read `FILE`: ".
#[derive(Debug)]
pub enum ReadError {
    /// Missing, not permitted, or another I/O error.
    Io(std::io::Error),
    Directory,
    TooLarge {
        size: u64,
        limit: u64,
    },
    NotText {
        /// Where the first invalid byte is; the column counts the characters before it.
        location: Location,
        /// Its offset in the file.
        offset: usize,
        /// Its value.
        byte: u8,
    },
}

// The error impls are written out, not derived: see `Problem`'s in `diagnostic.rs`.
impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(error) => error.fmt(f),
            ReadError::Directory => f.write_str("it is a directory, not a spec file"),
            ReadError::TooLarge { size, limit } => {
                write!(f, "it is {size} bytes; specs are limited to {limit} bytes")
            }
            ReadError::NotText { location, byte, .. } => write!(
                f,
                "it is not UTF-8 text: invalid byte 0x{byte:02X} at line {}, column {}",
                location.line, location.column
            ),
        }
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReadError::Io(error) => Some(error),
            _ => None,
        }
    }
}

impl From<std::io::Error> for ReadError {
    fn from(error: std::io::Error) -> Self {
        ReadError::Io(error)
    }
}

/// Reads the text file at `path`, refusing directories, files over `limit` bytes (checked
/// before reading, and again while reading, for files that grow or report no size) and
/// content that is not UTF-8.
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    let metadata = std::fs::metadata(path)?;
    if metadata.is_dir() {
        return Err(ReadError::Directory);
    }
    if metadata.len() > limit {
        let size = metadata.len();
        return Err(ReadError::TooLarge { size, limit });
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    let size = bytes.len() as u64;
    if size > limit {
        return Err(ReadError::TooLarge { size, limit });
    }
    String::from_utf8(bytes).map_err(|error| {
        let offset = error.utf8_error().valid_up_to();
        let bytes = error.as_bytes();
        let byte = bytes[offset];
        // The prefix before the first invalid byte is valid UTF-8 by definition.
        let valid = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
        let line_start = valid.rfind('\n').map_or(0, |newline| newline + 1);
        let location = Location {
            line: valid.matches('\n').count() + 1,
            column: valid[line_start..].chars().count() + 1,
        };
        ReadError::NotText {
            location,
            offset,
            byte,
        }
    })
}

/// A byte range in a spec's source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
}

impl From<std::ops::Range<usize>> for Span {
    fn from(range: std::ops::Range<usize>) -> Span {
        Span::new(range.start, range.end)
    }
}

impl From<Span> for std::ops::Range<usize> {
    fn from(span: Span) -> std::ops::Range<usize> {
        span.start..span.end
    }
}

/// A value read from a spec with the span it was written at, so that a later check can
/// point at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Located<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Located<T> {
    pub const fn new(value: T, span: Span) -> Located<T> {
        Located { value, span }
    }

    /// The same span with the value changed by `f`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Located<U> {
        Located::new(f(self.value), self.span)
    }
}

impl<T: std::fmt::Display> std::fmt::Display for Located<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.value.fmt(f)
    }
}

/// A 1-based line and column (in characters) in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Where the files a spec names come from, by the name they are reported under. A
/// [`SourceFile`] carries one, so that a spec read from disk finds its base spec next to it
/// and an embedded spec finds it among the embedded ones.
pub trait Files: fmt::Debug + Send + Sync {
    /// The text of the file `name` (already resolved against the naming file's directory).
    fn read(&self, name: &str) -> Result<String, ReadError>;
}

/// Files on disk, at most [`MAX_SPEC_BYTES`] each; names are paths.
#[derive(Debug, Clone, Copy, Default)]
pub struct FileSystem;

impl Files for FileSystem {
    fn read(&self, name: &str) -> Result<String, ReadError> {
        read_text(Path::new(name), MAX_SPEC_BYTES)
    }
}

/// Files compiled into a program: `(name, text)` pairs, for example specs embedded with
/// `include_str!` under their repository paths.
#[derive(Debug, Clone, Copy)]
pub struct Embedded(pub &'static [(&'static str, &'static str)]);

impl Files for Embedded {
    fn read(&self, name: &str) -> Result<String, ReadError> {
        self.0
            .iter()
            .find(|(embedded, _)| *embedded == name)
            .map(|(_, text)| text.to_string())
            .ok_or_else(|| {
                let known: Vec<&str> = self.0.iter().map(|(name, _)| *name).collect();
                ReadError::Io(std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    format!("not one of the embedded files ({})", known.join(", ")),
                ))
            })
    }
}

/// `path` as written in the file named `including`: relative to that file's directory
/// (`tcp.toml` in `specs/tcp9293.toml` is `specs/tcp.toml`), with `.` and `..` resolved
/// lexically; an absolute `path` stays as it is.
pub fn resolve_name(including: &str, path: &str) -> String {
    let joined = match Path::new(including).parent() {
        Some(directory) => directory.join(path),
        None => PathBuf::from(path),
    };
    let mut normal = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if normal.file_name().is_some() => {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    normal.display().to_string()
}

/// A spec's text with the name it is reported under (usually its path), and where the files
/// it names are read from ([`FileSystem`] unless [`SourceFile::with_files`] says otherwise).
#[derive(Debug, Clone)]
pub struct SourceFile {
    name: Arc<str>,
    text: String,
    line_starts: Vec<usize>,
    files: Arc<dyn Files>,
}

/// Two sources are equal when their names and texts are.
impl PartialEq for SourceFile {
    fn eq(&self, other: &SourceFile) -> bool {
        self.name == other.name && self.text == other.text
    }
}

impl Eq for SourceFile {}

impl SourceFile {
    /// A source with a display name, for example a path or `<bundled tcp.toml>`.
    pub fn new(name: impl Into<Arc<str>>, text: impl Into<String>) -> SourceFile {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            name: name.into(),
            text,
            line_starts,
            files: Arc::new(FileSystem),
        }
    }

    /// The same source, reading the files it names from `files`.
    pub fn with_files(mut self, files: impl Files + 'static) -> SourceFile {
        self.files = Arc::new(files);
        self
    }

    /// The file diagnostics name `name` (a base spec found through this one), read from
    /// the same [`Files`].
    pub fn open_named(&self, name: &str) -> Result<SourceFile, ReadError> {
        let text = self.files.read(name)?;
        Ok(SourceFile {
            files: Arc::clone(&self.files),
            ..SourceFile::new(name, text)
        })
    }

    /// The file that `path`, written in this one, names: resolved against this file's
    /// directory ([`resolve_name`]) and read from the same [`Files`].
    pub fn open_relative(&self, path: &str) -> Result<SourceFile, (String, ReadError)> {
        let name = resolve_name(&self.name, path);
        self.open_named(&name).map_err(|error| (name, error))
    }

    /// Reads a spec file of at most [`MAX_SPEC_BYTES`] with [`read_text`], named by its path.
    pub fn read(path: &Path) -> Result<SourceFile, ReadError> {
        let text = read_text(path, MAX_SPEC_BYTES)?;
        Ok(SourceFile::new(path.display().to_string(), text))
    }

    /// The name diagnostics use for this file.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn shared_name(&self) -> Arc<str> {
        Arc::clone(&self.name)
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The line and column of a byte offset (clamped to the text and to a char boundary).
    pub fn location(&self, offset: usize) -> Location {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let line_start = self.line_starts[line - 1];
        let column = self.text[line_start..offset].chars().count() + 1;
        Location { line, column }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_one_based_and_count_characters() {
        let source = SourceFile::new("t", "ab\nçd\n");
        assert_eq!(source.location(0), Location { line: 1, column: 1 });
        assert_eq!(source.location(3), Location { line: 2, column: 1 });
        // 'ç' is two bytes; 'd' is the second character.
        assert_eq!(source.location(5), Location { line: 2, column: 2 });
        // Inside a multi-byte character: snapped back to its start.
        assert_eq!(source.location(4), Location { line: 2, column: 1 });
        assert_eq!(source.location(999), Location { line: 3, column: 1 });
    }

    /// A file of its own under the system's temporary directory.
    fn temp_file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("fsm-spec-source-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn text_is_read_up_to_the_limit() {
        let path = temp_file("small.toml", "[machine]\n".as_bytes());
        assert_eq!(read_text(&path, 10).unwrap(), "[machine]\n");
        let error = read_text(&path, 9).unwrap_err();
        assert!(
            matches!(error, ReadError::TooLarge { size: 10, limit: 9 }),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            "it is 10 bytes; specs are limited to 9 bytes"
        );
    }

    #[test]
    fn the_first_invalid_byte_is_located_by_line_and_column() {
        // Line 2, after `ç` (two bytes, one character) and `=`: column 3.
        let path = temp_file("latin1.toml", b"a = 1\n\xc3\xa7=\xe9t\xe9\n");
        let error = read_text(&path, MAX_SPEC_BYTES).unwrap_err();
        let ReadError::NotText {
            location,
            offset,
            byte,
        } = error
        else {
            panic!("{error:?}")
        };
        assert_eq!(
            (location.line, location.column, offset, byte),
            (2, 3, 9, 0xE9)
        );
        let binary = temp_file("binary.toml", b"\x89PNG\r\n");
        assert_eq!(
            read_text(&binary, MAX_SPEC_BYTES).unwrap_err().to_string(),
            "it is not UTF-8 text: invalid byte 0x89 at line 1, column 1"
        );
    }

    #[test]
    fn names_resolve_against_the_naming_files_directory() {
        assert_eq!(
            resolve_name("specs/tcp9293.toml", "tcp.toml"),
            "specs/tcp.toml"
        );
        assert_eq!(resolve_name("tcp9293.toml", "tcp.toml"), "tcp.toml");
        assert_eq!(resolve_name("a/b/c.toml", "../d.toml"), "a/d.toml");
        assert_eq!(resolve_name("a/c.toml", "./x/../d.toml"), "a/d.toml");
        assert_eq!(resolve_name("a/c.toml", "/abs/d.toml"), "/abs/d.toml");
        assert_eq!(resolve_name("c.toml", "../d.toml"), "../d.toml");
    }

    #[test]
    fn embedded_files_are_found_by_name_and_keep_their_reader() {
        static FILES: &[(&str, &str)] = &[("specs/base.toml", "base"), ("specs/x.toml", "x")];
        let source = SourceFile::new("specs/x.toml", "x").with_files(Embedded(FILES));
        let base = source.open_relative("base.toml").unwrap();
        assert_eq!((base.name(), base.text()), ("specs/base.toml", "base"));
        assert_eq!(base.open_relative("x.toml").unwrap().text(), "x");
        let (name, error) = source.open_relative("missing.toml").unwrap_err();
        assert_eq!(name, "specs/missing.toml");
        assert!(
            error.to_string().contains("not one of the embedded files"),
            "{error}"
        );
    }

    #[test]
    fn directories_and_missing_files_are_refused() {
        let dir = std::env::temp_dir();
        assert!(matches!(
            read_text(&dir, MAX_SPEC_BYTES),
            Err(ReadError::Directory)
        ));
        let missing = read_text(&dir.join("no-such-fsm-spec.toml"), MAX_SPEC_BYTES);
        let Err(ReadError::Io(error)) = missing else {
            panic!("{missing:?}")
        };
        assert_eq!(error.kind(), std::io::ErrorKind::NotFound);
    }
}
