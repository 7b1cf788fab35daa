//! Triggers of plan steps and injects: what the drill has delivered so far
//! (`Facts`, written by the drill's injects), and whether a trigger holds
//! now. `Step` triggers are answered by the plan tracker; `Precursor`
//! triggers by what the landslide's patrols have seen, `RoadCleared` by the
//! roads its clearing teams have opened.
//!
//! Owns: `Facts`, `trigger_holds`. May not touch: models' state.

use crate::scenario::schema::{Trigger, WarningLevel};
use crate::sim::Drill;
use crate::sim::gauges::Gauges;
use crate::sim::landslide::Landslide;
use bevy::prelude::Resource;

/// What has reached the township so far.
#[derive(Resource, Debug, Clone, Default)]
pub struct Facts {
    /// Tick each inject (scenario order) reached its roles.
    pub delivered: Vec<Option<u64>>,
    /// Highest official warning the township has received.
    pub warning: Option<WarningLevel>,
}

/// Whether a trigger holds now. `Step` triggers are answered by the caller,
/// which knows the plan tracker; here they never hold.
pub fn trigger_holds(
    t: &Trigger,
    now_s: u64,
    gauges: &Gauges,
    facts: &Facts,
    landslide: Option<&Landslide>,
    drill: &Drill,
) -> bool {
    match t {
        Trigger::At(s) => now_s >= *s as u64,
        Trigger::GaugeAbove { gauge, value } => gauges.reading(gauge).is_some_and(|r| r > *value),
        Trigger::Inject(id) => drill
            .scenario
            .injects
            .iter()
            .position(|i| &i.id == id)
            .is_some_and(|k| facts.delivered.get(k).is_some_and(|d| d.is_some())),
        Trigger::Warning(level) => facts.warning.is_some_and(|w| w >= *level),
        Trigger::Precursor(id) => landslide.is_some_and(|l| l.observed.contains(id)),
        Trigger::RoadCleared(id) => landslide.is_some_and(|l| l.cleared.contains(id)),
        Trigger::Step(_) => false,
    }
}
