//! Spatial index of walkers in flat arrays, rebuilt every step by a
//! counting sort. The grid's extent is cut into square buckets of side `h`,
//! grouped into tiles of 8 × 8 buckets; only tiles holding someone get a
//! block of 64 keys, so the key space stays a small multiple of the crowd
//! (no per-bucket table over a whole township, no hash collisions), and
//! the per-tile table is touched only at the tiles occupied. Walkers
//! are counted per key, the counts turned into offsets, and a snapshot of
//! each walker (position, radius, index) written into its bucket's run:
//! tiles row by row, buckets row by row within a tile, walkers by index
//! within a bucket, as columns (`Columns`, which the walkers' neighbour
//! scans read a vector at a time). The step walks the crowd in this
//! order, which keeps flow-field, grid and neighbour reads in cache, and
//! neighbour queries read only the snapshot, so a parallel step sees
//! everyone's previous position whatever order it runs in. Everything
//! except the counting and the offsets runs in parallel; after the first
//! steps no memory is allocated (buffers only grow).

use super::navgrid::{NavGrid, ifloor};
use rayon::prelude::*;
use std::ops::Range;

/// Snapshot of one walker in the index.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub x: f64,
    pub y: f64,
    /// Radius (m).
    pub r: f32,
    /// Walker index.
    pub id: u32,
}

/// The snapshot as columns, in walking order (see [`SpatialIndex::runs`]):
/// position `p` of each is entry `p`'s field. Scans that read many entries
/// a walker read these, a whole run of entries a vector at a time; each
/// column runs `COLUMN_PAD` entries past the last (far away, radius 0,
/// index `u32::MAX`), so a vector starting in a run may read past its end.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub r: Vec<f32>,
    pub id: Vec<u32>,
}

/// The runs of a block of buckets ([`SpatialIndex::runs`]): row by row,
/// one run per tile a row crosses.
pub struct Runs<'a> {
    index: &'a SpatialIndex,
    bx0: usize,
    bx1: usize,
    by1: usize,
    /// The next row and its next bucket.
    bx: usize,
    by: usize,
}

impl Iterator for Runs<'_> {
    type Item = Range<usize>;

    #[inline(always)]
    fn next(&mut self) -> Option<Range<usize>> {
        let tile = TILE as usize;
        while self.by <= self.by1 {
            if self.bx > self.bx1 {
                (self.bx, self.by) = (self.bx0, self.by + 1);
                continue;
            }
            let end = self.bx1.min(self.bx / tile * tile + tile - 1);
            let r = self.index.run(self.by, self.bx, end);
            self.bx = end + 1;
            if !r.is_empty() {
                return Some(r);
            }
        }
        None
    }
}

/// Walkers bucketed by position.
#[derive(Debug, Clone)]
pub struct SpatialIndex {
    h: f64,
    inv_h: f64,
    /// Buckets across and along the grid.
    bnx: i64,
    bny: i64,
    /// Tiles across.
    tnx: usize,
    /// Per tile: its block of 64 keys, or NONE.
    block: Vec<u32>,
    /// The occupied tiles, ascending (those whose block is not NONE).
    occupied: Vec<u32>,
    /// Per key: offset of its run in the snapshot (one more at the end).
    start: Vec<u32>,
    /// The snapshot (`SpatialIndex::columns`) and how many it holds.
    cols: Columns,
    count: usize,
    /// Per walker: key, then position in the snapshot (NONE if not included).
    pos: Vec<u32>,
    /// Walker index at each snapshot position.
    order: Vec<u32>,
}

const NONE: u32 = u32::MAX;
/// Entries the columns run past the last (see [`Columns`]).
pub const COLUMN_PAD: usize = 8;
/// Tiles are TILE × TILE buckets.
const TILE: i64 = 8;
/// Walkers per rayon task.
const CHUNK: usize = 1024;

impl SpatialIndex {
    /// An empty index over `grid` with buckets of side `h` (m; at least
    /// 0.1 m, and the cell size if `h` is not a positive number).
    pub fn new(grid: &NavGrid, h: f64) -> Self {
        let h = if h > 0.0 && h.is_finite() { h.max(0.1) } else { grid.dx() };
        let (w, l) = (grid.nx() as f64 * grid.dx(), grid.ny() as f64 * grid.dx());
        let (bnx, bny) = ((w / h).ceil().max(1.0) as i64, (l / h).ceil().max(1.0) as i64);
        let (tnx, tny) = ((bnx + TILE - 1) / TILE, (bny + TILE - 1) / TILE);
        SpatialIndex {
            h,
            inv_h: 1.0 / h,
            bnx,
            bny,
            tnx: tnx as usize,
            block: vec![NONE; (tnx * tny) as usize],
            occupied: Vec::new(),
            start: vec![0],
            cols: Columns::default(),
            count: 0,
            pos: Vec::new(),
            order: Vec::new(),
        }
    }

