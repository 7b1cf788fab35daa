//! The after-action review's engine: a recorded drill replayed once with
//! keyframes (a snapshot of the whole state every `every` ticks), after
//! which the world at any tick is reached from the nearest keyframe before
//! it — the same world a straight run reaches at that tick, because the
//! run is deterministic and a snapshot holds all of its state. With
//! keyframes every 10 drill minutes a seek runs at most 600 ticks.
//!
//! Owns: `Seeker`. May not touch: sim state except through `Session`.

use crate::headless::{RunOptions, Session};
use crate::record::replay::Recorded;
use crate::scenario::Loaded;
use crate::sim::events::Event;
use crate::sim::snapshot::Snapshot;
use crate::sim::view::SimView;

/// A replayed drill that can be shown at any tick.
pub struct Seeker {
    session: Session,
    /// (tick, state after that tick), ascending.
    keys: Vec<(u64, Snapshot)>,
    /// Every event of the run (the first pass).
    events: Vec<Event>,
    last: u64,
    /// The run's report (at its end).
    report: crate::record::report::Report,
}

impl Seeker {
    /// Replays `recorded` from its seats (as `firstline replay` does), with a
    /// keyframe every `every` ticks; `progress(tick, last)` is called as it goes.
    pub fn new(
        loaded: &Loaded,
        recorded: &Recorded,
        every: u64,
        progress: &mut dyn FnMut(u64, u64),
    ) -> std::io::Result<Seeker> {
        let every = every.max(1);
        let opts = RunOptions::replaying(recorded);
        let mut session = Session::start(loaded, &opts, true)?;
        let total = opts.until_s.map_or(u64::MAX, |u| u as u64 / loaded.scenario.meta.tick_s.max(1) as u64);
        let pause = opts.pause_at_s;
        let mut keys = Vec::new();
        session.step();
        keys.push((session.clock().tick, session.snapshot()));
        loop {
            if pause.is_some_and(|p| session.clock().now_s() > p) {
                break;
            }
            let tick = session.clock().tick;
            let next_key = tick + 1 >= keys.last().map_or(0, |k| k.0) + every;
            let going = if next_key { session.step() } else { session.step_unviewed() };
            if next_key {
                keys.push((session.clock().tick, session.snapshot()));
                progress(session.clock().tick, total);
            }
            if !going {
                break;
            }
        }
        let last = session.clock().tick;
        let events = session.events().to_vec();
        let report = session.report();
        let mut s = Seeker { session, keys, events, last, report };
        // The last tick's view (its step may have run unviewed) as a keyframe too.
        if s.keys.last().is_some_and(|k| k.0 != last) {
            s.seek(last);
            let snap = s.session.snapshot();
            s.keys.push((last, snap));
        }
        Ok(s)
    }

    /// The run's report, as its end stood.
    pub fn report(&self) -> &crate::record::report::Report {
        &self.report
    }

    /// The gauges' series up to where the seeker stands.
    pub fn series(&self) -> &[crate::sim::gauges::GaugeSeries] {
        &self.session.world().resource::<crate::sim::gauges::Gauges>().series
    }

    /// The last tick of the run.
    pub fn last_tick(&self) -> u64 {
        self.last
    }

    /// Every event of the run.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The ticks that hold keyframes.
    pub fn keyframes(&self) -> Vec<u64> {
        self.keys.iter().map(|k| k.0).collect()
    }

    /// The world's view after tick `tick` (clamped to the run): the nearest
    /// keyframe at or before it, then the ticks between.
    pub fn seek(&mut self, tick: u64) -> &SimView {
        let tick = tick.clamp(self.keys.first().map_or(0, |k| k.0), self.last);
        let k = self.keys.partition_point(|k| k.0 <= tick).saturating_sub(1);
        let (at, snap) = (&self.keys[k].0, &self.keys[k].1);
        let restored = self.session.restore(snap);
        debug_assert!(restored, "a review's session writes no file");
        let mut now = *at;
        while now < tick {
            let going = if now + 1 == tick { self.session.step() } else { self.session.step_unviewed() };
            now = self.session.clock().tick;
            if !going {
                break;
            }
        }
        self.view()
    }

    /// The view where the seeker stands.
    pub fn view(&self) -> &SimView {
        self.session.world().resource::<SimView>()
    }

    /// The tick where the seeker stands.
    pub fn tick(&self) -> u64 {
        self.session.clock().tick
    }
}
