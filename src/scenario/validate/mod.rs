//! Meaning checks of a deserialised scenario: counts and ranges are sane,
//! points lie on the map, references resolve, people can reach a shelter.
//! Each finding carries the path of the offending value; `scenario::load`
//! turns paths into file:line:column.

// `!(x > 0.0)` is deliberate throughout: NaN must fail every range check.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

mod findings;
mod people;
mod plans;
mod reach;
mod structures;
mod thresholds;
pub mod work;

use super::locate::Path;
use super::schema::*;
use crate::scenario::terrain::TerrainGrid;
pub use findings::Finding;
use findings::{Catalog, Findings, Ids, polygon};
use std::collections::BTreeSet;

/// Largest grid side accepted (cells).
pub const MAX_GRID: u32 = 4096;
/// Longest drill accepted (s): seven days.
pub const MAX_DURATION_S: u32 = 7 * 24 * 3600;

/// Checks a scenario. Returns the findings and, when the map is sound, the
/// terrain grid built for the checks (so a run need not build it twice).
pub fn check(s: &Scenario, base_dir: &std::path::Path) -> (Vec<Finding>, Option<TerrainGrid>) {
    let mut out = Findings::default();
    let root = Path::root();
    if s.version != SCHEMA_VERSION {
        out.err(
            root.f("version"),
            format!("unsupported scenario version {}", s.version),
            format!("this build reads version {SCHEMA_VERSION}"),
        );
        return (out.0, None);
    }
    check_meta(s, &mut out);
    let mut map_ok = check_map(&s.map, &mut out);
    if map_ok {
        map_ok = structures::check_structures(&s.map, &mut out);
    }
    let mut cat = Catalog::default();
    for (k, n) in s.map.roads.nodes.iter().enumerate() {
        cat.nodes.add(&mut out, "road node", &n.id, root.f("map").f("roads").f("nodes").i(k).f("id"));
    }
    for (k, e) in s.map.roads.edges.iter().enumerate() {
        let p = root.f("map").f("roads").f("edges").i(k);
        cat.edges.add(&mut out, "road edge", &e.id, p.f("id"));
        cat.nodes.check(&mut out, "road node", &e.from, p.f("from"));
        cat.nodes.check(&mut out, "road node", &e.to, p.f("to"));
        if e.from == e.to {
            out.err(p.f("to"), "a road edge starts and ends at the same node", "join two different nodes");
        }
        if !(e.width_m > 0.0) {
            out.err(p.f("width_m"), "road width must be positive", "typical widths: 3.5–7 m");
        }
        if e.speed_kmh.is_some_and(|v| !(v > 0.0 && v <= 130.0)) {
            out.err(p.f("speed_kmh"), "road speed must be in (0, 130] km/h", "leave it out to use the class default");
        }
    }
    let households = people::check_villages(s, &mut cat, &mut out);
    people::check_forces(s, &mut cat, &mut out);
    people::check_residents(s, &mut out);
    plans::check_roles(s, &mut cat, &mut out);
    plans::check_gauges(s, &mut cat, &mut out);
    plans::check_injects_ids(s, &mut cat, &mut out);
    plans::check_plans(s, &mut cat, &mut out);
    plans::check_injects(s, &cat, &mut out);
    plans::check_rubric(s, &mut cat, &mut out);
    plans::check_hazards(s, &mut out);
    if !out.has_errors() {
        let residents: u64 = households.iter().map(|h| h.household.members.total() as u64).sum();
        work::check_work(s, residents, &mut out);
    }
    if !map_ok {
        return (out.0, None);
    }
    let terrain = match TerrainGrid::build(&s.map, base_dir) {
        Ok(t) => t,
        Err(e) => {
            out.err(root.f("map").f(e.field), e.message, e.hint);
            return (out.0, None);
        }
    };
    people::check_points(s, &terrain, &mut out);
    let residents: u64 = households.iter().map(|h| h.household.members.total() as u64).sum();
    thresholds::check_thresholds(s, &terrain, residents, &mut out);
    if !out.has_errors() {
        let walk = crate::scenario::walk::WalkMask::build(&s.map, &terrain);
        reach::check_reachability(s, &households, &walk, &mut out);
    }
    (out.0, Some(terrain))
}

