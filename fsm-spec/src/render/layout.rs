//! A layered (Sugiyama-style) layout of a spec's diagram, in plain Rust.
//!
//! States go on rows by their distance from the initial state; every edge label is an
//! item of its own on the row below its source (above, for edges drawn upward), so no two
//! texts can overlap: items on a row are kept apart by their widths. Edges that span rows
//! pass through invisible waypoints on the rows between. As in RFC 793 Figure 6, edges into
//! the initial state from deep in the diagram go to a second copy of it at the bottom.
//!
//! A spec's groups are boxes around their states (see [`super::boxes`]). The rows are those
//! of the expanded machine, so a spec is drawn on the same rows with its groups as without.
//! Every item belongs to the innermost group it must lie in: a state to its group, the label
//! and waypoints of an edge to the innermost group holding both its ends. Rows are ordered
//! with each group's items side by side, and an edge from or to a group starts or ends at a
//! [`ItemKind::Border`] item on the group's top or bottom row, drawn on the box's border.

use super::boxes::{self, GROUP_LABEL, GROUP_PAD};
use super::{Edge, Options, edges};
use crate::model::{GroupId, Spec, StateId};

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
/// Room between neighbouring items on a row.
pub(super) const GAP: f64 = 18.0;
const ROW_GAP: f64 = 16.0;
const WAYPOINT_WIDTH: f64 = 6.0;
/// Width (and height) of a group's start dot.
const START_WIDTH: f64 = 10.0;
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
    /// Where edge `edge` leaves or enters the box of `group`: on its top (`top`) or bottom
    /// border, above or below the item.
    Border {
        edge: usize,
        group: GroupId,
        top: bool,
    },
    /// The start dot of `group` (UML's initial pseudostate), left of the state its `initial`
    /// leads to.
    Start { group: GroupId },
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

/// A group's box, laid out: its border.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupBox {
    pub group: GroupId,
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
    /// Where the group's name starts: at the left of the band at the top of the box, or at
    /// its right when edges cross the band on the left and not there.
    pub name_left: f64,
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
    /// The boxes of the groups, each after the groups around it.
    pub groups: Vec<GroupBox>,
    /// Each group's start dot and the state it points to, as items.
    pub starts: Vec<(usize, usize)>,
}

impl Layout {
    /// The box of `group`, when it is drawn.
    pub fn group(&self, group: GroupId) -> Option<&GroupBox> {
        self.groups.iter().find(|b| b.group == group)
    }
}

/// Whether an edge is a state's self-loop, drawn beside the state. A group's transition to
/// itself is routed below the box instead.
fn is_state_loop(e: &Edge) -> bool {
    e.from_group.is_none() && e.to_group.is_none() && e.from == e.to
}

/// One end of an edge being routed: a state's item, or a group's border.
#[derive(Debug, Clone, Copy)]
enum End {
    Item(usize),
    Border(GroupId),
}

/// The rows and items while they are being built.
struct Builder<'s> {
    spec: &'s Spec,
    rows: Vec<Vec<usize>>,
    items: Vec<Item>,
    /// Each item's row.
    row_of: Vec<usize>,
    /// Each item's groups, outermost first (it lies inside the last).
    chains: Vec<Vec<GroupId>>,
    /// Each group's first and last row of states (`(usize::MAX, 0)` for one with none).
    state_rows: Vec<(usize, usize)>,
}

