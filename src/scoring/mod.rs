//! Scoring: a pure function of scenario + event log → scorecard. Each metric
//! carries its value, threshold, pass/fail, the credit it earned and the
//! indices of the events that justify it, so a trainee can see exactly why.
//!
//! Applicability (documented for certificates) comes from the scenario,
//! never from the run: a metric applies when the rubric asks for it and the
//! plans (or the scenario's injects, residents and danger zones) expect the
//! thing it measures (`expect`: a plan step is expected when its trigger's
//! root happened — a clock time, an inject, a warning received, a gauge the
//! hazard raised, a precursor it made visible). An expected action never
//! taken fails with credit 0 and the evidence "not done by the end of the
//! drill"; only a metric with nothing to measure in the scenario (no such
//! step in the plans, no residents) is not applicable.
//!
//! Credit rule: a passed metric earns its full weight. A failed one earns a
//! share of it: `threshold / value` for lower-is-better metrics,
//! `value / threshold` for higher-is-better ones (clamped to 0..1; a count
//! above a zero threshold earns `1 / (1 + value)`, so one death costs half
//! the metric and ten cost 91 %).
//!
//! Every role is scored: a role's score is `100 × Σ weight·credit / Σ weight`
//! over its own plan adherence (its expected steps done on time, judged
//! like the rubric's `PlanAdherence`), the rubric metrics charged to it, and
//! the team metrics its plan's orders drive (warnings, evacuation orders,
//! door-to-door and dispatches drive the evacuation outcome; dispatches
//! the turn-out; …). A seat nobody filled does none of its steps and scores
//! 0. The overall score is the mean of the role scores weighted by the
//! rubric's role weights (1 when not listed); a role the drill expects
//! nothing of has no score and no weight. The level follows the rubric's
//! thresholds, then its gates cap it; a drill whose hazard this build does
//! not model is not certified (level 不合格, with the reason).
//!
//! Chance enters an outcome through the seeded draws of the residents
//! (who hears which warning, who refuses, how fast they walk), the plan
//! followers' delays and the harm functions' per-person draws. The rubric
//! keeps it from deciding a level by weighting the controllable outcome
//! (exposure, evacuation shares and times, steps on time) above the count
//! of casualties, and the shipped drills are checked over 20 seeds
//! (`tests/seeds.rs`, `docs/scores.md`).

mod expect;
mod metrics;

use crate::scenario::schema::{ActionKind, Gate, Level, Metric, RubricMetric, Scenario};
use crate::sim::events::{Event, HarmOutcome, SimEvent};
use serde::{Deserialize, Serialize};

pub use expect::{Expected, expected};
pub use metrics::{Measured, StepMark, Wanting, measure};

/// One metric's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricResult {
    pub id: String,
    pub metric: Metric,
    pub role: Option<String>,
    pub unit: String,
    /// `None` when not applicable; infinite values are written as null.
    pub value: Option<f64>,
    pub threshold: f64,
    pub applicable: bool,
    pub passed: bool,
    pub weight: f64,
    pub credit: f64,
    /// Indices into the event log's events (line = index + 2).
    pub evidence: Vec<usize>,
    /// In plain English, without the scenario's ids.
    pub note: String,
    /// The plan steps behind a failure (late, or not done by the end),
    /// for a reader to name; absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<StepMark>,
}

impl MetricResult {
    /// The ids of the plan steps behind a failure found `wanting`, in order.
    pub fn steps_wanting(&self, wanting: Wanting) -> Vec<&str> {
        self.steps.iter().filter(|x| x.wanting == wanting).map(|x| x.step.as_str()).collect()
    }
}

/// One role's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleScore {
    pub role: String,
    /// `None` when the drill expects nothing of the role.
    pub score: Option<f64>,
    /// Its weight in the overall score (0 when it has no score).
    pub weight: f64,
    /// Its expected plan steps, and how many it did on time.
    pub steps_expected: usize,
    pub steps_on_time: usize,
    /// The rubric metrics in its score (its own, and the team metrics its
    /// orders drive).
    pub metrics: Vec<String>,
    pub note: String,
}

