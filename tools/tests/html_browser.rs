//! The HTML page of `tcp-fsm report --html`, driven in headless Chromium as a user would:
//! it loads from a `file://` URL with no console error and no network request, an arc explains
//! itself with its RFC citation, the audit grid has the audit's verdicts, and the scenario
//! player moves both endpoints' states as RFC 793's Figure 7 says.
//!
//! Chromium and chromedriver (Debian's `chromium`, `chromium-driver`) are driven over
//! WebDriver with fantoccini: WebDriver is a W3C standard, so the test does not depend on the
//! DevTools protocol version of the installed Chromium (chromiumoxide's bindings are
//! generated for one), and chromedriver comes packaged at the browser's own version. Without
//! them the test prints "skipped: ..." and passes, unless `TCP_FSM_REQUIRE_BROWSER=1` (set by
//! `.ci/run`) turns the skip into a failure.

use fantoccini::elements::Element;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator, key::Key};
use serde_json::{Value, json};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Returns false (after saying why) when the browser test must be skipped; panics instead
/// when `TCP_FSM_REQUIRE_BROWSER=1`.
fn can_run() -> bool {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if missing.is_empty() {
        return true;
    }
    let why = format!("{} not installed", missing.join(" and "));
    test_support::BROWSER.skip("HTML page browser test", &why)
}

/// A chromedriver process on a free local port, ended when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start() -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver = Driver { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        driver
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// chromedriver's log endpoint (not in the W3C standard, so not in fantoccini): the browser's
/// console messages, or with `performance` the DevTools events, network requests among them.
#[derive(Debug)]
struct Log(&'static str);

impl WebDriverCompatibleCommand for Log {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({"type": self.0}).to_string()),
        )
    }
}

async fn log(client: &Client, kind: &'static str) -> Vec<Value> {
    match client.issue_cmd(Log(kind)).await.expect("the log") {
        Value::Array(entries) => entries,
        other => panic!("unexpected log: {other}"),
    }
}

/// The page of the bundled spec, written to a file; the audit as JSON; the citations of the
/// transitions from LISTEN to SYN_RECEIVED.
struct Bundled {
    page: PathBuf,
    audit: Value,
    listen_to_syn_received: Vec<String>,
}

fn bundled_page(dir: &Path) -> Bundled {
    let source = tcp_engine::spec_source();
    let spec = fsm_spec::Spec::from_source(&source).expect("the bundled spec");
    let report = tcp_fsm_tools::audit::report(&spec, &source, "rfc793").expect("the audit");
    let page = tcp_engine::page::tcp_page(&spec, &source, &report, None);
    let path = dir.join("tcp.html");
    std::fs::write(&path, page).expect("write the page");
    let audit: Value = serde_json::from_str(&report.to_json()).expect("audit JSON");
    let listen_to_syn_received = spec
        .transitions
        .iter()
        .filter(|t| spec.state(t.from).name == "LISTEN" && spec.state(t.to).name == "SYN_RECEIVED")
        .filter_map(|t| t.cite.clone())
        .collect();
    Bundled {
        page: path,
        audit,
        listen_to_syn_received,
    }
}

async fn session(driver: &Driver, profile: &Path) -> Client {
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1366,900",
    ]
    .into_iter()
    .map(String::from)
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect::<Vec<_>>();
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
        "goog:loggingPrefs": {"browser": "ALL", "performance": "ALL"},
    });
    let Value::Object(capabilities) = capabilities else {
        unreachable!("an object literal")
    };
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a WebDriver session")
}

/// The states the page highlights for side A and side B.
async fn highlighted(client: &Client) -> (Vec<String>, Vec<String>) {
    let names = |class: &str| {
        format!(
            "return [...new Set(Array.from(document.querySelectorAll('.view:not([hidden]) .state.{class}')).map(g => g.dataset.state))];"
        )
    };
    let mut out = Vec::new();
    for class in ["side-a", "side-b"] {
        let value = client.execute(&names(class), vec![]).await.expect("script");
        out.push(serde_json::from_value::<Vec<String>>(value).expect("names"));
    }
    let b = out.pop().unwrap_or_default();
    let a = out.pop().unwrap_or_default();
    (a, b)
}

