//! Hazard slots. Each hazard model fills in the details of its own slot.

use super::common::{Point, Text};
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

/// Value of a series at `t` seconds: linear between points, held constant
/// beyond its ends, 0 when empty.
pub fn series_at(series: &[(u32, f64)], t: f64) -> f64 {
    match series.iter().position(|(ts, _)| *ts as f64 > t) {
        None => series.last().map_or(0.0, |p| p.1),
        Some(0) => series[0].1,
        Some(k) => {
            let ((t0, v0), (t1, v1)) = (series[k - 1], series[k]);
            v0 + (v1 - v0) * (t - t0 as f64) / (t1 as f64 - t0 as f64)
        }
    }
}

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
    /// The scheme that moves the water.
    #[serde(default)]
    pub solver: FloodSolver,
    /// θ-weighting of the local-inertial scheme's face discharge (0.6–1;
    /// default 0.8, which damps sloshing; 1 is Bates et al.'s undamped
    /// scheme). Not used by `Godunov`.
    #[serde(default)]
    pub theta: Option<f64>,
    /// Courant number of the time step: dt = courant·cell / fastest wave.
    /// `Inertial`: default 0.5 (at most 0.6), or 0.7 with θ = 1 (at most
    /// 0.7); `Godunov`: default 0.45, at most 0.5.
    #[serde(default)]
    pub courant: Option<f64>,
    /// Local time steps (`Inertial` only): cells far from the fastest
    /// water (a river channel, an inflow) step once in four of the
    /// fastest's steps. For large grids where a few cells set the step;
    /// off by default.
    #[serde(default)]
    pub local_steps: bool,
}

/// The flood's numerical scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum FloodSolver {
    /// Local-inertial (LISFLOOD-FP's scheme): rain, ponding and slow
    /// river floods, fastest.
    #[default]
    Inertial,
    /// Shock-capturing finite volumes (HLLC): dam breaks, breaches and
    /// bores arrive at the right time; about four times the cost.
    Godunov,
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
    /// The name trainees see (the dike as the township calls it); its id
    /// when absent.
    #[serde(default)]
    pub name: Option<Text>,
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

/// Landslide script (滑坡): where, how much, when it lets go, what warns of
/// it, and how the debris behaves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LandslideSpec {
    /// Source area of the slide.
    pub zone: Vec<Point>,
    pub volume_m3: f64,
    /// When the slope lets go.
    pub release: Release,
    /// Apparent (Coulomb) friction coefficient of the debris: its runout
    /// reaches about H/L = friction (energy line). 0.2–0.3 for saturated
    /// debris slides, 0.4–0.6 for dry rock (Hungr; Corominas 1996).
    #[serde(default = "debris_friction")]
    pub friction: f64,
    /// Rigid bodies the volume is split into.
    #[serde(default = "debris_bodies")]
    pub bodies: u32,
    /// Houses under more debris than this are destroyed (m).
    #[serde(default = "destroy_depth")]
    pub destroy_depth_m: f64,
    /// Roads under more debris than this are blocked (m).
    #[serde(default = "block_depth")]
    pub block_depth_m: f64,
    /// Signs before the slide that a patrol near the zone can see.
    #[serde(default)]
    pub precursors: Vec<Precursor>,
    /// A retrogressive failure (后缘再次滑塌): the back scarp lets go again
    /// `after_s` after the first release, from its own zone, with bodies
    /// of the first failure's size.
    #[serde(default)]
    pub second: Option<SecondFailure>,
}

/// The second failure of a slope after its first release.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecondFailure {
    pub zone: Vec<Point>,
    pub volume_m3: f64,
    /// Seconds after the first release.
    pub after_s: u32,
}

fn debris_friction() -> f64 {
    0.25
}
fn debris_bodies() -> u32 {
    1500
}
fn destroy_depth() -> f64 {
    1.0
}
fn block_depth() -> f64 {
    0.3
}

/// What makes the slope let go.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Release {
    /// At a scripted drill time (s).
    At(u32),
    /// When rain on the zone passes an intensity–duration threshold
    /// I = alpha·D^(−beta) (I mean intensity in mm/h since the rain began,
    /// D hours since then): Caine (1980) alpha 14.82, beta 0.39; Guzzetti et
    /// al. (2008) global minimum alpha 2.20, beta 0.44.
    Rainfall {
        /// `(s, mm/h)` points of the rain on the zone.
        hyetograph: Series,
        alpha: f64,
        beta: f64,
    },
    /// Only when the instructor sets it off (a `TriggerLandslide` command);
    /// precursors then show from the start of the drill.
    Instructor,
}

/// A precursor (前兆): cracks, a muddy spring, small rockfalls, tilting
/// trees. It can be seen from `lead_s` before the release by a patrol
/// passing within `radius_m` of the zone; an inject with the trigger
/// `Precursor(id)` carries the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Precursor {
    pub id: String,
    pub kind: PrecursorKind,
    pub lead_s: u32,
    #[serde(default = "precursor_radius")]
    pub radius_m: f64,
}

fn precursor_radius() -> f64 {
    150.0
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PrecursorKind {
    Cracks,
    MuddySpring,
    Rockfall,
    TiltingTrees,
}

/// Fire script (森林火灾): where and when it starts, the weather, and how
/// buildings burn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FireSpec {
    pub ignition: Point,
    pub ignition_s: u32,
    /// `(s, wind speed m/s)` points: the 10 m open wind (as weather
    /// services report it). The fire reduces it to the 20 ft wind (÷ 1.15)
    /// and then to midflame height by the fuel's wind adjustment factor.
    pub wind_speed: Series,
    /// Direction the wind blows from, degrees clockwise from north.
    #[serde(default)]
    pub wind_from_deg: f64,
    /// Dead and live fuel moisture (fractions of dry weight).
    #[serde(default)]
    pub moisture: FuelMoisture,
    /// Embers carried downwind start spot fires (seeded).
    #[serde(default)]
    pub spotting: bool,
    /// t² growth class of building fires (NFPA 72 / SFPE).
    #[serde(default)]
    pub building_growth: Growth,
}

/// Fuel moisture as BehavePlus takes it (fractions, e.g. 0.06 = 6%).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FuelMoisture {
    pub one_h: f64,
    pub ten_h: f64,
    pub hundred_h: f64,
    pub live_herb: f64,
    pub live_woody: f64,
}

impl Default for FuelMoisture {
    /// A dry spring afternoon (fire danger high).
    fn default() -> Self {
        FuelMoisture { one_h: 0.06, ten_h: 0.07, hundred_h: 0.08, live_herb: 0.60, live_woody: 0.90 }
    }
}

/// Growth class of a t² fire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Growth {
    Slow,
    #[default]
    Medium,
    Fast,
    UltraFast,
}
