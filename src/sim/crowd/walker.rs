//! The rule one walker follows in one step of `Crowd::step`, reading only
//! the previous step's snapshot (spatial index) and the fields:
//! 1. no walkable cell under it, or no route from its cell → `NoRoute`;
//!    on a goal cell → `Arrived`;
//! 2. desired direction e₀ from its goal's flow field;
//! 3. density ρ from the kernel estimate centred `sense_ahead` metres
//!    ahead (walls taken out of the kernel mass), speed
//!    v = Weidmann(v₀·f_walker·f_cell·w_cell, ρ) (f_cell the routed speed
//!    factor, w_cell the walk factor routes ignore), at least `creep_speed`;
//! 4. headway: if someone stands within one step of its path, it tries the
//!    desired direction and turns of 30° and 60° (right first: keep right),
//!    each with its speed capped to stop at body contact with the nearest
//!    person on that line (as they stood at the start of the step), and
//!    takes the one with most progress along e₀ — so people queue behind
//!    others, pass slower ones, and head-on or side-by-side pairs do not
//!    lock; turns into a blocked cell are not tried;
//! 5. overlapping bodies are pushed half their overlap apart (capped);
//!    contact distances are the sum of radii times `squeeze`, shrinking
//!    for a walker stalled longer than `patience` (pressed people edge
//!    past each other, so no lock lasts for ever);
//! 6. the move slides along walls and never enters a blocked cell; ending
//!    on a goal cell, or passing over one on the way, means `Arrived`.

use super::density::{DensityKernel, WeidmannTable};
use super::flowfield::FlowField;
use super::navgrid::NavGrid;
use super::params::{AgentState, CrowdParams};
use super::spatial::{COLUMN_PAD, Columns, SpatialIndex};
use crate::sim::tier::{LANES, dispatched, lanes};
use std::ops::Range;

/// Read-only view of everything one walker's update needs.
pub(super) struct Ctx<'a> {
    pub grid: &'a NavGrid,
    pub fields: &'a [FlowField],
    pub index: &'a SpatialIndex,
    pub kernel: &'a DensityKernel,
    pub weidmann: &'a WeidmannTable,
    pub params: &'a CrowdParams,
    pub clear: &'a [u8],
    pub clear_cap: u8,
    pub dt: f64,
    pub inv_dt: f64,
}

/// What a walker brings to its own step.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Me {
    /// Free speed times its own speed factor (m/s).
    pub free: f64,
    /// Radius (m).
    pub r: f64,
    /// Goal index.
    pub goal: u32,
    /// Seconds it has been stalled (see [`CrowdParams::patience`]).
    pub stalled: f32,
}

/// One walker after the step (the step works out its velocity from where
/// it stood when it copies the result back).
#[derive(Debug, Clone, Copy)]
pub(super) struct Walked {
    pub x: f64,
    pub y: f64,
    pub stalled: f32,
    pub state: AgentState,
}

/// Push directions for walkers standing on the same spot.
const SPREAD: [(f64, f64); 8] =
    [(1.0, 0.0), (0.0, 1.0), (0.6, 0.8), (-0.6, 0.8), (0.8, 0.6), (0.8, -0.6), (0.28, 0.96), (0.96, 0.28)];

/// Most neighbours remembered for the headway check.
const MAX_CLOSE: usize = 16;

/// (cos, sin) of the turns tried when someone is in the way: straight, then
/// 30° and 60° to the right and to the left (keep right).
const TURNS: [(f64, f64); 5] = [
    (1.0, 0.0),
    (0.866_025_403_784_438_6, -0.5),
    (0.866_025_403_784_438_6, 0.5),
    (0.5, -0.866_025_403_784_438_6),
    (0.5, 0.866_025_403_784_438_6),
];

/// Those in the way as the headway reads them (at most `MAX_CLOSE`, as
/// columns): offsets and contact distance rounded to f32, and the squared
/// distance of the rounded offsets (worked out once for the up to eleven
/// directions it may try). Slots from `n` on hold anything.
struct Close {
    x: [f64; MAX_CLOSE],
    y: [f64; MAX_CLOSE],
    r2: [f64; MAX_CLOSE],
    rsum: [f64; MAX_CLOSE],
    n: usize,
}

