//! Orders in the sim core: the seat a command comes from, the queue every
//! face submits to, the book of orders that were applied (models read it
//! with their own cursors), and the township's response state as orders
//! have shaped it.
//!
//! A `Command` can only be made by a `Seat`: the face that owns the seat
//! (the headless runner, the window, the network server) stamps the role and
//! the source, never the caller's claim. Only a seat made with
//! `Seat::instructor` carries the instructor source. Whether a role may give
//! an order is the rights gate's business (`roles`), not this module's.
//!
//! Owns: `Seat`, `Source`, `Command`, `CommandQueue`, `Order`, `OrderBook`,
//! `Township`. May not touch: models, roles, drill, faces.

use super::ids::{RoleId, ShelterId};
use crate::scenario::schema::{Action, Point, ReportKind, ResponseLevel};
use bevy::prelude::Resource;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Who gave a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    /// A person at a trainee seat.
    Trainee,
    /// The software playing the role's plan.
    Npc,
    /// The instructor's seat.
    Instructor,
}

/// How well the software plays the roles it plays (see `roles::plans`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
pub enum Competence {
    /// Every step, early: the reference run.
    #[default]
    Perfect,
    /// Most steps, mostly on time.
    Typical,
    /// Many steps skipped or late.
    Poor,
}

/// The role id an instructor seat's commands carry.
pub const INSTRUCTOR_ROLE: &str = "instructor";

/// One seat at the drill: a role and who sits in it. A face makes the seats
/// it owns and submits through them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seat {
    role: RoleId,
    source: Source,
}

impl Seat {
    /// A person playing `role`.
    pub fn trainee(role: impl Into<RoleId>) -> Self {
        Seat { role: role.into(), source: Source::Trainee }
    }

    /// The software playing `role` by its plan.
    pub fn plan_follower(role: impl Into<RoleId>) -> Self {
        Seat { role: role.into(), source: Source::Npc }
    }

    /// The instructor.
    pub fn instructor() -> Self {
        Seat { role: RoleId(INSTRUCTOR_ROLE.to_owned()), source: Source::Instructor }
    }

    /// The seat that gave a recorded order (for replay).
    pub fn recorded(role: RoleId, source: Source) -> Self {
        match source {
            Source::Instructor => Seat::instructor(),
            _ => Seat { role, source },
        }
    }

    pub fn role(&self) -> &RoleId {
        &self.role
    }

    pub fn source(&self) -> Source {
        self.source
    }

    /// A command from this seat, due at `tick`.
    pub fn order(&self, tick: u64, action: Action) -> Command {
        Command { tick, role: self.role.clone(), source: self.source, action }
    }
}

/// One order from one seat at one tick; made only by `Seat::order`.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    tick: u64,
    role: RoleId,
    source: Source,
    action: Action,
}

impl Command {
    pub fn tick(&self) -> u64 {
        self.tick
    }
    pub fn role(&self) -> &RoleId {
        &self.role
    }
    pub fn source(&self) -> Source {
        self.source
    }
    pub fn action(&self) -> &Action {
        &self.action
    }
}

/// Commands waiting for their tick, applied in (tick, arrival) order.
#[derive(Resource, Debug, Clone, Default)]
pub struct CommandQueue {
    pending: Vec<(u64, u64, Command)>,
    seq: u64,
}

impl CommandQueue {
    /// The one entry point for orders: `seat` stamps role and source.
    pub fn submit(&mut self, seat: &Seat, tick: u64, action: Action) {
        self.push(seat.order(tick, action));
    }

    /// Queues a command a seat made earlier (a recorded or scripted one).
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

    /// The commands waiting, in the order they will be applied.
    pub fn pending(&self) -> Vec<&Command> {
        let mut v: Vec<&(u64, u64, Command)> = self.pending.iter().collect();
        v.sort_by_key(|(t, s, _)| (*t, *s));
        v.into_iter().map(|(_, _, c)| c).collect()
    }

