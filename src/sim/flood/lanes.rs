//! The local-inertial step's inner loops (`kernel::Shallow`'s two passes),
//! one line of faces or cells at a time, written so the compiler
//! vectorises them: no branch in the loop body (both sides of a choice are
//! computed and one is selected), bounds checked once per line, and each
//! reduction kept in eight lanes. On x86-64 each loop is compiled three
//! times, for the baseline (SSE2, two lanes), AVX2 (four) and AVX-512
//! (eight; `sim::tier`), and the CPU picks at run time; every operation is an
//! IEEE add, multiply, divide, square root, comparison or bit operation,
//! never fused (Rust does not contract `a * b + c`), so all give the same
//! bits (a test compares every tier the CPU has), and the same bits as
//! the face-by-face formulation the kernel's tests keep as reference (the
//! fastest wave to within a few ulp of it: see `scale_and_wave`).
//!
//! Owns: the inner loops and the face formula they share with the kernel
//! (`weighted`, `wet_flux`, `cbrt_pos`). May not touch: the grid's layout
//! or edges (the kernel passes lines in), anything outside `flood`.

// Indexed loops over several slices of one length are what the vectoriser
// reads best here; the lanes of a reduction are indexed on purpose.
#![allow(clippy::needless_range_loop)]

use super::edge::G;
pub use crate::sim::tier::Tier;
use crate::sim::tier::{LANES, dispatched, lanes};

/// Constants of one step (`StepConsts::new`: the products the faces
/// share are worked out once).
#[derive(Debug, Clone, Copy)]
pub struct StepConsts {
    pub dt: f64,
    pub dx: f64,
    pub theta: f64,
    pub h_flow_min: f64,
    /// g·dt and g·dt/dx.
    g_dt: f64,
    g_dt_per_dx: f64,
}

impl StepConsts {
    pub fn new(dt: f64, dx: f64, theta: f64, h_flow_min: f64) -> Self {
        StepConsts { dt, dx, theta, h_flow_min, g_dt: G * dt, g_dt_per_dx: G * dt / dx }
    }
}

/// A line of interior faces, face `i` between cells `a[i]` and `b[i]`
/// (west/south and east/north), with the faces before and after it along
/// the flow: all slices as long as `out`.
pub struct FaceLine<'a> {
    pub za: &'a [f64],
    pub ha: &'a [f64],
    pub zb: &'a [f64],
    pub hb: &'a [f64],
    pub n2a: &'a [f64],
    pub n2b: &'a [f64],
    /// This face's discharge before the step, and its flow depth.
    pub q: &'a [f64],
    pub hf: &'a [f64],
    /// The face before (west/south): discharge and flow depth (0 where
    /// there is none: it then lends this face's own discharge).
    pub q_before: &'a [f64],
    pub hf_before: &'a [f64],
    /// The face after (east/north).
    pub q_after: &'a [f64],
    pub hf_after: &'a [f64],
}

