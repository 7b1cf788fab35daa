//! Verification of the pedestrian movement kernel (`sim::crowd::kernel` and
//! its siblings) against the RiMEA guideline's tests (RiMEA e.V., Guideline
//! for Microscopic Evacuation Analysis, v3/v4: tests 1, 4, 6, 7, 9, 12) and
//! the Weidmann (1993) fundamental diagram, plus the kernel's own promises:
//! walkers never enter blocked cells, walkers cut off from their goal report
//! `NoRoute`, and results are bit-identical for any rayon thread count.
//! Each test names its source and tolerance.

// Walkers are indexed across several parallel arrays (positions, states, marks).
#![allow(clippy::needless_range_loop)]

use firstline::scenario::schema::{Door, LandCover, MapSpec, RoadNet, Structure, Terrain};
use firstline::scenario::terrain::TerrainGrid;
use firstline::scenario::walk::WalkMask;
use firstline::sim::crowd::demographics::{AgeBand, AgeGroup};
use firstline::sim::crowd::density::weidmann_speed;
use firstline::sim::crowd::kernel::{AgentSpec, AgentState, Crowd, CrowdParams};
use firstline::sim::crowd::navgrid::NavGrid;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A grid of `w` × `h` metres whose cells are blocked where `wall(x, y)`
/// holds at the cell centre.
fn grid(w: f64, h: f64, dx: f64, wall: impl Fn(f64, f64) -> bool) -> NavGrid {
    let (nx, ny) = ((w / dx).round() as usize, (h / dx).round() as usize);
    let mut g = NavGrid::new(nx, ny, dx).expect("grid");
    for k in 0..g.len() {
        let (x, y) = g.cell_centre(k);
        if wall(x, y) {
            g.block(k);
        }
    }
    g.take_changes();
    g
}

/// A flat map of `w` × `h` metres (10 m terrain cells) on walker cells of
/// `dx` metres with `structures` drawn as a scenario draws them
/// (`scenario::walk`): the crowd's grid and the mask it came from.
fn walled(w: u32, h: u32, dx: f64, structures: Vec<Structure>) -> (NavGrid, WalkMask) {
    let map = MapSpec {
        size: (w / 10, h / 10),
        cell_m: 10.0,
        terrain: Terrain::Procedural { base_m: 0.0, features: vec![] },
        land_cover: LandCover { classes: vec![], default: String::new(), polygons: vec![] },
        rivers: vec![],
        roads: RoadNet { nodes: vec![], edges: vec![] },
        walk_cell_m: Some(dx),
        structures,
    };
    let t = TerrainGrid::build(&map, std::path::Path::new(".")).expect("flat terrain");
    let mask = WalkMask::build(&map, &t);
    (NavGrid::from_walk(&mask).expect("grid"), mask)
}

fn door(x: f64, y: f64, width_m: f64) -> Door {
    Door { at: (x, y), width_m }
}

/// Cells whose centre satisfies `pick`.
fn cells(g: &NavGrid, pick: impl Fn(f64, f64) -> bool) -> Vec<usize> {
    (0..g.len()).filter(|&k| pick(g.cell_centre(k).0, g.cell_centre(k).1)).collect()
}

