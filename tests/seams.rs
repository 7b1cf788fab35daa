//! The seams the faces and scoring stand on, tested end to end on real
//! drills: the metrics are computed from the events the simulation really
//! emits (each cites events of the kind it measures); the view a face reads
//! is filled and does not change the run; a role's view shows its own inbox
//! and plan only.

use bevy::prelude::*;
use firstline::headless::{self, RunOptions};
use firstline::roles::plans::NpcRoles;
use firstline::roles::view::role_view;
use firstline::scenario;
use firstline::sim::events::{EventLog, HarmOutcome, SimEvent};
use firstline::sim::view::{PersonState, SimView, ViewPlugin};
use firstline::sim::{Drill, SimClock, SimTick};
use std::path::Path;

fn flood() -> scenario::Loaded {
    scenario::load(Path::new("scenarios/qingshi_flood.ron")).unwrap()
}

/// Which kinds of event each of the flood rubric's metrics rests on.
fn cited_kinds(metric: &str) -> &'static [&'static str] {
    match metric {
        "warning_delay" | "first_report" => &["plan_step_triggered", "plan_step_done"],
        "call_response" => &["call_made", "message_acknowledged"],
        "evacuated_in_time" | "vulnerable" | "time_to_50" | "time_to_90" => &["resident_safe", "resident_rescued"],
        "casualties" => &["resident_harmed"],
        "exposed" => &["household_exposed"],
        "plan_adherence" => &["plan_step_triggered", "plan_step_done"],
        // The force's turn-out or arrival, and the plan step that sent it.
        "turn_out" => &["force_turned_out", "plan_step_done"],
        "on_scene" => &["force_on_scene", "plan_step_done"],
        other => panic!("no expectation for metric `{other}`"),
    }
}

#[test]
fn every_metric_is_measured_from_the_events_the_sim_emits() {
    let loaded = flood();
    let perfect = headless::run(&loaded, &RunOptions::default(), &mut |_, _| {}).unwrap();
    let nobody =
        headless::run(&loaded, &RunOptions { npc: NpcRoles::None, ..Default::default() }, &mut |_, _| {}).unwrap();
    for m in &perfect.report.scoring.metrics {
        assert!(m.applicable && m.value.is_some(), "{}: not measured in the perfect run ({})", m.id, m.note);
        let kinds = cited_kinds(&m.id);
        // Nobody hurt and nobody caught at home: nothing to cite.
        if m.id != "casualties" && m.id != "exposed" {
            assert!(!m.evidence.is_empty(), "{}: no evidence", m.id);
        }
        for &k in &m.evidence {
            let kind = perfect.events[k].event.kind();
            assert!(kinds.contains(&kind), "{}: cites a `{kind}` event", m.id);
        }
    }
    let value = |o: &headless::Outcome, id: &str| o.report.scoring.metrics.iter().find(|m| m.id == id).unwrap().value;
    // The same metrics move with what happened.
    assert!(value(&perfect, "evacuated_in_time") > Some(0.95));
    assert_eq!(value(&nobody, "evacuated_in_time"), Some(0.0));
    assert_eq!(value(&perfect, "casualties"), Some(0.0));
    // Casualties: residents killed or injured (not those only trapped), each once.
    let hurt = nobody
        .events
        .iter()
        .filter_map(|e| match e.event {
            SimEvent::ResidentHarmed { resident, outcome: HarmOutcome::Dead | HarmOutcome::Injured, .. } => {
                Some(resident)
            }
            _ => None,
        })
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let trapped = nobody
        .events
        .iter()
        .filter(|e| matches!(e.event, SimEvent::ResidentHarmed { outcome: HarmOutcome::Trapped, .. }))
        .count();
    assert_eq!(value(&nobody, "casualties"), Some(hurt as f64));
    assert!(trapped > 300, "{trapped} trapped");
    // Exposure: the people at home when the water came, from the sim's own events.
    let at_home: u32 = nobody
        .events
        .iter()
        .filter_map(|e| match e.event {
            SimEvent::HouseholdExposed { at_home, .. } => Some(at_home),
            _ => None,
        })
        .sum();
    assert_eq!(value(&nobody, "exposed"), Some(at_home as f64));
    assert!(at_home > 300, "{at_home} exposed");
    assert_eq!(value(&perfect, "exposed"), Some(0.0));
}

fn app_with_view(loaded: &scenario::Loaded, until_s: u32) -> App {
    let drill = Drill::new(loaded, loaded.scenario.meta.seed);
    let opts = RunOptions { until_s: Some(until_s), ..Default::default() };
    let mut app = headless::drill_app(drill.clone(), &opts, EventLog::new(&drill.log_header(), None));
    app.add_plugins(ViewPlugin);
    app.finish();
    app.cleanup();
    app
}

