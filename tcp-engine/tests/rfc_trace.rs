//! The rule-by-rule traces of RFC 793 3.9 and RFC 9293 3.10 in `docs/audit.md` against the
//! reference models they trace: every rule names entries the reference has (or says why it
//! has none), and every reference entry is named by some rule. A reference entry that no rule
//! of the RFC stands for, or a rule the reference lost, fails here.

use std::collections::{BTreeMap, BTreeSet};
use tcp_engine::specs::{self as reference, Reference};

/// A (state, event) pair, by name.
type Key = (String, String);

/// One row of a trace table.
#[derive(Debug)]
struct Rule {
    id: String,
    section: String,
    /// The reference entries it names; empty for a rule marked `none`.
    keys: Vec<Key>,
    what: String,
}

/// The rows of the table that follows `<!-- trace: ID -->`.
fn trace(id: &str, states: &[String]) -> Vec<Rule> {
    let marker = format!("<!-- trace: {id} -->");
    let audit_md = std::fs::read_to_string(test_support::repository().join("docs/audit.md"))
        .expect("docs/audit.md");
    let start = audit_md
        .find(&marker)
        .unwrap_or_else(|| panic!("docs/audit.md has no `{marker}`"));
    audit_md[start + marker.len()..]
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| l.starts_with('|'))
        .skip(2) // the heading and the separator
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            assert_eq!(cells.len(), 4, "a trace row has four cells: {line}");
            Rule {
                id: cells[0].to_string(),
                section: cells[1].to_string(),
                what: cells[2].to_string(),
                keys: keys(cells[3], states, line),
            }
        })
        .collect()
}

/// `S1, S2: e1, e2; all: e3` as pairs; `none` as no pairs.
fn keys(cell: &str, states: &[String], line: &str) -> Vec<Key> {
    if cell == "none" {
        return Vec::new();
    }
    let mut keys = Vec::new();
    for group in cell.split(';') {
        let (from, events) = group
            .split_once(':')
            .unwrap_or_else(|| panic!("`STATES: EVENTS` expected in {line}"));
        let from: Vec<String> = match from.trim() {
            "all" => states.to_vec(),
            list => list.split(',').map(|s| s.trim().to_string()).collect(),
        };
        for state in &from {
            for event in events.split(',') {
                keys.push((state.clone(), event.trim().to_string()));
            }
        }
    }
    keys
}

/// Every (state, event) of the reference's transitions and no-transition entries, with the
/// citations of the entries there.
fn reference_keys(bundled: &Reference) -> BTreeMap<Key, Vec<String>> {
    let spec = bundled.spec();
    let name = |s, e| (spec.state(s).name.clone(), spec.event(e).name.clone());
    let mut keys: BTreeMap<Key, Vec<String>> = BTreeMap::new();
    for t in &spec.transitions {
        keys.entry(name(t.from, t.event))
            .or_default()
            .push(t.cite.clone().unwrap_or_default());
    }
    for n in &spec.no_transitions {
        keys.entry(name(n.from, n.event))
            .or_default()
            .push(n.cite.clone());
    }
    keys
}

fn state_names(bundled: &Reference) -> Vec<String> {
    let spec = bundled.spec();
    spec.state_ids()
        .map(|s| spec.state(s).name.clone())
        .collect()
}

/// The checks both traces pass; `section` is the section every rule of the RFC's own event
/// processing starts with.
fn check(bundled: &Reference, prefix: &str) {
    let rules = trace(bundled.id, &state_names(bundled));
    let reference = reference_keys(bundled);
    assert!(
        rules.len() > 50,
        "{}: only {} rules",
        bundled.id,
        rules.len()
    );

    let mut ids = BTreeSet::new();
    for rule in &rules {
        assert!(ids.insert(&rule.id), "rule {} is traced twice", rule.id);
        assert!(
            rule.id.starts_with(prefix),
            "rule {} of the {} trace should start with {prefix}",
            rule.id,
            bundled.id
        );
        if rule.keys.is_empty() {
            assert!(
                rule.what.contains("not modelled"),
                "rule {} names no reference entry, so it must say why (\"not modelled\")",
                rule.id
            );
        }
        for key in &rule.keys {
            assert!(
                reference.contains_key(key),
                "rule {} ({}) names {} + {}, which {} does not have",
                rule.id,
                rule.section,
                key.0,
                key.1,
                bundled.path
            );
        }
    }

    let traced: BTreeSet<&Key> = rules.iter().flat_map(|r| &r.keys).collect();
    let untraced: Vec<String> = reference
        .iter()
        .filter(|(key, _)| !traced.contains(key))
        .map(|((s, e), cites)| format!("{s} + {e} ({})", cites.join(" | ")))
        .collect();
    assert!(
        untraced.is_empty(),
        "{} entries no rule of the trace stands for:\n{}",
        bundled.path,
        untraced.join("\n")
    );
}

#[test]
fn every_rule_of_rfc_793_3_9_maps_to_the_reference_and_back() {
    check(&reference::RFC793, "793-");
}

#[test]
fn every_rule_of_rfc_9293_3_10_maps_to_the_reference_and_back() {
    check(&reference::RFC9293, "9293-");
}

#[test]
fn the_traces_walk_the_event_processing_sections_of_their_rfc() {
    // Every user call, every state of SEGMENT ARRIVES and every timeout has a rule.
    let headings = [
        (
            "rfc793",
            vec![
                "3.9 OPEN Call",
                "3.9 SEND Call",
                "3.9 RECEIVE Call",
                "3.9 CLOSE Call",
                "3.9 ABORT Call",
                "3.9 STATUS Call",
                "3.9 SEGMENT ARRIVES, CLOSED",
                "3.9 SEGMENT ARRIVES, LISTEN",
                "3.9 SEGMENT ARRIVES, SYN-SENT",
                "3.9 SEGMENT ARRIVES, first check",
                "3.9 SEGMENT ARRIVES, second check",
                "3.9 SEGMENT ARRIVES, third check",
                "3.9 SEGMENT ARRIVES, fourth",
                "3.9 SEGMENT ARRIVES, fifth",
                "3.9 SEGMENT ARRIVES, sixth",
                "3.9 SEGMENT ARRIVES, seventh",
                "3.9 SEGMENT ARRIVES, eighth",
                "3.9 USER TIMEOUT",
                "3.9 RETRANSMISSION TIMEOUT",
                "3.9 TIME-WAIT TIMEOUT",
            ],
        ),
        (
            "rfc9293",
            vec![
                "3.10.1 OPEN",
                "3.10.2 SEND",
                "3.10.3 RECEIVE",
                "3.10.4 CLOSE",
                "3.10.5 ABORT",
                "3.10.6 STATUS",
                "3.10.7.1 CLOSED",
                "3.10.7.2 LISTEN",
                "3.10.7.3 SYN-SENT",
                "3.10.7.4 first",
                "3.10.7.4 second",
                "3.10.7.4 third",
                "3.10.7.4 fourth",
                "3.10.7.4 fifth",
                "3.10.7.4 sixth",
                "3.10.7.4 seventh",
                "3.10.7.4 eighth",
                "3.10.8 USER TIMEOUT",
                "3.10.8 RETRANSMISSION TIMEOUT",
                "3.10.8 TIME-WAIT TIMEOUT",
            ],
        ),
    ];
    for (id, sections) in headings {
        let rules = trace(id, &[]);
        for section in sections {
            assert!(
                rules.iter().any(|r| r.section.starts_with(section)),
                "the {id} trace has no rule for {section}"
            );
        }
    }
}