fn unit(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// RiMEA test 1: one person walks a 2 m × 40 m corridor at 1.33 m/s; the
/// travel time must lie in 26–34 s (RiMEA's tolerance; 40/1.33 = 30.1 s).
#[test]
fn rimea_1_corridor_travel_time() {
    let g = grid(40.25, 2.0, 0.25, |_, _| false);
    let mut c = Crowd::new(g, CrowdParams::default());
    let goal = c.add_goal(&cells(c.grid(), |x, _| x > 40.0));
    c.add_agent(AgentSpec::new(0.0, 1.0, 1.33, goal)).expect("walker");
    let dt = 0.05;
    let mut t = 0.0;
    while c.agents.state[0] != AgentState::Arrived && t < 60.0 {
        c.step(dt);
        t += dt;
    }
    eprintln!("RiMEA 1: {t:.2} s");
    assert!((26.0..=34.0).contains(&t), "travel time {t} s");
}

/// Mean speed (m/s) of walkers initially in the middle third of a block
/// at density `rho` filling 60 m of a 10 m wide corridor, over t = 5–20 s,
/// and the density (1/m²) measured around them.
fn corridor_speed(rho: f64, seed: u64) -> (f64, f64) {
    let (len, width, block) = (140.0, 10.0, 60.0);
    let g = grid(len, width, 0.25, |_, _| false);
    let mut c = Crowd::new(g, CrowdParams::default());
    let goal = c.add_goal(&cells(c.grid(), |x, _| x > len - 0.5));
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // Hexagonal lattice at density rho, slightly jittered.
    let s = (2.0 / (3f64.sqrt() * rho)).sqrt();
    let row = s * 3f64.sqrt() / 2.0;
    let (rows, cols) = ((width / row).floor() as usize, (block / s).round() as usize);
    let y0 = (width - (rows as f64 - 1.0) * row) / 2.0;
    for a in 0..rows {
        for b in 0..cols {
            let x = 5.0 + (b as f64 + 0.5 * (a % 2) as f64) * s + 0.05 * s * (unit(&mut rng) - 0.5);
            let y = y0 + a as f64 * row + 0.05 * s * (unit(&mut rng) - 0.5);
            c.add_agent(AgentSpec::new(x, y, 1.34, goal)).expect("walker");
        }
    }
    let n = c.agents.len();
    let x_start: Vec<f64> = c.agents.x.clone();
    let middle: Vec<usize> = (0..n).filter(|&i| x_start[i] > 25.0 && x_start[i] < 45.0).collect();
    let dt = 0.1;
    let (mut v_sum, mut v_n, mut rho_sum, mut rho_n) = (0.0, 0usize, 0.0, 0usize);
    for k in 1..=200 {
        c.step(dt);
        if k > 50 {
            let xs: Vec<f64> = middle.iter().map(|&i| c.agents.x[i]).collect();
            v_sum += middle.iter().map(|&i| c.agents.vx[i]).sum::<f64>();
            v_n += middle.len();
            // Density in the 10 m slice around the middle group's centre.
            let xm = xs.iter().sum::<f64>() / xs.len() as f64;
            let inside = c.agents.x.iter().filter(|&&x| (x - xm).abs() < 5.0).count();
            rho_sum += inside as f64 / (10.0 * width);
            rho_n += 1;
        }
    }
    (v_sum / v_n as f64, rho_sum / rho_n as f64)
}

/// RiMEA test 4 (fundamental diagram): mean speed in a long corridor at
/// densities 0.5, 1, 2, 3 and 4 /m² within ±15 % of Weidmann (1993),
/// v = 1.34·[1 − exp(−1.913·(1/ρ − 1/5.4))], while the measured density
/// stays within ±10 % of the set one.
#[test]
fn rimea_4_fundamental_diagram() {
    for (k, rho) in [0.5, 1.0, 2.0, 3.0, 4.0].into_iter().enumerate() {
        let (v, measured) = corridor_speed(rho, 40 + k as u64);
        let want = weidmann_speed(1.34, rho);
        eprintln!(
            "RiMEA 4: rho {rho} (measured {measured:.3}) v {v:.3} Weidmann {want:.3} ({:+.1} %)",
            100.0 * (v / want - 1.0)
        );
        assert!((measured / rho - 1.0).abs() < 0.10, "density {measured} for {rho}");
        assert!((v / want - 1.0).abs() < 0.15, "rho {rho}: {v} m/s vs Weidmann {want} m/s");
    }
}

/// RiMEA test 6 (corner): 20 people spread over the first 6 m of a 2 m wide
/// corridor walk round a left corner into a second 2 m wide, 12 m leg. No
/// trajectory point may lie inside the wall (tolerance: none); all arrive
/// within 40 s (about 22 m at 1.2–1.4 m/s).
#[test]
fn rimea_6_corner() {
    let wall = |x: f64, y: f64| y > 2.0 && x < 10.0;
    let g = grid(12.0, 12.0, 0.25, wall);
    let mut c = Crowd::new(g, CrowdParams::default());
    let goal = c.add_goal(&cells(c.grid(), |_, y| y > 11.75));
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    for k in 0..20 {
        let (x, y) = (0.4 + 1.2 * (k / 4) as f64, 0.3 + 0.45 * (k % 4) as f64);
        c.add_agent(AgentSpec::new(x, y, 1.2 + 0.2 * unit(&mut rng), goal)).expect("walker");
    }
    let dt = 0.05;
    let mut t = 0.0;
    while c.count(AgentState::Arrived) < 20 && t < 40.0 {
        c.step(dt);
        t += dt;
        for i in 0..20 {
            let (x, y) = (c.agents.x[i], c.agents.y[i]);
            assert!(
                !wall(x, y) && (0.0..12.0).contains(&x) && (0.0..12.0).contains(&y),
                "walker {i} in the wall at ({x}, {y}), t = {t}"
            );
        }
    }
    eprintln!("RiMEA 6: all 20 round the corner in {t:.1} s");
    assert_eq!(c.count(AgentState::Arrived), 20, "after {t} s");
}

/// RiMEA test 7 (demographics): every free speed drawn for an age band lies
/// in that band's range of the RiMEA table (after Weidmann 1993), and 2 000
/// draws cover it: the extremes come within 2 % of the band width of its
/// ends and each tenth of the band holds at least 5 % of the draws
/// (uniform: 10 %).
#[test]
fn rimea_7_demographics() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for band in AgeBand::ALL {
        let (lo, hi) = band.range();
        let v: Vec<f64> = (0..2000).map(|_| band.sample(&mut rng)).collect();
        assert!(v.iter().all(|s| (lo..=hi).contains(s)), "{band:?}");
        let (min, max) = v.iter().fold((f64::MAX, f64::MIN), |(a, b), &s| (a.min(s), b.max(s)));
        assert!(min - lo < 0.02 * (hi - lo) && hi - max < 0.02 * (hi - lo), "{band:?}: {min}..{max}");
        let mut bins = [0usize; 10];
        for s in &v {
            bins[(((s - lo) / (hi - lo)) * 10.0).min(9.0) as usize] += 1;
        }
        assert!(bins.iter().all(|&b| b >= 100), "{band:?}: {bins:?}");
    }
    // Coarse groups land in their bands; children and the elderly are slower
    // on average than adults.
    let mean = |g: AgeGroup, rng: &mut ChaCha8Rng| (0..2000).map(|_| g.sample_speed(false, rng)).sum::<f64>() / 2000.0;
    let (child, adult, old) =
        (mean(AgeGroup::Child, &mut rng), mean(AgeGroup::Adult, &mut rng), mean(AgeGroup::Elderly, &mut rng));
    eprintln!("RiMEA 7: mean free speed child {child:.3}, adult {adult:.3}, elderly {old:.3} m/s");
    assert!(child < adult && old < adult);
    let impaired = AgeGroup::Adult.sample_speed(true, &mut rng);
    assert!((0.46..=0.76).contains(&impaired));
}

/// The bottleneck room of RiMEA test 12 / the brief: 150 people in a
/// 10 m × 10 m room leave by a door of `door` metres (a `Wall` 0.5 m thick
/// along x = 10–10.5 m with the door centred at y = 5 m, drawn by the
/// scenario's rules on walker cells of `dx` metres) into an open area, the
/// goal beyond x = 20 m. Also returns the door's width as the grid holds it.
fn bottleneck_room(width: f64, dx: f64, seed: u64) -> (Crowd, f64) {
    let wall = Structure::Wall {
        id: "w".into(),
        points: vec![(10.25, 0.0), (10.25, 10.0)],
        thickness_m: 0.5,
        doors: vec![door(10.25, 5.0, width)],
    };
    let (g, mask) = walled(30, 10, dx, vec![wall]);
    let column = (10.25 / dx) as usize;
    let open = (0..mask.ny).filter(|&j| mask.is_open(j * mask.nx + column)).count();
    let mut c = Crowd::new(g, CrowdParams::default());
    let goal = c.add_goal(&cells(c.grid(), |x, _| x > 20.0));
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for k in 0..150 {
        let (x, y) = (0.5 + 0.55 * (k / 15) as f64, 0.6 + 0.6 * (k % 15) as f64);
        let v0 = AgeBand::From30To50.sample(&mut rng);
        c.add_agent(AgentSpec::new(x + 0.1 * unit(&mut rng), y + 0.1 * unit(&mut rng), v0, goal)).expect("walker");
    }
    (c, open as f64 * dx)
}

