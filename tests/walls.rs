//! Buildings, walls and doors in a drill (`scenarios/example_walls.ron`,
//! walkers on 0.5 m cells under 10 m terrain cells): the residents of the
//! old people's home leave by its one door, everyone reaches the school
//! through the schoolyard's gate (the crossing gauge in the gate counts
//! them), and no resident ever stands in a closed walker cell.

use firstline::headless::{RunOptions, Session};
use firstline::scenario;
use firstline::scenario::schema::Structure;
use firstline::sim::Drill;
use firstline::sim::events::SimEvent;
use firstline::sim::gauges::Gauges;
use firstline::sim::view::{PersonState, SimView};
use std::path::Path;

#[test]
fn residents_leave_by_the_doors_and_never_cross_a_wall() {
    let loaded = scenario::load(Path::new("scenarios/example_walls.ron")).unwrap();
    let mut s = Session::start(&loaded, &RunOptions::default(), true).unwrap();
    let walk = s.world().resource::<Drill>().walk.clone();
    assert_eq!((walk.nx, walk.ny, walk.cell_m), (600, 400, 0.5));
    // The home's residents, by their households' places inside its outline.
    let Some(Structure::Building { outline, .. }) = loaded.scenario.map.structures.iter().find(|s| s.id() == "dorm")
    else {
        panic!("the dorm")
    };
    let inside = |p: (f64, f64)| firstline::geom::in_polygon(p, outline);
    s.step();
    let homes: Vec<usize> = {
        let v = s.world().resource::<SimView>();
        v.residents.iter().enumerate().filter(|(_, r)| inside(r.at)).map(|(i, _)| i).collect()
    };
    assert_eq!(homes.len(), 28, "seven households of four in the home");
    let mut by_the_door = vec![false; homes.len()];
    let mut nearest = vec![f64::INFINITY; homes.len()];
    let mut steps = 0;
    while s.step() {
        steps += 1;
        let v = s.world().resource::<SimView>();
        for (i, r) in v.residents.iter().enumerate() {
            let k = walk.cell_of(r.at).expect("on the map");
            assert!(walk.is_open(k), "resident {i} at ({:.2}, {:.2}) in a closed cell (tick {steps})", r.at.0, r.at.1);
        }
        for (n, &i) in homes.iter().enumerate() {
            let p = v.residents[i].at;
            // The 1 m door in the north wall (y = 70 m) at x = 70 m.
            by_the_door[n] |= (p.0 - 70.0).abs() <= 1.0 && (p.1 - 70.0).abs() <= 1.0;
            nearest[n] = nearest[n].min(firstline::geom::dist(p, (70.0, 70.0)));
        }
    }
    let v = s.world().resource::<SimView>();
    let safe = v.residents.iter().filter(|r| r.state == PersonState::Safe).count();
    assert_eq!(safe, v.residents.len(), "everyone reaches the school");
    assert!(by_the_door.iter().all(|&b| b), "every resident of the home went out by its door: {nearest:?}");
    // Everyone came in through the schoolyard gate (the gauge's line),
    // northwards: forward crossings, none back.
    let g = s.world().resource::<Gauges>();
    let k = loaded.scenario.gauges.iter().position(|g| g.id == "school_gate").unwrap();
    let last = g.series[k].samples.last().unwrap();
    assert_eq!(last.1, safe as f64, "crossings in the gate: {last:?}");
    let out = s.finish().unwrap();
    let safe_events = out.events.iter().filter(|e| matches!(e.event, SimEvent::ResidentSafe { .. })).count();
    assert_eq!(safe_events, safe);
    assert!(out.report.scoring.score >= 90.0, "perfect followers: {}", out.report.scoring.score);
}
