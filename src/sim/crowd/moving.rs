//! Residents moving: cars along their trips (stalling in deep water),
//! walkers on the movement kernel (deep water blocks cells, smoke slows),
//! and arrivals at shelters (open and with room, else sent on).

use super::kernel::AgentState;
use super::residents::{PASS_CHUNK, Residents, State};
use crate::scenario::schema::{GaugeKind, Point};
use crate::sim::events::{EventLog, SimEvent};
use crate::sim::exposure::{Exposure, Water};
use crate::sim::gauges::Crossings;
use crate::sim::ids::{HouseholdId, ResidentId, ShelterId};
use crate::sim::orders::Township;
use crate::sim::tick::{Drill, SimClock};
use bevy::prelude::*;
use rayon::prelude::*;

/// A resident reaches shelter `sh`: safe if it is open and has room, else
/// sent on to the nearest open shelter with room that a route leads to (on
/// foot, through the kernel), or, with none left, counted safe where they are.
fn arrive(r: &mut Residents, i: usize, drill: &Drill, clock: &SimClock, town: &Township, log: &mut EventLog) {
    let sh = r.people[i].shelter;
    let hh = &drill.households[r.people[i].household].1;
    let open = town.shelter_open(&r.shelters[sh].id);
    if open && r.shelters[sh].occupants < r.shelters[sh].capacity {
        r.shelters[sh].occupants += 1;
        r.people[i].state = State::Safe;
        r.crowd.agents.state[i] = AgentState::Waiting;
        log.push(
            clock.tick,
            clock.tick_s,
            SimEvent::ResidentSafe {
                resident: ResidentId(i as u32),
                household: HouseholdId(hh.id.clone()),
                shelter: ShelterId(r.shelters[sh].id.clone()),
                vulnerable: r.people[i].vulnerable,
            },
        );
        return;
    }
    let shelter = ShelterId(r.shelters[sh].id.clone());
    let ev = if open {
        SimEvent::ShelterFull { shelter, turned_away: 1 }
    } else {
        SimEvent::ShelterClosed { shelter, turned_away: 1 }
    };
    log.push(clock.tick, clock.tick_s, ev);
    let Some(k) = r.crowd.grid().cell_at(r.people[i].pos.0, r.people[i].pos.1) else { return };
    let time = |o: usize| r.crowd.field(o).map_or(f32::INFINITY, |f| f.time(k));
    let next = (0..r.shelters.len())
        .filter(|&o| {
            town.shelter_open(&r.shelters[o].id)
                && r.shelters[o].occupants < r.shelters[o].capacity
                && time(o).is_finite()
        })
        .min_by(|&a, &b| time(a).total_cmp(&time(b)).then(a.cmp(&b)));
    match next {
        Some(o) => {
            r.people[i].shelter = o;
            r.crowd.set_goal(i, o);
        }
        None => {
            // Every shelter is full or closed: the resident stays at the last one, outside the count.
            r.people[i].state = State::Safe;
            r.crowd.agents.state[i] = AgentState::Waiting;
        }
    }
}

/// Cars move along their trips: a car in water deeper than the vehicle
/// limit stalls and its occupants walk on; cars that get there unload.
fn drive(
    r: &mut Residents,
    drill: &Drill,
    clock: &SimClock,
    town: &Township,
    water: Option<&Water>,
    log: &mut EventLog,
) {
    let now = clock.now_s() as f64;
    for ti in 0..r.trips.len() {
        let (trip, household, going) = &mut r.trips[ti];
        if !*going {
            continue;
        }
        let at = trip.position(now);
        let stalled = water.is_some_and(|w| drill.terrain.cell_of(at).is_some_and(|k| w.depth[k] > w.vehicle_limit_m));
        let arrived = now >= trip.arrival_s();
        let household = *household;
        let members = r.households[household].first..r.households[household].first + r.households[household].count;
        if !stalled && !arrived {
            for p in r.people[members].iter_mut().filter(|p| p.trip == Some(ti as u32)) {
                p.pos = at;
            }
            continue;
        }
        *going = false;
        if stalled {
            let hh = &drill.households[household].1;
            log.push(
                clock.tick,
                clock.tick_s,
                SimEvent::CarStalled { household: HouseholdId(hh.id.clone()), at: (at.0.round(), at.1.round()) },
            );
        }
        let aboard: Vec<usize> = members.filter(|&i| r.people[i].trip == Some(ti as u32)).collect();
        for i in aboard {
            r.people[i].trip = None;
            r.people[i].pos = at;
            if arrived && !stalled && r.people[i].state == State::Walking {
                (r.crowd.agents.x[i], r.crowd.agents.y[i]) = at;
                arrive(r, i, drill, clock, town, log);
            }
        }
    }
}

