//! The simulation: the core and the models, assembled by `SimPlugin`.
//!
//! The core: `tick` (drill data, clock, build id, the `SimTick` schedule and
//! its sets), `rng` (seeded streams), `events` (typed `SimEvent`s and
//! the log), `ids` (typed ids), `orders` (seats, the command queue, the
//! order book, the township's state), `exposure` (per-cell fields the hazards
//! publish), `roads` (the road graph and its state), `tasks` (work on scene),
//! `bed` (changes to the ground under the water), `gauges` and `view` (what
//! faces may draw), `snapshot` (copying the state out and back). The models — `flood`, `landslide`, `fire`, `crowd`,
//! `response` — import the core only, never a sibling and never this module.
//!
//! `SimTick` runs on a single-threaded executor with ambiguity detection as
//! an error, its sets chained in one place (`tick::configure_tick`).
//! Something must run it: the headless loop calls it directly; a window adds
//! `FixedDriver`, which runs it from `FixedUpdate`. Pacing belongs to the
//! face. Roles, drill control and faces sit above and are added by whoever
//! assembles the app (`drill::DrillPlugins`).
//!
//! May not touch: roles, drill, scoring, record, faces.

pub mod bed;
pub mod crowd;
pub mod events;
pub mod exposure;
pub mod fire;
pub mod flood;
pub mod gauges;
pub mod ids;
pub mod landslide;
pub mod orders;
pub mod response;
pub mod rng;
pub mod roads;
pub mod snapshot;
pub mod tasks;
pub mod tick;
pub mod tier;
pub mod view;

pub use tick::{CorePlugin, Drill, FixedDriver, Halt, Observe, SimClock, SimSet, SimTick, Step, build_id, run_tick};

use bevy::prelude::*;

/// The simulation of one drill: the core and every model (each model's
/// plugin does nothing when the drill has no slot for it). Roles and drill
/// control are added above it (`drill::DrillPlugins`).
pub struct SimPlugin {
    pub drill: Drill,
    /// Stop after this many drill seconds instead of the scenario's duration.
    pub until_s: Option<u32>,
}

impl Plugin for SimPlugin {
    fn build(&self, app: &mut App) {
        app.add_plugins((CorePlugin { drill: self.drill.clone(), until_s: self.until_s }, gauges::GaugePlugin));
        view::configure(app);
        app.add_plugins((
            response::ResponsePlugin,
            flood::FloodPlugin,
            landslide::LandslidePlugin,
            fire::FirePlugin,
            crowd::CrowdPlugin,
        ));
    }
}
