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
//! `advance(T)` sub-steps with `dt = α·dx/√(g·h_max)` (α = 0.5 by default,
//! Bates et al. 2010 recommend 0.2–0.7) so that the total lands on `T`.
//! The three stages run in two passes over the grid (1 and 2 by bands of
//! rows, then 2's scaling with 3; see `inertial_step`). Each pass reads
//! only arrays the other writes and writes its own rows, so the rayon
//! row-parallel passes give the same bits for any thread count; the
//! reductions (max depth, volume) are order-independent or sequential.
//! Friction needs `h_f^(7/3)` per wet face: its cube root is two Halley
//! steps (`cbrt_pos`), not the correctly rounded `libm::cbrt`, which took a
//! third of the step.

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
    /// et al. 2012 use 0.7–0.9). The default, θ = 0.8 with α = 0.5, settles
    /// every pond of the stability sweep (cells 1–50 m, depths 0.5–20 m,
    /// tests/flood_verification.rs). θ = 1 (`Params::bates()`) does not
    /// damp: a block of water released on 5 m cells sloshed on at a third
    /// of its depth, and on 10 m cells a 1.25 m block grew; it also carried
    /// 1.3–2.2 times the broad-crested weir discharge over a dike breach on
    /// 10–20 m cells (tests/flood_verification.rs). A side face lends at
    /// most what this face's flow depth carries (see `face_flux`), so θ < 1
    /// carries no river water over a dike crest wet with rain.
    pub theta: f64,
    /// CFL factor α (local-inertial: dt = α·dx / the fastest of √(g·h_max)
    /// and |u| + √(g·h); default 0.5 — with θ < 1, α = 0.7 grew in the
    /// sweep, so θ < 1 takes at most 0.6; θ = 1 takes 0.7), or the Courant
    /// number of the Godunov solver (fastest |u| + √(g·h) over a cell times dt/dx,
    /// default 0.45).
    pub alpha: f64,
    /// Faces with a smaller flow depth carry no water (m).
    pub h_flow_min: f64,
    /// Longest sub-step (s), for dry or very shallow grids.
    pub dt_max: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params { solver: Solver::Inertial, theta: 0.8, alpha: 0.5, h_flow_min: 1e-3, dt_max: 5.0 }
    }
}

