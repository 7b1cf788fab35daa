//! The headless face: runs a drill to its end as fast as the CPU allows,
//! running the same `DrillPlugins` the window uses tick by tick (the
//! `SimTick` schedule, called directly), then builds the report. It owns
//! the seats of the commands it is given (trainees' orders, or a recorded
//! run's), made by `Seat` before they reach it.
//!
//! May not touch: sim state (it reads the clock, gauges and log at the end).

use crate::drill::DrillPlugins;
use crate::record::atomic::PartialFile;
use crate::record::report::{REPORT_VERSION, Report, ScenarioRef, Summary};
use crate::roles::plans::{Competence, NpcRoles};
use crate::roles::triggers::Facts;
use crate::scenario::Loaded;
use crate::sim::events::{Event, EventLog, Sink};
use crate::sim::gauges::Gauges;
use crate::sim::orders::{Command, CommandQueue};
use crate::sim::{Drill, SimClock, SimTick, build_id};
use bevy::prelude::*;
use std::path::PathBuf;

/// Ticks run between progress calls.
const BATCH: u64 = 60;

/// How to run a drill.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// The scenario's seed when absent.
    pub seed: Option<u64>,
    /// Stop after this many drill seconds.
    pub until_s: Option<u32>,
    /// Write the event log here (atomically, via `<path>.partial`).
    pub log: Option<PathBuf>,
    /// Roles the software plays (all by default) and how well.
    pub npc: NpcRoles,
    pub competence: Competence,
    /// Commands to feed in (trainees' orders, or a recorded run's).
    pub commands: Vec<Command>,
}

/// What a run produced.
pub struct Outcome {
    pub report: Report,
    pub events: Vec<Event>,
}

/// Runs a drill. `progress(done_ticks, total_ticks)` is called between batches.
pub fn run(loaded: &Loaded, opts: &RunOptions, progress: &mut dyn FnMut(u64, u64)) -> std::io::Result<Outcome> {
    let seed = opts.seed.unwrap_or(loaded.scenario.meta.seed);
    let file = opts.log.as_deref().map(PartialFile::create).transpose()?;
    let sink: Option<Sink> = match &file {
        Some(f) => Some(Box::new(std::io::BufWriter::new(f.writer()?))),
        None => None,
    };
    let drill = Drill::new(loaded, seed);
    let log = EventLog::new(&drill.log_header(), sink);
    let mut app = build_app(drill, opts, log);
    loop {
        let world = app.world_mut();
        for _ in 0..BATCH {
            world.run_schedule(SimTick);
            if world.resource::<SimClock>().finished {
                break;
            }
        }
        let clock = app.world().resource::<SimClock>();
        progress(clock.tick, clock.end_tick);
        if clock.finished {
            break;
        }
    }
    let world = app.world_mut();
    let mut log = world.remove_resource::<EventLog>().expect("EventLog is inserted by build_app");
    drop(log.take_sink());
    if let Some(e) = log.error() {
        return Err(std::io::Error::other(format!("writing the event log failed: {e}")));
    }
    if let Some(f) = file {
        f.commit()?;
    }
    let report = build_report(world, loaded, seed, &log);
    Ok(Outcome { report, events: log.events().to_vec() })
}

/// A headless app with the whole drill, ready for `run_schedule(SimTick)`.
pub fn build_app(drill: Drill, opts: &RunOptions, log: EventLog) -> App {
    let mut app = drill_app(drill, opts, log);
    app.finish();
    app.cleanup();
    app
}

/// The drill's app before it is finished, for a face to add its own
/// plugins (a view, a window) before calling `finish` and `cleanup`.
pub fn drill_app(drill: Drill, opts: &RunOptions, log: EventLog) -> App {
    let mut app = App::new();
    app.insert_resource(log).add_plugins(DrillPlugins {
        drill,
        until_s: opts.until_s,
        npc: opts.npc.clone(),
        competence: opts.competence,
    });
    {
        let mut queue = app.world_mut().resource_mut::<CommandQueue>();
        for c in &opts.commands {
            queue.push(c.clone());
        }
    }
    app
}

fn build_report(world: &World, loaded: &Loaded, seed: u64, log: &EventLog) -> Report {
    let clock = world.resource::<SimClock>();
    let drill = world.resource::<Drill>();
    let s = &loaded.scenario;
    let facts = world.resource::<Facts>();
    Report {
        firstline_report: REPORT_VERSION,
        build: build_id(),
        scenario: ScenarioRef {
            id: s.meta.id.clone(),
            title_zh: s.meta.title.zh.clone(),
            title_en: s.meta.title.en.clone(),
            sha256: loaded.sha256.clone(),
        },
        seed,
        drill_seconds: clock.now_s(),
        ticks: clock.tick,
        complete: clock.now_s() >= s.meta.duration_s as u64,
        summary: Summary {
            villages: s.villages.len(),
            households: drill.households.len(),
            residents: drill.households.iter().map(|(_, h)| h.members.total() as u64).sum(),
            events: log.events().len(),
            injects_delivered: facts.delivered.iter().filter(|d| d.is_some()).count(),
        },
        gauges: world.resource::<Gauges>().series.clone(),
        scoring: crate::scoring::score(s, log.events()),
        event_log_sha256: log.sha256(),
    }
}