impl Close {
    /// Free distance (m, ≥ 0) along unit direction (ex, ey) before body
    /// contact with one of those in the way, their contact distances
    /// scaled by `core`. Eight at once with no branch (vectorised, see
    /// `sim::tier`); the nearest contact is a minimum, the same whatever
    /// the order (no candidate is NaN or −0).
    #[inline(always)]
    fn headway(&self, ex: f64, ey: f64, core: f64) -> f64 {
        let mut gap = [f64::INFINITY; LANES];
        for half in 0..MAX_CLOSE / LANES {
            let o = half * LANES;
            if o >= self.n {
                break;
            }
            let v = o..o + LANES;
            let (xs, ys, r2s, rs) = (
                lanes(&self.x[v.clone()]),
                lanes(&self.y[v.clone()]),
                lanes(&self.r2[v.clone()]),
                lanes(&self.rsum[v]),
            );
            for l in 0..LANES {
                let rsum = rs[l] * core;
                let along = xs[l] * ex + ys[l] * ey;
                let lat2 = r2s[l] - along * along;
                let hit = (o + l < self.n) & (along > 0.0) & (lat2 < rsum * rsum);
                let g = along - (rsum * rsum - lat2).sqrt();
                gap[l] = gap[l].min(if hit { g } else { f64::INFINITY });
            }
        }
        gap.into_iter().fold(f64::INFINITY, f64::min).max(0.0)
    }
}

const _: () = assert!(COLUMN_PAD >= LANES && MAX_CLOSE.is_multiple_of(LANES), "whole vectors");

/// The neighbour scan of one walker (rule 3's density, 4's neighbours in
/// the way and 5's overlaps), over the index's columns a run of entries
/// at a time, eight entries at once: first each of the eight's kernel
/// weight (0 outside the kernel's square, or past the run's end), offset,
/// contact distance and squared distance, and whether it is a near
/// neighbour that overlaps or one not behind, all with no branch, so the
/// compiler does the eight in one vector (`sim::tier`); then the weights
/// added in entry order (an exact 0 for those left out changes no bit of
/// the sum), the overlaps pushed and those not behind listed for the
/// headway, each in entry order. The same sums in the same order as entry
/// by entry, without the branches per entry a dense crowd mispredicts
/// about every other time.
struct Scan {
    /// The walker: index, position, kernel centre, kernel radius, own
    /// radius, contact factor, reach (m) and desired direction.
    i: u32,
    x: f64,
    y: f64,
    qx: f64,
    qy: f64,
    r: f64,
    ri: f64,
    own: f64,
    reach: f64,
    e0x: f64,
    e0y: f64,
    kernel: DensityKernel,
    /// Kernel mass and push so far; those in the way.
    w: f64,
    px: f64,
    py: f64,
    close: Close,
}

/// The neighbour scan kept from walker to walker (each rayon task of the
/// step has one): a walker's step sets its numbers and counts, and only
/// the slots below a count are read, so its array is neither cleared nor
/// copied per walker (measured: that was 5.7 % of `crowd_step`'s township
/// step).
pub(super) struct Scratch(Scan);

impl Default for Scratch {
    fn default() -> Self {
        Scratch(Scan {
            i: 0,
            x: 0.0,
            y: 0.0,
            qx: 0.0,
            qy: 0.0,
            r: 0.0,
            ri: 0.0,
            own: 0.0,
            reach: 0.0,
            e0x: 0.0,
            e0y: 0.0,
            kernel: DensityKernel::new(1.0),
            w: 0.0,
            px: 0.0,
            py: 0.0,
            close: Close {
                x: [0.0; MAX_CLOSE],
                y: [0.0; MAX_CLOSE],
                r2: [0.0; MAX_CLOSE],
                rsum: [0.0; MAX_CLOSE],
                n: 0,
            },
        })
    }
}

