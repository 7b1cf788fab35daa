//! Orders as commands: permissions are enforced and refusals logged; plan
//! followers do their steps; a recorded run replays byte for byte.

use firstline::headless::{self, RunOptions};
use firstline::roles::commands::{Command, Source};
use firstline::roles::plans::{Competence, NpcRoles};
use firstline::scenario::schema::Action;
use firstline::scenario::{self, load::sha256_hex};
use std::path::Path;

fn flood() -> scenario::Loaded {
    scenario::load(Path::new("scenarios/qingshi_flood.ron")).unwrap()
}

#[test]
fn an_order_without_the_right_is_refused_and_logged() {
    let loaded = flood();
    let cmd = |tick, role: &str, action| Command { tick, role: role.into(), source: Source::Trainee, action };
    let opts = RunOptions {
        until_s: Some(600),
        npc: NpcRoles::None,
        commands: vec![
            // A grid worker may not order a village evacuated ...
            cmd(100, "grid_dongwan", Action::OrderEvacuation { village: "dongwan".into() }),
            // ... the village head may.
            cmd(120, "head_dongwan", Action::OrderEvacuation { village: "dongwan".into() }),
            // Nobody can acknowledge a message they never got.
            cmd(130, "commander", Action::Acknowledge { message: "county_red_rain".into() }),
        ],
        ..Default::default()
    };
    let out = headless::run(&loaded, &opts, &mut |_, _| {}).unwrap();
    let refused: Vec<_> = out.events.iter().filter(|e| e.kind == "order_refused").collect();
    assert_eq!(refused.len(), 2);
    assert_eq!((refused[0].tick, refused[0].subject.as_str()), (100, "role:grid_dongwan"));
    assert!(refused[0].data["reason"].as_str().unwrap().contains("GridWorker may not order OrderEvacuation"));
    assert!(refused[1].data["reason"].as_str().unwrap().contains("no unacknowledged message"));
    let given: Vec<_> = out.events.iter().filter(|e| e.kind == "order_given").collect();
    assert_eq!(given.len(), 1);
    assert_eq!((given[0].tick, given[0].subject.as_str()), (120, "role:head_dongwan"));
}

#[test]
fn nobody_acting_leaves_every_step_undone() {
    let out = headless::run(
        &flood(),
        &RunOptions { until_s: Some(3600), npc: NpcRoles::None, ..Default::default() },
        &mut |_, _| {},
    )
    .unwrap();
    assert!(out.events.iter().all(|e| e.kind != "order_given" && e.kind != "plan_step_done"));
    assert!(out.events.iter().any(|e| e.kind == "plan_step_overdue"));
    let adherence = out.report.scoring.metrics.iter().find(|m| m.id == "plan_adherence").unwrap();
    assert_eq!(adherence.value, Some(0.0));
}

#[test]
fn perfect_followers_do_every_triggered_step_on_time_and_competence_matters() {
    let run = |competence| {
        headless::run(&flood(), &RunOptions { until_s: Some(7200), competence, ..Default::default() }, &mut |_, _| {})
            .unwrap()
    };
    let perfect = run(Competence::Perfect);
    let triggered = perfect.events.iter().filter(|e| e.kind == "plan_step_triggered").count();
    let on_time = perfect.events.iter().filter(|e| e.kind == "plan_step_done" && e.data["on_time"] == true).count();
    assert!(triggered >= 6);
    assert_eq!(on_time, triggered);
    let poor = run(Competence::Poor);
    let poor_on_time = poor.events.iter().filter(|e| e.kind == "plan_step_done" && e.data["on_time"] == true).count();
    assert!(poor_on_time < on_time, "poor {poor_on_time} vs perfect {on_time}");
    assert!(poor.report.scoring.score < perfect.report.scoring.score);
}

#[test]
fn a_recorded_run_replays_byte_for_byte() {
    let loaded = flood();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("run.log");
    let opts = RunOptions {
        seed: Some(5),
        until_s: Some(5400),
        log: Some(log.clone()),
        competence: Competence::Typical,
        ..Default::default()
    };
    let first = headless::run(&loaded, &opts, &mut |_, _| {}).unwrap();
    let text = std::fs::read_to_string(&log).unwrap();
    let recorded = firstline::record::replay::read_log(&text).unwrap();
    assert!(!recorded.commands.is_empty());
    let replay = RunOptions {
        seed: Some(recorded.header.seed),
        until_s: Some(5400),
        npc: NpcRoles::None,
        commands: recorded.commands,
        ..Default::default()
    };
    let again = headless::run(&loaded, &replay, &mut |_, _| {}).unwrap();
    assert_eq!(again.report.event_log_sha256, sha256_hex(text.as_bytes()));
    assert_eq!(again.report.to_json(), first.report.to_json());
}

/// Live instructor actions (导调) are commands too: a trainee cannot give
/// them; the instructor's `TriggerLandslide` releases the slope at once and
/// `SendInject` delivers a scripted message ahead of its trigger. Both are
/// logged and replayable like any order.
#[test]
fn the_instructor_sets_off_the_slide_and_sends_injects_live() {
    let loaded = scenario::load(Path::new("scenarios/qingshi_landslide.ron")).unwrap();
    let cmd = |tick, role: &str, source, action| Command { tick, role: role.into(), source, action };
    let opts = RunOptions {
        until_s: Some(1500),
        npc: NpcRoles::None,
        commands: vec![
            cmd(50, "commander", Source::Trainee, Action::TriggerLandslide),
            cmd(60, "instructor", Source::Instructor, Action::SendInject { id: "cracks_seen".into() }),
            cmd(70, "instructor", Source::Instructor, Action::SendInject { id: "no_such_inject".into() }),
            cmd(1200, "instructor", Source::Instructor, Action::TriggerLandslide),
        ],
        ..Default::default()
    };
    let out = headless::run(&loaded, &opts, &mut |_, _| {}).unwrap();
    let refused: Vec<_> = out.events.iter().filter(|e| e.kind == "order_refused").collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(refused[0].data["reason"].as_str().unwrap().contains("only the instructor"));
    assert!(refused[1].data["reason"].as_str().unwrap().contains("no inject `no_such_inject`"));
    let delivered = out.events.iter().find(|e| e.kind == "inject_delivered" && e.subject.contains("cracks_seen"));
    assert!(delivered.is_some_and(|e| e.t <= 61), "{delivered:?}");
    let released = out.events.iter().find(|e| e.kind == "landslide_released").expect("released live");
    assert_eq!((released.t, released.data["cause"].as_str()), (1200, Some("instructor")));
}
