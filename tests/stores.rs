//! The same store tests on both backends: a township's SQLite file and a
//! provincial centre's PostgreSQL database keep the one records contract
//! (`Records`) — organisations and people (identity numbers as salted
//! hashes, all-or-none lists), imports with Chinese headers, a run stored
//! whole or not at all and read back byte for byte, the certificate
//! register, exports. Each suite runs once per backend; the PostgreSQL runs
//! need `FIRSTLINE_TEST_PG` (see `common::centre_url`) and are required
//! where `FIRSTLINE_REQUIRE_PG` is set (CI).

mod common;
use common::{ID, SMALL, centre_url, director, org, trainee_log};
use firstline::certify;
use firstline::record::store::{Centre, IssuedCertificate, NewPerson, OrgKind, Records};
use std::path::Path;

/// `#[test]`s running `suite` on a fresh in-memory SQLite store and on a
/// fresh PostgreSQL database.
macro_rules! on_both {
    ($($suite:ident),*) => {$(
        mod $suite {
            #[test]
            fn sqlite() {
                super::$suite(&mut firstline::record::store::Store::in_memory().unwrap());
            }
            #[test]
            fn postgres() {
                let Some(url) = super::centre_url(stringify!($suite)) else { return };
                super::$suite(&mut super::Centre::connect(&url).unwrap());
            }
        }
    )*};
}

on_both!(
    people_and_organisations_are_kept_with_hashed_numbers_all_or_none,
    an_import_with_chinese_headers_stores_all_rows_or_none,
    a_run_is_stored_whole_or_not_at_all,
    the_certificate_register_keeps_each_certificate_once
);

fn people_and_organisations_are_kept_with_hashed_numbers_all_or_none(s: &mut dyn Records) {
    // A village may come before its township in one list.
    s.put_all(
        &[org("V01", "东湾村", OrgKind::Village, Some("T01")), org("T01", "青石镇", OrgKind::Township, None)],
        &[director()],
    )
    .unwrap();
    let orgs = s.organisations().unwrap();
    let codes: Vec<(&str, Option<&str>)> = orgs.iter().map(|o| (o.code.as_str(), o.parent.as_deref())).collect();
    assert_eq!(codes, [("T01", None), ("V01", Some("T01"))]);
    let p = s.person("P001").unwrap();
    assert_eq!(p.organisation.as_ref().unwrap().name, "青石镇");
    assert_eq!(p.id_number, None, "the number itself is not kept");
    assert_eq!(p.id_hash.as_ref().map(String::len), Some(64), "a SHA-256, not the number");
    assert_eq!(s.person(ID).unwrap().code, "P001", "found by identity number");
    assert_eq!(s.person(&ID.to_lowercase()).unwrap().code, "P001", "the check character in either case");

    // A person of an organisation not in the records is refused; a
    // mistyped identity number is refused by its check character.
    for (person, why) in [
        (
            NewPerson { code: "P002".into(), name: "李".into(), organisation: Some("X".into()), ..Default::default() },
            "no organisation `X`",
        ),
        (
            NewPerson {
                code: "P003".into(),
                name: "赵".into(),
                id_number: Some("110105194912310021".into()),
                ..Default::default()
            },
            "check character",
        ),
    ] {
        let e = s.put_person(&person).unwrap_err();
        assert!(e.to_string().contains(why), "{e}");
    }
    // One bad row in a list stores none of it.
    let e = s
        .put_all(
            &[org("V02", "石桥村", OrgKind::Village, Some("T01"))],
            &[
                NewPerson { code: "P004".into(), name: "钱".into(), ..Default::default() },
                NewPerson { code: "P005".into(), name: " ".into(), ..Default::default() },
            ],
        )
        .unwrap_err();
    assert!(e.to_string().contains("P005: no name"), "{e}");
    assert_eq!(s.people().unwrap().len(), 1);
    assert_eq!(s.organisations().unwrap().len(), 2);
    let e = s.put_organisation(&org("V03", "自环村", OrgKind::Village, Some("V03"))).unwrap_err();
    assert!(e.to_string().contains("cannot belong to itself"), "{e}");
    // The same code again updates, never duplicates.
    s.put_person(&NewPerson {
        code: "P001".into(),
        name: "王芳".into(),
        post: Some("镇长".into()),
        organisation: Some("T01".into()),
        ..Default::default()
    })
    .unwrap();
    let people = s.people().unwrap();
    assert_eq!(people.len(), 1);
    assert_eq!(people[0].post.as_deref(), Some("镇长"));
    assert!(people[0].id_hash.is_some(), "an update without the number keeps its hash");
}