/// The whole judgement of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    pub metrics: Vec<MetricResult>,
    /// Every role of the drill, in scenario order.
    pub roles: Vec<RoleScore>,
    /// The overall score: role scores weighted by the rubric's role weights.
    pub score: f64,
    /// The rubric's metrics weighted together, roles aside (for comparison).
    pub team_score: f64,
    /// Level from the score alone.
    pub level_by_score: Level,
    /// Level after the gates.
    pub level: Level,
    pub level_zh: String,
    /// Gates that capped the level, with why.
    pub gates_applied: Vec<String>,
}

fn credit(metric: Metric, value: f64, threshold: f64) -> (bool, f64) {
    if metric.higher_is_better() {
        let passed = value >= threshold;
        let c = if threshold <= 0.0 { 1.0 } else { value / threshold };
        (passed, if passed { 1.0 } else { c.clamp(0.0, 1.0) })
    } else {
        let passed = value <= threshold;
        let c = if value <= 0.0 {
            1.0
        } else if threshold <= 0.0 {
            1.0 / (1.0 + value)
        } else {
            threshold / value
        };
        (passed, if passed { 1.0 } else { c.clamp(0.0, 1.0) })
    }
}

fn weighted(results: &[&MetricResult]) -> Option<f64> {
    let total: f64 = results.iter().filter(|m| m.applicable).map(|m| m.weight).sum();
    (total > 0.0).then(|| {
        let got: f64 = results.iter().filter(|m| m.applicable).map(|m| m.weight * m.credit).sum();
        round2(100.0 * got / total)
    })
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn level_for(score: f64, s: &Scenario) -> Level {
    let l = &s.rubric.levels;
    if score >= l.excellent {
        Level::Excellent
    } else if score >= l.good {
        Level::Good
    } else if score >= l.pass {
        Level::Pass
    } else {
        Level::Fail
    }
}

/// The order kinds whose steps drive a team metric: a role with such a
/// step expected shares the metric's result.
fn drivers(metric: Metric) -> &'static [ActionKind] {
    use ActionKind as K;
    match metric {
        Metric::WarningDelay => &[K::IssueWarning],
        Metric::FirstReport => &[K::SendReport],
        Metric::CallResponseTime => &[K::CallAndResponse],
        Metric::TurnOut | Metric::OnScene => &[K::Dispatch],
        Metric::EvacuatedBeforeArrival
        | Metric::VulnerableEvacuated
        | Metric::TimeTo50
        | Metric::TimeTo90
        | Metric::TimeTo100
        | Metric::Casualties
        | Metric::Exposed => &[K::IssueWarning, K::OrderEvacuation, K::DoorToDoor, K::Dispatch],
        Metric::ShelterOverflow => &[K::OpenShelter, K::CloseShelter],
        Metric::Rescued | Metric::TimeToRescue | Metric::CrewSafety | Metric::RouteFailures => &[K::Dispatch],
        Metric::AlarmTaken | Metric::PlanAdherence => &[],
    }
}

fn judge(m: &RubricMetric, s: &Scenario, events: &[Event], exp: &[Expected]) -> MetricResult {
    let Measured { value, evidence, note, steps } = measure(m, s, events, exp);
    let (passed, credit) = match value {
        Some(v) => credit(m.metric, v, m.threshold),
        None => (true, 0.0),
    };
    MetricResult {
        id: m.id.clone(),
        metric: m.metric,
        role: m.role.clone(),
        unit: m.metric.unit().to_owned(),
        value: value.map(|v| if v.is_finite() { round2(v) } else { v }),
        threshold: m.threshold,
        applicable: value.is_some(),
        passed,
        weight: m.weight,
        credit: round2(credit),
        evidence,
        note,
        steps,
    }
}

