//! Conformance: driving real TCP stacks through every transition of a spec (`tcp-fsm
//! conform`), and reporting where they differ.
//!
//! - [`cases`]: the test cases of a spec, one per transition and `[[no_transition]]` entry;
//! - [`peer`]: the remote peer the harness plays, whose segments are numbered from the TCB
//!   of a spec-driven [`Endpoint`](crate::endpoint::Endpoint) mirroring the stack;
//! - [`smoltcp`](mod@smoltcp), [`linux`] and [`lwip`](mod@lwip): the stacks, behind [`Stack`];
//! - [`report`]: verdicts, and which reference explains a difference.

pub mod cases;
pub mod linux;
pub mod lwip;
pub mod peer;
pub mod report;
pub mod smoltcp;

use crate::binding::Call;
use crate::interpreter::{DriveError, Interpreter};
use crate::wire::Segment;
use cases::Case;
use report::TargetReport;

/// Why conformance cannot be run on a spec or a target.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConformError {
    /// The spec's events cannot be bound to TCP.
    #[error(transparent)]
    Spec(#[from] DriveError),
    /// Events that stand for nothing a stack can be given.
    #[error(
        "these events have no TCP meaning (a receive event needs `segment`, one of SYN, \
         SYN,ACK, ACK, FIN, FIN,ACK, RST): {}",
        .0.join(", ")
    )]
    Unbound(Vec<String>),
    /// A target name that is not known.
    #[error("unknown target `{name}`; the known targets are: {}", KNOWN_TARGETS.join(", "))]
    UnknownTarget { name: String },
    /// A target that cannot run on this machine.
    #[error("target `{target}` cannot run here: {reason}")]
    TargetUnavailable {
        target: &'static str,
        reason: String,
    },
}

/// `Ok` when `target` can run here, else its [`ConformError::TargetUnavailable`], from the
/// target's own `unavailable()`.
pub fn ensure_available(
    target: &'static str,
    unavailable: Option<String>,
) -> Result<(), ConformError> {
    match unavailable {
        Some(reason) => Err(ConformError::TargetUnavailable { target, reason }),
        None => Ok(()),
    }
}

/// The targets `conform` knows, in the order it runs them.
pub const KNOWN_TARGETS: [&str; 3] = ["smoltcp", "linux", "lwip"];

/// A timer the harness makes a stack expire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timer {
    /// TIME-WAIT's 2 MSL.
    TimeWait,
    /// The user timeout.
    User,
}

/// Why a step could not be given to a stack at all (as opposed to a stack refusing it,
/// which is an observation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotDriven(pub String);

/// One TCP stack with one connection, as the harness drives it. The stack's local address
/// is [`peer::STACK`], the peer's [`Stack::peer`] ([`peer::PEER`] unless the stack says
/// otherwise).
pub trait Stack {
    /// Makes a user call. `Ok(Some(refusal))` when the stack's API refuses it (an error
    /// code): an observation, not a failure to drive.
    fn call(&mut self, call: Call) -> Result<Option<String>, NotDriven>;
    /// Gives the stack a segment from the peer, encoded as an IP packet.
    fn deliver(&mut self, packet: &[u8]);
    /// Lets a timer expire: `Err` where the timer does not run (TIME-WAIT's outside
    /// TIME-WAIT, the user timeout with nothing unacknowledged).
    fn expire(&mut self, timer: Timer) -> Result<(), NotDriven>;
    /// The segments the stack has sent since the last call, once it has gone quiet.
    fn emitted(&mut self) -> Vec<Segment>;
    /// The state the stack reports for the connection, by its own name (`None`: no
    /// connection and no listener, that is CLOSED).
    fn state(&mut self) -> Option<String>;
    /// The first system call that failed where the other methods have no error to return
    /// it by (delivering a packet, reading what the stack sent, reading its state), taken
    /// once. A stack whose methods cannot fail so keeps the default, `None`.
    fn fault(&mut self) -> Option<String> {
        None
    }
    /// The peer's address: [`peer::PEER`], unless the stack reuses its network between
    /// queries and gives each its own port.
    fn peer(&self) -> std::net::SocketAddr {
        peer::PEER
    }
}

/// Runs every case on a fresh stack from `open`, one after the other.
pub fn run_each(
    machine: &Interpreter,
    cases: &[Case],
    target: &str,
    stack: &str,
    open: &dyn Fn() -> Box<dyn Stack>,
) -> TargetReport {
    let references = crate::specs::RFC9293.spec();
    let started = std::time::Instant::now();
    let results = cases
        .iter()
        .map(|case| {
            let mut stack = open();
            let driven = peer::drive(machine, case, stack.as_mut()).map_err(|e| e.0);
            report::judge(machine.spec(), &references, case, driven)
        })
        .collect();
    TargetReport {
        target: target.into(),
        stack: stack.into(),
        seconds: started.elapsed().as_secs_f64(),
        cases: results,
    }
}

/// Runs every case on smoltcp.
pub fn run_smoltcp(machine: &Interpreter, cases: &[Case]) -> TargetReport {
    run_each(machine, cases, "smoltcp", smoltcp::VERSION, &|| {
        Box::new(smoltcp::Smoltcp::new())
    })
}

/// Runs every case on lwIP (the `lwip` feature), or says why it cannot run.
pub fn run_lwip(machine: &Interpreter, cases: &[Case]) -> Result<TargetReport, ConformError> {
    lwip::run(machine, cases)
}
