//! Target `lwip`: lwIP's TCP in process through its raw API (`NO_SYS`), deterministic. lwIP
//! is compiled by the build script from the registry's sources with our `lwipopts.h` and
//! glue (`tcp-engine/lwip-port/`); its interface's output is a queue the harness empties,
//! its input is `ip_input`, and its clock (`sys_now`) is the harness's, advanced by hand
//! through `sys_check_timeouts`.
//!
//! lwIP keeps its state in globals: one stack per process. Each [`Lwip`] holds the
//! process's lwIP (a lock) for its life and starts from a reset one, every PCB freed, so
//! cases run one at a time and none sees another's connection.
//!
//! | user call | raw API |
//! |---|---|
//! | passive OPEN | `tcp_new`, `tcp_bind` to [`STACK`], `tcp_listen` |
//! | active OPEN | `tcp_new`, `tcp_bind`, `tcp_connect` to [`PEER`]; on a listener or a connection, `tcp_connect` on it |
//! | SEND | `tcp_write` (copied) and `tcp_output`, Nagle off; on a listener too, which lwIP refuses (the glue's allocator keeps the call sound: docs/conformance.md, W7) |
//! | CLOSE | `tcp_shutdown(pcb, 0, 1)` (no more to send, still receiving, as RFC 793 3.8's CLOSE); `tcp_close` in LISTEN and SYN-SENT, where lwIP does not shut down a side |
//! | ABORT | `tcp_abort`; `tcp_close` on a listener (lwIP asserts against aborting one) |
//! | TIME-WAIT timeout | the clock advanced past lwIP's 2 MSL (120 s) |
//! | user timeout | lwIP has none: the nearest is its giving up after `TCP_MAXRTX` (12) unanswered retransmissions (6 of a SYN), when it deletes the connection without a segment; the clock is advanced until then, with an octet queued in ESTABLISHED and CLOSE-WAIT for the retransmissions to run on. In FIN-WAIT-2, where nothing is unacknowledged, its FIN-WAIT-2 timeout (`TCP_FIN_WAIT_TIMEOUT`, 20 s), which runs once the receiving side is closed too (`tcp_shutdown(pcb, 1, 0)`) |

use super::cases::Case;
use super::report::{self, TargetReport};
use super::{ConformError, peer};
use crate::interpreter::Interpreter;

#[cfg(lwip_built)]
mod stack;
#[cfg(lwip_built)]
mod sys;

#[cfg(not(lwip_built))]
pub use absent::Lwip;
#[cfg(lwip_built)]
pub use stack::Lwip;

/// The lwIP this target links, for reports.
pub const VERSION: &str = "lwIP 2.2.1-dev, the lwip crate 0.4.0's sources";

/// Why the target cannot run in this build (lwIP's sources or a C compiler were missing
/// when it was built), or `None`.
pub fn unavailable() -> Option<String> {
    #[cfg(lwip_built)]
    return None;
    #[cfg(not(lwip_built))]
    return Some(match option_env!("TCP_FSM_LWIP_UNAVAILABLE") {
        Some(why) => format!("lwIP was not built into this tcp-fsm: {why}"),
        None => "tcp-engine was built without its `lwip` feature".into(),
    });
}

/// Runs every case on lwIP, one after the other (lwIP is one per process).
pub fn run(machine: &Interpreter, cases: &[Case]) -> Result<TargetReport, ConformError> {
    crate::conform::ensure_available("lwip", unavailable())?;
    let references = crate::specs::RFC9293.spec();
    let started = std::time::Instant::now();
    let mut results = Vec::with_capacity(cases.len());
    for case in cases {
        let driven = Lwip::new().and_then(|mut lwip| {
            use crate::conform::Stack as _;
            let observation = peer::drive(machine, case, &mut lwip).map_err(|e| e.0)?;
            // A packet lost on the way in or out makes the observation partial.
            match lwip.fault() {
                Some(why) => Err(why),
                None => Ok(observation),
            }
        });
        results.push(report::judge(machine.spec(), &references, case, driven));
    }
    Ok(TargetReport {
        target: "lwip".into(),
        stack: VERSION.into(),
        seconds: started.elapsed().as_secs_f64(),
        cases: results,
    })
}

#[cfg(not(lwip_built))]
mod absent {
    use crate::binding::Call;
    use crate::conform::{NotDriven, Stack, Timer};
    use crate::wire::Segment;

    /// lwIP is not in this build: there is no value of this type.
    #[derive(Debug)]
    pub struct Lwip(std::convert::Infallible);

    impl Lwip {
        /// Why lwIP is not in this build.
        pub fn new() -> Result<Lwip, String> {
            Err(super::unavailable().unwrap_or_default())
        }
    }

    impl Stack for Lwip {
        fn fault(&mut self) -> Option<String> {
            match self.0 {}
        }
        fn call(&mut self, _: Call) -> Result<Option<String>, NotDriven> {
            match self.0 {}
        }
        fn deliver(&mut self, _: &[u8]) {
            match self.0 {}
        }
        fn expire(&mut self, _: Timer) -> Result<(), NotDriven> {
            match self.0 {}
        }
        fn emitted(&mut self) -> Vec<Segment> {
            match self.0 {}
        }
        fn state(&mut self) -> Option<String> {
            match self.0 {}
        }
    }
}