dispatched! {
    /// Flow depths across a line of faces between cells `a` and `b`: the
    /// higher surface over the higher bed (m).
    pub fn flow_depths(za: &[f64], ha: &[f64], zb: &[f64], hb: &[f64], out: &mut [f64]) as flow_depths_lanes, flow_depths_on {
        let n = out.len();
        let (za, ha, zb, hb) = (&za[..n], &ha[..n], &zb[..n], &hb[..n]);
        for i in 0..n {
            out[i] = flow_depth(za[i], ha[i], zb[i], hb[i]);
        }
    }

    /// The new discharges of a line of interior faces (see
    /// `kernel::face_flux` for the formula and its sources).
    pub fn face_fluxes(line: &FaceLine, k: StepConsts, out: &mut [f64]) as face_fluxes_lanes, face_fluxes_on {
        if k.theta < 1.0 { fluxes::<true>(line, k, out) } else { fluxes::<false>(line, k, out) }
    }

    /// Pass 2 on one line of interior faces: each new discharge `q_new`
    /// scaled by the positivity share of its donor (`share_a` when it flows
    /// from a to b, `share_b` when back), into `out`; returns the fastest
    /// face wave |q|/h_f + √(g·h_f) of the line (films under 5 cm count 0).
    ///
    /// The fastest face is found without a division per face: each wave
    /// is kept as the fraction `(|q| + h_f·√(g·h_f)) / h_f` and fractions
    /// are compared crosswise; the wave of each lane's fastest face is then
    /// worked out (`wave`). Where two faces' waves differ only in their
    /// last bits the comparison may take either: the step that follows is
    /// the same to a few ulp, and the same on every machine.
    pub fn scale_and_wave(
        q_new: &[f64],
        share_a: &[f64],
        share_b: &[f64],
        za: &[f64],
        ha: &[f64],
        zb: &[f64],
        hb: &[f64],
        out: &mut [f64]
    ) -> f64 as scale_and_wave_lanes, scale_and_wave_on {
        let n = out.len();
        let (q_new, sa, sb) = (&q_new[..n], &share_a[..n], &share_b[..n]);
        let (za, ha, zb, hb) = (&za[..n], &ha[..n], &zb[..n], &hb[..n]);
        // Per lane: the fastest face's |q| and flow depth, and its wave's numerator.
        let mut best = Fastest::default();
        let whole = n - n % LANES;
        // Whole vectors as fixed-size arrays, so each lane loop unrolls
        // into vector operations.
        for c in (0..whole).step_by(LANES) {
            let r = c..c + LANES;
            let (q, sa, sb): (&[f64; LANES], &[f64; LANES], &[f64; LANES]) =
                (lanes(&q_new[r.clone()]), lanes(&sa[r.clone()]), lanes(&sb[r.clone()]));
            let (za, ha, zb, hb) = (lanes(&za[r.clone()]), lanes(&ha[r.clone()]), lanes(&zb[r.clone()]), lanes(&hb[r.clone()]));
            let o: &mut [f64; LANES] = (&mut out[r]).try_into().expect("a whole vector");
            for lane in 0..LANES {
                let q = scaled(q[lane], sa[lane], sb[lane]);
                o[lane] = q;
                best.offer(lane, za[lane], ha[lane], zb[lane], hb[lane], q);
            }
        }
        for i in whole..n {
            let q = scaled(q_new[i], sa[i], sb[i]);
            out[i] = q;
            best.offer(0, za[i], ha[i], zb[i], hb[i], q);
        }
        best.wave()
    }

    /// Pass 2's scaling alone (`scale_and_wave` without the wave), for
    /// faces another band owns.
    pub fn scale(q_new: &[f64], share_a: &[f64], share_b: &[f64], out: &mut [f64]) as scale_lanes, scale_on {
        let n = out.len();
        let (q_new, sa, sb) = (&q_new[..n], &share_a[..n], &share_b[..n]);
        for i in 0..n {
            out[i] = scaled(q_new[i], sa[i], sb[i]);
        }
    }

    /// Pass 2 on one row of cells: the new depths from the scaled faces
    /// (west/east `qx` of `n + 1`, south and north of `n`), the sources and
    /// the old depths, into `out`; returns the deepest.
    pub fn depths(
        h: &[f64],
        qx: &[f64],
        south: &[f64],
        north: &[f64],
        src: &[f64],
        dt: f64,
        per_dx: f64,
        out: &mut [f64]
    ) -> f64 as depths_lanes, depths_on {
        let n = out.len();
        let (h, west, east, south, north, src) = (&h[..n], &qx[..n], &qx[1..n + 1], &south[..n], &north[..n], &src[..n]);
        let mut deepest = [0.0f64; LANES];
        let whole = n - n % LANES;
        for c in (0..whole).step_by(LANES) {
            let r = c..c + LANES;
            let (h, west, east) = (lanes(&h[r.clone()]), lanes(&west[r.clone()]), lanes(&east[r.clone()]));
            let (south, north, src) = (lanes(&south[r.clone()]), lanes(&north[r.clone()]), lanes(&src[r.clone()]));
            let o: &mut [f64; LANES] = (&mut out[r]).try_into().expect("a whole vector");
            for lane in 0..LANES {
                o[lane] = depth(h[lane], west[lane], east[lane], south[lane], north[lane], src[lane], dt, per_dx);
                deepest[lane] = deepest[lane].max(o[lane]);
            }
        }
        for i in whole..n {
            out[i] = depth(h[i], west[i], east[i], south[i], north[i], src[i], dt, per_dx);
            deepest[0] = deepest[0].max(out[i]);
        }
        deepest.iter().fold(0.0, |a, &b| a.max(b))
    }

    /// Σ `v` in eight lanes (lane `l` takes every eighth value from `l`,
    /// the lanes then added in order): the sum of the sources a call of the
    /// kernel books, where one sequential chain of additions took 0.2 ms a
    /// tick on the township's 262,144 cells.
    pub fn sum(v: &[f64]) -> f64 as sum_lanes, sum_on {
        let mut acc = [0.0f64; LANES];
        let whole = v.len() - v.len() % LANES;
        for c in (0..whole).step_by(LANES) {
            let x = lanes(&v[c..c + LANES]);
            for lane in 0..LANES {
                acc[lane] += x[lane];
            }
        }
        for (lane, &x) in v[whole..].iter().enumerate() {
            acc[lane] += x;
        }
        acc.iter().fold(0.0, |a, &b| a + b)
    }

    /// Each cell's positivity share (`edge::drain_share`, branch-free) from
    /// its west/east faces (`qx`, `n + 1`) and its south and north faces.
    pub fn shares(h: &[f64], qx: &[f64], south: &[f64], north: &[f64], dt: f64, dx: f64, out: &mut [f64]) as shares_lanes, shares_on {
        let n = out.len();
        let (h, west, east, south, north) = (&h[..n], &qx[..n], &qx[1..n + 1], &south[..n], &north[..n]);
        for i in 0..n {
            // `edge::drain_share`, its branch as a selection.
            let o = ((-west[i]).max(0.0) + east[i].max(0.0) + (-south[i]).max(0.0) + north[i].max(0.0)) * dt / dx;
            let share = h[i] / o;
            out[i] = if o > h[i] && o > 0.0 { share } else { 1.0 };
        }
    }

    /// `scale` on a line of interior faces, returning their fastest wave
    /// exactly as `wave` works it out face by face (the largest of the
    /// faces' waves, the same in any order), for `kernel::multirate`'s
    /// fine faces.
    pub fn scale_waves(
        q_new: &[f64],
        share_a: &[f64],
        share_b: &[f64],
        za: &[f64],
        ha: &[f64],
        zb: &[f64],
        hb: &[f64],
        out: &mut [f64]
    ) -> f64 as scale_waves_lanes, scale_waves_on {
        let n = out.len();
        let (q_new, sa, sb) = (&q_new[..n], &share_a[..n], &share_b[..n]);
        let (za, ha, zb, hb) = (&za[..n], &ha[..n], &zb[..n], &hb[..n]);
        let mut fastest = [0.0f64; LANES];
        for i in 0..n {
            let q = scaled(q_new[i], sa[i], sb[i]);
            out[i] = q;
            fastest[i % LANES] = fastest[i % LANES].max(wave(flow_depth(za[i], ha[i], zb[i], hb[i]), q));
        }
        fastest.iter().fold(0.0, |a, &b| a.max(b))
    }

    /// `kernel::multirate`'s positivity shares of a row's cells
    /// `steps.i0..` (`out.len()` of them; faces as in `shares`), each face
    /// counted over its own step (`Steps`).
    pub fn step_shares(h: &[f64], qx: &[f64], south: &[f64], north: &[f64], steps: &Steps, dx: f64, out: &mut [f64]) as step_shares_lanes, step_shares_on {
        let n = out.len();
        let (h, west, east, south, north) = (&h[..n], &qx[..n], &qx[1..n + 1], &south[..n], &north[..n]);
        for k in 0..n {
            let i = steps.i0 + k;
            let (tw, te, ts, tn) = (steps.x(i), steps.x(i + 1), steps.south(i), steps.north(i));
            let o = ((-west[k]).max(0.0) * tw + east[k].max(0.0) * te + (-south[k]).max(0.0) * ts + north[k].max(0.0) * tn) / dx;
            out[k] = if o > h[k] && o > 0.0 { h[k] / o } else { 1.0 };
        }
    }

    /// `kernel::multirate`'s new depths of a row's cells `steps.i0..`
    /// (`out.len()` of them, from the old depths `h`; faces as in
    /// `depths`), each face over its own step, the sources over the fine
    /// step; returns the deepest.
    pub fn step_depths(h: &[f64], qx: &[f64], south: &[f64], north: &[f64], src: &[f64], steps: &Steps, dx: f64, out: &mut [f64]) -> f64 as step_depths_lanes, step_depths_on {
        let n = out.len();
        let (h, west, east, south, north, src) = (&h[..n], &qx[..n], &qx[1..n + 1], &south[..n], &north[..n], &src[..n]);
        let mut deepest = [0.0f64; LANES];
        for k in 0..n {
            let i = steps.i0 + k;
            let (tw, te, ts, tn) = (steps.x(i), steps.x(i + 1), steps.south(i), steps.north(i));
            let d = (h[k] + ((west[k] * tw - east[k] * te + south[k] * ts - north[k] * tn) * (1.0 / dx) + steps.fine * src[k])).max(0.0);
            out[k] = d;
            deepest[k % LANES] = deepest[k % LANES].max(d);
        }
        deepest.iter().fold(0.0, |a, &b| a.max(b))
    }

    /// Which faces of a line between cells `a` and `b` are fast for local
    /// time steps (`kernel::multirate`): their wave (`fast_face`) beats
    /// `c_lim`. With `or`, a fast face sets `out` and a slow one leaves it.
    pub fn fast_faces(za: &[f64], ha: &[f64], zb: &[f64], hb: &[f64], q: &[f64], c_lim: f64, or: bool, out: &mut [bool]) as fast_faces_lanes, fast_faces_on {
        let n = out.len();
        let (za, ha, zb, hb, q) = (&za[..n], &ha[..n], &zb[..n], &hb[..n], &q[..n]);
        if or {
            for i in 0..n {
                out[i] |= fast_face(za[i], ha[i], zb[i], hb[i], q[i], c_lim);
            }
        } else {
            for i in 0..n {
                out[i] = fast_face(za[i], ha[i], zb[i], hb[i], q[i], c_lim);
            }
        }
    }

    /// Which cells of a row are fast for local time steps: their own
    /// √(g·h) beats `c_lim`, or their west or east face (`x_fast`, one
    /// longer than `out`) is fast.
    pub fn fast_cells(h: &[f64], x_fast: &[bool], c_lim: f64, out: &mut [bool]) as fast_cells_lanes, fast_cells_on {
        let n = out.len();
        let (h, west, east, c2) = (&h[..n], &x_fast[..n], &x_fast[1..n + 1], c_lim * c_lim);
        for i in 0..n {
            out[i] = (G * h[i] > c2) | west[i] | east[i];
        }
    }
}