fn bottleneck(steps: usize, seed: u64) -> (f64, f64, f64, Crowd) {
    let (mut c, _) = bottleneck_room(1.0, 0.25, seed);
    let dt = 0.05;
    let mut passed = Vec::new();
    let mut crossed = [false; 150];
    let (mut up, mut down) = (0.0f64, 0.0f64);
    for s in 1..=steps {
        c.step(dt);
        let mut n_up = 0;
        let mut n_down = 0;
        for i in 0..150 {
            let (x, y) = (c.agents.x[i], c.agents.y[i]);
            if !crossed[i] && x > 10.5 {
                crossed[i] = true;
                passed.push(s as f64 * dt);
            }
            if c.agents.state[i] == AgentState::Moving && (3.5..6.5).contains(&y) {
                n_up += (8.5..10.0).contains(&x) as usize;
                n_down += (10.5..12.0).contains(&x) as usize;
            }
        }
        up = up.max(n_up as f64 / 4.5);
        down = down.max(n_down as f64 / 4.5);
    }
    let flow = if passed.len() >= 140 { 130.0 / (passed[139] - passed[9]) } else { 0.0 };
    (flow, up, down, c)
}

/// RiMEA test 12 / bottleneck flow (four random starts): the specific flow through a 1 m door
/// lies between 1.0 and 1.9 1/(m·s) (the brief's band; measured door flows
/// are 1.2–1.9, Weidmann's capacity 1.22), and congestion forms only
/// upstream: peak density in a 1.5 m × 3 m box in front of the door at
/// least 2.5 /m², behind it at most 1.5 /m².
#[test]
fn rimea_12_bottleneck() {
    for seed in [12, 13, 14, 15] {
        let (flow, up, down, c) = bottleneck(3000, seed);
        let arrived = c.count(AgentState::Arrived);
        eprintln!(
            "RiMEA 12 (seed {seed}): specific flow {flow:.2} 1/(m·s), peak density upstream {up:.2}, downstream {down:.2} /m²; arrived {arrived}"
        );
        assert!((1.0..=1.9).contains(&flow), "specific flow {flow}");
        assert!(up >= 2.5, "no congestion in front of the door: {up}");
        assert!(down <= 1.5, "congestion behind the door: {down}");
        assert_eq!(arrived, 150);
    }
}

/// Specific flow (1/(m·s), between the 10th and the 140th passage) of 150
/// people leaving the bottleneck room above by a door of `door` metres in
/// a wall 0.5 m thick, on cells of `dx` metres (the door is a whole number
/// of cells: its width is what the grid holds).
fn door_flow(door: f64, dx: f64, seed: u64) -> f64 {
    let (mut c, width) = bottleneck_room(door, dx, seed);
    assert!((width - door).abs() < 1e-9, "a {door} m door holds {width} m on {dx} m cells");
    let dt = 0.05;
    let mut passed = Vec::new();
    let mut crossed = [false; 150];
    for s in 1..=4000 {
        c.step(dt);
        for i in 0..150 {
            // Past the wall on every cell size (0.2 m cells draw it to 10.6 m).
            if !crossed[i] && c.agents.x[i] > 10.75 {
                crossed[i] = true;
                passed.push(s as f64 * dt);
            }
        }
    }
    assert!(passed.len() >= 140, "only {} through a {door} m door", passed.len());
    130.0 / (passed[139] - passed[9]) / width
}

/// RiMEA test 12 at four door widths (0.2 m cells, two random starts each):
/// the specific flow lies in the band measured by Seyfried et al. (2009,
/// "New insights into pedestrian flow through bottlenecks", Transportation
/// Science 43(3): about 1.9 1/(m·s) for 0.8–1.2 m, roughly independent of
/// the width; band taken 1.5–2.2), and flow is proportional to width: every
/// width's specific flow within 15 % of the four widths' mean.
#[test]
fn door_flow_is_proportional_to_width() {
    let widths = [0.8, 1.0, 1.6, 2.4];
    let flows: Vec<f64> = widths.iter().map(|&w| (door_flow(w, 0.2, 12) + door_flow(w, 0.2, 13)) / 2.0).collect();
    let mean = flows.iter().sum::<f64>() / flows.len() as f64;
    for (w, f) in widths.iter().zip(&flows) {
        eprintln!("door {w} m: specific flow {f:.3} 1/(m·s) ({:+.1} % of the mean)", 100.0 * (f / mean - 1.0));
        assert!((1.5..=2.2).contains(f), "{w} m door: specific flow {f}");
        assert!((f / mean - 1.0).abs() <= 0.15, "{w} m door: {f} against a mean of {mean}");
    }
}

/// The same room on 0.25 m and on 0.5 m cells (doors of 1 m and 2 m, which
/// both grids hold exactly; three random starts): the specific flow differs
/// by at most 10 % (of the 0.25 m result).
#[test]
fn door_flow_is_insensitive_to_the_cell_size() {
    for door in [1.0, 2.0] {
        let mean = |dx| [12, 13, 14].iter().map(|&s| door_flow(door, dx, s)).sum::<f64>() / 3.0;
        let (fine, coarse) = (mean(0.25), mean(0.5));
        eprintln!("door {door} m: {fine:.3} on 0.25 m cells, {coarse:.3} on 0.5 m cells");
        assert!((coarse / fine - 1.0).abs() <= 0.10, "{door} m door: {fine} vs {coarse}");
    }
}

