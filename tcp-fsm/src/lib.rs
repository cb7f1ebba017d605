//! The TCP connection state machine of RFC 793, generated from one TOML spec.
//!
//! [`SPEC_SOURCE`] is `tcp.toml`, the single source of truth: the 11 states, the user calls,
//! segment arrivals and timeouts, and every transition with its RFC citation. The
//! [`fsm!`](tcp_fsm_macros::fsm) macro turns it into two APIs.
//!
//! # The typestate API
//!
//! A [`Tcp<S>`](Tcp) handle is in state `S`, a zero-sized type from [`state`]. Each event is
//! a method that consumes the handle and returns the next one, with what the spec says to
//! send:
//!
//! ```
//! use tcp_fsm::Tcp;
//!
//! // The client side of the three-way handshake (RFC 793 3.4, Figure 7).
//! let (tcp, syn) = Tcp::new().active_open();
//! assert_eq!(syn.to_string(), "SYN");
//! let (tcp, ack) = tcp.rcv_syn_ack();
//! assert_eq!(ack.to_string(), "ACK");
//! assert_eq!(tcp.state().name(), "ESTABLISHED");
//! ```
//!
//! An event the spec does not allow in the current state does not compile:
//!
//! ```compile_fail,E0277
//! let tcp = tcp_fsm::Tcp::new().passive_open();
//! let tcp = tcp.rcv_fin(); // `Tcp<Listen>` cannot `rcv_fin`: the spec has no such transition
//! ```
//!
//! Where the spec has guarded transitions (SYN_RECEIVED on `rcv_rst` goes back to LISTEN after
//! a passive OPEN, to CLOSED after an active one), the method returns an enum from
//! [`outcome`] and the handle's data decides, through [`guard::Guards`]. [`Opened`] is such
//! data:
//!
//! ```
//! use tcp_fsm::{outcome, Opened, Tcp};
//!
//! let tcp = Tcp::with_data(Opened::Passive).passive_open();
//! let (tcp, _syn_ack) = tcp.rcv_syn();
//! match tcp.rcv_rst() {
//!     outcome::SynReceivedRcvRst::PassiveOpen(listen) => assert_eq!(listen.state().name(), "LISTEN"),
//!     outcome::SynReceivedRcvRst::ActiveOpen(_) => unreachable!("opened passively"),
//! }
//! ```
//!
//! # The runtime API
//!
//! [`runtime`] has the same machine as enums and a table, for events learnt at run time:
//!
//! ```
//! use tcp_fsm::runtime::{step, Event, State};
//!
//! let state: State = "SYN-RCVD".parse().unwrap();
//! let event: Event = "rcv ACK".parse().unwrap();
//! let transition = step(state, event).unwrap().decide(&tcp_fsm::Opened::Passive);
//! assert_eq!(transition.to, State::Established);
//! assert!(step(State::Listen, Event::RcvFin).is_err());
//! ```
//!
//! [`runtime::Machine`] keeps the state and the guard data, and can call an observer on
//! every transition:
//!
//! ```
//! use tcp_fsm::runtime::{Event, Machine, Output, State, Taken};
//!
//! let mut log = Vec::new();
//! let mut tcp = Machine::new(tcp_fsm::Opened::Active)
//!     .observed_by(|t: Taken| log.push(format!("{} -> {}", t.from(), t.to)));
//! let syn = tcp.handle(Event::ActiveOpen)?;
//! assert_eq!(syn.output, Some(Output::Syn));
//! tcp.handle(Event::RcvSynAck)?;
//! assert_eq!(tcp.state(), State::Established);
//! assert!(tcp.handle(Event::Timeout2msl).is_err()); // illegal: the state stays
//! assert_eq!(tcp.state(), State::Established);
//! drop(tcp);
//! assert_eq!(log, ["CLOSED -> SYN_SENT", "SYN_SENT -> ESTABLISHED"]);
//! # Ok::<(), tcp_fsm::runtime::IllegalTransition>(())
//! ```

