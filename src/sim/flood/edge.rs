//! The flood grid's shared constants: gravity and the conditions at the
//! grid's edges, used by both solvers (`kernel`, `godunov`).
//!
//! Owns: `G`, `Edge`. May not touch: anything else (a leaf).

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
