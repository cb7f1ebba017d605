//! A spec's states and events are numbered in the order it writes them: the initial state's
//! place, the generated enums and the tables all follow it. The TOML document tree sorts its
//! keys, so the parser puts them back in written order; these specs are written against
//! the alphabet on purpose.

use fsm_spec::{SourceFile, check};

fn names_of(text: &str) -> (Vec<String>, Vec<String>) {
    let spec = check(&SourceFile::new("order.toml", text))
        .into_result()
        .unwrap_or_else(|d| {
            panic!(
                "the spec is valid: {:?}",
                d.iter().map(|d| d.message()).collect::<Vec<_>>()
            )
        });
    (
        spec.states.iter().map(|s| s.name.clone()).collect(),
        spec.events.iter().map(|e| e.name.clone()).collect(),
    )
}

const TRANSITIONS: &str = r#"
[[transition]]
from = "ZULU"
event = "zap"
to = "ALPHA"

[[transition]]
from = "ALPHA"
event = "arm"
to = "MIKE"

[[transition]]
from = "MIKE"
event = "mute"
to = "ZULU"
"#;

#[test]
fn table_headers_keep_their_written_order() {
    let text = format!(
        "[machine]\nname = \"M\"\ninitial = \"ZULU\"\n\n\
         [states.ZULU]\n[states.ALPHA]\n[states.MIKE]\n\n\
         [events.zap]\nkind = \"call\"\n[events.arm]\nkind = \"call\"\n[events.mute]\nkind = \"call\"\n{TRANSITIONS}"
    );
    let (states, events) = names_of(&text);
    assert_eq!(states, ["ZULU", "ALPHA", "MIKE"]);
    assert_eq!(events, ["zap", "arm", "mute"]);
}

#[test]
fn inline_tables_and_dotted_keys_keep_their_written_order() {
    let text = format!(
        "[machine]\nname = \"M\"\ninitial = \"ZULU\"\n\n\
         [states]\nZULU = {{}}\nALPHA.doc = \"first letter\"\nMIKE = {{ doc = \"middle\" }}\n\n\
         [events]\nzap = {{ kind = \"call\" }}\narm.kind = \"call\"\nmute = {{ kind = \"call\" }}\n{TRANSITIONS}"
    );
    let (states, events) = names_of(&text);
    assert_eq!(states, ["ZULU", "ALPHA", "MIKE"]);
    assert_eq!(events, ["zap", "arm", "mute"]);
}

#[test]
fn unknown_keys_are_reported_in_written_order() {
    let text = format!(
        "[machine]\nname = \"M\"\ninitial = \"ZULU\"\n\n\
         [states.ZULU]\nzz = 1\naa = 2\nmm = 3\n[states.ALPHA]\n[states.MIKE]\n\n\
         [events.zap]\nkind = \"call\"\n[events.arm]\nkind = \"call\"\n[events.mute]\nkind = \"call\"\n{TRANSITIONS}"
    );
    let report = check(&SourceFile::new("order.toml", text));
    let unknown: Vec<(String, usize)> = report
        .diagnostics
        .errors()
        .map(|d| (d.message(), d.location.line))
        .collect();
    assert_eq!(
        unknown,
        [
            (unknown_in_zulu("zz"), 6),
            (unknown_in_zulu("aa"), 7),
            (unknown_in_zulu("mm"), 8),
        ]
    );
}

fn unknown_in_zulu(key: &str) -> String {
    format!("unknown key `{key}` in [states.ZULU]; expected one of: doc, aliases, final, data")
}