#[tokio::test(flavor = "current_thread")]
async fn the_page_works_in_a_real_browser() {
    if !can_run() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("tcp-fsm-html-browser-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let bundled = bundled_page(&dir);
    let driver = Driver::start();
    let client = session(&driver, &dir.join("profile")).await;
    let result = check_page(&client, &bundled).await;
    let _ = client.close().await;
    drop(driver);
    let _ = std::fs::remove_dir_all(&dir);
    result.unwrap_or_else(|message| panic!("{message}"));
}

/// A WebDriver error as the test's failure message.
fn failed(error: impl std::fmt::Display) -> String {
    error.to_string()
}

/// The element at `locator`, or a failure that names it.
async fn element(client: &Client, locator: Locator<'_>) -> Result<Element, String> {
    let named = format!("{locator:?}");
    client
        .find(locator)
        .await
        .map_err(|e| format!("{named}: {e}"))
}

/// The text of the element at `locator`.
async fn text_of(client: &Client, locator: Locator<'_>) -> Result<String, String> {
    element(client, locator).await?.text().await.map_err(failed)
}

async fn check_page(client: &Client, bundled: &Bundled) -> Result<(), String> {
    let audit = &bundled.audit;
    let url = url::Url::from_file_path(&bundled.page).map_err(|()| "a file URL")?;
    client.goto(url.as_str()).await.map_err(failed)?;
    let title = client.title().await.map_err(failed)?;
    assert_eq!(title, "Tcp: state machine");

    // The scenario player shows line 1 of Figure 7 (the first scenario) on load.
    let (a, b) = highlighted(client).await;
    assert_eq!((a, b), (vec!["CLOSED".into()], vec!["LISTEN".into()]));

    // Clicking the arc LISTEN -> SYN_RECEIVED (on its label) shows its RFC 793 citation.
    let arc =
        Locator::Css(".view:not([hidden]) .edge[data-from='LISTEN'][data-to='SYN_RECEIVED'] text");
    element(client, arc).await?.click().await.map_err(failed)?;
    let details = text_of(client, Locator::Id("details")).await?;
    assert!(
        details.contains("LISTEN \u{2192} SYN_RECEIVED"),
        "{details}"
    );
    assert!(!bundled.listen_to_syn_received.is_empty());
    for cite in &bundled.listen_to_syn_received {
        assert!(cite.starts_with("RFC 793"), "{cite}");
        assert!(details.contains(cite.as_str()), "no `{cite}` in: {details}");
    }

    // Pointing at a state (WebDriver moves the pointer there to click) shows its aliases.
    element(
        client,
        Locator::Css(".view:not([hidden]) .state[data-state='SYN_RECEIVED'] text"),
    )
    .await?
    .click()
    .await
    .map_err(failed)?;
    let details = text_of(client, Locator::Id("details")).await?;
    assert!(
        details.contains("State SYN_RECEIVED") && details.contains("SYN_RCVD"),
        "the state's details: {details}"
    );
    assert!(
        details.contains("NON_SYNCHRONIZED"),
        "the state's group: {details}"
    );

    // Pointing at a group's name shows the group, with the transitions declared on it.
    element(
        client,
        Locator::Css(".view:not([hidden]) .group-name[data-group='SYNCHRONIZED'] text"),
    )
    .await?
    .click()
    .await
    .map_err(failed)?;
    let details = text_of(client, Locator::Id("details")).await?;
    for part in [
        "Group SYNCHRONIZED",
        "RFC 793 3.4",
        "USER TIMEOUT",
        "declared on",
    ] {
        assert!(
            details.contains(part),
            "no `{part}` in the group's details: {details}"
        );
    }

    // Every transition: SYNCHRONIZED's are one arc from its box, listed once per declaration.
    element(client, Locator::Css("input[name='view'][value='1']"))
        .await?
        .click()
        .await
        .map_err(failed)?;
    element(
        client,
        Locator::Css(".view:not([hidden]) .edge[data-from='SYNCHRONIZED'][data-to='CLOSED'] text"),
    )
    .await?
    .click()
    .await
    .map_err(failed)?;
    let details = text_of(client, Locator::Id("details")).await?;
    assert!(
        details.contains("SYNCHRONIZED \u{2192} CLOSED"),
        "{details}"
    );
    assert_eq!(
        details.matches("declared on").count(),
        3,
        "rcv SYN, USER TIMEOUT and rcv bad security, once each: {details}"
    );
    element(client, Locator::Css("input[name='view'][value='0']"))
        .await?
        .click()
        .await
        .map_err(failed)?;

    // The grid: one cell per reference state and event, with the audit's status and rule.
    let cells = client
        .execute(
            "return Array.from(document.querySelectorAll('#audit-grid button.cell')).map(b => \
             [b.dataset.state, b.dataset.event, b.dataset.status, b.dataset.rule, b.dataset.handling, b.textContent]);",
            vec![],
        )
        .await
        .map_err(failed)?;
    let cells: Vec<[String; 6]> = serde_json::from_value(cells).map_err(failed)?;
    let mut expected = Vec::new();
    for row in audit["coverage"].as_array().ok_or("coverage")? {
        for cell in row["cells"].as_array().ok_or("cells")? {
            expected.push([
                row["state"].as_str().unwrap_or_default().to_string(),
                cell["event"].as_str().unwrap_or_default().to_string(),
                cell["status"].as_str().unwrap_or_default().to_string(),
                cell["rule"].as_str().unwrap_or_default().to_string(),
                cell["spec"].as_str().unwrap_or_default().to_string(),
            ]);
        }
    }
    assert_eq!(
        expected.len(),
        11 * 15,
        "the audit has RFC 793's 11 states and 15 events"
    );
    let shown: Vec<[String; 5]> = cells
        .iter()
        .map(|c| {
            [
                c[0].clone(),
                c[1].clone(),
                c[2].clone(),
                c[3].clone(),
                c[4].clone(),
            ]
        })
        .collect();
    assert_eq!(shown, expected, "the grid shows the audit's verdicts");
    assert!(
        cells.iter().all(|c| !c[5].trim().is_empty()),
        "every cell has a text label"
    );

    // Enter on a declared cell shows the declaration's reason and the RFC's citation.
    let declared = element(
        client,
        Locator::Css("#audit-grid button.cell[data-status='declared']"),
    )
    .await?;
    declared
        .send_keys(&Key::Enter.to_string())
        .await
        .map_err(failed)?;
    let text = text_of(client, Locator::Id("audit-details")).await?;
    assert!(
        text.contains("declared") && text.contains("RFC 793"),
        "{text}"
    );

    // Figure 7, line by line with the arrow key: the states both endpoints are in.
    let figure7 = [
        ("CLOSED", "LISTEN"),
        ("SYN_SENT", "SYN_RECEIVED"),
        ("ESTABLISHED", "SYN_RECEIVED"),
        ("ESTABLISHED", "ESTABLISHED"),
        ("ESTABLISHED", "ESTABLISHED"),
    ];
    let player = element(client, Locator::Id("scenarios")).await?;
    player.click().await.map_err(failed)?;
    for (line, (a, b)) in figure7.iter().enumerate() {
        if line > 0 {
            player
                .send_keys(&Key::Right.to_string())
                .await
                .map_err(failed)?;
        }
        let shown = highlighted(client).await;
        assert_eq!(
            shown,
            (vec![a.to_string()], vec![b.to_string()]),
            "line {} of Figure 7",
            line + 1
        );
        let current = text_of(client, Locator::Css("#figure .current")).await?;
        assert!(
            current.trim_start().starts_with(&format!("{}.", line + 1)),
            "the figure's line {} is marked: {current}",
            line + 1
        );
    }
    // One more step stays on the last line; Left goes back.
    player
        .send_keys(&(Key::Right + &Key::Left.to_string()))
        .await
        .map_err(failed)?;
    let position = text_of(client, Locator::Id("position")).await?;
    assert_eq!(position, "line 4 of 5");

    // No console message at all (errors, CSP violations), and no request made for the page
    // but the page itself (the browser's own new-tab page, loaded before, makes many).
    let console = log(client, "browser").await;
    assert!(console.is_empty(), "console messages: {console:?}");
    let requests: Vec<String> = log(client, "performance")
        .await
        .iter()
        .filter_map(|entry| serde_json::from_str::<Value>(entry["message"].as_str()?).ok())
        .map(|m| m["message"].clone())
        .filter(|m| m["method"] == "Network.requestWillBeSent")
        .filter(|m| m["params"]["documentURL"] == url.as_str())
        .filter_map(|m| m["params"]["request"]["url"].as_str().map(String::from))
        .collect();
    assert_eq!(
        requests,
        [url.to_string()],
        "the requests made for the page"
    );
    let resources = client
        .execute(
            "return performance.getEntriesByType('resource').length;",
            vec![],
        )
        .await
        .map_err(failed)?;
    assert_eq!(resources, json!(0), "resources fetched by the page");
    Ok(())
}

/// The README's screenshot (docs/tcp-page.png, 1440×900) and a phone-width one (390×844, in
/// the temporary directory): Figure 7 at line 3, the arc LISTEN → SYN_RECEIVED chosen, the
/// client path highlighted. Run by hand after changing the page:
/// `cargo test -p tcp-fsm-tools --test html_browser -- --ignored`.
#[tokio::test(flavor = "current_thread")]
#[ignore = "writes docs/tcp-page.png; run by hand"]
async fn screenshots() {
    if !can_run() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("tcp-fsm-html-shots-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let bundled = bundled_page(&dir);
    let driver = Driver::start();
    let client = session(&driver, &dir.join("profile")).await;
    let url = url::Url::from_file_path(&bundled.page).expect("a file URL");
    let docs = test_support::repository().join("docs/tcp-page.png");
    let phone = std::env::temp_dir().join("tcp-page-phone.png");
    for (width, height, path) in [(1440, 900, &docs), (390, 844, &phone)] {
        client.set_window_size(width, height).await.expect("resize");
        client.goto(url.as_str()).await.expect("load");
        let click = |css: &'static str| {
            let client = &client;
            async move {
                client
                    .find(Locator::Css(css))
                    .await
                    .expect(css)
                    .click()
                    .await
                    .expect(css)
            }
        };
        click("input[name='path'][value='0']").await;
        click(".view:not([hidden]) .edge[data-from='LISTEN'][data-to='SYN_RECEIVED'] text").await;
        let player = client.find(Locator::Id("scenarios")).await.expect("player");
        player
            .send_keys(&(Key::Right + &Key::Right.to_string()))
            .await
            .expect("keys");
        // The top of the page, where the diagram and the player are.
        client
            .execute(
                "window.scrollTo(0, 0); document.activeElement.blur();",
                vec![],
            )
            .await
            .expect("scroll");
        let png = client.screenshot().await.expect("screenshot");
        std::fs::write(path, png).expect("write the screenshot");
        eprintln!("wrote {}", path.display());
    }
    let _ = client.close().await;
    drop(driver);
    let _ = std::fs::remove_dir_all(&dir);
}
