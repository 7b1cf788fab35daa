//! Team assessment drills: the water-rescue drill grades a volunteer
//! team's own work (the call, turn-out, time to each casualty, people
//! brought out, the crew's safety); a team leader dispatches only their
//! team, only to the tasks it is equipped for; darkness slows the drive;
//! a slope's second failure lets go on time. The landslide search-and-rescue
//! drill grades opening the lane, digging the trapped out, and pulling the
//! crew back before the back scarp goes.

use firstline::headless::{self, Outcome, RunOptions};
use firstline::roles::plans::NpcRoles;
use firstline::scenario::schema::{Action, Level, Place, Task};
use firstline::scenario::{self, Loaded};
use firstline::sim::events::{HazardCause, SimEvent};
use firstline::sim::orders::Seat;
use std::path::Path;

const WATER: &str = "scenarios/team_flood_rescue.ron";

fn water() -> Loaded {
    scenario::load(Path::new(WATER)).unwrap()
}

/// The drill with the team leader's seat giving `orders` (tick, action).
fn play(loaded: &Loaded, orders: &[(u64, Action)]) -> Outcome {
    let seat = Seat::trainee("team_leader");
    let opts = RunOptions {
        npc: NpcRoles::None,
        commands: orders.iter().map(|(t, a)| seat.order(*t, a.clone())).collect(),
        ..Default::default()
    };
    headless::run(loaded, &opts, &mut |_, _| {}).unwrap()
}

fn rescue_at(x: f64, y: f64) -> Action {
    Action::Dispatch { force: "blue_sky".into(), to: Place::Point((x, y)), task: Task::Rescue }
}

fn ack() -> Action {
    Action::Acknowledge { message: "call_out".into() }
}

fn metric(o: &Outcome, id: &str) -> Option<f64> {
    o.report.scoring.metrics.iter().find(|m| m.id == id).and_then(|m| m.value)
}

#[test]
fn a_prompt_team_in_slack_water_brings_everyone_out_and_a_late_or_reckless_one_does_not_grade_as_well() {
    let l = water();
    // The reference: the call taken at once, the boats to slack water mid-polder.
    let good = play(&l, &[(320, ack()), (330, rescue_at(525.0, 300.0))]);
    let trapped = good.events.iter().filter(|e| matches!(e.event, SimEvent::ResidentHarmed { .. })).count();
    assert!(trapped >= 10, "the breach traps the people at home ({trapped} harmed)");
    assert_eq!(metric(&good, "rescued"), Some(1.0), "everyone trapped is brought out");
    assert_eq!(metric(&good, "crew_safety"), Some(0.0));
    assert_eq!(metric(&good, "casualties"), Some(0.0));
    assert_eq!(good.report.scoring.level, Level::Excellent);

    // The same boats sent only at 3,000 s, when the first houses have been
    // cut off for 10 minutes: the trapped wait longer.
    let late = play(&l, &[(320, ack()), (3000, rescue_at(525.0, 300.0))]);
    let (g, s) = (metric(&good, "time_to_rescue").unwrap(), metric(&late, "time_to_rescue").unwrap());
    assert!(s > g, "a later turn-out makes the trapped wait longer ({s} s against {g} s)");

    // The boats sent into the breach's jet: the crew is in a current past
    // the boat limit, the metric fails and the gate caps the grade at Pass.
    let reckless = play(&l, &[(330, ack()), (340, rescue_at(228.0, 300.0))]);
    let endangered: Vec<_> = reckless
        .events
        .iter()
        .filter_map(|e| match &e.event {
            SimEvent::CrewEndangered { value, limit, .. } => Some((*value, *limit)),
            _ => None,
        })
        .collect();
    assert_eq!(endangered.len(), 1, "one dispatch into danger is one event: {endangered:?}");
    assert!(endangered[0].0 > endangered[0].1, "the current measured is past the limit");
    assert_eq!(metric(&reckless, "crew_safety"), Some(1.0));
    assert!(
        matches!(reckless.report.scoring.level, Level::Pass | Level::Fail),
        "an endangered crew caps the grade: {:?}",
        reckless.report.scoring.level
    );
}

