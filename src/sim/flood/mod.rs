//! Flood: the shallow-water kernel (`kernel`: local-inertial; `godunov`:
//! the shock-capturing solver a scenario may choose instead), the scripted
//! rain, inflows and dike breaches (`script`), the hazard rating for people
//! (`hazard`), and this thin Bevy adapter, which steps the water one tick in
//! the Hazards phase (in whole stable steps, the last of which may end up
//! to a step past the tick: `Flood::ahead_s`) and, in the Detect phase,
//! logs water reaching houses,
//! roads and gauges and marks flooded roads in the road graph. Forces on
//! scene with the task `Pump` or `Sandbag` work on the water (`works`).
//! Between ticks the water's depth, bed and face discharges are the
//! exposure fields' (from which level, velocity and hazard rating are
//! derived): each tick's step takes the four arrays back into the kernel
//! and hands them over again when its steps are done (`take_back`,
//! `show`), so publishing the water copies nothing; before each tick's
//! steps it lays queued bed changes (landslide deposits) on its bed
//! (`lay_bed`).
//!
//! Owns: `Flood`. May not touch: other models, residents' state.

pub mod edge;
pub mod godunov;
pub mod hazard;
pub mod kernel;
pub mod lanes;
pub mod script;
pub mod works;

use crate::scenario::schema::{Boundary, FloodSolver, FloodSpec};
use crate::scenario::terrain::{TerrainGrid, cells_along};
use crate::sim::bed::BedChanges;
use crate::sim::events::{BreachCause, EventLog, RoadWater, SimEvent};
use crate::sim::exposure::{Exposure, Water};
use crate::sim::ids::{DikeId, ForceId, GaugeId, HouseholdId, RoadId};
use crate::sim::orders::Township;
use crate::sim::roads::RoadGraph;
use crate::sim::tasks::Tasks;
use crate::sim::tick::{Drill, Halt, Observe, SimClock, SimTick, Step};
use bevy::prelude::*;
use kernel::{Edge, Params, Shallow};
use rayon::prelude::*;
use script::{FloodScript, ScriptEvent};

/// Depth at which water counts as having reached a house or gauge (m).
pub const REACHED_M: f64 = crate::sim::exposure::DOORSTEP_M;
/// FD2321 hazard rating from which flooding is a danger to people at a
/// house ("danger for some"); slow ponding of rain stays below it.
pub const DANGER_HR: f64 = 0.75;
/// Most solver sub-steps in one tick: beyond them the water is beyond the
/// scheme (or the forcing beyond reason), and the drill stops cleanly.
pub const MAX_SUBSTEPS: u64 = 10_000;
/// Share of its bank-full depth a river holds at the start of a drill.
pub const INITIAL_RIVER_FILL: f64 = 0.4;

/// A flooded road is declared passable again (open, or open to people on
/// foot) only once its water has stayed below the limit this long: water
/// surging in a channel beside a road would otherwise close and open it
/// every few seconds (a road along a mountain river did, 30 times in ten
/// minutes). Closing is immediate.
pub const REOPEN_AFTER_S: u64 = 120;

/// One road's watch: its cells, its state (0 open, 1 closed to vehicles,
/// 2 closed on foot) and, while its water is below its state's limit, the
/// highest state the water has called for since, and when that began.
#[derive(Debug, Clone)]
struct RoadWatch {
    cells: Vec<usize>,
    state: u8,
    easing: Option<(u8, u64)>,
}

impl RoadWatch {
    /// The state the water calls for at drill second `t` is `now`: the
    /// road's new state when it changes.
    fn update(&mut self, now: u8, t: u64) -> Option<u8> {
        if now >= self.state {
            self.easing = None;
            return (now > self.state).then(|| {
                self.state = now;
                now
            });
        }
        let (level, since) = self.easing.get_or_insert((now, t));
        *level = (*level).max(now);
        if t.saturating_sub(*since) < REOPEN_AFTER_S {
            return None;
        }
        self.state = *level;
        self.easing = None;
        Some(self.state)
    }
}

