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

/// How to run `tcp-fsm` as an ordinary user: as root, through `setpriv` as `nobody` (user
/// and group 65534, no supplementary groups) from a copy of the binary in a directory every
/// user may read, since the build's own may sit under a private home; otherwise the binary
/// itself. `Err` says why not (no `setpriv`, the copy failed).
pub fn as_ordinary_user() -> Result<Command, String> {
    let binary = Path::new(env!("CARGO_BIN_EXE_tcp-fsm"));
    if !is_root() {
        return Ok(Command::new(binary));
    }
    let setpriv = which("setpriv").ok_or("no setpriv (util-linux) to drop root with")?;
    let shared = std::env::temp_dir().join(format!("tcp-fsm-user-{}", std::process::id()));
    std::fs::create_dir_all(&shared).map_err(|e| format!("{}: {e}", shared.display()))?;
    let copy = shared.join("tcp-fsm");
    if !copy.exists() {
        // To a temporary name first: tests in parallel may copy at once.
        let partial = shared.join(format!("tcp-fsm.{:?}", std::thread::current().id()));
        std::fs::copy(binary, &partial).map_err(|e| format!("copying the binary: {e}"))?;
        std::fs::rename(&partial, &copy).map_err(|e| format!("copying the binary: {e}"))?;
    }
    use std::os::unix::fs::PermissionsExt as _;
    for (path, mode) in [(&shared, 0o755), (&copy, 0o755)] {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let mut command = Command::new(setpriv);
    command
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(copy)
        .current_dir(&shared);
    Ok(command)
}

/// Whether this process runs as root (effective user 0, the second `Uid:` field of
/// /proc/self/status; `geteuid` would need `unsafe` or a new dependency).
pub fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status
            .lines()
            .find_map(|l| l.strip_prefix("Uid:"))
            .and_then(|ids| ids.split_whitespace().nth(1))
            == Some("0")
    })
}

/// The program `name` on the PATH.
pub fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
}