impl Params {
    /// Bates et al.'s original local-inertial scheme (θ = 1, α = 0.7):
    /// undamped; a scenario asks for it with `theta: 1`.
    pub fn bates() -> Self {
        Params { theta: 1.0, alpha: 0.7, ..Params::default() }
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
    /// The local-inertial step's new depths, swapped into `h`.
    h_next: Vec<f64>,
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
            h_next: vec![0.0; nx * ny],
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
        if !(hmax >= 0.0 && self.wave >= 0.0) {
            // A broken (NaN) state: no step is stable, so the drill stalls
            // instead of stepping on at `dt_max`.
            return f64::NAN;
        }
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

    /// The local-inertial step in two passes over the grid (each row-
    /// parallel, each reading only arrays the other writes):
    /// 1. by bands of rows: the new face discharges (`qx_new`, `qy_new`)
    ///    and each cell's positivity share (`limit`); a band's last row
    ///    needs the north faces of the next band, which it recomputes (the
    ///    same expression on the same inputs: the same bits);
    /// 2. by rows: the faces scaled by their donor's share (into `qx`,
    ///    `qy`), the new depths (into `h_next`, swapped in), the deepest
    ///    water and the fastest face wave for the next step.
    ///
    /// Every value is computed by the same expression as in three separate
    /// passes, so the result does not depend on the bands or the threads.
    fn inertial_step(&mut self, dt: f64, source_sum: f64) {
        let (nx, ny) = (self.nx, self.ny);
        let f = Faces {
            nx,
            ny,
            dx: self.dx,
            dt,
            p: self.params,
            edges: self.edges,
            z: &self.z,
            h: &self.h,
            n2: &self.n2,
            qx: &self.qx,
            qy: &self.qy,
        };
        // 1. Face discharges and positivity shares.
        let (qy_rows, qy_top) = self.qy_new.split_at_mut(ny * nx);
        self.qx_new
            .par_chunks_mut(BAND * (nx + 1))
            .zip(qy_rows.par_chunks_mut(BAND * nx))
            .zip(self.limit.par_chunks_mut(BAND * nx))
            .enumerate()
            .for_each(|(b, ((qx, qy), limit))| {
                let (j0, rows) = (b * BAND, limit.len() / nx);
                for r in 0..rows {
                    f.x_row(j0 + r, &mut qx[r * (nx + 1)..(r + 1) * (nx + 1)]);
                    f.y_row(j0 + r, &mut qy[r * nx..(r + 1) * nx]);
                    if r > 0 {
                        let north = &qy[r * nx..(r + 1) * nx];
                        f.shares(
                            j0 + r - 1,
                            &qx[(r - 1) * (nx + 1)..r * (nx + 1)],
                            &qy[(r - 1) * nx..r * nx],
                            north,
                            &mut limit[(r - 1) * nx..r * nx],
                        );
                    }
                }
                let r = rows - 1;
                let (row_qx, row_qy) = (&qx[r * (nx + 1)..(r + 1) * (nx + 1)], &qy[r * nx..(r + 1) * nx]);
                for (i, l) in limit[r * nx..(r + 1) * nx].iter_mut().enumerate() {
                    let north = f.y_face(j0 + rows, i);
                    *l = drain_share(f.h[(j0 + r) * nx + i], [row_qx[i], row_qx[i + 1], row_qy[i], north], dt, f.dx);
                }
            });
        f.y_row(ny, qy_top);
        // 2. Scaled faces, depths, the deepest water and the fastest wave.
        let (qxn, qyn, limit, src) = (&self.qx_new, &self.qy_new, &self.limit, &self.source);
        let (z, h, per_dx) = (&self.z, &self.h, 1.0 / self.dx);
        // Y-face `jf` of column `i` scaled by its donor's share.
        let scaled_y = |jf: usize, i: usize| {
            let q = qyn[jf * nx + i];
            donor(q, jf, ny).map_or(q, |r| q * limit[r * nx + i])
        };
        let (qy_rows, qy_top) = self.qy.split_at_mut(ny * nx);
        let (hmax, wave) = self
            .qx
            .par_chunks_mut(nx + 1)
            .zip(qy_rows.par_chunks_mut(nx))
            .zip(self.h_next.par_chunks_mut(nx))
            .enumerate()
            .map(|(j, ((qx, qy), h_new))| {
                let (mut deepest, mut fastest) = (0.0f64, 0.0f64);
                // Positive flux leaves the west (south) cell, negative the east (north).
                for (i, q) in qx.iter_mut().enumerate() {
                    *q = qxn[j * (nx + 1) + i];
                    if let Some(c) = donor(*q, i, nx) {
                        *q *= limit[j * nx + c];
                    }
                    if i > 0 && i < nx {
                        let k = j * nx + i;
                        fastest = fastest.max(face_wave(z[k - 1], h[k - 1], z[k], h[k], *q));
                    }
                }
                for i in 0..nx {
                    let k = j * nx + i;
                    let (s, n) = (scaled_y(j, i), scaled_y(j + 1, i));
                    qy[i] = s;
                    if j > 0 {
                        fastest = fastest.max(face_wave(z[k - nx], h[k - nx], z[k], h[k], s));
                    }
                    let (w, e) = (qx[i], qx[i + 1]);
                    h_new[i] = (h[k] + dt * ((w - e + s - n) * per_dx + src[k])).max(0.0);
                    deepest = deepest.max(h_new[i]);
                }
                (deepest, fastest)
            })
            .reduce(|| (0.0, 0.0), |a, b| (a.0.max(b.0), a.1.max(b.1)));
        for (i, q) in qy_top.iter_mut().enumerate() {
            *q = scaled_y(ny, i);
        }
        std::mem::swap(&mut self.h, &mut self.h_next);
        self.finish_step(dt, source_sum, hmax, wave);
    }
}

/// Rows per band of the local-inertial step's first pass.
const BAND: usize = 16;

/// What the local-inertial step reads to compute face discharges: the state
/// before the step.
struct Faces<'a> {
    nx: usize,
    ny: usize,
    dx: f64,
    dt: f64,
    p: Params,
    edges: [Edge; 4],
    z: &'a [f64],
    h: &'a [f64],
    n2: &'a [f64],
    qx: &'a [f64],
    qy: &'a [f64],
}

