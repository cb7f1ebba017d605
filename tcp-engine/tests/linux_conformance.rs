//! Conformance of the spec with the Linux TCP stack, on loopback.
//!
//! Each scenario runs real sockets on 127.0.0.1 while tcpdump captures, and at checkpoints
//! samples the kernel's own view of each socket (`/proc/net/tcp`). Then `track` follows the
//! capture and the tracked state of every endpoint must equal the kernel's at every
//! checkpoint, with no finding in the capture.
//!
//! The live scenarios need root and tcpdump. Without them they print "skipped: <why>" and
//! pass, unless `TCP_FSM_REQUIRE_CONFORMANCE=1` (set by `.ci/run`) turns the skip into a
//! failure. `TCP_FSM_RECORD_TESTDATA=1` copies each capture and its checkpoints to
//! `tcp-engine/testdata/`, where the `recorded_*` tests check them on every machine.

use fsm_spec::Spec;
use socket2::{Domain, Socket, Type};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::sync::mpsc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tcp_engine::conform::linux;
use tcp_engine::interpreter::Interpreter;
use tcp_engine::track::tracker::{Detail, Tracking};

/// Time for loopback segments to be sent, processed and answered before a checkpoint.
const SETTLE: Duration = Duration::from_millis(200);
/// Longest wait for tcpdump to start or stop.
const TCPDUMP_TIMEOUT: Duration = Duration::from_secs(10);

/// Scenarios run one at a time: their timing must not compete for the two cores.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

// ---------------------------------------------------------------- kernel's view

/// An address as `/proc/net/tcp` and `tcp6` print it: each 32-bit word of the address in
/// the host's byte order, in hex, then the port.
fn proc_hex(addr: SocketAddr) -> String {
    let words: Vec<String> = match addr.ip() {
        IpAddr::V4(ip) => vec![ip.octets()],
        IpAddr::V6(ip) => ip
            .octets()
            .chunks(4)
            .map(|w| [w[0], w[1], w[2], w[3]])
            .collect(),
    }
    .into_iter()
    .map(|word| format!("{:08X}", u32::from_ne_bytes(word)))
    .collect();
    format!("{}:{:04X}", words.concat(), addr.port())
}

/// The kernel's state of the socket `local` -> `remote` with its timer field
/// (`timer_active:jiffies` as `tr:tm->when`), or "CLOSED" when there is no such socket.
fn kernel_state(local: SocketAddr, remote: SocketAddr) -> (String, String) {
    let path = if local.is_ipv4() {
        "/proc/net/tcp"
    } else {
        "/proc/net/tcp6"
    };
    let table = std::fs::read_to_string(path).expect("/proc/net/tcp and tcp6 are readable");
    let hex = proc_hex;
    let (local, remote) = (hex(local), hex(remote));
    for line in table.lines().skip(1) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() > 5 && fields[1] == local && fields[2] == remote {
            let name = linux::kernel_state(fields[3]).unwrap_or(fields[3]);
            return (name.to_string(), fields[5].to_string());
        }
    }
    ("CLOSED".to_string(), "-".to_string())
}

// ---------------------------------------------------------------- checkpoints

/// One socket as the kernel saw it at a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Sample {
    local: SocketAddr,
    remote: SocketAddr,
    kernel: String,
    timer: String,
}

/// What the kernel said at one moment of a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Checkpoint {
    label: String,
    /// Since the Unix epoch, the clock pcap timestamps use.
    time: Duration,
    samples: Vec<Sample>,
}

fn now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
}

/// Text form of checkpoints, one socket per line, as stored in `tcp-engine/testdata`.
fn checkpoints_to_text(checkpoints: &[Checkpoint]) -> String {
    let mut text = String::from(
        "# label\ttime (ns since epoch)\tlocal\tremote\tkernel state\t/proc/net/tcp tr:tm->when\n",
    );
    for c in checkpoints {
        for s in &c.samples {
            text.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}\t{}\n",
                c.label,
                c.time.as_nanos(),
                s.local,
                s.remote,
                s.kernel,
                s.timer
            ));
        }
    }
    text
}

