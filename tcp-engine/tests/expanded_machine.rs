//! The machine each bundled spec expands to, one line per transition, against a golden file
//! written before the specs used groups: moving repeated transitions onto a group must not
//! change what the machine does. Lines are `FROM event guard -> TO send tags reading`, `-`
//! for an absent part, sorted. `UPDATE_EXPANDED=1` rewrites the files (then review the diff).

use fsm_spec::Spec;
use std::path::PathBuf;

fn expanded(spec: &Spec) -> String {
    let or_dash = |text: Option<&str>| text.unwrap_or("-").to_string();
    let mut lines: Vec<String> = spec
        .transitions
        .iter()
        .map(|t| {
            let tags = if t.tags.is_empty() {
                "-".to_string()
            } else {
                t.tags.join(",")
            };
            let reading = t
                .reading
                .as_ref()
                .map(|r| format!("{}/{}", r.contradiction, r.name));
            format!(
                "{} {} {} -> {} {} {} {}",
                spec.state(t.from).name,
                spec.event(t.event).name,
                or_dash(t.guard.as_deref()),
                spec.state(t.to).name,
                or_dash(t.send.as_deref()),
                tags,
                or_dash(reading.as_deref()),
            )
        })
        .collect();
    lines.sort();
    lines.iter().map(|line| format!("{line}\n")).collect()
}

fn check(name: &str) {
    let bundled = tcp_engine::specs::bundled(name).expect("a bundled spec");
    let actual = expanded(&bundled.spec());
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/expanded/{name}.txt"));
    if std::env::var_os("UPDATE_EXPANDED").is_some() {
        std::fs::write(&path, &actual).expect("the golden file is writable");
    }
    let golden = std::fs::read_to_string(&path).expect("the golden file exists");
    assert!(
        actual == golden,
        "{name}: the expanded machine changed; lines only in the golden file:\n{}\nlines only now:\n{}",
        difference(&golden, &actual),
        difference(&actual, &golden)
    );
}

fn difference(a: &str, b: &str) -> String {
    a.lines()
        .filter(|line| !b.lines().any(|other| other == *line))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_rfc_793_spec_expands_to_the_machine_it_always_had() {
    check("tcp");
}

#[test]
fn the_rfc_9293_spec_expands_to_the_machine_it_always_had() {
    check("tcp9293");
}
