//! `crowd_step`: one step of the pedestrian kernel with 50 000 walkers on a
//! 3 km × 3 km township (600 × 600 cells of 5 m): twelve villages of houses
//! and lanes, a river with four bridges, four shelters. The crowd is first
//! walked for 30 s so that queues form on the way to the shelters; every
//! measured iteration of `township_50k` steps a fresh copy of that state by
//! 0.5 s, `township_50k_warm` steps one crowd on and on as a drill does
//! (put back at 30 s every 10 s of walking, outside the timing).
//! `room_5k` is the room `tools/peers` runs JuPedSim in: 5,000 walkers on
//! distinct points of a 0.5 m lattice in a 100 m × 100 m hall on 1 m
//! cells, leaving by a 4 m door in the east wall down a 20 m corridor; each
//! iteration steps a fresh copy of the crowd walked for 10 s by 0.5 s.
//! `room_5k_jam` is the same room 2 minutes on, when most of the crowd
//! stands in the queue at the door (about 5 people a square metre, near
//! 100 index entries read per walker: the regime a drill's shelters and
//! bridges spend most of the kernel's time in).
//! Throughput is in walker-steps.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use firstline::sim::crowd::kernel::{AgentSpec, AgentState, Crowd, CrowdParams};
use firstline::sim::crowd::navgrid::NavGrid;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const N: usize = 600;
const DX: f64 = 5.0;
const WALKERS: usize = 50_000;

