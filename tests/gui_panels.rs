//! The role console's panels, driven as a person drives them (egui_kittest:
//! widgets found by their label and clicked), on the views of a real
//! Qingshi flood drill: they return the actions asked for, and they offer
//! only what the role is entitled to.
#![cfg(feature = "gui")]

mod common;
use bevy_egui::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use firstline::gui::console::orders::OrderForm;
use firstline::gui::console::state::ConsoleState;
use firstline::gui::console::{self, Ctx, Mode, UiAction};
use firstline::gui::i18n::{Lang, Tr};
use firstline::gui::launcher::{self, LaunchAction, LaunchForm};
use firstline::gui::{catalog, play};
use firstline::headless::{RunOptions, Session};
use firstline::roles::plans::NpcRoles;
use firstline::roles::view::{RoleView, role_view};
use firstline::scenario::schema::{Action, Channel, Place, Task, WarningLevel};
use firstline::sim::view::SimView;

/// The Qingshi flood drill at drill second `s`, nobody acting but the
/// plan followers of the roles not in `played`.
fn drill_at(s: u64, played: &[&str]) -> (firstline::scenario::Loaded, Session) {
    let loaded = catalog::Source::Embedded(catalog::EMBEDDED[0].0, catalog::EMBEDDED[0].1).load().unwrap();
    let others =
        loaded.scenario.roles.iter().filter(|r| !played.contains(&r.id.as_str())).map(|r| r.id.clone()).collect();
    let opts = RunOptions { npc: NpcRoles::Only(others), ..Default::default() };
    let mut session = Session::start(&loaded, &opts, true).unwrap();
    while session.clock().now_s() < s {
        session.step();
    }
    (loaded, session)
}

struct Views {
    loaded: firstline::scenario::Loaded,
    role: String,
    view: RoleView,
    sim: SimView,
    now_s: u64,
}

fn views(s: u64, role: &str) -> Views {
    let (loaded, session) = drill_at(s, &[role]);
    let view = role_view(session.world(), role).unwrap();
    let sim = session.world().resource::<SimView>().clone();
    Views { loaded, role: role.into(), view, sim, now_s: session.clock().now_s() }
}

fn ctx<'a>(v: &'a Views, tr: &'a Tr, mode: Mode) -> Ctx<'a> {
    Ctx {
        tr,
        scenario: &v.loaded.scenario,
        role: v.loaded.scenario.roles.iter().find(|r| r.id == v.role).unwrap(),
        view: &v.view,
        sim: &v.sim,
        events: &[],
        series: &[],
        now_s: v.now_s,
        mode,
        speed: 10,
        instructor: false,
        roles: &[],
        classroom: None,
    }
}

#[test]
fn the_office_director_issues_a_red_warning_through_the_form() {
    let v = views(320, "office_director");
    let tr = Tr::new(Lang::En);
    let mut harness = Harness::new_ui_state(
        |ui, (form, out): &mut (OrderForm, Vec<UiAction>)| {
            let c = ctx(&v, &tr, Mode::Practice);
            out.extend(console::orders::orders(ui, &c, form, false));
        },
        (OrderForm::default(), Vec::new()),
    );
    // Entitled orders are offered; a commander's or an instructor's are not.
    for offered in ["Issue warning", "Call (叫应)", "Send report", "Dispatch a force"] {
        assert!(harness.query_by_label(offered).is_some(), "{offered} is offered");
    }
    for withheld in ["Order evacuation", "Declare response", "Open shelter"] {
        assert!(harness.query_by_label(withheld).is_none(), "{withheld} is not an office director's order");
    }
    harness.get_by_label("Issue warning").click();
    harness.run();
    // Incomplete: the send button does nothing.
    harness.get_by_label("Send").click();
    harness.run();
    assert!(harness.state().1.is_empty(), "an incomplete form sends nothing");
    harness.get_by_label("red warning").click();
    harness.run();
    harness.get_by_label("broadcast").click();
    harness.run();
    harness.get_by_label("SMS").click();
    harness.run();
    harness.get_by_label("Dongwan").click();
    harness.run();
    harness.get_by_label("Send").click();
    harness.run();
    assert_eq!(
        harness.state().1,
        vec![UiAction::Order(Action::IssueWarning {
            level: WarningLevel::Red,
            channels: vec![Channel::Broadcast, Channel::Sms],
            villages: vec!["dongwan".into()],
        })]
    );
}

#[test]
fn a_grid_worker_is_offered_only_a_grid_workers_orders() {
    let v = views(10, "grid_dongwan");
    let tr = Tr::new(Lang::En);
    let mut harness = Harness::new_ui_state(
        |ui, form: &mut OrderForm| {
            let c = ctx(&v, &tr, Mode::Practice);
            console::orders::orders(ui, &c, form, false);
        },
        OrderForm::default(),
    );
    harness.run();
    for offered in ["Patrol", "Door to door", "Send report"] {
        assert!(harness.query_by_label(offered).is_some(), "{offered} is offered");
    }
    for withheld in ["Issue warning", "Dispatch a force", "Order evacuation", "Close road", "Declare response"] {
        assert!(harness.query_by_label(withheld).is_none(), "{withheld} is withheld");
    }
}

#[test]
fn a_dispatch_goes_to_the_place_picked_on_the_map() {
    let v = views(10, "commander");
    let tr = Tr::new(Lang::En);
    let mut harness = Harness::new_ui_state(
        |ui, (st, out): &mut (ConsoleState, Vec<UiAction>)| {
            let c = ctx(&v, &tr, Mode::Practice);
            let picking = st.picking;
            let got = console::orders::orders(ui, &c, &mut st.form, picking);
            st.absorb(&got);
            out.extend(got);
        },
        (ConsoleState::default(), Vec::new()),
    );
    harness.get_by_label("Dispatch a force").click();
    harness.run();
    harness.get_by_label("Qingshi Township Rescue Team").click();
    harness.run();
    harness.get_by_label("sandbags").click();
    harness.run();
    harness.get_by_label("Pick on the map").click();
    harness.run();
    assert!(harness.state().0.picking, "the next map click picks the place");
    // The map's click arrives as `Picked` (the scene turns the cursor into a map point).
    harness.state_mut().0.absorb(&[UiAction::Picked((1650.04, 1480.0))]);
    harness.run();
    harness.get_by_label("Send").click();
    harness.run();
    let sent: Vec<_> = harness.state().1.iter().filter(|a| matches!(a, UiAction::Order(_))).cloned().collect();
    assert_eq!(
        sent,
        vec![UiAction::Order(Action::Dispatch {
            force: "town_team".into(),
            to: Place::Point((1650.0, 1480.0)),
            task: Task::Sandbag
        })]
    );
}