fn check_meta(s: &Scenario, out: &mut Findings) {
    let p = Path::root().f("meta");
    let m = &s.meta;
    if m.id.is_empty() || !m.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        out.err(
            p.f("id"),
            format!("scenario id `{}` is not a plain name", m.id),
            "use letters, digits, `_` and `-`, e.g. `qingshi_flood`",
        );
    }
    if m.tick_s == 0 || m.tick_s > 60 {
        out.err(p.f("tick_s"), format!("tick of {} s is out of range", m.tick_s), "use 1 s (the default) up to 60 s");
    } else if !m.duration_s.is_multiple_of(m.tick_s) {
        out.err(
            p.f("duration_s"),
            format!("duration {} s is not a whole number of {} s ticks", m.duration_s, m.tick_s),
            "make the duration a multiple of tick_s",
        );
    }
    if let Some(pace) = m.pace
        && !(1..=600).contains(&pace)
    {
        out.err(
            p.f("pace"),
            format!("a pace of {pace} drill seconds per second is out of range"),
            "use 1 (real time) up to 600 (ten drill minutes a second)",
        );
    }
    if m.duration_s == 0 || m.duration_s > MAX_DURATION_S {
        out.err(
            p.f("duration_s"),
            format!("drill duration {} s is out of range", m.duration_s),
            "a drill lasts between 1 s and 7 days (604800 s)",
        );
    }
    if m.hazards.is_empty() {
        out.err(p.f("hazards"), "the drill names no hazard", "list at least one of Flood, Landslide, Fire");
    }
    let mut seen = BTreeSet::new();
    for (k, h) in m.hazards.iter().enumerate() {
        if !seen.insert(*h) {
            out.err(p.f("hazards").i(k), format!("hazard {h:?} is listed twice"), "list each hazard once");
        }
        let present = match h {
            HazardKind::Flood => s.hazards.flood.is_some(),
            HazardKind::Landslide => s.hazards.landslide.is_some(),
            HazardKind::Fire => s.hazards.fire.is_some(),
        };
        if !present {
            let slot = format!("{h:?}").to_lowercase();
            out.err(
                p.f("hazards").i(k),
                format!("hazard {h:?} is listed but `hazards.{slot}` is not given"),
                format!("describe it in `hazards: (… {slot}: (…))` or remove it from meta.hazards"),
            );
        }
    }
    if let Some(c) = &m.start_clock
        && crate::scenario::schema::clock_minutes(c).is_none()
    {
        out.err(p.f("start_clock"), format!("`{c}` is not a time of day"), "write it as \"HH:MM\", e.g. \"14:30\"");
    }
    if let Some(n) = &m.night {
        let np = p.f("night");
        if m.start_clock.is_none() {
            out.err(np.clone(), "night hours need the drill's `start_clock`", "add `start_clock: \"22:00\"` to meta");
        }
        for (field, t) in [("from", &n.from), ("to", &n.to)] {
            if crate::scenario::schema::clock_minutes(t).is_none() {
                out.err(np.f(field), format!("`{t}` is not a time of day"), "write it as \"HH:MM\", e.g. \"19:30\"");
            }
        }
        for (field, x) in [("travel_factor", n.travel_factor), ("work_factor", n.work_factor)] {
            if !(x > 0.0 && x <= 1.0) {
                out.err(np.f(field), format!("{field} {x} is out of range"), "a share of the daytime rate, in (0, 1]");
            }
        }
    }
}

fn check_map(m: &MapSpec, out: &mut Findings) -> bool {
    let p = Path::root().f("map");
    let mut ok = true;
    if m.size.0 == 0 || m.size.1 == 0 || m.size.0 > MAX_GRID || m.size.1 > MAX_GRID {
        out.err(
            p.f("size"),
            format!("grid of {}×{} cells is out of range", m.size.0, m.size.1),
            format!("each side must be 1..={MAX_GRID} cells"),
        );
        ok = false;
    }
    if !(m.cell_m > 0.0 && m.cell_m <= 1000.0) {
        out.err(
            p.f("cell_m"),
            format!("cell size {} m is out of range", m.cell_m),
            "use a positive size up to 1000 m; 5–10 m suits a township",
        );
        ok = false;
    }
    if let Terrain::Heightmap { min_m, max_m, .. } = &m.terrain
        && !(max_m > min_m)
    {
        out.err(
            p.f("terrain").f("max_m"),
            "heightmap max_m must exceed min_m",
            "give the elevations of pixel values 0 and 65535",
        );
        ok = false;
    }
    let lc = p.f("land_cover");
    let mut classes = Ids::default();
    for (k, c) in m.land_cover.classes.iter().enumerate() {
        classes.add(out, "land cover class", &c.id, lc.f("classes").i(k).f("id"));
        if !(c.manning_n > 0.0 && c.manning_n <= 1.0) {
            out.err(
                lc.f("classes").i(k).f("manning_n"),
                format!("Manning n {} is out of range", c.manning_n),
                "typical values: 0.015 concrete, 0.035 farmland, 0.1 forest",
            );
        }
        if let Some(code) = &c.fuel
            && crate::scenario::fuel::by_code(code).is_none()
        {
            out.err(
                lc.f("classes").i(k).f("fuel"),
                format!("unknown fuel model `{code}`"),
                format!("known: {}", crate::scenario::fuel::codes().join(", ")),
            );
        }
    }
    if m.land_cover.classes.is_empty() {
        out.err(lc.f("classes"), "no land cover classes", "define at least the default class");
        ok = false;
    } else if !classes.check(out, "land cover class", &m.land_cover.default, lc.f("default")) {
        ok = false;
    }
    for (k, poly) in m.land_cover.polygons.iter().enumerate() {
        classes.check(out, "land cover class", &poly.class, lc.f("polygons").i(k).f("class"));
        polygon(out, lc.f("polygons").i(k).f("points"), &poly.points);
    }
    for (k, r) in m.rivers.iter().enumerate() {
        let rp = p.f("rivers").i(k);
        if r.points.len() < 2 {
            out.err(rp.f("points"), "a river needs at least two points", "draw it from upstream to downstream");
            ok = false;
        }
        if !(r.width_m > 0.0) || !(r.depth_m >= 0.0) {
            out.err(rp.f("width_m"), "river width must be positive and depth not negative", "");
        }
    }
    ok && !out.has_errors()
}
