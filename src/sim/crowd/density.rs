//! Speed from density: the Weidmann (1993) fundamental diagram, and the
//! local density estimate it is fed with. Density is a kernel estimate
//! ρ(q) = Σⱼ w(xⱼ − q) / M(q) with the separable biweight kernel
//! w(u, v) = k(u)·k(v), k(s) = 15/(16R)·(1 − s²/R²)² on |s| < R (unit mass),
//! centred a little ahead of the walker, where M(q) is the kernel mass over
//! walkable ground: near walls, water and the grid edge the kernel mass that
//! falls on blocked cells is taken out exactly (k integrates in closed form
//! over each cell), so people along a wall are not read as a thinner crowd.
//! A clearance map (Chebyshev distance in cells to the nearest blocked cell
//! or the edge) lets walkers in the open skip that correction.

use super::navgrid::{NavGrid, ifloor};
use rayon::prelude::*;

/// Rows per rayon task in the clearance map.
const CLEARANCE_ROWS: usize = 16;

/// Weidmann's jam density (1/m²).
pub const JAM_DENSITY: f64 = 5.4;
/// Weidmann's shape constant γ (1/m²).
pub const WEIDMANN_GAMMA: f64 = 1.913;

/// Walking speed at density `rho` (1/m²) for free speed `v0` by Weidmann
/// (1993): v = v0·[1 − exp(−γ·(1/ρ − 1/ρ_jam))], γ = 1.913 /m², ρ_jam =
/// 5.4 /m²; `v0` at ρ ≤ 0, 0 at ρ ≥ ρ_jam.
#[inline]
pub fn weidmann_speed(v0: f64, rho: f64) -> f64 {
    if rho <= 0.0 {
        v0
    } else if rho >= JAM_DENSITY {
        0.0
    } else {
        v0 * (1.0 - libm::exp(-WEIDMANN_GAMMA * (1.0 / rho - 1.0 / JAM_DENSITY)))
    }
}

/// Weidmann's speed factor v/v0 tabulated on [0, ρ_jam] (4096 intervals,
/// linear interpolation; values from [`weidmann_speed`], so libm-exact at
/// the nodes, off by less than 10⁻⁶ between them) — the step's hot path
/// then needs no `exp`.
#[derive(Debug, Clone)]
pub struct WeidmannTable {
    inv_h: f64,
    v: Vec<f64>,
}

impl Default for WeidmannTable {
    fn default() -> Self {
        const N: usize = 4096;
        let h = JAM_DENSITY / N as f64;
        let v = (0..=N + 1).map(|k| weidmann_speed(1.0, k as f64 * h)).collect();
        WeidmannTable { inv_h: 1.0 / h, v }
    }
}

impl WeidmannTable {
    /// v/v0 at density `rho` (1/m²).
    #[inline]
    pub fn factor(&self, rho: f64) -> f64 {
        if rho <= 0.0 {
            return 1.0;
        }
        let u = rho * self.inv_h;
        if u >= (self.v.len() - 2) as f64 {
            return 0.0;
        }
        let k = u as usize;
        let f = u - k as f64;
        self.v[k] + (self.v[k + 1] - self.v[k]) * f
    }
}

/// The density kernel of radius `r` (m).
#[derive(Debug, Clone, Copy)]
pub struct DensityKernel {
    r: f64,
    inv_r: f64,
    norm: f64,
}

/// 1-D antiderivative of (1 − s²)², s in units of R.
#[inline]
fn big_k(s: f64) -> f64 {
    let s = s.clamp(-1.0, 1.0);
    let s2 = s * s;
    s * (1.0 - s2 * (2.0 / 3.0) + s2 * s2 * 0.2)
}

impl DensityKernel {
    /// The kernel of radius `r` (m); 1.2 m if `r` is not a positive number.
    pub fn new(r: f64) -> Self {
        let r = if r > 0.0 && r.is_finite() { r } else { 1.2 };
        DensityKernel { r, inv_r: 1.0 / r, norm: 15.0 / (16.0 * r) }
    }

    pub fn radius(&self) -> f64 {
        self.r
    }

    /// 1-D kernel value at offset `s` (m); 0 beyond R.
    #[inline(always)]
    pub fn k(&self, s: f64) -> f64 {
        let z = s * self.inv_r;
        let t = 1.0 - z * z;
        if t > 0.0 { self.norm * t * t } else { 0.0 }
    }

    /// 1-D kernel mass between offsets `a` < `b` (m).
    #[inline]
    fn mass(&self, a: f64, b: f64) -> f64 {
        (big_k(b * self.inv_r) - big_k(a * self.inv_r)) * (15.0 / 16.0)
    }

    /// Kernel mass centred at (qx, qy) that lies on walkable cells of `grid`
    /// (cells outside the grid count as blocked).
    pub fn open_mass(&self, grid: &NavGrid, qx: f64, qy: f64) -> f64 {
        let dx = grid.dx();
        let (i_lo, i_hi) = (ifloor((qx - self.r) / dx), ifloor((qx + self.r) / dx));
        let (j_lo, j_hi) = (ifloor((qy - self.r) / dx), ifloor((qy + self.r) / dx));
        // Most windows near a wall miss it: all open, all the mass (the
        // sum below would add nothing to 0).
        if (j_lo..=j_hi).all(|j| (i_lo..=i_hi).all(|i| grid.open(i, j))) {
            return 1.0;
        }
        let mut blocked = 0.0;
        for j in j_lo..=j_hi {
            let my = self.mass(j as f64 * dx - qy, (j + 1) as f64 * dx - qy);
            for i in i_lo..=i_hi {
                if !grid.open(i, j) {
                    blocked += my * self.mass(i as f64 * dx - qx, (i + 1) as f64 * dx - qx);
                }
            }
        }
        (1.0 - blocked).max(0.0)
    }
}