#[test]
fn the_view_is_filled_each_tick_and_does_not_change_the_run() {
    let loaded = flood();
    let mut app = app_with_view(&loaded, 5400);
    while !app.world().resource::<SimClock>().finished {
        app.world_mut().run_schedule(SimTick);
    }
    let world = app.world();
    let view = world.resource::<SimView>();
    let drill = world.resource::<Drill>();
    let residents: u32 = drill.households.iter().map(|(_, h)| h.members.total()).sum();
    assert_eq!((view.tick, view.t_s, view.finished), (5400, 5400, true));
    assert_eq!(view.residents.len(), residents as usize);
    assert_eq!(view.houses.len(), drill.households.len());
    assert_eq!(view.water_depth.as_ref().map(Vec::len), Some(drill.terrain.nx * drill.terrain.ny));
    assert!(view.debris_depth.is_none() && view.fire_reached.is_none(), "a flood drill shows no debris or fire");
    assert!(view.residents.iter().any(|p| p.state == PersonState::Safe), "people reached shelter by 1.5 h");
    let sheltered: u32 = view.shelters.iter().map(|s| s.occupants).sum();
    let safe = view.residents.iter().filter(|p| p.state == PersonState::Safe).count() as u32;
    assert!(sheltered <= safe && sheltered > 0, "{sheltered} in shelters, {safe} safe");
    assert_eq!(view.forces.len(), loaded.scenario.forces.len());
    assert_eq!(view.gauges.len(), loaded.scenario.gauges.len());
    // The same drill without a view gives the same events.
    let with_view = world.resource::<EventLog>().events().to_vec();
    let plain =
        headless::run(&loaded, &RunOptions { until_s: Some(5400), ..Default::default() }, &mut |_, _| {}).unwrap();
    assert!(with_view.len() > 1000);
    assert!(plain.events == with_view, "filling the view changed the run");
}

#[test]
fn a_landslide_view_shows_the_debris_bodies_moving() {
    let loaded = scenario::load(Path::new("scenarios/qingshi_landslide.ron")).unwrap();
    let mut app = app_with_view(&loaded, 7230);
    let mut before = None;
    while !app.world().resource::<SimClock>().finished {
        app.world_mut().run_schedule(SimTick);
        let v = app.world().resource::<SimView>();
        if v.t_s == 7199 {
            before = Some(v.debris_bodies.len());
        }
    }
    assert_eq!(before, Some(0), "no bodies before the release at 7200 s");
    let v = app.world().resource::<SimView>();
    assert!(v.debris_bodies.len() > 100, "{} bodies", v.debris_bodies.len());
    assert!(v.debris_bodies.iter().any(|(_, speed)| *speed > 1.0), "the debris is moving");
    assert!(v.debris_depth.as_ref().is_some_and(|d| d.iter().any(|&x| x > 0.0)));
}

#[test]
fn a_role_sees_its_own_inbox_and_plan() {
    let loaded = flood();
    let mut app = app_with_view(&loaded, 1800);
    while !app.world().resource::<SimClock>().finished {
        app.world_mut().run_schedule(SimTick);
    }
    let world = app.world();
    let director = role_view(world, "office_director").expect("a role of the drill");
    assert!(!director.inbox.is_empty(), "the county's warning reached the office director");
    assert!(director.inbox.iter().all(|m| m.to == "office_director"));
    let plan_roles: Vec<&str> =
        loaded.scenario.plans.iter().filter(|p| p.role == "office_director").map(|p| p.role.as_str()).collect();
    assert!(!plan_roles.is_empty() && !director.steps.is_empty());
    assert!(director.steps.iter().any(|s| s.done.is_some()), "its follower did a step");
    let mine: std::collections::BTreeSet<&str> = loaded
        .scenario
        .plans
        .iter()
        .filter(|p| p.role == "office_director")
        .flat_map(|p| p.steps.iter().map(|s| s.id.as_str()))
        .collect();
    assert!(director.steps.iter().all(|s| mine.contains(s.step.as_str())), "only its own steps");
    assert!(director.orders.iter().all(|(t, _)| *t <= 1800));
    assert!(role_view(world, "no_such_role").is_none());
}

/// A window drives the tick from `FixedUpdate` (`FixedDriver`): with a fixed
/// number of fixed steps per frame, each runs exactly one tick, and the
/// face's own systems in ordinary schedules do not touch the tick's
/// schedule settings (no ambiguity error for them, no single-threaded
/// executor imposed on them).
#[test]
fn a_window_drives_the_tick_from_fixed_update() {
    use bevy::time::TimeUpdateStrategy;
    use firstline::sim::FixedDriver;
    let loaded = scenario::load(Path::new("scenarios/example_small.ron")).unwrap();
    let drill = Drill::new(&loaded, 1);
    let opts = RunOptions { until_s: Some(600), ..Default::default() };
    let mut app = headless::drill_app(drill.clone(), &opts, EventLog::new(&drill.log_header(), None));
    app.add_plugins((MinimalPlugins, ViewPlugin, FixedDriver)).insert_resource(TimeUpdateStrategy::FixedTimesteps(5));
    // Two face systems that both write the same resource, unordered: fine outside `SimTick`.
    #[derive(Resource, Default)]
    struct Frames(u32);
    fn count(mut f: ResMut<Frames>, _v: Res<SimView>) {
        f.0 += 1;
    }
    fn also(mut f: ResMut<Frames>) {
        f.0 += 0;
    }
    app.init_resource::<Frames>().add_systems(Update, (count, also));
    app.finish();
    app.cleanup();
    app.update();
    // The first frame runs no fixed step; the next runs five: the first of
    // them sets the drill up and reads tick 0, the other four are ticks.
    assert_eq!(app.world().resource::<SimClock>().tick, 0);
    app.update();
    assert_eq!(app.world().resource::<SimClock>().tick, 4);
    app.update();
    assert_eq!(app.world().resource::<SimClock>().tick, 9);
    assert_eq!(app.world().resource::<SimView>().tick, 9);
    assert_eq!(app.world().resource::<Frames>().0, 3);
}