#[test]
fn the_inbox_shows_the_red_warning_and_acknowledges_it() {
    let v = views(310, "office_director");
    let tr = Tr::new(Lang::ZhCn);
    let mut harness = Harness::new_ui_state(
        |ui, out: &mut Vec<UiAction>| {
            let c = ctx(&v, &tr, Mode::Practice);
            out.extend(console::inbox::inbox(ui, &c, &ConsoleState::default()));
        },
        Vec::new(),
    );
    harness.run();
    assert!(harness.query_by_label("收件箱（未读 1）").is_some(), "one unread message");
    assert!(harness.query_by_label("暴雨红色预警：未来6小时降雨量将达150毫米以上。").is_some());
    assert!(harness.query_by_label("请在 0:06:00 前确认").is_some(), "the 135 deadline: a minute after 5:00");
    harness.get_by_label("确认收到").click();
    harness.run();
    assert!(harness.state().contains(&UiAction::Order(Action::Acknowledge { message: "county_red_rain".into() })));
}

#[test]
fn a_due_plan_step_fills_the_order_form() {
    let v = views(310, "office_director");
    let tr = Tr::new(Lang::En);
    let mut harness = Harness::new_ui_state(
        |ui, out: &mut Vec<UiAction>| {
            let c = ctx(&v, &tr, Mode::Practice);
            out.extend(console::plan::plan(ui, &c));
        },
        Vec::new(),
    );
    // The first due step's button: od_warn's (od_call_dw's is the second).
    harness.get_all_by_label("Fill in this order").next().expect("a due step").click();
    harness.run();
    let Some(UiAction::Prefill(a)) = harness.state().first().cloned() else { panic!("{:?}", harness.state()) };
    let form = OrderForm::from_action(&a);
    let c = ctx(&v, &tr, Mode::Practice);
    let built = form.build(&c).unwrap();
    // The same order (channels are a set: the form lists them in its own order).
    assert!(firstline::roles::plans::fulfils(&built, &a), "{built:?} carries out {a:?}");
    let (Action::IssueWarning { level: l1, channels: c1, .. }, Action::IssueWarning { level: l2, channels: c2, .. }) =
        (&built, &a)
    else {
        panic!("{built:?}")
    };
    let set = |c: &[Channel]| c.iter().copied().collect::<std::collections::BTreeSet<_>>();
    assert_eq!((l1, set(c1)), (l2, set(c2)));
}

#[test]
fn practice_has_pause_and_speeds_and_assessment_has_neither() {
    let v = views(10, "commander");
    let tr = Tr::new(Lang::En);
    for mode in [Mode::Practice, Mode::Assessment, Mode::Hosted] {
        let mut harness = Harness::new_ui_state(
            |ui, out: &mut Vec<UiAction>| {
                let c = ctx(&v, &tr, mode);
                out.extend(console::clock::top_bar(ui, &c));
            },
            Vec::new(),
        );
        harness.run();
        match mode {
            Mode::Practice => {
                harness.get_by_label("×60").click();
                harness.run();
                harness.get_by_label("Pause").click();
                harness.run();
                assert_eq!(harness.state(), &vec![UiAction::Speed(60), UiAction::Speed(0)]);
            }
            Mode::Assessment => {
                assert!(harness.query_by_label("Pause").is_none());
                assert!(harness.query_by_label("×60").is_none());
                assert!(harness.query_by_label("End the drill").is_some());
            }
            // A seat at a classroom drill: the host keeps the pace and ends it.
            Mode::Hosted => {
                assert!(harness.query_by_label("Pause").is_none());
                assert!(harness.query_by_label("×60").is_none());
                assert!(harness.query_by_label("End the drill").is_none());
            }
        }
    }
}

#[test]
fn the_launcher_starts_the_chosen_drill_in_the_chosen_role() {
    let entries = catalog::list(None);
    assert_eq!(entries.len(), 3, "the three embedded drills");
    assert!(entries.iter().all(|e| e.loaded.is_ok()));
    let tr = Tr::new(Lang::En);
    let mut harness = Harness::new_ui_state(
        |ui, (form, out): &mut (LaunchForm, Vec<LaunchAction>)| {
            out.extend(launcher::launcher(ui, &tr, &entries, form));
        },
        (LaunchForm::default(), Vec::new()),
    );
    harness.run();
    assert!(harness.query_by_label("Start the drill").is_none(), "no start before a role is picked");
    harness.get_by_label("Emergency office director — emergency office director").click();
    harness.run();
    harness.get_by_label("Assessment (the scenario's pace, no pause)").click();
    harness.run();
    harness.get_by_label("Start the drill").click();
    harness.run();
    let Some(LaunchAction::Start(l)) = harness.state().1.first().cloned() else { panic!("{:?}", harness.state().1) };
    assert_eq!((l.role.as_str(), l.mode, l.seed), ("office_director", Mode::Assessment, None));
    assert_eq!(l.source, entries[0].source);
}

