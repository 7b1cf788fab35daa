//! Records and certificates: the SQLite store's file (schema, migrations,
//! identity numbers never in clear in it), and certificates issued from a
//! stored run and checked by re-running the drill — with each kind of
//! tampering named for what it is. What both stores do alike (people, an
//! import, a run stored whole or not at all, the register) is in
//! `stores.rs`, run on SQLite and on PostgreSQL.

use firstline::certify;
use firstline::headless::{RunOptions, run};
use firstline::record::certificate::{Certificate, Finding, keys};
use firstline::record::store::{NewPerson, OrgKind, Store};
use firstline::roles::plans::NpcRoles;
use firstline::sim::orders::Source;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{ID, SMALL, director, org, trainee_log};

fn firstline(args: &[&str], db: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_firstline"))
        .args(args)
        .env("FIRSTLINE_DB", db)
        .output()
        .expect("firstline runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_store_keeps_people_with_hashed_identity_numbers_and_reopens_at_its_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/records.sqlite");
    {
        let mut s = Store::open(&path).unwrap();
        assert_eq!(s.version().unwrap(), firstline::record::store::MIGRATIONS.len() as u32);
        s.put_organisation(&org("T01", "青石镇", OrgKind::Township, None)).unwrap();
        s.put_person(&director()).unwrap();
    }
    let s = Store::open(&path).unwrap();
    assert_eq!(s.version().unwrap(), firstline::record::store::MIGRATIONS.len() as u32, "reopening migrates nothing");
    let p = s.person("P001").unwrap();
    assert_eq!(p.organisation.as_ref().unwrap().name, "青石镇");
    assert_eq!(p.id_number, None, "the number itself is not kept");
    assert_eq!(p.id_hash.as_deref(), Some(s.id_hash(ID).unwrap().as_str()));
    assert_eq!(s.person(ID).unwrap().code, "P001", "found by identity number");
    // The clear number is nowhere in the file.
    drop(s);
    let bytes = std::fs::read(&path).unwrap();
    let wal = std::fs::read(path.with_extension("sqlite-wal")).unwrap_or_default();
    for b in [&bytes, &wal] {
        assert!(!b.windows(ID.len()).any(|w| w == ID.as_bytes()), "the identity number was written in clear");
    }
}

#[test]
fn an_office_that_must_keep_identity_numbers_can_and_can_stop() {
    let mut s = Store::in_memory().unwrap();
    s.set_keep_id_numbers(true).unwrap();
    s.put_person(&NewPerson {
        code: "P1".into(), name: "甲".into(), id_number: Some(ID.into()), ..Default::default()
    })
    .unwrap();
    assert_eq!(s.person("P1").unwrap().id_number.as_deref(), Some(ID));
    s.set_keep_id_numbers(false).unwrap();
    let p = s.person("P1").unwrap();
    assert_eq!(p.id_number, None, "going back to hash-only erases the numbers");
    assert!(p.id_hash.is_some());
}

