//! Residents: who lives where, how warnings reach them (`warnings`), whether
//! and when they leave, how they walk to a shelter (the movement kernel: `kernel` over
//! `navgrid`, `flowfield`, `spatial`, `density` and `walker`; free speeds
//! from `demographics`), and harm
//! from the flood where they stand. The Bevy systems run in the People phase
//! and log `household_at_risk`, `household_warned`, `household_departed`,
//! `resident_safe`, `resident_harmed` and `shelter_full`.
//!
//! Harm rule (documented for certificates; FD2321 classes): walking in water
//! with hazard rating HR ≥ 2.0 ("danger for all") kills; HR ≥ 1.25 ("danger
//! for most") injures once. At home, water deeper than the walking limit
//! traps the household (it can no longer leave), and at 2.0 m (a flooded
//! single storey) or HR ≥ 2.0 those still inside die.
//!
//! Door-to-door with an evacuation order (the village team's round on
//! `OrderEvacuation`, escorts) is not taken as final when the household
//! refuses: the team comes back `REVISIT_S` later, up to `ORDER_VISITS`
//! visits (the village head "checks every household"; hesitant, incomplete
//! evacuation is the failure the seed reports name). Each refusal is logged
//! `household_refused`. Plain warnings at the door get one visit.
//!
//! Rescue (`rescue`): a force on scene with the task `Rescue` brings trapped
//! residents out, nearest to its place first (ties by resident index), at
//! `RESCUE_S_PER_PERSON` seconds of work per person for a crew of four
//! (faster with more members: a boat or rope crew of four per casualty);
//! each rescued resident is logged `resident_rescued` and is then safe.

pub mod demographics;
pub mod density;
pub mod driving;
pub mod flowfield;
pub mod kernel;
pub mod navgrid;
pub mod spatial;
pub mod walker;
pub mod warnings;

use crate::geom::{centroid, in_polygon};
use crate::roles::commands::OrderBook;
use crate::scenario::schema::{Action, Channel, Task};
use crate::sim::dist::open01;
use crate::sim::events::EventLog;
use crate::sim::flood::Flood;
use crate::sim::response::ActiveTasks;
use crate::sim::rng::RngStreams;
use crate::sim::{Drill, SimClock, SimSet};
use bevy::prelude::*;
use demographics::AgeGroup;
use driving::Trip;
use kernel::{AgentSpec, AgentState, Crowd, CrowdParams};
use navgrid::NavGrid;
use serde_json::json;
use warnings::{Cue, House, channel_cues, visit_round};

/// Seconds after which a team that met a refusal at the door with an
/// evacuation order comes back to press it again (劝离: the round goes on
/// and returns), and the most visits a household gets for one order.
pub const REVISIT_S: u64 = 600;
pub const ORDER_VISITS: u8 = 3;

/// Seconds of work a crew of four needs to bring one trapped resident out
/// (boat or rope rescue, including the carry to safety).
pub const RESCUE_S_PER_PERSON: f64 = 600.0;

/// Depth at home beyond which a house is a death trap (m).
pub const DEADLY_HOME_DEPTH_M: f64 = 2.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Home,
    Walking,
    /// Vulnerable and nobody to help them out yet.
    WaitingHelp,
    Safe,
    Trapped,
    Dead,
}

#[derive(Debug, Clone)]
pub struct Resident {
    pub household: usize,
    pub v0: f64,
    pub vulnerable: bool,
    pub state: State,
    pub pos: (f64, f64),
    pub shelter: usize,
    injured: bool,
    /// The car trip (index into `Residents::trips`) while driving.
    trip: Option<u32>,
}

#[derive(Debug, Clone)]
struct HouseholdRt {
    first: usize,
    count: usize,
    refuser: bool,
    decided: bool,
    departs: Option<u64>,
    assisted: bool,
    warned: bool,
}

#[derive(Debug, Clone)]
pub struct ShelterRt {
    pub id: String,
    pub at: (f64, f64),
    pub cell: usize,
    pub capacity: u32,
    pub occupants: u32,
}

