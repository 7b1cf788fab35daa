//! The permission table: which orders each township role may give unless
//! the scenario lists its own, following the duties in DOMAIN.md. Part of
//! the scenario language (validation checks plan steps against it); the
//! rights gate in `roles` applies it at run time.

use crate::scenario::schema::{ActionKind, Role, RoleKind};
use ActionKind::*;

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