fn checkpoints_from_text(text: &str) -> Vec<Checkpoint> {
    let mut checkpoints: Vec<Checkpoint> = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 6, "checkpoint line: {line}");
        let nanos: u64 = f[1].parse().expect("nanoseconds");
        let sample = Sample {
            local: f[2].parse().expect("local address"),
            remote: f[3].parse().expect("remote address"),
            kernel: f[4].to_string(),
            timer: f[5].to_string(),
        };
        match checkpoints.last_mut() {
            Some(last) if last.label == f[0] => last.samples.push(sample),
            _ => checkpoints.push(Checkpoint {
                label: f[0].to_string(),
                time: Duration::from_nanos(nanos),
                samples: vec![sample],
            }),
        }
    }
    checkpoints
}

// ---------------------------------------------------------------- comparing

fn track(spec: &Spec, capture: &[u8]) -> Tracking {
    let machine = Interpreter::new(spec).expect("the spec has the TCP events");
    let outcome = tcp_engine::track::track(capture, machine, Detail::Timeline)
        .expect("the capture header is readable");
    assert!(outcome.damage.is_none(), "{:?}", outcome.damage);
    outcome.tracking
}

/// Every disagreement between the tracked states and the kernel's, and every finding, with
/// the bundled spec.
fn disagreements(capture: &[u8], checkpoints: &[Checkpoint]) -> Vec<String> {
    disagreements_with(&tcp_engine::spec(), capture, checkpoints)
}

/// The bundled spec with the Linux deviation proposed in docs/conformance.md: a new SYN in
/// TIME-WAIT reopens the connection (RFC 1122 4.2.2.13) instead of being reset.
fn spec_reopening_time_wait() -> Spec {
    let mut spec = tcp_engine::spec();
    let time_wait = spec.state_named("TIME_WAIT").expect("TIME_WAIT");
    let syn_received = spec.state_named("SYN_RECEIVED").expect("SYN_RECEIVED");
    let rcv_syn = spec.event_named("rcv_syn").expect("rcv_syn");
    let arc = spec
        .transitions
        .iter_mut()
        .find(|t| t.from == time_wait && t.event == rcv_syn)
        .expect("the bundled spec has TIME_WAIT --rcv_syn-->");
    arc.to = syn_received;
    arc.send = Some("SYN,ACK".into());
    spec
}

fn disagreements_with(spec: &Spec, capture: &[u8], checkpoints: &[Checkpoint]) -> Vec<String> {
    let tracking = track(spec, capture);
    let initial = spec.machine.initial;
    let mut problems = Vec::new();
    for c in checkpoints {
        for s in &c.samples {
            let kernel = spec.state_named_loosely(&s.kernel).unwrap_or_else(|| {
                panic!("the spec has no state or alias for Linux's {}", s.kernel)
            });
            // The latest incarnation of the 4-tuple that had started by then.
            let tracked = tracking
                .connections
                .iter()
                .filter(|conn| {
                    conn.endpoint_of(s.local).is_some() && conn.endpoint_of(s.remote).is_some()
                })
                .rfind(|conn| conn.changes.iter().flatten().any(|&(t, _)| t <= c.time))
                .map_or(initial, |conn| {
                    conn.state_at(
                        conn.endpoint_of(s.local).expect("filtered"),
                        c.time,
                        initial,
                    )
                });
            if tracked != kernel {
                problems.push(format!(
                    "checkpoint {:?}: {} -> {}: kernel {} ({}), tracked {}",
                    c.label,
                    s.local,
                    s.remote,
                    s.kernel,
                    spec.state(kernel).name,
                    spec.state(tracked).name
                ));
            }
        }
    }
    let report = tcp_engine::track::report::Report {
        capture: "capture",
        spec,
        tracking: &tracking,
    };
    for conn in &tracking.connections {
        for finding in &conn.findings {
            problems.push(format!(
                "connection {}: #{}: {}",
                conn.id,
                finding.packet,
                report.finding_text(finding)
            ));
        }
    }
    problems
}

// ---------------------------------------------------------------- capturing