/// Whether a face's wave |q|/h_f + √(g·h_f) (films under 5 cm: never) is
/// faster than `c_lim`, without a division or a root: with u = |q|/h_f
/// below c_lim, √(g·h_f) > c_lim − u is g·h_f³ > (c_lim·h_f − |q|)².
#[inline(always)]
pub fn fast_face(za: f64, ha: f64, zb: f64, hb: f64, q: f64, c_lim: f64) -> bool {
    let hf = flow_depth(za, ha, zb, hb);
    let (aq, lim) = (q.abs(), c_lim * hf);
    let d = lim - aq;
    (hf > 0.05) & ((aq >= lim) | (G * hf * hf * hf > d * d))
}

/// The face discharge of `kernel::face_flux`, the same expressions in the
/// same order; `DAMPED` is θ < 1.
#[inline(always)]
fn fluxes<const DAMPED: bool>(l: &FaceLine, k: StepConsts, out: &mut [f64]) {
    let n = out.len();
    let (za, ha, zb, hb) = (&l.za[..n], &l.ha[..n], &l.zb[..n], &l.hb[..n]);
    let (n2a, n2b, q, hf) = (&l.n2a[..n], &l.n2b[..n], &l.q[..n], &l.hf[..n]);
    let (qw, hw, qe, he) = (&l.q_before[..n], &l.hf_before[..n], &l.q_after[..n], &l.hf_after[..n]);
    let hmin = k.h_flow_min;
    for i in 0..n {
        let (ea, eb, hf, q) = (za[i] + ha[i], zb[i] + hb[i], hf[i], q[i]);
        let (qs, den) = if DAMPED { weighted(q, hf, qw[i], hw[i], qe[i], he[i], k) } else { (q, 1.0) };
        let n2 = 0.5 * (n2a[i] + n2b[i]);
        // A dry face's depth stands in as 1 so its (discarded) friction stays finite.
        let hfc = if hf > hmin { hf } else { 1.0 };
        let flux = wet_flux(qs, den, q, hf, hfc, ea, eb, n2, k);
        out[i] = if hf <= hmin { 0.0 } else { flux };
    }
}

