//! Scoring on hand-built event logs: one test per metric family, the credit
//! rule, applicability from the scenario, reference times, per-role scores,
//! levels and gates. Expected values are worked out by hand in the comments.

use firstline::scenario::schema::{
    Action, EvacuationClock, Gate, HazardKind, Level, Metric, Place, PlanStep, RoleWeight, RubricMetric, Scenario,
    Task, Trigger, WarningLevel,
};
use firstline::scoring::score;
use firstline::sim::events::{Event, HarmCause, HarmOutcome, SimEvent};
use firstline::sim::ids::ResidentId;
use firstline::sim::orders::Source;
use std::path::Path;

fn ev(t: u64, event: SimEvent) -> Event {
    Event { tick: t, t, event }
}

fn triggered(t: u64, step: &str, role: &str, deadline_s: u32) -> Event {
    ev(t, SimEvent::PlanStepTriggered { step: step.into(), role: role.into(), deadline_s })
}

fn ack(t: u64, role: &str, message: &str) -> Event {
    ev(t, SimEvent::MessageAcknowledged { role: role.into(), message: message.into(), after_s: 0, within_s: None })
}

fn harmed(t: u64, resident: u32, outcome: HarmOutcome) -> Event {
    let event = SimEvent::ResidentHarmed {
        resident: ResidentId(resident),
        household: "h1".into(),
        outcome,
        cause: HarmCause::Flood,
        vulnerable: false,
        depth_m: None,
        speed_m_s: None,
        co_ppm: None,
    };
    ev(t, event)
}

fn scenario_with(metrics: &[(&str, Metric, Option<&str>, f64, f64)]) -> Scenario {
    let mut s = firstline::scenario::load(Path::new("scenarios/example_small.ron")).unwrap().scenario;
    s.rubric.metrics = metrics
        .iter()
        .map(|(id, m, role, threshold, weight)| RubricMetric {
            id: (*id).into(),
            metric: *m,
            role: role.map(str::to_owned),
            threshold: *threshold,
            weight: *weight,
            from: None,
        })
        .collect();
    s
}

/// The red-rain inject reaching the office director at `t`.
fn delivered(t: u64) -> Event {
    ev(
        t,
        SimEvent::InjectDelivered {
            inject: "red_rain".into(),
            to: vec!["office_director".into()],
            from: String::new(),
            message: String::new(),
            ack_within_s: Some(60),
            warning: Some(WarningLevel::Red),
        },
    )
}

fn ended(t: u64) -> Event {
    ev(t, SimEvent::DrillEnded { ticks: t })
}

fn started() -> Event {
    ev(
        0,
        SimEvent::DrillStarted {
            scenario: "example_small".into(),
            duration_s: 3600,
            tick_s: 1,
            households: 14,
            residents: 31,
        },
    )
}

/// Adds a step to the plan of `role`.
fn add_step(s: &mut Scenario, role: &str, id: &str, trigger: Trigger, action: Action, deadline_s: u32) {
    let plan = s.plans.iter_mut().find(|p| p.role == role);
    let step = PlanStep { id: id.into(), trigger, action, deadline_s, note: None };
    match plan {
        Some(p) => p.steps.push(step),
        None => s.plans.push(firstline::scenario::schema::Plan { role: role.into(), steps: vec![step] }),
    }
}

fn warn_log(done_at: Option<u64>) -> Vec<Event> {
    let mut e = vec![triggered(120, "warn", "office_director", 600)];
    if let Some(t) = done_at {
        let after = t - 120;
        let role = "office_director".into();
        e.push(ev(
            t,
            SimEvent::PlanStepDone {
                step: "warn".into(),
                role,
                after_s: after,
                deadline_s: 600,
                on_time: after <= 600,
            },
        ));
    }
    e
}