/// Everyone in the drill and where they stand.
#[derive(Resource, Debug, Clone)]
pub struct Residents {
    pub people: Vec<Resident>,
    houses: Vec<House>,
    households: Vec<HouseholdRt>,
    pub shelters: Vec<ShelterRt>,
    /// The movement kernel: one walker per resident (same index), one goal
    /// (flow field) per shelter (same index).
    pub crowd: Crowd,
    /// Car trips: the trip, its household, whether the car is still going.
    trips: Vec<(Trip, usize, bool)>,
    cues: Vec<Cue>,
    orders_seen: usize,
    tasks_seen: usize,
}

pub struct CrowdPlugin;

impl Plugin for CrowdPlugin {
    fn build(&self, app: &mut App) {
        let drill = app.world().resource::<Drill>().clone();
        let mut rng = crate::sim::rng::stream(drill.seed, "residents");
        let s = &drill.scenario;
        let t = &drill.terrain;
        let shelters: Vec<ShelterRt> = s
            .villages
            .iter()
            .flat_map(|v| v.shelters.iter())
            .map(|sh| ShelterRt {
                id: sh.id.clone(),
                at: sh.at,
                cell: t.cell_of(sh.at).unwrap_or(0),
                capacity: sh.capacity,
                occupants: 0,
            })
            .collect();
        let mut people = Vec::new();
        let mut households = Vec::new();
        let mut houses = Vec::new();
        for (k, (vk, h)) in drill.households.iter().enumerate() {
            let first = people.len();
            let village_shelter =
                shelters.iter().position(|x| s.villages[*vk].shelters.iter().any(|y| y.id == x.id)).unwrap_or(0);
            let groups = [
                (h.members.children, AgeGroup::Child),
                (h.members.adults, AgeGroup::Adult),
                (h.members.elderly, AgeGroup::Elderly),
            ];
            let mut vulnerable_left = h.vulnerable;
            for (n, g) in groups.into_iter().rev() {
                for _ in 0..n {
                    let vulnerable = vulnerable_left > 0;
                    vulnerable_left = vulnerable_left.saturating_sub(1);
                    people.push(Resident {
                        household: k,
                        v0: g.sample_speed(vulnerable, &mut rng),
                        vulnerable,
                        state: State::Home,
                        pos: h.at,
                        shelter: village_shelter,
                        injured: false,
                        trip: None,
                    });
                }
            }
            let refuser = open01(&mut rng) < s.residents.compliance.refuse_until_in_person;
            households.push(HouseholdRt {
                first,
                count: people.len() - first,
                refuser,
                decided: false,
                departs: None,
                assisted: false,
                warned: false,
            });
            houses.push(House { at: h.at, village: *vk, phone: h.phone });
        }
        let mut crowd = Crowd::new(
            NavGrid::new(t.nx, t.ny, t.cell_m).expect("the terrain grid is validated non-empty"),
            CrowdParams::default(),
        );
        for sh in &shelters {
            crowd.add_goal(&[sh.cell]);
        }
        for p in &people {
            let spec = AgentSpec { state: AgentState::Waiting, ..AgentSpec::new(p.pos.0, p.pos.1, p.v0, p.shelter) };
            crowd.add_agent(spec).expect("finite positions and speeds; the shelter goal exists");
        }
        app.insert_resource(Residents {
            people,
            houses,
            households,
            shelters,
            crowd,
            trips: Vec::new(),
            cues: Vec::new(),
            orders_seen: 0,
            tasks_seen: 0,
        })
        .add_systems(FixedUpdate, (at_risk, hear, receive, depart, walk, harm, rescue).chain().in_set(SimSet::People));
    }
}

