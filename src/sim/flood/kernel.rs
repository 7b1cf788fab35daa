//! Local-inertial shallow-water kernel (Bates, Horritt & Fewtrell 2010,
//! J. Hydrol. 387:33–45, with the θ-weighted face discharge of de Almeida,
//! Bates, Freer & Souvignet 2012, Water Resour. Res. 48 W05528 — the scheme
//! of LISFLOOD-FP and Landlab's OverlandFlow). Plain Rust over flat arrays,
//! no Bevy types.
//!
//! Grid: `nx × ny` square cells of `dx` m, cell `(i, j)` at `j*nx + i`, `x`
//! east, `y` north. Depth `h` per cell; unit discharge (m²/s) per face:
//! x-faces `(nx+1) × ny` (face `i` is the west face of cell `i`), y-faces
//! `nx × (ny+1)` (face `j` is the south face of row `j`).
//!
//! One step of length `dt`:
//! 1. each face's discharge from the water-surface slope, Manning friction
//!    treated semi-implicitly, and θ-weighting with the neighbouring faces;
//!    faces whose flow depth `max(η) − max(z)` is below `h_flow_min` carry none;
//! 2. positivity: a cell whose outflow in the step would exceed its water
//!    scales all its outgoing faces by the same factor (mass-conserving, no
//!    negative depth);
//! 3. depths from the face fluxes plus sources (rain, inflows).
//!
//! `advance(T)` sub-steps with `dt = α·dx/√(g·h_max)` (α = 0.7 by default,
//! Bates et al. 2010 recommend 0.2–0.7) so that the total lands on `T`.
//! Each pass reads only the previous arrays and writes its own rows, so the
//! rayon row-parallel passes give the same bits for any thread count; the
//! reductions (max depth, volume) are order-independent or sequential.

use rayon::prelude::*;

pub use super::edge::{Edge, G};
use super::edge::{donor, drain_share};

/// Which scheme steps the water.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Solver {
    /// Local-inertial (this module): fast, accurate for gentle flow
    /// (Froude below about 0.5), no advection.
    #[default]
    Inertial,
    /// Shock-capturing finite volumes (`super::godunov`): dam breaks,
    /// breaches and bores, at about four times the cost.
    Godunov,
}

/// Tunable constants of the scheme.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// The scheme.
    pub solver: Solver,
    /// θ-weighting of the face discharge (1 = Bates et al. 2010; de Almeida
    /// et al. 2012 use 0.7–0.9). The default is still 1 (the shipped drills
    /// are tuned on it), but θ = 1 does not damp: a block of water released
    /// on fine cells sloshed on at a third of its depth. `Params::damped()`
    /// (θ = 0.8, α = 0.5) settles every pond of the stability sweep (cells
    /// 1–50 m, depths 0.5–20 m, tests/flood_verification.rs); a scenario
    /// chooses it with `theta: 0.8, courant: 0.5`. A side face lends at
    /// most what this face's flow depth carries (see `face_flux`), so θ < 1
    /// carries no river water over a dike crest wet with rain.
    pub theta: f64,
    /// CFL factor α (local-inertial: dt = α·dx / the fastest of √(g·h_max)
    /// and |u| + √(g·h); default 0.7 — with θ < 1, α = 0.7 grew in the
    /// sweep, so θ < 1 takes at most 0.6), or the Courant number of the
    /// Godunov solver (fastest |u| + √(g·h) over a cell times dt/dx,
    /// default 0.45).
    pub alpha: f64,
    /// Faces with a smaller flow depth carry no water (m).
    pub h_flow_min: f64,
    /// Longest sub-step (s), for dry or very shallow grids.
    pub dt_max: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params { solver: Solver::Inertial, theta: 1.0, alpha: 0.7, h_flow_min: 1e-3, dt_max: 5.0 }
    }
}

impl Params {
    /// The local-inertial scheme damped (θ = 0.8, α = 0.5): stable in the
    /// sweep over cell sizes and depths.
    pub fn damped() -> Self {
        Params { theta: 0.8, alpha: 0.5, ..Params::default() }
    }

    /// The default constants of the Godunov solver: Courant number 0.45.
    pub fn godunov() -> Self {
        Params { solver: Solver::Godunov, alpha: 0.45, ..Params::default() }
    }
}