/// A goal smaller than one step is not jumped over (no tolerance): on
/// 0.5 m cells with the drill's 1 s step, walkers of 1.3–1.6 m/s set off
/// from 30 places round a one-cell goal and all arrive within 60 s, each
/// standing in the goal cell.
#[test]
fn a_goal_smaller_than_a_step_is_reached() {
    let g = grid(40.0, 40.0, 0.5, |_, _| false);
    let mut c = Crowd::new(g, CrowdParams::default());
    let target = c.grid().cell_at(20.1, 20.1).unwrap();
    let goal = c.add_goal(&[target]);
    for k in 0..30 {
        let a = k as f64 * std::f64::consts::TAU / 30.0;
        let r = 5.0 + 0.37 * k as f64;
        let spec = AgentSpec::new(20.0 + r * libm::cos(a), 20.0 + r * libm::sin(a), 1.3 + 0.01 * k as f64, goal);
        c.add_agent(spec).expect("walker");
    }
    let mut landed = [false; 30];
    for _ in 0..60 {
        c.step(1.0);
        for &i in c.arrivals() {
            landed[i as usize] = c.grid().cell_at(c.agents.x[i as usize], c.agents.y[i as usize]) == Some(target);
        }
    }
    assert_eq!(c.count(AgentState::Arrived), 30);
    assert!(landed.iter().all(|&l| l), "every arrival stands in the goal cell");
}

/// RiMEA test 9: 1,000 people spread evenly over a 30 m × 20 m room
/// (a `Building` whose walls lie outside those 30 × 20 m) leave by four
/// 1 m doors, two at each end of both short walls; then by the two of
/// the west wall only. Returns the time the last one is out (s).
fn rimea_9_room(doors: usize, seed: u64) -> f64 {
    let mut ds = vec![door(9.75, 11.0, 1.0), door(9.75, 29.0, 1.0)];
    if doors == 4 {
        ds.extend([door(40.25, 11.0, 1.0), door(40.25, 29.0, 1.0)]);
    }
    let outline = vec![(9.75, 9.75), (40.25, 9.75), (40.25, 30.25), (9.75, 30.25)];
    let room = Structure::Building { id: "hall".into(), name: None, outline, wall_m: 0.3, doors: ds };
    let (g, _) = walled(50, 40, 0.5, vec![room]);
    let mut c = Crowd::new(g, CrowdParams::default());
    let goal = c.add_goal(&cells(c.grid(), |x, y| !(9.0..41.0).contains(&x) || !(9.0..31.0).contains(&y)));
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // 40 × 25 places 0.75 m × 0.8 m apart, jittered, inside 10–40 × 10–30 m.
    for k in 0..1000 {
        let (x, y) = (10.375 + 0.75 * (k % 40) as f64, 10.4 + 0.8 * (k / 40) as f64);
        let v0 = AgeBand::From30To50.sample(&mut rng);
        let (jx, jy) = (0.2 * (unit(&mut rng) - 0.5), 0.2 * (unit(&mut rng) - 0.5));
        c.add_agent(AgentSpec::new(x + jx, y + jy, v0, goal)).expect("walker");
    }
    let dt = 0.1;
    let mut t = 0.0;
    while c.count(AgentState::Arrived) < 1000 && t < 2000.0 {
        c.step(dt);
        t += dt;
    }
    assert_eq!(
        c.count(AgentState::Arrived),
        1000,
        "everyone out of the room with {doors} doors by {t:.0} s: {} moving, {} without a route",
        c.count(AgentState::Moving),
        c.count(AgentState::NoRoute)
    );
    t
}

/// RiMEA test 9 (RiMEA Guideline v3, test 9: "the evacuation time with two
/// exits closed should roughly double"): the time for 1,000 people to leave
/// by two doors over the time by four lies in 1.7–2.3 (tolerance ±15 % on
/// the factor 2), on two random starts.
#[test]
fn rimea_9_two_exits_double_the_time() {
    for seed in [9, 10] {
        let (four, two) = (rimea_9_room(4, seed), rimea_9_room(2, seed));
        eprintln!("RiMEA 9 (seed {seed}): 4 doors {four:.1} s, 2 doors {two:.1} s, ratio {:.2}", two / four);
        assert!((1.7..=2.3).contains(&(two / four)), "ratio {} ({four} s vs {two} s)", two / four);
    }
}

