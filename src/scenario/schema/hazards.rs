//! Hazard slots. Each hazard model fills in the details of its own slot.

use super::Point;
use serde::{Deserialize, Serialize};

/// One optional slot per hazard kind.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hazards {
    #[serde(default)]
    pub flood: Option<FloodSpec>,
    #[serde(default)]
    pub landslide: Option<LandslideSpec>,
    #[serde(default)]
    pub fire: Option<FireSpec>,
}

/// A piecewise-linear time series: `(drill seconds, value)` points.
pub type Series = Vec<(u32, f64)>;

/// Flood script: rain, inflows, boundaries and dikes.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FloodSpec {
    /// Rainfall hyetographs (mm/h), over the whole map or a zone.
    #[serde(default)]
    pub rain: Vec<Rain>,
    /// Inflow hydrographs (m³/s), e.g. the river entering the map.
    #[serde(default)]
    pub inflows: Vec<Inflow>,
    #[serde(default)]
    pub boundaries: Boundaries,
    #[serde(default)]
    pub dikes: Vec<Dike>,
    /// Depth at which a road is impassable to vehicles (m).
    #[serde(default = "vehicle_limit")]
    pub vehicle_limit_m: f64,
    /// Depth at which walking is impossible (m).
    #[serde(default = "foot_limit")]
    pub foot_limit_m: f64,
}

fn vehicle_limit() -> f64 {
    0.3
}
fn foot_limit() -> f64 {
    0.5
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rain {
    /// Polygon the rain falls on; the whole map when absent.
    #[serde(default)]
    pub zone: Option<Vec<Point>>,
    /// `(s, mm/h)` points.
    pub hyetograph: Series,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inflow {
    pub id: String,
    /// Segment across which water enters (spread over the cells it crosses).
    pub from: Point,
    pub to: Point,
    /// `(s, m³/s)` points.
    pub hydrograph: Series,
}

/// Boundary condition of each map edge.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Boundaries {
    #[serde(default)]
    pub west: Boundary,
    #[serde(default)]
    pub east: Boundary,
    #[serde(default)]
    pub south: Boundary,
    #[serde(default)]
    pub north: Boundary,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub enum Boundary {
    #[default]
    Closed,
    FreeOutflow,
    /// Water-surface elevation held fixed (m).
    FixedLevel(f64),
}

/// A dike (堤防) along a polyline with a crest elevation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dike {
    pub id: String,
    pub points: Vec<Point>,
    /// Crest elevation (m above datum).
    pub crest_m: f64,
    #[serde(default)]
    pub breach: Option<Breach>,
}

/// A breach at a known weak point of a dike.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Breach {
    pub at: Point,
    pub start: BreachStart,
    /// Elevation the breach erodes down to (m).
    pub bottom_m: f64,
    pub initial_width_m: f64,
    pub max_width_m: f64,
    /// Widening rate (m per minute).
    pub widen_m_per_min: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum BreachStart {
    /// At a scripted drill time (s).
    At(u32),
    /// When water stands this far above the crest at the breach point (m).
    Overtopping(f64),
}

/// Landslide script (the landslide model extends this slot).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LandslideSpec {
    /// Source area of the slide.
    pub zone: Vec<Point>,
    pub volume_m3: f64,
    /// Scripted release time (s).
    pub release_s: u32,
}

/// Fire script (the fire model extends this slot).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FireSpec {
    pub ignition: Point,
    pub ignition_s: u32,
    /// `(s, wind speed m/s)` points.
    pub wind_speed: Series,
    /// Direction the wind blows from, degrees clockwise from north.
    #[serde(default)]
    pub wind_from_deg: f64,
}
