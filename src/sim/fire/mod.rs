//! Fire: Rothermel surface fire behaviour (`surface`, over the fuel models
//! of `scenario::fuel`), spread on the grid (`front`), building fires
//! (`structures`), smoke (`smoke`), and this thin Bevy adapter. It lights
//! the scripted ignition (and the instructor's), steps the front each tick
//! under the scenario's wind, lets the suppression teams on scene hold it,
//! carries the smoke, sets houses alight, and publishes flames, burning
//! houses and smoke to the exposure fields; harm to people is the crowd's
//! rule (`crowd::harm`). In the Detect phase it logs fire reaching gauges.
//!
//! Owns: `Fire`. May not touch: other models, residents' state.
//!
//! Rules (documented for certificates):
//! - A house ignites when a cell within 30 m of it burns with flames of
//!   0.5 m or more (flame and ember contact); houses then spread to each
//!   other by radiation (`structures`).
//! - Suppression: a force on scene with the task `SuppressFire` works at
//!   `LINE_M_PER_MIN` metres of fireline per member per minute (three times
//!   that with a fire engine). Each cell width of work puts out the burning
//!   cell, or wets the unburnt cell next to the front, nearest its place
//!   (within `SUPPRESS_RADIUS_M`), where the flames are short enough to
//!   attack: 1.2 m by hand, 2.4 m with an engine (NWCG fireline handbook
//!   guidance on flame length and direct attack).
//! - Rivers do not burn. Roads narrower than a cell are not firebreaks here.
//! - Smoke (`smoke`) gives the walking factor of its extinction coefficient
//!   and the ISO 13571 CO dose rate, published for the crowd.

pub mod front;
pub mod smoke;
pub mod structures;
pub mod surface;

use crate::scenario::schema::{FireSpec, HazardKind, Point, Task, VehicleKind, series_at};
use crate::sim::events::{EventLog, HazardCause, SimEvent};
use crate::sim::exposure::{Exposure, Flames};
use crate::sim::ids::{ForceId, GaugeId, HouseholdId};
use crate::sim::orders::Township;
use crate::sim::rng::RngStreams;
use crate::sim::tasks::Tasks;
use crate::sim::tick::{Drill, Observe, SimClock, SimTick, Step};
use bevy::prelude::*;
use front::{Cell, FireEvent, FireGrid, Weather};
use structures::Buildings;
use surface::Moisture;

/// Fireline a crew member builds per minute (m).
pub const LINE_M_PER_MIN: f64 = 1.0;
/// How far from its place a suppression force works (m).
pub const SUPPRESS_RADIUS_M: f64 = 400.0;
/// Flames a crew can attack directly: by hand, with an engine (m).
pub const HAND_FLAME_M: f64 = 1.2;
pub const ENGINE_FLAME_M: f64 = 2.4;
/// Flames that ignite a house within `HOUSE_REACH_M` (m).
pub const HOUSE_FLAME_M: f64 = 0.5;
pub const HOUSE_REACH_M: f64 = 30.0;

/// The fire model of a drill.
#[derive(Resource, Clone)]
pub struct Fire {
    pub grid: FireGrid,
    pub spec: FireSpec,
    pub buildings: Buildings,
    pub smoke: smoke::Smoke,
    houses: Vec<usize>,
    started: bool,
    ignitions_seen: usize,
    gauges: Vec<bool>,
    work: Vec<f64>,
    /// Cells that ignited during the current tick.
    fresh: Vec<usize>,
    /// Households whose house caught fire during the current tick.
    lit: Vec<usize>,
    last_status: u64,
}

impl Fire {
    pub fn new(spec: &FireSpec, drill: &Drill) -> Self {
        let t = &drill.terrain;
        let classes = &drill.scenario.map.land_cover.classes;
        let fuel: Vec<Option<&'static crate::scenario::fuel::FuelModel>> = (0..t.nx * t.ny)
            .map(|k| {
                if t.river[k] {
                    return None;
                }
                classes
                    .get(t.cover[k] as usize)
                    .and_then(|c| c.fuel.as_deref())
                    .and_then(crate::scenario::fuel::by_code)
            })
            .collect();
        let mut grid = FireGrid::new(t.nx, t.ny, t.cell_m, t.elevation.clone(), &fuel);
        grid.spotting = spec.spotting;
        let at: Vec<Point> = drill.households.iter().map(|(_, h)| h.at).collect();
        Fire {
            grid,
            spec: spec.clone(),
            houses: at.iter().map(|&p| t.cell_of(p).unwrap_or(0)).collect(),
            buildings: Buildings::new(at, spec.building_growth),
            smoke: smoke::Smoke::new(t.nx, t.ny, t.cell_m),
            started: false,
            ignitions_seen: 0,
            gauges: vec![false; drill.scenario.gauges.len()],
            work: vec![0.0; drill.scenario.forces.len()],
            fresh: Vec::new(),
            lit: Vec::new(),
            last_status: 0,
        }
    }

