//! The classroom on loopback: a class of 30 — a host with the 30 roles of
//! the Qingshi flood drill for a class (`scenarios/qingshi_flood_class.ron`)
//! each at a trainee seat, and 2 screens — and the same with the township
//! at scale (`benches/scenarios/township_20k.ron`: 512 × 512 cells, 19,749
//! residents, the same 30 roles), at ×60 (one drill second
//! per host frame at 60 frames a second). Criterion times one host frame
//! (the drill's second, the orders heard, every seat's update packed and
//! sent); the bench also prints the bytes each connection received per
//! wall second at 60 frames a second, and the time from a seat's order
//! request to its line in the log, in host frames.

use bevy::prelude::*;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use firstline::net::host::{Away, Host, HostSetup};
use firstline::net::protocol::SeatKind;
use firstline::net::seat::Remote;
use std::path::Path;
use std::time::Duration;

const CONNECTIONS: usize = 32;

fn classroom(c: &mut Criterion) {
    for file in ["scenarios/qingshi_flood_class.ron", "benches/scenarios/township_20k.ron"] {
        classroom_on(c, file);
    }
}

fn classroom_on(c: &mut Criterion, file: &str) {
    let loaded = firstline::scenario::load(Path::new(file)).unwrap();
    let name = loaded.scenario.meta.id.clone();
    let dir = tempfile::tempdir().unwrap();
    let mut seats: Vec<SeatKind> = loaded.scenario.roles.iter().map(|r| SeatKind::Role(r.id.clone())).collect();
    let roles = seats.len();
    assert_eq!(roles, 30, "a class of 30");
    seats.resize(CONNECTIONS, SeatKind::Screen);
    let setup = HostSetup {
        seats,
        away: Away::Hold,
        speed: 0,
        seed: None,
        log: dir.path().join("bench.log.jsonl"),
        report: None,
        inputs: vec![],
        sim_every: Duration::from_millis(500),
    };
    let host = Host::start(&loaded, setup).unwrap();
    let codes: Vec<String> = host.seats.iter().map(|s| s.code().to_owned()).collect();
    let (mut h, addr) = firstline::net::host_app(host, "127.0.0.1:0".parse().unwrap()).unwrap();
    let mut apps: Vec<App> = codes.iter().map(|c| firstline::net::seat_app(addr, c)).collect();
    let pump = |h: &mut App, apps: &mut [App]| {
        h.update();
        for a in apps.iter_mut() {
            a.update();
        }
    };
    for _ in 0..3000 {
        pump(&mut h, &mut apps);
        if apps.iter().all(|a| a.world().resource::<Remote>().updates > 0) {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!(!h.world().resource::<Host>().waiting, "not every seat joined");
    // Bytes per connection over 600 frames of one drill second each (10 s
    // of wall time at ×60 and 60 frames a second): the ordered updates per
    // drill second, and the situation's snapshots (sent every 0.5 s of wall
    // time, so 2 a second whatever the pace).
    let count = |apps: &[App]| -> Vec<(u64, u64, u64)> {
        apps.iter()
            .map(|a| {
                let r = a.world().resource::<Remote>();
                (r.bytes - r.snapshot_bytes, r.snapshot_bytes, r.snapshots)
            })
            .collect()
    };
    let before = count(&apps);
    let t0 = std::time::Instant::now();
    for _ in 0..600 {
        h.world_mut().resource_mut::<Host>().advance(1);
        pump(&mut h, &mut apps);
    }
    let wall = t0.elapsed();
    let after = count(&apps);
    let delta: Vec<(u64, u64, u64)> =
        after.iter().zip(&before).map(|(a, b)| (a.0 - b.0, a.1 - b.1, a.2 - b.2)).collect();
    assert!(delta.iter().all(|d| d.2 > 0), "every connection saw the situation: {delta:?}");
    let (trainee, screen) = delta.split_at(roles);
    let rate = |v: &[(u64, u64, u64)]| {
        let n = v.len().max(1) as f64;
        let updates = v.iter().map(|x| x.0).sum::<u64>() as f64 / n / 600.0 * 60.0;
        let snap = v.iter().map(|x| x.1).sum::<u64>() as f64 / v.iter().map(|x| x.2).sum::<u64>().max(1) as f64;
        (updates, snap, updates + 2.0 * snap)
    };
    for (what, v) in [("trainee seat", trainee), ("screen", screen)] {
        let (u, s, total) = rate(v);
        println!(
            "classroom {name}: each {what} ({}): updates {u:.0} B/s at ×60, snapshots {s:.0} B each, {total:.0} B/s in all",
            v.len()
        );
    }
    println!(
        "classroom {name}: 600 host frames with {} apps stepped in this process took {:.2} s",
        CONNECTIONS + 1,
        wall.as_secs_f64()
    );
    // Order to log: frames until the seat's order is in the log.
    let director = loaded.scenario.roles.iter().position(|r| r.id == "office_director").unwrap();
    apps[director].world_mut().resource_mut::<Remote>().order(firstline::scenario::schema::Action::SendReport {
        kind: firstline::scenario::schema::ReportKind::FollowUp,
    });
    let n0 = h.world().resource::<Host>().session().unwrap().events().len();
    let mut frames = 0;
    let t1 = std::time::Instant::now();
    while frames < 1000 {
        frames += 1;
        pump(&mut h, &mut apps);
        h.world_mut().resource_mut::<Host>().advance(1);
        let ev = h.world().resource::<Host>().session().unwrap().events();
        if ev[n0..].iter().any(|e| {
            matches!(
                e.event,
                firstline::sim::events::SimEvent::OrderGiven { .. }
                    | firstline::sim::events::SimEvent::OrderRefused { .. }
            )
        }) {
            break;
        }
    }
    println!(
        "classroom {name}: an order request reached the log after {frames} host frames ({:.1} ms here)",
        t1.elapsed().as_secs_f64() * 1e3
    );
    let mut g = c.benchmark_group("classroom");
    g.sample_size(20);
    g.throughput(Throughput::Elements(CONNECTIONS as u64));
    g.bench_function(format!("host_frame_30_seats_2_screens_x60/{name}"), |b| {
        b.iter(|| {
            h.world_mut().resource_mut::<Host>().advance(1);
            h.update();
        })
    });
    g.finish();
    for a in apps.iter_mut() {
        a.update();
    }
}

criterion_group!(benches, classroom);
criterion_main!(benches);