fn an_import_with_chinese_headers_stores_all_rows_or_none(s: &mut dyn Records) {
    let dir = tempfile::tempdir().unwrap();
    let orgs = dir.path().join("orgs.csv");
    std::fs::write(
        &orgs,
        "\u{feff}编号,名称,类型,类别,申报等级\nT01,青石镇,乡镇,,\nV01,东湾村,村,,\nR01,蓝天救援队,队伍,水上搜救,二级\n",
    )
    .unwrap();
    assert_eq!(firstline::record::store::import(s, &orgs).unwrap(), (3, 0));
    let team = s.organisations().unwrap().into_iter().find(|o| o.code == "R01").unwrap();
    assert_eq!(
        (team.kind.as_str(), team.category.as_deref(), team.claimed_grade.as_deref()),
        ("team", Some("水上搜救"), Some("二级"))
    );

    let people = dir.path().join("people.csv");
    std::fs::write(
        &people,
        format!(
            "编号,姓名,身份证号,单位,岗位\nP001,王芳,{ID},T01,应急办主任\nP002,李强,,V01,村书记\nP003,张伟,,NOPE,队员\n"
        ),
    )
    .unwrap();
    let e = firstline::record::store::import(s, &people).unwrap_err();
    assert!(e.to_string().contains("no organisation `NOPE`"), "{e}");
    assert!(s.people().unwrap().is_empty(), "a bad row stores nothing");

    std::fs::write(&people, "编号,姓名,身份证号\nP009,钱,12345\n").unwrap();
    let e = firstline::record::store::import(s, &people).unwrap_err();
    assert!(e.to_string().contains("people.csv:2"), "the line is named: {e}");
}

/// The small drill played by a trainee office director (loaded, the
/// scenario's bytes, the log's bytes), with that trainee (P001) in `s`.
fn trainee_run(s: &mut dyn Records) -> (firstline::scenario::Loaded, Vec<u8>, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let log = trainee_log(dir.path());
    let loaded = firstline::scenario::load(Path::new(SMALL)).unwrap();
    s.put_person(&NewPerson { code: "P001".into(), name: "王芳".into(), ..Default::default() }).unwrap();
    (loaded, std::fs::read(SMALL).unwrap(), std::fs::read(&log).unwrap())
}

