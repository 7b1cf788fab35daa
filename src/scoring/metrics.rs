//! Measuring each metric family from the event log. Every function returns
//! the value, the events it rests on, and a one-line note in plain words.
//! Events are matched by variant, never by a string key.

use crate::scenario::schema::{Action, ActionKind, Metric, ReportKind, Scenario};
use crate::sim::events::{Event, HarmOutcome, SimEvent};
use crate::sim::ids::HouseholdId;
use std::collections::{BTreeMap, BTreeSet};

/// A measured value before judging: `None` = not applicable.
pub struct Measured {
    pub value: Option<f64>,
    pub evidence: Vec<usize>,
    pub note: String,
}

fn na(note: &str) -> Measured {
    Measured { value: None, evidence: Vec::new(), note: note.to_owned() }
}

/// The events that `pick` maps to something, with their index.
fn pick<'a, T: 'a>(
    events: &'a [Event],
    f: impl Fn(&'a SimEvent) -> Option<T> + 'a,
) -> impl Iterator<Item = (usize, &'a Event, T)> + 'a {
    events.iter().enumerate().filter_map(move |(k, e)| f(&e.event).map(|x| (k, e, x)))
}

/// Plan steps whose action matches, for the role if given.
fn steps_matching(s: &Scenario, role: Option<&str>, pick: &dyn Fn(&Action) -> bool) -> BTreeSet<String> {
    s.plans
        .iter()
        .filter(|p| role.is_none_or(|r| r == p.role))
        .flat_map(|p| p.steps.iter())
        .filter(|st| pick(&st.action))
        .map(|st| st.id.clone())
        .collect()
}

/// Worst trigger-to-done delay over the given steps (∞ if one never got done).
fn step_delays(events: &[Event], steps: &BTreeSet<String>, what: &str) -> Measured {
    let mut worst: Option<f64> = None;
    let mut evidence = Vec::new();
    let mut missing = 0;
    let done_of = |id: &'_ str| {
        pick(events, |e| match e {
            SimEvent::PlanStepDone { step, .. } => Some(step),
            _ => None,
        })
        .find(move |(_, _, s)| s.as_str() == id)
    };
    for (k, e, id) in pick(events, |e| match e {
        SimEvent::PlanStepTriggered { step, .. } => Some(step),
        _ => None,
    }) {
        if !steps.contains(id.as_str()) {
            continue;
        }
        evidence.push(k);
        let delay = match done_of(id.as_str()) {
            Some((j, d, _)) => {
                evidence.push(j);
                d.t.saturating_sub(e.t) as f64
            }
            None => {
                missing += 1;
                f64::INFINITY
            }
        };
        worst = Some(worst.map_or(delay, |w: f64| w.max(delay)));
    }
    match worst {
        None => na(&format!("no {what} step was triggered")),
        Some(v) => Measured {
            value: Some(v),
            evidence,
            note: if missing > 0 {
                format!("{missing} {what} step(s) never done")
            } else {
                format!("slowest {what} step took {v} s from its trigger")
            },
        },
    }
}

/// Seconds from `e` to its acknowledgement (∞ if none), citing the acknowledgement.
fn until_ack(e: &Event, ack: Option<(usize, &Event)>, evidence: &mut Vec<usize>) -> f64 {
    match ack {
        Some((j, a)) => {
            evidence.push(j);
            a.t.saturating_sub(e.t) as f64
        }
        None => f64::INFINITY,
    }
}

fn calls(s: &Scenario, events: &[Event], role: Option<&str>) -> Measured {
    let mut worst: Option<f64> = None;
    let mut evidence = Vec::new();
    for (k, e, (call, from)) in pick(events, |e| match e {
        SimEvent::CallMade { call, from, .. } => Some((call, from)),
        _ => None,
    }) {
        if role.is_some_and(|r| from != r) {
            continue;
        }
        evidence.push(k);
        let ack = pick(events, |e| match e {
            SimEvent::MessageAcknowledged { message, .. } => Some(message),
            _ => None,
        })
        .find(|(_, _, m)| *m == call)
        .map(|(j, a, _)| (j, a));
        worst = Some(worst.map_or(f64::NEG_INFINITY, |w: f64| w).max(until_ack(e, ack, &mut evidence)));
    }
    match worst {
        Some(v) => Measured { value: Some(v), evidence, note: format!("slowest confirmation of a call: {v} s") },
        // No call made: a triggered call step that was never done fails.
        None => {
            let steps = steps_matching(s, role, &|a| a.kind() == ActionKind::CallAndResponse);
            let m = step_delays(events, &steps, "call-and-response");
            if m.value.is_some() {
                Measured { note: "no call was made".into(), ..m }
            } else {
                na("no call was made or planned")
            }
        }
    }
}

fn alarms(events: &[Event], role: Option<&str>) -> Measured {
    let mut worst: Option<f64> = None;
    let mut evidence = Vec::new();
    for (k, e, (id, to)) in pick(events, |e| match e {
        SimEvent::InjectDelivered { inject, to, ack_within_s: Some(_), .. } => Some((inject, to)),
        _ => None,
    }) {
        for r in to.iter().filter(|r| role.is_none_or(|want| *r == want)) {
            evidence.push(k);
            let ack = pick(events, |e| match e {
                SimEvent::MessageAcknowledged { message, role, .. } => Some((message, role)),
                _ => None,
            })
            .find(|(_, _, (m, by))| m.as_str() == id.as_str() && *by == r)
            .map(|(j, a, _)| (j, a));
            worst = Some(worst.map_or(f64::NEG_INFINITY, |w: f64| w).max(until_ack(e, ack, &mut evidence)));
        }
    }
    match worst {
        Some(v) => Measured { value: Some(v), evidence, note: format!("slowest alarm taken in {v} s") },
        None => na("no alarm needed acknowledging"),
    }
}

/// Seconds after the order of each turn-out (`on_scene` false) or arrival on scene.
fn responders(events: &[Event], on_scene: bool) -> Measured {
    let list: Vec<(usize, u64)> = pick(events, |e| match (e, on_scene) {
        (SimEvent::ForceTurnedOut { after_s, .. }, false) | (SimEvent::ForceOnScene { after_s, .. }, true) => {
            Some(*after_s)
        }
        _ => None,
    })
    .map(|(k, _, a)| (k, a))
    .collect();
    if list.is_empty() {
        return na("no force was dispatched, or responders are not modelled in this drill");
    }
    let worst = list.iter().map(|(_, a)| *a as f64).fold(0.0, f64::max);
    Measured {
        value: Some(worst),
        evidence: list.iter().map(|(k, _)| *k).collect(),
        note: format!("slowest: {worst} s"),
    }
}

/// People at risk and when each got out, from the residents' events.
struct Evacuation {
    /// household → (residents, vulnerable, hazard arrival t)
    households: BTreeMap<HouseholdId, (u64, u64, Option<u64>)>,
    /// (t, household, vulnerable, event index) of residents reaching safety
    safe: Vec<(u64, HouseholdId, bool, usize)>,
    alarm_t: u64,
    /// What started the evacuation clock (for the note).
    alarm_what: &'static str,
}

fn evacuation(events: &[Event]) -> Option<Evacuation> {
    let mut households: BTreeMap<HouseholdId, (u64, u64, Option<u64>)> = BTreeMap::new();
    for e in events {
        match &e.event {
            SimEvent::HouseholdAtRisk { household, residents, vulnerable, .. } => {
                let h = households.entry(household.clone()).or_default();
                (h.0, h.1) = (*residents as u64, *vulnerable as u64);
            }
            SimEvent::HazardReachedHome { household, residents, vulnerable, .. } => {
                let h = households.entry(household.clone()).or_default();
                if h.0 == 0 {
                    (h.0, h.1) = (*residents as u64, *vulnerable as u64);
                }
                h.2.get_or_insert(e.t);
            }
            _ => {}
        }
    }
    if households.is_empty() {
        return None;
    }
    let safe = pick(events, |e| match e {
        SimEvent::ResidentSafe { household, vulnerable, .. } => Some((household, *vulnerable)),
        _ => None,
    })
    .map(|(k, e, (hh, v))| (e.t, hh.clone(), v, k))
    .collect();
    // The evacuation clock starts with the first evacuation order; without
    // one, with the first warning that reached a household; without that,
    // with the first official warning the township received.
    let first = |want: &dyn Fn(&SimEvent) -> bool| events.iter().find(|e| want(&e.event)).map(|e| e.t);
    let order = first(&|e| matches!(e, SimEvent::OrderGiven { action: Action::OrderEvacuation { .. }, .. }));
    let (alarm_t, alarm_what) = if let Some(t) = order {
        (t, "the first evacuation order")
    } else if let Some(t) = first(&|e| matches!(e, SimEvent::HouseholdWarned { .. })) {
        (t, "the first warning reached a household")
    } else {
        (first(&|e| matches!(e, SimEvent::WarningReceived { .. })).unwrap_or(0), "the first warning")
    };
    Some(Evacuation { households, safe, alarm_t, alarm_what })
}

fn share_out(ev: &Evacuation, vulnerable_only: bool) -> Measured {
    let mut total = 0u64;
    let mut out = 0u64;
    let mut evidence = Vec::new();
    for (hh, (n, v, arrival)) in &ev.households {
        total += if vulnerable_only { *v } else { *n };
        for (t, h, vul, k) in &ev.safe {
            if h == hh && (!vulnerable_only || *vul) && arrival.is_none_or(|a| *t <= a) {
                out += 1;
                evidence.push(*k);
            }
        }
    }
    if total == 0 {
        return na(if vulnerable_only { "no vulnerable resident was at risk" } else { "nobody was at risk" });
    }
    let share = out as f64 / total as f64;
    Measured {
        value: Some(share),
        evidence,
        note: format!("{out} of {total} at-risk residents safe before the hazard reached their home"),
    }
}

fn time_to(ev: &Evacuation, fraction: f64) -> Measured {
    let total: u64 = ev.households.values().map(|h| h.0).sum();
    let mut times: Vec<(u64, usize)> =
        ev.safe.iter().filter(|(_, h, _, _)| ev.households.contains_key(h)).map(|(t, _, _, k)| (*t, *k)).collect();
    times.sort();
    let need = (fraction * total as f64).ceil() as usize;
    if total == 0 {
        return na("nobody was at risk");
    }
    match times.get(need.saturating_sub(1)) {
        Some((t, k)) if need > 0 => Measured {
            value: Some(t.saturating_sub(ev.alarm_t) as f64),
            evidence: vec![*k],
            note: format!(
                "{:.0}% of {total} at-risk residents safe {} s after {}",
                fraction * 100.0,
                t.saturating_sub(ev.alarm_t),
                ev.alarm_what
            ),
        },
        _ => Measured {
            value: Some(f64::INFINITY),
            evidence: Vec::new(),
            note: format!("only {} of {total} at-risk residents reached safety", times.len()),
        },
    }
}

/// Measures one metric over the log.
pub fn measure(metric: Metric, role: Option<&str>, s: &Scenario, events: &[Event]) -> Measured {
    match metric {
        Metric::WarningDelay => {
            step_delays(events, &steps_matching(s, role, &|a| a.kind() == ActionKind::IssueWarning), "warning")
        }
        Metric::FirstReport => step_delays(
            events,
            &steps_matching(s, role, &|a| matches!(a, Action::SendReport { kind: ReportKind::First })),
            "first-report",
        ),
        Metric::CallResponseTime => calls(s, events, role),
        Metric::AlarmTaken => alarms(events, role),
        Metric::TurnOut => responders(events, false),
        Metric::OnScene => responders(events, true),
        Metric::EvacuatedBeforeArrival => evacuation(events)
            .map_or_else(|| na("residents are not modelled in this drill"), |ev| share_out(&ev, false)),
        Metric::VulnerableEvacuated => {
            evacuation(events).map_or_else(|| na("residents are not modelled in this drill"), |ev| share_out(&ev, true))
        }
        Metric::TimeTo50 => {
            evacuation(events).map_or_else(|| na("residents are not modelled in this drill"), |ev| time_to(&ev, 0.5))
        }
        Metric::TimeTo90 => {
            evacuation(events).map_or_else(|| na("residents are not modelled in this drill"), |ev| time_to(&ev, 0.9))
        }
        Metric::TimeTo100 => {
            evacuation(events).map_or_else(|| na("residents are not modelled in this drill"), |ev| time_to(&ev, 1.0))
        }
        Metric::Casualties => {
            let harmed = || {
                pick(events, |e| match e {
                    SimEvent::ResidentHarmed { resident, outcome, .. } => Some((*resident, *outcome)),
                    _ => None,
                })
            };
            if evacuation(events).is_none() && harmed().next().is_none() {
                return na("residents are not modelled in this drill");
            }
            let mut worst = BTreeMap::new();
            for (k, _, (resident, outcome)) in harmed() {
                if matches!(outcome, HarmOutcome::Dead | HarmOutcome::Injured) {
                    worst.entry(resident).or_insert((k, outcome == HarmOutcome::Dead));
                }
            }
            let dead = worst.values().filter(|(_, d)| *d).count();
            Measured {
                value: Some(worst.len() as f64),
                evidence: worst.values().map(|(k, _)| *k).collect(),
                note: format!("{} dead, {} injured", dead, worst.len() - dead),
            }
        }
        Metric::ShelterOverflow => {
            let list: Vec<(usize, u32)> = pick(events, |e| match e {
                SimEvent::ShelterFull { turned_away, .. } => Some(*turned_away),
                _ => None,
            })
            .map(|(k, _, n)| (k, n))
            .collect();
            let n: u64 = list.iter().map(|(_, n)| *n as u64).sum();
            Measured {
                value: Some(n as f64),
                evidence: list.iter().map(|(k, _)| *k).collect(),
                note: format!("{n} people turned away from full shelters"),
            }
        }
        Metric::PlanAdherence => {
            let mine = |r: &crate::sim::ids::RoleId| role.is_none_or(|want| *r == want);
            let triggered: Vec<usize> = pick(events, |e| match e {
                SimEvent::PlanStepTriggered { role, .. } if mine(role) => Some(()),
                _ => None,
            })
            .map(|(k, _, _)| k)
            .collect();
            if triggered.is_empty() {
                return na("no plan step was triggered");
            }
            let on_time: Vec<usize> = pick(events, |e| match e {
                SimEvent::PlanStepDone { role, on_time: true, .. } if mine(role) => Some(()),
                _ => None,
            })
            .map(|(k, _, _)| k)
            .collect();
            let v = on_time.len() as f64 / triggered.len() as f64;
            Measured {
                value: Some(v),
                evidence: triggered.into_iter().chain(on_time.iter().copied()).collect(),
                note: format!("{} of the triggered steps done on time by the right role", on_time.len()),
            }
        }
    }
}