#[test]
fn a_played_drill_writes_a_log_that_replays_identically() {
    // The window's path without a window: the person's orders (here from a
    // script, as `--script` gives them) go through the trainee seat; the
    // log is written when the drill ends and replays event for event.
    let dir = tempfile::tempdir().unwrap();
    let loaded = catalog::Source::Embedded(catalog::EMBEDDED[0].0, catalog::EMBEDDED[0].1).load().unwrap();
    let script = firstline::gui::script::Script::parse(
        "s.ron",
        r#"[
            (at_s: 305, do: Order(Acknowledge(message: "county_red_rain"))),
            (at_s: 330, do: Order(IssueWarning(level: Red, channels: [Broadcast, Sms], villages: ["dongwan", "shiqiao"]))),
            (at_s: 400, do: Order(CallAndResponse(role: "head_dongwan"))),
            (at_s: 420, do: Order(OrderEvacuation(village: "dongwan"))),
        ]"#,
    )
    .unwrap();
    let log = dir.path().join("play.log.jsonl");
    let setup = play::PlaySetup {
        role: "office_director".into(),
        mode: Mode::Practice,
        competence: firstline::sim::orders::Competence::Typical,
        seed: Some(11),
        log: Some(log.clone()),
        report: Some(dir.path().join("play.report.json")),
        inputs: vec![],
        script,
        exit_after_s: Some(900),
        screenshot: None,
        speed: None,
        paced: false,
        instructor: false,
        screen: false,
        follow: None,
        branch: None,
    };
    let mut p = play::Play::start(&loaded, setup).unwrap();
    let mut console = ConsoleState::default();
    while !p.at_exit_point() {
        p.drive(std::time::Duration::from_millis(16), &mut console);
    }
    p.end();
    let ended = p.ended.as_ref().unwrap().as_ref().unwrap();
    // The end window shows the score and level and quits on request.
    let tr = Tr::new(Lang::ZhCn);
    let card = ended.card.clone();
    let written = ended.written.clone();
    let mut harness = Harness::new_ui_state(
        |ui, out: &mut Vec<UiAction>| {
            out.extend(console::score::score(ui, &tr, &card, ("office_director", "应急办主任"), &written))
        },
        Vec::new(),
    );
    harness.run();
    let headline = format!("得分 {}，等级：{}", (card.score * 10.0).round() / 10.0, card.level_zh);
    assert!(harness.query_by_label(&headline).is_some(), "{headline}");
    assert!(harness.query_by_label("预警发布用时").is_some(), "each metric is listed");
    // The trainee's own role score, with its steps.
    let mine = card.roles.iter().find(|r| r.role == "office_director").unwrap();
    let line = format!(
        "你的角色（应急办主任）得分 {}：预案步骤 {} 项中按时完成 {} 项",
        (mine.score.unwrap() * 10.0).round() / 10.0,
        mine.steps_expected,
        mine.steps_on_time
    );
    assert!(harness.query_by_label(&line).is_some(), "{line}");
    harness.get_by_label("退出").click();
    harness.run();
    assert_eq!(harness.state(), &vec![UiAction::Quit]);
    drop(harness);
    let text = std::fs::read_to_string(&log).unwrap();
    let recorded = firstline::record::replay::read_log(&text).unwrap();
    let trainee: Vec<_> = recorded
        .commands
        .iter()
        .filter(|c| c.source() == firstline::sim::orders::Source::Trainee)
        .map(|c| (c.tick(), c.action().kind()))
        .collect();
    use firstline::scenario::schema::ActionKind::*;
    assert_eq!(
        trainee,
        vec![(305, Acknowledge), (330, IssueWarning), (400, CallAndResponse), (420, OrderEvacuation)],
        "the trainee's orders, at the ticks the script gave"
    );
    assert!(
        text.contains("\"kind\":\"order_refused\""),
        "an office director may not order an evacuation: refused and logged"
    );
    let again = firstline::headless::run(&loaded, &RunOptions::replaying(&recorded), &mut |_, _| {}).unwrap();
    let n = recorded.events.len();
    assert_eq!(
        firstline::record::replay::first_difference(&recorded.events, &again.events[..n.min(again.events.len())]),
        None
    );

    // The end screen stores the drill in the records for the person who
    // played it: the code typed, the button, then (off the frame loop) the
    // log replayed and stored with this role's seat.
    let tr = Tr::new(Lang::ZhCn);
    let mut harness = Harness::new_ui_state(
        |ui, (person, org, out): &mut (String, String, Vec<UiAction>)| {
            out.extend(console::score::record_form(ui, &tr, (person, org), None));
        },
        (String::new(), String::new(), Vec::new()),
    );
    harness.run();
    for (k, text) in ["P001", "T01"].into_iter().enumerate() {
        type_into(&mut harness, k, text);
    }
    harness.get_by_label("存入档案").click();
    harness.run();
    assert_eq!(harness.state().2, vec![UiAction::Record { person: "P001".into(), org: Some("T01".into()) }]);
    drop(harness);
    // This drill was ended at 15 min, before its end: not a record.
    let db = dir.path().join("records.sqlite");
    common::records_with_p001(&db);
    p.records_db = db;
    p.record("P001", None);
    match wait_recording(&p) {
        Some(play::Recording::Failed(why)) => assert!(why.contains("only finished runs"), "{why}"),
        other => panic!("an unfinished drill is not stored, not {other:?}"),
    }
}

/// Types `text` into the `k`-th text field of a form.
fn type_into<S>(harness: &mut Harness<'_, S>, k: usize, text: &str) {
    harness.get_all_by_role(egui::accesskit::Role::TextInput).nth(k).unwrap().focus();
    harness.run();
    harness.get_all_by_role(egui::accesskit::Role::TextInput).nth(k).unwrap().type_text(text);
    harness.run();
}

/// Waits for the window's background storing to finish.
fn wait_recording(p: &play::Play) -> Option<play::Recording> {
    let t = std::time::Instant::now();
    loop {
        match p.recording() {
            Some(play::Recording::Busy) if t.elapsed().as_secs() < 300 => {
                std::thread::sleep(std::time::Duration::from_millis(50))
            }
            other => return other,
        }
    }
}

/// A drill played to its end in the window is stored in the records from
/// the end screen, for the person who played it, with the window's log
/// byte for byte (its scenario found among the files it was started from).
#[test]
fn a_finished_window_drill_is_stored_for_the_person_who_played_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = std::path::PathBuf::from("scenarios/example_small.ron");
    let loaded = catalog::Source::File(file.clone()).load().unwrap();
    let script = firstline::gui::script::Script::parse(
        "s.ron",
        r#"[(at_s: 60, do: Order(IssueWarning(level: Red, channels: [Broadcast, Sms], villages: ["xiaohe"])))]"#,
    )
    .unwrap();
    let log = dir.path().join("small.log.jsonl");
    let setup = play::PlaySetup {
        role: "office_director".into(),
        mode: Mode::Practice,
        competence: firstline::sim::orders::Competence::Perfect,
        seed: None,
        log: Some(log.clone()),
        report: Some(dir.path().join("small.report.json")),
        inputs: vec![file],
        script,
        // Played at full speed to the drill's end (an hour).
        exit_after_s: Some(3600),
        screenshot: None,
        speed: Some(120),
        paced: false,
        instructor: false,
        screen: false,
        follow: None,
        branch: None,
    };
    let mut p = play::Play::start(&loaded, setup).unwrap();
    let mut console = ConsoleState::default();
    while !p.at_exit_point() {
        p.drive(std::time::Duration::from_millis(100), &mut console);
    }
    p.end();
    let db = dir.path().join("records.sqlite");
    common::records_with_p001(&db);
    p.records_db = db.clone();
    p.record("P404", None);
    match wait_recording(&p) {
        Some(play::Recording::Failed(why)) => assert!(why.contains("no person `P404`"), "{why}"),
        other => panic!("an unknown person is refused, not {other:?}"),
    }
    // Held by the township: the drill counts in its year's compliance
    // (asked for as the end screen's button asks).
    p.apply(&[UiAction::Record { person: "P001".into(), org: Some("T01".into()) }], &mut console);
    assert_eq!(wait_recording(&p), Some(play::Recording::Stored(1)));
    let store = firstline::record::store::Store::open(&db).unwrap();
    let year: i32 = firstline::record::store::today()[..4].parse().unwrap();
    let rows = firstline::record::store::compliance(&store, year).unwrap();
    let t01 = rows.iter().find(|r| r.org.code == "T01").expect("the township is listed");
    assert_eq!(
        (t01.comprehensive.len() + t01.special.len(), t01.people.len()),
        (1, 1),
        "the window's drill is the township's, with its trainee: {t01:?}"
    );
    let run = store.run(1).unwrap();
    assert_eq!(run.log, std::fs::read(&log).unwrap(), "the window's log, byte for byte");
    let seat = run.row.roles.iter().find(|r| r.0 == "office_director").unwrap();
    assert_eq!(seat.1, "P001", "{:?}", run.row.roles);
    let scored = run.report.scoring.roles.iter().find(|r| r.role == "office_director").unwrap().score;
    assert!(seat.2.is_some() && seat.2 == scored, "the role's own score is kept with its seat: {seat:?}");
}