impl Scan {
    /// Takes a run of the index's columns, eight entries at a time.
    #[inline(always)]
    fn take_run(&mut self, cols: &Columns, run: Range<usize>) {
        let (kernel, r, qx, qy) = (self.kernel, self.r, self.qx, self.qy);
        let (x, y, ri, own, reach, me) = (self.x, self.y, self.ri, self.own, self.reach, self.i);
        let (e0x, e0y) = (self.e0x, self.e0y);
        let mut a = run.start;
        while a < run.end {
            let left = run.end - a;
            // Eight entries from `a` (the columns run `COLUMN_PAD` past the
            // last, so a vector may start at a run's last entry).
            let v = a..a + LANES;
            let (xs, ys, rs, ids) =
                (lanes(&cols.x[v.clone()]), lanes(&cols.y[v.clone()]), lanes(&cols.r[v.clone()]), lanes(&cols.id[v]));
            let mut weight = [0.0; LANES];
            let (mut rx, mut ry, mut rsum, mut d2) = ([0.0; LANES], [0.0; LANES], [0.0; LANES], [0.0; LANES]);
            // Per lane, 1 or 0: a near neighbour that overlaps; one not
            // behind (for the headway).
            let (mut over, mut ahead) = ([0u8; LANES], [0u8; LANES]);
            for l in 0..LANES {
                let (ux, uy) = (xs[l] - qx, ys[l] - qy);
                let inside = (l < left) & (ux.abs() < r) & (uy.abs() < r);
                let k = kernel.k(ux) * kernel.k(uy);
                weight[l] = if inside { k } else { 0.0 };
                let (ox, oy) = (xs[l] - x, ys[l] - y);
                let s = (ri + rs[l] as f64) * own;
                let dd = ox * ox + oy * oy;
                let lim = s + reach;
                (rx[l], ry[l], rsum[l], d2[l]) = (ox, oy, s, dd);
                let near = (l < left) & (ids[l] != me) & (dd < lim * lim);
                over[l] = (near & (dd < s * s)) as u8;
                ahead[l] = (near & (ox * e0x + oy * e0y > -s)) as u8;
            }
            // The weights in entry order.
            for k in weight {
                self.w += k;
            }
            // Each overlapping neighbour pushed half of the overlap apart,
            // in entry order (a lane's byte is 1 or 0, so the set bits
            // of the eight bytes are the lanes in order).
            let mut bits = u64::from_le_bytes(over);
            while bits != 0 {
                let l = (bits.trailing_zeros() / 8) as usize;
                bits &= bits - 1;
                self.push(rx[l], ry[l], rsum[l], d2[l], ids[l]);
            }
            // Those not behind remembered for the headway, in entry order,
            // up to `MAX_CLOSE`.
            let mut bits = u64::from_le_bytes(ahead);
            let c = &mut self.close;
            while bits != 0 && c.n < MAX_CLOSE {
                let l = (bits.trailing_zeros() / 8) as usize;
                bits &= bits - 1;
                let (rx, ry) = (rx[l] as f32 as f64, ry[l] as f32 as f64);
                (c.x[c.n], c.y[c.n], c.r2[c.n], c.rsum[c.n]) = (rx, ry, rx * rx + ry * ry, rsum[l] as f32 as f64);
                c.n += 1;
            }
            a += LANES;
        }
    }

    /// An overlapping neighbour at offset (rx, ry), contact distance
    /// `rsum`, squared distance `d2`, index `id`: pushed half the overlap
    /// apart.
    #[inline(always)]
    fn push(&mut self, rx: f64, ry: f64, rsum: f64, d2: f64, id: u32) {
        let (i, id) = (self.i as usize, id as usize);
        if d2 > 0.0 {
            let d = d2.sqrt();
            let k = 0.5 * (rsum - d) / d;
            self.px -= rx * k;
            self.py -= ry * k;
        } else {
            let (sx, sy) = SPREAD[(i ^ id) & 7];
            let k = if i < id { 0.5 * rsum } else { -0.5 * rsum };
            self.px += sx * k;
            self.py += sy * k;
        }
    }
}

