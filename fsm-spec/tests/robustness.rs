//! Random damage to a spec must never panic the parser or the checks, and every diagnostic
//! must point inside the file. The spec damaged here is the workspace's door fixture (small,
//! with guards, outputs, aliases and a final state); the TCP spec gets the same treatment in
//! `tcp-engine/tests/spec_robustness.rs`. The player (nested groups) is damaged too, and
//! what still reads as a spec must draw and export.
//!
//! The case count follows `PROPTEST_CASES` (256 by default).

use fsm_spec::render::{self, Arcs, Options, svg};
use fsm_spec::{SourceFile, check, export};
use proptest::prelude::*;
use test_support::damage;

use test_support::{DOOR, PLAYER};

proptest! {
    #[test]
    fn damaged_specs_never_panic_and_point_inside_the_file(text in damage::damaged(DOOR)) {
        let line_count = text.lines().count().max(1);
        let source = SourceFile::new("door.toml", text.clone());
        let report = check(&source);
        for diagnostic in &report.diagnostics {
            prop_assert!(diagnostic.render_snippet(&source).contains("door.toml:"));
            prop_assert!(diagnostic.span.end <= text.len(), "{diagnostic}");
            prop_assert!(diagnostic.location.line <= line_count + 1, "{diagnostic}");
            prop_assert!(!diagnostic.message().is_empty());
        }
        // A spec is handed out exactly when there are no errors.
        prop_assert_eq!(report.spec.is_some(), !report.diagnostics.has_errors());
    }

    /// Damaged groups (members moved, nesting cut, transitions of a group lost) still draw
    /// and export, grouped and flat, and the drawing keeps every state out of the boxes of
    /// groups it is not in.
    #[test]
    fn damaged_specs_with_groups_draw_and_export_without_panicking(text in damage::damaged(PLAYER)) {
        let Some(spec) = check(&SourceFile::new("player.toml", text)).spec else {
            return Ok(());
        };
        for spec in [spec.flattened(), spec] {
            for arcs in [Arcs::All, Arcs::NoSelfLoops] {
                let options = Options { arcs, highlights: Vec::new() };
                render::dot(&spec, &options);
                render::mermaid(&spec, &options);
                render::plantuml(&spec, &options);
                svg::interactive(&spec, &options);
                prop_assert_eq!(svg::problems(&spec, &options), Vec::<String>::new());
            }
            export::scxml(&spec);
            export::xstate(&spec);
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        let source = SourceFile::new("any.toml", text.clone());
        let report = check(&source);
        for diagnostic in &report.diagnostics {
            prop_assert!(diagnostic.render_snippet(&source).contains("any.toml"));
            prop_assert!(diagnostic.span.end <= text.len(), "{diagnostic}");
        }
    }
}

/// One broken array makes the TOML parser report an error per token after it: here 20,000
/// lines of 120 KB give more than 20,000 errors. Quoting the whole file for each snippet made rendering them quadratic (the fuzz
/// target `spec` found an 81 KB file that took 20 s); the snippet now gets only the lines its
/// span covers. The bound is loose, for a busy machine and a debug build: it took 44 s.
#[test]
fn rendering_every_error_of_a_file_takes_time_linear_in_its_size() {
    let text = format!("[machine]\nname = [\n{}", "k = v\n".repeat(20_000));
    let source = SourceFile::new("broken.toml", text);
    let report = check(&source);
    assert!(
        report.diagnostics.len() >= 20_000,
        "{}",
        report.diagnostics.len()
    );
    let started = std::time::Instant::now();
    for diagnostic in &report.diagnostics {
        assert!(diagnostic.render_snippet(&source).contains("broken.toml:"));
    }
    let took = started.elapsed();
    assert!(took.as_secs() < 10, "rendering took {took:?}");
}
