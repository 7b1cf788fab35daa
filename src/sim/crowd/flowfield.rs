//! Flow fields: for one goal (a shelter = a set of goal cells), the walking
//! time from every cell to the nearest goal cell, by a first-order fast
//! marching solution of the eikonal equation |∇T| = 1/f on the navigation
//! grid (f the cell's speed factor; T in seconds at 1 m/s, i.e. effective
//! metres). Four-neighbour upwind stencils never couple cells across a
//! blocked cell, so no route cuts a corner. Each cell remembers which
//! upwind neighbours its value came from, so a change of some cells is
//! repaired by recomputing only the cells downstream of them (plus whatever
//! a newly opened or faster cell improves) instead of the whole grid. The
//! steering direction at any point is the descent direction of the bilinear
//! interpolation of T between cell centres, with blocked or unreachable
//! corners read as uphill (so walkers keep off walls), falling back to the
//! best neighbour cell where the gradient vanishes. Unreachable cells hold
//! `f32::INFINITY`. Deterministic: heap ties break by cell index.

use super::navgrid::{NavGrid, ifloor, neighbour_bit};
use std::collections::BinaryHeap;

const XM: u8 = 1;
const XP: u8 = 2;
const YM: u8 = 4;
const YP: u8 = 8;

/// Walking-time field towards one goal.
#[derive(Debug, Clone)]
pub struct FlowField {
    goals: Vec<u32>,
    time: Vec<f32>,
    src: Vec<u8>,
    known: Vec<bool>,
    heap: BinaryHeap<u64>,
    queue: Vec<u32>,
}

/// Max-heap entry that pops the smallest time first, ties by lowest cell.
#[inline]
fn entry(t: f32, k: usize) -> u64 {
    !(((t.to_bits() as u64) << 32) | k as u64)
}

impl FlowField {
    /// The field towards `goals` (cell indices; out-of-range ones ignored).
    pub fn new(grid: &NavGrid, goals: &[usize]) -> Self {
        let mut g: Vec<u32> = goals.iter().filter(|&&k| k < grid.len()).map(|&k| k as u32).collect();
        g.sort_unstable();
        g.dedup();
        let n = grid.len();
        let mut f = FlowField {
            goals: g,
            time: vec![f32::INFINITY; n],
            src: vec![0; n],
            known: vec![false; n],
            heap: BinaryHeap::new(),
            queue: Vec::new(),
        };
        f.recompute(grid);
        f
    }

    /// Goal cells, ascending.
    pub fn goals(&self) -> &[u32] {
        &self.goals
    }

    /// Walking time (s at 1 m/s) from cell `k` to the goal; infinite if none.
    #[inline]
    pub fn time(&self, k: usize) -> f32 {
        self.time.get(k).copied().unwrap_or(f32::INFINITY)
    }

    /// All times, by cell index.
    pub fn times(&self) -> &[f32] {
        &self.time
    }

    /// Whether a route leads from cell `k` to the goal.
    #[inline]
    pub fn reachable(&self, k: usize) -> bool {
        self.time(k).is_finite()
    }

    /// Whether cell `k` is one of the goal cells (and walkable).
    #[inline]
    pub fn is_goal(&self, k: usize) -> bool {
        self.time(k) == 0.0
    }

    /// Recomputes the whole field from the goals.
    pub fn recompute(&mut self, grid: &NavGrid) {
        self.time.fill(f32::INFINITY);
        self.src.fill(0);
        self.known.fill(false);
        self.heap.clear();
        for &g in &self.goals {
            if grid.is_walkable(g as usize) {
                self.time[g as usize] = 0.0;
                self.heap.push(entry(0.0, g as usize));
            }
        }
        self.march(grid);
    }

