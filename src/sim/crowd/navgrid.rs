//! The pedestrian navigation grid: `nx × ny` square cells of `dx` metres
//! (cell (i, j) at index `j * nx + i`, x east, y north, origin at the
//! south-west corner), each with a walking speed factor — 0 for blocked
//! (buildings, walls, water deeper than the walking limit), 0 < f ≤ 1 for
//! slower ground that routes avoid, plus a walk factor that only slows
//! walkers (smoke, shallow water, slope) without changing routes. It records which cells changed so the
//! flow fields can be repaired, and owns the wall rule for moves: a move is
//! made one axis at a time and stops short of the first blocked cell, so a
//! walker never enters a blocked cell, never leaves the grid and never slips
//! diagonally between two blocked cells. No Bevy types.

/// ⌊v⌋ as an integer, for finite v of moderate size (no libm call: the
/// baseline x86-64 target has no rounding instruction).
#[inline]
pub fn ifloor(v: f64) -> i64 {
    let t = v as i64;
    if (t as f64) > v { t - 1 } else { t }
}

/// Walkability of the terrain for people on foot.
#[derive(Debug, Clone)]
pub struct NavGrid {
    nx: usize,
    ny: usize,
    dx: f64,
    inv_dx: f64,
    speed: Vec<f32>,
    /// Per cell, a factor on walking speed that routes ignore.
    walk: Vec<f32>,
    /// Per cell, bit d set when neighbour `NEIGHBOURS[d]` exists and is walkable.
    mask: Vec<u8>,
    changed: Vec<u32>,
    marked: Vec<bool>,
}

/// Neighbour offsets by mask bit: E, NE, N, NW, W, SW, S, SE.
pub const NEIGHBOURS: [(i64, i64); 8] = [(1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1)];

/// Mask bit of neighbour (di, dj), each in -1..=1, not both 0.
#[inline]
pub fn neighbour_bit(di: i64, dj: i64) -> u8 {
    // Row-major 3 × 3 table of bits; the centre is unused.
    const BIT: [u8; 9] = [1 << 5, 1 << 6, 1 << 7, 1 << 4, 0, 1, 1 << 3, 1 << 2, 1 << 1];
    BIT[((dj + 1) * 3 + di + 1) as usize]
}

impl NavGrid {
    /// An all-open grid (every speed and walk factor 1), or `None` if a
    /// side is 0, the grid has 2³² cells or more, or `dx` is not a positive
    /// finite number.
    pub fn new(nx: usize, ny: usize, dx: f64) -> Option<Self> {
        let cells = nx.checked_mul(ny)?;
        if nx == 0 || ny == 0 || cells >= u32::MAX as usize || !(dx > 0.0 && dx.is_finite()) {
            return None;
        }
        let mut g = NavGrid {
            nx,
            ny,
            dx,
            inv_dx: 1.0 / dx,
            speed: vec![1.0; nx * ny],
            walk: vec![1.0; nx * ny],
            mask: vec![0; nx * ny],
            changed: Vec::new(),
            marked: vec![false; nx * ny],
        };
        for k in 0..nx * ny {
            g.update_mask(k);
        }
        Some(g)
    }

    /// The grid of a scenario's walkers' mask (`scenario::walk`): its
    /// cells, with rivers, walls and blocks closed and doors open; no
    /// pending changes.
    pub fn from_walk(w: &crate::scenario::walk::WalkMask) -> Option<Self> {
        let mut g = NavGrid::new(w.nx, w.ny, w.cell_m)?;
        for k in (0..w.len()).filter(|&k| w.blocked[k]) {
            g.block(k);
        }
        g.take_changes();
        Some(g)
    }

    fn update_mask(&mut self, k: usize) {
        let (i, j) = ((k % self.nx) as i64, (k / self.nx) as i64);
        let mut m = 0;
        for (d, (di, dj)) in NEIGHBOURS.into_iter().enumerate() {
            if self.open(i + di, j + dj) {
                m |= 1 << d;
            }
        }
        self.mask[k] = m;
    }