#[test]
fn warning_delay_passes_fails_and_earns_partial_credit() {
    let s = scenario_with(&[("w", Metric::WarningDelay, Some("office_director"), 600.0, 1.0)]);
    // Done 380 s after its trigger: passes, full credit, both events cited.
    let c = score(&s, &warn_log(Some(500)));
    let m = &c.metrics[0];
    assert_eq!((m.value, m.passed, m.credit), (Some(380.0), true, 1.0));
    assert_eq!(m.evidence, vec![0, 1]);
    // 780 s: fails; credit 600/780 = 0.769 → 0.77.
    let m = &score(&s, &warn_log(Some(900))).metrics[0];
    assert_eq!((m.value, m.passed, m.credit), (Some(780.0), false, 0.77));
    // Never done: infinite delay, no credit; score 0 and 不合格.
    let c = score(&s, &warn_log(None));
    assert_eq!(c.metrics[0].value, Some(f64::INFINITY));
    assert_eq!((c.metrics[0].credit, c.score, c.level), (0.0, 0.0, Level::Fail));
    // The inject that triggers the warning never came (a run stopped at
    // once): the plans expected nothing yet, so not applicable.
    let m = &score(&s, &[]).metrics[0];
    assert!(!m.applicable && m.value.is_none());
    // The inject came but the step was never done (nor even logged as
    // triggered): applicability comes from the scenario, so it fails.
    let c = score(&s, &[delivered(120), ended(3600)]);
    let m = &c.metrics[0];
    assert!(m.applicable && !m.passed, "{m:?}");
    assert_eq!((m.value, m.credit), (Some(f64::INFINITY), 0.0));
    assert!(m.note.contains("not done by the end of the drill"), "{}", m.note);
    // The plans expect no warning of the village head: not applicable.
    let s2 = scenario_with(&[("w", Metric::WarningDelay, Some("head_xiaohe"), 600.0, 1.0)]);
    assert!(!score(&s2, &[delivered(120), ended(3600)]).metrics[0].applicable);
}

#[test]
fn call_and_response_time() {
    let mut s = scenario_with(&[("c", Metric::CallResponseTime, Some("office_director"), 300.0, 1.0)]);
    let call = Action::CallAndResponse { role: "head_xiaohe".into() };
    // Without a call in the plans the metric has nothing to measure, even
    // when a call was made.
    let made = vec![ev(
        100,
        SimEvent::CallMade {
            call: "call:office_director:100".into(),
            from: "office_director".into(),
            to: "head_xiaohe".into(),
        },
    )];
    assert!(!score(&s, &made).metrics[0].applicable);
    add_step(&mut s, "office_director", "call", Trigger::At(60), call, 300);
    let log = vec![
        triggered(60, "call", "office_director", 300),
        ev(
            100,
            SimEvent::CallMade {
                call: "call:office_director:100".into(),
                from: "office_director".into(),
                to: "head_xiaohe".into(),
            },
        ),
        ack(160, "head_xiaohe", "call:office_director:100"),
    ];
    assert_eq!(score(&s, &log).metrics[0].value, Some(60.0));
    // Unanswered call: never confirmed.
    assert_eq!(score(&s, &log[..2]).metrics[0].value, Some(f64::INFINITY));
    // The call was due and never made: fails, no credit.
    let m = &score(&s, &[triggered(60, "call", "office_director", 300), ended(3600)]).metrics[0];
    assert_eq!((m.value, m.credit), (Some(f64::INFINITY), 0.0));
    assert!(m.note.contains("not made"), "{}", m.note);
}

#[test]
fn alarm_taken_counts_every_recipient() {
    let s = scenario_with(&[("a", Metric::AlarmTaken, None, 60.0, 1.0)]);
    let mut log = vec![
        ev(
            120,
            SimEvent::InjectDelivered {
                inject: "red_rain".into(),
                to: vec!["office_director".into(), "commander".into()],
                from: String::new(),
                message: String::new(),
                ack_within_s: Some(60),
                warning: None,
            },
        ),
        ack(150, "office_director", "red_rain"),
    ];
    // The commander never took the alarm.
    assert_eq!(score(&s, &log).metrics[0].value, Some(f64::INFINITY));
    log.push(ack(200, "commander", "red_rain"));
    let m = &score(&s, &log).metrics[0];
    assert_eq!((m.value, m.passed), (Some(80.0), false), "the slower of 30 s and 80 s");
}

fn evacuation_log() -> Vec<Event> {
    let safe = |t, r: u32, h: &str, vulnerable: bool| {
        ev(t, SimEvent::ResidentSafe { resident: ResidentId(r), household: h.into(), shelter: "s1".into(), vulnerable })
    };
    let at_risk = |h: &str, residents, vulnerable| SimEvent::HouseholdAtRisk {
        household: h.into(),
        zone: "z".into(),
        hazard: HazardKind::Flood,
        residents,
        vulnerable,
    };
    let reached = SimEvent::HazardReachedHome {
        household: "h2".into(),
        hazard: HazardKind::Flood,
        residents: 2,
        vulnerable: 0,
        hazard_rating: None,
        depth_m: None,
        speed_m_s: None,
    };
    vec![
        started(),
        ev(0, at_risk("h1", 3, 1)),
        ev(0, at_risk("h2", 2, 0)),
        delivered(120),
        ev(120, SimEvent::WarningReceived { inject: "red_rain".into(), level: WarningLevel::Red }),
        safe(500, 1, "h1", false),
        safe(600, 2, "h1", false),
        safe(700, 3, "h1", true),
        safe(900, 4, "h2", false),
        ev(1000, reached),
        safe(1100, 5, "h2", false),
        ev(1200, SimEvent::ShelterFull { shelter: "s1".into(), turned_away: 7 }),
    ]
}