/// Water balance of the run so far (m³).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Balance {
    /// Added by rain and inflows.
    pub sources: f64,
    /// Left (positive) or entered (negative) across the grid edges.
    pub boundary_out: f64,
}

/// The flood state on one grid.
#[derive(Debug, Clone)]
pub struct Shallow {
    pub nx: usize,
    pub ny: usize,
    pub dx: f64,
    /// Effective bed elevation (m): ground raised by dike crests.
    pub z: Vec<f64>,
    /// Manning n² per cell.
    n2: Vec<f64>,
    pub h: Vec<f64>,
    /// Cell momenta (m²/s) of the Godunov solver; zero with the local-inertial one.
    pub hu: Vec<f64>,
    pub hv: Vec<f64>,
    /// Working arrays of the Godunov solver.
    scratch: super::godunov::Scratch,
    pub qx: Vec<f64>,
    pub qy: Vec<f64>,
    qx_new: Vec<f64>,
    qy_new: Vec<f64>,
    /// Per cell: share of its outflow allowed this step.
    limit: Vec<f64>,
    /// Per cell source rate (m/s), set by the caller before `advance`.
    pub source: Vec<f64>,
    /// West, east, south, north.
    pub edges: [Edge; 4],
    pub params: Params,
    pub balance: Balance,
    pub time: f64,
    pub substeps: u64,
    /// Fastest |u| + √(g·h) over the faces in the last step (m/s).
    wave: f64,
    /// Deepest water after the last step; `None` before the first (depths
    /// set by hand are then read afresh).
    hmax: Option<f64>,
}

impl Shallow {
    /// A dry grid over `bed` with Manning `n` per cell.
    pub fn new(nx: usize, ny: usize, dx: f64, bed: Vec<f64>, manning: &[f64]) -> Self {
        assert_eq!(bed.len(), nx * ny);
        assert_eq!(manning.len(), nx * ny);
        Shallow {
            nx,
            ny,
            dx,
            z: bed,
            n2: manning.iter().map(|n| n * n).collect(),
            h: vec![0.0; nx * ny],
            hu: vec![0.0; nx * ny],
            hv: vec![0.0; nx * ny],
            scratch: Default::default(),
            qx: vec![0.0; (nx + 1) * ny],
            qy: vec![0.0; nx * (ny + 1)],
            qx_new: vec![0.0; (nx + 1) * ny],
            qy_new: vec![0.0; nx * (ny + 1)],
            limit: vec![1.0; nx * ny],
            source: vec![0.0; nx * ny],
            edges: [Edge::Closed; 4],
            params: Params::default(),
            balance: Balance::default(),
            time: 0.0,
            substeps: 0,
            wave: 0.0,
            hmax: None,
        }
    }

    /// Total water volume (m³), summed in cell order.
    pub fn volume(&self) -> f64 {
        self.h.iter().sum::<f64>() * self.dx * self.dx
    }

    /// Deepest water (m).
    pub fn max_depth(&self) -> f64 {
        self.h.par_iter().copied().reduce(|| 0.0, f64::max)
    }

    /// The stable sub-step for the current state: α·dx over the fastest of
    /// √(g·h_max) (Bates et al. 2010) and the last step's |u| + √(g·h), so
    /// fast shallow flow is not under-resolved.
    pub fn stable_dt(&self) -> f64 {
        let hmax = self.hmax.unwrap_or_else(|| self.max_depth());
        let c = (G * hmax).sqrt().max(self.wave);
        if c <= 0.0 { self.params.dt_max } else { (self.params.alpha * self.dx / c).min(self.params.dt_max) }
    }

    /// Advances by `total` seconds in stable sub-steps; returns the count.
    pub fn advance(&mut self, total: f64) -> u64 {
        self.advance_capped(total, u64::MAX).unwrap_or(u64::MAX)
    }

    /// `advance` in at most `max_steps` stable steps; `Err(dt)` with the
    /// last stable step (s) when the water would need more, or when no
    /// positive step is stable at all (the solver has stalled). The time
    /// taken so far stays taken.
    pub fn advance_capped(&mut self, total: f64, max_steps: u64) -> Result<u64, f64> {
        let mut left = total;
        let mut n = 0;
        // Sources are held for the whole call: sum them once.
        let source_sum = self.source.iter().sum::<f64>();
        while left > 0.0 {
            let dt = self.stable_dt();
            if !(dt > 0.0 && dt.is_finite()) || n >= max_steps {
                return Err(dt);
            }
            // Take the rest in one step if it is shorter than 1.01 stable steps.
            let dt = if left <= dt * 1.01 { left } else { dt };
            self.step_with(dt, Some(source_sum));
            left -= dt;
            n += 1;
        }
        Ok(n)
    }