    /// Which of the eight neighbours of cell `k` exist and are walkable
    /// (bit d for `NEIGHBOURS[d]`).
    #[inline]
    pub fn neighbour_mask(&self, k: usize) -> u8 {
        self.mask[k]
    }

    pub fn nx(&self) -> usize {
        self.nx
    }

    pub fn ny(&self) -> usize {
        self.ny
    }

    /// Cell size (m).
    pub fn dx(&self) -> f64 {
        self.dx
    }

    /// 1 / cell size (1/m).
    #[inline]
    pub fn inv_dx(&self) -> f64 {
        self.inv_dx
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.speed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.speed.is_empty()
    }

    pub fn index(&self, i: usize, j: usize) -> usize {
        j * self.nx + i
    }

    /// (i, j) of cell `k`.
    pub fn coords(&self, k: usize) -> (usize, usize) {
        (k % self.nx, k / self.nx)
    }

    /// The cell holding point (x, y), or `None` outside the grid.
    #[inline]
    pub fn cell_at(&self, x: f64, y: f64) -> Option<usize> {
        let (u, v) = (x * self.inv_dx, y * self.inv_dx);
        if u >= 0.0 && v >= 0.0 && u < self.nx as f64 && v < self.ny as f64 {
            Some(v as usize * self.nx + u as usize)
        } else {
            None
        }
    }

    /// Centre of cell `k` (m).
    pub fn cell_centre(&self, k: usize) -> (f64, f64) {
        let (i, j) = self.coords(k);
        ((i as f64 + 0.5) * self.dx, (j as f64 + 0.5) * self.dx)
    }

    /// Walking speed factor of cell `k` (0 = blocked, and outside the grid).
    #[inline]
    pub fn speed_factor(&self, k: usize) -> f32 {
        self.speed.get(k).copied().unwrap_or(0.0)
    }

    /// All speed factors, by cell index.
    pub fn speed_factors(&self) -> &[f32] {
        &self.speed
    }

    /// Whether cell `k` exists and is walkable.
    #[inline]
    pub fn is_walkable(&self, k: usize) -> bool {
        self.speed.get(k).is_some_and(|&s| s > 0.0)
    }

    /// Whether cell (i, j) exists and is walkable.
    #[inline]
    pub fn open(&self, i: i64, j: i64) -> bool {
        i >= 0
            && j >= 0
            && (i as usize) < self.nx
            && (j as usize) < self.ny
            && self.speed[j as usize * self.nx + i as usize] > 0.0
    }

    /// Factor on walking speed in cell `k` that routes do not see (smoke,
    /// shallow water, slope: people slow down there but do not plan round
    /// it); 1 by default.
    #[inline]
    pub fn walk_factor(&self, k: usize) -> f32 {
        self.walk.get(k).copied().unwrap_or(0.0)
    }

    /// Sets the walk factor of cell `k`, clamped to [0, 1] (NaN counts as
    /// 1); cells outside the grid are ignored. Flow fields are unaffected,
    /// so this may change every step at no cost. A factor of 0 holds
    /// walkers in place without blocking the cell.
    pub fn set_walk_factor(&mut self, k: usize, f: f32) {
        if let Some(w) = self.walk.get_mut(k) {
            *w = if f.is_nan() { 1.0 } else { f.clamp(0.0, 1.0) };
        }
    }

    /// Sets the speed factor of cell `k`, clamped to [0, 1] (NaN blocks);
    /// routes plan with it (time = distance / factor), 0 blocks the cell.
    /// Cells outside the grid are ignored. A real change is remembered
    /// until the flow fields are refreshed.
    pub fn set_speed_factor(&mut self, k: usize, f: f32) {
        if k >= self.speed.len() {
            return;
        }
        let f = if f.is_nan() { 0.0 } else { f.clamp(0.0, 1.0) };
        if self.speed[k] != f {
            let was_open = self.speed[k] > 0.0;
            self.speed[k] = f;
            if was_open != (f > 0.0) {
                let (i, j) = ((k % self.nx) as i64, (k / self.nx) as i64);
                for (di, dj) in NEIGHBOURS {
                    let (a, b) = (i + di, j + dj);
                    if a >= 0 && b >= 0 && (a as usize) < self.nx && (b as usize) < self.ny {
                        self.update_mask(b as usize * self.nx + a as usize);
                    }
                }
            }
            if !self.marked[k] {
                self.marked[k] = true;
                self.changed.push(k as u32);
            }
        }
    }

