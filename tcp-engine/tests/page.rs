//! The HTML page on specs that are not TCP: every state and transition is on the
//! page, text from the spec is escaped, the audit and conformance grids have one cell per
//! state and event with the right verdict, and sections without data are left out.

use fsm_spec::audit;
use fsm_spec::render::Options;
use fsm_spec::{SourceFile, Spec};
use tcp_engine::conform::report::read_json;
use tcp_engine::page::walkthrough::{Message, WalkStep};
use tcp_engine::page::{self as html, Page, View, Walkthrough};
use tcp_engine::transcript::Fate;

use test_support::DOOR;

fn load(name: &str, text: &str) -> (SourceFile, Spec) {
    let source = SourceFile::new(name, text);
    let spec = Spec::from_source(&source).unwrap_or_else(|e| panic!("{name} is invalid:\n{e}"));
    (source, spec)
}

/// The page's markup outside the JSON data and the script, where the tests look for tags.
fn markup(page: &str) -> &str {
    page.split("<script type=\"application/json\"")
        .next()
        .unwrap()
}

#[test]
fn the_door_page_has_every_state_and_transition_and_no_empty_section() {
    let (source, spec) = load("door.toml", DOOR);
    let page = html::html(&Page::new(&spec, &source));
    for state in &spec.states {
        assert!(
            page.contains(&format!("class=\"state\" data-state=\"{}\"", state.name)),
            "{}",
            state.name
        );
    }
    let mut drawn: Vec<usize> = markup(&page)
        .split("data-transitions=\"")
        .skip(1)
        .flat_map(|rest| {
            let list = &rest[..rest.find('"').unwrap()];
            list.split(' ')
                .map(|i| i.parse::<usize>().unwrap())
                .collect::<Vec<_>>()
        })
        .collect();
    drawn.sort();
    assert_eq!(drawn, (0..spec.transitions.len()).collect::<Vec<_>>());
    // No audit, no walkthroughs, no conformance, one view: none of their controls.
    for absent in [
        "id=\"audit\"",
        "id=\"scenarios\"",
        "id=\"conformance\"",
        "name=\"view\" value",
    ] {
        assert!(!page.contains(absent), "{absent}");
    }
    assert!(page.contains("door.toml:"), "file:line of the transitions");
    assert_eq!(
        page,
        html::html(&Page::new(&spec, &source)),
        "deterministic"
    );
}

#[test]
fn text_from_the_spec_is_escaped_everywhere() {
    let evil = DOOR
        .replace(
            "doc = \"A door with a lock.\"",
            "doc = \"</script><script>alert(1)</script>\"",
        )
        .replace(
            "doc = \"Shut but not locked.\"",
            "doc = \"<img src=x onerror=alert(2)>\"",
        )
        .replacen(
            "event = \"open\"\nto = \"OPEN\"\n",
            "event = \"open\"\nto = \"OPEN\"\ncite = \"<b onclick='x'>manual</b> & co\"\n",
            1,
        );
    let (source, spec) = load("<door>.toml", &evil);
    let walkthrough = Walkthrough {
        title: "<i>walk</i>".into(),
        source: None,
        sides: ["A".into(), "B".into()],
        heading: "A B".into(),
        steps: vec![WalkStep {
            text: vec!["1. <CLOSED>".into()],
            states: [Some("CLOSED".into()), None],
            messages: vec![Message {
                text: "<SEQ=1>".into(),
                from: 0,
                delivery: Fate::Lost,
            }],
        }],
        notes: Vec::new(),
    };
    let page = html::html(&Page {
        walkthroughs: vec![walkthrough],
        ..Page::new(&spec, &source)
    });
    assert_eq!(
        page.matches("<script").count(),
        2,
        "only the page's own scripts"
    );
    assert_eq!(page.matches("</script>").count(), 2);
    for tag in ["<img", "<b ", "<i>", "<SEQ", "<CLOSED", "<door>"] {
        assert!(!page.contains(tag), "{tag} is not escaped");
    }
    assert!(
        page.contains("&lt;/script&gt;&lt;script&gt;alert(1)"),
        "machine doc as text"
    );
    assert!(
        page.contains("&lt;i&gt;walk&lt;/i&gt;"),
        "walkthrough title as text"
    );
    assert!(
        page.contains("\\u003cimg src=x onerror=alert(2)\\u003e"),
        "state doc in the data"
    );
    assert!(page.contains("\\u003cb onclick='x'\\u003emanual\\u003c/b\\u003e \\u0026 co"));
}