/// No walker is stuck where a route exists: a block of 3 × 3 rooms (each a
/// `Building` 8 m × 8 m with one to three doors of 0.8–1.6 m on random
/// sides, one room in three without a door) in a 40 m × 40 m yard, 30
/// walkers a room, on 0.5 m and 0.25 m cells, ten random layouts each.
/// Every walker whose start connects to the yard's edge (the mask's own
/// components) gets out within 600 s; every other one reports `NoRoute`
/// and never leaves its room.
#[test]
fn no_walker_is_stuck_where_a_route_exists() {
    for dx in [0.5, 0.25] {
        for seed in 0..10u64 {
            let mut rng = ChaCha8Rng::seed_from_u64(900 + seed);
            let mut rooms = Vec::new();
            let mut shut = Vec::new();
            for r in 0..9 {
                let (x0, y0) = (6.0 + 10.0 * (r % 3) as f64, 6.0 + 10.0 * (r / 3) as f64);
                let outline = vec![(x0, y0), (x0 + 8.0, y0), (x0 + 8.0, y0 + 8.0), (x0, y0 + 8.0)];
                let n = if unit(&mut rng) < 0.33 { 0 } else { 1 + (unit(&mut rng) * 3.0) as usize };
                let doors: Vec<Door> = (0..n)
                    .map(|_| {
                        let along = 1.5 + 5.0 * unit(&mut rng);
                        let width = 0.8 + 0.8 * unit(&mut rng);
                        match (unit(&mut rng) * 4.0) as usize {
                            0 => door(x0 + along, y0, width),
                            1 => door(x0 + 8.0, y0 + along, width),
                            2 => door(x0 + along, y0 + 8.0, width),
                            _ => door(x0, y0 + along, width),
                        }
                    })
                    .collect();
                if n == 0 {
                    shut.push((x0, y0));
                }
                rooms.push(Structure::Building { id: format!("room{r}"), name: None, outline, wall_m: 0.3, doors });
            }
            let (g, mask) = walled(40, 40, dx, rooms);
            let label = mask.components();
            let edge = label[mask.cell_of((0.2, 0.2)).unwrap()];
            let mut c = Crowd::new(g, CrowdParams::default());
            let goal = c.add_goal(&cells(c.grid(), |x, y| x.min(y) < 1.0 || x.max(y) > 39.0));
            let mut connected = Vec::new();
            for r in 0..9 {
                let (x0, y0) = (6.0 + 10.0 * (r % 3) as f64, 6.0 + 10.0 * (r / 3) as f64);
                for _ in 0..30 {
                    let (x, y) = (x0 + 1.0 + 6.0 * unit(&mut rng), y0 + 1.0 + 6.0 * unit(&mut rng));
                    let k = mask.cell_of((x, y)).unwrap();
                    connected.push(mask.is_open(k) && label[k] == edge);
                    c.add_agent(AgentSpec::new(x, y, 0.8 + 0.6 * unit(&mut rng), goal)).expect("walker");
                }
            }
            let mut t = 0.0;
            while t < 600.0 && c.count(AgentState::Moving) > 0 {
                c.step(0.1);
                t += 0.1;
            }
            for (i, &ok) in connected.iter().enumerate() {
                let state = c.agents.state[i];
                let (x, y) = (c.agents.x[i], c.agents.y[i]);
                if ok {
                    assert_eq!(
                        state,
                        AgentState::Arrived,
                        "cells {dx} m, layout {seed}: walker {i} at ({x:.2}, {y:.2})"
                    );
                } else {
                    assert_eq!(state, AgentState::NoRoute, "walker {i} shut in has no route");
                    assert!(
                        shut.iter().any(|&(x0, y0)| (x0..x0 + 8.0).contains(&x) && (y0..y0 + 8.0).contains(&y)),
                        "a shut-in walker left its room: ({x}, {y})"
                    );
                }
            }
            assert!(connected.iter().filter(|&&c| c).count() >= 90, "most rooms have doors");
        }
    }
}

/// A 30 m × 30 m room (0.5 m cells) with random obstacles (about 12 % of
/// the cells), a walled 4 m × 4 m pocket in the middle, shelters along the
/// east and the north walls, and `n` walkers on random open cells.
fn obstacle_room(n: usize, seed: u64) -> Crowd {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let pocket_wall = |x: f64, y: f64| {
        let (ax, ay) = ((x - 15.0).abs(), (y - 15.0).abs());
        ax.max(ay) > 2.0 && ax.max(ay) < 2.5
    };
    let mut g = grid(30.0, 30.0, 0.5, pocket_wall);
    for k in 0..g.len() {
        let (x, y) = g.cell_centre(k);
        let in_pocket = (x - 15.0).abs() < 2.5 && (y - 15.0).abs() < 2.5;
        if !in_pocket && x < 29.0 && y < 29.0 && unit(&mut rng) < 0.12 {
            g.block(k);
        }
    }
    g.take_changes();
    let mut c = Crowd::new(g, CrowdParams::default());
    let east = c.add_goal(&cells(c.grid(), |x, _| x > 29.5));
    let north = c.add_goal(&cells(c.grid(), |_, y| y > 29.5));
    while c.agents.len() < n {
        let k = (unit(&mut rng) * c.grid().len() as f64) as usize;
        let (x, y) = c.grid().cell_centre(k);
        if c.grid().is_walkable(k) && x < 29.0 && y < 29.0 {
            let goal = if c.agents.len().is_multiple_of(2) { east } else { north };
            let (jx, jy) = (0.3 * (unit(&mut rng) - 0.5), 0.3 * (unit(&mut rng) - 0.5));
            c.add_agent(AgentSpec::new(x + jx, y + jy, 1.0 + 0.5 * unit(&mut rng), goal)).expect("walker");
        }
    }
    c
}

/// The kernel's wall rule (no tolerance): in a room with random obstacles
/// where deep water then rises over a band of cells and over random cells
/// (some under people), no walker ever moves into a blocked cell; those
/// the water reaches where they stand stop with `NoRoute`; walkers in a
/// walled pocket, cut off from both shelters, report `NoRoute` at once and
/// never leave it; everyone else reaches a shelter.
#[test]
fn no_walker_enters_a_blocked_cell() {
    let mut c = obstacle_room(400, 5);
    let mut rng = ChaCha8Rng::seed_from_u64(55);
    let in_pocket = |x: f64, y: f64| (x - 15.0).abs() < 2.0 && (y - 15.0).abs() < 2.0;
    let pocket: Vec<usize> = (0..400).filter(|&i| in_pocket(c.agents.x[i], c.agents.y[i])).collect();
    assert!(pocket.len() >= 3, "some walkers start in the pocket");
    let dt = 0.1;
    for s in 1..=3000 {
        if s == 100 {
            // Deep water over a band (x 10–11 m, y < 22 m) …
            for k in cells(c.grid(), |x, y| (10.0..11.0).contains(&x) && y < 22.0) {
                c.grid_mut().block(k);
            }
        }
        if s == 200 {
            // … and over 3 % of the cells, walkers or not.
            for k in 0..c.grid().len() {
                if unit(&mut rng) < 0.03 {
                    c.grid_mut().block(k);
                }
            }
        }
        let before: Vec<Option<usize>> = (0..400).map(|i| c.grid().cell_at(c.agents.x[i], c.agents.y[i])).collect();
        c.step(dt);
        for i in 0..400 {
            let k = c.grid().cell_at(c.agents.x[i], c.agents.y[i]).expect("on the grid");
            assert!(
                c.grid().is_walkable(k) || before[i] == Some(k),
                "walker {i} walked into blocked cell {k} (step {s})"
            );
            if !c.grid().is_walkable(k) && c.agents.state[i] != AgentState::Arrived {
                assert_eq!(c.agents.state[i], AgentState::NoRoute, "walker {i} stranded in water");
            }
        }
        if s > 200 && c.count(AgentState::Moving) == 0 {
            break;
        }
        if s == 1 {
            assert!(pocket.iter().all(|&i| c.agents.state[i] == AgentState::NoRoute), "pocket walkers have no route");
        }
        assert!(pocket.iter().all(|&i| in_pocket(c.agents.x[i], c.agents.y[i])), "a walker left the pocket");
    }
    let mut stuck = 0;
    for i in 0..400 {
        match c.agents.state[i] {
            AgentState::Arrived => {}
            AgentState::NoRoute => {
                let k = c.grid().cell_at(c.agents.x[i], c.agents.y[i]).unwrap();
                let g = c.agents.goal[i] as usize;
                assert!(
                    !c.grid().is_walkable(k) || !c.field(g).expect("goal").reachable(k),
                    "walker {i} stopped with a route"
                );
                stuck += 1;
            }
            s => {
                panic!("walker {i} still {s:?} at ({}, {})", c.agents.x[i], c.agents.y[i])
            }
        }
    }
    eprintln!("blocked cells: {} arrived, {stuck} without a route ({} in the pocket)", 400 - stuck, pocket.len());
}