#[test]
fn a_certificate_is_issued_checked_and_its_tampering_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = d.join("records.sqlite");
    let log = trainee_log(d);
    let s = |p: &Path| p.to_str().unwrap().to_owned();

    let (code, _, err) = firstline(&["records", "add-org", "T01", "青石镇", "--kind", "团体"], &db);
    assert_eq!(code, 2, "an unknown kind is refused: {err}");
    assert!(err.contains("not one of township, village, team"), "{err}");
    assert_eq!(firstline(&["records", "add-org", "T01", "青石镇", "--kind", "乡镇"], &db).0, 0);
    let (code, _, err) = firstline(
        &["records", "add-person", "P001", "王芳", "--id-number", ID, "--org", "T01", "--post", "应急办主任"],
        &db,
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, err) =
        firstline(&["records", "add-run", &s(&log), "--scenario", SMALL, "--seat", "office_director=P001"], &db);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("stored as run 1"), "{out}");

    // The same orders run headless from the log, recorded with the person named by ID number.
    let (code, out, err) = firstline(
        &[
            "run",
            SMALL,
            "--quiet",
            "--npc",
            "commander,head_xiaohe,grid_xiaohe",
            "--orders",
            &s(&log),
            "--record",
            "--trainee",
            ID,
            "--role",
            "office_director",
        ],
        &db,
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("stored as run 2"), "{out}");
    let store = Store::open(&db).unwrap();
    let (one, two) = (store.run(1).unwrap(), store.run(2).unwrap());
    assert_eq!(one.log_sha256, two.log_sha256, "the orders from the log give the same run");
    assert_eq!(two.row.roles[1], ("office_director".into(), "P001".into(), one.row.roles[1].2));
    drop(store);
    // The software's seat cannot be credited to a person.
    let (code, _, err) =
        firstline(&["run", SMALL, "--quiet", "--record", "--trainee", "P001", "--role", "office_director"], &db);
    assert_eq!(code, 3);
    assert!(err.contains("played by the software"), "{err}");

    let key = d.join("keys/office.pem");
    let (code, out, err) = firstline(&["keys", "init", "--key", &s(&key), "--office", "某县应急管理局"], &db);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("fingerprint"), "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let (code, _, err) = firstline(&["keys", "init", "--key", &s(&key), "--office", "x"], &db);
    assert_eq!(code, 2, "a key is never overwritten");
    assert!(err.contains("exists"), "{err}");

    let cert = d.join("cert.json");
    let pdf = d.join("cert.pdf");
    // Named by identity number: the store finds the person by its hash.
    let (code, out, err) =
        firstline(&["certify", "1", "--person", ID, "--key", &s(&key), "--out", &s(&cert), "--pdf", &s(&pdf)], &db);
    assert_eq!(code, 0, "{out}{err}");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    // The printed certificate's text is real, copyable Chinese (poppler).
    if let Ok(out) = Command::new("pdftotext").args([s(&pdf).as_str(), "-"]).output() {
        let text = String::from_utf8_lossy(&out.stdout);
        for words in ["应急演练考核证书", "王芳", "青石镇", "应急办主任", "某县应急管理局", "FL-"]
        {
            assert!(text.contains(words), "`{words}` not in the certificate's text: {text}");
        }
    }
    let pubkey = keys::public_path(&key);
    let (code, out, err) = firstline(&["verify", &s(&cert), "--pubkey", &s(&pubkey)], &db);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("VALID") && out.contains("王芳"), "{out}");
    let c = Certificate::from_bytes(&std::fs::read(&cert).unwrap()).unwrap();
    assert_eq!(c.claims.issuer, "某县应急管理局");
    assert_eq!(c.claims.role, "office_director");
    assert!(!c.claims.orders.is_empty() && c.claims.orders.iter().all(|o| o.source == Source::Trainee));

    // Altered field: the score raised by hand.
    let text = String::from_utf8(std::fs::read(&cert).unwrap()).unwrap();
    let score = format!("\"score\":{}", serde_json::to_string(&c.claims.score).unwrap());
    assert!(text.contains(&score));
    let forged = d.join("forged.json");
    std::fs::write(&forged, text.replace(&score, "\"score\":120.0")).unwrap();
    let (code, out, _) = firstline(&["verify", &s(&forged), "--pubkey", &s(&pubkey)], &db);
    assert_eq!(code, 3);
    assert!(out.contains("a field was changed after it was signed") && out.contains("altered score"), "{out}");

    // Wrong key: the certificate checked against another office's key.
    let other = d.join("other.pem");
    keys::init(&other, "别的单位").unwrap();
    let (code, out, _) = firstline(&["verify", &s(&cert), "--pubkey", &s(&keys::public_path(&other))], &db);
    assert_eq!(code, 3);
    assert!(out.contains("wrong key"), "{out}");

    // Altered log, signed anew with the office's own key: an order dropped
    // and the build renamed — the signature holds, the re-run does not.
    let (signing, _) = keys::load_signing(&key).unwrap();
    let mut claims = c.claims.clone();
    claims.orders.clear();
    claims.build = "firstline 0.0.1 (elsewhere)".into();
    let resigned = Certificate::sign(claims, &signing);
    let v = certify::verify(&resigned, Some(&signing.verifying_key()), Path::new(""));
    assert!(v.findings.iter().any(|f| matches!(f, Finding::LogDiffers { .. })), "{:?}", v.findings);
    assert!(v.findings.iter().any(|f| matches!(f, Finding::OtherBuild { .. })), "{:?}", v.findings);
    assert!(!v.findings.contains(&Finding::AlteredField));

    // The same certificate checked twice gives the same bytes and verdict.
    assert_eq!(c.to_bytes(), std::fs::read(&cert).unwrap());
    assert_eq!(firstline::record::certificate::pdf::render(&c).unwrap(), std::fs::read(&pdf).unwrap());
}

