//! The work a drill asks for, estimated before it runs: a scenario that is
//! valid but would take hours, or write a report of hundreds of megabytes,
//! gets a warning that says how long and why. The throughputs are those
//! measured on the project's reference machine (2 cores; README, "Speed"),
//! the flood's at the scale of a whole drill: the estimate is an order of
//! magnitude, not a promise.
//!
//! Owns: the estimate and its warnings. May not touch: anything else.

use super::findings::Findings;
use crate::scenario::locate::Path;
use crate::scenario::schema::Scenario;

/// Above this many seconds of computing, a drill gets a warning.
pub const BUDGET_S: f64 = 3600.0;
/// Above this many bytes, the report gets a warning.
pub const REPORT_BUDGET_BYTES: f64 = 100.0 * 1024.0 * 1024.0;
/// Flood cell-updates per second in a whole drill: a 4096² grid took 6.7 s
/// per drill second at two sub-steps a tick (the kernel alone, `flood_step`
/// on 512², does 3e7/s; large grids fall out of cache).
const FLOOD_UPDATES_PER_S: f64 = 5.0e6;
/// Landslide body-steps per second (`landslide_step`, bodies in contact).
const BODY_STEPS_PER_S: f64 = 1.8e5;
/// Walker-steps per second (`crowd_step`).
const WALKER_STEPS_PER_S: f64 = 1.8e6;
/// Rigid-body steps per drill second and the longest runout expected (s).
const BODY_STEPS_PER_DRILL_S: f64 = 50.0;
const RUNOUT_S: f64 = 300.0;
/// Bytes one gauge sample takes in the report.
const SAMPLE_BYTES: f64 = 40.0;
/// Bytes a walker cell takes: the navigation grid and the density's wall
/// map, plus a flow field's time, direction and marks per shelter.
const WALK_CELL_BYTES: f64 = 12.0;
const FIELD_CELL_BYTES: f64 = 10.0;
/// Above this many bytes for the walkers' grid and fields, a warning.
pub const MEMORY_BUDGET_BYTES: f64 = 2.0 * 1024.0 * 1024.0 * 1024.0;

/// Seconds of computing per part of a drill, and the report's size.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Estimate {
    pub flood_s: f64,
    pub landslide_s: f64,
    pub crowd_s: f64,
    pub report_bytes: f64,
    /// Memory of the walkers' grid and one flow field per shelter.
    pub walk_bytes: f64,
}

impl Estimate {
    pub fn total_s(&self) -> f64 {
        self.flood_s + self.landslide_s + self.crowd_s
    }
}

/// The estimate for `s` with `residents` people.
pub fn estimate(s: &Scenario, residents: u64) -> Estimate {
    let duration = s.meta.duration_s as f64;
    let tick = s.meta.tick_s.max(1) as f64;
    let ticks = (duration / tick).ceil();
    let cells = s.map.size.0 as f64 * s.map.size.1 as f64;
    let flood_s = s.hazards.flood.as_ref().map_or(0.0, |_| {
        // The kernel's time step: α·dx/√(g·h) with α = 0.7 and the deepest
        // water expected (the deepest river, at least 2 m).
        let h = s.map.rivers.iter().map(|r| r.depth_m).fold(2.0, f64::max);
        let dt = 0.7 * s.map.cell_m / (9.81 * h).sqrt();
        let substeps = (tick / dt).ceil().max(1.0);
        cells * substeps * ticks / FLOOD_UPDATES_PER_S
    });
    let landslide_s = s
        .hazards
        .landslide
        .as_ref()
        .map_or(0.0, |l| l.bodies as f64 * BODY_STEPS_PER_DRILL_S * RUNOUT_S.min(duration) / BODY_STEPS_PER_S);
    let crowd_s = residents as f64 * ticks / WALKER_STEPS_PER_S;
    let samples: f64 = s.gauges.iter().map(|g| (duration / g.every_s.max(1) as f64).ceil() + 2.0).sum();
    let ratio = crate::scenario::walk::ratio(&s.map).unwrap_or(1) as f64;
    let walk_cells = cells * ratio * ratio;
    let shelters = s.villages.iter().map(|v| v.shelters.len()).sum::<usize>() as f64;
    let walk_bytes = walk_cells * (WALK_CELL_BYTES + shelters * FIELD_CELL_BYTES);
    Estimate { flood_s, landslide_s, crowd_s, report_bytes: samples * SAMPLE_BYTES, walk_bytes }
}

fn hours(s: f64) -> String {
    if s >= 3600.0 { format!("{:.1} h", s / 3600.0) } else { format!("{:.0} min", s / 60.0) }
}

/// Warns about a drill that will run long or write a huge report.
pub(crate) fn check_work(s: &Scenario, residents: u64, out: &mut Findings) {
    let e = estimate(s, residents);
    if e.total_s() > BUDGET_S {
        let (part, path, hint) = [
            (e.flood_s, "flood", Path::root().f("map").f("size"), "coarser cells or a shorter drill run faster"),
            (
                e.landslide_s,
                "landslide",
                Path::root().f("hazards").f("landslide").f("bodies"),
                "fewer, larger debris bodies run faster",
            ),
            (e.crowd_s, "residents", Path::root().f("villages"), "a shorter drill or fewer residents runs faster"),
        ]
        .into_iter()
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, part, path, hint)| (part, path, hint))
        .unwrap_or(("flood", Path::root(), ""));
        out.warn(
            path,
            format!(
                "this drill will take about {} on a 2-core machine (flood {}, landslide {}, residents {}), most of it in the {part}",
                hours(e.total_s()),
                hours(e.flood_s),
                hours(e.landslide_s),
                hours(e.crowd_s)
            ),
            hint,
        );
    }
    if e.walk_bytes > MEMORY_BUDGET_BYTES {
        out.warn(
            Path::root().f("map").f("walk_cell_m"),
            format!(
                "the walkers' grid and its flow fields (one a shelter) will take about {:.1} GB of memory",
                e.walk_bytes / 1073741824.0
            ),
            "use coarser walkers' cells, a smaller map or fewer shelters",
        );
    }
    if e.report_bytes > REPORT_BUDGET_BYTES {
        out.warn(
            Path::root().f("gauges"),
            format!("the gauges will write about {:.0} MB into the report", e.report_bytes / 1048576.0),
            "sample gauges less often (`every_s`) or keep fewer",
        );
    }
}
