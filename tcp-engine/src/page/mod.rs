//! One self-contained HTML page about a spec: the diagram (states and arcs that explain
//! themselves), the audit as a state × event grid, walkthroughs that play the RFC's figures on
//! the diagram line by line ([`walkthrough`]), and `tcp-fsm conform`'s results as grids. It
//! lives beside the engine because it shows the engine's own types: the simulator's
//! transcripts and the conformance reports.
//!
//! The page works offline: CSS, script and SVG are inline, and its Content-Security-Policy
//! forbids loading anything. Everything taken from the spec or the other inputs is escaped
//! (HTML text, attributes, or JSON whose `<`, `>` and `&` are written as `\u003c` ...), and the
//! script only ever sets `textContent`.
//!
//! ```
//! use tcp_engine::page::{self, Page, View};
//! use fsm_spec::render::Options;
//! # let source = fsm_spec::SourceFile::new("door.toml", r#"
//! # [machine]
//! # name = "Door"
//! # initial = "SHUT"
//! # [states.SHUT]
//! # [states.OPEN]
//! # [events.open]
//! # kind = "call"
//! # [events.close]
//! # kind = "call"
//! # [[transition]]
//! # from = "SHUT"
//! # event = "open"
//! # to = "OPEN"
//! # cite = "manual"
//! # [[transition]]
//! # from = "OPEN"
//! # event = "close"
//! # to = "SHUT"
//! # cite = "manual"
//! # "#);
//! # let spec = fsm_spec::Spec::from_source(&source).unwrap();
//! let page = Page {
//!     views: vec![View { label: "All transitions".into(), options: Options::all() }],
//!     ..Page::new(&spec, &source)
//! };
//! let text = page::html(&page);
//! assert!(text.starts_with("<!DOCTYPE html>"));
//! ```

pub mod walkthrough;

use crate::conform::report::{CaseResult, TargetReport, Verdict};
use crate::specs::{BLOG_PATHS, CLIENT_PATH, SERVER_PATH};
use fsm_spec::audit::{self, Report, Rule, Status};
use fsm_spec::render::{self, Highlight, Options, event_text, safe_colour, svg};
use fsm_spec::{GroupId, SourceFile, Spec};
use serde_json::{Value, json};
use std::fmt::Write;
pub use walkthrough::Walkthrough;

const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");

/// One way of drawing the diagram, offered as a toggle (for example "Figure 6 arcs" and
/// "All transitions").
#[derive(Debug, Clone)]
pub struct View {
    pub label: String,
    /// Which arcs to draw; highlights in here are ignored (paths are toggled on the page).
    pub options: Options,
}

/// What the page shows. Build it with [`Page::new`] and struct update syntax.
#[derive(Debug, Clone)]
pub struct Page<'a> {
    pub spec: &'a Spec,
    /// The spec's file, for `file:line` of every transition.
    pub source: &'a SourceFile,
    /// The diagram's toggles; the first is shown first. Empty: every transition.
    pub views: Vec<View>,
    /// Paths that can be highlighted on the diagram (their transitions and colours).
    pub paths: Vec<Highlight>,
    pub audit: Option<&'a Report>,
    pub walkthroughs: Vec<Walkthrough>,
    /// The results of `tcp-fsm conform`, one report per target.
    pub conformance: Option<&'a [TargetReport]>,
}

impl<'a> Page<'a> {
    /// A page with the diagram of every transition and nothing else.
    pub fn new(spec: &'a Spec, source: &'a SourceFile) -> Page<'a> {
        Page {
            spec,
            source,
            views: Vec::new(),
            paths: Vec::new(),
            audit: None,
            walkthroughs: Vec::new(),
            conformance: None,
        }
    }
}

/// The diagram files `tcp-fsm report` writes for `spec` beside its page, as (file name,
/// content): every transition as DOT and SVG, and the arcs of its figure (`diagram_tag`:
/// RFC 793's Figure 6, RFC 9293's Figure 5) with the blog's client and server paths, as SVG
/// and Mermaid.
pub fn diagram_files(spec: &Spec) -> Vec<(String, String)> {
    let name = fsm_spec::naming::snake(&spec.machine.name);
    let all = Options::all();
    let figure = spec
        .machine
        .diagram_tag
        .as_ref()
        .map(|(tag, _)| tag.as_str());
    let mut drawn = figure.map_or_else(Options::all, Options::tagged);
    for path in BLOG_PATHS {
        drawn.highlights.extend(path.highlight(spec, path.color));
    }
    let figure = figure.unwrap_or("figure6");
    vec![
        (format!("{name}.dot"), render::dot(spec, &all)),
        (format!("{name}.svg"), svg::svg(spec, &all)),
        (format!("{name}-{figure}.svg"), svg::svg(spec, &drawn)),
        (format!("{name}.mmd"), render::mermaid(spec, &drawn)),
    ]
}

