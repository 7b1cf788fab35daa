//! Landslide runout kernel against analytic cases, and the Qingshi
//! landslide drill end to end (precursors, patrols, release, harm, scoring).

use firstline::headless::{self, RunOptions};
use firstline::roles::plans::{Competence, NpcRoles};
use firstline::scenario::schema::Level;
use firstline::sim::events::{Event, HarmOutcome, HazardCause, SimEvent};
use firstline::sim::landslide::runout::{Runout, RunoutParams};
use firstline::sim::orders::Seat;
use std::path::Path;

/// A profile extruded across y: a plane of angle `slope_deg` down to x = 300 m,
/// a circular arc of radius 150 m, then flat ground. Cells of 2 m.
fn slope_then_flat(slope_deg: f64) -> (usize, usize, f64, Vec<f64>) {
    let (nx, ny, dx) = (500usize, 40usize, 2.0);
    (nx, ny, dx, profile(nx, ny, dx, slope_deg))
}

/// The elevation of `slope_then_flat`'s profile on `nx × ny` cells of `dx`.
fn profile(nx: usize, ny: usize, dx: f64, slope_deg: f64) -> Vec<f64> {
    let th = slope_deg.to_radians();
    let (r, xa) = (150.0, 300.0);
    let xb = xa + r * th.sin();
    let za = r * (1.0 - th.cos());
    (0..nx * ny)
        .map(|k| {
            let x = ((k % nx) as f64 + 0.5) * dx;
            if x < xa {
                za + (xa - x) * th.tan()
            } else if x < xb {
                let u = xb - x;
                r - (r * r - u * u).sqrt()
            } else {
                0.0
            }
        })
        .collect()
}

fn block(nx: usize, i0: usize, j0: usize, n: usize) -> Vec<usize> {
    (j0..j0 + n).flat_map(|j| (i0..i0 + n).map(move |i| j * nx + i)).collect()
}

/// Energy-line test (AvaFrame's com1DFA energy line; Heim's sliding-block
/// model): a mass sliding with Coulomb friction μ from rest to rest loses
/// μ·g per metre of horizontal travel, so the centre of mass stops at
/// H/L = μ. Bodies released on a plane slope run onto flat ground; the test
/// requires H/L within 10% of μ. The turn at the slope foot adds friction
/// from the centripetal load (N = m(g cos θ + v²κ)), a known excess of about
/// 2μΔθ(1 − μ/tan θ) in H/L for a sliding mass: the slopes are chosen so it
/// stays below 5% (25° for μ = 0.4, 17° for μ = 0.25); steeper faces run
/// shorter than the energy line for that reason, not by numerical loss.
#[test]
fn energy_line_centre_of_mass_stops_at_h_over_l_equal_mu() {
    for (mu, slope) in [(0.4, 25.0), (0.25, 17.0)] {
        let (nx, ny, dx, elev) = slope_then_flat(slope);
        let mut r = Runout::new(nx, ny, dx, &elev, RunoutParams { mu, ..Default::default() });
        r.release(&block(nx, 10, 15, 10), &elev, 2000.0, 100);
        assert!(r.run_to_rest(300.0), "μ {mu}: still moving after 300 s");
        let ((cx, cy, cz), (sx, sy, sz)) = r.centre_of_mass();
        let (h, l) = (sz - cz, ((cx - sx).powi(2) + (cy - sy).powi(2)).sqrt());
        let err = (h / l - mu) / mu;
        assert!(err.abs() < 0.10, "μ {mu} on {slope}°: H/L {:.4} ({:+.1}%)", h / l, 100.0 * err);
    }
}

