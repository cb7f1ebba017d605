//! A scenario file's bytes through `Scenario::parse`, then (when it parses) played on the
//! bundled spec and rendered as `tcp-fsm simulate` does: nothing may panic, and every error
//! has a line and a column inside the file.

#![no_main]

use engine::interpreter::Interpreter;
use engine::scenario::{Scenario, simulate};
use engine::transcript::{figure, sequence};
use fsm_spec::SourceFile;
use libfuzzer_sys::{Corpus, fuzz_target};
use std::sync::OnceLock;

fn spec() -> &'static fsm_spec::Spec {
    static SPEC: OnceLock<fsm_spec::Spec> = OnceLock::new();
    SPEC.get_or_init(engine::spec)
}

fuzz_target!(|bytes: &[u8]| -> Corpus {
    // Scenario files are read as text; anything else is refused before parsing.
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Corpus::Reject;
    };
    let lines = text.split('\n').count();
    let scenario = match Scenario::parse(SourceFile::new("fuzz.toml", text)) {
        Ok(scenario) => scenario,
        Err(errors) => {
            assert!(!errors.0.is_empty());
            for error in &errors.0 {
                assert!(
                    error.location.line >= 1 && error.location.line <= lines && error.location.column >= 1,
                    "{error}"
                );
            }
            return Corpus::Keep;
        }
    };
    let rules = Interpreter::new(spec()).expect("the bundled spec binds");
    match simulate(&rules, &scenario) {
        Ok(transcript) => {
            let _ = (
                transcript.render(true),
                sequence::mermaid(&transcript),
                sequence::svg(&transcript),
            );
            if let Some(expect) = &scenario.expect {
                let _ = figure::differences(&expect.figure, &transcript.figure());
            }
        }
        Err(errors) => assert!(!errors.0.is_empty()),
    }
    Corpus::Keep
});
