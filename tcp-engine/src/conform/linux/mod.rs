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
//!
//! Without root, the process first moves into a user namespace of its own
//! ([`enter_user_namespace`]), where an ordinary user may make network namespaces and TUN
//! devices, where the system allows unprivileged user namespaces.
//!
//! System calls go through `socket2` (sockets), `std::fs::File` (the TUN device) and
//! `rustix` (namespace, `poll`, ioctls). Only two calls have no safe wrapper: `unshare` and
//! the interface ioctls, each in one small function that says why.

use super::cases::{Case, Step};
pub mod pool;

use super::peer::{PEER, STACK};
use super::report::TargetReport;
use super::{ConformError, NotDriven, Stack, Timer, peer, report};
use crate::binding::Call;
use crate::interpreter::Interpreter;
use crate::track::decode::decode;
use crate::wire::Segment;
use pcap_file::DataLink;
use rustix::event::{PollFd, PollFlags, Timespec, poll};
use rustix::ioctl::{Opcode, Updater};
use socket2::{Domain, SockAddr, Socket, Type};
use std::ffi::CStr;
use std::fs::{File, OpenOptions};
use std::io::{self, Read as _, Write as _};
use std::net::{IpAddr, Ipv4Addr, Shutdown, SocketAddr};
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::fs::OpenOptionsExt as _;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Cases driven at once.
const PARALLEL: usize = 24;
/// How long the kernel may stay silent before a step's segments are taken as complete.
const QUIET: Duration = Duration::from_millis(120);
/// The TUN device's name in each namespace.
const DEVICE: &CStr = c"conform0";
/// Where TUN devices are made.
const TUN_CLONE: &str = "/dev/net/tun";

// The interface requests, each reading or writing one `struct ifreq`.
const TUNSETIFF: Opcode = libc::TUNSETIFF as Opcode;
const SIOCGIFFLAGS: Opcode = libc::SIOCGIFFLAGS as Opcode;
const SIOCSIFFLAGS: Opcode = libc::SIOCSIFFLAGS as Opcode;
const SIOCSIFADDR: Opcode = libc::SIOCSIFADDR as Opcode;
const SIOCSIFNETMASK: Opcode = libc::SIOCSIFNETMASK as Opcode;

/// `struct ifreq` of <net/if.h>: a name and a 24-octet union (flags or an address).
///
/// Octet arrays rather than `libc::ifreq`, whose union can only be read back in `unsafe`;
/// the kernel copies the struct in and out whole, so only its size and field offsets count.
#[repr(C)]
struct IfReq {
    name: [u8; libc::IFNAMSIZ],
    data: [u8; 24],
}

// The kernel reads and writes `size_of::<libc::ifreq>()` octets through the pointer.
const _: () = assert!(size_of::<IfReq>() == size_of::<libc::ifreq>());