fn a_run_is_stored_whole_or_not_at_all(s: &mut dyn Records) {
    let (loaded, source, bytes) = trainee_run(s);

    // The person's role must be named; an unknown person stores nothing.
    let e = certify::record(s, &loaded, &source, &bytes, &[], None).unwrap_err();
    assert!(e.contains("name them (--seat office_director=CODE)"), "{e}");
    let e =
        certify::record(s, &loaded, &source, &bytes, &[("office_director".into(), "P404".into())], None).unwrap_err();
    assert!(e.contains("no person `P404`"), "{e}");
    assert!(s.runs(None).unwrap().is_empty(), "the failed run left no row");
    // A role the software played is not a person's.
    let e = certify::record(s, &loaded, &source, &bytes, &[("commander".into(), "P001".into())], None).unwrap_err();
    assert!(e.contains("played by the software"), "{e}");

    // A log that does not replay is not stored.
    let text = String::from_utf8(bytes.clone()).unwrap().replacen("\"tick\":", "\"tick\":1", 1);
    assert!(
        certify::record(s, &loaded, &source, text.as_bytes(), &[("office_director".into(), "P001".into())], None)
            .is_err()
    );
    assert!(s.runs(None).unwrap().is_empty());

    // Nor one whose events replay but whose bytes were re-saved (CRLF):
    // a certificate's re-run must give the stored log's hash.
    let crlf = String::from_utf8(bytes.clone()).unwrap().replace('\n', "\r\n");
    let e = certify::record(s, &loaded, &source, crlf.as_bytes(), &[("office_director".into(), "P001".into())], None)
        .unwrap_err();
    assert!(e.contains("bytes are not those the drill writes"), "{e}");
    assert!(s.runs(None).unwrap().is_empty());

    let id = certify::record(s, &loaded, &source, &bytes, &[("office_director".into(), "P001".into())], None).unwrap();
    let run = s.run(id).unwrap();
    assert_eq!(run.log, bytes, "the log comes back byte for byte");
    assert_eq!(run.scenario_source, source);
    let seats: Vec<_> = run.row.roles.iter().map(|(r, by, _)| (r.as_str(), by.as_str())).collect();
    assert_eq!(
        seats,
        [
            ("commander", "plan_follower"),
            ("office_director", "P001"),
            ("head_xiaohe", "plan_follower"),
            ("grid_xiaohe", "plan_follower")
        ]
    );
    assert_eq!(s.runs(Some("P001")).unwrap().len(), 1);

    let csv = String::from_utf8(firstline::record::store::export_csv(s).unwrap()).unwrap();
    assert!(csv.starts_with('\u{feff}') && csv.contains("王芳") && csv.contains("office_director"), "{csv}");
    let xlsx = firstline::record::store::export_xlsx(s).unwrap();
    assert!(xlsx.starts_with(b"PK"), "an XLSX is a zip file");
}

fn the_certificate_register_keeps_each_certificate_once(s: &mut dyn Records) {
    let (loaded, source, bytes) = trainee_run(s);
    let run = certify::record(s, &loaded, &source, &bytes, &[("office_director".into(), "P001".into())], None).unwrap();
    let cert = IssuedCertificate {
        id: "FL-TEST-0001".into(),
        run,
        person: "P001".into(),
        issued: "2026-12-03".into(),
        level: "优秀".into(),
        body: "{\"signed\":true}".as_bytes().to_vec(),
    };
    s.put_certificate(&cert).unwrap();
    s.put_certificate(&cert).unwrap();
    assert_eq!(s.certificates().unwrap(), std::slice::from_ref(&cert), "registered once, bytes unchanged");
    let e =
        s.put_certificate(&IssuedCertificate { id: "FL-TEST-0002".into(), person: "P404".into(), ..cert }).unwrap_err();
    assert!(e.to_string().contains("no person `P404`"), "{e}");
    assert_eq!(s.certificates().unwrap().len(), 1);
}

/// The records commands on a centre's database: add, import and list work
/// there as on a township's file; push and compliance say they need a file.
#[test]
fn the_records_commands_work_on_a_centres_database() {
    let Some(url) = centre_url("cli") else { return };
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_firstline")).args(args).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let (code, out) = run(&["records", "--db", &url, "add-org", "T01", "青石镇", "--kind", "乡镇"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(&["records", "--db", &url, "add-person", "P001", "王芳", "--org", "T01", "--id-number", ID]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(&["records", "--db", &url, "list", "people"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("P001\t王芳\t青石镇") && out.contains("ID on file"), "{out}");
    let (code, out) = run(&["records", "--db", &url, "compliance", "--year", "2026"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("works on a township's records file"), "{out}");
    // A wrong password for a database that is not there: refused (whatever
    // the server's authentication), and the password given is not printed.
    let pw = "secret-pw";
    let (scheme, rest) = url.split_once("://").unwrap();
    let user = rest.split(['@', ':']).next().unwrap();
    let host = &rest[rest.rfind('@').unwrap()..rest.rfind('/').unwrap()];
    let wrong = format!("{scheme}://{user}:{pw}{host}/firstline_no_such_db");
    let (code, out) = run(&["records", "--db", &wrong, "list", "people"]);
    assert_eq!(code, 2, "{out}");
    assert!(!out.contains(pw) && out.contains(":***@"), "the password is not printed: {out}");
}
