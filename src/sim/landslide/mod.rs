//! Landslide: the rigid-body runout kernel (`runout`), rainfall thresholds
//! (`threshold`), and this thin Bevy adapter. It decides the release time
//! (scripted, or when the rain passes its intensity–duration threshold),
//! shows precursors to patrols near the zone, releases the debris, steps it
//! each tick and publishes debris depth and swept speeds to the exposure
//! fields (harm to people is the crowd's rule, `crowd::harm`); in the Detect
//! phase it logs debris reaching houses, destroyed houses and blocked roads,
//! which it marks in the road graph.
//!
//! A second failure (`second`, a retrogressive slide of the back scarp)
//! lets go its own zone's volume the given seconds after the first
//! release, in bodies of the first's size, and is logged as a release of
//! cause `second_failure`.
//!
//! Houses: a house whose final debris depth reaches `destroy_depth_m`, or
//! that a body crossed at ≥ 2 m/s, is destroyed.
//!
//! Clearing: a force on scene with the task `ClearRoad` works on the blocked
//! road nearest its place (within 300 m) at `CLEAR_M3_PER_H` (four times
//! that with an excavator); the road opens when the debris on it — depth ×
//! road width × cell length summed over its cells — is gone (`road_cleared`).
//!
//! Damming: when the drill also runs the flood model, the settled deposit
//! is queued as a bed change (`BedChanges`), which the flood lays on its bed
//! at its next step: the debris raises the ground by its depth and the
//! water in those cells is lifted with it (displaced, not lost), so a
//! deposit across a river backs the water up behind it until it overtops
//! (`river_dammed`, with the deepest debris on a river cell). Clearing a
//! road does not lower the flood bed.
//!
//! Owns: `Landslide` (with the precursors patrols have seen). May not
//! touch: other models, residents' state.

pub mod runout;
pub mod threshold;

use crate::geom::{dist_to_polyline, in_polygon};
use crate::scenario::schema::{Action, HazardKind, LandslideSpec, Point, Release, Task};
use crate::scenario::terrain::cells_along;
use crate::sim::bed::BedChanges;
use crate::sim::events::{EventLog, HazardCause, SimEvent};
use crate::sim::exposure::{Debris, Exposure};
use crate::sim::ids::{ForceId, HouseholdId, PrecursorId, RoadId, RoleId};
use crate::sim::orders::{OrderBook, Township};
use crate::sim::roads::RoadGraph;
use crate::sim::tasks::Tasks;
use crate::sim::tick::{Drill, Observe, SimClock, SimTick, Step};
use crate::sim::view::{FillView, SimView};
use bevy::prelude::*;
use runout::{Runout, RunoutParams};
use std::collections::BTreeSet;

/// Body speed (m/s) from which debris destroys the houses it crosses.
pub const DEADLY_SPEED: f64 = 2.0;
/// Walking speed of a patrolling grid worker (m/s).
pub const PATROL_SPEED: f64 = 1.2;
/// Debris a road-clearing team moves per hour by hand and light machinery (m³/h);
/// an excavator (挖掘机) moves four times as much.
pub const CLEAR_M3_PER_H: f64 = 60.0;
/// A body slower than this no longer sweeps cells (m/s).
const SWEEP_SPEED: f64 = 0.3;

/// The landslide model of a drill.
#[derive(Resource, Clone)]
pub struct Landslide {
    pub runout: Runout,
    pub spec: LandslideSpec,
    /// Drill second the slope lets go (`None`: the threshold is never passed).
    pub release_at: Option<u64>,
    pub released: bool,
    pub settled: bool,
    /// Drill second of the first release, and whether the second failure
    /// (`spec.second`) has let go.
    pub first_release_s: Option<u64>,
    pub second_released: bool,
    source: Vec<usize>,
    /// Debris depth per cell (m), updated every tick while it moves.
    pub depth: Vec<f64>,
    /// Depth already laid on the flood's bed.
    laid: Vec<f64>,
    /// Fastest body that crossed each cell (m/s); 0 where none did.
    pub swept: Vec<f32>,
    /// Cells crossed for the first time during the current tick.
    fresh: Vec<usize>,
    /// Cells crossed during the current tick, ascending.
    moving: Vec<usize>,
    /// Per household: cell, debris reached it, destroyed.
    houses: Vec<(usize, bool, bool)>,
    /// Per road edge: cells, blocked, width (m), debris cleared so far (m³).
    roads: Vec<(Vec<usize>, bool, f64, f64)>,
    precursors: Vec<(bool, bool)>,
    /// Precursors a patrol has seen (ids), for plan and inject triggers.
    pub observed: BTreeSet<String>,
    /// Roads a clearing team has opened again (ids), for plan and inject triggers.
    pub cleared: BTreeSet<String>,
    patrols: Vec<(RoleId, u64, Vec<Point>)>,
    orders_seen: usize,
}