    /// The weather at drill second `t`: the scenario's wind, or the one the
    /// instructor set last (`set`: speed m/s, from degrees).
    pub fn weather(&self, t: f64, set: Option<(f64, f64)>) -> Weather {
        let m = &self.spec.moisture;
        let (speed, from) = set.unwrap_or((series_at(&self.spec.wind_speed, t), self.spec.wind_from_deg));
        // Blowing from `from` (clockwise from north) ⇒ towards the
        // opposite compass direction, as a counter-clockwise angle from east.
        let toward = (90.0 - (from + 180.0)).to_radians();
        Weather {
            wind_10m: speed.max(0.0),
            wind_toward: toward,
            moisture: Moisture {
                one_h: m.one_h,
                ten_h: m.ten_h,
                hundred_h: m.hundred_h,
                live_herb: m.live_herb,
                live_woody: m.live_woody,
            },
        }
    }

    /// Whether fire has reached the cell containing a point (burning or burnt).
    pub fn reached(&self, drill: &Drill, p: Point) -> bool {
        drill.terrain.cell_of(p).is_some_and(|k| self.reached_cell(k))
    }

    /// Fire has reached a cell once it has ignited there (burning, burnt
    /// out or put out) — not when its ignition is merely scheduled.
    fn reached_cell(&self, k: usize) -> bool {
        matches!(self.grid.state[k], Cell::Burning | Cell::BurntOut | Cell::Extinguished)
    }

    /// Fire and smoke as the exposure fields show them (the smoke fields
    /// only when `smoke` is set: they change every 10 s).
    pub fn publish(&self, out: &mut Flames, smoke: bool) {
        let n = self.grid.arrival.len();
        out.reached.clear();
        out.reached.extend((0..n).map(|k| self.reached_cell(k)));
        out.fresh.clear();
        out.fresh.extend(self.fresh.iter().map(|&k| (k, self.grid.behaviour[k].flame_length)));
        out.houses_lit.clone_from(&self.lit);
        if smoke || out.smoke_walk.len() != n {
            out.smoke_walk.clear();
            out.smoke_walk.extend((0..n).map(|k| self.smoke.walk_factor(k) as f32));
            out.smoke_fed_per_s.clear();
            out.smoke_fed_per_s.extend((0..n).map(|k| self.smoke.fed_per_s(k)));
            out.co_ppm.clear();
            out.co_ppm.extend((0..n).map(|k| self.smoke.co_ppm(k)));
        }
    }
}

pub struct FirePlugin;

impl Plugin for FirePlugin {
    fn build(&self, app: &mut App) {
        let drill = app.world().resource::<Drill>().clone();
        if let Some(spec) = &drill.scenario.hazards.fire {
            let fire = Fire::new(spec, &drill);
            let mut flames = Flames::default();
            fire.publish(&mut flames, true);
            app.world_mut().resource_mut::<Exposure>().fire = Some(flames);
            crate::sim::snapshot::register::<Fire>(app);
            app.insert_resource(fire)
                .add_systems(SimTick, step.in_set(Step::Fire))
                .add_systems(SimTick, detect.in_set(Observe::Fire));
        }
    }
}

