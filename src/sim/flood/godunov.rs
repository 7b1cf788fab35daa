//! Shock-capturing shallow-water solver for the flood kernel: finite volumes
//! on the same grid as the local-inertial scheme, HLLC fluxes (Toro 2001,
//! *Shock-Capturing Methods for Free-Surface Shallow Flows*, §10.4),
//! hydrostatic reconstruction for wet/dry fronts and well-balancing
//! (Audusse, Bouchut, Bristeau, Klein & Perthame 2004, SIAM J. Sci. Comput.
//! 25:2050–2065), MUSCL second order with the minmod limiter on depth,
//! surface, and velocities (as FullSWOF does, Delestre et al. 2017), Heun's
//! (SSP-RK2) time stepping, semi-implicit Manning friction, and the draining
//! time step of Bollermann, Chen, Kurganov & Noelle 2013 (J. Sci. Comput.
//! 56:267–290): a cell whose outflow in a stage would exceed its water
//! scales its outgoing fluxes, so depths stay non-negative and mass is
//! conserved to rounding.
//!
//! State: depth `h` and cell momenta `hu`, `hv` (m²/s) of the kernel's `Shallow`;
//! `qx`/`qy` hold the step's mass flux across each face (mean of the two
//! stages), so the exposure fields, the balance and the hazard ratings read
//! the same arrays as with the local-inertial scheme. Edges: `Closed` is a
//! reflecting wall; `FreeOutflow` a ghost cell as deep as the edge cell,
//! lower by `slope·dx`, outflow only; `FixedLevel` a ghost cell at the level.
//!
//! Owns: the Godunov step of `Shallow`. May not touch: anything outside the
//! kernel's arrays. Each pass reads only the previous arrays and writes its
//! own rows, so the result is the same bits for any thread count.

use super::edge::{Edge, G, donor, drain_share};
use rayon::prelude::*;

/// Below this depth a cell is dry for the Riemann solver (m).
const DRY: f64 = 1e-10;
/// Below this depth a cell's velocity is taken as zero (m): thinner films
/// carry no momentum.
const H_VEL: f64 = 1e-6;

/// Scratch arrays of the solver, kept between steps (no allocation per step).
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    h0: Vec<f64>,
    hu0: Vec<f64>,
    hv0: Vec<f64>,
    h1: Vec<f64>,
    hu1: Vec<f64>,
    hv1: Vec<f64>,
    /// Per x-face and y-face: mass, normal and tangential momentum flux, and
    /// the pressure corrections of the cell below/west (`dl`) and above/east (`dr`).
    fx: Vec<Face>,
    fy: Vec<Face>,
    limit: Vec<f64>,
    /// Per cell: depth, surface and velocities of the stage's state, and
    /// their limited slopes along x and y.
    prim: Vec<Cell>,
    sx: Vec<Cell>,
    sy: Vec<Cell>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Face {
    h: f64,
    n: f64,
    t: f64,
    dl: f64,
    dr: f64,
}

/// One cell's primitive values (or their slopes).
#[derive(Debug, Clone, Copy, Default)]
struct Cell {
    h: f64,
    eta: f64,
    u: f64,
    v: f64,
}

#[inline]
fn cell(z: &[f64], h: &[f64], hu: &[f64], hv: &[f64], k: usize) -> Cell {
    let d = h[k];
    let (u, v) = if d > H_VEL { (hu[k] / d, hv[k] / d) } else { (0.0, 0.0) };
    Cell { h: d, eta: z[k] + d, u, v }
}

#[inline]
fn minmod(a: f64, b: f64) -> f64 {
    if a * b <= 0.0 {
        0.0
    } else if a.abs() < b.abs() {
        a
    } else {
        b
    }
}