/// The page `tcp-fsm report --html` writes for `spec`: its figure's arcs and every transition, the blog's client and
/// server paths, the audit, the bundled scenarios the spec can play, and `conformance`.
pub fn tcp_page(
    spec: &Spec,
    source: &SourceFile,
    report: &audit::Report,
    conformance: Option<&[TargetReport]>,
) -> String {
    let mut views = Vec::new();
    if let Some((tag, _)) = &spec.machine.diagram_tag {
        let number = tag.trim_start_matches("figure");
        views.push(View {
            label: format!("Figure {number} arcs"),
            options: Options::tagged(tag),
        });
    }
    views.push(View {
        label: "All transitions".into(),
        options: Options::all(),
    });
    // Okabe-Ito blue and vermillion; the page also draws the second path dashed.
    let paths = [(CLIENT_PATH, "#0072B2"), (SERVER_PATH, "#D55E00")]
        .iter()
        .filter_map(|(path, colour)| path.highlight(spec, colour))
        .collect();
    html(&Page {
        views,
        paths,
        audit: Some(report),
        walkthroughs: walkthrough::walkthroughs(spec),
        conformance,
        ..Page::new(spec, source)
    })
}

/// HTML text: `&`, `<`, `>`, `"` and `'` escaped.
fn text(s: &str) -> String {
    fsm_spec::escape::html(s)
}

/// JSON that can sit inside `<script>`: no `<`, `>` or `&` that could end the element.
fn script_json(value: &Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The whole page; the same input always gives the same bytes.
pub fn html(page: &Page) -> String {
    let spec = page.spec;
    let mut out = String::new();
    let name = text(&spec.machine.name);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
         <title>{name}: state machine</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n"
    );
    header(&mut out, page);
    out.push_str("<main>\n");
    diagram(&mut out, page);
    if !spec.groups.is_empty() {
        groups_table(&mut out, page);
    }
    if let Some(report) = page.audit {
        audit_grid(&mut out, report);
    }
    if let Some(conformance) = page.conformance {
        conformance_grids(&mut out, spec, conformance);
    }
    out.push_str("</main>\n");
    let _ = write!(
        out,
        "<script type=\"application/json\" id=\"page-data\">{}</script>\n<script>\n{SCRIPT}</script>\n</body>\n</html>\n",
        script_json(&data(page))
    );
    out
}

fn header(out: &mut String, page: &Page) {
    let spec = page.spec;
    let _ = writeln!(out, "<header>\n<h1>{}</h1>", text(&spec.machine.name));
    if let Some(doc) = &spec.machine.doc {
        let _ = writeln!(out, "<p class=\"doc\">{}</p>", text(doc));
    }
    let _ = writeln!(
        out,
        "<p class=\"facts\"><code>{}</code>: {} states{}, {} events, {} transitions, starting in {}.</p>",
        text(page.source.name()),
        spec.states.len(),
        match spec.groups.len() {
            0 => String::new(),
            1 => " in 1 group".to_string(),
            n => format!(" in {n} groups"),
        },
        spec.events.len(),
        spec.transitions.len(),
        text(&spec.initial_state().name)
    );
    if let Some(report) = page.audit {
        let verdict = if report.passed() { "passed" } else { "failed" };
        let _ = writeln!(
            out,
            "<p class=\"totals\" id=\"totals\">Audit against {}: <strong>{verdict}</strong>. {}</p>",
            text(&report.reference),
            [
                (Status::Ok, "matched", "ok"),
                (Status::Declared, "declared", "declared"),
                (Status::Discrepancy, "discrepancy", "discrepancies"),
                (Status::Note, "note", "notes"),
            ]
            .map(|(status, class, what)| {
                let count = report.count(status);
                let zero = if count == 0 { " zero" } else { "" };
                format!("<span class=\"v-{class}{zero}\">{count} {what}</span>")
            })
            .join(" ")
        );
    }
    out.push_str("<nav><a href=\"#diagram\">Diagram</a>");
    if !spec.groups.is_empty() {
        out.push_str(" <a href=\"#groups\">Groups</a>");
    }
    if !page.walkthroughs.is_empty() {
        out.push_str(" <a href=\"#scenarios\">Scenarios</a>");
    }
    if page.audit.is_some() {
        out.push_str(" <a href=\"#audit\">Audit</a>");
    }
    if page.conformance.is_some() {
        out.push_str(" <a href=\"#conformance\">Conformance</a>");
    }
    out.push_str("</nav>\n</header>\n");
}

