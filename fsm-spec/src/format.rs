//! The spec format's keys, once: for each TOML table, its keys with the type of value each
//! holds, whether it is required, and a line of documentation.
//!
//! The parser's unknown-key check reads the key names from here, and the JSON Schema of the
//! format (`fsm_spec::schema`) is generated from the whole table, so the two cannot disagree
//! on which keys exist. The values allowed for a kind are the model's own spellings
//! ([`EventKind::as_str`] and the like). What a key means beyond its shape (names that refer
//! to states, guards on shared transitions) is the parser's and the checks' business.

use crate::model::{ContradictionKind, EventKind, NoTransitionKind};

/// What a key holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    /// A string.
    Text,
    /// A string that must be a Rust identifier.
    Identifier,
    /// An array of strings.
    Texts,
    /// A string, or an array of strings (a list of states or events sharing an entry).
    TextOrTexts,
    /// `true` or `false`.
    Flag,
    /// One of these strings (the model's spellings).
    OneOf(&'static [&'static str]),
}

/// One key of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub name: &'static str,
    pub value: ValueType,
    /// Whether every entry must have it. Some keys are required only in context (`kind` of
    /// an event that is not inherited, `cite` when the machine requires citations): they are
    /// `false` here, and the parser and the schema each state the condition.
    pub required: bool,
    /// One line for editors and the schema.
    pub doc: &'static str,
}

const fn key(name: &'static str, value: ValueType, required: bool, doc: &'static str) -> Key {
    Key {
        name,
        value,
        required,
        doc,
    }
}

/// How a top-level key holds its tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One table: `[machine]`.
    Table,
    /// A table of tables keyed by identifiers: `[states.NAME]`.
    Named,
    /// An array of tables: `[[transition]]`.
    Array,
}

/// A top-level key of the format and the table(s) it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    /// The top-level key: `machine`, `states`, `transition` ...
    pub key: &'static str,
    pub shape: Shape,
    /// What the top-level key holds, e.g. "The states, in file order."; empty for `[machine]`.
    pub doc: &'static str,
    /// The name of one entry (`state` for `[states.NAME]`) and what one entry is.
    pub entry: &'static str,
    pub entry_doc: &'static str,
    pub keys: &'static [Key],
}

/// The format, top-level key by top-level key, in the order a spec usually writes them.
pub const TABLES: &[Table] = &[
    Table {
        key: "machine",
        shape: Shape::Table,
        doc: "",
        entry: "machine",
        entry_doc: "The machine: its name and initial state.",
        keys: MACHINE,
    },
    Table {
        key: "states",
        shape: Shape::Named,
        doc: "The states, in file order.",
        entry: "state",
        entry_doc: "A state.",
        keys: STATE,
    },
    Table {
        key: "groups",
        shape: Shape::Named,
        doc: "Composite states: groups of states (and of other groups) that share transitions.",
        entry: "group",
        entry_doc: "A group of states; a transition whose `from` names it applies to each state \
                    inside it that does not handle the event itself.",
        keys: GROUP,
    },
    Table {
        key: "events",
        shape: Shape::Named,
        doc: "The events, in file order.",
        entry: "event",
        entry_doc: "An event.",
        keys: EVENT,
    },
    Table {
        key: "transition",
        shape: Shape::Array,
        doc: "The transitions.",
        entry: "transition",
        entry_doc: "A transition (one per `from` state and event).",
        keys: TRANSITION,
    },
    Table {
        key: "contradiction",
        shape: Shape::Array,
        doc: "Places where the source document says two things.",
        entry: "contradiction",
        entry_doc: "A place where the source says two things.",
        keys: CONTRADICTION,
    },
    Table {
        key: "deviation",
        shape: Shape::Array,
        doc: "Where the spec differs from a reference on purpose.",
        entry: "deviation",
        entry_doc: "A deliberate difference from a reference.",
        keys: DEVIATION,
    },
    Table {
        key: "no_transition",
        shape: Shape::Array,
        doc: "Events the document handles without a transition.",
        entry: "no_transition",
        entry_doc: "An event handled without a transition.",
        keys: NO_TRANSITION,
    },
];

