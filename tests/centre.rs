//! The provincial centre on PostgreSQL: a township's store pushed to it
//! (twice: nothing stored twice), and an assessment spread over worker
//! processes taking runs from its queue with `FOR UPDATE SKIP LOCKED` — one
//! worker killed mid-run, every run stored exactly once.
//!
//! Needs a PostgreSQL server: `FIRSTLINE_TEST_PG=postgres://user:pw@host/db`
//! (a role that may create databases; each test makes its own). `.ci/run`
//! starts one and sets `FIRSTLINE_REQUIRE_PG=1`, so there a missing server
//! fails the tests instead of skipping them.

mod common;
use common::centre_url;
use firstline::record::store::{Centre, Store};
use std::io::BufRead;
use std::path::Path;
use std::process::{Command, Stdio};

fn firstline(args: &[&str], db: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_firstline")).args(args).env("FIRSTLINE_DB", db).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_townships_records_pushed_twice_are_at_the_centre_once() {
    let Some(url) = centre_url("push") else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("township.sqlite");
    let (code, out, err) = firstline(&["assess", "rosters/water_rescue_2026/roster.ron", "--threads", "2"], &db);
    assert_eq!(code, 0, "{out}{err}");
    // The best team's leader certified: the certificate is in the register.
    let run = out.lines().find(|l| l.starts_with("1\t")).unwrap().split('\t').nth(6).unwrap().to_owned();
    let key = dir.path().join("office.pem");
    let cert = dir.path().join("R01.json");
    let k = key.to_str().unwrap();
    assert_eq!(firstline(&["keys", "init", "--key", k, "--office", "某县应急管理局"], &db).0, 0);
    let (code, out, err) =
        firstline(&["certify", &run, "--person", "R01-L", "--key", k, "--out", cert.to_str().unwrap()], &db);
    assert_eq!(code, 0, "{out}{err}");
    let (_, listed, _) = firstline(&["records", "list", "certificates"], &db);
    assert!(listed.starts_with("FL-") && listed.contains("R01-L"), "{listed}");

    let (code, out, err) = firstline(&["records", "push", "--to", &url], &db);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("3 organisations, 3 people, 3 new runs, 0 it had already, 1 new certificates"), "{out}");
    let (code, out, _) = firstline(&["records", "push", "--to", &url], &db);
    assert_eq!(code, 0);
    assert!(
        out.contains("0 new runs, 3 it had already, 0 new certificates"),
        "a push repeated sends nothing twice: {out}"
    );

    let store = Store::open(&db).unwrap();
    let mut centre = Centre::connect(&url).unwrap();
    assert_eq!(centre.version().unwrap(), 2);
    let id = listed.split('\t').next().unwrap();
    assert_eq!(centre.certificate(id).unwrap().unwrap(), std::fs::read(&cert).unwrap(), "the signed bytes, unchanged");
    let runs = centre.runs().unwrap();
    assert_eq!(runs.len(), 3);
    let origin = store.store_id().unwrap();
    for (run, (_, _, from, from_run, log_sha)) in store.runs(None).unwrap().iter().rev().zip(&runs) {
        assert_eq!((from.as_deref(), *from_run), (Some(origin.as_str()), Some(run.id)));
        assert_eq!(log_sha, &store.run(run.id).unwrap().log_sha256, "the same log");
    }
    let history = centre.history("R01-L").unwrap();
    assert_eq!(history.len(), 1, "the leader's run, credited to them at the centre");
    assert_eq!(history[0].1, "team_leader");
}

#[test]
fn workers_take_queued_runs_and_one_killed_mid_run_loses_nothing() {
    let Some(url) = centre_url("queue") else { return };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = d.join("unused.sqlite");
    let here = std::env::current_dir().unwrap();
    let base = here.join("rosters/water_rescue_2026");
    let roster = d.join("roster.ron");
    // Three teams, two drills each (the water drill at two seeds): six runs.
    std::fs::write(
        &roster,
        format!(
            r#"(
    title: "队列测评",
    categories: [(name: "水域救援", drills: [
        (scenario: "{s}", role: "team_leader"),
        (scenario: "{s}", role: "team_leader", seed: Some(7)),
    ])],
    teams: [
        (code: "R01", name: "甲队", category: "水域救援", leader: "R01-L", logs: ["{b}/logs/R01-qingshi.log.jsonl", "{b}/logs/R01-qingshi.log.jsonl"]),
        (code: "R02", name: "乙队", category: "水域救援", leader: "R02-L", logs: ["{b}/logs/R02-dongwan.log.jsonl", "{b}/logs/R02-dongwan.log.jsonl"]),
        (code: "R03", name: "丙队", category: "水域救援", leader: "R03-L", logs: ["{b}/logs/R03-hekou.log.jsonl", "{b}/logs/R03-hekou.log.jsonl"]),
    ],
)"#,
            s = here.join("scenarios/team_flood_rescue.ron").display(),
            b = base.display()
        ),
    )
    .unwrap();
    let r = roster.to_str().unwrap();
    let (code, out, err) = firstline(&["assess", r, "--queue", &url], &db);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("6 runs, 6 queued now, 0 done at the centre"), "{out}");
    let (_, out, _) = firstline(&["assess", r, "--queue", &url], &db);
    assert!(out.contains("0 queued now"), "queued once: {out}");

    let worker = || {
        Command::new(env!("CARGO_BIN_EXE_firstline"))
            .args(["assess", "--worker", &url])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut workers: Vec<_> = (0..3).map(|_| worker()).collect();
    // The first worker killed (SIGKILL) while it runs the job it took.
    let mut victim = workers.remove(0);
    let mut lines = std::io::BufReader::new(victim.stderr.take().unwrap()).lines();
    let taken = loop {
        match lines.next() {
            Some(Ok(l)) if l.starts_with("taken ") => break l[6..22].to_owned(),
            Some(Ok(_)) => continue,
            other => panic!("the worker took nothing: {other:?}"),
        }
    };
    victim.kill().unwrap();
    victim.wait().unwrap();
    let mut lost_and_retaken = false;
    for w in workers {
        let out = w.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{err}");
        lost_and_retaken |= err.contains(&format!("taken {taken}"));
    }
    // Whatever the killed worker held is free again: a worker started now
    // takes what is left (nothing, if the others took it).
    let out = worker().wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    lost_and_retaken |= err.contains(&format!("taken {taken}"));
    assert!(lost_and_retaken, "the killed worker's job was taken again");

    let mut centre = Centre::connect(&url).unwrap();
    let state = centre.queue_state().unwrap();
    assert_eq!((state.total, state.done, state.failed), (6, 6, 0));
    let runs = centre.runs().unwrap();
    let mut keys: Vec<_> = runs.iter().map(|r| r.1.clone().unwrap()).collect();
    keys.sort();
    keys.dedup();
    assert_eq!((runs.len(), keys.len()), (6, 6), "every run stored exactly once");
    assert!(keys.iter().any(|k| k.starts_with(&taken)));

    let xlsx = d.join("rank.xlsx");
    let (code, out, err) = firstline(&["assess", r, "--queue", &url, "--xlsx", xlsx.to_str().unwrap()], &db);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("6 done at the centre"), "{out}");
    let first = out.lines().find(|l| l.starts_with("1\t")).unwrap();
    assert!(first.contains("R01 甲队") && first.contains("一级"), "{out}");
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
}
