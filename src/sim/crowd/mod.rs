//! Residents: who lives where, how warnings reach them (`warnings`), whether
//! and when they leave (`decide`), how they drive or walk to a shelter
//! (`moving`, on the movement kernel: `kernel` over `navgrid`, `flowfield`,
//! `spatial`, `density` and `walker`; free speeds from `demographics`), and
//! every harm rule for people, from the hazards' exposure fields (`harm`),
//! with rescue of the trapped. The Bevy systems run in the People phase.
//!
//! Door-to-door with an evacuation order (the village team's round on
//! `OrderEvacuation`, escorts) is not taken as final when the household
//! refuses: the team comes back `REVISIT_S` later, up to `ORDER_VISITS`
//! visits (the village head "checks every household"; hesitant, incomplete
//! evacuation is the failure the seed reports name). Each refusal is logged
//! `household_refused`. Plain warnings at the door get one visit.
//!
//! Rescue (`harm::rescue`): a force on scene with the task `Rescue` brings trapped
//! residents out, nearest to its place first (ties by resident index), at
//! `RESCUE_S_PER_PERSON` seconds of work per person for a crew of four
//! (faster with more members: a boat or rope crew of four per casualty);
//! each rescued resident is logged `resident_rescued` and is then safe.
//!
//! Owns: `Residents` (people, households, shelters, the crowd). Reads the
//! core's orders, tasks, roads and exposure fields. May not touch: other
//! models.

mod decide;
pub mod demographics;
pub mod density;
pub mod driving;
pub mod flowfield;
pub mod harm;
pub mod kernel;
pub mod mortality;
mod moving;
pub mod navgrid;
pub mod params;
pub mod residents;
pub mod spatial;
pub mod walker;
pub mod warnings;

use crate::dist::open01;
use crate::sim::exposure::Exposure;
use crate::sim::ids::{HouseholdId, ShelterId};
use crate::sim::orders::Township;
use crate::sim::tick::{Drill, SimSet, SimTick};
use crate::sim::view::{FillView, HouseState, HouseView, PersonState, PersonView, ShelterView, SimView};
use bevy::prelude::*;
use demographics::AgeGroup;
use kernel::{AgentSpec, AgentState, Crowd, CrowdParams};
use navgrid::NavGrid;
use warnings::House;

use residents::HouseholdRt;
pub use residents::{ORDER_VISITS, REVISIT_S, Resident, Residents, ShelterRt, State};

pub struct CrowdPlugin;

impl Plugin for CrowdPlugin {
    fn build(&self, app: &mut App) {
        let drill = app.world().resource::<Drill>().clone();
        let mut rng = crate::sim::rng::stream(drill.seed, "residents");
        let s = &drill.scenario;
        let shelters: Vec<ShelterRt> = s
            .villages
            .iter()
            .flat_map(|v| v.shelters.iter())
            .map(|sh| ShelterRt {
                id: sh.id.clone(),
                at: sh.at,
                cell: drill.walk.cell_of(sh.at).unwrap_or(0),
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
                        buried: false,
                        dose: 0.0,
                        trip: None,
                        frailty: 0.0,
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
                debris_exposed: false,
                fire_exposed: false,
                gone: false,
            });
            houses.push(House { at: h.at, village: *vk, phone: h.phone });
        }
        // Each resident's own draw for the harm functions, from its own
        // stream so that adding people never shifts the other draws.
        let mut harm_rng = crate::sim::rng::stream(drill.seed, "harm");
        for p in &mut people {
            p.frailty = open01(&mut harm_rng);
        }
        // The walkers' grid: rivers (but bridges), walls and blocks closed, doors open.
        let grid = NavGrid::from_walk(&drill.walk).expect("the walkers' grid is validated non-empty");
        let mut crowd = Crowd::new(grid, CrowdParams::default());
        for sh in &shelters {
            crowd.add_goal(&[sh.cell]);
        }
        for p in &people {
            let spec = AgentSpec { state: AgentState::Waiting, ..AgentSpec::new(p.pos.0, p.pos.1, p.v0, p.shelter) };
            crowd.add_agent(spec).expect("finite positions and speeds; the shelter goal exists");
        }
        crate::sim::snapshot::register::<Residents>(app);
        app.insert_resource(Residents {
            people,
            houses,
            households,
            shelters,
            crowd,
            trips: Vec::new(),
            cues: Vec::new(),
            cues_sorted: 0,
            deep: Vec::new(),
            orders_seen: 0,
            tasks_seen: 0,
            home_water: Vec::new(),
            at_risk_logged: false,
            rescue_work: Vec::new(),
        })
        .add_systems(
            SimTick,
            (decide::at_risk, decide::hear, decide::receive, decide::depart, moving::walk, harm::harm, harm::rescue)
                .chain()
                .in_set(SimSet::People),
        )
        .add_systems(SimTick, publish_view.in_set(FillView::People));
    }
}

/// Houses, residents and shelters for the faces' view.
fn publish_view(
    drill: Res<Drill>,
    r: Res<Residents>,
    x: Res<Exposure>,
    town: Res<Township>,
    mut view: ResMut<SimView>,
) {
    let t = &drill.terrain;
    view.houses = r
        .households
        .iter()
        .enumerate()
        .map(|(k, h)| {
            let at = r.houses[k].at;
            let cell = t.cell_of(at);
            let struck = cell.is_some_and(|c| {
                x.debris.as_ref().is_some_and(|d| d.swept[c] > 0.0 || d.depth[c] > 0.0)
                    || x.fire.as_ref().is_some_and(|f| f.reached[c])
            });
            let members = &r.people[h.first..h.first + h.count];
            let state = if struck {
                HouseState::Struck
            } else if cell.is_some_and(|c| x.depth(c) > crate::sim::exposure::DOORSTEP_M) {
                HouseState::Flooded
            } else if h.count > 0 && members.iter().all(|p| !matches!(p.state, State::Home)) && h.departs.is_some() {
                HouseState::Left
            } else if h.warned {
                HouseState::Warned
            } else {
                HouseState::Normal
            };
            HouseView { household: HouseholdId(drill.households[k].1.id.clone()), at, state }
        })
        .collect();
    view.residents = r
        .people
        .iter()
        .map(|p| {
            let state = match p.state {
                State::Safe => PersonState::Safe,
                State::Dead | State::Trapped => PersonState::Harmed,
                _ if p.injured => PersonState::Harmed,
                State::Walking => PersonState::Moving,
                State::Home | State::WaitingHelp if r.households[p.household].warned => PersonState::Warned,
                State::Home | State::WaitingHelp => PersonState::Unaware,
            };
            PersonView { at: p.pos, state }
        })
        .collect();
    view.shelters = r
        .shelters
        .iter()
        .map(|s| ShelterView {
            shelter: ShelterId(s.id.clone()),
            at: s.at,
            capacity: s.capacity,
            occupants: s.occupants,
            open: town.shelter_open(&s.id),
        })
        .collect();
}
