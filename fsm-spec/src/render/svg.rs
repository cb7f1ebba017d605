//! SVG laid out in Rust ([`super::layout`]), for machines without Graphviz.

use super::Options;
use super::boxes::{GROUP_FONT, GROUP_LABEL, GROUP_PAD};
use super::layout::{
    self, CHAR_WIDTH, GroupBox, ItemKind, LABEL_FONT, LINE_HEIGHT, LOOP_REACH, Layout, STATE_FONT,
    anchor,
};
use crate::escape::xml;
use crate::model::Spec;
use std::fmt::Write;

const FONT: &str = "DejaVu Sans Mono, Menlo, Consolas, Liberation Mono, monospace";
const INK: &str = "#222222";

use super::safe_colour as colour;

fn n(v: f64) -> String {
    format!("{v:.1}")
}

/// A text drawn in the SVG, with its box: left, top, right, bottom.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBox {
    pub text: String,
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
}

impl TextBox {
    /// Whether two boxes share any area.
    pub fn overlaps(&self, other: &TextBox) -> bool {
        self.left < other.right
            && other.left < self.right
            && self.top < other.bottom
            && other.top < self.bottom
    }
}

/// A group's box as drawn: the group's name and the box's border (left, top, right, bottom).
pub type GroupFrame = TextBox;

/// The boxes the SVG of `spec` draws around its groups, named by their groups: what a test
/// needs to check that a box holds its states and no other.
pub fn group_frames(spec: &Spec, options: &Options) -> Vec<GroupFrame> {
    layout::layout(spec, options)
        .groups
        .iter()
        .map(|b| TextBox {
            text: spec.group(b.group).name.clone(),
            left: b.left,
            top: b.top,
            right: b.right,
            bottom: b.bottom,
        })
        .collect()
}

/// What is wrong with the drawing of `spec`, for tests: two texts that overlap, a state
/// outside the box of a group it is in or inside (or touching) the box of one it is not in,
/// a group's box outside the box of a group around it, or overlapping an unrelated one.
pub fn problems(spec: &Spec, options: &Options) -> Vec<String> {
    let frames = group_frames(spec, options);
    let texts = text_boxes(spec, options);
    let mut problems = Vec::new();
    let inside = |inner: &TextBox, outer: &TextBox| {
        outer.left < inner.left
            && inner.right < outer.right
            && outer.top < inner.top
            && inner.bottom < outer.bottom
    };
    for (i, a) in texts.iter().enumerate() {
        for b in texts[i + 1..].iter().filter(|b| a.overlaps(b)) {
            problems.push(format!("`{}` overlaps `{}`", a.text, b.text));
        }
    }
    let layout = layout::layout(spec, options);
    let nested =
        |inner: crate::GroupId, outer: crate::GroupId| spec.group_ancestors(inner).contains(&outer);
    for (b, frame) in layout.groups.iter().zip(&frames) {
        for item in &layout.items {
            let ItemKind::State { id, copy } = item.kind else {
                continue;
            };
            let state = TextBox {
                text: spec.state(id).name.clone(),
                left: item.x - item.width / 2.0,
                top: item.y - item.height / 2.0,
                right: item.x + item.width / 2.0 + item.right,
                bottom: item.y + item.height / 2.0,
            };
            let member = spec.contains(b.group, id) && !copy;
            if member && !inside(&state, frame) {
                problems.push(format!(
                    "{} is outside the box of {}",
                    state.text, frame.text
                ));
            }
            if !member && state.overlaps(frame) {
                problems.push(format!("{} is on the box of {}", state.text, frame.text));
            }
        }
        for (other, other_frame) in layout.groups.iter().zip(&frames) {
            if nested(other.group, b.group) && !inside(other_frame, frame) {
                problems.push(format!("{} is outside {}", other_frame.text, frame.text));
            }
            let related = other.group == b.group
                || nested(other.group, b.group)
                || nested(b.group, other.group);
            if !related && other_frame.overlaps(frame) {
                problems.push(format!("{} overlaps {}", other_frame.text, frame.text));
            }
        }
    }
    problems
}

/// Where a group's name is written in its box: the left and the middle of the text.
fn group_name_at(b: &GroupBox) -> (f64, f64) {
    (b.name_left, b.top + (GROUP_LABEL + GROUP_PAD) / 2.0)
}

