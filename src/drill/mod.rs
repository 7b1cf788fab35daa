//! Drill control: injects (timed and conditional messages to roles) and the
//! official warnings they carry. Live instructor injects and seats come with
//! the roles issue, as commands.

use crate::roles::inbox::Inboxes;
use crate::roles::plans::PlanTracker;
use crate::scenario::schema::{Trigger, WarningLevel};
use crate::sim::events::EventLog;
use crate::sim::gauges::Gauges;
use crate::sim::rng::RngStreams;
use crate::sim::{Drill, SimClock, SimSet};
use bevy::prelude::*;
use rand::RngExt;
use serde_json::json;

/// Where each inject stands.
#[derive(Resource, Debug, Clone, Default)]
pub struct InjectState {
    /// Trigger met, per inject (scenario order).
    pub fired: Vec<bool>,
    /// Tick at which it reached its roles.
    pub delivered: Vec<Option<u64>>,
    /// `(delivery tick, inject index)` waiting to be delivered.
    pending: Vec<(u64, usize)>,
    /// Highest official warning the township has received.
    pub warning: Option<WarningLevel>,
    /// Landslide precursors a patrol has seen.
    pub observed: std::collections::BTreeSet<String>,
}

pub struct InjectPlugin;

impl Plugin for InjectPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<InjectState>()
            .add_systems(FixedUpdate, injects.in_set(SimSet::Detect).after(crate::sim::gauges::sample));
    }
}

/// Whether a trigger holds now. `Step` triggers are answered by the caller,
/// which knows the plan tracker; here they never hold.
pub fn trigger_holds(t: &Trigger, now_s: u64, gauges: &Gauges, st: &InjectState, drill: &Drill) -> bool {
    match t {
        Trigger::At(s) => now_s >= *s as u64,
        Trigger::GaugeAbove { gauge, value } => gauges.reading(gauge).is_some_and(|r| r > *value),
        Trigger::Inject(id) => {
            drill.scenario.injects.iter().position(|i| &i.id == id).is_some_and(|k| st.delivered[k].is_some())
        }
        Trigger::Warning(level) => st.warning.is_some_and(|w| w >= *level),
        Trigger::Precursor(id) => st.observed.contains(id),
        Trigger::Step(_) => false,
    }
}

fn injects(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    gauges: Res<Gauges>,
    mut st: ResMut<InjectState>,
    mut rng: ResMut<RngStreams>,
    mut log: ResMut<EventLog>,
    tracker: Res<PlanTracker>,
    mut inbox: ResMut<Inboxes>,
    town: Res<crate::roles::commands::Township>,
) {
    let list = &drill.scenario.injects;
    if st.fired.len() != list.len() {
        st.fired = vec![false; list.len()];
        st.delivered = vec![None; list.len()];
    }
    let now = clock.now_s();
    let tick_s = clock.tick_s as u64;
    for (k, inj) in list.iter().enumerate() {
        let holds = town.instructor_injects.contains(&inj.id)
            || match &inj.when {
                Trigger::Step(id) => tracker.done(&drill, id),
                t => trigger_holds(t, now, &gauges, &st, &drill),
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
        st.delivered[k] = Some(clock.tick);
        for role in &inj.to {
            inbox.deliver(inj.id.clone(), role.clone(), clock.tick, inj.from.zh.clone(), inj.ack_within_s);
        }
        log.push(
            clock.tick,
            clock.tick_s,
            "inject_delivered",
            format!("inject:{}", inj.id),
            json!({
                "to": inj.to,
                "from": inj.from.zh,
                "message": inj.message.zh,
                "ack_within_s": inj.ack_within_s,
                "warning": inj.warning,
            }),
        );
        if let Some(w) = inj.warning
            && st.warning.is_none_or(|cur| w > cur)
        {
            st.warning = Some(w);
            log.push(clock.tick, clock.tick_s, "warning_received", format!("inject:{}", inj.id), json!({ "level": w }));
        }
    }
}
