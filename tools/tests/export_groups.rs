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
