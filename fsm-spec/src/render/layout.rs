//! A layered (Sugiyama-style) layout of a spec's diagram, in plain Rust.
//!
//! States go on rows by their distance from the initial state; every edge label is an
//! item of its own on the row below its source (above, for edges drawn upward), so no two
//! texts can overlap: items on a row are kept apart by their widths. Edges that span rows
//! pass through invisible waypoints on the rows between. As in RFC 793 Figure 6, edges into
//! the initial state from deep in the diagram go to a second copy of it at the bottom.

use super::{Edge, Options, edges};
use crate::model::{Spec, StateId};

/// Width of one character of the (monospace) diagram font, per point of font size.
pub const CHAR_WIDTH: f64 = 0.62;
/// Font size of state names.
pub const STATE_FONT: f64 = 13.0;
/// Font size of edge labels.
pub const LABEL_FONT: f64 = 11.0;
/// Height of one line of an edge label.
pub const LINE_HEIGHT: f64 = 14.0;
const NODE_HEIGHT: f64 = 30.0;
const NODE_PADDING: f64 = 14.0;
const GAP: f64 = 18.0;
const ROW_GAP: f64 = 16.0;
const WAYPOINT_WIDTH: f64 = 6.0;
/// How far a self-loop reaches right of its state.
pub const LOOP_REACH: f64 = 20.0;
/// Margin around the drawing.
pub const MARGIN: f64 = 20.0;

/// The width of `text` in the diagram font at `size`.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * CHAR_WIDTH
}

/// What an item on a row is.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemKind {
    /// A state (`copy` for the second drawing of the initial state).
    State { id: StateId, copy: bool },
    /// The label of edge `edge`; the edge passes the item's left side.
    Label { edge: usize },
    /// A point an edge passes through.
    Waypoint { edge: usize },
}

/// A box on a row.
#[derive(Debug, Clone)]
pub struct Item {
    pub kind: ItemKind,
    /// Centre, once laid out.
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// Extra room to the right (a state's self-loop and its label).
    pub right: f64,
}

impl Item {
    fn left(&self) -> f64 {
        self.x - self.width / 2.0
    }
}

/// An edge between two drawn states, through its items.
#[derive(Debug, Clone)]
pub struct Route {
    pub edge: Edge,
    /// Items from the source's row to the target's, excluding the two states.
    pub items: Vec<usize>,
    pub from_item: usize,
    pub to_item: usize,
}

/// The laid-out diagram.
#[derive(Debug, Clone)]
pub struct Layout {
    pub items: Vec<Item>,
    pub routes: Vec<Route>,
    /// Self-loops, by the item of their state.
    pub loops: Vec<(usize, Edge)>,
    pub width: f64,
    pub height: f64,
    /// The item of the initial state (the top copy).
    pub initial: usize,
}

/// Lays out the diagram of `spec` with `options`.
pub fn layout(spec: &Spec, options: &Options) -> Layout {
    let shown = options.states_shown(spec);
    let all_edges = edges(spec, options);
    let (loops, edges): (Vec<Edge>, Vec<Edge>) =
        all_edges.into_iter().partition(|e| e.from == e.to);
    let ranks = ranks(spec, &shown, &edges);
    let max_rank = shown.iter().map(|s| ranks[s.0]).max().unwrap_or(0);
    let initial = spec.machine.initial;
    // Edges into the initial state from below row 2 go to its copy at the bottom.
    let to_copy = |e: &Edge| e.to == initial && ranks[e.from.0] > 2;
    let use_copy = edges.iter().any(to_copy);
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); 2 * (max_rank + 2) + 1];
    let mut items: Vec<Item> = Vec::new();
    let mut state_item = vec![usize::MAX; spec.states.len()];
    for &s in &shown {
        let name = &spec.state(s).name;
        state_item[s.0] = items.len();
        rows[2 * ranks[s.0]].push(items.len());
        items.push(state(name, s, false));
    }
    let copy_item = use_copy.then(|| {
        let index = items.len();
        rows[2 * (max_rank + 1)].push(index);
        items.push(state(&spec.state(initial).name, initial, true));
        index
    });
    for l in &loops {
        let item = &mut items[state_item[l.from.0]];
        let label = l
            .lines
            .iter()
            .map(|line| text_width(line, LABEL_FONT))
            .fold(0.0, f64::max);
        item.right = LOOP_REACH + 6.0 + label;
        item.height = item.height.max(l.lines.len() as f64 * LINE_HEIGHT + 8.0);
    }
    let mut routes = Vec::new();
    for (index, edge) in edges.iter().enumerate() {
        let from_item = state_item[edge.from.0];
        let to_item = match copy_item {
            Some(copy) if to_copy(edge) => copy,
            _ => state_item[edge.to.0],
        };
        let row_of = |item: usize| rows.iter().position(|r| r.contains(&item)).unwrap_or(0);
        let (from_row, to_row) = (row_of(from_item), row_of(to_item));
        let upward = to_row < from_row;
        let (top, mut bottom) = if upward {
            (to_row, from_row)
        } else {
            (from_row, to_row)
        };
        if top == bottom {
            // Two states on one row: the edge dips to a label on the row below.
            bottom = top + 2;
        }
        // The label sits next to the source: below it, or above it for upward edges.
        let label_row = if upward { bottom - 1 } else { top + 1 };
        let mut through = Vec::new();
        for (row, items_of_row) in rows.iter_mut().enumerate().take(bottom).skip(top + 1) {
            let kind = if row == label_row {
                ItemKind::Label { edge: index }
            } else {
                ItemKind::Waypoint { edge: index }
            };
            let (width, height) = match kind {
                ItemKind::Label { .. } => label_size(&edge.lines),
                _ => (WAYPOINT_WIDTH, 0.0),
            };
            items_of_row.push(items.len());
            through.push(items.len());
            items.push(Item {
                kind,
                x: 0.0,
                y: 0.0,
                width,
                height,
                right: 0.0,
            });
        }
        if upward {
            through.reverse();
        }
        routes.push(Route {
            edge: edge.clone(),
            items: through,
            from_item,
            to_item,
        });
    }
    let loops = loops
        .into_iter()
        .map(|l| (state_item[l.from.0], l))
        .collect();
    let neighbours = neighbours(&items, &routes);
    order(&mut rows, &neighbours);
    place(&mut items, &rows, &neighbours);
    let (width, height) = finish(&mut items, &rows);
    Layout {
        items,
        routes,
        loops,
        width,
        height,
        initial: state_item[initial.0],
    }
}