fn diagram(out: &mut String, page: &Page) {
    let default = [View {
        label: "All transitions".into(),
        options: Options::all(),
    }];
    let views = if page.views.is_empty() {
        &default[..]
    } else {
        &page.views[..]
    };
    out.push_str("<section id=\"diagram\">\n<h2>State diagram</h2>\n<div class=\"controls\">\n");
    if views.len() > 1 {
        out.push_str("<fieldset><legend>Arcs</legend>");
        for (i, view) in views.iter().enumerate() {
            let checked = if i == 0 { " checked" } else { "" };
            let _ = write!(
                out,
                "<label><input type=\"radio\" name=\"view\" value=\"{i}\"{checked}> {}</label> ",
                text(&view.label)
            );
        }
        out.push_str("</fieldset>\n");
    }
    if !page.paths.is_empty() {
        out.push_str("<fieldset><legend>Highlight</legend>");
        for (i, path) in page.paths.iter().enumerate() {
            let _ = write!(
                out,
                "<label><input type=\"checkbox\" name=\"path\" value=\"{i}\"> \
                 <span class=\"swatch path-{k}\" style=\"border-color:{}\"></span> {} path</label> ",
                safe_colour(&path.color),
                text(&path.name),
                k = i % 2
            );
        }
        out.push_str("</fieldset>\n");
    }
    out.push_str("</div>\n<div class=\"board\">\n<div class=\"figure\">\n");
    for (i, view) in views.iter().enumerate() {
        let options = Options {
            highlights: Vec::new(),
            ..view.options.clone()
        };
        let hidden = if i == 0 { "" } else { " hidden" };
        let _ = write!(
            out,
            "<div class=\"view\" data-view=\"{i}\"{hidden} aria-label=\"{}\">\n{}</div>\n",
            text(&view.label),
            svg::interactive(page.spec, &options)
        );
    }
    out.push_str(
        "</div>\n<aside>\n<div id=\"details\" class=\"details\" aria-live=\"polite\"><p>Hover or focus a state (or a \
         group's box) for its description; click an arc (or focus it and press Enter) for its transitions.</p></div>\n",
    );
    if !page.walkthroughs.is_empty() {
        player(out, page);
    }
    out.push_str("</aside>\n</div>\n</section>\n");
}

fn player(out: &mut String, page: &Page) {
    out.push_str(
        "<section id=\"scenarios\" class=\"player\" tabindex=\"0\" aria-label=\"Scenario player: left and right arrow keys step\">\n\
         <h2>Scenarios</h2>\n<label>Scenario <select id=\"scenario\">",
    );
    for (i, w) in page.walkthroughs.iter().enumerate() {
        let _ = write!(out, "<option value=\"{i}\">{}</option>", text(&w.title));
    }
    out.push_str(
        "</select></label>\n<div class=\"steps\"><button type=\"button\" id=\"prev\" aria-label=\"previous line\">&#9664; Prev</button> \
         <span id=\"position\" aria-live=\"polite\"></span> \
         <button type=\"button\" id=\"next\" aria-label=\"next line\">Next &#9654;</button></div>\n\
         <p id=\"source\" class=\"source\"></p>\n<p id=\"sides\" class=\"sides\"></p>\n<p id=\"flight\" class=\"flight\"></p>\n\
         <pre id=\"figure\" class=\"figure-text\"></pre>\n<ul id=\"notes\" class=\"notes\"></ul>\n</section>\n",
    );
}