/// The instructor's console (导调台) on the flood drill at 60 s: every role
/// is listed with who plays it; the county's red-rain inject, sent from the
/// panel by its button, goes through the instructor seat and lands in the
/// office director's inbox at once (its own trigger is 5 minutes later);
/// the dike can be breached and a role taken over from the panel. A
/// trainee's order panel never offers an instructor's order, for any role.
#[test]
fn the_instructor_sends_an_inject_from_the_console() {
    let (loaded, mut session) = drill_at(60, &[]);
    let tr = Tr::new(Lang::En);
    let roles: Vec<RoleView> =
        loaded.scenario.roles.iter().map(|r| role_view(session.world(), &r.id).unwrap()).collect();
    let sim = session.world().resource::<SimView>().clone();
    let shown = role_view(session.world(), "office_director").unwrap();
    let now_s = session.clock().now_s();
    let mut harness = Harness::new_ui_state(
        |ui, (form, out): &mut (console::instructor::InstructorForm, Vec<UiAction>)| {
            let c = Ctx {
                tr: &tr,
                scenario: &loaded.scenario,
                role: loaded.scenario.roles.iter().find(|r| r.id == "office_director").unwrap(),
                view: &shown,
                sim: &sim,
                events: &[],
                series: &[],
                now_s,
                mode: Mode::Practice,
                speed: 10,
                instructor: true,
                roles: &roles,
                classroom: None,
            };
            out.extend(console::instructor::instructor(ui, &c, form, false));
        },
        (Default::default(), Vec::new()),
    );
    harness.run();
    assert_eq!(harness.query_all_by_label("played by its plan").count(), loaded.scenario.roles.len());
    assert!(harness.query_all_by_label("Breach now").count() >= 1, "the dikes can be breached");
    let sends: Vec<_> = harness.query_all_by_label("Send now").collect();
    assert_eq!(sends.len(), loaded.scenario.injects.len(), "every inject not yet sent");
    let red = loaded.scenario.injects.iter().position(|i| i.id == "county_red_rain").unwrap();
    sends[red].click();
    harness.run();
    let asked = harness.state().1.clone();
    assert_eq!(asked, vec![UiAction::Order(Action::SendInject { id: "county_red_rain".into() })]);
    // The window sends it through its instructor seat.
    let UiAction::Order(a) = &asked[0] else { unreachable!() };
    session.submit(&firstline::sim::orders::Seat::instructor(), a.clone());
    session.step();
    let inbox = role_view(session.world(), "office_director").unwrap().inbox;
    assert!(inbox.iter().any(|m| m.id == "county_red_rain" && m.tick <= 62), "{inbox:?}");
    harness.state_mut().1.clear();
    harness.get_all_by_label("Take over").next().unwrap().click();
    harness.run();
    assert_eq!(
        harness.state().1,
        vec![UiAction::Order(Action::TakeOver { role: "commander".into() }), UiAction::ShowRole("commander".into())]
    );
    for r in &loaded.scenario.roles {
        assert!(
            console::orders::offered(r).iter().all(|k| !k.instructor_only()),
            "{} is offered an instructor's order",
            r.id
        );
    }
}

