//! The headless face: runs a drill to its end as fast as the CPU allows,
//! running the same `DrillPlugins` the window uses tick by tick (the
//! `SimTick` schedule, called directly), then builds the report. It owns
//! the seats of the commands it is given (trainees' orders, or a recorded
//! run's), made by `Seat` before they reach it.
//!
//! `Session` is the one way any face runs a drill: the window and a
//! network host step it at their own pace and submit through their seats.
//!
//! May not touch: sim state (it reads the clock, gauges and log at the end).

use crate::drill::DrillPlugins;
use crate::record::outputs::Outputs;
use crate::record::report::{REPORT_VERSION, Report, ScenarioRef, Summary};
use crate::roles::plans::{Competence, NpcRoles};
use crate::roles::triggers::Facts;
use crate::scenario::Loaded;
use crate::scenario::schema::Action;
use crate::sim::events::{Event, EventLog, Sink};
use crate::sim::gauges::Gauges;
use crate::sim::orders::{Command, CommandQueue, Seat};
use crate::sim::view::ViewPlugin;
use crate::sim::{Drill, SimClock, SimTick, build_id};
use bevy::prelude::*;
use std::path::PathBuf;

pub mod profile;
pub use profile::Laps;

/// Ticks run between progress calls.
const BATCH: u64 = 60;

/// Makes the calling thread worker 0 of rayon's global pool, for a process
/// that runs its drill on this thread (`firstline run`, the drill bench):
/// the models' parallel passes then start on it at once, beside one pool
/// thread per other core. Otherwise it hands each pass to the pool's own
/// threads and sleeps until they are done, and on two cores three threads
/// take turns (the pool's spinning for work between passes slowed this
/// thread's serial work): the township's first two hours took 22.7–23.6 s
/// this way against 24.7–25.1 s in the same session, the same bits. Not
/// for the window, whose systems call rayon from Bevy's own threads: its
/// main thread would be a worker that never takes work. Call it before
/// anything uses rayon; later it does nothing and returns false.
pub fn work_on_this_thread() -> bool {
    rayon::ThreadPoolBuilder::new().use_current_thread().build_global().is_ok()
}

/// Runs `f` on this thread while the pool's other workers stay awake and
/// take the parallel passes' work as soon as this thread splits it off,
/// instead of going to sleep in the serial stretches between passes and
/// being woken for each one (a futex wake and a reschedule each, which is
/// what kept the second core idle for half a township's run: a tick has
/// tens of passes of a few hundred microseconds). Only where this thread
/// is rayon's worker 0 (`work_on_this_thread`: `firstline run`, replays,
/// the drill bench); elsewhere (a window, the tests' threads) `f` just
/// runs. The other workers spin while `f` runs: a headless run has the
/// machine to itself. Nothing a drill computes depends on which thread
/// does which part (`tests/determinism.rs`, 1 vs 2 threads).
pub fn with_pool_awake<R>(f: impl FnOnce() -> R) -> R {
    // Pauses between looks for work: a spinner polling this thread's
    // deque without a break keeps its lines moving between the cores (the
    // township's first 2 h: 16.75-17.65 s with 32 pauses, 17.19-17.76 s
    // with one, same session, alternating).
    const SPIN: u32 = 32;
    use std::sync::atomic::{AtomicBool, Ordering};
    if rayon::current_thread_index() != Some(0) || rayon::current_num_threads() < 2 {
        return f();
    }
    let busy = AtomicBool::new(true);
    // Whether `f` returns or unwinds, the spinners stop.
    struct Done<'a>(&'a AtomicBool);
    impl Drop for Done<'_> {
        fn drop(&mut self) {
            self.0.store(false, Ordering::Release);
        }
    }
    rayon::in_place_scope(|s| {
        for _ in 1..rayon::current_num_threads() {
            s.spawn(|_| {
                // Popped back by this thread itself (waiting on a pass):
                // it has nobody to keep awake.
                if rayon::current_thread_index() == Some(0) {
                    return;
                }
                while busy.load(Ordering::Acquire) {
                    if rayon::yield_now() != Some(rayon::Yield::Executed) {
                        for _ in 0..SPIN {
                            std::hint::spin_loop();
                        }
                    }
                }
            });
        }
        let _done = Done(&busy);
        f()
    })
}

