//! Wall time by model: where a headless run's time goes, phase by phase of
//! the tick (orders and plan followers, flood, landslide, fire, residents,
//! rescue teams, the observers, the log). `Laps::install` puts one marking
//! system between each pair of the tick's chained phases; each mark charges
//! the wall time since the previous mark to the phase that just ran.
//!
//! Measurement only: the marks read `std::time::Instant` and write nothing
//! but their own `Laps`, so a profiled run computes the same bits as an
//! unprofiled one (a test checks the event log). It sits above the sim and
//! is installed by the headless runner (`firstline run --profile`) or a
//! bench, never by a drill.
//!
//! At the end of a run it reads the clock and the flood solver's step
//! count, to say how many steps the flood took.
//!
//! May not touch: sim state (it only orders its marks against the tick's
//! sets, and reads).

use crate::sim::{Observe, SimSet, SimTick, Step};
use bevy::prelude::*;
use std::time::{Duration, Instant};

/// The phases wall time is charged to, in the order the tick runs them.
pub const PHASES: [&str; 11] = [
    "begin",
    "orders and plan followers",
    "flood",
    "landslide",
    "fire",
    "residents (crowd)",
    "rescue teams",
    "clock",
    "observers (hazards, gauges)",
    "injects",
    "event log",
];

/// Wall time charged to each of `PHASES` so far.
#[derive(Resource, Debug, Clone)]
pub struct Laps {
    last: Instant,
    pub spent: [Duration; PHASES.len()],
    /// Ticks run, and the flood solver's steps and cells (set at the end
    /// of a run, from the drill's state, when it has a flood).
    pub ticks: u64,
    pub flood_steps: Option<(u64, usize)>,
    /// The flood solver's cell-updates (fewer than steps × cells with local steps).
    pub flood_cell_steps: u64,
}

impl Default for Laps {
    fn default() -> Self {
        Laps {
            last: Instant::now(),
            spent: [Duration::ZERO; PHASES.len()],
            ticks: 0,
            flood_steps: None,
            flood_cell_steps: 0,
        }
    }
}

impl Laps {
    /// Adds the marks to the drill's tick schedule in `world` and a fresh
    /// `Laps` to read them from.
    pub fn install(world: &mut World) {
        world.insert_resource(Laps::default());
        world.schedule_scope(SimTick, |_, s| {
            s.add_systems((
                start.before(SimSet::Begin),
                mark::<0>.after(SimSet::Begin).before(SimSet::Commands),
                mark::<1>.after(SimSet::Commands).before(SimSet::Hazards),
                mark::<2>.in_set(SimSet::Hazards).after(Step::Flood).before(Step::Landslide),
                mark::<3>.in_set(SimSet::Hazards).after(Step::Landslide).before(Step::Fire),
                mark::<4>.after(SimSet::Hazards).before(SimSet::People),
                mark::<5>.after(SimSet::People).before(SimSet::Response),
                mark::<6>.after(SimSet::Response).before(SimSet::Clock),
                mark::<7>.after(SimSet::Clock).before(SimSet::Detect),
                mark::<8>.in_set(SimSet::Detect).after(Observe::Gauges).before(Observe::Drill),
                mark::<9>.after(SimSet::Detect).before(SimSet::Record),
                mark::<10>.after(SimSet::Record),
            ));
        });
    }

    /// All the time charged.
    pub fn total(&self) -> Duration {
        self.spent.iter().sum()
    }

    /// One line per phase that took any time: seconds and share of the
    /// total, in the tick's order.
    pub fn table(&self) -> String {
        let total = self.total().as_secs_f64().max(1e-9);
        let mut out = String::new();
        for (name, d) in PHASES.iter().zip(self.spent) {
            let s = d.as_secs_f64();
            if s > 0.0 {
                out.push_str(&format!("  {name:<28} {s:>9.3} s  {:>5.1} %\n", 100.0 * s / total));
            }
        }
        out.push_str(&format!("  {:<28} {:>9.3} s\n", "all phases", self.total().as_secs_f64()));
        let flood = self.spent[PHASES.iter().position(|p| *p == "flood").unwrap_or(0)].as_secs_f64();
        if let Some((steps, cells)) = self.flood_steps.filter(|_| flood > 0.0) {
            let per_tick = steps as f64 / self.ticks.max(1) as f64;
            let updates = self.flood_cell_steps as f64;
            let local = if self.flood_cell_steps < steps * cells as u64 {
                format!(
                    "; with local steps, {:.0} % of the cells a step",
                    100.0 * updates / (steps as f64 * cells as f64)
                )
            } else {
                String::new()
            };
            let rate = updates / flood / 1e6;
            out.push_str(&format!(
                "the flood solver took {steps} steps of {cells} cells ({per_tick:.2} a tick{local}): \
                 {rate:.1} M cell-updates per second of the flood phase\n"
            ));
        }
        out
    }

    /// Records the run's length and, when the drill has one, its flood
    /// solver's steps (`firstline run --profile` prints them).
    pub fn count(&mut self, world: &World) {
        self.ticks = world.get_resource::<crate::sim::SimClock>().map_or(0, |c| c.tick);
        let flood = world.get_resource::<crate::sim::flood::Flood>();
        self.flood_steps = flood.map(|f| (f.water.substeps, f.water.nx * f.water.ny));
        self.flood_cell_steps = flood.map_or(0, |f| f.water.cell_steps);
    }
}

fn start(mut laps: ResMut<Laps>) {
    laps.last = Instant::now();
}

fn mark<const I: usize>(mut laps: ResMut<Laps>) {
    let now = Instant::now();
    let since = now - laps.last;
    laps.spent[I] += since;
    laps.last = now;
}
