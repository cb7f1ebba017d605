//! Doc comments for the generated items, written from the spec's `doc`, `cite`, labels and
//! aliases, so that `cargo doc` shows each transition's source next to the method.

use fsm_spec::{Spec, Transition};

/// Makes spec text safe as Markdown in a doc comment.
pub(crate) use fsm_spec::escape::markdown as escape;

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

/// The state diagram as inline SVG for a doc comment, drawn by `fsm_spec::render::svg`: the
/// arcs with the spec's `diagram_tag` (TCP's RFC 793 Figure 6), else every arc. One line,
/// since a blank line would end Markdown's HTML block.
#[cfg(feature = "doc-diagram")]
pub(crate) fn diagram(spec: &fsm_spec::Spec) -> String {
    use fsm_spec::render::Options;
    let options = match &spec.machine.diagram_tag {
        Some((tag, _)) => Options::tagged(tag),
        None => Options::all(),
    };
    let svg = fsm_spec::render::svg::svg(spec, &options);
    let lines: Vec<&str> = svg
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    format!("# State diagram\n\n<div>{}</div>", lines.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braces_are_doubled_for_diagnostic_strings() {
        assert_eq!(escape_braces("{S} x"), "{{S}} x");
    }

    #[test]
    fn empty_state_lists_read_as_no_state() {
        assert_eq!(state_list([]), "no state");
        assert_eq!(state_list(["A", "B"]), "A, B");
    }

    #[cfg(feature = "doc-diagram")]
    #[test]
    fn the_diagram_is_one_html_line_under_a_heading() {
        let source = fsm_spec::SourceFile::new("t.toml", crate::expand::tests_door());
        let spec = fsm_spec::Spec::from_source(&source).expect("a valid spec");
        let doc = diagram(&spec);
        let (heading, html) = doc.split_once("\n\n").expect("a heading, then the SVG");
        assert_eq!(heading, "# State diagram");
        assert!(
            html.starts_with("<div><svg ") && html.ends_with("</svg></div>"),
            "{html}"
        );
        assert!(
            !html.contains('\n'),
            "a line break could end the HTML block"
        );
        assert!(html.contains(">LOCKED<"), "the states are drawn");
    }

    #[cfg(feature = "doc-diagram")]
    #[test]
    fn the_diagram_draws_only_the_arcs_of_the_diagram_tag() {
        let door = crate::expand::tests_door();
        // Tag the first transition (CLOSED --open--> OPEN) and name the tag.
        let tagged = door
            .replacen("to = \"OPEN\"", "to = \"OPEN\"\ntags = [\"front\"]", 1)
            .replacen(
                "initial = \"CLOSED\"",
                "initial = \"CLOSED\"\ndiagram_tag = \"front\"",
                1,
            );
        let draw = |text: &str| {
            let source = fsm_spec::SourceFile::new("t.toml", text);
            diagram(&fsm_spec::Spec::from_source(&source).expect("a valid spec"))
        };
        let (all, front) = (draw(door), draw(&tagged));
        assert!(all.contains(">lock<"), "every arc without a tag: {all}");
        assert!(front.contains(">open<"), "the tagged arc: {front}");
        assert!(!front.contains(">lock<"), "only the tagged arc: {front}");
    }
}
