//! What the workspace's tests share, so that no test reaches into another crate's folders:
//! the door fixture (a small machine that is not TCP), random damage to a spec's text, the
//! RFC texts, the engine's test data, and one rule for checks that need something from
//! outside the repository (a program, root, a browser, an RFC text).

pub mod damage;

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// A small machine that is not TCP (`door.toml`): the generic fixture of the spec reader,
/// the macro, the renderers and the page.
pub const DOOR: &str = include_str!("../door.toml");

/// The name the tests give [`DOOR`] in diagnostics.
pub const DOOR_NAME: &str = "door.toml";

/// A media player with two levels of groups (`player.toml`): POWERED holds PLAYING_MODES
/// and STOPPED. The fixture of the hierarchy in the macro, the diagrams and the exports.
pub const PLAYER: &str = include_str!("../player.toml");

/// The path of [`PLAYER`], for tests that run the command on it.
pub fn player_path() -> PathBuf {
    repository().join("test-support/player.toml")
}

/// The RFC 793 spec's text (`tcp-fsm/tcp.toml`), for the tests of crates below `tcp-fsm`
/// (the macro's code generation) that run on the largest real spec.
pub const TCP_SPEC: &str = include_str!("../../tcp-fsm/tcp.toml");

/// The repository's root directory.
pub fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("test-support/ has a parent")
}

/// The engine's recorded captures and their golden outputs (`tcp-engine/testdata/NAME`).
pub fn testdata(name: &str) -> PathBuf {
    repository().join("tcp-engine/testdata").join(name)
}

/// The scenario files of the RFC's figures (`tcp-engine/scenarios/NAME`).
pub fn scenario(name: &str) -> PathBuf {
    repository().join("tcp-engine/scenarios").join(name)
}

/// The RFC 793 spec without the transition CLOSING + rcv_ack -> TIME_WAIT: a simultaneous
/// close can then never finish, which the simulation and exploration tests must notice.
pub fn tcp_without_closing_ack() -> String {
    let text = TCP_SPEC;
    let at = text
        .find("from = \"CLOSING\"\nevent = \"rcv_ack\"\nto = \"TIME_WAIT\"")
        .expect("the bundled spec has CLOSING + rcv_ack -> TIME_WAIT");
    let start = text[..at]
        .rfind("[[transition]]")
        .expect("a transition table");
    let end = at + text[at..].find("\n\n").expect("a blank line after it");
    format!("{}{}", &text[..start], &text[end..])
}

/// The name the tests give [`tcp_without_closing_ack`] in diagnostics.
pub const TCP_WITHOUT_CLOSING_ACK_NAME: &str = "tcp-without-closing-ack.toml";

/// `text` with the first `from` replaced by `to`; panics when `from` is absent, so a
/// mutation that no longer applies fails its test instead of testing the unchanged text.
pub fn replaced(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "test mutation `{from}` does not apply");
    text.replacen(from, to, 1)
}

/// What a check that needs something from outside does when that is missing.
///
/// Each kind of need has its own variable (`TCP_FSM_REQUIRE_TOOLS`, `..._CONFORMANCE`,
/// `..._BROWSER`, `..._LWIP`, `..._RFC_TEXT`, `..._FUZZ`, `..._DUCKDB`, `..._PYSPARK`); `.ci/run` sets them all to `1`, where a skip
/// would hide a check CI promises, so there it fails instead.
#[derive(Debug, Clone, Copy)]
pub struct Requirement {
    /// The environment variable that turns the skip into a failure.
    pub variable: &'static str,
}

/// External programs (Graphviz, PlantUML, Qt SCXML, xstate, taplo).
pub const TOOLS: Requirement = Requirement {
    variable: "TCP_FSM_REQUIRE_TOOLS",
};
/// Root, network namespaces and tcpdump for the live Linux scenarios.
pub const CONFORMANCE: Requirement = Requirement {
    variable: "TCP_FSM_REQUIRE_CONFORMANCE",
};
/// Headless Chromium and chromedriver for the page's browser test.
pub const BROWSER: Requirement = Requirement {
    variable: "TCP_FSM_REQUIRE_BROWSER",
};
/// lwIP built into tcp-engine (its sources from the registry and a C compiler) for the
/// `lwip` conformance target.
pub const LWIP: Requirement = Requirement {
    variable: "TCP_FSM_REQUIRE_LWIP",
};
/// DuckDB (the Python package), reading `track --format parquet`'s tables.
pub const DUCKDB: Requirement = Requirement {
    variable: "TCP_FSM_REQUIRE_DUCKDB",
};
/// PySpark in local mode (the Python package and Java), running `track` over captures.
pub const PYSPARK: Requirement = Requirement {
    variable: "TCP_FSM_REQUIRE_PYSPARK",
};
/// The RFC texts (see [`rfc_text`]).
pub const RFC_TEXT: Requirement = Requirement {
    variable: "TCP_FSM_REQUIRE_RFC_TEXT",
};

impl Requirement {
    /// Whether this run must not skip.
    pub fn required(&self) -> bool {
        std::env::var(self.variable).is_ok_and(|v| v == "1")
    }

    /// Returns `false` after printing "skipped: CHECK: WHY" where skipping is allowed, so a
    /// test can write `if missing { return TOOLS.skip(check, why) }` in a function that says
    /// whether it can go on; panics where the variable requires the check.
    pub fn skip(&self, check: &str, why: &str) -> bool {
        if self.required() {
            panic!("{}=1 but {check} cannot run: {why}", self.variable);
        }
        // Straight to the terminal: the harness captures eprint! of passing tests, and a skip
        // must be seen.
        let _ = writeln!(std::io::stderr(), "skipped: {check}: {why}");
        false
    }
}

/// The environment variable naming the folder that holds the RFC texts (`rfc793.txt`,
/// `rfc9293.txt`, as published by the RFC Editor at <https://www.rfc-editor.org/rfc/>). The
/// tests that compare quotes and figures with the RFC read it.
pub const RFC_DIR_VAR: &str = "TCP_FSM_RFC_DIR";

/// The text of the RFC file `name` (for example `rfc793.txt`) from the folder
/// [`RFC_DIR_VAR`] names, or why it cannot be had.
pub fn rfc_text(name: &str) -> Result<String, String> {
    let dir = std::env::var_os(RFC_DIR_VAR)
        .ok_or_else(|| format!("{RFC_DIR_VAR} is not set to the folder of the RFC texts"))?;
    let path = Path::new(&dir).join(name);
    std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
}

/// [`rfc_text`] for a test: `None` (after printing why) when the text is absent, unless
/// [`RFC_TEXT`] is required, where an absent text panics.
pub fn rfc_text_or_skip(name: &str) -> Option<String> {
    match rfc_text(name) {
        Ok(text) => Some(text),
        Err(why) => {
            RFC_TEXT.skip(&format!("comparing with {name}"), &why);
            None
        }
    }
}