    /// Velocity (m/s) at cell `k`, from the mean of its face discharges.
    pub fn velocity(&self, k: usize) -> (f64, f64) {
        crate::sim::exposure::cell_velocity(self.nx, &self.h, &self.qx, &self.qy, k)
    }

    /// One step of length `dt`.
    pub fn step(&mut self, dt: f64) {
        self.step_with(dt, None);
    }

    /// Takes `k`'s depth down to `to` (m), its momentum in proportion.
    pub fn drain_to(&mut self, k: usize, to: f64) {
        let s = if self.h[k] > 0.0 { to / self.h[k] } else { 0.0 };
        self.h[k] = to;
        self.hu[k] *= s;
        self.hv[k] *= s;
    }

    /// One step; `source_sum` is Σ `source` when the caller already has it.
    fn step_with(&mut self, dt: f64, source_sum: Option<f64>) {
        let source_sum = source_sum.unwrap_or_else(|| self.source.iter().sum::<f64>());
        match self.params.solver {
            Solver::Inertial => self.inertial_step(dt, source_sum),
            Solver::Godunov => {
                let (hmax, wave) = super::godunov::step(
                    super::godunov::Water {
                        nx: self.nx,
                        ny: self.ny,
                        dx: self.dx,
                        z: &self.z,
                        n2: &self.n2,
                        source: &self.source,
                        edges: self.edges,
                        h: &mut self.h,
                        hu: &mut self.hu,
                        hv: &mut self.hv,
                        qx: &mut self.qx,
                        qy: &mut self.qy,
                    },
                    &mut self.scratch,
                    dt,
                );
                self.finish_step(dt, source_sum, hmax, wave);
            }
        }
    }

    /// The step's bookkeeping, once the arrays are new: the balance across
    /// the edges (sequential sums in a fixed order), the sources, the clock,
    /// and the deepest water and fastest wave for the next step's CFL.
    fn finish_step(&mut self, dt: f64, source_sum: f64, hmax: f64, wave: f64) {
        let (nx, ny, dx) = (self.nx, self.ny, self.dx);
        let mut out = 0.0;
        for j in 0..ny {
            out += self.qx[j * (nx + 1) + nx] - self.qx[j * (nx + 1)];
        }
        for i in 0..nx {
            out += self.qy[ny * nx + i] - self.qy[i];
        }
        self.balance.boundary_out += out * dt * dx;
        self.balance.sources += source_sum * dt * dx * dx;
        self.hmax = Some(hmax);
        self.wave = wave;
        self.time += dt;
        self.substeps += 1;
    }

