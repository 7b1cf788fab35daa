//! The sim core's heart: the drill's immutable data (`Drill`), the clock,
//! the build id, the `SimTick` schedule with its phases (`SimSet`) and the
//! order of the hazards and observers inside them (`Step`, `Observe`),
//! declared in one place, and `CorePlugin`, which inserts the core's
//! resources. Models import this module and the other core modules, never
//! `sim` itself (which assembles them).
//!
//! May not touch: models, roles, drill, scoring, record, faces.

use super::events::{EVENT_LOG_VERSION, EventLog, LogHeader, SimEvent};
use super::rng::RngStreams;
use super::{bed, exposure, orders, roads, tasks};
use crate::scenario::Loaded;
use crate::scenario::expand;
use crate::scenario::schema::{Household, Scenario};
use crate::scenario::terrain::TerrainGrid;
use crate::scenario::walk::WalkMask;
use bevy::ecs::schedule::{LogLevel, ScheduleBuildSettings, ScheduleLabel, SingleThreadedExecutor};
use bevy::prelude::*;
use std::sync::Arc;

/// Build identity recorded in logs and reports: the version and the target
/// triple. A replay is checked with the same build: transcendentals come
/// from libm everywhere, but rapier's contact solver is repeatable only for
/// the same compiled code.
pub fn build_id() -> String {
    format!("firstline {} ({})", env!("CARGO_PKG_VERSION"), env!("FIRSTLINE_TARGET"))
}

/// One run of this schedule is one tick of the drill.
#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
pub struct SimTick;

/// The phases of one tick, run in this order (chained).
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub enum SimSet {
    /// Once, before the first tick: initial state and readings.
    Begin,
    /// Orders from trainees, plan followers and the instructor.
    Commands,
    /// Flood, landslide and fire advance one tick and publish exposure.
    Hazards,
    /// Residents hear, decide, move and are harmed.
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

/// Order of the hazards inside `SimSet::Hazards` and of the observers
/// inside `SimSet::Detect` (one place, so no model names a sibling).
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub enum Step {
    Flood,
    Landslide,
    Fire,
}

#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub enum Observe {
    Flood,
    Landslide,
    Fire,
    Gauges,
    /// Injects and drill control (above the sim).
    Drill,
}

/// The drill clock in whole ticks.
#[derive(Resource, Debug, Clone, PartialEq, Eq)]
pub struct SimClock {
    /// Completed ticks.
    pub tick: u64,
    pub tick_s: u32,
    /// The drill ends when `tick == end_tick`.
    pub end_tick: u64,
    /// The first run has set up the drill and read tick 0.
    pub started: bool,
    /// Ticks advance (from the second run on).
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
    /// The walkers' grid: where people on foot can go (rivers, walls, doors).
    pub walk: Arc<WalkMask>,
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
            walk: Arc::new(WalkMask::build(&loaded.scenario.map, &loaded.terrain)),
            households: Arc::new(households),
            seed,
        }
    }

    /// The header of this drill's event log, with the roles the software
    /// plays (none here; the face that seats the followers names them).
    pub fn log_header(&self) -> LogHeader {
        LogHeader {
            firstline_event_log: EVENT_LOG_VERSION,
            build: build_id(),
            scenario: self.scenario.meta.id.clone(),
            scenario_sha256: self.scenario_sha256.clone(),
            seed: self.seed,
            plan_followers: Vec::new(),
            competence: Default::default(),
            branch: None,
        }
    }
}

/// The core of one drill: clock, streams, roads, orders, exposure, tasks,
/// bed changes and the `SimTick` schedule with its sets. Inserts an
/// in-memory `EventLog` unless the face inserted one (with a sink) first.
pub struct CorePlugin {
    pub drill: Drill,
    /// Stop after this many drill seconds instead of the scenario's duration.
    pub until_s: Option<u32>,
}

fn running(clock: Res<SimClock>) -> bool {
    clock.ticking && !clock.finished
}

fn not_started(clock: Res<SimClock>) -> bool {
    !clock.started
}

fn started(clock: Res<SimClock>) -> bool {
    clock.started
}

/// The `SimTick` schedule: one thread, ambiguity an error, the phases and
/// the hazards' order chained.
fn configure_tick(app: &mut App) {
    let mut schedule = Schedule::new(SimTick);
    // One thread runs the tick: the phases are chained anyway, kernels
    // parallelise inside themselves, and any ambiguity in system order is a
    // build error rather than a source of run-to-run differences.
    schedule.set_executor(SingleThreadedExecutor::new());
    schedule.set_build_settings(ScheduleBuildSettings { ambiguity_detection: LogLevel::Error, ..default() });
    app.add_schedule(schedule);
    app.configure_sets(
        SimTick,
        (
            SimSet::Begin.run_if(not_started),
            SimSet::Commands.run_if(running),
            SimSet::Hazards.run_if(running),
            SimSet::People.run_if(running),
            SimSet::Response.run_if(running),
            SimSet::Clock.run_if(running),
            SimSet::Detect.run_if(started),
            SimSet::Record,
        )
            .chain(),
    );
    app.configure_sets(SimTick, (Step::Flood, Step::Landslide, Step::Fire).chain().in_set(SimSet::Hazards));
    app.configure_sets(
        SimTick,
        (Observe::Flood, Observe::Landslide, Observe::Fire, Observe::Gauges, Observe::Drill)
            .chain()
            .in_set(SimSet::Detect),
    );
}

