//! The external programs that read our exports (taplo, PlantUML, an SCXML engine, XState):
//! finding them, and skipping a check when one is missing.
//!
//! Without the program a check prints `skipped: <why>` and passes, so that `cargo test
//! --workspace` passes on a machine without them; `TCP_FSM_REQUIRE_TOOLS=1` (set by
//! `.ci/run`, which installs them) turns the skip into a failure.
#![allow(dead_code)] // each test file uses the part it needs

use std::path::PathBuf;
use std::process::{Command, Output};

/// Whether `program ARGS` runs and exits 0 (a probe such as `taplo --version`).
pub fn runs(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|out| out.status.success())
}

/// Returns false (after saying why on the terminal) when `check` must be skipped because
/// `why`; panics instead when `TCP_FSM_REQUIRE_TOOLS=1`.
pub fn skip(check: &str, why: &str) -> bool {
    test_support::TOOLS.skip(check, why)
}

/// The repository's root directory.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tools/ has a parent")
        .to_path_buf()
}

/// A scratch directory for one check, under the workspace's target directory.
pub fn scratch(name: &str) -> PathBuf {
    let dir = repo()
        .join("target")
        .join("consumer-checks")
        .join(format!("{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

/// Output bytes as text, for messages.
pub fn text(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The specs of the repository that are meant to be valid.
pub const VALID_SPECS: &[&str] = &[
    "tcp-fsm/tcp.toml",
    "tcp-fsm/tcp9293.toml",
    "tcp-engine/references/rfc793.toml",
    "tcp-engine/references/rfc9293.toml",
    "test-support/door.toml",
    "tcp-fsm/benches/large/spec.toml",
];
