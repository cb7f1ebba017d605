//! The export formats read by other programs (PlantUML, SCXML, XState), as snapshots a
//! reviewer can read; `tools/tests/formats.rs` runs each through the real program.

use fsm_spec::export;
use fsm_spec::render::{self, Options};
use fsm_spec::{SourceFile, Spec};

/// A door with a guarded pair, outputs and a final state: every case the mappings handle.
const DOOR: &str = r#"
[machine]
name = "Door"
initial = "CLOSED"
doc = "A door with a lock."

[states.CLOSED]
doc = "Shut but not locked."
[states.OPEN]
[states.LOCKED]
[states.BROKEN]
final = true

[events.open]
kind = "call"
[events.close]
kind = "call"
label = "shut"
[events.lock]
kind = "call"
[events.unlock]
kind = "call"
[events.kick]
kind = "receive"
segment = "BOOT"

[[transition]]
from = "CLOSED"
event = "open"
to = "OPEN"
cite = "door manual 1"
doc = "It swings \"wide\" & <free>."

[[transition]]
from = "OPEN"
event = "close"
to = "CLOSED"
send = "CLICK"
cite = "door manual 2"

[[transition]]
from = "CLOSED"
event = "lock"
to = "LOCKED"
send = "CLICK"
cite = "door manual 3"

[[transition]]
from = "LOCKED"
event = "unlock"
guard = "right_key"
to = "CLOSED"
cite = "door manual 4"

[[transition]]
from = "LOCKED"
event = "unlock"
guard = "wrong_key"
to = "LOCKED"
send = "ALARM"
cite = "door manual 4"

[[transition]]
from = ["CLOSED", "LOCKED"]
event = "kick"
to = "BROKEN"
send = "CRASH, BANG"
cite = "door manual 5"
"#;

fn door() -> Spec {
    Spec::from_source(&SourceFile::new("door.toml", DOOR)).unwrap()
}

#[test]
fn plantuml_of_the_door() {
    insta::assert_snapshot!(render::plantuml(&door(), &Options::all()));
}

#[test]
fn scxml_of_the_door() {
    insta::assert_snapshot!(export::scxml(&door()));
}

#[test]
fn xstate_of_the_door() {
    insta::assert_snapshot!(export::xstate(&door()));
}

#[test]
fn xstate_keeps_the_spec_order_of_states_and_guards() {
    let config: serde_json::Value = serde_json::from_str(&export::xstate(&door())).unwrap();
    let states: Vec<&String> = config["states"].as_object().unwrap().keys().collect();
    assert_eq!(states.len(), 4);
    let text = export::xstate(&door());
    let at = |s: &str| text.find(&format!("\"{s}\": {{")).unwrap();
    assert!(at("CLOSED") < at("OPEN") && at("OPEN") < at("LOCKED") && at("LOCKED") < at("BROKEN"));
    let unlock = &config["states"]["LOCKED"]["on"]["unlock"];
    assert_eq!(unlock[0]["guard"], "right_key");
    assert_eq!(unlock[1]["guard"], "wrong_key");
    assert_eq!(unlock[1]["actions"][0]["params"]["output"], "ALARM");
}