impl IfReq {
    fn new(name: &CStr) -> IfReq {
        let mut req = IfReq {
            name: [0; libc::IFNAMSIZ],
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

/// One interface request on `fd`, `OPCODE` being one of the five above.
///
/// Why `unsafe` stays: no crate offers these requests safely short of replacing them.
/// rustix's `net::netdevice` only maps names to indices, and rustix and nix give
/// `TUNSETIFF` and `SIOCSIF*` only as raw ioctls. The `tun` crate and the netlink clients
/// (`rtnetlink`, `neli`) would set the device up safely, but bring an async runtime or a
/// netlink stack for four requests made once per case.
#[allow(unsafe_code)]
fn ioctl<const OPCODE: Opcode>(fd: BorrowedFd<'_>, req: &mut IfReq) -> io::Result<()> {
    // SAFETY: each of the five opcodes this is called with takes a pointer to one
    // `struct ifreq`, which the kernel reads and writes in place; `IfReq` has its size
    // (asserted above) with the name first and the union after it, as in <net/if.h>, and
    // the borrow keeps it alive and unaliased for the call.
    unsafe { rustix::ioctl::ioctl(fd, Updater::<OPCODE, IfReq>::new(req)) }.map_err(Into::into)
}

/// `unshare(2)` of namespaces only.
///
/// Why `unsafe` stays: rustix 1.1 deprecated its safe `unshare` for `unshare_unsafe`,
/// because unsharing the file table (`CLONE_FILES`) can leave other threads holding
/// descriptors this one no longer shares; nix's `unshare` is safe only by not saying so.
#[allow(unsafe_code)]
fn unshare(namespaces: rustix::thread::UnshareFlags) -> io::Result<()> {
    assert!(!namespaces.contains(rustix::thread::UnshareFlags::FILES));
    // SAFETY: the file table is not unshared (asserted), so every descriptor stays shared
    // with the process as before.
    unsafe { rustix::thread::unshare_unsafe(namespaces) }.map_err(Into::into)
}

/// Moves the calling thread into a network namespace of its own.
fn unshare_network() -> io::Result<()> {
    unshare(rustix::thread::UnshareFlags::NEWNET)
}

/// Lets this process make the network namespaces and TUN devices the target needs.
///
/// As root (with `CAP_SYS_ADMIN` and `CAP_NET_ADMIN`) there is nothing to do. Otherwise
/// the process moves into a user namespace of its own, where it holds every capability
/// over the namespaces it creates and nothing else; its user is mapped to root there, so
/// the files it writes belong to the user outside. A process can only do this while it has
/// one thread, so call it first (the `tcp-fsm` CLI does, before it starts any). Errors
/// ([`ConformError::TargetUnavailable`]) say what is missing: the threads, or a system that
/// does not let an ordinary user make a user namespace (and how to allow it).
pub fn enter_user_namespace() -> Result<(), ConformError> {
    enter_user_namespace_or_why().map_err(|reason| ConformError::TargetUnavailable {
        target: "linux",
        reason,
    })
}

/// [`enter_user_namespace`], its error the reason alone.
fn enter_user_namespace_or_why() -> Result<(), String> {
    use rustix::thread::CapabilitySet;
    let needed = CapabilitySet::SYS_ADMIN | CapabilitySet::NET_ADMIN;
    let held = rustix::thread::capabilities(None).map_err(|e| format!("capget: {e}"))?;
    if held.effective.contains(needed) {
        return Ok(());
    }
    // unshare(CLONE_NEWUSER) fails with EINVAL in a threaded process; say why instead.
    let threads = std::fs::read_dir("/proc/self/task").map_or(0, Iterator::count);
    if threads > 1 {
        return Err(format!(
            "without root it needs a user namespace of its own, which a process can only \
             enter while it has one thread, and this one has {threads}"
        ));
    }
    let (uid, gid) = (rustix::process::getuid(), rustix::process::getgid());
    unshare(rustix::thread::UnshareFlags::NEWUSER).map_err(|e| match e.raw_os_error() {
        Some(libc::EPERM | libc::ENOSPC | libc::EUSERS) => format!(
            "without root it needs a user namespace of its own, and this system does \
                 not let an ordinary user make one (unshare(CLONE_NEWUSER): {e}). Run it as \
                 root, or allow unprivileged user namespaces: the sysctl \
                 user.max_user_namespaces above 0, kernel.unprivileged_userns_clone=1 where \
                 the kernel has it, kernel.apparmor_restrict_unprivileged_userns=0 (or an \
                 AppArmor profile for tcp-fsm) where AppArmor restricts them"
        ),
        _ => format!("unshare(CLONE_NEWUSER): {e}"),
    })?;
    // The user and its group become root inside; `setgroups` must be denied before an
    // unprivileged process may write its group map.
    let maps = [
        ("/proc/self/setgroups", "deny".to_string()),
        ("/proc/self/uid_map", format!("0 {} 1\n", uid.as_raw())),
        ("/proc/self/gid_map", format!("0 {} 1\n", gid.as_raw())),
    ];
    for (path, map) in maps {
        std::fs::write(path, map).map_err(|e| format!("writing {path}: {e}"))?;
    }
    Ok(())
}

fn failed(what: &str) -> impl FnOnce(io::Error) -> String + '_ {
    move |e| format!("{what}: {e}")
}

/// Brings interface `name` up (and its address, if given) through `control`.
fn bring_up(control: BorrowedFd<'_>, name: &CStr, address: Option<Ipv4Addr>) -> Result<(), String> {
    if let Some(ip) = address {
        let mut req = IfReq::new(name).with_address(ip);
        ioctl::<SIOCSIFADDR>(control, &mut req).map_err(failed("SIOCSIFADDR"))?;
        let mut mask = IfReq::new(name).with_address(Ipv4Addr::new(255, 255, 255, 0));
        ioctl::<SIOCSIFNETMASK>(control, &mut mask).map_err(failed("SIOCSIFNETMASK"))?;
    }
    let mut req = IfReq::new(name);
    ioctl::<SIOCGIFFLAGS>(control, &mut req).map_err(failed("SIOCGIFFLAGS"))?;
    let up = (libc::IFF_UP | libc::IFF_RUNNING) as libc::c_short;
    let mut req = IfReq::new(name).with_flags(req.flags() | up);
    ioctl::<SIOCSIFFLAGS>(control, &mut req).map_err(failed("SIOCSIFFLAGS"))
}

/// Unshares the calling thread's network namespace and sets it up: `lo` up, and a TUN
/// device at the stack's address, whose file is returned.
fn set_up_namespace() -> Result<File, String> {
    unshare_network().map_err(|e| match e.raw_os_error() {
        Some(libc::EPERM) => format!(
            "unshare(CLONE_NEWNET): {e}: it needs root, or a user namespace of its own \
             (`enter_user_namespace`, which the tcp-fsm CLI calls)"
        ),
        _ => format!("unshare(CLONE_NEWNET): {e}"),
    })?;
    let control = Socket::new(Domain::IPV4, Type::DGRAM, None).map_err(failed("socket"))?;
    bring_up(control.as_fd(), c"lo", None)?;
    // std opens with O_CLOEXEC; O_NONBLOCK so that a read after `poll` never blocks.
    let tun = OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(TUN_CLONE)
        .map_err(failed("open /dev/net/tun"))?;
    let mut req = IfReq::new(DEVICE).with_flags((libc::IFF_TUN | libc::IFF_NO_PI) as _);
    ioctl::<TUNSETIFF>(tun.as_fd(), &mut req).map_err(failed("TUNSETIFF"))?;
    let IpAddr::V4(ip) = STACK.ip() else {
        unreachable!("IPv4")
    };
    bring_up(control.as_fd(), DEVICE, Some(ip))?;
    Ok(tun)
}

/// Sets the calling thread's namespace up for a learner, which replays prefixes at any pace and
/// needs the same inputs to give the same outputs however fast they come. What Linux
/// would otherwise do on its own clock, so that a segment comes in whichever step is
/// running then, is made to happen within its step or not at all:
///
/// - the namespace's rate limit on replies to invalid segments is off
///   (`net.ipv4.tcp_invalid_ratelimit` = 0; the challenge ACK's own limit,
///   `tcp_challenge_ack_limit`, is unbounded by default since Linux 6.0). With it on, a
///   second challenge ACK or duplicate ACK within 500 ms of the first is not sent;
/// - congestion control is Reno (`tcp_congestion_control`), whose segments go out at
///   once, where BBR, the default of some systems, paces them on a timer;
/// - Nagle's algorithm and autocorking are off (`TCP_NODELAY`, `tcp_autocorking` = 0),
///   so a SEND's text goes out in its step, not joined to a later one's or a FIN, or
///   sent as a tail loss probe on the retransmission timer;
/// - no retransmission timer fires within a query: the minimum retransmission timeout
///   is 30 s (`tcp_rto_min_us`, 200 ms by default) and tail loss probes are off
///   (`tcp_early_retrans` = 0). A retransmission timeout would cut the congestion
///   window to one segment, and a FIN the user asks for next would wait;
/// - a connection that would enter TIME-WAIT does: a namespace with a connection table
///   of its own ([`pool`]) may hold only half as many TIME-WAIT connections as the table
///   has buckets (`tcp_max_tw_buckets`, 64 of 128), closes the rest at once, and is used
///   again for minutes, so its limit is raised;
/// - a delayed ACK is pushed out at the end of its step (`TCP_QUICKACK`, which sends an
///   ACK the kernel has scheduled, in ESTABLISHED and CLOSE-WAIT, where Linux delays
///   the ACK of a FIN); a passively opened connection is accepted as soon as it can be,
///   for the same reason;
/// - a step's segments are complete after a short silence ([`pool::Namespaces`]): the kernel answers a
///   segment or a call within the system call that gave it, so a short window is
///   enough once nothing waits on a timer.
///
/// Retransmissions, which still come on their timers, are left out of the answers
/// ([`crate::conform::peer::keep_fresh`]).
pub fn tune_for_learning() -> Result<(), String> {
    // Per network namespace: /proc/sys/net is the opening thread's, the one just made.
    for (path, value) in [
        ("/proc/sys/net/ipv4/tcp_invalid_ratelimit", "0"),
        ("/proc/sys/net/ipv4/tcp_congestion_control", "reno"),
        ("/proc/sys/net/ipv4/tcp_autocorking", "0"),
        ("/proc/sys/net/ipv4/tcp_early_retrans", "0"),
        ("/proc/sys/net/ipv4/tcp_max_tw_buckets", "1000000"),
        // 30 s; since Linux 6.11, so an older kernel goes without it.
        ("/proc/sys/net/ipv4/tcp_rto_min_us", "30000000"),
    ] {
        match std::fs::write(path, value) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound && path.ends_with("_us") => {}
            Err(e) => return Err(format!("writing {path}: {e}")),
        }
    }
    Ok(())
}

/// The kernel with one namespace, one TUN device and the case's sockets.
#[derive(Debug)]
pub struct Linux {
    tun: File,
    listener: Option<Socket>,
    connection: Option<Socket>,
    /// Segments read from the TUN device while waiting for a timer.
    pending: Vec<Segment>,
    /// The first system call that failed where [`Stack`] has no error to return it by
    /// (delivering, reading the device, reading the state): the case is then not driven,
    /// whatever the kernel seemed to do, and the calls after it are not made.
    fault: Option<String>,
    /// How long the kernel may stay silent before a step's segments are taken as complete.
    quiet: Duration,
    /// Set up for a learner ([`pool`]): delayed ACKs pushed out at once, Nagle's
    /// algorithm off.
    learning: bool,
    /// The peer's address: [`PEER`], or in a namespace used again, a port of the query's own.
    peer: SocketAddr,
    /// The namespace this stack borrows from a [`pool::Namespaces`], given back on drop.
    lease: Option<pool::Lease>,
}

impl Linux {
    /// Unshares the calling thread's network namespace and sets it up. Call it from a
    /// thread that does nothing else afterwards.
    pub fn new() -> Result<Linux, String> {
        Ok(Linux::over(set_up_namespace()?, PEER))
    }