//!
//! # The TCP engine
//!
//! With the `engine` feature, the crate also holds the TCP engine that the `tcp-fsm` command
//! drives, one module per concern; with `capture`, the capture tracker too. A user of the
//! typed API alone builds none of it.
//!
//! - [`wire`]: one [`Segment`](wire::Segment), one set of control bits, one
//!   [`SeqNum`](wire::SeqNum) with RFC 793 3.3's modular comparisons;
//! - [`binding`]: which spec event an arriving segment or a user call is, read off the spec;
//! - [`interpreter`]: the one spec interpreter, with the one guard rule;
//! - [`tcb`]: the sequence-number bookkeeping and the checks of RFC 793 3.9 that name an
//!   arriving segment's event; [`endpoint`]: one endpoint, driven by the interpreter;
//! - [`network`]: the segments in flight between two endpoints, and what the network does
//!   to them (delivery, loss, duplication, reordering);
//! - [`scenario`]: scenario files and running them (`tcp-fsm simulate`); [`transcript`]: the
//!   result in the RFC's figure format and as sequence diagrams;
//! - [`explore`]: every interleaving of two endpoints (`tcp-fsm explore`);
//! - [`track`]: following a capture's connections through the spec (`tcp-fsm track`);
//! - [`conform`] (feature `conform`): driving real TCP stacks through every transition of the
//!   spec (`tcp-fsm conform`).

tcp_fsm_macros::fsm!("tcp.toml");

#[cfg(feature = "engine")]
pub mod binding;
#[cfg(feature = "conform")]
pub mod conform;
#[cfg(feature = "engine")]
pub mod endpoint;
#[cfg(feature = "engine")]
pub mod explore;
#[cfg(feature = "engine")]
pub mod handshake;
#[cfg(feature = "engine")]
pub mod interpreter;
#[cfg(feature = "engine")]
pub mod network;
pub mod references;
#[cfg(feature = "engine")]
pub mod scenario;
#[cfg(feature = "engine")]
pub mod tcb;
#[cfg(feature = "capture")]
pub mod track;
#[cfg(feature = "engine")]
pub mod transcript;
#[cfg(feature = "engine")]
pub mod wire;

/// The text of the bundled spec, `tcp-fsm/tcp.toml`.
pub const SPEC_SOURCE: &str = include_str!("../tcp.toml");

/// The name diagnostics use for the bundled spec.
pub const SPEC_NAME: &str = "tcp-fsm/tcp.toml";

/// The bundled spec as a source file, for `fsm_spec::check` and friends.
pub fn spec_source() -> fsm_spec::SourceFile {
    bundled_source(SPEC_NAME, SPEC_SOURCE)
}

/// Every bundled spec's text under its repository path: what a bundled spec's `[machine]
/// extends` finds (`tcp9293.toml` extends `tcp.toml`), without the repository at hand.
pub const BUNDLED_FILES: &[(&str, &str)] = &[
    (SPEC_NAME, SPEC_SOURCE),
    (rfc9293::SPEC_NAME, rfc9293::SPEC_SOURCE),
];

/// `text` as the bundled spec named `name` (possibly changed, as tests do): its `extends`
/// reads [`BUNDLED_FILES`].
pub fn bundled_source(name: &str, text: impl Into<String>) -> fsm_spec::SourceFile {
    fsm_spec::SourceFile::new(name, text).with_files(fsm_spec::Embedded(BUNDLED_FILES))
}

/// The bundled spec, parsed and checked.
pub fn spec() -> fsm_spec::Spec {
    fsm_spec::Spec::from_source(&spec_source())
        .unwrap_or_else(|errors| panic!("the bundled spec is checked by the tests:\n{errors}"))
}

/// A named run of events from the bundled spec's initial state, which diagrams can
/// highlight and tests can walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Path {
    /// The name `tcp-fsm diagram --highlight` takes, for example `client`.
    pub name: &'static str,
    /// The colour diagrams draw it in.
    pub color: &'static str,
    /// What the path is and where it comes from.
    pub doc: &'static str,
    /// The events, in order, by their spec names.
    pub events: &'static [&'static str],
}

