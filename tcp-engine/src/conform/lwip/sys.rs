//! Hand-written bindings to lwIP's raw TCP API and to our glue (`lwip-port/glue.c`).
//!
//! By hand rather than with bindgen: nine lwIP functions and eleven of our own, all taking
//! an opaque PCB pointer, integers or a byte buffer, so no struct of lwIP's is laid out on
//! this side (the glue reads `pcb->state` and the PCB lists), and bindgen would need
//! libclang at build time, while this target's build needs a C compiler and nothing else.
//!
//! lwIP keeps its state in globals, so one [`Session`] exists at a time in the process: it
//! holds a lock for its whole life and resets lwIP when it opens. Every call goes through
//! it. A [`Pcb`] is looked up afresh for each call ([`Session::connection`],
//! [`Session::listener`], [`Session::new_pcb`]); lwIP may free a PCB on any later input,
//! timer or call, so none is kept across calls.

use std::ffi::{c_int, c_void};
use std::marker::{PhantomData, PhantomPinned};
use std::net::Ipv4Addr;
use std::ptr::NonNull;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// `struct tcp_pcb`, never read on this side.
#[repr(C)]
pub struct TcpPcb {
    _opaque: [u8; 0],
    _pinned: PhantomData<(*mut u8, PhantomPinned)>,
}

/// `ip_addr_t` with IPv6 off (`lwipopts.h`): `ip4_addr_t`, the address in network order.
#[repr(C)]
struct IpAddr {
    addr: u32,
}

impl From<Ipv4Addr> for IpAddr {
    fn from(ip: Ipv4Addr) -> IpAddr {
        IpAddr {
            addr: u32::from_ne_bytes(ip.octets()),
        }
    }
}

/// `err_t`: 0 is `ERR_OK`, the rest negative (lwip/err.h).
type Err = i8;

/// `TCP_WRITE_FLAG_COPY`: lwIP copies the text, so the buffer need not outlive the call.
const WRITE_COPY: u8 = 0x01;

// Why `unsafe` stays: these are C functions; each is called from one wrapper below that
// says why the call is sound.
#[allow(unsafe_code)]
unsafe extern "C" {
    fn tcp_new() -> *mut TcpPcb;
    fn tcp_bind(pcb: *mut TcpPcb, ip: *const IpAddr, port: u16) -> Err;
    fn tcp_listen_with_backlog(pcb: *mut TcpPcb, backlog: u8) -> *mut TcpPcb;
    fn tcp_connect(
        pcb: *mut TcpPcb,
        ip: *const IpAddr,
        port: u16,
        connected: Option<unsafe extern "C" fn(*mut c_void, *mut TcpPcb, Err) -> Err>,
    ) -> Err;
    fn tcp_write(pcb: *mut TcpPcb, data: *const c_void, len: u16, flags: u8) -> Err;
    fn tcp_output(pcb: *mut TcpPcb) -> Err;
    fn tcp_close(pcb: *mut TcpPcb) -> Err;
    fn tcp_shutdown(pcb: *mut TcpPcb, shut_rx: c_int, shut_tx: c_int) -> Err;
    fn tcp_abort(pcb: *mut TcpPcb);

    fn tcpfsm_start(address: u32, netmask: u32);
    fn tcpfsm_reset();
    fn tcpfsm_advance(ms: u32);
    fn tcpfsm_input(packet: *const u8, len: u16) -> c_int;
    fn tcpfsm_take(buffer: *mut u8, capacity: u16) -> c_int;
    fn tcpfsm_dropped() -> c_int;
    fn tcpfsm_watch(pcb: *mut TcpPcb);
    fn tcpfsm_watch_listener(pcb: *mut TcpPcb);
    fn tcpfsm_connection() -> *mut TcpPcb;
    fn tcpfsm_listener() -> *mut TcpPcb;
    fn tcpfsm_state(pcb: *const TcpPcb) -> c_int;
}

