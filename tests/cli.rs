//! The command line as a user meets it: exit codes, messages naming
//! file:line:column, files written, nothing machine-dependent in outputs.

use std::process::Command;

fn firstline(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_firstline")).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn validate_exit_codes() {
    let (code, out, _) = firstline(&["validate", "scenarios/qingshi_flood.ron", "scenarios/example_small.ron"]);
    assert_eq!(code, 0);
    assert!(out.contains("qingshi_flood.ron: valid"));
    let (code, _, err) =
        firstline(&["validate", "scenarios/example_small.ron", "scenarios/invalid/08_plan_unknown_role.ron"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("scenarios/invalid/08_plan_unknown_role.ron:85:16: error: unknown role `head_xiahe`"),
        "{err}"
    );
    assert!(err.contains("did you mean `head_xiaohe`?"));
    let (code, _, err) = firstline(&["validate", "no/such/file.ron"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read the file"));
    let (code, _, _) = firstline(&["validate"]);
    assert_eq!(code, 2, "clap reports a usage error with 2");
}

#[test]
fn validate_survives_random_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("noise.ron");
    let bytes: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    std::fs::write(&p, bytes).unwrap();
    let (code, _, err) = firstline(&["validate", p.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("noise.ron:"), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn run_writes_report_and_log() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let log = dir.path().join("events.log");
    let (code, out, _) = firstline(&[
        "run",
        "scenarios/example_small.ron",
        "--seed",
        "9",
        "--quiet",
        "--report",
        report.to_str().unwrap(),
        "--log",
        log.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("example_small") && out.contains("residents"), "{out}");
    let text = std::fs::read_to_string(&report).unwrap();
    let r: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(r["seed"], 9);
    assert_eq!(r["drill_seconds"], 3600);
    assert!(!text.contains(dir.path().to_str().unwrap()), "no paths in the report");
    let log_text = std::fs::read_to_string(&log).unwrap();
    let first: serde_json::Value = serde_json::from_str(log_text.lines().next().unwrap()).unwrap();
    assert_eq!(first["firstline_event_log"], firstline::sim::events::EVENT_LOG_VERSION);
    // Every further line is a typed event, with its kind at the top level.
    for l in log_text.lines().skip(1) {
        let e: firstline::sim::events::Event = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
        assert!(l.contains(&format!("\"kind\":\"{}\"", e.event.kind())), "{l}");
    }
}

#[test]
fn run_refuses_an_invalid_scenario() {
    let (code, _, err) = firstline(&["run", "scenarios/invalid/05_bad_version.ron", "--quiet"]);
    assert_eq!(code, 2);
    assert!(err.contains("05_bad_version.ron:7:14"));
}

#[test]
fn replay_reproduces_a_run_and_rejects_another_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("events.log");
    let (code, _, _) = firstline(&[
        "run",
        "scenarios/example_small.ron",
        "--quiet",
        "--competence",
        "typical",
        "--log",
        log.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let (code, out, _) = firstline(&["replay", log.to_str().unwrap(), "--scenario", "scenarios/example_small.ron"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("identical"));
    let (code, _, err) = firstline(&["replay", log.to_str().unwrap(), "--scenario", "scenarios/qingshi_fire.ron"]);
    assert_eq!(code, 2);
    assert!(err.contains("is not the scenario this log was recorded with"));
    // A tampered log no longer matches its replay.
    let text = std::fs::read_to_string(&log).unwrap().replace("\"drill_started\"", "\"drill_started\" ");
    std::fs::write(&log, text).unwrap();
    let (code, out, _) = firstline(&["replay", log.to_str().unwrap(), "--scenario", "scenarios/example_small.ron"]);
    assert_eq!(code, 3, "{out}");
    // A log of the old format (version 1) is refused with a clear message, not half read.
    let mut lines: Vec<String> = std::fs::read_to_string(&log).unwrap().lines().map(str::to_owned).collect();
    lines[0] = lines[0].replacen(
        &format!("\"firstline_event_log\":{}", firstline::sim::events::EVENT_LOG_VERSION),
        "\"firstline_event_log\":1",
        1,
    );
    std::fs::write(&log, lines.join("\n") + "\n").unwrap();
    let (code, _, err) = firstline(&["replay", log.to_str().unwrap(), "--scenario", "scenarios/example_small.ron"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("event log version 1"), "{err}");
}
