//! Whole-drill benchmark: the headless runner over a drill, with every role
//! played by its plan follower. Reports drill seconds per second of wall
//! time through criterion's throughput: the small example whole, the
//! Qingshi flood drill's first hour, and the first 10 minutes of the
//! township at scale (`benches/scenarios/township_20k.ron`: 512 × 512 cells
//! of 20 m, 19,749 residents; written by `tools/gen_township_20k.py`). Its
//! whole first two hours, with the wall time split by model, are
//! `firstline run benches/scenarios/township_20k.ron --until 7200 --profile`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use firstline::headless::{self, RunOptions};
use std::path::Path;

fn drills(c: &mut Criterion) {
    // As `firstline run` does: the drill's thread is one of rayon's.
    headless::work_on_this_thread();
    let mut g = c.benchmark_group("drill");
    g.sample_size(10);
    for (file, until) in [
        ("scenarios/example_small.ron", None),
        ("scenarios/qingshi_flood.ron", Some(3600)),
        ("benches/scenarios/township_20k.ron", Some(600)),
    ] {
        let loaded = firstline::scenario::load(Path::new(file)).unwrap();
        let name = loaded.scenario.meta.id.clone();
        let secs = until.unwrap_or(loaded.scenario.meta.duration_s) as u64;
        g.throughput(Throughput::Elements(secs));
        let opts = RunOptions { until_s: until, ..Default::default() };
        g.bench_function(&name, |b| b.iter(|| headless::run(&loaded, &opts, &mut |_, _| {}).unwrap()));
    }
    g.finish();
}

criterion_group!(benches, drills);
criterion_main!(benches);