#[test]
fn canonical_json_sorts_keys_and_has_no_spaces() {
    let v = serde_json::json!({"b": 1, "a": {"d": [1, 2], "c": "中"}});
    assert_eq!(
        firstline::record::certificate::canonical(&v),
        r#"{"a":{"c":"中","d":[1,2]},"b":1}"#.as_bytes().to_vec()
    );
}

#[test]
fn an_assessment_grades_ranks_and_resumes_without_storing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = d.join("records.sqlite");
    trainee_log(d); // trainee.log.jsonl: the active team's log
    // A team whose leader gave no order at all.
    let idle = d.join("idle.log.jsonl");
    let loaded = firstline::scenario::load(Path::new(SMALL)).unwrap();
    let opts = RunOptions {
        log: Some(idle.clone()),
        npc: NpcRoles::Only(vec!["commander".into(), "head_xiaohe".into(), "grid_xiaohe".into()]),
        ..Default::default()
    };
    run(&loaded, &opts, &mut |_, _| {}).unwrap();
    let scenario = std::fs::canonicalize(SMALL).unwrap();
    let roster = d.join("roster.ron");
    std::fs::write(
        &roster,
        format!(
            r#"(
    title: "测评",
    categories: [(name: "防汛", drills: [(scenario: "{s}", role: "office_director"), (scenario: "{s}", role: "office_director", seed: Some(7))])],
    teams: [
        (code: "R02", name: "乙队", category: "防汛", claimed_grade: Some("一级"), leader: "L2", logs: ["idle.log.jsonl", "idle.log.jsonl"]),
        (code: "R01", name: "甲队", category: "防汛", claimed_grade: Some("二级"), leader: "L1", logs: ["trainee.log.jsonl", "trainee.log.jsonl"]),
    ],
)"#,
            s = scenario.display()
        ),
    )
    .unwrap();
    let xlsx = d.join("rank.xlsx");
    let r = |extra: &[&str]| {
        let mut a = vec!["assess", roster.to_str().unwrap(), "--threads", "2"];
        a.extend_from_slice(extra);
        firstline(&a, &db)
    };
    let (code, out, err) = r(&["--xlsx", xlsx.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("4 runs, 4 run now, 0 stored before"), "{out}");
    let lines: Vec<&str> = out.lines().filter(|l| l.starts_with(|c: char| c.is_ascii_digit())).collect();
    assert!(lines[0].starts_with("1\tR01 甲队") && lines[0].contains("一级"), "the active team first, graded: {out}");
    assert!(lines[1].starts_with("2\tR02 乙队") && lines[1].contains("不定级"), "the idle team fails: {out}");
    assert!(lines[1].contains("warning_delay"), "its failed metrics are listed: {out}");
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));

    // Run again: nothing is run or stored twice.
    let (code, out, _) = r(&[]);
    assert_eq!(code, 0);
    assert!(out.contains("4 runs, 0 run now, 4 stored before"), "{out}");
    let store = Store::open(&db).unwrap();
    assert_eq!(store.runs(None).unwrap().len(), 4);
    assert_eq!(store.runs(Some("L1")).unwrap().len(), 2, "the leader's history holds the team's runs");
    drop(store);

    // Killed mid-batch (SIGKILL once a run is stored), then run again: every
    // entry stored exactly once, none half.
    let db2 = d.join("second.sqlite");
    let mut child = Command::new(env!("CARGO_BIN_EXE_firstline"))
        .args(["assess", roster.to_str().unwrap(), "--threads", "1"])
        .env("FIRSTLINE_DB", &db2)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while std::io::BufRead::read_line(&mut err, &mut line).unwrap_or(0) > 0 && !line.contains("stored run") {
        line.clear();
    }
    let _ = child.kill();
    let _ = child.wait();
    let stored_before = Store::open(&db2).unwrap().runs(None).unwrap().len();
    assert!((1..=4).contains(&stored_before), "{stored_before} runs stored before the kill");
    let out = Command::new(env!("CARGO_BIN_EXE_firstline"))
        .args(["assess", roster.to_str().unwrap(), "--threads", "1"])
        .env("FIRSTLINE_DB", &db2)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("{} run now, {stored_before} stored before", 4 - stored_before)), "{text}");
    let s = Store::open(&db2).unwrap();
    assert_eq!(s.runs(None).unwrap().len(), 4);
    for r in s.runs(None).unwrap() {
        assert!(s.run(r.id).is_ok(), "run {} reads back whole", r.id);
    }
}