/// The instructor's console driven without a window (the script gives what
/// the instructor clicks, `tests/data/instructor_script.ron`): instructor
/// orders go through the instructor seat; the role taken over gives its
/// orders as a person's (Trainee) in that role and no others; a role its
/// follower plays takes no orders from the console; a map click after
/// "pick an ignition" would light a fire (refused here: the landslide
/// drill has none). The log replays identically.
#[test]
fn the_instructors_console_writes_a_log_that_replays() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = catalog::Source::Embedded(catalog::EMBEDDED[1].0, catalog::EMBEDDED[1].1).load().unwrap();
    assert_eq!(loaded.scenario.meta.id, "qingshi_landslide");
    let mut script =
        firstline::gui::script::Script::read(std::path::Path::new("tests/data/instructor_script.ron")).unwrap();
    script.steps.push(firstline::gui::script::Step {
        at_s: 250,
        act: firstline::gui::script::Do::Order(Action::DeclareResponse {
            level: firstline::scenario::schema::ResponseLevel::II,
        }),
    });
    script.steps.push(firstline::gui::script::Step { at_s: 800, act: firstline::gui::script::Do::PickIgnition });
    script
        .steps
        .push(firstline::gui::script::Step { at_s: 801, act: firstline::gui::script::Do::Picked((100.0, 100.0)) });
    script.steps.sort_by_key(|s| s.at_s);
    let log = dir.path().join("instructor.log.jsonl");
    let setup = play::PlaySetup {
        role: String::new(),
        mode: Mode::Practice,
        competence: firstline::sim::orders::Competence::Perfect,
        seed: None,
        log: Some(log.clone()),
        report: Some(dir.path().join("instructor.report.json")),
        inputs: vec![],
        script,
        exit_after_s: Some(900),
        screenshot: None,
        speed: None,
        paced: false,
        instructor: true,
        screen: false,
        follow: None,
        branch: None,
    };
    let mut p = play::Play::start(&loaded, setup).unwrap();
    assert_eq!(p.roles.len(), loaded.scenario.roles.len(), "every role in view");
    let mut console = ConsoleState::default();
    while !p.at_exit_point() {
        p.drive(std::time::Duration::from_millis(16), &mut console);
    }
    p.end();
    let text = std::fs::read_to_string(&log).unwrap();
    let recorded = firstline::record::replay::read_log(&text).unwrap();
    use firstline::sim::events::SimEvent;
    use firstline::sim::orders::Source;
    let given: Vec<(u64, String, Source)> = recorded
        .events
        .iter()
        .filter_map(|e| match &e.event {
            SimEvent::OrderGiven { role, source, .. } | SimEvent::OrderRefused { role, source, .. }
                if *source != Source::Npc =>
            {
                Some((e.t, role.to_string(), *source))
            }
            _ => None,
        })
        .collect();
    let instr = given.iter().filter(|g| g.2 == Source::Instructor).count();
    // Note, inject, take-over, slide, message, bookmark, and the fire (refused).
    assert_eq!(instr, 7, "{given:?}");
    assert_eq!(
        given.iter().filter(|g| g.2 == Source::Trainee).map(|g| (g.0, g.1.as_str())).collect::<Vec<_>>(),
        vec![(240, "head_houshan"), (250, "head_houshan")],
        "the role held gives its orders; the declaration (not the village head's to give) is refused"
    );
    assert!(text.contains(r#""reason":"this drill has no fire""#));
    let again =
        firstline::headless::run(&loaded, &firstline::headless::RunOptions::replaying(&recorded), &mut |_, _| {})
            .unwrap();
    assert!(firstline::record::replay::first_difference(&recorded.events, &again.events).is_none());
}

/// The projector screen's panel on the flood drill at 50 min (every role
/// played by its follower): the counters are the residents' states in the
/// view (warned ≥ left ≥ safe), every village is listed with its hazard
/// status from the forecast — here a forecast made up to cover each case:
/// reached, 10 minutes left, not threatened — and its shelters' fill.
#[test]
fn the_screen_shows_counters_and_each_villages_time_left() {
    let (loaded, session) = drill_at(3000, &[]);
    let tr = Tr::new(Lang::En);
    let sim = session.world().resource::<SimView>().clone();
    let events = session.events().to_vec();
    let view = role_view(session.world(), "commander").unwrap();
    let now_s = session.clock().now_s();
    let villages = &loaded.scenario.villages;
    let forecast = firstline::forecast::Forecast {
        villages: vec![
            (villages[0].id.clone(), Some(now_s - 100)),
            (villages[1].id.clone(), Some(now_s + 600)),
            (villages[2].id.clone(), None),
            (villages[3].id.clone(), None),
        ],
        assumed: 0,
    };
    let ctx = Ctx {
        tr: &tr,
        scenario: &loaded.scenario,
        role: &loaded.scenario.roles[0],
        view: &view,
        sim: &sim,
        events: &events,
        series: &[],
        now_s,
        mode: Mode::Practice,
        speed: 10,
        instructor: false,
        roles: &[],
        classroom: None,
    };
    let c = firstline::gui::screen::counts(&ctx);
    let states = |s: firstline::sim::view::PersonState| sim.residents.iter().filter(|p| p.state == s).count();
    use firstline::sim::view::PersonState::*;
    assert_eq!(c.safe, states(Safe));
    assert_eq!(c.left, states(Safe) + states(Moving));
    assert_eq!(c.warned, c.left + states(Warned));
    assert!(c.safe > 100 && c.warned >= c.left && c.left >= c.safe, "{c:?}");
    let mut harness = Harness::new_ui(|ui| firstline::gui::screen::panel(ui, &ctx, Some(&forecast), 32.0));
    harness.run();
    for n in [c.warned, c.left, c.safe, c.at_risk, c.harmed] {
        assert!(harness.query_all_by_label(&n.to_string()).count() >= 1, "{n} is shown");
    }
    assert!(harness.query_by_label("the hazard is here").is_some());
    assert!(harness.query_by_label("reaches it in 0:10:00").is_some());
    assert_eq!(harness.query_all_by_label("not threatened").count(), 2);
    for v in villages {
        assert!(harness.query_by_label(tr.text(&v.name)).is_some(), "{} listed", v.id);
    }
}

/// The projector following the instructor's live drill (`--screen --follow
/// LOG`), both driven without a window, frame by frame: the screen reads
/// the log's partial file as the instructor's console writes it, runs the
/// same drill from its orders and never gets ahead of it; the slide the
/// instructor set off early is in the screen's events at the same tick,
/// and every event the screen ran matches the log line for line.
#[test]
fn the_screen_follows_the_instructors_live_drill() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = catalog::Source::Embedded(catalog::EMBEDDED[1].0, catalog::EMBEDDED[1].1).load().unwrap();
    let script =
        firstline::gui::script::Script::read(std::path::Path::new("tests/data/instructor_script.ron")).unwrap();
    let log = dir.path().join("live.log.jsonl");
    let setup = |instructor: bool, screen: bool, follow: Option<std::path::PathBuf>| play::PlaySetup {
        role: String::new(),
        mode: Mode::Practice,
        competence: firstline::sim::orders::Competence::Typical,
        seed: Some(4),
        log: (!screen).then(|| log.clone()),
        report: (!screen).then(|| dir.path().join("live.report.json")),
        inputs: vec![],
        script: if instructor { script.clone() } else { Default::default() },
        exit_after_s: if instructor { Some(720) } else { None },
        screenshot: None,
        speed: Some(600),
        paced: true,
        instructor,
        screen,
        follow,
        branch: None,
    };
    let mut console = ConsoleState::default();
    let mut instr = play::Play::start(&loaded, setup(true, false, None)).unwrap();
    // The screen starts once the console has begun writing its log.
    instr.drive(std::time::Duration::from_millis(100), &mut console);
    let mut screen = play::Play::start(&loaded, setup(false, true, Some(log.clone()))).unwrap();
    let mut screen_console = ConsoleState::default();
    let mut frames = 0;
    while !instr.at_exit_point() {
        instr.drive(std::time::Duration::from_millis(100), &mut console);
        screen.drive(std::time::Duration::from_millis(100), &mut screen_console);
        assert!(screen.clock_s() <= instr.clock_s(), "the screen ran ahead of the drill it shows");
        frames += 1;
    }
    instr.end();
    for _ in 0..20 {
        screen.drive(std::time::Duration::from_millis(100), &mut screen_console);
    }
    assert!(frames > 5, "followed over several frames ({frames})");
    let recorded = firstline::record::replay::read_log(&std::fs::read_to_string(&log).unwrap()).unwrap();
    let shown: Vec<_> = screen.events.iter().filter(|e| e.tick < screen.clock_s()).cloned().collect();
    assert!(shown.len() > 100, "{} events shown", shown.len());
    let logged: Vec<_> = recorded.events.iter().filter(|e| e.tick < screen.clock_s()).cloned().collect();
    assert_eq!(firstline::record::replay::first_difference(&logged, &shown), None);
    let released = |ev: &[firstline::sim::events::Event]| {
        ev.iter().find(|e| matches!(e.event, firstline::sim::events::SimEvent::LandslideReleased { .. })).map(|e| e.t)
    };
    assert_eq!(released(&shown), Some(600), "the instructor's early slide is on the screen");
}

