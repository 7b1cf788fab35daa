//! From OpenStreetMap features and an elevation model to a township's map
//! and villages: the terrain sampled on the scenario's grid, roads into
//! the road graph, waterways into rivers, land use into land cover,
//! buildings into solid blocks and households, schools, squares and
//! assembly points into proposed shelters, administrative areas into
//! villages. Every household and shelter stands on open ground of the
//! walkers' grid, and a building whose people cannot reach a shelter is
//! left out and reported. Reads `osm`, `dem` and `crs`; writes scenario
//! schema values; touches no file but the heightmap it is given.

use super::crs::LocalGrid;
use super::dem::Dem;
use super::osm::{Kind, Osm, Tags};
use crate::geom::{dist, dist_to_segment, in_polygon, polygon_area, segments_cross};
use crate::scenario::schema::Household;
use crate::scenario::schema::{
    CoverClass, CoverPolygon, HouseholdBlock, LandCover, MapSpec, Members, Point, River, RoadClass, RoadEdge, RoadNet,
    RoadNode, Shelter, Structure, Terrain, Text, Village,
};
use crate::scenario::terrain::TerrainGrid;
use crate::scenario::walk::WalkMask;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The author's figures for turning buildings into people.
#[derive(Debug, Clone)]
pub struct Settings {
    pub cell_m: f64,
    pub walk_cell_m: f64,
    /// Mean people per household.
    pub persons: f64,
    /// Floor area per household (m²): a house of 1.5 times this holds two.
    pub m2_per_household: f64,
    /// Shares of residents who are elderly (65+) and children (under 15).
    pub elderly: f64,
    pub children: f64,
    /// Open floor or ground per sheltered person (m²).
    pub m2_per_sheltered: f64,
}

/// A point to the decimetre, as the scenario file writes it: every check
/// (open ground, reachability) is made on the points the file will hold.
fn dm(p: Point) -> Point {
    ((p.0 * 10.0).round() / 10.0, (p.1 * 10.0).round() / 10.0)
}

/// The map's place on the earth: its grid and size.
pub struct Area {
    pub grid: LocalGrid,
    pub nx: u32,
    pub ny: u32,
    pub cell_m: f64,
}

impl Area {
    /// The map's east and north limits: points lie strictly inside the
    /// map's far edges, so they stop a decimetre short.
    fn w(&self) -> f64 {
        self.nx as f64 * self.cell_m - 0.1
    }
    fn h(&self) -> f64 {
        self.ny as f64 * self.cell_m - 0.1
    }
    /// A longitude/latitude in map metres, to the decimetre.
    pub fn pt(&self, ll: (f64, f64)) -> Option<Point> {
        self.grid.to_map(ll.0, ll.1).map(dm)
    }
    fn inside(&self, p: Point) -> bool {
        p.0 >= 0.0 && p.1 >= 0.0 && p.0 <= self.w() && p.1 <= self.h()
    }
    fn rect(&self) -> Vec<Point> {
        vec![(0.0, 0.0), (self.w(), 0.0), (self.w(), self.h()), (0.0, self.h())]
    }
}

/// What the import found and what it left for the author.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub buildings: usize,
    pub residential: usize,
    pub households: usize,
    pub residents: u32,
    pub road_nodes: usize,
    pub road_edges: usize,
    pub rivers: usize,
    pub shelters_found: usize,
    pub shelters_proposed: usize,
    /// Road crossings of a waterway not tagged as bridges (culverts, fords):
    /// walkers may cross there.
    pub crossings: usize,
    pub culverts: usize,
    /// Terrain cells whose elevation came from neighbours (voids in the model).
    pub voids: usize,
    /// Residential buildings left out, with why (cut off from every shelter,
    /// or no open ground round them).
    pub left_out: Vec<(String, Point, String)>,
    pub elevation_range: (f64, f64),
}

/// The township drawn from the data.
pub struct Draft {
    pub map: MapSpec,
    pub villages: Vec<Village>,
    /// Elevation of every cell (row 0 south), before rivers are carved.
    pub elevation: Vec<f64>,
    /// Where rivers enter the map (upstream ends on its edge): id, a segment across, its width.
    pub entries: Vec<(String, Point, Point)>,
    pub report: Report,
}

/// A name tag's value, unless it is a mapper's placeholder (`FIXME`, `?`).
fn named<'a>(tags: &'a Tags, key: &str) -> Option<&'a str> {
    tags.get(key).filter(|v| {
        let v = v.trim();
        !v.is_empty() && v != "?" && !v.to_ascii_lowercase().contains("fixme")
    })
}