/// The issue's whole path for a new user: three volunteer teams from the
/// office's CSV table (BOM, Chinese headers), graded on the water-rescue
/// drill from the logs their leaders handed in, a ranked XLSX, the best
/// team's leader certified (JSON and PDF), the certificate accepted — and
/// rejected once any one byte of its score or of its orders is changed.
#[test]
fn three_teams_from_csv_are_graded_ranked_and_the_best_certified_and_verified() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = d.join("records.sqlite");
    let s = |p: &Path| p.to_str().unwrap().to_owned();
    let roster = "rosters/water_rescue_2026/roster.ron";
    assert!(std::fs::read("rosters/water_rescue_2026/teams.csv").unwrap().starts_with(b"\xef\xbb\xbf"));
    let xlsx = d.join("rank.xlsx");
    let (code, out, err) = firstline(&["assess", roster, "--threads", "2", "--xlsx", &s(&xlsx)], &db);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("3 runs, 3 run now, 0 stored before"), "{out}");
    let rows: Vec<Vec<&str>> = out
        .lines()
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|r| r.len() == 8 && r[0].parse::<u32>().is_ok())
        .collect();
    assert_eq!(rows.len(), 3, "{out}");
    // The prompt team in slack water, the slow one, the one that sent its
    // boats into the breach: graded by what their logs did.
    assert!(rows[0][1].starts_with("R01") && rows[0][4] == "一级", "{out}");
    assert!(rows[1][1].starts_with("R02") && rows[1][4] == "二级", "{out}");
    assert!(rows[1][7].contains("call_taken") && rows[1][7].contains("time_to_rescue"), "{out}");
    assert!(rows[2][1].starts_with("R03") && rows[2][4] == "三级" && rows[2][7].contains("crew_safety"), "{out}");
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
    let store = Store::open(&db).unwrap();
    assert_eq!(store.person("R01-L").unwrap().name, "陈立军", "the leader came from the table");
    drop(store);

    let key = d.join("office.pem");
    assert_eq!(firstline(&["keys", "init", "--key", &s(&key), "--office", "某县应急管理局"], &db).0, 0);
    let (cert, pdf) = (d.join("R01.json"), d.join("R01.pdf"));
    let (code, out, err) = firstline(
        &["certify", rows[0][6], "--person", "R01-L", "--key", &s(&key), "--out", &s(&cert), "--pdf", &s(&pdf)],
        &db,
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    let pubkey = keys::public_path(&key);
    let (code, out, err) = firstline(&["verify", &s(&cert), "--pubkey", &s(&pubkey)], &db);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("VALID") && out.contains("陈立军"), "{out}");

    // One byte changed, in the score or in the orders: never accepted.
    let bytes = std::fs::read(&cert).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    let score_at = text.find("\"score\":").unwrap() + "\"score\":".len();
    let orders_at = text.find("\"orders\":[").unwrap() + "\"orders\":[".len();
    let orders_end = orders_at + text[orders_at..].find("],\"").unwrap();
    let mut changed: Vec<usize> = (score_at..score_at + 3).collect();
    // Spread over the orders: their ticks, forces, places, tasks.
    changed.extend((orders_at..orders_end).step_by(((orders_end - orders_at) / 6).max(1)).take(6));
    let office = keys::load_public(&pubkey).unwrap();
    for at in changed {
        let mut forged = bytes.clone();
        forged[at] = if forged[at].is_ascii_digit() { b'0' + (forged[at] - b'0' + 1) % 10 } else { forged[at] ^ 0x01 };
        let verdict = Certificate::from_bytes(&forged).map(|c| certify::verify(&c, Some(&office), Path::new("")));
        match verdict {
            Err(e) => assert!(!e.to_string().is_empty(), "byte {at}: refused unread"),
            Ok(v) => assert!(!v.findings.is_empty(), "byte {at} ({}) changed and still accepted", forged[at] as char),
        }
    }
    // And through the command line, as an office checks: exit 3, the reason named.
    let mut forged = bytes.clone();
    forged[score_at] = if forged[score_at] == b'9' { b'8' } else { b'9' };
    let path = d.join("forged.json");
    std::fs::write(&path, &forged).unwrap();
    let (code, out, _) = firstline(&["verify", &s(&path), "--pubkey", &s(&pubkey)], &db);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("altered score"), "{out}");
}

