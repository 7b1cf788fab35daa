//! The walkers' grid: the map in cells of `map.walk_cell_m` (the terrain
//! cell divided by a whole number), each open or blocked for people on foot.
//!
//! Blocked are river channels (the walker cells of river terrain cells)
//! except where a bridge edge crosses, and the solid parts of
//! `map.structures`: a building's walls along its closed outline, a free
//! wall along its polyline, a block's whole footprint. Walls are drawn
//! conservatively — every cell whose square the wall's body (the segment
//! thickened by half its thickness) touches is blocked — so a wall of any
//! thickness leaves no gap at any resolution, and walkers (who never cut a
//! corner between two blocked cells) cannot slip through. A door opens the
//! cells of its own wall segment round its centre: on a wall along a grid
//! axis exactly `max(1, round(width / cell))` cells a row, centred as near
//! its `at` as the cells allow; on a slanting wall the cells whose centres
//! lie within half its width along the wall (at least ¾ of a cell, so a
//! passage always opens).
//!
//! Validation's reachability check and the crowd's navigation grid both
//! start from this mask, so what validates is what walkers can do. Plain
//! data; may not touch the simulation.

use crate::geom::{along_segment, dist_segment_to_box, dist_to_segment, in_polygon};
use crate::scenario::schema::{Door, MapSpec, Point, Structure};
use crate::scenario::terrain::TerrainGrid;
use std::collections::BTreeMap;

/// Most walker cells per terrain cell along an axis.
pub const MAX_RATIO: usize = 200;

/// Walker cells per terrain cell along each axis for `map` (1 without
/// `walk_cell_m`), or why the walker cell does not fit the terrain cell.
pub fn ratio(map: &MapSpec) -> Result<usize, String> {
    let Some(c) = map.walk_cell_m else { return Ok(1) };
    if !(c > 0.0 && c.is_finite() && map.cell_m > 0.0 && map.cell_m.is_finite()) {
        return Err(format!("the walkers' cell must be a positive number of metres, not {c}"));
    }
    let r = (map.cell_m / c).round();
    if r < 1.0 || (r * c - map.cell_m).abs() > 1e-6 * map.cell_m {
        return Err(format!(
            "a walkers' cell of {c} m does not divide the terrain cell of {} m into a whole number",
            map.cell_m
        ));
    }
    if r as usize > MAX_RATIO {
        return Err(format!("{} walker cells a terrain cell is more than {MAX_RATIO}", r as usize));
    }
    Ok(r as usize)
}

/// The walkers' grid: cell (i, j) at `j * nx + i`, x east and y north from
/// the map's south-west corner, like the terrain.
#[derive(Debug, Clone, PartialEq)]
pub struct WalkMask {
    pub nx: usize,
    pub ny: usize,
    /// Cell edge (m).
    pub cell_m: f64,
    /// Walker cells per terrain cell along each axis.
    pub ratio: usize,
    terrain_nx: usize,
    /// Blocked cells.
    pub blocked: Vec<bool>,
}

impl WalkMask {
    /// Draws the mask of `map` over its terrain `t`. A walker cell that
    /// does not fit the terrain cell (validation reports it) falls back to
    /// the terrain cell.
    pub fn build(map: &MapSpec, t: &TerrainGrid) -> WalkMask {
        let r = ratio(map).unwrap_or(1);
        let (nx, ny) = (t.nx * r, t.ny * r);
        let mut m = WalkMask { nx, ny, cell_m: t.cell_m / r as f64, ratio: r, terrain_nx: t.nx, blocked: Vec::new() };
        m.blocked = (0..nx * ny).map(|k| t.river[m.terrain_cell(k)]).collect();
        let nodes: BTreeMap<&str, Point> = map.roads.nodes.iter().map(|n| (n.id.as_str(), n.at)).collect();
        for e in map.roads.edges.iter().filter(|e| e.bridge) {
            if let (Some(&a), Some(&b)) = (nodes.get(e.from.as_str()), nodes.get(e.to.as_str())) {
                let (river, half) = (&t.river, e.width_m.max(0.0) / 2.0);
                let terrain_cell = |k: usize| (k / nx / r) * t.nx + (k % nx) / r;
                m.each_touched(a, b, half, &mut |m, k| {
                    if river[terrain_cell(k)] {
                        m.blocked[k] = false;
                    }
                });
            }
        }
        for s in &map.structures {
            m.draw(s);
        }
        m
    }