    /// The stack of the calling thread's namespace, whose TUN device is `tun`, talking to
    /// the peer at `peer`.
    fn over(tun: File, peer: SocketAddr) -> Linux {
        Linux {
            tun,
            listener: None,
            connection: None,
            pending: Vec::new(),
            fault: None,
            quiet: QUIET,
            learning: false,
            peer,
            lease: None,
        }
    }

    /// Sends an ACK the kernel has delayed, now ([`tune_for_learning`]).
    ///
    /// `TCP_QUICKACK` sends a scheduled ACK only once the receive queue is empty, and a
    /// FIN stays queued until the application reads its end of file, so the queue is read
    /// first (the peer sends no data; reading changes no TCP state).
    fn push_delayed_ack(&mut self) -> Result<(), String> {
        self.accept().map_err(|e| e.0)?;
        let Some(socket) = &self.connection else {
            return Ok(());
        };
        let mut buffer = [0u8; 4096];
        for _ in 0..64 {
            match (&*socket).read(&mut buffer) {
                Ok(0) => break,
                Ok(_) => continue,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                // A misused descriptor is the harness's fault.
                Err(e)
                    if matches!(
                        e.raw_os_error(),
                        Some(libc::EBADF | libc::EFAULT | libc::EINVAL | libc::ENOTSOCK)
                    ) =>
                {
                    return Err(format!("reading the connection: {e}"));
                }
                // Nothing to read, or the connection's own error (refused, reset, not yet
                // connected), which `recv` reports: nothing is queued either way.
                Err(_) => break,
            }
        }
        socket
            .set_tcp_quickack(true)
            .map_err(failed("TCP_QUICKACK"))
    }