fn text(tags: &Tags, zh_default: &str, en_default: &str) -> Text {
    let name = named(tags, "name");
    let zh = named(tags, "name:zh").or(name).unwrap_or(zh_default);
    let en = named(tags, "name:en").or(name).unwrap_or(en_default);
    Text { zh: zh.to_owned(), en: en.to_owned() }
}

fn parse_m(v: Option<&str>) -> Option<f64> {
    let v = v?.trim().trim_end_matches('m').trim();
    v.parse::<f64>().ok().filter(|w| w.is_finite() && *w > 0.0 && *w < 200.0)
}

fn road_class(tags: &Tags) -> Option<RoadClass> {
    if tags.get("area") == Some("yes") {
        return None;
    }
    Some(match tags.get("highway")? {
        "motorway" | "trunk" | "primary" | "secondary" | "motorway_link" | "trunk_link" | "primary_link"
        | "secondary_link" => RoadClass::County,
        "tertiary" | "tertiary_link" => RoadClass::Township,
        "unclassified" | "residential" | "living_street" | "service" | "road" => RoadClass::Village,
        "track" => RoadClass::Track,
        "path" | "footway" | "pedestrian" | "steps" | "cycleway" | "bridleway" => RoadClass::Footpath,
        _ => return None,
    })
}

fn default_width(c: RoadClass) -> f64 {
    match c {
        RoadClass::County => 8.0,
        RoadClass::Township => 6.5,
        RoadClass::Village => 4.5,
        RoadClass::Track => 3.0,
        RoadClass::Footpath => 1.5,
    }
}

/// Douglas–Peucker: the indices of `pts` kept at tolerance `tol`, ends always.
fn simplify(pts: &[Point], tol: f64) -> Vec<usize> {
    fn rec(pts: &[Point], a: usize, b: usize, tol: f64, keep: &mut Vec<usize>) {
        let (mut far, mut at) = (0.0, 0);
        for k in a + 1..b {
            let d = dist_to_segment(pts[k], pts[a], pts[b]);
            if d > far {
                far = d;
                at = k;
            }
        }
        if far > tol {
            rec(pts, a, at, tol, keep);
            keep.push(at);
            rec(pts, at, b, tol, keep);
        }
    }
    if pts.len() < 3 {
        return (0..pts.len()).collect();
    }
    let mut keep = vec![0];
    rec(pts, 0, pts.len() - 1, tol, &mut keep);
    keep.push(pts.len() - 1);
    keep
}

/// A piece of line on the map: its points with their road-node keys.
type Run = Vec<(String, Point)>;

/// One side of the clipping rectangle: keeps a point, cuts a segment.
type Side = (fn(Point, f64) -> bool, fn(Point, Point, f64) -> Point, f64);

/// Liang–Barsky: the part of segment `a`–`b` inside `[0,w]×[0,h]`, with
/// whether each end is the segment's own (not cut at the edge).
fn clip_segment(a: Point, b: Point, w: f64, h: f64) -> Option<(Point, Point, bool, bool)> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [(-dx, a.0), (dx, w - a.0), (-dy, a.1), (dy, h - a.1)] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    let at = |t: f64| dm((a.0 + t * dx, a.1 + t * dy));
    Some((at(t0), at(t1), t0 == 0.0, t1 == 1.0))
}

/// Runs of a way's line on the map: its nodes inside (`n<id>`) and the
/// points where it crosses the map's edge (`e<way>_<k>`).
fn runs(area: &Area, osm: &Osm, way: i64, refs: &[i64]) -> Vec<Run> {
    let pts: Vec<(i64, Point)> =
        refs.iter().filter_map(|r| osm.nodes.get(r).and_then(|ll| area.pt(*ll)).map(|p| (*r, p))).collect();
    let mut out: Vec<Run> = Vec::new();
    let mut cur: Run = Vec::new();
    let mut cuts = 0;
    let mut cut = || {
        cuts += 1;
        format!("e{way}_{cuts}")
    };
    for pair in pts.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        match clip_segment(a.1, b.1, area.w(), area.h()) {
            None => {
                if cur.len() >= 2 {
                    out.push(std::mem::take(&mut cur));
                }
                cur.clear();
            }
            Some((p, q, a_in, b_in)) => {
                if cur.is_empty() {
                    cur.push((if a_in { format!("n{}", a.0) } else { cut() }, p));
                }
                cur.push((if b_in { format!("n{}", b.0) } else { cut() }, q));
                if !b_in {
                    if cur.len() >= 2 {
                        out.push(std::mem::take(&mut cur));
                    }
                    cur.clear();
                }
            }
        }
    }
    if cur.len() >= 2 {
        out.push(cur);
    }
    out
}

