//! `tcp-fsm report --html`: the page of the bundled spec, of a spec that is not TCP, with
//! conformance results, and the checked-in copy in docs/ kept current.

mod cli;

use cli::{tcp_fsm, temp_dir, temp_file, text};
use std::path::Path;

fn docs() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs")
}

#[test]
fn the_bundled_page_has_the_audit_and_the_scenarios() {
    let out_dir = temp_dir().join("bundled");
    let page = temp_dir().join("bundled.html");
    let out = tcp_fsm(&[
        "report",
        "--out",
        out_dir.to_str().unwrap(),
        "--html",
        page.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let page = std::fs::read_to_string(page).unwrap();
    assert_eq!(
        page,
        std::fs::read_to_string(out_dir.join("tcp.html")).unwrap()
    );
    assert!(page.contains("id=\"audit-grid\""));
    assert_eq!(
        page.matches("<button type=\"button\" class=\"cell").count(),
        11 * 15,
        "one cell per state and event of RFC 793's reference"
    );
    // The RFC figures and the blog's scenarios, Figure 7 first.
    let options = page.matches("<option value=").count();
    assert_eq!(options, 12, "scenarios on the page");
    assert!(page.contains(
        "<option value=\"0\">Basic 3-Way Handshake for Connection Synchronization</option>"
    ));
    assert!(
        page.contains("TCP 状态机") || page.contains("三次握手"),
        "the blog's scenarios"
    );
    assert!(page.contains("Figure 6 arcs") && page.contains("client path"));
}

#[test]
fn a_spec_that_is_not_tcp_gets_a_page_without_scenarios() {
    let door = test_support::repository().join("test-support/door.toml");
    let page = temp_dir().join("door.html");
    let out = tcp_fsm(&[
        "report",
        door.to_str().unwrap(),
        "--out",
        temp_dir().join("door").to_str().unwrap(),
        "--html",
        page.to_str().unwrap(),
    ]);
    // The door fails the audit against RFC 793, but the page is written.
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let page = std::fs::read_to_string(page).unwrap();
    assert!(page.contains("<h1>Door</h1>"));
    assert!(
        !page.contains("id=\"scenarios\""),
        "the simulator cannot drive a door"
    );
    assert!(!page.contains("Figure 6 arcs"), "no figure6 tags");
    assert!(page.contains("<strong>failed</strong>"));
    assert!(
        !temp_dir().join("door/door.html").exists(),
        "only the bundled page goes to the folder"
    );
}

#[test]
fn conformance_results_become_grids() {
    let sample = test_support::testdata("conformance-sample.json");
    let page = temp_dir().join("conformance.html");
    let out = tcp_fsm(&[
        "report",
        "--out",
        temp_dir().join("conformance").to_str().unwrap(),
        "--html",
        page.to_str().unwrap(),
        "--conformance",
        sample.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let page = std::fs::read_to_string(page).unwrap();
    assert!(page.contains("<h3>linux: 2 of 5 cases agree</h3>"));
    assert!(page.contains("<h3>smoltcp: 1 of 1 cases agree</h3>"));
    assert!(page.contains("aria-label=\"TIME_WAIT, rcv_syn: declared\">expl</button>"));
    assert!(page.contains("aria-label=\"ESTABLISHED, rcv_syn: discrepancy\">DIFF</button>"));
    assert!(page.contains("aria-label=\"SYN_RECEIVED, rcv_rst: undefined\">n/d \u{d7}2</button>"));
    // The folder's copy stays without them: it must not depend on the machine.
    let docs_copy = std::fs::read_to_string(temp_dir().join("conformance/tcp.html")).unwrap();
    assert!(!docs_copy.contains("id=\"conformance\""));
}

#[test]
fn unreadable_conformance_results_are_reported_with_their_file() {
    let bad = temp_file("bad-conformance.json", "{\"linux\": [{\"case\": 1}]}");
    let out = tcp_fsm(&[
        "report",
        "--out",
        temp_dir().join("bad").to_str().unwrap(),
        "--html",
        temp_dir().join("bad.html").to_str().unwrap(),
        "--conformance",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("bad-conformance.json: cannot read the conformance results"),
        "{stderr}"
    );
    let out = tcp_fsm(&["report", "--conformance", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "--conformance needs --html");
}

#[test]
fn the_checked_in_page_is_up_to_date() {
    let source = tcp_engine::spec_source();
    let spec = tcp_engine::spec();
    let report = tcp_fsm_tools::audit::report(&spec, &source, "rfc793").unwrap();
    let page = tcp_fsm_tools::report::page(&spec, &source, &report, None);
    let stale = tcp_fsm_tools::report::stale(&docs(), &[("tcp.html".into(), page)]);
    assert!(
        stale.is_empty(),
        "stale: {stale:?}; regenerate with `cargo run -p tcp-fsm-tools -- report`"
    );
}
