//! Target `linux`: the kernel of the machine it runs on, one case per private network
//! namespace.
//!
//! Each case runs in a thread of its own that unshares its network namespace (membership
//! is per thread; sockets made there belong to it), brings up `lo` and a TUN device
//! (`IFF_TUN | IFF_NO_PI`: raw IP packets) at 198.18.0.1/24 with ioctls, and plays the peer
//! at 198.18.0.2 through the TUN file descriptor. The namespace has no route anywhere else.
//! The kernel's state of the connection comes from `/proc/thread-self/net/tcp`, the
//! namespace's own table. When the thread ends, its file descriptors close and the
//! namespace, device and sockets vanish with them, also when a case fails.
//!
//! Cases run in parallel (TIME-WAIT's 60 s timer then costs one minute for the whole run),
//! slow ones first. Every read waits with `poll` and a timeout; every loop is bounded.

use super::cases::{Case, Step};
use super::peer::{PEER, STACK};
use super::report::TargetReport;
use super::{ConformError, NotDriven, Stack, Timer, peer, report};
use crate::binding::Call;
use crate::interpreter::Interpreter;
use crate::track::decode::decode;
use crate::wire::Segment;
use pcap_file::DataLink;
use std::ffi::CStr;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Cases driven at once.
const PARALLEL: usize = 24;
/// How long the kernel may stay silent before a step's segments are taken as complete.
const QUIET: Duration = Duration::from_millis(120);
/// The TUN device's name in each namespace.
const DEVICE: &CStr = c"conform0";

// From <linux/sockios.h>; the libc crate does not export them for every target.
const SIOCGIFFLAGS: libc::c_ulong = 0x8913;
const SIOCSIFFLAGS: libc::c_ulong = 0x8914;
const SIOCSIFADDR: libc::c_ulong = 0x8916;
const SIOCSIFNETMASK: libc::c_ulong = 0x891c;

/// `struct ifreq` of <net/if.h>: a name and a 24-octet union (flags or an address).
#[repr(C)]
struct IfReq {
    name: [u8; 16],
    data: [u8; 24],
}

impl IfReq {
    fn new(name: &CStr) -> IfReq {
        let mut req = IfReq {
            name: [0; 16],
            data: [0; 24],
        };
        let bytes = name.to_bytes();
        req.name[..bytes.len()].copy_from_slice(bytes);
        req
    }

    fn with_flags(mut self, flags: libc::c_short) -> IfReq {
        self.data[..2].copy_from_slice(&flags.to_ne_bytes());
        self
    }

    fn flags(&self) -> libc::c_short {
        libc::c_short::from_ne_bytes([self.data[0], self.data[1]])
    }

    fn with_address(mut self, ip: Ipv4Addr) -> IfReq {
        let family = (libc::AF_INET as libc::sa_family_t).to_ne_bytes();
        self.data[..2].copy_from_slice(&family);
        self.data[4..8].copy_from_slice(&ip.octets());
        self
    }
}

fn check(result: libc::c_int, what: &str) -> Result<libc::c_int, String> {
    match result {
        -1 => Err(format!("{what}: {}", io::Error::last_os_error())),
        ok => Ok(ok),
    }
}

fn owned(fd: libc::c_int, what: &str) -> Result<OwnedFd, String> {
    // SAFETY: `fd` was just returned by the kernel and is owned by nobody else.
    check(fd, what).map(|fd| unsafe { OwnedFd::from_raw_fd(fd) })
}

fn ioctl(fd: RawFd, request: libc::c_ulong, req: &mut IfReq, what: &str) -> Result<(), String> {
    // SAFETY: `req` is a valid `struct ifreq` for these requests.
    check(
        unsafe { libc::ioctl(fd, request as _, req as *mut IfReq) },
        what,
    )
    .map(drop)
}