/// The client's path through the state machine in the blog post "TCP 状态机" (the spec's
/// origin): active OPEN, the handshake, active CLOSE, TIME-WAIT; RFC 793 Figures 7 and 13 from
/// TCP A's side.
pub const CLIENT_PATH: Path = Path {
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
pub const SERVER_PATH: Path = Path {
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
pub const BLOG_PATHS: [Path; 2] = [CLIENT_PATH, SERVER_PATH];

/// The TCP connection state machine of RFC 9293 (`tcp9293.toml`), generated by the same
/// macro: the same states and events as the RFC 793 machine plus `rcv_rst_in_window`, with
/// RFC 5961's challenge ACKs.
///
/// ```
/// use tcp_fsm::{rfc9293::{outcome, Tcp9293}, Opened};
///
/// // A SYN in SYN-RECEIVED after a passive OPEN returns to LISTEN (RFC 9293 3.10.7.4).
/// let (tcp, _syn_ack) = Tcp9293::with_data(Opened::Passive).passive_open().rcv_syn();
/// match tcp.rcv_syn() {
///     outcome::SynReceivedRcvSyn::PassiveOpen(listen) => assert_eq!(listen.state().name(), "LISTEN"),
///     outcome::SynReceivedRcvSyn::ActiveOpen(..) => unreachable!("opened passively"),
/// }
/// ```
pub mod rfc9293 {
    tcp_fsm_macros::fsm!("tcp9293.toml");

    /// The text of the spec, `tcp-fsm/tcp9293.toml`. It extends `tcp.toml`: check it as
    /// `tcp_fsm::bundled("tcp9293")`'s [`source_file`](crate::Bundled::source_file), which
    /// finds the base among [`BUNDLED_FILES`](crate::BUNDLED_FILES).
    pub const SPEC_SOURCE: &str = include_str!("../tcp9293.toml");

    /// The name diagnostics use for the spec.
    pub const SPEC_NAME: &str = "tcp-fsm/tcp9293.toml";

    impl guard::Guards for crate::Opened {
        fn syn_received_rcv_rst(&self) -> guard::SynReceivedRcvRst {
            match self {
                crate::Opened::Passive => guard::SynReceivedRcvRst::PassiveOpen,
                crate::Opened::Active => guard::SynReceivedRcvRst::ActiveOpen,
            }
        }

        fn syn_received_rcv_syn(&self) -> guard::SynReceivedRcvSyn {
            match self {
                crate::Opened::Passive => guard::SynReceivedRcvSyn::PassiveOpen,
                crate::Opened::Active => guard::SynReceivedRcvSyn::ActiveOpen,
            }
        }

        fn syn_received_rcv_rst_in_window(&self) -> guard::SynReceivedRcvRstInWindow {
            match self {
                crate::Opened::Passive => guard::SynReceivedRcvRstInWindow::PassiveOpen,
                crate::Opened::Active => guard::SynReceivedRcvRstInWindow::ActiveOpen,
            }
        }
    }
}

/// A spec bundled with the crate, which the command-line tool selects by name.
#[derive(Debug, Clone, Copy)]
pub struct Bundled {
    /// The name a SPEC argument takes: `tcp` or `tcp9293`.
    pub name: &'static str,
    /// Its path in the repository, for diagnostics.
    pub path: &'static str,
    /// The TOML text.
    pub source: &'static str,
}

impl Bundled {
    /// The spec as a source file named by its path, finding what it extends among
    /// [`BUNDLED_FILES`].
    pub fn source_file(&self) -> fsm_spec::SourceFile {
        bundled_source(self.path, self.source)
    }
}

/// The bundled specs: RFC 793 (`tcp`, the default) and RFC 9293 (`tcp9293`).
pub const BUNDLED: &[Bundled] = &[
    Bundled {
        name: "tcp",
        path: SPEC_NAME,
        source: SPEC_SOURCE,
    },
    Bundled {
        name: "tcp9293",
        path: rfc9293::SPEC_NAME,
        source: rfc9293::SPEC_SOURCE,
    },
];

/// The bundled spec with this name, if any.
pub fn bundled(name: &str) -> Option<Bundled> {
    BUNDLED.iter().copied().find(|b| b.name == name)
}

/// How the connection was opened, which decides where a reset in SYN_RECEIVED leads.
///
/// RFC 793 3.9, SEGMENT ARRIVES, second check the RST bit, SYN-RECEIVED STATE: "If this
/// connection was initiated with a passive OPEN (i.e., came from the LISTEN state), then
/// return this connection to LISTEN state"; otherwise "the connection was refused" and it
/// enters CLOSED. Carry it in the handle with [`Tcp::with_data`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Opened {
    /// By a passive OPEN: the connection came from LISTEN.
    Passive,
    /// By an active OPEN: the connection came from SYN_SENT.
    Active,
}

impl guard::Guards for Opened {
    fn syn_received_rcv_rst(&self) -> guard::SynReceivedRcvRst {
        match self {
            Opened::Passive => guard::SynReceivedRcvRst::PassiveOpen,
            Opened::Active => guard::SynReceivedRcvRst::ActiveOpen,
        }
    }
}
