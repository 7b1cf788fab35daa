//! Commands are the only input to a drill: every order, acknowledgement and
//! instructor action is a `Command` stamped with its tick. This module queues
//! them, refuses those a role is not entitled to (and logs the refusal),
//! applies the rest to the township's state and keeps the applied orders in
//! an `OrderBook` that the models read with their own cursors.

use super::inbox::Inboxes;
use super::permitted;
use crate::scenario::schema::{Action, ReportKind, ResponseLevel};
use crate::sim::events::EventLog;
use crate::sim::{Drill, SimClock};
use bevy::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

/// Who gave a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    Trainee,
    /// The software playing the role's plan.
    Npc,
    Instructor,
}

/// One order from one role at one tick.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Command {
    pub tick: u64,
    pub role: String,
    pub source: Source,
    pub action: Action,
}

/// Commands waiting for their tick, applied in (tick, arrival) order.
#[derive(Resource, Debug, Clone, Default)]
pub struct CommandQueue {
    pending: Vec<(u64, u64, Command)>,
    seq: u64,
}

impl CommandQueue {
    pub fn push(&mut self, c: Command) {
        self.pending.push((c.tick, self.seq, c));
        self.seq += 1;
    }

    /// Removes and returns the commands due at or before `tick`, in order.
    pub fn take_due(&mut self, tick: u64) -> Vec<Command> {
        self.pending.sort_by_key(|(t, s, _)| (*t, *s));
        let n = self.pending.partition_point(|(t, _, _)| *t <= tick);
        self.pending.drain(..n).map(|(_, _, c)| c).collect()
    }
}

/// An order that was applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    pub tick: u64,
    pub role: String,
    pub action: Action,
}

/// Applied orders in order; readers keep their own cursor into `orders`.
#[derive(Resource, Debug, Clone, Default)]
pub struct OrderBook {
    pub orders: Vec<Order>,
}

/// The township's response state as orders have shaped it.
#[derive(Resource, Debug, Clone, Default)]
pub struct Township {
    pub response: Option<(ResponseLevel, u64)>,
    /// Village id → tick its evacuation was ordered.
    pub evacuation_ordered: BTreeMap<String, u64>,
    pub shelters_open: BTreeSet<String>,
    pub roads_closed: BTreeSet<String>,
    pub reports: Vec<(u64, ReportKind)>,
    pub support_requested: Option<u64>,
    /// Injects the instructor sent live.
    pub instructor_injects: BTreeSet<String>,
    /// Tick the instructor set off the landslide.
    pub landslide_triggered: Option<u64>,
    /// Fires the instructor started: (tick, point).
    pub ignitions: Vec<(u64, crate::scenario::schema::Point)>,
}

/// Why an order is refused, if it is.
fn refusal(drill: &Drill, c: &Command, inbox: &Inboxes) -> Option<String> {
    if c.action.kind().instructor_only() {
        if c.source != Source::Instructor {
            return Some(format!("only the instructor may order {:?}", c.action.kind()));
        }
        return match &c.action {
            Action::SendInject { id } if !drill.scenario.injects.iter().any(|i| &i.id == id) => {
                Some(format!("no inject `{id}` in this drill"))
            }
            Action::TriggerLandslide if drill.scenario.hazards.landslide.is_none() => {
                Some("this drill has no landslide".to_owned())
            }
            Action::Ignite { at } if drill.terrain.cell_of(*at).is_none() => {
                Some(format!("({:.0}, {:.0}) is off the map", at.0, at.1))
            }
            _ => None,
        };
    }
    let Some(role) = drill.scenario.roles.iter().find(|r| r.id == c.role) else {
        return Some(format!("no role `{}` in this drill", c.role));
    };
    if c.source != Source::Instructor && !permitted(role, c.action.kind()) {
        return Some(format!("{:?} may not order {:?}", role.kind, c.action.kind()));
    }
    if let Action::Acknowledge { message } = &c.action
        && !inbox.of(&c.role).any(|m| &m.id == message && m.acked.is_none())
    {
        return Some(format!("no unacknowledged message `{message}` in the inbox"));
    }
    None
}

/// Applies the commands due this tick.
pub fn apply_commands(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    mut queue: ResMut<CommandQueue>,
    mut book: ResMut<OrderBook>,
    mut town: ResMut<Township>,
    mut inbox: ResMut<Inboxes>,
    mut log: ResMut<EventLog>,
) {
    let (tick, tick_s) = (clock.tick, clock.tick_s);
    for c in queue.take_due(tick) {
        let action = serde_json::to_value(&c.action).unwrap_or_default();
        if let Some(reason) = refusal(&drill, &c, &inbox) {
            log.push(
                tick,
                tick_s,
                "order_refused",
                format!("role:{}", c.role),
                json!({ "source": c.source, "action": action, "reason": reason }),
            );
            continue;
        }
        log.push(
            tick,
            tick_s,
            "order_given",
            format!("role:{}", c.role),
            json!({ "source": c.source, "action": action }),
        );
        match &c.action {
            Action::DeclareResponse { level } => town.response = Some((*level, tick)),
            Action::OrderEvacuation { village } => {
                town.evacuation_ordered.entry(village.clone()).or_insert(tick);
            }
            Action::OpenShelter { shelter } => {
                town.shelters_open.insert(shelter.clone());
            }
            Action::CloseShelter { shelter } => {
                town.shelters_open.remove(shelter);
            }
            Action::CloseRoad { edge } => {
                town.roads_closed.insert(edge.clone());
            }
            Action::SendReport { kind } => town.reports.push((tick, *kind)),
            Action::RequestSupport { .. } => {
                town.support_requested.get_or_insert(tick);
            }
            Action::CallAndResponse { role } => {
                let id = format!("call:{}:{tick}", c.role);
                inbox.deliver(id.clone(), role.clone(), tick, c.role.clone(), None);
                log.push(tick, tick_s, "call_made", id.clone(), json!({ "from": c.role, "to": role }));
            }
            Action::Acknowledge { message } => {
                if let Some(m) = inbox.open_mut(&c.role, message) {
                    m.acked = Some(tick);
                    let after = (tick - m.tick) * tick_s as u64;
                    log.push(
                        tick,
                        tick_s,
                        "message_acknowledged",
                        format!("role:{}", c.role),
                        json!({ "message": message, "after_s": after, "within_s": m.ack_within_s }),
                    );
                }
            }
            Action::SendInject { id } => {
                town.instructor_injects.insert(id.clone());
            }
            Action::TriggerLandslide => {
                town.landslide_triggered.get_or_insert(tick);
            }
            Action::Ignite { at } => town.ignitions.push((tick, *at)),
            Action::IssueWarning { .. }
            | Action::Dispatch { .. }
            | Action::Patrol { .. }
            | Action::DoorToDoor { .. } => {}
        }
        book.orders.push(Order { tick, role: c.role, action: c.action });
    }
}
