//! Responders: rescue teams and their vehicles. A `Dispatch` order sends a
//! force from where it stands: it turns out (its `turnout_s` when it leaves
//! base), drives or walks the fastest open road path (speeds by road class;
//! edges cut by debris or fire, or flooded unless it carries a boat,
//! excluded; roads closed to the public by order stay open to it), walks the
//! last stretch off-road, and starts its task on scene. A force on the road
//! whose path ahead is cut turns back to the last junction it passed and
//! takes the next best path (`force_rerouted`), or waits there cut off. The 135 timestamps — turned out, on scene — are
//! logged with their seconds since the order. Work on scene is published
//! in the core's `Tasks` for the models that carry it out.
//!
//! At night (`meta.night`) a force travels (the drive and the walk off the
//! road) at the night's `travel_factor` of its speed. A crew at work is watched for danger (`crew_safety`): in
//! water, a wading crew past the FD2321 hazard rating `WADE_HR_LIMIT`, a
//! boat crew in a current faster than `BOAT_CURRENT_MS`; moving debris
//! within `DEBRIS_REACH_M`; fire igniting within `FIRE_REACH_M`. The first
//! time a crew comes into danger on a task, `crew_endangered` is logged
//! (once per dispatch: a current that hovers about the limit is one event).
//!
//! Owns: `Responders`. Writes the road graph's closures by order and the
//! tasks under way; reads the hazards' exposure fields. May not touch:
//! other models.

use crate::scenario::schema::{Action, HazardKind, Place, Point, Task};
use crate::sim::events::{EventLog, SimEvent};
use crate::sim::exposure::Exposure;
use crate::sim::ids::{ForceId, NodeId, RoadId};
use crate::sim::orders::{OrderBook, Township};
use crate::sim::roads::{self, FOOT_MS, RoadGraph};
use crate::sim::tasks::{OnScene, Tasks};
use crate::sim::tick::{Drill, SimClock, SimSet, SimTick};
use crate::sim::view::{FillView, ForceView, SimView};
use bevy::prelude::*;

/// FD2321 hazard rating from which water is a danger to most people
/// (Defra/EA 2006, "danger for most"): the limit for a crew wading.
pub const WADE_HR_LIMIT: f64 = 1.25;
/// Current (m/s) a small flood-rescue boat crew should not work in: the
/// scenario language's fixed setting, not a published limit (swift-water
/// practice treats anything over about 0.5 m/s as moving water and expects
/// a trained crew and a powered boat beyond it).
pub const BOAT_CURRENT_MS: f64 = 2.0;
/// Moving debris this close to a crew at work endangers it (m).
pub const DEBRIS_REACH_M: f64 = 50.0;
/// A cell igniting this close to a crew at work endangers it (m).
pub const FIRE_REACH_M: f64 = 30.0;

/// Where a force is in its work.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    AtBase,
    TurningOut {
        until: u64,
    },
    Travelling {
        arrive: u64,
    },
    /// No open road: retry at `retry`.
    CutOff {
        retry: u64,
    },
    OnScene {
        since: u64,
    },
}

/// A force's run-time state.
#[derive(Debug, Clone, PartialEq)]
pub struct ForceState {
    pub id: String,
    /// Node it stands at (or last left).
    pub node: usize,
    pub phase: Phase,
    pub task: Option<(Task, Point, Option<usize>)>,
    dispatched: u64,
    target_node: usize,
    offroad_s: f64,
    on_foot: bool,
    boat: bool,
    /// While travelling: the node it left, and per edge of its path the
    /// tick it reaches the far end.
    route: (usize, Vec<(usize, u64)>),
    /// Whether its crew came into danger since its latest dispatch.
    pub endangered: bool,
}

impl ForceState {
    /// How the force moves: on foot without vehicles, with a boat if it has
    /// one; it is not public traffic.
    fn mobility(&self) -> roads::Mobility {
        roads::Mobility {
            max_speed: if self.on_foot { FOOT_MS } else { f64::INFINITY },
            boat: self.boat,
            public: false,
        }
    }
}

/// The forces.
#[derive(Resource, Debug, Clone)]
pub struct Responders {
    pub forces: Vec<ForceState>,
    cursor: usize,
}

pub struct ResponsePlugin;

impl Plugin for ResponsePlugin {
    fn build(&self, app: &mut App) {
        let drill = app.world().resource::<Drill>().clone();
        let roads = app.world().resource::<RoadGraph>().clone();
        let forces: Vec<ForceState> = drill
            .scenario
            .forces
            .iter()
            .map(|f| ForceState {
                id: f.id.clone(),
                node: roads.node(&f.base).unwrap_or(0),
                phase: Phase::AtBase,
                task: None,
                dispatched: 0,
                target_node: 0,
                offroad_s: 0.0,
                on_foot: f.vehicles.is_empty(),
                boat: f.vehicles.iter().any(|v| v.kind == crate::scenario::schema::VehicleKind::Boat),
                route: (0, Vec::new()),
                endangered: false,
            })
            .collect();
        app.world_mut().resource_mut::<Tasks>().on_scene = vec![None; forces.len()];
        crate::sim::snapshot::register::<Responders>(app);
        app.insert_resource(Responders { forces, cursor: 0 })
            .add_systems(SimTick, (respond, crew_safety).chain().in_set(SimSet::Response))
            .add_systems(SimTick, publish_view.in_set(FillView::Forces));
    }
}