/// Brings interface `name` up (and its address, if given) through `control`.
fn bring_up(control: RawFd, name: &CStr, address: Option<Ipv4Addr>) -> Result<(), String> {
    if let Some(ip) = address {
        let mut req = IfReq::new(name).with_address(ip);
        ioctl(control, SIOCSIFADDR, &mut req, "SIOCSIFADDR")?;
        let mut mask = IfReq::new(name).with_address(Ipv4Addr::new(255, 255, 255, 0));
        ioctl(control, SIOCSIFNETMASK, &mut mask, "SIOCSIFNETMASK")?;
    }
    let mut req = IfReq::new(name);
    ioctl(control, SIOCGIFFLAGS, &mut req, "SIOCGIFFLAGS")?;
    let up = (libc::IFF_UP | libc::IFF_RUNNING) as libc::c_short;
    let mut req = IfReq::new(name).with_flags(req.flags() | up);
    ioctl(control, SIOCSIFFLAGS, &mut req, "SIOCSIFFLAGS")
}

fn sockaddr(addr: SocketAddr) -> libc::sockaddr_in {
    let IpAddr::V4(ip) = addr.ip() else {
        unreachable!("the harness uses IPv4 addresses")
    };
    libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: addr.port().to_be(),
        sin_addr: libc::in_addr {
            s_addr: u32::from_ne_bytes(ip.octets()),
        },
        sin_zero: [0; 8],
    }
}

fn set_int(fd: RawFd, level: libc::c_int, name: libc::c_int, value: libc::c_int) {
    // SAFETY: a c_int option value of the right size.
    unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            (&value as *const libc::c_int).cast(),
            size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
}

/// The kernel with one namespace, one TUN device and the case's sockets.
#[derive(Debug)]
pub struct Linux {
    tun: OwnedFd,
    listener: Option<OwnedFd>,
    connection: Option<OwnedFd>,
    /// Segments read from the TUN device while waiting for a timer.
    pending: Vec<Segment>,
}

impl Linux {
    /// Unshares the calling thread's network namespace and sets it up. Call it from a
    /// thread that does nothing else afterwards.
    pub fn new() -> Result<Linux, String> {
        // SAFETY: affects only the calling thread's namespace membership.
        check(
            unsafe { libc::unshare(libc::CLONE_NEWNET) },
            "unshare(CLONE_NEWNET)",
        )?;
        let control = owned(
            // SAFETY: plain socket(2).
            unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) },
            "socket",
        )?;
        bring_up(control.as_raw_fd(), c"lo", None)?;
        let tun = owned(
            // SAFETY: a NUL-terminated path.
            unsafe {
                libc::open(
                    c"/dev/net/tun".as_ptr(),
                    libc::O_RDWR | libc::O_NONBLOCK | libc::O_CLOEXEC,
                )
            },
            "open /dev/net/tun",
        )?;
        let mut req = IfReq::new(DEVICE).with_flags((libc::IFF_TUN | libc::IFF_NO_PI) as _);
        ioctl(tun.as_raw_fd(), libc::TUNSETIFF as _, &mut req, "TUNSETIFF")?;
        let IpAddr::V4(ip) = STACK.ip() else {
            unreachable!("IPv4")
        };
        bring_up(control.as_raw_fd(), DEVICE, Some(ip))?;
        Ok(Linux {
            tun,
            listener: None,
            connection: None,
            pending: Vec::new(),
        })
    }

    fn tcp_socket() -> Result<OwnedFd, String> {
        let fd = owned(
            // SAFETY: plain socket(2).
            unsafe {
                libc::socket(
                    libc::AF_INET,
                    libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
                    0,
                )
            },
            "socket",
        )?;
        set_int(fd.as_raw_fd(), libc::SOL_SOCKET, libc::SO_REUSEADDR, 1);
        let local = sockaddr(STACK);
        // SAFETY: a sockaddr_in of its size.
        check(
            unsafe {
                libc::bind(
                    fd.as_raw_fd(),
                    (&local as *const libc::sockaddr_in).cast(),
                    size_of::<libc::sockaddr_in>() as libc::socklen_t,
                )
            },
            "bind",
        )?;
        Ok(fd)
    }

    /// The connection's socket: the connecting one, or the listener's accepted one.
    fn connection(&mut self) -> Option<RawFd> {
        if self.connection.is_none() {
            let listener = self.listener.as_ref()?.as_raw_fd();
            // SAFETY: accept4 without an address.
            let fd = unsafe {
                libc::accept4(
                    listener,
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                    libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
                )
            };
            self.connection = owned(fd, "accept").ok();
        }
        self.connection.as_ref().map(AsRawFd::as_raw_fd)
    }

    fn no_socket(&self) -> NotDriven {
        NotDriven(
            "Linux gives the user no socket for a passively opened connection before its \
             handshake completes (accept)"
                .into(),
        )
    }

    /// Reads the TUN device until it has been quiet for `quiet` (at most 64 packets).
    fn read_tun(&mut self, quiet: Duration) -> Vec<Segment> {
        let mut segments = Vec::new();
        let mut buffer = vec![0u8; 65536];
        for _ in 0..64 {
            let mut poll = libc::pollfd {
                fd: self.tun.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one pollfd.
            let ready = unsafe { libc::poll(&mut poll, 1, quiet.as_millis() as libc::c_int) };
            if ready <= 0 {
                break;
            }
            // SAFETY: reading into an owned buffer of its length.
            let n = unsafe {
                libc::read(
                    self.tun.as_raw_fd(),
                    buffer.as_mut_ptr().cast(),
                    buffer.len(),
                )
            };
            if n <= 0 {
                break;
            }
            if let Ok(captured) = decode(DataLink::RAW, &buffer[..n as usize]) {
                if captured.src.ip() == STACK.ip() {
                    segments.push(captured.segment);
                }
            }
        }
        segments
    }

    /// Waits until the connection leaves `state` or `limit` passes, keeping what the
    /// kernel sends meanwhile.
    fn wait_while(&mut self, state: &str, limit: Duration) {
        let started = Instant::now();
        while started.elapsed() < limit && self.state().as_deref() == Some(state) {
            let segments = self.read_tun(Duration::from_millis(200));
            self.pending.extend(segments);
        }
    }
}

