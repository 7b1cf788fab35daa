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
//! Bates et al. 2010 recommend 0.2–0.7) so that the total lands on `T`;
//! a drill's clock uses `advance_leading`, whose last step may end past
//! the tick instead of a short step landing on it. With local steps on
//! (`set_local_steps`, `multirate`), cells far from the fastest water
//! step once in four of those steps.
//! The three stages run in two passes over the grid (1 and 2 by bands of
//! rows, then 2's scaling with 3; see `inertial_step`). Each pass reads
//! only arrays the other writes and writes its own rows, so the rayon
//! row-parallel passes give the same bits for any thread count; the
//! reductions (max depth, volume) are order-independent or sequential.
//! Friction needs `h_f^(7/3)` per wet face: its cube root is two Halley
//! steps (`lanes::cbrt_pos`), not the correctly rounded `libm::cbrt`, which
//! took a third of the step. A face's discharge is one further division
//! (`lanes::wet_flux`, `lanes::weighted`): three per face in all, where
//! there had been seven; the divider's latency bounds the face pass.

use rayon::prelude::*;

mod multirate;

use super::edge::donor;
pub use super::edge::{Edge, G};
use super::lanes::{self, FaceLine, StepConsts};

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
    /// Working rows of the local-inertial step's bands (flow depths, the
    /// next band's first faces), kept between steps.
    band_scratch: Vec<f64>,
    /// Per cell source rate (m/s), set by the caller before `advance`.
    pub source: Vec<f64>,
    /// West, east, south, north.
    pub edges: [Edge; 4],
    pub params: Params,
    pub balance: Balance,
    pub time: f64,
    pub substeps: u64,
    /// Cells stepped so far: every cell each step, or with local steps
    /// only the cells a fine step touches.
    pub cell_steps: u64,
    /// Fastest |u| + √(g·h) over the faces in the last step (m/s).
    wave: f64,
    /// Deepest water after the last step; `None` before the first (depths
    /// set by hand are then read afresh).
    hmax: Option<f64>,
    /// Local time steps (`set_local_steps`), when on.
    multirate: Option<Multirate>,
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
            band_scratch: Vec::new(),
            source: vec![0.0; nx * ny],
            edges: [Edge::Closed; 4],
            params: Params::default(),
            balance: Balance::default(),
            time: 0.0,
            substeps: 0,
            cell_steps: 0,
            wave: 0.0,
            hmax: None,
            multirate: None,
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
        // Within a cycle of local steps, its fine step.
        if let Some(delta) = self.multirate.as_ref().and_then(|m| m.in_cycle()) {
            return delta;
        }
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
        self.advance_by(total, None, max_steps).map(|(n, _)| n)
    }

    /// `advance_capped` for a clock that calls it every `total` seconds,
    /// without a short step to land on each call's end: every step is a
    /// whole stable step (or shorter only to stay within the lead below),
    /// and the last may end past `total`. `ahead` is how far past the
    /// clock the water already is (what the last call returned, 0 at the
    /// start); returns the steps taken and how far past `total` the water
    /// now is: less than the last stable step, and at most `total`, so the
    /// water is never more than one call ahead of the clock and never
    /// behind it. Where the stable step is a little under the clock's
    /// (0.8–1 s on a 1 s tick), landing on each tick took two steps a tick,
    /// one of them short; this takes `total` over the stable step (about
    /// 1.1). An order or a script change at a tick reaches the water at
    /// its next step, which starts at or after that tick: never before.
    pub fn advance_leading(&mut self, total: f64, ahead: f64, max_steps: u64) -> Result<(u64, f64), f64> {
        self.advance_by(total - ahead, Some(total), max_steps)
    }

    /// The stepping loop: `left` seconds in stable steps, the last landing
    /// on the end (`lead: None`: a step shorter than 1.01 stable steps takes
    /// the rest) or running past it by at most `lead`. Returns the steps
    /// and how far past the end the water is.
    fn advance_by(&mut self, mut left: f64, lead: Option<f64>, max_steps: u64) -> Result<(u64, f64), f64> {
        let mut n = 0;
        // Sources are held for the whole call: summed once, by the first
        // step that books them (a local steps' fine step does not).
        let mut source_sum = None;
        while left > 0.0 {
            let dt = self.stable_dt();
            if !(dt > 0.0 && dt.is_finite()) || n >= max_steps {
                return Err(dt);
            }
            let dt = match lead {
                None if left <= dt * 1.01 => left,
                None => dt,
                Some(lead) => dt.min(left + lead),
            };
            self.step_with(dt, &mut source_sum);
            left -= dt;
            n += 1;
        }
        Ok((n, -left))
    }

    /// Turns local time steps on or off (`multirate`: cells far from the
    /// fastest water step once in four of its steps; the
    /// local-inertial solver only). Off, the kernel steps every cell every
    /// step.
    pub fn set_local_steps(&mut self, on: bool) {
        self.multirate = on.then(Default::default);
    }

    /// Velocity (m/s) at cell `k`, from the mean of its face discharges.
    pub fn velocity(&self, k: usize) -> (f64, f64) {
        crate::sim::exposure::cell_velocity(self.nx, &self.h, &self.qx, &self.qy, k)
    }

    /// One step of length `dt`.
    pub fn step(&mut self, dt: f64) {
        self.step_with(dt, &mut None);
    }

    /// Takes `k`'s depth down to `to` (m), its momentum in proportion.
    pub fn drain_to(&mut self, k: usize, to: f64) {
        let s = if self.h[k] > 0.0 { to / self.h[k] } else { 0.0 };
        self.h[k] = to;
        self.hu[k] *= s;
        self.hv[k] *= s;
    }

    /// Σ `source`, worked out once into `cache` for a call that holds the
    /// sources (`None`: not yet).
    fn source_sum(&self, cache: &mut Option<f64>) -> f64 {
        *cache.get_or_insert_with(|| lanes::sum(&self.source))
    }

    /// One step; `source_sum` caches Σ `source` for the caller's steps.
    fn step_with(&mut self, dt: f64, source_sum: &mut Option<f64>) {
        match self.params.solver {
            Solver::Inertial if self.multirate.is_some() => self.multirate_step(dt, source_sum),
            Solver::Inertial => self.inertial_step(dt, self.source_sum(source_sum)),
            Solver::Godunov => {
                let source_sum = self.source_sum(source_sum);
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
        self.cell_steps += (self.nx * self.ny) as u64;
    }

    /// The local-inertial step in two passes over the grid (each row-
    /// parallel, each reading only arrays the other writes), their inner
    /// loops in `lanes`:
    /// 1. by bands of rows: the new face discharges (`qx_new`, `qy_new`)
    ///    and each cell's positivity share (`limit`); each face's flow depth
    ///    is worked out once per band (the θ-weighting reads its
    ///    neighbours'); a band's last row needs the north faces of the next
    ///    band, which it recomputes (the same expression on the same
    ///    inputs: the same bits);
    /// 2. by bands of rows: the faces scaled by their donor's share (into
    ///    `qx`, `qy`), the new depths (into `h_next`, swapped in), the
    ///    deepest water and the fastest face wave for the next step.
    ///
    /// Every value is computed by the same expression as the face-by-face
    /// formulation the tests keep (`tests::reference_step`), so the result
    /// does not depend on the bands, the threads or the vector width. The
    /// fastest wave is the one exception: its face is found by crosswise
    /// comparison of fractions, within a few ulp of the reference's
    /// maximum, and the same for any band or thread count (the bands and
    /// the eight lanes are fixed; the maximum over them is exact).
    fn inertial_step(&mut self, dt: f64, source_sum: f64) {
        self.faces_and_shares(dt);
        let (hmax, wave) = self.scale_and_depths(dt);
        std::mem::swap(&mut self.h, &mut self.h_next);
        self.finish_step(dt, source_sum, hmax, wave);
    }

    /// The band scratch's rows per band for pass 1 and pass 2 (allocated
    /// on the first step).
    fn band_rows(&mut self) -> (usize, usize, usize) {
        let (nx, ny) = (self.nx, self.ny);
        let bands = ny.div_ceil(BAND);
        let (per1, per2) = ((BAND + 3) * nx + (nx + 1) + nx, nx);
        if self.band_scratch.len() != bands * (per1 + per2) {
            self.band_scratch = vec![0.0; bands * (per1 + per2)];
        }
        (bands, per1, per2)
    }

    /// Pass 1 of `inertial_step`: every face's new discharge for a step of
    /// `dt` (`qx_new`, `qy_new`) and every cell's positivity share (`limit`).
    fn faces_and_shares(&mut self, dt: f64) {
        let (nx, ny) = (self.nx, self.ny);
        let (bands, per1, _) = self.band_rows();
        let (scratch1, _) = self.band_scratch.split_at_mut(bands * per1);
        let f = Faces {
            nx,
            ny,
            k: StepConsts::new(dt, self.dx, self.params.theta, self.params.h_flow_min),
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
            .zip(scratch1.par_chunks_mut(per1))
            .enumerate()
            .for_each(|(b, (((qx, qy), limit), scratch))| {
                let (j0, rows) = (b * BAND, limit.len() / nx);
                let (hfy, rest) = scratch.split_at_mut((BAND + 3) * nx);
                let (hfx, north) = rest.split_at_mut(nx + 1);
                // Row t of `hfy`: the flow depths of y-faces j0 − 1 + t.
                for t in 0..rows + 3 {
                    f.y_depths((j0 + t).wrapping_sub(1), &mut hfy[t * nx..(t + 1) * nx]);
                }
                for r in 0..rows {
                    f.x_row(j0 + r, hfx, &mut qx[r * (nx + 1)..(r + 1) * (nx + 1)]);
                    f.y_row(j0 + r, &hfy[r * nx..(r + 3) * nx], &mut qy[r * nx..(r + 1) * nx]);
                    if r > 0 {
                        f.shares(
                            j0 + r - 1,
                            &qx[(r - 1) * (nx + 1)..r * (nx + 1)],
                            &qy[(r - 1) * nx..r * nx],
                            &qy[r * nx..(r + 1) * nx],
                            &mut limit[(r - 1) * nx..r * nx],
                        );
                    }
                }
                let r = rows - 1;
                f.y_row(j0 + rows, &hfy[rows * nx..(rows + 3) * nx], north);
                f.shares(
                    j0 + r,
                    &qx[r * (nx + 1)..(r + 1) * (nx + 1)],
                    &qy[r * nx..(r + 1) * nx],
                    north,
                    &mut limit[r * nx..(r + 1) * nx],
                );
            });
        f.y_row(ny, &[], qy_top);
    }

    /// Pass 2 of `inertial_step`: the faces scaled by their donors' shares
    /// (into `qx`, `qy`) and the new depths after `dt` (into `h_next`);
    /// returns the deepest water and the fastest wave.
    fn scale_and_depths(&mut self, dt: f64) -> (f64, f64) {
        let (nx, ny) = (self.nx, self.ny);
        let (bands, per1, per2) = self.band_rows();
        let (_, scratch2) = self.band_scratch.split_at_mut(bands * per1);
        // 2. Scaled faces, depths, the deepest water and the fastest wave.
        let (qxn, qyn, limit, src) = (&self.qx_new, &self.qy_new, &self.limit, &self.source);
        let (z, h, per_dx) = (&self.z, &self.h, 1.0 / self.dx);
        // The y-faces `jf` scaled by their donors' shares, into `out`;
        // returns the fastest wave across them (interior faces only).
        let scaled_y = |jf: usize, out: &mut [f64], wave: bool| {
            let q = &qyn[jf * nx..(jf + 1) * nx];
            if jf == 0 || jf == ny {
                for (i, o) in out.iter_mut().enumerate() {
                    *o = donor(q[i], jf, ny).map_or(q[i], |r| q[i] * limit[r * nx + i]);
                }
                0.0
            } else if wave {
                let (a, b) = (jf - 1, jf);
                lanes::scale_and_wave(
                    q,
                    row_of(limit, nx, a),
                    row_of(limit, nx, b),
                    row_of(z, nx, a),
                    row_of(h, nx, a),
                    row_of(z, nx, b),
                    row_of(h, nx, b),
                    out,
                )
            } else {
                lanes::scale(q, row_of(limit, nx, jf - 1), row_of(limit, nx, jf), out);
                0.0
            }
        };
        let (qy_rows, qy_top) = self.qy.split_at_mut(ny * nx);
        let (hmax, wave) = self
            .qx
            .par_chunks_mut(BAND * (nx + 1))
            .zip(qy_rows.par_chunks_mut(BAND * nx))
            .zip(self.h_next.par_chunks_mut(BAND * nx))
            .zip(scratch2.par_chunks_mut(per2))
            .enumerate()
            .map(|(b, (((qx, qy), h_new), north))| {
                let (j0, rows) = (b * BAND, h_new.len() / nx);
                let mut fastest = 0.0f64;
                // The band's faces: each row's x-faces and south faces.
                for r in 0..rows {
                    let j = j0 + r;
                    let qx = &mut qx[r * (nx + 1)..(r + 1) * (nx + 1)];
                    let qxn = &qxn[j * (nx + 1)..(j + 1) * (nx + 1)];
                    let lim = row_of(limit, nx, j);
                    // Positive flux leaves the west (south) cell, negative the east (north).
                    for i in [0, nx] {
                        qx[i] = donor(qxn[i], i, nx).map_or(qxn[i], |c| qxn[i] * lim[c]);
                    }
                    let (zr, hr) = (row_of(z, nx, j), row_of(h, nx, j));
                    fastest = fastest.max(lanes::scale_and_wave(
                        &qxn[1..nx],
                        &lim[..nx - 1],
                        &lim[1..],
                        &zr[..nx - 1],
                        &hr[..nx - 1],
                        &zr[1..],
                        &hr[1..],
                        &mut qx[1..nx],
                    ));
                    fastest = fastest.max(scaled_y(j, &mut qy[r * nx..(r + 1) * nx], true));
                }
                // The north faces of its last row belong to the next band
                // (or are the north edge): scaled here as well.
                scaled_y(j0 + rows, &mut *north, false);
                // The depths: a row's north faces are the next row's south.
                let (qx, qy, north) = (&*qx, &*qy, &*north);
                let mut deepest = 0.0f64;
                for r in 0..rows {
                    let j = j0 + r;
                    deepest = deepest.max(lanes::depths(
                        row_of(h, nx, j),
                        &qx[r * (nx + 1)..(r + 1) * (nx + 1)],
                        &qy[r * nx..(r + 1) * nx],
                        if r + 1 < rows { &qy[(r + 1) * nx..(r + 2) * nx] } else { north },
                        row_of(src, nx, j),
                        dt,
                        per_dx,
                        &mut h_new[r * nx..(r + 1) * nx],
                    ));
                }
                (deepest, fastest)
            })
            .reduce(|| (0.0, 0.0), |a, b| (a.0.max(b.0), a.1.max(b.1)));
        scaled_y(ny, qy_top, false);
        (hmax, wave)
    }
}

/// The current cycle of local time steps (`multirate`, which steps it).
#[derive(Debug, Clone, Default)]
struct Multirate {
    /// The fine step within the cycle (0: its first, when coarse faces step).
    phase: u32,
    /// The fine step δ (s): the stable step when the cycle started.
    delta: f64,
    /// The step under way (s): δ, or less where the caller's clock ends.
    fine: f64,
    /// Per row, its fine cells `[a, b)`.
    cells: Vec<(usize, usize)>,
    /// Per row, its fast cells before widening (scratch).
    raw: Vec<(usize, usize)>,
    /// Per row of y-faces (`ny + 1`), its fine faces `[a, b)`.
    yfaces: Vec<(usize, usize)>,
    /// Per row, the cells fine faces touch `[a, b)`.
    touched: Vec<(usize, usize)>,
    /// Deepest water and fastest wave over the cycle so far.
    hmax: f64,
    wave: f64,
    /// Cycles with coarse cells so far.
    cycles: u64,
    /// Ordinary steps to take before the cells are worked out again, after
    /// too many of them were fine for local steps to pay.
    backoff: u32,
    /// The largest share of fine cells a cycle takes (`None`: the local steps' `MOST_FINE`).
    most_fine: Option<f64>,
    /// Cycles since the cells were last classified, and δ then.
    age: u32,
    classified_at: f64,
}

/// Row `j` of a grid array `nx` wide.
#[inline]
fn row_of(a: &[f64], nx: usize, j: usize) -> &[f64] {
    &a[j * nx..(j + 1) * nx]
}

/// Rows per band of the local-inertial step's passes.
const BAND: usize = 16;

/// What the local-inertial step reads to compute face discharges: the state
/// before the step.
struct Faces<'a> {
    nx: usize,
    ny: usize,
    k: StepConsts,
    edges: [Edge; 4],
    z: &'a [f64],
    h: &'a [f64],
    n2: &'a [f64],
    qx: &'a [f64],
    qy: &'a [f64],
}

impl Faces<'_> {
    /// The new discharges of row `j`'s x-faces (`nx + 1`, west edge first);
    /// `hf` (`nx + 1`) is scratch for their flow depths.
    fn x_row(&self, j: usize, hf: &mut [f64], out: &mut [f64]) {
        let (nx, k) = (self.nx, self.k);
        let q = &self.qx[j * (nx + 1)..(j + 1) * (nx + 1)];
        let z = &self.z[j * nx..(j + 1) * nx];
        let h = &self.h[j * nx..(j + 1) * nx];
        let n2 = &self.n2[j * nx..(j + 1) * nx];
        out[0] = edge_flux(self.edges[0], z[0], h[0], n2[0], q[0], -1.0, k);
        out[nx] = edge_flux(self.edges[1], z[nx - 1], h[nx - 1], n2[nx - 1], q[nx], 1.0, k);
        // An edge face lends nothing to the θ-weighting: depth 0.
        (hf[0], hf[nx]) = (0.0, 0.0);
        lanes::flow_depths(&z[..nx - 1], &h[..nx - 1], &z[1..], &h[1..], &mut hf[1..nx]);
        let line = FaceLine {
            za: &z[..nx - 1],
            ha: &h[..nx - 1],
            zb: &z[1..],
            hb: &h[1..],
            n2a: &n2[..nx - 1],
            n2b: &n2[1..],
            q: &q[1..nx],
            hf: &hf[1..nx],
            q_before: &q[..nx - 1],
            hf_before: &hf[..nx - 1],
            q_after: &q[2..],
            hf_after: &hf[2..],
        };
        lanes::face_fluxes(&line, self.k, &mut out[1..nx]);
    }

    /// The flow depths of the y-faces `jf` (0 for an edge face, which lends
    /// nothing to the θ-weighting, and beyond the grid).
    fn y_depths(&self, jf: usize, out: &mut [f64]) {
        let nx = self.nx;
        if jf == 0 || jf >= self.ny {
            out.fill(0.0);
        } else {
            let (a, b) = ((jf - 1) * nx, jf * nx);
            let (z, h) = (self.z, self.h);
            lanes::flow_depths(&z[a..b], &h[a..b], &z[b..b + nx], &h[b..b + nx], out);
        }
    }

    /// The new discharges of the y-faces `j` (south of row `j`; `j = ny` is
    /// the north edge); `hf` holds the flow depths of the y-faces `j − 1`,
    /// `j` and `j + 1` (unused on an edge).
    fn y_row(&self, j: usize, hf: &[f64], out: &mut [f64]) {
        let (nx, ny, k) = (self.nx, self.ny, self.k);
        let (z, h, n2, qy) = (self.z, self.h, self.n2, self.qy);
        if j == 0 || j == ny {
            let (edge, r, dir) = if j == 0 { (self.edges[2], 0, -1.0) } else { (self.edges[3], ny - 1, 1.0) };
            for (i, o) in out.iter_mut().enumerate() {
                let c = r * nx + i;
                *o = edge_flux(edge, z[c], h[c], n2[c], qy[j * nx + i], dir, k);
            }
            return;
        }
        let (a, b) = ((j - 1) * nx, j * nx);
        let line = FaceLine {
            za: &z[a..b],
            ha: &h[a..b],
            zb: &z[b..b + nx],
            hb: &h[b..b + nx],
            n2a: &n2[a..b],
            n2b: &n2[b..b + nx],
            q: &qy[b..b + nx],
            hf: &hf[nx..2 * nx],
            q_before: &qy[a..b],
            hf_before: &hf[..nx],
            q_after: &qy[b + nx..b + 2 * nx],
            hf_after: &hf[2 * nx..3 * nx],
        };
        lanes::face_fluxes(&line, self.k, out);
    }

    /// Row `j`'s positivity shares from its new faces.
    fn shares(&self, j: usize, qx: &[f64], south: &[f64], north: &[f64], out: &mut [f64]) {
        let h = &self.h[j * self.nx..(j + 1) * self.nx];
        lanes::shares(h, qx, south, north, self.k.dt, self.k.dx, out);
    }
}

