//! Firstline (基层应急演练仿真系统): a township emergency drill and
//! competency simulator.
//!
//! Layers, bottom to top (imports point down only; `tests/layers.rs`
//! checks it):
//! - math: `geom` (plane geometry), `dist` (seeded distributions, libm).
//! - `scenario`: the RON scenario language — schema, loading with
//!   file:line:column diagnostics, meaning checks, terrain, fuel catalogue,
//!   permission table.
//! - `sim`: the core (clock, `SimTick` schedule, typed events, seats and
//!   orders, exposure, roads, tasks, gauges, views) and the models (flood,
//!   landslide, fire, crowd, response), each importing the core only.
//! - `roles`: the rights gate, inboxes, triggers, plan followers, role views.
//! - `drill`: injects and warnings; `DrillPlugins` assembles a drill.
//! - `scoring`: scenario + event log → scorecard; `record`: reports, atomic
//!   files, replay.
//! - `i18n`: the words of the window and the reports (`assets/i18n`).
//! - faces: `headless` (`Session`, behind `firstline run`), `forecast`
//!   (when the hazard reaches each village if nobody acts), `review` (a
//!   recorded drill shown at any tick, from keyframes), `inspect`
//!   (an author's map summary and picture), `import` (a township from
//!   an elevation model and OpenStreetMap), `sweep`
//!   (many seeds and competences, `firstline sweep`), `gui` (the
//!   window, feature `gui`) and the CLI in `main.rs`.

pub mod assess;
pub mod certify;
pub mod dist;
pub mod drill;
pub mod forecast;
pub mod geom;
#[cfg(feature = "gui")]
pub mod gui;
pub mod headless;
pub mod i18n;
pub mod import;
pub mod inspect;
pub mod net;
pub mod record;
pub mod review;
pub mod roles;
pub mod scenario;
pub mod scoring;
pub mod sim;
pub mod sweep;