/// Determinism (DESIGN.md principle 2; tolerance: bit for bit): the same
/// crowd stepped on 1 and on 2 rayon threads ends with identical positions,
/// velocities and states.
#[test]
fn same_bits_for_any_thread_count() {
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let mut c = obstacle_room(3000, 9);
        pool.install(|| {
            for _ in 0..150 {
                c.step(0.1);
            }
        });
        c
    };
    let (a, b) = (run(1), run(2));
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<u64>>();
    assert!(a.agents.state.iter().filter(|&&s| s == AgentState::Moving).count() > 1000, "still a crowd");
    assert_eq!(bits(&a.agents.x), bits(&b.agents.x));
    assert_eq!(bits(&a.agents.y), bits(&b.agents.y));
    assert_eq!(bits(&a.agents.vx), bits(&b.agents.vx));
    assert_eq!(a.agents.state, b.agents.state);
}

/// Township scale (the drill's 20 m terrain grid; tolerance ±10 %): on a
/// 3 km × 3 km grid of 20 m cells with a river across it, bridged once,
/// 100 walkers (v₀ 1.0–1.4 m/s, dt = 1 s like the drill's tick) walk from
/// the west bank to a shelter in the north-east corner. Each must arrive
/// after the route length (the flow field's value at its start cell) over
/// v₀, within ±10 %; none ever stands in the river; all cross the bridge.
#[test]
fn township_scale_20_m_cells() {
    let river = |x: f64, y: f64| (1480.0..1520.0).contains(&x) && !(400.0..440.0).contains(&y);
    let g = grid(3000.0, 3000.0, 20.0, river);
    let mut c = Crowd::new(g, CrowdParams::default());
    let goal = c.add_goal(&cells(c.grid(), |x, y| x > 2900.0 && y > 2900.0));
    let mut rng = ChaCha8Rng::seed_from_u64(20);
    let mut expect = Vec::new();
    for _ in 0..100 {
        let (x, y) = (50.0 + 1000.0 * unit(&mut rng), 500.0 + 2000.0 * unit(&mut rng));
        let v0 = 1.0 + 0.4 * unit(&mut rng);
        let k = c.grid().cell_at(x, y).expect("on the grid");
        let route = c.field(goal).expect("goal").time(k) as f64;
        assert!(route > 3000.0, "the route goes round by the bridge: {route} m");
        expect.push(route / v0);
        c.add_agent(AgentSpec::new(x, y, v0, goal)).expect("walker");
    }
    let mut arrived_at = vec![f64::NAN; 100];
    let mut crossed_at_bridge = [false; 100];
    let mut t = 0.0;
    while t < 6000.0 && c.count(AgentState::Arrived) < 100 {
        c.step(1.0);
        t += 1.0;
        for &i in c.arrivals() {
            arrived_at[i as usize] = t;
        }
        for i in 0..100 {
            let (x, y) = c.position(i).expect("walker");
            assert!(!river(x, y), "walker {i} in the river at ({x}, {y})");
            if (1480.0..1520.0).contains(&x) {
                crossed_at_bridge[i] |= (400.0..440.0).contains(&y);
            }
        }
    }
    let ratios: Vec<f64> = (0..100).map(|i| arrived_at[i] / expect[i]).collect();
    let (lo, hi) = ratios.iter().fold((f64::MAX, f64::MIN), |(a, b), &r| (a.min(r), b.max(r)));
    eprintln!("20 m cells: all arrived by {t} s; travel time / (route / v0) in {lo:.3}..{hi:.3}");
    assert!(ratios.iter().all(|r| (0.9..=1.1).contains(r)), "{ratios:?}");
    assert!(crossed_at_bridge.iter().all(|&b| b), "everyone crosses by the bridge");
}

/// Arrivals (the kernel's contract; exact): every walker that reaches its
/// goal is reported once, in the step it arrives, in ascending index order;
/// a walker sent on to another goal walks on and is reported again there.
#[test]
fn arrivals_are_reported_once_in_index_order() {
    let g = grid(20.0, 6.0, 0.25, |_, _| false);
    let mut c = Crowd::new(g, CrowdParams::default());
    let east = c.add_goal(&cells(c.grid(), |x, _| x > 19.5));
    let west = c.add_goal(&cells(c.grid(), |x, _| x < 0.5));
    for k in 0..30 {
        let (x, y) = (2.0 + 0.5 * (k % 10) as f64, 1.0 + 1.5 * (k / 10) as f64);
        c.add_agent(AgentSpec::new(x, y, 1.0 + 0.01 * k as f64, east)).expect("walker");
    }
    let mut seen = vec![0; 30];
    for _ in 0..600 {
        c.step(0.1);
        let a = c.arrivals();
        assert!(a.windows(2).all(|w| w[0] < w[1]), "ascending: {a:?}");
        for &i in a {
            seen[i as usize] += 1;
            assert_eq!(c.state(i as usize), Some(AgentState::Arrived));
        }
    }
    assert!(seen.iter().all(|&n| n == 1), "{seen:?}");
    assert!(c.set_goal(0, west) && !c.set_goal(0, 7) && !c.set_goal(99, west));
    assert_eq!(c.state(0), Some(AgentState::Moving));
    let mut t = 0.0;
    while c.state(0) != Some(AgentState::Arrived) && t < 40.0 {
        c.step(0.1);
        t += 0.1;
    }
    let (x, _) = c.position(0).expect("walker");
    eprintln!("arrivals: 30 once each; walker 0 sent back west arrives at x = {x:.2} after {t:.1} s");
    assert!(x < 0.5, "at the west goal");
}

