//! The boxes of a spec's groups in the layered layout ([`super::layout`]): where each box's
//! left and right borders go, so that a box holds everything of its group (states, and the
//! labels and waypoints of the edges inside it) and nothing else that is a state.
//!
//! Each row becomes a sequence of items and of the borders of the groups it crosses: a group
//! is present on every row from its first to its last, even where it holds nothing, so that
//! nothing of another group can sit in the box there. On each row a group's items are
//! together (the ordering keeps them so) and sibling groups come in one order on every row
//! (by the mean position of their items), which makes the constraints below acyclic. Those
//! constraints (`right >= left + distance` between neighbours on a row, a box's border shared
//! by all its rows, and a box at least as wide as its name) are met by longest-path packing
//! over them, the whole diagram at once, as the layout packs a single row: the mean of a
//! packing from the left and one from the right, both feasible, so their mean is too.
//! Written here because no crate we use lays out clusters; the positions start from the
//! layout's own, pulled towards neighbours each round as the layout pulls them.

use super::layout::{GAP, Item, anchor, text_width};
use crate::model::{GroupId, Spec};
use std::collections::VecDeque;

/// Room between a group's border and what it holds.
pub const GROUP_PAD: f64 = 10.0;
/// Font size of a group's name.
pub const GROUP_FONT: f64 = 12.0;
/// Height of the band at the top of a box that holds the group's name.
pub const GROUP_LABEL: f64 = 16.0;
/// Rounds of pulling items towards their neighbours within the constraints.
const ROUNDS: usize = 30;

/// Where a group's box goes across: its borders, and the rows from its first to its last.
#[derive(Debug, Clone, PartialEq)]
pub struct Walls {
    pub group: GroupId,
    pub left: f64,
    pub right: f64,
    pub rows: (usize, usize),
}

/// A place in a row: an item, or the left or right border of a group's box.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Token {
    Item(usize),
    Open(usize),
    Close(usize),
}