/// A PCB lwIP has at the moment it was looked up; consumed by the calls that may free it.
#[derive(Debug)]
pub struct Pcb(NonNull<TcpPcb>);

/// lwIP's `enum tcp_state`, in order, by the names lwIP gives them (`tcp_state_str`).
pub const STATES: [&str; 11] = [
    "CLOSED",
    "LISTEN",
    "SYN_SENT",
    "SYN_RCVD",
    "ESTABLISHED",
    "FIN_WAIT_1",
    "FIN_WAIT_2",
    "CLOSE_WAIT",
    "CLOSING",
    "LAST_ACK",
    "TIME_WAIT",
];

/// The one lwIP of the process, reset and locked.
#[derive(Debug)]
pub struct Session {
    _lock: MutexGuard<'static, ()>,
}

static LWIP: Mutex<()> = Mutex::new(());

/// An lwIP error code by its name in lwip/err.h.
pub fn error_name(err: Err) -> String {
    const NAMES: [&str; 17] = [
        "ERR_OK",
        "ERR_MEM",
        "ERR_BUF",
        "ERR_TIMEOUT",
        "ERR_RTE",
        "ERR_INPROGRESS",
        "ERR_VAL",
        "ERR_WOULDBLOCK",
        "ERR_USE",
        "ERR_ALREADY",
        "ERR_ISCONN",
        "ERR_CONN",
        "ERR_IF",
        "ERR_ABRT",
        "ERR_RST",
        "ERR_CLSD",
        "ERR_ARG",
    ];
    let name = NAMES.get(usize::from(err.unsigned_abs())).copied();
    match name {
        Some(name) if err <= 0 => name.to_string(),
        _ => format!("error {err}"),
    }
}

fn result(err: Err) -> Result<(), String> {
    match err {
        0 => Ok(()),
        err => Err(error_name(err)),
    }
}

impl Session {
    /// Waits for the process's lwIP, starts it the first time (the interface at `address`
    /// in a /24), and frees whatever an earlier session left.
    pub fn open(address: Ipv4Addr) -> Session {
        // A panic while a session was open (a failed test) leaves nothing that the reset
        // below does not clear.
        let lock = LWIP.lock().unwrap_or_else(PoisonError::into_inner);
        let netmask = IpAddr::from(Ipv4Addr::new(255, 255, 255, 0));
        start(IpAddr::from(address).addr, netmask.addr);
        reset();
        Session { _lock: lock }
    }

    /// A new PCB, in CLOSED and bound to nothing; `None` when lwIP has no memory for one.
    pub fn new_pcb(&mut self) -> Option<Pcb> {
        // SAFETY: `tcp_new` takes nothing and returns a fresh PCB or NULL; the session's
        // lock keeps every other thread out of lwIP.
        #[allow(unsafe_code)]
        let pcb = unsafe { tcp_new() };
        NonNull::new(pcb).map(Pcb)
    }

    /// The connection's PCB, if lwIP has one (see glue.c's `tcpfsm_connection`).
    pub fn connection(&mut self) -> Option<Pcb> {
        // SAFETY: takes nothing; returns a PCB that is on one of lwIP's lists now, or NULL.
        #[allow(unsafe_code)]
        let pcb = unsafe { tcpfsm_connection() };
        NonNull::new(pcb).map(Pcb)
    }

    /// The listening PCB, if any.
    pub fn listener(&mut self) -> Option<Pcb> {
        // SAFETY: takes nothing; returns the head of lwIP's list of listeners, or NULL.
        #[allow(unsafe_code)]
        let pcb = unsafe { tcpfsm_listener() };
        NonNull::new(pcb).map(Pcb)
    }

