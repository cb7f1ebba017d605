//! Every local link and image in the README and `docs/*.md` points at something that exists:
//! a file or folder of the repository and, for `file.md#anchor` or `#anchor`, a heading of
//! that Markdown file. Links to other sites are not followed.
//!
//! The Markdown is read by a small parser of our own (`](target)`, `[label]: target` and
//! `<img src="target">` outside code) rather than a Markdown crate: that is all the syntax our
//! docs use for links, and a full CommonMark parser would be a heavy dev-dependency for one
//! test.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

/// A link found in a Markdown file.
#[derive(Debug, PartialEq)]
struct Link {
    /// The line it is on, from 1.
    line: usize,
    /// What it points at, as written.
    target: String,
}

/// The links of a Markdown text: inline links and images `[..](target)`, reference
/// definitions `[label]: target` and HTML `<img src="target">`, outside fenced code blocks and
/// code spans.
fn links(markdown: &str) -> Vec<Link> {
    let mut found = Vec::new();
    let mut fence: Option<&str> = None;
    let mut in_code = false;
    for (index, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            in_code = false;
        }
        if let Some(marker) = fence {
            if trimmed.starts_with(marker) {
                fence = None;
            }
            continue;
        }
        if let Some(marker) = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m)) {
            fence = Some(marker);
            continue;
        }
        let text = without_code_spans(line, &mut in_code);
        let mut push = |target: &str| {
            found.push(Link {
                line: index + 1,
                target: target.to_string(),
            })
        };
        for (at, _) in text.match_indices("](") {
            let rest = &text[at + 2..];
            let end = rest.find(')').unwrap_or(rest.len());
            // `[text](target "title")`: the target ends at the first space.
            let target = rest[..end].split_whitespace().next().unwrap_or("");
            push(target.trim_start_matches('<').trim_end_matches('>'));
        }
        if let Some(definition) = reference_definition(&text) {
            push(definition);
        }
        for (at, _) in text.match_indices("<img ") {
            if let Some(src) = attribute(&text[at..], "src") {
                push(src);
            }
        }
    }
    found
}

/// The line with its code spans (`` `...` ``) blanked out, so that code is not read as links.
/// A span may go on to the next line of its paragraph: `in_code` carries that over.
fn without_code_spans(line: &str, in_code: &mut bool) -> String {
    let mut text = String::new();
    for (i, part) in line.split('`').enumerate() {
        if i > 0 {
            *in_code = !*in_code;
            text.push('`');
        }
        if !*in_code {
            text.push_str(part);
        }
    }
    text
}

/// The target of a reference definition `[label]: target`, if the line is one.
fn reference_definition(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix('[')?;
    let (label, after) = rest.split_once("]:")?;
    if label.is_empty() || label.contains('[') {
        return None;
    }
    after.split_whitespace().next()
}

/// The value of `name="value"` (or `'value'`) in an HTML tag that starts the text.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
    let at = tag.find(&format!("{name}="))? + name.len() + 1;
    let quote = tag[at..].chars().next()?;
    let value = &tag[at + 1..];
    Some(&value[..value.find(quote)?])
}

/// The anchors GitHub gives the headings of a Markdown text: the heading lowercased, spaces
/// to `-`, every character but letters, digits, `-` and `_` dropped, and `-1`, `-2` ... after
/// a repeated one.
fn anchors(markdown: &str) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut anchors = Vec::new();
    let mut in_fence = false;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        let Some(heading) = trimmed.strip_prefix('#') else {
            continue;
        };
        if in_fence {
            continue;
        }
        let heading = heading.trim_start_matches('#');
        if !heading.starts_with(' ') {
            continue;
        }
        let slug: String = heading
            .trim()
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect();
        let count = seen.entry(slug.clone()).or_insert(0);
        anchors.push(match *count {
            0 => slug.clone(),
            n => format!("{slug}-{n}"),
        });
        *count += 1;
    }
    anchors
}

