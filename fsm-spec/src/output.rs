//! What a transition sends, read one way everywhere: a `send` value is a set of signals
//! separated by commas (`SYN,ACK`), with spaces around them allowed; a `+` separates too
//! (`SYN+ACK`), the other spelling people write for a combined segment.

/// The signals of a `send` value, in written order and case, trimmed. Blank text has none;
/// an empty part between two separators is an empty signal, for the reader to refuse.
///
/// ```
/// let signals: Vec<&str> = fsm_spec::output::signals("SYN, ack+FIN").collect();
/// assert_eq!(signals, ["SYN", "ack", "FIN"]);
/// assert_eq!(fsm_spec::output::signals(" ").count(), 0);
/// ```
pub fn signals(send: &str) -> impl Iterator<Item = &str> {
    let parts = (!send.trim().is_empty()).then(|| send.split([',', '+']).map(str::trim));
    parts.into_iter().flatten()
}

/// Whether two `send` values name the same signals, ignoring order and case: `SYN,ACK`
/// equals `ack+syn`; no output equals an empty one.
pub fn same(a: Option<&str>, b: Option<&str>) -> bool {
    fn set(send: Option<&str>) -> Vec<String> {
        let mut set: Vec<String> = signals(send.unwrap_or_default())
            .map(str::to_uppercase)
            .collect();
        set.sort();
        set
    }
    set(a) == set(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commas_and_pluses_separate_in_any_order_and_case() {
        for text in ["SYN,ACK", "SYN+ACK", " syn , ack ", "ACK,SYN"] {
            assert!(same(Some(text), Some("SYN,ACK")), "{text}");
        }
        assert!(!same(Some("SYN"), Some("SYN,ACK")));
        assert!(same(None, Some("")));
    }
}
