//! Every harm rule for people, in one place, applied from the hazards'
//! exposure fields after the residents have moved (documented for
//! certificates), and rescue of the trapped.
//!
//! Flood, outdoors (FD2321 classes, Ramsbottom et al. 2006): walking in
//! water with hazard rating HR ≥ 2.0 ("danger for all") kills; HR ≥ 1.25
//! ("danger for most") injures once. At home, water deeper than the walking
//! limit traps the household (it can no longer leave), and from then on
//! (the published curves rest on floods deeper than that) each person
//! inside dies when the in-building
//! mortality of Jonkman et al. (2008) at the house (`mortality`: breach,
//! rapidly rising or remaining zone, from depth, speed and the fastest rise
//! over 30 minutes; ×11 for the vulnerable) exceeds that person's own draw
//! (one uniform number per resident from the seeded stream `harm`, drawn
//! once at the start), so over many residents the share who die is the
//! published mortality, and more water never saves anyone.
//!
//! Exposure: the first time the hazard reaches a home (water above the
//! walking limit, debris over the house, the house alight) with people
//! still inside, `household_exposed` logs how many were there.
//!
//! Landslide: a resident whose cell a debris body crosses at ≥ 2 m/s is
//! killed (vulnerability of people to debris impact is near 1 at such
//! speeds; Jakob et al. 2012); a slower body injures people walking and
//! traps people at home. Trapped residents wait for a rescue force: a boat
//! reaches the flood's trapped within `RESCUE_REACH_M` of its work point, a
//! crew digs the buried out within `DIG_REACH_M` of it (or anywhere in the
//! village it was sent to).
//!
//! Fire: when its house ignites, a household flees at once if it can (it
//! leaves at the next tick, by the ordinary departure); the vulnerable left
//! without help, and anyone trapped, die there. People walking through a
//! cell as the front arrives are killed by flames of 1.2 m or more, injured
//! by smaller ones: 1.2 m (4 ft) is the flame length up to which people
//! with hand tools can stand at a fire's edge (Andrews & Rothermel 1982,
//! "Charts for interpreting wildland fire behavior characteristics", USDA
//! Forest Service GTR INT-131); being caught inside a taller front is taken
//! as fatal, an assumption, not a fitted curve.
//!
//! Smoke: the CO carried with the smoke gives people outdoors an ISO 13571
//! dose, FED = Σ ppm·min / 35,000; at FED 1 they are injured (once).

use super::mortality;
use super::residents::{HomeWater, PASS_CHUNK, RISE_SAMPLE_S, RISE_SAMPLES, Residents, State};
use crate::scenario::schema::{HazardKind, Task};
use crate::sim::events::{EventLog, HarmCause, HarmOutcome, SimEvent};
use crate::sim::exposure::Exposure;
use crate::sim::ids::{ForceId, HouseholdId, ResidentId};
use crate::sim::tasks::Tasks;
use crate::sim::tick::{Drill, SimClock};
use bevy::prelude::*;
use rayon::prelude::*;

/// Debris speed from which a body kills the people it crosses (m/s).
pub const DEADLY_DEBRIS_M_S: f64 = 2.0;
/// Flames that kill people walking through the front (m).
pub const DEADLY_FLAME_M: f64 = 1.2;
/// Seconds of work a crew of four needs to bring one trapped resident out
/// (boat or rope rescue, including the carry to safety).
pub const RESCUE_S_PER_PERSON: f64 = 600.0;
/// A rescue sent to a point or a road node reaches the trapped within this
/// distance of it (m); one sent to a village, anyone trapped in the village.
pub const RESCUE_REACH_M: f64 = 500.0;
/// People buried by debris are dug out by hand where they lie: a rescue
/// reaches them only within this distance of its work point (m), or when
/// sent to their village (which it must reach by road).
pub const DIG_REACH_M: f64 = 150.0;

/// One harm to log: resident, outcome, cause and what measured it.
struct Harm {
    outcome: HarmOutcome,
    cause: HarmCause,
    depth_m: Option<f64>,
    speed_m_s: Option<f64>,
    co_ppm: Option<f64>,
}

impl Harm {
    fn new(outcome: HarmOutcome, cause: HarmCause) -> Self {
        Harm { outcome, cause, depth_m: None, speed_m_s: None, co_ppm: None }
    }
}

