//! `tcp-fsm track` over many captures: several files and directories, `--format parquet`
//! read back with the Parquet crate, a damaged capture among good ones, an unwritable
//! `--out`, and the engines that read the tables (DuckDB, PySpark), which skip when absent
//! and fail under `TCP_FSM_REQUIRE_DUCKDB` / `TCP_FSM_REQUIRE_PYSPARK`.

mod cli;
use cli::{tcp_fsm, temp_dir, text};

use arrow_array::{Array, Int64Array, RecordBatch, StringArray};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tcp_engine::track::synth::{Shape, write_capture};
use test_support::{DUCKDB, PYSPARK};

fn testdata_dir() -> PathBuf {
    test_support::repository().join("tcp-engine/testdata")
}

/// A fresh directory for one test.
fn fresh(name: &str) -> PathBuf {
    let dir = temp_dir().join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A directory holding the checked-in captures and `synthetic` synthetic ones.
fn fleet(name: &str, synthetic: u32) -> PathBuf {
    let dir = fresh(name);
    for entry in std::fs::read_dir(testdata_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "pcap") {
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
    }
    for i in 0..synthetic {
        let shape = Shape {
            connections: 20 + i,
            data_segments: 2,
            concurrent: 5,
        };
        let file = std::fs::File::create(dir.join(format!("synth-{i:02}.pcap"))).unwrap();
        write_capture(std::io::BufWriter::new(file), shape).unwrap();
    }
    dir
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn read_table(path: &Path) -> Vec<RecordBatch> {
    let file = std::fs::File::open(path).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    reader.map(Result::unwrap).collect()
}

fn strings<'a>(batch: &'a RecordBatch, column: &str) -> &'a StringArray {
    batch
        .column_by_name(column)
        .unwrap()
        .as_any()
        .downcast_ref()
        .unwrap()
}

fn ints<'a>(batch: &'a RecordBatch, column: &str) -> &'a Int64Array {
    batch
        .column_by_name(column)
        .unwrap()
        .as_any()
        .downcast_ref()
        .unwrap()
}

/// The `conn_state: SF 3, REJ 1` line of a parquet run.
fn printed_states(stdout: &str) -> BTreeMap<String, u64> {
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("conn_state:"))
        .unwrap_or_else(|| panic!("no conn_state line in {stdout}"));
    line.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            let (state, n) = p.trim().split_once(' ').unwrap();
            (state.to_string(), n.parse().unwrap())
        })
        .collect()
}

