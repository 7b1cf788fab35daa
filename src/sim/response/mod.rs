//! Responders: rescue teams and their vehicles. A `Dispatch` order sends a
//! force from where it stands: it turns out (its `turnout_s` when it leaves
//! base), drives or walks the fastest open road path (speeds by road class;
//! edges cut by debris or fire, or flooded unless it carries a boat,
//! excluded; roads closed to the public by order stay open to it), walks the
//! last stretch off-road, and starts its task on scene. A force on the road
//! whose path ahead is cut turns back to the last junction it passed and
//! takes the next best path (`force_rerouted`), or waits there cut off. The 135 timestamps — turned out, on scene — are
//! logged with their seconds since the order. Tasks that change the world
//! (escorting the vulnerable, rescues) are published in `ActiveTasks` for
//! the models that carry them out.

pub mod roads;

use crate::roles::commands::OrderBook;
use crate::scenario::schema::{Action, Place, Point, Task};
use crate::sim::events::EventLog;
use crate::sim::{Drill, SimClock, SimSet};
use bevy::prelude::*;
use roads::{FOOT_MS, RoadGraph};
use serde_json::json;

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

/// Tasks under way on scene, for the models that carry them out: (tick
/// started, force index, task, place, village index if the place is one).
#[derive(Resource, Debug, Clone, Default)]
pub struct ActiveTasks {
    pub started: Vec<(u64, usize, Task, Point, Option<usize>)>,
}

/// Forces and the road graph.
#[derive(Resource, Debug, Clone)]
pub struct Responders {
    pub forces: Vec<ForceState>,
    pub roads: RoadGraph,
    cursor: usize,
}

pub struct ResponsePlugin;

impl Plugin for ResponsePlugin {
    fn build(&self, app: &mut App) {
        let drill = app.world().resource::<Drill>().clone();
        let roads = RoadGraph::new(&drill.scenario.map);
        let forces = drill
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
            })
            .collect();
        app.insert_resource(Responders { forces, roads, cursor: 0 })
            .init_resource::<ActiveTasks>()
            .add_systems(FixedUpdate, respond.in_set(SimSet::Response));
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
    town: Res<crate::roles::commands::Township>,
    mut resp: ResMut<Responders>,
    mut tasks: ResMut<ActiveTasks>,
    mut log: ResMut<EventLog>,
) {
    let (tick, tick_s) = (clock.tick, clock.tick_s as u64);
    let ticks = |s: f64| (s / tick_s as f64).ceil() as u64;
    let resp = &mut *resp;
    // Roads closed to the public by order (residents' cars keep off them).
    for (k, e) in resp.roads.edges.iter().enumerate() {
        resp.roads.blocked[k] = town.roads_closed.contains(&e.id);
    }
    for order in &book.orders[resp.cursor..] {
        let Action::Dispatch { force, to, task } = &order.action else { continue };
        let Some(k) = resp.forces.iter().position(|f| &f.id == force) else { continue };
        let (point, village) = resolve(&drill, &resp.roads, to);
        let target_node = resp.roads.nearest(point);
        let np = resp.roads.nodes[target_node].1;
        let f = &mut resp.forces[k];
        f.task = Some((*task, point, village));
        f.dispatched = order.tick;
        f.target_node = target_node;
        f.offroad_s = ((np.0 - point.0).powi(2) + (np.1 - point.1).powi(2)).sqrt() / FOOT_MS;
        let turnout = if f.phase == Phase::AtBase { drill.scenario.forces[k].turnout_s as f64 } else { 0.0 };
        f.phase = Phase::TurningOut { until: order.tick + ticks(turnout) };
        log.push(tick, clock.tick_s, "force_dispatched", format!("force:{force}"), json!({ "task": task, "to": to }));
    }
    resp.cursor = book.orders.len();
    for k in 0..resp.forces.len() {
        let f = &resp.forces[k];
        let since = (tick - f.dispatched) * tick_s;
        match f.phase {
            Phase::TurningOut { until } | Phase::CutOff { retry: until } if tick >= until => {
                let was_turnout = matches!(f.phase, Phase::TurningOut { .. });
                let mobility = f.mobility();
                let route = resp.roads.fastest_by(f.node, f.target_node, mobility);
                let legs = route.as_ref().map(|(_, path)| {
                    let mut at = tick as f64;
                    path.iter()
                        .map(|&e| {
                            at += resp.roads.edge_time(e, mobility) / tick_s as f64;
                            (e, at.ceil() as u64)
                        })
                        .collect::<Vec<_>>()
                });
                let f = &mut resp.forces[k];
                if was_turnout {
                    log.push(
                        tick,
                        clock.tick_s,
                        "force_turned_out",
                        format!("force:{}", f.id),
                        json!({ "after_s": since }),
                    );
                }
                match route {
                    Some((secs, path)) => {
                        f.phase = Phase::Travelling { arrive: tick + ticks(secs + f.offroad_s).max(1) };
                        f.route = (f.node, legs.unwrap_or_default());
                        log.push(
                            tick,
                            clock.tick_s,
                            "force_en_route",
                            format!("force:{}", f.id),
                            json!({ "travel_s": (secs + f.offroad_s).round(), "edges": path.len() }),
                        );
                    }
                    None => {
                        f.phase = Phase::CutOff { retry: tick + ticks(60.0) };
                        if was_turnout {
                            log.push(
                                tick,
                                clock.tick_s,
                                "force_cut_off",
                                format!("force:{}", f.id),
                                json!({ "reason": "no open road" }),
                            );
                        }
                    }
                }
            }
            Phase::Travelling { arrive } if tick < arrive => {
                // The path ahead (the edge under way and the rest) cut?
                let m = f.mobility();
                let ahead = f.route.1.iter().position(|&(_, end)| end > tick);
                let cut = ahead.and_then(|a| f.route.1[a..].iter().find(|&&(e, _)| !resp.roads.passable(e, m)));
                if let (Some(a), Some(&(edge, _))) = (ahead, cut) {
                    // Back to the last junction passed.
                    let mut node = f.route.0;
                    for &(e, _) in &f.route.1[..a] {
                        let ed = &resp.roads.edges[e];
                        node = if ed.a == node { ed.b } else { ed.a };
                    }
                    let (at, closed) = (resp.roads.nodes[node].0.clone(), resp.roads.edges[edge].id.clone());
                    let f = &mut resp.forces[k];
                    f.node = node;
                    f.phase = Phase::CutOff { retry: tick + 1 };
                    log.push(
                        tick,
                        clock.tick_s,
                        "force_rerouted",
                        format!("force:{}", f.id),
                        json!({ "at": at, "cut": closed }),
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
                    "force_on_scene",
                    format!("force:{}", f.id),
                    json!({ "after_s": since, "task": task }),
                );
                tasks.started.push((tick, k, task, point, village));
            }
            _ => {}
        }
    }
}