    fn draw(&mut self, s: &Structure) {
        let (segments, thickness) = s.wall_segments();
        for &(a, b) in &segments {
            let doors = self.doors_on(s, a, b, thickness);
            self.each_touched(a, b, thickness / 2.0, &mut |m, k| {
                if !in_door(&doors, along_segment(m.center(k), a, b)) {
                    m.blocked[k] = true;
                }
            });
        }
        if let Structure::Block { outline, .. } = s {
            let n = outline.len();
            for k in 0..n {
                self.each_touched(outline[k], outline[(k + 1) % n], 0.0, &mut |m, c| m.blocked[c] = true);
            }
            self.fill(outline);
        }
    }

    /// Whether structure `s` blocks cell `k` (the same rule as drawing it).
    fn blocks(&self, s: &Structure, k: usize) -> bool {
        let (lo, hi) = self.square(k);
        let (segments, thickness) = s.wall_segments();
        let walls = segments.iter().any(|&(a, b)| {
            touches(dist_segment_to_box(a, b, lo, hi), thickness / 2.0)
                && !in_door(&self.doors_on(s, a, b, thickness), along_segment(self.center(k), a, b))
        });
        walls
            || match s {
                Structure::Block { outline, .. } => {
                    let n = outline.len();
                    in_polygon(self.center(k), outline)
                        || (0..n).any(|e| touches(dist_segment_to_box(outline[e], outline[(e + 1) % n], lo, hi), 0.0))
                }
                _ => false,
            }
    }

    /// The door windows of structure `s` on its wall segment `a`–`b`.
    fn doors_on(&self, s: &Structure, a: Point, b: Point, thickness: f64) -> Vec<(f64, f64)> {
        s.doors()
            .iter()
            .filter(|d| dist_to_segment(d.at, a, b) <= thickness / 2.0 + self.cell_m)
            .map(|d| self.door_window(d, a, b))
            .collect()
    }

    fn square(&self, k: usize) -> (Point, Point) {
        let (i, j) = (k % self.nx, k / self.nx);
        let lo = (i as f64 * self.cell_m, j as f64 * self.cell_m);
        (lo, (lo.0 + self.cell_m, lo.1 + self.cell_m))
    }

    /// The stretch of the segment `a`–`b` (metres from `a`, half-open) that
    /// door `d` opens: on a wall along a grid axis, `n = max(1, round(width
    /// / cell))` whole cells centred as near the door's centre as the cells
    /// allow; on a slanting wall its width (at least one cell) round its centre.
    fn door_window(&self, d: &Door, a: Point, b: Point) -> (f64, f64) {
        let dx = self.cell_m;
        let s = along_segment(d.at, a, b);
        let axis = if a.1 == b.1 {
            Some((d.at.0, a.0, b.0))
        } else if a.0 == b.0 {
            Some((d.at.1, a.1, b.1))
        } else {
            None
        };
        match axis {
            Some((u, ua, ub)) => {
                let n = (d.width_m / dx).round().max(1.0);
                // Even counts centre on a cell boundary, odd ones on a centre.
                let uc =
                    if (n as u64).is_multiple_of(2) { (u / dx).round() * dx } else { ((u / dx).floor() + 0.5) * dx };
                let half = n * dx / 2.0;
                // Along the segment: distance from `a` grows with u when ub > ua.
                let sc = if ub >= ua { uc - ua } else { ua - uc };
                (sc - half, sc + half)
            }
            None => {
                // At least ¾ of a cell either side: the cells a line across
                // the wall passes through (centres within √2/2 of a cell of
                // it) are then all open, so the door always lets walkers by.
                let half = (d.width_m / 2.0).max(dx * 0.75);
                (s - half, s + half + f64::EPSILON)
            }
        }
    }

