//! The after-action review's seeking (`review::Seeker`): the world at tick
//! T reached by jumping there from the nearest keyframe — forwards,
//! backwards, onto a keyframe, between two — is the world a straight run
//! has at tick T, view for view (`SimView` equality: every field, every
//! resident, the hazard fields), on the landslide drill (rigid bodies in
//! the snapshot) and the fire drill; and a snapshot cannot be put back
//! into a run writing a log file.

use firstline::headless::{RunOptions, Session};
use firstline::record::replay::read_log;
use firstline::review::Seeker;
use firstline::scenario;
use firstline::sim::view::SimView;
use std::collections::BTreeMap;
use std::path::Path;

/// A recorded run of `file` to `until_s` (perfect followers; an instructor
/// order in the landslide drill), its log text.
fn recorded(file: &str, until_s: u32) -> (scenario::Loaded, String) {
    let loaded = scenario::load(Path::new(file)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("r.log");
    let mut commands = Vec::new();
    if loaded.scenario.hazards.landslide.is_some() {
        commands.push(
            firstline::sim::orders::Seat::instructor()
                .order(900, firstline::scenario::schema::Action::TriggerLandslide),
        );
    }
    let opts = RunOptions { until_s: Some(until_s), log: Some(log.clone()), commands, ..Default::default() };
    firstline::headless::run(&loaded, &opts, &mut |_, _| {}).unwrap();
    (loaded, std::fs::read_to_string(&log).unwrap())
}

/// The views of a straight run at `ticks`.
fn straight(loaded: &scenario::Loaded, text: &str, ticks: &[u64]) -> BTreeMap<u64, SimView> {
    let rec = read_log(text).unwrap();
    let mut s = Session::start(loaded, &RunOptions::replaying(&rec), true).unwrap();
    let mut out = BTreeMap::new();
    let last = *ticks.iter().max().unwrap();
    while s.clock().tick < last {
        let going = s.step();
        if ticks.contains(&s.clock().tick) {
            out.insert(s.clock().tick, s.world().resource::<SimView>().clone());
        }
        if !going {
            break;
        }
    }
    out
}

fn seeks_match(file: &str, until_s: u32, every: u64, ticks: &[u64]) {
    let (loaded, text) = recorded(file, until_s);
    let want = straight(&loaded, &text, ticks);
    let rec = read_log(&text).unwrap();
    let mut seeker = Seeker::new(&loaded, &rec, every, &mut |_, _| {}).unwrap();
    assert_eq!(seeker.events(), &rec.events[..], "the first pass replays the log");
    for &t in ticks {
        let got = seeker.seek(t).clone();
        assert_eq!(seeker.tick(), t);
        let w = &want[&t];
        assert_eq!(got.t_s, w.t_s, "{file}: seek to {t}");
        assert!(got == *w, "{file}: the view after seeking to tick {t} differs from the straight run's");
    }
}

#[test]
fn seeking_a_landslide_drill_gives_the_straight_runs_world() {
    // Keyframes every 300 ticks; the slide lets go at 900 s and runs for minutes.
    let ticks = [1800, 950, 1, 900, 1201, 301, 1799, 1000, 2400];
    seeks_match("scenarios/qingshi_landslide.ron", 2400, 300, &ticks);
}

#[test]
fn seeking_a_fire_drill_gives_the_straight_runs_world() {
    let ticks = [3000, 700, 1500, 1499, 2999, 601, 4200];
    seeks_match("scenarios/qingshi_fire.ron", 4200, 600, &ticks);
}

#[test]
fn a_run_writing_a_log_takes_no_snapshot_back() {
    let loaded = scenario::load(Path::new("scenarios/example_small.ron")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let opts = RunOptions { log: Some(dir.path().join("x.log")), ..Default::default() };
    let mut s = Session::start(&loaded, &opts, false).unwrap();
    s.step();
    let snap = s.snapshot();
    s.step();
    let now = s.clock().tick;
    assert!(!s.restore(&snap), "lines written cannot be taken back");
    assert_eq!(s.clock().tick, now, "nothing was put back");
}