/// The flood model of a drill.
#[derive(Resource, Debug, Clone)]
pub struct Flood {
    /// The kernel. Between ticks its depth, bed and face discharges are
    /// empty: they are the exposure's water (`show`), which is where they
    /// are read.
    pub water: Shallow,
    pub script: FloodScript,
    pub foot_limit_m: f64,
    pub vehicle_limit_m: f64,
    /// Cells of built land cover (debris factor of urban areas).
    pub built: Vec<bool>,
    /// Water on the grid at the start (m³), for the mass balance.
    pub initial_volume: f64,
    /// Per household: cell, water reached (doorstep), hazard reached (HR ≥ 0.75).
    houses: Vec<(usize, bool, bool)>,
    roads: Vec<RoadWatch>,
    gauges: Vec<bool>,
    /// Sandbag walls, one per dike (same order as the script's dikes).
    pub walls: Vec<works::Wall>,
    /// Water pumped out so far (m³).
    pub pumped_m3: f64,
    /// Per force, sandbags laid so far, and whether it is pumping.
    bags_used: Vec<f64>,
    pumping: Vec<bool>,
    /// The instructor's breaches already opened.
    breaches_seen: usize,
    /// How far the water is ahead of the drill's clock (s): each tick the
    /// solver takes whole stable steps, the last of which may end past the
    /// tick (`Shallow::advance_leading`: less than a step and at most a
    /// tick), instead of a short step to land on it. The exposure a tick
    /// publishes is the water at its clock time plus this lead.
    pub ahead_s: f64,
}

impl Flood {
    /// Builds the model from a scenario's flood slot and terrain.
    pub fn new(spec: &FloodSpec, drill: &Drill) -> Self {
        let t: &TerrainGrid = &drill.terrain;
        let s = &drill.scenario;
        let classes = &s.map.land_cover.classes;
        let manning: Vec<f64> =
            t.cover.iter().map(|&c| classes.get(c as usize).map_or(0.035, |c| c.manning_n)).collect();
        let mut water = Shallow::new(t.nx, t.ny, t.cell_m, t.elevation.clone(), &manning);
        water.params = solver_params(spec);
        water.set_local_steps(spec.local_steps && spec.solver == FloodSolver::Inertial);
        let edge = |b: Boundary| match b {
            Boundary::Closed => Edge::Closed,
            Boundary::FreeOutflow => Edge::FreeOutflow { slope: 0.001 },
            Boundary::FixedLevel(l) => Edge::FixedLevel(l),
        };
        let b = &spec.boundaries;
        water.edges = [edge(b.west), edge(b.east), edge(b.south), edge(b.north)];
        for r in &s.map.rivers {
            for k in 0..t.nx * t.ny {
                if t.river[k]
                    && crate::geom::dist_to_polyline(t.center(k), &r.points) <= (r.width_m / 2.0).max(t.cell_m * 0.5)
                {
                    water.h[k] = water.h[k].max(r.depth_m * INITIAL_RIVER_FILL);
                }
            }
        }
        let script = FloodScript::new(spec, t);
        script.build_dikes(&mut water);
        let nodes: std::collections::BTreeMap<&str, (f64, f64)> =
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
                // Bridges stand above the water: only their approaches count.
                let cells = cells_along(t, &pts).into_iter().filter(|&k| !(e.bridge && t.river[k])).collect();
                RoadWatch { cells, state: 0, easing: None }
            })
            .collect();
        Flood {
            initial_volume: water.volume(),
            water,
            script,
            foot_limit_m: spec.foot_limit_m,
            vehicle_limit_m: spec.vehicle_limit_m,
            built: t.cover.iter().map(|&c| classes.get(c as usize).is_some_and(|c| c.built)).collect(),
            houses: drill.households.iter().map(|(_, h)| (t.cell_of(h.at).unwrap_or(0), false, false)).collect(),
            roads,
            gauges: vec![false; s.gauges.len()],
            walls: vec![works::Wall::default(); spec.dikes.len()],
            pumped_m3: 0.0,
            bags_used: Vec::new(),
            pumping: Vec::new(),
            breaches_seen: 0,
            ahead_s: 0.0,
        }
    }

    /// Hands the water to the exposure fields: the kernel's depth, bed
    /// and face discharges move there (the kernel's are left empty until
    /// `take_back`), with the limits and land cover they are read with.
    /// Nothing is copied: on the township's 512 × 512 grid the copies took
    /// 6–8 % of the flood phase, even written band by band in cache.
    pub fn show(&mut self, out: &mut Water) {
        let w = &mut self.water;
        out.depth = std::mem::take(&mut w.h);
        out.bed = std::mem::take(&mut w.z);
        out.qx = std::mem::take(&mut w.qx);
        out.qy = std::mem::take(&mut w.qy);
        out.nx = w.nx;
        if out.built.len() != self.built.len() {
            out.built.clone_from(&self.built);
        }
        out.foot_limit_m = self.foot_limit_m;
        out.vehicle_limit_m = self.vehicle_limit_m;
    }

    /// Takes the water back from the exposure fields for a tick's steps;
    /// each array only if it is the grid's size (a water never shown keeps
    /// the kernel's own).
    pub fn take_back(&mut self, from: &mut Water) {
        let w = &mut self.water;
        let (cells, x_faces, y_faces) = (w.nx * w.ny, (w.nx + 1) * w.ny, w.nx * (w.ny + 1));
        for (mine, shown, len) in [
            (&mut w.h, &mut from.depth, cells),
            (&mut w.z, &mut from.bed, cells),
            (&mut w.qx, &mut from.qx, x_faces),
            (&mut w.qy, &mut from.qy, y_faces),
        ] {
            if shown.len() == len {
                *mine = std::mem::take(shown);
            }
        }
    }
}