/// The door spec against a "reference" door whose LOCKED + kick stays LOCKED.
fn audited_door() -> (SourceFile, Spec, audit::Report) {
    let (source, spec) = load("door.toml", DOOR);
    let reference_text = format!(
        "{}\n[[transition]]\nfrom = \"LOCKED\"\nevent = \"kick\"\nto = \"LOCKED\"\ncite = \"reference 9\"\n",
        DOOR.replace("from = [\"CLOSED\", \"LOCKED\"]", "from = \"CLOSED\"")
    );
    let (_, reference) = load("reference.toml", &reference_text);
    let report = audit::audit(&spec, &source, &reference);
    (source, spec, report)
}

#[test]
fn the_audit_grid_has_a_cell_per_reference_state_and_event_with_its_verdict() {
    let (source, spec, report) = audited_door();
    assert!(!report.passed());
    let page = html::html(&Page {
        audit: Some(&report),
        ..Page::new(&spec, &source)
    });
    let cells: Vec<&str> = markup(&page)
        .split("<button type=\"button\" class=\"cell")
        .skip(1)
        .collect();
    let expected: usize = report.coverage.iter().map(|r| r.cells.len()).sum();
    assert_eq!(cells.len(), expected);
    assert_eq!(expected, 4 * 5);
    let differs: Vec<&&str> = cells
        .iter()
        .filter(|c| c.contains("data-status=\"discrepancy\""))
        .collect();
    assert_eq!(differs.len(), 1, "{differs:?}");
    assert!(
        differs[0].contains("data-state=\"LOCKED\" data-event=\"kick\"")
            && differs[0].contains("data-verdict=\"discrepancy\"")
            && differs[0].contains(">DIFF</button>"),
        "{}",
        differs[0]
    );
    assert!(page.contains("<strong>failed</strong>"));
    assert!(page.contains("1 discrepancies"));
}

#[test]
fn views_become_toggles_and_paths_checkboxes() {
    let (source, spec) = load("door.toml", DOOR);
    let open = spec.event_named("open").unwrap();
    let close = spec.event_named("close").unwrap();
    let path =
        fsm_spec::render::Highlight::run(&spec, "visitor", "#0072B2", &[open, close]).unwrap();
    let page = html::html(&Page {
        views: vec![
            View {
                label: "No self-loops".into(),
                options: Options {
                    arcs: fsm_spec::render::Arcs::NoSelfLoops,
                    ..Options::default()
                },
            },
            View {
                label: "All".into(),
                options: Options::all(),
            },
        ],
        paths: vec![path],
        ..Page::new(&spec, &source)
    });
    assert_eq!(page.matches("name=\"view\" value").count(), 2);
    assert_eq!(page.matches("<div class=\"view\"").count(), 2);
    assert!(page.contains("data-view=\"1\" hidden"));
    assert!(page.contains("visitor path"));
    // The self-loop LOCKED + unlock [wrong_key] is drawn in the second view only.
    let views: Vec<&str> = page.split("<div class=\"view\"").skip(1).collect();
    let self_loop = "data-from=\"LOCKED\" data-to=\"LOCKED\"";
    assert!(!views[0].contains(self_loop) && views[1].contains(self_loop));
}

#[test]
fn conformance_cells_show_the_worst_verdict_of_their_cases() {
    let (source, spec) = load("door.toml", DOOR);
    // In the shape `tcp-fsm conform --format json` writes: a list of target reports.
    let json = r#"[{"target": "door-o-matic", "stack": "door-o-matic 2", "seconds": 0.5, "cases": [
        {"case": "closed_open", "from": "CLOSED", "event": "open", "guard": null, "prefix": [],
         "expected": {"to": "OPEN", "send": null},
         "observed": {"state": "OPEN", "stack_state": "open", "segments": [], "refusal": null, "peer_sent": null},
         "verdict": "agrees", "explained_by": null, "reason": null},
        {"case": "open_close", "from": "OPEN", "event": "close", "guard": null, "prefix": ["open"],
         "expected": {"to": "CLOSED", "send": "CLICK"},
         "observed": {"state": "CLOSED", "stack_state": "shut", "segments": [], "refusal": null, "peer_sent": null},
         "verdict": "differs", "explained_by": "a quiet door (manual 2b)", "reason": "no CLICK"},
        {"case": "locked_unlock_right_key", "from": "LOCKED", "event": "unlock", "guard": "right_key",
         "prefix": ["lock"], "expected": {"to": "CLOSED", "send": null},
         "observed": {"state": "CLOSED", "stack_state": null, "segments": [], "refusal": null, "peer_sent": null},
         "verdict": "agrees", "explained_by": null, "reason": null},
        {"case": "locked_unlock_wrong_key", "from": "LOCKED", "event": "unlock", "guard": "wrong_key",
         "prefix": ["lock"], "expected": {"to": "LOCKED", "send": "ALARM"},
         "observed": {"state": "LOCKED", "stack_state": null, "segments": [], "refusal": null, "peer_sent": null},
         "verdict": "differs", "explained_by": null, "reason": "no ALARM"},
        {"case": "closed_kick", "from": "CLOSED", "event": "kick", "guard": null, "prefix": [],
         "expected": {"to": "BROKEN", "send": "CRASH, BANG"}, "observed": null, "verdict": "not_driven",
         "explained_by": null, "reason": "no boot in the lab"}
    ]}]"#;
    let conformance = read_json(json).unwrap();
    let page = html::html(&Page {
        conformance: Some(&conformance[..]),
        ..Page::new(&spec, &source)
    });
    let cell = |state: &str, event: &str| {
        let label = format!("aria-label=\"{state}, {event}: ");
        let at = page
            .find(&label)
            .unwrap_or_else(|| panic!("no cell {state} {event}"));
        let rest = &page[at + label.len()..];
        rest[..rest.find("</button>").unwrap()].to_string()
    };
    assert_eq!(cell("CLOSED", "open"), "matched\">ok");
    assert_eq!(cell("OPEN", "close"), "declared\">expl");
    assert_eq!(cell("LOCKED", "unlock"), "discrepancy\">DIFF \u{d7}2");
    assert_eq!(cell("CLOSED", "kick"), "undefined\">n/d");
    assert!(page.contains("door-o-matic: 2 of 5 cases agree"));
    // One cell per state and event of the spec, empty where no case was run.
    let table = &page[page.find("class=\"grid conformance\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert_eq!(
        table.matches("<td").count(),
        spec.states.len() * spec.events.len()
    );
}

