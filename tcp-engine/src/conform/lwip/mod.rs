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
//! | SEND | `tcp_write` (copied) and `tcp_output`, Nagle off |
//! | CLOSE | `tcp_shutdown(pcb, 0, 1)` (no more to send, still receiving, as RFC 793 3.8's CLOSE); `tcp_close` in LISTEN and SYN-SENT, where lwIP does not shut down a side |
//! | ABORT | `tcp_abort`; `tcp_close` on a listener (lwIP asserts against aborting one) |
//! | TIME-WAIT timeout | the clock advanced past lwIP's 2 MSL (120 s) |
//! | user timeout | lwIP has none: the nearest is its giving up after `TCP_MAXRTX` (12) unanswered retransmissions (6 of a SYN), when it deletes the connection without a segment; the clock is advanced until then, with an octet queued in ESTABLISHED and CLOSE-WAIT for the retransmissions to run on. In FIN-WAIT-2, where nothing is unacknowledged, its FIN-WAIT-2 timeout (`TCP_FIN_WAIT_TIMEOUT`, 20 s), which runs once the receiving side is closed too (`tcp_shutdown(pcb, 1, 0)`) |

use super::cases::Case;
use super::peer::{self, PEER, STACK, TEXT};
use super::report::{self, TargetReport};
use super::{ConformError, NotDriven, Stack, Timer};
use crate::binding::Call;
use crate::interpreter::Interpreter;
use crate::track::decode::decode;
use crate::wire::Segment;
use pcap_file::DataLink;
use std::net::{IpAddr, Ipv4Addr};

#[cfg(lwip_built)]
mod sys;

/// The lwIP this target links, for reports.
pub const VERSION: &str = "lwIP 2.2.1-dev (git of 2023, as the lwip crate 0.4.0 carries it)";

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

/// A step of the clock that lets lwIP's TCP timer run once (`TCP_TMR_INTERVAL`): after a
/// call or a segment, so that a delayed ACK comes in its step.
const TICK_MS: u32 = 250;
/// How long TIME-WAIT is waited out: lwIP's 2 MSL is 120 s (`TCP_MSL` 60 s).
const TIME_WAIT_MS: u32 = 125_000;
/// The longest lwIP's retransmissions are waited out for the user timeout; 12 retransmissions
/// with its backoff take about 45 minutes.
const GIVE_UP_MS: u32 = 2 * 3600 * 1000;
/// The step of the clock while waiting for a state to end.
const WAIT_STEP_MS: u32 = 1000;

fn ipv4(ip: IpAddr) -> Ipv4Addr {
    match ip {
        IpAddr::V4(v4) => v4,
        IpAddr::V6(_) => unreachable!("the harness's addresses are IPv4"),
    }
}

/// A call with no PCB to make it on.
#[cfg(lwip_built)]
fn no_pcb(call: &str) -> NotDriven {
    NotDriven(format!(
        "no connection to {call}: lwIP's raw API makes every call on a PCB, and there is none"
    ))
}