#[test]
fn a_team_leader_sends_only_their_team_and_only_to_what_it_is_equipped_for() {
    let l = water();
    let o = play(
        &l,
        &[
            (
                300,
                Action::Dispatch { force: "blue_sky".into(), to: Place::Node("dw_gate".into()), task: Task::Sandbag },
            ),
            (
                301,
                Action::Dispatch {
                    force: "county_boats".into(),
                    to: Place::Node("dw_gate".into()),
                    task: Task::Rescue,
                },
            ),
        ],
    );
    let refused: Vec<&str> = o
        .events
        .iter()
        .filter_map(|e| match &e.event {
            SimEvent::OrderRefused { reason, .. } => Some(reason.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(refused[0].contains("not equipped for Sandbag"), "{}", refused[0]);
    assert!(refused[1].contains("county_boats"), "{}", refused[1]);
    assert!(!o.events.iter().any(|e| matches!(e.event, SimEvent::ForceDispatched { .. })));

    // In the township drill, the team leader may not send the fire team.
    let town = scenario::load(Path::new("scenarios/qingshi_flood.ron")).unwrap();
    let seat = Seat::trainee("rescue_leader");
    let opts = RunOptions {
        npc: NpcRoles::None,
        until_s: Some(30),
        commands: vec![seat.order(
            5,
            Action::Dispatch { force: "fire_team".into(), to: Place::Node("town".into()), task: Task::Pump },
        )],
        ..Default::default()
    };
    let o = headless::run(&town, &opts, &mut |_, _| {}).unwrap();
    assert!(
        o.events.iter().any(|e| matches!(&e.event,
        SimEvent::OrderRefused { reason, .. } if reason.contains("leads `town_team` and cannot dispatch `fire_team`")))
    );

    // A plan that has the leader send another team is rejected at load.
    let src = std::fs::read_to_string(WATER).unwrap().replace(
        "(id: \"tl_report\"",
        "(id: \"tl_other\", trigger: At(10), action: Dispatch(force: \"other\", to: Node(\"base\"), task: Rescue), deadline_s: 60),\n            (id: \"tl_report\"",
    );
    let src = src.replace(
        "         tasks: [Rescue, Standby]),\n    ],",
        "         tasks: [Rescue, Standby]),\n        (id: \"other\", name: (zh: \"乙队\", en: \"Other team\"), kind: Volunteer, members: 10, base: \"base\"),\n    ],",
    );
    let err = match scenario::load_bytes("team.ron", src.as_bytes(), Path::new("scenarios")) {
        Ok(_) => panic!("the plan was accepted"),
        Err(r) => r.render(),
    };
    assert!(err.contains("leads `blue_sky` and cannot dispatch `other`"), "{err}");
}

#[test]
fn darkness_slows_the_drive_by_the_night_factor() {
    // The same dispatch at 23:30 (dark) and, with the clock moved, at noon.
    let night = water();
    let src = std::fs::read_to_string(WATER).unwrap().replace("start_clock: \"23:30\"", "start_clock: \"12:00\"");
    let day = scenario::load_bytes("day.ron", src.as_bytes(), Path::new("scenarios")).unwrap();
    let travel = |l: &Loaded| {
        play(l, &[(100, rescue_at(525.0, 300.0))])
            .events
            .iter()
            .find_map(|e| match e.event {
                SimEvent::ForceEnRoute { travel_s, .. } => Some(travel_s),
                _ => None,
            })
            .expect("the team set off")
    };
    let (n, d) = (travel(&night), travel(&day));
    // travel_factor 0.6: the night drive takes 1/0.6 of the day's (both
    // rounded to the second, the off-road walk slowed alike).
    assert!((n - d / 0.6).abs() <= 1.0, "night {n} s, day {d} s");
}

#[test]
fn a_slopes_second_failure_lets_go_its_own_volume_on_time() {
    let src = std::fs::read_to_string("scenarios/qingshi_landslide.ron").unwrap().replace(
        "            precursors: [",
        "            second: (zone: [(2570.0, 2460.0), (2620.0, 2460.0), (2620.0, 2580.0), (2570.0, 2580.0)], volume_m3: 10000.0, after_s: 600),\n            precursors: [",
    );
    let l = scenario::load_bytes("second.ron", src.as_bytes(), Path::new("scenarios")).unwrap();
    let opts = RunOptions { until_s: Some(8400), npc: NpcRoles::None, ..Default::default() };
    let o = headless::run(&l, &opts, &mut |_, _| {}).unwrap();
    let releases: Vec<(u64, HazardCause, f64, usize)> = o
        .events
        .iter()
        .filter_map(|e| match &e.event {
            SimEvent::LandslideReleased { cause, volume_m3, bodies } => Some((e.t, *cause, *volume_m3, *bodies)),
            _ => None,
        })
        .collect();
    assert_eq!(releases.len(), 2, "{releases:?}");
    assert_eq!((releases[0].0, releases[0].1), (7200, HazardCause::Scripted));
    assert_eq!((releases[1].0, releases[1].1), (7800, HazardCause::SecondFailure));
    // Bodies of the first failure's size: 40,000 m³ in N bodies, so
    // 10,000 m³ in a quarter as many (to the nearest body).
    let expect = releases[0].3 as f64 * 10_000.0 / 40_000.0;
    assert!((releases[1].3 as f64 - expect).abs() <= 1.0, "{} bodies, expected {expect}", releases[1].3);
    let settled = o.events.iter().filter(|e| matches!(e.event, SimEvent::LandslideSettled { .. })).count();
    assert_eq!(settled, 2, "each failure comes to rest");
}

const SLIDE: &str = "scenarios/team_landslide_rescue.ron";

fn sar(at: Place, task: Task) -> Action {
    Action::Dispatch { force: "mountain_sar".into(), to: at, task }
}

fn first_t(o: &Outcome, want: impl Fn(&SimEvent) -> bool) -> Option<u64> {
    o.events.iter().find(|e| want(&e.event)).map(|e| e.t)
}

/// The landslide search-and-rescue drill. The reference (the plan's
/// followers): the excavator opens the lane, then the crew goes in and digs
/// out every trapped resident, and pulls back when the geologists warn —
/// 优秀. Sent straight in without opening the lane, the crew is cut off
/// and nobody is dug out (the trapped lie more than `DIG_REACH_M` from any
/// road it can reach). Left in the hamlet after the warning, the crew is
/// caught by the second failure and the gate caps the grade at 合格.
#[test]
fn a_team_that_opens_the_lane_digs_everyone_out_and_pulls_back_in_time() {
    let l = scenario::load(Path::new(SLIDE)).unwrap();
    let reference = headless::run(&l, &RunOptions::default(), &mut |_, _| {}).unwrap();
    let trapped = reference
        .events
        .iter()
        .filter(|e| {
            matches!(e.event, SimEvent::ResidentHarmed { outcome: firstline::sim::events::HarmOutcome::Trapped, .. })
        })
        .count();
    assert!(trapped >= 10, "the slide traps the people in the houses at its front ({trapped})");
    let cleared = first_t(&reference, |e| matches!(e, SimEvent::RoadCleared { road, .. } if road == "sw_lane"))
        .expect("the lane is opened");
    let rescued = first_t(&reference, |e| matches!(e, SimEvent::ResidentRescued { .. })).expect("people are dug out");
    assert!(rescued > cleared, "digging starts once the lane is open ({cleared} s, {rescued} s)");
    assert_eq!(metric(&reference, "rescued"), Some(1.0));
    assert_eq!(metric(&reference, "crew_safety"), Some(0.0));
    assert_eq!(reference.report.scoring.level, Level::Excellent, "{}", reference.report.scoring.score);

    let village = || Place::Village("shangwan".into());
    let straight_in = play_as(
        &l,
        "team_leader",
        &[(310, Action::Acknowledge { message: "call_out".into() }), (320, sar(village(), Task::Rescue))],
    );
    assert!(metric(&straight_in, "route").unwrap() >= 1.0, "cut off by the debris on the lane");
    assert_eq!(metric(&straight_in, "rescued"), Some(0.0));
    assert!(straight_in.report.scoring.level < Level::Good, "{:?}", straight_in.report.scoring.level);

    let stays = play_as(
        &l,
        "team_leader",
        &[
            (310, Action::Acknowledge { message: "call_out".into() }),
            (320, sar(Place::Node("fork".into()), Task::ClearRoad)),
            (cleared + 20, sar(village(), Task::Rescue)),
        ],
    );
    assert_eq!(metric(&stays, "rescued"), Some(1.0));
    let caught = stays.events.iter().find_map(|e| match &e.event {
        SimEvent::CrewEndangered { hazard, .. } => Some((e.t, *hazard)),
        _ => None,
    });
    let (t, hazard) = caught.expect("the crew left below the scarp is caught by the second failure");
    assert_eq!(hazard, firstline::scenario::schema::HazardKind::Landslide);
    assert!(t >= 120 + 5700, "caught when the scarp goes, at {t} s");
    assert_eq!(metric(&stays, "crew_safety"), Some(1.0));
    assert!(matches!(stays.report.scoring.level, Level::Pass | Level::Fail), "{:?}", stays.report.scoring.level);
}

/// The drill with `role`'s seat giving `orders` and nobody else acting.
fn play_as(loaded: &Loaded, role: &str, orders: &[(u64, Action)]) -> Outcome {
    let seat = Seat::trainee(role);
    let opts = RunOptions {
        npc: NpcRoles::None,
        commands: orders.iter().map(|(t, a)| seat.order(*t, a.clone())).collect(),
        ..Default::default()
    };
    headless::run(loaded, &opts, &mut |_, _| {}).unwrap()
}
