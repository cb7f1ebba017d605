//! Tracked connections as Parquet tables, for engines that query a fleet of captures (DuckDB,
//! Spark, Trino): one row per connection, one per finding, one per capture. The schema is
//! documented in docs/track.md and built by [`connection_schema`], [`finding_schema`] and
//! [`capture_schema`].
//!
//! Rows are gathered in Arrow arrays and written by the `parquet` crate's Arrow writer in
//! batches of [`BATCH_ROWS`], so a run of any size holds at most a batch and the writer's
//! current row group in memory. Each table is written under a temporary name in the output
//! directory and renamed only by [`TableWriter::finish`]: a run that stops early leaves no
//! file with the final name (and removes its temporary files when it can).

use super::report::finding_fields;
use super::tracker::{Connection, Totals};
use arrow_array::builder::{
    BooleanBuilder, Float64Builder, Int32Builder, Int64Builder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef, TimeUnit};
use fsm_spec::Spec;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use std::fs::File;
use std::io::BufWriter;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The file of the connection table in the output directory.
pub const CONNECTIONS: &str = "connections.parquet";
/// The file of the finding table.
pub const FINDINGS: &str = "findings.parquet";
/// The file of the capture table.
pub const CAPTURES: &str = "captures.parquet";

/// Rows gathered before they are handed to the Parquet writer.
pub const BATCH_ROWS: usize = 8192;
/// Rows per Parquet row group: what the writer holds before writing it out.
const ROW_GROUP_ROWS: usize = 65_536;

/// Why the tables cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// The output directory or a file in it cannot be made or written.
    #[error("{path}: cannot write: {source}")]
    Io {
        /// The directory or file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The Parquet writer failed.
    #[error("{path}: cannot write Parquet: {source}")]
    Parquet {
        /// The table's file.
        path: PathBuf,
        /// What the writer said.
        source: ParquetError,
    },
}

/// Counts are written signed (Parquet INT64): Spark and Trino have no unsigned 64-bit type.
fn signed(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn utf8(name: &str, nullable: bool) -> Field {
    Field::new(name, DataType::Utf8, nullable)
}

fn count(name: &str) -> Field {
    Field::new(name, DataType::Int64, false)
}

fn timestamp(name: &str) -> Field {
    Field::new(
        name,
        DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
        false,
    )
}

/// The connection table: one row per connection, in Zeek's `conn.log` names where Zeek has
/// the column, and the spec's states of each endpoint.
pub fn connection_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        utf8("capture", false),
        count("id"),
        timestamp("ts"),
        timestamp("last_ts"),
        Field::new("duration", DataType::Float64, false),
        utf8("orig_h", false),
        Field::new("orig_p", DataType::Int32, false),
        utf8("resp_h", false),
        Field::new("resp_p", DataType::Int32, false),
        Field::new("orig_is_a", DataType::Boolean, false),
        Field::new("self_connected", DataType::Boolean, false),
        count("first_packet"),
        count("last_packet"),
        count("segments"),
        count("orig_pkts"),
        count("resp_pkts"),
        count("orig_bytes"),
        count("resp_bytes"),
        utf8("conn_state", false),
        utf8("history", false),
        utf8("orig_first_state", true),
        utf8("orig_last_state", false),
        utf8("resp_first_state", true),
        utf8("resp_last_state", false),
        Field::new("findings", DataType::Int64, false),
    ]))
}

/// The finding table: one row per finding.
pub fn finding_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        utf8("capture", false),
        count("connection"),
        count("packet"),
        utf8("endpoint", false),
        Field::new("orig", DataType::Boolean, false),
        utf8("kind", false),
        utf8("state", true),
        utf8("event", true),
        utf8("message", false),
    ]))
}

/// The capture table: one row per capture, with what ended it early, if anything.
pub fn capture_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        utf8("capture", false),
        count("frames"),
        count("segments"),
        count("skipped"),
        count("connections"),
        count("findings"),
        utf8("problem", true),
    ]))
}