/// Every text the SVG of `spec` draws (state and group names, edge label lines), with its
/// box as laid out: what a test needs to check that no two texts overlap.
pub fn text_boxes(spec: &Spec, options: &Options) -> Vec<TextBox> {
    let layout = layout::layout(spec, options);
    let mut boxes = Vec::new();
    for b in &layout.groups {
        let name = &spec.group(b.group).name;
        let (x, y) = group_name_at(b);
        boxes.push(TextBox {
            text: name.clone(),
            left: x,
            top: y - LINE_HEIGHT / 2.0,
            right: x + layout::text_width(name, GROUP_FONT),
            bottom: y + LINE_HEIGHT / 2.0,
        });
    }
    let mut lines = |lines: &[String], x: f64, y: f64| {
        let height = lines.len() as f64 * LINE_HEIGHT;
        for (i, line) in lines.iter().enumerate() {
            let top = y - height / 2.0 + LINE_HEIGHT * i as f64;
            boxes.push(TextBox {
                text: line.clone(),
                left: x,
                top,
                right: x + layout::text_width(line, LABEL_FONT),
                bottom: top + LINE_HEIGHT,
            });
        }
    };
    for route in &layout.routes {
        for &i in &route.items {
            let item = &layout.items[i];
            if let ItemKind::Label { .. } = item.kind {
                lines(&route.edge.lines, item.x - item.width / 2.0 + 8.0, item.y);
            }
        }
    }
    for (i, l) in &layout.loops {
        let item = &layout.items[*i];
        lines(
            &l.lines,
            item.x + item.width / 2.0 + LOOP_REACH + 6.0,
            item.y,
        );
    }
    for item in &layout.items {
        if let ItemKind::State { id, .. } = item.kind {
            boxes.push(TextBox {
                text: spec.state(id).name.clone(),
                left: item.x - item.width / 2.0,
                top: item.y - item.height / 2.0,
                right: item.x + item.width / 2.0,
                bottom: item.y + item.height / 2.0,
            });
        }
    }
    boxes
}

/// The diagram as a standalone SVG document; the same spec and options always give the
/// same bytes.
pub fn svg(spec: &Spec, options: &Options) -> String {
    draw(spec, options, false)
}

/// The same drawing for a page that scripts it: every state is a
/// `<g class="state" data-state="NAME">` and every edge (self-loops too) a
/// `<g class="edge" data-from="A" data-to="B" data-transitions="3 7">` (indices into
/// [`Spec::transitions`]), both focusable; the label of an edge is inside its group, so a
/// click on the label is a click on the edge.
pub fn interactive(spec: &Spec, options: &Options) -> String {
    draw(spec, options, true)
}

fn draw(spec: &Spec, options: &Options, marked: bool) -> String {
    let layout = layout::layout(spec, options);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{FONT}\">",
        w = n(layout.width),
        h = n(layout.height)
    );
    let _ = writeln!(out, "<title>{}</title>", xml(&spec.machine.name));
    let _ = writeln!(
        out,
        "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"white\"/>",
        n(layout.width),
        n(layout.height)
    );
    legend(&mut out, options);
    start(&mut out, &layout);
    for b in &layout.groups {
        group(&mut out, spec, b, marked);
    }
    let ports = ports(&layout);
    for (route, ports) in layout.routes.iter().zip(ports) {
        open_edge(&mut out, spec, &route.edge, marked);
        edge(&mut out, &layout, route, ports);
        close_group(&mut out, marked);
    }
    for (item, l) in &layout.loops {
        open_edge(&mut out, spec, l, marked);
        self_loop(&mut out, &layout, *item, l);
        close_group(&mut out, marked);
    }
    for &(dot, target) in &layout.starts {
        group_start(&mut out, &layout.items[dot], &layout.items[target]);
    }
    // Above the edges that cross the top of a box, as an edge's label is.
    for b in &layout.groups {
        group_name(&mut out, spec, b, marked);
    }
    for item in &layout.items {
        if let ItemKind::State { id, copy } = item.kind {
            let state = spec.state(id);
            let width = if id == spec.machine.initial && !copy {
                2.0
            } else {
                1.2
            };
            if marked {
                let _ = writeln!(
                    out,
                    "<g class=\"state\" data-state=\"{}\" tabindex=\"0\">",
                    xml(&state.name)
                );
            } else {
                let _ = writeln!(out, "<g>");
            }
            if let Some(doc) = &state.doc {
                let _ = writeln!(out, "<title>{}</title>", xml(doc));
            }
            let _ = writeln!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\" fill=\"#f7f7f7\" stroke=\"{INK}\" stroke-width=\"{width}\"/>",
                n(item.x - item.width / 2.0),
                n(item.y - item.height / 2.0),
                n(item.width),
                n(item.height)
            );
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" font-size=\"{STATE_FONT}\" text-anchor=\"middle\" dominant-baseline=\"central\" fill=\"{INK}\">{}</text>",
                n(item.x),
                n(item.y),
                xml(&state.name)
            );
            let _ = writeln!(out, "</g>");
        }
    }
    out.push_str("</svg>\n");
    out
}

