//! Every export format checked by the real program that reads it: PlantUML renders
//! `diagram --format plantuml`, Qt SCXML runs `export --format scxml` and XState runs
//! `export --format xstate`, both along the blog's client and server paths and the two
//! guarded resets of SYN-RECEIVED. Each check prints `skipped: <why>` without its program,
//! and fails instead under `TCP_FSM_REQUIRE_TOOLS=1` (`.ci/run` installs them).

mod external;

use external::{repo, runs, scratch, skip, text};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tcp_engine::specs::{CLIENT_PATH, SERVER_PATH};

/// A path through the TCP spec: the events, the guards that hold, and the states the blog
/// (and RFC 793 Figure 6) says each event leads to.
struct TcpPath {
    name: &'static str,
    guards: &'static [&'static str],
    events: &'static [&'static str],
    states: &'static [&'static str],
}

const PATHS: &[TcpPath] = &[
    TcpPath {
        name: "client",
        guards: &[],
        events: CLIENT_PATH.events,
        states: &[
            "SYN_SENT",
            "ESTABLISHED",
            "FIN_WAIT_1",
            "FIN_WAIT_2",
            "TIME_WAIT",
            "CLOSED",
        ],
    },
    TcpPath {
        name: "server",
        guards: &[],
        events: SERVER_PATH.events,
        states: &[
            "LISTEN",
            "SYN_RECEIVED",
            "ESTABLISHED",
            "CLOSE_WAIT",
            "LAST_ACK",
            "CLOSED",
        ],
    },
    // RFC 793 3.9: a RST in SYN-RECEIVED returns to LISTEN after a passive OPEN...
    TcpPath {
        name: "reset after a passive open",
        guards: &["passive_open"],
        events: &["passive_open", "rcv_syn", "rcv_rst"],
        states: &["LISTEN", "SYN_RECEIVED", "LISTEN"],
    },
    // ... and closes after an active one (here a simultaneous open).
    TcpPath {
        name: "reset after an active open",
        guards: &["active_open"],
        events: &["active_open", "rcv_syn", "rcv_rst"],
        states: &["SYN_SENT", "SYN_RECEIVED", "CLOSED"],
    },
];

fn tcp_fsm(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_tcp-fsm"))
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(out.status.success(), "tcp-fsm {args:?}: {}", text(&out));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// The paths as the consumer scripts read them, with what the spec sends on each step.
fn paths_json() -> Value {
    let spec = tcp_engine::spec();
    let paths: Vec<Value> = PATHS
        .iter()
        .map(|path| {
            let mut state = spec.machine.initial;
            let steps: Vec<Value> = path
                .events
                .iter()
                .zip(path.states)
                .map(|(event, expected)| {
                    let event = spec.event_named(event).expect("a TCP event");
                    let taken = spec
                        .transitions_on(state, event)
                        .find(|t| t.guard.as_deref().is_none_or(|g| path.guards.contains(&g)))
                        .expect("the path is legal in the spec");
                    state = taken.to;
                    json!({
                        "event": spec.event(event).name,
                        "state": expected,
                        "sent": taken.send,
                    })
                })
                .collect();
            let guards: serde_json::Map<String, Value> = path
                .guards
                .iter()
                .map(|g| (g.to_string(), Value::Bool(true)))
                .collect();
            json!({ "name": path.name, "guards": guards, "initial": "CLOSED", "steps": steps })
        })
        .collect();
    Value::Array(paths)
}

fn write(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("a scratch file");
    path
}

/// The paths with one expected state changed, which a working check must reject.
fn wrong_paths() -> Value {
    let mut paths = paths_json();
    paths[0]["steps"][1]["state"] = json!("FIN_WAIT_2");
    paths
}

fn assert_ran_every_path(out: &Output) {
    assert!(out.status.success(), "{}", text(out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "client: CLOSED -> SYN_SENT -> ESTABLISHED -> FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT -> CLOSED: ok"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "server: CLOSED -> LISTEN -> SYN_RECEIVED -> ESTABLISHED -> CLOSE_WAIT -> LAST_ACK -> CLOSED: ok"
        ),
        "{stdout}"
    );
    assert_eq!(stdout.matches(": ok").count(), PATHS.len(), "{stdout}");
}

#[test]
fn plantuml_renders_every_state_of_the_diagram() {
    if !runs("plantuml", &["-version"]) {
        skip(
            "PlantUML check",
            "plantuml is not installed (Debian `plantuml`; `.ci/run` installs it)",
        );
        return;
    }
    if !runs("dot", &["-V"]) {
        skip(
            "PlantUML check",
            "Graphviz `dot`, which PlantUML lays out state diagrams with, is not installed",
        );
        return;
    }
    let dir = scratch("plantuml");
    let args = [
        "diagram",
        "--format",
        "plantuml",
        "--arcs",
        "figure6",
        "--highlight",
        "client",
    ];
    let source = write(&dir, "tcp.puml", &tcp_fsm(&args));
    let out = Command::new("plantuml")
        .args(["-tsvg", "-failfast2", "-o"])
        .arg(&dir)
        .arg(&source)
        .output()
        .expect("plantuml runs");
    assert!(out.status.success(), "{}", text(&out));
    let svg = std::fs::read_to_string(dir.join("tcp.svg")).expect("plantuml wrote tcp.svg");
    // PlantUML exits 0 even when it cannot lay out the diagram; its SVG then holds the error.
    for state in tcp_engine::spec().states {
        assert!(
            svg.contains(&format!(">{}<", state.name)),
            "the SVG lacks {}",
            state.name
        );
    }
    assert!(
        svg.contains("rcv SYN,ACK / snd ACK"),
        "the SVG lacks the edge labels"
    );
}

#[test]
fn plantuml_rejects_a_broken_diagram() {
    if !runs("plantuml", &["-version"]) {
        skip(
            "PlantUML check",
            "plantuml is not installed (Debian `plantuml`; `.ci/run` installs it)",
        );
        return;
    }
    let dir = scratch("plantuml-broken");
    let source = write(
        &dir,
        "broken.puml",
        "@startuml\nCLOSED -[bold-> LISTEN : x\n@enduml\n",
    );
    let out = Command::new("plantuml")
        .args(["-tsvg", "-failfast2", "-o"])
        .arg(&dir)
        .arg(&source)
        .output()
        .expect("plantuml runs");
    assert!(!out.status.success(), "plantuml accepts a broken diagram");
}

/// Debian's python3 with PySide2's Qt SCXML module, or why not.
fn qt_scxml() -> Result<&'static str, String> {
    let python = "/usr/bin/python3";
    if runs(python, &["-c", "import PySide2.QtScxml"]) {
        Ok(python)
    } else {
        Err("Qt SCXML for Python is not installed (Debian `python3-pyside2.qtscxml`; `.ci/run` installs it)".into())
    }
}

