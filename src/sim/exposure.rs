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

/// Water on the grid (flood): the flood kernel's own arrays, moved here
/// after each tick's steps and taken back for the next (`Flood::show`),
/// never copied; speeds, levels and hazard ratings are derived where asked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Water {
    /// Cells west–east.
    pub nx: usize,
    /// Depth (m), per cell.
    pub depth: Vec<f64>,
    /// Bed elevation, dikes and deposits included (m), per cell.
    pub bed: Vec<f64>,
    /// Unit discharge on the x faces ((nx + 1) per row) and y faces (m²/s).
    pub qx: Vec<f64>,
    pub qy: Vec<f64>,
    /// Built land cover (the debris factor of urban areas), per cell.
    pub built: Vec<bool>,
    /// Deeper than this, people cannot walk through (m).
    pub foot_limit_m: f64,
    /// Deeper than this, cars stall (m).
    pub vehicle_limit_m: f64,
}

impl Water {
    /// Water surface in cell `k` (m).
    pub fn level(&self, k: usize) -> f64 {
        self.bed[k] + self.depth[k]
    }

    /// Velocity in cell `k` (m/s).
    pub fn velocity(&self, k: usize) -> (f64, f64) {
        cell_velocity(self.nx, &self.depth, &self.qx, &self.qy, k)
    }

    /// FD2321 hazard rating in cell `k`.
    pub fn hazard_rating(&self, k: usize) -> f64 {
        let (u, v) = self.velocity(k);
        hazard_rating(self.depth[k], (u * u + v * v).sqrt(), self.built[k])
    }
}

/// Velocity (m/s) at cell `k` of a staggered grid, from the mean of its face
/// discharges; still below 1 cm of water.
pub fn cell_velocity(nx: usize, h: &[f64], qx: &[f64], qy: &[f64], k: usize) -> (f64, f64) {
    let (i, j) = (k % nx, k / nx);
    let d = h[k];
    if d < 0.01 {
        return (0.0, 0.0);
    }
    let ux = 0.5 * (qx[j * (nx + 1) + i] + qx[j * (nx + 1) + i + 1]);
    let uy = 0.5 * (qy[j * nx + i] + qy[(j + 1) * nx + i]);
    (ux / d, uy / d)
}

/// Debris factor of FD2321 (Defra/EA 2006): 0 below 0.25 m, 0.5 up to
/// 0.75 m outside built areas (pasture/arable), else 1.
pub fn debris_factor(depth: f64, urban: bool) -> f64 {
    if depth < 0.25 {
        0.0
    } else if depth < 0.75 && !urban {
        0.5
    } else {
        1.0
    }
}

/// FD2321 hazard rating HR = d·(v + 0.5) + DF for people in flowing water.
pub fn hazard_rating(d: f64, v: f64, urban: bool) -> f64 {
    if d <= 0.0 { 0.0 } else { d * (v + 0.5) + debris_factor(d, urban) }
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
    /// Every cell a moving body crossed during this tick, ascending (a
    /// second failure running over the first one's ground included).
    pub moving: Vec<usize>,
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