/// Fills of the boxes by depth, lighter outside.
const GROUP_FILLS: [&str; 3] = ["#eef3f9", "#e2eaf4", "#d6e1ef"];

/// A group's box: a rounded rectangle behind its states, its name at the top left. In
/// [`interactive`], `<g class="group" data-group="NAME">`, focusable.
fn group(out: &mut String, spec: &Spec, b: &GroupBox, marked: bool) {
    let group = spec.group(b.group);
    if marked {
        let _ = writeln!(
            out,
            "<g class=\"group\" data-group=\"{}\" tabindex=\"0\">",
            xml(&group.name)
        );
    } else {
        let _ = writeln!(out, "<g>");
    }
    if let Some(doc) = &group.doc {
        let _ = writeln!(out, "<title>{}</title>", xml(doc));
    }
    let _ = writeln!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"12\" fill=\"{}\" stroke=\"#7b8794\" stroke-width=\"1\"/>",
        n(b.left),
        n(b.top),
        n(b.right - b.left),
        n(b.bottom - b.top),
        group_fill(spec, b)
    );
    let _ = writeln!(out, "</g>");
}

/// A group's start dot and its arrow to the state a transition to the group enters.
fn group_start(out: &mut String, dot: &layout::Item, target: &layout::Item) {
    let _ = writeln!(
        out,
        "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{INK}\"/>",
        n(dot.x),
        n(dot.y)
    );
    arrow_line(
        out,
        (dot.x + 4.0, dot.y),
        (target.x - target.width / 2.0, target.y),
        INK,
        1.2,
    );
}

fn group_fill(spec: &Spec, b: &GroupBox) -> &'static str {
    let depth = spec.group_ancestors(b.group).len();
    GROUP_FILLS[depth.min(GROUP_FILLS.len() - 1)]
}

/// A group's name at the top left of its box, on the box's colour. In [`interactive`],
/// `<g class="group-name" data-group="NAME">`.
fn group_name(out: &mut String, spec: &Spec, b: &GroupBox, marked: bool) {
    let name = &spec.group(b.group).name;
    if marked {
        let _ = writeln!(out, "<g class=\"group-name\" data-group=\"{}\">", xml(name));
    } else {
        let _ = writeln!(out, "<g>");
    }
    let (x, y) = group_name_at(b);
    let _ = writeln!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" fill-opacity=\"0.9\"/>",
        n(x - 2.0),
        n(y - LINE_HEIGHT / 2.0),
        n(layout::text_width(name, GROUP_FONT) + 4.0),
        n(LINE_HEIGHT),
        group_fill(spec, b)
    );
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" font-size=\"{GROUP_FONT}\" font-weight=\"bold\" dominant-baseline=\"central\" fill=\"#3e4c59\">{}</text>",
        n(x),
        n(y),
        xml(name)
    );
    let _ = writeln!(out, "</g>");
}

/// The name of an edge's start or end: its group's, or its state's.
fn end_name(spec: &Spec, group: Option<crate::GroupId>, state: crate::StateId) -> &str {
    match group {
        Some(g) => &spec.group(g).name,
        None => &spec.state(state).name,
    }
}

/// For [`interactive`]: the group around one edge's drawing. An edge from (to) a group
/// names the group in `data-from` (`data-to`).
fn open_edge(out: &mut String, spec: &Spec, edge: &super::Edge, marked: bool) {
    if !marked {
        return;
    }
    let transitions: Vec<String> = edge.transitions.iter().map(usize::to_string).collect();
    let _ = writeln!(
        out,
        "<g class=\"edge\" data-from=\"{}\" data-to=\"{}\" data-transitions=\"{}\" tabindex=\"0\">",
        xml(end_name(spec, edge.from_group, edge.from)),
        xml(end_name(spec, edge.to_group, edge.to)),
        transitions.join(" ")
    );
}

fn close_group(out: &mut String, marked: bool) {
    if marked {
        out.push_str("</g>\n");
    }
}

