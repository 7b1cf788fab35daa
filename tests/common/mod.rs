//! Helpers the integration tests share: a finished trainee run of the small
//! drill, and a fresh PostgreSQL database for a test (or a skip where no
//! server is configured and none is required).
#![allow(dead_code)]

use firstline::headless::{RunOptions, run};
use firstline::record::store::{NewPerson, OrgKind, Organisation};
use firstline::roles::plans::NpcRoles;
use firstline::sim::events::SimEvent;
use firstline::sim::orders::{Seat, Source};
use std::path::{Path, PathBuf};

pub const SMALL: &str = "scenarios/example_small.ron";
/// A valid identity number (GB 11643's example).
pub const ID: &str = "11010519491231002X";

/// A finished run of the small drill in which a person played the office
/// director: the perfect follower's orders for that role, given instead
/// from a trainee's seat. Returns the log's path.
pub fn trainee_log(dir: &Path) -> PathBuf {
    let loaded = firstline::scenario::load(Path::new(SMALL)).unwrap();
    let follower = run(&loaded, &RunOptions::default(), &mut |_, _| {}).unwrap();
    let commands: Vec<_> = follower
        .events
        .iter()
        .filter_map(|e| match &e.event {
            SimEvent::OrderGiven { role, source: Source::Npc, action } if role.0 == "office_director" => {
                Some(Seat::trainee("office_director").order(e.tick, action.clone()))
            }
            _ => None,
        })
        .collect();
    assert!(!commands.is_empty(), "the follower gave the office director's orders");
    let log = dir.join("trainee.log.jsonl");
    let opts = RunOptions {
        log: Some(log.clone()),
        npc: NpcRoles::Only(vec!["commander".into(), "head_xiaohe".into(), "grid_xiaohe".into()]),
        commands,
        ..Default::default()
    };
    run(&loaded, &opts, &mut |_, _| {}).unwrap();
    log
}

/// A fresh database for one test at the test server, or `None` (skipped)
/// where no server is configured and none is required.
pub fn centre_url(name: &str) -> Option<String> {
    let Ok(url) = std::env::var("FIRSTLINE_TEST_PG") else {
        assert!(
            std::env::var_os("FIRSTLINE_REQUIRE_PG").is_none(),
            "FIRSTLINE_REQUIRE_PG is set but FIRSTLINE_TEST_PG names no server"
        );
        eprintln!("skipped: no PostgreSQL (set FIRSTLINE_TEST_PG=postgres://…)");
        return None;
    };
    let mut c = postgres::Client::connect(&url, postgres::NoTls).expect("the test PostgreSQL answers");
    // PostgreSQL cuts names at 63 bytes: keep the test's name short.
    let db = format!("firstline_{}_{}", &name[..name.len().min(40)], std::process::id());
    c.batch_execute(&format!("DROP DATABASE IF EXISTS {db}")).unwrap();
    c.batch_execute(&format!("CREATE DATABASE {db}")).unwrap();
    Some(format!("{}/{db}", &url[..url.rfind('/').unwrap()]))
}

/// An organisation with no category or grade.
pub fn org(code: &str, name: &str, kind: OrgKind, parent: Option<&str>) -> Organisation {
    Organisation {
        code: code.into(),
        name: name.into(),
        kind,
        category: None,
        claimed_grade: None,
        parent: parent.map(Into::into),
    }
}

/// The office director 王芳 (P001) of township T01, with an identity number.
pub fn director() -> NewPerson {
    NewPerson {
        code: "P001".into(),
        name: "王芳".into(),
        id_number: Some(ID.into()),
        organisation: Some("T01".into()),
        post: Some("应急办主任".into()),
    }
}

/// A records file with the township T01 (青石镇) and the person P001 (王芳)
/// in it, as a window's end screen finds them.
pub fn records_with_p001(db: &Path) {
    let mut store = firstline::record::store::Store::open(db).unwrap();
    store.put_organisation(&org("T01", "青石镇", OrgKind::Township, None)).unwrap();
    store.put_person(&NewPerson { code: "P001".into(), name: "王芳".into(), ..Default::default() }).unwrap();
}
