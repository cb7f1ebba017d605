//! Every verb that reads a file, given a file it cannot use (missing, a directory, empty,
//! binary, NUL bytes, 50 MB), fails cleanly: an exit code of 1 or 2 rather than a crash or a
//! panic, a message that names the file, and little memory (a 50 MB file is refused before
//! it is read; `tools/src/input.rs` caps specs at 4 MiB).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Where each invocation puts the file under test.
const FILE: &str = "{file}";
/// Where `report` may write diagrams (it should never get that far).
const OUT: &str = "{out}";

/// Every way a verb takes a file: the spec, the reference of `audit` and `report`, the
/// scenario of `simulate` and the capture of `track`.
/// A new verb must be added here (`every_verb_is_covered` checks).
const INVOCATIONS: &[&[&str]] = &[
    &["check", FILE],
    &["check", FILE, "--format", "json"],
    &["export", FILE],
    &["expand", FILE],
    &["diagram", FILE],
    &["diagram", FILE, "--format", "svg"],
    &["diagram", FILE, "--format", "plantuml"],
    &["export", FILE, "--format", "scxml"],
    &["export", FILE, "--format", "xstate"],
    &["audit", FILE],
    &["audit", "--against", FILE],
    &["report", FILE, "--out", OUT],
    &["report", "--against", FILE, "--out", OUT],
    &["simulate", FILE],
    &["simulate", SCENARIO, "--spec", FILE],
    &["explore", FILE],
    &["track", FILE],
    &["track", CAPTURE, "--spec", FILE],
    &["conform", FILE, "--list"],
    &["conform", FILE, "--target", "smoltcp"],
    &["learn", FILE, "--target", "smoltcp"],
    &["diff", FILE, "tcp"],
    &["diff", "tcp", FILE],
];

/// The verbs that read no file (`schema` prints the format's schema).
const WITHOUT_FILES: &[&str] = &["schema"];

/// Stand-ins for a scenario and a capture that work, for the verbs whose spec is an option.
const SCENARIO: &str = "{scenario}";
const CAPTURE: &str = "{capture}";

fn scenario() -> String {
    test_support::scenario("rfc793-figure-07.toml")
        .display()
        .to_string()
}

fn capture() -> String {
    test_support::testdata("client_close.pcap")
        .display()
        .to_string()
}

/// Peak resident memory allowed to one run: the binary itself needs about 10 MiB; reading
/// the 50 MB file would need more than 50.
const MAX_RSS_KIB: i64 = 48 * 1024;

/// The tests of this file run one at a time: a child's peak memory, as `wait4` reports it,
/// includes what the test process held when it was started, and the tests' files differ.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tcp-fsm-robustness-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}

