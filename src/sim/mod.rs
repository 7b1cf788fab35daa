//! The simulation: `SimPlugin` owns the drill clock, the seeded random
//! streams, the terrain, the event log and the one ordered `FixedUpdate`
//! schedule every face (headless runner, tests, GUI) drives. Faces read sim
//! state and send commands; they never mutate the world directly.

pub mod crowd;
pub mod dist;
pub mod events;
pub mod fire;
pub mod flood;
pub mod gauges;
pub mod landslide;
pub mod response;
pub mod rng;
pub mod terrain;

use crate::scenario::Loaded;
use crate::scenario::expand;
use crate::scenario::schema::{Household, Scenario};
use bevy::ecs::schedule::{LogLevel, ScheduleBuildSettings, SingleThreadedExecutor};
use bevy::prelude::*;
use events::EventLog;
use rng::RngStreams;
use serde_json::json;
use std::sync::Arc;
use terrain::TerrainGrid;

/// Build identity recorded in logs and reports: the version and the target
/// triple. A replay is checked with the same build: transcendentals come
/// from libm everywhere, but rapier's contact solver is repeatable only for
/// the same compiled code.
pub fn build_id() -> String {
    format!("firstline {} ({})", env!("CARGO_PKG_VERSION"), env!("FIRSTLINE_TARGET"))
}

/// The phases of one tick, run in this order (chained).
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub enum SimSet {
    /// Once, before the first tick: initial state and readings.
    Begin,
    /// Orders from trainees, plan followers and the instructor.
    Commands,
    /// Flood, landslide and fire advance one tick.
    Hazards,
    /// Residents hear, decide and move.
    People,
    /// Rescue teams and vehicles.
    Response,
    /// The clock moves to the end of the tick.
    Clock,
    /// Detectors, gauges and injects look at the new state.
    Detect,
    /// Flush the event log; close the drill at its end.
    Record,
}

/// The drill clock in whole ticks.
#[derive(Resource, Debug, Clone, PartialEq, Eq)]
pub struct SimClock {
    /// Completed ticks.
    pub tick: u64,
    pub tick_s: u32,
    /// The drill ends when `tick == end_tick`.
    pub end_tick: u64,
    /// The first fixed run has set up the drill and read tick 0.
    pub started: bool,
    /// Ticks advance (from the second fixed run on).
    pub ticking: bool,
    pub finished: bool,
}

impl SimClock {
    /// Drill seconds now.
    pub fn now_s(&self) -> u64 {
        self.tick * self.tick_s as u64
    }
}

/// Immutable drill data shared by all systems.
#[derive(Resource, Clone)]
pub struct Drill {
    pub scenario: Arc<Scenario>,
    pub scenario_sha256: String,
    pub terrain: Arc<TerrainGrid>,
    /// Every household with its village index, in scenario order.
    pub households: Arc<Vec<(usize, Household)>>,
    pub seed: u64,
}

impl Drill {
    pub fn new(loaded: &Loaded, seed: u64) -> Self {
        let households = loaded
            .scenario
            .villages
            .iter()
            .enumerate()
            .flat_map(|(vk, v)| expand::households(v).into_iter().map(move |h| (vk, h)))
            .collect();
        Drill {
            scenario: Arc::new(loaded.scenario.clone()),
            scenario_sha256: loaded.sha256.clone(),
            terrain: Arc::new(loaded.terrain.clone()),
            households: Arc::new(households),
            seed,
        }
    }
}

/// Runs a drill. Needs an `EventLog` resource inserted by the face.
pub struct SimPlugin {
    pub drill: Drill,
    /// Stop after this many drill seconds instead of the scenario's duration.
    pub until_s: Option<u32>,
    /// Roles the software plays, and how well.
    pub npc: crate::roles::plans::NpcRoles,
    pub competence: crate::roles::plans::Competence,
}

fn running(clock: Res<SimClock>) -> bool {
    clock.ticking && !clock.finished
}

fn not_started(clock: Res<SimClock>) -> bool {
    !clock.started
}

impl Plugin for SimPlugin {
    fn build(&self, app: &mut App) {
        let meta = &self.drill.scenario.meta;
        let duration = self.until_s.map_or(meta.duration_s, |u| u.min(meta.duration_s));
        let tick_s = meta.tick_s.max(1);
        app.insert_resource(SimClock {
            tick: 0,
            tick_s,
            end_tick: (duration / tick_s) as u64,
            started: false,
            ticking: false,
            finished: false,
        })
        .insert_resource(RngStreams::new(self.drill.seed))
        .insert_resource(self.drill.clone())
        .insert_resource(Time::<Fixed>::from_seconds(tick_s as f64));
        // One thread runs the tick: the phases are chained anyway, kernels
        // parallelise inside themselves, and any ambiguity in system order is
        // a build error rather than a source of run-to-run differences.
        app.edit_schedule(FixedUpdate, |s| {
            s.set_executor(SingleThreadedExecutor::new());
            s.set_build_settings(ScheduleBuildSettings { ambiguity_detection: LogLevel::Error, ..default() });
        });
        app.configure_sets(
            FixedUpdate,
            (
                SimSet::Begin.run_if(not_started),
                SimSet::Commands.run_if(running),
                SimSet::Hazards.run_if(running),
                SimSet::People.run_if(running),
                SimSet::Response.run_if(running),
                SimSet::Clock.run_if(running),
                SimSet::Detect.run_if(|c: Res<SimClock>| c.started),
                SimSet::Record,
            )
                .chain(),
        );
        app.add_systems(FixedUpdate, begin.in_set(SimSet::Begin))
            .add_systems(FixedUpdate, advance_clock.in_set(SimSet::Clock))
            .add_systems(FixedUpdate, record.in_set(SimSet::Record));
        app.add_plugins((
            gauges::GaugePlugin,
            crate::drill::InjectPlugin,
            crate::roles::RolesPlugin { npc: self.npc.clone(), competence: self.competence },
            response::ResponsePlugin,
            flood::FloodPlugin,
            landslide::LandslidePlugin,
            fire::FirePlugin,
            crowd::CrowdPlugin,
        ));
    }
}

fn begin(mut clock: ResMut<SimClock>, drill: Res<Drill>, mut log: ResMut<EventLog>) {
    clock.started = true;
    let s = &drill.scenario;
    let people: u32 = drill.households.iter().map(|(_, h)| h.members.total()).sum();
    log.push(
        0,
        clock.tick_s,
        "drill_started",
        format!("scenario:{}", s.meta.id),
        json!({
            "duration_s": clock.end_tick * clock.tick_s as u64,
            "tick_s": clock.tick_s,
            "households": drill.households.len(),
            "residents": people,
        }),
    );
}

fn advance_clock(mut clock: ResMut<SimClock>) {
    clock.tick += 1;
}

fn record(mut clock: ResMut<SimClock>, mut log: ResMut<EventLog>) {
    if clock.started && !clock.finished && clock.tick >= clock.end_tick {
        clock.finished = true;
        let t = clock.tick;
        log.push(t, clock.tick_s, "drill_ended", "drill".into(), json!({ "ticks": t }));
    }
    clock.ticking = clock.started;
    log.flush();
}