/// How to run a drill.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// The scenario's seed when absent.
    pub seed: Option<u64>,
    /// Stop after this many drill seconds.
    pub until_s: Option<u32>,
    /// Write the event log here (atomically, via `<path>.partial`).
    pub log: Option<PathBuf>,
    /// Write the report here, committed together with the log
    /// (`record::outputs`).
    pub report: Option<PathBuf>,
    /// Files the outputs must not replace (the scenario, a replayed log).
    pub inputs: Vec<PathBuf>,
    /// Roles the software plays (all by default) and how well.
    pub npc: NpcRoles,
    pub competence: Competence,
    /// Commands to feed in (trainees' orders, or a recorded run's).
    pub commands: Vec<Command>,
    /// Stop once every event of this drill second is in, before the drill's end
    /// (a partial replay); the drill keeps its duration.
    pub pause_at_s: Option<u64>,
    /// This run is a branch of another (written into the log's header).
    pub branch: Option<crate::sim::events::BranchOf>,
}

impl RunOptions {
    /// The run that replays a recorded log: its seed and duration, the
    /// software playing the roles it played at the same competence, the
    /// other seats' orders from the log; a log without its end runs to its
    /// last event.
    pub fn replaying(recorded: &crate::record::replay::Recorded) -> Self {
        let complete = recorded.ended_s.is_some();
        RunOptions {
            seed: Some(recorded.header.seed),
            until_s: recorded.duration_s().map(|d| d.min(u32::MAX as u64) as u32),
            pause_at_s: (!complete).then(|| recorded.last_s()),
            log: None,
            report: None,
            inputs: Vec::new(),
            npc: NpcRoles::Only(recorded.header.plan_followers.iter().map(|r| r.to_string()).collect()),
            competence: recorded.header.competence,
            commands: recorded.commands.clone(),
            branch: recorded.header.branch.clone(),
        }
    }
}

/// What a run produced.
pub struct Outcome {
    pub report: Report,
    pub events: Vec<Event>,
}

/// One drill being run by a face: the sim world (stepped tick by tick with
/// `step`), its outputs opened before the first tick, and the seats' way in
/// (`submit`). The headless runner, the window and a network host each own
/// one; none of them touches sim state except through `submit`.
pub struct Session {
    world: World,
    outputs: Option<Outputs>,
    loaded: Loaded,
    seed: u64,
}

impl Session {
    /// Checks and opens the outputs (an `InvalidInput` error when a path
    /// collides or is a folder) and builds the drill. `view`: keep `SimView`
    /// filled for a face that draws it.
    pub fn start(loaded: &Loaded, opts: &RunOptions, view: bool) -> std::io::Result<Session> {
        let seed = opts.seed.unwrap_or(loaded.scenario.meta.seed);
        let inputs: Vec<&std::path::Path> = opts.inputs.iter().map(PathBuf::as_path).collect();
        let outputs = Outputs::open(opts.log.as_deref(), opts.report.as_deref(), &inputs)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        let sink: Option<Sink> = match outputs.log_writer() {
            Ok(Some(f)) => Some(Box::new(std::io::BufWriter::new(f))),
            Ok(None) => None,
            Err(e) => {
                outputs.discard();
                return Err(e);
            }
        };
        let drill = Drill::new(loaded, seed);
        let mut header = drill.log_header();
        header.plan_followers = opts.npc.resolve(&loaded.scenario);
        header.competence = opts.competence;
        header.branch = opts.branch.clone();
        let log = EventLog::new(&header, sink);
        let mut app = drill_app(drill, opts, log);
        if view {
            app.add_plugins(ViewPlugin);
        }
        app.finish();
        app.cleanup();
        // The drill runs in its own world, through its `SimTick` schedule
        // (kept in the world); the face's app, if any, is another.
        let world = std::mem::take(app.world_mut());
        Ok(Session { world, outputs: Some(outputs), loaded: loaded.clone(), seed })
    }

    /// Runs one tick unless the drill is over; false once it is.
    pub fn step(&mut self) -> bool {
        if self.clock().finished {
            return false;
        }
        self.world.run_schedule(SimTick);
        !self.clock().finished
    }

    /// Runs one tick without filling the view (a face fast-forwarding fills
    /// it on the last tick of a frame only); the drill is the same either
    /// way. False once the drill is over.
    pub fn step_unviewed(&mut self) -> bool {
        let view = self.world.remove_resource::<crate::sim::view::SimView>();
        let going = self.step();
        if let Some(v) = view {
            self.world.insert_resource(v);
        }
        going
    }

    pub fn clock(&self) -> &SimClock {
        self.world.resource::<SimClock>()
    }

    /// The report of the run as it stands (no file is written).
    pub fn report(&self) -> Report {
        let log = self.world.resource::<EventLog>();
        build_report(&self.world, &self.loaded, self.seed, log)
    }

    /// A copy of the drill's whole state now (`sim::snapshot`).
    pub fn snapshot(&self) -> crate::sim::snapshot::Snapshot {
        crate::sim::snapshot::take(&self.world)
    }

