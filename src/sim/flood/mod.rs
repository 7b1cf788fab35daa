//! Flood: the local-inertial shallow-water kernel (`kernel`), the scripted
//! rain, inflows and dike breaches (`script`), the hazard rating for people
//! (`hazard`), and this thin Bevy adapter, which steps the water one tick in
//! the Hazards phase and, in the Detect phase, logs water reaching houses,
//! roads and gauges and marks flooded roads for the responders. Forces on
//! scene with the task `Pump` or `Sandbag` work on the water (`works`).

pub mod hazard;
pub mod kernel;
pub mod script;
pub mod works;

use crate::scenario::schema::{Boundary, FloodSpec};
use crate::sim::events::EventLog;
use crate::sim::response::Responders;
use crate::sim::terrain::TerrainGrid;
use crate::sim::{Drill, SimClock, SimSet};
use bevy::prelude::*;
use kernel::{Edge, Shallow};
use script::{FloodScript, ScriptEvent, cells_along};
use serde_json::json;

/// Depth at which water counts as having reached a house or gauge (m): a
/// doorstep; shallower ponding of rain does not enter a rural house.
pub const REACHED_M: f64 = 0.3;
/// FD2321 hazard rating from which flooding is a danger to people at a
/// house ("danger for some"); slow ponding of rain stays below it.
pub const DANGER_HR: f64 = 0.75;
/// Share of its bank-full depth a river holds at the start of a drill.
pub const INITIAL_RIVER_FILL: f64 = 0.4;

/// The flood model of a drill.
#[derive(Resource, Debug, Clone)]
pub struct Flood {
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
    roads: Vec<(Vec<usize>, u8)>,
    gauges: Vec<bool>,
    /// Sandbag walls, one per dike (same order as the script's dikes).
    pub walls: Vec<works::Wall>,
    /// Water pumped out so far (m³).
    pub pumped_m3: f64,
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
                (cells, 0)
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
        }
    }

    /// Depth (m) in the cell containing a point; 0 off the map.
    pub fn depth_at(&self, t: &TerrainGrid, p: (f64, f64)) -> f64 {
        t.cell_of(p).map_or(0.0, |k| self.water.h[k])
    }

    /// Hazard rating FD2321 in cell `k`.
    pub fn hazard_rating(&self, k: usize) -> f64 {
        let (u, v) = self.water.velocity(k);
        hazard::hazard_rating(self.water.h[k], (u * u + v * v).sqrt(), self.built[k])
    }
}

pub struct FloodPlugin;

impl Plugin for FloodPlugin {
    fn build(&self, app: &mut App) {
        let drill = app.world().resource::<Drill>().clone();
        if let Some(spec) = &drill.scenario.hazards.flood {
            app.insert_resource(Flood::new(spec, &drill))
                .add_systems(FixedUpdate, step.in_set(SimSet::Hazards))
                .add_systems(FixedUpdate, detect.in_set(SimSet::Detect).before(crate::sim::gauges::sample));
        }
    }
}

pub fn step(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    responders: Option<Res<Responders>>,
    mut flood: ResMut<Flood>,
    mut log: ResMut<EventLog>,
    mut bags_used: Local<Vec<f64>>,
    mut pumping: Local<Vec<bool>>,
) {
    let flood = &mut *flood;
    for e in flood.script.update(clock.now_s() as f64, &mut flood.water) {
        match e {
            ScriptEvent::BreachStarted { dike, overtopping } => log.push(
                clock.tick,
                clock.tick_s,
                "dike_breached",
                format!("dike:{dike}"),
                json!({ "cause": if overtopping { "overtopping" } else { "scripted" } }),
            ),
        }
    }
    let dt = clock.tick_s as f64;
    if let Some(resp) = &responders {
        work(&drill, resp, flood, dt, &mut log, clock.tick, clock.tick_s, &mut bags_used, &mut pumping);
    }
    flood.water.advance(dt);
}