/// One table being written: its builders' batch and the Parquet writer on the temporary file.
struct Table<B> {
    path: PathBuf,
    temp: PathBuf,
    schema: SchemaRef,
    writer: Option<ArrowWriter<BufWriter<File>>>,
    rows: B,
    pending: usize,
}

/// Arrow builders for a table's columns.
trait Rows: Default {
    fn columns(&mut self) -> Vec<ArrayRef>;
}

impl<B: Rows> Table<B> {
    fn create(dir: &Path, name: &str, schema: SchemaRef) -> Result<Self, TableError> {
        let path = dir.join(name);
        let temp = dir.join(format!(".{name}.{}.partial", std::process::id()));
        let file = File::create(&temp).map_err(|source| TableError::Io {
            path: temp.clone(),
            source,
        })?;
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .build();
        let writer = ArrowWriter::try_new(BufWriter::new(file), schema.clone(), Some(properties))
            .map_err(|source| TableError::Parquet {
            path: path.clone(),
            source,
        })?;
        Ok(Table {
            path,
            temp,
            schema,
            writer: Some(writer),
            rows: B::default(),
            pending: 0,
        })
    }

    fn parquet_error(&self, source: ParquetError) -> TableError {
        // The writer reports I/O failures as ParquetError::External; name the file either way.
        TableError::Parquet {
            path: self.path.clone(),
            source,
        }
    }

    /// Counts a row appended to the builders; hands the batch over when it is full.
    fn row_added(&mut self) -> Result<(), TableError> {
        self.pending += 1;
        if self.pending >= BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), TableError> {
        if self.pending == 0 {
            return Ok(());
        }
        self.pending = 0;
        let columns = self.rows.columns();
        let batch = RecordBatch::try_new(self.schema.clone(), columns)
            .map_err(|e: ArrowError| self.parquet_error(e.into()))?;
        let writer = self.writer.as_mut().expect("open until finished");
        writer.write(&batch).map_err(|e| self.parquet_error(e))
    }

    /// Writes the rest, closes the file and gives it its final name; on failure the
    /// temporary file is removed.
    fn finish(mut self) -> Result<PathBuf, TableError> {
        self.flush()?;
        let done = self.close_and_rename();
        if done.is_err() {
            let _ = std::fs::remove_file(&self.temp);
        }
        done
    }

    fn close_and_rename(&mut self) -> Result<PathBuf, TableError> {
        let writer = self.writer.take().expect("open until finished");
        let file = writer.into_inner().map_err(|e| self.parquet_error(e))?;
        let file = file.into_inner().map_err(|e| TableError::Io {
            path: self.temp.clone(),
            source: e.into_error(),
        })?;
        file.sync_all().map_err(|source| TableError::Io {
            path: self.temp.clone(),
            source,
        })?;
        std::fs::rename(&self.temp, &self.path).map_err(|source| TableError::Io {
            path: self.path.clone(),
            source,
        })?;
        Ok(self.path.clone())
    }
}