/// The kernel's constants from the scenario's solver settings (validated
/// there: θ in 0.6–1, the Courant number within the solver's bound).
pub fn solver_params(spec: &FloodSpec) -> Params {
    let base = match spec.solver {
        FloodSolver::Inertial => match spec.theta {
            // θ = 1 is Bates et al.'s scheme, at its own step; θ < 1 takes
            // the step the default was verified stable at.
            Some(theta) if theta >= 1.0 => Params::bates(),
            Some(theta) => Params { theta, ..Params::default() },
            None => Params::default(),
        },
        FloodSolver::Godunov => Params::godunov(),
    };
    Params { alpha: spec.courant.unwrap_or(base.alpha), ..base }
}

/// Lays material on the bed (`(cell, m)`): the bed rises and the water
/// standing there rises with it, so the water volume is unchanged. Returns
/// the volume laid (m³).
pub fn lay_bed(water: &mut Shallow, changes: &[(usize, f64)]) -> f64 {
    let area = water.dx * water.dx;
    let mut laid = 0.0;
    for &(k, d) in changes {
        if k < water.z.len() && d > 0.0 && d.is_finite() {
            water.z[k] += d;
            laid += d * area;
        }
    }
    laid
}

pub struct FloodPlugin;

impl Plugin for FloodPlugin {
    fn build(&self, app: &mut App) {
        let drill = app.world().resource::<Drill>().clone();
        if let Some(spec) = &drill.scenario.hazards.flood {
            let mut flood = Flood::new(spec, &drill);
            let mut water = Water::default();
            flood.show(&mut water);
            app.world_mut().resource_mut::<Exposure>().water = Some(water);
            crate::sim::snapshot::register::<Flood>(app);
            app.insert_resource(flood)
                .add_systems(SimTick, step.in_set(Step::Flood))
                .add_systems(SimTick, detect.in_set(Observe::Flood));
        }
    }
}

pub fn step(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    tasks: Res<Tasks>,
    mut bed: ResMut<BedChanges>,
    mut flood: ResMut<Flood>,
    mut exposure: ResMut<Exposure>,
    mut halt: ResMut<Halt>,
    mut log: ResMut<EventLog>,
    town: Res<Township>,
) {
    let flood = &mut *flood;
    // The water is the exposure's between ticks: the kernel's for the steps.
    if let Some(w) = &mut exposure.water {
        flood.take_back(w);
    }
    lay_bed(&mut flood.water, &bed.take());
    // Breaches the instructor ordered (the gate refused unknown or breached dikes).
    for (_, dike) in &town.breaches[flood.breaches_seen.min(town.breaches.len())..] {
        if flood.script.breach_now(dike, clock.now_s() as f64) {
            log.push(
                clock.tick,
                clock.tick_s,
                SimEvent::DikeBreached { dike: DikeId(dike.clone()), cause: BreachCause::Instructor },
            );
        }
    }
    flood.breaches_seen = town.breaches.len();
    for e in flood.script.update(clock.now_s() as f64, &mut flood.water) {
        match e {
            ScriptEvent::BreachStarted { dike, overtopping } => log.push(
                clock.tick,
                clock.tick_s,
                SimEvent::DikeBreached {
                    dike: DikeId(dike),
                    cause: if overtopping { BreachCause::Overtopping } else { BreachCause::Scripted },
                },
            ),
        }
    }
    let dt = clock.tick_s as f64;
    let (mut bags_used, mut pumping) = (std::mem::take(&mut flood.bags_used), std::mem::take(&mut flood.pumping));
    work(&drill, &tasks, flood, dt, &mut log, clock.tick, clock.tick_s, &mut bags_used, &mut pumping);
    (flood.bags_used, flood.pumping) = (bags_used, pumping);
    match flood.water.advance_leading(dt, flood.ahead_s, MAX_SUBSTEPS) {
        Ok((_, ahead)) => flood.ahead_s = ahead,
        Err(step) => {
            log.push(
                clock.tick,
                clock.tick_s,
                SimEvent::ModelStalled {
                    hazard: crate::scenario::schema::HazardKind::Flood,
                    substeps: MAX_SUBSTEPS,
                    step_s: if step.is_finite() { step } else { 0.0 },
                },
            );
            halt.request();
        }
    }
    if let Some(w) = &mut exposure.water {
        flood.show(w);
    }
}

