//! The `lwip` target's [`Stack`]: the user calls on lwIP's raw API, its clock, and what it
//! sent, as the table of the module above says.

use super::sys;
use crate::binding::Call;
use crate::conform::peer::{PEER, STACK, TEXT};
use crate::conform::{NotDriven, Stack, Timer};
use crate::track::decode::decode;
use crate::wire::Segment;
use pcap_file::DataLink;
use std::net::{IpAddr, Ipv4Addr};

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
fn no_pcb(call: &str) -> NotDriven {
    NotDriven(format!(
        "no connection to {call}: lwIP's raw API makes every call on a PCB, and there is none"
    ))
}

/// lwIP with one connection.
#[derive(Debug)]
pub struct Lwip {
    session: sys::Session,
    /// The first failure where [`Stack`] has no error to return it by (delivering a
    /// packet, losing one): the case is then not driven.
    fault: Option<String>,
}

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
        if let Some(listener) = self.session.listener() {
            // lwIP refuses it (ERR_CONN); the glue's allocator makes the call sound.
            return Ok(self
                .session
                .write(&listener, &text)
                .map_err(|why| format!("tcp_write: {why}")));
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
            Timer::TimeWait if state != Some("TIME_WAIT") => {
                return Err(NotDriven(format!(
                    "the 2 MSL timer runs only in TIME-WAIT, not in {}",
                    state.unwrap_or("CLOSED")
                )));
            }
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
                    let pcb = self
                        .session
                        .connection()
                        .ok_or_else(|| no_pcb("time out"))?;
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

    fn fault(&mut self) -> Option<String> {
        self.fault.take()
    }
}