fn legend(out: &mut String, options: &Options) {
    for (i, h) in options.highlights.iter().enumerate() {
        let y = 20.0 + 16.0 * i as f64;
        let c = colour(&h.color);
        let _ = writeln!(
            out,
            "<line x1=\"12\" y1=\"{}\" x2=\"36\" y2=\"{}\" stroke=\"{c}\" stroke-width=\"3\"/>",
            n(y),
            n(y)
        );
        let _ = writeln!(
            out,
            "<text x=\"42\" y=\"{}\" font-size=\"{LABEL_FONT}\" dominant-baseline=\"central\" fill=\"{c}\">{}</text>",
            n(y),
            xml(&h.name)
        );
    }
}

fn start(out: &mut String, layout: &Layout) {
    let item = &layout.items[layout.initial];
    let top = item.y - item.height / 2.0;
    let _ = writeln!(
        out,
        "<circle cx=\"{}\" cy=\"{}\" r=\"5\" fill=\"{INK}\"/>",
        n(item.x),
        n(top - 28.0)
    );
    arrow_line(out, (item.x, top - 23.0), (item.x, top), INK, 1.2);
}

fn arrow_line(out: &mut String, from: (f64, f64), to: (f64, f64), c: &str, width: f64) {
    let _ = writeln!(
        out,
        "<path d=\"M{} {} L{} {}\" fill=\"none\" stroke=\"{c}\" stroke-width=\"{width}\"/>",
        n(from.0),
        n(from.1),
        n(to.0),
        n(to.1)
    );
    arrow_head(out, to, from, c);
}

/// A filled arrowhead at `tip`, pointing away from `from`.
fn arrow_head(out: &mut String, tip: (f64, f64), from: (f64, f64), c: &str) {
    let (dx, dy) = (tip.0 - from.0, tip.1 - from.1);
    let len = (dx * dx + dy * dy).sqrt().max(0.001);
    let (ux, uy) = (dx / len, dy / len);
    let (bx, by) = (tip.0 - 9.0 * ux, tip.1 - 9.0 * uy);
    let (px, py) = (-uy * 4.0, ux * 4.0);
    let _ = writeln!(
        out,
        "<path d=\"M{} {} L{} {} L{} {} Z\" fill=\"{c}\"/>",
        n(tip.0),
        n(tip.1),
        n(bx + px),
        n(by + py),
        n(bx - px),
        n(by - py)
    );
}

/// A side of a state: its item and whether it is the top.
type Side = (usize, bool);
/// An edge at a side: the x of the point it comes from, its route, whether it starts there.
type PortUse = (f64, usize, bool);

/// Where each route leaves its source and enters its target (x of the start and the end):
/// the edges meeting one side of a state are spread along it in the order of where they
/// come from, so that they do not all meet in one point.
fn ports(layout: &Layout) -> Vec<(f64, f64)> {
    let mut sides: Vec<(Side, Vec<PortUse>)> = Vec::new();
    let mut add = |key: (usize, bool), entry: (f64, usize, bool)| match sides
        .iter_mut()
        .find(|(k, _)| *k == key)
    {
        Some((_, list)) => list.push(entry),
        None => sides.push((key, vec![entry])),
    };
    for (r, route) in layout.routes.iter().enumerate() {
        let (from, to) = (&layout.items[route.from_item], &layout.items[route.to_item]);
        let first = route.items.first().map(|&i| &layout.items[i]);
        let last = route.items.last().map(|&i| &layout.items[i]);
        let next = first.map_or((to.x, to.y), |i| (anchor(i), i.y));
        let previous = last.map_or((from.x, from.y), |i| (anchor(i), i.y));
        // A group's border item is the edge's own place on the border already.
        if is_state(from) {
            add((route.from_item, next.1 < from.y), (next.0, r, true));
        }
        if is_state(to) {
            add((route.to_item, previous.1 < to.y), (previous.0, r, false));
        }
    }
    let mut ports: Vec<(f64, f64)> = layout
        .routes
        .iter()
        .map(|r| (layout.items[r.from_item].x, layout.items[r.to_item].x))
        .collect();
    for ((item, _), mut list) in sides {
        let item = &layout.items[item];
        list.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let count = list.len() as f64;
        let span = item.width * 0.7;
        for (k, (_, r, start)) in list.into_iter().enumerate() {
            let x = if count < 2.0 {
                item.x
            } else {
                item.x - span / 2.0 + span * (k as f64 + 0.5) / count
            };
            if start {
                ports[r].0 = x;
            } else {
                ports[r].1 = x;
            }
        }
    }
    ports
}

