//! What the engine bundles: the TCP specs of the `tcp-fsm` crate and the reference models of
//! the RFCs (`tcp-engine/references/*.toml`) that `tcp-fsm audit` holds specs against, each
//! RFC's state machine as its text states it, with the RFC's words quoted for every
//! transition. One registry: a bundled spec names the reference it implements.

use fsm_spec::{SourceFile, Spec};

/// A reference model of an RFC, compiled into the crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reference {
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
pub const RFC793: Reference = Reference {
    id: "rfc793",
    title: "RFC 793",
    path: "tcp-engine/references/rfc793.toml",
    text: include_str!("../references/rfc793.toml"),
    obsoletes: None,
};

/// RFC 9293 (2022), which obsoletes RFC 793: Figure 5 and section 3.10, with the RFC 5961
/// mitigations as options.
pub const RFC9293: Reference = Reference {
    id: "rfc9293",
    title: "RFC 9293",
    path: "tcp-engine/references/rfc9293.toml",
    text: include_str!("../references/rfc9293.toml"),
    obsoletes: Some("rfc793"),
};

/// Every bundled reference.
pub const REFERENCES: &[Reference] = &[RFC793, RFC9293];

/// The bundled reference with this id (case and separators ignored: `RFC-793` works).
pub fn reference(id: &str) -> Option<Reference> {
    find(REFERENCES, id, |r| r.id)
}

impl Reference {
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

/// A spec bundled with the `tcp-fsm` crate, which the command-line tool selects by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bundled {
    /// The name a SPEC argument takes: `tcp` or `tcp9293`.
    pub name: &'static str,
    /// Its path in the repository, for diagnostics.
    pub path: &'static str,
    /// The TOML text.
    pub source: &'static str,
    /// The RFC it implements, which `report` audits it against besides the one asked for;
    /// `None` for the RFC 793 spec, whose reference is the default anyway.
    pub implements: Option<Reference>,
}

/// The RFC 793 spec, `tcp-fsm/tcp.toml`: the default.
pub const TCP: Bundled = Bundled {
    name: "tcp",
    path: tcp_fsm::SPEC_NAME,
    source: tcp_fsm::SPEC_SOURCE,
    implements: None,
};

/// The RFC 9293 spec, `tcp-fsm/tcp9293.toml`, which extends the RFC 793 one.
pub const TCP9293: Bundled = Bundled {
    name: "tcp9293",
    path: tcp_fsm::rfc9293::SPEC_NAME,
    source: tcp_fsm::rfc9293::SPEC_SOURCE,
    implements: Some(RFC9293),
};

/// The bundled specs, the default first.
pub const BUNDLED: &[Bundled] = &[TCP, TCP9293];

/// Every bundled spec's text under its repository path: what a bundled spec's `[machine]
/// extends` finds (`tcp9293.toml` extends `tcp.toml`), without the repository at hand.
const FILES: &[(&str, &str)] = &[(TCP.path, TCP.source), (TCP9293.path, TCP9293.source)];

/// The bundled spec with this name (case and separators ignored, as for references).
pub fn bundled(name: &str) -> Option<Bundled> {
    find(BUNDLED, name, |b| b.name)
}

impl Bundled {
    /// The spec as a source file named by its path, finding what it extends among the
    /// bundled specs.
    pub fn source_file(&self) -> SourceFile {
        bundled_source(self.path, self.source)
    }

    /// The parsed spec. Every bundled spec is checked by the tests, so this does not fail.
    pub fn spec(&self) -> Spec {
        Spec::from_source(&self.source_file())
            .unwrap_or_else(|errors| panic!("bundled spec {} is invalid:\n{errors}", self.name))
    }
}

/// `text` as the bundled spec named `name` (possibly changed, as tests do): its `extends`
/// reads the bundled specs.
pub fn bundled_source(name: &str, text: impl Into<String>) -> SourceFile {
    SourceFile::new(name, text).with_files(fsm_spec::Embedded(FILES))
}

/// The default bundled spec as a source file.
pub fn spec_source() -> SourceFile {
    TCP.source_file()
}

/// The default bundled spec, parsed and checked.
pub fn spec() -> Spec {
    TCP.spec()
}

/// The entry of `all` whose name matches `name` loosely (case and separators ignored).
fn find<T: Copy>(all: &[T], name: &str, name_of: impl Fn(&T) -> &'static str) -> Option<T> {
    let key = fsm_spec::naming::loose_key(name);
    all.iter()
        .copied()
        .find(|entry| fsm_spec::naming::loose_key(name_of(entry)) == key)
}

/// A named run of events from the bundled spec's initial state, which diagrams can
/// highlight and tests can walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventPath {
    /// The name `tcp-fsm diagram --highlight` takes, for example `client`.
    pub name: &'static str,
    /// The colour diagrams draw it in.
    pub color: &'static str,
    /// What the path is and where it comes from.
    pub doc: &'static str,
    /// The events, in order, by their spec names.
    pub events: &'static [&'static str],
}

impl EventPath {
    /// The path drawn on `spec` in `color`; `None` when `spec` lacks one of its events or
    /// cannot take it where the path has come to (a spec that is not TCP).
    pub fn highlight(&self, spec: &Spec, color: &str) -> Option<fsm_spec::render::Highlight> {
        let events = self
            .events
            .iter()
            .map(|name| spec.event_named(name))
            .collect::<Option<Vec<_>>>()?;
        fsm_spec::render::Highlight::run(spec, self.name, color, &events).ok()
    }
}

/// The client's path through the state machine in the blog post "TCP 状态机" (the spec's
/// origin): active OPEN, the handshake, active CLOSE, TIME-WAIT; RFC 793 Figures 7 and 13 from
/// TCP A's side.
pub const CLIENT_PATH: EventPath = EventPath {
    name: "client",
    color: "#1f77b4",
    doc: "the blog's client path: active open, handshake, active close, TIME-WAIT",
    events: &[
        "active_open",
        "rcv_syn_ack",
        "close",
        "rcv_ack",
        "rcv_fin",
        "timeout_2msl",
    ],
};

/// The server's path in the same blog post: passive OPEN, the handshake, passive CLOSE; RFC
/// 793 Figures 7 and 13 from TCP B's side.
pub const SERVER_PATH: EventPath = EventPath {
    name: "server",
    color: "#d62728",
    doc: "the blog's server path: passive open, handshake, passive close",
    events: &[
        "passive_open",
        "rcv_syn",
        "rcv_ack",
        "rcv_fin",
        "close",
        "rcv_ack",
    ],
};

/// The blog's two paths, client first.
pub const BLOG_PATHS: [EventPath; 2] = [CLIENT_PATH, SERVER_PATH];
