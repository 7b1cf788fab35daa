//! Scoring: a pure function of scenario + event log → scorecard. Each metric
//! carries its value, threshold, pass/fail, the credit it earned and the
//! indices of the events that justify it, so a trainee can see exactly why.
//!
//! Credit rule (documented for certificates): a passed metric earns its full
//! weight. A failed one earns a share of it: `threshold / value` for
//! lower-is-better metrics, `value / threshold` for higher-is-better ones
//! (clamped to 0..1; a count above a zero threshold earns nothing). Scores
//! are `100 × Σ weight·credit / Σ weight` over the applicable metrics; a
//! metric with nothing to measure (no such order in the plans, no such model
//! in the drill) is marked not applicable and left out. The level follows
//! the rubric's thresholds, then its gates cap it; a drill whose hazard this
//! build does not model is not certified (level 不合格, with the reason).

mod metrics;

use crate::scenario::schema::{Gate, Level, Metric, Scenario};
use crate::sim::events::{Event, HarmOutcome, SimEvent};
use serde::{Deserialize, Serialize};

pub use metrics::{Measured, measure};

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
    pub note: String,
}

/// A role's share of the score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleScore {
    pub role: String,
    pub score: f64,
    pub metrics: Vec<String>,
}

/// The whole judgement of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    pub metrics: Vec<MetricResult>,
    pub roles: Vec<RoleScore>,
    pub score: f64,
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
        let c = if value <= 0.0 { 1.0 } else { threshold / value };
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

/// Scores a run.
pub fn score(s: &Scenario, events: &[Event]) -> Scorecard {
    let metrics: Vec<MetricResult> = s
        .rubric
        .metrics
        .iter()
        .map(|m| {
            let Measured { value, evidence, note } = measure(m.metric, m.role.as_deref(), s, events);
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
            }
        })
        .collect();
    let all: Vec<&MetricResult> = metrics.iter().collect();
    let score = weighted(&all).unwrap_or(0.0);
    let roles = s
        .roles
        .iter()
        .filter_map(|r| {
            let mine: Vec<&MetricResult> = metrics.iter().filter(|m| m.role.as_deref() == Some(&r.id)).collect();
            weighted(&mine).map(|sc| RoleScore {
                role: r.id.clone(),
                score: sc,
                metrics: mine.iter().map(|m| m.id.clone()).collect(),
            })
        })
        .collect();
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
    Scorecard { metrics, roles, score, level_by_score, level, level_zh: level.zh().to_owned(), gates_applied }
}