/// Closed rings of a multipolygon or boundary relation's outer ways,
/// joined end to end.
fn outer_rings(osm: &Osm, members: &[(Kind, i64, String)]) -> Vec<Vec<i64>> {
    let mut pieces: Vec<Vec<i64>> = members
        .iter()
        .filter(|(k, _, role)| *k == Kind::Way && (role == "outer" || role.is_empty()))
        .filter_map(|(_, id, _)| osm.ways.get(id).map(|w| w.refs.clone()))
        .filter(|r| r.len() >= 2)
        .collect();
    let mut rings = Vec::new();
    while let Some(mut ring) = pieces.pop() {
        loop {
            if ring.len() > 3 && ring.first() == ring.last() {
                rings.push(ring);
                break;
            }
            let end = *ring.last().unwrap();
            let Some(k) = pieces.iter().position(|p| p[0] == end || *p.last().unwrap() == end) else { break };
            let mut p = pieces.swap_remove(k);
            if p[0] != end {
                p.reverse();
            }
            ring.extend_from_slice(&p[1..]);
        }
    }
    rings
}

/// Sutherland–Hodgman: `poly` clipped to the rectangle `[0,w]×[0,h]`.
fn clip(poly: &[Point], w: f64, h: f64) -> Vec<Point> {
    let mut out: Vec<Point> = poly.to_vec();
    let edges: [Side; 4] = [
        (|p, v| p.0 >= v, |a, b, v| (v, a.1 + (b.1 - a.1) * (v - a.0) / (b.0 - a.0)), 0.0),
        (|p, v| p.0 <= v, |a, b, v| (v, a.1 + (b.1 - a.1) * (v - a.0) / (b.0 - a.0)), w),
        (|p, v| p.1 >= v, |a, b, v| (a.0 + (b.0 - a.0) * (v - a.1) / (b.1 - a.1), v), 0.0),
        (|p, v| p.1 <= v, |a, b, v| (a.0 + (b.0 - a.0) * (v - a.1) / (b.1 - a.1), v), h),
    ];
    for (keep, cut, v) in edges {
        let input = std::mem::take(&mut out);
        let n = input.len();
        for i in 0..n {
            let (a, b) = (input[(i + n - 1) % n], input[i]);
            match (keep(a, v), keep(b, v)) {
                (true, true) => out.push(b),
                (true, false) => out.push(cut(a, b, v)),
                (false, true) => {
                    out.push(cut(a, b, v));
                    out.push(b);
                }
                (false, false) => {}
            }
        }
    }
    out.into_iter().map(dm).collect()
}

fn ring_points(area: &Area, osm: &Osm, refs: &[i64]) -> Option<Vec<Point>> {
    let mut pts: Vec<Point> =
        refs.iter().map(|r| osm.nodes.get(r).and_then(|ll| area.pt(*ll))).collect::<Option<_>>()?;
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    (pts.len() >= 3).then_some(pts)
}

/// A land cover class for a polygon's tags.
fn cover_class(tags: &Tags) -> Option<&'static str> {
    let v = |k| tags.get(k);
    Some(match (v("landuse"), v("natural"), v("leisure")) {
        (_, Some("water"), _) | (Some("reservoir" | "basin"), _, _) => "water",
        (Some("forest"), _, _) | (_, Some("wood"), _) => "forest",
        (_, Some("scrub" | "heath"), _) | (Some("orchard" | "vineyard"), _, _) => "shrub",
        (Some("residential" | "village_green" | "commercial" | "retail" | "industrial"), _, _) => "village",
        (Some("meadow" | "grass"), _, _) | (_, Some("grassland"), _) | (_, _, Some("park")) => "grass",
        (Some("farmland" | "farmyard"), _, _) => "farmland",
        _ if v("waterway") == Some("riverbank") => "water",
        _ => return None,
    })
}

fn cover_classes() -> Vec<CoverClass> {
    let c = |id: &str, zh: &str, en: &str, n: f64, fuel: &str, built: bool| CoverClass {
        id: id.into(),
        name: Some(Text { zh: zh.into(), en: en.into() }),
        manning_n: n,
        fuel: Some(fuel.into()),
        built,
    };
    vec![
        c("farmland", "农田", "Farmland", 0.035, "GR2", false),
        c("grass", "草地", "Grassland", 0.035, "GR1", false),
        c("forest", "林地", "Forest", 0.10, "FM7", false),
        c("shrub", "灌木", "Shrubland", 0.06, "FM4", false),
        c("village", "村庄", "Built-up", 0.05, "NB", true),
        c("water", "水域", "Water", 0.03, "NB", false),
    ]
}