/// The unusable inputs, by name: each is a path under `dir`.
fn bad_inputs(dir: &Path) -> Vec<(&'static str, PathBuf)> {
    let path = |name: &str| dir.join(name);
    let missing = path("missing.toml");
    let directory = path("directory.toml");
    std::fs::create_dir_all(&directory).unwrap();
    let empty = path("empty.toml");
    std::fs::write(&empty, "").unwrap();
    // A PNG header and bytes that are not UTF-8.
    let binary = path("binary.toml");
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bytes.extend((0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    std::fs::write(&binary, bytes).unwrap();
    // Valid UTF-8 but no text: NUL bytes.
    let nul = path("nul.toml");
    std::fs::write(&nul, [0u8; 4096]).unwrap();
    // 50 MB without writing 50 MB: a sparse file.
    let huge = path("huge.toml");
    std::fs::File::create(&huge)
        .and_then(|f| f.set_len(50 * 1024 * 1024))
        .unwrap();
    vec![
        ("missing file", missing),
        ("directory", directory),
        ("empty file", empty),
        ("binary file", binary),
        ("NUL bytes", nul),
        ("50 MB file", huge),
    ]
}

/// What one run of the binary gave.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    max_rss_kib: Option<i64>,
}

/// Runs the binary and waits for it with `wait4`, which reports the child's own peak memory.
#[cfg(target_os = "linux")]
#[allow(clippy::zombie_processes, reason = "wait4 reaps the child")]
#[allow(
    unsafe_code,
    reason = "std has no wait that reports the child's rusage, so libc's wait4 it is"
)]
fn run(args: &[String]) -> Run {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    let mut child = Command::new(env!("CARGO_BIN_EXE_tcp-fsm"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let read = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = read(Box::new(child.stdout.take().expect("piped")));
    let stderr = read(Box::new(child.stderr.take().expect("piped")));
    let pid = libc::pid_t::try_from(child.id()).expect("a pid");
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value; `wait4` fills it for our own child,
    // which nothing else waits for.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: valid pointers to locals; `pid` is our child.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4 failed");
    let status = std::process::ExitStatus::from_raw(status);
    Run {
        code: status.code(),
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
        max_rss_kib: Some(usage.ru_maxrss),
    }
}

#[cfg(not(target_os = "linux"))]
fn run(args: &[String]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_tcp-fsm"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        max_rss_kib: None,
    }
}

#[test]
fn every_verb_fails_cleanly_on_every_unusable_file() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // The scenario and capture used with a bad `--spec` work with a good one, so a failure
    // below is the spec's.
    let simulated = run(&["simulate".to_string(), scenario()]);
    assert_eq!(simulated.code, Some(0), "{}", simulated.stderr);
    let tracked = run(&["track".to_string(), capture()]);
    assert!(matches!(tracked.code, Some(0 | 1)), "{}", tracked.stderr);
    let dir = dir();
    let out = dir.join("diagrams");
    let mut failures = Vec::new();
    for (what, path) in bad_inputs(&dir) {
        for invocation in INVOCATIONS {
            let args: Vec<String> = invocation
                .iter()
                .map(|&arg| match arg {
                    FILE => path.display().to_string(),
                    OUT => out.display().to_string(),
                    SCENARIO => scenario(),
                    CAPTURE => capture(),
                    other => other.to_string(),
                })
                .collect();
            let run = run(&args);
            let shown = format!("tcp-fsm {} ({what})", args.join(" "));
            if !matches!(run.code, Some(1 | 2)) {
                failures.push(format!("{shown}: exit {:?}, not 1 or 2", run.code));
            }
            if run.stderr.contains("panicked") {
                failures.push(format!("{shown}: panicked:\n{}", run.stderr));
            }
            // Diagnostics go to stderr, or to stdout as JSON with `--format json`.
            let name = path.file_name().unwrap().to_string_lossy();
            if !run.stderr.contains(name.as_ref()) && !run.stdout.contains(name.as_ref()) {
                failures.push(format!(
                    "{shown}: the message does not name the file:\n{}",
                    run.stderr
                ));
            }
            // Captures are read as a stream, so `track` has the bound of the other verbs.
            let bound = MAX_RSS_KIB;
            if let Some(rss) = run.max_rss_kib.filter(|&rss| rss > bound) {
                failures.push(format!("{shown}: peak memory {rss} KiB > {bound} KiB"));
            }
        }
    }
    assert!(!out.exists(), "report wrote diagrams for an unusable input");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The largest spec the tool accepts, made of nothing but line breaks (the most tokens per
/// byte), is read and rejected with bounded memory.
#[test]
#[cfg(target_os = "linux")]
fn the_largest_accepted_file_is_checked_in_bounded_memory() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let path = dir().join("newlines.toml");
    std::fs::write(&path, "\n".repeat(4 * 1024 * 1024)).unwrap();
    let run = run(&["check".to_string(), path.display().to_string()]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("missing key `machine`"),
        "{}",
        run.stderr
    );
    let rss = run.max_rss_kib.expect("measured on Linux");
    assert!(rss < 512 * 1024, "peak memory {rss} KiB");
}

/// The subcommands that `tcp-fsm --help` lists.
fn verbs() -> Vec<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_tcp-fsm"))
        .arg("--help")
        .output()
        .expect("the binary runs");
    let help = String::from_utf8_lossy(&out.stdout).into_owned();
    help.lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next().map(str::to_string))
        .filter(|verb| verb != "help")
        .collect()
}

