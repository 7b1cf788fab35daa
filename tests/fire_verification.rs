//! Fire models against published cases: Rothermel/BehavePlus reference runs,
//! the Anderson (1983) ellipse on the grid, firebreaks and spotting, building
//! fire growth and separation, determinism, and the Qingshi fire drill.

use firstline::scenario::fuel::{FuelModel, by_code};
use firstline::scenario::schema::Growth;
use firstline::sim::fire::front::{Cell, FireGrid, Weather};
use firstline::sim::fire::structures::{self, Buildings};
use firstline::sim::fire::surface::{Conditions, Moisture, fuelbed, wind_adjustment};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// BehavePlus' "low moisture" test inputs (firelab/behave, testBehave.cpp).
const LOW: Moisture = Moisture { one_h: 0.06, ten_h: 0.07, hundred_h: 0.08, live_herb: 0.60, live_woody: 0.90 };
const MPH: f64 = 0.44704;

fn ch_per_h(ros_m_s: f64) -> f64 {
    ros_m_s * 3600.0 / 20.1168
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    ((a - b) / b).abs() < tol
}

/// firelab/behave testBehave.cpp, GS4 under the low-moisture scenario: a
/// 5 mph 20-ft wind reduced to midflame under a 30 ft canopy of 50% cover
/// and crown ratio 0.5, 30% slope: upslope wind 8.876216 ch/h, cross-slope
/// wind 7.091665 ch/h; intermediates σ 1631.128734 1/ft, dead and live
/// moisture 6.005463% and 85.874007%, live extinction 137.968551%; with a
/// direct 5 mph midflame wind on flat ground the length-to-width ratio is
/// 1.590064. The issue asks for 1%; these hold to 1e-4.
#[test]
fn gs4_reference_case_matches_behaveplus() {
    let gs4 = by_code("GS4").unwrap();
    let fb = fuelbed(gs4, &LOW);
    assert!(close(fb.sigma, 1631.128734, 1e-6), "σ {}", fb.sigma);
    assert!(close(fb.dead_moisture * 100.0, 6.005463, 1e-5), "{}", fb.dead_moisture);
    assert!(close(fb.live_moisture * 100.0, 85.874007, 1e-5), "{}", fb.live_moisture);
    assert!(close(fb.mx_live * 100.0, 137.968551, 1e-5), "{}", fb.mx_live);
    let u = 5.0 * MPH * wind_adjustment(gs4.depth_ft, 0.5, 30.0, 0.5);
    let up = fb.behaviour(&Conditions { midflame_wind: u, wind_toward: 0.0, slope: 0.30, upslope: 0.0 });
    assert!(close(ch_per_h(up.ros), 8.876216, 1e-4), "{} ch/h", ch_per_h(up.ros));
    let cross = fb.behaviour(&Conditions {
        midflame_wind: u,
        wind_toward: std::f64::consts::FRAC_PI_2,
        slope: 0.30,
        upslope: 0.0,
    });
    assert!(close(ch_per_h(cross.ros), 7.091665, 1e-4), "{} ch/h", ch_per_h(cross.ros));
    let flat = fb.behaviour(&Conditions { midflame_wind: 5.0 * MPH, wind_toward: 0.0, slope: 0.0, upslope: 0.0 });
    assert!(close(flat.length_to_breadth, 1.590064, 1e-4), "L/W {}", flat.length_to_breadth);
}

/// Fuel models 1 and 4 against BehavePlus (firelab/behave testBehave.cpp,
/// low moisture): FM1 alone ("first fuel model coverage 100" of the
/// two-fuel-model test: 5 mph 20-ft wind under the same canopy, upslope,
/// 30% slope) 21.971217 ch/h; FM4 with a 5 mph 20-ft wind from 90° on a
/// 30° slope of aspect 0 under 40% canopy cover, 46.631688 ch/h. Within 1%.
#[test]
fn fuel_models_1_and_4_match_behaveplus() {
    let fm1 = by_code("FM1").unwrap();
    let u1 = 5.0 * MPH * wind_adjustment(fm1.depth_ft, 0.5, 30.0, 0.5);
    let b1 =
        fuelbed(fm1, &LOW).behaviour(&Conditions { midflame_wind: u1, wind_toward: 0.0, slope: 0.30, upslope: 0.0 });
    assert!(close(ch_per_h(b1.ros), 21.971217, 0.01), "FM1 {} ch/h", ch_per_h(b1.ros));
    let fm4 = by_code("FM4").unwrap();
    let u4 = 5.0 * MPH * wind_adjustment(fm4.depth_ft, 0.4, 30.0, 0.5);
    let tan30 = 30f64.to_radians().tan();
    let b4 = fuelbed(fm4, &LOW).behaviour(&Conditions {
        midflame_wind: u4,
        wind_toward: std::f64::consts::FRAC_PI_2,
        slope: tan30,
        upslope: 0.0,
    });
    assert!(close(ch_per_h(b4.ros), 46.631688, 0.01), "FM4 {} ch/h", ch_per_h(b4.ros));
}

