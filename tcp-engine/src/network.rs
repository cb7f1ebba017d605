//! Segments in flight between two endpoints: one queue per direction, oldest first, and what
//! the network may do to them (deliver, lose, duplicate, reorder).
//!
//! The network is FIFO per direction: only the oldest segment of a direction arrives next,
//! unless reordering is allowed. What a queue holds is up to its user: the explorer keeps bare
//! [`Segment`]s, so that its joint states stay small and hashable; a transcript keeps
//! [`InFlight`] segments, which also remember where they were shown.

use crate::endpoint::Side;
use crate::wire::Segment;
use std::ops::Range;

/// Segments in flight, per sender, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Network<T> {
    links: [Vec<T>; 2],
}

// By hand: the derive would ask `T: Default`, and a segment has no default.
impl<T> Default for Network<T> {
    fn default() -> Network<T> {
        Network::new()
    }
}

impl<T> Network<T> {
    /// An empty network.
    pub fn new() -> Network<T> {
        Network {
            links: [Vec::new(), Vec::new()],
        }
    }

    /// What `from` has in flight, oldest first.
    pub fn link(&self, from: Side) -> &[T] {
        &self.links[from.index()]
    }

    /// The segment at `index` of `from`'s link, to update what is known about it.
    pub fn get_mut(&mut self, from: Side, index: usize) -> Option<&mut T> {
        self.links[from.index()].get_mut(index)
    }

    /// Whether nothing is in flight in either direction.
    pub fn quiet(&self) -> bool {
        self.links.iter().all(Vec::is_empty)
    }

    /// Whether some direction holds more than `bound` segments.
    pub fn exceeds(&self, bound: usize) -> bool {
        self.links.iter().any(|link| link.len() > bound)
    }

    /// `from` sends `segments`: they join the end of its link.
    pub fn send(&mut self, from: Side, segments: impl IntoIterator<Item = T>) {
        self.links[from.index()].extend(segments);
    }

    /// The indices of `from`'s segments that may arrive next: the oldest, or any of them when
    /// the network reorders.
    pub fn arriving(&self, from: Side, reorder: bool) -> Range<usize> {
        let len = self.links[from.index()].len();
        0..if reorder { len } else { len.min(1) }
    }

    /// Takes the segment at `index` of `from`'s link out of the network (it arrives, or is
    /// lost).
    pub fn take(&mut self, from: Side, index: usize) -> T {
        self.links[from.index()].remove(index)
    }

    /// The network duplicates the segment at `index` of `from`'s link: `copy` makes the copy,
    /// which follows the original. Returns the original, or `None` when there is no such
    /// segment.
    pub fn duplicate(
        &mut self,
        from: Side,
        index: usize,
        copy: impl FnOnce(&T) -> T,
    ) -> Option<&T> {
        let link = &mut self.links[from.index()];
        let twin = copy(link.get(index)?);
        link.insert(index + 1, twin);
        link.get(index)
    }

    /// The side whose oldest segment has the least `age`: the segment sent first of the two.
    pub fn oldest<K: Ord>(&self, age: impl Fn(&T) -> K) -> Option<Side> {
        Side::BOTH
            .into_iter()
            .filter_map(|side| self.link(side).first().map(|t| (age(t), side)))
            .min()
            .map(|(_, side)| side)
    }

    /// Every segment in flight with its sender, A's first.
    pub fn iter(&self) -> impl Iterator<Item = (Side, &T)> {
        Side::BOTH
            .into_iter()
            .flat_map(move |side| self.link(side).iter().map(move |t| (side, t)))
    }
}

/// A segment in flight as a transcript knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InFlight {
    /// The segment.
    pub segment: Segment,
    /// Identifies it across rows (its departure and its arrival); a duplicate has its own.
    pub id: u64,
    /// Whether a row has shown it departing.
    pub departed: bool,
    /// The row where it was emitted, or where it departed once it has (`None` when emitted
    /// out of sight, or for an old segment injected into the network).
    pub row: Option<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_oldest_arrives_unless_the_network_reorders() {
        let mut network = Network::new();
        network.send(Side::A, [1, 2, 3]);
        assert_eq!(network.arriving(Side::A, false), 0..1);
        assert_eq!(network.arriving(Side::A, true), 0..3);
        assert_eq!(network.arriving(Side::B, false), 0..0);
        assert_eq!(network.take(Side::A, 1), 2);
        assert_eq!(network.link(Side::A), [1, 3]);
    }

    #[test]
    fn a_duplicate_follows_its_original() {
        let mut network = Network::new();
        network.send(Side::B, [10, 20]);
        assert_eq!(network.duplicate(Side::B, 0, |&n| n + 1), Some(&10));
        assert_eq!(network.link(Side::B), [10, 11, 20]);
        assert_eq!(network.duplicate(Side::B, 3, |&n| n), None);
        assert!(network.exceeds(2) && !network.exceeds(3));
    }

    #[test]
    fn the_oldest_side_is_the_one_that_sent_first() {
        let mut network = Network::new();
        assert_eq!(network.oldest(|&n: &u64| n), None);
        network.send(Side::B, [4]);
        network.send(Side::A, [7]);
        assert_eq!(network.oldest(|&n| n), Some(Side::B));
        network.take(Side::B, 0);
        assert!(!network.quiet());
        assert_eq!(network.iter().collect::<Vec<_>>(), [(Side::A, &7)]);
    }
}