/// The groups as a table: each group's states (nested groups by name), where it comes from,
/// and the transitions declared on it once for all its states, each with the states it
/// applies to.
fn groups_table(out: &mut String, page: &Page) {
    let spec = page.spec;
    out.push_str(
        "<section id=\"groups\">\n<h2>Groups</h2>\n<p class=\"doc\">A transition declared on a group applies to every state inside it that does not handle the event itself; the diagram draws it once, from the group's box.</p>\n\
         <div class=\"grid-wrap\"><table class=\"groups\">\n<thead><tr><th scope=\"col\">group</th><th scope=\"col\">states</th><th scope=\"col\">transitions declared on it</th><th scope=\"col\">source</th></tr></thead>\n<tbody>\n",
    );
    for (index, group) in spec.groups.iter().enumerate() {
        let g = GroupId(index);
        let members: Vec<String> = group
            .members
            .iter()
            .map(|m| match *m {
                fsm_spec::Member::State(s) => text(&spec.state(s).name),
                fsm_spec::Member::Group(h) => format!("<em>{}</em>", text(&spec.group(h).name)),
            })
            .collect();
        let _ = write!(
            out,
            "<tr data-group=\"{name}\"><th scope=\"row\">{name}{inside}</th><td>{}</td><td><ul>",
            members.join(", "),
            name = text(&group.name),
            inside = group.parent.map_or(String::new(), |p| format!(
                " <span class=\"muted\">in {}</span>",
                text(&spec.group(p).name)
            )),
        );
        // One line per declaration: the first of its copies, with the states it reaches.
        let mut seen: Vec<(fsm_spec::Span, fsm_spec::EventId)> = Vec::new();
        for t in spec.transitions.iter().filter(|t| t.declared_in == Some(g)) {
            if seen.contains(&(t.span, t.event)) {
                continue;
            }
            seen.push((t.span, t.event));
            let from: Vec<fsm_spec::StateId> = spec
                .transitions
                .iter()
                .filter(|o| o.declared_in == Some(g) && o.span == t.span && o.event == t.event)
                .map(|o| o.from)
                .collect();
            let others: Vec<&str> = spec
                .leaves(g)
                .into_iter()
                .filter(|s| !from.contains(s))
                .map(|s| spec.state(s).name.as_str())
                .collect();
            let applies = match others.len() {
                0 => "every state in it".to_string(),
                _ => format!("all but {} (its own)", others.join(", ")),
            };
            let target = t
                .to_group
                .map_or(&spec.state(t.to).name, |h| &spec.group(h).name);
            let send = t
                .send
                .as_deref()
                .map_or(String::new(), |s| format!(" / snd {}", text(s)));
            let _ = write!(
                out,
                "<li><code>{}{send} \u{2192} {}</code> <span class=\"muted\">from {} ({}:{})</span></li>",
                text(&event_text(spec, t)),
                text(target),
                text(&applies),
                text(page.source.name()),
                page.source.location(t.span.start).line
            );
        }
        let source = [group.doc.as_deref(), group.cite.as_deref()]
            .into_iter()
            .flatten()
            .map(text)
            .collect::<Vec<_>>()
            .join("<br>");
        let _ = writeln!(out, "</ul></td><td>{source}</td></tr>");
    }
    out.push_str("</tbody></table></div>\n</section>\n");
}

/// The short text and the class of an audit cell's verdict.
fn audit_verdict(cell: &audit::CoverageCell) -> (&'static str, &'static str) {
    match (cell.status, cell.rule, cell.spec) {
        (Status::Discrepancy, ..) => ("DIFF", "discrepancy"),
        (Status::Declared, ..) => ("decl", "declared"),
        (Status::Note, ..) => ("note", "note"),
        (_, Rule::Contradiction, _) => ("read", "contradiction"),
        (_, _, audit::Handling::Undefined) => ("\u{2013}", "undefined"),
        _ => ("ok", "matched"),
    }
}

const AUDIT_LEGEND: &[(&str, &str, &str)] = &[
    (
        "matched",
        "ok",
        "the spec does what the reference prescribes",
    ),
    ("declared", "decl", "a deviation the spec declares"),
    (
        "contradiction",
        "read",
        "the reference contradicts itself; the spec follows a reading",
    ),
    ("discrepancy", "DIFF", "an undeclared discrepancy"),
    (
        "undefined",
        "\u{2013}",
        "no transition; the reference has none either (error reply, drop, impossible, silent)",
    ),
    ("note", "note", "worth reading, not a discrepancy"),
];

