//! The drill evaluation report (演练评估报告) of a recorded run, in the
//! structure Chinese drill evaluation uses: 演练概况 (the drill, its
//! scenario, seed and build, the roles and who played them), 过程回顾 (the
//! timeline of key events), 指标评价 (each metric: value, threshold, pass,
//! evidence, why), 存在问题 and 改进建议 (from the failed metrics and the
//! late or undone plan steps), with charts: the share of the residents in
//! danger who are safe over time against the hazard's first arrival, the
//! river level against the levels the plans act on, warnings delivered by
//! channel, and the forces' "135" times. `html` and `pdf` render it.
//!
//! The evaluation is built from the run's own event log and the report of
//! its replay (the caller replays the log first and refuses one that does
//! not replay), so every statement in it rests on evidence anyone can
//! re-run. Nothing machine-dependent goes in: no date, no path.
//!
//! Owns: `Evaluation` and how it is drawn from a run. May not touch: sim
//! state, the faces.

pub mod chart;
pub mod html;
pub mod pdf;

use crate::i18n::{Lang, Tr};
use crate::record::report::Report;
use crate::scenario::names;
use crate::scenario::schema::{Action, GaugeKind, Metric, Scenario, Trigger};
use crate::sim::events::{Event, HarmOutcome, LogHeader, SimEvent};
use crate::sim::orders::{INSTRUCTOR_ROLE, Source};
use chart::{Chart, Series};
use std::collections::{BTreeMap, BTreeSet};

/// One metric's row.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricRow {
    pub name: String,
    pub value: String,
    pub threshold: String,
    pub passed: Option<bool>,
    pub credit: String,
    /// The events it rests on (a few, as timeline lines).
    pub evidence: Vec<String>,
    pub evidence_total: usize,
    pub why: String,
}

/// The whole report, in one language.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub lang: Lang,
    pub title: String,
    /// 演练概况: (label, value) rows.
    pub overview: Vec<(String, String)>,
    /// Roles: (role, who played it, its score).
    pub roles: Vec<(String, String, String)>,
    /// 过程回顾: (drill clock, what happened).
    pub timeline: Vec<(String, String)>,
    /// 指标评价.
    pub metrics: Vec<MetricRow>,
    /// The score line (score, level, gates).
    pub verdict: String,
    /// 存在问题.
    pub problems: Vec<String>,
    /// 改进建议.
    pub suggestions: Vec<String>,
    pub charts: Vec<Chart>,
}