impl Builder<'_> {
    fn push(&mut self, row: usize, item: Item, chain: Vec<GroupId>) -> usize {
        if self.rows.len() <= row {
            self.rows.resize(row + 1, Vec::new());
        }
        let index = self.items.len();
        self.rows[row].push(index);
        self.items.push(item);
        self.row_of.push(row);
        self.chains.push(chain);
        index
    }

    /// The first and last rows holding something of `group`.
    fn span(&self, group: GroupId) -> (usize, usize) {
        let rows = self
            .chains
            .iter()
            .zip(&self.row_of)
            .filter(|(chain, _)| chain.contains(&group))
            .map(|(_, &row)| row);
        let (mut top, mut bottom) = (usize::MAX, 0);
        for row in rows {
            top = top.min(row);
            bottom = bottom.max(row);
        }
        (top.min(bottom), bottom)
    }

    /// The rows an end takes up: a state's row, a group's span.
    fn rows_of(&self, end: End) -> (usize, usize) {
        match end {
            End::Item(i) => (self.row_of[i], self.row_of[i]),
            End::Border(g) => self.span(g),
        }
    }

    /// The groups around an end, innermost first (a border is outside its own group).
    fn around(&self, end: End) -> Vec<GroupId> {
        match end {
            End::Item(i) => self.chains[i].iter().rev().copied().collect(),
            End::Border(g) => self.spec.group_ancestors(g),
        }
    }

    /// Routes edge `index` from `from` to `to`: the row after its start gets its label, the
    /// rows on to its end waypoints, and a group's end a border item.
    fn route(&mut self, index: usize, edge: &Edge, from: End, to: End) -> Route {
        let (to_top, to_bottom) = self.rows_of(to);
        let (from_item, exit) = match from {
            End::Item(i) => {
                let row = self.row_of[i];
                let exit = if to_bottom < row { row - 1 } else { row + 1 };
                (i, exit)
            }
            End::Border(g) => {
                let (top, bottom) = self.span(g);
                let up = to_bottom < top;
                let row = if up { top } else { bottom };
                let port = self.border(index, g, row, up);
                (port, if up { row - 1 } else { row + 1 })
            }
        };
        let (to_item, approach) = match to {
            End::Item(i) => {
                let row = self.row_of[i];
                let approach = match exit.cmp(&row) {
                    std::cmp::Ordering::Less => row - 1,
                    std::cmp::Ordering::Greater => row + 1,
                    std::cmp::Ordering::Equal => row,
                };
                (i, approach)
            }
            End::Border(_) => {
                // From above or below the box; from beside it, by the nearer border.
                let top = to_top > 0
                    && (exit < to_top || (exit <= to_bottom && exit - to_top <= to_bottom - exit));
                let row = if top { to_top } else { to_bottom };
                let approach = if top { row - 1 } else { row + 1 };
                (usize::MAX, approach)
            }
        };
        let (from_around, to_around) = (self.around(from), self.around(to));
        let from_row = self.rows_of(from).0;
        // Rows in increasing order, then turned around for an edge drawn upward.
        let upward = approach < exit;
        let (low, high) = if upward {
            (approach, exit)
        } else {
            (exit, approach)
        };
        let mut through = Vec::new();
        for row in low..=high {
            let kind = if row == exit {
                ItemKind::Label { edge: index }
            } else {
                ItemKind::Waypoint { edge: index }
            };
            let (width, height) = match kind {
                ItemKind::Label { .. } => label_size(&edge.lines),
                _ => (WAYPOINT_WIDTH, 0.0),
            };
            let item = Item {
                kind,
                x: 0.0,
                y: 0.0,
                width,
                height,
                right: 0.0,
            };
            let chain = self.chain_at(row, (&from_around, from_row), (&to_around, to_top));
            through.push(self.push(row, item, chain));
        }
        if upward {
            through.reverse();
        }
        let to_item = match to {
            End::Item(_) => to_item,
            End::Border(g) => {
                let row = if approach < to_top { to_top } else { to_bottom };
                self.border(index, g, row, approach < to_top)
            }
        };
        Route {
            edge: edge.clone(),
            items: through,
            from_item,
            to_item,
        }
    }

    /// The groups an edge's item on `row` lies in, outermost first, given the groups around
    /// each end (innermost first) and the end's row. An edge passes through the boxes of the
    /// groups holding its ends, on the rows of their states, and around every other box: it
    /// lies in the groups holding both ends, and on a row of the states of a group holding
    /// one end, in that group too (of two such groups side by side, the one of the nearer
    /// end).
    fn chain_at(
        &self,
        row: usize,
        from: (&[GroupId], usize),
        to: (&[GroupId], usize),
    ) -> Vec<GroupId> {
        let inner = |around: &[GroupId], other: &[GroupId]| {
            around.iter().copied().find(|g| {
                other.contains(g) || {
                    let (top, bottom) = self.state_rows[g.0];
                    top <= row && row <= bottom
                }
            })
        };
        let (a, b) = (inner(from.0, to.0), inner(to.0, from.0));
        let inside = |outer: GroupId, g: GroupId| {
            g == outer || self.spec.group_ancestors(g).contains(&outer)
        };
        let innermost = match (a, b) {
            (None, x) | (x, None) => x,
            (Some(a), Some(b)) if inside(a, b) => Some(b),
            (Some(a), Some(b)) if inside(b, a) => Some(a),
            (Some(a), Some(b)) => Some(if row.abs_diff(to.1) < row.abs_diff(from.1) {
                b
            } else {
                a
            }),
        };
        let Some(g) = innermost else {
            return Vec::new();
        };
        let mut chain = self.spec.group_ancestors(g);
        chain.reverse();
        chain.push(g);
        chain
    }

    /// A border item of `group` on `row`.
    fn border(&mut self, edge: usize, group: GroupId, row: usize, top: bool) -> usize {
        let item = Item {
            kind: ItemKind::Border { edge, group, top },
            x: 0.0,
            y: 0.0,
            width: WAYPOINT_WIDTH,
            height: 0.0,
            right: 0.0,
        };
        let mut chain = self.spec.group_ancestors(group);
        chain.reverse();
        chain.push(group);
        self.push(row, item, chain)
    }
}