    /// Brings the field up to date after the speed factors of `changed`
    /// cells changed: the changed cells and every cell whose value was
    /// derived from them are recomputed from their still-valid surroundings,
    /// and improvements spread from there.
    pub fn repair(&mut self, grid: &NavGrid, changed: &[u32]) {
        if changed.is_empty() {
            return;
        }
        let nx = grid.nx();
        self.queue.clear();
        for &c in changed {
            if self.known[c as usize] || self.time[c as usize].is_finite() {
                self.invalidate(c as usize);
            }
        }
        // Everything downstream of an invalidated cell goes too.
        let mut head = 0;
        while head < self.queue.len() {
            let c = self.queue[head] as usize;
            head += 1;
            let (i, j) = grid.coords(c);
            if i > 0 && self.src[c - 1] & XP != 0 {
                self.invalidate(c - 1);
            }
            if i + 1 < nx && self.src[c + 1] & XM != 0 {
                self.invalidate(c + 1);
            }
            if j > 0 && self.src[c - nx] & YP != 0 {
                self.invalidate(c - nx);
            }
            if j + 1 < grid.ny() && self.src[c + nx] & YM != 0 {
                self.invalidate(c + nx);
            }
        }
        // Re-seed the invalidated and changed cells from their known neighbours.
        self.heap.clear();
        let seeds = self.queue.len();
        for s in 0..seeds + changed.len() {
            let k = if s < seeds { self.queue[s] } else { changed[s - seeds] } as usize;
            self.seed(grid, k);
        }
        self.march(grid);
    }

    fn invalidate(&mut self, k: usize) {
        if self.known[k] || self.time[k].is_finite() {
            self.known[k] = false;
            self.time[k] = f32::INFINITY;
            self.src[k] = 0;
            self.queue.push(k as u32);
        }
    }

    fn seed(&mut self, grid: &NavGrid, k: usize) {
        if !grid.is_walkable(k) {
            self.known[k] = false;
            self.time[k] = f32::INFINITY;
            self.src[k] = 0;
            return;
        }
        if self.known[k] {
            return;
        }
        let (t, bits) = if self.goals.binary_search(&(k as u32)).is_ok() { (0.0, 0) } else { self.solve(grid, k) };
        if t < self.time[k] {
            self.time[k] = t;
            self.src[k] = bits;
            self.heap.push(entry(t, k));
        }
    }

    /// Fast marching from the current heap until it empties. Known cells
    /// that a newly accepted neighbour improves by more than rounding are
    /// reopened (only happens while repairing).
    fn march(&mut self, grid: &NavGrid) {
        let (nx, ny) = (grid.nx(), grid.ny());
        while let Some(e) = self.heap.pop() {
            let e = !e;
            let k = (e & 0xffff_ffff) as usize;
            if self.known[k] || self.time[k].to_bits() != (e >> 32) as u32 {
                continue;
            }
            self.known[k] = true;
            let (i, j) = grid.coords(k);
            let nbrs = [
                (i > 0).then(|| k - 1),
                (i + 1 < nx).then(|| k + 1),
                (j > 0).then(|| k - nx),
                (j + 1 < ny).then(|| k + nx),
            ];
            for n in nbrs.into_iter().flatten() {
                if !grid.is_walkable(n) || self.time[n] == 0.0 {
                    continue;
                }
                let (t, bits) = self.solve(grid, n);
                let old = self.time[n];
                let better = if self.known[n] { t < old - 1e-5 * old.max(grid.dx() as f32) } else { t < old };
                if better {
                    self.known[n] = false;
                    self.time[n] = t;
                    self.src[n] = bits;
                    self.heap.push(entry(t, n));
                }
            }
        }
    }

