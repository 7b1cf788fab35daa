//! Scoring on hand-built event logs: one test per metric family, the credit
//! rule, per-role scores, levels and gates. Expected values are worked out by
//! hand in the comments.

use firstline::scenario::schema::{
    Action, Channel, Gate, HazardKind, Level, Metric, RubricMetric, Scenario, WarningLevel,
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
        })
        .collect();
    s
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
    // No trigger at all: not applicable and left out of the weights.
    let m = &score(&s, &[]).metrics[0];
    assert!(!m.applicable && m.value.is_none());
}

#[test]
fn call_and_response_time() {
    let s = scenario_with(&[("c", Metric::CallResponseTime, Some("office_director"), 300.0, 1.0)]);
    let log = vec![
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
    assert_eq!(score(&s, &log[..1]).metrics[0].value, Some(f64::INFINITY));
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
        ev(0, at_risk("h1", 3, 1)),
        ev(0, at_risk("h2", 2, 0)),
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
    // No order and no household warned: the clock starts at the 120 s warning.
    // 90% of 5 = 4.5 → the 5th arrival (1100 s), 980 s after it.
    assert_eq!(v[2], Some(980.0));
    assert_eq!(v[3], Some(980.0));
    // Half of 5 = 2.5 → the 3rd arrival (700 s), 580 s after the warning.
    assert_eq!(v[5], Some(580.0));
    assert_eq!(v[4], Some(7.0));
    // 0.8 < 0.95: credit 0.8/0.95 = 0.84; overflow 7 > 0: no credit.
    assert_eq!(c.metrics[0].credit, 0.84);
    assert_eq!(c.metrics[4].credit, 0.0);
    // The clock starts at the first evacuation order when there is one: an
    // order at 300 s → 90% at 1100 − 300 = 800 s, 50% at 700 − 300 = 400 s.
    let mut log = evacuation_log();
    let order = SimEvent::OrderGiven {
        role: "commander".into(),
        source: Source::Trainee,
        action: Action::OrderEvacuation { village: "xiaohe".into() },
    };
    log.insert(3, ev(300, order));
    let c = score(&s, &log);
    assert_eq!((c.metrics[2].value, c.metrics[5].value), (Some(800.0), Some(400.0)));
    assert!(c.metrics[2].note.contains("after the first evacuation order"), "{}", c.metrics[2].note);
    // Without an order, the first warning that reached a household (450 s).
    log[3] = ev(450, SimEvent::HouseholdWarned { household: "h1".into(), channel: Channel::Broadcast, order: false });
    assert_eq!(score(&s, &log).metrics[2].value, Some(650.0));
}

#[test]
fn casualties_count_people_once_and_the_death_gate_caps_the_level() {
    let mut s =
        scenario_with(&[("cas", Metric::Casualties, None, 0.0, 1.0), ("w", Metric::WarningDelay, None, 600.0, 9.0)]);
    s.rubric.gates = vec![Gate::PreventableDeath { cap: Level::Pass }];
    let mut log = warn_log(Some(200));
    log.push(harmed(900, 7, HarmOutcome::Injured));
    log.push(harmed(950, 7, HarmOutcome::Dead));
    let c = score(&s, &log);
    assert_eq!(c.metrics[0].value, Some(1.0), "one person, counted once");
    // Score: weights 1 (credit 0) and 9 (credit 1) → 90 → 优秀 by score ...
    assert_eq!((c.score, c.level_by_score), (90.0, Level::Excellent));
    // ... but r7 died, so the preventable-death gate caps it at 合格.
    assert_eq!(c.level, Level::Pass);
    assert_eq!(c.level_zh, "合格");
    assert_eq!(c.gates_applied.len(), 1);
}

#[test]
fn plan_adherence_and_role_scores() {
    let s = scenario_with(&[
        ("adh", Metric::PlanAdherence, None, 0.9, 1.0),
        ("w", Metric::WarningDelay, Some("office_director"), 600.0, 1.0),
    ]);
    let mut log = warn_log(Some(500));
    log.push(triggered(130, "evacuate", "head_xiaohe", 900));
    log.push(ev(
        1500,
        SimEvent::PlanStepOverdue { step: "evacuate".into(), role: "head_xiaohe".into(), deadline_s: 900 },
    ));
    let c = score(&s, &log);
    assert_eq!(c.metrics[0].value, Some(0.5), "1 of 2 triggered steps on time");
    // Overall: (0.5/0.9 = 0.56 credit) + 1 → 78.0; office director alone: 100.
    assert_eq!(c.score, 78.0);
    assert_eq!(c.level, Level::Good);
    let od = c.roles.iter().find(|r| r.role == "office_director").unwrap();
    assert_eq!(od.score, 100.0);
    assert!(c.roles.iter().all(|r| r.role != "head_xiaohe"), "no metric is charged to the village head");
}