    fn tcp_socket(&self) -> Result<Socket, String> {
        // socket2 adds SOCK_CLOEXEC itself.
        let socket = Socket::new(Domain::IPV4, Type::STREAM.nonblocking(), None)
            .map_err(failed("socket"))?;
        if self.learning {
            socket
                .set_tcp_nodelay(true)
                .map_err(failed("TCP_NODELAY"))?;
        }
        socket
            .set_reuse_address(true)
            .map_err(failed("SO_REUSEADDR"))?;
        socket
            .bind(&SockAddr::from(STACK))
            .map_err(failed("bind"))?;
        Ok(socket)
    }

    /// Drives `case` on this namespace: the observation, or why the case is not driven.
    pub fn drive(
        &mut self,
        machine: &Interpreter,
        case: &Case,
    ) -> Result<peer::Observation, String> {
        let driven = peer::drive(machine, case, self);
        // A failed call makes whatever followed it meaningless, including the drive's own
        // verdict that the stack strayed.
        match self.fault.take() {
            Some(why) => Err(why),
            None => driven.map_err(|e| e.0),
        }
    }

    /// Keeps the first failure; later ones follow from it.
    fn fail(&mut self, why: String) {
        self.fault.get_or_insert(why);
    }

    /// Stops a case at the step after a failure.
    fn faulted(&self) -> Result<(), NotDriven> {
        match &self.fault {
            Some(why) => Err(NotDriven(why.clone())),
            None => Ok(()),
        }
    }