#[test]
fn every_verb_is_covered() {
    let verbs = verbs();
    assert!(verbs.contains(&"check".to_string()), "{verbs:?}");
    for verb in verbs
        .iter()
        .filter(|v| !WITHOUT_FILES.contains(&v.as_str()))
    {
        assert!(
            INVOCATIONS.iter().any(|i| i[0] == verb),
            "`tcp-fsm {verb}` reads files: add it to INVOCATIONS"
        );
    }
}

/// The bytes of `client_close.pcap` up to its `records`-th record, then a record header
/// claiming 4 GiB of packet data (and nothing after it).
fn pcap_with_a_4_gib_claim(records: usize) -> Vec<u8> {
    let bytes = std::fs::read(capture()).expect("the checked-in capture");
    let mut end = 24;
    for _ in 0..records {
        let incl_len = u32::from_le_bytes(bytes[end + 8..end + 12].try_into().unwrap());
        end += 16 + incl_len as usize;
    }
    let mut damaged = bytes[..end].to_vec();
    damaged.extend_from_slice(&[0; 8]);
    damaged.extend_from_slice(&u32::MAX.to_le_bytes());
    damaged.extend_from_slice(&u32::MAX.to_le_bytes());
    damaged
}

/// A pcapng section and interface, then an enhanced packet block claiming 4 GiB.
fn pcapng_with_a_4_gib_claim() -> Vec<u8> {
    let mut bytes = Vec::new();
    // Section header block: type, length 28, byte-order magic, version 1.0, section length -1.
    bytes.extend_from_slice(&[0x0a, 0x0d, 0x0d, 0x0a]);
    bytes.extend_from_slice(&28u32.to_le_bytes());
    bytes.extend_from_slice(&0x1a2b_3c4du32.to_le_bytes());
    bytes.extend_from_slice(&[1, 0, 0, 0]);
    bytes.extend_from_slice(&u64::MAX.to_le_bytes());
    bytes.extend_from_slice(&28u32.to_le_bytes());
    // Interface description block: Ethernet, no snapshot limit.
    bytes.extend_from_slice(&1u32.to_le_bytes());
    bytes.extend_from_slice(&20u32.to_le_bytes());
    bytes.extend_from_slice(&[1, 0, 0, 0, 0, 0, 0, 0]);
    bytes.extend_from_slice(&20u32.to_le_bytes());
    // Enhanced packet block whose total length is 4 GiB less 4 bytes.
    bytes.extend_from_slice(&6u32.to_le_bytes());
    bytes.extend_from_slice(&(u32::MAX - 3).to_le_bytes());
    bytes.extend_from_slice(&[0; 20]);
    bytes
}

#[test]
fn a_record_claiming_4_gib_is_refused_by_its_packet_number_without_allocating_it() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = dir();
    let cases = [
        (
            "claim.pcap",
            pcap_with_a_4_gib_claim(3),
            "packet 4 (byte offset ",
        ),
        (
            "claim.pcapng",
            pcapng_with_a_4_gib_claim(),
            "packet 1 (byte offset 48)",
        ),
    ];
    for (name, bytes, packet) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("a temporary file");
        // The one-thread path and the reader feeding shard threads refuse it alike.
        for threads in ["1", "2"] {
            let args = ["track", &path.display().to_string(), "--threads", threads];
            let run = run(&args.map(String::from));
            assert_eq!(
                run.code,
                Some(2),
                "{name}, {threads} threads: {}",
                run.stderr
            );
            assert!(
                run.stderr.contains(packet) && run.stderr.contains("claims 42949672"),
                "{name}, {threads} threads: {}",
                run.stderr
            );
            if let Some(peak) = run.max_rss_kib {
                assert!(
                    peak < MAX_RSS_KIB,
                    "{name}, {threads} threads: peak {peak} KiB"
                );
            }
        }
    }
}
