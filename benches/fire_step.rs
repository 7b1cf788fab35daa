//! `fire_step`: one second of fire on a 512 × 512 grid of 10 m cells of
//! mixed fuels (grass, chaparral, litter and rough in bands) with a long
//! front (a 5 km line lit and run for 20 minutes first), 8 m/s wind,
//! spotting on; and one 10 s smoke update of the same grid. Each sample
//! steps a fresh copy of the same state.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use firstline::scenario::fuel::{FuelModel, by_code};
use firstline::sim::fire::front::{FireGrid, Weather};
use firstline::sim::fire::smoke::Smoke;
use firstline::sim::fire::surface::Moisture;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn bench(c: &mut Criterion) {
    let n = 512usize;
    let codes = ["GR2", "FM4", "FM9", "FM7"];
    let fuel: Vec<Option<&'static FuelModel>> = (0..n * n).map(|k| by_code(codes[(k / n / 64) % 4])).collect();
    let elev: Vec<f64> = (0..n * n).map(|k| 0.05 * (k % n) as f64 * 10.0).collect();
    let mut g = FireGrid::new(n, n, 10.0, elev, &fuel);
    g.spotting = true;
    let w = Weather {
        wind_10m: 8.0,
        wind_toward: 0.0,
        moisture: Moisture { one_h: 0.06, ten_h: 0.07, hundred_h: 0.08, live_herb: 0.6, live_woody: 0.9 },
    };
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    for j in 0..n {
        g.ignite(j * n + 10, 0.0);
    }
    for _ in 0..1200 {
        g.step(1.0, &w, &mut rng);
    }
    let burning: Vec<usize> = g.burning().collect();
    assert!(burning.len() > 500, "a long front ({} cells burning)", burning.len());
    let mut grp = c.benchmark_group("fire_step");
    grp.throughput(Throughput::Elements((n * n) as u64));
    grp.bench_function("spread_512x512_1s", |b| {
        b.iter_batched(|| (g.clone(), rng.clone()), |(mut g, mut r)| g.step(1.0, &w, &mut r), BatchSize::LargeInput)
    });
    let mut smoke = Smoke::new(n, n, 10.0);
    let sources: Vec<(usize, f64)> = burning.iter().map(|&k| (k, 0.05)).collect();
    grp.sample_size(20);
    grp.bench_function("smoke_512x512_10s", |b| b.iter(|| smoke.step(10.0, 8.0, 0.0, &sources)));
    grp.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