/// Walk factor (smoke, shallow water; exact by construction, tolerance
/// ±5 % for the discrete arrival): halving every cell's walk factor
/// doubles the RiMEA 1 corridor time (30.1 s → 60.2 s) and leaves the
/// flow field (the route) unchanged.
#[test]
fn walk_factor_slows_without_rerouting() {
    let g = grid(40.25, 2.0, 0.25, |_, _| false);
    let mut c = Crowd::new(g, CrowdParams::default());
    let goal = c.add_goal(&cells(c.grid(), |x, _| x > 40.0));
    let before: Vec<f32> = c.field(goal).expect("goal").times().to_vec();
    for k in 0..c.grid().len() {
        c.grid_mut().set_walk_factor(k, 0.5);
    }
    c.add_agent(AgentSpec::new(0.0, 1.0, 1.33, goal)).expect("walker");
    let mut t = 0.0f64;
    while c.state(0) != Some(AgentState::Arrived) && t < 120.0 {
        c.step(0.05);
        t += 0.05;
    }
    eprintln!("walk factor 0.5: corridor in {t:.2} s");
    assert!((t / 60.2 - 1.0).abs() < 0.05, "{t} s");
    assert_eq!(c.field(goal).expect("goal").times(), &before[..]);
}

/// Bad input never panics (the kernel's contract): impossible grids are
/// refused, walkers with unknown goals or non-finite numbers are refused,
/// a bad time step does nothing, out-of-grid cells are ignored, and a
/// walker whose goal index is made invalid, or who stands off the grid,
/// stops with `NoRoute`.
#[test]
fn bad_input_is_refused_without_panics() {
    assert!(NavGrid::new(0, 5, 1.0).is_none());
    assert!(NavGrid::new(5, 5, f64::NAN).is_none());
    assert!(NavGrid::new(5, 5, -1.0).is_none());
    assert!(NavGrid::new(usize::MAX, 2, 1.0).is_none());
    let g = grid(10.0, 10.0, 0.5, |_, _| false);
    let bad = CrowdParams { sense_radius: f64::NAN, time_gap: -3.0, squeeze: 7.0, ..CrowdParams::default() };
    let mut c = Crowd::new(g, bad);
    assert!(c.params().sense_radius > 0.0 && c.params().squeeze <= 1.0);
    let goal = c.add_goal(&[0, 1, usize::MAX]);
    assert!(c.add_agent(AgentSpec::new(5.0, 5.0, 1.3, 3)).is_none());
    assert!(c.add_agent(AgentSpec::new(f64::NAN, 5.0, 1.3, goal)).is_none());
    assert!(c.add_agent(AgentSpec::new(5.0, 5.0, f64::INFINITY, goal)).is_none());
    let a = c.add_agent(AgentSpec::new(5.0, 5.0, 1.3, goal)).expect("walker");
    let b = c.add_agent(AgentSpec::new(50.0, -5.0, 1.3, goal)).expect("walker off the grid");
    let d = c.add_agent(AgentSpec::new(6.0, 6.0, -1.0, goal)).expect("walker");
    c.agents.goal[a] = 42;
    c.grid_mut().set_speed_factor(usize::MAX, 0.0);
    c.grid_mut().set_walk_factor(usize::MAX, 0.0);
    c.set_blocked(10_000, true);
    for dt in [f64::NAN, -1.0, 0.0, f64::INFINITY] {
        c.step(dt);
    }
    assert_eq!(c.position(a), Some((5.0, 5.0)), "bad steps do nothing");
    c.step(0.1);
    assert_eq!(c.state(a), Some(AgentState::NoRoute));
    assert_eq!(c.state(b), Some(AgentState::NoRoute));
    assert_eq!(c.position(d), Some((6.0, 6.0)), "a negative speed counts as 0");
    assert_eq!(c.position(99), None);
    assert!(!c.set_state(99, AgentState::Moving));
}

/// RiMEA test 7 on a drill: every resident of the Qingshi fire drill walks
/// at a free speed inside the RiMEA band of the group drawn for them —
/// mobility-impaired (vulnerable) residents in 0.46–0.76 m/s, everyone else
/// in 0.58–1.61 m/s — and the drill's walkers are the kernel's walkers
/// (one per resident, same speed). Exact bounds (uniform draws in bands).
#[test]
fn rimea_7_on_the_qingshi_residents() {
    use firstline::headless::{RunOptions, build_app};
    use firstline::sim::crowd::Residents;
    use firstline::sim::events::EventLog;
    let loaded = firstline::scenario::load(std::path::Path::new("scenarios/qingshi_fire.ron")).expect("scenario");
    let drill = firstline::sim::Drill::new(&loaded, 3);
    let app = build_app(drill.clone(), &RunOptions::default(), EventLog::new(&drill.log_header(), None));
    let r = app.world().resource::<Residents>();
    assert!(r.people.len() > 2000);
    assert_eq!(r.crowd.agents.len(), r.people.len());
    for (i, p) in r.people.iter().enumerate() {
        let (lo, hi) = if p.vulnerable { AgeBand::MobilityImpaired.range() } else { (0.58, 1.61) };
        assert!((lo..=hi).contains(&p.v0), "resident {i}: {} m/s (vulnerable {})", p.v0, p.vulnerable);
        assert_eq!(r.crowd.agents.v0[i], p.v0);
    }
    assert!(r.people.iter().any(|p| p.vulnerable));
    assert!(r.people.iter().any(|p| p.v0 < 0.7) && r.people.iter().any(|p| p.v0 > 1.5));
}

