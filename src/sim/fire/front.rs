//! Wildland fire spread on the terrain grid by minimum travel time: when a
//! cell ignites, the Rothermel behaviour there (its fuel, slope and the wind
//! at that moment) gives the elliptical rate of spread towards each cell of a
//! 144-move stencil (every move up to `STENCIL_REACH` = 7 cells out in a
//! direction of its own, at most 8.1° apart, which brings the head rate's
//! error under 3 % at any wind direction up to 12 m/s; the 16-neighbour
//! stencil of the 8 neighbours and the knight moves was 6.8 % low 20° off
//! the axes), and the neighbour's arrival time is the earliest over all
//! burning cells (Dijkstra order, ties by cell index). A move needs every
//! cell its path passes through to burn and not to be held, so a fire never
//! jumps a non-burnable strip or a wet line by geometry; a move longer than
//! the knight's carries the source cell's rate, so it runs only through
//! cells of the source's fuel model (its slope is the source's: terrain
//! changes within a few cells are smoothed, fuel edges are not). Non-burnable cells
//! (NB fuel, roads and rivers the caller marks) never ignite; a strip is
//! crossed only by spotting. Cells burn for their flaming residence time
//! (Anderson 1969, 384/σ min), at least `MIN_BURN_S`.
//!
//! Spotting (optional, seeded): a cell igniting with fireline intensity of
//! at least `SPOT_MIN_INTENSITY` in a 10 m wind of at least
//! `SPOT_MIN_WIND` m/s lofts a firebrand with probability
//! `min(1, I/10,000)`; it lands downwind at a log-normal distance with
//! median `SPOT_SECONDS`·U (wind speed × lofting time) and σ = 0.5, spread
//! ±10° in direction, and starts a fire there after `SPOT_DELAY_S` if the
//! cell can burn. A simplification of Albini's (1979) maximum spotting
//! distance, documented as such.
//!
//! Suppression: `wet` makes an unburnt cell unable to ignite (a fireline or
//! water), `extinguish` puts a burning cell out. Plain Rust, no Bevy.

use super::surface::{Behaviour, Conditions, Fuelbed, Moisture, fuelbed};
use crate::scenario::fuel::FuelModel;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The 10 m open wind is this many times the 20 ft (6.1 m) wind that the
/// wind adjustment factor reduces to midflame height: U₂₀ft = U₁₀m / 1.15
/// (Turner & Lawson 1978, as BehavePlus and FARSITE convert it).
pub const WIND_10M_PER_20FT: f64 = 1.15;
/// Shortest time a cell counts as burning (s): the flaming front's passage.
pub const MIN_BURN_S: f64 = 60.0;
/// Fireline intensity from which embers are lofted (kW/m).
pub const SPOT_MIN_INTENSITY: f64 = 1000.0;
/// 10 m wind from which embers travel (m/s).
pub const SPOT_MIN_WIND: f64 = 6.0;
/// Median firebrand travel per m/s of wind (s).
pub const SPOT_SECONDS: f64 = 15.0;
/// Time from landing to a spreading spot fire (s).
pub const SPOT_DELAY_S: f64 = 60.0;

/// A cell's fire state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    Unburnt,
    Burning,
    BurntOut,
    /// Wetted or cut: will not ignite.
    Held,
    /// Put out while burning.
    Extinguished,
}

/// The weather over the grid now.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weather {
    /// 10 m open wind speed (m/s).
    pub wind_10m: f64,
    /// Direction the wind blows towards, radians counter-clockwise from +x (east).
    pub wind_toward: f64,
    pub moisture: Moisture,
}

/// Something that happened in a step, in the order it happened.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FireEvent {
    Ignited { cell: usize, t: f64 },
    Spotted { from: usize, to: usize, t: f64 },
    BurntOut { cell: usize, t: f64 },
}

