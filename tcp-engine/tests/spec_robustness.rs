//! Random damage to the TCP spec must never panic the parser or the checks, and every
//! diagnostic must point inside the file. (The damage generator is the workspace's test support,
//! which `fsm-spec` runs on a spec of its own.)
//!
//! The case count follows `PROPTEST_CASES` (256 by default); `.ci/run` raises it, and the
//! longer run in docs/PERFORMANCE.md (section 5) uses 100,000.

use fsm_spec::{SourceFile, check};
use proptest::prelude::*;
use test_support::damage;

const TCP: &str = tcp_fsm::SPEC_SOURCE;

proptest! {
    #[test]
    fn damaged_specs_never_panic_and_point_inside_the_file(text in damage::damaged(TCP)) {
        let line_count = text.lines().count().max(1);
        let source = SourceFile::new("tcp.toml", text.clone());
        let report = check(&source);
        for diagnostic in &report.diagnostics {
            prop_assert!(diagnostic.render_snippet(&source).contains("tcp.toml:"));
            prop_assert!(diagnostic.span.start <= text.len(), "{diagnostic}");
            prop_assert!(diagnostic.span.end <= text.len(), "{diagnostic}");
            prop_assert!(diagnostic.location.line <= line_count + 1, "{diagnostic}");
            prop_assert!(!diagnostic.message().is_empty());
        }
        // A spec is handed out exactly when there are no errors.
        prop_assert_eq!(report.spec.is_some(), !report.diagnostics.has_errors());
    }
}
