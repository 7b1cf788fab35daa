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
    let original = std::fs::read_to_string(&log).unwrap();
    let replay_text = |text: &str, extra: &[&str]| {
        std::fs::write(&log, text).unwrap();
        let mut args = vec!["replay", log.to_str().unwrap(), "--scenario", "scenarios/example_small.ron"];
        args.extend_from_slice(extra);
        firstline(&args)
    };
    // Spacing and line endings are not a different drill: same events.
    let (code, out, err) =
        replay_text(&original.replace("\"drill_started\"", "\"drill_started\" ").replace('\n', "\r\n"), &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("bytes differ"), "{err}");
    // The software's order relabelled as a trainee's is caught, with the line.
    let forged = original.replacen(
        "\"source\":\"Npc\",\"action\":{\"IssueWarning\"",
        "\"source\":\"Trainee\",\"action\":{\"IssueWarning\"",
        1,
    );
    assert_ne!(forged, original);
    let (code, out, _) = replay_text(&forged, &[]);
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains("first difference at line") && out.contains("recorded:") && out.contains("replayed:"),
        "{out}"
    );
    // An edited warning level too.
    let edited = original.replacen("\"warning\":\"Red\"", "\"warning\":\"Orange\"", 1);
    assert_ne!(edited, original);
    let (code, out, _) = replay_text(&edited, &[]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("\"warning\":\"Orange\"") && out.contains("\"warning\":\"Red\""), "{out}");
    // A log cut off mid-drill is incomplete (exit 2), and `--partial` checks what it holds.
    let cut = &original[..original.len() * 2 / 3];
    let (code, _, err) = replay_text(cut, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("incomplete") && err.contains("cut off"), "{err}");
    let (code, out, err) = replay_text(cut, &["--partial"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("the part the log holds"), "{out}");
    std::fs::write(&log, &original).unwrap();
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

/// Outputs are settled before the drill runs: an output that is an input,
/// two outputs naming one file, a folder or a missing folder are refused
/// at once (exit 2), and nothing is overwritten or left behind.
#[test]
fn colliding_or_unwritable_outputs_are_refused_before_the_drill() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.ron");
    std::fs::copy("scenarios/qingshi_flood.ron", &scenario).unwrap();
    let before = std::fs::read(&scenario).unwrap();
    let s = scenario.to_str().unwrap();
    let x = dir.path().join("x.json");
    let x = x.to_str().unwrap();
    let missing = dir.path().join("missing").join("r.json");
    let cases: [(Vec<&str>, &str); 4] = [
        (vec!["--log", s], "is an input of this run"),
        (vec!["--log", x, "--report", x], "name the same file"),
        (vec!["--log", dir.path().to_str().unwrap()], "is a folder"),
        (vec!["--log", x, "--report", missing.to_str().unwrap()], "cannot write"),
    ];
    for (extra, want) in cases {
        let mut args = vec!["run", s, "--quiet"];
        args.extend(extra.iter().copied());
        let (code, _, err) = firstline(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
    assert_eq!(std::fs::read(&scenario).unwrap(), before, "the scenario is untouched");
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, vec![std::ffi::OsString::from("s.ron")], "no partial file left behind");
}

/// `firstline run … | head`: a reader that goes away is not a panic, and the
/// report and log are written all the same.
#[test]
fn a_closed_stdout_loses_nothing() {
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let (report, log) = (dir.path().join("r.json"), dir.path().join("l.log"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_firstline"))
        .args(["run", "scenarios/example_small.ron", "--quiet", "--report"])
        .arg(&report)
        .arg("--log")
        .arg(&log)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let log_bytes = std::fs::read(&log).unwrap();
    assert_eq!(r["event_log_sha256"], firstline::scenario::load::sha256_hex(&log_bytes), "a matching pair");
}

/// kill -9 at any moment of a run that replaces an earlier pair never
/// leaves a log and a report of different runs: whenever both are there,
/// the report names the log's hash. (The moments are spread over the run;
/// what is asserted is the pair, not the time.)
#[test]
fn a_killed_run_never_leaves_a_mismatched_pair() {
    let dir = tempfile::tempdir().unwrap();
    let (report, log) = (dir.path().join("r.json"), dir.path().join("l.log"));
    let run = |seed: &str| {
        Command::new(env!("CARGO_BIN_EXE_firstline"))
            .args(["run", "scenarios/example_small.ron", "--quiet", "--seed", seed, "--report"])
            .arg(&report)
            .arg("--log")
            .arg(&log)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    assert!(run("1").wait().unwrap().success());
    let consistent = || match (std::fs::read(&report), std::fs::read(&log)) {
        (Ok(r), Ok(l)) => {
            let r: serde_json::Value = serde_json::from_slice(&r).unwrap();
            r["event_log_sha256"] == firstline::scenario::load::sha256_hex(&l)
        }
        _ => true,
    };
    for (k, ms) in [0u64, 5, 20, 50, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1200].into_iter().enumerate() {
        let mut child = run(&(k + 2).to_string());
        std::thread::sleep(std::time::Duration::from_millis(ms));
        let _ = child.kill();
        let _ = child.wait();
        assert!(consistent(), "killed after {ms} ms: the report does not belong to the log");
    }
}

/// The log reader on 600 seeded mutations of a real log (bytes flipped,
/// dropped, duplicated, lines cut): never a panic, and every refusal names
/// a line.
#[test]
fn the_log_reader_survives_mutations() {
    use rand::{RngExt, SeedableRng};
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("l.log");
    let (code, _, _) = firstline(&["run", "scenarios/example_small.ron", "--quiet", "--log", log.to_str().unwrap()]);
    assert_eq!(code, 0);
    let original = std::fs::read(&log).unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(12);
    let (mut ok, mut refused) = (0, 0);
    for _ in 0..600 {
        let mut b = original.clone();
        for _ in 0..rng.random_range(1..4) {
            let at = rng.random_range(0..b.len());
            match rng.random_range(0..4) {
                0 => b[at] = rng.random(),
                1 => {
                    b.remove(at);
                }
                2 => {
                    let c = b[at];
                    b.insert(at, c);
                }
                _ => b.truncate(at.max(1)),
            }
        }
        let text = String::from_utf8_lossy(&b);
        match firstline::record::replay::read_log(&text) {
            Ok(_) => ok += 1,
            Err(e) => {
                refused += 1;
                assert!(e.starts_with("line ") || e == "the event log is empty", "{e}");
            }
        }
    }
    assert!(ok > 0 && refused > 0, "{ok} read, {refused} refused");
}

/// `inspect` tells an author what the map holds and what is at a point, and
/// draws the map; a point off the map is said to be off it.
#[test]
fn inspect_summarises_describes_a_point_and_draws_the_map() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("map.png");
    let (code, out, err) = firstline(&[
        "inspect",
        "scenarios/example_small.ron",
        "--at",
        "150,150",
        "--png",
        png.to_str().unwrap(),
        "--pixels",
        "300",
    ]);
    assert_eq!(code, 0, "{err}");
    // The small example's map: 600 × 400 m; one village of 14 households.
    assert!(out.contains("map        600 × 400 m"), "{out}");
    assert!(out.contains("elevation  "), "{out}");
    assert!(out.contains("village    xiaohe       14 households, 31 residents"), "{out}");
    assert!(out.contains("shelters xh_school (120) for 120"), "{out}");
    assert!(out.contains("gauge      village_depth"), "{out}");
    // The point is a house of Xiaohe, in the village, with its ground.
    assert!(out.contains("at         (150, 150)"), "{out}");
    assert!(out.contains("village    xiaohe\n"), "{out}");
    assert!(out.contains("ground     "), "{out}");
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let info = decoder.read_info().unwrap().info().clone();
    assert_eq!((info.width, info.height), (300, 200), "the longer side has the pixels asked for");
    let (_, out, _) = firstline(&["inspect", "scenarios/example_small.ron", "--at", "900,10"]);
    assert!(out.contains("(900, 10) lies outside the map"), "{out}");
    let (code, _, err) = firstline(&["inspect", "scenarios/example_small.ron", "--at", "east"]);
    assert_eq!(code, 2);
    assert!(err.contains("expected X,Y"), "{err}");
}

#[test]
fn sweep_refuses_bad_seed_lists() {
    let (code, _, err) = firstline(&["sweep", "scenarios/example_small.ron", "--seeds", "20-1"]);
    assert_eq!(code, 2);
    assert!(err.contains("--seeds wants a range"), "{err}");
    let (code, _, err) = firstline(&["sweep", "scenarios/example_small.ron", "--players", "expert"]);
    assert_eq!(code, 2);
    assert!(err.contains("perfect, typical, poor, nobody"), "{err}");
    let (code, out, _) =
        firstline(&["sweep", "scenarios/example_small.ron", "--seeds", "1,2", "--players", "perfect,nobody", "--each"]);
    assert_eq!(code, 0);
    assert!(out.contains("| perfect | 2 |") && out.contains("| nobody | 2 |"), "{out}");
    assert_eq!(out.matches("| perfect | ").count(), 3, "the summary row and one row per seed:\n{out}");
}