/// The spellings of a kind enum, from its `ALL` and `as_str`, as a `'static` list.
macro_rules! spellings {
    ($kind:ty) => {{
        const ALL: &[$kind] = &<$kind>::ALL;
        const NAMES: [&str; ALL.len()] = {
            let mut names = [""; ALL.len()];
            let mut i = 0;
            while i < ALL.len() {
                names[i] = ALL[i].as_str();
                i += 1;
            }
            names
        };
        &NAMES
    }};
}

/// `kind` of an event.
pub const EVENT_KINDS: &[&str] = spellings!(EventKind);
/// `kind` of a `[[contradiction]]`.
pub const CONTRADICTION_KINDS: &[&str] = spellings!(ContradictionKind);
/// `kind` of a `[[no_transition]]`.
pub const NO_TRANSITION_KINDS: &[&str] = spellings!(NoTransitionKind);

/// The names of `keys`, in order, as the unknown-key check lists them.
const fn names<const N: usize>(keys: &[Key]) -> [&'static str; N] {
    let mut names = [""; N];
    let mut i = 0;
    while i < N {
        names[i] = keys[i].name;
        i += 1;
    }
    names
}

/// The keys allowed at the top level.
pub const TOP_KEYS: &[&str] = &{
    let mut names = [""; TABLES.len()];
    let mut i = 0;
    while i < TABLES.len() {
        names[i] = TABLES[i].key;
        i += 1;
    }
    names
};
/// The keys allowed in each table, for the parser.
pub(crate) const MACHINE_KEYS: &[&str] = &names::<{ MACHINE.len() }>(MACHINE);
pub(crate) const STATE_KEYS: &[&str] = &names::<{ STATE.len() }>(STATE);
pub(crate) const GROUP_KEYS: &[&str] = &names::<{ GROUP.len() }>(GROUP);
pub(crate) const EVENT_KEYS: &[&str] = &names::<{ EVENT.len() }>(EVENT);
pub(crate) const TRANSITION_KEYS: &[&str] = &names::<{ TRANSITION.len() }>(TRANSITION);
pub(crate) const CONTRADICTION_KEYS: &[&str] = &names::<{ CONTRADICTION.len() }>(CONTRADICTION);
pub(crate) const DEVIATION_KEYS: &[&str] = &names::<{ DEVIATION.len() }>(DEVIATION);
pub(crate) const NO_TRANSITION_KEYS: &[&str] = &names::<{ NO_TRANSITION.len() }>(NO_TRANSITION);

use ValueType::{Flag, Identifier, OneOf, Text, TextOrTexts, Texts};

/// `[machine]`.
pub const MACHINE: &[Key] = &[
    key(
        "name",
        Identifier,
        true,
        "The machine's Rust type name, e.g. `Tcp`.",
    ),
    key("initial", Text, true, "The state the machine starts in."),
    key("doc", Text, false, "Documentation of the machine."),
    key(
        "require_cite",
        Flag,
        false,
        "`true`: every transition must have a `cite`.",
    ),
    key(
        "diagram_tag",
        Text,
        false,
        "The tag of the arcs that are the machine's own picture, drawn in the generated docs.",
    ),
    key(
        "extends",
        Text,
        false,
        "A base spec, relative to this file, whose states and events this spec inherits; \
         it may set their `doc` and add `aliases`.",
    ),
];

/// `[states.NAME]`.
pub const STATE: &[Key] = &[
    key("doc", Text, false, "What the state means."),
    key(
        "aliases",
        Texts,
        false,
        "Other names of the state (other RFCs, operating systems, tools).",
    ),
    key(
        "final",
        Flag,
        false,
        "`true` when the state may have no way out (not reported as a dead end).",
    ),
    key(
        "data",
        Text,
        false,
        "The Rust type of the data a handle holds in this state, e.g. `crate::tcb::Sent`.",
    ),
];

/// `[groups.NAME]`.
pub const GROUP: &[Key] = &[
    key(
        "states",
        Texts,
        true,
        "The members: states, or other groups nested in this one.",
    ),
    key(
        "initial",
        Text,
        false,
        "The member a transition to the group enters; needed only when a `to` names the group.",
    ),
    key(
        "doc",
        Text,
        false,
        "What the states of the group have in common.",
    ),
    key(
        "cite",
        Text,
        false,
        "Where the grouping comes from, e.g. `RFC 9293 3.10.7.4`.",
    ),
];

