//! One-page plans at run time: when each step's trigger fires, when the right
//! role does it (by whoever's hand), whether on time — and, for roles played
//! by the software, the plan follower that gives the step's order after a
//! delay drawn for its competence. Followers also acknowledge messages.
//! A follower submits through its own plan-follower seat. While the
//! instructor has taken its role over it gives nothing (its draws are made
//! all the same, so other roles' delays do not shift); handed back, it
//! gives at once what fell due meanwhile and was not done.
//!
//! Owns: `PlanTracker`. May not touch: models' state.

use super::inbox::Inboxes;
use super::triggers::{Facts, trigger_holds};
use crate::dist::{Distribution, open01};
use crate::scenario::schema::{Action, Trigger};
use crate::sim::events::{EventLog, SimEvent};
use crate::sim::gauges::Gauges;
use crate::sim::ids::{RoleId, StepId};
use crate::sim::landslide::Landslide;
use crate::sim::orders::{CommandQueue, OrderBook, Seat, Township};
use crate::sim::rng::RngStreams;
use crate::sim::{Drill, SimClock};
use bevy::prelude::*;

pub use crate::sim::orders::Competence;

impl Competence {
    /// Delay of a plan step as a fraction of its deadline, and the chance
    /// the step is skipped. Perfect: 10–40% of the deadline, never skipped.
    /// Typical: median 55% (σ 0.45, about 9% late), 5% skipped. Poor: median
    /// 110% (σ 0.5, over half late), 35% skipped.
    fn step(self) -> (Distribution, f64) {
        match self {
            Competence::Perfect => (Distribution::Uniform { min: 0.1, max: 0.4 }, 0.0),
            Competence::Typical => (Distribution::LogNormal { median: 0.55, sigma: 0.45 }, 0.05),
            Competence::Poor => (Distribution::LogNormal { median: 1.1, sigma: 0.5 }, 0.35),
        }
    }

    /// Seconds to acknowledge a message, and the chance it is never
    /// acknowledged ("135": take the alarm within 60 s).
    fn ack(self) -> (Distribution, f64) {
        match self {
            Competence::Perfect => (Distribution::Uniform { min: 10.0, max: 40.0 }, 0.0),
            Competence::Typical => (Distribution::LogNormal { median: 40.0, sigma: 0.5 }, 0.03),
            Competence::Poor => (Distribution::LogNormal { median: 110.0, sigma: 0.6 }, 0.25),
        }
    }
}

/// Which roles the software plays.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum NpcRoles {
    #[default]
    All,
    None,
    Only(Vec<String>),
}

impl NpcRoles {
    /// The roles of `scenario` the software plays, in scenario order.
    pub fn resolve(&self, scenario: &crate::scenario::schema::Scenario) -> Vec<RoleId> {
        scenario.roles.iter().filter(|r| self.plays(&r.id)).map(|r| RoleId(r.id.clone())).collect()
    }

    pub fn plays(&self, role: &str) -> bool {
        match self {
            NpcRoles::All => true,
            NpcRoles::None => false,
            NpcRoles::Only(list) => list.iter().any(|r| r == role),
        }
    }
}

/// Run-time state of one plan step.
#[derive(Debug, Clone, Default)]
pub struct StepState {
    pub plan: usize,
    pub step: usize,
    pub triggered: Option<u64>,
    pub done: Option<u64>,
    /// Tick at which the follower gives the order (NPC roles).
    scheduled: Option<u64>,
    overdue_logged: bool,
}

/// Every plan step's state, the followers' settings, and scheduled acks.
#[derive(Resource, Debug, Clone)]
pub struct PlanTracker {
    pub steps: Vec<StepState>,
    pub npc: NpcRoles,
    pub competence: Competence,
    /// Messages the followers have decided on: index into inbox → ack tick.
    acks: Vec<Option<u64>>,
    book_cursor: usize,
}

impl PlanTracker {
    pub fn new(drill: &Drill, npc: NpcRoles, competence: Competence) -> Self {
        let steps = drill
            .scenario
            .plans
            .iter()
            .enumerate()
            .flat_map(|(p, plan)| (0..plan.steps.len()).map(move |s| StepState { plan: p, step: s, ..default() }))
            .collect();
        PlanTracker { steps, npc, competence, acks: Vec::new(), book_cursor: 0 }
    }

    /// Whether the step with this id is done.
    pub fn done(&self, drill: &Drill, id: &str) -> bool {
        self.steps.iter().any(|st| st.done.is_some() && drill.scenario.plans[st.plan].steps[st.step].id == id)
    }
}

/// Whether an order carries out a plan step: same order kind and the same
/// main target (village, role, shelter, force, area …).
pub fn fulfils(order: &Action, step: &Action) -> bool {
    use Action::*;
    match (order, step) {
        (IssueWarning { villages: a, .. }, IssueWarning { villages: b, .. }) => b.iter().all(|v| a.contains(v)),
        (CallAndResponse { role: a }, CallAndResponse { role: b }) => a == b,
        (OrderEvacuation { village: a }, OrderEvacuation { village: b }) => a == b,
        (OpenShelter { shelter: a }, OpenShelter { shelter: b })
        | (CloseShelter { shelter: a }, CloseShelter { shelter: b }) => a == b,
        (Dispatch { force: a, task: ta, .. }, Dispatch { force: b, task: tb, .. }) => a == b && ta == tb,
        (CloseRoad { edge: a }, CloseRoad { edge: b }) => a == b,
        (SendReport { kind: a }, SendReport { kind: b }) => a == b,
        (DoorToDoor { area: a }, DoorToDoor { area: b }) => a == b,
        (Acknowledge { message: a }, Acknowledge { message: b }) => a == b,
        (a, b) => a.kind() == b.kind(),
    }
}