/// The point and village of a place.
pub fn resolve(drill: &Drill, roads: &RoadGraph, place: &Place) -> (Point, Option<usize>) {
    let s = &drill.scenario;
    match place {
        Place::Node(id) => (roads.node(id).map_or((0.0, 0.0), |k| roads.nodes[k].1), None),
        Place::Village(id) => {
            let vk = s.villages.iter().position(|v| &v.id == id);
            let c = vk.map_or((0.0, 0.0), |vk| crate::geom::centroid(&s.villages[vk].boundary));
            (c, vk)
        }
        Place::Household(id) => {
            drill.households.iter().find(|(_, h)| &h.id == id).map_or(((0.0, 0.0), None), |(vk, h)| (h.at, Some(*vk)))
        }
        Place::Shelter(id) => s
            .villages
            .iter()
            .enumerate()
            .find_map(|(vk, v)| v.shelters.iter().find(|x| &x.id == id).map(|x| (x.at, Some(vk))))
            .unwrap_or(((0.0, 0.0), None)),
        Place::Point(p) => (*p, None),
    }
}

fn respond(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    book: Res<OrderBook>,
    town: Res<Township>,
    mut roads: ResMut<RoadGraph>,
    mut resp: ResMut<Responders>,
    mut tasks: ResMut<Tasks>,
    mut log: ResMut<EventLog>,
) {
    let (tick, tick_s) = (clock.tick, clock.tick_s as u64);
    let ticks = |s: f64| (s / tick_s as f64).ceil() as u64;
    // Darkness slows the drive (the factor of the hour the force sets off).
    let pace = drill.scenario.meta.night_at(clock.now_s()).map_or(1.0, |n| n.travel_factor);
    let resp = &mut *resp;
    // Roads closed to the public by order (residents' cars keep off them).
    let roads = &mut *roads;
    for (k, e) in roads.edges.iter().enumerate() {
        roads.blocked[k] = town.roads_closed.contains(&e.id);
    }
    for order in &book.orders[resp.cursor..] {
        let Action::Dispatch { force, to, task } = &order.action else { continue };
        let Some(k) = resp.forces.iter().position(|f| &f.id == force) else { continue };
        let (point, village) = resolve(&drill, roads, to);
        let target_node = roads.nearest(point);
        let np = roads.nodes[target_node].1;
        let f = &mut resp.forces[k];
        f.task = Some((*task, point, village));
        f.dispatched = order.tick;
        f.target_node = target_node;
        f.offroad_s = ((np.0 - point.0).powi(2) + (np.1 - point.1).powi(2)).sqrt() / FOOT_MS;
        let turnout = if f.phase == Phase::AtBase { drill.scenario.forces[k].turnout_s as f64 } else { 0.0 };
        f.phase = Phase::TurningOut { until: order.tick + ticks(turnout) };
        tasks.on_scene[k] = None;
        f.endangered = false;
        log.push(
            tick,
            clock.tick_s,
            SimEvent::ForceDispatched { force: ForceId(force.clone()), task: *task, to: to.clone() },
        );
    }
    resp.cursor = book.orders.len();
    for k in 0..resp.forces.len() {
        let f = &resp.forces[k];
        let since = (tick - f.dispatched) * tick_s;
        match f.phase {
            Phase::TurningOut { until } | Phase::CutOff { retry: until } if tick >= until => {
                let was_turnout = matches!(f.phase, Phase::TurningOut { .. });
                let mobility = f.mobility();
                let route = roads.fastest_by(f.node, f.target_node, mobility);
                let legs = route.as_ref().map(|(_, path)| {
                    let mut at = tick as f64;
                    path.iter()
                        .map(|&e| {
                            at += roads.edge_time(e, mobility) / pace / tick_s as f64;
                            (e, at.ceil() as u64)
                        })
                        .collect::<Vec<_>>()
                });
                let f = &mut resp.forces[k];
                if was_turnout {
                    log.push(
                        tick,
                        clock.tick_s,
                        SimEvent::ForceTurnedOut { force: ForceId(f.id.clone()), after_s: since },
                    );
                }
                match route {
                    Some((secs, path)) => {
                        let secs = (secs + f.offroad_s) / pace;
                        f.phase = Phase::Travelling { arrive: tick + ticks(secs).max(1) };
                        f.route = (f.node, legs.unwrap_or_default());
                        log.push(
                            tick,
                            clock.tick_s,
                            SimEvent::ForceEnRoute {
                                force: ForceId(f.id.clone()),
                                travel_s: secs.round(),
                                edges: path.len(),
                            },
                        );
                    }
                    None => {
                        f.phase = Phase::CutOff { retry: tick + ticks(60.0) };
                        if was_turnout {
                            log.push(tick, clock.tick_s, SimEvent::ForceCutOff { force: ForceId(f.id.clone()) });
                        }
                    }
                }
            }
            Phase::Travelling { arrive } if tick < arrive => {
                // The path ahead (the edge under way and the rest) cut?
                let m = f.mobility();
                let ahead = f.route.1.iter().position(|&(_, end)| end > tick);
                let cut = ahead.and_then(|a| f.route.1[a..].iter().find(|&&(e, _)| !roads.passable(e, m)));
                if let (Some(a), Some(&(edge, _))) = (ahead, cut) {
                    // Back to the last junction passed.
                    let mut node = f.route.0;
                    for &(e, _) in &f.route.1[..a] {
                        let ed = &roads.edges[e];
                        node = if ed.a == node { ed.b } else { ed.a };
                    }
                    let (at, closed) = (roads.nodes[node].0.clone(), roads.edges[edge].id.clone());
                    let f = &mut resp.forces[k];
                    f.node = node;
                    f.phase = Phase::CutOff { retry: tick + 1 };
                    log.push(
                        tick,
                        clock.tick_s,
                        SimEvent::ForceRerouted { force: ForceId(f.id.clone()), at: NodeId(at), cut: RoadId(closed) },
                    );
                }
            }
            Phase::Travelling { arrive } if tick >= arrive => {
                let f = &mut resp.forces[k];
                f.node = f.target_node;
                f.phase = Phase::OnScene { since: tick };
                let (task, point, village) = f.task.unwrap_or((Task::Standby, (0.0, 0.0), None));
                log.push(
                    tick,
                    clock.tick_s,
                    SimEvent::ForceOnScene { force: ForceId(f.id.clone()), after_s: since, task },
                );
                let work = OnScene { task, at: point, village, since: tick };
                tasks.on_scene[k] = Some(work);
                tasks.started.push((k, work));
            }
            _ => {}
        }
    }
}