fn legend(out: &mut String, entries: &[(&str, &str, &str)]) {
    out.push_str("<ul class=\"legend\">");
    for (class, label, meaning) in entries {
        let _ = write!(
            out,
            "<li><span class=\"cell v-{class}\">{label}</span> {}</li>",
            text(meaning)
        );
    }
    out.push_str("</ul>\n");
}

fn audit_grid(out: &mut String, report: &Report) {
    let _ = writeln!(
        out,
        "<section id=\"audit\">\n<h2>Audit against {}</h2>",
        text(&report.reference)
    );
    if let Some(doc) = &report.reference_doc {
        let _ = writeln!(out, "<p class=\"doc\">{}</p>", text(doc));
    }
    legend(out, AUDIT_LEGEND);
    out.push_str(
        "<div class=\"grid-board\"><div class=\"grid-wrap\"><table class=\"grid\" id=\"audit-grid\">\n<thead><tr><th scope=\"col\">state \\ event</th>",
    );
    let events: Vec<&str> = report
        .coverage
        .first()
        .map(|row| row.cells.iter().map(|c| c.event.as_str()).collect())
        .unwrap_or_default();
    for event in &events {
        let _ = write!(out, "<th scope=\"col\"><span>{}</span></th>", text(event));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &report.coverage {
        let _ = write!(out, "<tr><th scope=\"row\">{}</th>", text(&row.state));
        for cell in &row.cells {
            let (label, class) = audit_verdict(cell);
            let _ = write!(
                out,
                "<td><button type=\"button\" class=\"cell v-{class}\" data-state=\"{s}\" data-event=\"{e}\" \
                 data-status=\"{}\" data-rule=\"{}\" data-handling=\"{}\" data-verdict=\"{class}\" \
                 aria-label=\"{s}, {e}: {class}\">{label}</button></td>",
                kebab(&cell.status),
                kebab(&cell.rule),
                kebab(&cell.spec),
                s = text(&row.state),
                e = text(&cell.event),
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str(
        "</tbody></table></div>\n<div id=\"audit-details\" class=\"details\" aria-live=\"polite\"><p>Click a cell (or focus it and press Enter) for the reference's rule and the spec's handling.</p></div>\n</div>\n</section>\n",
    );
}

/// How serde spells a unit variant (`different-target`, `undefined`).
fn kebab<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

const CONFORMANCE_LEGEND: &[(&str, &str, &str)] = &[
    ("matched", "ok", "the target agrees with the spec"),
    (
        "declared",
        "expl",
        "differs, explained by a reference or a declared deviation",
    ),
    ("discrepancy", "DIFF", "differs, explained by nothing"),
    ("undefined", "n/d", "could not be driven"),
];

fn conformance_grids(out: &mut String, spec: &Spec, conformance: &[TargetReport]) {
    out.push_str("<section id=\"conformance\">\n<h2>Conformance</h2>\n");
    legend(out, CONFORMANCE_LEGEND);
    for (t, target) in conformance.iter().enumerate() {
        let agree = target
            .cases
            .iter()
            .filter(|c| c.verdict == Verdict::Agrees)
            .count();
        let _ = writeln!(
            out,
            "<h3>{}: {agree} of {} cases agree</h3>",
            text(&target.target),
            target.cases.len()
        );
        // Rows and columns: the spec's states and events, then any the cases name besides.
        let mut states: Vec<String> = spec.states.iter().map(|s| s.name.clone()).collect();
        let mut events: Vec<String> = spec.events.iter().map(|e| e.name.clone()).collect();
        for case in &target.cases {
            if !states.contains(&case.from) {
                states.push(case.from.clone());
            }
            if !events.contains(&case.event) {
                events.push(case.event.clone());
            }
        }
        let _ = write!(
            out,
            "<div class=\"grid-wrap\"><table class=\"grid conformance\" data-target=\"{t}\">\n<thead><tr><th scope=\"col\">state \\ event</th>"
        );
        for event in &events {
            let _ = write!(out, "<th scope=\"col\"><span>{}</span></th>", text(event));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for state in &states {
            let _ = write!(out, "<tr><th scope=\"row\">{}</th>", text(state));
            for event in &events {
                let cases: Vec<usize> = (0..target.cases.len())
                    .filter(|&i| &target.cases[i].from == state && &target.cases[i].event == event)
                    .collect();
                conformance_cell(out, target, t, state, event, &cases);
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody></table></div>\n");
    }
    out.push_str(
        "<div id=\"conformance-details\" class=\"details\" aria-live=\"polite\"><p>Click a cell for its cases.</p></div>\n</section>\n",
    );
}

fn conformance_cell(
    out: &mut String,
    target: &TargetReport,
    t: usize,
    state: &str,
    event: &str,
    cases: &[usize],
) {
    let explained = |c: &CaseResult| c.explained_by.is_some();
    let worst = cases.iter().map(|&i| &target.cases[i]).max_by_key(|c| {
        (
            c.verdict.rank(),
            c.verdict == Verdict::Differs && !explained(c),
        )
    });
    let Some(worst) = worst else {
        out.push_str("<td></td>");
        return;
    };
    let (label, class) = match worst.verdict {
        Verdict::Agrees => ("ok", "matched"),
        Verdict::NotDriven => ("n/d", "undefined"),
        Verdict::Differs if explained(worst) => ("expl", "declared"),
        Verdict::Differs => ("DIFF", "discrepancy"),
    };
    let count = if cases.len() > 1 {
        format!(" \u{d7}{}", cases.len())
    } else {
        String::new()
    };
    let list: Vec<String> = cases.iter().map(usize::to_string).collect();
    let _ = write!(
        out,
        "<td><button type=\"button\" class=\"cell v-{class}\" data-target=\"{t}\" data-cases=\"{}\" \
         data-verdict=\"{class}\" aria-label=\"{s}, {e}: {class}\">{label}{count}</button></td>",
        list.join(" "),
        s = text(state),
        e = text(event),
    );
}

/// What the script needs, as one JSON value.
fn data(page: &Page) -> Value {
    let spec = page.spec;
    let group_name = |g: GroupId| spec.group(g).name.as_str();
    let states: Vec<Value> = spec
        .state_ids()
        .map(|id| {
            let s = spec.state(id);
            let groups: Vec<&str> = spec
                .ancestors(id)
                .into_iter()
                .rev()
                .map(group_name)
                .collect();
            json!({"name": s.name, "doc": s.doc, "aliases": s.aliases, "groups": groups})
        })
        .collect();
    let groups: Vec<Value> = (0..spec.groups.len())
        .map(GroupId)
        .map(|g| {
            let group = spec.group(g);
            let states: Vec<&str> = spec
                .leaves(g)
                .into_iter()
                .map(|s| spec.state(s).name.as_str())
                .collect();
            json!({
                "name": group.name,
                "doc": group.doc,
                "cite": group.cite,
                "parent": group.parent.map(group_name),
                "initial": group.initial.and(spec.initial_leaf(g)).map(|s| spec.state(s).name.as_str()),
                "states": states,
            })
        })
        .collect();
    let transitions: Vec<Value> = spec
        .transitions
        .iter()
        .map(|t| {
            json!({
                "from": spec.state(t.from).name,
                "to": spec.state(t.to).name,
                "event": spec.event(t.event).name,
                "label": event_text(spec, t),
                "send": t.send,
                "guard": t.guard,
                "cite": t.cite,
                "quote": t.quote,
                "doc": t.doc,
                "tags": t.tags,
                "location": format!("{}:{}", page.source.name(), page.source.location(t.span.start).line),
                "declared_in": t.declared_in.map(group_name),
                "to_group": t.to_group.map(group_name),
            })
        })
        .collect();
    let paths: Vec<Value> = page
        .paths
        .iter()
        .map(|p| json!({"name": p.name, "color": safe_colour(&p.color), "transitions": p.transitions}))
        .collect();
    json!({
        "states": states,
        "groups": groups,
        "transitions": transitions,
        "paths": paths,
        "audit": page.audit,
        "walkthroughs": page.walkthroughs,
        "conformance": page.conformance.map(|targets| json!({"targets": targets})),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_in_a_script_cannot_close_it() {
        let value = json!({"doc": "</script><script>alert(1)</script> & more"});
        let out = script_json(&value);
        assert!(!out.contains('<') && !out.contains('>') && !out.contains('&'));
        let back: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back, value);
    }
}
