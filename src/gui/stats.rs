//! Frame-time statistics (`--frame-stats`): every frame's time after the
//! first 30 (start-up), reported as mean, median and p99 at the end, to
//! stderr and, when asked, as JSON to a file. A measurement for notes and
//! benchmarks, never an assertion.
//!
//! Owns: `FrameStats`. May not touch: the sim.

use bevy::prelude::*;
use std::path::PathBuf;

/// Frames skipped before measuring.
const WARM_UP: usize = 30;

#[derive(Resource, Debug, Clone)]
pub struct FrameStats {
    /// `None`: not asked for; `Some(None)`: stderr only.
    pub out: Option<Option<PathBuf>>,
    pub frames: usize,
    pub ms: Vec<f64>,
    /// Residents drawn in the last frame.
    pub residents: usize,
}

impl FrameStats {
    pub fn new(out: Option<Option<PathBuf>>) -> Self {
        FrameStats { out, frames: 0, ms: Vec::new(), residents: 0 }
    }

    /// (mean, median, p99) in milliseconds.
    pub fn summary(&self) -> Option<(f64, f64, f64)> {
        if self.ms.is_empty() {
            return None;
        }
        let mut v = self.ms.clone();
        v.sort_by(f64::total_cmp);
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
        Some((mean, at(0.5), at(0.99)))
    }

    pub fn report(&self) {
        let Some(out) = &self.out else { return };
        let Some((mean, median, p99)) = self.summary() else {
            eprintln!("frame stats: no frames measured");
            return;
        };
        let line = format!(
            "{{\"frames\":{},\"mean_ms\":{mean:.2},\"median_ms\":{median:.2},\"p99_ms\":{p99:.2},\"mean_fps\":{:.1},\"residents\":{}}}", // not window text
            self.ms.len(),
            1000.0 / mean,
            self.residents
        );
        eprintln!("frame stats: {line}");
        if let Some(p) = out
            && let Err(e) = crate::record::atomic::write(p, format!("{line}\n").as_bytes())
        {
            eprintln!("error: cannot write the frame stats to {}: {e}", p.display());
        }
    }
}

pub fn record(time: Res<Time<Real>>, mut stats: ResMut<FrameStats>, play: Option<Res<super::play::Play>>) {
    if stats.out.is_none() {
        return;
    }
    stats.frames += 1;
    if stats.frames > WARM_UP {
        stats.ms.push(time.delta_secs_f64() * 1000.0);
    }
    stats.residents = play.map_or(0, |p| p.view.residents.len());
}