    /// Puts back a state this session's drill was in; refused (false) for
    /// a session writing a log file, which cannot take lines back.
    pub fn restore(&mut self, s: &crate::sim::snapshot::Snapshot) -> bool {
        crate::sim::snapshot::put(&mut self.world, s)
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn loaded(&self) -> &Loaded {
        &self.loaded
    }

    /// The sim world, read-only: views (`SimView`, `roles::view::role_view`).
    pub fn world(&self) -> &World {
        &self.world
    }

    /// An order from `seat`, applied at the next tick that runs.
    pub fn submit(&mut self, seat: &Seat, action: Action) {
        let tick = self.clock().tick;
        self.world.resource_mut::<CommandQueue>().submit(seat, tick, action);
    }

    /// A command a seat made earlier, at its own tick (a recorded order,
    /// fed to a run that follows another's log).
    pub fn push(&mut self, c: Command) {
        self.world.resource_mut::<CommandQueue>().push(c);
    }

    /// The events logged so far.
    pub fn events(&self) -> &[Event] {
        self.world.resource::<EventLog>().events()
    }

    /// Ends the run where it stands: flushes the log, scores what happened
    /// and commits the log and the report together.
    pub fn finish(mut self) -> std::io::Result<Outcome> {
        let outputs = self.outputs.take().expect("outputs are taken only here");
        let mut log = self.world.remove_resource::<EventLog>().expect("EventLog is inserted by drill_app");
        drop(log.take_sink());
        if let Some(e) = log.error() {
            outputs.discard();
            return Err(std::io::Error::other(format!("writing the event log failed: {e}")));
        }
        let report = build_report(&self.world, &self.loaded, self.seed, &log);
        outputs.commit(report.to_json().as_bytes())?;
        Ok(Outcome { report, events: log.events().to_vec() })
    }
}

/// Runs a drill. `progress(done_ticks, total_ticks)` is called between
/// batches. The outputs are checked and opened before the first tick (an
/// `InvalidInput` error when a path collides or is a folder) and committed
/// together at the end, before this returns.
pub fn run(loaded: &Loaded, opts: &RunOptions, progress: &mut dyn FnMut(u64, u64)) -> std::io::Result<Outcome> {
    let mut session = Session::start(loaded, opts, false)?;
    drive(&mut session, opts, progress);
    session.finish()
}

/// `run`, with the wall time each phase of the tick took (`profile`).
pub fn run_profiled(
    loaded: &Loaded,
    opts: &RunOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> std::io::Result<(Outcome, Laps)> {
    let mut session = Session::start(loaded, opts, false)?;
    Laps::install(&mut session.world);
    drive(&mut session, opts, progress);
    let mut laps = session.world.remove_resource::<Laps>().unwrap_or_default();
    laps.count(&session.world);
    Ok((session.finish()?, laps))
}

/// Steps `session` to its end (or `opts.pause_at_s`) in batches.
fn drive(session: &mut Session, opts: &RunOptions, progress: &mut dyn FnMut(u64, u64)) {
    let paused = |c: &SimClock| c.started && opts.pause_at_s.is_some_and(|p| c.now_s() > p);
    with_pool_awake(|| {
        loop {
            for _ in 0..BATCH {
                let going = session.step();
                if !going || paused(session.clock()) {
                    break;
                }
            }
            let clock = session.clock();
            progress(clock.tick, clock.end_tick);
            if clock.finished || paused(clock) {
                break;
            }
        }
    })
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

#[cfg(test)]
mod tests {
    use super::with_pool_awake;
    use rayon::prelude::*;

    /// On worker 0 of a two-thread pool (as `firstline run` sets it up)
    /// the passes inside give what one thread gives, a panic inside comes
    /// out instead of leaving the other worker spinning for ever, and the
    /// pool is kept awake again afterwards.
    #[test]
    fn the_pool_kept_awake_computes_stops_and_lets_a_panic_out() {
        std::thread::spawn(|| {
            // The registry of a pool built on the current thread is leaked
            // (rayon's rule); this thread ends with the test.
            let _pool = rayon::ThreadPoolBuilder::new().num_threads(2).use_current_thread().build().unwrap();
            assert_eq!(rayon::current_thread_index(), Some(0));
            let serial: u64 = (0..200_000u64).map(|k| k * k % 7).sum();
            let pass = || (0..200_000u64).into_par_iter().map(|k| k * k % 7).sum::<u64>();
            assert_eq!(with_pool_awake(|| (0..50).map(|_| pass()).collect::<Vec<_>>()), vec![serial; 50]);
            let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                with_pool_awake(|| {
                    pass();
                    panic!("a drill gone wrong")
                })
            }));
            assert!(caught.is_err());
            assert_eq!(with_pool_awake(pass), serial);
        })
        .join()
        .unwrap();
    }
}