    /// Upwind eikonal update of cell `k` from its known neighbours.
    #[inline]
    fn solve(&self, grid: &NavGrid, k: usize) -> (f32, u8) {
        let (nx, ny) = (grid.nx(), grid.ny());
        let (i, j) = grid.coords(k);
        let val = |n: usize| if self.known[n] { self.time[n] as f64 } else { f64::INFINITY };
        let (mut a, mut abit) = (f64::INFINITY, 0);
        if i > 0 && val(k - 1) < a {
            (a, abit) = (val(k - 1), XM);
        }
        if i + 1 < nx && val(k + 1) < a {
            (a, abit) = (val(k + 1), XP);
        }
        let (mut b, mut bbit) = (f64::INFINITY, 0);
        if j > 0 && val(k - nx) < b {
            (b, bbit) = (val(k - nx), YM);
        }
        if j + 1 < ny && val(k + nx) < b {
            (b, bbit) = (val(k + nx), YP);
        }
        if a > b {
            (a, b, abit, bbit) = (b, a, bbit, abit);
        }
        if !a.is_finite() {
            return (f32::INFINITY, 0);
        }
        let h = grid.dx() / grid.speed_factor(k) as f64;
        if b - a >= h {
            ((a + h) as f32, abit)
        } else {
            let d = b - a;
            (((a + b + (2.0 * h * h - d * d).sqrt()) * 0.5) as f32, abit | bbit)
        }
    }

