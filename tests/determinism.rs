//! Determinism: the same scenario, seed (and, later, command log) give
//! byte-identical event logs and reports; a different seed changes a
//! seed-dependent outcome; one thread or two give the same bytes; the
//! tick's system order admits no ambiguity.

use firstline::headless::{self, RunOptions};
use firstline::scenario::{self, load::sha256_hex};
use firstline::sim::events::SimEvent;
use std::path::Path;

fn run_to_files(file: &str, seed: Option<u64>, until_s: Option<u32>, dir: &Path, tag: &str) -> (Vec<u8>, Vec<u8>) {
    let loaded = scenario::load(Path::new(file)).unwrap();
    let log = dir.join(format!("{tag}.log"));
    let out = headless::run(
        &loaded,
        &RunOptions { seed, until_s, log: Some(log.clone()), ..Default::default() },
        &mut |_, _| {},
    )
    .unwrap();
    let report = out.report.to_json().into_bytes();
    (report, std::fs::read(log).unwrap())
}

#[test]
fn same_seed_gives_identical_bytes() {
    let dir = tempfile::tempdir().unwrap();
    for file in ["scenarios/example_small.ron", "scenarios/qingshi_flood.ron"] {
        let (r1, l1) = run_to_files(file, None, Some(7200), dir.path(), "a");
        let (r2, l2) = run_to_files(file, None, Some(7200), dir.path(), "b");
        assert_eq!(l1, l2, "{file}: event logs differ");
        assert_eq!(r1, r2, "{file}: reports differ");
        let report: serde_json::Value = serde_json::from_slice(&r1).unwrap();
        assert_eq!(report["event_log_sha256"], sha256_hex(&l1), "the report names the log's hash");
        assert!(!dir.path().join("a.log.partial").exists(), "the partial log was moved into place");
    }
}

fn delivery_tick(events: &[firstline::sim::events::Event], id: &str) -> u64 {
    events
        .iter()
        .find(|e| matches!(&e.event, SimEvent::InjectDelivered { inject, .. } if inject == id))
        .map(|e| e.tick)
        .unwrap()
}

/// The flood kernel and the crowd step in parallel inside a tick (rayon):
/// the drill's bytes must not depend on how many threads do it.
#[test]
fn one_thread_or_two_give_the_same_log() {
    let loaded = scenario::load(Path::new("scenarios/qingshi_flood.ron")).unwrap();
    let run = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| {
            let opts = RunOptions { until_s: Some(5400), ..Default::default() };
            headless::run(&loaded, &opts, &mut |_, _| {}).unwrap()
        })
    };
    let (one, two) = (run(1), run(2));
    assert!(one.events.iter().any(|e| matches!(e.event, SimEvent::ResidentSafe { .. })), "people walked");
    assert_eq!(one.report.event_log_sha256, two.report.event_log_sha256);
    assert_eq!(one.report.to_json(), two.report.to_json());
}

/// `firstline run` makes its thread rayon's worker 0 and keeps the pool's
/// other worker awake while the drill runs (`headless::with_pool_awake`,
/// which `headless::run` uses on worker 0): the bytes are one thread's.
#[test]
fn a_run_on_worker_0_with_the_pool_kept_awake_gives_one_thread_s_log() {
    let loaded = scenario::load(Path::new("scenarios/qingshi_flood.ron")).unwrap();
    let opts = RunOptions { until_s: Some(5400), ..Default::default() };
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| headless::run(&loaded, &opts, &mut |_, _| {}).unwrap());
    let two = std::thread::spawn(move || {
        // This thread becomes worker 0 of a two-thread pool, as in
        // `headless::work_on_this_thread` (rayon leaks the registry of a
        // pool built on the current thread; the thread ends here).
        let _pool = rayon::ThreadPoolBuilder::new().num_threads(2).use_current_thread().build().unwrap();
        assert_eq!(rayon::current_thread_index(), Some(0));
        headless::run(&loaded, &opts, &mut |_, _| {}).unwrap()
    })
    .join()
    .unwrap();
    assert!(one.events.iter().any(|e| matches!(e.event, SimEvent::ResidentSafe { .. })), "people walked");
    assert_eq!(one.report.event_log_sha256, two.report.event_log_sha256);
    assert_eq!(one.report.to_json(), two.report.to_json());
}

#[test]
fn a_different_seed_changes_a_jittered_inject() {
    let loaded = scenario::load(Path::new("scenarios/qingshi_flood.ron")).unwrap();
    let run = |seed| {
        headless::run(
            &loaded,
            &RunOptions { seed: Some(seed), until_s: Some(7200), ..Default::default() },
            &mut |_, _| {},
        )
        .unwrap()
    };
    let (a, b) = (run(1), run(2));
    // The resident's call is scripted at 5400 s with up to 900 s of seeded delay.
    let (ta, tb) = (delivery_tick(&a.events, "resident_call"), delivery_tick(&b.events, "resident_call"));
    assert!((5400..=6300).contains(&ta) && (5400..=6300).contains(&tb));
    assert_ne!(ta, tb);
    assert_ne!(a.report.event_log_sha256, b.report.event_log_sha256);
    // The county warning has no jitter: it lands at 300 s whatever the seed.
    assert_eq!(delivery_tick(&a.events, "county_red_rain"), 300);
    assert_eq!(delivery_tick(&b.events, "county_red_rain"), 300);
    assert_eq!(a.report.seed, 1);
}