/// Pumping and sandbagging by forces on scene (rates in `works`).
#[allow(clippy::too_many_arguments)]
fn work(
    drill: &Drill,
    resp: &Responders,
    flood: &mut Flood,
    dt: f64,
    log: &mut EventLog,
    tick: u64,
    tick_s: u32,
    bags_used: &mut Vec<f64>,
    pumping: &mut Vec<bool>,
) {
    use crate::scenario::schema::{EquipmentKind, Task};
    if bags_used.len() != resp.forces.len() {
        *bags_used = vec![0.0; resp.forces.len()];
        *pumping = vec![false; resp.forces.len()];
    }
    for (fk, f) in resp.forces.iter().enumerate() {
        let Some((task, at, _)) = f.task else { continue };
        if !matches!(f.phase, crate::sim::response::Phase::OnScene { .. }) {
            continue;
        }
        let Some(spec) = drill.scenario.forces.get(fk) else { continue };
        let stock =
            |kind: EquipmentKind| spec.equipment.iter().filter(|e| e.kind == kind).map(|e| e.count).sum::<u32>();
        match task {
            Task::Pump => {
                let pumps = stock(EquipmentKind::DrainagePump);
                let taken = works::pump(&mut flood.water, at, pumps, dt);
                flood.pumped_m3 += taken;
                if taken > 0.0 && !pumping[fk] {
                    pumping[fk] = true;
                    log.push(tick, tick_s, "pumping_started", format!("force:{}", f.id), json!({ "pumps": pumps }));
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
                        "dike_raised",
                        format!("dike:{}", dike.id),
                        json!({ "by": f.id, "length_m": raised as f64 * flood.water.dx, "height_m": works::SANDBAG_RAISE_M }),
                    );
                }
            }
            _ => {}
        }
    }
}

pub fn detect(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    mut flood: ResMut<Flood>,
    mut responders: ResMut<Responders>,
    mut log: ResMut<EventLog>,
) {
    let (tick, tick_s) = (clock.tick, clock.tick_s);
    let flood = &mut *flood;
    for k in 0..flood.houses.len() {
        let (cell, water, hazard) = flood.houses[k];
        let hh = &drill.households[k].1;
        let d = flood.water.h[cell];
        if !water && d > REACHED_M {
            flood.houses[k].1 = true;
            log.push(
                tick,
                tick_s,
                "water_reached",
                format!("household:{}", hh.id),
                json!({ "depth_m": round3(d), "residents": hh.members.total(), "vulnerable": hh.vulnerable }),
            );
        }
        let hr = flood.hazard_rating(cell);
        if !hazard && hr >= DANGER_HR {
            flood.houses[k].2 = true;
            log.push(
                tick,
                tick_s,
                "hazard_reached_home",
                format!("household:{}", hh.id),
                json!({ "hazard": "Flood", "hazard_rating": round3(hr), "depth_m": round3(d), "residents": hh.members.total(), "vulnerable": hh.vulnerable }),
            );
        }
    }
    let h = &flood.water.h;
    for (k, (cells, state)) in flood.roads.iter_mut().enumerate() {
        let deepest = cells.iter().map(|&c| h[c]).fold(0.0, f64::max);
        let now = if deepest > flood.foot_limit_m {
            2
        } else if deepest > flood.vehicle_limit_m {
            1
        } else {
            0
        };
        if now != *state {
            *state = now;
            let id = &drill.scenario.map.roads.edges[k].id;
            let mode = ["open", "closed to vehicles", "closed on foot"][now as usize];
            log.push(
                tick,
                tick_s,
                "road_flooded",
                format!("road:{id}"),
                json!({ "state": mode, "depth_m": round3(deepest) }),
            );
            responders.roads.flooded[k] = now > 0;
        }
    }
    for (k, g) in drill.scenario.gauges.iter().enumerate() {
        let at = match &g.kind {
            crate::scenario::schema::GaugeKind::WaterDepth { at }
            | crate::scenario::schema::GaugeKind::WaterLevel { at } => *at,
            _ => continue,
        };
        let d = flood.depth_at(&drill.terrain, at);
        if !flood.gauges[k] && d > REACHED_M {
            flood.gauges[k] = true;
            log.push(tick, tick_s, "water_reached", format!("gauge:{}", g.id), json!({ "depth_m": round3(d) }));
        }
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