impl Stack for Linux {
    fn call(&mut self, call: Call) -> Result<Option<String>, NotDriven> {
        let errno = |r: isize| (r < 0).then(|| io::Error::last_os_error().to_string());
        let state = self.state();
        let refusal = match call {
            Call::PassiveOpen => {
                let fd = Linux::tcp_socket().map_err(NotDriven)?;
                // SAFETY: listen(2) on our socket.
                let refusal = errno(unsafe { libc::listen(fd.as_raw_fd(), 8) } as isize);
                self.listener = Some(fd);
                refusal
            }
            Call::ActiveOpen if self.listener.is_some() => {
                // An active OPEN of the listening connection: connect(2) on the listener.
                let fd = self.listener.as_ref().map_or(-1, AsRawFd::as_raw_fd);
                let remote = sockaddr(PEER);
                // SAFETY: a sockaddr_in of its size.
                errno(unsafe {
                    libc::connect(
                        fd,
                        (&remote as *const libc::sockaddr_in).cast(),
                        size_of::<libc::sockaddr_in>() as libc::socklen_t,
                    )
                } as isize)
            }
            Call::ActiveOpen => {
                let fd = Linux::tcp_socket().map_err(NotDriven)?;
                let remote = sockaddr(PEER);
                // SAFETY: a sockaddr_in of its size.
                let result = unsafe {
                    libc::connect(
                        fd.as_raw_fd(),
                        (&remote as *const libc::sockaddr_in).cast(),
                        size_of::<libc::sockaddr_in>() as libc::socklen_t,
                    )
                };
                let error = io::Error::last_os_error();
                self.connection = Some(fd);
                match result == 0 || error.raw_os_error() == Some(libc::EINPROGRESS) {
                    true => None,
                    false => Some(error.to_string()),
                }
            }
            Call::Send => {
                let fd = match self.connection() {
                    Some(fd) => fd,
                    // SEND on the listening connection: send(2) on the listener.
                    None if state.as_deref() == Some("LISTEN") => {
                        self.listener.as_ref().map_or(-1, AsRawFd::as_raw_fd)
                    }
                    None if self.listener.is_some() => return Err(self.no_socket()),
                    None => return Err(NotDriven("no socket to send on".into())),
                };
                let text = [0x61u8; peer::TEXT as usize];
                // SAFETY: sending from a buffer of its length.
                errno(unsafe {
                    libc::send(fd, text.as_ptr().cast(), text.len(), libc::MSG_NOSIGNAL)
                })
            }
            Call::Close => {
                if state.as_deref() == Some("LISTEN") {
                    self.listener = None;
                    None
                } else if state.as_deref() == Some("SYN_SENT") {
                    self.connection = None;
                    None
                } else {
                    let Some(fd) = self.connection() else {
                        return Err(self.no_socket());
                    };
                    // SHUT_WR is the CLOSE of RFC 793 3.8 (no more to send); the socket stays
                    // open so that the rest of the case can be observed on it.
                    // SAFETY: shutdown(2) on our socket.
                    errno(unsafe { libc::shutdown(fd, libc::SHUT_WR) } as isize)
                }
            }
            Call::Abort => {
                if state.as_deref() == Some("LISTEN") {
                    self.listener = None;
                    None
                } else {
                    let Some(fd) = self.connection() else {
                        return Err(self.no_socket());
                    };
                    let linger = libc::linger {
                        l_onoff: 1,
                        l_linger: 0,
                    };
                    // SAFETY: a linger of its size; SO_LINGER 0 makes close(2) an abort.
                    unsafe {
                        libc::setsockopt(
                            fd,
                            libc::SOL_SOCKET,
                            libc::SO_LINGER,
                            (&linger as *const libc::linger).cast(),
                            size_of::<libc::linger>() as libc::socklen_t,
                        );
                    }
                    self.connection = None;
                    None
                }
            }
        };
        Ok(refusal)
    }