fn at_risk(clock: Res<SimClock>, drill: Res<Drill>, mut log: ResMut<EventLog>, mut done: Local<bool>) {
    if *done {
        return;
    }
    *done = true;
    for z in &drill.scenario.residents.danger_zones {
        for (_, h) in drill.households.iter().filter(|(_, h)| in_polygon(h.at, &z.zone)) {
            log.push(
                clock.tick,
                clock.tick_s,
                "household_at_risk",
                format!("household:{}", h.id),
                json!({ "zone": z.id, "hazard": z.hazard, "residents": h.members.total(), "vulnerable": h.vulnerable }),
            );
        }
    }
}

/// Turns new orders and on-scene tasks into cues to households.
fn hear(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    book: Res<OrderBook>,
    tasks: Res<ActiveTasks>,
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
    for &(_, force, task, at, village) in &tasks.started[r.tasks_seen..] {
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
fn receive(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    mut r: ResMut<Residents>,
    mut rng: ResMut<RngStreams>,
    mut log: ResMut<EventLog>,
) {
    let now = clock.now_s();
    let r = &mut *r;
    let c = &drill.scenario.residents.compliance;
    r.cues.sort_by_key(|q| (q.due_s, q.household));
    let due = r.cues.partition_point(|q| q.due_s <= now);
    let rng = rng.get("decisions");
    for q in r.cues.drain(..due).collect::<Vec<_>>() {
        let h = &mut r.households[q.household];
        if !h.warned {
            h.warned = true;
            log.push(
                clock.tick,
                clock.tick_s,
                "household_warned",
                format!("household:{}", drill.households[q.household].1.id),
                json!({ "channel": q.channel, "order": q.order }),
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
                "household_refused",
                format!("household:{}", drill.households[q.household].1.id),
                json!({ "visit": q.visit, "back_in_s": REVISIT_S }),
            );
            r.cues.push(Cue { due_s: now + REVISIT_S, visit: q.visit + 1, ..q });
        }
    }
}

/// Households whose pre-movement is over leave, by car (`driving`) when
/// they have one and an open road leads to their shelter, else on foot; the
/// vulnerable wait for help.
fn depart(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    responders: Res<crate::sim::response::Responders>,
    mut r: ResMut<Residents>,
    mut log: ResMut<EventLog>,
) {
    let r = &mut *r;
    for k in 0..r.households.len() {
        let h = &r.households[k];
        if h.departs.is_none_or(|t| t > clock.tick) {
            continue;
        }
        let helped = h.assisted;
        let range = h.first..h.first + h.count;
        let going: Vec<usize> = range
            .filter(|&i| {
                let p = &r.people[i];
                (p.state == State::Home || (p.state == State::WaitingHelp && helped)) && (!p.vulnerable || helped)
            })
            .collect();
        for i in h.first..h.first + h.count {
            let p = &mut r.people[i];
            if p.state == State::Home && p.vulnerable && !helped {
                p.state = State::WaitingHelp;
            }
        }
        if going.is_empty() {
            continue;
        }
        let hh = &drill.households[k].1;
        let shelter = r.people[going[0]].shelter;
        // Drive when a road leads there and the drive beats walking the
        // straight line at the slowest member's pace with a 30 % detour.
        let to = r.shelters[shelter].at;
        let slowest = going.iter().map(|&i| r.people[i].v0).fold(f64::INFINITY, f64::min).max(0.1);
        let walk_s = 1.3 * crate::geom::dist(hh.at, to) / slowest;
        let now = clock.now_s() as f64;
        let trip = hh
            .vehicle
            .then(|| Trip::plan(&responders.roads, hh.at, to, now))
            .flatten()
            .filter(|t| t.arrival_s() - now < walk_s);
        let by = if trip.is_some() { "car" } else { "foot" };
        if let Some(trip) = trip {
            r.trips.push((trip, k, true));
        }
        let ti = (by == "car").then(|| r.trips.len() as u32 - 1);
        for &i in &going {
            r.people[i].state = State::Walking;
            r.people[i].trip = ti;
        }
        log.push(
            clock.tick,
            clock.tick_s,
            "household_departed",
            format!("household:{}", hh.id),
            json!({ "walking": going.len(), "by": by }),
        );
    }
}

/// A resident reaches shelter `sh`: safe if it has room, else sent on to
/// the nearest shelter with room that a route leads to (on foot, through
/// the kernel), or, with every shelter full, counted safe where they are.
fn arrive(r: &mut Residents, i: usize, drill: &Drill, clock: &SimClock, log: &mut EventLog) {
    let sh = r.people[i].shelter;
    let hh = &drill.households[r.people[i].household].1;
    if r.shelters[sh].occupants < r.shelters[sh].capacity {
        r.shelters[sh].occupants += 1;
        r.people[i].state = State::Safe;
        r.crowd.agents.state[i] = AgentState::Waiting;
        log.push(
            clock.tick,
            clock.tick_s,
            "resident_safe",
            format!("resident:{i}"),
            json!({ "household": hh.id, "shelter": r.shelters[sh].id, "vulnerable": r.people[i].vulnerable }),
        );
        return;
    }
    log.push(
        clock.tick,
        clock.tick_s,
        "shelter_full",
        format!("shelter:{}", r.shelters[sh].id),
        json!({ "turned_away": 1 }),
    );
    let Some(k) = drill.terrain.cell_of(r.people[i].pos) else { return };
    let time = |o: usize| r.crowd.field(o).map_or(f32::INFINITY, |f| f.time(k));
    let next = (0..r.shelters.len())
        .filter(|&o| r.shelters[o].occupants < r.shelters[o].capacity && time(o).is_finite())
        .min_by(|&a, &b| time(a).total_cmp(&time(b)).then(a.cmp(&b)));
    match next {
        Some(o) => {
            r.people[i].shelter = o;
            r.crowd.set_goal(i, o);
        }
        None => {
            // Every shelter is full: the resident stays at the last one, outside the count.
            r.people[i].state = State::Safe;
            r.crowd.agents.state[i] = AgentState::Waiting;
        }
    }
}

/// Cars move along their trips: a car in water deeper than the vehicle
/// limit stalls and its occupants walk on; cars that get there unload.
fn drive(r: &mut Residents, drill: &Drill, clock: &SimClock, flood: Option<&Flood>, log: &mut EventLog) {
    let now = clock.now_s() as f64;
    for ti in 0..r.trips.len() {
        let (trip, household, going) = &mut r.trips[ti];
        if !*going {
            continue;
        }
        let at = trip.position(now);
        let stalled =
            flood.is_some_and(|f| drill.terrain.cell_of(at).is_some_and(|k| f.water.h[k] > f.vehicle_limit_m));
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
                "car_stalled",
                format!("household:{}", hh.id),
                json!({ "at": [at.0.round(), at.1.round()] }),
            );
        }
        let aboard: Vec<usize> = members.filter(|&i| r.people[i].trip == Some(ti as u32)).collect();
        for i in aboard {
            r.people[i].trip = None;
            r.people[i].pos = at;
            if arrived && !stalled && r.people[i].state == State::Walking {
                (r.crowd.agents.x[i], r.crowd.agents.y[i]) = at;
                arrive(r, i, drill, clock, log);
            }
        }
    }
}