/// The θ-weighted discharge of a face (de Almeida et al. 2012) as a
/// fraction `(numerator, denominator)`, which `wet_flux` divides once: its
/// own `q` and its neighbours' along the flow, each of which lends at most
/// what this face's flow depth `hf` carries, `q_n·min(1, h_f/h_n)`, and a
/// dry one (`h_n` at most `h_flow_min`) this face's own. The ratios are
/// chosen by comparison and kept as fractions over the common denominator
/// `b_w·b_e`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub fn weighted(q: f64, hf: f64, qw: f64, hw: f64, qe: f64, he: f64, k: StepConsts) -> (f64, f64) {
    // One side's lending as `q_n·a/b`.
    let side = |qn: f64, hn: f64| {
        let wet = hn > k.h_flow_min;
        let less = wet && hf < hn;
        (if wet { qn } else { q }, if less { hf } else { 1.0 }, if less { hn } else { 1.0 })
    };
    let ((qw, aw, bw), (qe, ae, be)) = (side(qw, hw), side(qe, he));
    let den = bw * be;
    (k.theta * q * den + (1.0 - k.theta) * 0.5 * (qw * aw * be + qe * ae * bw), den)
}

/// The new discharge of a wet face (Bates et al. 2010, eq. 11): the
/// weighted discharge `qs_num/qs_den` pushed by the surface slope
/// `(eb − ea)/dx` over flow depth `hf`, with Manning friction semi-implicit
/// in the old `q`, `1 + g·dt·n²·|q|/hfc^(7/3)` (`hfc` is `hf`, or a
/// stand-in where the result is discarded), all over one division:
/// `(qs_num − S·qs_den)·P / (qs_den·(P + g·dt·n²·|q|))` with `P = hfc^(7/3)`.
/// Without θ-weighting `qs_den` is 1, and multiplying by it is exact.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub fn wet_flux(qs_num: f64, qs_den: f64, q: f64, hf: f64, hfc: f64, ea: f64, eb: f64, n2: f64, k: StepConsts) -> f64 {
    let p = pow73(hfc);
    (qs_num - k.g_dt_per_dx * hf * (eb - ea) * qs_den) * p / (qs_den * (p + k.g_dt * n2 * q.abs()))
}