impl Plugin for CorePlugin {
    fn build(&self, app: &mut App) {
        let meta = &self.drill.scenario.meta;
        let duration = self.until_s.map_or(meta.duration_s, |u| u.min(meta.duration_s));
        let tick_s = meta.tick_s.max(1);
        if !app.world().contains_resource::<EventLog>() {
            app.insert_resource(EventLog::new(&self.drill.log_header(), None));
        }
        app.insert_resource(SimClock {
            tick: 0,
            tick_s,
            end_tick: (duration / tick_s) as u64,
            started: false,
            ticking: false,
            finished: false,
        })
        .insert_resource(RngStreams::new(self.drill.seed))
        .insert_resource(roads::RoadGraph::new(&self.drill.scenario.map))
        .insert_resource(self.drill.clone())
        .init_resource::<orders::CommandQueue>()
        .init_resource::<orders::OrderBook>()
        .init_resource::<orders::Township>()
        .init_resource::<exposure::Exposure>()
        .init_resource::<tasks::Tasks>()
        .init_resource::<bed::BedChanges>()
        .init_resource::<Halt>();
        use super::snapshot::{register, register_log};
        register_log(app);
        register::<SimClock>(app);
        register::<RngStreams>(app);
        register::<roads::RoadGraph>(app);
        register::<orders::CommandQueue>(app);
        register::<orders::OrderBook>(app);
        register::<orders::Township>(app);
        register::<exposure::Exposure>(app);
        register::<tasks::Tasks>(app);
        register::<bed::BedChanges>(app);
        register::<Halt>(app);
        configure_tick(app);
        app.add_systems(SimTick, begin.in_set(SimSet::Begin))
            .add_systems(SimTick, advance_clock.in_set(SimSet::Clock))
            .add_systems(SimTick, record.in_set(SimSet::Record));
    }
}

/// Runs `SimTick` once per `FixedUpdate` with a fixed timestep of one tick
/// of drill time. A face changes the pace through `Time<Virtual>` (pause,
/// relative speed); up to `MAX_TICKS_PER_FRAME` ticks run in one frame
/// (×600 at 10 frames a second with 1 s ticks), more are dropped rather
/// than piled up. Needs Bevy's time plugin (`MinimalPlugins` or
/// `DefaultPlugins`), in any order.
pub struct FixedDriver;

/// The most ticks one frame runs.
pub const MAX_TICKS_PER_FRAME: u32 = 60;

impl Plugin for FixedDriver {
    fn build(&self, app: &mut App) {
        app.add_systems(FixedUpdate, run_tick);
    }

    fn finish(&self, app: &mut App) {
        let tick_s = app.world().get_resource::<SimClock>().map_or(1, |c| c.tick_s) as f64;
        app.insert_resource(Time::<Fixed>::from_seconds(tick_s));
        if let Some(mut v) = app.world_mut().get_resource_mut::<Time<Virtual>>() {
            v.set_max_delta(std::time::Duration::from_secs_f64(tick_s * MAX_TICKS_PER_FRAME as f64));
        }
    }
}

/// Runs one tick (the `SimTick` schedule) unless the drill is over.
pub fn run_tick(world: &mut World) {
    if world.get_resource::<SimClock>().is_some_and(|c| !c.finished) {
        world.run_schedule(SimTick);
    }
}

fn begin(mut clock: ResMut<SimClock>, drill: Res<Drill>, mut log: ResMut<EventLog>) {
    clock.started = true;
    let s = &drill.scenario;
    let people: u64 = drill.households.iter().map(|(_, h)| h.members.total() as u64).sum();
    log.push(
        0,
        clock.tick_s,
        SimEvent::DrillStarted {
            scenario: s.meta.id.clone(),
            duration_s: clock.end_tick * clock.tick_s as u64,
            tick_s: clock.tick_s,
            households: drill.households.len(),
            residents: people,
        },
    );
}

fn advance_clock(mut clock: ResMut<SimClock>) {
    clock.tick += 1;
}

/// A model that cannot go on (a solver that stalled) asks the drill to stop:
/// the tick ends, `drill_ended` is logged, and the report says the drill is
/// not complete. The model logs why first.
#[derive(Resource, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Halt {
    pub requested: bool,
}

impl Halt {
    pub fn request(&mut self) {
        self.requested = true;
    }
}

pub(crate) fn record(mut clock: ResMut<SimClock>, halt: Res<Halt>, mut log: ResMut<EventLog>) {
    if clock.started && !clock.finished && (clock.tick >= clock.end_tick || halt.requested) {
        clock.finished = true;
        let t = clock.tick;
        log.push(t, clock.tick_s, SimEvent::DrillEnded { ticks: t });
    }
    clock.ticking = clock.started;
    log.flush();
}
