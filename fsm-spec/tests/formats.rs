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