#[test]
fn evacuation_metrics_from_residents_events() {
    let s = scenario_with(&[
        ("before", Metric::EvacuatedBeforeArrival, None, 0.95, 1.0),
        ("vuln", Metric::VulnerableEvacuated, None, 1.0, 1.0),
        ("t90", Metric::TimeTo90, None, 3600.0, 1.0),
        ("t100", Metric::TimeTo100, None, 3600.0, 1.0),
        ("overflow", Metric::ShelterOverflow, None, 0.0, 1.0),
        ("t50", Metric::TimeTo50, None, 3600.0, 1.0),
    ]);
    let c = score(&s, &evacuation_log());
    let v: Vec<Option<f64>> = c.metrics.iter().map(|m| m.value).collect();
    // r5 arrived after the water reached h2: 4 of 5 out in time.
    assert_eq!(v[0], Some(0.8));
    assert_eq!(v[1], Some(1.0));
    // The plans say evacuation is due when the warning step was due to be
    // done: the inject at 120 s + the warning's 600 s deadline = 720 s.
    // 90% of 5 = 4.5 → the 5th arrival (1100 s), 380 s after it.
    assert_eq!(v[2], Some(380.0));
    assert_eq!(v[3], Some(380.0));
    assert!(c.metrics[2].note.contains("the plans said evacuation was due (t = 720 s)"), "{}", c.metrics[2].note);
    // Half of 5 = 2.5 → the 3rd arrival (700 s), before the due time: 0 s.
    assert_eq!(v[5], Some(0.0));
    assert_eq!(v[4], Some(7.0));
    // 0.8 < 0.95: credit 0.8/0.95 = 0.84; overflow 7 > 0: 1/(1 + 7) = 0.13.
    assert_eq!(c.metrics[0].credit, 0.84);
    assert_eq!(c.metrics[4].credit, 0.13);
    // A trainee cannot move the clock: an evacuation order at 300 s (or
    // at 1000 s) leaves it at 720 s.
    for t in [300, 1000] {
        let mut log = evacuation_log();
        let order = SimEvent::OrderGiven {
            role: "head_xiaohe".into(),
            source: Source::Trainee,
            action: Action::OrderEvacuation { village: "xiaohe".into() },
        };
        log.insert(5, ev(t, order));
        assert_eq!(score(&s, &log).metrics[2].value, Some(380.0));
    }
    // Counted from the hazard's first arrival (h2 at 1000 s) instead: 100 s.
    let mut s2 = s.clone();
    s2.rubric.metrics[2].from = Some(EvacuationClock::HazardArrival);
    let m = &score(&s2, &evacuation_log()).metrics[2];
    assert_eq!(m.value, Some(100.0));
    assert!(m.note.contains("the hazard first reached an at-risk home"), "{}", m.note);
    // Residents who never got out: 90% never reached.
    let short: Vec<Event> = evacuation_log().into_iter().filter(|e| e.t < 900).collect();
    assert_eq!(score(&s, &short).metrics[2].value, Some(f64::INFINITY));
}

#[test]
fn casualties_count_people_once_and_the_death_gate_caps_the_level() {
    let mut s =
        scenario_with(&[("cas", Metric::Casualties, None, 0.0, 1.0), ("w", Metric::WarningDelay, None, 600.0, 8.0)]);
    s.rubric.gates = vec![Gate::PreventableDeath { cap: Level::Pass }];
    // Only the office director has a plan here.
    s.plans.retain(|p| p.role == "office_director");
    let mut log = vec![started()];
    log.extend(warn_log(Some(200)));
    log.push(harmed(900, 7, HarmOutcome::Injured));
    log.push(harmed(950, 7, HarmOutcome::Dead));
    let c = score(&s, &log);
    assert_eq!(c.metrics[0].value, Some(1.0), "one person, counted once");
    // One death against a threshold of 0: credit 1/(1 + 1) = 0.5. The office
    // director's score: casualties (1 × 0.5), warning (8 × 1) and its own
    // step on time (1 × 1) → 95 → 优秀 by score ...
    assert_eq!(c.metrics[0].credit, 0.5);
    assert_eq!((c.score, c.level_by_score), (95.0, Level::Excellent));
    // ... but r7 died, so the preventable-death gate caps it at 合格.
    assert_eq!(c.level, Level::Pass);
    assert_eq!(c.level_zh, "合格");
    assert_eq!(c.gates_applied.len(), 1);
}

