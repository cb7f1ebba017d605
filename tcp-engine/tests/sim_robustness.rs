//! Damaged scenarios are reported, never panicked on: every shipped scenario with each of its
//! lines removed in turn, and with its numbers replaced by extremes, is parsed and (when it
//! parses) played on the bundled spec.

use fsm_spec::SourceFile;
use std::path::Path;
use tcp_engine::interpreter::Interpreter;
use tcp_engine::scenario::{Scenario, simulate};

fn scenario_texts() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut texts: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    texts.sort();
    texts
}

/// Parses and plays `text`; returns whether it got as far as a transcript.
fn try_play(rules: &Interpreter, name: &str, text: String) -> bool {
    match Scenario::parse(SourceFile::new(name, text)) {
        Ok(scenario) => simulate(rules, &scenario).is_ok(),
        Err(errors) => {
            assert!(!errors.0.is_empty());
            assert!(
                errors
                    .0
                    .iter()
                    .all(|e| e.location.line > 0 && e.location.column > 0),
                "{errors}"
            );
            false
        }
    }
}

#[test]
fn scenarios_with_a_line_missing_are_reported_not_panicked_on() {
    let spec = tcp_engine::spec();
    let rules = Interpreter::new(&spec).unwrap();
    let (mut played, mut refused) = (0, 0);
    for (name, text) in scenario_texts() {
        let lines: Vec<&str> = text.lines().collect();
        for skip in 0..lines.len() {
            let damaged: Vec<&str> = lines
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != skip)
                .map(|(_, l)| *l)
                .collect();
            match try_play(&rules, &name, damaged.join("\n")) {
                true => played += 1,
                false => refused += 1,
            }
        }
    }
    assert!(
        played > 0 && refused > 0,
        "{played} played, {refused} refused"
    );
}

#[test]
fn extreme_numbers_are_reported_not_panicked_on() {
    let spec = tcp_engine::spec();
    let rules = Interpreter::new(&spec).unwrap();
    for (name, text) in scenario_texts() {
        for extreme in ["0", "2147483647", "4294967295", "99999999999999999999"] {
            let damaged = text
                .replace("isn = [100]", &format!("isn = [{extreme}]"))
                .replace("isn = [99]", &format!("isn = [{extreme}]"))
                .replace("nth = 2", &format!("nth = {extreme}"))
                .replace("octets = 10", &format!("octets = {extreme}"))
                .replace("<SEQ=90>", &format!("<SEQ={extreme}>"));
            try_play(&rules, &name, damaged);
        }
    }
}
