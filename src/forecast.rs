//! The hazard's forecast for the projector and the instructor: when the
//! hazard will reach each village if nobody acts. Because the simulation is
//! deterministic, the forecast is simply the same drill (scenario, seed) run
//! ahead with every seat empty and the instructor's hazard orders given so
//! far (a breach, the slide, a fire, the wind) at their ticks: the first
//! time the hazard reaches a home of the village (water at the door above
//! the walking limit, a house struck by debris, a house alight). People do
//! not move the water, the debris or the fire, except by the works of
//! forces (sandbags, pumps, suppression), so the forecast is a fair "time
//! left" until someone changes the hazard itself.
//!
//! Owns: `Forecast`, `forecast`. May not touch: sim state (it runs its
//! own headless drill).

use crate::headless::{self, RunOptions};
use crate::roles::plans::NpcRoles;
use crate::scenario::Loaded;
use crate::sim::events::{Event, SimEvent};
use crate::sim::orders::{Command, Source};
use std::collections::BTreeMap;

/// When the hazard reaches each village (drill seconds; `None`: not in
/// this drill), in scenario order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Forecast {
    pub villages: Vec<(String, Option<u64>)>,
    /// The instructor's hazard orders it assumed.
    pub assumed: usize,
}

/// Whether `c` is an instructor order that changes the hazard.
pub fn changes_hazard(c: &Command) -> bool {
    use crate::scenario::schema::Action::*;
    c.source() == Source::Instructor
        && matches!(c.action(), BreachDike { .. } | TriggerLandslide | Ignite { .. } | SetWind { .. })
}

/// The first time the hazard reached a home of each village in `events`.
pub fn arrivals(loaded: &Loaded, events: &[Event]) -> Vec<(String, Option<u64>)> {
    let village_of: BTreeMap<String, usize> = loaded
        .scenario
        .villages
        .iter()
        .enumerate()
        .flat_map(|(vk, v)| crate::scenario::expand::households(v).into_iter().map(move |h| (h.id, vk)))
        .collect();
    let mut first: Vec<Option<u64>> = vec![None; loaded.scenario.villages.len()];
    for e in events {
        let h = match &e.event {
            SimEvent::HazardReachedHome { household, .. }
            | SimEvent::HouseDestroyed { household, .. }
            | SimEvent::HouseBurning { household, .. }
            | SimEvent::HouseholdExposed { household, .. } => household.as_str(),
            _ => continue,
        };
        if let Some(&vk) = village_of.get(h) {
            first[vk] = Some(first[vk].map_or(e.t, |t| t.min(e.t)));
        }
    }
    loaded.scenario.villages.iter().map(|v| v.id.clone()).zip(first).collect()
}

/// Runs the drill ahead with nobody acting and the instructor's hazard
/// orders among `commands`; the arrivals at each village.
pub fn forecast(loaded: &Loaded, seed: u64, commands: &[Command]) -> std::io::Result<Forecast> {
    let hazard: Vec<Command> = commands.iter().filter(|c| changes_hazard(c)).cloned().collect();
    let opts = RunOptions { seed: Some(seed), npc: NpcRoles::None, commands: hazard.clone(), ..Default::default() };
    let out = headless::run(loaded, &opts, &mut |_, _| {})?;
    Ok(Forecast { villages: arrivals(loaded, &out.events), assumed: hazard.len() })
}