fn state(name: &str, id: StateId, copy: bool) -> Item {
    Item {
        kind: ItemKind::State { id, copy },
        x: 0.0,
        y: 0.0,
        width: text_width(name, STATE_FONT) + 2.0 * NODE_PADDING,
        height: NODE_HEIGHT,
        right: 0.0,
    }
}

fn label_size(lines: &[String]) -> (f64, f64) {
    let width = lines
        .iter()
        .map(|l| text_width(l, LABEL_FONT))
        .fold(0.0, f64::max);
    (width + 8.0, lines.len() as f64 * LINE_HEIGHT)
}

/// Each state's row: the longest path from the initial state after turning back edges (found
/// by a depth-first search in spec order) around; edges into the initial state do not count.
fn ranks(spec: &Spec, shown: &[StateId], edges: &[Edge]) -> Vec<usize> {
    let n = spec.states.len();
    let initial = spec.machine.initial;
    let forward: Vec<&Edge> = edges.iter().filter(|e| e.to != initial).collect();
    // Depth-first search from the initial state, then from any state not reached.
    let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
    let mut back = vec![false; forward.len()];
    let mut roots: Vec<StateId> = vec![initial];
    roots.extend(shown.iter().copied().filter(|&s| s != initial));
    for root in roots {
        if state[root.0] != 0 {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        state[root.0] = 1;
        while let Some((node, next)) = stack.pop() {
            let out: Vec<usize> = (0..forward.len())
                .filter(|&i| forward[i].from == node)
                .collect();
            if next < out.len() {
                stack.push((node, next + 1));
                let i = out[next];
                let to = forward[i].to;
                match state[to.0] {
                    0 => {
                        state[to.0] = 1;
                        stack.push((to, 0));
                    }
                    1 => back[i] = true,
                    _ => {}
                }
            } else {
                state[node.0] = 2;
            }
        }
    }
    let dag: Vec<(usize, usize)> = forward
        .iter()
        .zip(&back)
        .map(|(e, &b)| {
            if b {
                (e.to.0, e.from.0)
            } else {
                (e.from.0, e.to.0)
            }
        })
        .collect();
    let mut rank = vec![0usize; n];
    // Longest path by relaxation; the graph is acyclic, so n rounds suffice.
    for _ in 0..n {
        let mut changed = false;
        for &(a, b) in &dag {
            if rank[b] < rank[a] + 1 {
                rank[b] = rank[a] + 1;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    rank
}

/// For each item, the items it is joined to on the rows above and below.
fn neighbours(items: &[Item], routes: &[Route]) -> Vec<Vec<usize>> {
    let mut joined = vec![Vec::new(); items.len()];
    for r in routes {
        let mut chain = vec![r.from_item];
        chain.extend(&r.items);
        chain.push(r.to_item);
        for pair in chain.windows(2) {
            joined[pair[0]].push(pair[1]);
            joined[pair[1]].push(pair[0]);
        }
    }
    joined
}

/// Orders each row by the mean position of its neighbours on the rows above and below,
/// sweeping down and up, and keeps the order with the fewest crossings.
fn order(rows: &mut [Vec<usize>], neighbours: &[Vec<usize>]) {
    let mut best = rows.to_vec();
    let mut best_crossings = crossings(rows, neighbours);
    for sweep in 0..16 {
        let down = sweep % 2 == 0;
        let range: Vec<usize> = if down {
            (1..rows.len()).collect()
        } else {
            (0..rows.len().saturating_sub(1)).rev().collect()
        };
        for r in range {
            let reference = if down { r - 1 } else { r + 1 };
            let position = |item: usize| rows[reference].iter().position(|&i| i == item);
            let mut keyed: Vec<(f64, usize, usize)> = rows[r]
                .iter()
                .enumerate()
                .map(|(at, &item)| {
                    let ps: Vec<f64> = neighbours[item]
                        .iter()
                        .filter_map(|&n| position(n))
                        .map(|p| p as f64)
                        .collect();
                    let key = if ps.is_empty() {
                        at as f64
                    } else {
                        ps.iter().sum::<f64>() / ps.len() as f64
                    };
                    (key, at, item)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            rows[r] = keyed.into_iter().map(|(_, _, item)| item).collect();
        }
        let c = crossings(rows, neighbours);
        if c < best_crossings {
            best_crossings = c;
            best = rows.to_vec();
        }
    }
    rows.clone_from_slice(&best);
}

fn crossings(rows: &[Vec<usize>], neighbours: &[Vec<usize>]) -> usize {
    let mut total = 0;
    for pair in rows.windows(2) {
        let (upper, lower) = (&pair[0], &pair[1]);
        let mut segments = Vec::new();
        for (a, &u) in upper.iter().enumerate() {
            for &n in &neighbours[u] {
                if let Some(b) = lower.iter().position(|&l| l == n) {
                    segments.push((a, b));
                }
            }
        }
        for (i, s) in segments.iter().enumerate() {
            for t in &segments[i + 1..] {
                if (s.0 < t.0 && s.1 > t.1) || (s.0 > t.0 && s.1 < t.1) {
                    total += 1;
                }
            }
        }
    }
    total
}

/// Horizontal positions: each item pulled towards its neighbours, rows kept in order with
/// a gap between the boxes (a state's box includes its self-loop).
fn place(items: &mut [Item], rows: &[Vec<usize>], neighbours: &[Vec<usize>]) {
    for row in rows {
        let mut x = 0.0;
        for &i in row {
            items[i].x = x + items[i].width / 2.0;
            x += items[i].width + items[i].right + GAP;
        }
    }
    for round in 0..40 {
        let down = round % 2 == 0;
        let order: Vec<usize> = if down {
            (0..rows.len()).collect()
        } else {
            (0..rows.len()).rev().collect()
        };
        for r in order {
            let wanted: Vec<f64> = rows[r]
                .iter()
                .map(|&i| {
                    let xs: Vec<f64> = neighbours[i].iter().map(|&n| anchor(&items[n])).collect();
                    if xs.is_empty() {
                        items[i].x
                    } else {
                        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
                        // Labels and waypoints are passed at their left side.
                        mean + (items[i].x - anchor(&items[i]))
                    }
                })
                .collect();
            pack(items, &rows[r], &wanted);
        }
    }
}

/// Where edges meet an item: a state's centre, a label's or waypoint's left side.
pub fn anchor(item: &Item) -> f64 {
    match item.kind {
        ItemKind::State { .. } => item.x,
        _ => item.left() + WAYPOINT_WIDTH / 2.0,
    }
}

/// Places the items of a row as near `wanted` as their order and gaps allow: the mean of a
/// left-to-right and a right-to-left packing, packed once more.
fn pack(items: &mut [Item], row: &[usize], wanted: &[f64]) {
    let n = row.len();
    if n == 0 {
        return;
    }
    let room = |a: usize, b: usize| {
        items[row[a]].width / 2.0 + items[row[a]].right + GAP + items[row[b]].width / 2.0
    };
    let mut left = wanted.to_vec();
    for i in 1..n {
        left[i] = left[i].max(left[i - 1] + room(i - 1, i));
    }
    let mut right = wanted.to_vec();
    for i in (0..n - 1).rev() {
        right[i] = right[i].min(right[i + 1] - room(i, i + 1));
    }
    let mut x: Vec<f64> = left
        .iter()
        .zip(&right)
        .map(|(l, r)| (l + r) / 2.0)
        .collect();
    for i in 1..n {
        x[i] = x[i].max(x[i - 1] + room(i - 1, i));
    }
    for (i, &item) in row.iter().enumerate() {
        items[item].x = x[i];
    }
}

/// Shifts everything into the margin, sets each row's height and y, and returns the size.
fn finish(items: &mut [Item], rows: &[Vec<usize>]) -> (f64, f64) {
    let min_x = items.iter().map(|i| i.left()).fold(f64::INFINITY, f64::min);
    let shift = MARGIN + 30.0 - min_x.min(0.0) - min_x.max(0.0);
    let mut y = MARGIN + 40.0;
    for row in rows {
        let height = row.iter().map(|&i| items[i].height).fold(0.0, f64::max);
        for &i in row {
            items[i].y = y + height / 2.0;
        }
        if !row.is_empty() {
            y += height + ROW_GAP;
        }
    }
    for item in items.iter_mut() {
        item.x += shift;
    }
    let width = items
        .iter()
        .map(|i| i.x + i.width / 2.0 + i.right)
        .fold(0.0, f64::max)
        + MARGIN;
    (width.max(200.0), y + MARGIN)
}