/// Before orders apply: fire triggers, let followers give due orders and
/// acknowledge their messages.
pub fn follow_plans(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    gauges: Res<Gauges>,
    facts: Res<Facts>,
    landslide: Option<Res<Landslide>>,
    inbox: Res<Inboxes>,
    town: Res<Township>,
    mut tracker: ResMut<PlanTracker>,
    mut rng: ResMut<RngStreams>,
    mut queue: ResMut<CommandQueue>,
    mut log: ResMut<EventLog>,
) {
    let (tick, tick_s, now) = (clock.tick, clock.tick_s, clock.now_s());
    let tracker = &mut *tracker;
    let (step_delay, skip) = tracker.competence.step();
    for k in 0..tracker.steps.len() {
        let st = &tracker.steps[k];
        let plan = &drill.scenario.plans[st.plan];
        let step = &plan.steps[st.step];
        if st.triggered.is_none() {
            let holds = match &step.trigger {
                Trigger::Step(id) => tracker.done(&drill, id),
                t => trigger_holds(t, now, &gauges, &facts, landslide.as_deref(), &drill),
            };
            if !holds {
                continue;
            }
            tracker.steps[k].triggered = Some(tick);
            log.push(
                tick,
                tick_s,
                SimEvent::PlanStepTriggered {
                    step: StepId(step.id.clone()),
                    role: RoleId(plan.role.clone()),
                    deadline_s: step.deadline_s,
                },
            );
            if tracker.npc.plays(&plan.role) {
                let r = rng.get("plan_followers");
                let skipped = open01(r) < skip;
                let delay_s = (step_delay.sample(r) * step.deadline_s as f64).max(1.0);
                if !skipped {
                    tracker.steps[k].scheduled = Some(tick + (delay_s / tick_s as f64).ceil() as u64);
                }
            }
        }
        // A role the instructor has taken over waits: its follower gives
        // what is still due when the role is handed back.
        let st = &mut tracker.steps[k];
        if st.done.is_none() && st.scheduled.is_some_and(|t| t <= tick) && !town.taken(&plan.role) {
            st.scheduled = None;
            queue.submit(&Seat::plan_follower(&plan.role), tick, step.action.clone());
        }
    }
    // Followers acknowledge what reaches their roles.
    let (ack_delay, never) = tracker.competence.ack();
    tracker.acks.resize(inbox.messages.len(), None);
    for (k, m) in inbox.messages.iter().enumerate() {
        if m.acked.is_some() || !tracker.npc.plays(&m.to) {
            continue;
        }
        if tracker.acks[k].is_none() {
            let r = rng.get("plan_followers");
            let ignored = open01(r) < never;
            let d = (ack_delay.sample(r) / tick_s as f64).ceil() as u64;
            tracker.acks[k] = Some(if ignored { u64::MAX } else { m.tick + d.max(1) });
        }
        if tracker.acks[k].is_some_and(|t| t <= tick) && !town.taken(&m.to) {
            tracker.acks[k] = Some(u64::MAX);
            queue.submit(&Seat::plan_follower(&m.to), tick, Action::Acknowledge { message: m.id.clone() });
        }
    }
}

/// After orders apply: mark the steps they carry out, and log overdue ones.
pub fn track_steps(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    book: Res<OrderBook>,
    mut tracker: ResMut<PlanTracker>,
    mut log: ResMut<EventLog>,
) {
    let (tick, tick_s) = (clock.tick, clock.tick_s);
    let tracker = &mut *tracker;
    for order in &book.orders[tracker.book_cursor..] {
        let found = tracker.steps.iter_mut().find(|st| {
            let plan = &drill.scenario.plans[st.plan];
            st.triggered.is_some()
                && st.done.is_none()
                && order.role == plan.role.as_str()
                && fulfils(&order.action, &plan.steps[st.step].action)
        });
        if let Some(st) = found {
            st.done = Some(order.tick);
            let step = &drill.scenario.plans[st.plan].steps[st.step];
            let taken = (order.tick - st.triggered.unwrap_or(order.tick)) * tick_s as u64;
            log.push(
                tick,
                tick_s,
                SimEvent::PlanStepDone {
                    step: StepId(step.id.clone()),
                    role: order.role.clone(),
                    after_s: taken,
                    deadline_s: step.deadline_s,
                    on_time: taken <= step.deadline_s as u64,
                },
            );
        }
    }
    tracker.book_cursor = book.orders.len();
    for st in &mut tracker.steps {
        let step = &drill.scenario.plans[st.plan].steps[st.step];
        if let Some(t) = st.triggered
            && st.done.is_none()
            && !st.overdue_logged
            && (tick - t) * tick_s as u64 > step.deadline_s as u64
        {
            st.overdue_logged = true;
            log.push(
                tick,
                tick_s,
                SimEvent::PlanStepOverdue {
                    step: StepId(step.id.clone()),
                    role: RoleId(drill.scenario.plans[st.plan].role.clone()),
                    deadline_s: step.deadline_s,
                },
            );
        }
    }
}
