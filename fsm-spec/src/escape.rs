//! Escaping of free text (names, labels, docs, segments) for each output format the
//! workspace writes, so that every writer of a format escapes the same characters.
//!
//! ```
//! use fsm_spec::escape;
//!
//! assert_eq!(escape::xml("<SEQ=1> & 'x'"), "&lt;SEQ=1&gt; &amp; &apos;x&apos;");
//! assert_eq!(escape::mermaid("rcv SYN; ACK#1: ok"), "rcv SYN#59; ACK#35;1#58; ok");
//! ```

/// Text for XML (SVG, SCXML), in content or a quoted attribute: `&`, `<`, `>`, `"` and `'`
/// escaped, control characters other than newline and tab dropped (XML 1.0 cannot hold
/// them even as references).
pub fn xml(text: &str) -> String {
    markup(text, "&apos;", true)
}

/// Text for HTML, in content or a quoted attribute: `&`, `<`, `>`, `"` and `'` escaped.
/// `'` is `&#39;`, which every HTML parser reads (`&apos;` is XML's and HTML5's only).
pub fn html(text: &str) -> String {
    markup(text, "&#39;", false)
}

fn markup(text: &str, apostrophe: &str, drop_controls: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str(apostrophe),
            c if drop_controls && c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Text for a Mermaid label or note (state and sequence diagrams), on one line: the
/// characters Mermaid's parser treats specially written as its `#code;` entities (`;` ends a
/// statement, `:` starts a label, `#` starts an entity, `<` `>` are markup, `{` `}` shapes),
/// line breaks as spaces.
pub fn mermaid(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '#' => out.push_str("#35;"),
            ';' => out.push_str("#59;"),
            ':' => out.push_str("#58;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '{' => out.push_str("#123;"),
            '}' => out.push_str("#125;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A Graphviz DOT string literal, quotes included: quotes and backslashes escaped, newlines
/// as `\n` (DOT's centred line break).
pub fn dot(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML basic string: quoted, with `"`, `\` and control characters escaped.
pub fn toml(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A PlantUML label on one line: PlantUML ends a label at the line's end and reads `\n` as a
/// line break, so newlines become spaces and backslashes are doubled.
pub fn plantuml(text: &str) -> String {
    text.replace('\\', "\\\\").replace(['\n', '\r'], " ")
}

/// Text for Markdown in a Rust doc comment: `<SEQ=ISS>` would be an HTML tag, `[3.9]` a
/// broken link, `&` an entity, and an indented or fenced line would become a doctest.
pub fn markdown(text: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_the_five_characters_and_drops_control_characters() {
        assert_eq!(
            xml("a<b & \"c\" 'd'>\u{7}\n"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\n"
        );
    }

    #[test]
    fn html_writes_the_apostrophe_as_a_numeric_reference() {
        assert_eq!(html("it's <b>"), "it&#39;s &lt;b&gt;");
    }

    #[test]
    fn mermaid_escapes_its_statement_label_and_entity_characters() {
        assert_eq!(
            mermaid("a;b#c:d\"<e>{f}\ng"),
            "a#59;b#35;c#58;d#quot;#lt;e#gt;#123;f#125; g"
        );
    }

    #[test]
    fn dot_quotes_escape_quotes_backslashes_and_newlines() {
        assert_eq!(dot("a\"b\\c\nd\r"), "\"a\\\"b\\\\c\\nd\"");
    }

    #[test]
    fn toml_quotes_and_escapes_control_characters() {
        assert_eq!(toml("a\"b\\c\nd\u{7}"), "\"a\\\"b\\\\c\\nd\\u0007\"");
    }

    #[test]
    fn plantuml_labels_stay_on_one_line() {
        assert_eq!(plantuml("a\\n\nb"), "a\\\\n b");
    }

    #[test]
    fn markdown_neither_links_nor_tags_nor_starts_a_doctest() {
        assert_eq!(
            markdown("send <SEQ=ISS><CTL=SYN> [3.9] & go"),
            "send &lt;SEQ=ISS&gt;&lt;CTL=SYN&gt; \\[3.9\\] &amp; go"
        );
        assert_eq!(
            markdown("a\n    indented\n```rust"),
            "a\nindented\n\\```rust"
        );
    }
}
