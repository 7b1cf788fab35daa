//! Orders as commands: permissions are enforced and refusals logged; plan
//! followers do their steps; a recorded run replays byte for byte; only the
//! instructor seat gives instructor actions.

use firstline::headless::{self, RunOptions};
use firstline::roles::plans::{Competence, NpcRoles};
use firstline::scenario::schema::Action;
use firstline::scenario::{self, load::sha256_hex};
use firstline::sim::events::{Event, HazardCause, SimEvent};
use firstline::sim::orders::{Seat, Source};
use std::path::Path;

fn flood() -> scenario::Loaded {
    scenario::load(Path::new("scenarios/qingshi_flood.ron")).unwrap()
}

#[test]
fn an_order_without_the_right_is_refused_and_logged() {
    let loaded = flood();
    let cmd = |tick, role: &str, action| Seat::trainee(role).order(tick, action);
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
    let refused = refusals(&out.events);
    assert_eq!(refused.len(), 2);
    assert_eq!((refused[0].0, refused[0].1.as_str()), (100, "grid_dongwan"));
    assert!(refused[0].3.contains("GridWorker may not order OrderEvacuation"));
    assert!(refused[1].3.contains("no unacknowledged message"));
    let given: Vec<_> = out
        .events
        .iter()
        .filter_map(|e| match &e.event {
            SimEvent::OrderGiven { role, source, .. } => Some((e.tick, role.to_string(), *source)),
            _ => None,
        })
        .collect();
    assert_eq!(given, vec![(120, "head_dongwan".to_owned(), Source::Trainee)]);
}

/// (tick, role, source, reason) of every refused order.
fn refusals(events: &[Event]) -> Vec<(u64, String, Source, String)> {
    events
        .iter()
        .filter_map(|e| match &e.event {
            SimEvent::OrderRefused { role, source, reason, .. } => {
                Some((e.tick, role.to_string(), *source, reason.clone()))
            }
            _ => None,
        })
        .collect()
}

fn on_time_steps(events: &[Event]) -> usize {
    events.iter().filter(|e| matches!(e.event, SimEvent::PlanStepDone { on_time: true, .. })).count()
}

#[test]
fn nobody_acting_leaves_every_step_undone() {
    let out = headless::run(
        &flood(),
        &RunOptions { until_s: Some(3600), npc: NpcRoles::None, ..Default::default() },
        &mut |_, _| {},
    )
    .unwrap();
    assert!(out.events.iter().all(|e| !matches!(e.event, SimEvent::OrderGiven { .. } | SimEvent::PlanStepDone { .. })));
    assert!(out.events.iter().any(|e| matches!(e.event, SimEvent::PlanStepOverdue { .. })));
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
    let triggered = perfect.events.iter().filter(|e| matches!(e.event, SimEvent::PlanStepTriggered { .. })).count();
    let on_time = on_time_steps(&perfect.events);
    assert!(triggered >= 6);
    assert_eq!(on_time, triggered);
    let poor = run(Competence::Poor);
    let poor_on_time = on_time_steps(&poor.events);
    assert!(poor_on_time < on_time, "poor {poor_on_time} vs perfect {on_time}");
    assert!(poor.report.scoring.score < perfect.report.scoring.score);
}

/// A run where the software plays some roles and a trainee another: the
/// replay plays the followers again (the header names them and their
/// competence) and takes only the trainee's orders from the log.
#[test]
fn a_recorded_run_replays_byte_for_byte() {
    let loaded = flood();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("run.log");
    let followers: Vec<String> =
        loaded.scenario.roles.iter().map(|r| r.id.clone()).filter(|r| r != "info_officer").collect();
    let opts = RunOptions {
        seed: Some(5),
        until_s: Some(5400),
        log: Some(log.clone()),
        npc: NpcRoles::Only(followers.clone()),
        competence: Competence::Typical,
        commands: vec![
            Seat::trainee("info_officer")
                .order(900, Action::SendReport { kind: firstline::scenario::schema::ReportKind::First }),
        ],
        ..Default::default()
    };
    let first = headless::run(&loaded, &opts, &mut |_, _| {}).unwrap();
    let text = std::fs::read_to_string(&log).unwrap();
    let recorded = firstline::record::replay::read_log(&text).unwrap();
    assert_eq!(recorded.header.plan_followers.len(), followers.len());
    assert_eq!(recorded.header.competence, Competence::Typical);
    assert_eq!(recorded.commands.len(), 1, "only the trainee's order comes from the log");
    assert!(recorded.events.iter().any(|e| matches!(e.event, SimEvent::OrderGiven { source: Source::Npc, .. })));
    let again = headless::run(&loaded, &RunOptions::replaying(&recorded), &mut |_, _| {}).unwrap();
    assert_eq!(again.report.event_log_sha256, sha256_hex(text.as_bytes()));
    assert_eq!(again.report.to_json(), first.report.to_json());
}