#[test]
fn until_stops_early_and_says_so() {
    let loaded = scenario::load(Path::new("scenarios/example_small.ron")).unwrap();
    let out = headless::run(&loaded, &RunOptions { until_s: Some(600), ..Default::default() }, &mut |_, _| {}).unwrap();
    assert_eq!(out.report.drill_seconds, 600);
    assert!(!out.report.complete);
    assert_eq!(out.events.last().unwrap().event, SimEvent::DrillEnded { ticks: 600 });
    // Gauges sample at t = 0, every 60 s, and at the end.
    let s = &out.report.gauges[0].samples;
    assert_eq!(s.first().unwrap().0, 0);
    assert_eq!(s.last().unwrap().0, 600);
    assert_eq!(s.len(), 11);
}

/// The tick schedule is built with ambiguity detection as an error: the
/// real schedule builds; adding two unordered systems that write the same
/// resource makes the build fail with an ambiguity (not any panic).
#[test]
fn the_tick_schedule_rejects_ambiguous_systems() {
    use bevy::ecs::schedule::{ScheduleBuildError, ScheduleBuildWarning};
    use bevy::prelude::*;
    use firstline::sim::events::EventLog;
    use firstline::sim::{Drill, SimSet, SimTick};
    let loaded = scenario::load(Path::new("scenarios/example_small.ron")).unwrap();
    let opts = RunOptions { until_s: Some(10), ..Default::default() };
    let build = |app: &mut App| app.world_mut().schedule_scope(SimTick, |world, s| s.initialize(world).map(|_| ()));
    let drill = Drill::new(&loaded, 1);
    let mut app = headless::build_app(drill.clone(), &opts, EventLog::new(&drill.log_header(), None));
    assert!(build(&mut app).is_ok(), "the real tick schedule builds");
    app.world_mut().run_schedule(SimTick);
    let mut bad = headless::build_app(drill.clone(), &opts, EventLog::new(&drill.log_header(), None));
    fn a(_l: ResMut<EventLog>) {}
    fn b(_l: ResMut<EventLog>) {}
    bad.add_systems(SimTick, (a, b).in_set(SimSet::Detect));
    let err = build(&mut bad).expect_err("an ambiguous pair of systems was accepted");
    assert!(matches!(err, ScheduleBuildError::Elevated(ScheduleBuildWarning::Ambiguity(_))), "{err:?}");
}

/// `firstline run --profile` times the tick's phases with marks of its own:
/// the profiled run computes the same log, and the time lands on the models
/// that ran (the Qingshi flood drill has a flood and residents, no fire).
#[test]
fn profiling_a_run_changes_nothing_and_charges_the_models() {
    let loaded = scenario::load(Path::new("scenarios/qingshi_flood.ron")).unwrap();
    let opts = RunOptions { until_s: Some(1800), ..Default::default() };
    let plain = headless::run(&loaded, &opts, &mut |_, _| {}).unwrap();
    let started = std::time::Instant::now();
    let (profiled, laps) = headless::run_profiled(&loaded, &opts, &mut |_, _| {}).unwrap();
    let wall = started.elapsed();
    assert_eq!(plain.report.event_log_sha256, profiled.report.event_log_sha256);
    let spent = |name: &str| laps.spent[headless::profile::PHASES.iter().position(|p| *p == name).unwrap()];
    assert!(laps.total() <= wall, "the phases cannot take longer than the run: {:?} > {wall:?}", laps.total());
    // The flood steps its 150² cells at least once a tick; the drill has no
    // fire model, so only the (empty) fire phase's mark runs.
    assert!(spent("flood") > spent("fire") * 10, "{}", laps.table());
    assert!(spent("residents (crowd)") > std::time::Duration::ZERO, "{}", laps.table());
    assert!(laps.table().contains("flood"));
    // The flood solver's steps are counted, on the drill's 150 × 150 cells:
    // whole stable steps, the last of a tick running past it by at most a
    // tick (`Shallow::advance_leading`), so none longer than 2 s and at
    // least 900 in 1,800 s; fewer than two a tick (1,784 when this was
    // written).
    let (steps, cells) = laps.flood_steps.expect("the flood's steps");
    assert_eq!((laps.ticks, cells), (1800, 150 * 150));
    assert!((900..3600).contains(&steps), "{steps} steps in 1,800 ticks");
    assert_eq!(laps.flood_cell_steps, steps * cells as u64, "without local steps every step updates every cell");
    assert!(laps.table().contains("the flood solver took"), "{}", laps.table());
}