/// Builds the evaluation of a run: its scenario, its log's header and
/// events, and the report of its replay.
pub fn evaluate(s: &Scenario, header: &LogHeader, events: &[Event], report: &Report, lang: Lang) -> Evaluation {
    let tr = Tr::new(lang);
    let role_name = |id: &str| {
        if id == INSTRUCTOR_ROLE {
            return tr.t("eval-instructor");
        }
        names::role(s, &tr, id)
    };
    let clock = |t: u64| Tr::clock(t);
    let card = &report.scoring;
    let overview = vec![
        (tr.t("eval-drill"), tr.text(&s.meta.title).to_owned()),
        (
            tr.t("eval-scenario"),
            format!("{} (SHA-256 {}…)", s.meta.id, &report.scenario.sha256[..16.min(report.scenario.sha256.len())]),
        ),
        (
            tr.t("eval-hazards"),
            s.meta
                .hazards
                .iter()
                .map(|h| tr.t(&format!("eval-hazard-{h:?}")))
                .collect::<Vec<_>>()
                .join(&tr.t("list-sep")),
        ),
        (tr.t("eval-seed"), report.seed.to_string()),
        (tr.t("eval-build"), report.build.clone()),
        (tr.t("eval-length"), format!("{} / {}", clock(report.drill_seconds), clock(s.meta.duration_s as u64))),
        (tr.t("eval-residents"), report.summary.residents.to_string()),
        (tr.t("eval-log"), format!("SHA-256 {}…", &report.event_log_sha256[..16.min(report.event_log_sha256.len())])),
    ];
    // Who played each role: a trainee (orders from a person's seat), the
    // instructor (taken over), the software (its plan follower), or nobody.
    let mut by_person = BTreeSet::new();
    let mut taken = BTreeSet::new();
    for e in events {
        match &e.event {
            SimEvent::OrderGiven { role, source: Source::Trainee, .. }
            | SimEvent::OrderRefused { role, source: Source::Trainee, .. } => {
                by_person.insert(role.to_string());
            }
            SimEvent::OrderGiven { action: crate::scenario::schema::Action::TakeOver { role }, .. } => {
                taken.insert(role.clone());
            }
            _ => {}
        }
    }
    let roles = s
        .roles
        .iter()
        .map(|r| {
            let follower = header.plan_followers.iter().any(|f| f.as_str() == r.id);
            let who = match (taken.contains(&r.id), by_person.contains(&r.id), follower) {
                (true, _, _) => tr.t("eval-played-instructor"),
                (_, true, _) => tr.t("eval-played-trainee"),
                (_, _, true) => tr.a(
                    "eval-played-software",
                    &[("competence", tr.t(&format!("eval-competence-{:?}", header.competence)).into())],
                ),
                _ => tr.t("eval-played-nobody"),
            };
            let score = card
                .roles
                .iter()
                .find(|x| x.role == r.id)
                .and_then(|x| x.score)
                .map_or("—".to_owned(), |v| format!("{v:.1}"));
            (tr.text(&r.name).to_owned(), who, score)
        })
        .collect();
    let timeline = events
        .iter()
        .filter(|e| is_key(e))
        .filter_map(|e| describe(&tr, s, e, &role_name).map(|t| (clock(e.t), t)))
        .collect();
    let metrics = card
        .metrics
        .iter()
        .map(|m| {
            let name = tr.t(&format!("metric-{:?}", m.metric));
            let shown = |v: f64| fmt_value(m.metric, v);
            MetricRow {
                name,
                value: if !m.applicable {
                    tr.t("eval-not-applicable")
                } else {
                    m.value.map_or(tr.t("eval-never"), shown)
                },
                threshold: shown(m.threshold),
                passed: m.applicable.then_some(m.passed),
                credit: format!("{:.0} %", 100.0 * m.credit),
                evidence: m
                    .evidence
                    .iter()
                    .take(4)
                    .filter_map(|&k| events.get(k))
                    .map(|e| {
                        let what = describe(&tr, s, e, &role_name).unwrap_or_else(|| e.event.kind().replace('_', " "));
                        format!("{} {}", clock(e.t), what)
                    })
                    .collect(),
                evidence_total: m.evidence.len(),
                why: metric_why(&tr, s, m, &role_name),
            }
        })
        .collect();
    let verdict = tr.a(
        "eval-verdict",
        &[
            ("score", ((card.score * 10.0).round() / 10.0).into()),
            ("level", level_name(&tr, card.level).into()),
            (
                "gates",
                if card.gates_applied.is_empty() { "—".to_owned() } else { card.gates_applied.join("；") }.into(),
            ),
        ],
    );
    let (problems, suggestions) = findings(&tr, s, card, events, &role_name);
    Evaluation {
        lang,
        title: tr.a("eval-title", &[("drill", tr.text(&s.meta.title).into())]),
        overview,
        roles,
        timeline,
        metrics,
        verdict,
        problems,
        suggestions,
        charts: charts(&tr, s, events, report),
    }
}

/// Why a metric reads as it does, in the reader's language: the scorer's
/// note in English, the value against its threshold in Chinese; then the
/// plan steps behind a failure, by what they ask (at most `NAMED_STEPS`).
pub fn metric_why(
    tr: &Tr,
    s: &Scenario,
    m: &crate::scoring::MetricResult,
    role_name: &dyn Fn(&str) -> String,
) -> String {
    use crate::scoring::Wanting;
    let (mut out, sep, list_sep) = match tr.lang() {
        Lang::En => (m.note.clone(), "; ", "; "),
        Lang::ZhCn => (why_zh(tr, m), "；", "、"),
    };
    for (wanting, key) in [(Wanting::Late, "eval-steps-late"), (Wanting::NotDone, "eval-steps-not-done")] {
        let steps = m.steps_wanting(wanting);
        if steps.is_empty() {
            continue;
        }
        let mut named: Vec<String> = steps.iter().take(NAMED_STEPS).map(|st| step_what(tr, s, st, role_name)).collect();
        if steps.len() > NAMED_STEPS {
            named.push(tr.a("eval-steps-more", &[("n", ((steps.len() - NAMED_STEPS) as u64).into())]));
        }
        out += sep;
        out += &tr.a(key, &[("steps", named.join(list_sep).into())]);
    }
    out
}

/// Most plan steps `metric_why` names; the rest are counted.
const NAMED_STEPS: usize = 5;