/// Limited slopes of a cell from its neighbours before and after (the
/// neighbour is `None` at a grid edge: first order there). A dry cell is
/// first order too.
#[inline]
fn slopes(c: Cell, before: Option<Cell>, after: Option<Cell>) -> Cell {
    match (before, after) {
        (Some(a), Some(b)) if c.h > DRY => Cell {
            h: minmod(c.h - a.h, b.h - c.h),
            eta: minmod(c.eta - a.eta, b.eta - c.eta),
            u: minmod(c.u - a.u, b.u - c.u),
            v: minmod(c.v - a.v, b.v - c.v),
        },
        _ => Cell { h: 0.0, eta: 0.0, u: 0.0, v: 0.0 },
    }
}

/// The reconstructed value at one side of a cell (`side` +0.5 after, −0.5 before):
/// depth, bed, normal and tangential velocity. `normal_x`: x is the normal.
#[inline]
fn side(c: Cell, s: Cell, half: f64, normal_x: bool) -> (f64, f64, f64, f64) {
    let h = (c.h + half * s.h).max(0.0);
    let z = c.eta + half * s.eta - h;
    let (u, v) = (c.u + half * s.u, c.v + half * s.v);
    if normal_x { (h, z, u, v) } else { (h, z, v, u) }
}

/// HLLC flux of the shallow-water equations in the normal direction:
/// (mass, normal momentum, tangential momentum).
#[inline]
fn hllc(hl: f64, ul: f64, vl: f64, hr: f64, ur: f64, vr: f64) -> (f64, f64, f64) {
    let (hl, hr) = (if hl > DRY { hl } else { 0.0 }, if hr > DRY { hr } else { 0.0 });
    if hl == 0.0 && hr == 0.0 {
        return (0.0, 0.0, 0.0);
    }
    let (cl, cr) = ((G * hl).sqrt(), (G * hr).sqrt());
    let (sl, sr) = if hl == 0.0 {
        (ur - 2.0 * cr, ur + cr)
    } else if hr == 0.0 {
        (ul - cl, ul + 2.0 * cl)
    } else {
        // Two-rarefaction estimates (Toro 2001, eq. 10.17–10.18).
        let us = 0.5 * (ul + ur) + cl - cr;
        let cs = 0.5 * (cl + cr) + 0.25 * (ul - ur);
        ((ul - cl).min(us - cs), (ur + cr).max(us + cs))
    };
    let (fhl, fnl) = (hl * ul, hl * ul * ul + 0.5 * G * hl * hl);
    let (fhr, fnr) = (hr * ur, hr * ur * ur + 0.5 * G * hr * hr);
    if sl >= 0.0 {
        return (fhl, fnl, fhl * vl);
    }
    if sr <= 0.0 {
        return (fhr, fnr, fhr * vr);
    }
    let w = 1.0 / (sr - sl);
    let fh = (sr * fhl - sl * fhr + sl * sr * (hr - hl)) * w;
    let fnn = (sr * fnl - sl * fnr + sl * sr * (hr * ur - hl * ul)) * w;
    // The contact wave carries the tangential velocity.
    let den = hr * (ur - sr) - hl * (ul - sl);
    let sm = if den != 0.0 { (sl * hr * (ur - sr) - sr * hl * (ul - sl)) / den } else { 0.0 };
    (fh, fnn, fh * if sm >= 0.0 { vl } else { vr })
}

/// Flux across an interior face from the reconstructed sides (depth, bed,
/// normal, tangential velocity), with hydrostatic reconstruction.
#[inline]
fn interior(l: (f64, f64, f64, f64), r: (f64, f64, f64, f64)) -> Face {
    let zs = l.1.max(r.1);
    let hl = (l.0 + l.1 - zs).max(0.0);
    let hr = (r.0 + r.1 - zs).max(0.0);
    let (h, n, t) = hllc(hl, l.2, l.3, hr, r.2, r.3);
    Face { h, n, t, dl: 0.5 * G * (l.0 * l.0 - hl * hl), dr: 0.5 * G * (r.0 * r.0 - hr * hr) }
}

