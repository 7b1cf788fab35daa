//! The flood script on the grid: rain hyetographs and inflow hydrographs
//! turned into per-cell source rates, dikes raised into the bed, and breaches
//! that open at a scripted time or on overtopping and widen. Plain Rust; it
//! writes the kernel's `source` and `z` at the start of each tick (sources
//! are held constant through the tick's sub-steps).

use super::kernel::Shallow;
use crate::geom::in_polygon;
use crate::scenario::schema::{BreachStart, FloodSpec, Series, series_at};
use crate::scenario::terrain::{TerrainGrid, cells_along};
use rayon::prelude::*;

/// A breach in progress or waiting.
#[derive(Debug, Clone, PartialEq)]
pub struct Breach {
    /// Index into the dike's cells nearest the breach point.
    pub centre: usize,
    pub start: BreachStart,
    pub bottom: f64,
    pub initial_width: f64,
    pub max_width: f64,
    pub widen_ms: f64,
    pub started: Option<f64>,
}

/// A dike on the grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Dike {
    pub id: String,
    pub cells: Vec<usize>,
    pub crest: f64,
    pub breach: Option<Breach>,
}

/// Something the script did that the event log should show.
#[derive(Debug, Clone, PartialEq)]
pub enum ScriptEvent {
    BreachStarted { dike: String, overtopping: bool },
}

/// Rain, inflows and dikes of one drill.
#[derive(Debug, Clone)]
pub struct FloodScript {
    rain: Vec<(Option<Vec<usize>>, Series)>,
    inflows: Vec<(Vec<usize>, Series)>,
    pub dikes: Vec<Dike>,
    /// Ground elevation under the dikes.
    ground: Vec<f64>,
}

impl FloodScript {
    pub fn new(spec: &FloodSpec, t: &TerrainGrid) -> Self {
        let rain = spec
            .rain
            .iter()
            .map(|r| {
                let zone = r.zone.as_ref().map(|z| (0..t.nx * t.ny).filter(|&k| in_polygon(t.center(k), z)).collect());
                (zone, r.hyetograph.clone())
            })
            .collect();
        let inflows = spec.inflows.iter().map(|i| (cells_along(t, &[i.from, i.to]), i.hydrograph.clone())).collect();
        let dikes = spec
            .dikes
            .iter()
            .map(|d| {
                let cells = cells_along(t, &d.points);
                let breach = d.breach.as_ref().map(|b| {
                    let dist = |k: usize| {
                        let c = t.center(k);
                        (c.0 - b.at.0).powi(2) + (c.1 - b.at.1).powi(2)
                    };
                    let centre =
                        (0..cells.len()).min_by(|&a, &c| dist(cells[a]).total_cmp(&dist(cells[c]))).unwrap_or(0);
                    Breach {
                        centre,
                        start: b.start.clone(),
                        bottom: b.bottom_m,
                        initial_width: b.initial_width_m,
                        max_width: b.max_width_m,
                        widen_ms: b.widen_m_per_min / 60.0,
                        started: None,
                    }
                });
                Dike { id: d.id.clone(), cells, crest: d.crest_m, breach }
            })
            .collect();
        FloodScript { rain, inflows, dikes, ground: t.elevation.clone() }
    }

    /// Raises dike crests into the kernel's bed.
    pub fn build_dikes(&self, m: &mut Shallow) {
        for d in &self.dikes {
            for &k in &d.cells {
                m.z[k] = self.ground[k].max(d.crest);
            }
        }
    }

    /// The instructor breaches dike `id` at time `t`: at its scripted
    /// breach point with its scripted size if it has one, else in its
    /// middle, down to the ground, 10 m wide widening 2 m a minute to 60 m.
    /// False if there is no such dike or its breach has begun.
    pub fn breach_now(&mut self, id: &str, t: f64) -> bool {
        let Some(d) = self.dikes.iter_mut().find(|d| d.id == id && !d.cells.is_empty()) else { return false };
        if d.breach.as_ref().is_some_and(|b| b.started.is_some()) {
            return false;
        }
        let centre = d.cells.len() / 2;
        let b = d.breach.get_or_insert_with(|| Breach {
            centre,
            start: BreachStart::At(u32::MAX),
            bottom: f64::NEG_INFINITY,
            initial_width: 10.0,
            max_width: 60.0,
            widen_ms: 2.0 / 60.0,
            started: None,
        });
        b.started = Some(t);
        true
    }

    /// Sets the sources for time `t` and moves breaches on.
    pub fn update(&mut self, t: f64, m: &mut Shallow) -> Vec<ScriptEvent> {
        let rate = |series: &Series| series_at(series, t) / 1000.0 / 3600.0;
        // Every cell starts from 0 and takes the rains in order; rain over
        // the whole map first is written in the same pass as the zero
        // (0 + rate, the same bits as adding it after).
        let (first, rains) = match self.rain.split_first() {
            Some(((None, series), rest)) => (0.0 + rate(series), rest),
            _ => (0.0, &self.rain[..]),
        };
        // 2 MB on the township's grid: both cores write it.
        m.source.par_chunks_mut(1 << 14).for_each(|c| c.fill(first));
        for (zone, series) in rains {
            let rate = rate(series);
            match zone {
                None => m.source.iter_mut().for_each(|s| *s += rate),
                Some(cells) => cells.iter().for_each(|&k| m.source[k] += rate),
            }
        }
        let area = m.dx * m.dx;
        for (cells, series) in &self.inflows {
            if cells.is_empty() {
                continue;
            }
            let rate = series_at(series, t) / (area * cells.len() as f64);
            cells.iter().for_each(|&k| m.source[k] += rate);
        }
        let mut events = Vec::new();
        for d in &mut self.dikes {
            let Some(b) = &mut d.breach else { continue };
            if b.started.is_none() {
                let (go, overtopping) = match b.start {
                    BreachStart::At(s) => (t >= s as f64, false),
                    BreachStart::Overtopping(above) => {
                        let k = d.cells[b.centre];
                        let (i, j) = (k % m.nx, k / m.nx);
                        let mut level = m.z[k] + m.h[k];
                        for (di, dj) in [(-1i64, 0i64), (1, 0), (0, -1), (0, 1)] {
                            let (a, c) = (i as i64 + di, j as i64 + dj);
                            if a >= 0 && c >= 0 && (a as usize) < m.nx && (c as usize) < m.ny {
                                let n = c as usize * m.nx + a as usize;
                                level = level.max(m.z[n] + m.h[n]);
                            }
                        }
                        (level >= m.z[k].max(d.crest) + above, true)
                    }
                };
                if go {
                    b.started = Some(t);
                    events.push(ScriptEvent::BreachStarted { dike: d.id.clone(), overtopping });
                }
            }
            if let Some(t0) = b.started {
                let width = (b.initial_width + b.widen_ms * (t - t0)).min(b.max_width);
                // Cells within half the width of the centre, counted along the dike.
                let half = ((width / m.dx) / 2.0).floor() as usize;
                let lo = b.centre.saturating_sub(half);
                let hi = (b.centre + half).min(d.cells.len() - 1);
                for &k in &d.cells[lo..=hi] {
                    m.z[k] = self.ground[k].max(b.bottom);
                }
            }
        }
        events
    }
}