/// Pumping and sandbagging by forces on scene (rates in `works`).
#[allow(clippy::too_many_arguments)]
fn work(
    drill: &Drill,
    tasks: &Tasks,
    flood: &mut Flood,
    dt: f64,
    log: &mut EventLog,
    tick: u64,
    tick_s: u32,
    bags_used: &mut Vec<f64>,
    pumping: &mut Vec<bool>,
) {
    use crate::scenario::schema::{EquipmentKind, Task};
    let forces = &drill.scenario.forces;
    if bags_used.len() != forces.len() {
        *bags_used = vec![0.0; forces.len()];
        *pumping = vec![false; forces.len()];
    }
    for (fk, spec) in forces.iter().enumerate() {
        let Some(&Some(crate::sim::tasks::OnScene { task, at, .. })) = tasks.on_scene.get(fk) else { continue };
        let stock =
            |kind: EquipmentKind| spec.equipment.iter().filter(|e| e.kind == kind).map(|e| e.count).sum::<u32>();
        match task {
            Task::Pump => {
                let pumps = stock(EquipmentKind::DrainagePump);
                let taken = works::pump(&mut flood.water, at, pumps, dt);
                flood.pumped_m3 += taken;
                if taken > 0.0 && !pumping[fk] {
                    pumping[fk] = true;
                    log.push(tick, tick_s, SimEvent::PumpingStarted { force: ForceId(spec.id.clone()), pumps });
                }
            }
            Task::Sandbag => {
                let Some((d, centre)) = works::nearest_dike(&flood.water, &flood.script.dikes, at) else { continue };
                let left = stock(EquipmentKind::Sandbags) as f64 - bags_used[fk];
                let bags = (spec.members as f64 * works::BAGS_PER_PERSON_H * dt / 3600.0).min(left.max(0.0));
                bags_used[fk] += bags;
                let dike = &flood.script.dikes[d];
                let done = works::build_wall(&mut flood.water, dike, &mut flood.walls[d], centre, bags);
                if done > 0 {
                    let raised = flood.walls[d].raised.iter().filter(|&&h| h >= works::SANDBAG_RAISE_M).count();
                    log.push(
                        tick,
                        tick_s,
                        SimEvent::DikeRaised {
                            dike: DikeId(dike.id.clone()),
                            by: ForceId(spec.id.clone()),
                            length_m: raised as f64 * flood.water.dx,
                            height_m: works::SANDBAG_RAISE_M,
                        },
                    );
                }
            }
            _ => {}
        }
    }
}

/// Homes per rayon task in `detect`'s pass over them.
const HOUSE_CHUNK: usize = 2048;

