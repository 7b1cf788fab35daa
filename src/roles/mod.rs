//! Roles at run time: the rights gate every command passes (`gate`), the
//! roles' inboxes (`inbox`), plan and inject triggers (`triggers`), one-page
//! plans and the software that plays a role by its plan (`plans`), and what
//! one role may see (`view`). Sits above the models: reads their state,
//! never writes it.

pub mod gate;
pub mod inbox;
pub mod plans;
pub mod triggers;
pub mod view;

use crate::sim::{SimSet, SimTick};
use bevy::prelude::*;

/// Commands, inboxes and plan followers in the Commands phase.
pub struct RolesPlugin {
    pub npc: plans::NpcRoles,
    pub competence: plans::Competence,
}

impl Plugin for RolesPlugin {
    fn build(&self, app: &mut App) {
        let drill = app.world().resource::<crate::sim::Drill>().clone();
        crate::sim::snapshot::register::<inbox::Inboxes>(app);
        crate::sim::snapshot::register::<triggers::Facts>(app);
        crate::sim::snapshot::register::<plans::PlanTracker>(app);
        app.init_resource::<inbox::Inboxes>()
            .init_resource::<triggers::Facts>()
            .insert_resource(plans::PlanTracker::new(&drill, self.npc.clone(), self.competence))
            .add_systems(
                SimTick,
                (plans::follow_plans, gate::apply_commands, plans::track_steps).chain().in_set(SimSet::Commands),
            );
    }
}