/// The after-action review (`firstline review`) without a window: a
/// recorded landslide drill (poor followers, people harmed) is replayed
/// with keyframes; the scorecard's casualties metric opens its evidence
/// and a click on its first event asks to seek there; the window's review
/// then shows the world at that tick (the view's clock); the timeline
/// filtered to the office director lists only that role's events; the
/// scrubber's "+10 min" asks for ten minutes on.
#[test]
fn the_review_jumps_from_a_metrics_evidence_to_its_moment() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = catalog::Source::Embedded(catalog::EMBEDDED[1].0, catalog::EMBEDDED[1].1).load().unwrap();
    let log = dir.path().join("r.log");
    let opts = RunOptions {
        seed: Some(2),
        until_s: Some(9000),
        log: Some(log.clone()),
        competence: firstline::sim::orders::Competence::Poor,
        ..Default::default()
    };
    firstline::headless::run(&loaded, &opts, &mut |_, _| {}).unwrap();
    let recorded = firstline::record::replay::read_log(&std::fs::read_to_string(&log).unwrap()).unwrap();
    let seeker = firstline::review::Seeker::new(&loaded, &recorded, 600, &mut |_, _| {}).unwrap();
    let mut p = play::Play::review(&loaded, log.clone(), seeker, recorded.header.clone(), Lang::En);
    let card = p.review.as_ref().unwrap().card.clone();
    let k = card.metrics.iter().position(|m| m.id == "casualties").unwrap();
    assert!(!card.metrics[k].evidence.is_empty(), "people were harmed");
    let first = p.events[card.metrics[k].evidence[0]].clone();
    let tr = Tr::new(Lang::En);
    let role = loaded.scenario.roles[0].clone();
    let view = p.role_view.clone();
    let sim = p.view.clone();
    let events = p.events.clone();
    let mut harness = Harness::new_ui_state(
        |ui, (form, out): &mut (console::review::ReviewForm, Vec<UiAction>)| {
            let c = Ctx {
                tr: &tr,
                scenario: &loaded.scenario,
                role: &role,
                view: &view,
                sim: &sim,
                events: &events,
                series: &[],
                now_s: 0,
                mode: Mode::Practice,
                speed: 0,
                instructor: false,
                roles: &[],
                classroom: None,
            };
            out.extend(console::review::scorecard(ui, &c, &card, form));
            out.extend(console::review::scrubber(ui, &c, 9000, 0));
        },
        (console::review::ReviewForm::default(), Vec::new()),
    );
    harness.run();
    harness.get_by_label("Casualties").click();
    harness.run();
    assert_eq!(harness.state().0.open, Some(k), "the metric opens");
    let line = format!("{}  ", Tr::clock(first.t));
    let evidence = harness.get_all_by_label_contains(&line).next().expect("its first event is listed");
    evidence.click();
    harness.run();
    assert_eq!(harness.state().1.last(), Some(&UiAction::Seek(first.tick)));
    harness.state_mut().1.clear();
    harness.get_by_label("+10 min").click();
    harness.run();
    assert_eq!(harness.state().1, vec![UiAction::Seek(600)]);
    drop(harness);
    // The window's review moves its world there.
    let mut console = ConsoleState::default();
    p.apply(&[UiAction::Seek(first.tick)], &mut console);
    assert_eq!(p.view.tick, first.tick);
    assert_eq!(p.now_s(), first.t);
    assert!(p.view.residents.iter().any(|r| r.state == firstline::sim::view::PersonState::Harmed));
    // The timeline of one role.
    let ctx = Ctx {
        tr: &tr,
        scenario: &loaded.scenario,
        role: &loaded.scenario.roles[0],
        view: &p.role_view,
        sim: &p.view,
        events: &p.events,
        series: &[],
        now_s: p.now_s(),
        mode: Mode::Practice,
        speed: 0,
        instructor: false,
        roles: &[],
        classroom: None,
    };
    let kept: Vec<_> = p.events.iter().filter(|e| console::review::roles_of(e).contains(&"office_director")).collect();
    assert!(!kept.is_empty());
    // The reference run (every plan at its best) comes in the background;
    // a poor run departs from it, and the panel's link jumps to where.
    let reference = {
        let slot = p.review.as_ref().unwrap().reference.clone();
        let mut waited = 0;
        loop {
            if let Some(r) = slot.lock().unwrap().clone() {
                break r;
            }
            assert!(waited < 600, "the reference run never came");
            std::thread::sleep(std::time::Duration::from_millis(200));
            waited += 1;
        }
    };
    assert!(reference.card.score > card.score, "{} vs {}", reference.card.score, card.score);
    let at = reference.diverges_at.expect("a poor run departs from the perfect one");
    let mut h = Harness::new_ui_state(
        |ui, out: &mut Vec<UiAction>| out.extend(console::review::reference(ui, &ctx, &card, Some(&reference))),
        Vec::new(),
    );
    h.run();
    h.get_by_label_contains("first differs at").click();
    h.run();
    assert_eq!(h.state(), &vec![UiAction::Seek(at)]);
    drop(h);
    // Every line shown under the office director's filter concerns that
    // role; without the filter some do not.
    for (role, all_theirs) in [(None, false), (Some("office_director".to_owned()), true)] {
        let mut form = console::review::ReviewForm { role: role.clone(), ..Default::default() };
        let mut h = Harness::builder().with_size(egui::vec2(900.0, 700.0)).build_ui(|ui| {
            console::review::timeline(ui, &ctx, &mut form);
        });
        h.run();
        let by = egui_kittest::kittest::by().predicate(|n| {
            n.value().is_some_and(|v| v.starts_with("0:") || v.starts_with("1:") || v.starts_with("2:"))
        });
        let lines: Vec<String> = h.query_all(by).filter_map(|n| n.accesskit_node().value()).collect();
        assert!(lines.len() >= 5, "{role:?}: {lines:?}");
        let theirs = lines.iter().all(|l| l.contains("Emergency office director"));
        assert_eq!(theirs, all_theirs, "{role:?}: {lines:?}");
    }
}

