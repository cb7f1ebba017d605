//! A spec file's bytes through `fsm_spec::check`: parsing, the checks and the analyses must
//! never panic, every diagnostic must point inside the file it names and render, and a spec
//! that checks must render to every format without panicking.

#![no_main]

use fsm_spec::render::{self, Options};
use fsm_spec::check;
use libfuzzer_sys::{Corpus, fuzz_target};

/// The name the input is checked under; an `extends` naming a bundled spec finds it, any
/// other name is refused without touching the file system.
const NAME: &str = "fuzz.toml";

fuzz_target!(|bytes: &[u8]| -> Corpus {
    // A spec is text: the readers refuse anything that is not UTF-8 before parsing.
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Corpus::Reject;
    };
    let source = engine::specs::bundled_source(NAME, text);
    let report = check(&source);
    for diagnostic in &report.diagnostics {
        // A base spec's diagnostics point into the base.
        let file = match &*diagnostic.file {
            NAME => source.clone(),
            base => source
                .open_named(base)
                .expect("a diagnostic names a file that was read"),
        };
        let text = file.text();
        let span = diagnostic.span;
        assert!(
            span.start <= span.end && text.get(span.start..span.end).is_some(),
            "{diagnostic}: span {span:?} is not inside the {} bytes of {}",
            text.len(),
            file.name()
        );
        assert_eq!(diagnostic.location, file.location(span.start));
        assert!(!diagnostic.message().is_empty());
        let snippet = diagnostic.render_snippet(&file);
        assert!(snippet.contains(file.name()), "{snippet}");
        let _ = diagnostic.to_string();
    }
    assert_eq!(report.spec.is_some(), !report.diagnostics.has_errors());
    if let Some(spec) = &report.spec {
        let options = Options::all();
        // The SVG layout is superlinear by design, for diagrams people read (0.8 s for 1,000
        // transitions, docs/PERFORMANCE.md section 3); past that size it would only slow the
        // fuzzer down.
        if spec.transitions.len() <= 100 {
            let _ = render::svg::svg(spec, &options);
        }
        let _ = (
            render::dot(spec, &options),
            render::mermaid(spec, &options),
            render::plantuml(spec, &options),
            fsm_spec::export::scxml(spec),
            fsm_spec::export::xstate(spec),
            spec.to_json(),
        );
    }
    Corpus::Keep
});
