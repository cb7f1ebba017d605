//! Random damage to the TCP spec must never panic the parser or the checks, and every
//! diagnostic must point inside the file.
//!
//! The case count follows `PROPTEST_CASES` (256 by default); `.ci/run` raises it, and the
//! longer run in the README uses 100,000.

use fsm_spec::{SourceFile, check};
use proptest::prelude::*;

const TCP: &str = include_str!("../../tcp-fsm/tcp.toml");

/// One way of damaging a spec's text.
#[derive(Debug, Clone)]
enum Damage {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    ReplaceByte(usize, u8),
    Truncate(usize),
    Insert(usize, String),
    RenameKey(usize, String),
}

fn damage() -> impl Strategy<Value = Damage> {
    let index = any::<usize>();
    prop_oneof![
        index.prop_map(Damage::DeleteLine),
        index.prop_map(Damage::DuplicateLine),
        (index, index).prop_map(|(a, b)| Damage::SwapLines(a, b)),
        (index, any::<u8>()).prop_map(|(i, b)| Damage::ReplaceByte(i, b)),
        index.prop_map(Damage::Truncate),
        (index, "[\\[\\]={}\",.a-zA-Z0-9_ \n#-]{0,12}").prop_map(|(i, s)| Damage::Insert(i, s)),
        (index, "[a-z_]{1,8}").prop_map(|(i, s)| Damage::RenameKey(i, s)),
    ]
}

/// Applies `damage` to `text`; byte damage may leave invalid UTF-8, which is replaced as a
/// reader of the file would see it.
fn apply(text: &str, damage: &Damage) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let pick = |i: usize, len: usize| i % len.max(1);
    match damage {
        Damage::DeleteLine(i) => {
            let at = pick(*i, lines.len());
            lines.remove(at);
        }
        Damage::DuplicateLine(i) => {
            let at = pick(*i, lines.len());
            lines.insert(at, lines[at].clone());
        }
        Damage::SwapLines(a, b) => {
            let (a, b) = (pick(*a, lines.len()), pick(*b, lines.len()));
            lines.swap(a, b);
        }
        Damage::ReplaceByte(i, byte) => {
            let mut bytes = text.as_bytes().to_vec();
            let at = pick(*i, bytes.len());
            bytes[at] = *byte;
            return String::from_utf8_lossy(&bytes).into_owned();
        }
        Damage::Truncate(i) => {
            let at = pick(*i, text.len());
            return String::from_utf8_lossy(&text.as_bytes()[..at]).into_owned();
        }
        Damage::Insert(i, inserted) => {
            let mut at = pick(*i, text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            return format!("{}{inserted}{}", &text[..at], &text[at..]);
        }
        Damage::RenameKey(i, key) => {
            let at = pick(*i, lines.len());
            if let Some(eq) = lines[at].find(" = ") {
                lines[at] = format!("{key}{}", &lines[at][eq..]);
            }
        }
    }
    lines.join("\n")
}

proptest! {
    #[test]
    fn damaged_specs_never_panic_and_point_inside_the_file(
        damages in proptest::collection::vec(damage(), 1..4)
    ) {
        let text = damages.iter().fold(TCP.to_string(), |text, d| apply(&text, d));
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
