//! What both flood solvers (`kernel`, `godunov`) share: gravity, the
//! conditions at the grid's edges, and the upwind donor and positivity
//! share of a cell's outgoing faces.
//!
//! Owns: `G`, `Edge`, `donor`, `drain_share`. May not touch: anything else (a leaf).

/// Gravitational acceleration (m/s²).
pub const G: f64 = 9.81;

/// Condition on one edge of the grid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Edge {
    /// No flow across.
    Closed,
    /// Water leaves freely, driven by the bed slope `slope` (m/m) beyond the edge.
    FreeOutflow { slope: f64 },
    /// Water-surface elevation held at a level beyond the edge (m).
    FixedLevel(f64),
}

/// The cell a face's flux leaves, along a line of `n` cells whose face `i`
/// lies between cells `i − 1` and `i`: the one before for a positive flux,
/// the one after for a negative; `None` beyond the grid's edge.
#[inline]
pub fn donor(flux: f64, i: usize, n: usize) -> Option<usize> {
    if flux > 0.0 {
        i.checked_sub(1)
    } else if i < n {
        Some(i)
    } else {
        None
    }
}

/// Share of its outflow a cell of depth `h` can supply in `dt` (1 when it
/// has enough), given its west, east, south and north face fluxes (m²/s):
/// the positivity limit both solvers apply to a cell's outgoing faces.
#[inline]
pub fn drain_share(h: f64, [w, e, s, n]: [f64; 4], dt: f64, dx: f64) -> f64 {
    let out = ((-w).max(0.0) + e.max(0.0) + (-s).max(0.0) + n.max(0.0)) * dt / dx;
    if out > h && out > 0.0 { h / out } else { 1.0 }
}
