//! Every export format checked by the real program that reads it: PlantUML renders
//! `diagram --format plantuml`, Qt SCXML runs `export --format scxml` and XState runs
//! `export --format xstate`, both along the blog's client and server paths, the two guarded
//! resets of SYN-RECEIVED and transitions declared on groups (the spec's composite states)
//! taken from the states nested in them, checking the state reached and the groups active
//! around it; and `--flat`, whose machine has no groups. Each check prints `skipped: <why>`
//! without its program, and fails instead under `TCP_FSM_REQUIRE_TOOLS=1` (`.ci/run` installs
//! them).

mod external;

use external::{repo, runs, scratch, skip, text};
use fsm_spec::{SourceFile, Spec};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tcp_engine::specs::{CLIENT_PATH, SERVER_PATH};

/// A walk through a spec: the guards that hold, and each event with the state it leads to.
/// The spec itself must agree (checked before any program runs it).
struct Walk {
    name: &'static str,
    guards: &'static [&'static str],
    events: &'static [&'static str],
    states: &'static [&'static str],
}

const TCP_WALKS: &[Walk] = &[
    Walk {
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
    Walk {
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
    Walk {
        name: "reset after a passive open",
        guards: &["passive_open"],
        events: &["passive_open", "rcv_syn", "rcv_rst"],
        states: &["LISTEN", "SYN_RECEIVED", "LISTEN"],
    },
    // ... and closes after an active one (here a simultaneous open).
    Walk {
        name: "reset after an active open",
        guards: &["active_open"],
        events: &["active_open", "rcv_syn", "rcv_rst"],
        states: &["SYN_SENT", "SYN_RECEIVED", "CLOSED"],
    },
    // USER TIMEOUT is declared on NON_SYNCHRONIZED and SYNCHRONIZED, not on the states.
    Walk {
        name: "user timeout in SYN-SENT and in ESTABLISHED",
        guards: &[],
        events: &[
            "active_open",
            "user_timeout",
            "active_open",
            "rcv_syn_ack",
            "user_timeout",
        ],
        states: &["SYN_SENT", "CLOSED", "SYN_SENT", "ESTABLISHED", "CLOSED"],
    },
];

/// RFC 9293 3.10.7.4: a RST at RCV.NXT closes any synchronized state, declared once on
/// SYNCHRONIZED; ESTABLISHED and FIN-WAIT-2 take it from the group.
const TCP9293_WALKS: &[Walk] = &[Walk {
    name: "reset in ESTABLISHED and FIN-WAIT-2",
    guards: &[],
    events: &[
        "active_open",
        "rcv_syn_ack",
        "rcv_rst",
        "active_open",
        "rcv_syn_ack",
        "close",
        "rcv_ack",
        "rcv_rst",
    ],
    states: &[
        "SYN_SENT",
        "ESTABLISHED",
        "CLOSED",
        "SYN_SENT",
        "ESTABLISHED",
        "FIN_WAIT_1",
        "FIN_WAIT_2",
        "CLOSED",
    ],
}];

/// The player's two levels: `to = "POWERED"` enters STOPPED, `reset` (POWERED) and `stop`
/// (PLAYING_MODES) are taken from PLAYING and PAUSED, PAUSED overrides POWERED's `power_off`.
const PLAYER_WALKS: &[Walk] = &[Walk {
    name: "player",
    guards: &[],
    events: &[
        "power_on",
        "play",
        "reset",
        "play",
        "pause",
        "stop",
        "play",
        "pause",
        "power_off",
        "power_on",
        "play",
        "power_off",
    ],
    states: &[
        "STOPPED", "PLAYING", "STOPPED", "PLAYING", "PAUSED", "STOPPED", "PLAYING", "PAUSED",
        "OFF", "STOPPED", "PLAYING", "OFF",
    ],
}];

/// A lamp whose BRIGHT state takes `press` only on a long press, inside ON, which takes
/// `press` too. The spec's innermost declaration decides with all its guards, so a short
/// press in BRIGHT does nothing; SCXML and XState would go on to ON's `press` unless the
/// export stops them.
const LAMP: &str = r#"[machine]
name = "Lamp"
initial = "OFF"

[states.OFF]
[states.DIM]
[states.BRIGHT]

[groups.ON]
states = ["DIM", "BRIGHT"]
initial = "DIM"

[events.press]
kind = "call"

[[transition]]
from = "OFF"
event = "press"
to = "ON"

[[transition]]
from = "ON"
event = "press"
to = "BRIGHT"
send = "BRIGHTER"

[[transition]]
from = "BRIGHT"
event = "press"
guard = "long"
to = "OFF"
"#;

const LAMP_WALKS: &[Walk] = &[
    Walk {
        name: "short press in BRIGHT",
        guards: &[],
        events: &["press", "press", "press"],
        states: &["DIM", "BRIGHT", "BRIGHT"],
    },
    Walk {
        name: "long press in BRIGHT",
        guards: &["long"],
        events: &["press", "press", "press"],
        states: &["DIM", "BRIGHT", "OFF"],
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

/// The walks as the consumer scripts read them, with what the spec sends on each step and,
/// for a machine with groups (`nested`), the groups around each state, outermost first.
fn paths_json(spec: &Spec, walks: &[Walk], nested: bool) -> Value {
    let paths: Vec<Value> = walks
        .iter()
        .map(|walk| {
            let mut state = spec.machine.initial;
            let steps: Vec<Value> = walk
                .events
                .iter()
                .zip(walk.states)
                .enumerate()
                .map(|(i, (event, expected))| {
                    let event = spec.event_named(event).expect("an event of the spec");
                    let taken = spec
                        .transitions_on(state, event)
                        .find(|t| t.guard.as_deref().is_none_or(|g| walk.guards.contains(&g)));
                    state = taken.map_or(state, |t| t.to);
                    assert_eq!(
                        spec.state(state).name,
                        *expected,
                        "{}: step {} of the walk is not what the spec does",
                        walk.name,
                        i + 1
                    );
                    let within: Vec<&str> = match nested {
                        true => spec
                            .ancestors(state)
                            .iter()
                            .rev()
                            .map(|g| spec.group(*g).name.as_str())
                            .collect(),
                        false => Vec::new(),
                    };
                    json!({
                        "event": spec.event(event).name,
                        "state": expected,
                        "sent": taken.and_then(|t| t.send.as_deref()),
                        "within": within,
                    })
                })
                .collect();
            let guards: serde_json::Map<String, Value> = walk
                .guards
                .iter()
                .map(|g| (g.to_string(), Value::Bool(true)))
                .collect();
            json!({
                "name": walk.name,
                "guards": guards,
                "initial": spec.initial_state().name,
                "steps": steps,
            })
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
fn wrong_paths(paths: &Value) -> Value {
    let mut paths = paths.clone();
    paths[0]["steps"][1]["state"] = json!("FIN_WAIT_2");
    paths
}

/// The paths with ESTABLISHED's group left out, which a check of the nesting must reject.
fn ungrouped_paths(paths: &Value) -> Value {
    let mut paths = paths.clone();
    paths[0]["steps"][1]["within"] = json!([]);
    paths
}

/// The spec of a bundled name or of a file.
fn load(spec: &str) -> Spec {
    let source = match tcp_engine::specs::bundled(spec) {
        Some(bundled) => bundled.source_file(),
        None => {
            let text = std::fs::read_to_string(spec).expect("the spec file");
            SourceFile::new(spec, text)
        }
    };
    Spec::from_source(&source).expect("a valid spec")
}

/// Checks that `out` says `ok` for each walk, with its states (and groups, `A.B.STATE`).
fn assert_ran(out: &Output, paths: &Value) {
    assert!(out.status.success(), "{}", text(out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for path in paths.as_array().unwrap() {
        let mut states = vec![path["initial"].as_str().unwrap().to_string()];
        for step in path["steps"].as_array().unwrap() {
            let mut names: Vec<&str> = step["within"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| w.as_str().unwrap())
                .collect();
            names.push(step["state"].as_str().unwrap());
            states.push(names.join("."));
        }
        let line = format!(
            "{}: {}: ok",
            path["name"].as_str().unwrap(),
            states.join(" -> ")
        );
        assert!(stdout.contains(&line), "no `{line}` in\n{stdout}");
    }
    assert_eq!(
        stdout.matches(": ok").count(),
        paths.as_array().unwrap().len(),
        "{stdout}"
    );
}

/// A machine the export of `spec` gives (`export SPEC --format FORMAT [--flat]`), and the
/// walks as the scripts read them.
struct Case {
    name: &'static str,
    spec: String,
    flat: bool,
    walks: &'static [Walk],
}

fn cases(dir: &Path) -> Vec<Case> {
    let lamp = write(dir, "lamp.toml", LAMP);
    let player = test_support::player_path();
    vec![
        Case {
            name: "tcp",
            spec: "tcp".into(),
            flat: false,
            walks: TCP_WALKS,
        },
        Case {
            name: "tcp-flat",
            spec: "tcp".into(),
            flat: true,
            walks: TCP_WALKS,
        },
        Case {
            name: "tcp9293",
            spec: "tcp9293".into(),
            flat: false,
            walks: TCP9293_WALKS,
        },
        Case {
            name: "player",
            spec: player.to_str().unwrap().into(),
            flat: false,
            walks: PLAYER_WALKS,
        },
        Case {
            name: "lamp",
            spec: lamp.to_str().unwrap().into(),
            flat: false,
            walks: LAMP_WALKS,
        },
    ]
}

/// Runs every case's export through `run` (a script given the machine's and the paths'
/// files) and checks each walk; then that a wrong state and, for a machine with groups, a
/// missing group are caught, with the script's message for them (`wrong`, `ungrouped`).
fn check_every_case(
    check: &str,
    format: &str,
    run: impl Fn(&Path, &Path) -> Output,
    wrong: &str,
    ungrouped: &str,
) {
    let dir = scratch(check);
    for case in cases(&dir) {
        let spec = load(&case.spec);
        let mut args = vec!["export", case.spec.as_str(), "--format", format];
        if case.flat {
            args.push("--flat");
        }
        let machine = write(&dir, &format!("{}.{format}", case.name), &tcp_fsm(&args));
        let json = paths_json(&spec, case.walks, !case.flat);
        let paths = write(&dir, &format!("{}.json", case.name), &json.to_string());
        assert_ran(&run(&machine, &paths), &json);
        if case.name != "tcp" {
            continue;
        }
        for (bad, message) in [
            (wrong_paths(&json), wrong),
            (ungrouped_paths(&json), ungrouped),
        ] {
            let bad = write(&dir, "bad.json", &bad.to_string());
            let out = run(&machine, &bad);
            assert_eq!(out.status.code(), Some(1), "{}", text(&out));
            assert!(
                String::from_utf8_lossy(&out.stderr).contains(message),
                "{}",
                text(&out)
            );
        }
    }
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
    let player = test_support::player_path();
    let player = player.to_str().unwrap();
    let figure6 = ["--arcs", "figure6", "--highlight", "client"];
    // Figure 6 with a path, every transition (groups as composite states, SYNCHRONIZED's
    // transitions drawn from it), and the player's groups in a group.
    for (name, spec, extra) in [
        ("figure6", "tcp", &figure6[..]),
        ("all", "tcp", &[][..]),
        ("player", player, &[][..]),
    ] {
        let mut args = vec!["diagram", spec, "--format", "plantuml"];
        args.extend(extra);
        let source = write(&dir, &format!("{name}.puml"), &tcp_fsm(&args));
        let out = Command::new("plantuml")
            .args(["-tsvg", "-failfast2", "-o"])
            .arg(&dir)
            .arg(&source)
            .output()
            .expect("plantuml runs");
        assert!(out.status.success(), "{}", text(&out));
        let svg = std::fs::read_to_string(dir.join(format!("{name}.svg")))
            .expect("plantuml wrote the SVG");
        // PlantUML exits 0 even when it cannot lay out the diagram; its SVG then holds the
        // error. Composite states are drawn with their names, as states are.
        let spec = load(spec);
        let groups = spec.groups.iter().map(|g| &g.name);
        for name in spec.states.iter().map(|s| &s.name).chain(groups) {
            assert!(svg.contains(&format!(">{name}<")), "the SVG lacks {name}");
        }
        let label = match name {
            "player" => "power_off / snd SAVE_POSITION",
            "all" => "rcv SYN, rcv bad security / snd RST",
            _ => "rcv SYN,ACK / snd ACK",
        };
        assert!(svg.contains(label), "the SVG lacks the edge label {label}");
    }
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
fn qt_scxml_runs_the_paths_and_the_group_transitions_of_each_machine() {
    let python = match qt_scxml() {
        Ok(python) => python,
        Err(why) => {
            skip("SCXML check", &why);
            return;
        }
    };
    check_every_case(
        "scxml",
        "scxml",
        |machine, paths| run_scxml(python, machine, paths),
        "client: after step 2 (rcv_syn_ack): active ['ESTABLISHED'], expected ['FIN_WAIT_2']",
        "client: after step 2 (rcv_syn_ack): active ['ESTABLISHED', 'SYNCHRONIZED'], expected ['ESTABLISHED']",
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
fn xstate_runs_the_paths_and_the_group_transitions_of_each_machine() {
    let modules = match xstate_modules() {
        Ok(modules) => modules,
        Err(why) => {
            skip("XState check", &why);
            return;
        }
    };
    check_every_case(
        "xstate",
        "xstate",
        |machine, paths| run_xstate(&modules, machine, paths),
        "client: after step 2 (rcv_syn_ack): state {\"SYNCHRONIZED\":\"ESTABLISHED\"}, expected \"FIN_WAIT_2\"",
        "client: after step 2 (rcv_syn_ack): state {\"SYNCHRONIZED\":\"ESTABLISHED\"}, expected it within []",
    );
}