    /// Bucket side (m).
    pub fn bucket_size(&self) -> f64 {
        self.h
    }

    /// 1 / bucket side (1/m).
    #[inline]
    pub fn inv_bucket_size(&self) -> f64 {
        self.inv_h
    }

    /// Bucket coordinates of a point.
    #[inline]
    pub fn bucket(&self, x: f64, y: f64) -> (i64, i64) {
        (ifloor(x * self.inv_h), ifloor(y * self.inv_h))
    }

    /// Tile and key-within-tile of bucket (bx, by) inside the grid.
    #[inline]
    fn tile_local(&self, bx: i64, by: i64) -> (usize, u32) {
        let t = (by / TILE) as usize * self.tnx + (bx / TILE) as usize;
        (t, ((by % TILE) * TILE + bx % TILE) as u32)
    }

    /// Snapshot entries in bucket (bx, by); none outside the grid.
    pub fn bucket_entries(&self, bx: i64, by: i64) -> impl Iterator<Item = Entry> + '_ {
        let inside = bx >= 0 && by >= 0 && bx < self.bnx && by < self.bny;
        let r = if inside { self.run(by as usize, bx as usize, bx as usize) } else { 0..0 };
        r.map(|p| self.entry(p))
    }

    /// Calls `f` on every entry in the buckets (bx0..=bx1, by0..=by1),
    /// bucket by bucket in the order of [`SpatialIndex::bucket_entries`]
    /// over rows `by` and then `bx` (the same entries in the same order).
    /// Buckets of one row within one tile are neighbours in the key space,
    /// so each row is read as at most one run of entries per tile it
    /// crosses, not one per bucket.
    #[inline]
    pub fn for_each_in(&self, b0: (i64, i64), b1: (i64, i64), mut f: impl FnMut(Entry)) {
        for r in self.runs(b0, b1) {
            r.for_each(|p| f(self.entry(p)));
        }
    }

    /// The runs of positions (in [`SpatialIndex::columns`]) that [`SpatialIndex::for_each_in`] reads,
    /// in the same order; empty runs are left out.
    #[inline(always)]
    pub fn runs(&self, (bx0, by0): (i64, i64), (bx1, by1): (i64, i64)) -> Runs<'_> {
        let (bx0, bx1) = (bx0.max(0) as usize, bx1.min(self.bnx - 1));
        let (by0, by1) = (by0.max(0) as usize, by1.min(self.bny - 1));
        let (by, by1) = if bx1 < 0 || by1 < 0 || bx0 > bx1 as usize { (1, 0) } else { (by0, by1 as usize) };
        Runs { index: self, bx0, bx1: bx1.max(0) as usize, by1, bx: bx0, by }
    }

    /// Positions of the entries of buckets bx0..=bx1 of row `by`, all
    /// inside the grid and in one tile: one run of keys.
    #[inline(always)]
    fn run(&self, by: usize, bx0: usize, bx1: usize) -> Range<usize> {
        let tile = TILE as usize;
        let b = self.block[(by / tile) * self.tnx + bx0 / tile];
        if b == NONE {
            return 0..0;
        }
        let row = b as usize * 64 + (by % tile) * tile;
        self.start[row + bx0 % tile] as usize..self.start[row + bx1 % tile + 1] as usize
    }

    /// The snapshot's entry at position `p` (< [`SpatialIndex::len`]).
    #[inline]
    pub fn entry(&self, p: usize) -> Entry {
        let c = &self.cols;
        Entry { x: c.x[p], y: c.y[p], r: c.r[p], id: c.id[p] }
    }

    /// The snapshot as columns (see [`Columns`]).
    #[inline]
    pub fn columns(&self) -> &Columns {
        &self.cols
    }

    /// Where walker `i` stands in the snapshot, if included.
    #[inline]
    pub fn position(&self, i: usize) -> Option<usize> {
        let p = self.pos[i];
        (p != NONE).then_some(p as usize)
    }

    /// Number of walkers in the index.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Rebuilds from `n` walkers: walker `i` is in the crowd at
    /// `at(i) = Some((x, y))` (ignored outside the grid), and `make(i)`
    /// gives its snapshot entry and a payload stored alongside, in the same
    /// order, in `payload`.
    pub fn rebuild<M: Copy + Default + Send + Sync>(
        &mut self,
        n: usize,
        at: impl Fn(usize) -> Option<(f64, f64)> + Sync,
        make: impl Fn(usize) -> (Entry, M) + Sync,
        payload: &mut Vec<M>,
    ) {
        // Tile and local key of everyone (in parallel).
        let mut pos = std::mem::take(&mut self.pos);
        pos.resize(n, NONE);
        let this = &*self;
        pos.par_chunks_mut(CHUNK).enumerate().for_each(|(c, o)| {
            for (k, p) in o.iter_mut().enumerate() {
                *p = match at(c * CHUNK + k).map(|(x, y)| this.bucket(x, y)) {
                    Some((bx, by)) if bx >= 0 && by >= 0 && bx < this.bnx && by < this.bny => {
                        let (t, l) = this.tile_local(bx, by);
                        (t as u32) << 6 | l
                    }
                    _ => NONE,
                };
            }
        });
        // Blocks for the occupied tiles, in tile order. Only the tiles
        // occupied last step are cleared and only this step's are listed
        // and sorted: a township's tile table (hundreds of thousands of
        // tiles, nearly all empty) is never swept.
        for &t in &self.occupied {
            self.block[t as usize] = NONE;
        }
        self.occupied.clear();
        for &p in &pos {
            if p != NONE && self.block[(p >> 6) as usize] == NONE {
                self.block[(p >> 6) as usize] = 0;
                self.occupied.push(p >> 6);
            }
        }
        self.occupied.sort_unstable();
        for (b, &t) in self.occupied.iter().enumerate() {
            self.block[t as usize] = b as u32;
        }
        let blocks = self.occupied.len() as u32;
        // Counting sort by key = block · 64 + local.
        let keys = blocks as usize * 64;
        self.start.clear();
        self.start.resize(keys + 1, 0);
        for p in pos.iter_mut().filter(|p| **p != NONE) {
            *p = self.block[(*p >> 6) as usize] * 64 + (*p & 63);
            self.start[*p as usize + 1] += 1;
        }
        // Running sums carried in a register (a store-to-load chain
        // through memory would cost several cycles a key).
        let mut sum = 0;
        for s in &mut self.start[1..] {
            sum += *s;
            *s = sum;
        }
        let count = self.start[keys] as usize;
        self.order.resize(count, 0);
        for (i, p) in pos.iter_mut().enumerate() {
            if *p != NONE {
                let w = &mut self.start[*p as usize];
                self.order[*w as usize] = i as u32;
                *p = *w;
                *w += 1;
            }
        }
        self.start.copy_within(0..keys, 1);
        self.start[0] = 0;
        self.pos = pos;
        // Snapshot (in parallel).
        self.count = count;
        payload.resize(count, M::default());
        let order = &self.order;
        let Columns { x, y, r, id } = &mut self.cols;
        let far = f64::MAX;
        for v in [&mut *x, &mut *y] {
            v.resize(count + COLUMN_PAD, far);
            v[count..].fill(far);
        }
        r.resize(count + COLUMN_PAD, 0.0);
        r[count..].fill(0.0);
        id.resize(count + COLUMN_PAD, NONE);
        id[count..].fill(NONE);
        let (x, y, r, id) = (&mut x[..count], &mut y[..count], &mut r[..count], &mut id[..count]);
        let cols =
            (x.par_chunks_mut(CHUNK), y.par_chunks_mut(CHUNK), r.par_chunks_mut(CHUNK), id.par_chunks_mut(CHUNK));
        payload.par_chunks_mut(CHUNK).zip(cols).enumerate().for_each(|(c, (ms, (xs, ys, rs, ids)))| {
            for k in 0..ms.len() {
                let (e, m) = make(order[c * CHUNK + k] as usize);
                ms[k] = m;
                (xs[k], ys[k], rs[k], ids[k]) = (e.x, e.y, e.r, e.id);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_included_walker_is_in_its_bucket_in_order() {
        let g = NavGrid::new(60, 60, 1.0).unwrap();
        let x = [0.5, 3.2, 0.7, 10.0, 44.0, 70.0];
        let y = [0.5, 0.1, 0.9, 10.0, 52.0, 2.0];
        let mut h = SpatialIndex::new(&g, 2.0);
        let mut payload = Vec::new();
        let make = |i: usize| (Entry { x: x[i], y: y[i], r: 0.2, id: i as u32 }, i);
        h.rebuild(6, |i| (i != 3).then_some((x[i], y[i])), make, &mut payload);
        // Walker 5 is off the grid, 3 left out.
        assert_eq!(payload.len(), 4);
        let (bx, by) = h.bucket(0.6, 0.6);
        let ids: Vec<u32> = h.bucket_entries(bx, by).map(|e| e.id).collect();
        assert_eq!(ids, vec![0, 2]);
        let (bx, by) = h.bucket(44.9, 53.9);
        assert_eq!(h.bucket_entries(bx, by).next().map(|e| e.id), Some(4));
        assert!(h.bucket_entries(-1, 0).next().is_none() && h.bucket_entries(5, 5).next().is_none());
        assert_eq!(h.position(3), None);
        assert_eq!(h.position(5), None);
        for i in [0, 1, 2, 4] {
            assert_eq!(h.entry(h.position(i).unwrap()).id, i as u32);
            assert_eq!(payload[h.position(i).unwrap()], i);
        }
        // The columns run past the snapshot with the padding.
        let c = h.columns();
        assert_eq!(h.len(), 4);
        for v in [&c.x, &c.y] {
            assert_eq!(v.len(), 4 + COLUMN_PAD);
        }
        assert!(c.id[4..].iter().all(|&i| i == NONE) && c.r.len() == 4 + COLUMN_PAD);
        assert_eq!(ifloor(-0.5), -1);
        assert_eq!(ifloor(2.0), 2);
    }

    /// Reading a block of buckets by runs gives the same entries in the
    /// same order as bucket by bucket (rows, then columns), for blocks
    /// inside the grid, across tile boundaries and partly or wholly off it;
    /// and again after a second rebuild in which the crowd has left most of
    /// the tiles it held (they must read empty).
    #[test]
    fn runs_read_the_same_entries_as_bucket_by_bucket() {
        let g = NavGrid::new(40, 30, 1.0).unwrap();
        // A deterministic scatter over the grid and a little beyond it;
        // then fewer walkers, all in the south-west quarter.
        let spread = |i: usize| ((i * 7919 % 4300) as f64 * 0.01 - 1.0, (i * 104_729 % 3200) as f64 * 0.01 - 1.0);
        let corner = |i: usize| ((i * 7919 % 2000) as f64 * 0.01 - 1.0, (i * 104_729 % 1500) as f64 * 0.01 - 1.0);
        let mut h = SpatialIndex::new(&g, 0.7);
        let mut payload = Vec::new();
        let mut blocks = 0;
        for (n, at) in [(400, &spread as &(dyn Fn(usize) -> (f64, f64) + Sync)), (150, &corner)] {
            let make = |i: usize| (Entry { x: at(i).0, y: at(i).1, r: 0.2, id: i as u32 }, ());
            h.rebuild(n, |i| Some(at(i)), make, &mut payload);
            // The second crowd is all in the corner; the first is not.
            assert_eq!((0..h.len()).all(|p| h.entry(p).x < 20.0), n == 150);
            for bx0 in (-3..62).step_by(5) {
                for by0 in (-3..46).step_by(4) {
                    for (w, l) in [(0, 0), (2, 2), (9, 3), (20, 17)] {
                        let (bx1, by1) = (bx0 + w, by0 + l);
                        let mut runs = Vec::new();
                        h.for_each_in((bx0, by0), (bx1, by1), |e| runs.push(e.id));
                        // Bucket by bucket, each entry's bucket worked out afresh
                        // from its position (entries keep their order within one).
                        let h = &h;
                        let one_by_one: Vec<u32> = (by0..=by1)
                            .flat_map(|by| (bx0..=bx1).map(move |bx| (bx, by)))
                            .flat_map(|b| {
                                (0..h.len()).map(|p| h.entry(p)).filter(move |e| h.bucket(e.x, e.y) == b).map(|e| e.id)
                            })
                            .collect();
                        assert_eq!(runs, one_by_one, "{n} walkers, buckets ({bx0}, {by0})–({bx1}, {by1})");
                        blocks += !runs.is_empty() as usize;
                    }
                }
            }
        }
        assert!(blocks > 100, "only {blocks} blocks held anyone");
    }
}