/// One role's score from its own steps, its metrics and the team metrics
/// its orders drive.
fn role_score(s: &Scenario, role: &str, metrics: &[MetricResult], exp: &[Expected], events: &[Event]) -> RoleScore {
    let steps: Vec<&Expected> = exp.iter().filter(|e| e.role == role).collect();
    let on_time = steps.iter().filter(|e| e.done.is_some_and(|d| d.2)).count();
    let kinds: Vec<ActionKind> = steps.iter().map(|e| e.step.action.kind()).collect();
    let alarmed = s.injects.iter().any(|i| i.ack_within_s.is_some() && i.to.iter().any(|t| t == role));
    let own_adherence =
        s.rubric.metrics.iter().any(|m| m.metric == Metric::PlanAdherence && m.role.as_deref() == Some(role));
    let mut parts: Vec<(f64, f64)> = Vec::new();
    let mut ids = Vec::new();
    for (m, r) in s.rubric.metrics.iter().zip(metrics) {
        let counts = match m.role.as_deref() {
            Some(x) => x == role,
            None if m.metric == Metric::PlanAdherence => false,
            None if m.metric == Metric::AlarmTaken => alarmed,
            None => drivers(m.metric).iter().any(|k| kinds.contains(k)),
        };
        if counts && r.applicable {
            parts.push((r.weight, r.credit));
            ids.push(r.id.clone());
        }
    }
    // The role's own steps, judged like the team's plan adherence.
    if !steps.is_empty() && !own_adherence {
        let team = s.rubric.metrics.iter().find(|m| m.metric == Metric::PlanAdherence && m.role.is_none());
        let (threshold, weight) = team.map_or((0.9, 1.0), |m| (m.threshold, m.weight));
        let (_, c) = credit(Metric::PlanAdherence, on_time as f64 / steps.len() as f64, threshold);
        parts.push((weight, c));
        if let Some(m) = team {
            ids.push(m.id.clone());
        }
    }
    let total: f64 = parts.iter().map(|p| p.0).sum();
    let score = (total > 0.0).then(|| round2(100.0 * parts.iter().map(|p| p.0 * p.1).sum::<f64>() / total));
    let weight = match score {
        None => 0.0,
        Some(_) => s.rubric.roles.iter().find(|w| w.role == role).map_or(1.0, |w| w.weight),
    };
    let acted = events.iter().any(|e| matches!(&e.event, SimEvent::OrderGiven { role: r, .. } if r == role));
    let note = match (score, steps.len()) {
        (None, _) => "this drill expects nothing of this role".to_owned(),
        (Some(_), 0) => "no plan step; scored on its metrics".to_owned(),
        (Some(_), n) if on_time == 0 && !acted => {
            format!("none of its {n} expected steps done: the seat gave no order")
        }
        (Some(_), n) => format!("{on_time} of its {n} expected steps done on time"),
    };
    RoleScore {
        role: role.to_owned(),
        score,
        weight,
        steps_expected: steps.len(),
        steps_on_time: on_time,
        metrics: ids,
        note,
    }
}

/// Scores a run.
pub fn score(s: &Scenario, events: &[Event]) -> Scorecard {
    let exp = expected(s, events);
    let metrics: Vec<MetricResult> = s.rubric.metrics.iter().map(|m| judge(m, s, events, &exp)).collect();
    let all: Vec<&MetricResult> = metrics.iter().collect();
    let team_score = weighted(&all).unwrap_or(0.0);
    let roles: Vec<RoleScore> = s.roles.iter().map(|r| role_score(s, &r.id, &metrics, &exp, events)).collect();
    let total: f64 = roles.iter().map(|r| r.weight).sum();
    let score = if total > 0.0 {
        round2(roles.iter().filter_map(|r| r.score.map(|sc| sc * r.weight)).sum::<f64>() / total)
    } else {
        team_score
    };
    let level_by_score = level_for(score, s);
    let mut level = level_by_score;
    let mut gates_applied = Vec::new();
    for g in &s.rubric.gates {
        match g {
            Gate::PreventableDeath { cap } => {
                let deaths = events
                    .iter()
                    .filter(|e| matches!(e.event, SimEvent::ResidentHarmed { outcome: HarmOutcome::Dead, .. }))
                    .count();
                if deaths > 0 && level > *cap {
                    level = *cap;
                    gates_applied.push(format!("{deaths} preventable death(s): level capped at {}", cap.zh()));
                }
            }
            Gate::MetricFailed { metric, cap } => {
                if metrics.iter().any(|m| &m.id == metric && m.applicable && !m.passed) && level > *cap {
                    level = *cap;
                    gates_applied.push(format!("metric `{metric}` failed: level capped at {}", cap.zh()));
                }
            }
        }
    }
    Scorecard {
        metrics,
        roles,
        score,
        team_score,
        level_by_score,
        level,
        level_zh: level.zh().to_owned(),
        gates_applied,
    }
}