/// Reorders the rows so that each group is a block on every row it spans, and places the
/// items and the boxes' borders within the constraints; returns the borders, outer groups
/// first. Without groups nothing changes. `chains` holds each item's groups, outermost first.
pub fn confine(
    spec: &Spec,
    items: &mut [Item],
    rows: &mut [Vec<usize>],
    neighbours: &[Vec<usize>],
    chains: &[Vec<GroupId>],
) -> Vec<Walls> {
    let mut groups: Vec<GroupId> = chains.iter().flatten().copied().collect();
    groups.sort_unstable();
    groups.dedup();
    if groups.is_empty() {
        return Vec::new();
    }
    let groups = &groups;
    let members = |k: usize| (0..items.len()).filter(move |&i| chains[i].contains(&groups[k]));
    let mut spans = Vec::with_capacity(groups.len());
    let mut keys = Vec::with_capacity(groups.len());
    for k in 0..groups.len() {
        let on: Vec<usize> = members(k)
            .map(|i| rows.iter().position(|r| r.contains(&i)).unwrap_or(0))
            .collect();
        let top = on.iter().copied().min().unwrap_or(0);
        let bottom = on.iter().copied().max().unwrap_or(0);
        spans.push((top, bottom));
        let xs: Vec<f64> = members(k).map(|i| items[i].x).collect();
        keys.push(xs.iter().sum::<f64>() / xs.len().max(1) as f64);
    }
    let parent = |k: usize| {
        spec.group(groups[k])
            .parent
            .and_then(|p| groups.iter().position(|&g| g == p))
    };
    let tokens: Vec<Vec<Token>> = (0..rows.len())
        .map(|r| {
            let mut out = Vec::new();
            emit(
                &rows[r], r, None, items, chains, groups, &spans, &keys, &parent, &mut out,
            );
            out
        })
        .collect();
    let n = items.len();
    let count = n + 2 * groups.len();
    let mut preds: Vec<Vec<(usize, f64)>> = vec![Vec::new(); count];
    let mut succs: Vec<Vec<(usize, f64)>> = vec![Vec::new(); count];
    let mut link = |a: usize, b: usize, d: f64| {
        preds[b].push((a, d));
        succs[a].push((b, d));
    };
    let variable = |t: Token| match t {
        Token::Item(i) => i,
        Token::Open(k) => n + 2 * k,
        Token::Close(k) => n + 2 * k + 1,
    };
    for row in &tokens {
        for pair in row.windows(2) {
            link(
                variable(pair[0]),
                variable(pair[1]),
                distance(items, pair[0], pair[1]),
            );
        }
    }
    for (k, g) in groups.iter().enumerate() {
        let name = text_width(&spec.group(*g).name, GROUP_FONT);
        link(n + 2 * k, n + 2 * k + 1, name + 2.0 * GROUP_PAD);
    }
    let Some(topo) = topological(&preds, &succs) else {
        // Sibling groups in two orders would make a cycle; the keys rule it out. Should it
        // happen, the layout stays as it is, without boxes.
        return Vec::new();
    };
    for (r, row) in tokens.iter().enumerate() {
        rows[r] = row
            .iter()
            .filter_map(|t| match t {
                Token::Item(i) => Some(*i),
                _ => None,
            })
            .collect();
    }
    // Where each box's borders would hug what it holds (its items, and the boxes inside it
    // with their own room), inner groups first.
    let mut inner_first: Vec<usize> = (0..groups.len()).collect();
    inner_first.sort_by_key(|&k| std::cmp::Reverse(spec.group_ancestors(groups[k]).len()));
    let hug = |items: &[Item]| {
        let mut walls = vec![(f64::INFINITY, f64::NEG_INFINITY); groups.len()];
        for &k in &inner_first {
            let (mut left, mut right) = (f64::INFINITY, f64::NEG_INFINITY);
            for (i, item) in items.iter().enumerate() {
                if chains[i].last() == Some(&groups[k]) {
                    left = left.min(item.x - item.width / 2.0);
                    right = right.max(item.x + item.width / 2.0 + item.right);
                }
            }
            for h in (0..groups.len()).filter(|&h| parent(h) == Some(k)) {
                left = left.min(walls[h].0);
                right = right.max(walls[h].1);
            }
            walls[k] = (left - GROUP_PAD, right + GROUP_PAD);
        }
        walls
    };
    let mut x;
    for _ in 0..ROUNDS {
        let mut wanted = vec![0.0; count];
        for i in 0..n {
            let xs: Vec<f64> = neighbours[i].iter().map(|&m| anchor(&items[m])).collect();
            wanted[i] = if xs.is_empty() {
                items[i].x
            } else {
                xs.iter().sum::<f64>() / xs.len() as f64 + (items[i].x - anchor(&items[i]))
            };
        }
        for (k, walls) in hug(items).into_iter().enumerate() {
            (wanted[n + 2 * k], wanted[n + 2 * k + 1]) = walls;
        }
        x = pack(&topo, &preds, &succs, &wanted);
        for (item, &at) in items.iter_mut().zip(&x) {
            item.x = at;
        }
    }
    // The borders lag a round behind the items: once more with the items where they are.
    let mut wanted: Vec<f64> = items.iter().map(|i| i.x).collect();
    for walls in hug(items) {
        wanted.extend([walls.0, walls.1]);
    }
    x = pack(&topo, &preds, &succs, &wanted);
    for (item, &at) in items.iter_mut().zip(&x) {
        item.x = at;
    }
    let mut walls: Vec<(usize, Walls)> = groups
        .iter()
        .enumerate()
        .map(|(k, &group)| {
            let depth = spec.group_ancestors(group).len();
            let walls = Walls {
                group,
                left: x[n + 2 * k],
                right: x[n + 2 * k + 1],
                rows: spans[k],
            };
            (depth, walls)
        })
        .collect();
    walls.sort_by_key(|(depth, w)| (*depth, w.group));
    walls.into_iter().map(|(_, w)| w).collect()
}

