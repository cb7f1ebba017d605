//! `tcp-fsm check` and `tcp-fsm export` as a user runs them: exit codes, stdout, stderr.

mod cli;
use cli::{tcp_fsm, tcp_fsm_in, temp_file, text};

#[test]
fn check_reports_the_bundled_spec_clean() {
    let out = tcp_fsm(&["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("tcp-fsm/tcp.toml: machine Tcp with 11 states, 14 events and "),
        "{stdout}"
    );
    assert!(
        stdout
            .trim_end()
            .ends_with("starting in CLOSED; clean: no errors, no warnings."),
        "{stdout}"
    );
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn check_reports_every_error_with_file_line_and_column() {
    let spec = tcp_fsm::SPEC_SOURCE
        .replacen("to = \"SYN_RECEIVED\"", "to = \"SYN_RECIEVED\"", 1)
        .replacen("[machine]", "[machine]\ncolor = \"blue\"", 1);
    let path = temp_file("typos.toml", spec.as_bytes());
    let out = tcp_fsm(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    let name = path.display().to_string();
    assert!(stderr.contains(&format!("--> {name}:")), "{stderr}");
    assert!(
        stderr.contains("error: unknown key `color` in [machine]"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: unknown state `SYN_RECIEVED`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("help: did you mean `SYN_RECEIVED`?"),
        "{stderr}"
    );
    assert!(
        text(&out.stdout).contains("2 errors, 0 warnings"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn check_json_lists_diagnostics_with_positions() {
    let path = temp_file(
        "bad-kind.toml",
        tcp_fsm::SPEC_SOURCE
            .replacen("kind = \"call\"", "kind = \"cal\"", 1)
            .as_bytes(),
    );
    let out = tcp_fsm(&["check", path.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let first = &json["diagnostics"][0];
    assert_eq!(first["code"], "invalid-value");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["help"], "did you mean `call`?");
    let line = tcp_fsm::SPEC_SOURCE
        .lines()
        .position(|l| l == "kind = \"call\"")
        .unwrap()
        + 1;
    assert_eq!(first["line"], line);
    assert_eq!(first["column"], 8);
}

#[test]
fn warnings_fail_unless_allowed() {
    let spec = format!("{}\n[events.poke]\nkind = \"call\"\n", tcp_fsm::SPEC_SOURCE);
    let path = temp_file("unused.toml", spec.as_bytes());
    let out = tcp_fsm(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("warning: event `poke` is never used"),
        "{}",
        text(&out.stderr)
    );
    let out = tcp_fsm(&["check", "--allow-warnings", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn unreadable_inputs_exit_2_with_a_reason() {
    let dir = std::env::temp_dir();
    let binary = temp_file("binary.toml", [0xff, 0xfe, 0x00, 0x80, 0x81]);
    let empty = temp_file("empty.toml", b"");
    let cases = [
        (
            "/no/such/spec.toml".to_string(),
            "cannot read: No such file",
        ),
        (dir.display().to_string(), "is a directory, not a spec file"),
        (
            binary.display().to_string(),
            "is not UTF-8 text: invalid byte 0xFF at line 1, column 1",
        ),
    ];
    for (path, reason) in cases {
        let out = tcp_fsm(&["check", &path]);
        assert_eq!(out.status.code(), Some(2), "{path}");
        assert!(
            text(&out.stderr).contains(reason),
            "{path}: {}",
            text(&out.stderr)
        );
    }
    // An empty file is readable; it is a spec with errors.
    let out = tcp_fsm(&["check", empty.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("missing key `machine` in the top level"));
}

#[test]
fn oversized_specs_are_refused_before_reading() {
    let path = temp_file("huge.toml", vec![b'#'; 5 * 1024 * 1024]);
    let out = tcp_fsm(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("specs are limited to 4194304 bytes"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn export_prints_the_normalised_spec() {
    let out = tcp_fsm(&["export", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(json["machine"]["name"], "Tcp");
    assert_eq!(json["machine"]["initial"], "CLOSED");
    assert_eq!(json["states"].as_array().unwrap().len(), 11);
    let transitions = json["transitions"].as_array().unwrap();
    // One transition per from-state: every `from` is a single name.
    assert!(
        transitions
            .iter()
            .all(|t| t["from"].is_string() && t["cite"].is_string())
    );
    let listen_syn = transitions
        .iter()
        .find(|t| t["from"] == "LISTEN" && t["event"] == "rcv_syn")
        .expect("LISTEN on rcv_syn");
    assert_eq!(listen_syn["to"], "SYN_RECEIVED");
    assert_eq!(listen_syn["send"], "SYN,ACK");
}

#[test]
fn export_refuses_a_broken_spec() {
    let path = temp_file("broken.toml", b"[machine]\nname = 1\n");
    let out = tcp_fsm(&["export", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("`name` must be a string, found integer"));
    assert_eq!(text(&out.stdout), "");
}

#[test]
fn the_name_tcp9293_selects_the_bundled_rfc_9293_spec() {
    let out = tcp_fsm(&["check", "tcp9293"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout)
            .starts_with("tcp-fsm/tcp9293.toml: machine Tcp9293 with 11 states, 15 events"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn an_extending_spec_finds_its_base_beside_it_and_quotes_the_bases_own_errors() {
    // A copy of tcp9293.toml beside a copy of tcp.toml with a typo in an event's kind.
    let dir = cli::temp_dir().join("extends");
    std::fs::create_dir_all(&dir).unwrap();
    let rfc9293 = dir.join("tcp9293.toml");
    std::fs::write(&rfc9293, tcp_fsm::rfc9293::SPEC_SOURCE).unwrap();
    std::fs::write(dir.join("tcp.toml"), tcp_fsm::SPEC_SOURCE).unwrap();
    let out = tcp_fsm_in(&dir, &["check", "tcp9293.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("tcp9293.toml: machine Tcp9293 with 11 states, 15 events")
    );

    let broken = tcp_fsm::SPEC_SOURCE.replacen("kind = \"timeout\"", "kind = \"timeuot\"", 1);
    std::fs::write(dir.join("tcp.toml"), &broken).unwrap();
    let out = tcp_fsm_in(&dir, &["check", "tcp9293.toml"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    let line = broken
        .lines()
        .position(|l| l == "kind = \"timeuot\"")
        .unwrap()
        + 1;
    for expected in [
        "error: the base spec `tcp.toml` has 1 error(s), reported in it".to_string(),
        "--> tcp9293.toml:".to_string(),
        "error: `timeuot` is not a valid event kind".to_string(),
        format!("--> tcp.toml:{line}:8"),
        "kind = \"timeuot\"".to_string(),
    ] {
        assert!(
            stderr.contains(&expected),
            "missing `{expected}` in\n{stderr}"
        );
    }

    std::fs::remove_file(dir.join("tcp.toml")).unwrap();
    let out = tcp_fsm_in(&dir, &["check", "tcp9293.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("error: cannot read the base spec `tcp.toml`"),
        "{}",
        text(&out.stderr)
    );
}
