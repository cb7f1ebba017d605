//! Random damage to a spec's text, shared by the robustness tests of `fsm-spec`, of the
//! `fsm!` macro's code generation and of the bundled TCP spec.

use proptest::prelude::*;

/// One way of damaging a spec's text.
#[derive(Debug, Clone)]
pub enum Damage {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    ReplaceByte(usize, u8),
    Truncate(usize),
    Insert(usize, String),
    RenameKey(usize, String),
}

pub fn damage() -> impl Strategy<Value = Damage> {
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
pub fn apply(text: &str, damage: &Damage) -> String {
    if text.is_empty() && !matches!(damage, Damage::Insert(..)) {
        // Nothing left to delete, duplicate, swap, replace, cut or rename.
        return String::new();
    }
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

/// One to three damages applied to `text` in turn.
pub fn damaged(text: &'static str) -> impl Strategy<Value = String> {
    proptest::collection::vec(damage(), 1..4)
        .prop_map(move |damages| damages.iter().fold(text.to_string(), |t, d| apply(&t, d)))
}