    /// Unit walking direction towards the goal at point (x, y) lying in cell
    /// `c`, or `None` if no route leads from `c`.
    #[inline]
    pub fn direction(&self, grid: &NavGrid, x: f64, y: f64, c: usize) -> Option<(f64, f64)> {
        let tc = self.time[c];
        if !tc.is_finite() {
            return None;
        }
        let dx = grid.dx();
        let (ci, cj) = grid.coords(c);
        let (ci, cj) = (ci as i64, cj as i64);
        // Same scaling as `NavGrid::cell_at`, so c is one of the 4 corners.
        let (u, v) = (x * grid.inv_dx() - 0.5, y * grid.inv_dx() - 0.5);
        let (i0, j0) = (ifloor(u), ifloor(v));
        let (fx, fy) = (u - i0 as f64, v - j0 as f64);
        let (m, nx) = (grid.neighbour_mask(c), grid.nx() as i64);
        // A corner's time, or `None` for a closed one (blocked, hidden
        // behind two closed cells, or without a route).
        let corner = |i: i64, j: i64| self.corner(m, c, nx, i - ci, j - cj, tc);
        let (t00, t10, t01, t11) = (corner(i0, j0), corner(i0 + 1, j0), corner(i0, j0 + 1), corner(i0 + 1, j0 + 1));
        // Differences only between open corners, weighted bilinearly: a
        // wall neither attracts nor repels (keeping off walls is the
        // slide's business), so walkers use a door's whole width at any
        // cell size.
        let diff = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| b - a);
        let blend = |d0: Option<f64>, w0: f64, d1: Option<f64>, w1: f64| match (d0, d1) {
            (Some(d0), Some(d1)) => Some(d0 * w0 + d1 * w1),
            (Some(d), None) | (None, Some(d)) => Some(d),
            (None, None) => None,
        };
        // An axis the window cannot see (closed corners on both rows or
        // columns): the best neighbour decides.
        let (Some(gx), Some(gy)) =
            (blend(diff(t00, t10), 1.0 - fy, diff(t01, t11), fy), blend(diff(t00, t01), 1.0 - fx, diff(t10, t11), fx))
        else {
            return self.best_neighbour(grid, x, y, c);
        };
        let g2 = gx * gx + gy * gy;
        if g2 > 1e-6 * dx * dx {
            let inv = 1.0 / g2.sqrt();
            let (ex, ey) = (-gx * inv, -gy * inv);
            // The interpolation window sees only the corner cells round
            // (x, y): beside a door it can point straight into the wall
            // while the route runs along it. When the neighbour the
            // direction points at (by 45° sectors) is closed, a diagonal
            // one between two closed cells, or no nearer the goal, go to
            // the best neighbour instead, so nobody pushes against a wall
            // or walks uphill for ever.
            let sector = |e: f64| {
                if e > 0.382_683_432_365_09 {
                    1
                } else if e < -0.382_683_432_365_09 {
                    -1
                } else {
                    0
                }
            };
            let (di, dj) = (sector(ex), sector(ey));
            let blocked = m & neighbour_bit(di, dj) == 0
                || (di != 0 && dj != 0 && m & (neighbour_bit(di, 0) | neighbour_bit(0, dj)) == 0);
            // … and only downhill: the neighbour pointed at is nearer the goal.
            if !blocked && self.time[(c as i64 + di + dj * nx) as usize] < tc {
                return Some((ex, ey));
            }
        }
        self.best_neighbour(grid, x, y, c)
    }

    /// The time of the cell at offset (di, dj) (each -1..=1) from cell `c`
    /// (whose time is `tc` and neighbour mask `m`, on a grid `nx` across),
    /// or `None` if it is closed: blocked, a diagonal hidden behind two
    /// closed cells, or without a route.
    #[inline(always)]
    fn corner(&self, m: u8, c: usize, nx: i64, di: i64, dj: i64, tc: f32) -> Option<f64> {
        if di == 0 && dj == 0 {
            return Some(tc as f64);
        }
        let hidden = di != 0 && dj != 0 && m & (neighbour_bit(di, 0) | neighbour_bit(0, dj)) == 0;
        if m & neighbour_bit(di, dj) == 0 || hidden {
            return None;
        }
        let t = self.time[(c as i64 + di + dj * nx) as usize];
        t.is_finite().then_some(t as f64)
    }

    /// Direction to the centre of the neighbour (8 around, diagonals only
    /// between two open cells) with the least time, if it beats `c`.
    fn best_neighbour(&self, grid: &NavGrid, x: f64, y: f64, c: usize) -> Option<(f64, f64)> {
        // The neighbours' walkability from the cell's mask (the same as
        // asking the grid cell by cell).
        let (m, nx) = (grid.neighbour_mask(c), grid.nx() as i64);
        let mut best = (self.time[c], c);
        for (di, dj) in [(-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (1, -1), (-1, 1), (1, 1)] {
            let closed = m & neighbour_bit(di, dj) == 0
                || (di != 0 && dj != 0 && (m & neighbour_bit(di, 0) == 0 || m & neighbour_bit(0, dj) == 0));
            if closed {
                continue;
            }
            let n = (c as i64 + di + dj * nx) as usize;
            if self.time[n] < best.0 {
                best = (self.time[n], n);
            }
        }
        if best.1 == c {
            return None;
        }
        let (px, py) = grid.cell_centre(best.1);
        let (ex, ey) = (px - x, py - y);
        let d = (ex * ex + ey * ey).sqrt();
        (d > 0.0).then(|| (ex / d, ey / d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn straight_line_and_wall_detour() {
        let mut g = NavGrid::new(20, 20, 1.0).unwrap();
        let f = FlowField::new(&g, &[g.index(0, 10)]);
        // Along the axis the fast marching distance is exact.
        assert!((f.time(g.index(10, 10)) - 10.0).abs() < 1e-5);
        // Diagonal: within 8 % of Euclidean at 10 cells.
        let t = f.time(g.index(10, 0)) as f64;
        let e = (200.0f64).sqrt();
        assert!(t > e && t < 1.08 * e, "{t} vs {e}");
        // A wall across, with a gap at the top: the route goes round.
        for j in 0..19 {
            g.block(g.index(5, j));
        }
        let mut f2 = f.clone();
        let ch = g.take_changes();
        f2.repair(&g, &ch);
        let full = FlowField::new(&g, &[g.index(0, 10)]);
        for k in 0..g.len() {
            let (a, b) = (f2.time(k), full.time(k));
            assert!(a == b || (a - b).abs() <= 1e-4 * b, "cell {k}: repaired {a}, full {b}");
        }
        assert!(f2.time(g.index(10, 10)) > 20.5, "round the wall");
        // Closing the gap cuts the east side off.
        g.block(g.index(5, 19));
        let ch = g.take_changes();
        f2.repair(&g, &ch);
        assert!(!f2.reachable(g.index(10, 10)) && f2.reachable(g.index(2, 2)));
        // Reopening it restores the route.
        g.set_speed_factor(g.index(5, 19), 1.0);
        let ch = g.take_changes();
        f2.repair(&g, &ch);
        assert!((f2.time(g.index(10, 10)) - full.time(g.index(10, 10))).abs() < 1e-3);
    }
}