/// Flux across a grid edge next to cell `c` (first order); `out` is +1 when
/// the edge is after the cell (east/north), −1 before (west/south).
#[inline]
fn edge(e: Edge, c: Cell, z: f64, dx: f64, out: f64, normal_x: bool) -> Face {
    let (un, ut) = if normal_x { (c.u, c.v) } else { (c.v, c.u) };
    // Orient so that the cell is on the left and the normal points out.
    let u_in = un * out;
    // A reflecting wall: the mirror state beyond it; no mass crosses, the
    // normal momentum flux (the wall's push) is the same in both orientations.
    let wall = || Face { n: hllc(c.h, u_in, ut, c.h, -u_in, ut).1, ..Face::default() };
    // A ghost cell beyond the edge, moving as the cell does: the same
    // hydrostatic reconstruction as an interior face.
    let ghost = |hg: f64, zg: f64| {
        let f = interior((c.h, z, u_in, ut), (hg, zg, u_in, ut));
        (f.h, f.n, f.t, f.dl)
    };
    let oriented = |h: f64, n: f64, t: f64, dcell: f64| {
        // Back to the grid's orientation: mass and tangential flux change
        // sign with the normal, normal momentum flux does not.
        if out > 0.0 { Face { h, n, t, dl: dcell, dr: 0.0 } } else { Face { h: -h, n, t: -t, dl: 0.0, dr: dcell } }
    };
    match e {
        Edge::Closed => wall(),
        Edge::FreeOutflow { slope } => {
            let (h, n, t, d) = ghost(c.h, z - slope * dx);
            if h > 0.0 { oriented(h, n, t, d) } else { wall() }
        }
        Edge::FixedLevel(level) => {
            let (h, n, t, d) = ghost((level - z).max(0.0), z);
            oriented(h, n, t, d)
        }
    }
}

impl Scratch {
    fn ensure(&mut self, nx: usize, ny: usize) {
        let n = nx * ny;
        if self.h0.len() != n {
            for v in [&mut self.h0, &mut self.hu0, &mut self.hv0, &mut self.h1, &mut self.hu1, &mut self.hv1] {
                *v = vec![0.0; n];
            }
            self.limit = vec![1.0; n];
            self.prim = vec![Cell::default(); n];
            self.sx = vec![Cell::default(); n];
            self.sy = vec![Cell::default(); n];
            self.fx = vec![Face::default(); (nx + 1) * ny];
            self.fy = vec![Face::default(); nx * (ny + 1)];
        }
    }
}

/// The grid and the arrays one step reads and writes (borrowed from the
/// kernel's `Shallow`).
pub struct Water<'a> {
    pub nx: usize,
    pub ny: usize,
    pub dx: f64,
    pub z: &'a [f64],
    /// Manning n² per cell.
    pub n2: &'a [f64],
    /// Rain and inflows per cell (m/s).
    pub source: &'a [f64],
    pub edges: [Edge; 4],
    pub h: &'a mut Vec<f64>,
    pub hu: &'a mut Vec<f64>,
    pub hv: &'a mut Vec<f64>,
    pub qx: &'a mut [f64],
    pub qy: &'a mut [f64],
}

