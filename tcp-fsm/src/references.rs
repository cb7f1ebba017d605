//! The reference models of the RFCs that `tcp-fsm audit` holds the TCP specs against
//! (`tcp-fsm/references/*.toml`): each RFC's state machine as its text states it, with the
//! RFC's words quoted for every transition.

use fsm_spec::{SourceFile, Spec};

/// A reference spec compiled into the crate.
#[derive(Debug, Clone, Copy)]
pub struct Bundled {
    /// The name `--against` takes, for example `rfc793`.
    pub id: &'static str,
    /// The document it models.
    pub title: &'static str,
    /// Its path in the repository, for messages.
    pub path: &'static str,
    /// The TOML text.
    pub text: &'static str,
    /// The id of the reference this one replaces, whose differences an audit reports.
    pub obsoletes: Option<&'static str>,
}

/// RFC 793 (1981): Figure 6 and section 3.9.
pub const RFC793: Bundled = Bundled {
    id: "rfc793",
    title: "RFC 793",
    path: "tcp-fsm/references/rfc793.toml",
    text: include_str!("../references/rfc793.toml"),
    obsoletes: None,
};

/// RFC 9293 (2022), which obsoletes RFC 793: Figure 5 and section 3.10, with the RFC 5961
/// mitigations as options.
pub const RFC9293: Bundled = Bundled {
    id: "rfc9293",
    title: "RFC 9293",
    path: "tcp-fsm/references/rfc9293.toml",
    text: include_str!("../references/rfc9293.toml"),
    obsoletes: Some("rfc793"),
};

/// Every bundled reference.
pub const ALL: &[Bundled] = &[RFC793, RFC9293];

/// The bundled reference with this id (case and separators ignored: `RFC-793` works).
pub fn bundled(id: &str) -> Option<Bundled> {
    let key = fsm_spec::naming::loose_key(id);
    ALL.iter()
        .copied()
        .find(|b| fsm_spec::naming::loose_key(b.id) == key)
}

impl Bundled {
    /// The reference as a source file named by its path.
    pub fn source(&self) -> SourceFile {
        SourceFile::new(self.path, self.text)
    }

    /// The parsed reference. Every bundled reference is checked by the tests, so this
    /// does not fail.
    pub fn spec(&self) -> Spec {
        Spec::from_source(&self.source())
            .unwrap_or_else(|errors| panic!("bundled reference {} is invalid:\n{errors}", self.id))
    }
}

/// The environment variable naming the folder that holds the RFC texts (`rfc793.txt`,
/// `rfc9293.txt`, as published by the RFC Editor at <https://www.rfc-editor.org/rfc/>). The
/// tests that compare quotes and figures with the RFC read it.
pub const RFC_DIR_VAR: &str = "TCP_FSM_RFC_DIR";

/// Set to `1` where a missing RFC text must fail those tests instead of skipping them
/// (`.ci/run` sets it).
pub const REQUIRE_RFC_VAR: &str = "TCP_FSM_REQUIRE_RFC_TEXT";

/// The text of the RFC file `name` (for example `rfc793.txt`) from the folder
/// [`RFC_DIR_VAR`] names, or why it cannot be had.
pub fn rfc_text(name: &str) -> Result<String, String> {
    let dir = std::env::var_os(RFC_DIR_VAR)
        .ok_or_else(|| format!("{RFC_DIR_VAR} is not set to the folder of the RFC texts"))?;
    let path = std::path::Path::new(&dir).join(name);
    std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
}

/// [`rfc_text`] for a test: `None` (after printing why) when the text is absent, unless
/// [`REQUIRE_RFC_VAR`] is `1`, where an absent text panics.
pub fn rfc_text_or_skip(name: &str) -> Option<String> {
    match rfc_text(name) {
        Ok(text) => Some(text),
        Err(why) if std::env::var(REQUIRE_RFC_VAR).is_ok_and(|v| v == "1") => {
            panic!("{name} is required ({REQUIRE_RFC_VAR}=1): {why}")
        }
        Err(why) => {
            eprintln!("skipped: comparing with {name}: {why}");
            None
        }
    }
}