/// What if (a branch): from the review of a poor landslide run (16 dead),
/// ten minutes before the slide the Houshan village head is played by a
/// person (here a script) who orders the evacuation at once. The branch
/// shares the recorded run up to that tick (every event before it is the
/// same), its log's header names the run and the tick it branched from, it
/// replays, and it saves lives (fewer dead than the run it came from).
#[test]
fn a_branch_from_before_the_slide_saves_lives() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = catalog::Source::Embedded(catalog::EMBEDDED[1].0, catalog::EMBEDDED[1].1).load().unwrap();
    let parent_log = dir.path().join("parent.log");
    let opts = RunOptions {
        seed: Some(2),
        log: Some(parent_log.clone()),
        competence: firstline::sim::orders::Competence::Poor,
        ..Default::default()
    };
    firstline::headless::run(&loaded, &opts, &mut |_, _| {}).unwrap();
    let parent_text = std::fs::read_to_string(&parent_log).unwrap();
    let parent = firstline::record::replay::read_log(&parent_text).unwrap();
    use firstline::sim::events::{HarmOutcome, SimEvent};
    let released = parent.events.iter().find(|e| matches!(e.event, SimEvent::LandslideReleased { .. })).unwrap().tick;
    let at = released - 600;
    let script = firstline::gui::script::Script::parse(
        "s.ron",
        &format!("[(at_s: {at}, do: Order(OrderEvacuation(village: \"houshan\")))]"),
    )
    .unwrap();
    let log = dir.path().join("branch.log");
    let setup = play::PlaySetup {
        role: "head_houshan".into(),
        mode: Mode::Practice,
        competence: firstline::sim::orders::Competence::Perfect,
        seed: None,
        log: Some(log.clone()),
        report: Some(dir.path().join("branch.json")),
        inputs: vec![parent_log.clone()],
        script,
        exit_after_s: Some(loaded.scenario.meta.duration_s as u64),
        screenshot: None,
        speed: None,
        paced: false,
        instructor: false,
        screen: false,
        follow: None,
        branch: Some((parent_log.clone(), at)),
    };
    let mut p = play::Play::start(&loaded, setup).unwrap();
    assert_eq!(p.view.tick, at, "the branch starts where it was taken");
    let mut console = ConsoleState::default();
    while !p.at_exit_point() {
        p.drive(std::time::Duration::from_millis(16), &mut console);
    }
    p.end();
    let ended = p.ended.as_ref().unwrap().as_ref().unwrap();
    let (_, parent_dead) = ended.parent.as_ref().expect("the parent is scored");
    eprintln!("dead: {parent_dead} in the recorded run, {} in the branch", ended.dead);
    assert!(*parent_dead > 0 && ended.dead < *parent_dead, "{} dead in the branch vs {parent_dead}", ended.dead);
    let text = std::fs::read_to_string(&log).unwrap();
    let branch = firstline::record::replay::read_log(&text).unwrap();
    let b = branch.header.branch.as_ref().expect("the header names its parent");
    assert_eq!(b.at_tick, at);
    assert_eq!(b.parent_log_sha256, firstline::scenario::load::sha256_hex(parent_text.as_bytes()));
    let before = |ev: &[firstline::sim::events::Event]| ev.iter().filter(|e| e.tick < at).cloned().collect::<Vec<_>>();
    assert_eq!(firstline::record::replay::first_difference(&before(&parent.events), &before(&branch.events)), None);
    let dead = |ev: &[firstline::sim::events::Event]| {
        ev.iter().filter(|e| matches!(e.event, SimEvent::ResidentHarmed { outcome: HarmOutcome::Dead, .. })).count()
    };
    assert_eq!(dead(&branch.events), ended.dead);
    let again = firstline::headless::run(&loaded, &RunOptions::replaying(&branch), &mut |_, _| {}).unwrap();
    assert_eq!(firstline::record::replay::first_difference(&branch.events, &again.events), None, "the branch replays");
}

/// The host's end screen at a classroom drill: a person for each trainee
/// seat and one button that stores the run for all of them; nothing is
/// asked for until someone is named, and a seat left blank is left out
/// (its role counts as its plan's).
#[test]
fn the_hosts_end_screen_stores_the_class_run_for_each_seated_person() {
    let tr = Tr::new(Lang::ZhCn);
    let roles =
        vec![("commander".to_owned(), "总指挥".to_owned()), ("office_director".to_owned(), "应急办主任".to_owned())];
    type Form = (std::collections::BTreeMap<String, String>, String, Vec<UiAction>);
    let mut harness = Harness::new_ui_state(
        |ui, (people, org, out): &mut Form| {
            out.extend(console::score::class_record_form(ui, &tr, &roles, (people, org), None));
        },
        (Default::default(), String::new(), Vec::new()),
    );
    harness.run();
    harness.get_by_label("存入档案").click();
    harness.run();
    assert!(harness.state().2.is_empty(), "nobody named: nothing to store");
    // Three fields: the commander's seat, the office director's, the organisation.
    assert_eq!(harness.get_all_by_role(egui::accesskit::Role::TextInput).count(), 3);
    for (k, text) in [(0, "P001"), (2, "T01")] {
        type_into(&mut harness, k, text);
    }
    harness.get_by_label("存入档案").click();
    harness.run();
    assert_eq!(
        harness.state().2,
        vec![UiAction::RecordClass { people: vec![("commander".into(), "P001".into())], org: Some("T01".into()) }]
    );
}