    /// Takes the listener's connection once the kernel has one to give (accept).
    fn accept(&mut self) -> Result<(), NotDriven> {
        let (None, Some(listener)) = (&self.connection, &self.listener) else {
            return Ok(());
        };
        let socket = match listener.accept() {
            Ok((socket, _)) => socket,
            // No connection has completed its handshake yet: an observation, which the
            // caller reports as no socket.
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
            Err(e) => return Err(NotDriven(format!("accept: {e}"))),
        };
        // Accepted sockets do not inherit O_NONBLOCK on Linux.
        socket
            .set_nonblocking(true)
            .map_err(|e| NotDriven(format!("O_NONBLOCK on the accepted socket: {e}")))?;
        self.connection = Some(socket);
        Ok(())
    }

    /// Reads the TUN device until it has been quiet for `quiet` (at most 64 packets).
    fn read_tun(&mut self, quiet: Duration) -> Result<Vec<Segment>, String> {
        let timeout = Timespec::try_from(quiet).expect("a timeout of seconds fits");
        let mut segments = Vec::new();
        let mut buffer = vec![0u8; 65536];
        for _ in 0..64 {
            let mut fds = [PollFd::new(&self.tun, PollFlags::IN)];
            match poll(&mut fds, Some(&timeout)) {
                Ok(0) => break,
                Ok(_) => {}
                // A signal cut the wait short: wait again, within the loop's bound.
                Err(rustix::io::Errno::INTR) => continue,
                Err(e) => return Err(format!("poll on the TUN device: {e}")),
            }
            let n = match self.tun.read(&mut buffer) {
                Ok(0) => return Err("the TUN device gave end of file".into()),
                Ok(n) => n,
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                    ) =>
                {
                    continue;
                }
                Err(e) => return Err(format!("read from the TUN device: {e}")),
            };
            if let Ok(captured) = decode(DataLink::RAW, &buffer[..n]) {
                // To the peer of this query only: a namespace used again may still hold
                // an earlier query's connections, on other ports.
                if captured.src.ip() == STACK.ip() && captured.dst == self.peer {
                    segments.push(captured.segment);
                }
            }
        }
        Ok(segments)
    }

