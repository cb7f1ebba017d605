//! `tcp-fsm track` against `tshark -r FILE -q -z conv,tcp` on the same synthetic capture, in
//! one run: packets per second of each and their ratio.
//!
//! Run with `cargo bench -p tcp-fsm-tools --bench track`. The capture (1,000,000 packets by
//! default; `TCP_FSM_BENCH_PACKETS` changes it) is generated once under Cargo's target
//! temporary directory. Each command runs three times; the fastest run counts.
//!
//! Under `cargo test --benches` (no `--bench` argument) it runs once on 20,000 packets as a
//! check that the sides agree: the reports of 1 and 2 threads are identical, and `track`
//! finds as many connections as tshark finds TCP conversations. `scripts/track-throughput.sh`
//! gives the figures of docs/PERFORMANCE.md, with peak memory.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tcp_engine::track::synth::{Shape, write_capture};

/// Runs per command when benchmarking.
const RUNS: usize = 3;

fn capture(packets: u64) -> (PathBuf, u64) {
    let shape = Shape::with_packets(packets);
    let name = format!(
        "track-bench-{}x{}x{}.pcap",
        shape.connections, shape.data_segments, shape.concurrent
    );
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    if !path.exists() {
        let file = std::fs::File::create(&path).expect("create the capture");
        let mut out = std::io::BufWriter::new(file);
        write_capture(&mut out, shape).expect("write the capture");
    }
    let written = count_packets(&path);
    (path, written)
}

fn count_packets(path: &Path) -> u64 {
    let bytes = std::fs::read(path).expect("read the capture");
    let mut reader = pcap_file::pcap::PcapReader::new(&bytes[..]).expect("a pcap file");
    let mut packets = 0;
    while let Some(packet) = reader.next_packet() {
        packet.expect("a valid packet");
        packets += 1;
    }
    packets
}

/// What `program args` prints, or `None` when it cannot be run.
fn stdout_of(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        out.status
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The fastest of `runs` runs of `program args`, with stdout discarded.
fn fastest(program: &str, args: &[&str], runs: usize) -> Option<Duration> {
    let mut best: Option<Duration> = None;
    for _ in 0..runs {
        let start = Instant::now();
        let status = Command::new(program)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .ok()?;
        let took = start.elapsed();
        // `track` exits 1 when it finds something; the synthetic capture has no findings.
        assert!(status.success(), "{program} {args:?} failed: {status}");
        best = Some(best.map_or(took, |b| b.min(took)));
    }
    best
}

fn rate(packets: u64, took: Duration) -> f64 {
    packets as f64 / took.as_secs_f64()
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` does not: then a quick check.
    let benchmarking = std::env::args().any(|a| a == "--bench");
    let runs = if benchmarking { RUNS } else { 1 };
    let packets: u64 = std::env::var("TCP_FSM_BENCH_PACKETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if benchmarking { 1_000_000 } else { 20_000 });
    let (path, packets) = capture(packets);
    let file = path.to_str().expect("a UTF-8 path");
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!("capture: {file} ({packets} packets, {size} bytes)");

    let track = env!("CARGO_BIN_EXE_tcp-fsm");
    let one = stdout_of(track, &["track", file, "--summary", "--threads", "1"]).expect("runs");
    let two = stdout_of(track, &["track", file, "--summary", "--threads", "2"]).expect("runs");
    assert!(one == two, "the reports of 1 and 2 threads differ");
    let connections = one.lines().count() - 1;
    match stdout_of("tshark", &["-r", file, "-q", "-z", "conv,tcp"]) {
        Some(conv) => {
            let conversations = conv.lines().filter(|l| l.contains("<->")).count();
            assert_eq!(connections, conversations, "track and tshark count alike");
            println!("agree: {connections} connections, as many TCP conversations for tshark");
        }
        None => println!("tshark: skipped: not installed (apt-get install tshark)"),
    }

    let summary1 = ["track", file, "--summary", "--threads", "1"];
    let summary2 = ["track", file, "--summary", "--threads", "2"];
    let summary1 = fastest(track, &summary1, runs).expect("tcp-fsm runs");
    let summary = fastest(track, &summary2, runs).expect("tcp-fsm runs");
    let timeline = fastest(track, &["track", file], runs).expect("tcp-fsm runs");
    println!(
        "tcp-fsm track --summary --threads 1: {:>8.3} s  {:>12.0} packets/s",
        summary1.as_secs_f64(),
        rate(packets, summary1)
    );
    println!(
        "tcp-fsm track --summary --threads 2: {:>8.3} s  {:>12.0} packets/s",
        summary.as_secs_f64(),
        rate(packets, summary)
    );
    println!(
        "tcp-fsm track (timeline): {:>7.3} s  {:>12.0} packets/s",
        timeline.as_secs_f64(),
        rate(packets, timeline)
    );
    match fastest("tshark", &["-r", file, "-q", "-z", "conv,tcp"], runs) {
        Some(tshark) => {
            println!(
                "tshark -q -z conv,tcp:    {:>7.3} s  {:>12.0} packets/s",
                tshark.as_secs_f64(),
                rate(packets, tshark)
            );
            println!(
                "ratio (tshark time / track time): --summary on 2 threads {:.1}x, 1 thread {:.1}x, timeline {:.1}x",
                tshark.as_secs_f64() / summary.as_secs_f64(),
                tshark.as_secs_f64() / summary1.as_secs_f64(),
                tshark.as_secs_f64() / timeline.as_secs_f64()
            );
        }
        None => println!("tshark: skipped: not installed (apt-get install tshark)"),
    }
}