fn unit(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// Route time from cell `k` to goal `g`.
fn time(c: &Crowd, g: usize, k: usize) -> f32 {
    c.field(g).map_or(f32::INFINITY, |f| f.time(k))
}

fn township() -> Crowd {
    let mut rng = ChaCha8Rng::seed_from_u64(2024);
    let mut g = NavGrid::new(N, N, DX).expect("grid");
    let villages: Vec<(f64, f64)> =
        (0..12).map(|_| (300.0 + 2400.0 * unit(&mut rng), 300.0 + 2400.0 * unit(&mut rng))).collect();
    for k in 0..g.len() {
        let (x, y) = g.cell_centre(k);
        let (i, j) = g.coords(k);
        // A river meandering south to north, bridged every 750 m.
        let river = 1500.0 + 200.0 * libm::sin(y / 300.0);
        let bridge = (y % 750.0) < 10.0;
        let in_river = (x - river).abs() < 8.0 && !bridge;
        // Houses on blocks between lanes (every fourth row and column open).
        let near_village = villages.iter().any(|&(vx, vy)| (x - vx).powi(2) + (y - vy).powi(2) < 250.0f64.powi(2));
        let house = near_village && i % 4 != 0 && j % 4 != 0 && unit(&mut rng) < 0.45;
        if in_river || house {
            g.block(k);
        }
    }
    g.take_changes();
    let mut c = Crowd::new(g, CrowdParams::default());
    let shelters = [(700.0, 700.0), (2300.0, 800.0), (800.0, 2300.0), (2200.0, 2200.0)];
    for &(sx, sy) in &shelters {
        let cells: Vec<usize> = (0..c.grid().len())
            .filter(|&k| {
                let (x, y) = c.grid().cell_centre(k);
                (x - sx).abs() < 10.0 && (y - sy).abs() < 10.0
            })
            .collect();
        for &k in &cells {
            c.grid_mut().set_speed_factor(k, 1.0);
        }
        c.add_goal(&cells);
    }
    while c.agents.len() < WALKERS {
        let (vx, vy) = villages[c.agents.len() % villages.len()];
        let (r, a) = (250.0 * unit(&mut rng).sqrt(), std::f64::consts::TAU * unit(&mut rng));
        let (x, y) = (vx + r * libm::cos(a), vy + r * libm::sin(a));
        let Some(k) = c.grid().cell_at(x, y).filter(|&k| c.grid().is_walkable(k)) else { continue };
        let goal = (0..c.goal_count())
            .filter(|&s| c.field(s).is_some_and(|f| f.reachable(k)))
            .min_by(|&a, &b| time(&c, a, k).total_cmp(&time(&c, b, k)));
        if let Some(goal) = goal {
            c.add_agent(AgentSpec::new(x, y, 0.9 + 0.6 * unit(&mut rng), goal)).expect("walker");
        }
    }
    for _ in 0..60 {
        c.step(0.5);
    }
    c
}

/// The peers' room (see the module doc; `tools/peers/jupedsim_room.py`
/// builds the same one).
const ROOM_WALKERS: usize = 5_000;

fn room(seconds: f64) -> Crowd {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut g = NavGrid::new(120, 100, 1.0).expect("grid");
    for k in 0..g.len() {
        let (x, y) = g.cell_centre(k);
        // The east wall, with the door at y 48–52; the corridor's walls.
        let wall = (100.0..101.0).contains(&x) && !(48.0..52.0).contains(&y);
        let outside = x > 101.0 && !(48.0..52.0).contains(&y);
        if wall || outside {
            g.block(k);
        }
    }
    g.take_changes();
    let mut c = Crowd::new(g, CrowdParams::default());
    let exit: Vec<usize> = (0..c.grid().len()).filter(|&k| c.grid().cell_centre(k).0 > 115.0).collect();
    let goal = c.add_goal(&exit);
    // Distinct points of a 0.5 m lattice 1–99 m across (a partial shuffle).
    let mut lattice: Vec<(f64, f64)> =
        (0..197 * 197).map(|k| (1.0 + 0.5 * (k / 197) as f64, 1.0 + 0.5 * (k % 197) as f64)).collect();
    for i in 0..ROOM_WALKERS {
        let j = i + (rng.next_u64() % (lattice.len() - i) as u64) as usize;
        lattice.swap(i, j);
        let (x, y) = lattice[i];
        c.add_agent(AgentSpec::new(x, y, 1.2 + 0.3 * unit(&mut rng), goal)).expect("walker");
    }
    for _ in 0..(seconds / 0.5) as usize {
        c.step(0.5);
    }
    c
}

fn bench(cr: &mut Criterion) {
    let c = township();
    assert!(c.count(AgentState::Moving) > WALKERS * 9 / 10, "still walking: {}", c.count(AgentState::Moving));
    let mut g = cr.benchmark_group("crowd_step");
    g.throughput(Throughput::Elements(WALKERS as u64));
    g.bench_function("township_50k", |b| b.iter_batched_ref(|| c.clone(), |c| c.step(0.5), BatchSize::LargeInput));
    // The same crowd stepped on and on, as in a drill: the kernel's scratch
    // buffers are warm (a fresh copy allocates them in its first step).
    // Every 20 steps (10 s) the walkers are put back where they stood at
    // 30 s (`clone_from` keeps the buffers), outside the timing, so every
    // sample steps the same stretch of the evacuation however many
    // iterations criterion chooses.
    let mut warm = c.clone();
    let mut since = 0;
    g.bench_function("township_50k_warm", |b| {
        b.iter_custom(|iters| {
            let mut spent = std::time::Duration::ZERO;
            for _ in 0..iters {
                if since == 20 {
                    warm.agents.clone_from(&c.agents);
                    since = 0;
                }
                let t = std::time::Instant::now();
                warm.step(0.5);
                spent += t.elapsed();
                since += 1;
            }
            spent
        })
    });
    g.finish();
    let r = room(10.0);
    assert!(r.count(AgentState::Moving) > ROOM_WALKERS * 9 / 10, "in the room: {}", r.count(AgentState::Moving));
    let mut g = cr.benchmark_group("crowd_step");
    g.throughput(Throughput::Elements(ROOM_WALKERS as u64));
    g.bench_function("room_5k", |b| b.iter_batched_ref(|| r.clone(), |c| c.step(0.5), BatchSize::LargeInput));
    let jam = room(120.0);
    let queued = jam.count(AgentState::Moving);
    assert!(queued > ROOM_WALKERS / 2, "in the room after 2 minutes: {queued}");
    g.throughput(Throughput::Elements(queued as u64));
    g.bench_function("room_5k_jam", |b| b.iter_batched_ref(|| jam.clone(), |c| c.step(0.5), BatchSize::LargeInput));
    g.finish();
    assert!(warm.count(AgentState::Moving) > WALKERS * 8 / 10, "still walking: {}", warm.count(AgentState::Moving));
}

criterion_group!(benches, bench);
criterion_main!(benches);
