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
}

fn one() -> u32 {
    1
}