/// Fire on a grid.
#[derive(Clone)]
pub struct FireGrid {
    pub nx: usize,
    pub ny: usize,
    pub dx: f64,
    elevation: Vec<f64>,
    models: Vec<&'static FuelModel>,
    /// Index into `models` per cell; `None` cannot burn.
    fuel: Vec<Option<u16>>,
    beds: Vec<Fuelbed>,
    moisture: Option<Moisture>,
    pub state: Vec<Cell>,
    /// Ignition time per cell (s); infinite if never.
    pub arrival: Vec<f64>,
    /// Fire behaviour when each cell ignited.
    pub behaviour: Vec<Behaviour>,
    heap: BinaryHeap<Reverse<(u64, usize, usize)>>,
    burning: Vec<(f64, usize)>,
    /// Midflame wind adjustment factor per model.
    waf: Vec<f64>,
    moves: Vec<Move>,
    pub spotting: bool,
    pub now: f64,
}

/// The stencil reaches this many cells out: every move `(di, dj)` with
/// `max(|di|, |dj|) ≤ STENCIL_REACH` and no common divisor (a longer move
/// in the same direction adds nothing).
const STENCIL_REACH: i64 = 7;

/// One move of the stencil: its offset, its length in cells, and the cells
/// its straight path between the two centres passes through (each must be
/// able to burn, so a fire never jumps a non-burnable strip by geometry).
#[derive(Debug, Clone)]
struct Move {
    di: i64,
    dj: i64,
    cells: f64,
    /// Longer than a knight's move: it carries the source's rate, so it
    /// runs only through the source's fuel.
    long: bool,
    /// Direction, radians counter-clockwise from +x.
    angle: f64,
    passes: Vec<(i64, i64)>,
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a.abs() } else { gcd(b, a % b) }
}

/// The stencil, by angle. Cells passed are found by walking the segment in
/// 1/1024 steps (a path through a cell corner touches neither side cell).
fn stencil() -> Vec<Move> {
    let mut moves = Vec::new();
    for di in -STENCIL_REACH..=STENCIL_REACH {
        for dj in -STENCIL_REACH..=STENCIL_REACH {
            if (di, dj) == (0, 0) || gcd(di, dj) != 1 {
                continue;
            }
            let mut passes: Vec<(i64, i64)> = Vec::new();
            for s in 1..1024 {
                let t = s as f64 / 1024.0;
                let (x, y) = (0.5 + t * di as f64, 0.5 + t * dj as f64);
                // On a cell edge (or corner) exactly: neither side counts.
                if x.fract() == 0.0 || y.fract() == 0.0 {
                    continue;
                }
                let c = (x.floor() as i64, y.floor() as i64);
                if c != (0, 0) && c != (di, dj) && !passes.contains(&c) {
                    passes.push(c);
                }
            }
            let angle = libm::atan2(dj as f64, di as f64);
            let (cells, long) = (((di * di + dj * dj) as f64).sqrt(), di.abs().max(dj.abs()) > 2);
            moves.push(Move { di, dj, cells, long, angle, passes });
        }
    }
    moves.sort_by(|a, b| a.angle.total_cmp(&b.angle));
    moves
}