    fn deliver(&mut self, packet: &[u8]) {
        // SAFETY: writing a buffer of its length.
        unsafe {
            libc::write(self.tun.as_raw_fd(), packet.as_ptr().cast(), packet.len());
        }
    }

    fn expire(&mut self, timer: Timer) -> Result<(), NotDriven> {
        let state = self.state();
        let state = state.as_deref().unwrap_or("CLOSED").to_string();
        match timer {
            // Linux keeps TIME-WAIT for 60 s (TCP_TIMEWAIT_LEN), not settable.
            Timer::TimeWait => self.wait_while(&state, Duration::from_secs(75)),
            Timer::User => {
                if matches!(
                    state.as_str(),
                    "LISTEN" | "TIME_WAIT" | "FIN_WAIT2" | "CLOSED"
                ) {
                    return Err(NotDriven(format!(
                        "Linux's TCP_USER_TIMEOUT runs only while something sent is \
                         unacknowledged, and in {state} nothing can be"
                    )));
                }
                let Some(fd) = self.connection() else {
                    return Err(self.no_socket());
                };
                set_int(fd, libc::IPPROTO_TCP, libc::TCP_USER_TIMEOUT, 1000);
                if matches!(state.as_str(), "ESTABLISHED" | "CLOSE_WAIT") {
                    // Something unacknowledged for the timeout to run on.
                    // SAFETY: one octet from a static buffer.
                    unsafe { libc::send(fd, b"a".as_ptr().cast(), 1, libc::MSG_NOSIGNAL) };
                }
                self.wait_while(&state, Duration::from_secs(15));
            }
        }
        Ok(())
    }

    fn emitted(&mut self) -> Vec<Segment> {
        let mut segments = std::mem::take(&mut self.pending);
        segments.extend(self.read_tun(QUIET));
        segments
    }

    fn state(&mut self) -> Option<String> {
        let table = std::fs::read_to_string("/proc/thread-self/net/tcp").ok()?;
        connection_state(&table)
    }
}

