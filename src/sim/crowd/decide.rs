//! Residents deciding: who is at risk at the start, how orders and tasks on
//! scene become cues to households (warnings, rounds door to door), how a
//! household takes a cue (compliance, refusals pressed again), and when it
//! leaves, by car or on foot.

use super::driving::Trip;
use super::residents::{ORDER_VISITS, PASS_CHUNK, REVISIT_S, Resident, Residents, State};
use super::warnings::{self, Cue, channel_cues, visit_round};
use crate::dist::open01;
use crate::geom::{centroid, in_polygon};
use crate::scenario::schema::{Action, Channel, Task};
use crate::sim::events::{EventLog, SimEvent, TravelMode};
use crate::sim::ids::{HouseholdId, ZoneId};
use crate::sim::orders::OrderBook;
use crate::sim::rng::RngStreams;
use crate::sim::roads::RoadGraph;
use crate::sim::tasks::{OnScene, Tasks};
use crate::sim::tick::{Drill, SimClock};
use bevy::prelude::*;
use rayon::prelude::*;

pub(super) fn at_risk(clock: Res<SimClock>, drill: Res<Drill>, mut r: ResMut<Residents>, mut log: ResMut<EventLog>) {
    if r.at_risk_logged {
        return;
    }
    r.at_risk_logged = true;
    for z in &drill.scenario.residents.danger_zones {
        for (_, h) in drill.households.iter().filter(|(_, h)| in_polygon(h.at, &z.zone)) {
            log.push(
                clock.tick,
                clock.tick_s,
                SimEvent::HouseholdAtRisk {
                    household: HouseholdId(h.id.clone()),
                    zone: ZoneId(z.id.clone()),
                    hazard: z.hazard,
                    residents: h.members.total(),
                    vulnerable: h.vulnerable,
                },
            );
        }
    }
}

/// Turns new orders and on-scene tasks into cues to households.
pub(super) fn hear(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    book: Res<OrderBook>,
    tasks: Res<Tasks>,
    mut r: ResMut<Residents>,
    mut rng: ResMut<RngStreams>,
) {
    let now = clock.now_s();
    let s = &drill.scenario;
    let r = &mut *r;
    let rng = rng.get("warnings");
    let origin = |vk: usize| centroid(&s.villages[vk].boundary);
    for o in &book.orders[r.orders_seen..] {
        match &o.action {
            Action::IssueWarning { channels, villages, .. } => {
                for v in villages {
                    let Some(vk) = s.villages.iter().position(|x| &x.id == v) else { continue };
                    for c in channels {
                        channel_cues(
                            now,
                            *c,
                            false,
                            vk,
                            &s.villages[vk],
                            &r.houses,
                            origin(vk),
                            &s.residents,
                            rng,
                            &mut r.cues,
                        );
                    }
                }
            }
            Action::OrderEvacuation { village } => {
                let Some(vk) = s.villages.iter().position(|x| &x.id == village) else { continue };
                channel_cues(
                    now,
                    Channel::Broadcast,
                    true,
                    vk,
                    &s.villages[vk],
                    &r.houses,
                    origin(vk),
                    &s.residents,
                    rng,
                    &mut r.cues,
                );
                // The village team goes door to door, two by two.
                let visitors = s
                    .forces
                    .iter()
                    .filter(|f| f.village.as_deref() == Some(village))
                    .map(|f| f.members as usize / 2)
                    .sum::<usize>()
                    .max(2);
                let members: Vec<usize> = (0..r.houses.len()).filter(|&h| r.houses[h].village == vk).collect();
                visit_round(
                    now,
                    &members,
                    &r.houses,
                    origin(vk),
                    visitors,
                    s.residents.visit_s as u64,
                    true,
                    &mut r.cues,
                );
            }
            Action::DoorToDoor { area } => {
                if let Some(a) = s.villages.iter().flat_map(|v| v.grid_areas.iter()).find(|a| &a.id == area) {
                    let members = warnings::in_area(&r.houses, &a.boundary);
                    let start = members.first().map_or((0.0, 0.0), |&h| r.houses[h].at);
                    visit_round(now, &members, &r.houses, start, 1, s.residents.visit_s as u64, false, &mut r.cues);
                }
            }
            _ => {}
        }
    }
    r.orders_seen = book.orders.len();
    for &(force, OnScene { task, at, village, .. }) in &tasks.started[r.tasks_seen..] {
        // Sent to a point, a party works through the village around it,
        // starting there (the nearest houses first).
        let village = village.or_else(|| s.villages.iter().position(|v| in_polygon(at, &v.boundary)));
        if matches!(task, Task::EscortVulnerable | Task::DoorToDoor)
            && let Some(vk) = village
        {
            let members: Vec<usize> = (0..r.houses.len())
                .filter(|&h| r.houses[h].village == vk)
                .filter(|&h| task == Task::DoorToDoor || drill.households[h].1.vulnerable > 0)
                .collect();
            let visitors = (s.forces[force].members as usize / 2).max(1);
            visit_round(now, &members, &r.houses, at, visitors, s.residents.visit_s as u64, true, &mut r.cues);
        }
    }
    r.tasks_seen = tasks.started.len();
}