/// Driving (`crowd::driving`) in a drill: in the Qingshi fire drill some
/// households leave by car; every car household living more than 300 s'
/// walk from its shelter gets there sooner after leaving than the fastest
/// walker could cover the straight line (1.61 m/s, the top of the RiMEA
/// bands); households without a car walk (none beats that bound).
#[test]
fn households_with_a_car_drive_and_get_there_sooner_than_anyone_walks() {
    use firstline::headless::{self, RunOptions};
    use std::collections::BTreeMap;
    let loaded = firstline::scenario::load(std::path::Path::new("scenarios/qingshi_fire.ron")).expect("scenario");
    let drill = firstline::sim::Drill::new(&loaded, loaded.scenario.meta.seed);
    let homes: BTreeMap<&str, ((f64, f64), bool)> =
        drill.households.iter().map(|(_, h)| (h.id.as_str(), (h.at, h.vehicle))).collect();
    let shelters: BTreeMap<&str, (f64, f64)> =
        loaded.scenario.villages.iter().flat_map(|v| v.shelters.iter()).map(|s| (s.id.as_str(), s.at)).collect();
    let out = headless::run(&loaded, &RunOptions::default(), &mut |_, _| {}).expect("run");
    // Households that left in one go (escorted members leaving later are left out).
    use firstline::sim::events::{SimEvent, TravelMode};
    let mut departures: BTreeMap<String, Vec<(u64, TravelMode)>> = BTreeMap::new();
    for e in &out.events {
        if let SimEvent::HouseholdDeparted { household, by, .. } = &e.event {
            departures.entry(household.to_string()).or_default().push((e.t, *by));
        }
    }
    let left: BTreeMap<String, (u64, TravelMode)> =
        departures.into_iter().filter(|(_, d)| d.len() == 1).map(|(h, mut d)| (h, d.remove(0))).collect();
    let cars = left.values().filter(|(_, by)| *by == TravelMode::Car).count();
    assert!(cars > 10, "{cars} households drove");
    let (mut checked_car, mut checked_foot) = (0, 0);
    for e in &out.events {
        let SimEvent::ResidentSafe { household, shelter, .. } = &e.event else { continue };
        let hh = household.as_str();
        let Some((t0, by)) = left.get(hh) else { continue };
        let (home, vehicle) = homes[hh];
        let shelter = shelters[shelter.as_str()];
        let walk_bound = ((home.0 - shelter.0).hypot(home.1 - shelter.1)) / 1.61;
        let took = (e.t - t0) as f64;
        if *by == TravelMode::Car {
            assert!(vehicle, "{hh} drove without a car");
            if walk_bound < 300.0 {
                continue;
            }
            assert!(took < walk_bound, "{hh}: {took} s by car, walking takes at least {walk_bound} s");
            checked_car += 1;
        } else if !vehicle && walk_bound > 300.0 {
            assert!(took >= walk_bound - 1.0, "{hh}: {took} s on foot, faster than {walk_bound} s");
            checked_foot += 1;
        }
    }
    assert!(checked_car > 10 && checked_foot > 10, "{checked_car} by car, {checked_foot} on foot checked");
}

/// A `PeopleCrossing` gauge counts people across its line. A line right
/// across the small example's map between the village (x ≤ 260 m) and its
/// one shelter (x = 450 m): everyone who reaches the shelter has crossed it
/// west to east once more than back (exactly, whatever the route), and the
/// gauge's reading is the crossings both ways.
#[test]
fn a_crossing_gauge_counts_the_people_across_its_line() {
    use firstline::headless::{self, RunOptions};
    use firstline::scenario::schema::{Gauge, GaugeKind};
    use firstline::sim::events::SimEvent;
    let mut loaded = firstline::scenario::load(std::path::Path::new("scenarios/example_small.ron")).unwrap();
    let line = Gauge {
        id: "across".into(),
        name: None,
        kind: GaugeKind::PeopleCrossing { from: (350.0, 0.0), to: (350.0, 400.0) },
        every_s: 60,
    };
    loaded.scenario.gauges.push(line);
    let drill = firstline::sim::Drill::new(&loaded, loaded.scenario.meta.seed);
    assert!(drill.households.iter().all(|(_, h)| h.at.0 < 350.0));
    assert!(loaded.scenario.villages.iter().flat_map(|v| &v.shelters).all(|s| s.at.0 > 350.0));
    let out = headless::run(&loaded, &RunOptions::default(), &mut |_, _| {}).unwrap();
    let safe = out.events.iter().filter(|e| matches!(e.event, SimEvent::ResidentSafe { .. })).count();
    assert!(safe > 20, "{safe} safe");
    let series = &out.report.gauges.iter().find(|g| g.id == "across").unwrap().samples;
    assert_eq!(series.first().unwrap().1, 0.0, "nobody has crossed at the start");
    assert!(series.windows(2).all(|w| w[1].1 >= w[0].1), "a running count");
    let total = series.last().unwrap().1;
    assert!(total >= safe as f64 && (total - safe as f64) % 2.0 == 0.0, "{total} crossings for {safe} safe");
    // Each way: looking from (350, 0) to (350, 400) — north — the right is
    // east, so walking east to west is `forward`; the village lies west of
    // the line, so the net count is minus the people who got to the shelter.
    let g = out.report.gauges.iter().find(|g| g.id == "across").unwrap();
    assert_eq!(g.crossings.len(), g.samples.len(), "one count per sample");
    let last = g.crossings.last().unwrap();
    assert_eq!(last.backward - last.forward, safe as u64, "{last:?}");
    assert_eq!(last.net, -(safe as i64));
    assert_eq!((last.forward + last.backward) as f64, total);
    // The per-interval counts add up to the cumulative one.
    assert_eq!(g.crossings.iter().map(|c| c.in_interval).sum::<u64>(), last.forward + last.backward);
    assert!(g.crossings.iter().filter(|c| c.in_interval > 0).count() > 1, "people cross over several intervals");
}