/// `[events.NAME]`.
pub const EVENT: &[Key] = &[
    key(
        "kind",
        OneOf(EVENT_KINDS),
        false,
        "`call` (the user or application), `receive` (something arrives) or `timeout`; \
         required unless the event is inherited (`[machine] extends`).",
    ),
    key(
        "segment",
        Text,
        false,
        "For received events: what arrives, e.g. `SYN,ACK`.",
    ),
    key(
        "label",
        Text,
        false,
        "How diagrams name the event, e.g. `CLOSE`.",
    ),
    key("doc", Text, false, "What the event means."),
    key("aliases", Texts, false, "Other names of the event."),
    key(
        "refines",
        Text,
        false,
        "A coarser event this one is a special case of.",
    ),
    key(
        "payload",
        Text,
        false,
        "The Rust type of the value the event carries, e.g. `crate::tcb::Segment`.",
    ),
];

/// `[[transition]]`.
pub const TRANSITION: &[Key] = &[
    key(
        "from",
        TextOrTexts,
        true,
        "A state or group, or a list of them that share the transition.",
    ),
    key(
        "event",
        TextOrTexts,
        true,
        "The event that triggers it, or a list of events.",
    ),
    key(
        "to",
        Text,
        true,
        "The next state, or a group (its `initial`, followed down to a state).",
    ),
    key(
        "send",
        Text,
        false,
        "What the machine emits, e.g. `SYN,ACK`.",
    ),
    key(
        "guard",
        Identifier,
        false,
        "The condition that selects this transition among those sharing `from` and `event`.",
    ),
    key("tags", Texts, false, "Free-form labels, e.g. `figure6`."),
    key(
        "cite",
        Text,
        false,
        "Where the transition comes from; required when `[machine] require_cite = true`.",
    ),
    key("doc", Text, false, "A sentence on the transition."),
    key(
        "quote",
        Text,
        false,
        "A short verbatim quote of the cited text.",
    ),
    key(
        "contradiction",
        Text,
        false,
        "With `reading`: the `[[contradiction]]` this transition is a reading of.",
    ),
    key(
        "reading",
        Text,
        false,
        "With `contradiction`: the name of this reading.",
    ),
    key(
        "deviation",
        Text,
        false,
        "Why this transition differs from the reference on purpose.",
    ),
];

/// `[[contradiction]]`.
pub const CONTRADICTION: &[Key] = &[
    key(
        "id",
        Identifier,
        true,
        "Names a place where the source document says two things.",
    ),
    key(
        "kind",
        OneOf(CONTRADICTION_KINDS),
        false,
        "`contradiction` (default) or `option`.",
    ),
    key("summary", Text, true, "What the readings disagree on."),
    key("doc", Text, false, "More on it."),
];

/// `[[no_transition]]`.
pub const NO_TRANSITION: &[Key] = &[
    key(
        "from",
        TextOrTexts,
        true,
        "A state or group, or a list of both (a group: each state inside that does not handle \
         the event itself).",
    ),
    key("event", TextOrTexts, true, "An event, or a list of events."),
    key(
        "kind",
        OneOf(NO_TRANSITION_KINDS),
        true,
        "`error`, `drop` or `impossible`.",
    ),
    key(
        "cite",
        Text,
        true,
        "Where the document says the event is handled without a transition.",
    ),
    key(
        "quote",
        Text,
        false,
        "A short verbatim quote of the cited text.",
    ),
    key("doc", Text, false, "A sentence on it."),
];

/// `[[deviation]]`.
pub const DEVIATION: &[Key] = &[
    key(
        "from",
        TextOrTexts,
        true,
        "A state or group, or a list of both (a group: every state inside).",
    ),
    key("event", TextOrTexts, true, "An event, or a list of events."),
    key(
        "guard",
        Text,
        false,
        "Narrows the declaration to this guard.",
    ),
    key(
        "to",
        Text,
        false,
        "Narrows the declaration to this next state.",
    ),
    key(
        "send",
        Text,
        false,
        "Narrows the declaration to this output.",
    ),
    key("reason", Text, true, "Why, e.g. `RFC 9293 3.10.7.4`."),
    key(
        "cite",
        Text,
        false,
        "Where the deviating behaviour comes from.",
    ),
    key(
        "against",
        TextOrTexts,
        false,
        "The references the declaration applies to (all when absent).",
    ),
];