/// Lights ignitions, moves the front one tick, lets crews hold it, carries
/// smoke, sets houses alight; publishes the exposure.
pub fn step(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    town: Res<Township>,
    tasks: Res<Tasks>,
    mut fire: ResMut<Fire>,
    mut rng: ResMut<RngStreams>,
    mut exposure: ResMut<Exposure>,
    mut log: ResMut<EventLog>,
) {
    let f = &mut *fire;
    let t = &drill.terrain;
    let now = clock.now_s();
    let (tick, tick_s) = (clock.tick, clock.tick_s);
    if !f.started && now >= f.spec.ignition_s as u64 {
        f.started = true;
        if let Some(k) = t.cell_of(f.spec.ignition) {
            f.grid.ignite(k, now as f64);
        }
        log.push(tick, tick_s, SimEvent::FireIgnited { at: f.spec.ignition, cause: HazardCause::Scripted });
    }
    for &(_, at) in &town.ignitions[f.ignitions_seen.min(town.ignitions.len())..] {
        f.started = true;
        if let Some(k) = t.cell_of(at) {
            f.grid.ignite(k, now as f64);
        }
        log.push(tick, tick_s, SimEvent::FireIgnited { at, cause: HazardCause::Instructor });
    }
    f.ignitions_seen = town.ignitions.len();
    // The grid's clock runs from the drill start.
    f.grid.now = f.grid.now.max(now as f64);
    let w = f.weather(now as f64, town.wind.map(|(_, speed, from)| (speed, from)));
    f.fresh.clear();
    for e in f.grid.step(tick_s as f64, &w, rng.get("fire")) {
        match e {
            FireEvent::Ignited { cell, .. } => f.fresh.push(cell),
            FireEvent::Spotted { from, to, .. } => {
                log.push(tick, tick_s, SimEvent::SpotFire { from: t.center(from), to: t.center(to) })
            }
            FireEvent::BurntOut { .. } => {}
        }
    }
    suppress(f, &drill, &tasks, tick, tick_s, &mut log);
    // Smoke every 10 s from the cells burning now.
    let smoke_step = f.started && now.is_multiple_of(10);
    if smoke_step {
        let area = t.cell_m * t.cell_m;
        let sources: Vec<(usize, f64)> = f
            .grid
            .burning()
            .map(|k| {
                let b = &f.grid.behaviour[k];
                let burn_s = b.residence_s.max(front::MIN_BURN_S);
                // kJ/m² ÷ kJ/kg × g/kg ÷ s = g/m²/s over the burning part of the cell.
                let rate = b.heat_per_area / 18_600.0 * smoke::YIELD_G_PER_KG / burn_s;
                (k, rate * (b.ros * burn_s * t.cell_m).min(area) / area)
            })
            .collect();
        let (u, v) = (w.wind_10m * w.wind_toward.cos(), w.wind_10m * w.wind_toward.sin());
        f.smoke.step(10.0, u, v, &sources);
    }
    if f.started && now >= f.last_status + 600 {
        f.last_status = now;
        let burning = f.grid.burning().count();
        let burnt = (0..f.grid.state.len()).filter(|&k| f.reached_cell(k)).count();
        let head = f.grid.burning().map(|k| f.grid.behaviour[k].ros).fold(0.0, f64::max);
        let flame = f.grid.burning().map(|k| f.grid.behaviour[k].flame_length).fold(0.0, f64::max);
        let burning_at: Vec<Point> = f.grid.burning().map(|k| t.center(k)).collect();
        let extent = burning_at.iter().fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |e, p| {
            [e[0].min(p.0), e[1].min(p.1), e[2].max(p.0), e[3].max(p.1)]
        });
        let thickest = f.smoke.mass.iter().copied().fold(0.0, f64::max) * smoke::K_M / smoke::MIX_M;
        log.push(
            tick,
            tick_s,
            SimEvent::FireStatus {
                burning_cells: burning,
                burnt_area_ha: (burnt as f64 * t.cell_m * t.cell_m / 1e4 * 100.0).round() / 100.0,
                head_ros_m_min: (head * 60.0 * 100.0).round() / 100.0,
                max_flame_m: (flame * 100.0).round() / 100.0,
                wind_m_s: w.wind_10m,
                thickest_smoke_visibility_m: (thickest > 0.0).then(|| (3.0 / thickest).round()),
                front_box_m: (!burning_at.is_empty()).then_some(extent),
            },
        );
    }
    ignite_houses(f, &drill, now as f64, tick, tick_s, &mut log);
    if let Some(out) = &mut exposure.fire {
        f.publish(out, smoke_step);
    }
}