/// A class of 30 at the host's console: every seat's code is on one table
/// (the seats still to come first, so a late cadre's code is at the top),
/// and the QR code shown is the picked seat's — the first still to come
/// until the instructor clicks another line (its name then shows twice:
/// on its line and over its QR code).
#[test]
fn a_class_of_30_gets_a_table_of_codes_and_the_picked_seat_s_qr_code() {
    use firstline::gui::console::{ClassSeat, Classroom};
    use firstline::net::protocol::SeatKind;
    let v = views(0, "commander");
    let tr = Tr::new(Lang::En);
    let roles: Vec<String> = v.loaded.scenario.roles.iter().map(|r| r.id.clone()).collect();
    // 30 seats over the drill's roles (a class drill has a role for each;
    // here the 12 roles and 18 screens), the commander's seat already in.
    let seats: Vec<ClassSeat> = (0..30)
        .map(|k| ClassSeat {
            seat: roles.get(k).map_or(SeatKind::Screen, |r| SeatKind::Role(r.clone())),
            code: format!("AAAA{:X}-BBBB{:X}", k / 16, k % 16),
            online: k == 0,
        })
        .collect();
    let class = Classroom { addr: "192.168.1.20:7460".into(), seats, waiting: true, refused: None };
    let mut harness = Harness::new_ui_state(
        |ui, out: &mut Vec<UiAction>| {
            let mut c = ctx(&v, &tr, Mode::Practice);
            c.classroom = Some(&class);
            egui::ScrollArea::vertical().show(ui, |ui| out.extend(console::classroom::seats(ui, &c)));
        },
        Vec::new(),
    );
    harness.run();
    for s in &class.seats {
        assert!(harness.query_all_by_label(&s.code).count() >= 1, "{} is on the table", s.code);
    }
    let name = |k: usize| v.loaded.scenario.roles.iter().find(|r| r.id == roles[k]).map(|r| r.name.en.clone()).unwrap();
    // The commander is in: the QR code is the office director's (the first
    // seat still to come).
    assert_eq!(harness.query_all_by_label(&name(1)).count(), 2, "the office director's QR code shows");
    assert_eq!(harness.query_all_by_label(&name(0)).count(), 1, "the commander's is only on its line");
    harness.get_by_label(&class.seats[3].code).click();
    harness.run();
    assert_eq!(harness.query_all_by_label(&name(3)).count(), 2, "the picked seat's QR code shows");
    assert_eq!(harness.query_all_by_label(&name(1)).count(), 1);
    assert!(harness.state().is_empty(), "picking a seat orders nothing");
}

/// The feed names dikes and roads as the township calls them (the
/// scenario's `name`), and an unnamed dike as "dike" and its id, never a
/// bare id.
#[test]
fn the_feed_names_dikes_and_roads() {
    use firstline::sim::events::{BreachCause, Event, RoadWater, SimEvent};
    use firstline::sim::ids::{DikeId, RoadId};
    let v = views(0, "office_director");
    let breach = |dike: &str| Event {
        tick: 1,
        t: 1,
        event: SimEvent::DikeBreached { dike: DikeId(dike.into()), cause: BreachCause::Scripted },
    };
    let flooded = Event {
        tick: 1,
        t: 1,
        event: SimEvent::RoadFlooded {
            road: RoadId("dw_road".into()),
            state: RoadWater::ClosedToVehicles,
            depth_m: 0.4,
        },
    };
    let zh = Tr::new(Lang::ZhCn);
    let c = ctx(&v, &zh, Mode::Practice);
    let line = |e: &Event| console::feed::line(&c, e).unwrap_or_default();
    assert_eq!(line(&breach("dongwan_dike")), "0:00:01  东湾河堤 决口");
    assert!(line(&flooded).contains("东湾路") && !line(&flooded).contains("dw_road"), "{}", line(&flooded));
    assert_eq!(line(&breach("old_dike")), "0:00:01  堤防 old_dike 决口");
    let en = Tr::new(Lang::En);
    let c = ctx(&v, &en, Mode::Practice);
    assert_eq!(console::feed::line(&c, &breach("dongwan_dike")).unwrap(), "0:00:01  Dongwan river dike breached");
}

/// Orders read by name, not by id: a patrol's stops, a grid area gone
/// through door to door, and a force sent to a road node, in both
/// languages; a node the scenario does not name reads "junction <id>".
#[test]
fn orders_name_their_stops_and_grid_areas() {
    let v = views(0, "office_director");
    let patrol = |route: &[&str]| Action::Patrol { route: route.iter().map(|n| n.to_string()).collect() };
    let zh = Tr::new(Lang::ZhCn);
    let c = ctx(&v, &zh, Mode::Practice);
    assert_eq!(console::describe(&c, &patrol(&["hs_center", "e3"])), "巡查 后山村中心→东岸路口");
    assert_eq!(console::describe(&c, &patrol(&["hs_center", "x9"])), "巡查 后山村中心→路口 x9");
    assert_eq!(console::describe(&c, &Action::DoorToDoor { area: "dw_grid1".into() }), "入户通知 东湾村第一网格");
    assert_eq!(console::describe(&c, &Action::DoorToDoor { area: "zz_grid".into() }), "入户通知 网格 zz_grid");
    let sent = Action::Dispatch { force: "town_team".into(), to: Place::Node("dw_center".into()), task: Task::Sandbag };
    let line = console::describe(&c, &sent);
    assert!(line.contains("东湾村委会") && !line.contains("dw_center"), "{line}");
    // An acknowledgement names the sender: an inject's, a caller, the
    // instructor.
    let ack = |m: &str| console::describe(&c, &Action::Acknowledge { message: m.into() });
    assert_eq!(ack("county_red_rain"), "确认收到县气象局的消息");
    assert_eq!(ack("call:commander:600"), "确认收到总指挥（镇党委书记）的消息");
    assert_eq!(ack("msg:660:4"), "确认收到导调的消息");
    assert_eq!(console::describe(&c, &Action::Note { text: String::new() }), "导调书签");
    // A late plan step reads as what it asks, not by its id.
    use firstline::sim::events::{Event, SimEvent};
    use firstline::sim::ids::{RoleId, StepId};
    let late = Event {
        tick: 1,
        t: 1,
        event: SimEvent::PlanStepOverdue {
            step: StepId("od_call_dw".into()),
            role: RoleId("office_director".into()),
            deadline_s: 300,
        },
    };
    let line = console::feed::line(&c, &late).unwrap_or_default();
    assert!(line.ends_with("预案步骤超时：叫应 东湾村党支部书记"), "{line}");
    let en = Tr::new(Lang::En);
    let c = ctx(&v, &en, Mode::Practice);
    assert_eq!(
        console::describe(&c, &patrol(&["hs_center", "e3"])),
        "Patrol Houshan village centre→East bank junction"
    );
    assert_eq!(
        console::describe(&c, &Action::DoorToDoor { area: "dw_grid1".into() }),
        "Door to door in Dongwan grid 1"
    );
}
