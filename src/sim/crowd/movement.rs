//! Walking on the terrain grid: one flow field per shelter (Dijkstra travel
//! time over 8 neighbours without cutting corners past blocked cells), and
//! a step that moves each walker towards the neighbour cell nearer its
//! shelter at its free speed, slowed by the Weidmann (1993) fundamental
//! diagram v(ρ) = v₀·[1 − exp(−1.913·(1/ρ − 1/5.4))] for the density of
//! walkers in its cell. Walkers never enter a blocked cell (deep water).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Speed at density ρ (people/m²) by Weidmann's fundamental diagram.
pub fn weidmann(v0: f64, rho: f64) -> f64 {
    if rho <= 0.0 {
        return v0;
    }
    if rho >= 5.4 {
        return 0.0;
    }
    v0 * (1.0 - libm::exp(-1.913 * (1.0 / rho - 1.0 / 5.4)))
}

/// Travel distance (m) from every cell to the nearest goal cell; `f32::MAX`
/// where no route exists.
pub fn flow_field(nx: usize, ny: usize, dx: f64, blocked: &[bool], goals: &[usize]) -> Vec<f32> {
    let mut dist = vec![f32::MAX; nx * ny];
    let mut heap = BinaryHeap::new();
    for &g in goals {
        if !blocked[g] {
            dist[g] = 0.0;
            heap.push(Reverse((0u64, g)));
        }
    }
    let diag = dx * std::f64::consts::SQRT_2;
    while let Some(Reverse((mm, k))) = heap.pop() {
        let d = dist[k] as f64;
        if mm > (d * 1000.0) as u64 + 1 {
            continue;
        }
        let (i, j) = ((k % nx) as i64, (k / nx) as i64);
        for (di, dj) in [(-1i64, 0i64), (1, 0), (0, -1), (0, 1), (-1, -1), (1, -1), (-1, 1), (1, 1)] {
            let (a, b) = (i + di, j + dj);
            if a < 0 || b < 0 || a >= nx as i64 || b >= ny as i64 {
                continue;
            }
            let n = b as usize * nx + a as usize;
            if blocked[n] {
                continue;
            }
            let step = if di != 0 && dj != 0 {
                // No corner cutting: both side cells must be open.
                if blocked[j as usize * nx + a as usize] || blocked[b as usize * nx + i as usize] {
                    continue;
                }
                diag
            } else {
                dx
            };
            let nd = d + step;
            if (nd as f32) < dist[n] {
                dist[n] = nd as f32;
                heap.push(Reverse(((nd * 1000.0) as u64, n)));
            }
        }
    }
    dist
}

/// The point a walker in cell `k` heads for: the centre of the open
/// neighbour nearest the goal (lowest index on ties), or `None` at a goal or
/// with no route.
pub fn next_waypoint(nx: usize, ny: usize, dx: f64, dist: &[f32], blocked: &[bool], k: usize) -> Option<(f64, f64)> {
    if dist[k] == 0.0 || dist[k] == f32::MAX {
        return None;
    }
    let (i, j) = ((k % nx) as i64, (k / nx) as i64);
    let mut best = (dist[k], k);
    for (di, dj) in [(-1i64, 0i64), (1, 0), (0, -1), (0, 1), (-1, -1), (1, -1), (-1, 1), (1, 1)] {
        let (a, b) = (i + di, j + dj);
        if a < 0 || b < 0 || a >= nx as i64 || b >= ny as i64 {
            continue;
        }
        let n = b as usize * nx + a as usize;
        if blocked[n]
            || (di != 0 && dj != 0 && (blocked[j as usize * nx + a as usize] || blocked[b as usize * nx + i as usize]))
        {
            continue;
        }
        if dist[n] < best.0 {
            best = (dist[n], n);
        }
    }
    (best.1 != k).then(|| (((best.1 % nx) as f64 + 0.5) * dx, ((best.1 / nx) as f64 + 0.5) * dx))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Weidmann (1993): free speed at low density, about 0.4·v₀ at 3 /m²,
    /// standstill at 5.4 /m².
    #[test]
    fn weidmann_diagram() {
        assert!((weidmann(1.34, 0.01) - 1.34).abs() < 1e-6);
        let v3 = weidmann(1.34, 3.0) / 1.34;
        assert!((v3 - (1.0 - (-1.913f64 * (1.0 / 3.0 - 1.0 / 5.4)).exp())).abs() < 1e-12);
        assert!((0.2..0.3).contains(&v3), "{v3}");
        assert_eq!(weidmann(1.34, 5.4), 0.0);
    }

    #[test]
    fn flow_field_goes_round_walls_without_cutting_corners() {
        // 5×5, a wall in column 2 except at the top row; goal at the bottom right.
        let (nx, ny) = (5, 5);
        let mut blocked = vec![false; 25];
        for j in 0..4 {
            blocked[j * nx + 2] = true;
        }
        let d = flow_field(nx, ny, 1.0, &blocked, &[4]);
        assert_eq!(d[2], f32::MAX);
        // From the bottom left the route goes up, over the gap, and down.
        assert!(d[0] > 7.0, "{}", d[0]);
        let wp = next_waypoint(nx, ny, 1.0, &d, &blocked, 0).unwrap();
        let k = (wp.1 as usize) * nx + wp.0 as usize;
        assert!(!blocked[k] && d[k] < d[0], "towards the gap, not through the wall: {wp:?}");
        blocked[4 * nx + 2] = true;
        let d = flow_field(nx, ny, 1.0, &blocked, &[4]);
        assert_eq!(d[0], f32::MAX, "cut off");
        assert!(next_waypoint(nx, ny, 1.0, &d, &blocked, 0).is_none());
    }
}
