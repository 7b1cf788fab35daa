//! Firstline (基层应急演练仿真系统): a township emergency drill and
//! competency simulator.
//!
//! Module map:
//! - `scenario`: the RON scenario language — schema, loading with
//!   file:line:column diagnostics, meaning checks.
//! - `sim`: `SimPlugin` — clock, seeded streams, terrain, event log, gauges
//!   and the ordered `FixedUpdate` schedule; hazard and people models plug
//!   into its sets.
//! - `drill`: injects and official warnings.
//! - `roles`: roles and their rights.
//! - `record`: reports and atomic files.
//! - `headless`: the headless runner behind `firstline run`.
//! - `geom`: plane geometry shared by the above.

pub mod drill;
pub mod geom;
pub mod headless;
pub mod record;
pub mod roles;
pub mod scenario;
pub mod scoring;
pub mod sim;