    /// Blocks cell `k` (speed factor 0); ignored outside the grid.
    pub fn block(&mut self, k: usize) {
        self.set_speed_factor(k, 0.0);
    }

    /// Cells changed since the last [`NavGrid::take_changes`], in the order
    /// they first changed.
    pub fn pending_changes(&self) -> &[u32] {
        &self.changed
    }

    /// The changed cells in ascending order; forgets them.
    pub fn take_changes(&mut self) -> Vec<u32> {
        let mut out = std::mem::take(&mut self.changed);
        for &k in &out {
            self.marked[k as usize] = false;
        }
        out.sort_unstable();
        out
    }

    /// Where a walker at (x, y), itself in a walkable cell, ends up after
    /// trying to move by (mx, my): the larger component first, then the other,
    /// each stopping `gap` metres (between 10⁻⁶·dx and 0.9·dx, so every
    /// walkable cell can still be entered) short of the first blocked cell
    /// or the grid edge on its way. Never lands in a blocked cell.
    #[inline]
    pub fn slide(&self, x: f64, y: f64, mx: f64, my: f64, gap: f64) -> (f64, f64) {
        let gap = gap.clamp(1e-6 * self.dx, 0.9 * self.dx);
        if let Some(k) = self.cell_at(x, y)
            && mx.abs() + gap <= self.dx
            && my.abs() + gap <= self.dx
        {
            // A short move only meets the eight neighbours: read them from
            // the mask (same result as the general case below).
            let m = self.mask[k];
            if m == 0xff {
                return (x + mx, y + my);
            }
            let (i, j) = ((k % self.nx) as i64, (k / self.nx) as i64);
            let xs = |x0: f64, m: u8| self.short_move(x0, mx, gap, i, m & neighbour_bit(mx.signum() as i64, 0) != 0);
            let ys = |y0: f64, m: u8| self.short_move(y0, my, gap, j, m & neighbour_bit(0, my.signum() as i64) != 0);
            return if mx.abs() >= my.abs() {
                let x1 = xs(x, m);
                // The y move starts from the cell x ended in.
                let di = ifloor(x1 * self.inv_dx) - i;
                let m1 = if di == 0 { m } else { self.mask[(k as i64 + di) as usize] };
                (x1, ys(y, m1))
            } else {
                let y1 = ys(y, m);
                let dj = ifloor(y1 * self.inv_dx) - j;
                let m1 = if dj == 0 { m } else { self.mask[(k as i64 + dj * self.nx as i64) as usize] };
                (xs(x, m1), y1)
            };
        }
        self.slide_general(x, y, mx, my, gap)
    }

    /// [`NavGrid::slide`] for moves of any length (gap already clamped).
    fn slide_general(&self, x: f64, y: f64, mx: f64, my: f64, gap: f64) -> (f64, f64) {
        if mx.abs() >= my.abs() {
            let x1 = self.axis_move(x, y, mx, gap, true);
            let y1 = self.axis_move(y, x1, my, gap, false);
            (x1, y1)
        } else {
            let y1 = self.axis_move(y, x, my, gap, false);
            let x1 = self.axis_move(x, y1, mx, gap, true);
            (x1, y1)
        }
    }

    /// A move of coordinate `s` (in cell `cell` along its axis) by `m`, with
    /// |m| + gap ≤ dx, where `next_open` tells whether the neighbour cell on
    /// the side of the move is walkable.
    #[inline]
    fn short_move(&self, s: f64, m: f64, gap: f64, cell: i64, next_open: bool) -> f64 {
        let target = s + m;
        if next_open || m == 0.0 {
            target
        } else if m > 0.0 {
            if ifloor((target + gap) * self.inv_dx) > cell {
                s.max(target.min((cell + 1) as f64 * self.dx - gap))
            } else {
                target
            }
        } else if ifloor((target - gap) * self.inv_dx) < cell {
            s.min(target.max(cell as f64 * self.dx + gap))
        } else {
            target
        }
    }