/// What is wrong with a link of the Markdown file `from`, if anything.
fn problem(from: &Path, target: &str) -> Option<String> {
    if target.is_empty() {
        return Some("empty link".into());
    }
    if target.contains("://") || target.starts_with("mailto:") {
        return None;
    }
    let (path, anchor) = match target.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (target, None),
    };
    let file = match path {
        "" => from.to_path_buf(),
        path => from.parent().unwrap_or(Path::new(".")).join(path),
    };
    if !file.exists() {
        return Some(format!("{} does not exist", file.display()));
    }
    let anchor = anchor?;
    if file.extension().is_none_or(|e| e != "md") {
        return None;
    }
    let text = fs::read_to_string(&file).ok()?;
    if anchors(&text).iter().any(|a| a == anchor) {
        None
    } else {
        Some(format!("{} has no heading #{anchor}", file.display()))
    }
}

/// The workspace root: the nearest folder above this crate whose `Cargo.toml` is a workspace.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .find(|dir| {
            fs::read_to_string(dir.join("Cargo.toml")).is_ok_and(|t| t.contains("[workspace]"))
        })
        .expect("a workspace Cargo.toml above the crate")
        .to_path_buf()
}

/// The Markdown files the test reads: those at the top of the repository and in `docs/`.
fn markdown_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = [root.to_path_buf(), root.join("docs")]
        .iter()
        .flat_map(|dir| fs::read_dir(dir).expect("readable folder"))
        .map(|entry| entry.expect("readable folder entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_local_link_and_image_of_the_readme_and_docs_exists() {
    let root = workspace_root();
    let files = markdown_files(&root);
    assert!(files.contains(&root.join("README.md")), "found {files:?}");
    let mut broken = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).expect("readable Markdown");
        for link in links(&text) {
            if let Some(problem) = problem(file, &link.target) {
                let problem = problem.replace(&format!("{}/", root.display()), "");
                let name = file.strip_prefix(&root).unwrap_or(file).display();
                broken.push(format!(
                    "{name}:{}: ({}): {problem}",
                    link.line, link.target
                ));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_parser_finds_links_images_and_definitions_but_not_code() {
    let text = "\
See [the format](docs/spec-format.md#the-keys \"title\") and ![a](a.png).
[![page](docs/tcp-page.png)](docs/tcp.html) <img src=\"x.svg\" alt=\"x\">
Not `[code](here)`, nor `a span that
goes on [code](here)` [after](b.md), nor:
```text
[fenced](there)
```
[label]: docs/cli.md
";
    let found = links(text);
    let targets: Vec<(usize, &str)> = found.iter().map(|l| (l.line, l.target.as_str())).collect();
    assert_eq!(
        targets,
        [
            (1, "docs/spec-format.md#the-keys"),
            (1, "a.png"),
            (2, "docs/tcp-page.png"),
            (2, "docs/tcp.html"),
            (2, "x.svg"),
            (4, "b.md"),
            (8, "docs/cli.md"),
        ]
    );
}

#[test]
fn anchors_follow_github() {
    let text = "# The `fsm!` macro: typestate\n## 1. Runtime `step`\n## Notes\n## Notes\n```\n# not a heading\n```\n#not one either\n";
    assert_eq!(
        anchors(text),
        [
            "the-fsm-macro-typestate",
            "1-runtime-step",
            "notes",
            "notes-1"
        ]
    );
}

#[test]
fn a_missing_file_or_heading_is_reported() {
    let root = workspace_root();
    let readme = root.join("README.md");
    assert_eq!(problem(&readme, "docs/cli.md"), None);
    assert_eq!(problem(&readme, "https://example.org/nowhere"), None);
    let missing = problem(&readme, "docs/no-such-file.md").expect("a missing file");
    assert!(missing.ends_with("does not exist"), "{missing}");
    let heading = problem(&readme, "docs/cli.md#no-such-heading").expect("a missing heading");
    assert!(
        heading.contains("has no heading #no-such-heading"),
        "{heading}"
    );
}