/// A block on an inclined plane: s = ½·g(sin θ − μ cos θ)·t² (Newton, with
/// Coulomb friction); 5 s of sliding within 1% in distance and speed. With
/// μ = 0 this checks that the heightfield's internal edges do not brake it.
#[test]
fn sliding_on_a_plane_follows_coulomb_friction() {
    for (mu, deg) in [(0.0, 25.0), (0.4, 25.0), (0.25, 17.0)] {
        let th = f64::to_radians(deg);
        let (nx, ny, dx) = (600usize, 20usize, 2.0);
        let elev: Vec<f64> = (0..nx * ny).map(|k| (1200.0 - ((k % nx) as f64 + 0.5) * dx) * th.tan()).collect();
        let mut r = Runout::new(nx, ny, dx, &elev, RunoutParams { mu, ..Default::default() });
        r.release(&[10 * nx + 5], &elev, 5.0, 1);
        let p0 = r.bodies()[0].0;
        while r.time_s < 5.0 - 1e-9 {
            r.step();
        }
        let (p, v) = r.bodies()[0];
        let s = ((p.0 - p0.0).powi(2) + (p.2 - p0.2).powi(2)).sqrt();
        let a = 9.81 * (th.sin() - mu * th.cos());
        let (s_exp, v_exp) = (0.5 * a * r.time_s.powi(2), a * r.time_s);
        assert!((s - s_exp).abs() / s_exp < 0.01, "μ {mu}: s {s:.3} vs {s_exp:.3}");
        assert!((v - v_exp).abs() / v_exp < 0.01, "μ {mu}: v {v:.3} vs {v_exp:.3}");
    }
}

/// The deposit carries the released volume (bilinear spreading conserves it
/// to rounding), and a body on ground flatter than atan μ does not move.
#[test]
fn deposit_conserves_volume_and_gentle_ground_holds_the_debris() {
    let (nx, ny, dx, elev) = slope_then_flat(25.0);
    let mut r = Runout::new(nx, ny, dx, &elev, RunoutParams { mu: 0.4, ..Default::default() });
    r.release(&block(nx, 10, 15, 5), &elev, 750.0, 25);
    r.run_to_rest(300.0);
    let vol: f64 = r.deposit().iter().sum::<f64>() * dx * dx;
    assert!((vol - 750.0).abs() < 1e-6 * 750.0, "{vol}");
    // 10° < atan 0.4 = 21.8°: static friction holds.
    let (nx, ny, dx, elev) = slope_then_flat(10.0);
    let mut r = Runout::new(nx, ny, dx, &elev, RunoutParams { mu: 0.4, ..Default::default() });
    r.release(&block(nx, 10, 15, 3), &elev, 90.0, 9);
    r.run_to_rest(60.0);
    let ((cx, _, _), (sx, _, _)) = r.centre_of_mass();
    assert!((cx - sx).abs() < 0.5, "moved {} m", cx - sx);
}

/// Same terrain and release ⇒ bit-identical deposit (rapier with
/// enhanced-determinism, fixed step, no parallel feature).
#[test]
fn runout_is_bit_repeatable() {
    let run = || {
        let (nx, ny, dx, elev) = slope_then_flat(30.0);
        let mut r = Runout::new(nx, ny, dx, &elev, RunoutParams { mu: 0.3, ..Default::default() });
        r.release(&block(nx, 10, 15, 6), &elev, 1500.0, 144);
        r.run_to_rest(200.0);
        r.deposit().iter().map(|d| d.to_bits()).collect::<Vec<u64>>()
    };
    assert_eq!(run(), run());
}

/// The first event `want` picks (panics naming nothing found).
fn find(events: &[Event], want: impl Fn(&SimEvent) -> bool) -> &Event {
    events.iter().find(|e| want(&e.event)).expect("the event was logged")
}

fn landslide() -> firstline::scenario::Loaded {
    firstline::scenario::load(Path::new("scenarios/qingshi_landslide.ron")).unwrap()
}