impl FireGrid {
    /// A grid of `nx × ny` cells of `dx` m with elevation and a fuel model
    /// per cell (`None` = cannot burn).
    pub fn new(nx: usize, ny: usize, dx: f64, elevation: Vec<f64>, fuel: &[Option<&'static FuelModel>]) -> Self {
        let mut models: Vec<&'static FuelModel> = Vec::new();
        let mut idx = Vec::with_capacity(fuel.len());
        for f in fuel {
            idx.push(f.filter(|m| m.burnable()).map(|m| match models.iter().position(|x| x.code == m.code) {
                Some(p) => p as u16,
                None => {
                    models.push(m);
                    (models.len() - 1) as u16
                }
            }));
        }
        let waf = models.iter().map(|m| super::surface::wind_adjustment(m.depth_ft, 0.0, 0.0, 0.0)).collect();
        let n = nx * ny;
        FireGrid {
            nx,
            ny,
            dx,
            elevation,
            models,
            fuel: idx,
            beds: Vec::new(),
            moisture: None,
            state: vec![Cell::Unburnt; n],
            arrival: vec![f64::INFINITY; n],
            behaviour: vec![Behaviour::NONE; n],
            heap: BinaryHeap::new(),
            burning: Vec::new(),
            waf,
            moves: stencil(),
            spotting: false,
            now: 0.0,
        }
    }

    /// Whether a cell can ever burn.
    pub fn burnable(&self, k: usize) -> bool {
        self.fuel.get(k).is_some_and(|f| f.is_some())
    }

    /// Whether a move's path may pass through the cell: it can burn and is
    /// not held by a wet line or a cut.
    fn passable(&self, k: usize) -> bool {
        self.burnable(k) && self.state[k] != Cell::Held
    }

    /// Marks a cell as unable to burn (a road, a river, a cleared strip).
    pub fn clear(&mut self, k: usize) {
        if let Some(f) = self.fuel.get_mut(k) {
            *f = None;
        }
    }

    /// Sets the midflame wind adjustment of every fuel model under a canopy
    /// (cover fraction, height in ft, crown ratio), e.g. for forest.
    pub fn set_canopy(&mut self, cover: f64, height_ft: f64, crown_ratio: f64) {
        self.waf = self
            .models
            .iter()
            .map(|m| super::surface::wind_adjustment(m.depth_ft, cover, height_ft, crown_ratio))
            .collect();
    }

    /// Ignites a cell at time `t` (a scripted or instructor's ignition).
    pub fn ignite(&mut self, k: usize, t: f64) {
        if k < self.state.len() && self.state[k] == Cell::Unburnt && self.burnable(k) && t < self.arrival[k] {
            self.arrival[k] = t;
            self.heap.push(Reverse((t.to_bits(), k, usize::MAX)));
        }
    }

    /// Wets or cuts an unburnt cell: it will not ignite.
    pub fn wet(&mut self, k: usize) {
        if self.state.get(k) == Some(&Cell::Unburnt) {
            self.state[k] = Cell::Held;
        }
    }

    /// Puts out a burning cell.
    pub fn extinguish(&mut self, k: usize) {
        if self.state.get(k) == Some(&Cell::Burning) {
            self.state[k] = Cell::Extinguished;
        }
    }

    /// Cells burning now, in ignition order.
    pub fn burning(&self) -> impl Iterator<Item = usize> + '_ {
        self.burning.iter().map(|&(_, k)| k).filter(|&k| self.state[k] == Cell::Burning)
    }

    fn slope_at(&self, k: usize) -> (f64, f64) {
        let (i, j) = ((k % self.nx) as i64, (k / self.nx) as i64);
        let z = |i: i64, j: i64| {
            let (i, j) = (i.clamp(0, self.nx as i64 - 1), j.clamp(0, self.ny as i64 - 1));
            self.elevation[j as usize * self.nx + i as usize]
        };
        let gx = (z(i + 1, j) - z(i - 1, j)) / (2.0 * self.dx);
        let gy = (z(i, j + 1) - z(i, j - 1)) / (2.0 * self.dx);
        ((gx * gx + gy * gy).sqrt(), gy.atan2(gx))
    }

    fn behaviour_at(&self, k: usize, w: &Weather) -> Behaviour {
        let Some(m) = self.fuel[k] else { return Behaviour::NONE };
        let (slope, upslope) = self.slope_at(k);
        let midflame = w.wind_10m / WIND_10M_PER_20FT * self.waf[m as usize];
        let c = Conditions { midflame_wind: midflame, wind_toward: w.wind_toward, slope, upslope };
        self.beds[m as usize].behaviour(&c)
    }

