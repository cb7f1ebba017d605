//! Diagrams of a spec for people to read: Graphviz DOT, Mermaid `stateDiagram-v2`, PlantUML
//! and SVG (laid out in Rust, without Graphviz). Renderers are plain functions from a spec and
//! [`Options`] to text. The exports that other programs run (JSON, SCXML, XState) are in
//! `fsm_spec::export`.
//!
//! Transitions that share their two states are merged into one edge whose label has a line
//! per distinct output: `rcv SYN / snd SYN,ACK`, `CLOSE / snd FIN`.
//!
//! A spec's groups are drawn around their states (SVG boxes, DOT clusters, Mermaid and
//! PlantUML composite states), and the transitions declared on a group are one edge from it
//! ([`Edge::from_group`]); [`Spec::flattened`](crate::Spec::flattened) draws the expanded
//! machine instead.
//!
//! ```
//! use fsm_spec::render::{self, Options};
//! use fsm_spec::{SourceFile, Spec};
//!
//! let spec = Spec::from_source(&SourceFile::new("door.toml", r#"
//! [machine]
//! name = "Door"
//! initial = "SHUT"
//! [states.SHUT]
//! [states.OPEN]
//! [events.push]
//! kind = "call"
//! [[transition]]
//! from = "SHUT"
//! event = "push"
//! to = "OPEN"
//! send = "CREAK"
//! tags = ["basic"]
//! cite = "door manual 1"
//! [[transition]]
//! from = "OPEN"
//! event = "push"
//! to = "SHUT"
//! cite = "door manual 2"
//! "#)).unwrap();
//! let dot = render::dot(&spec, &Options::tagged("basic"));
//! assert!(dot.contains("\"SHUT\" -> \"OPEN\""));
//! assert!(!dot.contains("\"OPEN\" -> \"SHUT\""));
//! ```

mod boxes;
mod dot;
mod edges;
mod layout;
mod mermaid;
mod plantuml;
pub mod svg;

pub use dot::dot;
pub use edges::{Edge, edges, event_text};
pub use mermaid::mermaid;
pub use plantuml::plantuml;

use crate::model::{EventId, GroupId, Member, Nested, Spec, StateId};

/// Which transitions a diagram shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Arcs {
    /// Every transition of the spec.
    #[default]
    All,
    /// Only transitions with this tag (the TCP specs tag the arcs of RFC 793 Figure 6
    /// `figure6`).
    Tagged(String),
    /// Every transition except those that keep the state.
    NoSelfLoops,
}

/// A path to draw in its own colour: the states visited when `events` run from the
/// initial state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Highlight {
    /// Shown in the legend, for example `client`.
    pub name: String,
    /// A colour name or `#rrggbb`.
    pub color: String,
    /// The transitions taken, as indices into [`Spec::transitions`].
    pub transitions: Vec<usize>,
}

impl Highlight {
    /// The path that `events` take from the initial state (choosing the first of guarded
    /// transitions), or the index of the first event that has no transition.
    pub fn run(
        spec: &Spec,
        name: &str,
        color: &str,
        events: &[EventId],
    ) -> Result<Highlight, usize> {
        let mut state = spec.machine.initial;
        let mut transitions = Vec::new();
        for (step, &event) in events.iter().enumerate() {
            let index = spec
                .transitions
                .iter()
                .position(|t| t.from == state && t.event == event)
                .ok_or(step)?;
            transitions.push(index);
            state = spec.transitions[index].to;
        }
        Ok(Highlight {
            name: name.to_string(),
            color: color.to_string(),
            transitions,
        })
    }
}

/// What to draw and how.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub arcs: Arcs,
    pub highlights: Vec<Highlight>,
}

impl Options {
    /// Every transition, no highlight.
    pub fn all() -> Options {
        Options::default()
    }

    /// Only the transitions tagged `tag`.
    pub fn tagged(tag: &str) -> Options {
        Options {
            arcs: Arcs::Tagged(tag.to_string()),
            ..Options::default()
        }
    }

    /// Whether transition `index` is drawn.
    pub fn shows(&self, spec: &Spec, index: usize) -> bool {
        let t = &spec.transitions[index];
        match &self.arcs {
            Arcs::All => true,
            Arcs::Tagged(tag) => t.has_tag(tag),
            Arcs::NoSelfLoops => !t.is_self_loop(),
        }
    }

    /// The highlight that transition `index` belongs to (the first one listed).
    pub fn highlight_of(&self, index: usize) -> Option<&Highlight> {
        self.highlights
            .iter()
            .find(|h| h.transitions.contains(&index))
    }

    /// The states that drawn transitions touch, plus the initial state, in spec order.
    pub fn states_shown(&self, spec: &Spec) -> Vec<StateId> {
        let mut shown = vec![false; spec.states.len()];
        shown[spec.machine.initial.0] = true;
        for (i, t) in spec.transitions.iter().enumerate() {
            if self.shows(spec, i) {
                shown[t.from.0] = true;
                shown[t.to.0] = true;
            }
        }
        if self.arcs == Arcs::All {
            shown.iter_mut().for_each(|s| *s = true);
        }
        spec.state_ids().filter(|s| shown[s.0]).collect()
    }
}

/// A colour from user input, kept only if it is a plain name or `#hex` (anything else could
/// break out of an attribute); otherwise the default ink.
pub fn safe_colour(text: &str) -> &str {
    let ok = text.chars().all(|c| c.is_ascii_alphanumeric() || c == '#');
    if ok && !text.is_empty() {
        text
    } else {
        "#222222"
    }
}

/// The name of group `g`'s `initial` when it is drawn among `inner`, the group's drawn
/// members (a diagram marks it with its own start dot).
fn initial_drawn<'s>(spec: &'s Spec, g: GroupId, inner: &[Nested]) -> Option<&'s str> {
    let initial = spec.group(g).initial?;
    let drawn = inner.iter().any(|node| match (node, initial) {
        (Nested::State(s), Member::State(m)) => *s == m,
        (Nested::Group(h, _), Member::Group(m)) => *h == m,
        _ => false,
    });
    drawn.then(|| match initial {
        Member::State(s) => spec.state(s).name.as_str(),
        Member::Group(h) => spec.group(h).name.as_str(),
    })
}