/// Nobody patrols, so nobody sees the cracks: the slope lets go at 2 h onto
/// a village still at home.
#[test]
fn nobody_acting_leaves_houshan_under_the_slide() {
    let out =
        headless::run(&landslide(), &RunOptions { npc: NpcRoles::None, ..Default::default() }, &mut |_, _| {}).unwrap();
    let released = out.events.iter().find(|e| matches!(e.event, SimEvent::LandslideReleased { .. })).expect("released");
    assert_eq!(released.t, 7200);
    assert!(matches!(released.event, SimEvent::LandslideReleased { cause: HazardCause::Scripted, .. }));
    assert!(out.events.iter().any(|e| matches!(e.event, SimEvent::LandslideSettled { .. })));
    assert!(out.events.iter().any(|e| matches!(e.event, SimEvent::PrecursorVisible { .. })));
    assert!(out.events.iter().all(|e| !matches!(e.event, SimEvent::PrecursorObserved { .. })));
    let destroyed = out.events.iter().filter(|e| matches!(e.event, SimEvent::HouseDestroyed { .. })).count();
    assert!(destroyed > 30, "{destroyed} houses destroyed");
    let dead = out
        .events
        .iter()
        .filter(|e| matches!(e.event, SimEvent::ResidentHarmed { outcome: HarmOutcome::Dead, .. }))
        .count();
    assert!(dead > 50, "{dead} dead");
    assert!(out.events.iter().any(|e| matches!(e.event, SimEvent::RoadBlocked { .. })));
    let debris = &out.report.gauges.iter().find(|g| g.id == "hs_centre_debris").unwrap().samples;
    assert!(debris.iter().all(|(t, d)| *t >= 7200 || *d == 0.0), "debris before the release");
    // The village's gauges read the deposit.
    for id in ["houshan_debris", "hs_centre_debris"] {
        let g = &out.report.gauges.iter().find(|g| g.id == id).unwrap().samples;
        let max = g.iter().map(|s| s.1).fold(0.0, f64::max);
        assert!(max > 0.5, "{id} reads {max} m at most");
    }
    assert_eq!(out.report.scoring.level, Level::Fail);
}

/// The patrol sees the cracks an hour ahead; perfect followers warn and
/// evacuate Houshan in time and certify 优秀; poor ones score far below.
#[test]
fn a_patrol_that_reports_the_cracks_saves_the_village() {
    let run = |competence| {
        headless::run(&landslide(), &RunOptions { competence, ..Default::default() }, &mut |_, _| {}).unwrap()
    };
    let perfect = run(Competence::Perfect);
    let seen = perfect
        .events
        .iter()
        .find(|e| matches!(e.event, SimEvent::PrecursorObserved { .. }))
        .expect("the patrol sees the cracks");
    assert!(seen.t < 7200 - 3000, "seen at {} s", seen.t);
    let metric = |o: &headless::Outcome, id: &str| {
        o.report.scoring.metrics.iter().find(|m| m.id == id).and_then(|m| m.value).unwrap_or(f64::NAN)
    };
    assert_eq!(metric(&perfect, "casualties"), 0.0);
    assert!(metric(&perfect, "evacuated_in_time") > 0.95);
    assert!(perfect.report.scoring.score >= 90.0, "{}", perfect.report.scoring.score);
    assert_eq!(perfect.report.scoring.level, Level::Excellent);
    let poor = run(Competence::Poor);
    assert!(poor.report.scoring.score + 20.0 < perfect.report.scoring.score, "{}", poor.report.scoring.score);
    assert!(poor.report.scoring.level < Level::Excellent);
}

/// The landslide drill run twice gives identical debris depth (and log).
#[test]
fn landslide_drill_is_repeatable() {
    let run = || {
        let o = RunOptions { until_s: Some(7400), npc: NpcRoles::None, ..Default::default() };
        headless::run(&landslide(), &o, &mut |_, _| {}).unwrap()
    };
    let (a, b) = (run(), run());
    let depth = |o: &headless::Outcome| o.report.gauges.iter().map(|g| g.samples.clone()).collect::<Vec<_>>();
    assert_eq!(depth(&a), depth(&b));
    assert_eq!(a.report.event_log_sha256, b.report.event_log_sha256);
    assert!(depth(&a).iter().flatten().any(|(_, d)| *d > 0.0), "debris reached a gauge");
}

