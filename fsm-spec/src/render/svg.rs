//! SVG laid out in Rust ([`super::layout`]), for machines without Graphviz.

use super::Options;
use super::layout::{
    self, CHAR_WIDTH, ItemKind, LABEL_FONT, LINE_HEIGHT, LOOP_REACH, Layout, STATE_FONT, anchor,
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

/// Every text the SVG of `spec` draws (state names, edge label lines), with its box as laid
/// out: what a test needs to check that no two texts overlap.
pub fn text_boxes(spec: &Spec, options: &Options) -> Vec<TextBox> {
    let layout = layout::layout(spec, options);
    let mut boxes = Vec::new();
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

/// For [`interactive`]: the group around one edge's drawing.
fn open_edge(out: &mut String, spec: &Spec, edge: &super::Edge, marked: bool) {
    if !marked {
        return;
    }
    let transitions: Vec<String> = edge.transitions.iter().map(usize::to_string).collect();
    let _ = writeln!(
        out,
        "<g class=\"edge\" data-from=\"{}\" data-to=\"{}\" data-transitions=\"{}\" tabindex=\"0\">",
        xml(&spec.state(edge.from).name),
        xml(&spec.state(edge.to).name),
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
        add((route.from_item, next.1 < from.y), (next.0, r, true));
        add((route.to_item, previous.1 < to.y), (previous.0, r, false));
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

fn edge(out: &mut String, layout: &Layout, route: &layout::Route, ports: (f64, f64)) {
    let c = route.edge.color.as_deref().map(colour).unwrap_or(INK);
    let width = if route.edge.color.is_some() { 2.2 } else { 1.1 };
    let from = &layout.items[route.from_item];
    let to = &layout.items[route.to_item];
    // Leave the source and enter the target on the sides facing the edge (`up`: the top).
    let exit = |item: &layout::Item, x: f64, up: bool| {
        let y = if up {
            item.y - item.height / 2.0
        } else {
            item.y + item.height / 2.0
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
