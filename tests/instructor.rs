//! The instructor's live controls (导调) as commands of the instructor seat:
//! taking a role over from its plan follower and handing it back, breaching
//! a dike now, changing the wind, a free-text message to a role, a note.
//! Each is refused from any other seat and when it makes no sense, is
//! logged with the instructor's source, and replays exactly.

use firstline::headless::{self, RunOptions, Session};
use firstline::roles::view::role_view;
use firstline::scenario::schema::{Action, ReportKind};
use firstline::scenario::{self, load::sha256_hex};
use firstline::sim::events::{BreachCause, Event, SimEvent};
use firstline::sim::orders::{Seat, Source};
use std::path::Path;

fn load(name: &str) -> scenario::Loaded {
    scenario::load(Path::new(&format!("scenarios/{name}.ron"))).unwrap()
}

fn refused(events: &[Event]) -> Vec<(u64, String)> {
    events
        .iter()
        .filter_map(|e| match &e.event {
            SimEvent::OrderRefused { reason, .. } => Some((e.t, reason.clone())),
            _ => None,
        })
        .collect()
}

/// Runs `opts` with a log and checks the log replays to the same events.
fn replays(loaded: &scenario::Loaded, opts: &RunOptions) -> headless::Outcome {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("run.log");
    let out = headless::run(loaded, &RunOptions { log: Some(log.clone()), ..opts.clone() }, &mut |_, _| {}).unwrap();
    let text = std::fs::read_to_string(&log).unwrap();
    let recorded = firstline::record::replay::read_log(&text).unwrap();
    let again = headless::run(loaded, &RunOptions::replaying(&recorded), &mut |_, _| {}).unwrap();
    assert_eq!(again.report.event_log_sha256, sha256_hex(text.as_bytes()), "the log replays");
    out
}

/// While the instructor holds the office director's seat its follower gives
/// nothing (neither the plan's warning nor acknowledgements); the person
/// seated there gives orders as a trainee of that role; handed back, the
/// follower gives what fell due meanwhile at once. Everyone else's
/// follower acts as in the run without the take-over.
#[test]
fn a_role_taken_over_waits_for_its_person_and_resumes_when_handed_back() {
    let loaded = load("qingshi_flood");
    let i = Seat::instructor();
    let person = Seat::trainee("office_director");
    let plain = RunOptions { until_s: Some(2400), ..Default::default() };
    let opts = RunOptions {
        commands: vec![
            i.order(100, Action::TakeOver { role: "office_director".into() }),
            i.order(120, Action::TakeOver { role: "office_director".into() }),
            i.order(130, Action::HandBack { role: "commander".into() }),
            person.order(700, Action::SendReport { kind: ReportKind::First }),
            i.order(1500, Action::HandBack { role: "office_director".into() }),
        ],
        ..plain.clone()
    };
    let out = replays(&loaded, &opts);
    let base = headless::run(&loaded, &plain, &mut |_, _| {}).unwrap();
    let by = |events: &[Event], role: &str, source: Source| -> Vec<u64> {
        events
            .iter()
            .filter_map(|e| match &e.event {
                SimEvent::OrderGiven { role: r, source: s, .. } if r == role && *s == source => Some(e.t),
                _ => None,
            })
            .collect()
    };
    let npc = by(&out.events, "office_director", Source::Npc);
    assert!(!npc.is_empty() && npc.iter().all(|&t| !(100..=1500).contains(&t)), "{npc:?}");
    let base_npc = by(&base.events, "office_director", Source::Npc);
    assert!(
        base_npc.iter().any(|t| (100..=1500).contains(t)),
        "the follower acts in that stretch unheld: {base_npc:?}"
    );
    // What was due meanwhile comes the tick after the hand-back.
    assert!(npc.contains(&1501), "{npc:?}");
    assert_eq!(by(&out.events, "office_director", Source::Trainee), vec![700]);
    // A second take-over, and handing back a role never taken, are refused.
    let r = refused(&out.events);
    assert_eq!(r.len(), 2, "{r:?}");
    assert!(r[0].1.contains("already taken over") && r[1].1.contains("was not taken over"), "{r:?}");
    // The commander's follower is untouched until the warning's effects differ.
    let first_cmd = |events: &[Event]| by(events, "commander", Source::Npc).first().copied();
    assert_eq!(first_cmd(&out.events), first_cmd(&base.events));
}

