//! Exposure fields: what each hazard publishes, per terrain cell, for the
//! people, the responders, the gauges and the faces to read. The flood
//! publishes water depth, surface level and FD2321 hazard rating; the
//! landslide debris depth and the speed of the bodies that crossed each
//! cell; the fire the cells it reached, the cells that ignited this tick
//! with their flame length, the houses it set alight, and the smoke's
//! walking factor, dose rate and CO. A hazard writes only its own part,
//! right after it steps; nobody else writes here.
//!
//! Owns: the field types. May not touch: any model's state.

use bevy::prelude::Resource;

/// Depth at which water counts as having reached a house or gauge (m): a
/// doorstep; shallower ponding of rain does not enter a rural house.
pub const DOORSTEP_M: f64 = 0.3;

/// Water on the grid (flood).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Water {
    /// Depth (m).
    pub depth: Vec<f64>,
    /// Water surface: bed (dikes and deposits included) plus depth (m).
    pub level: Vec<f64>,
    /// FD2321 hazard rating d·(v + 0.5) + DF.
    pub hazard_rating: Vec<f64>,
    /// Deeper than this, people cannot walk through (m).
    pub foot_limit_m: f64,
    /// Deeper than this, cars stall (m).
    pub vehicle_limit_m: f64,
}

/// Debris on the grid (landslide).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Debris {
    /// Deposit depth (m).
    pub depth: Vec<f64>,
    /// Fastest body that crossed each cell (m/s); 0 where none did.
    pub swept: Vec<f32>,
    /// Cells a moving body crossed for the first time during this tick.
    pub fresh: Vec<usize>,
}

/// Fire and smoke on the grid.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Flames {
    /// Fire has reached the cell (burning or burnt, not held).
    pub reached: Vec<bool>,
    /// Cells that ignited during this tick, with their flame length (m).
    pub fresh: Vec<(usize, f64)>,
    /// Households (drill order) whose house caught fire during this tick.
    pub houses_lit: Vec<usize>,
    /// Factor on walking speed in the smoke (1 in clear air).
    pub smoke_walk: Vec<f32>,
    /// Fractional effective dose of CO per second outdoors (ISO 13571).
    pub smoke_fed_per_s: Vec<f64>,
    /// CO concentration outdoors (ppm).
    pub co_ppm: Vec<f64>,
}

/// Everything the hazards expose this tick; `None` where the drill has no
/// such hazard.
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct Exposure {
    pub water: Option<Water>,
    pub debris: Option<Debris>,
    pub fire: Option<Flames>,
}

impl Exposure {
    /// Water depth in cell `k` (0 without a flood).
    pub fn depth(&self, k: usize) -> f64 {
        self.water.as_ref().map_or(0.0, |w| w.depth[k])
    }
}
