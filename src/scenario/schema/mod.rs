//! Scenario schema v1: the serde types a scenario author writes in RON.
//!
//! This module owns only the *shape* of a scenario. Loading (with source
//! spans) lives in `scenario::load`, meaning checks in `scenario::validate`.
//! Coordinates are metres in map space: `x` east and `y` north from the
//! south-west corner of the map. Times are drill seconds from the start.
//! Every struct denies unknown fields so a typo is reported, not ignored.

mod common;
mod hazards;
mod map;
mod observe;
mod people;
mod plans;
mod residents;

pub use common::*;
pub use hazards::*;
pub use map::*;
pub use observe::*;
pub use people::*;
pub use plans::*;
pub use residents::*;

use serde::{Deserialize, Serialize};

/// The only schema version this build reads.
pub const SCHEMA_VERSION: u32 = 1;

/// A whole drill: township, people, plans, hazard script, observation and rubric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub version: u32,
    pub meta: Meta,
    pub map: MapSpec,
    pub villages: Vec<Village>,
    #[serde(default)]
    pub forces: Vec<Force>,
    pub roles: Vec<Role>,
    #[serde(default)]
    pub plans: Vec<Plan>,
    #[serde(default)]
    pub hazards: Hazards,
    /// How residents hear warnings, decide and leave (defaults documented).
    #[serde(default)]
    pub residents: ResidentsSpec,
    #[serde(default)]
    pub injects: Vec<Inject>,
    #[serde(default)]
    pub gauges: Vec<Gauge>,
    pub rubric: Rubric,
}

/// Identity and clock of a drill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// Stable identifier, used in reports and certificates.
    pub id: String,
    pub title: Text,
    #[serde(default)]
    pub description: Option<Text>,
    /// Hazard kinds this drill exercises; each needs its slot in `hazards`.
    pub hazards: Vec<HazardKind>,
    /// Drill length in seconds of drill time.
    pub duration_s: u32,
    /// Default seed when the command line gives none.
    pub seed: u64,
    /// Seconds of drill time per simulation tick.
    #[serde(default = "one")]
    pub tick_s: u32,
    /// Wall-clock time of day at tick 0 ("HH:MM"), for display only.
    #[serde(default)]
    pub start_clock: Option<String>,
    /// Drill seconds per second of wall time when the drill is played in
    /// assessment mode (no pause, no speed control); 1 (real time) when
    /// absent. A classroom drill of hours is usually compressed, e.g. 30.
    #[serde(default)]
    pub pace: Option<u32>,
    /// The hours of darkness and what they cost the responders (needs
    /// `start_clock`); daylight throughout when absent.
    #[serde(default)]
    pub night: Option<Night>,
    /// What kind of drill this is for the yearly drill requirement
    /// (`firstline records compliance`): a comprehensive drill (综合演练,
    /// the whole chain from the township down) or a special one (专项演练);
    /// the office may say otherwise when it records a session. Special
    /// when absent.
    #[serde(default)]
    pub drill_kind: Option<DrillKind>,
}

/// A comprehensive (综合演练) or special (专项演练) drill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DrillKind {
    Comprehensive,
    Special,
}

impl DrillKind {
    /// As stored: `comprehensive`, `special`.
    pub fn as_str(self) -> &'static str {
        match self {
            DrillKind::Comprehensive => "comprehensive",
            DrillKind::Special => "special",
        }
    }

    /// As printed: 综合演练, 专项演练.
    pub fn zh(self) -> &'static str {
        match self {
            DrillKind::Comprehensive => "综合演练",
            DrillKind::Special => "专项演练",
        }
    }

    /// A kind as offices write it (综合, 专项) or in English.
    pub fn parse(s: &str) -> Result<DrillKind, String> {
        match s.trim() {
            "综合" | "综合演练" | "综合性演练" => Ok(DrillKind::Comprehensive),
            "专项" | "专项演练" | "单项演练" => Ok(DrillKind::Special),
            other => match other.to_lowercase().as_str() {
                "comprehensive" => Ok(DrillKind::Comprehensive),
                "special" => Ok(DrillKind::Special),
                _ => Err(format!("drill kind `{other}` is not one of comprehensive, special (综合, 专项)")),
            },
        }
    }
}

/// Darkness: from `from` to `to` (clock times, "HH:MM", wrapping past
/// midnight) forces drive at `travel_factor` of their speed and rescue
/// work goes at `work_factor` of its daytime rate. The factors are the
/// scenario author's, not published figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Night {
    pub from: String,
    pub to: String,
    #[serde(default = "night_travel")]
    pub travel_factor: f64,
    #[serde(default = "night_work")]
    pub work_factor: f64,
}

fn night_travel() -> f64 {
    0.6
}
fn night_work() -> f64 {
    0.7
}

/// Minutes after midnight of a clock time "HH:MM".
pub fn clock_minutes(hhmm: &str) -> Option<u32> {
    let (h, m) = hhmm.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60 && hhmm.trim().len() == 5).then_some(h * 60 + m)
}

impl Meta {
    /// The darkness in force at drill second `t_s`, if it is dark then.
    pub fn night_at(&self, t_s: u64) -> Option<&Night> {
        let n = self.night.as_ref()?;
        let start = clock_minutes(self.start_clock.as_deref()?)? as u64;
        let (from, to) = (clock_minutes(&n.from)? as u64, clock_minutes(&n.to)? as u64);
        let now = (start + t_s / 60) % 1440;
        let dark = if from <= to { now >= from && now < to } else { now >= from || now < to };
        dark.then_some(n)
    }
}

fn one() -> u32 {
    1
}