/// One Heun step of length `dt`; sets `qx`/`qy` to the step's mean mass
/// fluxes and returns the deepest water and the fastest wave for the
/// next step's CFL.
pub fn step(m: Water, s: &mut Scratch, dt: f64) -> (f64, f64) {
    let (nx, ny) = (m.nx, m.ny);
    s.ensure(nx, ny);
    s.h0.copy_from_slice(m.h);
    s.hu0.copy_from_slice(m.hu);
    s.hv0.copy_from_slice(m.hv);
    // Stage 1: U¹ = U + dt·L(U).
    stage(&m, s, dt);
    m.qx.par_iter_mut().zip(s.fx.par_iter()).for_each(|(q, f)| *q = 0.5 * f.h);
    m.qy.par_iter_mut().zip(s.fy.par_iter()).for_each(|(q, f)| *q = 0.5 * f.h);
    std::mem::swap(m.h, &mut s.h1);
    std::mem::swap(m.hu, &mut s.hu1);
    std::mem::swap(m.hv, &mut s.hv1);
    // Stage 2: U² = U¹ + dt·L(U¹); U = (U + U²)/2.
    stage(&m, s, dt);
    m.qx.par_iter_mut().zip(s.fx.par_iter()).for_each(|(q, f)| *q += 0.5 * f.h);
    m.qy.par_iter_mut().zip(s.fy.par_iter()).for_each(|(q, f)| *q += 0.5 * f.h);
    let (h0, hu0, hv0, h1, hu1, hv1) = (&s.h0, &s.hu0, &s.hv0, &s.h1, &s.hu1, &s.hv1);
    let (hmax, wave) =
        m.h.par_chunks_mut(nx)
            .zip(m.hu.par_chunks_mut(nx))
            .zip(m.hv.par_chunks_mut(nx))
            .enumerate()
            .map(|(j, ((h, hu), hv))| {
                let (mut deepest, mut fastest) = (0.0f64, 0.0f64);
                for i in 0..nx {
                    let k = j * nx + i;
                    h[i] = 0.5 * (h0[k] + h1[k]);
                    if h[i] > H_VEL {
                        hu[i] = 0.5 * (hu0[k] + hu1[k]);
                        hv[i] = 0.5 * (hv0[k] + hv1[k]);
                        let c = (G * h[i]).sqrt();
                        fastest = fastest.max((hu[i] / h[i]).abs().max((hv[i] / h[i]).abs()) + c);
                    } else {
                        hu[i] = 0.0;
                        hv[i] = 0.0;
                    }
                    deepest = deepest.max(h[i]);
                }
                (deepest, fastest)
            })
            .reduce(|| (0.0, 0.0), |a, b| (a.0.max(b.0), a.1.max(b.1)));
    (hmax, wave)
}

