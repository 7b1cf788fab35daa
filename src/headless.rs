//! The headless face: runs a drill to its end as fast as the CPU allows,
//! driving the same `SimPlugin` the GUI uses through `FixedUpdate` with a
//! fixed number of ticks per `App::update`, then builds the report.

use crate::drill::InjectState;
use crate::record::atomic::PartialFile;
use crate::record::report::{REPORT_VERSION, Report, ScenarioRef, Summary};
use crate::roles::commands::{Command, CommandQueue};
use crate::roles::plans::{Competence, NpcRoles};
use crate::scenario::Loaded;
use crate::sim::events::{EVENT_LOG_VERSION, Event, EventLog, LogHeader};
use crate::sim::gauges::Gauges;
use crate::sim::{Drill, SimClock, SimPlugin, build_id};
use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use std::path::PathBuf;
use std::time::Duration;

/// Ticks simulated per `App::update`.
const BATCH: u32 = 60;

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
    let header = LogHeader {
        firstline_event_log: EVENT_LOG_VERSION,
        build: build_id(),
        scenario: loaded.scenario.meta.id.clone(),
        scenario_sha256: loaded.sha256.clone(),
        seed,
    };
    let file = opts.log.as_deref().map(PartialFile::create).transpose()?;
    let sink: Option<Box<dyn std::io::Write + Send + Sync>> = match &file {
        Some(f) => Some(Box::new(std::io::BufWriter::new(f.writer()?))),
        None => None,
    };
    let drill = Drill::new(loaded, seed);
    let mut app = build_app(drill, opts, EventLog::new(&header, sink));
    loop {
        app.update();
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

/// A headless app with the simulation, ready for `update()`.
pub fn build_app(drill: Drill, opts: &RunOptions, log: EventLog) -> App {
    let tick_s = drill.scenario.meta.tick_s.max(1) as u64;
    let mut app = App::new();
    app.add_plugins(MinimalPlugins)
        .insert_resource(TimeUpdateStrategy::FixedTimesteps(BATCH))
        .insert_resource(log)
        .add_plugins(SimPlugin { drill, until_s: opts.until_s, npc: opts.npc.clone(), competence: opts.competence });
    app.world_mut().resource_mut::<Time<Virtual>>().set_max_delta(Duration::from_secs(tick_s * BATCH as u64 + 1));
    {
        let mut queue = app.world_mut().resource_mut::<CommandQueue>();
        for c in &opts.commands {
            queue.push(c.clone());
        }
    }
    app.finish();
    app.cleanup();
    app
}

fn build_report(world: &World, loaded: &Loaded, seed: u64, log: &EventLog) -> Report {
    let clock = world.resource::<SimClock>();
    let drill = world.resource::<Drill>();
    let s = &loaded.scenario;
    let injects = world.resource::<InjectState>();
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
            injects_delivered: injects.delivered.iter().filter(|d| d.is_some()).count(),
        },
        gauges: world.resource::<Gauges>().series.clone(),
        scoring: crate::scoring::score(s, log.events()),
        event_log_sha256: log.sha256(),
    }
}
