//! `flood_step`: the flood kernel on a 512 × 512 grid of 5 m cells, a
//! sloping valley with a river, more than half the cells wet — the
//! local-inertial scheme as drills run it (θ = 0.8), Bates et al.'s θ = 1,
//! and the Godunov solver (one step = two Heun stages). Throughput is in cell-updates (cells × steps).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use firstline::sim::flood::kernel::{Edge, Params, Shallow};

fn valley() -> Shallow {
    let (n, dx) = (512usize, 5.0);
    let bed: Vec<f64> = (0..n * n)
        .map(|k| {
            let (x, y) = ((k % n) as f64 * dx, (k / n) as f64 * dx);
            let d = (x - 1280.0 - 80.0 * (y / 300.0).sin()).abs();
            0.002 * y + 0.000004 * d * d - if d < 15.0 { 2.0 } else { 0.0 }
        })
        .collect();
    let mut m = Shallow::new(n, n, dx, bed, &vec![0.04; n * n]);
    m.edges[2] = Edge::FreeOutflow { slope: 0.002 };
    for k in 0..n * n {
        m.h[k] = (3.2 + 0.002 * (k / n) as f64 * dx * 0.5 - m.z[k]).max(0.0);
    }
    m
}

fn bench(c: &mut Criterion) {
    let mut m = valley();
    let wet = m.h.iter().filter(|&&h| h > 0.0).count();
    assert!(wet * 2 > m.h.len(), "at least half the cells wet ({wet})");
    let cells = m.h.len() as u64;
    let mut g = c.benchmark_group("flood_step");
    g.throughput(Throughput::Elements(cells));
    let dt = m.stable_dt();
    g.bench_function("step_512x512", |b| b.iter(|| m.step(dt)));
    // Bates et al.'s undamped θ = 1 (no side faces to weigh), at the same step.
    let mut m = valley();
    m.params = Params::bates();
    g.bench_function("bates_step_512x512", |b| b.iter(|| m.step(dt)));
    let mut m = valley();
    m.params = Params::godunov();
    let dt = m.stable_dt();
    g.bench_function("godunov_step_512x512", |b| b.iter(|| m.step(dt)));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