fn run_scxml(python: &str, machine: &Path, paths: &Path) -> Output {
    Command::new(python)
        .arg(repo().join("scripts").join("check-scxml.py"))
        .arg(machine)
        .arg(paths)
        .env("QT_QPA_PLATFORM", "offscreen")
        .output()
        .expect("python runs")
}

#[test]
fn qt_scxml_runs_the_blog_paths_and_the_guarded_resets() {
    let python = match qt_scxml() {
        Ok(python) => python,
        Err(why) => {
            skip("SCXML check", &why);
            return;
        }
    };
    let dir = scratch("scxml");
    let machine = write(
        &dir,
        "tcp.scxml",
        &tcp_fsm(&["export", "--format", "scxml"]),
    );
    let paths = write(&dir, "paths.json", &paths_json().to_string());
    assert_ran_every_path(&run_scxml(python, &machine, &paths));

    let wrong = write(&dir, "wrong.json", &wrong_paths().to_string());
    let out = run_scxml(python, &machine, &wrong);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(
            "client: after step 2 (rcv_syn_ack): active ['ESTABLISHED'], expected ['FIN_WAIT_2']"
        ),
        "{}",
        text(&out)
    );
}

/// The folder holding the `xstate` package, or why there is none.
fn xstate_modules() -> Result<PathBuf, String> {
    let modules = repo().join("target").join("npm").join("node_modules");
    if !runs("node", &["--version"]) {
        return Err("node is not installed".into());
    }
    if !modules.join("xstate").join("package.json").is_file() {
        return Err(format!(
            "the xstate package is not in {} (`npm install --prefix target/npm xstate@5`; `.ci/run` runs it)",
            modules.display()
        ));
    }
    Ok(modules)
}

fn run_xstate(modules: &Path, machine: &Path, paths: &Path) -> Output {
    Command::new("node")
        .arg(repo().join("scripts").join("check-xstate.cjs"))
        .arg(modules)
        .arg(machine)
        .arg(paths)
        .output()
        .expect("node runs")
}

#[test]
fn xstate_runs_the_blog_paths_and_the_guarded_resets() {
    let modules = match xstate_modules() {
        Ok(modules) => modules,
        Err(why) => {
            skip("XState check", &why);
            return;
        }
    };
    let dir = scratch("xstate");
    let machine = write(
        &dir,
        "tcp.json",
        &tcp_fsm(&["export", "--format", "xstate"]),
    );
    let paths = write(&dir, "paths.json", &paths_json().to_string());
    assert_ran_every_path(&run_xstate(&modules, &machine, &paths));

    let wrong = write(&dir, "wrong.json", &wrong_paths().to_string());
    let out = run_xstate(&modules, &machine, &wrong);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(
            "client: after step 2 (rcv_syn_ack): state \"ESTABLISHED\", expected \"FIN_WAIT_2\""
        ),
        "{}",
        text(&out)
    );
}
