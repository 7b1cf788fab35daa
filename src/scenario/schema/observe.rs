//! Observation and judgement schema: gauges and the scoring rubric.

use super::common::{Point, Text};
use serde::{Deserialize, Serialize};

/// A named observation point or line whose time series goes into the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gauge {
    pub id: String,
    #[serde(default)]
    pub name: Option<Text>,
    pub kind: GaugeKind,
    /// Sampling interval in drill seconds (a multiple of the tick).
    #[serde(default = "sixty")]
    pub every_s: u32,
}

fn sixty() -> u32 {
    60
}

/// What a gauge measures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum GaugeKind {
    /// Water depth (m) in the cell containing the point.
    WaterDepth { at: Point },
    /// Water-surface elevation (m) in the cell containing the point.
    WaterLevel { at: Point },
    /// Debris depth (m) in the cell containing the point.
    DebrisDepth { at: Point },
    /// 1 once fire has reached the cell containing the point, else 0.
    FireArrival { at: Point },
    /// Cumulative number of people who crossed the segment.
    PeopleCrossing { from: Point, to: Point },
}

impl GaugeKind {
    /// The point a point gauge reads (`None` for a crossing line).
    pub fn at(&self) -> Option<Point> {
        match self {
            GaugeKind::WaterDepth { at }
            | GaugeKind::WaterLevel { at }
            | GaugeKind::DebrisDepth { at }
            | GaugeKind::FireArrival { at } => Some(*at),
            GaugeKind::PeopleCrossing { .. } => None,
        }
    }

    /// Where the gauge stands on a map: its point, or the middle of a
    /// crossing line.
    pub fn marker_at(&self) -> Point {
        match self {
            GaugeKind::PeopleCrossing { from, to } => ((from.0 + to.0) / 2.0, (from.1 + to.1) / 2.0),
            other => other.at().unwrap_or((0.0, 0.0)),
        }
    }

    /// Unit of the gauge's readings, for reports.
    pub fn unit(&self) -> &'static str {
        match self {
            GaugeKind::WaterDepth { .. } | GaugeKind::DebrisDepth { .. } => "m",
            GaugeKind::WaterLevel { .. } => "m a.s.l.",
            GaugeKind::FireArrival { .. } => "reached (0/1)",
            GaugeKind::PeopleCrossing { .. } => "people",
        }
    }
}

/// How a drill is scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    pub metrics: Vec<RubricMetric>,
    /// Weight of each role in the overall score (the mean of the role
    /// scores); a role not listed weighs 1, a role of weight 0 is not part
    /// of the overall score (its own score is still reported).
    #[serde(default)]
    pub roles: Vec<RoleWeight>,
    pub levels: Levels,
    /// Hard gates that cap the level whatever the score.
    #[serde(default)]
    pub gates: Vec<Gate>,
}

/// One scored metric with its threshold and weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RubricMetric {
    pub id: String,
    pub metric: Metric,
    /// Role the metric is charged to; the whole team when absent.
    #[serde(default)]
    pub role: Option<String>,
    /// Pass threshold in the metric's unit (see `Metric::unit`).
    pub threshold: f64,
    pub weight: f64,
    /// Evacuation times (`TimeTo50/90/100`) only: what the clock counts
    /// from. `PlanDue` when absent and the plans order an evacuation, else
    /// `HazardArrival`.
    #[serde(default)]
    pub from: Option<EvacuationClock>,
}

/// A role's weight in the overall score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleWeight {
    pub role: String,
    pub weight: f64,
}

/// What an evacuation time counts from; neither moves with what the
/// trainees do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EvacuationClock {
    /// The moment the plans say evacuation is due: the earliest due time
    /// of an evacuation order step (its trigger's root, e.g. the red
    /// warning reaching the township).
    PlanDue,
    /// The hazard's first arrival at an at-risk home.
    HazardArrival,
}

/// Metric families (DOMAIN.md practices).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Metric {
    /// Seconds from a warning trigger to the warning issued.
    WarningDelay,
    /// Seconds from a call to its acknowledgement (叫应).
    CallResponseTime,
    /// Seconds to take an alarm ("135": 60 s).
    AlarmTaken,
    /// Seconds from dispatch to turn-out ("135": 180 s).
    TurnOut,
    /// Seconds from alarm to work started on scene ("135": 300 s; rural 900 s).
    OnScene,
    /// Seconds from the event to the first report upward.
    FirstReport,
    /// Share of at-risk residents out before the hazard reached their home.
    EvacuatedBeforeArrival,
    /// Seconds until half of the at-risk residents are safe, counted from
    /// the metric's `from` clock (the plans' evacuation due time, or the
    /// hazard's first arrival at an at-risk home).
    TimeTo50,
    /// Seconds until 90% of at-risk residents are safe (clock as `TimeTo50`).
    TimeTo90,
    /// Seconds until all at-risk residents are safe (clock as `TimeTo50`).
    TimeTo100,
    /// Residents dead or injured.
    Casualties,
    /// Residents still at home when the hazard reached it (water above the
    /// walking limit, debris over the house, the house alight): the
    /// evacuation outcome the trainees control, less noisy than deaths.
    Exposed,
    /// Share of vulnerable at-risk residents evacuated.
    VulnerableEvacuated,
    /// People turned away from full shelters.
    ShelterOverflow,
    /// Share of plan steps done by the right role before their deadline.
    PlanAdherence,
    /// Share of the residents trapped (by water or debris) that a rescue
    /// brought out alive — by the role's own force, when the metric names
    /// a team leader.
    Rescued,
    /// Mean seconds from a resident being trapped to their rescue; one
    /// never rescued counts until the drill's end.
    TimeToRescue,
    /// Times a crew came into danger at work (`crew_endangered`).
    CrewSafety,
    /// Times a force on the road was turned back or cut off by a closed
    /// road (a route into water, debris or fire).
    RouteFailures,
}

impl Metric {
    /// Whether larger values are better.
    pub fn higher_is_better(self) -> bool {
        matches!(
            self,
            Metric::EvacuatedBeforeArrival | Metric::VulnerableEvacuated | Metric::PlanAdherence | Metric::Rescued
        )
    }

    /// Unit of the metric's values and thresholds.
    pub fn unit(self) -> &'static str {
        match self {
            Metric::EvacuatedBeforeArrival | Metric::VulnerableEvacuated | Metric::PlanAdherence | Metric::Rescued => {
                "share 0..1"
            }
            Metric::Casualties | Metric::Exposed | Metric::ShelterOverflow => "people",
            Metric::CrewSafety | Metric::RouteFailures => "times",
            _ => "s",
        }
    }
}

/// Score thresholds (0–100) of the certification levels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Levels {
    /// 优秀
    pub excellent: f64,
    /// 良好
    pub good: f64,
    /// 合格
    pub pass: f64,
}

/// Certification levels: 不合格 / 合格 / 良好 / 优秀.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Level {
    Fail,
    Pass,
    Good,
    Excellent,
}

impl Level {
    pub fn zh(self) -> &'static str {
        match self {
            Level::Fail => "不合格",
            Level::Pass => "合格",
            Level::Good => "良好",
            Level::Excellent => "优秀",
        }
    }
}

/// A hard gate: when its condition holds, the level is at most `cap`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Gate {
    /// Any death that a timely evacuation would have prevented.
    PreventableDeath { cap: Level },
    /// A named rubric metric failed its threshold.
    MetricFailed { metric: String, cap: Level },
}