/// Why a shelter candidate is one, and its kind's default capacity basis.
fn shelter_kind(tags: &Tags) -> Option<(&'static str, &'static str)> {
    let a = tags.get("amenity");
    Some(match a {
        Some("school" | "kindergarten" | "college" | "university") => ("学校", "school"),
        Some("townhall") => ("村委会/政府", "village or township office"),
        Some("community_centre") => ("社区中心", "community centre"),
        _ if tags.get("emergency") == Some("assembly_point") => ("应急避难场所", "assembly point"),
        _ if tags.get("place") == Some("square") => ("广场", "square"),
        _ => match tags.get("leisure") {
            Some("park") => ("公园", "park"),
            Some("pitch" | "stadium" | "sports_centre") => ("运动场", "sports ground"),
            _ => return None,
        },
    })
}

/// Nearest open walker cell to `p` within `reach` metres (ring by ring, ties
/// to the lower index), or none.
fn nearest_open(walk: &WalkMask, p: Point, reach: f64) -> Option<usize> {
    let c = walk.cell_of(p)?;
    if walk.is_open(c) {
        return Some(c);
    }
    let (nx, ny) = (walk.nx as i64, walk.ny as i64);
    let (ci, cj) = ((c % walk.nx) as i64, (c / walk.nx) as i64);
    let rmax = (reach / walk.cell_m).ceil() as i64;
    for r in 1..=rmax {
        let mut best: Option<(f64, usize)> = None;
        for j in cj - r..=cj + r {
            for i in ci - r..=ci + r {
                if (j - cj).abs() != r && (i - ci).abs() != r || i < 0 || j < 0 || i >= nx || j >= ny {
                    continue;
                }
                let k = (j * nx + i) as usize;
                if walk.is_open(k) {
                    let d = dist(walk.center(k), p);
                    if best.is_none_or(|(bd, bk)| d < bd || (d == bd && k < bk)) {
                        best = Some((d, k));
                    }
                }
            }
        }
        if let Some((_, k)) = best {
            return Some(k);
        }
    }
    None
}

/// Splits `n` into whole numbers whose running sum follows `share`
/// (error diffusion: deterministic, no random draw).
struct Diffuse(f64);
impl Diffuse {
    fn take(&mut self, want: f64) -> u32 {
        self.0 += want;
        // A hair over the floor, so that 0.8 five times makes 4, not 3.999….
        let k = (self.0 + 1e-9).floor().max(0.0);
        self.0 -= k;
        k as u32
    }
}