    fn inertial_step(&mut self, dt: f64, source_sum: f64) {
        let (nx, ny, dx) = (self.nx, self.ny, self.dx);
        let p = self.params;
        // 1. Face discharges.
        {
            let (z, h, n2, qx) = (&self.z, &self.h, &self.n2, &self.qx);
            let edges = self.edges;
            self.qx_new.par_chunks_mut(nx + 1).enumerate().for_each(|(j, row)| {
                let qrow = &qx[j * (nx + 1)..(j + 1) * (nx + 1)];
                let zr = &z[j * nx..(j + 1) * nx];
                let hr = &h[j * nx..(j + 1) * nx];
                let nr = &n2[j * nx..(j + 1) * nx];
                for i in 0..=nx {
                    row[i] = if i == 0 {
                        edge_flux(edges[0], zr[0], hr[0], nr[0], qrow[0], -1.0, dt, dx, p)
                    } else if i == nx {
                        edge_flux(edges[1], zr[nx - 1], hr[nx - 1], nr[nx - 1], qrow[nx], 1.0, dt, dx, p)
                    } else {
                        // θ-weighting with the faces west and east of this one
                        // (interior faces only; an edge face lends nothing).
                        let side = if p.theta < 1.0 {
                            let west = if i >= 2 {
                                (qrow[i - 1], flow_depth(zr[i - 2], hr[i - 2], zr[i - 1], hr[i - 1]))
                            } else {
                                NO_SIDE
                            };
                            let east = if i + 1 < nx {
                                (qrow[i + 1], flow_depth(zr[i], hr[i], zr[i + 1], hr[i + 1]))
                            } else {
                                NO_SIDE
                            };
                            [west, east]
                        } else {
                            [NO_SIDE; 2]
                        };
                        face_flux(
                            zr[i - 1],
                            hr[i - 1],
                            zr[i],
                            hr[i],
                            0.5 * (nr[i - 1] + nr[i]),
                            qrow[i],
                            side,
                            dt,
                            dx,
                            p,
                        )
                    };
                }
            });
            let qy = &self.qy;
            self.qy_new.par_chunks_mut(nx).enumerate().for_each(|(j, row)| {
                for (i, out) in row.iter_mut().enumerate() {
                    let q = qy[j * nx + i];
                    *out = if j == 0 {
                        let k = i;
                        edge_flux(edges[2], z[k], h[k], n2[k], q, -1.0, dt, dx, p)
                    } else if j == ny {
                        let k = (ny - 1) * nx + i;
                        edge_flux(edges[3], z[k], h[k], n2[k], q, 1.0, dt, dx, p)
                    } else {
                        let (a, b) = ((j - 1) * nx + i, j * nx + i);
                        // θ-weighting with the faces south and north of this one.
                        let side = if p.theta < 1.0 {
                            let south = if j >= 2 {
                                let c = a - nx;
                                (qy[(j - 1) * nx + i], flow_depth(z[c], h[c], z[a], h[a]))
                            } else {
                                NO_SIDE
                            };
                            let north = if j + 1 < ny {
                                let c = b + nx;
                                (qy[(j + 1) * nx + i], flow_depth(z[b], h[b], z[c], h[c]))
                            } else {
                                NO_SIDE
                            };
                            [south, north]
                        } else {
                            [NO_SIDE; 2]
                        };
                        face_flux(z[a], h[a], z[b], h[b], 0.5 * (n2[a] + n2[b]), q, side, dt, dx, p)
                    };
                }
            });
        }
        // 2. Positivity: scale each cell's outgoing faces so it cannot run dry below zero.
        {
            let (qx, qy, h) = (&self.qx_new, &self.qy_new, &self.h);
            self.limit.par_chunks_mut(nx).enumerate().for_each(|(j, row)| {
                for (i, l) in row.iter_mut().enumerate() {
                    let k = j * nx + i;
                    let (w, e) = (qx[j * (nx + 1) + i], qx[j * (nx + 1) + i + 1]);
                    let (s, n) = (qy[j * nx + i], qy[(j + 1) * nx + i]);
                    *l = drain_share(h[k], [w, e, s, n], dt, dx);
                }
            });
            let (limit, z) = (&self.limit, &self.z);
            // While scaling, find the fastest |q|/h_f + √(g·h_f) over the interior
            // faces for the next step's CFL.
            let wave_x = self.qx_new.par_chunks_mut(nx + 1).enumerate().map(|(j, row)| {
                let mut fastest = 0.0f64;
                for (i, q) in row.iter_mut().enumerate() {
                    // Positive flux leaves the west cell (i-1), negative leaves the east cell (i).
                    if let Some(c) = donor(*q, i, nx) {
                        *q *= limit[j * nx + c];
                    }
                    if i > 0 && i < nx {
                        let k = j * nx + i;
                        fastest = fastest.max(face_wave(z[k - 1], h[k - 1], z[k], h[k], *q));
                    }
                }
                fastest
            });
            let wave_x = wave_x.reduce(|| 0.0, f64::max);
            let wave_y = self.qy_new.par_chunks_mut(nx).enumerate().map(|(j, row)| {
                let mut fastest = 0.0f64;
                for (i, q) in row.iter_mut().enumerate() {
                    if let Some(r) = donor(*q, j, ny) {
                        *q *= limit[r * nx + i];
                    }
                    if j > 0 && j < ny {
                        let k = j * nx + i;
                        fastest = fastest.max(face_wave(z[k - nx], h[k - nx], z[k], h[k], *q));
                    }
                }
                fastest
            });
            self.wave = wave_x.max(wave_y.reduce(|| 0.0, f64::max));
        }
        std::mem::swap(&mut self.qx, &mut self.qx_new);
        std::mem::swap(&mut self.qy, &mut self.qy_new);
        // 3. Depths, and the deepest water for the next step's CFL.
        let hmax = {
            let (qx, qy, src) = (&self.qx, &self.qy, &self.source);
            self.h
                .par_chunks_mut(nx)
                .enumerate()
                .map(|(j, row)| {
                    let mut deepest = 0.0f64;
                    for (i, hk) in row.iter_mut().enumerate() {
                        let (w, e) = (qx[j * (nx + 1) + i], qx[j * (nx + 1) + i + 1]);
                        let (s, n) = (qy[j * nx + i], qy[(j + 1) * nx + i]);
                        *hk = (*hk + dt * ((w - e + s - n) / dx + src[j * nx + i])).max(0.0);
                        deepest = deepest.max(*hk);
                    }
                    deepest
                })
                .reduce(|| 0.0, f64::max)
        };
        let wave = self.wave;
        self.finish_step(dt, source_sum, hmax, wave);
    }
}