impl Faces<'_> {
    /// The new discharges of row `j`'s x-faces (`nx + 1`, west edge first).
    fn x_row(&self, j: usize, out: &mut [f64]) {
        let (nx, p, dt, dx) = (self.nx, self.p, self.dt, self.dx);
        let q = &self.qx[j * (nx + 1)..(j + 1) * (nx + 1)];
        let z = &self.z[j * nx..(j + 1) * nx];
        let h = &self.h[j * nx..(j + 1) * nx];
        let n2 = &self.n2[j * nx..(j + 1) * nx];
        out[0] = edge_flux(self.edges[0], z[0], h[0], n2[0], q[0], -1.0, dt, dx, p);
        out[nx] = edge_flux(self.edges[1], z[nx - 1], h[nx - 1], n2[nx - 1], q[nx], 1.0, dt, dx, p);
        for i in 1..nx {
            // θ-weighting with the faces west and east of this one
            // (interior faces only; an edge face lends nothing).
            let side = if p.theta < 1.0 {
                let west =
                    if i >= 2 { (q[i - 1], flow_depth(z[i - 2], h[i - 2], z[i - 1], h[i - 1])) } else { NO_SIDE };
                let east = if i + 1 < nx { (q[i + 1], flow_depth(z[i], h[i], z[i + 1], h[i + 1])) } else { NO_SIDE };
                [west, east]
            } else {
                [NO_SIDE; 2]
            };
            out[i] = face_flux(z[i - 1], h[i - 1], z[i], h[i], 0.5 * (n2[i - 1] + n2[i]), q[i], side, dt, dx, p);
        }
    }

    /// The new discharges of the y-faces `j` (south of row `j`; `j = ny` is the north edge).
    fn y_row(&self, j: usize, out: &mut [f64]) {
        for (i, o) in out.iter_mut().enumerate() {
            *o = self.y_face(j, i);
        }
    }

    /// The new discharge of y-face `j` in column `i`.
    #[inline]
    fn y_face(&self, j: usize, i: usize) -> f64 {
        let (nx, ny, p, dt, dx) = (self.nx, self.ny, self.p, self.dt, self.dx);
        let (z, h, n2) = (self.z, self.h, self.n2);
        let q = self.qy[j * nx + i];
        if j == 0 {
            edge_flux(self.edges[2], z[i], h[i], n2[i], q, -1.0, dt, dx, p)
        } else if j == ny {
            let k = (ny - 1) * nx + i;
            edge_flux(self.edges[3], z[k], h[k], n2[k], q, 1.0, dt, dx, p)
        } else {
            let (a, b) = ((j - 1) * nx + i, j * nx + i);
            // θ-weighting with the faces south and north of this one.
            let side = if p.theta < 1.0 {
                let south = if j >= 2 {
                    let c = a - nx;
                    (self.qy[(j - 1) * nx + i], flow_depth(z[c], h[c], z[a], h[a]))
                } else {
                    NO_SIDE
                };
                let north = if j + 1 < ny {
                    let c = b + nx;
                    (self.qy[(j + 1) * nx + i], flow_depth(z[b], h[b], z[c], h[c]))
                } else {
                    NO_SIDE
                };
                [south, north]
            } else {
                [NO_SIDE; 2]
            };
            face_flux(z[a], h[a], z[b], h[b], 0.5 * (n2[a] + n2[b]), q, side, dt, dx, p)
        }
    }

    /// Row `j`'s positivity shares from its new faces.
    fn shares(&self, j: usize, qx: &[f64], south: &[f64], north: &[f64], out: &mut [f64]) {
        let h = &self.h[j * self.nx..(j + 1) * self.nx];
        for (i, l) in out.iter_mut().enumerate() {
            *l = drain_share(h[i], [qx[i], qx[i + 1], south[i], north[i]], self.dt, self.dx);
        }
    }
}