    /// The state of `pcb`, by lwIP's name.
    pub fn state(&mut self, pcb: &Pcb) -> &'static str {
        // SAFETY: `pcb` is on one of lwIP's lists (it was just looked up, and nothing ran
        // since that could free it); the glue only reads its `state` field, which
        // listeners share with connections.
        #[allow(unsafe_code)]
        let state = unsafe { tcpfsm_state(pcb.0.as_ptr()) };
        usize::try_from(state)
            .ok()
            .and_then(|s| STATES.get(s))
            .copied()
            .unwrap_or("(unknown state)")
    }

    /// Binds `pcb` to `ip`:`port`.
    pub fn bind(&mut self, pcb: &Pcb, ip: Ipv4Addr, port: u16) -> Result<(), String> {
        let ip = IpAddr::from(ip);
        // SAFETY: `pcb` is a live PCB; `ip` outlives the call, which copies it.
        #[allow(unsafe_code)]
        let err = unsafe { tcp_bind(pcb.0.as_ptr(), &ip, port) };
        result(err)
    }

    /// Makes the bound `pcb` listen and watches it for connections; on failure the PCB
    /// stays bound (the session's reset frees it).
    pub fn listen(&mut self, pcb: Pcb) -> Result<(), String> {
        // SAFETY: `pcb` is a live, bound PCB in CLOSED; on success lwIP frees it and
        // returns the listener, which is then only given to the glue; on failure it
        // returns NULL and `pcb` is left as it was.
        #[allow(unsafe_code)]
        let listener = unsafe { tcp_listen_with_backlog(pcb.0.as_ptr(), 1) };
        let listener = NonNull::new(listener).ok_or("tcp_listen returned no PCB (ERR_MEM)")?;
        // SAFETY: `listener` is the listening PCB lwIP just made.
        #[allow(unsafe_code)]
        unsafe {
            tcpfsm_watch_listener(listener.as_ptr())
        };
        Ok(())
    }

    /// Makes `pcb` the connection the glue follows (receive, error and Nagle).
    pub fn watch(&mut self, pcb: &Pcb) {
        // SAFETY: `pcb` is a live connection PCB; the glue stores it and sets callbacks.
        #[allow(unsafe_code)]
        unsafe {
            tcpfsm_watch(pcb.0.as_ptr())
        };
    }

    /// Sends a SYN to `ip`:`port` from `pcb`.
    pub fn connect(&mut self, pcb: &Pcb, ip: Ipv4Addr, port: u16) -> Result<(), String> {
        let ip = IpAddr::from(ip);
        // SAFETY: `pcb` is a live PCB (lwIP refuses any but a CLOSED one, reading only its
        // state); `ip` outlives the call; no connected callback (NULL is allowed).
        #[allow(unsafe_code)]
        let err = unsafe { tcp_connect(pcb.0.as_ptr(), &ip, port, None) };
        result(err)
    }

    /// Queues `text` on `pcb` and sends what the window allows (lwIP refuses a listener).
    pub fn write(&mut self, pcb: &Pcb, text: &[u8]) -> Result<(), String> {
        let len = u16::try_from(text.len()).map_err(|_| "more text than one write takes")?;
        // SAFETY: `pcb` is a live PCB. A listener's is the smaller `struct
        // tcp_pcb_listen`, and `tcp_write` reads two connection fields before it refuses
        // one, but the glue's `tcpfsm_malloc` makes a listener's block as big as a
        // connection's, zeroed, so those reads stay inside it. lwIP copies `len` octets
        // from `text` (WRITE_COPY) during the call.
        #[allow(unsafe_code)]
        let err = unsafe { tcp_write(pcb.0.as_ptr(), text.as_ptr().cast(), len, WRITE_COPY) };
        result(err)?;
        // SAFETY: as above; `tcp_output` sends what `tcp_write` queued.
        #[allow(unsafe_code)]
        let err = unsafe { tcp_output(pcb.0.as_ptr()) };
        result(err)
    }

    /// `tcp_close`: closes both directions (lwIP frees the PCB, now or once closed).
    pub fn close(&mut self, pcb: Pcb) -> Result<(), String> {
        // SAFETY: `pcb` is live and consumed: after the call lwIP may have freed it.
        #[allow(unsafe_code)]
        let err = unsafe { tcp_close(pcb.0.as_ptr()) };
        result(err)
    }

    /// `tcp_shutdown(pcb, 0, 1)`: no more to send (RFC 793's CLOSE), still receiving.
    pub fn shutdown_send(&mut self, pcb: Pcb) -> Result<(), String> {
        // SAFETY: `pcb` is a live connection PCB, consumed: lwIP may free it.
        #[allow(unsafe_code)]
        let err = unsafe { tcp_shutdown(pcb.0.as_ptr(), 0, 1) };
        result(err)
    }

    /// `tcp_shutdown(pcb, 1, 0)`: nothing more to receive (a state change only in lwIP's
    /// flags: its FIN-WAIT-2 timeout then runs).
    pub fn shutdown_receive(&mut self, pcb: Pcb) -> Result<(), String> {
        // SAFETY: `pcb` is a live connection PCB, consumed like any shutdown's.
        #[allow(unsafe_code)]
        let err = unsafe { tcp_shutdown(pcb.0.as_ptr(), 1, 0) };
        result(err)
    }

    /// `tcp_abort`: a RST where the state has one, and the PCB freed.
    pub fn abort(&mut self, pcb: Pcb) {
        // SAFETY: `pcb` is a live connection PCB (lwIP asserts against a listener, which
        // the caller never passes), consumed: lwIP frees it.
        #[allow(unsafe_code)]
        unsafe {
            tcp_abort(pcb.0.as_ptr())
        };
    }

    /// Advances lwIP's clock by `ms`, running the timers that fall due.
    pub fn advance(&mut self, ms: u32) {
        // SAFETY: takes an integer; runs lwIP's timers under the session's lock.
        #[allow(unsafe_code)]
        unsafe {
            tcpfsm_advance(ms)
        };
    }

    /// Gives the interface one IP packet.
    pub fn input(&mut self, packet: &[u8]) -> Result<(), String> {
        let len = u16::try_from(packet.len()).map_err(|_| "a packet over 65535 octets")?;
        // SAFETY: the glue copies `len` octets from `packet` into a pbuf of its own.
        #[allow(unsafe_code)]
        let status = unsafe { tcpfsm_input(packet.as_ptr(), len) };
        match status {
            0 => Ok(()),
            _ => Err("lwIP had no buffer for the packet".into()),
        }
    }

    /// The packets lwIP sent since the last call, oldest first; an error when some were
    /// lost to the glue's full queue.
    pub fn take(&mut self) -> Result<Vec<Vec<u8>>, String> {
        let mut packets = Vec::new();
        let mut buffer = [0u8; 2048];
        // The glue's queue holds 64 packets.
        for _ in 0..64 {
            let capacity = u16::try_from(buffer.len()).expect("2048 fits");
            // SAFETY: the glue writes at most `capacity` octets into `buffer`.
            #[allow(unsafe_code)]
            let len = unsafe { tcpfsm_take(buffer.as_mut_ptr(), capacity) };
            let Ok(len) = usize::try_from(len) else {
                break;
            };
            packets.push(buffer[..len].to_vec());
        }
        // SAFETY: takes nothing, reads a counter.
        #[allow(unsafe_code)]
        let dropped = unsafe { tcpfsm_dropped() };
        match dropped {
            0 => Ok(packets),
            n => Err(format!(
                "{n} packets lwIP sent were lost (the queue was full)"
            )),
        }
    }
}

fn start(address: u32, netmask: u32) {
    // SAFETY: called with the lock held; starts lwIP and the interface once per process.
    #[allow(unsafe_code)]
    unsafe {
        tcpfsm_start(address, netmask)
    };
}

fn reset() {
    // SAFETY: called with the lock held, after `start`; frees every PCB through lwIP's own
    // calls and empties the glue's queue.
    #[allow(unsafe_code)]
    unsafe {
        tcpfsm_reset()
    };
}