/// A team with an excavator sent to clear the road under the debris opens
/// it again once it has moved the debris on it (rate × time ≥ volume).
#[test]
fn a_clearing_team_reopens_the_blocked_road() {
    use firstline::scenario::schema::{Action, Place, Task};
    let commands = vec![
        Seat::instructor().order(60, Action::TriggerLandslide),
        Seat::trainee("rescue_leader").order(
            300,
            Action::Dispatch { force: "town_team".into(), to: Place::Node("e3".into()), task: Task::ClearRoad },
        ),
    ];
    let opts = RunOptions { npc: NpcRoles::None, commands, ..Default::default() };
    let out = headless::run(&landslide(), &opts, &mut |_, _| {}).unwrap();
    let blocked = find(&out.events, |e| matches!(e, SimEvent::RoadBlocked { road, .. } if road == "hs_lane"));
    let cleared = find(&out.events, |e| matches!(e, SimEvent::RoadCleared { road, .. } if road == "hs_lane"));
    let on_scene = find(&out.events, |e| matches!(e, SimEvent::ForceOnScene { .. }));
    // 60 m³/h × 4 with the excavator: the work takes volume / 240 h after arrival.
    let SimEvent::RoadCleared { volume_m3: volume, .. } = cleared.event else { unreachable!() };
    let hours = (cleared.t - on_scene.t.max(blocked.t)) as f64 / 3600.0;
    assert!((hours - volume / 240.0).abs() < 0.05 + 2.0 / 3600.0, "{hours} h for {volume} m³");
}

/// Damming (a deposit queued in `BedChanges`, laid by `flood::lay_bed`): a river of 2 m³/s in a 200 m channel runs
/// out freely; a 3 m debris dam across it (laid on the flood bed) stops the
/// outflow, and while the lake behind fills, the water stored grows at the
/// inflow rate (mass balance of the flood kernel; tolerance 1 % of the
/// inflow volume); once the lake reaches the dam's crest it spills over and
/// flows out again. The water present when the dam was laid is kept.
#[test]
fn a_debris_dam_backs_the_river_up_until_it_overtops() {
    use firstline::sim::bed::BedChanges;
    use firstline::sim::flood::kernel::{Edge, Shallow};
    use firstline::sim::flood::lay_bed;
    let (nx, ny, dx) = (40, 3, 5.0);
    let bed: Vec<f64> = (0..nx * ny).map(|k| 0.002 * (nx - k % nx) as f64 * dx).collect();
    let mut m = Shallow::new(nx, ny, dx, bed, &vec![0.035; nx * ny]);
    m.edges = [Edge::Closed, Edge::FreeOutflow { slope: 0.002 }, Edge::Closed, Edge::Closed];
    let q = 2.0;
    for j in 0..ny {
        m.source[j * nx] = q / ny as f64 / (dx * dx);
    }
    m.advance(3600.0);
    let out_rate = |m: &mut Shallow, secs: f64| {
        let before = m.balance.boundary_out;
        m.advance(secs);
        (m.balance.boundary_out - before) / secs
    };
    let free = out_rate(&mut m, 600.0);
    assert!((free - q).abs() < 0.02 * q, "steady river: {free} m³/s out");
    let v0 = m.volume();
    let depth: Vec<f64> = (0..nx * ny).map(|k| if (24..28).contains(&(k % nx)) { 3.0 } else { 0.0 }).collect();
    let mut bed = BedChanges::default();
    bed.lay(&depth);
    let laid = lay_bed(&mut m, &bed.take());
    assert!(bed.pending.is_empty());
    assert_eq!(laid, 3.0 * 4.0 * 3.0 * dx * dx);
    assert!((m.volume() - v0).abs() < 1e-9 * v0, "the water is kept when the dam is laid");
    // The water beyond the dam drains away in the first minutes; then the dam holds.
    m.advance(600.0);
    let held = out_rate(&mut m, 600.0);
    assert!(held < 0.01 * q, "{held} m³/s past the dam");
    let stored = m.volume();
    m.advance(600.0);
    let gain = (m.volume() - stored) / 600.0;
    assert!((gain - q).abs() < 0.01 * q, "the lake fills at {gain} m³/s");
    let crest = m.z[24];
    let mut t = 0.0;
    while m.z[20] + m.h[20] < crest && t < 40_000.0 {
        m.advance(600.0);
        t += 600.0;
    }
    m.advance(7200.0);
    let spill = out_rate(&mut m, 600.0);
    assert!(spill > 0.5 * q, "overtopping: {spill} m³/s out after {t} s");
}