    /// Waits until the connection leaves `state` or `limit` passes, keeping what the
    /// kernel sends meanwhile.
    fn wait_while(&mut self, state: &str, limit: Duration) -> Result<(), NotDriven> {
        let started = Instant::now();
        while started.elapsed() < limit && self.state().as_deref() == Some(state) {
            self.faulted()?;
            let segments = self
                .read_tun(Duration::from_millis(200))
                .map_err(NotDriven)?;
            self.pending.extend(segments);
        }
        self.faulted()
    }
}

fn no_socket() -> NotDriven {
    NotDriven(
        "Linux gives the user no socket for a passively opened connection before its \
         handshake completes (accept)"
            .into(),
    )
}

/// The error of a call the kernel refused, as the report shows it.
fn refusal<T>(result: io::Result<T>) -> Option<String> {
    result.err().map(|e| e.to_string())
}

impl Stack for Linux {
    fn call(&mut self, call: Call) -> Result<Option<String>, NotDriven> {
        let state = self.state();
        self.faulted()?;
        let refusal = match call {
            // An OPEN while the kernel has the connection (a learner asks this; no case
            // does) is made on its socket, as a program would, and the API answers it.
            Call::PassiveOpen if self.listener.is_some() => {
                let listener = self.listener.as_ref().expect("just checked");
                refusal(listener.listen(8))
            }
            Call::PassiveOpen if state.is_some() && self.connection.is_some() => {
                let connection = self.connection.as_ref().expect("just checked");
                refusal(connection.listen(8))
            }
            Call::PassiveOpen => {
                // CLOSED: an old socket, its connection gone, closes without a segment.
                self.connection = None;
                let socket = self.tcp_socket().map_err(NotDriven)?;
                let refused = refusal(socket.listen(8));
                self.listener = Some(socket);
                refused
            }
            Call::ActiveOpen if self.listener.is_some() => {
                // An active OPEN of the listening connection: connect(2) on the listener.
                let listener = self.listener.as_ref().expect("just checked");
                refusal(listener.connect(&SockAddr::from(self.peer)))
            }
            Call::ActiveOpen if state.is_some() && self.connection.is_some() => {
                let connection = self.connection.as_ref().expect("just checked");
                match connection.connect(&SockAddr::from(self.peer)) {
                    Err(e) if e.raw_os_error() != Some(libc::EINPROGRESS) => Some(e.to_string()),
                    _ => None,
                }
            }
            Call::ActiveOpen => {
                self.connection = None;
                let socket = self.tcp_socket().map_err(NotDriven)?;
                let result = socket.connect(&SockAddr::from(self.peer));
                self.connection = Some(socket);
                match result {
                    Err(e) if e.raw_os_error() != Some(libc::EINPROGRESS) => Some(e.to_string()),
                    _ => None,
                }
            }
            Call::Send => {
                self.accept()?;
                let socket = match (&self.connection, &self.listener) {
                    (Some(connection), _) => connection,
                    // SEND on the listening connection: send(2) on the listener.
                    (None, Some(listener)) if state.as_deref() == Some("LISTEN") => listener,
                    (None, Some(_)) => return Err(no_socket()),
                    (None, None) => return Err(NotDriven("no socket to send on".into())),
                };
                let text = [0x61u8; peer::TEXT as usize];
                refusal(socket.send_with_flags(&text, libc::MSG_NOSIGNAL))
            }
            Call::Close => {
                if state.as_deref() == Some("LISTEN") {
                    self.listener = None;
                    None
                } else if state.as_deref() == Some("SYN_SENT") {
                    self.connection = None;
                    None
                } else {
                    self.accept()?;
                    let Some(socket) = &self.connection else {
                        return Err(no_socket());
                    };
                    // SHUT_WR is the CLOSE of RFC 793 3.8 (no more to send); the socket stays
                    // open so that the rest of the case can be observed on it.
                    refusal(socket.shutdown(Shutdown::Write))
                }
            }
            Call::Abort => {
                if state.as_deref() == Some("LISTEN") {
                    self.listener = None;
                    None
                } else {
                    self.accept()?;
                    let Some(socket) = self.connection.take() else {
                        return Err(no_socket());
                    };
                    // SO_LINGER 0 makes close(2), when `socket` drops, an abort. Without it
                    // the close would be an orderly one, and its FIN a false difference.
                    socket
                        .set_linger(Some(Duration::ZERO))
                        .map_err(|e| NotDriven(format!("SO_LINGER: {e}")))?;
                    None
                }
            }
        };
        Ok(refusal)
    }