/// For every cell, the Chebyshev distance in cells to the nearest blocked
/// cell or to the outside of the grid, capped at `cap + 1`; written into
/// `out` (resized to the grid).
pub fn clearance_map(grid: &NavGrid, cap: usize, out: &mut Vec<u8>) {
    let (nx, ny) = (grid.nx(), grid.ny());
    let top = (cap + 1).min(254) as u32;
    out.clear();
    out.resize(nx * ny, 0);
    if nx == 0 {
        return;
    }
    // Along rows first (rows in parallel: each writes its own).
    let mut row = vec![0u32; nx * ny];
    row.par_chunks_mut(nx).enumerate().with_min_len(CLEARANCE_ROWS).for_each(|(j, row)| {
        let base = j * nx;
        let mut d = 0u32; // distance to the last blocked cell (or the west edge)
        for (i, r) in row.iter_mut().enumerate() {
            d = if grid.is_walkable(base + i) { (d + 1).min(top) } else { 0 };
            *r = d;
        }
        let mut d = 0u32;
        for (i, r) in row.iter_mut().enumerate().rev() {
            d = if grid.is_walkable(base + i) { (d + 1).min(top) } else { 0 };
            *r = (*r).min(d);
        }
    });
    // Then across rows: max(|dj|, row distance), rows outside count as 0
    // (whole integers: the same in any order, so a row's cells are taken
    // together for each dj).
    let c = top as i64;
    out.par_chunks_mut(nx).enumerate().with_min_len(CLEARANCE_ROWS).for_each_init(Vec::new, |best, (j, o)| {
        best.clear();
        best.resize(nx, top);
        for dj in -c..=c {
            let jj = j as i64 + dj;
            let far = dj.unsigned_abs() as u32;
            if jj < 0 || jj >= ny as i64 {
                // Outside the grid: max(0, |dj|).
                best.iter_mut().for_each(|b| *b = (*b).min(far));
            } else {
                let r = &row[jj as usize * nx..][..nx];
                best.iter_mut().zip(r).for_each(|(b, &r)| *b = (*b).min(r.max(far)));
            }
        }
        o.iter_mut().zip(best.iter()).for_each(|(o, &b)| *o = b as u8);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Weidmann (1993) values: free speed at low density, 0.606·v0/1.34 at
    /// 2 /m², standstill at 5.4 /m².
    #[test]
    fn weidmann_values() {
        assert_eq!(weidmann_speed(1.34, 0.0), 1.34);
        assert!((weidmann_speed(1.34, 2.0) - 0.6063).abs() < 1e-3);
        assert_eq!(weidmann_speed(1.34, 5.4), 0.0);
        let t = WeidmannTable::default();
        for k in 0..6000 {
            let rho = k as f64 * 0.001;
            assert!((t.factor(rho) - weidmann_speed(1.0, rho)).abs() < 1e-6, "{rho}");
        }
    }

    #[test]
    fn kernel_mass_and_walls() {
        let g = NavGrid::new(20, 20, 0.5).unwrap();
        let k = DensityKernel::new(1.5);
        assert!((k.open_mass(&g, 5.0, 5.0) - 1.0).abs() < 1e-12);
        // Centred on the west edge: half the mass is outside.
        assert!((k.open_mass(&g, 0.0, 5.0) - 0.5).abs() < 1e-12);
        // Riemann sum of the kernel is 1.
        let mut s = 0.0;
        for a in -30..=30 {
            for b in -30..=30 {
                s += k.k(a as f64 * 0.05) * k.k(b as f64 * 0.05) * 0.0025;
            }
        }
        assert!((s - 1.0).abs() < 1e-3, "{s}");
        let mut c = Vec::new();
        clearance_map(&g, 3, &mut c);
        assert_eq!(c[g.index(0, 5)], 1);
        assert_eq!(c[g.index(10, 10)], 4);
        assert_eq!(c[g.index(2, 1)], 2);
    }

    /// The clearance map (rows and columns in parallel) against the
    /// definition taken cell by cell: the Chebyshev distance to the nearest
    /// blocked cell or the nearest cell outside the grid, capped at cap + 1.
    #[test]
    fn clearance_is_the_chebyshev_distance_to_the_nearest_blocked_cell() {
        use rand::RngExt;
        use rand::SeedableRng;
        let (nx, ny) = (53, 37);
        let mut g = NavGrid::new(nx, ny, 0.5).unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut blocked = Vec::new();
        for k in 0..nx * ny {
            if rng.random_bool(0.03) {
                g.block(k);
                blocked.push((k % nx, k / nx));
            }
        }
        for cap in [0, 3, 6, 40] {
            let mut c = Vec::new();
            clearance_map(&g, cap, &mut c);
            for j in 0..ny {
                for i in 0..nx {
                    let edge = (i + 1).min(j + 1).min(nx - i).min(ny - j);
                    let wall =
                        blocked.iter().map(|&(a, b)| a.abs_diff(i).max(b.abs_diff(j))).min().unwrap_or(usize::MAX);
                    let want = edge.min(wall).min(cap + 1);
                    assert_eq!(c[j * nx + i] as usize, want, "cell ({i}, {j}), cap {cap}");
                }
            }
        }
    }
}