/// One forward-Euler stage from `m`'s state into `s.h1/hu1/hv1`, fluxes in
/// `s.fx/fy` (after the draining limiter).
fn stage(m: &Water, s: &mut Scratch, dt: f64) {
    let (nx, ny, dx) = (m.nx, m.ny, m.dx);
    let (z, h, hu, hv, edges): (&[f64], &[f64], &[f64], &[f64], _) = (m.z, m.h, m.hu, m.hv, m.edges);
    // 0. Primitive values, then their limited slopes, once per cell.
    s.prim.par_chunks_mut(nx).enumerate().for_each(|(j, row)| {
        for (i, c) in row.iter_mut().enumerate() {
            *c = cell(z, h, hu, hv, j * nx + i);
        }
    });
    {
        let p = &s.prim;
        s.sx.par_chunks_mut(nx).zip(s.sy.par_chunks_mut(nx)).enumerate().for_each(|(j, (sx, sy))| {
            for i in 0..nx {
                let k = j * nx + i;
                sx[i] = slopes(p[k], (i > 0).then(|| p[k - 1]), (i + 1 < nx).then(|| p[k + 1]));
                sy[i] = slopes(p[k], (j > 0).then(|| p[k - nx]), (j + 1 < ny).then(|| p[k + nx]));
            }
        });
    }
    let (p, sx, sy) = (&s.prim, &s.sx, &s.sy);
    // 1. Fluxes across x-faces, row by row.
    s.fx.par_chunks_mut(nx + 1).enumerate().for_each(|(j, row)| {
        let r = j * nx;
        for (i, f) in row.iter_mut().enumerate() {
            *f = if i == 0 {
                edge(edges[0], p[r], z[r], dx, -1.0, true)
            } else if i == nx {
                edge(edges[1], p[r + nx - 1], z[r + nx - 1], dx, 1.0, true)
            } else {
                let (a, b) = (r + i - 1, r + i);
                interior(side(p[a], sx[a], 0.5, true), side(p[b], sx[b], -0.5, true))
            };
        }
    });
    // 2. Fluxes across y-faces.
    s.fy.par_chunks_mut(nx).enumerate().for_each(|(j, row)| {
        for (i, f) in row.iter_mut().enumerate() {
            *f = if j == 0 {
                edge(edges[2], p[i], z[i], dx, -1.0, false)
            } else if j == ny {
                let k = (ny - 1) * nx + i;
                edge(edges[3], p[k], z[k], dx, 1.0, false)
            } else {
                let (a, b) = ((j - 1) * nx + i, j * nx + i);
                interior(side(p[a], sy[a], 0.5, false), side(p[b], sy[b], -0.5, false))
            };
        }
    });
    // 3. Draining limiter: each cell's share of its outflow it can supply.
    {
        let (fx, fy) = (&s.fx, &s.fy);
        s.limit.par_chunks_mut(nx).enumerate().for_each(|(j, row)| {
            for (i, l) in row.iter_mut().enumerate() {
                let k = j * nx + i;
                let (w, e) = (fx[j * (nx + 1) + i].h, fx[j * (nx + 1) + i + 1].h);
                let (so, no) = (fy[j * nx + i].h, fy[(j + 1) * nx + i].h);
                *l = drain_share(h[k], [w, e, so, no], dt, dx);
            }
        });
    }
    {
        let limit = &s.limit;
        s.fx.par_chunks_mut(nx + 1).enumerate().for_each(|(j, row)| {
            for (i, f) in row.iter_mut().enumerate() {
                if let Some(c) = donor(f.h, i, nx) {
                    let l = limit[j * nx + c];
                    (f.h, f.n, f.t) = (f.h * l, f.n * l, f.t * l);
                }
            }
        });
        s.fy.par_chunks_mut(nx).enumerate().for_each(|(j, row)| {
            for (i, f) in row.iter_mut().enumerate() {
                if let Some(r) = donor(f.h, j, ny) {
                    let l = limit[r * nx + i];
                    (f.h, f.n, f.t) = (f.h * l, f.n * l, f.t * l);
                }
            }
        });
    }
    // 4. The update, with the bed-slope source of the reconstruction, the
    //    rain and inflows, and Manning friction (semi-implicit).
    let (fx, fy, src, n2) = (&s.fx, &s.fy, m.source, m.n2);
    let (p, sxs, sys) = (&s.prim, &s.sx, &s.sy);
    let r = dt / dx;
    s.h1.par_chunks_mut(nx).zip(s.hu1.par_chunks_mut(nx)).zip(s.hv1.par_chunks_mut(nx)).enumerate().for_each(
        |(j, ((h1, hu1), hv1))| {
            for i in 0..nx {
                let k = j * nx + i;
                let c = p[k];
                let (w, e) = (fx[j * (nx + 1) + i], fx[j * (nx + 1) + i + 1]);
                let (so, no) = (fy[j * nx + i], fy[(j + 1) * nx + i]);
                // Centred bed-slope source: −g·h·Δz over the cell, Δz from
                // the same limited slopes as the faces used.
                let (sx, sy) = (sxs[k], sys[k]);
                let hn = (c.h - r * (e.h - w.h + no.h - so.h) + dt * src[k]).max(0.0);
                let mut qu = hu[k] - r * ((e.n + e.dl) - (w.n + w.dr) + no.t - so.t) - r * G * c.h * (sx.eta - sx.h);
                let mut qv = hv[k] - r * ((no.n + no.dl) - (so.n + so.dr) + e.t - w.t) - r * G * c.h * (sy.eta - sy.h);
                if hn > H_VEL {
                    let speed = (qu * qu + qv * qv).sqrt() / hn;
                    let f = 1.0 + dt * G * n2[k] * speed / (hn * libm::cbrt(hn));
                    qu /= f;
                    qv /= f;
                } else {
                    (qu, qv) = (0.0, 0.0);
                }
                h1[i] = hn;
                hu1[i] = qu;
                hv1[i] = qv;
            }
        },
    );
}