    fn deliver(&mut self, packet: &[u8]) {
        if self.fault.is_some() {
            return;
        }
        // One write is one packet on a TUN device, so a short write is a failure too, not
        // something to finish with a second write (`write_all`).
        match self.tun.write(packet) {
            Ok(n) if n == packet.len() => {}
            Ok(n) => self.fail(format!(
                "the TUN device took {n} of the packet's {} octets",
                packet.len()
            )),
            Err(e) => self.fail(format!("write to the TUN device: {e}")),
        }
    }

    fn expire(&mut self, timer: Timer) -> Result<(), NotDriven> {
        let state = self.state();
        self.faulted()?;
        let state = state.as_deref().unwrap_or("CLOSED").to_string();
        match timer {
            Timer::TimeWait if state != "TIME_WAIT" => Err(NotDriven(format!(
                "the 2 MSL timer runs only in TIME-WAIT, not in {state}"
            ))),
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
                self.accept()?;
                let Some(socket) = &self.connection else {
                    return Err(no_socket());
                };
                // Without the option the wait below would end after 15 s with the
                // connection where it was: a false difference.
                socket
                    .set_tcp_user_timeout(Some(Duration::from_secs(1)))
                    .map_err(|e| NotDriven(format!("TCP_USER_TIMEOUT: {e}")))?;
                if matches!(state.as_str(), "ESTABLISHED" | "CLOSE_WAIT") {
                    // Something unacknowledged for the timeout to run on.
                    socket
                        .send_with_flags(b"a", libc::MSG_NOSIGNAL)
                        .map_err(|e| {
                            NotDriven(format!("send of the octet the user timeout runs on: {e}"))
                        })?;
                }
                self.wait_while(&state, Duration::from_secs(15))
            }
        }
    }

    fn emitted(&mut self) -> Vec<Segment> {
        let mut segments = std::mem::take(&mut self.pending);
        if self.learning && self.fault.is_none() {
            if let Err(why) = self.push_delayed_ack() {
                self.fail(why);
            }
        }
        if self.fault.is_none() {
            match self.read_tun(self.quiet) {
                Ok(read) => segments.extend(read),
                Err(why) => self.fail(why),
            }
        }
        segments
    }

    fn fault(&mut self) -> Option<String> {
        self.fault.take()
    }

    fn peer(&self) -> SocketAddr {
        self.peer
    }

    fn state(&mut self) -> Option<String> {
        // Unreadable, the table would look empty: CLOSED, and a false difference.
        match std::fs::read_to_string("/proc/thread-self/net/tcp") {
            Ok(table) => connection_state(&table, self.peer.port()),
            Err(e) => {
                self.fail(format!("reading the namespace's /proc/net/tcp: {e}"));
                None
            }
        }
    }
}

/// `/proc/net/tcp` state codes (include/net/tcp_states.h), named as Linux names them.
pub const KERNEL_STATES: [(&str, &str); 11] = [
    ("01", "ESTABLISHED"),
    ("02", "SYN_SENT"),
    ("03", "SYN_RECV"),
    ("04", "FIN_WAIT1"),
    ("05", "FIN_WAIT2"),
    ("06", "TIME_WAIT"),
    ("07", "CLOSE"),
    ("08", "CLOSE_WAIT"),
    ("09", "LAST_ACK"),
    ("0A", "LISTEN"),
    ("0B", "CLOSING"),
];