impl Landslide {
    pub fn new(spec: &LandslideSpec, drill: &Drill) -> Self {
        let t = &drill.terrain;
        let params = RunoutParams { mu: spec.friction, ..Default::default() };
        let runout = Runout::new(t.nx, t.ny, t.cell_m, &t.elevation, params);
        let release_at = match &spec.release {
            Release::At(s) => Some(*s as u64),
            Release::Rainfall { hyetograph, alpha, beta } => {
                threshold::crossing_time(hyetograph, *alpha, *beta, drill.scenario.meta.duration_s, 60)
                    .map(|s| s as u64)
            }
            Release::Instructor => None,
        };
        let source: Vec<usize> = (0..t.nx * t.ny).filter(|&k| in_polygon(t.center(k), &spec.zone)).collect();
        let s = &drill.scenario;
        let nodes: std::collections::BTreeMap<&str, Point> =
            s.map.roads.nodes.iter().map(|n| (n.id.as_str(), n.at)).collect();
        let roads = s
            .map
            .roads
            .edges
            .iter()
            .map(|e| {
                let pts = [
                    nodes.get(e.from.as_str()).copied().unwrap_or_default(),
                    nodes.get(e.to.as_str()).copied().unwrap_or_default(),
                ];
                (cells_along(t, &pts), false, e.width_m, 0.0)
            })
            .collect();
        Landslide {
            runout,
            spec: spec.clone(),
            release_at,
            released: false,
            settled: false,
            first_release_s: None,
            second_released: false,
            source,
            depth: vec![0.0; t.nx * t.ny],
            laid: vec![0.0; t.nx * t.ny],
            swept: vec![0.0; t.nx * t.ny],
            fresh: Vec::new(),
            moving: Vec::new(),
            houses: drill.households.iter().map(|(_, h)| (t.cell_of(h.at).unwrap_or(0), false, false)).collect(),
            roads,
            precursors: vec![(false, false); spec.precursors.len()],
            observed: BTreeSet::new(),
            cleared: BTreeSet::new(),
            patrols: Vec::new(),
            orders_seen: 0,
        }
    }

    /// Debris depth (m) in the cell containing a point; 0 off the map.
    pub fn depth_at(&self, drill: &Drill, p: Point) -> f64 {
        drill.terrain.cell_of(p).map_or(0.0, |k| self.depth[k])
    }

    /// The debris as the exposure fields show it.
    pub fn publish(&self, out: &mut Debris) {
        out.depth.clone_from(&self.depth);
        out.swept.clone_from(&self.swept);
        out.fresh.clone_from(&self.fresh);
        out.moving.clone_from(&self.moving);
    }
}

pub struct LandslidePlugin;

impl Plugin for LandslidePlugin {
    fn build(&self, app: &mut App) {
        let drill = app.world().resource::<Drill>().clone();
        if let Some(spec) = &drill.scenario.hazards.landslide {
            let ls = Landslide::new(spec, &drill);
            let mut debris = Debris::default();
            ls.publish(&mut debris);
            app.world_mut().resource_mut::<Exposure>().debris = Some(debris);
            crate::sim::snapshot::register::<Landslide>(app);
            app.insert_resource(ls)
                .add_systems(SimTick, step.in_set(Step::Landslide))
                .add_systems(SimTick, (patrols, detect).chain().in_set(Observe::Landslide))
                .add_systems(SimTick, publish_view.in_set(FillView::Hazards));
        }
    }
}

/// Moves the landslide one tick and publishes its debris.
pub fn step(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    town: Res<Township>,
    mut ls: ResMut<Landslide>,
    mut bed: ResMut<BedChanges>,
    mut exposure: ResMut<Exposure>,
    mut log: ResMut<EventLog>,
) {
    let ls = &mut *ls;
    ls.fresh.clear();
    ls.moving.clear();
    advance(&clock, &drill, &town, ls, &mut bed, &mut log);
    if let Some(d) = &mut exposure.debris {
        ls.publish(d);
    }
}