#[test]
fn every_role_is_scored_and_an_idle_seat_scores_zero() {
    let mut s = scenario_with(&[
        ("adh", Metric::PlanAdherence, None, 0.9, 1.0),
        ("w", Metric::WarningDelay, Some("office_director"), 600.0, 1.0),
    ]);
    // The warning is done at 500 s (on time); the village head's evacuation
    // order, due after the warning, is never given; the drill ends at 1600 s.
    let mut log = vec![delivered(120)];
    log.extend(warn_log(Some(500)));
    log.push(triggered(500, "evacuate", "head_xiaohe", 900));
    log.push(ev(
        1400,
        SimEvent::PlanStepOverdue { step: "evacuate".into(), role: "head_xiaohe".into(), deadline_s: 900 },
    ));
    log.push(ended(1600));
    let c = score(&s, &log);
    assert_eq!(c.metrics[0].value, Some(0.5), "1 of 2 expected steps on time");
    // The step never done is kept by id beside the note, which counts it
    // (readers name it in their own language).
    let never = firstline::scoring::StepMark::new("evacuate", firstline::scoring::Wanting::NotDone);
    assert_eq!(c.metrics[0].steps, vec![never]);
    assert!(
        c.metrics[0].note.contains("1 not done") && !c.metrics[0].note.contains("evacuate"),
        "{}",
        c.metrics[0].note
    );
    // The team metrics alone: (0.5/0.9 = 0.56 credit) + 1 → 78.
    assert_eq!(c.team_score, 78.0);
    let role = |id: &str| c.roles.iter().find(|r| r.role == id).unwrap();
    // Office director: warning metric 1 and its own step on time → 100.
    assert_eq!(role("office_director").score, Some(100.0));
    // Village head: its one expected step never done → 0.
    let head = role("head_xiaohe");
    assert_eq!((head.score, head.steps_expected, head.steps_on_time), (Some(0.0), 1, 0));
    assert!(head.note.contains("the seat gave no order"), "{}", head.note);
    // Commander and grid worker: nothing expected, no score, no weight.
    assert_eq!((role("commander").score, role("commander").weight), (None, 0.0));
    assert_eq!(c.roles.len(), 4, "every role is listed");
    // Overall: the mean of 100 and 0 → 50 → 不合格, though the team's
    // plan adherence alone would read 78.
    assert_eq!((c.score, c.level), (50.0, Level::Fail));
    // Rubric role weights: the office director weighing 3 → 75 → 良好.
    s.rubric.roles = vec![RoleWeight { role: "office_director".into(), weight: 3.0 }];
    let c = score(&s, &log);
    assert_eq!((c.score, c.level), (75.0, Level::Good));
}

#[test]
fn doing_less_never_scores_more() {
    // A dispatch the plans expect: the village team turns out 300 s after
    // the order. Not dispatching must fail the turn-out, not drop it.
    let mut s = scenario_with(&[("turn_out", Metric::TurnOut, None, 600.0, 1.0)]);
    s.plans.retain(|p| p.role == "office_director");
    let send =
        Action::Dispatch { force: "xh_team".into(), to: Place::Village("xiaohe".into()), task: Task::DoorToDoor };
    add_step(&mut s, "office_director", "send", Trigger::At(60), send, 300);
    let did = vec![
        started(),
        triggered(60, "send", "office_director", 300),
        ev(
            100,
            SimEvent::PlanStepDone {
                step: "send".into(),
                role: "office_director".into(),
                after_s: 40,
                deadline_s: 300,
                on_time: true,
            },
        ),
        ev(400, SimEvent::ForceTurnedOut { force: "xh_team".into(), after_s: 300 }),
        ended(3600),
    ];
    let idle = vec![started(), triggered(60, "send", "office_director", 300), ended(3600)];
    let (a, b) = (score(&s, &did), score(&s, &idle));
    assert_eq!((a.metrics[0].value, a.metrics[0].passed), (Some(300.0), true));
    assert!(b.metrics[0].applicable && !b.metrics[0].passed);
    assert_eq!(b.metrics[0].credit, 0.0);
    assert!(a.score > b.score, "{} vs {}", a.score, b.score);
    assert_eq!(b.score, 0.0);
}