/// Walkers move towards their shelter on the movement kernel (`kernel`):
/// deep water blocks cells (flow fields repaired once a minute), smoke slows
/// walking without re-routing; arrivals are safe or turned away to the
/// nearest shelter with room that they can reach.
#[allow(clippy::too_many_arguments)]
pub(super) fn walk(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    town: Res<Township>,
    exposure: Res<Exposure>,
    mut r: ResMut<Residents>,
    mut crossings: ResMut<Crossings>,
    mut log: ResMut<EventLog>,
    mut before: Local<Vec<Option<Point>>>,
) {
    let r = &mut *r;
    let lines: Vec<(usize, Point, Point)> = drill
        .scenario
        .gauges
        .iter()
        .enumerate()
        .filter_map(|(k, g)| match g.kind {
            GaugeKind::PeopleCrossing { from, to } => Some((k, from, to)),
            _ => None,
        })
        .collect();
    // Only the walking move (on foot or by car): where they stood before
    // (a buffer kept from tick to tick, filled in parallel).
    if !lines.is_empty() {
        before.resize(r.people.len(), None);
        before.par_chunks_mut(PASS_CHUNK).zip(r.people.par_chunks(PASS_CHUNK)).for_each(|(bs, ps)| {
            for (b, p) in bs.iter_mut().zip(ps) {
                *b = (p.state == State::Walking).then_some(p.pos);
            }
        });
    }
    step_people(r, &clock, &drill, &town, &exposure, &mut log);
    if lines.is_empty() {
        return;
    }
    // People across each crossing line, by car or on foot: whole counts,
    // summed in any order to the same totals.
    let counted: Vec<Vec<(u64, u64)>> = before
        .par_chunks(PASS_CHUNK)
        .zip(r.people.par_chunks(PASS_CHUNK))
        .map(|(bs, ps)| {
            let mut n = vec![(0u64, 0u64); lines.len()];
            for (&b, p) in bs.iter().zip(ps) {
                let Some(p0) = b.filter(|&p0| p0 != p.pos) else { continue };
                for (c, &(_, a, e)) in n.iter_mut().zip(&lines) {
                    match crate::geom::crossing(a, e, p0, p.pos) {
                        1 => c.0 += 1,
                        -1 => c.1 += 1,
                        _ => {}
                    }
                }
            }
            n
        })
        .collect();
    for n in counted {
        for (&(k, _, _), (f, b)) in lines.iter().zip(n) {
            crossings.forward[k] += f;
            crossings.backward[k] += b;
        }
    }
}

/// Cars and walkers move one tick; arrivals are received.
fn step_people(
    r: &mut Residents,
    clock: &SimClock,
    drill: &Drill,
    town: &Township,
    exposure: &Exposure,
    log: &mut EventLog,
) {
    // Hazards act on the walker cells of each terrain cell; the walls,
    // blocks and rivers of the walkers' grid stay closed.
    let walk = &drill.walk;
    if let Some(w) = &exposure.water
        && clock.tick.is_multiple_of(60)
    {
        // Only the terrain cells whose water crossed the limit since the
        // last pass are set again: nothing else sets the walkers' speeds,
        // so the others would not change (every cell at the first pass).
        let first = r.deep.len() != w.depth.len();
        if first {
            r.deep = vec![false; w.depth.len()];
        }
        for (tk, &d) in w.depth.iter().enumerate() {
            let deep = d > w.foot_limit_m;
            if !first && r.deep[tk] == deep {
                continue;
            }
            r.deep[tk] = deep;
            for k in walk.cells_in_terrain(tk) {
                r.crowd.set_blocked(k, deep || walk.blocked[k]);
            }
        }
    }
    if let Some(f) = &exposure.fire {
        for (tk, &smoke) in f.smoke_walk.iter().enumerate() {
            for k in walk.cells_in_terrain(tk) {
                r.crowd.grid_mut().set_walk_factor(k, smoke);
            }
        }
    }
    drive(r, drill, clock, town, exposure.water.as_ref(), log);
    // Residents set walking (or stopped) by other systems join (leave) the
    // crowd: one pass over everyone, in parallel (each resident writes only
    // their own walker).
    let a = &mut r.crowd.agents;
    let walkers: usize = r
        .people
        .par_chunks(PASS_CHUNK)
        .zip(a.x.par_chunks_mut(PASS_CHUNK))
        .zip(a.y.par_chunks_mut(PASS_CHUNK).zip(a.state.par_chunks_mut(PASS_CHUNK)))
        .map(|((ps, xs), (ys, ss))| {
            let mut walkers = 0;
            for (((p, x), y), s) in ps.iter().zip(xs).zip(ys).zip(ss) {
                let on_foot = p.state == State::Walking && p.trip.is_none();
                match (on_foot, *s) {
                    (true, AgentState::Waiting) => {
                        (*x, *y) = p.pos;
                        *s = AgentState::Moving;
                    }
                    (false, AgentState::Moving | AgentState::NoRoute) => *s = AgentState::Waiting,
                    _ => {}
                }
                walkers += usize::from(on_foot);
            }
            walkers
        })
        .sum();
    if walkers == 0 {
        return;
    }
    r.crowd.step(clock.tick_s as f64);
    // Those on foot joined the crowd above, so none is `Waiting` there:
    // the crowd's states (a byte each) pass the others by.
    let a = &r.crowd.agents;
    r.people
        .par_chunks_mut(PASS_CHUNK)
        .zip(a.state.par_chunks(PASS_CHUNK))
        .zip(a.x.par_chunks(PASS_CHUNK).zip(a.y.par_chunks(PASS_CHUNK)))
        .for_each(|((ps, ss), (xs, ys))| {
            for (((p, s), x), y) in ps.iter_mut().zip(ss).zip(xs).zip(ys) {
                if *s != AgentState::Waiting && p.state == State::Walking && p.trip.is_none() {
                    p.pos = (*x, *y);
                }
            }
        });
    for i in r.crowd.arrivals().iter().map(|&i| i as usize).collect::<Vec<_>>() {
        arrive(r, i, drill, clock, town, log);
    }
}