/// Why a metric stands where it does, from its numbers (the scorecard's
/// own note is written in English).
fn why_zh(tr: &Tr, m: &crate::scoring::MetricResult) -> String {
    if !m.applicable {
        return tr.t("eval-why-na");
    }
    let value = m.value.map_or(tr.t("eval-never"), |v| fmt_value(m.metric, v));
    let key = if m.metric.higher_is_better() { "eval-why-at-least" } else { "eval-why-at-most" };
    tr.a(
        key,
        &[
            ("value", value.into()),
            ("threshold", fmt_value(m.metric, m.threshold).into()),
            ("n", (m.evidence.len() as u64).into()),
        ],
    )
}

fn level_name(tr: &Tr, l: crate::scenario::schema::Level) -> String {
    tr.t(&format!("eval-level-{l:?}"))
}

/// A metric's value as a person reads it: shares in per cent, times as a
/// clock, counts as numbers.
/// A metric's value as people read it: a share in per cent, a count of
/// people or of times as a whole number, seconds as a clock (H:MM:SS).
pub fn fmt_value(m: Metric, v: f64) -> String {
    if !v.is_finite() {
        return "∞".into();
    }
    if m.unit() == "share 0..1" {
        format!("{:.0} %", 100.0 * v)
    } else if m.unit() == "people" || m.unit() == "times" {
        format!("{v:.0}")
    } else {
        Tr::clock(v.max(0.0).round() as u64)
    }
}

/// Whether an event belongs in the timeline: the drill's start and end,
/// injects, every order and refusal, overdue steps, the hazard's big
/// moments, every harm, forces arriving.
pub fn is_key(e: &Event) -> bool {
    matches!(
        e.event,
        SimEvent::DrillStarted { .. }
            | SimEvent::DrillEnded { .. }
            | SimEvent::InjectDelivered { .. }
            | SimEvent::OrderGiven { .. }
            | SimEvent::OrderRefused { .. }
            | SimEvent::PlanStepOverdue { .. }
            | SimEvent::DikeBreached { .. }
            | SimEvent::LandslideReleased { .. }
            | SimEvent::FireIgnited { .. }
            | SimEvent::ResidentHarmed { outcome: HarmOutcome::Dead | HarmOutcome::Injured, .. }
            | SimEvent::ForceOnScene { .. }
    )
}