/// Releases the slope when due and moves the debris one tick.
fn advance(
    clock: &SimClock,
    drill: &Drill,
    town: &Township,
    ls: &mut Landslide,
    bed: &mut BedChanges,
    log: &mut EventLog,
) {
    let now = clock.now_s();
    let live = town.landslide_triggered.is_some();
    if !ls.released && (live || ls.release_at.is_some_and(|r| now >= r)) {
        ls.released = true;
        ls.first_release_s = Some(now);
        ls.runout.release(&ls.source, &drill.terrain.elevation, ls.spec.volume_m3, ls.spec.bodies as usize);
        let cause = match ls.spec.release {
            _ if live => HazardCause::Instructor,
            Release::At(_) => HazardCause::Scripted,
            Release::Rainfall { .. } => HazardCause::RainfallThreshold,
            Release::Instructor => HazardCause::Instructor,
        };
        log.push(
            clock.tick,
            clock.tick_s,
            SimEvent::LandslideReleased { cause, volume_m3: ls.spec.volume_m3, bodies: ls.runout.len() },
        );
    }
    if let Some(second) = &ls.spec.second
        && ls.released
        && !ls.second_released
        && ls.first_release_s.is_some_and(|t| now >= t + second.after_s as u64)
    {
        ls.second_released = true;
        ls.settled = false;
        let cells: Vec<usize> = (0..drill.terrain.nx * drill.terrain.ny)
            .filter(|&k| in_polygon(drill.terrain.center(k), &second.zone))
            .collect();
        let before = ls.runout.len();
        ls.runout.release_more(&cells, &drill.terrain.elevation, second.volume_m3);
        log.push(
            clock.tick,
            clock.tick_s,
            SimEvent::LandslideReleased {
                cause: HazardCause::SecondFailure,
                volume_m3: second.volume_m3,
                bodies: ls.runout.len() - before,
            },
        );
    }
    if !ls.released || ls.settled {
        return;
    }
    let substeps = (clock.tick_s as f64 / RunoutParams::default().dt).round().max(1.0) as usize;
    for _ in 0..substeps {
        ls.runout.step();
        for ((_, v), cell) in ls.runout.bodies().into_iter().zip(ls.runout.body_cells()) {
            if let Some(k) = cell
                && v >= SWEEP_SPEED
            {
                if ls.swept[k] == 0.0 {
                    ls.fresh.push(k);
                }
                ls.moving.push(k);
                ls.swept[k] = ls.swept[k].max(v as f32);
            }
        }
    }
    ls.moving.sort_unstable();
    ls.moving.dedup();
    ls.depth = ls.runout.deposit();
    if ls.runout.at_rest() {
        ls.settled = true;
        let ((cx, cy, cz), (sx, sy, sz)) = ls.runout.centre_of_mass();
        let travel = ((cx - sx).powi(2) + (cy - sy).powi(2)).sqrt();
        let area = ls.depth.iter().filter(|&&d| d > 0.05).count() as f64 * drill.terrain.cell_m.powi(2);
        log.push(
            clock.tick,
            clock.tick_s,
            SimEvent::LandslideSettled {
                after_s: round3(ls.runout.time_s),
                travel_m: round3(travel),
                drop_m: round3(sz - cz),
                deposit_area_m2: area,
                max_depth_m: round3(ls.depth.iter().copied().fold(0.0, f64::max)),
            },
        );
        if drill.scenario.hazards.flood.is_some() {
            // What this failure added (a second failure lays only its own).
            let new: Vec<f64> = ls.depth.iter().zip(&ls.laid).map(|(d, l)| (d - l).max(0.0)).collect();
            bed.lay(&new);
            ls.laid.clone_from(&ls.depth);
            let t = &drill.terrain;
            let on_river = (0..ls.depth.len()).filter(|&k| t.river[k] && ls.depth[k] > 0.0);
            let (cells, deepest) = on_river.fold((0usize, 0.0f64), |(n, d), k| (n + 1, d.max(ls.depth[k])));
            if cells > 0 {
                log.push(
                    clock.tick,
                    clock.tick_s,
                    SimEvent::RiverDammed { river_cells: cells, max_depth_m: round3(deepest) },
                );
            }
        }
    }
}