    /// Calls `f` for every cell whose square the segment `a`–`b` thickened
    /// by `half` touches (for `half` = 0, the squares it passes through),
    /// in ascending cell order within pieces of at most eight cells.
    fn each_touched(&mut self, a: Point, b: Point, half: f64, f: &mut dyn FnMut(&mut WalkMask, usize)) {
        let dx = self.cell_m;
        let len = crate::geom::dist(a, b);
        let pieces = ((len / (8.0 * dx)).ceil() as usize).max(1);
        let lerp = |t: f64| (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
        let mut seen: Vec<usize> = Vec::new();
        for p in 0..pieces {
            let (p0, p1) = (lerp(p as f64 / pieces as f64), lerp((p + 1) as f64 / pieces as f64));
            // One cell more each side: squares that only touch the body's edge count too.
            let cl = |v: f64, n: usize| (v / dx).floor().clamp(0.0, n as f64 - 1.0) as usize;
            let (i0, i1) = (cl(p0.0.min(p1.0) - half - dx, self.nx), cl(p0.0.max(p1.0) + half + dx, self.nx));
            let (j0, j1) = (cl(p0.1.min(p1.1) - half - dx, self.ny), cl(p0.1.max(p1.1) + half + dx, self.ny));
            for j in j0..=j1 {
                for i in i0..=i1 {
                    let (lo, hi) = self.square(j * self.nx + i);
                    if touches(dist_segment_to_box(p0, p1, lo, hi), half) {
                        seen.push(j * self.nx + i);
                    }
                }
            }
        }
        seen.sort_unstable();
        seen.dedup();
        for k in seen {
            f(self, k);
        }
    }

    /// Blocks every cell whose centre lies inside `poly` (row by row over its bounding box).
    fn fill(&mut self, poly: &[Point]) {
        let dx = self.cell_m;
        let (mut lo, mut hi) = ((f64::INFINITY, f64::INFINITY), (f64::NEG_INFINITY, f64::NEG_INFINITY));
        for p in poly {
            lo = (lo.0.min(p.0), lo.1.min(p.1));
            hi = (hi.0.max(p.0), hi.1.max(p.1));
        }
        let cl = |v: f64, n: usize| (v / dx).floor().clamp(0.0, n as f64 - 1.0) as usize;
        for j in cl(lo.1, self.ny)..=cl(hi.1, self.ny) {
            for i in cl(lo.0, self.nx)..=cl(hi.0, self.nx) {
                let k = j * self.nx + i;
                if in_polygon(self.center(k), poly) {
                    self.blocked[k] = true;
                }
            }
        }
    }

    pub fn len(&self) -> usize {
        self.blocked.len()
    }

    pub fn is_empty(&self) -> bool {
        self.blocked.is_empty()
    }

    /// Whether cell `k` exists and is open.
    pub fn is_open(&self, k: usize) -> bool {
        self.blocked.get(k).is_some_and(|b| !b)
    }

    /// Centre of cell `k` (m).
    pub fn center(&self, k: usize) -> Point {
        let (i, j) = (k % self.nx, k / self.nx);
        ((i as f64 + 0.5) * self.cell_m, (j as f64 + 0.5) * self.cell_m)
    }

    /// The cell holding `p`, if it lies on the map.
    pub fn cell_of(&self, p: Point) -> Option<usize> {
        if !(p.0 >= 0.0 && p.1 >= 0.0) {
            return None;
        }
        let (i, j) = ((p.0 / self.cell_m) as usize, (p.1 / self.cell_m) as usize);
        (i < self.nx && j < self.ny).then_some(j * self.nx + i)
    }

    /// The terrain cell walker cell `k` lies in.
    #[inline]
    pub fn terrain_cell(&self, k: usize) -> usize {
        (k / self.nx / self.ratio) * self.terrain_nx + (k % self.nx) / self.ratio
    }

    /// The walker cells of terrain cell `tk`, row by row.
    pub fn cells_in_terrain(&self, tk: usize) -> impl Iterator<Item = usize> + '_ {
        let (ti, tj) = (tk % self.terrain_nx, tk / self.terrain_nx);
        let r = self.ratio;
        (0..r).flat_map(move |dj| (0..r).map(move |di| (tj * r + dj) * self.nx + ti * r + di))
    }