/// Watches each crew at work for danger and logs each time one comes into it.
fn crew_safety(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    tasks: Res<Tasks>,
    exposure: Res<Exposure>,
    mut resp: ResMut<Responders>,
    mut log: ResMut<EventLog>,
) {
    let t = &drill.terrain;
    for (k, f) in resp.forces.iter_mut().enumerate() {
        let danger = tasks.on_scene.get(k).copied().flatten().and_then(|work| {
            let cell = t.cell_of(work.at)?;
            let near = |cells: &mut dyn Iterator<Item = usize>, reach: f64| {
                cells
                    .map(|c| {
                        let p = t.center(c);
                        ((p.0 - work.at.0).powi(2) + (p.1 - work.at.1).powi(2)).sqrt()
                    })
                    .filter(|&d| d <= reach)
                    .fold(None, |m: Option<f64>, d| Some(m.map_or(d, |m| m.min(d))))
            };
            let water = exposure.water.as_ref().and_then(|w| {
                if f.boat {
                    let (u, v) = w.velocity(cell);
                    let speed = (u * u + v * v).sqrt();
                    (speed > BOAT_CURRENT_MS).then_some((HazardKind::Flood, speed, BOAT_CURRENT_MS))
                } else {
                    let hr = w.hazard_rating(cell);
                    (hr >= WADE_HR_LIMIT).then_some((HazardKind::Flood, hr, WADE_HR_LIMIT))
                }
            });
            let debris = exposure.debris.as_ref().and_then(|d| {
                near(&mut d.moving.iter().copied(), DEBRIS_REACH_M).map(|m| (HazardKind::Landslide, m, DEBRIS_REACH_M))
            });
            let fire = exposure.fire.as_ref().and_then(|x| {
                near(&mut x.fresh.iter().map(|(c, _)| *c), FIRE_REACH_M).map(|m| (HazardKind::Fire, m, FIRE_REACH_M))
            });
            water.or(debris).or(fire)
        });
        match danger {
            Some((hazard, value, limit)) if !f.endangered => {
                f.endangered = true;
                log.push(
                    clock.tick,
                    clock.tick_s,
                    SimEvent::CrewEndangered {
                        force: ForceId(f.id.clone()),
                        hazard,
                        value: (value * 1000.0).round() / 1000.0,
                        limit,
                    },
                );
            }
            _ => {}
        }
    }
}

/// Forces for the faces' view.
fn publish_view(resp: Res<Responders>, roads: Res<RoadGraph>, tasks: Res<Tasks>, mut view: ResMut<SimView>) {
    view.forces = resp
        .forces
        .iter()
        .enumerate()
        .map(|(k, f)| {
            let work = tasks.on_scene.get(k).copied().flatten();
            ForceView {
                force: ForceId(f.id.clone()),
                at: work.map_or(roads.nodes.get(f.node).map_or((0.0, 0.0), |n| n.1), |w| w.at),
                task: f.task.map(|t| t.0),
                on_scene: work.is_some(),
            }
        })
        .collect();
}