/// `h^(7/3)` without a general power function.
#[inline]
fn pow73(h: f64) -> f64 {
    h * h * cbrt_pos(h)
}

/// The cube root of a positive normal number to within 32 ulp (7e-15,
/// checked against the correctly rounded `libm::cbrt` in the tests; far
/// below what the friction term needs): the exponent divided by three in
/// the bits (Kahan; a few per cent), then two Halley steps, each cubing the
/// error. `libm::cbrt` took about a third of the local-inertial step; this
/// takes about a third of that. Plain IEEE operations: the same bits on
/// every machine.
#[inline]
fn cbrt_pos(x: f64) -> f64 {
    let mut y = f64::from_bits(x.to_bits() / 3 + 0x2A9F_7893_782D_A1CE);
    for _ in 0..2 {
        // y·(y³ + 2x)/(2y³ + x), written as a correction so it rounds once.
        let y3 = y * y * y;
        y -= y * (y3 - x) / (2.0 * y3 + x);
    }
    y
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
/// the flow (for θ < 1). de Almeida et al. (2012) average their discharges;
/// here a side face lends at most what this face's own flow depth carries,
/// `q_n·min(1, h_f/h_n)`, so a face over a dike crest wet with rain cannot
/// borrow the river's discharge; a dry side face lends this face's own.
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast cube root agrees with `libm::cbrt` to 32 ulp over the flow
    /// depths the kernel can meet (1 mm to 1 km), and more widely (measured:
    /// 28 ulp at worst).
    #[test]
    fn the_fast_cube_root_is_within_32_ulp() {
        let mut x = 1e-6;
        let mut worst = 0.0f64;
        while x < 1e6 {
            let (fast, exact) = (cbrt_pos(x), libm::cbrt(x));
            worst = worst.max((fast - exact).abs() / (exact * f64::EPSILON));
            x *= 1.000_731;
        }
        assert!(worst <= 32.0, "worst error {worst} ulp");
    }

    /// The fused two-pass step does not depend on how the rows fall into
    /// bands: a grid of fewer rows than a band, one of exactly a band and one
    /// with a short last band give the same water as the same grid stepped
    /// as columns (transposed), cell for cell to rounding.
    #[test]
    fn bands_do_not_change_the_water() {
        for ny in [3usize, BAND, BAND + 1, 2 * BAND + 5] {
            let nx = 9;
            let bed: Vec<f64> = (0..nx * ny).map(|k| 0.01 * ((k * 37) % 11) as f64).collect();
            let bed_t: Vec<f64> = (0..nx * ny).map(|k| bed[(k % ny) * nx + k / ny]).collect();
            let mut a = Shallow::new(nx, ny, 2.0, bed, &vec![0.03; nx * ny]);
            let mut b = Shallow::new(ny, nx, 2.0, bed_t, &vec![0.03; nx * ny]);
            for k in 0..nx * ny {
                let (i, j) = (k % nx, k / nx);
                let depth = if i < 3 && j < 2 { 1.0 } else { 0.1 };
                a.h[k] = depth;
                b.h[i * ny + j] = depth;
            }
            (b.edges[0], b.edges[2]) = (Edge::FixedLevel(0.6), Edge::FreeOutflow { slope: 0.01 });
            (a.edges[2], a.edges[0]) = (Edge::FixedLevel(0.6), Edge::FreeOutflow { slope: 0.01 });
            a.advance(60.0);
            b.advance(60.0);
            for k in 0..nx * ny {
                let (i, j) = (k % nx, k / nx);
                assert!((a.h[k] - b.h[i * ny + j]).abs() < 1e-12, "ny {ny} cell ({i},{j})");
            }
            assert!(a.volume() > 0.0 && (a.volume() - b.volume()).abs() < 1e-9);
        }
    }
}