    /// The structure of `map` that blocks the cell holding `p`, if any.
    pub fn blocker<'a>(&self, map: &'a MapSpec, p: Point) -> Option<&'a Structure> {
        let k = self.cell_of(p)?;
        if !self.blocked[k] {
            return None;
        }
        map.structures.iter().find(|s| self.blocks(s, k))
    }

    /// Component label per cell (u32::MAX for blocked cells), 4-connected.
    pub fn components(&self) -> Vec<u32> {
        let mut label = vec![u32::MAX; self.blocked.len()];
        let mut next = 0u32;
        let mut stack = Vec::new();
        for start in 0..self.blocked.len() {
            if self.blocked[start] || label[start] != u32::MAX {
                continue;
            }
            label[start] = next;
            stack.push(start);
            while let Some(k) = stack.pop() {
                let (i, j) = (k % self.nx, k / self.nx);
                let mut visit = |n: usize| {
                    if !self.blocked[n] && label[n] == u32::MAX {
                        label[n] = next;
                        stack.push(n);
                    }
                };
                if i > 0 {
                    visit(k - 1);
                }
                if i + 1 < self.nx {
                    visit(k + 1);
                }
                if j > 0 {
                    visit(k - self.nx);
                }
                if j + 1 < self.ny {
                    visit(k + self.nx);
                }
            }
            next += 1;
        }
        label
    }
}

/// The solid stretches of a structure's walls for drawing (faces, map
/// pictures): each wall segment with its doors cut out (at their written
/// width, centred on the foot of their centre), and a block's outline.
/// Returns the pieces and the wall thickness.
pub fn wall_pieces(s: &Structure) -> (Vec<(Point, Point)>, f64) {
    let (segments, thickness) = s.wall_segments();
    if let Structure::Block { outline, .. } = s {
        let n = outline.len();
        return ((0..n).map(|k| (outline[k], outline[(k + 1) % n])).collect(), 0.0);
    }
    let mut out = Vec::new();
    for (a, b) in segments {
        let len = crate::geom::dist(a, b);
        if len <= 0.0 {
            continue;
        }
        let mut cuts: Vec<(f64, f64)> = s
            .doors()
            .iter()
            .filter(|d| dist_to_segment(d.at, a, b) <= thickness / 2.0 + 0.5)
            .map(|d| {
                let c = along_segment(d.at, a, b);
                ((c - d.width_m / 2.0).max(0.0), (c + d.width_m / 2.0).min(len))
            })
            .collect();
        cuts.sort_by(|x, y| x.0.total_cmp(&y.0));
        let at = |t: f64| (a.0 + (b.0 - a.0) * t / len, a.1 + (b.1 - a.1) * t / len);
        let mut from = 0.0;
        for (lo, hi) in cuts {
            if lo > from {
                out.push((at(from), at(lo)));
            }
            from = from.max(hi);
        }
        if from < len {
            out.push((at(from), at(len)));
        }
    }
    (out, thickness)
}

/// Whether a body at distance `d` from a cell's square touches it: closer
/// than `half` for a thick body, meeting it for a line (`half` = 0).
fn touches(d: f64, half: f64) -> bool {
    if half > 0.0 { d < half } else { d == 0.0 }
}