#[test]
fn a_teams_table_with_a_column_missing_or_a_cell_empty_is_refused_with_its_line() {
    use firstline::assess::read_teams_csv;
    let p = Path::new("teams.csv");
    let ok =
        "\u{feff}队伍编号,队伍名称,类别,申报等级,队长编号,队长姓名,指令记录\nR1,甲队,水域救援,,L1,,a.jsonl；b.jsonl\n";
    let teams = read_teams_csv(p, ok.as_bytes()).unwrap();
    assert_eq!(teams.len(), 1);
    assert_eq!(teams[0].logs, vec![PathBuf::from("a.jsonl"), PathBuf::from("b.jsonl")], "full-width ； separates too");
    assert_eq!((teams[0].claimed_grade.as_deref(), teams[0].leader_name.as_deref()), (None, None));
    let err = read_teams_csv(p, "队伍编号,队伍名称,类别,队长编号\nR1,甲队,水域救援,L1\n".as_bytes()).unwrap_err();
    assert!(err.starts_with("teams.csv:1: no column 指令记录"), "{err}");
    let err = read_teams_csv(
        p,
        "code,name,category,leader,logs\nR1,甲队,水域救援,L1,a.jsonl\nR2,,水域救援,L2,b.jsonl\n".as_bytes(),
    )
    .unwrap_err();
    assert!(err.starts_with("teams.csv:3: 队伍名称 is empty"), "{err}");
}

/// A store made by the previous build (the schema before this build's
/// last step, with a person and a session in it) opens at this build's
/// schema with everything kept.
#[test]
fn a_store_of_the_previous_schema_is_migrated_forward_with_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        let previous = firstline::record::store::MIGRATIONS.len() - 1;
        for step in &firstline::record::store::MIGRATIONS[..previous] {
            c.execute_batch(step).unwrap();
        }
        c.pragma_update(None, "user_version", previous as u32).unwrap();
        c.execute_batch(
            "INSERT INTO settings VALUES ('id_salt', 'abc'), ('keep_id_numbers', '0');
             INSERT INTO organisations (code, name, kind) VALUES ('T01', '青石镇', 'township');
             INSERT INTO people (code, name, organisation_id) VALUES ('P001', '王芳', 1);
             INSERT INTO sessions (date, scenario_id) VALUES ('2026-03-01', 'example_small');",
        )
        .unwrap();
    }
    let s = Store::open(&path).unwrap();
    assert_eq!(s.version().unwrap(), firstline::record::store::MIGRATIONS.len() as u32);
    let p = s.person("P001").unwrap();
    assert_eq!((p.name.as_str(), p.organisation.unwrap().parent), ("王芳", None));
    // The old session is kept, of no organisation, so it counts for none.
    let rows = firstline::record::store::compliance(&s, 2026).unwrap();
    assert_eq!(rows.len(), 1);
    assert!(!rows[0].met() && rows[0].special.is_empty());
}