/// The tokens of row `r` inside group `within` (`None`: the top level): its own items and the
/// groups directly inside it that span the row, in order of their keys (an item's x, a
/// group's mean x), each group as its borders around its own tokens.
#[allow(clippy::too_many_arguments)]
fn emit(
    row: &[usize],
    r: usize,
    within: Option<usize>,
    items: &[Item],
    chains: &[Vec<GroupId>],
    groups: &[GroupId],
    spans: &[(usize, usize)],
    keys: &[f64],
    parent: &dyn Fn(usize) -> Option<usize>,
    out: &mut Vec<Token>,
) {
    let innermost = |i: usize| {
        chains[i]
            .last()
            .and_then(|g| groups.iter().position(|h| h == g))
    };
    // (key, is a group, index): items before groups at an equal key, each in its order.
    let mut units: Vec<(f64, bool, usize)> = row
        .iter()
        .filter(|&&i| innermost(i) == within)
        .map(|&i| (items[i].x, false, i))
        .collect();
    units.extend(
        (0..groups.len())
            .filter(|&k| parent(k) == within && spans[k].0 <= r && r <= spans[k].1)
            .map(|k| (keys[k], true, k)),
    );
    units.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for (_, group, index) in units {
        if group {
            out.push(Token::Open(index));
            emit(
                row,
                r,
                Some(index),
                items,
                chains,
                groups,
                spans,
                keys,
                parent,
                out,
            );
            out.push(Token::Close(index));
        } else {
            out.push(Token::Item(index));
        }
    }
}

/// How far apart two neighbouring tokens' positions must be: an item's position is its
/// centre, a border's is where it is drawn. Inside a box the room is [`GROUP_PAD`], between
/// siblings the layout's gap.
fn distance(items: &[Item], a: Token, b: Token) -> f64 {
    let right_of = match a {
        Token::Item(i) => items[i].width / 2.0 + items[i].right,
        _ => 0.0,
    };
    let left_of = match b {
        Token::Item(i) => items[i].width / 2.0,
        _ => 0.0,
    };
    let gap = match (a, b) {
        (Token::Open(_), _) | (_, Token::Close(_)) => GROUP_PAD,
        _ => GAP,
    };
    right_of + gap + left_of
}

/// The variables in an order where every constraint's left side comes first (Kahn's
/// algorithm, lowest index first); `None` on a cycle.
fn topological(preds: &[Vec<(usize, f64)>], succs: &[Vec<(usize, f64)>]) -> Option<Vec<usize>> {
    let mut waiting: Vec<usize> = preds.iter().map(Vec::len).collect();
    let mut ready: VecDeque<usize> = (0..preds.len()).filter(|&v| waiting[v] == 0).collect();
    let mut order = Vec::with_capacity(preds.len());
    while let Some(v) = ready.pop_front() {
        order.push(v);
        for &(s, _) in &succs[v] {
            waiting[s] -= 1;
            if waiting[s] == 0 {
                ready.push_back(s);
            }
        }
    }
    (order.len() == preds.len()).then_some(order)
}

/// Positions as near `wanted` as the constraints allow: the mean of the packing that pushes
/// right from `wanted` and the one that pushes left.
fn pack(
    topo: &[usize],
    preds: &[Vec<(usize, f64)>],
    succs: &[Vec<(usize, f64)>],
    wanted: &[f64],
) -> Vec<f64> {
    let mut left = wanted.to_vec();
    for &v in topo {
        for &(p, d) in &preds[v] {
            left[v] = left[v].max(left[p] + d);
        }
    }
    let mut right = wanted.to_vec();
    for &v in topo.iter().rev() {
        for &(s, d) in &succs[v] {
            right[v] = right[v].min(right[s] - d);
        }
    }
    let mut x: Vec<f64> = left
        .iter()
        .zip(&right)
        .map(|(l, r)| (l + r) / 2.0)
        .collect();
    // The mean meets every constraint already; this only rounds off float error.
    for &v in topo {
        for &(p, d) in &preds[v] {
            x[v] = x[v].max(x[p] + d);
        }
    }
    x
}