/// `h^(7/3)` without a general power function.
#[inline]
fn pow73(h: f64) -> f64 {
    h * h * libm::cbrt(h)
}

/// A neighbouring face that lends nothing to the θ-weighting.
const NO_SIDE: (f64, f64) = (0.0, 0.0);

/// Flow depth across a face: the higher surface over the higher bed (m).
#[inline]
fn flow_depth(za: f64, ha: f64, zb: f64, hb: f64) -> f64 {
    (za + ha).max(zb + hb) - za.max(zb)
}

/// Discharge across an interior face between cell a (west/south) and b.
/// `side`: the discharge and flow depth of the two faces beside it along
/// the flow (for θ < 1). The θ-weighting averages their *velocities* and
/// applies them to this face's own flow depth (de Almeida et al. 2012
/// average the discharges): a face over a dike crest carrying a film of
/// rain borrows the river's speed, not its discharge, so θ < 1 cannot carry
/// river water over a higher or dry bed; a side face that is dry lends this
/// face's own velocity.
#[allow(clippy::too_many_arguments)]
#[inline]
fn face_flux(
    za: f64,
    ha: f64,
    zb: f64,
    hb: f64,
    n2: f64,
    q: f64,
    side: [(f64, f64); 2],
    dt: f64,
    dx: f64,
    p: Params,
) -> f64 {
    let (ea, eb) = (za + ha, zb + hb);
    let hf = ea.max(eb) - za.max(zb);
    if hf <= p.h_flow_min {
        return 0.0;
    }
    let qs = if p.theta < 1.0 {
        let lend = |(qn, hn): (f64, f64)| if hn > p.h_flow_min { qn * (hf / hn).min(1.0) } else { q };
        p.theta * q + (1.0 - p.theta) * 0.5 * (lend(side[0]) + lend(side[1]))
    } else {
        q
    };
    (qs - G * hf * dt * (eb - ea) / dx) / (1.0 + G * dt * n2 * q.abs() / pow73(hf))
}

/// Wave speed |q|/h_f + √(g·h_f) across a face between cells a and b.
#[inline]
fn face_wave(za: f64, ha: f64, zb: f64, hb: f64, q: f64) -> f64 {
    let hf = (za + ha).max(zb + hb) - za.max(zb);
    // Films thinner than 5 cm are not resolved by the scheme and would only shrink the step.
    if hf > 0.05 { q.abs() / hf + (G * hf).sqrt() } else { 0.0 }
}

/// Discharge across a grid edge next to cell (z, h); `out` is +1 when positive
/// discharge leaves the grid (east/north) and −1 when it enters (west/south).
#[allow(clippy::too_many_arguments)]
#[inline]
fn edge_flux(edge: Edge, z: f64, h: f64, n2: f64, q: f64, out: f64, dt: f64, dx: f64, p: Params) -> f64 {
    match edge {
        Edge::Closed => 0.0,
        Edge::FreeOutflow { slope } => {
            // A ghost cell beyond the edge, lower by slope·dx, as deep as this one.
            let ghost_z = z - slope * dx;
            let qn = out * face_flux(z, h, ghost_z, h, n2, out * q, [NO_SIDE; 2], dt, dx, p);
            // Only outflow.
            if qn * out > 0.0 { qn } else { 0.0 }
        }
        Edge::FixedLevel(level) => {
            let hg = (level - z).max(0.0);
            out * face_flux(z, h, z, hg, n2, out * q, [NO_SIDE; 2], dt, dx, p)
        }
    }
}