/// An event in words, for the kinds a reader of the report meets.
pub fn describe(tr: &Tr, s: &Scenario, e: &Event, role_name: &dyn Fn(&str) -> String) -> Option<String> {
    use crate::scenario::schema::Action;
    let force = |id: &str| s.forces.iter().find(|f| f.id == id).map_or(id.to_owned(), |f| tr.text(&f.name).to_owned());
    let kind = |a: &Action| tr.t(&format!("action-{:?}", a.kind()));
    Some(match &e.event {
        SimEvent::DrillStarted { .. } => tr.t("eval-ev-started"),
        SimEvent::DrillEnded { .. } => tr.t("eval-ev-ended"),
        SimEvent::InjectDelivered { inject, to, .. } => {
            let text = s
                .injects
                .iter()
                .find(|i| i.id == inject.as_str())
                .map_or(inject.to_string(), |i| tr.text(&i.message).to_owned());
            let to: Vec<String> = to.iter().map(|r| role_name(r.as_str())).collect();
            tr.a("eval-ev-inject", &[("to", to.join(&tr.t("list-sep")).into()), ("text", text.into())])
        }
        SimEvent::OrderGiven { role, source, action } => {
            let by = match source {
                Source::Npc => tr.t("eval-by-software"),
                Source::Trainee => tr.t("eval-by-trainee"),
                Source::Instructor => tr.t("eval-by-instructor"),
            };
            let what = match action {
                Action::Note { text } if text.is_empty() => tr.t("eval-bookmark"),
                Action::Note { text } => tr.a("eval-note", &[("text", text.as_str().into())]),
                a => kind(a),
            };
            tr.a(
                "eval-ev-order",
                &[
                    ("role", role_name(role.as_str()).into()),
                    ("by", by.into()),
                    ("what", what.into()),
                    ("detail", order_detail(tr, s, action, role_name).into()),
                ],
            )
        }
        SimEvent::OrderRefused { role, action, reason, .. } => tr.a(
            "eval-ev-refused",
            &[
                ("role", role_name(role.as_str()).into()),
                ("what", kind(action).into()),
                ("why", reason.as_str().into()),
            ],
        ),
        SimEvent::WarningReceived { level, .. } => {
            tr.a("eval-ev-warning", &[("level", tr.t(&format!("warning-{level:?}")).into())])
        }
        SimEvent::PlanStepTriggered { step, role, .. } => tr.a(
            "eval-ev-step-triggered",
            &[("role", role_name(role.as_str()).into()), ("what", step_what(tr, s, step.as_str(), role_name).into())],
        ),
        SimEvent::PlanStepDone { step, role, .. } => tr.a(
            "eval-ev-step-done",
            &[("role", role_name(role.as_str()).into()), ("what", step_what(tr, s, step.as_str(), role_name).into())],
        ),
        SimEvent::PlanStepOverdue { step, role, .. } => tr.a(
            "eval-ev-overdue",
            &[("role", role_name(role.as_str()).into()), ("what", step_what(tr, s, step.as_str(), role_name).into())],
        ),
        SimEvent::MessageAcknowledged { role, after_s, .. } => {
            tr.a("eval-ev-acked", &[("role", role_name(role.as_str()).into()), ("after", (*after_s).into())])
        }
        SimEvent::CallMade { from, to, .. } => {
            tr.a("eval-ev-call", &[("from", role_name(from.as_str()).into()), ("to", role_name(to.as_str()).into())])
        }
        SimEvent::DikeBreached { dike, .. } => {
            tr.a("eval-ev-breach", &[("dike", names::dike(s, tr, dike.as_str()).into())])
        }
        SimEvent::LandslideReleased { volume_m3, .. } => tr.a("eval-ev-slide", &[("volume", volume_m3.round().into())]),
        SimEvent::FireIgnited { .. } => tr.t("eval-ev-fire"),
        SimEvent::ResidentHarmed { outcome: HarmOutcome::Dead, household, .. } => {
            tr.a("eval-ev-dead", &[("household", names::household(s, tr, household.as_str()).into())])
        }
        SimEvent::ResidentHarmed { outcome: HarmOutcome::Injured, household, .. } => {
            tr.a("eval-ev-injured", &[("household", names::household(s, tr, household.as_str()).into())])
        }
        SimEvent::ResidentSafe { household, shelter, .. } => tr.a(
            "eval-ev-safe",
            &[
                ("household", names::household(s, tr, household.as_str()).into()),
                ("shelter", names::shelter(s, tr, shelter.as_str()).into()),
            ],
        ),
        SimEvent::ResidentRescued { household, .. } => {
            tr.a("eval-ev-rescued", &[("household", names::household(s, tr, household.as_str()).into())])
        }
        SimEvent::HouseholdExposed { household, at_home, .. } => tr.a(
            "eval-ev-exposed",
            &[("household", names::household(s, tr, household.as_str()).into()), ("n", (*at_home).into())],
        ),
        SimEvent::ForceTurnedOut { force: f, after_s } => {
            tr.a("eval-ev-turned-out", &[("force", force(f.as_str()).into()), ("after", (*after_s).into())])
        }
        SimEvent::ForceOnScene { force: f, after_s, .. } => {
            tr.a("eval-ev-on-scene", &[("force", force(f.as_str()).into()), ("after", (*after_s).into())])
        }
        _ => return None,
    })
}

/// The parameters of an order, briefly, by the names the scenario gives
/// (villages, forces, places, shelters, dikes, roads, stops, grid areas)
/// and the words of the reader's language (warning levels, tasks, report
/// kinds): a county office reading the report sees no scenario ids.
fn order_detail(tr: &Tr, s: &Scenario, a: &Action, role_name: &dyn Fn(&str) -> String) -> String {
    use crate::scenario::schema::Action::*;
    let sep = tr.t("list-sep");
    match a {
        IssueWarning { level, villages, .. } => {
            let to: Vec<String> = villages.iter().map(|v| names::village(s, tr, v)).collect();
            format!("{} → {}", tr.t(&format!("warning-{level:?}")), to.join(&sep))
        }
        OrderEvacuation { village } => names::village(s, tr, village),
        CallAndResponse { role } => role_name(role),
        Dispatch { force, to, task } => tr.a(
            "eval-detail-dispatch",
            &[
                ("force", names::force(s, tr, force).into()),
                ("place", names::place(s, tr, to).into()),
                ("task", tr.t(&format!("task-{task:?}")).into()),
            ],
        ),
        DeclareResponse { level } => format!("{level:?}"),
        OpenShelter { shelter } | CloseShelter { shelter } => names::shelter(s, tr, shelter),
        SendReport { kind } => tr.t(&format!("report-{kind:?}")),
        SendInject { id } => id.clone(),
        BreachDike { dike } => names::dike(s, tr, dike),
        CloseRoad { edge } => names::road(s, tr, edge),
        Patrol { route } => names::route(s, tr, route),
        DoorToDoor { area } => names::area(s, tr, area),
        Message { to, .. } | TakeOver { role: to } | HandBack { role: to } => role_name(to),
        // Whose message: an inject's sender, a caller, the instructor.
        Acknowledge { message } => names::message_sender(s, tr, message),
        _ => String::new(),
    }
}