    /// Advances the fire to `now + dt` under `w`; events in time order.
    pub fn step(&mut self, dt: f64, w: &Weather, rng: &mut ChaCha8Rng) -> Vec<FireEvent> {
        if self.moisture != Some(w.moisture) {
            self.beds = self.models.iter().map(|m| fuelbed(m, &w.moisture)).collect();
            self.moisture = Some(w.moisture);
        }
        let end = self.now + dt;
        let mut events = Vec::new();
        while let Some(&Reverse((bits, k, from))) = self.heap.peek() {
            let t = f64::from_bits(bits);
            if t > end {
                break;
            }
            self.heap.pop();
            if self.state[k] != Cell::Unburnt || t > self.arrival[k] {
                continue;
            }
            let b = self.behaviour_at(k, w);
            self.state[k] = Cell::Burning;
            self.arrival[k] = t;
            self.behaviour[k] = b;
            self.burning.push((t + b.residence_s.max(MIN_BURN_S), k));
            if from != usize::MAX && from & SPOT_FLAG != 0 {
                events.push(FireEvent::Spotted { from: from & !SPOT_FLAG, to: k, t });
            }
            events.push(FireEvent::Ignited { cell: k, t });
            self.spread_from(k, t, &b);
            if self.spotting {
                self.spot_from(k, t, &b, w, rng);
            }
        }
        // Burn-out.
        let mut still = Vec::with_capacity(self.burning.len());
        for &(until, k) in &self.burning {
            if self.state[k] != Cell::Burning {
                continue;
            }
            if until <= end {
                self.state[k] = Cell::BurntOut;
                events.push(FireEvent::BurntOut { cell: k, t: until });
            } else {
                still.push((until, k));
            }
        }
        self.burning = still;
        self.now = end;
        events
    }

    fn spread_from(&mut self, k: usize, t: f64, b: &Behaviour) {
        if b.ros <= 0.0 {
            return;
        }
        let (i, j) = ((k % self.nx) as i64, (k / self.nx) as i64);
        let fuel = self.fuel[k];
        for m in &self.moves {
            let (ni, nj) = (i + m.di, j + m.dj);
            if ni < 0 || nj < 0 || ni >= self.nx as i64 || nj >= self.ny as i64 {
                continue;
            }
            let n = nj as usize * self.nx + ni as usize;
            if self.state[n] != Cell::Unburnt || !self.burnable(n) {
                continue;
            }
            // The path's cells lie within the move's box, so on the grid; a
            // long move keeps to the source's fuel (short moves take over at
            // a fuel edge).
            let ok = |c: usize| self.passable(c) && (!m.long || self.fuel[c] == fuel);
            if (m.long && !ok(n))
                || !m.passes.iter().all(|&(pi, pj)| ok((j + pj) as usize * self.nx + (i + pi) as usize))
            {
                continue;
            }
            let dist = self.dx * m.cells;
            let r = b.ros_toward(m.angle);
            if r <= 0.0 {
                continue;
            }
            let ta = t + dist / r;
            if ta < self.arrival[n] {
                self.arrival[n] = ta;
                self.heap.push(Reverse((ta.to_bits(), n, k)));
            }
        }
    }

    fn spot_from(&mut self, k: usize, t: f64, b: &Behaviour, w: &Weather, rng: &mut ChaCha8Rng) {
        if b.fireline_intensity < SPOT_MIN_INTENSITY || w.wind_10m < SPOT_MIN_WIND {
            return;
        }
        let p = (b.fireline_intensity / 10_000.0).min(1.0);
        // Always three draws, used or not, so the stream does not depend on the outcome.
        let (u, z, a): (f64, f64, f64) = (rng.random(), normal(rng), normal(rng));
        if u >= p {
            return;
        }
        let dist = SPOT_SECONDS * w.wind_10m * (0.5 * z).exp();
        let dir = w.wind_toward + a * 10f64.to_radians();
        let (x, y) = (((k % self.nx) as f64 + 0.5) * self.dx, ((k / self.nx) as f64 + 0.5) * self.dx);
        let (lx, ly) = (x + dist * dir.cos(), y + dist * dir.sin());
        if lx < 0.0 || ly < 0.0 {
            return;
        }
        let (li, lj) = ((lx / self.dx) as usize, (ly / self.dx) as usize);
        if li >= self.nx || lj >= self.ny {
            return;
        }
        let n = lj * self.nx + li;
        let ta = t + SPOT_DELAY_S;
        if self.state[n] == Cell::Unburnt && self.burnable(n) && ta < self.arrival[n] {
            self.arrival[n] = ta;
            self.heap.push(Reverse((ta.to_bits(), n, k | SPOT_FLAG)));
        }
    }
}

/// Marks a heap entry's source as a spot fire.
const SPOT_FLAG: usize = 1 << (usize::BITS - 2);

/// A standard normal draw (Box–Muller on two uniforms).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = rng.random::<f64>().max(1e-300);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}