    /// Commands not yet due.
    pub fn len(&self) -> usize {
        self.pending.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
}

/// An order that passed the rights gate and was applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    pub tick: u64,
    pub role: RoleId,
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
    /// Shelters closed to arrivals by order (all are open at the start).
    pub shelters_closed: BTreeSet<ShelterId>,
    pub roads_closed: BTreeSet<String>,
    pub reports: Vec<(u64, ReportKind)>,
    pub support_requested: Option<u64>,
    /// Injects the instructor sent live.
    pub instructor_injects: BTreeSet<String>,
    /// Tick the instructor set off the landslide.
    pub landslide_triggered: Option<u64>,
    /// Fires the instructor started: (tick, point).
    pub ignitions: Vec<(u64, Point)>,
    /// Dikes the instructor breached: (tick, dike id).
    pub breaches: Vec<(u64, String)>,
    /// The wind the instructor set last: (tick, speed m/s, from degrees).
    pub wind: Option<(u64, f64, f64)>,
    /// Roles the instructor took over from their plan followers.
    pub taken_over: BTreeSet<RoleId>,
}

impl Township {
    /// What an applied order changes in the township's state.
    pub fn apply(&mut self, tick: u64, action: &Action) {
        match action {
            Action::DeclareResponse { level } => self.response = Some((*level, tick)),
            Action::OrderEvacuation { village } => {
                self.evacuation_ordered.entry(village.clone()).or_insert(tick);
            }
            Action::OpenShelter { shelter } => {
                self.shelters_closed.remove(&ShelterId(shelter.clone()));
            }
            Action::CloseShelter { shelter } => {
                self.shelters_closed.insert(ShelterId(shelter.clone()));
            }
            Action::CloseRoad { edge } => {
                self.roads_closed.insert(edge.clone());
            }
            Action::SendReport { kind } => self.reports.push((tick, *kind)),
            Action::RequestSupport { .. } => {
                self.support_requested.get_or_insert(tick);
            }
            Action::SendInject { id } => {
                self.instructor_injects.insert(id.clone());
            }
            Action::TriggerLandslide => {
                self.landslide_triggered.get_or_insert(tick);
            }
            Action::Ignite { at } => self.ignitions.push((tick, *at)),
            Action::BreachDike { dike } => self.breaches.push((tick, dike.clone())),
            Action::SetWind { speed_ms, from_deg } => self.wind = Some((tick, *speed_ms, *from_deg)),
            Action::TakeOver { role } => {
                self.taken_over.insert(RoleId(role.clone()));
            }
            Action::HandBack { role } => {
                self.taken_over.remove(&RoleId(role.clone()));
            }
            Action::Message { .. } | Action::Note { .. } => {}
            Action::CallAndResponse { .. }
            | Action::Acknowledge { .. }
            | Action::IssueWarning { .. }
            | Action::Dispatch { .. }
            | Action::Patrol { .. }
            | Action::DoorToDoor { .. } => {}
        }
    }

    /// Whether the instructor has taken `role` over from its follower.
    pub fn taken(&self, role: &str) -> bool {
        self.taken_over.iter().any(|r| r.as_str() == role)
    }

    /// Whether a shelter takes arrivals.
    pub fn shelter_open(&self, shelter: &str) -> bool {
        !self.shelters_closed.iter().any(|s| s.0 == shelter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seat_stamps_its_role_and_source() {
        let c = Seat::trainee("commander").order(5, Action::TriggerLandslide);
        assert_eq!((c.role().as_str(), c.source()), ("commander", Source::Trainee));
        let i = Seat::instructor().order(5, Action::TriggerLandslide);
        assert_eq!((i.role().as_str(), i.source()), (INSTRUCTOR_ROLE, Source::Instructor));
        // A recorded instructor order comes back from the instructor seat,
        // whatever role the line named.
        let r = Seat::recorded("commander".into(), Source::Instructor);
        assert_eq!(r, Seat::instructor());
    }

    #[test]
    fn closing_a_shelter_closes_it_to_arrivals_until_it_reopens() {
        let mut t = Township::default();
        assert!(t.shelter_open("s1"));
        t.apply(1, &Action::CloseShelter { shelter: "s1".into() });
        assert!(!t.shelter_open("s1"));
        t.apply(2, &Action::OpenShelter { shelter: "s1".into() });
        assert!(t.shelter_open("s1"));
    }

    #[test]
    fn the_queue_gives_due_commands_in_tick_then_arrival_order() {
        let mut q = CommandQueue::default();
        let s = Seat::trainee("a");
        q.submit(&s, 5, Action::TriggerLandslide);
        q.submit(&s, 3, Action::SendInject { id: "x".into() });
        q.submit(&s, 3, Action::SendInject { id: "y".into() });
        let due: Vec<_> = q.take_due(4).into_iter().map(|c| c.action().clone()).collect();
        assert_eq!(due, vec![Action::SendInject { id: "x".into() }, Action::SendInject { id: "y".into() }]);
        assert_eq!(q.len(), 1);
    }
}
