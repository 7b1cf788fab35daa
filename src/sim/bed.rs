//! The one path for changes to the ground under the water: a hazard that
//! lays material on the bed (a landslide deposit) queues it here; the flood
//! model, when the drill has one, takes the queue at its next step and
//! raises its bed (and the water standing there with it). Sandbag walls are
//! the flood model's own works and do not pass here.
//!
//! Owns: `BedChanges`. May not touch: any model's state.

use bevy::prelude::Resource;

/// Bed raises waiting to be laid: (cell, metres).
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct BedChanges {
    pub pending: Vec<(usize, f64)>,
}

impl BedChanges {
    /// Queues a whole deposit (`depth` per cell, m); cells with none are skipped.
    pub fn lay(&mut self, depth: &[f64]) {
        self.pending.extend(depth.iter().enumerate().filter(|(_, d)| **d > 0.0 && d.is_finite()).map(|(k, d)| (k, *d)));
    }

    /// Takes what is queued.
    pub fn take(&mut self) -> Vec<(usize, f64)> {
        std::mem::take(&mut self.pending)
    }
}