/// Builds the township. The map's terrain is left flat: the caller writes
/// `elevation` as its heightmap.
pub fn build(osm: &Osm, dem: &Dem, area: &Area, s: &Settings) -> Result<Draft, String> {
    let mut report = Report::default();
    let (nx, ny) = (area.nx as usize, area.ny as usize);
    let cell = area.cell_m;
    // 1. Terrain.
    let mut elevation = vec![f64::NAN; nx * ny];
    for j in 0..ny {
        for i in 0..nx {
            let (x, y) = ((i as f64 + 0.5) * cell, (j as f64 + 0.5) * cell);
            if let Some((lon, lat)) = area.grid.to_lonlat(x, y)
                && let Some(h) = dem.height(lon, lat)
            {
                elevation[j * nx + i] = h;
            }
        }
    }
    report.voids = fill_voids(&mut elevation, nx, ny)
        .ok_or("the elevation model holds no heights (only voids) over this area; use another model or area")?;
    let lo = elevation.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = elevation.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    report.elevation_range = (lo, hi);

    // 2. Roads.
    // (way, the edges' common fields, run)
    let mut road_runs: Vec<(i64, RoadEdge, Run)> = Vec::new();
    for w in osm.ways.values() {
        let Some(class) = road_class(&w.tags) else { continue };
        let width = parse_m(w.tags.get("width"))
            .or_else(|| w.tags.get("lanes").and_then(|l| l.parse::<f64>().ok()).map(|l| (l * 3.25).min(30.0)))
            .unwrap_or(default_width(class));
        let bridge = matches!(w.tags.get("bridge"), Some(b) if b != "no");
        let speed =
            w.tags.get("maxspeed").and_then(|v| v.trim().parse::<f64>().ok()).filter(|v| *v > 0.0 && *v < 150.0);
        // A street's name, or its route number (`ref`) when it has none.
        let name = (named(&w.tags, "name").is_some() || named(&w.tags, "ref").is_some()).then(|| {
            let r = named(&w.tags, "ref").unwrap_or("");
            text(&w.tags, r, r)
        });
        let like = RoadEdge {
            id: String::new(),
            from: String::new(),
            to: String::new(),
            class,
            name,
            width_m: width,
            speed_kmh: speed,
            bridge,
        };
        for run in runs(area, osm, w.id, &w.refs) {
            road_runs.push((w.id, like.clone(), run));
        }
    }
    let mut uses: BTreeMap<String, u32> = BTreeMap::new();
    for r in &road_runs {
        for (k, (id, _)) in r.2.iter().enumerate() {
            *uses.entry(id.clone()).or_default() += if k == 0 || k + 1 == r.2.len() { 2 } else { 1 };
        }
    }
    let mut nodes: BTreeMap<String, Point> = BTreeMap::new();
    let mut edges: Vec<RoadEdge> = Vec::new();
    for (wid, like, run) in &road_runs {
        let mut start = 0;
        for k in 1..run.len() {
            if k + 1 < run.len() && uses[&run[k].0] < 2 {
                continue;
            }
            let piece: Vec<Point> = run[start..=k].iter().map(|p| p.1).collect();
            let keep = simplify(&piece, cell / 2.0);
            for pair in keep.windows(2) {
                let (a, b) = (&run[start + pair[0]], &run[start + pair[1]]);
                if a.1 == b.1 {
                    continue;
                }
                nodes.insert(a.0.clone(), a.1);
                nodes.insert(b.0.clone(), b.1);
                edges.push(RoadEdge {
                    id: format!("w{wid}_{}", edges.len()),
                    from: a.0.clone(),
                    to: b.0.clone(),
                    ..like.clone()
                });
            }
            start = k;
        }
    }

    // 3. Rivers.
    let mut rivers: Vec<River> = Vec::new();
    let mut entries = Vec::new();
    for w in osm.ways.values() {
        let (width, depth) = match w.tags.get("waterway") {
            Some("river") => (15.0, 2.0),
            Some("canal") => (8.0, 1.5),
            Some("stream") => (3.0, 1.0),
            Some("drain" | "ditch") => (1.5, 0.5),
            _ => continue,
        };
        if matches!(w.tags.get("tunnel"), Some("culvert" | "yes"))
            || w.tags.get("layer").is_some_and(|l| l.starts_with('-'))
        {
            report.culverts += 1;
            continue;
        }
        let width = parse_m(w.tags.get("width")).unwrap_or(width);
        for run in runs(area, osm, w.id, &w.refs) {
            let pts: Vec<Point> = run.iter().map(|p| p.1).collect();
            let keep = simplify(&pts, cell / 2.0);
            let points: Vec<Point> = keep.iter().map(|&k| pts[k]).collect();
            let id = format!("r{}_{}", w.id, rivers.len());
            // A run that starts on the map's edge brings water in there.
            let first = points[0];
            let on_edge =
                first.0 <= cell || first.1 <= cell || first.0 >= area.w() - cell || first.1 >= area.h() - cell;
            if on_edge && run[0].0.starts_with('e') && w.tags.get("waterway") != Some("ditch") {
                let next = points[1];
                let d = dist(first, next).max(1e-9);
                let (nx_, ny_) = (-(next.1 - first.1) / d, (next.0 - first.0) / d);
                let half = (width / 2.0).max(cell);
                let clampp = |p: Point| (p.0.clamp(0.0, area.w()), p.1.clamp(0.0, area.h()));
                entries.push((
                    id.clone(),
                    clampp((first.0 - nx_ * half, first.1 - ny_ * half)),
                    clampp((first.0 + nx_ * half, first.1 + ny_ * half)),
                ));
            }
            rivers.push(River {
                id,
                name: named(&w.tags, "name").map(|_| text(&w.tags, "", "")),
                points,
                width_m: width,
                depth_m: depth,
            });
        }
    }
    report.rivers = rivers.len();
    // Roads that cross a waterway without a bridge tag pass over a culvert
    // or a ford: walkers cross there.
    for e in &mut edges {
        if e.bridge {
            continue;
        }
        let (a, b) = (nodes[&e.from], nodes[&e.to]);
        if rivers.iter().any(|r| r.points.windows(2).any(|s| segments_cross(a, b, s[0], s[1]))) {
            e.bridge = true;
            report.crossings += 1;
        }
    }
    report.road_nodes = nodes.len();
    report.road_edges = edges.len();

    // 4. Land cover, buildings, water bodies, shelter candidates, boundaries.
    let (w, h) = (area.w(), area.h());
    let mut polygons: Vec<CoverPolygon> = Vec::new();
    let mut structures: Vec<Structure> = Vec::new();
    let mut buildings: Vec<(String, Vec<Point>, f64, f64, bool)> = Vec::new(); // id, outline, area, levels, residential
    let mut candidates: Vec<(String, Point, u32, Text)> = Vec::new();
    let mut admin: Vec<(u32, String, Text, Vec<Point>)> = Vec::new();
    let mut shapes: Vec<(String, Tags, Vec<Vec<Point>>)> = Vec::new();
    for wy in osm.ways.values() {
        if wy.refs.len() >= 4
            && wy.refs.first() == wy.refs.last()
            && let Some(p) = ring_points(area, osm, &wy.refs)
        {
            shapes.push((format!("{}", wy.id), wy.tags.clone(), vec![p]));
        }
    }
    for r in &osm.relations {
        let rings: Vec<Vec<Point>> =
            outer_rings(osm, &r.members).iter().filter_map(|ring| ring_points(area, osm, ring)).collect();
        if !rings.is_empty() {
            shapes.push((format!("r{}", r.id), r.tags.clone(), rings));
        }
    }
    for (id, tags, rings) in &shapes {
        for (k, ring) in rings.iter().enumerate() {
            let sid = if rings.len() > 1 { format!("{id}_{k}") } else { id.clone() };
            if tags.get("boundary") == Some("administrative") {
                let level = tags.get("admin_level").and_then(|l| l.parse().ok()).unwrap_or(0);
                let clipped = clip(ring, w, h);
                if clipped.len() >= 3 && polygon_area(&clipped).abs() > 1e4 {
                    admin.push((level, sid.clone(), text(tags, "村", "Village"), clipped));
                }
                continue;
            }
            if tags.has("building") && tags.get("building") != Some("no") {
                if !ring.iter().all(|p| area.inside(*p)) {
                    continue;
                }
                let a = polygon_area(ring).abs();
                if a < 4.0 {
                    continue;
                }
                let levels =
                    tags.get("building:levels").and_then(|l| l.parse::<f64>().ok()).filter(|l| *l >= 1.0 && *l < 80.0);
                let kind = tags.get("building").unwrap_or("yes");
                let residential = matches!(
                    kind,
                    "house"
                        | "residential"
                        | "detached"
                        | "semidetached_house"
                        | "terrace"
                        | "apartments"
                        | "bungalow"
                        | "farm"
                        | "dormitory"
                ) || (kind == "yes"
                    && !tags.has("amenity")
                    && !tags.has("shop")
                    && !tags.has("office")
                    && (20.0..=600.0).contains(&a));
                let levels = levels.unwrap_or(if kind == "apartments" { 4.0 } else { 1.0 });
                buildings.push((format!("b{sid}"), ring.clone(), a, levels, residential));
                structures.push(Structure::Block { id: format!("b{sid}"), outline: ring.clone() });
                if let Some((zh, en)) = shelter_kind(tags) {
                    let cap = (a * levels / s.m2_per_sheltered).floor() as u32;
                    candidates.push((format!("s{sid}"), crate::geom::centroid(ring), cap.max(20), text(tags, zh, en)));
                }
                continue;
            }
            if let Some((zh, en)) = shelter_kind(tags) {
                let clipped = clip(ring, w, h);
                if clipped.len() >= 3 {
                    let a = polygon_area(&clipped).abs();
                    let cap = (a / s.m2_per_sheltered).floor() as u32;
                    candidates.push((
                        format!("s{sid}"),
                        crate::geom::centroid(&clipped),
                        cap.max(20),
                        text(tags, zh, en),
                    ));
                }
            }
            if let Some(class) = cover_class(tags) {
                let clipped = clip(ring, w, h);
                if clipped.len() >= 3 && polygon_area(&clipped).abs() >= cell * cell {
                    // Standing water that is not a river's own bed walkers cannot enter.
                    let still = class == "water"
                        && !matches!(tags.get("water"), Some("river" | "stream" | "canal" | "riverbank"))
                        && tags.get("waterway") != Some("riverbank");
                    if still {
                        structures.push(Structure::Block { id: format!("water{sid}"), outline: clipped.clone() });
                    }
                    polygons.push(CoverPolygon { class: class.into(), points: clipped });
                }
            }
        }
    }
    for p in &osm.pois {
        if let Some((zh, en)) = shelter_kind(&p.tags)
            && let Some(at) = area.pt(p.at).filter(|q| area.inside(*q))
        {
            candidates.push((format!("s{}", p.id), at, 200, text(&p.tags, zh, en)));
        }
    }
    // Larger land cover first, so smaller patches inside them paint over.
    polygons.sort_by(|a, b| polygon_area(&b.points).abs().total_cmp(&polygon_area(&a.points).abs()));
    report.buildings = buildings.len();
    report.residential = buildings.iter().filter(|b| b.4).count();

    // 5. The map, its terrain and the walkers' grid.
    let ratio = (cell / s.walk_cell_m).round().max(1.0);
    let map = MapSpec {
        size: (area.nx, area.ny),
        cell_m: cell,
        terrain: Terrain::Procedural { base_m: 0.0, features: Vec::new() },
        land_cover: LandCover { classes: cover_classes(), default: "farmland".into(), polygons },
        rivers,
        roads: RoadNet {
            nodes: nodes.iter().map(|(id, at)| RoadNode { id: id.clone(), at: *at, name: None }).collect(),
            edges,
        },
        walk_cell_m: (ratio > 1.0).then_some(cell / ratio),
        structures,
    };
    let terrain = TerrainGrid::build(&map, std::path::Path::new(".")).map_err(|e| e.message)?;
    let walk = WalkMask::build(&map, &terrain);
    let label = walk.components();

    // 6. Shelters on open ground; villages.
    let mut shelters: Vec<(String, Point, u32, Text)> = Vec::new();
    let mut seen = BTreeSet::new();
    for (id, at, cap, name) in candidates {
        if let Some(c) = nearest_open(&walk, at, 60.0)
            && seen.insert(id.clone())
        {
            shelters.push((id, walk.center(c), cap, name));
        }
    }
    report.shelters_found = shelters.len();
    // The finest administrative level that divides the map.
    let levels: BTreeSet<u32> = admin.iter().map(|a| a.0).collect();
    let level =
        levels.iter().rev().find(|l| admin.iter().filter(|a| a.0 == **l).count() >= 2).or(levels.iter().next_back());
    let mut areas: Vec<(String, Text, Vec<Point>)> = admin
        .iter()
        .filter(|a| Some(&a.0) == level && a.0 >= 8)
        .map(|a| (format!("v{}", a.1), a.2.clone(), a.3.clone()))
        .collect();
    let whole = (
        "township".to_string(),
        osm.pois
            .iter()
            .filter(|p| matches!(p.tags.get("place"), Some("village" | "hamlet" | "town" | "suburb" | "neighbourhood")))
            .filter_map(|p| area.pt(p.at).map(|q| (dist(q, (w / 2.0, h / 2.0)), &p.tags)))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, t)| text(t, "导入的村庄", "Imported village"))
            .unwrap_or(Text { zh: "导入的村庄".into(), en: "Imported village".into() }),
        area.rect(),
    );
    areas.push(whole);
    let village_of = |p: Point| areas.iter().position(|a| in_polygon(p, &a.2)).unwrap_or(areas.len() - 1);

    // Households: one per `m2_per_household` of floor, at least one.
    let sheltered: BTreeSet<u32> = shelters.iter().filter_map(|s| walk.cell_of(s.1)).map(|c| label[c]).collect();
    let mut per_village: Vec<Vec<Household>> = vec![Vec::new(); areas.len()];
    let mut people = Diffuse(0.0);
    let (mut old, mut kids) = (Diffuse(0.0), Diffuse(0.0));
    for (id, outline, a, levels, residential) in &buildings {
        if !*residential {
            continue;
        }
        let c = crate::geom::centroid(outline);
        let Some(cell_k) = nearest_open(&walk, c, 30.0) else {
            report.left_out.push((id.clone(), c, "no open ground within 30 m of it".into()));
            continue;
        };
        let at = walk.center(cell_k);
        let v = village_of(at);
        let n = ((a * levels) / s.m2_per_household).round().max(1.0) as u32;
        for k in 0..n {
            let size = people.take(s.persons).max(1);
            let e = old.take(size as f64 * s.elderly).min(size);
            let ch = kids.take(size as f64 * s.children).min(size - e);
            let adults = size - e - ch;
            per_village[v].push(Household {
                id: format!("{id}-{k}"),
                at,
                members: Members { children: ch, adults, elderly: e },
                vulnerable: 0,
                phone: true,
                vehicle: false,
            });
        }
    }
    // A village with people but no shelter gets one proposed on its highest
    // open ground among its houses' area (the place a flood reaches last).
    let mut villages = Vec::new();
    for (v, (id, name, boundary)) in areas.iter().enumerate() {
        let mut hh = std::mem::take(&mut per_village[v]);
        if hh.is_empty() {
            continue;
        }
        let mut vs: Vec<Shelter> = shelters
            .iter()
            .filter(|s| village_of(s.1) == v)
            .map(|(id, at, cap, name)| Shelter {
                id: id.clone(),
                name: name.clone(),
                at: *at,
                capacity: *cap,
                open: false,
            })
            .collect();
        // The highest open ground of component `comp` inside the village:
        // where a proposed assembly point goes (a flood reaches it last).
        let highest = |comp: u32| {
            (0..walk.len()).filter(|&k| label[k] == comp && in_polygon(walk.center(k), boundary)).max_by(|&a, &b| {
                elevation[walk.terrain_cell(a)].total_cmp(&elevation[walk.terrain_cell(b)]).then(b.cmp(&a))
            })
        };
        let comp_of = |h: &Household| walk.cell_of(h.at).map(|c| label[c]);
        let propose = |vs: &mut Vec<Shelter>, k: usize, people: u32| {
            vs.push(Shelter {
                id: format!("proposed_{id}_{}", vs.len()),
                name: Text {
                    zh: format!("{}临时避险点（待核实）", name.zh),
                    en: format!("{} assembly point (to check)", name.en),
                },
                at: walk.center(k),
                capacity: people.max(1),
                open: false,
            });
        };
        // Components of this village's households with no shelter in reach.
        let comps: BTreeSet<u32> = hh.iter().filter_map(comp_of).collect();
        let mut reach: BTreeSet<u32> = sheltered.clone();
        for comp in comps {
            if reach.contains(&comp) {
                continue;
            }
            let members: Vec<&Household> = hh.iter().filter(|h| comp_of(h) == Some(comp)).collect();
            // Only a place with several houses gets its own proposed shelter;
            // an isolated house cut off is reported instead.
            if members.len() < 3 {
                continue;
            }
            if let Some(k) = highest(comp) {
                propose(&mut vs, k, members.iter().map(|h| h.members.total()).sum());
                report.shelters_proposed += 1;
                reach.insert(comp);
            }
        }
        // Households still cut off are left out and reported.
        hh.retain(|h| {
            let ok = comp_of(h).is_some_and(|c| reach.contains(&c));
            if !ok && h.id.ends_with("-0") {
                report.left_out.push((
                    h.id.trim_end_matches("-0").to_owned(),
                    h.at,
                    "cut off from every shelter (a river without a bridge, or buildings all round)".into(),
                ));
            }
            ok
        });
        // A village whose people reach another village's shelter still needs
        // its own (validation asks every village for one): an assembly point
        // on the highest open ground where most of its households are.
        if vs.is_empty() && !hh.is_empty() {
            let mut count: BTreeMap<u32, usize> = BTreeMap::new();
            for c in hh.iter().filter_map(comp_of) {
                *count.entry(c).or_default() += 1;
            }
            let main = count.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))).map(|(c, _)| *c);
            if let Some(k) = main.and_then(highest) {
                propose(&mut vs, k, hh.iter().map(|h| h.members.total()).sum());
                report.shelters_proposed += 1;
            }
        }
        if vs.is_empty() {
            for h in hh.iter().filter(|h| h.id.ends_with("-0")) {
                report.left_out.push((
                    h.id.trim_end_matches("-0").to_owned(),
                    h.at,
                    format!("its village `{id}` has no open ground inside its boundary for a shelter"),
                ));
            }
            continue;
        }
        report.households += hh.len();
        report.residents += hh.iter().map(|h| h.members.total()).sum::<u32>();
        villages.push(Village {
            id: id.clone(),
            name: name.clone(),
            boundary: boundary.clone(),
            households: hh,
            household_blocks: Vec::<HouseholdBlock>::new(),
            shelters: vs,
            equipment: Vec::new(),
            loudspeakers: Vec::new(),
            grid_areas: Vec::new(),
        });
    }
    report.left_out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Draft { map, villages, elevation, entries, report })
}

