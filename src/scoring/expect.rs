//! What the scenario expects of a run, from the scenario and the hazard's
//! own events only — never from what the trainees did. A plan step is
//! *expected* when its trigger's root happened before the run ended: a
//! clock time, an inject delivered, an official warning received, a gauge
//! reading the hazard raised, a precursor the hazard made visible; a step
//! triggered by another step is expected when that step is. Its *due time*
//! is the moment the plan says it starts: the root's moment, and for a step
//! after a step, the earlier step's due time plus its deadline (the latest
//! the plan allows), so a trainee who is slow on the first step cannot move
//! the clock of the next. An expected step never done fails ("not done by
//! the end of the drill").
//!
//! Owns: `Expected`, `expected`, `evacuation_due`. May not touch: anything
//! but the scenario and the event log.

use crate::scenario::schema::{ActionKind, PlanStep, Scenario, Trigger};
use crate::sim::events::{Event, SimEvent};

/// One plan step the scenario expects, with what the run made of it.
#[derive(Debug, Clone)]
pub struct Expected<'a> {
    pub step: &'a PlanStep,
    pub role: &'a str,
    /// When the plan says the step starts (drill seconds).
    pub due_t: u64,
    /// `(event index, t)` of its trigger firing.
    pub triggered: Option<(usize, u64)>,
    /// `(event index, t, on time)` of its being done.
    pub done: Option<(usize, u64, bool)>,
}

/// End of the run: the drill's end event, else its last event.
pub fn run_end(events: &[Event]) -> u64 {
    events.iter().rev().find(|e| matches!(e.event, SimEvent::DrillEnded { .. })).or(events.last()).map_or(0, |e| e.t)
}

/// First moment a trigger's root held, from scenario facts (`None` if it never did).
fn root_t(s: &Scenario, events: &[Event], step_id: &str, t: &Trigger, depth: usize) -> Option<u64> {
    let first = |f: &dyn Fn(&SimEvent) -> bool| events.iter().find(|e| f(&e.event)).map(|e| e.t);
    match t {
        Trigger::At(x) => Some(*x as u64),
        Trigger::Inject(id) => {
            first(&|e| matches!(e, SimEvent::InjectDelivered { inject, .. } if inject == id.as_str()))
        }
        Trigger::Warning(level) => first(&|e| matches!(e, SimEvent::WarningReceived { level: l, .. } if l >= level)),
        // The hazard raised the gauge: the tracker logs the step's trigger then.
        Trigger::GaugeAbove { .. } => {
            first(&|e| matches!(e, SimEvent::PlanStepTriggered { step, .. } if step == step_id))
        }
        Trigger::Precursor(id) => {
            first(&|e| matches!(e, SimEvent::PrecursorVisible { precursor, .. } if precursor == id.as_str()))
        }
        Trigger::RoadCleared(id) => first(&|e| matches!(e, SimEvent::RoadCleared { road, .. } if road == id.as_str())),
        Trigger::Step(prev) => {
            if depth > 64 {
                return None;
            }
            let p = s.plans.iter().flat_map(|p| p.steps.iter()).find(|st| &st.id == prev)?;
            root_t(s, events, &p.id, &p.trigger, depth + 1).map(|t| t + p.deadline_s as u64)
        }
    }
}

/// Every expected plan step, in plan order.
pub fn expected<'a>(s: &'a Scenario, events: &[Event]) -> Vec<Expected<'a>> {
    let end = run_end(events);
    let mut out = Vec::new();
    for plan in &s.plans {
        for step in &plan.steps {
            let triggered = events.iter().enumerate().find_map(|(k, e)| match &e.event {
                SimEvent::PlanStepTriggered { step: id, .. } if id == step.id.as_str() => Some((k, e.t)),
                _ => None,
            });
            let due = root_t(s, events, &step.id, &step.trigger, 0).filter(|t| *t <= end);
            // A step that fired is expected even if its root was not (an
            // instructor's early inject, say); its due time is then its trigger.
            let Some(due_t) = due.or(triggered.map(|(_, t)| t)) else { continue };
            let done = events.iter().enumerate().find_map(|(k, e)| match &e.event {
                SimEvent::PlanStepDone { step: id, on_time, .. } if id == step.id.as_str() => Some((k, e.t, *on_time)),
                _ => None,
            });
            out.push(Expected { step, role: &plan.role, due_t, triggered, done });
        }
    }
    out
}

/// When the plans say evacuation is due: the earliest due time of an
/// expected evacuation order (`None` when the plans order none).
pub fn evacuation_due(list: &[Expected]) -> Option<u64> {
    list.iter().filter(|e| e.step.action.kind() == ActionKind::OrderEvacuation).map(|e| e.due_t).min()
}