/// Files in `dir` whose names mark them unfinished.
fn partial_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".partial"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn several_captures_give_one_report_each_in_the_order_given() {
    let dir = testdata_dir();
    let (a, b) = (dir.join("refused.pcap"), dir.join("client_close.pcap"));
    let out = tcp_fsm(&["track", "--summary", s(&a), s(&b)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    assert!(lines[0].contains("conn_state REJ, history Sr"), "{stdout}");
    assert!(
        lines[1].starts_with(&format!("{}: ", a.display())),
        "{stdout}"
    );
    assert!(lines[2].contains("conn_state SF"), "{stdout}");
    assert!(
        lines[3].starts_with(&format!("{}: ", b.display())),
        "{stdout}"
    );
}

#[test]
fn a_directory_is_read_as_its_captures_in_name_order() {
    let dir = fleet("directory", 0);
    std::fs::write(dir.join("notes.txt"), "not a capture").unwrap();
    let out = tcp_fsm(&["track", "--summary", s(&dir)]);
    // time_wait_reuse has findings (docs/conformance.md).
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let headlines: Vec<&str> = stdout.lines().filter(|l| l.contains(" frames, ")).collect();
    assert_eq!(headlines.len(), 9, "{stdout}");
    assert!(headlines[0].contains("client_close.pcap"), "{stdout}");
    assert!(headlines[8].contains("unread_data.pcap"), "{stdout}");
    let empty = fresh("empty");
    let out = tcp_fsm(&["track", s(&empty)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no capture files"));
}

#[test]
fn parquet_over_a_directory_writes_three_tables_that_agree_with_the_summary() {
    let dir = fleet("parquet-in", 6);
    let out_dir = fresh("parquet-out");
    let out = tcp_fsm(&[
        "track",
        s(&dir),
        "--format",
        "parquet",
        "--out",
        s(&out_dir),
        "--threads",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(partial_files(&out_dir).is_empty());
    let connections = read_table(&out_dir.join("connections.parquet"));
    let mut states: BTreeMap<String, u64> = BTreeMap::new();
    let mut rows = 0;
    for batch in &connections {
        let column = strings(batch, "conn_state");
        for i in 0..batch.num_rows() {
            *states.entry(column.value(i).to_string()).or_default() += 1;
        }
        rows += batch.num_rows();
    }
    assert_eq!(states, printed_states(&stdout));
    // 9 checked-in captures (10 connections) and 6 synthetic ones of 20 to 25 connections.
    assert_eq!(rows, 10 + (20..26).sum::<usize>(), "{stdout}");
    assert!(states["SF"] > 100 && states["REJ"] >= 12, "{states:?}");
    let captures = read_table(&out_dir.join("captures.parquet"));
    let total: i64 = captures
        .iter()
        .map(|b| ints(b, "connections").values().iter().sum::<i64>())
        .sum();
    assert_eq!(total as usize, rows);
    let problems: usize = captures
        .iter()
        .map(|b| strings(b, "problem").null_count())
        .sum();
    assert_eq!(problems, 15, "every capture read to its end");
    let findings: usize = read_table(&out_dir.join("findings.parquet"))
        .iter()
        .map(RecordBatch::num_rows)
        .sum();
    assert!(findings > 0, "time_wait_reuse has findings");
    assert!(stdout.ends_with(&format!(
        "15 captures (0 unreadable or damaged), {rows} connections, {findings} findings; wrote {0}/connections.parquet, {0}/findings.parquet, {0}/captures.parquet\n",
        out_dir.display()
    )), "{stdout}");
}

#[test]
fn a_damaged_capture_among_many_is_named_with_its_packet_and_the_others_are_written() {
    let dir = fleet("damaged-in", 3);
    let good = std::fs::read(dir.join("synth-01.pcap")).unwrap();
    std::fs::write(dir.join("synth-01.pcap"), &good[..good.len() - 7]).unwrap();
    std::fs::write(dir.join("zz-not-a-capture.pcap"), "hello").unwrap();
    let out_dir = fresh("damaged-out");
    let out = tcp_fsm(&[
        "track",
        s(&dir),
        "--format",
        "parquet",
        "--out",
        s(&out_dir),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    let stderr = text(&out.stderr);
    let damaged = dir.join("synth-01.pcap");
    assert!(
        stderr.contains(&format!("error: {}: packet ", damaged.display()))
            && stderr.contains("the capture is read up to there"),
        "{stderr}"
    );
    assert!(
        stderr.contains("zz-not-a-capture.pcap: is not a pcap or pcapng capture"),
        "{stderr}"
    );
    let captures = read_table(&out_dir.join("captures.parquet"));
    let batch = &captures[0];
    let names = strings(batch, "capture");
    let problems = strings(batch, "problem");
    let with_problem: Vec<&str> = (0..batch.num_rows())
        .filter(|&i| problems.is_valid(i))
        .map(|i| names.value(i).rsplit('/').next().unwrap())
        .collect();
    let mut with_problem = with_problem;
    with_problem.sort();
    assert_eq!(with_problem, ["synth-01.pcap", "zz-not-a-capture.pcap"]);
    assert_eq!(batch.num_rows(), 13);
    // The other synthetic captures are all there.
    let connections = read_table(&out_dir.join("connections.parquet"));
    let from_synth_02: usize = connections
        .iter()
        .map(|b| {
            let c = strings(b, "capture");
            (0..b.num_rows())
                .filter(|&i| c.value(i).ends_with("synth-02.pcap"))
                .count()
        })
        .sum();
    assert_eq!(from_synth_02, 22);
}

#[test]
fn an_unwritable_out_is_a_clear_error_and_leaves_nothing() {
    let capture = testdata_dir().join("refused.pcap");
    let blocker = temp_dir().join("out-is-a-file");
    std::fs::write(&blocker, "a file").unwrap();
    let out_dir = blocker.join("tables");
    let out = tcp_fsm(&[
        "track",
        s(&capture),
        "--format",
        "parquet",
        "--out",
        s(&out_dir),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with(&format!("error: {}: cannot write: ", out_dir.display())),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
    let missing = tcp_fsm(&["track", s(&capture), "--format", "parquet"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("--out"));
}

#[test]
fn a_table_that_cannot_take_its_final_name_leaves_no_partial_file() {
    let capture = testdata_dir().join("refused.pcap");
    let out_dir = fresh("rename-fails");
    // A non-empty directory where connections.parquet should go: the rename fails.
    std::fs::create_dir_all(out_dir.join("connections.parquet/inside")).unwrap();
    let out = tcp_fsm(&[
        "track",
        s(&capture),
        "--format",
        "parquet",
        "--out",
        s(&out_dir),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("connections.parquet: cannot write"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(partial_files(&out_dir), Vec::<String>::new());
    assert!(!out_dir.join("captures.parquet").exists());
}

/// Runs a Python script of scripts/ with the `tcp-fsm` binary, or `None` (after the skip
/// notice) when `module` cannot be imported.
fn python_script(
    module: &str,
    requirement: test_support::Requirement,
    script: &str,
    args: &[&str],
) -> Option<Output> {
    let probe = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output();
    if !probe.is_ok_and(|p| p.status.success()) {
        requirement.skip(script, &format!("python3 cannot import {module}"));
        return None;
    }
    let path = test_support::repository().join("scripts").join(script);
    let out = Command::new("python3")
        .arg(path)
        .arg(env!("CARGO_BIN_EXE_tcp-fsm"))
        .args(args)
        .output()
        .expect("python3 runs");
    Some(out)
}

#[test]
fn duckdb_reads_the_tables_with_the_counts_track_printed() {
    let dir = fleet("duckdb-in", 4);
    let out_dir = fresh("duckdb-out");
    let Some(out) = python_script(
        "duckdb",
        DUCKDB,
        "check-parquet.py",
        &[s(&out_dir), s(&dir)],
    ) else {
        return;
    };
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains("agrees with track on 13 captures"));
}

#[test]
fn pyspark_tracks_a_directory_across_tasks_with_the_counts_of_one_process() {
    if Command::new("java").arg("-version").output().is_err() {
        PYSPARK.skip("spark-track.py", "no java");
        return;
    }
    let dir = fleet("spark-in", 5);
    let out_dir = fresh("spark-out");
    let args = [s(&dir), s(&out_dir), "--master", "local[2]", "--check"];
    let Some(out) = python_script("pyspark", PYSPARK, "spark-track.py", &args) else {
        return;
    };
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("14 captures in 2 Spark tasks"), "{stdout}");
    assert!(stdout.contains("the same counts as one `track` process"));
}