/// Re-routing: the Houshan team walks from the village centre to the
/// square (531 m on foot at 1.4 m/s after a 300 s turn-out). Undisturbed it
/// gets there; when the instructor sets the slide off while it is on the
/// lane, the debris cuts the lane under way: the team turns back to the
/// last junction it passed (the centre) and, with the other lane out of
/// the village buried too, waits there cut off instead of walking through.
#[test]
fn a_force_whose_road_is_cut_on_the_way_turns_back() {
    use firstline::scenario::schema::{Action, Place, Task};
    use firstline::sim::orders::Command;
    let dispatch = Seat::trainee("head_houshan").order(
        10,
        Action::Dispatch { force: "hs_team".into(), to: Place::Node("hs_square".into()), task: Task::Standby },
    );
    let run = |commands: Vec<Command>| {
        let opts = RunOptions { npc: NpcRoles::None, until_s: Some(1500), commands, ..Default::default() };
        headless::run(&landslide(), &opts, &mut |_, _| {}).unwrap()
    };
    let calm = run(vec![dispatch.clone()]);
    let on_scene = find(&calm.events, |e| matches!(e, SimEvent::ForceOnScene { .. }));
    assert!(on_scene.t > 310 + 379, "{} s", on_scene.t);
    assert!(calm.events.iter().all(|e| !matches!(e.event, SimEvent::ForceRerouted { .. })));
    let slide = Seat::instructor().order(400, Action::TriggerLandslide);
    let cut = run(vec![dispatch, slide]);
    let blocked = find(&cut.events, |e| matches!(e, SimEvent::RoadBlocked { road, .. } if road == "hs_sq_rd"));
    let back = find(&cut.events, |e| matches!(e, SimEvent::ForceRerouted { .. }));
    assert!(back.t >= blocked.t && back.t <= blocked.t + 1, "blocked at {}, turned at {}", blocked.t, back.t);
    let SimEvent::ForceRerouted { at, cut: road, .. } = &back.event else { unreachable!() };
    assert_eq!((at.as_str(), road.as_str()), ("hs_center", "hs_sq_rd"));
    assert!(
        cut.events.iter().all(|e| !matches!(e.event, SimEvent::ForceOnScene { .. })),
        "nobody walks through the debris"
    );
}

/// The profile of `slope_then_flat` (a plane down to x = 300 m, an arc of
/// 150 m, flat ground) 1,400 m long and 400 m wide, cells of 2 m, and a
/// 20 m × 20 m source centred across the slope (y 180–200 m).
fn wide_slope(slope_deg: f64) -> (usize, usize, f64, Vec<f64>, Vec<usize>) {
    let (nx, ny, dx) = (700usize, 200usize, 2.0);
    (nx, ny, dx, profile(nx, ny, dx, slope_deg), block(nx, 20, 90, 10))
}