/// Walkers move towards their shelter on the movement kernel (`kernel`):
/// deep water blocks cells (flow fields repaired once a minute), smoke slows
/// walking without re-routing; arrivals are safe or turned away to the
/// nearest shelter with room that they can reach.
fn walk(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    flood: Option<Res<Flood>>,
    fire: Option<Res<crate::sim::fire::Fire>>,
    mut r: ResMut<Residents>,
    mut log: ResMut<EventLog>,
) {
    let r = &mut *r;
    if let Some(f) = &flood
        && clock.tick.is_multiple_of(60)
    {
        for (k, &d) in f.water.h.iter().enumerate() {
            r.crowd.set_blocked(k, d > f.foot_limit_m);
        }
    }
    if let Some(f) = &fire {
        for k in 0..r.crowd.grid().len() {
            r.crowd.grid_mut().set_walk_factor(k, f.smoke.walk_factor(k) as f32);
        }
    }
    drive(r, &drill, &clock, flood.as_deref(), &mut log);
    // Residents set walking (or stopped) by other systems join (leave) the crowd.
    let mut walkers = 0;
    for (i, p) in r.people.iter().enumerate() {
        let a = &mut r.crowd.agents;
        let on_foot = p.state == State::Walking && p.trip.is_none();
        match (on_foot, a.state[i]) {
            (true, AgentState::Waiting) => {
                (a.x[i], a.y[i]) = p.pos;
                a.state[i] = AgentState::Moving;
            }
            (false, AgentState::Moving | AgentState::NoRoute) => a.state[i] = AgentState::Waiting,
            _ => {}
        }
        walkers += usize::from(on_foot);
    }
    if walkers == 0 {
        return;
    }
    r.crowd.step(clock.tick_s as f64);
    for (i, p) in r.people.iter_mut().enumerate() {
        if p.state == State::Walking && p.trip.is_none() {
            p.pos = (r.crowd.agents.x[i], r.crowd.agents.y[i]);
        }
    }
    for i in r.crowd.arrivals().iter().map(|&i| i as usize).collect::<Vec<_>>() {
        arrive(r, i, &drill, &clock, &mut log);
    }
}

