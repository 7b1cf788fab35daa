//! Checks of the walkers' grid and the structures on it: the walker cell
//! divides the terrain cell, the grid and the drawing stay within what a
//! run can hold, every structure's shape is sound and on the map, every
//! door lies on a wall of its structure, and a door the walker cells cannot
//! open as wide as written is warned about.
//!
//! Owns: these checks. May not touch: anything else.

use super::findings::{Findings, Ids, polygon};
use crate::geom::{dist, dist_to_segment};
use crate::scenario::locate::Path;
use crate::scenario::schema::{MapSpec, Point, Structure};
use crate::scenario::walk;

/// Most cells of the walkers' grid (4096² — flow fields of 4 B a cell
/// per shelter on top).
pub const MAX_WALK_CELLS: u64 = 4096 * 4096;
/// Most structures in a scenario.
pub const MAX_STRUCTURES: usize = 20_000;
/// Most corners of one structure.
pub const MAX_STRUCTURE_POINTS: usize = 4_096;
/// Most walker cells the structures may ask to be drawn (visits).
pub const MAX_DRAW_CELLS: f64 = 2e8;
/// Thickest wall accepted (m).
pub const MAX_WALL_M: f64 = 20.0;

/// Checks `map.walk_cell_m` and `map.structures` (the grid size already
/// checked); returns false when the walkers' grid cannot be drawn.
pub(crate) fn check_structures(m: &MapSpec, out: &mut Findings) -> bool {
    let p = Path::root().f("map");
    let ratio = match walk::ratio(m) {
        Ok(r) => r,
        Err(e) => {
            out.err(
                p.f("walk_cell_m"),
                e,
                format!("use {} m divided by a whole number, e.g. {}", m.cell_m, m.cell_m / 20.0),
            );
            return false;
        }
    };
    let cells = (m.size.0 as u64 * ratio as u64) * (m.size.1 as u64 * ratio as u64);
    if cells > MAX_WALK_CELLS {
        out.err(
            p.f("walk_cell_m"),
            format!("the walkers' grid would have {cells} cells, more than {MAX_WALK_CELLS}"),
            "use a coarser walkers' cell or a smaller map (a village at 0.5 m cells is at most 2 km a side)",
        );
        return false;
    }
    if m.structures.len() > MAX_STRUCTURES {
        out.err(
            p.f("structures"),
            format!("{} structures, more than {MAX_STRUCTURES}", m.structures.len()),
            "draw only the buildings and walls people walk round in the drill",
        );
        return false;
    }
    let dx = m.cell_m / ratio as f64;
    let (w, h) = (m.size.0 as f64 * m.cell_m, m.size.1 as f64 * m.cell_m);
    let mut ids = Ids::default();
    let mut drawn = 0.0;
    let mut ok = true;
    for (k, s) in m.structures.iter().enumerate() {
        let sp = p.f("structures").i(k);
        ids.add(out, "structure", s.id(), sp.f("id"));
        let (field, pts, closed) = match s {
            Structure::Building { outline, .. } => ("outline", outline, true),
            Structure::Wall { points, .. } => ("points", points, false),
            Structure::Block { outline, .. } => ("outline", outline, true),
        };
        if pts.len() > MAX_STRUCTURE_POINTS {
            out.err(
                sp.f(field),
                format!("{} corners, more than {MAX_STRUCTURE_POINTS}", pts.len()),
                "split it into several structures",
            );
            ok = false;
            continue;
        }
        let shape_ok = if closed {
            polygon(out, sp.f(field), pts)
        } else if pts.len() < 2 {
            out.err(sp.f(field), "a wall needs at least two points", "draw it from one end to the other");
            false
        } else {
            true
        };
        for (n, q) in pts.iter().enumerate() {
            if !(q.0 >= 0.0 && q.0 <= w && q.1 >= 0.0 && q.1 <= h) {
                out.err(
                    sp.f(field).i(n),
                    format!("point ({}, {}) lies outside the map", q.0, q.1),
                    format!("the map spans x 0..{w} m and y 0..{h} m from its south-west corner"),
                );
                ok = false;
            }
        }
        let (segments, thickness) = s.wall_segments();
        if !(matches!(s, Structure::Block { .. }) || thickness > 0.0 && thickness <= MAX_WALL_M) {
            let f = if matches!(s, Structure::Wall { .. }) { "thickness_m" } else { "wall_m" };
            out.err(
                sp.f(f),
                format!("a wall {thickness} m thick"),
                format!("walls are more than 0 and at most {MAX_WALL_M} m thick; 0.24–0.37 m for brick"),
            );
            ok = false;
            continue;
        }
        if !shape_ok {
            ok = false;
            continue;
        }
        drawn += segments.iter().map(|&(a, b)| (dist(a, b) / dx + 1.0) * (thickness / dx + 3.0)).sum::<f64>();
        if let Structure::Block { outline, .. } = s {
            let (lo, hi) = bounds(outline);
            drawn += ((hi.0 - lo.0) / dx + 2.0) * ((hi.1 - lo.1) / dx + 2.0);
        }
        for (n, d) in s.doors().iter().enumerate() {
            let dp = sp.f("doors").i(n);
            if !(d.width_m > 0.0 && d.width_m <= 50.0) {
                out.err(
                    dp.f("width_m"),
                    format!("a door {} m wide", d.width_m),
                    "doors are 0.8–2.4 m wide; gates up to 50 m",
                );
                continue;
            }
            let near =
                segments.iter().map(|&(a, b)| (dist_to_segment(d.at, a, b), a, b)).min_by(|x, y| x.0.total_cmp(&y.0));
            let Some((off, a, b)) = near else { continue };
            if off > thickness / 2.0 + dx {
                out.err(
                    dp.f("at"),
                    format!("the door at ({}, {}) is {off:.2} m from the nearest wall of `{}`", d.at.0, d.at.1, s.id()),
                    "put the door's centre on the wall's line (the outline or the wall's points)",
                );
                continue;
            }
            if d.width_m >= dist(a, b) {
                out.warn(
                    dp.f("width_m"),
                    format!("the door is {} m wide but its wall is only {:.2} m long", d.width_m, dist(a, b)),
                    "the opening stops at the wall's ends; leave the wall out instead",
                );
            }
            let opens = (d.width_m / dx).round().max(1.0) * dx;
            if (a.0 == b.0 || a.1 == b.1) && (opens - d.width_m).abs() > 0.25 * d.width_m {
                out.warn(
                    dp.f("width_m"),
                    format!("on walkers' cells of {dx} m this door opens {opens} m, not {} m", d.width_m),
                    "use a walkers' cell (dividing the terrain cell) of at most half the door's width",
                );
            }
        }
    }
    if drawn > MAX_DRAW_CELLS {
        out.err(
            p.f("structures"),
            format!(
                "the structures cover about {drawn:.0} walker cells, more than this build draws ({MAX_DRAW_CELLS:.0})"
            ),
            "use a coarser walkers' cell or fewer, smaller structures",
        );
        ok = false;
    }
    ok
}

fn bounds(pts: &[Point]) -> (Point, Point) {
    pts.iter().fold(((f64::INFINITY, f64::INFINITY), (f64::NEG_INFINITY, f64::NEG_INFINITY)), |(lo, hi), p| {
        ((lo.0.min(p.0), lo.1.min(p.1)), (hi.0.max(p.0), hi.1.max(p.1)))
    })
}
