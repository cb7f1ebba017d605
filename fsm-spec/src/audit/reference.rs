//! The reference specs shipped with the crate (`fsm-spec/references/*.toml`).

use crate::model::Spec;
use crate::source::SourceFile;

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
    path: "fsm-spec/references/rfc793.toml",
    text: include_str!("../../references/rfc793.toml"),
    obsoletes: None,
};

/// RFC 9293 (2022), which obsoletes RFC 793: Figure 5 and section 3.10, with the RFC 5961
/// mitigations as options.
pub const RFC9293: Bundled = Bundled {
    id: "rfc9293",
    title: "RFC 9293",
    path: "fsm-spec/references/rfc9293.toml",
    text: include_str!("../../references/rfc9293.toml"),
    obsoletes: Some("rfc793"),
};

/// Every bundled reference.
pub const ALL: &[Bundled] = &[RFC793, RFC9293];

/// The bundled reference with this id (case and separators ignored: `RFC-793` works).
pub fn bundled(id: &str) -> Option<Bundled> {
    let key = crate::naming::loose_key(id);
    ALL.iter()
        .copied()
        .find(|b| crate::naming::loose_key(b.id) == key)
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
