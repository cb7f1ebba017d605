//! Doc comments for the generated items, written from the spec's `doc`, `cite`, labels and
//! aliases, so that `cargo doc` shows each transition's source next to the method.

use fsm_spec::{Spec, Transition};

/// Makes spec text safe as Markdown in a doc comment: `<SEQ=ISS>` would be an HTML tag and
/// `[3.9]` a broken link, an indented or fenced line would become a doctest.
pub(crate) fn escape(text: &str) -> String {
    text.lines()
        .map(|line| {
            let line = line.trim_start();
            let line = line
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('[', "\\[")
                .replace(']', "\\]");
            if line.starts_with("```") || line.starts_with("~~~") {
                format!("\\{line}")
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Text for the `#[diagnostic::on_unimplemented]` strings, where braces are placeholders.
pub(crate) fn escape_braces(text: &str) -> String {
    text.replace('{', "{{").replace('}', "}}")
}

/// `ESTABLISHED, FIN_WAIT_1` or `no state`.
pub(crate) fn state_list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let list: Vec<&str> = names.into_iter().collect();
    if list.is_empty() {
        "no state".to_string()
    } else {
        list.join(", ")
    }
}

/// One transition as a Markdown paragraph: where it goes, what it sends, why (the spec's
/// doc) and where it comes from (the cite).
pub(crate) fn transition(spec: &Spec, t: &Transition) -> String {
    let mut text = format!(
        "**{} → {}**",
        spec.state(t.from).name,
        spec.state(t.to).name
    );
    if let Some(guard) = &t.guard {
        text.push_str(&format!(" when `{guard}`"));
    }
    if let Some(send) = &t.send {
        text.push_str(&format!(", sends `{send}`"));
    }
    text.push('.');
    if let Some(doc) = &t.doc {
        text.push(' ');
        text.push_str(&escape(doc));
    }
    if let Some(cite) = &t.cite {
        text.push_str(&format!("\n\n*Source: {}*", escape(cite)));
    }
    text
}

/// The doc of a spec item: its own text, or a fallback naming it.
pub(crate) fn or_named(doc: Option<&str>, fallback: String) -> String {
    doc.map(escape).unwrap_or(fallback)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_text_cannot_become_html_links_or_doctests() {
        assert_eq!(
            escape("send <SEQ=ISS><CTL=SYN> [3.9] & go"),
            "send &lt;SEQ=ISS&gt;&lt;CTL=SYN&gt; \\[3.9\\] &amp; go"
        );
        assert_eq!(escape("a\n    indented\n```rust"), "a\nindented\n\\```rust");
    }

    #[test]
    fn braces_are_doubled_for_diagnostic_strings() {
        assert_eq!(escape_braces("{S} x"), "{{S}} x");
    }

    #[test]
    fn empty_state_lists_read_as_no_state() {
        assert_eq!(state_list([]), "no state");
        assert_eq!(state_list(["A", "B"]), "A, B");
    }
}