/// What plan step `step` of the scenario asks, as the report says it: the
/// order's kind and its parameters by name (the step's id if the scenario
/// has no such step).
fn step_what(tr: &Tr, s: &Scenario, step: &str, role_name: &dyn Fn(&str) -> String) -> String {
    match s.plans.iter().flat_map(|p| &p.steps).find(|st| st.id == step) {
        Some(st) => {
            let kind = tr.t(&format!("action-{:?}", st.action.kind()));
            let detail = order_detail(tr, s, &st.action, role_name);
            if detail.is_empty() { kind } else { format!("{kind} {detail}") }
        }
        None => step.to_owned(),
    }
}

/// 存在问题 and 改进建议: one problem per failed metric (its value against
/// its threshold, and why), one per plan step done late or never; one
/// suggestion per kind of problem.
fn findings(
    tr: &Tr,
    s: &Scenario,
    card: &crate::scoring::Scorecard,
    events: &[Event],
    role_name: &dyn Fn(&str) -> String,
) -> (Vec<String>, Vec<String>) {
    let mut problems = Vec::new();
    let mut kinds = BTreeSet::new();
    for m in card.metrics.iter().filter(|m| m.applicable && !m.passed) {
        let value = m.value.map_or(tr.t("eval-never"), |v| fmt_value(m.metric, v));
        problems.push(tr.a(
            "eval-problem-metric",
            &[
                ("metric", tr.t(&format!("metric-{:?}", m.metric)).into()),
                ("value", value.into()),
                ("threshold", fmt_value(m.metric, m.threshold).into()),
                // The Chinese problem already says the numbers, and lists
                // each late plan step on its own below.
                ("why", if tr.lang() == Lang::En { metric_why(tr, s, m, role_name) } else { String::new() }.into()),
            ],
        ));
        kinds.insert(format!("eval-advice-{:?}", m.metric));
    }
    let mut late: BTreeMap<(String, String), ()> = BTreeMap::new();
    for e in events {
        if let SimEvent::PlanStepOverdue { step, role, .. } = &e.event
            && late.insert((role.to_string(), step.to_string()), ()).is_none()
        {
            let what = step_what(tr, s, step.as_str(), role_name);
            problems.push(tr.a(
                "eval-problem-step",
                &[("role", role_name(role.as_str()).into()), ("what", what.into()), ("at", Tr::clock(e.t).into())],
            ));
            kinds.insert("eval-advice-steps".to_owned());
        }
    }
    for g in &card.gates_applied {
        problems.push(tr.a("eval-problem-gate", &[("gate", g.as_str().into())]));
    }
    let suggestions =
        kinds.into_iter().map(|k| if tr.has(&k) { tr.t(&k) } else { tr.t("eval-advice-general") }).collect();
    (problems, suggestions)
}

