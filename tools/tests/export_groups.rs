//! `tcp-fsm export --format json` of a spec with groups: the groups and each transition's
//! `declared_in`, and with `--flat` the expanded machine in the shape of a spec without them.

mod cli;
use cli::{tcp_fsm, temp_file, text};
use serde_json::{Value, json};

const LAMP: &str = r#"[machine]
name = "Lamp"
initial = "OFF"

[states.OFF]
[states.DIM]
[states.BRIGHT]

[groups.ON]
states = ["DIM", "BRIGHT"]
initial = "DIM"
cite = "manual 2"

[events.press]
kind = "call"

[events.unplug]
kind = "call"

[[transition]]
from = "OFF"
event = "press"
to = "ON"

[[transition]]
from = "DIM"
event = "press"
to = "BRIGHT"

[[transition]]
from = "ON"
event = "press"
to = "OFF"

[[transition]]
from = "ON"
event = "unplug"
to = "OFF"
"#;

fn export(args: &[&str]) -> Value {
    let path = temp_file("lamp.toml", LAMP);
    let mut all = vec!["export", path.to_str().unwrap()];
    all.extend(args);
    let out = tcp_fsm(&all);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    serde_json::from_str(&text(&out.stdout)).expect("the export is JSON")
}

/// `FROM event -> TO (declared_in)` of each exported transition.
fn arcs(json: &Value) -> Vec<String> {
    json["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            format!(
                "{} {} -> {} ({})",
                t["from"].as_str().unwrap(),
                t["event"].as_str().unwrap(),
                t["to"].as_str().unwrap(),
                t.get("declared_in")
                    .map_or("absent".into(), Value::to_string)
            )
        })
        .collect()
}

#[test]
fn the_json_export_shows_the_groups_and_where_each_transition_was_declared() {
    let json = export(&["--format", "json"]);
    assert_eq!(
        json["groups"],
        json!([{
            "name": "ON", "states": ["DIM", "BRIGHT"], "parent": null, "initial": "DIM",
            "doc": null, "cite": "manual 2"
        }])
    );
    assert_eq!(
        arcs(&json),
        [
            "OFF press -> DIM (null)",
            "DIM press -> BRIGHT (null)",
            "BRIGHT press -> OFF (\"ON\")",
            "DIM unplug -> OFF (\"ON\")",
            "BRIGHT unplug -> OFF (\"ON\")",
        ]
    );
}

#[test]
fn the_flat_export_is_the_expanded_machine_without_group_keys() {
    let json = export(&["--flat"]);
    assert!(json.get("groups").is_none(), "{json}");
    assert_eq!(
        arcs(&json),
        [
            "OFF press -> DIM (absent)",
            "DIM press -> BRIGHT (absent)",
            "BRIGHT press -> OFF (absent)",
            "DIM unplug -> OFF (absent)",
            "BRIGHT unplug -> OFF (absent)",
        ]
    );
}

/// `tcp-fsm ARGS` on the lamp, its stdout. Each call writes a file of its own: the tests
/// run side by side.
fn run_on_lamp(args: &[&str]) -> String {
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = temp_file(&format!("lamp-{call}.toml"), LAMP);
    let mut all = vec![args[0], path.to_str().unwrap()];
    all.extend(&args[1..]);
    let out = tcp_fsm(&all);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
fn scxml_and_xstate_exports_nest_the_group_and_flat_ones_do_not() {
    let scxml = run_on_lamp(&["export", "--format", "scxml"]);
    assert!(
        scxml.contains("<state id=\"ON\" initial=\"DIM\">"),
        "{scxml}"
    );
    assert_eq!(scxml.matches("event=\"unplug\"").count(), 1, "once, on ON");
    let flat = run_on_lamp(&["export", "--format", "scxml", "--flat"]);
    assert!(!flat.contains("id=\"ON\""), "{flat}");
    assert_eq!(
        flat.matches("event=\"unplug\"").count(),
        2,
        "on DIM and BRIGHT"
    );

    let xstate: Value =
        serde_json::from_str(&run_on_lamp(&["export", "--format", "xstate"])).unwrap();
    assert_eq!(
        xstate["states"]["ON"]["on"]["unplug"][0]["target"],
        "#Lamp.OFF"
    );
    assert!(xstate["states"]["ON"]["states"]["BRIGHT"].is_object());
    let flat: Value =
        serde_json::from_str(&run_on_lamp(&["export", "--format", "xstate", "--flat"])).unwrap();
    assert!(flat["states"].get("ON").is_none(), "{flat}");
    assert_eq!(flat["states"]["BRIGHT"]["on"]["unplug"][0]["target"], "OFF");
}

#[test]
fn diagrams_draw_the_group_and_flat_ones_each_state() {
    let dot = run_on_lamp(&["diagram"]);
    assert!(dot.contains("subgraph \"cluster_ON\""), "{dot}");
    // ON's press (BRIGHT takes it) and unplug: one arc from the cluster.
    assert!(
        dot.contains("\"BRIGHT\" -> \"OFF\" [label=\"press, unplug\", ltail=\"cluster_ON\"];"),
        "{dot}"
    );
    assert_eq!(dot.lines().filter(|l| l.contains("unplug")).count(), 1);
    let flat = run_on_lamp(&["diagram", "--flat"]);
    assert!(!flat.contains("cluster"), "{flat}");
    assert_eq!(
        flat.lines().filter(|l| l.contains("unplug")).count(),
        2,
        "{flat}"
    );
    for (format, group) in [
        ("svg", ">ON</text>"),
        ("mermaid", "state ON {"),
        ("plantuml", "state ON {"),
    ] {
        let drawn = run_on_lamp(&["diagram", "--format", format]);
        let flat = run_on_lamp(&["diagram", "--format", format, "--flat"]);
        assert!(drawn.contains(group), "{format}: {drawn}");
        assert!(!flat.contains(group), "{format}: {flat}");
    }
}
