//! Writing a spec as TOML text in the format [`crate::check`] reads: for machines that are
//! made rather than written by hand (a learned machine, a generated one).
//!
//! The writer takes plain descriptions, not a [`crate::Spec`]: a made machine has no source
//! spans. What it writes is checked by the tests with [`crate::check`].
//!
//! ```
//! use fsm_spec::write::{SpecText, StateText, EventText, TransitionText};
//! use fsm_spec::EventKind;
//!
//! let mut text = SpecText::new("Door", "SHUT");
//! text.states.push(StateText::new("SHUT"));
//! text.states.push(StateText::new("OPEN"));
//! text.events.push(EventText::new("open", EventKind::Call));
//! text.transitions.push(TransitionText::new("SHUT", "open", "OPEN", "door manual"));
//! let spec = fsm_spec::Spec::from_source(&fsm_spec::SourceFile::new("d.toml", text.to_string()));
//! assert_eq!(spec.unwrap().transitions.len(), 1);
//! ```

use crate::escape;
use crate::model::{EventKind, NoTransitionKind};
use std::fmt;

/// A whole spec.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpecText {
    pub name: String,
    pub initial: String,
    pub doc: Option<String>,
    pub states: Vec<StateText>,
    pub events: Vec<EventText>,
    pub transitions: Vec<TransitionText>,
    pub no_transitions: Vec<NoTransitionText>,
}

/// A `[states.NAME]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StateText {
    pub name: String,
    pub doc: Option<String>,
    pub aliases: Vec<String>,
    /// `final = true`: the state may have no way out.
    pub is_final: bool,
}

/// An `[events.NAME]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventText {
    pub name: String,
    pub kind: EventKind,
    pub segment: Option<String>,
    pub label: Option<String>,
    pub aliases: Vec<String>,
    pub doc: Option<String>,
}

/// A `[[transition]]` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransitionText {
    pub from: String,
    pub event: String,
    pub to: String,
    pub send: Option<String>,
    pub cite: String,
    pub doc: Option<String>,
}

/// A `[[no_transition]]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoTransitionText {
    pub from: String,
    pub event: String,
    pub kind: NoTransitionKind,
    pub cite: String,
    pub doc: Option<String>,
}

impl SpecText {
    pub fn new(name: &str, initial: &str) -> SpecText {
        SpecText {
            name: name.into(),
            initial: initial.into(),
            ..SpecText::default()
        }
    }
}

impl StateText {
    pub fn new(name: &str) -> StateText {
        StateText {
            name: name.into(),
            ..StateText::default()
        }
    }
}

impl EventText {
    pub fn new(name: &str, kind: EventKind) -> EventText {
        EventText {
            name: name.into(),
            kind,
            segment: None,
            label: None,
            aliases: Vec::new(),
            doc: None,
        }
    }
}

impl TransitionText {
    pub fn new(from: &str, event: &str, to: &str, cite: &str) -> TransitionText {
        TransitionText {
            from: from.into(),
            event: event.into(),
            to: to.into(),
            cite: cite.into(),
            ..TransitionText::default()
        }
    }
}

fn key(f: &mut fmt::Formatter<'_>, key: &str, value: Option<&String>) -> fmt::Result {
    match value {
        Some(value) => writeln!(f, "{key} = {}", escape::toml(value)),
        None => Ok(()),
    }
}

fn list(f: &mut fmt::Formatter<'_>, key: &str, values: &[String]) -> fmt::Result {
    if values.is_empty() {
        return Ok(());
    }
    let values: Vec<String> = values.iter().map(|v| escape::toml(v)).collect();
    writeln!(f, "{key} = [{}]", values.join(", "))
}

impl fmt::Display for SpecText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "[machine]")?;
        key(f, "name", Some(&self.name))?;
        key(f, "initial", Some(&self.initial))?;
        key(f, "doc", self.doc.as_ref())?;
        for state in &self.states {
            writeln!(f, "\n[states.{}]", state.name)?;
            key(f, "doc", state.doc.as_ref())?;
            list(f, "aliases", &state.aliases)?;
            if state.is_final {
                writeln!(f, "final = true")?;
            }
        }
        for event in &self.events {
            writeln!(f, "\n[events.{}]", event.name)?;
            key(f, "kind", Some(&event.kind.as_str().to_string()))?;
            key(f, "segment", event.segment.as_ref())?;
            key(f, "label", event.label.as_ref())?;
            list(f, "aliases", &event.aliases)?;
            key(f, "doc", event.doc.as_ref())?;
        }
        for t in &self.transitions {
            writeln!(f, "\n[[transition]]")?;
            key(f, "from", Some(&t.from))?;
            key(f, "event", Some(&t.event))?;
            key(f, "to", Some(&t.to))?;
            key(f, "send", t.send.as_ref())?;
            key(f, "cite", Some(&t.cite))?;
            key(f, "doc", t.doc.as_ref())?;
        }
        for n in &self.no_transitions {
            writeln!(f, "\n[[no_transition]]")?;
            key(f, "from", Some(&n.from))?;
            key(f, "event", Some(&n.event))?;
            key(f, "kind", Some(&n.kind.as_str().to_string()))?;
            key(f, "cite", Some(&n.cite))?;
            key(f, "doc", n.doc.as_ref())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{SourceFile, Spec};

    #[test]
    fn what_is_written_reads_back_with_every_key() {
        let mut text = SpecText::new("Door", "SHUT");
        text.doc = Some("a \"door\"\nwith a \\ in its doc".into());
        text.states.push(StateText {
            name: "SHUT".into(),
            doc: Some("closed".into()),
            aliases: vec!["CLOSED".into()],
            is_final: true,
        });
        text.states.push(StateText::new("OPEN"));
        let mut knock = EventText::new("knock", EventKind::Receive);
        knock.segment = Some("KNOCK".into());
        knock.label = Some("rcv KNOCK".into());
        text.events.push(EventText::new("open", EventKind::Call));
        text.events.push(knock);
        let mut open = TransitionText::new("SHUT", "open", "OPEN", "manual");
        open.send = Some("CREAK".into());
        text.transitions.push(open);
        text.no_transitions.push(NoTransitionText {
            from: "OPEN".into(),
            event: "knock".into(),
            kind: NoTransitionKind::Drop,
            cite: "manual".into(),
            doc: None,
        });
        let written = text.to_string();
        let spec = Spec::from_source(&SourceFile::new("door.toml", written.clone()))
            .unwrap_or_else(|e| panic!("{e:?}\n{written}"));
        assert_eq!(spec.machine.doc.as_deref(), text.doc.as_deref());
        assert_eq!(spec.states[0].aliases, ["CLOSED"]);
        assert!(spec.states[0].is_final && !spec.states[1].is_final);
        assert_eq!(spec.transitions[0].send.as_deref(), Some("CREAK"));
        assert_eq!(spec.no_transitions[0].kind, NoTransitionKind::Drop);
        assert_eq!(spec.events[1].segment.as_deref(), Some("KNOCK"));
    }
}