/// Lays out the diagram of `spec` with `options`.
pub fn layout(spec: &Spec, options: &Options) -> Layout {
    let shown = options.states_shown(spec);
    let all_edges = edges(spec, options);
    let (loops, edges): (Vec<Edge>, Vec<Edge>) = all_edges.into_iter().partition(is_state_loop);
    let ranks = if spec.groups.is_empty() {
        ranks(spec, &shown, &edges)
    } else {
        let flat = spec.flattened();
        let flat_edges: Vec<Edge> = super::edges(&flat, options)
            .into_iter()
            .filter(|e| !is_state_loop(e))
            .collect();
        ranks(spec, &shown, &flat_edges)
    };
    let max_rank = shown.iter().map(|s| ranks[s.0]).max().unwrap_or(0);
    let initial = spec.machine.initial;
    // The rank an edge starts from: its state's, or the top of its group.
    let source_rank = |e: &Edge| match e.from_group {
        Some(g) => spec
            .leaves(g)
            .iter()
            .filter(|s| shown.contains(s))
            .map(|s| ranks[s.0])
            .min()
            .unwrap_or(0),
        None => ranks[e.from.0],
    };
    // Edges into the initial state from below row 2 go to its copy at the bottom.
    let to_copy = |e: &Edge| e.to_group.is_none() && e.to == initial && source_rank(e) > 2;
    let use_copy = edges.iter().any(to_copy);
    let mut builder = Builder {
        spec,
        rows: vec![Vec::new(); 2 * (max_rank + 2) + 1],
        items: Vec::new(),
        row_of: Vec::new(),
        chains: Vec::new(),
        state_rows: vec![(usize::MAX, 0); spec.groups.len()],
    };
    for &s in &shown {
        for g in spec.ancestors(s) {
            let rows = &mut builder.state_rows[g.0];
            *rows = (rows.0.min(2 * ranks[s.0]), rows.1.max(2 * ranks[s.0]));
        }
    }
    let mut state_item = vec![usize::MAX; spec.states.len()];
    for &s in &shown {
        let name = &spec.state(s).name;
        let mut chain = spec.ancestors(s);
        chain.reverse();
        state_item[s.0] = builder.push(2 * ranks[s.0], state(name, s, false), chain);
    }
    let copy_item = use_copy.then(|| {
        let item = state(&spec.state(initial).name, initial, true);
        builder.push(2 * (max_rank + 1), item, Vec::new())
    });
    for l in &loops {
        let item = &mut builder.items[state_item[l.from.0]];
        let label = l
            .lines
            .iter()
            .map(|line| text_width(line, LABEL_FONT))
            .fold(0.0, f64::max);
        item.right = LOOP_REACH + 6.0 + label;
        item.height = item.height.max(l.lines.len() as f64 * LINE_HEIGHT + 8.0);
    }
    // A group with an `initial` has its start dot left of the state it leads to, inside the
    // group, as a transition to the group enters that state.
    let mut starts = Vec::new();
    for g in (0..spec.groups.len()).map(GroupId) {
        let Some(leaf) = spec.group(g).initial.and(spec.initial_leaf(g)) else {
            continue;
        };
        if !shown.contains(&leaf) {
            continue;
        }
        let dot = Item {
            kind: ItemKind::Start { group: g },
            x: 0.0,
            y: 0.0,
            width: START_WIDTH,
            height: START_WIDTH,
            right: 0.0,
        };
        let mut chain = spec.group_ancestors(g);
        chain.reverse();
        chain.push(g);
        let target = state_item[leaf.0];
        starts.push((builder.push(2 * ranks[leaf.0], dot, chain), target));
    }
    let ends = |e: &Edge| {
        let from = e
            .from_group
            .map_or(End::Item(state_item[e.from.0]), End::Border);
        let to = match (e.to_group, copy_item) {
            (Some(g), _) => End::Border(g),
            (None, Some(copy)) if to_copy(e) => End::Item(copy),
            (None, _) => End::Item(state_item[e.to.0]),
        };
        (from, to)
    };
    // Edges between states first; then those of groups, inner groups first, each routed
    // once what lies inside its groups is in place.
    let mut order: Vec<usize> = (0..edges.len()).collect();
    let depth = |e: &Edge| {
        [e.from_group, e.to_group]
            .iter()
            .flatten()
            .map(|&g| 1 + spec.group_ancestors(g).len())
            .max()
            .unwrap_or(0)
    };
    order.sort_by_key(|&i| (depth(&edges[i]) > 0, std::cmp::Reverse(depth(&edges[i])), i));
    let mut routes: Vec<Option<Route>> = vec![None; edges.len()];
    for index in order {
        let (from, to) = ends(&edges[index]);
        routes[index] = Some(builder.route(index, &edges[index], from, to));
    }
    let routes: Vec<Route> = routes.into_iter().flatten().collect();
    let loops = loops
        .into_iter()
        .map(|l| (state_item[l.from.0], l))
        .collect();
    let Builder {
        mut rows,
        mut items,
        chains,
        ..
    } = builder;
    let mut neighbours = neighbours(&items, &routes);
    for &(dot, target) in &starts {
        neighbours[dot].push(target);
    }
    order_rows(&mut rows, &neighbours, &chains);
    for &(dot, target) in &starts {
        if let Some(row) = rows.iter_mut().find(|r| r.contains(&dot)) {
            row.retain(|&i| i != dot);
            let at = row.iter().position(|&i| i == target).unwrap_or(row.len());
            row.insert(at, dot);
        }
    }
    place(&mut items, &rows, &neighbours);
    let walls = boxes::confine(spec, &mut items, &mut rows, &neighbours, &chains);
    let (width, height, mut groups) = finish(&mut items, &rows, &walls, spec);
    place_names(&mut groups, &items, &rows, &neighbours, &chains, spec);
    Layout {
        items,
        routes,
        loops,
        width,
        height,
        initial: state_item[initial.0],
        groups,
        starts,
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
/// sweeping down and up, and keeps the order with the fewest crossings. The items of a group
/// stay side by side ([`grouped`]).
fn order_rows(rows: &mut [Vec<usize>], neighbours: &[Vec<usize>], chains: &[Vec<GroupId>]) {
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
            let keyed: Vec<(f64, usize, usize)> = rows[r]
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
            rows[r] = grouped(keyed, chains, 0);
        }
        let c = crossings(rows, neighbours);
        if c < best_crossings {
            best_crossings = c;
            best = rows.to_vec();
        }
    }
    rows.clone_from_slice(&best);
}