impl<B> Drop for Table<B> {
    /// A table not finished leaves no file behind: its temporary file is removed.
    fn drop(&mut self) {
        if self.writer.is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

#[derive(Default)]
struct ConnectionRows {
    capture: StringBuilder,
    id: Int64Builder,
    ts: TimestampMicrosecondBuilder,
    last_ts: TimestampMicrosecondBuilder,
    duration: Float64Builder,
    orig_h: StringBuilder,
    orig_p: Int32Builder,
    resp_h: StringBuilder,
    resp_p: Int32Builder,
    orig_is_a: BooleanBuilder,
    self_connected: BooleanBuilder,
    first_packet: Int64Builder,
    last_packet: Int64Builder,
    segments: Int64Builder,
    orig_pkts: Int64Builder,
    resp_pkts: Int64Builder,
    orig_bytes: Int64Builder,
    resp_bytes: Int64Builder,
    conn_state: StringBuilder,
    history: StringBuilder,
    orig_first_state: StringBuilder,
    orig_last_state: StringBuilder,
    resp_first_state: StringBuilder,
    resp_last_state: StringBuilder,
    findings: Int64Builder,
}

fn finish_all(builders: Vec<&mut dyn arrow_array::builder::ArrayBuilder>) -> Vec<ArrayRef> {
    builders.into_iter().map(|b| b.finish()).collect()
}

impl Rows for ConnectionRows {
    fn columns(&mut self) -> Vec<ArrayRef> {
        let utc = |b: &mut TimestampMicrosecondBuilder| -> ArrayRef {
            Arc::new(b.finish().with_timezone("UTC"))
        };
        let (ts, last_ts) = (utc(&mut self.ts), utc(&mut self.last_ts));
        let mut columns = finish_all(vec![&mut self.capture, &mut self.id]);
        columns.extend([ts, last_ts]);
        columns.extend(finish_all(vec![
            &mut self.duration,
            &mut self.orig_h,
            &mut self.orig_p,
            &mut self.resp_h,
            &mut self.resp_p,
            &mut self.orig_is_a,
            &mut self.self_connected,
            &mut self.first_packet,
            &mut self.last_packet,
            &mut self.segments,
            &mut self.orig_pkts,
            &mut self.resp_pkts,
            &mut self.orig_bytes,
            &mut self.resp_bytes,
            &mut self.conn_state,
            &mut self.history,
            &mut self.orig_first_state,
            &mut self.orig_last_state,
            &mut self.resp_first_state,
            &mut self.resp_last_state,
            &mut self.findings,
        ]));
        columns
    }
}

#[derive(Default)]
struct FindingRows {
    capture: StringBuilder,
    connection: Int64Builder,
    packet: Int64Builder,
    endpoint: StringBuilder,
    orig: BooleanBuilder,
    kind: StringBuilder,
    state: StringBuilder,
    event: StringBuilder,
    message: StringBuilder,
}

impl Rows for FindingRows {
    fn columns(&mut self) -> Vec<ArrayRef> {
        finish_all(vec![
            &mut self.capture,
            &mut self.connection,
            &mut self.packet,
            &mut self.endpoint,
            &mut self.orig,
            &mut self.kind,
            &mut self.state,
            &mut self.event,
            &mut self.message,
        ])
    }
}

#[derive(Default)]
struct CaptureRows {
    capture: StringBuilder,
    frames: Int64Builder,
    segments: Int64Builder,
    skipped: Int64Builder,
    connections: Int64Builder,
    findings: Int64Builder,
    problem: StringBuilder,
}

impl Rows for CaptureRows {
    fn columns(&mut self) -> Vec<ArrayRef> {
        finish_all(vec![
            &mut self.capture,
            &mut self.frames,
            &mut self.segments,
            &mut self.skipped,
            &mut self.connections,
            &mut self.findings,
            &mut self.problem,
        ])
    }
}

/// What a capture gave, for its row in the capture table.
#[derive(Debug, Clone, Copy)]
pub struct CaptureSummary<'a> {
    /// Capture-wide counts (zero when the capture could not be read at all).
    pub totals: &'a Totals,
    /// Connections tracked.
    pub connections: u64,
    /// Findings over them.
    pub findings: u64,
    /// Why the capture could not be read to its end, if it could not.
    pub problem: Option<&'a str>,
}

/// Writes the three tables into a directory.
pub struct TableWriter<'s> {
    spec: &'s Spec,
    connections: Table<ConnectionRows>,
    findings: Table<FindingRows>,
    captures: Table<CaptureRows>,
}

impl std::fmt::Debug for TableWriter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TableWriter")
            .field("connections", &self.connections.path)
            .finish_non_exhaustive()
    }
}

