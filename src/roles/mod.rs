//! Roles and their rights, inboxes, commands and one-page plans: which
//! orders each township role may give, how orders enter the drill, and how
//! the software plays a role by its plan.

pub mod commands;
pub mod inbox;
pub mod plans;

use crate::scenario::schema::{ActionKind, Role, RoleKind};
use crate::sim::SimSet;
use ActionKind::*;
use bevy::prelude::*;

/// Commands, inboxes and plan followers in the Commands phase.
pub struct RolesPlugin {
    pub npc: plans::NpcRoles,
    pub competence: plans::Competence,
}

impl Plugin for RolesPlugin {
    fn build(&self, app: &mut App) {
        let drill = app.world().resource::<crate::sim::Drill>().clone();
        app.init_resource::<commands::CommandQueue>()
            .init_resource::<commands::OrderBook>()
            .init_resource::<commands::Township>()
            .init_resource::<inbox::Inboxes>()
            .insert_resource(plans::PlanTracker::new(&drill, self.npc.clone(), self.competence))
            .add_systems(
                FixedUpdate,
                (plans::follow_plans, commands::apply_commands, plans::track_steps).chain().in_set(SimSet::Commands),
            );
    }
}

/// The orders a role kind may give unless the scenario says otherwise,
/// following the duties in DOMAIN.md.
pub fn default_permissions(kind: RoleKind) -> &'static [ActionKind] {
    match kind {
        RoleKind::Commander => &[
            DeclareResponse,
            IssueWarning,
            CallAndResponse,
            OrderEvacuation,
            OpenShelter,
            CloseShelter,
            Dispatch,
            CloseRoad,
            RequestSupport,
            SendReport,
            Acknowledge,
        ],
        RoleKind::OfficeDirector => {
            &[IssueWarning, CallAndResponse, SendReport, RequestSupport, Dispatch, CloseRoad, Acknowledge]
        }
        RoleKind::VillageHead => {
            &[OrderEvacuation, OpenShelter, CloseShelter, IssueWarning, DoorToDoor, Dispatch, SendReport, Acknowledge]
        }
        RoleKind::GridWorker => &[Patrol, DoorToDoor, SendReport, Acknowledge],
        RoleKind::RescueLeader => &[Dispatch, SendReport, Acknowledge],
        RoleKind::InfoOfficer => &[SendReport, Acknowledge],
    }
}

/// Whether `role` may give an order of `kind`.
pub fn permitted(role: &Role, kind: ActionKind) -> bool {
    match &role.permissions {
        Some(list) => list.contains(&kind),
        None => default_permissions(role.kind).contains(&kind),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::schema::Text;

    #[test]
    fn explicit_permissions_override_defaults() {
        let mut r = Role {
            id: "g".into(),
            kind: RoleKind::GridWorker,
            name: Text { zh: "网格员".into(), en: "Grid worker".into() },
            village: None,
            force: None,
            permissions: None,
        };
        assert!(permitted(&r, Patrol));
        assert!(!permitted(&r, OrderEvacuation));
        r.permissions = Some(vec![OrderEvacuation]);
        assert!(permitted(&r, OrderEvacuation));
        assert!(!permitted(&r, Patrol));
    }
}
