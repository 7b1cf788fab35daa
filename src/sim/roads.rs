//! The road graph for vehicles and teams: edge lengths and free speeds from
//! the scenario, closures and hazard blocks, fastest paths by Dijkstra with
//! a deterministic tie-break (lower node index first).
//!
//! Owns: `RoadGraph` and its road state. May not touch: any model's state.

use crate::scenario::schema::{MapSpec, Point};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// One undirected edge.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub id: String,
    pub a: usize,
    pub b: usize,
    pub length_m: f64,
    pub speed_ms: f64,
}

/// The graph with per-edge blocks (closures, water, debris). A resource of
/// the sim core: the responders set closures by order, the flood marks
/// flooded edges, the landslide cut and cleared ones; forces and residents'
/// cars read it.
#[derive(bevy::prelude::Resource, Debug, Clone, PartialEq)]
pub struct RoadGraph {
    pub nodes: Vec<(String, Point)>,
    pub edges: Vec<Edge>,
    /// Per edge: closed to the public by order (封路); residents' cars keep
    /// off it, emergency forces pass.
    pub blocked: Vec<bool>,
    /// Per edge: cut by debris (or another hazard no vehicle passes).
    pub hazard: Vec<bool>,
    /// Per edge: water above the vehicle limit; a boat still passes.
    pub flooded: Vec<bool>,
    adj: Vec<Vec<usize>>,
}

/// Walking speed of a team on foot (m/s), about 5 km/h.
pub const FOOT_MS: f64 = 1.4;
/// Speed of a rescue boat along a flooded road (m/s), about 9 km/h among
/// houses, trees and debris.
pub const BOAT_MS: f64 = 2.5;

/// How a force moves on the road graph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mobility {
    /// Speed cap on open roads (m/s): `FOOT_MS` on foot, infinite by vehicle.
    pub max_speed: f64,
    /// Carries a boat: flooded edges are passable at `BOAT_MS`.
    pub boat: bool,
    /// Public traffic (residents' cars): keeps off roads closed by order.
    pub public: bool,
}

impl RoadGraph {
    pub fn new(map: &MapSpec) -> Self {
        let nodes: Vec<(String, Point)> = map.roads.nodes.iter().map(|n| (n.id.clone(), n.at)).collect();
        let index = |id: &str| nodes.iter().position(|(n, _)| n == id).unwrap_or(0);
        let edges: Vec<Edge> = map
            .roads
            .edges
            .iter()
            .map(|e| {
                let (a, b) = (index(&e.from), index(&e.to));
                let (pa, pb) = (nodes[a].1, nodes[b].1);
                Edge {
                    id: e.id.clone(),
                    a,
                    b,
                    length_m: ((pa.0 - pb.0).powi(2) + (pa.1 - pb.1).powi(2)).sqrt(),
                    speed_ms: e.speed_kmh.unwrap_or(e.class.default_speed_kmh()) / 3.6,
                }
            })
            .collect();
        let mut adj = vec![Vec::new(); nodes.len()];
        for (k, e) in edges.iter().enumerate() {
            adj[e.a].push(k);
            adj[e.b].push(k);
        }
        let blocked = vec![false; edges.len()];
        let hazard = blocked.clone();
        let flooded = blocked.clone();
        RoadGraph { nodes, edges, blocked, hazard, flooded, adj }
    }