/// A face's discharge scaled by its donor's share: `share_a` when it flows
/// from a to b, `share_b` when back.
/// The choice is a bit mask over both values (the compiler otherwise
/// picks which array to load from, a scalar load per face).
#[inline(always)]
fn scaled(q: f64, share_a: f64, share_b: f64) -> f64 {
    let pick_a = 0u64.wrapping_sub((q > 0.0) as u64);
    q * f64::from_bits((share_a.to_bits() & pick_a) | (share_b.to_bits() & !pick_a))
}

/// A cell's new depth from its faces and source, never below zero.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn depth(h: f64, west: f64, east: f64, south: f64, north: f64, src: f64, dt: f64, per_dx: f64) -> f64 {
    (h + dt * ((west - east + south - north) * per_dx + src)).max(0.0)
}

/// The steps of a row's faces under local time steps (`kernel::multirate`,
/// whose loops and edge-face bookkeeping all ask it which faces are fine):
/// fine faces over `fine`, the others over `coarse`. Its x faces
/// `x.0..=x.1` are fine when `x.0 < x.1`; its south faces (face row
/// below) `south.0..south.1` and north faces `north.0..north.1`; `i0` is
/// the first cell of the line handed over.
#[derive(Debug, Clone, Copy)]
pub struct Steps {
    pub i0: usize,
    pub x: (usize, usize),
    pub south: (usize, usize),
    pub north: (usize, usize),
    pub fine: f64,
    pub coarse: f64,
}