/// Whether a point `s` metres along a wall falls in one of its doors.
fn in_door(doors: &[(f64, f64)], s: f64) -> bool {
    doors.iter().any(|&(lo, hi)| s >= lo && s < hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::schema::*;
    use std::path::Path;

    /// A flat `w` × `h` m map of 10 m terrain cells with walker cells of `cell`.
    fn map(w: u32, h: u32, cell: f64, structures: Vec<Structure>) -> (MapSpec, TerrainGrid) {
        let m = MapSpec {
            size: (w / 10, h / 10),
            cell_m: 10.0,
            terrain: Terrain::Procedural { base_m: 0.0, features: vec![] },
            land_cover: LandCover { classes: vec![], default: String::new(), polygons: vec![] },
            rivers: vec![],
            roads: RoadNet { nodes: vec![], edges: vec![] },
            walk_cell_m: Some(cell),
            structures,
        };
        let t = TerrainGrid::build(&m, Path::new(".")).unwrap();
        (m, t)
    }

    fn building(outline: Vec<Point>, doors: Vec<Door>) -> Structure {
        Structure::Building { id: "b".into(), name: None, outline, wall_m: 0.3, doors }
    }

    /// Rotates `p` about (20, 20) by `deg` degrees.
    fn turn(p: Point, deg: f64) -> Point {
        let (s, c) = (libm::sin(deg.to_radians()), libm::cos(deg.to_radians()));
        let (x, y) = (p.0 - 20.0, p.1 - 20.0);
        (20.0 + c * x - s * y, 20.0 + s * x + c * y)
    }

    #[test]
    fn the_walker_cell_divides_the_terrain_cell() {
        let (mut m, _) = map(40, 40, 0.5, vec![]);
        assert_eq!(ratio(&m), Ok(20));
        m.walk_cell_m = None;
        assert_eq!(ratio(&m), Ok(1));
        for bad in [3.0, 0.0, -1.0, f64::NAN, 20.0, 0.01] {
            m.walk_cell_m = Some(bad);
            assert!(ratio(&m).is_err(), "{bad}");
        }
    }

    /// A closed building (square, and turned by 0–90°) keeps walkers in at
    /// 0.25, 0.5 and 1 m cells, whatever the wall's thickness; one door of
    /// 1 m lets them out.
    #[test]
    fn a_closed_building_holds_and_a_door_opens_it() {
        for cell in [0.25, 0.5, 1.0] {
            for deg in [0.0, 10.0, 30.0, 45.0, 77.0] {
                for wall in [0.05, 0.3, 1.0] {
                    let sq = [(12.0, 12.0), (28.0, 12.0), (28.0, 28.0), (12.0, 28.0)].map(|p| turn(p, deg)).to_vec();
                    let door = Door { at: turn((20.0, 12.0), deg), width_m: 1.0 };
                    for doors in [vec![], vec![door]] {
                        let b = Structure::Building {
                            id: "b".into(),
                            name: None,
                            outline: sq.clone(),
                            wall_m: wall,
                            doors: doors.clone(),
                        };
                        let (m, t) = map(40, 40, cell, vec![b]);
                        let w = WalkMask::build(&m, &t);
                        let label = w.components();
                        let (inside, outside) = (w.cell_of((20.0, 20.0)).unwrap(), w.cell_of((2.0, 2.0)).unwrap());
                        assert!(w.is_open(inside) && w.is_open(outside));
                        assert_eq!(
                            label[inside] == label[outside],
                            !doors.is_empty(),
                            "cell {cell} m, turned {deg}°, wall {wall} m, {} door(s)",
                            doors.len()
                        );
                    }
                }
            }
        }
    }

    /// A door in a wall along a grid axis opens round(width / cell) cells
    /// in every row of the wall, wherever its centre is put.
    #[test]
    fn a_door_opens_its_width_in_whole_cells() {
        for cell in [0.2, 0.25, 0.5] {
            for width in [0.8, 1.0, 1.6, 2.4] {
                for centre in [20.0, 20.1, 20.13, 19.77] {
                    let wall = Structure::Wall {
                        id: "w".into(),
                        points: vec![(0.0, 20.15), (40.0, 20.15)],
                        thickness_m: 0.3,
                        doors: vec![Door { at: (centre, 20.15), width_m: width }],
                    };
                    let (m, t) = map(40, 40, cell, vec![wall]);
                    let w = WalkMask::build(&m, &t);
                    let want = (width / cell).round() as usize;
                    let mut rows = 0;
                    for j in 0..w.ny {
                        let blocked = (0..w.nx).filter(|&i| w.blocked[j * w.nx + i]).count();
                        if blocked > 0 {
                            rows += 1;
                            assert_eq!(w.nx - blocked, want, "cell {cell}, door {width} at {centre}, row {j}");
                            let open: Vec<usize> = (0..w.nx).filter(|&i| !w.blocked[j * w.nx + i]).collect();
                            assert_eq!(open.last().unwrap() - open[0] + 1, want, "one opening");
                            let mid = (open[0] + open.last().unwrap() + 1) as f64 * cell / 2.0;
                            assert!((mid - centre).abs() <= cell / 2.0 + 1e-9, "centred: {mid} vs {centre}");
                        }
                    }
                    assert!(rows >= 1 && rows as f64 * cell <= 0.3 + 2.0 * cell, "{rows} rows");
                }
            }
        }
    }

    #[test]
    fn blocks_rivers_bridges_and_the_terrain_map() {
        let block =
            Structure::Block { id: "pylon".into(), outline: vec![(5.0, 5.0), (9.0, 5.0), (9.0, 9.0), (5.0, 9.0)] };
        let (mut m, _) =
            map(40, 40, 0.5, vec![block, building(vec![(20.0, 20.0), (30.0, 20.0), (30.0, 30.0)], vec![])]);
        m.rivers.push(River {
            id: "r".into(),
            name: None,
            points: vec![(35.0, 0.0), (35.0, 40.0)],
            width_m: 4.0,
            depth_m: 1.0,
        });
        m.roads.nodes = vec![
            RoadNode { id: "a".into(), at: (25.0, 15.0), name: None },
            RoadNode { id: "b".into(), at: (39.0, 15.0), name: None },
        ];
        m.roads.edges = vec![RoadEdge {
            id: "br".into(),
            from: "a".into(),
            to: "b".into(),
            class: RoadClass::Village,
            name: None,
            width_m: 3.0,
            speed_kmh: None,
            bridge: true,
        }];
        let t = TerrainGrid::build(&m, Path::new(".")).unwrap();
        let w = WalkMask::build(&m, &t);
        assert_eq!((w.nx, w.ny, w.ratio), (80, 80, 20));
        // Each walker cell lies in the terrain cell holding its centre.
        for k in [0, 79, 80 * 37 + 41, w.len() - 1] {
            assert_eq!(w.terrain_cell(k), t.cell_of(w.center(k)).unwrap());
            assert!(w.cells_in_terrain(w.terrain_cell(k)).any(|c| c == k));
        }
        assert_eq!(w.cells_in_terrain(5).count(), 400);
        // The river's terrain cells are blocked, but not under the 3 m bridge.
        assert!(!w.is_open(w.cell_of((35.0, 30.0)).unwrap()));
        assert!(w.is_open(w.cell_of((35.0, 15.2)).unwrap()));
        assert!(!w.is_open(w.cell_of((35.0, 17.5)).unwrap()), "beyond the bridge's half-width");
        // The block's footprint, and which structure blocks a point.
        assert!(!w.is_open(w.cell_of((7.0, 7.0)).unwrap()));
        assert_eq!(w.blocker(&m, (7.0, 7.0)).map(|s| s.id()), Some("pylon"));
        assert_eq!(w.blocker(&m, (25.0, 20.1)).map(|s| s.id()), Some("b"));
        assert!(w.blocker(&m, (27.0, 22.0)).is_none(), "inside the triangle is open");
        assert!(w.blocker(&m, (35.0, 30.0)).is_none(), "a river is no structure");
        // Drawing cell by cell gives the same mask as drawing each structure.
        for k in 0..w.len() {
            let by_rule = m.structures.iter().any(|s| w.blocks(s, k));
            if !t.river[w.terrain_cell(k)] {
                assert_eq!(w.blocked[k], by_rule, "cell {k}");
            }
        }
    }
}