/// Release without overlap (the bodies are packed on a lattice, never
/// inside each other). Bodies released from rest on a plane of angle θ can
/// gain speed only by falling: no body may move faster than a stone let
/// fall from rest, g·t (a body toppling off the heap may fall; none may be
/// thrown), nor sideways farther than a frictionless slide would carry it
/// down the plane, ½·g·sin θ·t², in the first three seconds (bodies pushed
/// apart from an overlapping start reached 31 m/s after 1 s and 55 m
/// sideways after 2 s). After the runout, under 1 % of the volume may lie outside the
/// runout path — the source's band across the slope widened by the source's
/// own width on each side — and none on the map's edges. Three sources: the
/// default 1,500 bodies in 3 m of colluvium, a 6 m one in 3,000 bodies on a
/// steep face, and a 1 m sheet in 200.
#[test]
fn a_release_starts_from_rest_and_stays_in_its_path() {
    for (deg, mu, volume, n) in [(25.0, 0.4, 1200.0, 1500), (35.0, 0.25, 2400.0, 3000), (30.0, 0.3, 400.0, 200)] {
        let (nx, ny, dx, elev, src) = wide_slope(deg);
        let mut r = Runout::new(nx, ny, dx, &elev, RunoutParams { mu, ..Default::default() });
        r.release(&src, &elev, volume, n);
        assert_eq!(r.len(), n, "one body per share of the volume");
        let start: Vec<(f64, f64, f64)> = r.start().to_vec();
        let g_sin = 9.81 * f64::to_radians(deg).sin();
        for s in 1..=3 {
            while r.time_s < s as f64 - 1e-9 {
                r.step();
            }
            let t = r.time_s;
            for (k, ((p, v), p0)) in r.bodies().into_iter().zip(&start).enumerate() {
                assert!(v <= 9.81 * t, "{deg}°: body {k} at {v:.2} m/s after {t:.0} s");
                let side = (p.1 - p0.1).abs();
                assert!(side <= 0.5 * g_sin * t * t, "{deg}°: body {k} {side:.2} m sideways after {t:.0} s");
            }
        }
        assert!(r.run_to_rest(300.0), "{deg}°: still moving after 300 s");
        let (lo, hi) = (180.0 - 20.0, 200.0 + 20.0);
        let bodies = r.bodies();
        let outside = bodies.iter().filter(|(p, _)| p.1 < lo || p.1 > hi).count();
        assert!((outside as f64) < 0.01 * n as f64, "{deg}°: {outside} of {n} bodies outside the path");
        let (w, h) = (nx as f64 * dx, ny as f64 * dx);
        let edge = bodies.iter().filter(|(p, _)| p.0 < dx || p.1 < dx || p.0 > w - dx || p.1 > h - dx).count();
        assert_eq!(edge, 0, "{deg}°: bodies parked on the map's edge");
    }
}

/// A second release lays its bodies on the debris already lying there, not
/// inside it: no two spheres overlap right after it.
#[test]
fn a_second_release_packs_on_top_of_the_first() {
    let (nx, _, dx, elev, src) = wide_slope(10.0);
    let mut r = Runout::new(nx, 200, dx, &elev, RunoutParams { mu: 0.4, ..Default::default() });
    r.release(&src, &elev, 600.0, 500);
    r.advance(2.0);
    r.release_more(&src, &elev, 300.0);
    assert_eq!(r.len(), 750);
    let (_, radius) = r.body_size();
    let p: Vec<(f64, f64, f64)> = r.bodies().into_iter().map(|b| b.0).collect();
    for a in 0..p.len() {
        for b in a + 1..p.len() {
            let d = ((p[a].0 - p[b].0).powi(2) + (p[a].1 - p[b].1).powi(2) + (p[a].2 - p[b].2).powi(2)).sqrt();
            assert!(d > 2.0 * radius * 0.999, "bodies {a} and {b} {d:.3} m apart, radius {radius:.3}");
        }
    }
}