/// The page's JSON data.
fn page_data(page: &str) -> serde_json::Value {
    let start = page.find("id=\"page-data\">").unwrap() + "id=\"page-data\">".len();
    let end = start + page[start..].find("</script>").unwrap();
    serde_json::from_str(&page[start..end]).unwrap()
}

#[test]
fn a_spec_with_groups_shows_them_in_the_diagram_the_details_and_a_table() {
    let (source, spec) = load("player.toml", test_support::PLAYER);
    let page = html::html(&Page::new(&spec, &source));
    let markup = markup(&page);
    assert!(markup.contains("4 states in 2 groups"), "the facts");
    assert!(markup.contains("<a href=\"#groups\">Groups</a>"));
    // The boxes, focusable, and POWERED's transition to OFF once, from the box.
    for group in ["POWERED", "PLAYING_MODES"] {
        assert!(
            markup.contains(&format!(
                "<g class=\"group\" data-group=\"{group}\" tabindex=\"0\">"
            )),
            "{group}"
        );
    }
    assert_eq!(
        markup
            .matches("data-from=\"POWERED\" data-to=\"OFF\"")
            .count(),
        1
    );
    // The table: PLAYING_MODES inside POWERED; each declaration once, with where it applies.
    let table = &markup[markup.find("<section id=\"groups\">").unwrap()..];
    let table = &table[..table.find("</section>").unwrap()];
    assert!(table.contains("PLAYING_MODES <span class=\"muted\">in POWERED</span>"));
    assert!(table.contains("<em>PLAYING_MODES</em>, STOPPED"), "{table}");
    assert!(
        table.contains("<code>power_off \u{2192} OFF</code> <span class=\"muted\">from all but PAUSED (its own) (player.toml:"),
        "{table}"
    );
    assert!(
        table.contains("<code>reset \u{2192} STOPPED</code> <span class=\"muted\">from every state in it (player.toml:"),
        "{table}"
    );
    assert_eq!(table.matches("<code>reset").count(), 1);
    // The script's data: each state's groups, each group, where each transition was declared.
    let data = page_data(&page);
    let paused = data["states"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "PAUSED")
        .unwrap();
    assert_eq!(
        paused["groups"],
        serde_json::json!(["POWERED", "PLAYING_MODES"])
    );
    assert_eq!(data["groups"][1]["name"], "PLAYING_MODES");
    assert_eq!(data["groups"][1]["parent"], "POWERED");
    assert_eq!(data["groups"][0]["initial"], "STOPPED");
    let declared: Vec<&str> = data["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["event"] == "reset")
        .map(|t| t["declared_in"].as_str().unwrap())
        .collect();
    assert_eq!(declared, ["POWERED"; 3]);
    let power_on = data["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["event"] == "power_on")
        .unwrap();
    assert_eq!(
        (power_on["to"].as_str(), power_on["to_group"].as_str()),
        (Some("STOPPED"), Some("POWERED"))
    );
}

#[test]
fn a_spec_without_groups_has_no_group_section() {
    let (source, spec) = load("door.toml", DOOR);
    let page = html::html(&Page::new(&spec, &source));
    assert!(!page.contains("id=\"groups\""));
    assert!(!page.contains("class=\"group\""));
    assert!(!markup(&page).contains(" in 1 group"));
    assert_eq!(page_data(&page)["groups"], serde_json::json!([]));
}
