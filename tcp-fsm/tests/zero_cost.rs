//! The typed API adds no instructions and no bytes: in the release build of
//! `benches/zero_cost.rs`, each `typed_*` function's machine code is the same as its
//! `plain_*` twin, written without a state machine. The linker either merged the two (one
//! address for both names) or their instructions are the same once addresses are left out.
//!
//! It builds that benchmark in release and reads it with `nm` and `objdump` (binutils), so it
//! is ignored by default; `.ci/run` runs it:
//! `cargo test -p tcp-fsm --test zero_cost -- --ignored`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The functions that `benches/zero_cost.rs` defines in pairs.
const PATHS: [&str; 3] = ["client_path", "server_path", "reset_in_syn_received"];

fn run(command: &mut Command) -> String {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(
        out.status.success(),
        "{command:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Builds the benchmark in release, in a target directory of its own (the one running this
/// test is locked by cargo), and returns the executable.
fn build_benchmark() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target_dir = manifest_dir.join("../target/zero-cost");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let messages = run(Command::new(cargo)
        .current_dir(manifest_dir)
        .args([
            "build",
            "--release",
            "-p",
            "tcp-fsm",
            "--bench",
            "zero_cost",
        ])
        .args(["--message-format", "json", "--target-dir"])
        .arg(&target_dir));
    let artifact = messages
        .lines()
        .find(|line| line.contains("\"name\":\"zero_cost\"") && line.contains("\"executable\":\""))
        .expect("cargo reports the benchmark's executable");
    let start = artifact.find("\"executable\":\"").unwrap() + "\"executable\":\"".len();
    let end = start + artifact[start..].find('"').unwrap();
    PathBuf::from(&artifact[start..end])
}

/// Address and size of each defined function, from `nm`.
fn symbols(binary: &Path) -> HashMap<String, (u64, u64)> {
    run(Command::new("nm")
        .args(["-S", "--defined-only"])
        .arg(binary))
    .lines()
    .filter_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [address, size, _kind, name] = fields[..] else {
            return None;
        };
        let hex = |text| u64::from_str_radix(text, 16).ok();
        Some((name.to_string(), (hex(address)?, hex(size)?)))
    })
    .collect()
}

/// The instructions of `function`, without addresses or encodings.
fn instructions(binary: &Path, function: &str) -> Vec<String> {
    let listing = run(Command::new("objdump")
        .args(["-d", "--no-show-raw-insn", "--no-addresses"])
        .arg(format!("--disassemble={function}"))
        .arg(binary));
    listing
        .lines()
        .skip_while(|line| !line.contains(&format!("<{function}>:")))
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        .map(|line| {
            // Jump and call targets are addresses: keep only the symbol they name.
            let line = line.trim();
            match line.find(" <") {
                Some(at) => format!(
                    "{} {}",
                    &line[..at].split_whitespace().next().unwrap_or(""),
                    &line[at + 1..]
                ),
                None => line.to_string(),
            }
        })
        .collect()
}

#[test]
#[ignore = "builds benches/zero_cost.rs in release; run by .ci/run"]
fn typed_paths_compile_to_the_machine_code_of_plain_code() {
    let binary = build_benchmark();
    let symbols = symbols(&binary);
    for path in PATHS {
        let (typed, plain) = (format!("typed_{path}"), format!("plain_{path}"));
        let &(typed_at, typed_size) = symbols.get(&typed).expect("typed function kept");
        let &(plain_at, plain_size) = symbols.get(&plain).expect("plain function kept");
        assert!(plain_size > 0, "{plain} has no code");
        assert_eq!(typed_size, plain_size, "{path}: bytes of machine code");
        if typed_at != plain_at {
            assert_eq!(
                instructions(&binary, &typed),
                instructions(&binary, &plain),
                "{path}: instructions"
            );
        }
        let count = instructions(&binary, &plain).len();
        println!(
            "{path}: {plain_size} bytes, {count} instructions, same address: {}",
            typed_at == plain_at
        );
    }
}

/// What `runtime::step` reads and returns fits in four bytes: the table holds one such cell
/// per (state, event), and the result travels in a register.
#[test]
fn runtime_step_values_are_four_bytes() {
    use tcp_fsm::runtime::{IllegalTransition, Step, Taken};
    assert_eq!(size_of::<Taken>(), 4);
    assert_eq!(size_of::<Option<Step>>(), 4);
    assert_eq!(size_of::<Result<Step, IllegalTransition>>(), 4);
}