/// Runs every case on lwIP, one after the other (lwIP is one per process).
pub fn run(machine: &Interpreter, cases: &[Case]) -> Result<TargetReport, ConformError> {
    if let Some(reason) = unavailable() {
        return Err(ConformError::TargetUnavailable {
            target: "lwip",
            reason,
        });
    }
    let references = crate::specs::RFC9293.spec();
    let started = std::time::Instant::now();
    let mut results = Vec::with_capacity(cases.len());
    for case in cases {
        let driven = Lwip::new().and_then(|mut lwip| {
            let observation = peer::drive(machine, case, &mut lwip).map_err(|e| e.0)?;
            // A packet lost on the way in or out makes the observation partial.
            match lwip.fault {
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

/// lwIP with one connection.
#[derive(Debug)]
pub struct Lwip {
    #[cfg(lwip_built)]
    session: sys::Session,
    #[cfg(not(lwip_built))]
    never: std::convert::Infallible,
    /// The first failure where [`Stack`] has no error to return it by (delivering a
    /// packet, losing one): the case is then not driven.
    fault: Option<String>,
}

#[cfg(not(lwip_built))]
impl Lwip {
    /// lwIP is not in this build: why.
    pub fn new() -> Result<Lwip, String> {
        Err(unavailable().unwrap_or_default())
    }
}

#[cfg(not(lwip_built))]
impl Stack for Lwip {
    fn call(&mut self, _: Call) -> Result<Option<String>, NotDriven> {
        match self.never {}
    }
    fn deliver(&mut self, _: &[u8]) {
        match self.never {}
    }
    fn expire(&mut self, _: Timer) -> Result<(), NotDriven> {
        match self.never {}
    }
    fn emitted(&mut self) -> Vec<Segment> {
        match self.never {}
    }
    fn state(&mut self) -> Option<String> {
        match self.never {}
    }
}

#[cfg(lwip_built)]
impl Lwip {
    /// The process's lwIP, reset: the interface at [`STACK`]'s address, no PCB. Waits while
    /// another `Lwip` is alive.
    pub fn new() -> Result<Lwip, String> {
        Ok(Lwip {
            session: sys::Session::open(ipv4(STACK.ip())),
            fault: None,
        })
    }

    fn faulted(&self) -> Result<(), NotDriven> {
        match &self.fault {
            Some(why) => Err(NotDriven(why.clone())),
            None => Ok(()),
        }
    }

    fn fail(&mut self, why: String) {
        self.fault.get_or_insert(why);
    }

    /// The state lwIP reports: the connection's, else LISTEN while a listener is open.
    fn lwip_state(&mut self) -> Option<&'static str> {
        if let Some(pcb) = self.session.connection() {
            return Some(self.session.state(&pcb));
        }
        self.session.listener().map(|_| "LISTEN")
    }

    /// A PCB bound to [`STACK`], or lwIP's refusal (the port in use).
    fn bound(&mut self) -> Result<sys::Pcb, String> {
        let pcb = self
            .session
            .new_pcb()
            .ok_or("tcp_new returned no PCB (ERR_MEM)")?;
        match self.session.bind(&pcb, ipv4(STACK.ip()), STACK.port()) {
            Ok(()) => Ok(pcb),
            Err(why) => {
                // Unbound, it is on no list: free it here.
                let _ = self.session.close(pcb);
                Err(format!("tcp_bind: {why}"))
            }
        }
    }

    fn passive_open(&mut self) -> Result<(), String> {
        let pcb = self.bound()?;
        self.session.listen(pcb)
    }

    fn active_open(&mut self) -> Result<(), String> {
        let peer = ipv4(PEER.ip());
        // OPEN on an open connection or listener: lwIP answers for it (ERR_ISCONN).
        let existing = self.session.connection().or(self.session.listener());
        if let Some(pcb) = existing {
            return self
                .session
                .connect(&pcb, peer, PEER.port())
                .map_err(|why| format!("tcp_connect: {why}"));
        }
        let pcb = self.bound()?;
        self.session.watch(&pcb);
        self.session
            .connect(&pcb, peer, PEER.port())
            .map_err(|why| format!("tcp_connect: {why}"))
    }

    fn send(&mut self) -> Result<Result<(), String>, NotDriven> {
        let text = [0x61u8; TEXT as usize];
        if let Some(pcb) = self.session.connection() {
            return Ok(self
                .session
                .write(&pcb, &text)
                .map_err(|why| format!("tcp_write: {why}")));
        }
        if self.session.listener().is_some() {
            return Err(NotDriven(
                "lwIP's raw API has no SEND on a listener: tcp_write takes a connection's \
                 PCB, and a listener's is a smaller struct"
                    .into(),
            ));
        }
        // No connection: lwIP answers a write on a closed PCB.
        let pcb = self
            .session
            .new_pcb()
            .ok_or_else(|| NotDriven("tcp_new returned no PCB (ERR_MEM)".into()))?;
        let answer = self.session.write(&pcb, &text);
        let _ = self.session.close(pcb);
        Ok(answer.map_err(|why| format!("tcp_write: {why}")))
    }

    fn close(&mut self) -> Result<Result<(), String>, NotDriven> {
        if let Some(pcb) = self.session.connection() {
            return Ok(match self.session.state(&pcb) {
                "SYN_SENT" | "CLOSED" => self
                    .session
                    .close(pcb)
                    .map_err(|why| format!("tcp_close: {why}")),
                _ => self
                    .session
                    .shutdown_send(pcb)
                    .map_err(|why| format!("tcp_shutdown: {why}")),
            });
        }
        match self.session.listener() {
            Some(listener) => Ok(self
                .session
                .close(listener)
                .map_err(|why| format!("tcp_close: {why}"))),
            None => Err(no_pcb("CLOSE")),
        }
    }

    fn abort(&mut self) -> Result<Result<(), String>, NotDriven> {
        if let Some(pcb) = self.session.connection() {
            self.session.abort(pcb);
            return Ok(Ok(()));
        }
        match self.session.listener() {
            Some(listener) => Ok(self
                .session
                .close(listener)
                .map_err(|why| format!("tcp_close: {why}"))),
            None => Err(no_pcb("ABORT")),
        }
    }

    /// Advances the clock in steps until lwIP's state is no longer `state` or `limit_ms`
    /// has passed.
    fn wait_while(&mut self, state: Option<&str>, limit_ms: u32) {
        let mut waited = 0;
        while waited < limit_ms && self.lwip_state() == state {
            self.session.advance(WAIT_STEP_MS);
            waited += WAIT_STEP_MS;
        }
    }
}

#[cfg(lwip_built)]
impl Stack for Lwip {
    fn call(&mut self, call: Call) -> Result<Option<String>, NotDriven> {
        self.faulted()?;
        let answer = match call {
            Call::PassiveOpen => self.passive_open(),
            Call::ActiveOpen => self.active_open(),
            Call::Send => self.send()?,
            Call::Close => self.close()?,
            Call::Abort => self.abort()?,
        };
        self.session.advance(TICK_MS);
        Ok(answer.err())
    }

    fn deliver(&mut self, packet: &[u8]) {
        if self.fault.is_some() {
            return;
        }
        match self.session.input(packet) {
            Ok(()) => self.session.advance(TICK_MS),
            Err(why) => self.fail(why),
        }
    }

    fn expire(&mut self, timer: Timer) -> Result<(), NotDriven> {
        self.faulted()?;
        let state = self.lwip_state();
        match timer {
            Timer::TimeWait => self.wait_while(state, TIME_WAIT_MS),
            Timer::User => {
                let name = state.unwrap_or("CLOSED");
                if matches!(name, "LISTEN" | "TIME_WAIT" | "CLOSED") {
                    return Err(NotDriven(format!(
                        "lwIP has no user timeout; it gives a connection up only when its \
                         retransmissions go unanswered, and in {name} nothing is \
                         unacknowledged"
                    )));
                }
                if name == "FIN_WAIT_2" {
                    // Nothing is unacknowledged here; lwIP's one timer in FIN-WAIT-2 is its
                    // FIN-WAIT-2 timeout, which runs once the receiving side is closed too.
                    let pcb = self.session.connection().ok_or_else(|| no_pcb("time out"))?;
                    self.session.shutdown_receive(pcb).map_err(|why| {
                        NotDriven(format!("tcp_shutdown of the receiving side: {why}"))
                    })?;
                }
                if matches!(name, "ESTABLISHED" | "CLOSE_WAIT") {
                    if let Some(pcb) = self.session.connection() {
                        self.session.write(&pcb, b"a").map_err(|why| {
                            NotDriven(format!(
                                "tcp_write of the octet the retransmissions run on: {why}"
                            ))
                        })?;
                    }
                }
                self.wait_while(state, GIVE_UP_MS);
            }
        }
        Ok(())
    }

    fn emitted(&mut self) -> Vec<Segment> {
        match self.session.take() {
            Ok(packets) => packets
                .iter()
                .filter_map(|p| decode(DataLink::RAW, p).ok())
                .map(|c| c.segment)
                .collect(),
            Err(why) => {
                self.fail(why);
                Vec::new()
            }
        }
    }

    fn state(&mut self) -> Option<String> {
        match self.lwip_state() {
            None | Some("CLOSED") => None,
            Some(state) => Some(state.to_string()),
        }
    }
}
