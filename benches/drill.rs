//! Whole-drill benchmark: the headless runner over a complete drill, with
//! every role played by its plan follower. Reports drill seconds per second
//! of wall time through criterion's throughput.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use firstline::headless::{self, RunOptions};
use std::path::Path;

fn drills(c: &mut Criterion) {
    let mut g = c.benchmark_group("drill");
    g.sample_size(10);
    for (name, until) in [("example_small", None), ("qingshi_flood", Some(3600))] {
        let loaded = firstline::scenario::load(Path::new(&format!("scenarios/{name}.ron"))).unwrap();
        let secs = until.unwrap_or(loaded.scenario.meta.duration_s) as u64;
        g.throughput(Throughput::Elements(secs));
        let opts = RunOptions { until_s: until, ..Default::default() };
        g.bench_function(name, |b| b.iter(|| headless::run(&loaded, &opts, &mut |_, _| {}).unwrap()));
    }
    g.finish();
}

criterion_group!(benches, drills);
criterion_main!(benches);