impl Default for Walked {
    fn default() -> Self {
        Walked { x: 0.0, y: 0.0, stalled: 0.0, state: AgentState::Waiting }
    }
}

dispatched! {
    /// The steps of a run of the snapshot's columns: `out[k]` of walker
    /// `ids[k]` standing at (`xs[k]`, `ys[k]`), which brings `mine[k]`
    /// (`scratch`: the scan's, with anything in it). Compiled for each tier
    /// (`sim::tier`); all give the same bits.
    #[allow(dead_code)]
    pub(super) fn walk_run(ctx: &Ctx<'_>, scratch: &mut Scratch, xs: &[f64], ys: &[f64], ids: &[u32], mine: &[Me], out: &mut [Walked]) as walk_run_body, walk_run_on {
        for (k, w) in out.iter_mut().enumerate() {
            *w = ctx.walk(scratch, ids[k] as usize, xs[k], ys[k], mine[k]);
        }
    }
}

impl Ctx<'_> {
    /// The step of walker `i` standing at (x, y) (`scratch`: the scan's,
    /// with anything in it).
    #[inline(always)]
    pub(super) fn walk(&self, scratch: &mut Scratch, i: usize, x: f64, y: f64, me: Me) -> Walked {
        let stop = |state| Walked { x, y, stalled: 0.0, state };
        let grid = self.grid;
        let Some(c) = grid.cell_at(x, y).filter(|&c| grid.is_walkable(c)) else {
            return stop(AgentState::NoRoute);
        };
        let Some(field) = self.fields.get(me.goal as usize) else {
            return stop(AgentState::NoRoute);
        };
        if field.is_goal(c) {
            return stop(AgentState::Arrived);
        }
        let Some((e0x, e0y)) = field.direction(grid, x, y, c) else {
            return stop(AgentState::NoRoute);
        };
        let p = self.params;
        let (ri, dt) = (me.r, self.dt);
        let free = me.free * grid.speed_factor(c) as f64 * grid.walk_factor(c) as f64;
        // Pressed people edge past each other: after `patience` seconds
        // without progress a walker keeps less and less distance (down to
        // `squeeze_min` of the sum of radii), so no lock lasts for ever.
        let over = me.stalled as f64 - p.patience;
        let give = if over > 0.0 { (p.squeeze_stuck - 0.2 * over).max(p.squeeze_min) } else { 1.0 };
        let own = p.squeeze * give.min(1.0);
        let t_gap = p.time_gap.max(dt);
        let reach = free * t_gap;
        let (qx, qy) = (x + e0x * p.sense_ahead, y + e0y * p.sense_ahead);
        let r = self.kernel.radius();
        // The buckets overlapping the square of half-side R + a/2 round the
        // midpoint of walker and kernel centre cover the kernel's support
        // and the walker's surroundings (see `Crowd::new`).
        let h = self.index;
        let (mx, my) = (0.5 * (x + qx), 0.5 * (y + qy));
        let half = r + 0.5 * p.sense_ahead;
        let (bx0, by0) = h.bucket(mx - half, my - half);
        let (bx1, by1) = h.bucket(mx + half, my + half);
        let scan = &mut scratch.0;
        (scan.i, scan.x, scan.y, scan.qx, scan.qy, scan.r, scan.ri, scan.own, scan.reach, scan.e0x, scan.e0y) =
            (i as u32, x, y, qx, qy, r, ri, own, reach, e0x, e0y);
        scan.kernel = *self.kernel;
        (scan.w, scan.px, scan.py, scan.close.n) = (0.0, 0.0, 0.0, 0);
        let cols = h.columns();
        for run in h.runs((bx0, by0), (bx1, by1)) {
            scan.take_run(cols, run);
        }
        let (w, mut px, mut py, way) = (scan.w, scan.px, scan.py, &scan.close);
        let open = if self.clear[c] > self.clear_cap { 1.0 } else { self.kernel.open_mass(grid, qx, qy).max(0.25) };
        let v_rho = (free * self.weidmann.factor(w / open)).max(p.creep_speed.min(free));
        // Headway: of the desired direction and a few turned ones (right
        // before left, small turns first), take the one making most progress
        // towards the goal without walking into anyone; if every one is
        // blocked, try again squeezing closer (breaks arches at doors).
        let (mut ex, mut ey, mut v) = (e0x, e0y, v_rho);
        // The desired direction wins outright if nobody stands within the
        // time gap along it (a turn makes less progress at no more speed),
        // so the turns are searched only when someone is in the way.
        let straight = (way.n > 0 && v_rho > 1e-9).then(|| way.headway(e0x, e0y, 1.0));
        let clear_ahead = way.n == 0 || straight.is_some_and(|g| g / t_gap >= v_rho);
        if !clear_ahead {
            let mut turns = [(0.0, 0.0, 0.0); TURNS.len()];
            let mut n_turns = 0;
            for (k, &(ca, sa)) in TURNS.iter().enumerate() {
                let (tx, ty) = (e0x * ca - e0y * sa, e0x * sa + e0y * ca);
                let ahead = v_rho * dt + ri;
                if k == 0 || grid.cell_at(x + tx * ahead, y + ty * ahead).is_some_and(|k| grid.is_walkable(k)) {
                    turns[n_turns] = (tx, ty, ca);
                    n_turns += 1;
                }
            }
            let mut best = 0.0;
            for core in [1.0, p.squeeze_stuck] {
                for (k, &(tx, ty, ca)) in turns[..n_turns].iter().enumerate() {
                    // A turn that could not beat the best even at full
                    // speed is not worked out (speeds are at most v_rho).
                    if v_rho * ca <= best + 1e-9 {
                        continue;
                    }
                    // Straight ahead unsqueezed is the check just made.
                    let gap = match straight {
                        Some(g) if k == 0 && core == 1.0 => g,
                        _ => way.headway(tx, ty, core),
                    };
                    let vk = v_rho.min(gap / t_gap);
                    if vk * ca > best + 1e-9 {
                        (best, ex, ey, v) = (vk * ca, tx, ty, vk);
                    }
                }
                if best > 0.0 {
                    break;
                }
            }
            if best == 0.0 {
                v = 0.0;
            }
        }
        let p2 = px * px + py * py;
        let pmax = p.max_push * ri;
        if p2 > pmax * pmax {
            let k = pmax / p2.sqrt();
            px *= k;
            py *= k;
        }
        let (mut nx, mut ny) = grid.slide(x, y, ex * v * dt + px, ey * v * dt + py, ri);
        // A step longer than half a cell can pass over a goal smaller than
        // itself (a shelter's one cell on a fine grid): look along it and
        // stop in the first goal cell met.
        let mut arrived = grid.cell_at(nx, ny).is_some_and(|k| field.is_goal(k));
        let (sx, sy) = (nx - x, ny - y);
        let len2 = sx * sx + sy * sy;
        if !arrived && len2 > 0.25 * grid.dx() * grid.dx() {
            let n = (2.0 * len2.sqrt() * grid.inv_dx()).ceil() as usize;
            for k in 1..n {
                let f = k as f64 / n as f64;
                let (qx, qy) = (x + sx * f, y + sy * f);
                if grid.cell_at(qx, qy).is_some_and(|c| field.is_goal(c)) {
                    (nx, ny, arrived) = (qx, qy, true);
                    break;
                }
            }
        }
        // Stalled time: grows by dt, less the progress towards the goal
        // counted at 5 % of the free speed (so creeping in a queue is not
        // stalling, but rocking back and forth on the spot is).
        let gained = (nx - x) * e0x + (ny - y) * e0y;
        let credit = if free > 0.0 { gained / (0.05 * free) } else { dt };
        let stalled = (me.stalled as f64 + dt - credit).clamp(0.0, 60.0) as f32;
        Walked { x: nx, y: ny, stalled, state: if arrived { AgentState::Arrived } else { AgentState::Moving } }
    }
}