    /// Moves coordinate `s` by `m` along x (`along_x`) or y, the other
    /// coordinate fixed at `t`.
    #[inline]
    fn axis_move(&self, s: f64, t: f64, m: f64, gap: f64, along_x: bool) -> f64 {
        if m == 0.0 {
            return s;
        }
        let (n_along, n_across) = if along_x { (self.nx, self.ny) } else { (self.ny, self.nx) };
        let row = ((t * self.inv_dx) as i64).clamp(0, n_across as i64 - 1);
        let cell = ((s * self.inv_dx) as i64).clamp(0, n_along as i64 - 1);
        let is_open =
            |c: i64| c >= 0 && c < n_along as i64 && if along_x { self.open(c, row) } else { self.open(row, c) };
        let target = s + m;
        if m > 0.0 {
            let last = ifloor((target + gap) * self.inv_dx);
            for c in cell + 1..=last {
                if !is_open(c) {
                    let limit = c as f64 * self.dx - gap;
                    return s.max(target.min(limit));
                }
            }
        } else {
            let last = ifloor((target - gap) * self.inv_dx);
            let mut c = cell - 1;
            while c >= last {
                if !is_open(c) {
                    let limit = (c + 1) as f64 * self.dx + gap;
                    return s.min(target.max(limit));
                }
                c -= 1;
            }
        }
        target
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slide_stops_at_walls_and_grid_edges() {
        let mut g = NavGrid::new(4, 4, 1.0).unwrap();
        g.block(g.index(2, 1));
        // Straight into the wall: stops 0.1 m short of x = 2.
        assert_eq!(g.slide(1.5, 1.5, 3.0, 0.0, 0.1), (1.9, 1.5));
        // Diagonally: x stops, y slides on.
        let (x, y) = g.slide(1.5, 1.5, 1.0, 0.8, 0.1);
        assert_eq!((x, y), (1.9, 2.3));
        // Off the grid.
        assert_eq!(g.slide(0.5, 0.5, -2.0, 0.0, 0.1), (0.1, 0.5));
        // Through a diagonal gap between two blocked cells: not possible.
        let mut g = NavGrid::new(3, 3, 1.0).unwrap();
        g.block(g.index(1, 0));
        g.block(g.index(0, 1));
        let (x, y) = g.slide(0.9, 0.9, 0.5, 0.5, 0.0);
        assert!(g.cell_at(x, y) == Some(0), "{x} {y}");
        assert_eq!(g.take_changes(), vec![1, 3]);
        assert!(g.pending_changes().is_empty());
        // Short moves read from the neighbour mask land where the general
        // rule puts them.
        let mut g = NavGrid::new(12, 12, 1.0).unwrap();
        let mut seed = 12345u64;
        let mut rnd = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for k in 0..g.len() {
            if rnd() < 0.3 {
                g.block(k);
            }
        }
        for _ in 0..20000 {
            let k = (rnd() * g.len() as f64) as usize;
            if !g.is_walkable(k) {
                continue;
            }
            let (cx, cy) = g.cell_centre(k);
            let (x, y) = (cx + rnd() - 0.5, cy + rnd() - 0.5);
            let (mx, my, gap) = (1.4 * rnd() - 0.7, 1.4 * rnd() - 0.7, 0.3 * rnd());
            let gap_c = gap.clamp(1e-6, 0.9);
            let a = g.slide(x, y, mx, my, gap);
            assert_eq!(a, g.slide_general(x, y, mx, my, gap_c), "{x} {y} {mx} {my} {gap}");
            assert!(g.is_walkable(g.cell_at(a.0, a.1).unwrap()));
        }
        assert_eq!(g.neighbour_mask(0), 0b0000_0010, "only NE open");
        assert_eq!(neighbour_bit(1, 1), 0b10);
        assert_eq!(neighbour_bit(-1, 0), 1 << 4);
        for (d, (di, dj)) in NEIGHBOURS.into_iter().enumerate() {
            assert_eq!(neighbour_bit(di, dj), 1 << d);
        }
    }
}
