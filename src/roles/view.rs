//! What one role may see: its inbox, its plan steps with their state, the
//! orders it has given, the forces it commands, and the gauges (public).
//! Built on demand from the world by `role_view`; the window's console and a
//! networked seat read this, never another role's.
//!
//! Owns: `RoleView`. May not touch: anything (it only reads).

use super::inbox::{InboxMessage, Inboxes};
use super::plans::PlanTracker;
use crate::scenario::schema::{Action, Scenario};
use crate::sim::Drill;
use crate::sim::events::SimEvent;
use crate::sim::gauges::Gauges;
use crate::sim::ids::{ForceId, GaugeId, RoleId, StepId};
use crate::sim::orders::OrderBook;
use bevy::prelude::World;

/// One plan step of the role.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StepView {
    pub step: StepId,
    pub action: Action,
    pub deadline_s: u32,
    pub triggered: Option<u64>,
    pub done: Option<u64>,
}

/// The role's whole picture.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RoleView {
    pub role: RoleId,
    pub inbox: Vec<InboxMessage>,
    pub steps: Vec<StepView>,
    /// Orders this role gave that passed the gate: (tick, action).
    pub orders: Vec<(u64, Action)>,
    /// The force the role leads, if any.
    pub forces: Vec<ForceId>,
    pub gauges: Vec<(GaugeId, f64)>,
}

/// The view of `role`, or `None` if the drill has no such role.
pub fn role_view(world: &World, role: &str) -> Option<RoleView> {
    let drill = world.get_resource::<Drill>()?;
    let r = drill.scenario.roles.iter().find(|r| r.id == role)?;
    let inbox = world.get_resource::<Inboxes>().map(|i| i.of(role).cloned().collect()).unwrap_or_default();
    let steps = world
        .get_resource::<PlanTracker>()
        .map(|t| {
            t.steps
                .iter()
                .filter(|st| drill.scenario.plans[st.plan].role == role)
                .map(|st| {
                    let s = &drill.scenario.plans[st.plan].steps[st.step];
                    StepView {
                        step: StepId(s.id.clone()),
                        action: s.action.clone(),
                        deadline_s: s.deadline_s,
                        triggered: st.triggered,
                        done: st.done,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let orders = world
        .get_resource::<OrderBook>()
        .map(|b| b.orders.iter().filter(|o| o.role == role).map(|o| (o.tick, o.action.clone())).collect())
        .unwrap_or_default();
    let gauges = world
        .get_resource::<Gauges>()
        .map(|g| g.series.iter().map(|s| GaugeId(s.id.clone())).zip(g.current.iter().copied()).collect())
        .unwrap_or_default();
    Some(RoleView {
        role: RoleId(r.id.clone()),
        inbox,
        steps,
        orders,
        forces: r.force.iter().map(|f| ForceId(f.clone())).collect(),
        gauges,
    })
}

/// Whether `role` hears of `event`. Messages, calls, acknowledgements,
/// orders, refusals, plan steps and observations reach only the roles they
/// name; a force's movements reach every role except a rescue leader of
/// another force (who hears of their own team); the situation (water,
/// slides, fires, roads, households, the drill's start and end) reaches
/// everyone. A networked seat is sent only what this says it hears.
pub fn knows(scenario: &Scenario, role: &str, event: &SimEvent) -> bool {
    let me = |r: &RoleId| r.as_str() == role;
    let own_force = |f: &ForceId| {
        scenario
            .roles
            .iter()
            .find(|r| r.id == role)
            .and_then(|r| r.force.as_deref())
            .is_none_or(|own| own == f.as_str())
    };
    match event {
        SimEvent::InjectDelivered { to, .. } => to.iter().any(me),
        SimEvent::OrderGiven { role: r, .. }
        | SimEvent::OrderRefused { role: r, .. }
        | SimEvent::MessageAcknowledged { role: r, .. }
        | SimEvent::PlanStepTriggered { role: r, .. }
        | SimEvent::PlanStepDone { role: r, .. }
        | SimEvent::PlanStepOverdue { role: r, .. }
        | SimEvent::PrecursorObserved { by: r, .. } => me(r),
        SimEvent::CallMade { from, to, .. } => me(from) || me(to),
        SimEvent::ForceDispatched { force, .. }
        | SimEvent::ForceTurnedOut { force, .. }
        | SimEvent::ForceEnRoute { force, .. }
        | SimEvent::ForceCutOff { force, .. }
        | SimEvent::ForceRerouted { force, .. }
        | SimEvent::ForceOnScene { force, .. }
        | SimEvent::CrewEndangered { force, .. }
        | SimEvent::PumpingStarted { force, .. }
        | SimEvent::FireSuppressed { force, .. } => own_force(force),
        _ => true,
    }
}

/// What the projector screen hears of: the situation, and no role's
/// messages, orders or plan steps.
pub fn public(event: &SimEvent) -> bool {
    !matches!(
        event,
        SimEvent::InjectDelivered { .. }
            | SimEvent::OrderGiven { .. }
            | SimEvent::OrderRefused { .. }
            | SimEvent::MessageAcknowledged { .. }
            | SimEvent::PlanStepTriggered { .. }
            | SimEvent::PlanStepDone { .. }
            | SimEvent::PlanStepOverdue { .. }
            | SimEvent::PrecursorObserved { .. }
            | SimEvent::CallMade { .. }
    )
}
