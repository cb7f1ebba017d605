//! Running the `tcp-fsm` binary from integration tests, as a user would.
#![allow(dead_code)] // each test file uses the part it needs

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `tcp-fsm ARGS` in the test's working directory.
pub fn tcp_fsm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tcp-fsm"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Runs `tcp-fsm ARGS` in `dir`, for arguments relative to it.
pub fn tcp_fsm_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tcp-fsm"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Output bytes as text (lossy: the tests compare text).
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// This test process's own temporary directory.
pub fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tcp-fsm-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}

/// Writes `contents` to `name` in [`temp_dir`] and returns its path.
pub fn temp_file(name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let path = temp_dir().join(name);
    std::fs::write(&path, contents).expect("a temporary file");
    path
}