/// Flood harm where each resident stands (rule in the module doc).
fn harm(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    flood: Option<Res<Flood>>,
    mut r: ResMut<Residents>,
    mut log: ResMut<EventLog>,
) {
    let Some(f) = flood else { return };
    let t = &drill.terrain;
    for (i, p) in r.people.iter_mut().enumerate() {
        let Some(k) = t.cell_of(p.pos) else { continue };
        let hr = f.hazard_rating(k);
        let d = f.water.h[k];
        let (outcome, new_state) = match p.state {
            State::Walking if hr >= 2.0 => ("dead", State::Dead),
            State::Walking if hr >= 1.25 && !p.injured => {
                p.injured = true;
                ("injured", State::Walking)
            }
            State::Home | State::WaitingHelp | State::Trapped if d >= DEADLY_HOME_DEPTH_M || hr >= 2.0 => {
                ("dead", State::Dead)
            }
            State::Home | State::WaitingHelp if d > f.foot_limit_m => ("trapped", State::Trapped),
            _ => continue,
        };
        p.state = new_state;
        let hh = &drill.households[p.household].1;
        log.push(clock.tick, clock.tick_s, "resident_harmed", format!("resident:{i}"), json!({ "household": hh.id, "outcome": outcome, "cause": "flood", "depth_m": (d * 1000.0).round() / 1000.0, "vulnerable": p.vulnerable }));
    }
}

/// Forces on scene with the task `Rescue` bring trapped residents out.
fn rescue(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    responders: Res<crate::sim::response::Responders>,
    mut r: ResMut<Residents>,
    mut log: ResMut<EventLog>,
    mut work: Local<Vec<f64>>,
) {
    if work.len() != responders.forces.len() {
        *work = vec![0.0; responders.forces.len()];
    }
    for (k, f) in responders.forces.iter().enumerate() {
        let Some((Task::Rescue, at, village)) = f.task else { continue };
        if !matches!(f.phase, crate::sim::response::Phase::OnScene { .. }) {
            continue;
        }
        let members = drill.scenario.forces.get(k).map_or(4, |x| x.members).max(1);
        work[k] += clock.tick_s as f64 * members as f64 / 4.0;
        while work[k] >= RESCUE_S_PER_PERSON {
            let d2 = |p: (f64, f64)| (p.0 - at.0).powi(2) + (p.1 - at.1).powi(2);
            let next = (0..r.people.len())
                .filter(|&i| r.people[i].state == State::Trapped)
                .filter(|&i| {
                    village.is_none_or(|v| r.houses[r.people[i].household].village == v)
                        || d2(r.people[i].pos) < 250_000.0
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
                "resident_rescued",
                format!("resident:{i}"),
                json!({ "household": hh.id, "by": f.id, "vulnerable": r.people[i].vulnerable }),
            );
        }
    }
}