/// Delivers due cues; each may make the household decide to leave.
pub(super) fn receive(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    mut r: ResMut<Residents>,
    mut rng: ResMut<RngStreams>,
    mut log: ResMut<EventLog>,
) {
    let now = clock.now_s();
    let r = &mut *r;
    let c = &drill.scenario.residents.compliance;
    // A stable sort, so only needed when cues were added since the last
    // (the front is sorted already, and a sorted list sorts to itself).
    if r.cues_sorted < r.cues.len() {
        r.cues.sort_by_key(|q| (q.due_s, q.household));
    }
    let due = r.cues.partition_point(|q| q.due_s <= now);
    r.cues_sorted = r.cues.len() - due;
    let rng = rng.get("decisions");
    for q in r.cues.drain(..due).collect::<Vec<_>>() {
        let h = &mut r.households[q.household];
        if !h.warned {
            h.warned = true;
            log.push(
                clock.tick,
                clock.tick_s,
                SimEvent::HouseholdWarned {
                    household: HouseholdId(drill.households[q.household].1.id.clone()),
                    channel: q.channel,
                    order: q.order,
                },
            );
        }
        if q.in_person {
            h.assisted = true;
        }
        if h.decided {
            continue;
        }
        let p = if q.in_person {
            c.in_person
        } else if h.refuser {
            0.0
        } else if q.order {
            c.order
        } else {
            c.remote
        };
        if open01(rng) < p {
            h.decided = true;
            let pre = drill.scenario.residents.premovement.sample(rng).max(0.0);
            h.departs = Some(clock.tick + (pre / clock.tick_s as f64).ceil() as u64);
        } else if q.in_person
            && q.order
            && q.visit < ORDER_VISITS
            && r.people[h.first..h.first + h.count].iter().any(|p| p.state == State::Home)
        {
            log.push(
                clock.tick,
                clock.tick_s,
                SimEvent::HouseholdRefused {
                    household: HouseholdId(drill.households[q.household].1.id.clone()),
                    visit: q.visit,
                    back_in_s: REVISIT_S,
                },
            );
            r.cues.push(Cue { due_s: now + REVISIT_S, visit: q.visit + 1, ..q });
        }
    }
}

/// Households whose pre-movement is over leave, by car (`driving`) when
/// they have one and an open road leads to their shelter, else on foot; the
/// vulnerable wait for help.
pub(super) fn depart(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    roads: Res<RoadGraph>,
    mut r: ResMut<Residents>,
    mut log: ResMut<EventLog>,
) {
    let r = &mut *r;
    // The households due, found in parallel (each reads only its own
    // record), then taken in order.
    let due: Vec<Vec<usize>> = r
        .households
        .par_chunks(PASS_CHUNK)
        .enumerate()
        .map(|(c, hs)| {
            let mut due = Vec::new();
            for (k, h) in hs.iter().enumerate() {
                if !h.gone && h.departs.is_some_and(|t| t <= clock.tick) {
                    due.push(c * PASS_CHUNK + k);
                }
            }
            due
        })
        .collect();
    for k in due.into_iter().flatten() {
        let h = &r.households[k];
        let helped = h.assisted;
        let range = h.first..h.first + h.count;
        // Who leaves now; the vulnerable left without help wait for it.
        let goes = |p: &Resident| {
            (p.state == State::Home || (p.state == State::WaitingHelp && helped)) && (!p.vulnerable || helped)
        };
        let (mut any, mut home) = (false, false);
        for p in &mut r.people[range.clone()] {
            let go = goes(p);
            any |= go;
            if p.state == State::Home && p.vulnerable && !helped {
                p.state = State::WaitingHelp;
            }
            // Those who go are walking once this household is done.
            home |= !go && matches!(p.state, State::Home | State::WaitingHelp);
        }
        r.households[k].gone = !home;
        if !any {
            continue;
        }
        let going: Vec<usize> = range.filter(|&i| goes(&r.people[i])).collect();
        let hh = &drill.households[k].1;
        let shelter = r.people[going[0]].shelter;
        // Drive when a road leads there and the drive beats walking the
        // straight line at the slowest member's pace with a 30 % detour.
        let to = r.shelters[shelter].at;
        let slowest = going.iter().map(|&i| r.people[i].v0).fold(f64::INFINITY, f64::min).max(0.1);
        let walk_s = 1.3 * crate::geom::dist(hh.at, to) / slowest;
        let now = clock.now_s() as f64;
        let trip =
            hh.vehicle.then(|| Trip::plan(&roads, hh.at, to, now)).flatten().filter(|t| t.arrival_s() - now < walk_s);
        let by = if trip.is_some() { TravelMode::Car } else { TravelMode::Foot };
        if let Some(trip) = trip {
            r.trips.push((trip, k, true));
        }
        let ti = (by == TravelMode::Car).then(|| r.trips.len() as u32 - 1);
        for &i in &going {
            r.people[i].state = State::Walking;
            r.people[i].trip = ti;
        }
        log.push(
            clock.tick,
            clock.tick_s,
            SimEvent::HouseholdDeparted { household: HouseholdId(hh.id.clone()), walking: going.len(), by },
        );
    }
}