fn uniform(n: usize, dx: f64, code: &str) -> FireGrid {
    let m: &'static FuelModel = by_code(code).unwrap();
    FireGrid::new(n, n, dx, vec![0.0; n * n], &vec![Some(m); n * n])
}

fn weather(wind: f64) -> Weather {
    Weather { wind_10m: wind, wind_toward: 0.0, moisture: LOW }
}

/// Shape of the burnt area after an hour from a point in uniform grass,
/// constant wind towards +x on flat ground: length/breadth within 15% of
/// Anderson's (1983) formula for the effective wind, and the head's run
/// within 10% of R_head·t (the 16-neighbour stencil's distance error is
/// below 4%; the head rate is the cell's Rothermel rate).
#[test]
fn an_hour_of_spread_draws_andersons_ellipse() {
    for wind in [3.0, 8.0] {
        let (n, dx) = (400usize, 5.0);
        let mut g = uniform(n, dx, "GR2");
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let start = 200 * n + 40;
        g.ignite(start, 0.0);
        for _ in 0..3600 {
            g.step(1.0, &weather(wind), &mut rng);
        }
        let burnt: Vec<usize> = (0..n * n).filter(|&k| g.arrival[k] <= 3600.0).collect();
        let xs: Vec<usize> = burnt.iter().map(|k| k % n).collect();
        let ys: Vec<usize> = burnt.iter().map(|k| k / n).collect();
        let len = (xs.iter().max().unwrap() - xs.iter().min().unwrap() + 1) as f64 * dx;
        let width = (ys.iter().max().unwrap() - ys.iter().min().unwrap() + 1) as f64 * dx;
        let b = g.behaviour[start];
        let lb = len / width;
        eprintln!("wind {wind}: L/B {lb:.3} vs Anderson {:.3}", b.length_to_breadth);
        assert!(
            (lb - b.length_to_breadth).abs() / b.length_to_breadth < 0.15,
            "wind {wind}: L/B {lb:.2} vs {:.2}",
            b.length_to_breadth
        );
        let head = (xs.iter().max().unwrap() - 40) as f64 * dx;
        let expect = b.ros * 3600.0;
        eprintln!("wind {wind}: head run {head:.0} m vs R·t {expect:.0} m");
        assert!((head - expect).abs() / expect < 0.10, "wind {wind}: head run {head:.0} m vs {expect:.0} m");
        assert!(*xs.iter().max().unwrap() < n - 1, "stayed on the grid");
    }
}

/// A 10 m strip of bare ground (two 5 m cells) across the path stops a
/// low-intensity grass fire with spotting on; in a strong wind with
/// spotting on, embers carry a chaparral fire across (seeded).
#[test]
fn a_firebreak_holds_low_intensity_fire_but_embers_cross_it_in_strong_wind() {
    let run = |wind: f64, spotting: bool, code: &str| {
        let (n, dx) = (200usize, 5.0);
        let m: &'static FuelModel = by_code(code).unwrap();
        let fuel: Vec<Option<&'static FuelModel>> =
            (0..n * n).map(|k| if (100..102).contains(&(k % n)) { None } else { Some(m) }).collect();
        let mut g = FireGrid::new(n, n, dx, vec![0.0; n * n], &fuel);
        g.spotting = spotting;
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for j in 80..120 {
            g.ignite(j * n + 80, 0.0);
        }
        for _ in 0..3600 {
            g.step(1.0, &weather(wind), &mut rng);
        }
        let reached = (0..n * n).filter(|&k| k % n == 99 && g.arrival[k].is_finite()).count();
        assert!(reached > 0, "the fire reached the break");
        (0..n * n).filter(|&k| k % n > 101 && g.arrival[k].is_finite()).count()
    };
    assert_eq!(run(2.0, false, "GR2"), 0, "no spotting: held");
    assert_eq!(run(2.0, true, "GR2"), 0, "low wind and intensity: no embers");
    assert!(run(12.0, true, "FM4") > 0, "strong wind in chaparral: embers cross");
    assert_eq!(run(12.0, false, "FM4"), 0, "without spotting even a strong fire stops at bare ground");
}

