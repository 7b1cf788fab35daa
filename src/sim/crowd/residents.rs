//! The residents' state: everyone in the drill, their households and the
//! shelters, with the crowd kernel's walkers. The crowd's systems (`decide`,
//! `moving`, `harm`) work on it; the plugin (`crowd`) builds it.

use super::driving::Trip;
use super::kernel::Crowd;
use super::warnings::{Cue, House};
use bevy::prelude::Resource;

/// Seconds after which a team that met a refusal at the door with an
/// evacuation order comes back to press it again (劝离: the round goes on
/// and returns), and the most visits a household gets for one order.
pub const REVISIT_S: u64 = 600;
pub const ORDER_VISITS: u8 = 3;

/// Seconds between the depth samples of a home's rise rate, and how many
/// samples span the rise window (6 × 300 s = 30 min).
pub(super) const RISE_SAMPLE_S: u64 = 300;
pub(super) const RISE_SAMPLES: usize = 6;

/// Residents, homes or households per rayon task in the passes over all
/// of them (`moving`, `harm`, `decide`): ten tasks for the township's
/// 20,000 residents, one for a village. Each task is a plain loop over its
/// chunk; what is found is applied in item order, so the chunk changes no bit.
pub(super) const PASS_CHUNK: usize = 2048;

/// Water at one home over time (for the harm rules): depth samples for the
/// rise rate, the fastest rise so far, and whether its exposure has been
/// logged.
#[derive(Debug, Clone, Default)]
pub(super) struct HomeWater {
    /// The home's terrain cell (`None` off the map), found once.
    pub(super) cell: Option<usize>,
    /// Depth at the home this tick (m; 0 off the map).
    pub(super) depth: f64,
    pub(super) samples: [f32; RISE_SAMPLES + 1],
    pub(super) next: usize,
    pub(super) rise_m_h: f64,
    pub(super) exposed: bool,
}

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
    pub(super) injured: bool,
    /// Trapped under debris (dug out by a crew at hand), not by water.
    pub(super) buried: bool,
    /// Smoke dose (FED) taken outdoors so far.
    pub(super) dose: f64,
    /// The car trip (index into `Residents::trips`) while driving.
    pub(super) trip: Option<u32>,
    /// The resident's own draw for the harm functions (uniform 0..1,
    /// stream `harm`): they die when a curve's mortality exceeds it.
    pub(super) frailty: f64,
}

#[derive(Debug, Clone)]
pub(super) struct HouseholdRt {
    pub(super) first: usize,
    pub(super) count: usize,
    pub(super) refuser: bool,
    pub(super) decided: bool,
    pub(super) departs: Option<u64>,
    pub(super) assisted: bool,
    pub(super) warned: bool,
    /// Exposure to debris / fire already logged.
    pub(super) debris_exposed: bool,
    pub(super) fire_exposed: bool,
    /// Departed for good: nobody is at home or waiting for help, and
    /// nobody goes back to either, so departures pass it by.
    pub(super) gone: bool,
}

#[derive(Debug, Clone)]
pub struct ShelterRt {
    pub id: String,
    pub at: (f64, f64),
    /// Its cell on the walkers' grid (the goal of its flow field).
    pub cell: usize,
    pub capacity: u32,
    pub occupants: u32,
}

/// Everyone in the drill and where they stand.
#[derive(Resource, Debug, Clone)]
pub struct Residents {
    pub people: Vec<Resident>,
    pub(super) houses: Vec<House>,
    pub(super) households: Vec<HouseholdRt>,
    pub shelters: Vec<ShelterRt>,
    /// The movement kernel: one walker per resident (same index), one goal
    /// (flow field) per shelter (same index).
    pub crowd: Crowd,
    /// Car trips: the trip, its household, whether the car is still going.
    pub(super) trips: Vec<(Trip, usize, bool)>,
    pub(super) cues: Vec<Cue>,
    /// How many of `cues`, from the front, are in delivery order (those
    /// after them were added since and are sorted in before the next delivery).
    pub(super) cues_sorted: usize,
    pub(super) orders_seen: usize,
    pub(super) tasks_seen: usize,
    /// Terrain cells whose water is over the walking limit, as last applied
    /// to the walkers' grid (empty before the first pass). `step_people`
    /// sets only the cells that changed, which is right while it is the
    /// only writer of the walkers' speed factors.
    pub(super) deep: Vec<bool>,
    /// Water at each home (household order), for the harm rules.
    pub(super) home_water: Vec<HomeWater>,
    /// The homes in the danger zones were logged (at the first tick).
    pub(super) at_risk_logged: bool,
    /// Per force, seconds of rescue work done towards the next person.
    pub(super) rescue_work: Vec<f64>,
}