/// Items keyed `(key, position)` in order of their keys, the items of a group (the group at
/// `level` of their chain) together at the mean key of the group's items, recursively.
fn grouped(keyed: Vec<(f64, usize, usize)>, chains: &[Vec<GroupId>], level: usize) -> Vec<usize> {
    /// An item, or a group with its items.
    struct Unit {
        key: f64,
        at: usize,
        group: Option<GroupId>,
        members: Vec<(f64, usize, usize)>,
    }
    let mut units: Vec<Unit> = Vec::new();
    for entry in keyed {
        let group = chains[entry.2].get(level).copied();
        match group.and_then(|g| units.iter_mut().find(|u| u.group == Some(g))) {
            Some(unit) => unit.members.push(entry),
            None => units.push(Unit {
                key: entry.0,
                at: entry.1,
                group,
                members: vec![entry],
            }),
        }
    }
    for unit in units.iter_mut().filter(|u| u.group.is_some()) {
        unit.key = unit.members.iter().map(|m| m.0).sum::<f64>() / unit.members.len() as f64;
        unit.at = unit.members.iter().map(|m| m.1).min().unwrap_or(unit.at);
    }
    units.sort_by(|a, b| a.key.total_cmp(&b.key).then(a.at.cmp(&b.at)));
    units
        .into_iter()
        .flat_map(|u| match u.group {
            Some(_) => grouped(u.members, chains, level + 1),
            None => u.members.into_iter().map(|m| m.2).collect(),
        })
        .collect()
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

/// Puts each group's name where no edge crosses the band at the top of its box: the edges
/// that cross it meet the group's items on its first row from a row above.
fn place_names(
    boxes: &mut [GroupBox],
    items: &[Item],
    rows: &[Vec<usize>],
    neighbours: &[Vec<usize>],
    chains: &[Vec<GroupId>],
    spec: &Spec,
) {
    let row_of = |i: usize| rows.iter().position(|r| r.contains(&i));
    for b in boxes.iter_mut() {
        let width = text_width(&spec.group(b.group).name, boxes::GROUP_FONT);
        let first = (0..items.len())
            .filter(|&i| chains[i].contains(&b.group))
            .filter_map(row_of)
            .min();
        let busy: Vec<(f64, f64)> = (0..items.len())
            .filter(|&i| chains[i].contains(&b.group) && row_of(i) == first)
            .filter(|&i| {
                neighbours[i]
                    .iter()
                    .any(|&m| row_of(m).zip(first).is_some_and(|(r, f)| r < f))
            })
            .map(|i| (items[i].left(), items[i].x + items[i].width / 2.0))
            .collect();
        let free = |left: f64| {
            busy.iter()
                .all(|&(l, r)| r < left - 4.0 || left + width + 4.0 < l)
        };
        let left = b.left + GROUP_PAD;
        let right = b.right - GROUP_PAD - width;
        b.name_left = if !free(left) && free(right) {
            right
        } else {
            left
        };
    }
}

/// Shifts everything into the margin, sets each row's height and y (with room above and
/// below for the boxes that start and end on it), and returns the size and the boxes.
fn finish(
    items: &mut [Item],
    rows: &[Vec<usize>],
    walls: &[boxes::Walls],
    spec: &Spec,
) -> (f64, f64, Vec<GroupBox>) {
    let min_x = items
        .iter()
        .map(|i| i.left())
        .chain(walls.iter().map(|w| w.left))
        .fold(f64::INFINITY, f64::min);
    let shift = MARGIN + 30.0 - min_x.min(0.0) - min_x.max(0.0);
    // How many boxes stack their top (bottom) border at a group's first (last) row: itself
    // and those inside it that start (end) there too.
    let stacked = |w: &boxes::Walls, end: fn(&boxes::Walls) -> usize| {
        let mut count = 1;
        let mut level = vec![w];
        while !level.is_empty() {
            let next: Vec<&boxes::Walls> = walls
                .iter()
                .filter(|inner| {
                    level
                        .iter()
                        .any(|outer| spec.group(inner.group).parent == Some(outer.group))
                        && end(inner) == end(w)
                })
                .collect();
            if !next.is_empty() {
                count += 1;
            }
            level = next;
        }
        count as f64
    };
    let first = |w: &boxes::Walls| w.rows.0;
    let last = |w: &boxes::Walls| w.rows.1;
    let mut above = vec![0.0f64; rows.len()];
    let mut below = vec![0.0f64; rows.len()];
    for w in walls {
        above[w.rows.0] = above[w.rows.0].max(stacked(w, first) * (GROUP_LABEL + GROUP_PAD));
        below[w.rows.1] = below[w.rows.1].max(stacked(w, last) * GROUP_PAD);
    }
    let mut y = MARGIN + 40.0;
    let mut extent = vec![(0.0, 0.0); rows.len()];
    for (r, row) in rows.iter().enumerate() {
        y += above[r];
        let height = row.iter().map(|&i| items[i].height).fold(0.0, f64::max);
        for &i in row {
            items[i].y = y + height / 2.0;
        }
        extent[r] = (y, y + height);
        if !row.is_empty() {
            y += height + ROW_GAP;
        }
        y += below[r];
    }
    for item in items.iter_mut() {
        item.x += shift;
    }
    let boxes: Vec<GroupBox> = walls
        .iter()
        .map(|w| GroupBox {
            group: w.group,
            left: w.left + shift,
            right: w.right + shift,
            top: extent[w.rows.0].0 - stacked(w, first) * (GROUP_LABEL + GROUP_PAD),
            bottom: extent[w.rows.1].1 + stacked(w, last) * GROUP_PAD,
            name_left: w.left + shift + GROUP_PAD,
        })
        .collect();
    let width = items
        .iter()
        .map(|i| i.x + i.width / 2.0 + i.right)
        .chain(boxes.iter().map(|b| b.right))
        .fold(0.0, f64::max)
        + MARGIN;
    (width.max(200.0), y + MARGIN, boxes)
}