impl Steps {
    #[inline(always)]
    fn pick(&self, fine: bool) -> f64 {
        if fine { self.fine } else { self.coarse }
    }

    /// The step of x face `i` (west face of cell `i`).
    #[inline(always)]
    pub fn x(&self, i: usize) -> f64 {
        let (a, b) = self.x;
        self.pick((a < b) & (i >= a) & (i <= b))
    }

    /// The step of cell `i`'s south face.
    #[inline(always)]
    pub fn south(&self, i: usize) -> f64 {
        self.pick((i >= self.south.0) & (i < self.south.1))
    }

    /// The step of cell `i`'s north face.
    #[inline(always)]
    pub fn north(&self, i: usize) -> f64 {
        self.pick((i >= self.north.0) & (i < self.north.1))
    }
}

/// Flow depth across a face between cells a and b: the higher surface
/// over the higher bed (m).
#[inline(always)]
pub fn flow_depth(za: f64, ha: f64, zb: f64, hb: f64) -> f64 {
    (za + ha).max(zb + hb) - za.max(zb)
}

/// Wave speed |q|/h_f + √(g·h_f) across a face of flow depth `hf` (`kernel::face_wave`).
#[inline(always)]
pub fn wave(hf: f64, q: f64) -> f64 {
    let c = q.abs() / hf + (G * hf).sqrt();
    if hf > 0.05 { c } else { 0.0 }
}

/// `scale_and_wave`'s search for the fastest face, lane by lane: the
/// fastest face's `|q|` and flow depth, and its wave times its flow depth
/// (0 and 1 before any face faster than 0).
struct Fastest {
    q: [f64; LANES],
    hf: [f64; LANES],
    num: [f64; LANES],
}

impl Default for Fastest {
    fn default() -> Self {
        Fastest { q: [0.0; LANES], hf: [1.0; LANES], num: [0.0; LANES] }
    }
}

impl Fastest {
    /// Takes the face between cells a and b, with discharge `q`, if its
    /// wave is faster than the lane's fastest so far (films under 5 cm and
    /// NaN waves never are).
    #[inline(always)]
    fn offer(&mut self, lane: usize, za: f64, ha: f64, zb: f64, hb: f64, q: f64) {
        let hf = flow_depth(za, ha, zb, hb);
        let aq = q.abs();
        let num = aq + hf * (G * hf).sqrt();
        let take = hf > 0.05 && num * self.hf[lane] > self.num[lane] * hf;
        self.q[lane] = if take { aq } else { self.q[lane] };
        self.hf[lane] = if take { hf } else { self.hf[lane] };
        self.num[lane] = if take { num } else { self.num[lane] };
    }

    /// The fastest wave of all lanes.
    fn wave(&self) -> f64 {
        (0..LANES).map(|l| if self.num[l] > 0.0 { wave(self.hf[l], self.q[l]) } else { 0.0 }).fold(0.0, f64::max)
    }
}

/// `h^(7/3)` without a general power function.
#[inline(always)]
pub fn pow73(h: f64) -> f64 {
    h * h * cbrt_pos(h)
}