#[test]
fn scxml_guards_are_data_and_outputs_are_escaped_strings() {
    let spec = door();
    let text = export::scxml(&spec);
    assert!(text.contains(r#"cond="guards.right_key""#), "{text}");
    assert!(text.contains(r#"expr="&quot;CRASH, BANG&quot;""#), "{text}");
}

fn player() -> Spec {
    Spec::from_source(&SourceFile::new("player.toml", test_support::PLAYER)).unwrap()
}

#[test]
fn scxml_of_the_player() {
    insta::assert_snapshot!(export::scxml(&player()));
}

#[test]
fn xstate_of_the_player() {
    insta::assert_snapshot!(export::xstate(&player()));
}

#[test]
fn scxml_nests_the_groups_and_writes_a_group_transition_once_on_the_group() {
    let spec = player();
    let text = export::scxml(&spec);
    let at = |s: &str| {
        text.find(s)
            .unwrap_or_else(|| panic!("no `{s}` in\n{text}"))
    };
    // POWERED holds PLAYING_MODES and STOPPED, PLAYING_MODES holds PLAYING and PAUSED.
    let powered = at("  <state id=\"POWERED\" initial=\"STOPPED\">");
    let modes = at("    <state id=\"PLAYING_MODES\" initial=\"PLAYING\">");
    let playing = at("      <state id=\"PLAYING\">");
    let stopped = at("    <state id=\"STOPPED\">");
    assert!(powered < modes && modes < playing && playing < stopped);
    // `reset` once, on POWERED; `stop` once, on PLAYING_MODES; `power_on` targets POWERED.
    assert_eq!(text.matches("event=\"reset\"").count(), 1);
    assert!(powered < at("event=\"reset\"") && at("event=\"reset\"") < modes);
    assert_eq!(text.matches("event=\"stop\"").count(), 1);
    assert!(text.contains("<transition event=\"power_on\" target=\"POWERED\">"));
    // Flat: one per state it applies to, no compound state, targets are states.
    let flat = export::scxml(&spec.flattened());
    assert_eq!(flat.matches("event=\"reset\"").count(), 3, "{flat}");
    assert_eq!(flat.matches("event=\"stop\"").count(), 2, "{flat}");
    assert!(!flat.contains("initial=\"STOPPED\""), "{flat}");
    assert!(flat.contains("<transition event=\"power_on\" target=\"STOPPED\">"));
}

#[test]
fn xstate_nests_the_groups_and_writes_a_group_transition_once_on_the_group() {
    let spec = player();
    let config: serde_json::Value = serde_json::from_str(&export::xstate(&spec)).unwrap();
    let powered = &config["states"]["POWERED"];
    assert_eq!(powered["initial"], "STOPPED");
    assert_eq!(
        powered["on"]["reset"][0]["target"],
        "#Player.POWERED.STOPPED"
    );
    let modes = &powered["states"]["PLAYING_MODES"];
    assert_eq!(modes["on"]["stop"][0]["target"], "#Player.POWERED.STOPPED");
    assert!(modes["states"]["PLAYING"]["on"].get("reset").is_none());
    assert_eq!(
        modes["states"]["PAUSED"]["on"]["power_off"][0]["target"],
        "#Player.OFF"
    );
    assert_eq!(
        config["states"]["OFF"]["on"]["power_on"][0]["target"],
        "#Player.POWERED"
    );
    let flat: serde_json::Value = serde_json::from_str(&export::xstate(&spec.flattened())).unwrap();
    let states = flat["states"].as_object().unwrap();
    assert_eq!(states.len(), 4, "{flat}");
    for state in ["PLAYING", "PAUSED", "STOPPED"] {
        assert_eq!(
            states[state]["on"]["reset"][0]["target"], "STOPPED",
            "{state}"
        );
    }
}

/// BRIGHT takes `press` only under a guard, inside ON, which takes `press` too.
const LAMP: &str = r#"
[machine]
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
[events.tap]
kind = "call"
[[transition]]
from = "OFF"
event = "press"
to = "ON"
[[transition]]
from = "ON"
event = ["press", "tap"]
to = "BRIGHT"
[[transition]]
from = "BRIGHT"
event = "press"
guard = "long"
to = "OFF"
[[transition]]
from = "DIM"
event = "tap"
to = "OFF"
"#;

#[test]
fn a_state_whose_guards_may_all_fail_stops_the_engines_from_trying_its_group() {
    let spec = Spec::from_source(&SourceFile::new("lamp.toml", LAMP)).unwrap();
    let scxml = export::scxml(&spec);
    let bright = &scxml[scxml.find("<state id=\"BRIGHT\">").unwrap()..];
    let bright = &bright[..bright.find("</state>").unwrap()];
    assert!(
        bright.contains("cond=\"guards.long\" target=\"OFF\">")
            && bright.contains("<transition event=\"press\">\n"),
        "{bright}"
    );
    // DIM's unguarded `tap` needs no stop.
    assert_eq!(
        scxml.matches("<transition event=\"tap\">").count(),
        0,
        "{scxml}"
    );
    let config: serde_json::Value = serde_json::from_str(&export::xstate(&spec)).unwrap();
    let press = &config["states"]["ON"]["states"]["BRIGHT"]["on"]["press"];
    assert_eq!(press[0]["guard"], "long");
    assert!(press[1].get("target").is_none(), "{press}");
    assert_eq!(press.as_array().unwrap().len(), 2);
}