/// `records compliance`: which townships and villages held the year's
/// comprehensive drill (or took part in their township's), which special
/// drills, who took part; a drill of another year does not count.
#[test]
fn compliance_names_who_held_the_years_comprehensive_drill_and_who_did_not() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = d.join("records.sqlite");
    let log = trainee_log(d);
    let s = |p: &Path| p.to_str().unwrap().to_owned();
    let orgs = d.join("orgs.csv");
    std::fs::write(
        &orgs,
        "\u{feff}编号,名称,类型,上级单位\nV01,东湾村,村,T01\nT01,青石镇,乡镇,\nV02,小河村,村,T01\nV03,林场村,村,T01\nT02,白石乡,乡镇,\n",
    )
    .unwrap();
    let (code, _, err) = firstline(&["records", "import", &s(&orgs)], &db);
    assert_eq!(code, 0, "a village may come before its township in the table: {err}");
    let people = d.join("people.csv");
    std::fs::write(&people, "编号,姓名,单位,岗位\nP001,王芳,T01,应急办主任\nP002,李强,V01,村支书\nP003,张敏,V02,网格员\nP004,周涛,V03,村主任\n")
        .unwrap();
    assert_eq!(firstline(&["records", "import", &s(&people)], &db).0, 0);
    let add = |person: &str, org: &str, date: &str, kind: Option<&str>| {
        let seat = format!("office_director={person}");
        let mut a = vec!["records", "add-run", log.to_str().unwrap(), "--scenario", SMALL, "--seat", &seat];
        a.extend(["--org", org, "--date", date, "--place", "镇会议室"]);
        if let Some(k) = kind {
            a.extend(["--kind", k]);
        }
        let (code, out, err) = firstline(&a, &db);
        assert_eq!(code, 0, "{out}{err}");
    };
    // The township's comprehensive drill: its office director and a village's
    // party secretary each in a seat, the same day — one session.
    add("P001", "T01", "2026-05-20", Some("综合"));
    add("P002", "T01", "2026-05-20", Some("综合"));
    // A village's own special drill (the small drill's kind: special).
    add("P003", "V02", "2026-07-01", None);
    // Last year's comprehensive drill does not count this year.
    add("P004", "V03", "2025-06-01", Some("comprehensive"));
    let (code, _, err) = firstline(
        &[
            "records",
            "add-run",
            &s(&log),
            "--scenario",
            SMALL,
            "--seat",
            "office_director=P001",
            "--org",
            "T01",
            "--kind",
            "演习",
        ],
        &db,
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not one of comprehensive, special"), "{err}");

    let (csv, xlsx) = (d.join("c.csv"), d.join("c.xlsx"));
    let (code, out, err) =
        firstline(&["records", "compliance", "--year", "2026", "--csv", &s(&csv), "--xlsx", &s(&xlsx)], &db);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("2026: 5 townships and villages; 2 held or took part in a comprehensive drill, 3 did not"),
        "{out}"
    );
    let text = String::from_utf8(std::fs::read(&csv).unwrap()).unwrap();
    assert!(text.starts_with('\u{feff}'), "Excel reads the BOM as UTF-8");
    let mut rd = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    let codes: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(codes, ["T01", "V01", "V02", "V03", "T02"], "each township followed by its villages");
    let row = |c: &str| rows.iter().find(|r| &r[0] == c).unwrap().clone();
    let t01 = row("T01");
    assert_eq!((&t01[4], &t01[9]), ("1", "已开展综合演练"), "two runs of one day are one drill: {t01:?}");
    assert!(t01[8].contains("王芳（应急办主任）") && t01[8].contains("李强（村支书）"), "{t01:?}");
    let v01 = row("V01");
    assert_eq!(&v01[9], "参加乡镇综合演练", "{v01:?}");
    assert!(v01[5].contains("2026-05-20") && v01[8] == *"李强（村支书）", "{v01:?}");
    let v02 = row("V02");
    assert_eq!((&v02[4], &v02[6], &v02[9]), ("0", "1", "未开展综合演练"), "{v02:?}");
    assert_eq!(&row("V03")[4], "0", "last year's drill");
    assert_eq!(&row("T02")[9], "未开展综合演练");
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
    let (_, out, _) = firstline(&["records", "compliance", "--year", "2025"], &db);
    assert!(out.contains("2025: 5 townships and villages; 1 held"), "{out}");
}
