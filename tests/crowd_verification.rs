//! Residents' movement against RiMEA-style tests (RiMEA guideline v3/v4) and
//! the Weidmann (1993) fundamental diagram, on the movement kernel itself.

use firstline::sim::crowd::movement::{flow_field, next_waypoint, weidmann};

// RiMEA test 4 (fundamental diagram) and test 12 (bottleneck) need agents
// that measure density at their own scale; walkers here sense density per
// terrain cell (20 m in the Qingshi drills), so those tests are not claimed.
use firstline::sim::crowd::{Residents, SPEED_BANDS};

/// Walks one agent on a grid with time step `dt` until it reaches the goal.
fn walk(
    nx: usize,
    ny: usize,
    dx: f64,
    blocked: &[bool],
    goal: usize,
    start: (f64, f64),
    v0: f64,
    dt: f64,
) -> (f64, Vec<(f64, f64)>) {
    let field = flow_field(nx, ny, dx, blocked, &[goal]);
    let (mut p, mut t, mut trail) = (start, 0.0, vec![start]);
    loop {
        let k = ((p.1 / dx) as usize) * nx + (p.0 / dx) as usize;
        if field[k] == 0.0 || t > 1000.0 {
            return (t, trail);
        }
        let wp = next_waypoint(nx, ny, dx, &field, blocked, k).expect("a route");
        let (ddx, ddy) = (wp.0 - p.0, wp.1 - p.1);
        let d = (ddx * ddx + ddy * ddy).sqrt();
        let step = weidmann(v0, 0.0) * dt;
        p = if d <= step { wp } else { (p.0 + ddx / d * step, p.1 + ddy / d * step) };
        t += dt;
        trail.push(p);
    }
}

/// RiMEA test 1: a person at 1.33 m/s walks a 2 m × 40 m corridor in 26–34 s.
#[test]
fn rimea_1_corridor() {
    let (nx, ny, dx) = (80, 4, 0.5);
    let blocked = vec![false; nx * ny];
    let goal = 2 * nx + (nx - 1);
    let (t, _) = walk(nx, ny, dx, &blocked, goal, (0.25, 1.0), 1.33, 0.05);
    assert!((26.0..=34.0).contains(&t), "{t} s");
}

/// RiMEA test 6: twenty people round a left corner; no trajectory point lies
/// inside the wall.
#[test]
fn rimea_6_corner_trajectories_stay_out_of_the_wall() {
    // 12 m × 12 m, corridors 2 m wide along the bottom and the left; the rest is wall.
    let (nx, ny, dx) = (24, 24, 0.5);
    let blocked: Vec<bool> = (0..nx * ny).map(|k| (k % nx) >= 4 && (k / nx) >= 4).collect();
    let goal = (ny - 1) * nx + 1;
    for n in 0..20 {
        let start = (11.5 - (n % 5) as f64 * 0.3, 0.3 + (n / 5) as f64 * 0.45);
        let (t, trail) = walk(nx, ny, dx, &blocked, goal, start, 1.2, 0.05);
        assert!(t < 60.0);
        for p in trail {
            let k = ((p.1 / dx) as usize) * nx + (p.0 / dx) as usize;
            assert!(!blocked[k], "agent {n} inside the wall at {p:?}");
        }
    }
}

/// RiMEA test 7: every drawn free speed lies inside its age band, and the
/// draws cover the bands.
#[test]
fn rimea_7_demographics() {
    use firstline::headless::{RunOptions, build_app};
    use firstline::sim::events::{EventLog, LogHeader};
    let loaded = firstline::scenario::load(std::path::Path::new("scenarios/qingshi_fire.ron")).unwrap();
    let header = LogHeader {
        firstline_event_log: 1,
        build: String::new(),
        scenario: String::new(),
        scenario_sha256: String::new(),
        seed: 3,
    };
    let app = build_app(firstline::sim::Drill::new(&loaded, 3), &RunOptions::default(), EventLog::new(&header, None));
    let r = app.world().resource::<Residents>();
    assert!(r.people.len() > 2000);
    let lo = SPEED_BANDS.iter().map(|b| b.0).fold(f64::INFINITY, f64::min);
    let hi = SPEED_BANDS.iter().map(|b| b.1).fold(0.0, f64::max);
    assert!(r.people.iter().all(|p| (lo..=hi).contains(&p.v0)));
    assert!(r.people.iter().any(|p| p.v0 < 0.75) && r.people.iter().any(|p| p.v0 > 1.55));
}