/// Linux's name of the state a `/proc/net/tcp` line gives as `code`.
///
/// ```
/// use tcp_engine::conform::linux::kernel_state;
/// assert_eq!(kernel_state("0A"), Some("LISTEN"));
/// ```
pub fn kernel_state(code: &str) -> Option<&'static str> {
    KERNEL_STATES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|&(_, name)| name)
}

/// The state of the harness's connection in a `/proc/net/tcp` table: the entry towards
/// the peer, else a listener on the stack's port (a passively opened connection that went
/// back to LISTEN, or never left it), else none (CLOSED).
pub fn connection_state(table: &str, peer_port: u16) -> Option<String> {
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
        let name = match kernel_state(state) {
            // A socket closed but not yet freed holds no connection.
            None | Some("CLOSE") => continue,
            Some("LISTEN") => {
                listening = true;
                continue;
            }
            Some(name) => name,
        };
        if port(remote) == Some(peer_port) {
            return Some(name.into());
        }
    }
    listening.then(|| "LISTEN".into())
}

/// Why the target cannot run here, if it cannot: no TUN device, or a network namespace
/// that cannot be set up (the reason then names the call that failed; without root, see
/// [`enter_user_namespace`]).
pub fn unavailable() -> Option<String> {
    if !std::path::Path::new(TUN_CLONE).exists() {
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
    crate::conform::ensure_available("linux", unavailable())?;
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
                            .spawn(|| Linux::new()?.drive(machine, case))
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
    use crate::conform::cases::cases;
    use crate::conform::report::{Verdict, judge};

    /// The case `closed_rcv_syn` (a SYN to CLOSED, answered by `<RST,ACK>`) on a stack
    /// whose TUN device is `tun`, outside any namespace: the case needs no socket.
    fn closed_rcv_syn_over(tun: File) -> report::CaseResult {
        let spec = crate::spec();
        let machine = Interpreter::new(&spec).unwrap();
        let cases = cases(&machine).unwrap();
        let case = cases.iter().find(|c| c.case == "closed_rcv_syn").unwrap();
        let mut stack = Linux::over(tun, PEER);
        let driven = stack.drive(&machine, case);
        judge(&spec, &crate::specs::RFC9293.spec(), case, driven)
    }

    #[test]
    fn a_packet_the_tun_device_refuses_makes_the_case_not_driven() {
        // Opened for reading only, the device refuses every write (EBADF): the SYN never
        // reaches the kernel, whose silence is then no RST missing.
        let result = closed_rcv_syn_over(File::open("/dev/null").unwrap());
        assert_eq!(result.verdict, Verdict::NotDriven, "{:?}", result.reason);
        let reason = result.reason.unwrap_or_default();
        assert!(reason.starts_with("write to the TUN device"), "{reason}");
    }

    #[test]
    fn a_tun_device_that_cannot_be_read_makes_the_case_not_driven() {
        // Opened for writing only, the device takes the SYN, polls readable, and refuses
        // the read (EBADF): what the kernel answered is unknown, not nothing.
        let tun = OpenOptions::new().write(true).open("/dev/null").unwrap();
        let result = closed_rcv_syn_over(tun);
        assert_eq!(result.verdict, Verdict::NotDriven, "{:?}", result.reason);
        let reason = result.reason.unwrap_or_default();
        assert!(reason.starts_with("read from the TUN device"), "{reason}");
    }

    #[test]
    fn the_connection_entry_wins_over_the_listener() {
        let table = "  sl  local_address rem_address   st\n\
            0: 010012C6:0050 00000000:0000 0A 0\n\
            1: 010012C6:0050 020012C6:9C40 03 0\n";
        assert_eq!(
            connection_state(table, PEER.port()).as_deref(),
            Some("SYN_RECV")
        );
        let listener_only = "  sl\n0: 010012C6:0050 00000000:0000 0A 0\n";
        assert_eq!(
            connection_state(listener_only, PEER.port()).as_deref(),
            Some("LISTEN")
        );
        assert_eq!(connection_state("  sl\n", PEER.port()), None);
    }
}