/// The state of the harness's connection in a `/proc/net/tcp` table: the entry towards
/// the peer, else a listener on the stack's port (a passively opened connection that went
/// back to LISTEN, or never left it), else none (CLOSED).
pub fn connection_state(table: &str) -> Option<String> {
    let port = |field: &str| {
        field
            .rsplit(':')
            .next()
            .and_then(|p| u16::from_str_radix(p, 16).ok())
    };
    let mut listening = false;
    for line in table.lines().skip(1) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [_, local, remote, state, ..] = fields.as_slice() else {
            continue;
        };
        if port(local) != Some(STACK.port()) {
            continue;
        }
        let name = match *state {
            "01" => "ESTABLISHED",
            "02" => "SYN_SENT",
            "03" => "SYN_RECV",
            "04" => "FIN_WAIT1",
            "05" => "FIN_WAIT2",
            "06" => "TIME_WAIT",
            "07" => continue,
            "08" => "CLOSE_WAIT",
            "09" => "LAST_ACK",
            "0A" => {
                listening = true;
                continue;
            }
            "0B" => "CLOSING",
            _ => continue,
        };
        if port(remote) == Some(PEER.port()) {
            return Some(name.into());
        }
    }
    listening.then(|| "LISTEN".into())
}

/// Why the target cannot run here, if it cannot.
fn unavailable() -> Option<String> {
    // SAFETY: geteuid cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        return Some("it needs root, to create a network namespace and a TUN device".into());
    }
    if !std::path::Path::new("/dev/net/tun").exists() {
        return Some("there is no /dev/net/tun".into());
    }
    let probe = std::thread::spawn(|| Linux::new().map(drop));
    match probe.join() {
        Ok(Ok(())) => None,
        Ok(Err(why)) => Some(why),
        Err(_) => Some("setting up a namespace panicked".into()),
    }
}

/// Runs every case on the kernel, each in its own namespace, in parallel.
pub fn run(machine: &Interpreter, cases: &[Case]) -> Result<TargetReport, ConformError> {
    if let Some(reason) = unavailable() {
        return Err(ConformError::TargetUnavailable {
            target: "linux",
            reason,
        });
    }
    let references = crate::specs::RFC9293.spec();
    let started = Instant::now();
    // Slow cases (TIME-WAIT's timer) first, so the run takes about as long as the slowest.
    let mut order: Vec<usize> = (0..cases.len()).collect();
    order.sort_by_key(|&i| !cases[i].steps.iter().any(|(_, s)| *s == Step::TimeWait));
    let next = Mutex::new(order.into_iter());
    let results: Mutex<Vec<Option<Result<peer::Observation, String>>>> =
        Mutex::new(vec![None; cases.len()]);
    std::thread::scope(|scope| {
        for _ in 0..PARALLEL.min(cases.len()) {
            scope.spawn(|| {
                loop {
                    let Some(index) = next.lock().expect("not poisoned").next() else {
                        break;
                    };
                    let case = &cases[index];
                    // One thread per case: its namespace ends with it.
                    let driven = std::thread::scope(|inner| {
                        inner
                            .spawn(|| {
                                let mut stack = Linux::new()?;
                                peer::drive(machine, case, &mut stack).map_err(|e| e.0)
                            })
                            .join()
                            .unwrap_or_else(|_| Err("the case's thread panicked".into()))
                    });
                    results.lock().expect("not poisoned")[index] = Some(driven);
                }
            });
        }
    });
    let results = results.into_inner().expect("not poisoned");
    let cases = cases
        .iter()
        .zip(results)
        .map(|(case, driven)| {
            let driven = driven.unwrap_or_else(|| Err("not run".into()));
            report::judge(machine.spec(), &references, case, driven)
        })
        .collect();
    Ok(TargetReport {
        target: "linux".into(),
        stack: format!("Linux {}", kernel_release()),
        seconds: started.elapsed().as_secs_f64(),
        cases,
    })
}

/// `uname -r`.
pub fn kernel_release() -> String {
    std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "(unknown release)".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_connection_entry_wins_over_the_listener() {
        let table = "  sl  local_address rem_address   st\n\
            0: 010012C6:0050 00000000:0000 0A 0\n\
            1: 010012C6:0050 020012C6:9C40 03 0\n";
        assert_eq!(connection_state(table).as_deref(), Some("SYN_RECV"));
        let listener_only = "  sl\n0: 010012C6:0050 00000000:0000 0A 0\n";
        assert_eq!(connection_state(listener_only).as_deref(), Some("LISTEN"));
        assert_eq!(connection_state("  sl\n"), None);
    }
}