/// A neighbouring face that lends nothing to the θ-weighting.
const NO_SIDE: (f64, f64) = (0.0, 0.0);

/// Discharge across an interior face between cell a (west/south) and b.
/// `side`: the discharge and flow depth of the two faces beside it along
/// the flow (for θ < 1). de Almeida et al. (2012) average their discharges;
/// here a side face lends at most what this face's own flow depth carries,
/// `q_n·min(1, h_f/h_n)`, so a face over a dike crest wet with rain cannot
/// borrow the river's discharge; a dry side face lends this face's own.
#[allow(clippy::too_many_arguments)]
#[inline]
fn face_flux(za: f64, ha: f64, zb: f64, hb: f64, n2: f64, q: f64, side: [(f64, f64); 2], k: StepConsts) -> f64 {
    let (ea, eb) = (za + ha, zb + hb);
    let hf = ea.max(eb) - za.max(zb);
    if hf <= k.h_flow_min {
        return 0.0;
    }
    let (qs, den) =
        if k.theta < 1.0 { lanes::weighted(q, hf, side[0].0, side[0].1, side[1].0, side[1].1, k) } else { (q, 1.0) };
    lanes::wet_flux(qs, den, q, hf, hf, ea, eb, n2, k)
}

/// Discharge across a grid edge next to cell (z, h); `out` is +1 when positive
/// discharge leaves the grid (east/north) and −1 when it enters (west/south).
#[allow(clippy::too_many_arguments)]
#[inline]
fn edge_flux(edge: Edge, z: f64, h: f64, n2: f64, q: f64, out: f64, k: StepConsts) -> f64 {
    match edge {
        Edge::Closed => 0.0,
        Edge::FreeOutflow { slope } => {
            // A ghost cell beyond the edge, lower by slope·dx, as deep as this one.
            let ghost_z = z - slope * k.dx;
            let qn = out * face_flux(z, h, ghost_z, h, n2, out * q, [NO_SIDE; 2], k);
            // Only outflow.
            if qn * out > 0.0 { qn } else { 0.0 }
        }
        Edge::FixedLevel(level) => {
            let hg = (level - z).max(0.0);
            out * face_flux(z, h, z, hg, n2, out * q, [NO_SIDE; 2], k)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::edge::drain_share;
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Flow depth across a face: the higher surface over the higher bed (m).
    #[inline]
    fn flow_depth(za: f64, ha: f64, zb: f64, hb: f64) -> f64 {
        (za + ha).max(zb + hb) - za.max(zb)
    }

    /// Wave speed |q|/h_f + √(g·h_f) across a face between cells a and b.
    #[inline]
    fn face_wave(za: f64, ha: f64, zb: f64, hb: f64, q: f64) -> f64 {
        let hf = (za + ha).max(zb + hb) - za.max(zb);
        // Films thinner than 5 cm are not resolved by the scheme and would only shrink the step.
        if hf > 0.05 { q.abs() / hf + (G * hf).sqrt() } else { 0.0 }
    }
    /// The local-inertial step face by face in plain passes (faces, shares,
    /// scaling, depths), as it was written before its loops were
    /// vectorised: the reference the step must equal bit for bit. Returns
    /// the new depths, x- and y-face discharges, deepest water and fastest
    /// wave.
    fn reference_step(m: &Shallow, dt: f64) -> (Vec<f64>, Vec<f64>, Vec<f64>, f64, f64) {
        let (nx, ny, dx, p) = (m.nx, m.ny, m.dx, m.params);
        let sc = StepConsts::new(dt, dx, p.theta, p.h_flow_min);
        let (z, h, n2) = (&m.z, &m.h, &m.n2);
        let damped = p.theta < 1.0;
        let mut qx = vec![0.0; (nx + 1) * ny];
        for j in 0..ny {
            for i in 0..=nx {
                let (k, q) = (j * nx, m.qx[j * (nx + 1) + i]);
                qx[j * (nx + 1) + i] = if i == 0 {
                    edge_flux(m.edges[0], z[k], h[k], n2[k], q, -1.0, sc)
                } else if i == nx {
                    let k = k + nx - 1;
                    edge_flux(m.edges[1], z[k], h[k], n2[k], q, 1.0, sc)
                } else {
                    let (a, b) = (k + i - 1, k + i);
                    let west = if i >= 2 && damped {
                        (m.qx[j * (nx + 1) + i - 1], flow_depth(z[a - 1], h[a - 1], z[a], h[a]))
                    } else {
                        NO_SIDE
                    };
                    let east = if i + 1 < nx && damped {
                        (m.qx[j * (nx + 1) + i + 1], flow_depth(z[b], h[b], z[b + 1], h[b + 1]))
                    } else {
                        NO_SIDE
                    };
                    face_flux(z[a], h[a], z[b], h[b], 0.5 * (n2[a] + n2[b]), q, [west, east], sc)
                };
            }
        }
        let mut qy = vec![0.0; nx * (ny + 1)];
        for j in 0..=ny {
            for i in 0..nx {
                let q = m.qy[j * nx + i];
                qy[j * nx + i] = if j == 0 {
                    edge_flux(m.edges[2], z[i], h[i], n2[i], q, -1.0, sc)
                } else if j == ny {
                    let k = (ny - 1) * nx + i;
                    edge_flux(m.edges[3], z[k], h[k], n2[k], q, 1.0, sc)
                } else {
                    let (a, b) = ((j - 1) * nx + i, j * nx + i);
                    let south = if j >= 2 && damped {
                        (m.qy[(j - 1) * nx + i], flow_depth(z[a - nx], h[a - nx], z[a], h[a]))
                    } else {
                        NO_SIDE
                    };
                    let north = if j + 1 < ny && damped {
                        (m.qy[(j + 1) * nx + i], flow_depth(z[b], h[b], z[b + nx], h[b + nx]))
                    } else {
                        NO_SIDE
                    };
                    face_flux(z[a], h[a], z[b], h[b], 0.5 * (n2[a] + n2[b]), q, [south, north], sc)
                };
            }
        }
        let limit: Vec<f64> = (0..nx * ny)
            .map(|k| {
                let (i, j) = (k % nx, k / nx);
                let faces = [qx[j * (nx + 1) + i], qx[j * (nx + 1) + i + 1], qy[j * nx + i], qy[(j + 1) * nx + i]];
                drain_share(h[k], faces, dt, dx)
            })
            .collect();
        for j in 0..ny {
            for i in 0..=nx {
                let q = &mut qx[j * (nx + 1) + i];
                if let Some(c) = donor(*q, i, nx) {
                    *q *= limit[j * nx + c];
                }
            }
        }
        for jf in 0..=ny {
            for i in 0..nx {
                let q = &mut qy[jf * nx + i];
                if let Some(r) = donor(*q, jf, ny) {
                    *q *= limit[r * nx + i];
                }
            }
        }
        let (mut h_new, mut deepest, mut fastest) = (vec![0.0; nx * ny], 0.0f64, 0.0f64);
        for j in 0..ny {
            for i in 0..nx {
                let k = j * nx + i;
                let (w, e, s, n) = (qx[j * (nx + 1) + i], qx[j * (nx + 1) + i + 1], qy[k], qy[k + nx]);
                if i > 0 {
                    fastest = fastest.max(face_wave(z[k - 1], h[k - 1], z[k], h[k], w));
                }
                if j > 0 {
                    fastest = fastest.max(face_wave(z[k - nx], h[k - nx], z[k], h[k], s));
                }
                h_new[k] = (h[k] + dt * ((w - e + s - n) * (1.0 / dx) + m.source[k])).max(0.0);
                deepest = deepest.max(h_new[k]);
            }
        }
        (h_new, qx, qy, deepest, fastest)
    }

    /// The banded, vectorised step equals the face-by-face reference bit
    /// for bit: depths, both faces' discharges, the deepest water and the
    /// fastest wave, step after step, on grids narrower and wider than the
    /// vector lanes and shorter and taller than a band, wet and dry cells
    /// side by side, every kind of edge, damped and undamped.
    #[test]
    fn the_vectorised_step_equals_the_face_by_face_reference() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut rand = move || rng.random::<f64>();
        let sizes = [(1, 1), (2, 3), (3, 1), (9, BAND + 1), (17, 2 * BAND + 5), (40, 37)];
        for (case, &(nx, ny)) in sizes.iter().enumerate() {
            for theta in [0.8, 1.0, 0.65] {
                let bed: Vec<f64> = (0..nx * ny).map(|_| 2.0 * rand()).collect();
                let manning: Vec<f64> = (0..nx * ny).map(|_| 0.02 + 0.06 * rand()).collect();
                let mut m = Shallow::new(nx, ny, 1.0 + 9.0 * rand(), bed, &manning);
                for k in 0..nx * ny {
                    // A third of the cells dry, some under a film.
                    m.h[k] = match k % 3 {
                        0 => 0.0,
                        1 => 0.002 * rand(),
                        _ => 3.0 * rand(),
                    };
                    m.source[k] = if k % 5 == 0 { 1e-4 * rand() } else { 0.0 };
                }
                m.params = Params { theta, ..Params::default() };
                m.edges = [
                    Edge::FreeOutflow { slope: 0.01 },
                    Edge::FixedLevel(1.5),
                    if case % 2 == 0 { Edge::Closed } else { Edge::FixedLevel(0.5) },
                    Edge::FreeOutflow { slope: 0.003 },
                ];
                for step in 0..25 {
                    let dt = m.stable_dt();
                    let (h, qx, qy, deepest, fastest) = reference_step(&m, dt);
                    m.step(dt);
                    let same = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits());
                    let at = format!("{nx}×{ny} θ {theta} step {step}");
                    assert!(same(&m.h, &h), "depths differ, {at}");
                    assert!(same(&m.qx, &qx), "x-faces differ, {at}");
                    assert!(same(&m.qy, &qy), "y-faces differ, {at}");
                    assert_eq!(m.hmax.map(f64::to_bits), Some(deepest.to_bits()), "deepest, {at}");
                    // The fastest face is found by crosswise comparison
                    // (`lanes::scale_and_wave`): where two waves differ in
                    // their last bits it may take either.
                    assert!((m.wave - fastest).abs() <= 4.0 * f64::EPSILON * fastest, "fastest wave, {at}");
                }
            }
        }
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