/// `BreachDike` opens the Dongwan dike now (at its scripted breach point)
/// instead of at 3 h: the breach is logged with the instructor as its
/// cause, the scripted one never comes, water reaches homes behind it
/// sooner; a second breach of the same dike and an unknown dike are
/// refused, and the trainee seat may not give it.
#[test]
fn the_instructor_breaches_a_dike_now() {
    let loaded = load("qingshi_flood");
    let i = Seat::instructor();
    let plain = RunOptions { until_s: Some(10860), ..Default::default() };
    let opts = RunOptions {
        commands: vec![
            Seat::trainee("commander").order(1700, Action::BreachDike { dike: "dongwan_dike".into() }),
            i.order(1800, Action::BreachDike { dike: "dongwan_dike".into() }),
            i.order(1900, Action::BreachDike { dike: "dongwan_dike".into() }),
            i.order(1900, Action::BreachDike { dike: "no_dike".into() }),
        ],
        ..plain.clone()
    };
    let out = replays(&loaded, &opts);
    let breaches = |events: &[Event]| -> Vec<(u64, BreachCause)> {
        events
            .iter()
            .filter_map(|e| match &e.event {
                SimEvent::DikeBreached { cause, .. } => Some((e.t, *cause)),
                _ => None,
            })
            .collect()
    };
    assert_eq!(breaches(&out.events), vec![(1800, BreachCause::Instructor)]);
    let base = headless::run(&loaded, &plain, &mut |_, _| {}).unwrap();
    assert_eq!(breaches(&base.events), vec![(10800, BreachCause::Scripted)]);
    let r = refused(&out.events);
    assert_eq!(r.len(), 3, "{r:?}");
    assert!(r[0].1.contains("only the instructor"));
    assert!(r[1].1.contains("already breached") && r[2].1.contains("no dike `no_dike`"), "{r:?}");
    // Homes the hazard has reached by the scripted breach time: many more
    // behind a dike breached two and a half hours early.
    let homes = |events: &[Event]| {
        events.iter().filter(|e| e.t < 10800 && matches!(e.event, SimEvent::HazardReachedHome { .. })).count()
    };
    let (early, scripted) = (homes(&out.events), homes(&base.events));
    eprintln!("homes reached by 3 h: {early} after the instructor's breach, {scripted} under the script");
    assert!(early >= scripted + 20, "{early} vs {scripted}");
}

/// `SetWind` calms the wind from 60 s on: the fire burns less in its first
/// 40 minutes than under the scenario's wind (4–5 m/s), its status reports
/// the wind set; the flood drill refuses it (no fire).
#[test]
fn the_instructor_changes_the_wind() {
    let loaded = load("qingshi_fire");
    let plain = RunOptions { until_s: Some(3000), ..Default::default() };
    let calm = RunOptions {
        commands: vec![Seat::instructor().order(60, Action::SetWind { speed_ms: 0.5, from_deg: 90.0 })],
        ..plain.clone()
    };
    let burnt = |o: &headless::Outcome| {
        o.events
            .iter()
            .filter_map(|e| match &e.event {
                SimEvent::FireStatus { burnt_area_ha, wind_m_s, .. } => Some((*burnt_area_ha, *wind_m_s)),
                _ => None,
            })
            .next_back()
            .expect("a fire status")
    };
    let (a, b) = (replays(&loaded, &calm), headless::run(&loaded, &plain, &mut |_, _| {}).unwrap());
    let ((calm_ha, calm_wind), (wind_ha, wind)) = (burnt(&a), burnt(&b));
    assert_eq!(calm_wind, 0.5);
    assert!(wind > 3.0);
    assert!(calm_ha < 0.7 * wind_ha, "{calm_ha} ha under a calm vs {wind_ha} ha");
    let flood = load("qingshi_flood");
    let opts = RunOptions {
        until_s: Some(100),
        commands: vec![Seat::instructor().order(10, Action::SetWind { speed_ms: 5.0, from_deg: 0.0 })],
        ..Default::default()
    };
    let out = headless::run(&flood, &opts, &mut |_, _| {}).unwrap();
    assert!(refused(&out.events)[0].1.contains("no fire"));
}