impl<'s> TableWriter<'s> {
    /// Starts the tables in `dir`, which is created when missing; `spec` names the states.
    pub fn create(dir: &Path, spec: &'s Spec) -> Result<Self, TableError> {
        std::fs::create_dir_all(dir).map_err(|source| TableError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        Ok(TableWriter {
            spec,
            connections: Table::create(dir, CONNECTIONS, connection_schema())?,
            findings: Table::create(dir, FINDINGS, finding_schema())?,
            captures: Table::create(dir, CAPTURES, capture_schema())?,
        })
    }

    /// Adds a connection of `capture` and its findings.
    pub fn connection(&mut self, capture: &str, c: &Connection) -> Result<(), TableError> {
        let spec = self.spec;
        let o = c.zeek.orig.min(c.endpoints.len() - 1);
        let r = if c.endpoints.len() == 1 { 0 } else { 1 - o };
        let rows = &mut self.connections.rows;
        let micros = |t: std::time::Duration| i64::try_from(t.as_micros()).unwrap_or(i64::MAX);
        rows.capture.append_value(capture);
        rows.id.append_value(signed(c.id as u64));
        rows.ts.append_value(micros(c.times.0));
        rows.last_ts.append_value(micros(c.times.1));
        rows.duration
            .append_value(c.times.1.saturating_sub(c.times.0).as_secs_f64());
        let address = |a: SocketAddr| a.ip().to_string();
        rows.orig_h.append_value(address(c.endpoints[o]));
        rows.orig_p.append_value(i32::from(c.endpoints[o].port()));
        rows.resp_h.append_value(address(c.endpoints[r]));
        rows.resp_p.append_value(i32::from(c.endpoints[r].port()));
        rows.orig_is_a.append_value(o == 0);
        rows.self_connected.append_value(c.is_self_connected());
        rows.first_packet.append_value(signed(c.packets.0));
        rows.last_packet.append_value(signed(c.packets.1));
        rows.segments.append_value(signed(c.segments));
        rows.orig_pkts.append_value(signed(c.zeek.packets[0]));
        rows.resp_pkts.append_value(signed(c.zeek.packets[1]));
        rows.orig_bytes.append_value(signed(c.zeek.bytes[0]));
        rows.resp_bytes.append_value(signed(c.zeek.bytes[1]));
        rows.conn_state.append_value(c.zeek.conn_state.name());
        rows.history.append_value(&c.zeek.history);
        let first = |e: usize| {
            c.changes
                .get(e)
                .and_then(|changes| changes.first())
                .map(|&(_, s)| spec.state(s).name.as_str())
        };
        let last = |e: usize| {
            c.final_states
                .get(e)
                .map_or("", |&s| spec.state(s).name.as_str())
        };
        rows.orig_first_state.append_option(first(o));
        rows.orig_last_state.append_value(last(o));
        rows.resp_first_state.append_option(first(r));
        rows.resp_last_state.append_value(last(r));
        rows.findings.append_value(signed(c.findings.len() as u64));
        self.connections.row_added()?;
        for finding in &c.findings {
            let fields = finding_fields(spec, finding);
            let rows = &mut self.findings.rows;
            rows.capture.append_value(capture);
            rows.connection.append_value(signed(c.id as u64));
            rows.packet.append_value(signed(finding.packet));
            rows.endpoint.append_value(fields.endpoint);
            rows.orig.append_value(finding.endpoint == o);
            rows.kind.append_value(fields.kind);
            rows.state.append_option(fields.state);
            rows.event.append_option(fields.event);
            rows.message.append_value(&fields.message);
            self.findings.row_added()?;
        }
        Ok(())
    }

    /// Adds the row of a capture, once it is over.
    pub fn capture(
        &mut self,
        capture: &str,
        summary: CaptureSummary<'_>,
    ) -> Result<(), TableError> {
        let rows = &mut self.captures.rows;
        rows.capture.append_value(capture);
        rows.frames.append_value(signed(summary.totals.frames));
        rows.segments.append_value(signed(summary.totals.segments));
        rows.skipped
            .append_value(signed(summary.totals.skipped.values().sum()));
        rows.connections.append_value(signed(summary.connections));
        rows.findings.append_value(signed(summary.findings));
        rows.problem.append_option(summary.problem);
        self.captures.row_added()
    }

    /// Writes what is left and gives each table its final name, the capture table last (a
    /// reader can take `captures.parquet` as the sign that the run completed); returns the
    /// three paths.
    pub fn finish(self) -> Result<[PathBuf; 3], TableError> {
        Ok([
            self.connections.finish()?,
            self.findings.finish()?,
            self.captures.finish()?,
        ])
    }
}
