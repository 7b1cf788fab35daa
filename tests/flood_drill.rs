//! The Qingshi flood drill end to end: the dike breaches on its script, the
//! low-lying village floods if nobody acts, roads are cut, and the water
//! balance of the whole drill closes.

use firstline::headless::{self, RunOptions};
use firstline::roles::plans::NpcRoles;
use std::path::Path;

#[test]
fn nobody_acting_lets_dongwan_flood_after_the_breach() {
    let loaded = firstline::scenario::load(Path::new("scenarios/qingshi_flood.ron")).unwrap();
    let opts = RunOptions { until_s: Some(14_400), npc: NpcRoles::None, ..Default::default() };
    let out = headless::run(&loaded, &opts, &mut |_, _| {}).unwrap();
    let breach = out.events.iter().find(|e| e.kind == "dike_breached").expect("the dike breaches");
    assert_eq!((breach.t, breach.subject.as_str()), (10_800, "dike:dongwan_dike"));
    let depth = &out.report.gauges.iter().find(|g| g.id == "dongwan_depth").unwrap().samples;
    let at = |t: u64| depth.iter().find(|(s, _)| *s == t).unwrap().1;
    assert!(at(10_800) < 0.2, "ponding only before the breach: {}", at(10_800));
    assert!(at(14_400) > at(10_800) + 0.25, "the breach floods the village: {} → {}", at(10_800), at(14_400));
    let reached: Vec<_> = out
        .events
        .iter()
        .filter(|e| e.kind == "hazard_reached_home" && e.subject.starts_with("household:dw"))
        .collect();
    assert!(reached.len() > 50, "{} Dongwan households in danger", reached.len());
    assert!(out.events.iter().any(|e| e.kind == "road_flooded" && e.data["state"] == "closed on foot"));
    assert!(out.events.iter().any(|e| e.kind == "water_reached" && e.subject == "gauge:dongwan_depth"));
    // Nobody warned, nobody left: people are trapped and die at home.
    assert!(out.events.iter().all(|e| e.kind != "resident_safe" && e.kind != "household_warned"));
    let dead = out.events.iter().filter(|e| e.kind == "resident_harmed" && e.data["outcome"] == "dead").count();
    assert!(dead > 20, "{dead} dead");
    let s = &out.report.scoring;
    assert_eq!(s.level, firstline::scenario::schema::Level::Fail);
}

#[test]
fn perfect_plan_followers_get_everyone_out_and_certify_excellent() {
    let loaded = firstline::scenario::load(Path::new("scenarios/qingshi_flood.ron")).unwrap();
    let out = headless::run(&loaded, &RunOptions::default(), &mut |_, _| {}).unwrap();
    let metric = |id: &str| out.report.scoring.metrics.iter().find(|m| m.id == id).unwrap().value.unwrap();
    assert!(metric("evacuated_in_time") > 0.95, "{}", metric("evacuated_in_time"));
    assert_eq!(metric("casualties"), 0.0);
    let s = &out.report.scoring;
    assert!(s.score >= 90.0, "score {}", s.score);
    assert_eq!(s.level, firstline::scenario::schema::Level::Excellent);
    assert!(out.events.iter().filter(|e| e.kind == "resident_safe").count() > 900);
    // Warnings reached households by several channels, door-to-door among them.
    let channels: std::collections::BTreeSet<String> =
        out.events.iter().filter(|e| e.kind == "household_warned").map(|e| e.data["channel"].to_string()).collect();
    assert!(channels.len() >= 2, "{channels:?}");
}

/// Trapped residents are brought out by a rescue force on scene: with the
/// township team sent to Dongwan to rescue (and nothing else done) people
/// trapped at home are rescued and fewer die than when nobody comes.
#[test]
fn a_rescue_team_on_scene_brings_trapped_residents_out() {
    use firstline::roles::commands::{Command, Source};
    use firstline::scenario::schema::{Action, Place, Task};
    let loaded = firstline::scenario::load(Path::new("scenarios/qingshi_flood.ron")).unwrap();
    let dead = |commands: Vec<Command>| {
        let opts = RunOptions { until_s: Some(16_200), npc: NpcRoles::None, commands, ..Default::default() };
        let out = headless::run(&loaded, &opts, &mut |_, _| {}).unwrap();
        let dead = out.events.iter().filter(|e| e.kind == "resident_harmed" && e.data["outcome"] == "dead").count();
        let rescued = out.events.iter().filter(|e| e.kind == "resident_rescued").count();
        (dead, rescued)
    };
    let send = Command {
        tick: 9000,
        role: "rescue_leader".into(),
        source: Source::Trainee,
        action: Action::Dispatch {
            force: "town_team".into(),
            to: Place::Village("dongwan".into()),
            task: Task::Rescue,
        },
    };
    let (dead_alone, rescued_alone) = dead(vec![]);
    let (dead_helped, rescued) = dead(vec![send]);
    assert_eq!(rescued_alone, 0);
    assert!(rescued >= 10, "{rescued} rescued");
    assert!(dead_helped < dead_alone, "{dead_helped} dead with the team vs {dead_alone} without");
}
