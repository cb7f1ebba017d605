//! `tcp-fsm report --html`: the page of the bundled spec, of a spec that is not TCP, with
//! conformance results, and the checked-in copy in docs/ kept current.

mod cli;

use cli::{tcp_fsm, temp_dir, temp_file, text};

fn docs() -> std::path::PathBuf {
    test_support::repository().join("docs")
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
fn conform_output_becomes_grids() {
    // Real results: what `tcp-fsm conform` writes is what the page reads.
    let run = tcp_fsm(&["conform", "--target", "smoltcp", "--format", "json"]);
    assert!(
        matches!(run.status.code(), Some(0 | 1)),
        "{}",
        text(&run.stderr)
    );
    let results = temp_file("smoltcp-conformance.json", &run.stdout);
    let reports: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let cases = reports[0]["cases"].as_array().expect("a list of cases");
    let agree = cases.iter().filter(|c| c["verdict"] == "agrees").count();
    let page = temp_dir().join("conformance.html");
    let out = tcp_fsm(&[
        "report",
        "--out",
        temp_dir().join("conformance").to_str().unwrap(),
        "--html",
        page.to_str().unwrap(),
        "--conformance",
        results.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let page = std::fs::read_to_string(page).unwrap();
    assert!(
        page.contains(&format!(
            "<h3>smoltcp: {agree} of {} cases agree</h3>",
            cases.len()
        )),
        "the target's heading counts its cases"
    );
    // Each cell shows the worst verdict of its cases: an unexplained difference wins.
    let finding = cases
        .iter()
        .find(|c| c["verdict"] == "differs" && c["explained_by"].is_null())
        .expect("smoltcp has findings (docs/conformance.md)");
    let label = format!(
        "aria-label=\"{}, {}: discrepancy\">DIFF",
        finding["from"].as_str().unwrap(),
        finding["event"].as_str().unwrap()
    );
    assert!(page.contains(&label), "{label}");
    // The folder's copy stays without them: it must not depend on the machine.
    let docs_copy = std::fs::read_to_string(temp_dir().join("conformance/tcp.html")).unwrap();
    assert!(!docs_copy.contains("id=\"conformance\""));
}

#[test]
fn lwip_and_smoltcp_results_become_one_grid_each() {
    if let Some(why) = tcp_engine::conform::lwip::unavailable() {
        test_support::LWIP.skip("the page of lwIP's results", &why);
        return;
    }
    let run = tcp_fsm(&["conform", "--target", "smoltcp,lwip", "--format", "json"]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
    let results = temp_file("lwip-conformance.json", &run.stdout);
    let reports: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let page = temp_dir().join("lwip-conformance.html");
    let out = tcp_fsm(&[
        "report",
        "--out",
        temp_dir().join("lwip-conformance").to_str().unwrap(),
        "--html",
        page.to_str().unwrap(),
        "--conformance",
        results.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let page = std::fs::read_to_string(page).unwrap();
    for report in reports.as_array().unwrap() {
        let cases = report["cases"].as_array().unwrap();
        let agree = cases.iter().filter(|c| c["verdict"] == "agrees").count();
        let heading = format!(
            "<h3>{}: {agree} of {} cases agree</h3>",
            report["target"].as_str().unwrap(),
            cases.len()
        );
        assert!(page.contains(&heading), "{heading}");
    }
}

#[test]
fn a_missing_conformance_file_cannot_be_read() {
    let missing = temp_dir().join("no-such-conformance.json");
    let out = tcp_fsm(&[
        "report",
        "--out",
        temp_dir().join("missing").to_str().unwrap(),
        "--html",
        temp_dir().join("missing.html").to_str().unwrap(),
        "--conformance",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("no-such-conformance.json: cannot read:"),
        "{stderr}"
    );
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
    let page = tcp_engine::page::tcp_page(&spec, &source, &report, None);
    let stale = tcp_fsm_tools::report::stale(&docs(), &[("tcp.html".into(), page)]);
    assert!(
        stale.is_empty(),
        "stale: {stale:?}; regenerate with `cargo run -p tcp-fsm-tools -- report`"
    );
}
