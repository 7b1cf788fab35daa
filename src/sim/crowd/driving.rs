//! Households that leave by car. A household with a vehicle (`vehicle` in
//! the scenario) drives when it leaves, if an open road path leads from the
//! road node nearest its house to the node nearest its shelter; otherwise
//! it walks; it also walks when the drive would take longer than walking
//! the straight line at its slowest member's pace with a 30 % detour (a
//! shelter round the corner). The trip is planned once, at departure, on the responders'
//! road graph (roads closed to the public by order, cut by debris or fire,
//! or flooded beyond the vehicle limit are not used): off-road legs to and from the road at
//! `OFFROAD_MS`, road edges at their speed but no faster than `CAR_MS`.
//! The car's position is interpolated along the trip each tick. Rule for
//! water met on the way (documented for certificates): a car in water
//! deeper than the vehicle limit stalls, and its occupants get out and walk
//! on from there (people abandon cars; vehicles are swept at depths where
//! walkers still stand, FD2321 / Shand et al. 2011 vehicle stability).

use crate::geom::dist;
use crate::scenario::schema::Point;
use crate::sim::roads::{Mobility, RoadGraph};

/// Top speed of evacuating cars on township roads (m/s): 30 km/h in
/// mixed traffic with walkers and tricycles.
pub const CAR_MS: f64 = 30.0 / 3.6;
/// Speed from the house to the road and from the road to the shelter gate
/// (m/s): lanes and yards, loading the car.
pub const OFFROAD_MS: f64 = 2.0;

/// One household's drive: the points passed and the seconds after the
/// start at which each is reached.
#[derive(Debug, Clone, PartialEq)]
pub struct Trip {
    pub start_s: f64,
    pub points: Vec<(Point, f64)>,
}

impl Trip {
    /// Plans a drive from `from` to `to` starting at `start_s`, or `None`
    /// when no open road path exists.
    pub fn plan(roads: &RoadGraph, from: Point, to: Point, start_s: f64) -> Option<Trip> {
        if roads.nodes.is_empty() {
            return None;
        }
        let (a, b) = (roads.nearest(from), roads.nearest(to));
        let car = Mobility { max_speed: CAR_MS, boat: false, public: true };
        let (_, path) = roads.fastest_by(a, b, car)?;
        let mut points = vec![(from, 0.0)];
        let mut t = dist(from, roads.nodes[a].1) / OFFROAD_MS;
        points.push((roads.nodes[a].1, t));
        let mut at = a;
        for k in path {
            let e = &roads.edges[k];
            at = if e.a == at { e.b } else { e.a };
            t += roads.edge_time(k, car);
            points.push((roads.nodes[at].1, t));
        }
        t += dist(roads.nodes[b].1, to) / OFFROAD_MS;
        points.push((to, t));
        Some(Trip { start_s, points })
    }

    /// Drill second of arrival.
    pub fn arrival_s(&self) -> f64 {
        self.start_s + self.points.last().map_or(0.0, |p| p.1)
    }

    /// Where the car is at drill second `now`.
    pub fn position(&self, now: f64) -> Point {
        let s = now - self.start_s;
        let i = self.points.partition_point(|p| p.1 <= s);
        if i == 0 {
            return self.points[0].0;
        }
        if i >= self.points.len() {
            return self.points[self.points.len() - 1].0;
        }
        let ((p, t0), (q, t1)) = (self.points[i - 1], self.points[i]);
        let f = if t1 > t0 { (s - t0) / (t1 - t0) } else { 1.0 };
        (p.0 + (q.0 - p.0) * f, p.1 + (q.1 - p.1) * f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::schema::*;

    fn map() -> MapSpec {
        let node = |id: &str, x: f64| RoadNode { id: id.into(), at: (x, 0.0), name: None };
        let edge = |id: &str, from: &str, to: &str| RoadEdge {
            id: id.into(),
            from: from.into(),
            to: to.into(),
            class: RoadClass::County,
            name: None,
            width_m: 5.0,
            speed_kmh: None,
            bridge: false,
        };
        MapSpec {
            size: (30, 10),
            cell_m: 100.0,
            terrain: Terrain::Procedural { base_m: 0.0, features: vec![] },
            land_cover: LandCover { classes: vec![], default: String::new(), polygons: vec![] },
            rivers: vec![],
            roads: RoadNet {
                nodes: vec![node("a", 0.0), node("b", 1000.0), node("c", 2000.0)],
                edges: vec![edge("ab", "a", "b"), edge("bc", "b", "c")],
            },
            walk_cell_m: None,
            structures: vec![],
        }
    }

    /// Three nodes in a line, 1 km apart, on 60 km/h county roads: a car
    /// from beside node a to beside node c drives the 2 km at `CAR_MS` plus
    /// two 20 m off-road legs; half-way it is at node b; with the second
    /// road flooded it cannot go. Exact to 1e-9.
    #[test]
    fn a_trip_follows_the_open_road_at_car_speed() {
        let mut g = RoadGraph::new(&map());
        let trip = Trip::plan(&g, (0.0, 20.0), (2000.0, 20.0), 100.0).expect("a road");
        let drive = 2000.0 / CAR_MS;
        assert!((trip.arrival_s() - (100.0 + 20.0 / OFFROAD_MS * 2.0 + drive)).abs() < 1e-9);
        let mid = trip.position(100.0 + 10.0 + drive / 2.0);
        assert!((mid.0 - 1000.0).abs() < 1e-6 && mid.1.abs() < 1e-9, "{mid:?}");
        assert_eq!(trip.position(0.0), (0.0, 20.0));
        assert_eq!(trip.position(1e9), (2000.0, 20.0));
        g.flooded[1] = true;
        assert!(Trip::plan(&g, (0.0, 20.0), (2000.0, 20.0), 0.0).is_none());
    }
}