fn suppress(f: &mut Fire, drill: &Drill, tasks: &Tasks, tick: u64, tick_s: u32, log: &mut EventLog) {
    let t = &drill.terrain;
    for (k, spec) in drill.scenario.forces.iter().enumerate() {
        let Some(&crate::sim::tasks::OnScene { at, .. }) = tasks.doing(k, Task::SuppressFire) else { continue };
        let engine = spec.vehicles.iter().any(|v| v.kind == VehicleKind::FireEngine);
        let rate = LINE_M_PER_MIN * spec.members as f64 * if engine { 3.0 } else { 1.0 };
        let limit = if engine { ENGINE_FLAME_M } else { HAND_FLAME_M };
        f.work[k] += rate * tick_s as f64 / 60.0;
        let mut done = 0;
        while f.work[k] >= t.cell_m {
            let d2 = |c: usize| {
                let p = t.center(c);
                (p.0 - at.0).powi(2) + (p.1 - at.1).powi(2)
            };
            let r2 = SUPPRESS_RADIUS_M * SUPPRESS_RADIUS_M;
            let burning = f
                .grid
                .burning()
                .filter(|&c| d2(c) <= r2 && f.grid.behaviour[c].flame_length <= limit)
                .min_by(|&a, &b| d2(a).total_cmp(&d2(b)).then(a.cmp(&b)));
            let target = burning.or_else(|| {
                let front: Vec<usize> = f.grid.burning().collect();
                let mut best: Option<usize> = None;
                for c in front {
                    if f.grid.behaviour[c].flame_length > limit {
                        continue;
                    }
                    let (i, j) = ((c % t.nx) as i64, (c / t.nx) as i64);
                    for (di, dj) in [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (1, -1), (-1, 1), (-1, -1)] {
                        let (ni, nj) = (i + di, j + dj);
                        if ni < 0 || nj < 0 || ni >= t.nx as i64 || nj >= t.ny as i64 {
                            continue;
                        }
                        let n = nj as usize * t.nx + ni as usize;
                        if f.grid.state[n] == Cell::Unburnt
                            && f.grid.burnable(n)
                            && d2(n) <= r2
                            && best.is_none_or(|b| (d2(n), n) < (d2(b), b))
                        {
                            best = Some(n);
                        }
                    }
                }
                best
            });
            let Some(c) = target else {
                f.work[k] = f.work[k].min(t.cell_m);
                break;
            };
            f.work[k] -= t.cell_m;
            if f.grid.state[c] == Cell::Burning {
                f.grid.extinguish(c);
            } else {
                f.grid.wet(c);
            }
            done += 1;
        }
        if done > 0 {
            log.push(tick, tick_s, SimEvent::FireSuppressed { force: ForceId(spec.id.clone()), cells: done, engine });
        }
    }
}

/// Wildland fire igniting houses, and houses igniting each other; the
/// households whose house caught fire this tick are kept in `lit`.
fn ignite_houses(f: &mut Fire, drill: &Drill, now: f64, tick: u64, tick_s: u32, log: &mut EventLog) {
    f.lit.clear();
    if !f.started {
        return;
    }
    let t = &drill.terrain;
    // Wildland fire igniting houses.
    let reach = (HOUSE_REACH_M / t.cell_m).ceil() as i64;
    let mut lit: Vec<usize> = Vec::new();
    for b in 0..f.houses.len() {
        if f.buildings.ignited[b].is_some() {
            continue;
        }
        let c = f.houses[b];
        let h = drill.households[b].1.at;
        let (i, j) = ((c % t.nx) as i64, (c / t.nx) as i64);
        let mut hot = false;
        'near: for dj in -reach..=reach {
            for di in -reach..=reach {
                let (ni, nj) = (i + di, j + dj);
                if ni < 0 || nj < 0 || ni >= t.nx as i64 || nj >= t.ny as i64 {
                    continue;
                }
                let n = nj as usize * t.nx + ni as usize;
                let p = t.center(n);
                if f.grid.state[n] == Cell::Burning
                    && f.grid.behaviour[n].flame_length >= HOUSE_FLAME_M
                    && ((p.0 - h.0).powi(2) + (p.1 - h.1).powi(2)).sqrt() <= HOUSE_REACH_M + t.cell_m * 0.5
                {
                    hot = true;
                    break 'near;
                }
            }
        }
        if hot && f.buildings.ignite(b, now) {
            lit.push(b);
        }
    }
    lit.extend(f.buildings.step(now));
    lit.sort_unstable();
    lit.dedup();
    for &b in &lit {
        let hh = &drill.households[b].1;
        let household = HouseholdId(hh.id.clone());
        log.push(
            tick,
            tick_s,
            SimEvent::HazardReachedHome {
                household: household.clone(),
                hazard: HazardKind::Fire,
                residents: hh.members.total(),
                vulnerable: hh.vulnerable,
                hazard_rating: None,
                depth_m: None,
                speed_m_s: None,
            },
        );
        log.push(tick, tick_s, SimEvent::HouseBurning { household, growth: f.spec.building_growth });
    }
    f.lit = lit;
}

/// Fire reaching gauges.
fn detect(clock: Res<SimClock>, drill: Res<Drill>, mut fire: ResMut<Fire>, mut log: ResMut<EventLog>) {
    let f = &mut *fire;
    if !f.started {
        return;
    }
    let (tick, tick_s) = (clock.tick, clock.tick_s);
    for (g, spec) in drill.scenario.gauges.iter().enumerate() {
        if let crate::scenario::schema::GaugeKind::FireArrival { at } = spec.kind
            && !f.gauges[g]
            && f.reached(&drill, at)
        {
            f.gauges[g] = true;
            log.push(tick, tick_s, SimEvent::FireReached { gauge: GaugeId(spec.id.clone()) });
        }
    }
}