/// The cube root of a positive normal number to within 32 ulp (7e-15,
/// checked against the correctly rounded `libm::cbrt` in the tests; far
/// below what the friction term needs): the exponent divided by three in
/// the bits (Kahan; a few per cent), then two Halley steps, each cubing the
/// error. `libm::cbrt` took about a third of the local-inertial step; this
/// takes about a third of that. Plain IEEE operations: the same bits on
/// every machine.
#[inline(always)]
pub fn cbrt_pos(x: f64) -> f64 {
    let mut y = f64::from_bits((x.to_bits() / 3).wrapping_add(0x2A9F_7893_782D_A1CE));
    for _ in 0..2 {
        // y·(y³ + 2x)/(2y³ + x), written as a correction so it rounds once.
        let y3 = y * y * y;
        y -= y * (y3 - x) / (2.0 * y3 + x);
    }
    y
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

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

    /// Each loop compiled for every tier this CPU has (AVX2, AVX-512) gives
    /// the same bits as the baseline's, on lines of every length up to a
    /// few unrolled vectors (the remainders).
    #[test]
    fn every_tier_the_cpu_has_gives_the_baseline_s_bits() {
        let tiers = Tier::available();
        if Tier::detect() < Tier::Avx512 {
            eprintln!("this CPU runs only {tiers:?}: the tiers above are not compared");
        }
        let mut rng = ChaCha8Rng::seed_from_u64(18);
        let mut rand = move || rng.random::<f64>();
        let same = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits());
        for n in 0..100 {
            let mut v = |scale: f64, dry: bool| -> Vec<f64> {
                (0..n + 1).map(|i| if dry && i % 3 == 0 { 0.0 } else { scale * (rand() - 0.2) }).collect()
            };
            let (za, zb, ha, hb) = (v(2.0, false), v(2.0, false), v(3.0, true), v(3.0, true));
            let (n2a, n2b, q, qw, qe) = (v(0.01, false), v(0.01, false), v(2.0, false), v(2.0, false), v(2.0, false));
            let (hf, hw, he) = (v(2.0, true), v(2.0, true), v(2.0, true));
            let line = FaceLine {
                za: &za,
                ha: &ha,
                zb: &zb,
                hb: &hb,
                n2a: &n2a,
                n2b: &n2b,
                q: &q,
                hf: &hf,
                q_before: &qw,
                hf_before: &hw,
                q_after: &qe,
                hf_after: &he,
            };
            for &t in &tiers {
                for theta in [0.8, 1.0] {
                    let k = StepConsts::new(0.7, 5.0, theta, 1e-3);
                    let (mut a, mut b) = (vec![0.0; n], vec![0.0; n]);
                    face_fluxes_lanes(&line, k, &mut a);
                    face_fluxes_on(t, &line, k, &mut b);
                    assert!(same(&a, &b), "fluxes, {t:?}, n {n} θ {theta}");
                }
                let (mut a, mut b) = (vec![0.0; n], vec![0.0; n]);
                flow_depths_lanes(&za, &ha, &zb, &hb, &mut a);
                flow_depths_on(t, &za, &ha, &zb, &hb, &mut b);
                assert!(same(&a, &b), "flow depths, {t:?}, n {n}");
                let wa = scale_and_wave_lanes(&q, &n2a, &n2b, &za, &ha, &zb, &hb, &mut a);
                let wb = scale_and_wave_on(t, &q, &n2a, &n2b, &za, &ha, &zb, &hb, &mut b);
                assert!(same(&a, &b) && wa.to_bits() == wb.to_bits(), "scaling and waves, {t:?}, n {n}");
                scale_lanes(&q, &n2a, &n2b, &mut a);
                scale_on(t, &q, &n2a, &n2b, &mut b);
                assert!(same(&a, &b), "scaling, {t:?}, n {n}");
                let da = depths_lanes(&ha, &q, &qw, &qe, &n2a, 0.7, 0.2, &mut a);
                let db = depths_on(t, &ha, &q, &qw, &qe, &n2a, 0.7, 0.2, &mut b);
                assert!(same(&a, &b) && da.to_bits() == db.to_bits(), "depths, {t:?}, n {n}");
                shares_lanes(&ha, &q, &qw, &qe, 0.7, 5.0, &mut a);
                shares_on(t, &ha, &q, &qw, &qe, 0.7, 5.0, &mut b);
                assert!(same(&a, &b), "shares, {t:?}, n {n}");
                assert_eq!(sum_lanes(&ha).to_bits(), sum_on(t, &ha).to_bits(), "sum, {t:?}, n {n}");
                // Local time steps' loops: a row's cells from 3, some of its
                // faces fine (δ 0.2 s), the others coarse (0.8 s).
                let steps =
                    Steps { i0: 3, x: (5, 5 + n / 2), south: (4, 9), north: (n / 3, n), fine: 0.2, coarse: 0.8 };
                step_shares_lanes(&ha, &q, &qw, &qe, &steps, 5.0, &mut a);
                step_shares_on(t, &ha, &q, &qw, &qe, &steps, 5.0, &mut b);
                assert!(same(&a, &b), "shares over their own steps, {t:?}, n {n}");
                let da = step_depths_lanes(&ha, &q, &qw, &qe, &n2a, &steps, 5.0, &mut a);
                let db = step_depths_on(t, &ha, &q, &qw, &qe, &n2a, &steps, 5.0, &mut b);
                assert!(same(&a, &b) && da.to_bits() == db.to_bits(), "depths over their own steps, {t:?}, n {n}");
                let wa = scale_waves_lanes(&q, &n2a, &n2b, &za, &ha, &zb, &hb, &mut a);
                let wb = scale_waves_on(t, &q, &n2a, &n2b, &za, &ha, &zb, &hb, &mut b);
                assert!(same(&a, &b) && wa.to_bits() == wb.to_bits(), "scaling and exact waves, {t:?}, n {n}");
                // The fastest wave is the largest of the faces' own.
                let each = (0..n).map(|i| wave(flow_depth(za[i], ha[i], zb[i], hb[i]), a[i])).fold(0.0, f64::max);
                assert_eq!(wa.to_bits(), each.to_bits(), "the fastest of the faces' waves, n {n}");
                let c_lim = 2.0 + 3.0 * rand();
                for or in [false, true] {
                    let start: Vec<bool> = (0..n).map(|i| i % 5 == 0).collect();
                    let (mut a, mut b) = (start.clone(), start);
                    fast_faces_lanes(&za, &ha, &zb, &hb, &q, c_lim, or, &mut a);
                    fast_faces_on(t, &za, &ha, &zb, &hb, &q, c_lim, or, &mut b);
                    assert_eq!(a, b, "fast faces, {t:?}, n {n}, or {or}");
                }
                let xf: Vec<bool> = (0..n + 1).map(|i| i % 7 == 3).collect();
                let (mut a, mut b) = (vec![false; n], vec![false; n]);
                fast_cells_lanes(&ha, &xf, c_lim, &mut a);
                fast_cells_on(t, &ha, &xf, c_lim, &mut b);
                assert_eq!(a, b, "fast cells, {t:?}, n {n}");
            }
            let (lanes_sum, plain_sum) = (sum_lanes(&q), q.iter().sum::<f64>());
            assert!((lanes_sum - plain_sum).abs() <= 1e-14 * q.iter().map(|x| x.abs()).sum::<f64>(), "sum, n {n}");
        }
    }

    /// `fast_face` (no division, no root) says what its definition says:
    /// a face's wave |q|/h_f + √(g·h_f) (`wave`) is faster than `c_lim`,
    /// except within rounding (a relative 1e-9) of the limit.
    #[test]
    fn fast_face_is_the_wave_beating_the_limit() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut checked = 0;
        for _ in 0..200_000 {
            let (za, zb) = (3.0 * rng.random::<f64>(), 3.0 * rng.random::<f64>());
            let (ha, hb) = (4.0 * rng.random::<f64>(), 4.0 * rng.random::<f64>());
            let q = 10.0 * (rng.random::<f64>() - 0.5);
            let c_lim = 0.5 + 8.0 * rng.random::<f64>();
            let w = wave(flow_depth(za, ha, zb, hb), q);
            if (w - c_lim).abs() <= 1e-9 * c_lim {
                continue;
            }
            assert_eq!(fast_face(za, ha, zb, hb, q, c_lim), w > c_lim, "z {za} {zb}, h {ha} {hb}, q {q}, c {c_lim}");
            checked += 1;
        }
        assert!(checked > 199_000);
    }
}