/// The report's charts.
fn charts(tr: &Tr, s: &Scenario, events: &[Event], report: &Report) -> Vec<Chart> {
    let end = report.drill_seconds.max(1) as f64;
    let mut out = Vec::new();
    // Share of the residents in danger who are safe, over time.
    let mut homes = BTreeSet::new();
    let (mut danger, mut safe) = (0f64, 0f64);
    let mut pts = vec![(0.0, 0.0)];
    let mut arrival = None;
    for e in events {
        match &e.event {
            SimEvent::HouseholdAtRisk { household, residents, .. } if homes.insert(household.to_string()) => {
                danger += *residents as f64
            }
            SimEvent::ResidentSafe { household, .. } | SimEvent::ResidentRescued { household, .. }
                if homes.contains(household.as_str()) =>
            {
                safe += 1.0;
                if danger > 0.0 {
                    pts.push((e.t as f64 / 60.0, 100.0 * safe / danger));
                }
            }
            SimEvent::HazardReachedHome { .. }
            | SimEvent::HouseholdExposed { .. }
            | SimEvent::HouseDestroyed { .. }
            | SimEvent::HouseBurning { .. } => {
                arrival.get_or_insert(e.t as f64 / 60.0);
            }
            _ => {}
        }
    }
    if danger > 0.0 {
        pts.push((end / 60.0, 100.0 * safe / danger));
        let mut c =
            Chart::new(tr.t("eval-chart-safe"), tr.t("eval-axis-minutes"), "%".into(), (0.0, end / 60.0), (0.0, 100.0));
        c.lines.push(Series { label: tr.t("eval-chart-safe-line"), colour: [0, 158, 115], points: pts, step: true });
        if let Some(a) = arrival {
            c.vlines.push((a, tr.t("eval-chart-arrival")));
        }
        out.push(c);
    }
    // The river level against the levels the plans act on.
    if let Some(k) = s.gauges.iter().position(|g| matches!(g.kind, GaugeKind::WaterLevel { .. }))
        && let Some(series) = report.gauges.get(k)
        && !series.samples.is_empty()
    {
        let g = &s.gauges[k];
        let mut levels: Vec<f64> = s
            .plans
            .iter()
            .flat_map(|p| p.steps.iter().map(|st| &st.trigger))
            .chain(s.injects.iter().map(|i| &i.when))
            .filter_map(|t| match t {
                Trigger::GaugeAbove { gauge, value } if *gauge == g.id => Some(*value),
                _ => None,
            })
            .collect();
        levels.sort_by(f64::total_cmp);
        levels.dedup();
        let values = series.samples.iter().map(|x| x.1).chain(levels.iter().copied());
        let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
        let pad = ((hi - lo) * 0.1).max(0.1);
        let name = g.name.as_ref().map_or(g.id.clone(), |n| tr.text(n).to_owned());
        let mut c = Chart::new(
            name,
            tr.t("eval-axis-minutes"),
            tr.t("eval-axis-metres"),
            (0.0, end / 60.0),
            (lo - pad, hi + pad),
        );
        c.lines.push(Series {
            label: tr.t("eval-chart-level"),
            colour: [86, 180, 233],
            points: series.samples.iter().map(|x| (x.0 as f64 / 60.0, x.1)).collect(),
            step: false,
        });
        for l in levels {
            c.hlines.push((l, tr.a("eval-chart-threshold", &[("level", l.into())])));
        }
        out.push(c);
    }
    // Households warned, by channel.
    let mut by_channel: BTreeMap<String, f64> = BTreeMap::new();
    for e in events {
        if let SimEvent::HouseholdWarned { channel, .. } = &e.event {
            *by_channel.entry(format!("{channel:?}")).or_default() += 1.0;
        }
    }
    if !by_channel.is_empty() {
        let top = by_channel.values().copied().fold(1.0, f64::max);
        let mut c = Chart::new(
            tr.t("eval-chart-channels"),
            String::new(),
            tr.t("eval-axis-households"),
            (0.0, 1.0),
            (0.0, top * 1.1),
        );
        c.bars = by_channel.into_iter().map(|(k, v)| (tr.t(&format!("channel-{k}")), v)).collect();
        out.push(c);
    }
    // The forces' "135": seconds from dispatch to turn-out and to the scene.
    let mut bars = Vec::new();
    for e in events {
        match &e.event {
            SimEvent::ForceTurnedOut { force, after_s } => bars.push((
                tr.a("eval-chart-turned-out", &[("force", force_label(tr, s, force.as_str()).into())]),
                *after_s as f64 / 60.0,
            )),
            SimEvent::ForceOnScene { force, after_s, .. } => bars.push((
                tr.a("eval-chart-on-scene", &[("force", force_label(tr, s, force.as_str()).into())]),
                *after_s as f64 / 60.0,
            )),
            _ => {}
        }
    }
    if !bars.is_empty() {
        let top = bars.iter().map(|b| b.1).fold(5.0, f64::max);
        let mut c =
            Chart::new(tr.t("eval-chart-135"), String::new(), tr.t("eval-axis-minutes"), (0.0, 1.0), (0.0, top * 1.1));
        c.hlines = vec![(1.0, "1".into()), (3.0, "3".into()), (5.0, "5".into())];
        c.bars = bars.into_iter().take(12).collect();
        out.push(c);
    }
    out
}

fn force_label(tr: &Tr, s: &Scenario, id: &str) -> String {
    s.forces.iter().find(|f| f.id == id).map_or(id.to_owned(), |f| tr.text(&f.name).to_owned())
}
