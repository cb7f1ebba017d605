//! `tcp-fsm schema` and the checked-in docs/spec.schema.json: the verb prints the schema of
//! `fsm_spec::schema`, the file is current, and taplo (what TOML editors run) validates every
//! spec of the repository with it. The schema's agreement with the parser is tested in
//! fsm-spec (`fsm-spec/tests/schema.rs`).

mod external;

use external::{VALID_SPECS, repo, runs, scratch, skip};
use std::process::Command;
use tcp_fsm_tools::schema::FILE_NAME;

/// A spec whose event has a kind that is not one (line 8, column 8).
const BROKEN_KIND: &str = "[machine]
name = \"Door\"
initial = \"CLOSED\"

[states.CLOSED]

[events.open]
kind = \"cal\"
";

#[test]
fn the_checked_in_schema_is_current() {
    let path = repo().join("docs").join(FILE_NAME);
    let checked_in = std::fs::read_to_string(&path).expect("docs/spec.schema.json exists");
    assert!(
        checked_in == fsm_spec::schema::text(),
        "docs/spec.schema.json is stale; regenerate with `cargo run -p tcp-fsm-tools -- report`"
    );
}

/// The `tcp-fsm schema` verb prints the same schema as the checked-in file.
#[test]
fn the_schema_verb_prints_the_schema() {
    let out = Command::new(env!("CARGO_BIN_EXE_tcp-fsm"))
        .arg("schema")
        .output()
        .expect("the binary runs");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        fsm_spec::schema::text()
    );
}

/// taplo, the TOML toolkit behind editors' TOML support, with the checked-in schema: every
/// spec of the repository passes, a broken one fails at its line.
#[test]
fn taplo_validates_the_specs_with_the_schema() {
    if !runs("taplo", &["--version"])
        && !skip(
            "taplo schema check",
            "taplo is not installed (`pip install taplo`; `.ci/run` installs it)",
        )
    {
        return;
    }
    let schema_url = format!("file://{}", repo().join("docs").join(FILE_NAME).display());
    let taplo = |paths: &[std::path::PathBuf]| {
        Command::new("taplo")
            .args(["check", "--no-auto-config", "--schema", &schema_url])
            .args(paths)
            .env("RUST_LOG", "error")
            .output()
            .expect("taplo runs")
    };
    let valid: Vec<_> = VALID_SPECS.iter().map(|p| repo().join(p)).collect();
    let out = taplo(&valid);
    assert!(out.status.success(), "{}", external::text(&out));

    let broken = scratch("taplo").join("broken.toml");
    std::fs::write(&broken, BROKEN_KIND).expect("a scratch file");
    let out = taplo(&[broken]);
    assert!(!out.status.success(), "taplo accepts an unknown event kind");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("\"cal\" is not one of"), "{stderr}");
    assert!(stderr.contains("broken.toml:8:8"), "{stderr}");
}
