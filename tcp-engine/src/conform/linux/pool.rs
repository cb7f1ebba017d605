//! Network namespaces kept between a learner's queries.
//!
//! A fresh namespace for every query, as `conform` makes one for every case, costs the
//! kernel more than the query's own steps: a learner runs tens of thousands of queries, and
//! on two cores making and tearing down their namespaces took most of the time. So each
//! namespace, once set up (`lo`, the TUN device, [`super::tune_for_learning`]), serves one
//! query at a time: the query's thread moves into it (`setns`), and when the query's stack
//! is dropped its sockets are aborted, the device is drained and the namespace goes back
//! to the pool. What an earlier query left in the kernel (a connection in TIME-WAIT, a
//! half-open one) cannot meet the next query, which talks to the peer from a port of its
//! own, and whose segments alone the stack reads ([`super::Linux::peer`]).

use super::{Linux, failed, set_up_namespace, tune_for_learning};
use crate::conform::peer::PEER;
use std::fs::File;
use std::io::{self, Read as _};
use std::net::SocketAddr;
use std::os::fd::AsFd as _;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// The peer ports a namespace gives its queries in turn (the conform peer's port, 40000,
/// and the range above it); a port comes round again after 20,000 queries, long after
/// anything of its last query has timed out.
const PORTS: std::ops::RangeInclusive<u16> = 40001..=60000;

/// One network namespace set up for learning.
#[derive(Debug)]
struct Namespace {
    /// `/proc/thread-self/ns/net` of the thread that made it: keeps it alive, and lets a
    /// thread move into it.
    net: File,
    /// Its TUN device.
    tun: File,
    /// The next query's peer port.
    port: u16,
}

/// A namespace lent to one query's stack.
#[derive(Debug)]
pub struct Lease {
    pool: Arc<Namespaces>,
    namespace: Namespace,
}

/// Namespaces set up for learning, each used by one query at a time.
#[derive(Debug)]
pub struct Namespaces {
    idle: Mutex<Vec<Namespace>>,
    /// The namespace the others are made from, whose `tcp_child_ehash_entries` gives each
    /// a connection table of its own ([`parent`]).
    parent: OnceLock<Result<File, String>>,
    /// How long a step's silence means its answer is complete.
    quiet: Duration,
}

impl Namespaces {
    /// An empty pool; namespaces are made as queries need them.
    pub fn new(quiet: Duration) -> Arc<Namespaces> {
        Arc::new(Namespaces {
            idle: Mutex::new(Vec::new()),
            parent: OnceLock::new(),
            quiet,
        })
    }

    /// A stack for the calling thread, which it moves into an idle namespace (or a new
    /// one): call it from a thread that runs one query and then ends.
    pub fn open(self: &Arc<Namespaces>) -> Result<Linux, String> {
        let idle = self.idle.lock().expect("not poisoned").pop();
        let mut namespace = match idle {
            Some(namespace) => {
                move_into(&namespace.net)?;
                namespace
            }
            None => {
                let parent = self.parent.get_or_init(parent).as_ref()?;
                move_into(parent)?;
                let tun = set_up_namespace()?;
                tune_for_learning()?;
                let net = File::open("/proc/thread-self/ns/net")
                    .map_err(failed("opening /proc/thread-self/ns/net"))?;
                Namespace {
                    net,
                    tun,
                    port: *PORTS.start(),
                }
            }
        };
        let port = namespace.port;
        namespace.port = if port == *PORTS.end() {
            *PORTS.start()
        } else {
            port + 1
        };
        let tun = namespace
            .tun
            .try_clone()
            .map_err(failed("duplicating the TUN device's descriptor"))?;
        let mut linux = Linux::over(tun, SocketAddr::new(PEER.ip(), port));
        linux.quiet = self.quiet;
        linux.learning = true;
        linux.lease = Some(Lease {
            pool: Arc::clone(self),
            namespace,
        });
        Ok(linux)
    }
}

/// Moves the calling thread into the network namespace `net`.
fn move_into(net: &File) -> Result<(), String> {
    rustix::thread::move_into_link_name_space(
        net.as_fd(),
        Some(rustix::thread::LinkNameSpaceType::Network),
    )
    .map_err(|e| format!("setns(CLONE_NEWNET): {e}"))
}

/// Makes the namespace the learning namespaces are made from, moving the calling thread
/// into it.
///
/// Its one setting, `tcp_child_ehash_entries` (Linux 5.19), gives every namespace made from
/// it a connection table of its own, of 128 buckets. Without it they share the host's
/// (hundreds of thousands of buckets on a large machine), which every read of
/// `/proc/net/tcp`, the stack's state after every step, walks whole: that walk was most of a
/// learner's time. An older kernel goes without.
fn parent() -> Result<File, String> {
    super::unshare_network().map_err(failed("unshare(CLONE_NEWNET)"))?;
    let path = "/proc/sys/net/ipv4/tcp_child_ehash_entries";
    match std::fs::write(path, "128") {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("writing {path}: {e}")),
    }
    File::open("/proc/thread-self/ns/net").map_err(failed("opening /proc/thread-self/ns/net"))
}

impl Linux {
    /// Ends the query: aborts its sockets (`SO_LINGER` 0, so that nothing of them lingers
    /// or retransmits) and drains the TUN device. `Err` leaves the namespace out of the
    /// pool.
    fn end_query(&mut self) -> Result<(), String> {
        if self.fault.is_some() {
            return Err("the query failed".into());
        }
        for socket in [self.listener.take(), self.connection.take()]
            .into_iter()
            .flatten()
        {
            socket
                .set_linger(Some(Duration::ZERO))
                .map_err(failed("SO_LINGER"))?;
        }
        let mut buffer = vec![0u8; 65536];
        for _ in 0..1024 {
            match self.tun.read(&mut buffer) {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) => return Err(format!("draining the TUN device: {e}")),
            }
        }
        Err("the TUN device did not drain".into())
    }
}

impl Drop for Linux {
    fn drop(&mut self) {
        let Some(lease) = self.lease.take() else {
            return;
        };
        // A namespace whose query could not be ended cleanly is let go (it ends with its
        // last descriptor) rather than lent again.
        if self.end_query().is_ok() {
            let Lease { pool, namespace } = lease;
            pool.idle.lock().expect("not poisoned").push(namespace);
        }
    }
}