fn is_state(item: &layout::Item) -> bool {
    matches!(item.kind, ItemKind::State { .. })
}

fn edge(out: &mut String, layout: &Layout, route: &layout::Route, ports: (f64, f64)) {
    let c = route.edge.color.as_deref().map(colour).unwrap_or(INK);
    let width = if route.edge.color.is_some() { 2.2 } else { 1.1 };
    let from = &layout.items[route.from_item];
    let to = &layout.items[route.to_item];
    // Leave the source and enter the target on the sides facing the edge (`up`: the top); a
    // group's on the border of its box.
    let exit = |item: &layout::Item, x: f64, up: bool| {
        let y = match item.kind {
            ItemKind::Border { group, top, .. } => match layout.group(group) {
                Some(b) if top => b.top,
                Some(b) => b.bottom,
                None => item.y,
            },
            _ if up => item.y - item.height / 2.0,
            _ => item.y + item.height / 2.0,
        };
        (x, y)
    };
    let first_y = route.items.first().map_or(to.y, |&i| layout.items[i].y);
    let mut points = vec![exit(from, ports.0, first_y < from.y)];
    for &i in &route.items {
        let item = &layout.items[i];
        points.push((anchor(item), item.y));
    }
    let from_above = points.last().is_some_and(|p| p.1 < to.y);
    points.push(exit(to, ports.1, from_above));
    let mut d = format!("M{} {}", n(points[0].0), n(points[0].1));
    for pair in points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let mid = (a.1 + b.1) / 2.0;
        let _ = write!(
            d,
            " C{} {} {} {} {} {}",
            n(a.0),
            n(mid),
            n(b.0),
            n(mid),
            n(b.0),
            n(b.1)
        );
    }
    let _ = writeln!(
        out,
        "<path d=\"{d}\" fill=\"none\" stroke=\"{c}\" stroke-width=\"{width}\"/>"
    );
    let tip = points[points.len() - 1];
    let before = (tip.0, (tip.1 + points[points.len() - 2].1) / 2.0);
    arrow_head(out, tip, before, c);
    for &i in &route.items {
        let item = &layout.items[i];
        if let ItemKind::Label { .. } = item.kind {
            label(
                out,
                &route.edge.lines,
                item.x - item.width / 2.0 + 8.0,
                item.y,
                c,
            );
        }
    }
}

/// Lines of text starting at `x`, centred vertically on `y`, on a white ground so that no
/// edge runs through them.
fn label(out: &mut String, lines: &[String], x: f64, y: f64, c: &str) {
    let height = lines.len() as f64 * LINE_HEIGHT;
    let width = lines
        .iter()
        .map(|l| l.chars().count() as f64 * LABEL_FONT * CHAR_WIDTH)
        .fold(0.0, f64::max);
    let _ = writeln!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"white\" fill-opacity=\"0.85\"/>",
        n(x - 1.0),
        n(y - height / 2.0),
        n(width + 2.0),
        n(height)
    );
    for (i, line) in lines.iter().enumerate() {
        let line_y = y - height / 2.0 + LINE_HEIGHT * (i as f64 + 0.5);
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" font-size=\"{LABEL_FONT}\" dominant-baseline=\"central\" fill=\"{c}\">{}</text>",
            n(x),
            n(line_y),
            xml(line)
        );
    }
}

fn self_loop(out: &mut String, layout: &Layout, item: usize, l: &super::Edge) {
    let item = &layout.items[item];
    let c = l.color.as_deref().map(colour).unwrap_or(INK);
    let right = item.x + item.width / 2.0;
    let (y1, y2) = (item.y - 7.0, item.y + 7.0);
    let _ = writeln!(
        out,
        "<path d=\"M{} {} C{} {} {} {} {} {}\" fill=\"none\" stroke=\"{c}\" stroke-width=\"1.1\"/>",
        n(right),
        n(y1),
        n(right + LOOP_REACH),
        n(y1 - 10.0),
        n(right + LOOP_REACH),
        n(y2 + 10.0),
        n(right + 1.0),
        n(y2)
    );
    arrow_head(out, (right, y2), (right + 8.0, y2 + 3.0), c);
    label(out, &l.lines, right + LOOP_REACH + 6.0, item.y, c);
}

#[cfg(test)]
mod tests {
    use super::colour;

    #[test]
    fn colours_that_could_break_out_of_an_attribute_are_refused() {
        assert_eq!(colour("#1f77b4"), "#1f77b4");
        assert_eq!(colour("red\" onload=\"x"), "#222222");
    }
}
