//! Random damage to a spec must never panic the parser or the checks, and every diagnostic
//! must point inside the file. The spec damaged here is the workspace's door fixture (small,
//! with guards, outputs, aliases and a final state); the TCP spec gets the same treatment in
//! `tcp-engine/tests/spec_robustness.rs`.
//!
//! The case count follows `PROPTEST_CASES` (256 by default).

use fsm_spec::{SourceFile, check};
use proptest::prelude::*;
use test_support::damage;

use test_support::DOOR;

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