    pub fn node(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|(n, _)| n == id)
    }

    /// The node nearest a point (lowest index on ties).
    pub fn nearest(&self, p: Point) -> usize {
        let d = |k: usize| (self.nodes[k].1.0 - p.0).powi(2) + (self.nodes[k].1.1 - p.1).powi(2);
        (0..self.nodes.len()).min_by(|&a, &b| d(a).total_cmp(&d(b)).then(a.cmp(&b))).unwrap_or(0)
    }

    /// Fastest open path: `(travel seconds, edges in order)`, or `None` if cut
    /// off. `max_speed` caps speeds (a team on foot).
    pub fn fastest(&self, from: usize, to: usize, max_speed: f64) -> Option<(f64, Vec<usize>)> {
        self.fastest_by(from, to, Mobility { max_speed, boat: false, public: true })
    }

    /// Whether edge `k` is open to a traveller of mobility `m`.
    pub fn passable(&self, k: usize, m: Mobility) -> bool {
        !((self.blocked[k] && m.public) || self.hazard[k] || (self.flooded[k] && !m.boat))
    }

    /// Seconds to travel edge `k` (by boat where it is flooded).
    pub fn edge_time(&self, k: usize, m: Mobility) -> f64 {
        let e = &self.edges[k];
        e.length_m / if self.flooded[k] { BOAT_MS } else { e.speed_ms.min(m.max_speed) }
    }

    /// Fastest open path for a force that may carry a boat.
    pub fn fastest_by(&self, from: usize, to: usize, m: Mobility) -> Option<(f64, Vec<usize>)> {
        let n = self.nodes.len();
        let mut best = vec![f64::INFINITY; n];
        let mut via: Vec<Option<usize>> = vec![None; n];
        let mut heap = BinaryHeap::new();
        best[from] = 0.0;
        // Times in milliseconds as integers keep the heap order total and exact.
        heap.push(Reverse((0u64, from)));
        while let Some(Reverse((ms, u))) = heap.pop() {
            if u == to {
                break;
            }
            if ms as f64 > best[u] * 1000.0 + 0.5 {
                continue;
            }
            for &k in &self.adj[u] {
                if !self.passable(k, m) {
                    continue;
                }
                let e = &self.edges[k];
                let v = if e.a == u { e.b } else { e.a };
                let t = best[u] + self.edge_time(k, m);
                if t < best[v] {
                    best[v] = t;
                    via[v] = Some(k);
                    heap.push(Reverse(((t * 1000.0) as u64, v)));
                }
            }
        }
        if !best[to].is_finite() {
            return None;
        }
        let mut path = Vec::new();
        let mut at = to;
        while let Some(k) = via[at] {
            path.push(k);
            let e = &self.edges[k];
            at = if e.a == at { e.b } else { e.a };
        }
        path.reverse();
        Some((best[to], path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::schema::*;

    fn map() -> MapSpec {
        let node = |id: &str, x: f64, y: f64| RoadNode { id: id.into(), at: (x, y), name: None };
        let edge = |id: &str, from: &str, to: &str, class| RoadEdge {
            id: id.into(),
            from: from.into(),
            to: to.into(),
            class,
            name: None,
            width_m: 5.0,
            speed_kmh: None,
            bridge: false,
        };
        MapSpec {
            size: (10, 10),
            cell_m: 100.0,
            terrain: Terrain::Procedural { base_m: 0.0, features: vec![] },
            land_cover: LandCover { classes: vec![], default: String::new(), polygons: vec![] },
            rivers: vec![],
            roads: RoadNet {
                nodes: vec![node("a", 0.0, 0.0), node("b", 900.0, 0.0), node("c", 450.0, 300.0)],
                edges: vec![
                    edge("ab", "a", "b", RoadClass::Track),
                    edge("ac", "a", "c", RoadClass::County),
                    edge("cb", "c", "b", RoadClass::County),
                ],
            },
            walk_cell_m: None,
            structures: vec![],
        }
    }

    #[test]
    fn fastest_prefers_the_faster_detour_and_respects_blocks() {
        let mut g = RoadGraph::new(&map());
        // Direct track: 900 m at 15 km/h = 216 s. Detour: 2 × 540.8 m at 60 km/h = 64.9 s.
        let (t, path) = g.fastest(0, 1, f64::INFINITY).unwrap();
        assert_eq!(path, vec![1, 2]);
        assert!((t - 2.0 * 540.83 / (60.0 / 3.6)).abs() < 0.01, "{t}");
        g.blocked[2] = true;
        let (t, path) = g.fastest(0, 1, f64::INFINITY).unwrap();
        assert_eq!(path, vec![0]);
        assert!((t - 216.0).abs() < 1e-9);
        g.blocked[0] = true;
        assert!(g.fastest(0, 1, f64::INFINITY).is_none());
        // Closed to the public only: an emergency force still drives through.
        let force = Mobility { max_speed: f64::INFINITY, boat: false, public: false };
        assert_eq!(g.fastest_by(0, 1, force).map(|(_, p)| p), Some(vec![1, 2]));
        // On foot the track and the detour both go at walking pace: the short one wins.
        g.blocked = vec![false; 3];
        let (t, path) = g.fastest(0, 1, FOOT_MS).unwrap();
        assert_eq!(path, vec![0]);
        assert!((t - 900.0 / FOOT_MS).abs() < 1e-9);
    }

    #[test]
    fn a_boat_passes_flooded_roads_at_boat_speed_but_not_debris() {
        let mut g = RoadGraph::new(&map());
        g.flooded = vec![true; 3];
        assert!(g.fastest(0, 1, f64::INFINITY).is_none());
        let boat = Mobility { max_speed: f64::INFINITY, boat: true, public: false };
        let (t, path) = g.fastest_by(0, 1, boat).unwrap();
        // All at 2.5 m/s: the direct 900 m beats the 1,081.7 m detour.
        assert_eq!(path, vec![0]);
        assert!((t - 900.0 / BOAT_MS).abs() < 1e-9, "{t}");
        g.hazard[0] = true;
        let (_, path) = g.fastest_by(0, 1, boat).unwrap();
        assert_eq!(path, vec![1, 2]);
    }
}