/// Why the live scenarios cannot run here, if they cannot.
fn missing_tools() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let euid = status
        .lines()
        .find(|l| l.starts_with("Uid:"))
        .and_then(|l| l.split_whitespace().nth(2));
    if euid != Some("0") {
        return Some("capturing on loopback needs root (CAP_NET_RAW); not running as root".into());
    }
    let tcpdump = Command::new("tcpdump").arg("--version").output();
    if !tcpdump.is_ok_and(|out| out.status.success()) {
        return Some("tcpdump is not installed (`.ci/run` installs it)".into());
    }
    None
}

/// Returns false (after saying why on the terminal) when the live scenarios must be skipped;
/// panics instead when `TCP_FSM_REQUIRE_CONFORMANCE=1`.
fn can_run_live(scenario: &str) -> bool {
    let Some(why) = missing_tools() else {
        return true;
    };
    test_support::CONFORMANCE.skip(&format!("live conformance scenario {scenario}"), &why)
}

/// A running tcpdump writing loopback traffic of one port to a file.
struct Tcpdump {
    child: Child,
    lines: mpsc::Receiver<String>,
    path: PathBuf,
}

impl Tcpdump {
    fn start(path: &Path, port: u16) -> Tcpdump {
        let mut child = Command::new("tcpdump")
            .args(["-i", "lo", "-n", "-U", "--immediate-mode", "-w"])
            .arg(path)
            .arg(format!("tcp port {port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("tcpdump starts");
        let stderr = child.stderr.take().expect("stderr is piped");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let tcpdump = Tcpdump {
            child,
            lines,
            path: path.to_path_buf(),
        };
        let first = tcpdump.lines.recv_timeout(TCPDUMP_TIMEOUT);
        match first {
            Ok(line) if line.contains("listening on") => tcpdump,
            other => panic!("tcpdump did not start: {other:?}"),
        }
    }

    /// Stops tcpdump with SIGINT so it flushes, and returns its statistics lines.
    fn stop(mut self) -> Vec<u8> {
        std::thread::sleep(SETTLE);
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-INT", &pid]).status();
        assert!(sent.is_ok_and(|s| s.success()), "SIGINT to tcpdump {pid}");
        let deadline = std::time::Instant::now() + TCPDUMP_TIMEOUT;
        while self.child.try_wait().expect("tcpdump status").is_none() {
            if std::time::Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("tcpdump {pid} did not stop on SIGINT");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let stats: Vec<String> = self.lines.try_iter().collect();
        let dropped = stats.iter().find(|l| l.contains("dropped by kernel"));
        assert!(
            dropped.is_some_and(|l| l.starts_with("0 ")),
            "tcpdump lost packets: {stats:?}"
        );
        std::fs::read(&self.path).expect("tcpdump wrote the capture")
    }
}

/// A scenario in progress: its address, port and the checkpoints taken so far.
struct Run {
    host: IpAddr,
    port: u16,
    checkpoints: Vec<Checkpoint>,
}

impl Run {
    fn server(&self) -> SocketAddr {
        SocketAddr::new(self.host, self.port)
    }

    /// Waits for the segments to settle, then samples the kernel's state of each socket
    /// (given as local, remote) and checks it is the one the scenario expects.
    fn checkpoint(&mut self, label: &str, sockets: &[(SocketAddr, SocketAddr, &str)]) {
        std::thread::sleep(SETTLE);
        let time = now();
        let samples: Vec<Sample> = sockets
            .iter()
            .map(|&(local, remote, _)| {
                let (kernel, timer) = kernel_state(local, remote);
                Sample {
                    local,
                    remote,
                    kernel,
                    timer,
                }
            })
            .collect();
        for (sample, (_, _, expected)) in samples.iter().zip(sockets) {
            assert_eq!(
                sample.kernel, *expected,
                "checkpoint {label:?}: the kernel's state of {} -> {}",
                sample.local, sample.remote
            );
        }
        self.checkpoints.push(Checkpoint {
            label: label.to_string(),
            time,
            samples,
        });
    }
}

const LOOPBACK: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

fn free_port_on(host: IpAddr) -> u16 {
    let probe = TcpListener::bind(SocketAddr::new(host, 0)).expect("bind an ephemeral port");
    probe.local_addr().expect("bound").port()
}

fn free_port() -> u16 {
    free_port_on(LOOPBACK)
}

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata")
}

/// Runs one scenario under tcpdump, then checks the tracked states against the kernel's:
/// they must agree everywhere, without findings.
fn live(name: &str, scenario: fn(&mut Run)) {
    live_on(name, LOOPBACK, scenario);
}

/// [`live`] on another loopback address.
fn live_on(name: &str, host: IpAddr, scenario: fn(&mut Run)) {
    live_checked_on(name, host, scenario, |capture, checkpoints| {
        let problems = disagreements(capture, checkpoints);
        assert!(
            problems.is_empty(),
            "{name}: tracked states and the kernel's disagree:\n{}",
            problems.join("\n")
        );
    });
}

/// Runs one scenario under tcpdump and hands its capture and checkpoints to `check`.
fn live_checked(name: &str, scenario: fn(&mut Run), check: impl Fn(&[u8], &[Checkpoint])) {
    live_checked_on(name, LOOPBACK, scenario, check);
}

fn live_checked_on(
    name: &str,
    host: IpAddr,
    scenario: fn(&mut Run),
    check: impl Fn(&[u8], &[Checkpoint]),
) {
    if !can_run_live(name) {
        return;
    }
    let _one = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let dir = std::env::temp_dir().join(format!("tcp-fsm-conformance-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let path = dir.join(format!("{name}.pcap"));
    let mut run = Run {
        host,
        port: free_port_on(host),
        checkpoints: Vec::new(),
    };
    let tcpdump = Tcpdump::start(&path, run.port);
    scenario(&mut run);
    let capture = tcpdump.stop();
    if std::env::var("TCP_FSM_RECORD_TESTDATA").is_ok_and(|v| v == "1") {
        std::fs::write(testdata().join(format!("{name}.pcap")), &capture).expect("write testdata");
        let text = checkpoints_to_text(&run.checkpoints);
        std::fs::write(testdata().join(format!("{name}.checkpoints")), text)
            .expect("write testdata");
    }
    eprintln!("{name}: capture in {}", path.display());
    check(&capture, &run.checkpoints);
}

// ---------------------------------------------------------------- scenarios

fn connect(server: SocketAddr, listener: &TcpListener) -> (TcpStream, TcpStream) {
    let client = TcpStream::connect(server).expect("connect");
    let (accepted, _) = listener.accept().expect("accept");
    (client, accepted)
}

fn addrs(client: &TcpStream) -> (SocketAddr, SocketAddr) {
    (
        client.local_addr().expect("bound"),
        client.peer_addr().expect("connected"),
    )
}

fn read_exact(stream: &mut TcpStream, n: usize) -> Vec<u8> {
    let mut buffer = vec![0; n];
    stream.read_exact(&mut buffer).expect("read");
    buffer
}

fn read_to_end(stream: &mut TcpStream) -> Vec<u8> {
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let mut buffer = Vec::new();
    stream.read_to_end(&mut buffer).expect("read to EOF");
    buffer
}

/// RFC 793 3.5 Figure 13: the client closes first.
fn client_close(run: &mut Run) {
    let listener = TcpListener::bind(run.server()).expect("listen");
    let (mut client, mut server) = connect(run.server(), &listener);
    let (c, s) = addrs(&client);
    client.write_all(b"hello").expect("write");
    assert_eq!(read_exact(&mut server, 5), b"hello");
    run.checkpoint(
        "established",
        &[(c, s, "ESTABLISHED"), (s, c, "ESTABLISHED")],
    );
    drop(client);
    run.checkpoint(
        "client closed",
        &[(c, s, "FIN_WAIT2"), (s, c, "CLOSE_WAIT")],
    );
    assert_eq!(read_to_end(&mut server), b"");
    drop(server);
    run.checkpoint("server closed", &[(c, s, "TIME_WAIT"), (s, c, "CLOSED")]);
}

/// Figure 13 with the roles swapped: the server closes first.
fn server_close(run: &mut Run) {
    let listener = TcpListener::bind(run.server()).expect("listen");
    let (mut client, server) = connect(run.server(), &listener);
    let (c, s) = addrs(&client);
    run.checkpoint(
        "established",
        &[(c, s, "ESTABLISHED"), (s, c, "ESTABLISHED")],
    );
    drop(server);
    run.checkpoint(
        "server closed",
        &[(c, s, "CLOSE_WAIT"), (s, c, "FIN_WAIT2")],
    );
    assert_eq!(read_to_end(&mut client), b"");
    drop(client);
    run.checkpoint("client closed", &[(c, s, "CLOSED"), (s, c, "TIME_WAIT")]);
}

/// RFC 793 3.5 ("CLOSE ... in a simplex fashion"): the client shuts down its sending side,
/// the server still sends data, then closes.
fn half_close(run: &mut Run) {
    let listener = TcpListener::bind(run.server()).expect("listen");
    let (mut client, mut server) = connect(run.server(), &listener);
    let (c, s) = addrs(&client);
    client.write_all(b"request").expect("write");
    client.shutdown(Shutdown::Write).expect("shutdown");
    run.checkpoint(
        "client sent FIN",
        &[(c, s, "FIN_WAIT2"), (s, c, "CLOSE_WAIT")],
    );
    assert_eq!(read_to_end(&mut server), b"request");
    server.write_all(b"answer after the FIN").expect("write");
    assert_eq!(read_exact(&mut client, 20), b"answer after the FIN");
    run.checkpoint(
        "data after FIN",
        &[(c, s, "FIN_WAIT2"), (s, c, "CLOSE_WAIT")],
    );
    drop(server);
    run.checkpoint("server closed", &[(c, s, "TIME_WAIT"), (s, c, "CLOSED")]);
    assert_eq!(read_to_end(&mut client), b"");
}

/// RFC 793 3.4 Figure 8, simultaneous open: a socket connecting to its own address and
/// port receives its own SYN in SYN-SENT. Closing it is a simultaneous close (Figure 14).
fn simultaneous_open(run: &mut Run) {
    let me = run.server();
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("socket");
    socket.set_reuse_address(true).expect("SO_REUSEADDR");
    socket.bind(&me.into()).expect("bind");
    socket.connect(&me.into()).expect("connect to itself");
    let mut stream: TcpStream = socket.into();
    run.checkpoint("connected to itself", &[(me, me, "ESTABLISHED")]);
    stream.write_all(b"echo").expect("write");
    assert_eq!(read_exact(&mut stream, 4), b"echo");
    drop(stream);
    run.checkpoint("closed", &[(me, me, "TIME_WAIT")]);
}

/// Closing with data not yet read: Linux sends RST, not FIN (RFC 2525 2.17, RFC 1122
/// 4.2.2.13).
fn unread_data(run: &mut Run) {
    let listener = TcpListener::bind(run.server()).expect("listen");
    let (mut client, server) = connect(run.server(), &listener);
    let (c, s) = addrs(&client);
    client.write_all(b"never read").expect("write");
    run.checkpoint(
        "data waiting",
        &[(c, s, "ESTABLISHED"), (s, c, "ESTABLISHED")],
    );
    drop(server);
    run.checkpoint("server closed", &[(c, s, "CLOSED"), (s, c, "CLOSED")]);
    let mut buffer = [0; 1];
    let error = client
        .read(&mut buffer)
        .expect_err("the connection was reset");
    assert_eq!(error.kind(), std::io::ErrorKind::ConnectionReset);
}

/// A SYN to a port where nothing listens is answered with RST,ACK (RFC 793 3.4, Reset
/// Generation 1).
fn refused(run: &mut Run) {
    let client = Socket::new(Domain::IPV4, Type::STREAM, None).expect("socket");
    client
        .bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .expect("bind");
    let c = client.local_addr().expect("bound").as_socket().expect("IP");
    let error = client
        .connect(&run.server().into())
        .expect_err("nothing listens");
    assert_eq!(error.kind(), std::io::ErrorKind::ConnectionRefused);
    run.checkpoint("refused", &[(c, run.server(), "CLOSED")]);
}

/// SO_LINGER with a zero timeout: close() aborts with RST (RFC 793 3.9 ABORT).
fn linger_abort(run: &mut Run) {
    let listener = TcpListener::bind(run.server()).expect("listen");
    let (client, mut server) = connect(run.server(), &listener);
    let (c, s) = addrs(&client);
    run.checkpoint(
        "established",
        &[(c, s, "ESTABLISHED"), (s, c, "ESTABLISHED")],
    );
    let client = Socket::from(client);
    client
        .set_linger(Some(Duration::ZERO))
        .expect("SO_LINGER 0");
    drop(client);
    run.checkpoint("client aborted", &[(c, s, "CLOSED"), (s, c, "CLOSED")]);
    let mut buffer = [0; 1];
    let error = server
        .read(&mut buffer)
        .expect_err("the connection was reset");
    assert_eq!(error.kind(), std::io::ErrorKind::ConnectionReset);
}

/// A SYN for a 4-tuple whose server side is in TIME-WAIT: RFC 793 3.9 resets it (an
/// in-window SYN), Linux opens a new connection (RFC 1122 4.2.2.13, RFC 6191).
fn time_wait_reuse(run: &mut Run) {
    let listener = TcpListener::bind(run.server()).expect("listen");
    let c = SocketAddr::from(([127, 0, 0, 1], free_port()));
    let s = run.server();
    let client_from = |port: SocketAddr| {
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("socket");
        socket.set_reuse_address(true).expect("SO_REUSEADDR");
        socket.bind(&port.into()).expect("bind the client port");
        socket.connect(&s.into()).expect("connect");
        TcpStream::from(socket)
    };
    let mut client = client_from(c);
    let (server, _) = listener.accept().expect("accept");
    drop(server);
    assert_eq!(read_to_end(&mut client), b"");
    drop(client);
    run.checkpoint(
        "server in TIME_WAIT",
        &[(c, s, "CLOSED"), (s, c, "TIME_WAIT")],
    );
    let client = client_from(c);
    let (server, _) = listener.accept().expect("accept");
    run.checkpoint(
        "4-tuple reused",
        &[(c, s, "ESTABLISHED"), (s, c, "ESTABLISHED")],
    );
    drop(client);
    drop(server);
    run.checkpoint("closed again", &[(c, s, "TIME_WAIT"), (s, c, "CLOSED")]);
}

/// What the bundled spec and the kernel disagree on in `time_wait_reuse`, and the proposed
/// deviation explains: every problem, and that the deviating spec leaves none.
fn check_time_wait_reuse(capture: &[u8], checkpoints: &[Checkpoint]) {
    let problems = disagreements(capture, checkpoints);
    let first = problems.first().map(String::as_str).unwrap_or_default();
    assert!(
        first.starts_with("checkpoint \"4-tuple reused\"")
            && first.ends_with("kernel ESTABLISHED (ESTABLISHED), tracked CLOSED"),
        "{problems:#?}"
    );
    assert!(
        problems.iter().any(|p| p.ends_with(
            "missing output: after TIME_WAIT --rcv_syn--> CLOSED the spec has B send RST; no later segment from B does"
        )),
        "{problems:#?}"
    );
    let with_deviation = disagreements_with(&spec_reopening_time_wait(), capture, checkpoints);
    assert_eq!(with_deviation, Vec::<String>::new());
}

/// All scenarios by name, which is also the name of their files in `tcp-engine/testdata`.
const SCENARIOS: [&str; 8] = [
    "client_close",
    "client_close_v6",
    "server_close",
    "half_close",
    "simultaneous_open",
    "unread_data",
    "refused",
    "linger_abort",
];

#[test]
fn live_client_close() {
    live("client_close", client_close);
}

#[test]
fn live_server_close() {
    live("server_close", server_close);
}

#[test]
fn live_half_close() {
    live("half_close", half_close);
}

#[test]
fn live_simultaneous_open() {
    live("simultaneous_open", simultaneous_open);
}

#[test]
fn live_unread_data() {
    live("unread_data", unread_data);
}

#[test]
fn live_refused() {
    live("refused", refused);
}

#[test]
fn live_linger_abort() {
    live("linger_abort", linger_abort);
}

/// The same exchange as `live_client_close`, over IPv6.
#[test]
fn live_client_close_v6() {
    live_on(
        "client_close_v6",
        IpAddr::V6(Ipv6Addr::LOCALHOST),
        client_close,
    );
}

#[test]
fn live_time_wait_reuse() {
    live_checked("time_wait_reuse", time_wait_reuse, check_time_wait_reuse);
}

// ---------------------------------------------------------------- recorded captures

/// The checked-in captures of every scenario agree with the kernel states recorded when
/// they were captured: this runs on every machine, root or not.
#[test]
fn recorded_captures_agree_with_the_recorded_kernel_states() {
    let mut checked = BTreeMap::new();
    for name in SCENARIOS {
        let capture = std::fs::read(testdata().join(format!("{name}.pcap")))
            .unwrap_or_else(|e| panic!("tcp-engine/testdata/{name}.pcap: {e}"));
        let text = std::fs::read_to_string(testdata().join(format!("{name}.checkpoints")))
            .unwrap_or_else(|e| panic!("tcp-engine/testdata/{name}.checkpoints: {e}"));
        let checkpoints = checkpoints_from_text(&text);
        assert!(!checkpoints.is_empty(), "{name}: no checkpoints");
        let problems = disagreements(&capture, &checkpoints);
        assert!(problems.is_empty(), "{name}:\n{}", problems.join("\n"));
        checked.insert(name, checkpoints.len());
    }
    assert_eq!(checked.len(), SCENARIOS.len());
}

#[test]
fn proc_net_tcp_addresses_are_host_order_words() {
    // As read from /proc/net/tcp and tcp6 on a little-endian machine.
    if cfg!(target_endian = "little") {
        assert_eq!(proc_hex("127.0.0.1:8080".parse().unwrap()), "0100007F:1F90");
        assert_eq!(
            proc_hex("[::1]:54747".parse().unwrap()),
            "00000000000000000000000001000000:D5DB"
        );
    }
}

#[test]
fn checkpoints_survive_their_text_form() {
    let checkpoints = vec![Checkpoint {
        label: "server closed".into(),
        time: Duration::from_nanos(1_700_000_000_123_456_789),
        samples: vec![Sample {
            local: "127.0.0.1:5000".parse().unwrap(),
            remote: "127.0.0.1:80".parse().unwrap(),
            kernel: "TIME_WAIT".into(),
            timer: "03:00001770".into(),
        }],
    }];
    assert_eq!(
        checkpoints_from_text(&checkpoints_to_text(&checkpoints)),
        checkpoints
    );
}

/// The recorded 4-tuple reuse disagrees with the bundled spec exactly where Linux follows
/// RFC 1122 rather than RFC 793, and agrees with the spec that declares it.
#[test]
fn recorded_time_wait_reuse_is_explained_by_the_proposed_deviation() {
    let capture = std::fs::read(testdata().join("time_wait_reuse.pcap")).expect("testdata");
    let text =
        std::fs::read_to_string(testdata().join("time_wait_reuse.checkpoints")).expect("testdata");
    check_time_wait_reuse(&capture, &checkpoints_from_text(&text));
}

/// A tracked state that differs from the kernel's is reported: the comparison can fail.
#[test]
fn a_wrong_kernel_state_is_a_disagreement() {
    let capture = std::fs::read(testdata().join("client_close.pcap")).expect("testdata");
    let text =
        std::fs::read_to_string(testdata().join("client_close.checkpoints")).expect("testdata");
    let mut checkpoints = checkpoints_from_text(&text);
    checkpoints[0].samples[0].kernel = "SYN_SENT".into();
    let problems = disagreements(&capture, &checkpoints);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("kernel SYN_SENT (SYN_SENT), tracked ESTABLISHED"),
        "{problems:?}"
    );
}
