//! Drill control: injects (timed and conditional messages to roles) and the
//! official warnings they carry, live injects the instructor sends, and the
//! assembly of a whole drill (`DrillPlugins`: the simulation, the roles and
//! the injects) that every face adds.
//!
//! Owns: `InjectState`. Writes the roles' inboxes and trigger facts. May
//! not touch: models' state.

use crate::roles::RolesPlugin;
use crate::roles::inbox::Inboxes;
use crate::roles::plans::{Competence, NpcRoles, PlanTracker};
use crate::roles::triggers::{Facts, trigger_holds};
use crate::scenario::schema::Trigger;
use crate::sim::events::{EventLog, SimEvent};
use crate::sim::gauges::Gauges;
use crate::sim::ids::{InjectId, RoleId};
use crate::sim::landslide::Landslide;
use crate::sim::orders::Township;
use crate::sim::rng::RngStreams;
use crate::sim::{Drill, Observe, SimClock, SimPlugin, SimTick};
use bevy::app::{PluginGroup, PluginGroupBuilder};
use bevy::prelude::*;
use rand::RngExt;

/// Where each inject stands.
#[derive(Resource, Debug, Clone, Default)]
pub struct InjectState {
    /// Trigger met, per inject (scenario order).
    pub fired: Vec<bool>,
    /// `(delivery tick, inject index)` waiting to be delivered.
    pending: Vec<(u64, usize)>,
}

pub struct InjectPlugin;

impl Plugin for InjectPlugin {
    fn build(&self, app: &mut App) {
        crate::sim::snapshot::register::<InjectState>(app);
        app.init_resource::<InjectState>().add_systems(SimTick, injects.in_set(Observe::Drill));
    }
}

/// A whole drill: the simulation, the roles (rights gate, inboxes, plan
/// followers for the roles `npc` names, at `competence`) and the injects.
pub struct DrillPlugins {
    pub drill: Drill,
    pub until_s: Option<u32>,
    pub npc: NpcRoles,
    pub competence: Competence,
}

impl PluginGroup for DrillPlugins {
    fn build(self) -> PluginGroupBuilder {
        PluginGroupBuilder::start::<Self>()
            .add(SimPlugin { drill: self.drill, until_s: self.until_s })
            .add(RolesPlugin { npc: self.npc, competence: self.competence })
            .add(InjectPlugin)
    }
}

#[allow(clippy::too_many_arguments)]
fn injects(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    gauges: Res<Gauges>,
    landslide: Option<Res<Landslide>>,
    mut st: ResMut<InjectState>,
    mut facts: ResMut<Facts>,
    mut rng: ResMut<RngStreams>,
    mut log: ResMut<EventLog>,
    tracker: Res<PlanTracker>,
    mut inbox: ResMut<Inboxes>,
    town: Res<Township>,
) {
    let list = &drill.scenario.injects;
    if st.fired.len() != list.len() {
        st.fired = vec![false; list.len()];
        facts.delivered = vec![None; list.len()];
    }
    let now = clock.now_s();
    let tick_s = clock.tick_s as u64;
    for (k, inj) in list.iter().enumerate() {
        let holds = town.instructor_injects.contains(&inj.id)
            || match &inj.when {
                Trigger::Step(id) => tracker.done(&drill, id),
                t => trigger_holds(t, now, &gauges, &facts, landslide.as_deref(), &drill),
            };
        if st.fired[k] || !holds {
            continue;
        }
        st.fired[k] = true;
        let jitter = if inj.jitter_s > 0 { rng.get("injects").random_range(0..=inj.jitter_s) as u64 } else { 0 };
        let due = (now + jitter).div_ceil(tick_s);
        st.pending.push((due, k));
    }
    st.pending.sort_unstable();
    let due: Vec<usize> = st.pending.iter().filter(|(t, _)| *t <= clock.tick).map(|(_, k)| *k).collect();
    st.pending.retain(|(t, _)| *t > clock.tick);
    for k in due {
        let inj = &list[k];
        facts.delivered[k] = Some(clock.tick);
        for role in &inj.to {
            inbox.deliver(inj.id.clone(), role.clone(), clock.tick, inj.from.zh.clone(), inj.ack_within_s);
        }
        log.push(
            clock.tick,
            clock.tick_s,
            SimEvent::InjectDelivered {
                inject: InjectId(inj.id.clone()),
                to: inj.to.iter().map(RoleId::from).collect(),
                from: inj.from.zh.clone(),
                message: inj.message.zh.clone(),
                ack_within_s: inj.ack_within_s,
                warning: inj.warning,
            },
        );
        if let Some(w) = inj.warning
            && facts.warning.is_none_or(|cur| w > cur)
        {
            facts.warning = Some(w);
            log.push(
                clock.tick,
                clock.tick_s,
                SimEvent::WarningReceived { inject: InjectId(inj.id.clone()), level: w },
            );
        }
    }
}