/// Distance from a point to a polygon (0 inside).
fn dist_to_zone(p: Point, zone: &[Point]) -> f64 {
    if in_polygon(p, zone) {
        return 0.0;
    }
    let mut ring = zone.to_vec();
    if let Some(&f) = zone.first() {
        ring.push(f);
    }
    dist_to_polyline(p, &ring)
}

/// Where a patrol walking back and forth along `route` at `PATROL_SPEED` stands after `s` seconds.
pub fn patrol_position(route: &[Point], s: f64) -> Point {
    let lens: Vec<f64> =
        route.windows(2).map(|w| ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt()).collect();
    let total: f64 = lens.iter().sum();
    let Some(&first) = route.first() else { return (0.0, 0.0) };
    if total <= 0.0 {
        return first;
    }
    let mut d = (s * PATROL_SPEED) % (2.0 * total);
    if d > total {
        d = 2.0 * total - d;
    }
    for (k, l) in lens.iter().enumerate() {
        if d <= *l && *l > 0.0 {
            let a = d / l;
            return (route[k].0 + a * (route[k + 1].0 - route[k].0), route[k].1 + a * (route[k + 1].1 - route[k].1));
        }
        d -= l;
    }
    *route.last().unwrap_or(&first)
}

/// Precursors appear before the release; a patrol that comes near sees them.
fn patrols(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    book: Res<OrderBook>,
    mut ls: ResMut<Landslide>,
    mut log: ResMut<EventLog>,
) {
    let ls = &mut *ls;
    let nodes = &drill.scenario.map.roads.nodes;
    for o in &book.orders[ls.orders_seen.min(book.orders.len())..] {
        if let Action::Patrol { route } = &o.action {
            let pts: Vec<Point> =
                route.iter().filter_map(|id| nodes.iter().find(|n| &n.id == id).map(|n| n.at)).collect();
            ls.patrols.retain(|p| p.0 != o.role);
            ls.patrols.push((o.role.clone(), o.tick, pts));
        }
    }
    ls.orders_seen = book.orders.len();
    let now = clock.now_s();
    let release = match (&ls.spec.release, ls.release_at) {
        (_, Some(r)) => r,
        // Released only live: the signs are there from the start.
        (Release::Instructor, None) => u64::MAX,
        (_, None) => return,
    };
    for (k, q) in ls.spec.precursors.iter().enumerate() {
        let visible_from = if release == u64::MAX { 0 } else { release.saturating_sub(q.lead_s as u64) };
        let (shown, seen) = ls.precursors[k];
        if now < visible_from || seen || ls.released {
            continue;
        }
        if !shown {
            ls.precursors[k].0 = true;
            log.push(
                clock.tick,
                clock.tick_s,
                SimEvent::PrecursorVisible {
                    precursor: PrecursorId(q.id.clone()),
                    precursor_kind: q.kind,
                    release_in_s: (release != u64::MAX).then(|| release.saturating_sub(now)),
                },
            );
        }
        for (role, tick, route) in &ls.patrols {
            let walked = (clock.tick.saturating_sub(*tick) * clock.tick_s as u64) as f64;
            let at = patrol_position(route, walked);
            if dist_to_zone(at, &ls.spec.zone) <= q.radius_m {
                ls.precursors[k].1 = true;
                ls.observed.insert(q.id.clone());
                log.push(
                    clock.tick,
                    clock.tick_s,
                    SimEvent::PrecursorObserved {
                        precursor: PrecursorId(q.id.clone()),
                        by: role.clone(),
                        precursor_kind: q.kind,
                        release_in_s: (release != u64::MAX).then(|| release.saturating_sub(now)),
                    },
                );
                break;
            }
        }
    }
}