/// Fills voids (NaN) from their neighbours, breadth first; the count filled,
/// or None when every cell is a void.
fn fill_voids(z: &mut [f64], nx: usize, ny: usize) -> Option<usize> {
    let mut queue: VecDeque<usize> = (0..z.len()).filter(|&k| z[k].is_finite()).collect();
    if queue.is_empty() {
        return None;
    }
    let voids = z.len() - queue.len();
    while let Some(k) = queue.pop_front() {
        let (i, j) = (k % nx, k / nx);
        let near = [
            (i > 0).then(|| k - 1),
            (i + 1 < nx).then(|| k + 1),
            (j > 0).then(|| k - nx),
            (j + 1 < ny).then(|| k + nx),
        ];
        for n in near.into_iter().flatten() {
            if !z[n].is_finite() {
                z[n] = z[k];
                queue.push_back(n);
            }
        }
    }
    Some(voids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_keeps_what_lies_inside_the_map() {
        let sq = vec![(-10.0, -10.0), (50.0, -10.0), (50.0, 50.0), (-10.0, 50.0)];
        let c = clip(&sq, 100.0, 30.0);
        assert!((polygon_area(&c).abs() - 50.0 * 30.0).abs() < 1e-6, "{c:?}");
    }

    #[test]
    fn simplifying_keeps_corners_and_drops_straight_runs() {
        let pts = vec![(0.0, 0.0), (10.0, 0.1), (20.0, 0.0), (20.0, 20.0)];
        assert_eq!(simplify(&pts, 1.0), vec![0, 2, 3]);
    }

    #[test]
    fn error_diffusion_keeps_the_mean() {
        let mut d = Diffuse(0.0);
        let total: u32 = (0..100).map(|_| d.take(2.8)).sum();
        assert_eq!(total, 280);
    }
}