fn log_harm(log: &mut EventLog, clock: &SimClock, drill: &Drill, r: &Residents, i: usize, h: Harm) {
    let p = &r.people[i];
    log.push(
        clock.tick,
        clock.tick_s,
        SimEvent::ResidentHarmed {
            resident: ResidentId(i as u32),
            household: HouseholdId(drill.households[p.household].1.id.clone()),
            outcome: h.outcome,
            cause: h.cause,
            vulnerable: p.vulnerable,
            depth_m: h.depth_m,
            speed_m_s: h.speed_m_s,
            co_ppm: h.co_ppm,
        },
    );
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Applies the rules above, flood first, then debris, fire and smoke.
pub(super) fn harm(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    exposure: Res<Exposure>,
    mut r: ResMut<Residents>,
    mut log: ResMut<EventLog>,
) {
    let r = &mut *r;
    flood(&clock, &drill, &exposure, r, &mut log);
    debris(&clock, &drill, &exposure, r, &mut log);
    fire(&clock, &drill, &exposure, r, &mut log);
}

/// People of household `h` still inside their home: (all, vulnerable).
fn at_home(r: &Residents, h: usize) -> (u32, u32) {
    let hh = &r.households[h];
    let inside = r.people[hh.first..hh.first + hh.count]
        .iter()
        .filter(|p| matches!(p.state, State::Home | State::WaitingHelp | State::Trapped));
    inside.fold((0, 0), |(n, v), p| (n + 1, v + p.vulnerable as u32))
}

/// Logs the first arrival of a hazard at a home with people inside.
fn log_exposed(log: &mut EventLog, clock: &SimClock, drill: &Drill, r: &Residents, h: usize, hazard: HazardKind) {
    let (n, v) = at_home(r, h);
    if n > 0 {
        log.push(
            clock.tick,
            clock.tick_s,
            SimEvent::HouseholdExposed {
                household: HouseholdId(drill.households[h].1.id.clone()),
                hazard,
                at_home: n,
                vulnerable_at_home: v,
            },
        );
    }
}

fn flood(clock: &SimClock, drill: &Drill, x: &Exposure, r: &mut Residents, log: &mut EventLog) {
    let Some(w) = &x.water else { return };
    let t = &drill.terrain;
    if r.home_water.len() != r.households.len() {
        r.home_water = r.houses.iter().map(|h| HomeWater { cell: t.cell_of(h.at), ..HomeWater::default() }).collect();
    }
    // A sample each time the clock passes a multiple of the sampling
    // interval (whatever the tick length).
    let now = clock.now_s();
    let sample = now / RISE_SAMPLE_S != now.saturating_sub(clock.tick_s as u64) / RISE_SAMPLE_S || now == 0;
    // Each home's water (in parallel: each writes its own), then the
    // homes newly reached are logged in household order.
    let reached: Vec<Vec<usize>> = r
        .home_water
        .par_chunks_mut(PASS_CHUNK)
        .enumerate()
        .map(|(c, hws)| {
            let mut reached = Vec::new();
            for (h, hw) in hws.iter_mut().enumerate() {
                let Some(k) = hw.cell else {
                    hw.depth = 0.0;
                    continue;
                };
                let d = w.depth[k];
                hw.depth = d;
                if sample {
                    hw.samples[hw.next] = d as f32;
                    hw.next = (hw.next + 1) % hw.samples.len();
                    // After the write, `next` holds the sample of 30 minutes ago.
                    let rise = (d - hw.samples[hw.next] as f64) * 3600.0 / (RISE_SAMPLE_S * RISE_SAMPLES as u64) as f64;
                    hw.rise_m_h = hw.rise_m_h.max(rise);
                }
                if !hw.exposed && d > w.foot_limit_m {
                    hw.exposed = true;
                    reached.push(c * PASS_CHUNK + h);
                }
            }
            reached
        })
        .collect();
    for h in reached.into_iter().flatten() {
        log_exposed(log, clock, drill, r, h, HazardKind::Flood);
    }
    // Who is harmed, found in parallel (each resident's rule reads only
    // their own state and the water), applied and logged in resident order.
    let (houses, home_water) = (&r.houses, &r.home_water);
    let harmed: Vec<Vec<(usize, HarmOutcome, State, f64)>> = r
        .people
        .par_chunks(PASS_CHUNK)
        .enumerate()
        .map(|(c, ps)| {
            let mut harmed = Vec::new();
            for (j, p) in ps.iter().enumerate() {
                // The safe and the dead come to no harm: their water is not read.
                if matches!(p.state, State::Safe | State::Dead) {
                    continue;
                }
                // At home (the very point: the same cell) only water over the
                // walking limit harms, and the home's depth is read already.
                let home = houses[p.household].at;
                if p.state != State::Walking && p.pos == home && home_water[p.household].depth <= w.foot_limit_m {
                    continue;
                }
                let Some(k) = t.cell_of(p.pos) else { continue };
                // The hazard rating counts only for those out walking.
                let (hr, d) = (if p.state == State::Walking { w.hazard_rating(k) } else { 0.0 }, w.depth[k]);
                let (outcome, new_state) = match p.state {
                    State::Walking if hr >= 2.0 => (HarmOutcome::Dead, State::Dead),
                    State::Walking if hr >= 1.25 && !p.injured => (HarmOutcome::Injured, State::Walking),
                    State::Home | State::WaitingHelp | State::Trapped
                        if d > w.foot_limit_m && {
                            let (u, v) = w.velocity(k);
                            let rise = home_water[p.household].rise_m_h;
                            mortality::for_person(d, (u * u + v * v).sqrt(), rise, p.vulnerable) > p.frailty
                        } =>
                    {
                        (HarmOutcome::Dead, State::Dead)
                    }
                    State::Home | State::WaitingHelp if d > w.foot_limit_m => (HarmOutcome::Trapped, State::Trapped),
                    _ => continue,
                };
                harmed.push((c * PASS_CHUNK + j, outcome, new_state, d));
            }
            harmed
        })
        .collect();
    for (i, outcome, new_state, d) in harmed.into_iter().flatten() {
        let p = &mut r.people[i];
        if outcome == HarmOutcome::Injured {
            p.injured = true;
        }
        p.state = new_state;
        log_harm(log, clock, drill, r, i, Harm { depth_m: Some(round3(d)), ..Harm::new(outcome, HarmCause::Flood) });
    }
}

fn debris(clock: &SimClock, drill: &Drill, x: &Exposure, r: &mut Residents, log: &mut EventLog) {
    let Some(d) = &x.debris else { return };
    if d.fresh.is_empty() {
        return;
    }
    let t = &drill.terrain;
    for h in 0..r.households.len() {
        if !r.households[h].debris_exposed && t.cell_of(r.houses[h].at).is_some_and(|k| d.fresh.contains(&k)) {
            r.households[h].debris_exposed = true;
            log_exposed(log, clock, drill, r, h, HazardKind::Landslide);
        }
    }
    for i in 0..r.people.len() {
        let p = &mut r.people[i];
        if matches!(p.state, State::Safe | State::Dead) {
            continue;
        }
        let Some(k) = t.cell_of(p.pos) else { continue };
        if !d.fresh.contains(&k) {
            continue;
        }
        let v = d.swept[k] as f64;
        let outcome = if v >= DEADLY_DEBRIS_M_S {
            p.state = State::Dead;
            HarmOutcome::Dead
        } else if p.state == State::Walking {
            HarmOutcome::Injured
        } else {
            p.state = State::Trapped;
            p.buried = true;
            HarmOutcome::Trapped
        };
        log_harm(
            log,
            clock,
            drill,
            r,
            i,
            Harm { speed_m_s: Some(round3(v)), ..Harm::new(outcome, HarmCause::Landslide) },
        );
    }
}

fn fire(clock: &SimClock, drill: &Drill, x: &Exposure, r: &mut Residents, log: &mut EventLog) {
    let Some(f) = &x.fire else { return };
    let t = &drill.terrain;
    let dt = clock.tick_s as f64;
    // Smoke dose outdoors.
    for i in 0..r.people.len() {
        let p = &mut r.people[i];
        let Some(k) = t.cell_of(p.pos).filter(|_| p.state == State::Walking) else { continue };
        let before = p.dose;
        p.dose += f.smoke_fed_per_s[k] * dt;
        if before < 1.0 && p.dose >= 1.0 {
            let co = Some(f.co_ppm[k].round());
            log_harm(log, clock, drill, r, i, Harm { co_ppm: co, ..Harm::new(HarmOutcome::Injured, HarmCause::Smoke) });
        }
    }
    // Burning houses and the front.
    for &h in &f.houses_lit {
        if h < r.households.len() && !r.households[h].fire_exposed {
            r.households[h].fire_exposed = true;
            log_exposed(log, clock, drill, r, h, HazardKind::Fire);
        }
    }
    for i in 0..r.people.len() {
        let (state, vulnerable, household, pos) = {
            let p = &r.people[i];
            (p.state, p.vulnerable, p.household, p.pos)
        };
        let at_home = matches!(state, State::Home | State::WaitingHelp | State::Trapped);
        let outcome = if at_home && f.houses_lit.contains(&household) {
            if state == State::Home && !vulnerable {
                flee(r, household, clock.tick);
                None
            } else {
                Some(HarmOutcome::Dead)
            }
        } else if state == State::Walking {
            let Some(k) = t.cell_of(pos) else { continue };
            match f.fresh.iter().find(|(c, _)| *c == k) {
                Some(&(_, flame)) if flame >= DEADLY_FLAME_M => Some(HarmOutcome::Dead),
                Some(_) => Some(HarmOutcome::Injured),
                None => None,
            }
        } else {
            None
        };
        if let Some(outcome) = outcome {
            if outcome == HarmOutcome::Dead {
                r.people[i].state = State::Dead;
            }
            log_harm(log, clock, drill, r, i, Harm::new(outcome, HarmCause::Fire));
        }
    }
}

/// A household whose house is burning leaves at the next tick, whether or
/// not it had been warned (its members at home and able to walk go).
fn flee(r: &mut Residents, household: usize, tick: u64) {
    let h = &mut r.households[household];
    h.decided = true;
    if h.departs.is_none_or(|t| t > tick + 1) {
        h.departs = Some(tick + 1);
    }
}

/// Forces on scene with the task `Rescue` bring trapped residents out.
pub(super) fn rescue(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    tasks: Res<Tasks>,
    mut r: ResMut<Residents>,
    mut log: ResMut<EventLog>,
) {
    let forces = &drill.scenario.forces;
    let r = &mut *r;
    if r.rescue_work.len() != forces.len() {
        r.rescue_work = vec![0.0; forces.len()];
    }
    let work = &mut r.rescue_work;
    for (k, spec) in forces.iter().enumerate() {
        let Some(&crate::sim::tasks::OnScene { at, village, .. }) = tasks.doing(k, Task::Rescue) else { continue };
        let members = spec.members.max(1);
        let dark = drill.scenario.meta.night_at(clock.now_s()).map_or(1.0, |n| n.work_factor);
        work[k] += clock.tick_s as f64 * members as f64 / 4.0 * dark;
        while work[k] >= RESCUE_S_PER_PERSON {
            let d2 = |p: (f64, f64)| (p.0 - at.0).powi(2) + (p.1 - at.1).powi(2);
            let next = (0..r.people.len())
                .filter(|&i| r.people[i].state == State::Trapped)
                .filter(|&i| {
                    let reach = if r.people[i].buried { DIG_REACH_M } else { RESCUE_REACH_M };
                    village.is_some_and(|v| r.houses[r.people[i].household].village == v)
                        || d2(r.people[i].pos) < reach * reach
                })
                .min_by(|&a, &b| d2(r.people[a].pos).total_cmp(&d2(r.people[b].pos)).then(a.cmp(&b)));
            let Some(i) = next else {
                work[k] = 0.0;
                break;
            };
            work[k] -= RESCUE_S_PER_PERSON;
            r.people[i].state = State::Safe;
            let hh = &drill.households[r.people[i].household].1;
            log.push(
                clock.tick,
                clock.tick_s,
                SimEvent::ResidentRescued {
                    resident: ResidentId(i as u32),
                    household: HouseholdId(hh.id.clone()),
                    by: ForceId(spec.id.clone()),
                    vulnerable: r.people[i].vulnerable,
                },
            );
        }
    }
}