/// Reads the water where the exposure fields show it (`Flood::show`).
pub fn detect(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    exposure: Res<Exposure>,
    mut flood: ResMut<Flood>,
    mut roads: ResMut<RoadGraph>,
    mut log: ResMut<EventLog>,
) {
    let Some(w) = &exposure.water else { return };
    let (tick, tick_s) = (clock.tick, clock.tick_s);
    let flood = &mut *flood;
    // Each home's water is read in parallel (each marks its own); what
    // reached them is logged in household order.
    let found: Vec<Vec<(usize, bool, Option<f64>)>> = flood
        .houses
        .par_chunks_mut(HOUSE_CHUNK)
        .enumerate()
        .map(|(c, hs)| {
            let mut found = Vec::new();
            for (j, (cell, water, hazard)) in hs.iter_mut().enumerate() {
                let reached = !*water && w.depth[*cell] > REACHED_M;
                *water |= reached;
                // A home the hazard has reached stays reached: its rating is
                // not worked out again.
                let hr = (!*hazard).then(|| w.hazard_rating(*cell)).filter(|&hr| hr >= DANGER_HR);
                *hazard |= hr.is_some();
                if reached || hr.is_some() {
                    found.push((c * HOUSE_CHUNK + j, reached, hr));
                }
            }
            found
        })
        .collect();
    for (k, reached, hr) in found.into_iter().flatten() {
        let hh = &drill.households[k].1;
        let d = w.depth[flood.houses[k].0];
        if reached {
            log.push(
                tick,
                tick_s,
                SimEvent::WaterReached {
                    household: HouseholdId(hh.id.clone()),
                    depth_m: round3(d),
                    residents: hh.members.total(),
                    vulnerable: hh.vulnerable,
                },
            );
        }
        if let Some(hr) = hr {
            log.push(
                tick,
                tick_s,
                SimEvent::HazardReachedHome {
                    household: HouseholdId(hh.id.clone()),
                    hazard: crate::scenario::schema::HazardKind::Flood,
                    residents: hh.members.total(),
                    vulnerable: hh.vulnerable,
                    hazard_rating: Some(round3(hr)),
                    depth_m: Some(round3(d)),
                    speed_m_s: None,
                },
            );
        }
    }
    let h = &w.depth;
    for (k, road) in flood.roads.iter_mut().enumerate() {
        let deepest = road.cells.iter().map(|&c| h[c]).fold(0.0, f64::max);
        let wants = if deepest > flood.foot_limit_m {
            2
        } else if deepest > flood.vehicle_limit_m {
            1
        } else {
            0
        };
        if let Some(now) = road.update(wants, tick * tick_s as u64) {
            let id = &drill.scenario.map.roads.edges[k].id;
            let state = [RoadWater::Open, RoadWater::ClosedToVehicles, RoadWater::ClosedOnFoot][now as usize];
            log.push(tick, tick_s, SimEvent::RoadFlooded { road: RoadId(id.clone()), state, depth_m: round3(deepest) });
            roads.flooded[k] = now > 0;
        }
    }
    for (k, g) in drill.scenario.gauges.iter().enumerate() {
        let at = match &g.kind {
            crate::scenario::schema::GaugeKind::WaterDepth { at }
            | crate::scenario::schema::GaugeKind::WaterLevel { at } => *at,
            _ => continue,
        };
        let d = drill.terrain.cell_of(at).map_or(0.0, |k| w.depth[k]);
        if !flood.gauges[k] && d > REACHED_M {
            flood.gauges[k] = true;
            log.push(tick, tick_s, SimEvent::GaugeWaterReached { gauge: GaugeId(g.id.clone()), depth_m: round3(d) });
        }
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::{REOPEN_AFTER_S, RoadWatch};

    /// Water surging round the limit closes a road once and keeps it
    /// closed; it opens only after the water stayed below for
    /// `REOPEN_AFTER_S`, to the highest state called for meanwhile.
    #[test]
    fn a_road_closes_at_once_and_opens_only_after_the_water_stays_down() {
        let mut r = RoadWatch { cells: Vec::new(), state: 0, easing: None };
        let mut changes = Vec::new();
        // Surging: on foot, vehicles, open, on foot… every 10 s for 5 minutes.
        for (k, t) in (0..300).step_by(10).enumerate() {
            if let Some(s) = r.update([2, 1, 0][k % 3], t) {
                changes.push((t, s));
            }
        }
        assert_eq!(changes, [(0, 2)], "one closing, no flicker");
        // The last surge over the foot limit was at 270 s; from 300 s the
        // water stays below it (at the vehicle limit until 400 s, then
        // under both): passable on foot 120 s after 280 s, the first reading
        // below the foot limit, and open 120 s after the first reading
        // below the vehicle limit in that state (410 s).
        for t in (300..800).step_by(10) {
            if let Some(s) = r.update(if t < 400 { 1 } else { 0 }, t) {
                changes.push((t, s));
            }
        }
        assert_eq!(changes, [(0, 2), (280 + REOPEN_AFTER_S, 1), (410 + REOPEN_AFTER_S, 0)]);
    }
}