/// Same inputs and seed ⇒ identical arrival times, bit for bit.
#[test]
fn spread_is_bit_repeatable() {
    let run = || {
        let mut g = uniform(120, 10.0, "FM4");
        g.spotting = true;
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        g.ignite(60 * 120 + 20, 0.0);
        for _ in 0..1200 {
            g.step(1.0, &weather(10.0), &mut rng);
        }
        g.arrival.iter().map(|a| a.to_bits()).collect::<Vec<u64>>()
    };
    assert_eq!(run(), run());
}

/// Suppression: a wetted line across the path holds the fire there (no
/// move of the stencil passes through a held cell).
#[test]
fn a_wet_line_holds_the_head() {
    let (n, dx) = (100usize, 10.0);
    let mut g = uniform(n, dx, "GR2");
    for j in 0..n {
        g.wet(j * n + 60);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    g.ignite(50 * n + 20, 0.0);
    // Until the head reaches the line, then an hour more.
    while g.state[50 * n + 59] == Cell::Unburnt && g.now < 4.0 * 3600.0 {
        g.step(60.0, &weather(4.0), &mut rng);
    }
    assert_ne!(g.state[50 * n + 59], Cell::Unburnt, "the fire reached the line");
    for _ in 0..60 {
        g.step(60.0, &weather(4.0), &mut rng);
    }
    let over: Vec<(usize, usize, f64)> =
        (0..n * n).filter(|&k| k % n >= 60 && g.arrival[k].is_finite()).map(|k| (k % n, k / n, g.arrival[k])).collect();
    assert!(over.is_empty(), "the fire crossed the line: {:?}", &over[..over.len().min(5)]);
    assert_eq!(g.state[50 * n + 60], Cell::Held);
}

/// t² growth (NFPA 72): Q = α·t²; at 300 s a medium fire is 0.01172·300² =
/// 1,054.8 kW. A neighbour ignites by radiation inside the critical
/// separation R = √(χ·Q/(4π·q_crit)) of a fire at its peak and not beyond.
#[test]
fn building_fires_grow_as_t_squared_and_spread_by_separation() {
    assert!((structures::hrr(Growth::Medium, 300.0) - 1054.8).abs() < 1e-6);
    assert!((structures::hrr(Growth::Fast, 100.0) - 469.0).abs() < 1e-6);
    let r = structures::critical_distance(structures::PEAK_KW);
    let mut b = Buildings::new(vec![(0.0, 0.0), (r * 0.9, 0.0), (r * 1.1 + 5.0, 0.0)], Growth::UltraFast);
    b.ignite(0, 0.0);
    let mut lit = Vec::new();
    for t in 0..600 {
        lit.extend(b.step(t as f64));
    }
    assert_eq!(lit, vec![1], "the near neighbour only (R = {r:.2} m)");
}

fn fire_drill() -> firstline::scenario::Loaded {
    firstline::scenario::load(std::path::Path::new("scenarios/qingshi_fire.ron")).unwrap()
}

/// The Qingshi hill fire: with nobody acting it runs through the plantation
/// into Linchang, burns houses and kills residents who cannot leave alone;
/// perfect plan followers get everyone out and certify 优秀; poor ones score
/// below them and no lower than nobody. Repeatable byte for byte.
#[test]
fn qingshi_fire_drill_separates_good_and_bad_responses() {
    use firstline::headless::{self, RunOptions};
    use firstline::roles::plans::{Competence, NpcRoles};
    use firstline::scenario::schema::Level;
    use firstline::sim::events::{HarmOutcome, SimEvent};
    let run = |npc: NpcRoles, competence| {
        headless::run(&fire_drill(), &RunOptions { npc, competence, ..Default::default() }, &mut |_, _| {}).unwrap()
    };
    let none = run(NpcRoles::None, Competence::Perfect);
    assert!(none.events.iter().filter(|e| matches!(e.event, SimEvent::HouseBurning { .. })).count() > 50);
    let dead = none
        .events
        .iter()
        .filter(|e| matches!(e.event, SimEvent::ResidentHarmed { outcome: HarmOutcome::Dead, .. }))
        .count();
    assert!(dead > 0, "{dead} dead");
    assert!(
        none.events.iter().any(|e| matches!(&e.event, SimEvent::FireReached { gauge } if gauge == "linchang_fire"))
    );
    assert_eq!(none.report.scoring.level, Level::Fail);
    // The fire gauges read its arrival: 0, then 1 from the moment it came.
    let g = &none.report.gauges.iter().find(|g| g.id == "linchang_fire").unwrap().samples;
    assert_eq!(g[0].1, 0.0);
    assert_eq!(g.last().unwrap().1, 1.0);
    assert!(g.windows(2).all(|w| w[1].1 >= w[0].1), "once reached, stays reached");
    let perfect = run(NpcRoles::All, Competence::Perfect);
    let metric = |o: &headless::Outcome, id: &str| {
        o.report.scoring.metrics.iter().find(|m| m.id == id).and_then(|m| m.value).unwrap_or(f64::NAN)
    };
    assert_eq!(metric(&perfect, "casualties"), 0.0);
    assert!(perfect.events.iter().any(|e| matches!(e.event, SimEvent::FireSuppressed { .. })));
    assert!(perfect.report.scoring.score >= 90.0, "{}", perfect.report.scoring.score);
    assert_eq!(perfect.report.scoring.level, Level::Excellent);
    let poor = run(NpcRoles::All, Competence::Poor);
    assert!(poor.report.scoring.score < perfect.report.scoring.score && poor.report.scoring.level < Level::Excellent);
    assert!(poor.report.scoring.score >= none.report.scoring.score);
    let again = run(NpcRoles::All, Competence::Poor);
    assert_eq!(poor.report.event_log_sha256, again.report.event_log_sha256);
}

/// The head's rate at any wind direction: with every move of the stencil
/// up to five cells out (80 directions, at most 11.3° apart), the arrival
/// time at a point 800 m downwind gives the head rate — distance /
/// arrival — within 3 % of the cell's Rothermel rate toward it, for winds
/// every 2.5° from 0° to 45° (the grid's symmetry repeats that octant) at
/// 4, 8 and 12 m/s. GR2 on flat ground, cells of 5 m (the point's cell
/// centre is within 2.5 m of it: 0.3 %). The 16-neighbour stencil was
/// 6.8 % low at 20°.
#[test]
fn the_head_rate_holds_at_any_wind_direction() {
    let (n, dx) = (220usize, 5.0);
    let (i0, j0) = (30usize, 30usize);
    let mut worst: (f64, f64, f64) = (0.0, 0.0, 0.0);
    for wind in [4.0, 8.0, 12.0] {
        for step in 0..=18 {
            let deg = 2.5 * f64::from(step);
            let th = deg.to_radians();
            let mut g = uniform(n, dx, "GR2");
            let w = Weather { wind_10m: wind, wind_toward: th, moisture: LOW };
            let start = j0 * n + i0;
            g.ignite(start, 0.0);
            let (ti, tj) =
                ((i0 as f64 + 160.0 * th.cos()).round() as usize, (j0 as f64 + 160.0 * th.sin()).round() as usize);
            let target = tj * n + ti;
            let mut rng = ChaCha8Rng::seed_from_u64(1);
            while g.state[target] == Cell::Unburnt && g.now < 40_000.0 {
                g.step(60.0, &w, &mut rng);
            }
            assert_ne!(g.state[target], Cell::Unburnt, "{wind} m/s, {deg}°: the fire got there");
            let (ddx, ddy) = ((ti as f64 - i0 as f64) * dx, (tj as f64 - j0 as f64) * dx);
            let expect = (ddx * ddx + ddy * ddy).sqrt() / g.behaviour[start].ros_toward(ddy.atan2(ddx));
            let err = expect / g.arrival[target] - 1.0;
            if err.abs() > worst.0.abs() {
                worst = (err, wind, deg);
            }
            assert!(err.abs() < 0.03, "{wind} m/s, {deg}°: the head runs {:+.1} % off its Rothermel rate", 100.0 * err);
        }
    }
    eprintln!("worst head-rate error {:+.2} % ({} m/s, {}°)", 100.0 * worst.0, worst.1, worst.2);
}

/// Fire-arrival gauges read the fire when it ignites there, not when its
/// ignition is scheduled: gauges one cell (20 m) from the ignition, in the
/// four directions, read reached no sooner than the fire can spread there
/// (the bug read all four at 1 s), the downwind one (the wind blows from
/// the north-west) first and the upwind one last.
#[test]
fn fire_gauges_read_the_ignition_not_its_schedule() {
    use firstline::headless::{self, RunOptions};
    use firstline::roles::plans::NpcRoles;
    use firstline::sim::events::SimEvent;
    let src = std::fs::read_to_string("scenarios/qingshi_fire.ron").unwrap();
    let gauges = ["e", "s", "w", "n"]
        .iter()
        .zip([(320.0, 1250.0), (300.0, 1230.0), (280.0, 1250.0), (300.0, 1270.0)])
        .map(|(id, (x, y))| {
            format!("(id: \"near_{id}\", kind: FireArrival(at: ({x:.1}, {y:.1})), every_s: 60),\n        ")
        })
        .collect::<String>();
    let edited = src.replacen("(id: \"factory_fire\"", &format!("{gauges}(id: \"factory_fire\""), 1);
    assert_ne!(edited, src);
    let l = firstline::scenario::load_bytes("near.ron", edited.as_bytes(), std::path::Path::new("scenarios")).unwrap();
    let opts = RunOptions { npc: NpcRoles::None, until_s: Some(3600), ..Default::default() };
    let o = headless::run(&l, &opts, &mut |_, _| {}).unwrap();
    let at = |id: &str| {
        o.events.iter().find_map(|e| match &e.event {
            SimEvent::FireReached { gauge } if gauge == id => Some(e.t),
            _ => None,
        })
    };
    let ignition = l.scenario.hazards.fire.as_ref().unwrap().ignition_s as u64;
    let (e, s, w, n) = (at("near_e").unwrap(), at("near_s").unwrap(), at("near_w"), at("near_n"));
    for t in [e, s] {
        assert!(t >= ignition + 10, "reached {} s after the ignition", t - ignition);
    }
    // Downwind (south and east) before upwind (west and north), if those burn at all.
    for t in [w, n].into_iter().flatten() {
        assert!(t > e.max(s), "upwind at {t} s, downwind at {e} s and {s} s");
    }
}

/// The scenario's wind is the 10 m open wind: the grid reduces it to the
/// 20 ft wind (÷ 1.15, Turner & Lawson 1978, as BehavePlus converts it) and
/// then by the fuel's unsheltered wind adjustment factor (Albini & Baughman
/// 1979) to midflame — the same head rate as Rothermel's at that midflame
/// wind, to rounding; without the 10 m → 20 ft step the head ran 18–22 %
/// fast in GR2 at these winds (measured here: 1.178, 1.214, 1.220).
#[test]
fn the_ten_metre_wind_is_reduced_to_twenty_feet_then_to_midflame() {
    use firstline::sim::fire::front::WIND_10M_PER_20FT;
    let m = by_code("GR2").unwrap();
    let bed = fuelbed(m, &LOW);
    for wind in [2.0, 6.0, 10.0] {
        let mut g = uniform(20, 10.0, "GR2");
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        g.ignite(210, 0.0);
        g.step(1.0, &weather(wind), &mut rng);
        let midflame = wind / WIND_10M_PER_20FT * wind_adjustment(m.depth_ft, 0.0, 0.0, 0.0);
        let c = Conditions { midflame_wind: midflame, wind_toward: 0.0, slope: 0.0, upslope: 0.0 };
        let (grid, rothermel) = (g.behaviour[210].ros, bed.behaviour(&c).ros);
        assert!(close(grid, rothermel, 1e-12), "{wind} m/s: grid {grid} vs Rothermel {rothermel}");
        let unreduced = bed.behaviour(&Conditions { midflame_wind: midflame * WIND_10M_PER_20FT, ..c }).ros;
        eprintln!("{wind} m/s: unreduced / reduced head rate {:.3}", unreduced / grid);
        assert!(unreduced > grid * 1.05, "{wind} m/s: the reduction matters ({unreduced} vs {grid})");
    }
}