/// A free-text message reaches the role's inbox with its words (the role's
/// view shows it, no other role's does); a note is logged and changes
/// nothing else: the run with it has the same events but the note's own.
#[test]
fn messages_reach_one_inbox_and_notes_change_nothing() {
    let loaded = load("qingshi_landslide");
    let i = Seat::instructor();
    let words = "后山村有群众反映听到异响，请核实。";
    let opts = RunOptions {
        until_s: Some(600),
        commands: vec![
            i.order(30, Action::Message { to: "head_houshan".into(), text: words.into() }),
            i.order(40, Action::Message { to: "nobody".into(), text: "x".into() }),
            i.order(50, Action::Note { text: "trainee hesitated".into() }),
            Seat::trainee("commander").order(60, Action::Note { text: "not mine to write".into() }),
        ],
        ..Default::default()
    };
    let mut s = Session::start(&loaded, &opts, false).unwrap();
    while s.clock().now_s() < 60 && s.step() {}
    let view = role_view(s.world(), "head_houshan").unwrap();
    let m = view.inbox.iter().find(|m| m.text.is_some()).expect("the message");
    assert_eq!((m.text.as_deref(), m.from.as_str(), m.tick), (Some(words), "instructor", 30));
    for r in &loaded.scenario.roles {
        if r.id != "head_houshan" {
            let v = role_view(s.world(), &r.id).unwrap();
            assert!(v.inbox.iter().all(|m| m.text.is_none()), "{} got the message", r.id);
        }
    }
    let out = replays(&loaded, &opts);
    let r = refused(&out.events);
    assert_eq!(r.len(), 2, "{r:?}");
    assert!(r[0].1.contains("no role `nobody`") && r[1].1.contains("only the instructor"), "{r:?}");
    let without = RunOptions { commands: opts.commands[..2].to_vec(), ..opts.clone() };
    let base = headless::run(&loaded, &without, &mut |_, _| {}).unwrap();
    let strip = |events: &[Event]| -> Vec<String> {
        events
            .iter()
            .filter(|e| {
                !matches!(
                    &e.event,
                    SimEvent::OrderGiven { action: Action::Note { .. }, .. }
                        | SimEvent::OrderRefused { action: Action::Note { .. }, .. }
                )
            })
            .map(|e| serde_json::to_string(e).unwrap())
            .collect()
    };
    assert_eq!(strip(&out.events), strip(&base.events));
    assert!(
        out.events.iter().any(|e| matches!(&e.event,
            SimEvent::OrderGiven { source: Source::Instructor, action: Action::Note { text }, .. } if text == "trainee hesitated"))
    );
}

/// The forecast (what the projector's "time left" shows) is the drill run
/// ahead with nobody acting: its arrival at each village is the first time
/// the hazard reaches a home there in that run; an instructor's early
/// release of the slide brings Houshan's arrival forward by the same
/// amount of time, and orders that do not touch the hazard change nothing.
#[test]
fn the_forecast_follows_the_instructors_hazard_orders() {
    let loaded = load("qingshi_landslide");
    let seed = loaded.scenario.meta.seed;
    let plain = firstline::forecast::forecast(&loaded, seed, &[]).unwrap();
    let nobody = headless::run(
        &loaded,
        &RunOptions { npc: firstline::roles::plans::NpcRoles::None, ..Default::default() },
        &mut |_, _| {},
    )
    .unwrap();
    assert_eq!(plain.villages, firstline::forecast::arrivals(&loaded, &nobody.events));
    let houshan = |f: &firstline::forecast::Forecast| f.villages.iter().find(|v| v.0 == "houshan").unwrap().1;
    let scripted = houshan(&plain).expect("the slide reaches Houshan");
    let i = Seat::instructor();
    let early = firstline::forecast::forecast(
        &loaded,
        seed,
        &[
            i.order(600, Action::TriggerLandslide),
            i.order(10, Action::Note { text: "no effect".into() }),
            Seat::trainee("commander").order(5, Action::TriggerLandslide),
        ],
    )
    .unwrap();
    assert_eq!(early.assumed, 1, "only the instructor's hazard order counts");
    let released = |events: &[Event]| {
        events.iter().find(|e| matches!(e.event, SimEvent::LandslideReleased { .. })).map(|e| e.t).unwrap()
    };
    let lead = released(&nobody.events) - 600;
    assert!(lead > 0);
    let moved = houshan(&early).expect("still reached");
    assert!(moved < scripted, "{moved} vs {scripted} (released {lead} s earlier)");
}
