//! Spelling rules for names, over plain strings: case conversions, what a Rust identifier is,
//! and the loose key that matches names across sources.

/// `FIN_WAIT_1` → `FinWait1`, `rcv_syn_ack` → `RcvSynAck`, `Listen` → `Listen`.
pub fn upper_camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name.split(['_', '-']).filter(|w| !w.is_empty()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            let rest: String = chars.collect();
            // An all-caps word (`WAIT`) is lowered; a camel word (`SynSent`) keeps its humps.
            if word.chars().any(|c| c.is_lowercase()) {
                out.push_str(&rest);
            } else {
                out.push_str(&rest.to_lowercase());
            }
        }
    }
    out
}

/// `SYN_RECEIVED` → `syn_received`.
pub fn snake(name: &str) -> String {
    name.replace('-', "_").to_lowercase()
}

/// Rust's strict and reserved keywords, which cannot name a type or method.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Whether `name` can be used as a Rust identifier as it is (ASCII only, not a keyword).
pub fn is_rust_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let starts_well = matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_');
    starts_well
        && name != "_"
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&name)
}

/// A spelling-insensitive key for matching names across sources: `SYN-RCVD`, `syn_rcvd` and
/// `SynRcvd` all give `SYNRCVD`.
pub fn loose_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// `SYN,ACK` → `SynAck`: words split at any character that is not a letter or digit.
pub fn output_type(send: &str) -> String {
    send.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(upper_camel)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upper_camel_handles_states_events_and_camel_names() {
        assert_eq!(upper_camel("FIN_WAIT_1"), "FinWait1");
        assert_eq!(upper_camel("SYN_RECEIVED"), "SynReceived");
        assert_eq!(upper_camel("rcv_syn_ack"), "RcvSynAck");
        assert_eq!(upper_camel("SynSent"), "SynSent");
        assert_eq!(upper_camel("timeout_2msl"), "Timeout2msl");
    }

    #[test]
    fn identifiers_exclude_keywords_and_punctuation() {
        assert!(is_rust_identifier("rcv_syn"));
        assert!(is_rust_identifier("_x"));
        assert!(!is_rust_identifier("move"));
        assert!(!is_rust_identifier("SYN-SENT"));
        assert!(!is_rust_identifier("1st"));
        assert!(!is_rust_identifier("_"));
        assert!(!is_rust_identifier(""));
    }

    #[test]
    fn loose_keys_ignore_case_and_separators() {
        assert_eq!(loose_key("SYN-RCVD"), loose_key("syn_rcvd"));
        assert_eq!(loose_key("FIN_WAIT_1"), "FINWAIT1");
    }
}
