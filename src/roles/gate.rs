//! The rights gate: takes the commands due this tick from the core's queue,
//! refuses those the seat may not give (and logs why), and applies the rest
//! — to the township's state, to the inboxes (calls, acknowledgements) and
//! to the order book the models read.
//!
//! Rules: instructor actions (live injects, setting hazards off, messages,
//! taking a role over and handing it back, notes) need the instructor seat
//! and must make sense in the drill (a dike it has, a role it has, a role
//! taken over before it is handed back, texts of at most 4,096 characters). Every other order needs a role of the drill with the
//! right to give it (`scenario::permissions`); the instructor seat is the
//! only one exempt from the table. A team leader dispatches only the team
//! they lead, and no force is sent to a task it is not equipped for. An acknowledgement needs an open message
//! of that id in the role's inbox.
//!
//! Owns: the gate system. May not touch: models' state.

use super::inbox::Inboxes;
use crate::scenario::load::MAX_TEXT_CHARS;
use crate::scenario::permissions::permitted;
use crate::scenario::schema::{Action, RoleKind};
use crate::sim::events::{EventLog, SimEvent};
use crate::sim::ids::{MessageId, RoleId};
use crate::sim::orders::{Command, CommandQueue, Order, OrderBook, Source, Township};
use crate::sim::{Drill, SimClock};
use bevy::prelude::*;

/// Characters of an instructor's free text (0 for other orders).
fn text_len(a: &Action) -> usize {
    match a {
        Action::Message { text, .. } | Action::Note { text } => text.chars().count(),
        _ => 0,
    }
}

/// Why an order is refused, if it is.
pub fn refusal(drill: &Drill, c: &Command, inbox: &Inboxes, town: &Township) -> Option<String> {
    let action = c.action();
    if action.kind().instructor_only() {
        if c.source() != Source::Instructor {
            return Some(format!("only the instructor may order {:?}", action.kind()));
        }
        return match action {
            Action::SendInject { id } if !drill.scenario.injects.iter().any(|i| &i.id == id) => {
                Some(format!("no inject `{id}` in this drill"))
            }
            Action::TriggerLandslide if drill.scenario.hazards.landslide.is_none() => {
                Some("this drill has no landslide".to_owned())
            }
            Action::Ignite { at } if drill.terrain.cell_of(*at).is_none() => {
                Some(format!("({:.0}, {:.0}) is off the map", at.0, at.1))
            }
            Action::Ignite { .. } if drill.scenario.hazards.fire.is_none() => Some("this drill has no fire".to_owned()),
            Action::BreachDike { dike } => match &drill.scenario.hazards.flood {
                Some(f) if f.dikes.iter().any(|d| &d.id == dike) => {
                    town.breaches.iter().any(|(_, d)| d == dike).then(|| format!("dike `{dike}` is already breached"))
                }
                _ => Some(format!("no dike `{dike}` in this drill")),
            },
            Action::SetWind { speed_ms, from_deg } => {
                if drill.scenario.hazards.fire.is_none() {
                    Some("this drill has no fire".to_owned())
                } else if !(0.0..=113.0).contains(speed_ms) || !from_deg.is_finite() {
                    Some(format!("a wind of {speed_ms} m/s from {from_deg}° is out of range (0–113 m/s)"))
                } else {
                    None
                }
            }
            Action::Message { to, .. } | Action::TakeOver { role: to } | Action::HandBack { role: to }
                if !drill.scenario.roles.iter().any(|r| &r.id == to) =>
            {
                Some(format!("no role `{to}` in this drill"))
            }
            Action::Message { .. } | Action::Note { .. } if text_len(action) > MAX_TEXT_CHARS => {
                Some(format!("a text of {} characters (at most {MAX_TEXT_CHARS})", text_len(action)))
            }
            Action::TakeOver { role } if town.taken_over.iter().any(|r| r.as_str() == role) => {
                Some(format!("`{role}` is already taken over"))
            }
            Action::HandBack { role } if !town.taken_over.iter().any(|r| r.as_str() == role) => {
                Some(format!("`{role}` was not taken over"))
            }
            _ => None,
        };
    }
    let Some(role) = drill.scenario.roles.iter().find(|r| c.role() == r.id.as_str()) else {
        return Some(format!("no role `{}` in this drill", c.role()));
    };
    if c.source() != Source::Instructor && !permitted(role, action.kind()) {
        return Some(format!("{:?} may not order {:?}", role.kind, action.kind()));
    }
    if let Action::Dispatch { force, task, .. } = action {
        if let Some(own) = role.force.as_deref().filter(|own| role.kind == RoleKind::RescueLeader && own != force)
            && c.source() != Source::Instructor
        {
            return Some(format!("`{}` leads `{own}` and cannot dispatch `{force}`", role.id));
        }
        match drill.scenario.forces.iter().find(|f| &f.id == force) {
            None => return Some(format!("no force `{force}` in this drill")),
            Some(f) if !f.can(*task) => return Some(format!("`{force}` is not equipped for {task:?}")),
            _ => {}
        }
    }
    if let Action::Acknowledge { message } = action
        && !inbox.of(c.role().as_str()).any(|m| &m.id == message && m.acked.is_none())
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
        let (role, source, action) = (c.role().clone(), c.source(), c.action().clone());
        if let Some(reason) = refusal(&drill, &c, &inbox, &town) {
            log.push(tick, tick_s, SimEvent::OrderRefused { role, source, action, reason });
            continue;
        }
        log.push(tick, tick_s, SimEvent::OrderGiven { role: role.clone(), source, action: action.clone() });
        town.apply(tick, &action);
        match &action {
            Action::CallAndResponse { role: to } => {
                let id = format!("call:{role}:{tick}");
                inbox.deliver(id.clone(), to.clone(), tick, role.to_string(), None);
                log.push(
                    tick,
                    tick_s,
                    SimEvent::CallMade { call: MessageId(id), from: role.clone(), to: RoleId(to.clone()) },
                );
            }
            Action::Message { to, text } => {
                let id = format!("msg:{tick}:{}", inbox.messages.len());
                inbox.deliver(id.clone(), to.clone(), tick, role.to_string(), None);
                if let Some(m) = inbox.messages.last_mut() {
                    m.text = Some(text.clone());
                }
            }
            Action::Acknowledge { message } => {
                if let Some(m) = inbox.open_mut(role.as_str(), message) {
                    m.acked = Some(tick);
                    let after = (tick - m.tick) * tick_s as u64;
                    let within_s = m.ack_within_s;
                    log.push(
                        tick,
                        tick_s,
                        SimEvent::MessageAcknowledged {
                            role: role.clone(),
                            message: MessageId(message.clone()),
                            after_s: after,
                            within_s,
                        },
                    );
                }
            }
            _ => {}
        }
        book.orders.push(Order { tick, role, action });
    }
}
