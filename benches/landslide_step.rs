//! `landslide_step`: one physics step (1/50 s) of 5,000 debris bodies in
//! contact with each other, sliding down a 30° plane of 2 m heightfield
//! cells (μ 0.3, so they keep moving for the whole measurement). Throughput
//! is in body-steps.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use firstline::sim::landslide::runout::{Runout, RunoutParams};

fn bench(c: &mut Criterion) {
    let (nx, ny, dx) = (2000usize, 80usize, 2.0);
    let th = 30f64.to_radians();
    let elev: Vec<f64> = (0..nx * ny).map(|k| (nx as f64 * dx - (k % nx) as f64 * dx) * th.tan()).collect();
    let mut r = Runout::new(nx, ny, dx, &elev, RunoutParams { mu: 0.3, ..Default::default() });
    let cells: Vec<usize> = (20..45).flat_map(|j| (10..60).map(move |i| j * nx + i)).collect();
    r.release(&cells, &elev, 25_000.0, 5000);
    assert_eq!(r.len(), 5000);
    for _ in 0..50 {
        r.step();
    }
    let mut g = c.benchmark_group("landslide_step");
    g.throughput(Throughput::Elements(r.len() as u64));
    g.sample_size(20);
    g.bench_function("5000_bodies", |b| b.iter(|| r.step()));
    g.finish();
    assert!(r.max_speed() > 1.0, "still sliding at the end");
}

criterion_group!(benches, bench);
criterion_main!(benches);