/// Live instructor actions (导调) are commands too: a trainee seat cannot
/// give them, even claiming the instructor's role name; the instructor's
/// `TriggerLandslide` releases the slope at once and `SendInject` delivers a
/// scripted message ahead of its trigger. Both are logged, with the seat's
/// source, and replay from the same seats.
#[test]
fn the_instructor_sets_off_the_slide_and_sends_injects_live() {
    let loaded = scenario::load(Path::new("scenarios/qingshi_landslide.ron")).unwrap();
    let instructor = Seat::instructor();
    let opts = RunOptions {
        until_s: Some(1500),
        npc: NpcRoles::None,
        commands: vec![
            Seat::trainee("commander").order(50, Action::TriggerLandslide),
            // A trainee seat naming itself "instructor" is still a trainee.
            Seat::trainee("instructor").order(55, Action::SendInject { id: "cracks_seen".into() }),
            instructor.order(60, Action::SendInject { id: "cracks_seen".into() }),
            instructor.order(70, Action::SendInject { id: "no_such_inject".into() }),
            instructor.order(1200, Action::TriggerLandslide),
        ],
        ..Default::default()
    };
    let out = headless::run(&loaded, &opts, &mut |_, _| {}).unwrap();
    let refused = refusals(&out.events);
    assert_eq!(refused.len(), 3, "{refused:?}");
    assert_eq!((refused[0].1.as_str(), refused[0].2), ("commander", Source::Trainee));
    assert!(refused[0].3.contains("only the instructor"));
    assert_eq!((refused[1].0, refused[1].2), (55, Source::Trainee));
    assert!(refused[1].3.contains("only the instructor"));
    assert_eq!((refused[2].2, refused[2].3.contains("no inject `no_such_inject`")), (Source::Instructor, true));
    let delivered = out.events.iter().find(|e| match &e.event {
        SimEvent::InjectDelivered { inject, .. } => inject == "cracks_seen",
        _ => false,
    });
    assert!(delivered.is_some_and(|e| e.t <= 61), "{delivered:?}");
    let released = out
        .events
        .iter()
        .find_map(|e| match &e.event {
            SimEvent::LandslideReleased { cause, .. } => Some((e.t, *cause)),
            _ => None,
        })
        .expect("released live");
    assert_eq!(released, (1200, HazardCause::Instructor));
    // The recorded orders come back from the same seats and replay exactly.
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("live.log");
    let first = headless::run(&loaded, &RunOptions { log: Some(log.clone()), ..opts.clone() }, &mut |_, _| {}).unwrap();
    let text = std::fs::read_to_string(&log).unwrap();
    let recorded = firstline::record::replay::read_log(&text).unwrap();
    assert_eq!(recorded.commands.iter().filter(|c| c.source() == Source::Instructor).count(), 3);
    let again = headless::run(&loaded, &RunOptions::replaying(&recorded), &mut |_, _| {}).unwrap();
    assert_eq!(again.report.event_log_sha256, first.report.event_log_sha256);
}

/// Closing a shelter by order closes it to arrivals: after the order,
/// people who reach it are turned away (`shelter_closed`) and sent on to
/// another shelter; before it, it filled as usual. (The plan's own
/// `OpenShelter` steps come earlier, so the order is not undone.)
#[test]
fn a_closed_shelter_turns_arrivals_away_to_another() {
    let loaded = flood();
    let close_at = 1800;
    let run = |commands| {
        let opts = RunOptions { until_s: Some(9000), commands, ..Default::default() };
        headless::run(&loaded, &opts, &mut |_, _| {}).unwrap()
    };
    // Arrivals per shelter after the closing time.
    let late = |o: &headless::Outcome| {
        let mut by: std::collections::BTreeMap<String, usize> = Default::default();
        for e in o.events.iter().filter(|e| e.t > close_at) {
            if let SimEvent::ResidentSafe { shelter, .. } = &e.event {
                *by.entry(shelter.to_string()).or_default() += 1;
            }
        }
        by
    };
    let open = run(vec![]);
    let (busiest, n) = late(&open).into_iter().max_by_key(|(_, n)| *n).unwrap();
    assert!(n > 50, "{n} arrived at {busiest} after {close_at} s with it open");
    let close = Seat::trainee("commander").order(close_at, Action::CloseShelter { shelter: busiest.clone() });
    let closed = run(vec![close]);
    let given = closed.events.iter().any(|e| {
        matches!(&e.event, SimEvent::OrderGiven { action: Action::CloseShelter { shelter }, .. } if *shelter == busiest)
    });
    assert!(given, "the commander may close a shelter");
    let after = late(&closed);
    assert_eq!(after.get(&busiest).copied().unwrap_or(0), 0, "nobody is let into {busiest} once closed");
    let turned = closed
        .events
        .iter()
        .filter(|e| matches!(&e.event, SimEvent::ShelterClosed { shelter, .. } if *shelter == busiest.as_str()))
        .count();
    assert!(turned > 0, "arrivals were turned away");
    let elsewhere: usize = after.values().sum();
    assert!(elsewhere >= n / 2, "{elsewhere} of the {n} found shelter elsewhere");
}