/// Debris reaching houses; clearing; blocked roads.
pub fn detect(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    tasks: Res<Tasks>,
    mut ls: ResMut<Landslide>,
    mut roads: ResMut<RoadGraph>,
    mut exposure: ResMut<Exposure>,
    mut log: ResMut<EventLog>,
) {
    let ls = &mut *ls;
    if !ls.released {
        return;
    }
    let (tick, tick_s) = (clock.tick, clock.tick_s);
    for k in 0..ls.houses.len() {
        let (cell, reached, destroyed) = ls.houses[k];
        let hh = &drill.households[k].1;
        if !reached && ls.swept[cell] > 0.0 {
            ls.houses[k].1 = true;
            log.push(
                tick,
                tick_s,
                SimEvent::HazardReachedHome {
                    household: HouseholdId(hh.id.clone()),
                    hazard: HazardKind::Landslide,
                    residents: hh.members.total(),
                    vulnerable: hh.vulnerable,
                    hazard_rating: None,
                    depth_m: None,
                    speed_m_s: Some(round3(ls.swept[cell] as f64)),
                },
            );
        }
        let buried = ls.settled && ls.depth[cell] >= ls.spec.destroy_depth_m;
        if !destroyed && (ls.swept[cell] as f64 >= DEADLY_SPEED || buried) {
            ls.houses[k].2 = true;
            log.push(
                tick,
                tick_s,
                SimEvent::HouseDestroyed {
                    household: HouseholdId(hh.id.clone()),
                    hazard: HazardKind::Landslide,
                    depth_m: round3(ls.depth[cell]),
                    speed_m_s: round3(ls.swept[cell] as f64),
                },
            );
        }
    }
    // Clearing teams at work.
    let cell_m = drill.terrain.cell_m;
    let mut opened = Vec::new();
    for (fk, f) in drill.scenario.forces.iter().enumerate() {
        let Some(&crate::sim::tasks::OnScene { at, .. }) = tasks.doing(fk, Task::ClearRoad) else { continue };
        let near = |cells: &[usize]| {
            cells.iter().map(|&c| dist_to_polyline(at, &[drill.terrain.center(c)])).fold(f64::INFINITY, f64::min)
        };
        let target = (0..ls.roads.len())
            .filter(|&k| ls.roads[k].1 && near(&ls.roads[k].0) <= 300.0)
            .min_by(|&a, &b| near(&ls.roads[a].0).total_cmp(&near(&ls.roads[b].0)).then(a.cmp(&b)));
        let Some(k) = target else { continue };
        let excavator = f.vehicles.iter().any(|v| v.kind == crate::scenario::schema::VehicleKind::Excavator);
        let rate = CLEAR_M3_PER_H * if excavator { 4.0 } else { 1.0 };
        ls.roads[k].3 += rate * tick_s as f64 / 3600.0;
        let (cells, _, width, cleared) = &ls.roads[k];
        let volume: f64 = cells.iter().map(|&c| ls.depth[c] * width * cell_m).sum();
        if *cleared >= volume {
            ls.roads[k].1 = false;
            for &c in &ls.roads[k].0 {
                ls.depth[c] = 0.0;
            }
            let id = &drill.scenario.map.roads.edges[k].id;
            ls.cleared.insert(id.clone());
            log.push(
                tick,
                tick_s,
                SimEvent::RoadCleared {
                    road: RoadId(id.clone()),
                    by: ForceId(f.id.clone()),
                    volume_m3: round3(volume),
                },
            );
            opened.push(k);
        }
    }
    for &k in &opened {
        if let Some(h) = roads.hazard.get_mut(k) {
            *h = false;
        }
    }
    if !opened.is_empty()
        && let Some(d) = &mut exposure.debris
    {
        d.depth.clone_from(&ls.depth);
    }
    for (k, (cells, blocked, _, cleared)) in ls.roads.iter_mut().enumerate() {
        let deepest = cells.iter().map(|&c| ls.depth[c]).fold(0.0, f64::max);
        if !*blocked && *cleared == 0.0 && deepest > ls.spec.block_depth_m {
            *blocked = true;
            let id = &drill.scenario.map.roads.edges[k].id;
            log.push(
                tick,
                tick_s,
                SimEvent::RoadBlocked {
                    road: RoadId(id.clone()),
                    hazard: HazardKind::Landslide,
                    depth_m: round3(deepest),
                },
            );
            if let Some(h) = roads.hazard.get_mut(k) {
                *h = true;
            }
        }
    }
}

/// The debris bodies for the faces' view (none before the release).
fn publish_view(ls: Res<Landslide>, mut view: ResMut<SimView>) {
    view.debris_bodies.clear();
    if ls.released {
        view.debris_bodies
            .extend(ls.runout.bodies().into_iter().map(|(p, v)| ([p.0 as f32, p.1 as f32, p.2 as f32], v as f32)));
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
