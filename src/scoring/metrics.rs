//! Measuring each metric family from the event log, against what the
//! scenario expects (`expect`). Every function returns the value, the events
//! it rests on, and a one-line note in plain words; an expected thing never
//! done measures ∞ (or 0 for a share) and earns no credit. Events are
//! matched by variant, never by a string key.
//!
//! Owns: `measure`. May not touch: anything but the scenario and the log.

use super::expect::{Expected, evacuation_due};
use crate::scenario::schema::{Action, ActionKind, EvacuationClock, Metric, ReportKind, RubricMetric, Scenario};
use crate::sim::events::{Event, HarmOutcome, SimEvent};
use crate::sim::ids::{HouseholdId, ResidentId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A plan step a metric found wanting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepMark {
    /// The step's id in the scenario's plans.
    pub step: String,
    pub wanting: Wanting,
}

impl StepMark {
    pub fn new(step: &str, wanting: Wanting) -> Self {
        StepMark { step: step.to_owned(), wanting }
    }
}

/// What was wanting of a plan step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Wanting {
    /// Done after its deadline.
    Late,
    /// Not done by the end of the drill (for a dispatch: or its force not
    /// turned out or on scene; for a call: not made).
    NotDone,
}

/// A measured value before judging: `None` = not applicable.
pub struct Measured {
    pub value: Option<f64>,
    pub evidence: Vec<usize>,
    pub note: String,
    /// The plan steps behind a failure, by id: the note counts them, the
    /// report names them.
    pub steps: Vec<StepMark>,
}

fn na(note: &str) -> Measured {
    Measured { steps: Vec::new(), value: None, evidence: Vec::new(), note: note.to_owned() }
}

/// The events that `pick` maps to something, with their index.
fn pick<'a, T: 'a>(
    events: &'a [Event],
    f: impl Fn(&'a SimEvent) -> Option<T> + 'a,
) -> impl Iterator<Item = (usize, &'a Event, T)> + 'a {
    events.iter().enumerate().filter_map(move |(k, e)| f(&e.event).map(|x| (k, e, x)))
}

/// The expected steps of `role` (every role's when `None`) whose action matches.
fn mine<'e, 'a>(exp: &'e [Expected<'a>], role: Option<&str>, f: &dyn Fn(&Action) -> bool) -> Vec<&'e Expected<'a>> {
    exp.iter().filter(|e| role.is_none_or(|r| r == e.role) && f(&e.step.action)).collect()
}

/// Worst trigger-to-done delay over the expected steps (∞ for one never done).
fn step_delays(list: &[&Expected], what: &str) -> Measured {
    if list.is_empty() {
        return na(&format!("the plans expect no {what} step"));
    }
    let mut worst = 0.0f64;
    let mut evidence = Vec::new();
    let mut missing = Vec::new();
    for e in list {
        evidence.extend(e.triggered.map(|(k, _)| k));
        match (e.triggered, e.done) {
            (Some((_, t0)), Some((k, t1, _))) => {
                evidence.push(k);
                worst = worst.max(t1.saturating_sub(t0) as f64);
            }
            _ => {
                missing.push(StepMark::new(e.step.id.as_str(), Wanting::NotDone));
                worst = f64::INFINITY;
            }
        }
    }
    let note = if missing.is_empty() {
        format!("slowest {what} step took {worst} s from its trigger")
    } else {
        format!("{} {what} step(s) not done by the end of the drill", missing.len())
    };
    Measured { steps: missing, value: Some(worst), evidence, note }
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

/// Call-and-response (叫应): for each expected call, seconds from the call
/// to its confirmation (∞ if the call was never made or never confirmed).
fn calls(exp: &[Expected], events: &[Event], role: Option<&str>) -> Measured {
    let list = mine(exp, role, &|a| a.kind() == ActionKind::CallAndResponse);
    if list.is_empty() {
        return na("the plans expect no call-and-response");
    }
    let mut worst = 0.0f64;
    let mut evidence = Vec::new();
    let mut missing = Vec::new();
    for e in list {
        let Action::CallAndResponse { role: callee } = &e.step.action else { continue };
        let after = e.triggered.map_or(u64::MAX, |(_, t)| t);
        // The call made for the step (the first after its trigger; else one
        // made ahead of it).
        let made = || {
            pick(events, |ev| match ev {
                SimEvent::CallMade { call, from, to } if from == e.role && to == callee.as_str() => Some(call),
                _ => None,
            })
        };
        let call = made().find(|(_, ev, _)| ev.t >= after).or_else(|| made().last());
        let Some((k, ev, id)) = call else {
            missing.push(StepMark::new(e.step.id.as_str(), Wanting::NotDone));
            worst = f64::INFINITY;
            continue;
        };
        evidence.push(k);
        let ack = pick(events, |x| match x {
            SimEvent::MessageAcknowledged { message, .. } => Some(message),
            _ => None,
        })
        .find(|(_, _, m)| *m == id)
        .map(|(j, a, _)| (j, a));
        worst = worst.max(until_ack(ev, ack, &mut evidence));
    }
    let note = if missing.is_empty() {
        format!("slowest confirmation of a call: {worst} s")
    } else {
        format!("{} call(s) not made by the end of the drill", missing.len())
    };
    Measured { steps: missing, value: Some(worst), evidence, note }
}

/// Alarms (injects to be acknowledged) the scenario sends the role: the
/// slowest acknowledgement of those delivered.
fn alarms(s: &Scenario, events: &[Event], role: Option<&str>) -> Measured {
    let planned = s
        .injects
        .iter()
        .filter(|i| i.ack_within_s.is_some() && role.is_none_or(|r| i.to.iter().any(|t| t == r)))
        .count();
    if planned == 0 {
        return na("the scenario sends no alarm to be acknowledged");
    }
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
            worst = Some(worst.unwrap_or(0.0).max(until_ack(e, ack, &mut evidence)));
        }
    }
    match worst {
        Some(v) => {
            Measured { steps: Vec::new(), value: Some(v), evidence, note: format!("slowest alarm taken in {v} s") }
        }
        // The hazard never raised the alarms' conditions: nothing to take.
        None => Measured {
            steps: Vec::new(),
            value: Some(0.0),
            evidence,
            note: format!("none of the {planned} alarm(s) the scenario can send was delivered in this run"),
        },
    }
}

/// For each expected dispatch, seconds from the order to the force's
/// turn-out (`on_scene` false) or to its work starting on scene (∞ if the
/// force was never sent or never got there); other dispatches count too.
fn responders(exp: &[Expected], events: &[Event], role: Option<&str>, on_scene: bool) -> Measured {
    let list = mine(exp, role, &|a| a.kind() == ActionKind::Dispatch);
    if list.is_empty() {
        return na("the plans dispatch no force");
    }
    // A role's metric covers the forces it sends (by plan or by order).
    let mut sent: Vec<&str> = list
        .iter()
        .filter_map(|e| match &e.step.action {
            Action::Dispatch { force, .. } => Some(force.as_str()),
            _ => None,
        })
        .collect();
    sent.extend(
        pick(events, |e| match e {
            SimEvent::OrderGiven { role: r, action: Action::Dispatch { force, .. }, .. }
                if role.is_some_and(|x| r == x) =>
            {
                Some(force.as_str())
            }
            _ => None,
        })
        .map(|(_, _, f)| f),
    );
    let arrivals: Vec<(usize, u64, &str, u64)> = pick(events, |e| match (e, on_scene) {
        (SimEvent::ForceTurnedOut { force, after_s }, false)
        | (SimEvent::ForceOnScene { force, after_s, .. }, true) => Some((force.as_str(), *after_s)),
        _ => None,
    })
    .map(|(k, e, (f, a))| (k, e.t, f, a))
    .filter(|a| role.is_none() || sent.contains(&a.2))
    .collect();
    let mut worst = arrivals.iter().map(|a| a.3 as f64).fold(0.0, f64::max);
    let mut evidence: Vec<usize> = arrivals.iter().map(|a| a.0).collect();
    let mut missing = Vec::new();
    for e in list {
        let Action::Dispatch { force, .. } = &e.step.action else { continue };
        let arrived = e.done.and_then(|(k, t, _)| {
            evidence.push(k);
            arrivals.iter().find(|a| a.2 == force.as_str() && a.1 >= t)
        });
        if arrived.is_none() {
            missing.push(StepMark::new(e.step.id.as_str(), Wanting::NotDone));
            worst = f64::INFINITY;
        }
    }
    let what = if on_scene { "on scene" } else { "turned out" };
    let note = if missing.is_empty() {
        format!("slowest: {worst} s")
    } else {
        format!("{} dispatch step(s) not done or the force not {what} by the end of the drill", missing.len())
    };
    evidence.sort_unstable();
    evidence.dedup();
    Measured { steps: missing, value: Some(worst), evidence, note }
}

/// People at risk and when each got out, from the residents' events.
struct Evacuation {
    /// household → (residents, vulnerable, hazard arrival t)
    households: BTreeMap<HouseholdId, (u64, u64, Option<u64>)>,
    /// (t, household, vulnerable, event index) of residents reaching safety
    safe: Vec<(u64, HouseholdId, bool, usize)>,
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
        SimEvent::ResidentRescued { household, vulnerable, .. } => Some((household, *vulnerable)),
        _ => None,
    })
    .map(|(k, e, (hh, v))| (e.t, hh.clone(), v, k))
    .collect();
    Some(Evacuation { households, safe })
}

/// The evacuation clock of a metric: its moment and what it is, in words.
fn clock(from: Option<EvacuationClock>, exp: &[Expected], ev: &Evacuation) -> (u64, &'static str) {
    let due = evacuation_due(exp);
    let arrival = ev.households.values().filter_map(|h| h.2).min();
    match (from, due, arrival) {
        (None | Some(EvacuationClock::PlanDue), Some(t), _) => (t, "the plans said evacuation was due"),
        (Some(EvacuationClock::HazardArrival), _, Some(t)) | (_, None, Some(t)) => {
            (t, "the hazard first reached an at-risk home")
        }
        (Some(EvacuationClock::HazardArrival), Some(t), None) => {
            (t, "the plans said evacuation was due (the hazard reached no home)")
        }
        (_, None, None) => (0, "the start of the drill (no evacuation planned, no home reached)"),
    }
}

fn share_out(ev: &Evacuation, vulnerable_only: bool) -> Measured {
    let mut total = 0u64;
    let mut out = 0u64;
    let mut evidence = Vec::new();
    // Each household's arrivals in safety, in log order (one pass over
    // them, not one per household: the township's thousands of households
    // made that tens of millions of comparisons a report).
    let mut safe: BTreeMap<&HouseholdId, Vec<(u64, bool, usize)>> = BTreeMap::new();
    for (t, h, vul, k) in &ev.safe {
        safe.entry(h).or_default().push((*t, *vul, *k));
    }
    for (hh, (n, v, arrival)) in &ev.households {
        total += if vulnerable_only { *v } else { *n };
        for &(t, vul, k) in safe.get(hh).map_or(&[][..], |s| &s[..]) {
            if (!vulnerable_only || vul) && arrival.is_none_or(|a| t <= a) {
                out += 1;
                evidence.push(k);
            }
        }
    }
    if total == 0 {
        return na(if vulnerable_only { "no vulnerable resident was at risk" } else { "nobody was at risk" });
    }
    let share = out as f64 / total as f64;
    Measured {
        steps: Vec::new(),
        value: Some(share),
        evidence,
        note: format!("{out} of {total} at-risk residents safe before the hazard reached their home"),
    }
}

fn time_to(ev: &Evacuation, fraction: f64, (t0, what): (u64, &str)) -> Measured {
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
            steps: Vec::new(),
            value: Some(t.saturating_sub(t0) as f64),
            evidence: vec![*k],
            note: format!(
                "{:.0}% of {total} at-risk residents safe {} s after {what} (t = {t0} s)",
                fraction * 100.0,
                t.saturating_sub(t0),
            ),
        },
        _ => Measured {
            steps: Vec::new(),
            value: Some(f64::INFINITY),
            evidence: Vec::new(),
            note: format!("only {} of {total} at-risk residents reached safety by the end of the drill", times.len()),
        },
    }
}

/// Whether the drill has residents at all (its start event says).
fn has_residents(events: &[Event]) -> bool {
    events.iter().any(|e| matches!(e.event, SimEvent::DrillStarted { residents, .. } if residents > 0))
}

fn casualties(events: &[Event]) -> Measured {
    let mut worst = BTreeMap::new();
    for (k, _, (resident, outcome)) in pick(events, |e| match e {
        SimEvent::ResidentHarmed { resident, outcome, .. } => Some((*resident, *outcome)),
        _ => None,
    }) {
        if matches!(outcome, HarmOutcome::Dead | HarmOutcome::Injured) {
            let w = worst.entry(resident).or_insert((k, false));
            if outcome == HarmOutcome::Dead && !w.1 {
                *w = (k, true);
            }
        }
    }
    let dead = worst.values().filter(|(_, d)| *d).count();
    Measured {
        steps: Vec::new(),
        value: Some(worst.len() as f64),
        evidence: worst.values().map(|(k, _)| *k).collect(),
        note: format!("{} dead, {} injured", dead, worst.len() - dead),
    }
}

fn exposed(events: &[Event]) -> Measured {
    let list: Vec<(usize, u32, u32)> = pick(events, |e| match e {
        SimEvent::HouseholdExposed { at_home, vulnerable_at_home, .. } => Some((*at_home, *vulnerable_at_home)),
        _ => None,
    })
    .map(|(k, _, (n, v))| (k, n, v))
    .collect();
    let n: u64 = list.iter().map(|x| x.1 as u64).sum();
    let v: u64 = list.iter().map(|x| x.2 as u64).sum();
    Measured {
        steps: Vec::new(),
        value: Some(n as f64),
        evidence: list.iter().map(|x| x.0).collect(),
        note: format!(
            "{n} residents ({v} vulnerable) in {} homes still at home when the hazard reached them",
            list.len()
        ),
    }
}

fn plan_adherence(exp: &[Expected], role: Option<&str>) -> Measured {
    let list = mine(exp, role, &|_| true);
    if list.is_empty() {
        return na("the plans expect no step of this role");
    }
    let on_time = list.iter().filter(|e| e.done.is_some_and(|d| d.2)).count();
    let steps: Vec<StepMark> = list
        .iter()
        .filter_map(|e| match e.done {
            Some((_, _, true)) => None,
            Some(_) => Some(StepMark::new(e.step.id.as_str(), Wanting::Late)),
            None => Some(StepMark::new(e.step.id.as_str(), Wanting::NotDone)),
        })
        .collect();
    let late = steps.iter().filter(|m| m.wanting == Wanting::Late).count();
    let undone = steps.len() - late;
    let mut evidence: Vec<usize> =
        list.iter().flat_map(|e| e.triggered.map(|t| t.0).into_iter().chain(e.done.map(|d| d.0))).collect();
    evidence.sort_unstable();
    let mut note = format!("{on_time} of {} expected steps done on time", list.len());
    if late > 0 {
        note += &format!("; {late} late");
    }
    if undone > 0 {
        note += &format!("; {undone} not done by the end of the drill");
    }
    Measured { steps, value: Some(on_time as f64 / list.len() as f64), evidence, note }
}

/// Measures one rubric metric over the log, against what the scenario expects.
pub fn measure(m: &RubricMetric, s: &Scenario, events: &[Event], exp: &[Expected]) -> Measured {
    let role = m.role.as_deref();
    let no_people = || na("residents are not modelled in this drill");
    let evac = |f: &dyn Fn(&Evacuation) -> Measured| {
        if !has_residents(events) {
            return no_people();
        }
        evacuation(events)
            .map_or_else(|| na("no household is in a danger zone or was reached by the hazard"), |ev| f(&ev))
    };
    match m.metric {
        Metric::WarningDelay => step_delays(&mine(exp, role, &|a| a.kind() == ActionKind::IssueWarning), "warning"),
        Metric::FirstReport => step_delays(
            &mine(exp, role, &|a| matches!(a, Action::SendReport { kind: ReportKind::First })),
            "first-report",
        ),
        Metric::CallResponseTime => calls(exp, events, role),
        Metric::AlarmTaken => alarms(s, events, role),
        Metric::TurnOut => responders(exp, events, role, false),
        Metric::OnScene => responders(exp, events, role, true),
        Metric::EvacuatedBeforeArrival => evac(&|ev| share_out(ev, false)),
        Metric::VulnerableEvacuated => evac(&|ev| share_out(ev, true)),
        Metric::TimeTo50 => evac(&|ev| time_to(ev, 0.5, clock(m.from, exp, ev))),
        Metric::TimeTo90 => evac(&|ev| time_to(ev, 0.9, clock(m.from, exp, ev))),
        Metric::TimeTo100 => evac(&|ev| time_to(ev, 1.0, clock(m.from, exp, ev))),
        Metric::Casualties if has_residents(events) => casualties(events),
        Metric::Exposed if has_residents(events) => exposed(events),
        Metric::Casualties | Metric::Exposed => no_people(),
        Metric::ShelterOverflow => {
            let list: Vec<(usize, u32)> = pick(events, |e| match e {
                SimEvent::ShelterFull { turned_away, .. } => Some(*turned_away),
                _ => None,
            })
            .map(|(k, _, n)| (k, n))
            .collect();
            let n: u64 = list.iter().map(|(_, n)| *n as u64).sum();
            Measured {
                steps: Vec::new(),
                value: Some(n as f64),
                evidence: list.iter().map(|(k, _)| *k).collect(),
                note: format!("{n} people turned away from full shelters"),
            }
        }
        Metric::PlanAdherence => plan_adherence(exp, role),
        Metric::Rescued | Metric::TimeToRescue if !has_residents(events) => no_people(),
        Metric::Rescued => rescues(s, events, role, false),
        Metric::TimeToRescue => rescues(s, events, role, true),
        Metric::CrewSafety => {
            crew_counts(s, events, role, &|e| matches!(e, SimEvent::CrewEndangered { .. }), "came into danger")
        }
        Metric::RouteFailures => crew_counts(
            s,
            events,
            role,
            &|e| matches!(e, SimEvent::ForceRerouted { .. } | SimEvent::ForceCutOff { .. }),
            "was turned back or cut off on the road",
        ),
    }
}

/// The force a team leader's metric is about (`None`: every force).
fn own_force<'s>(s: &'s Scenario, role: Option<&str>) -> Option<&'s str> {
    role.and_then(|r| s.roles.iter().find(|x| x.id == r)).and_then(|r| r.force.as_deref())
}

fn force_of(e: &SimEvent) -> Option<&str> {
    match e {
        SimEvent::CrewEndangered { force, .. }
        | SimEvent::ForceRerouted { force, .. }
        | SimEvent::ForceCutOff { force }
        | SimEvent::ResidentRescued { by: force, .. } => Some(force.as_str()),
        _ => None,
    }
}

/// How many times the role's force (every force, without a role) had
/// events of one kind.
fn crew_counts(
    s: &Scenario,
    events: &[Event],
    role: Option<&str>,
    f: &dyn Fn(&SimEvent) -> bool,
    what: &str,
) -> Measured {
    let own = own_force(s, role);
    let hits: Vec<usize> = pick(events, |e| (f(e) && own.is_none_or(|o| force_of(e) == Some(o))).then_some(()))
        .map(|(k, _, _)| k)
        .collect();
    Measured {
        steps: Vec::new(),
        value: Some(hits.len() as f64),
        note: format!("{} time(s) the crew {what}", hits.len()),
        evidence: hits,
    }
}

/// Trapped residents and their rescues: the share brought out alive
/// (`timing` false) or the mean seconds from trapped to rescued, counting
/// those never rescued until the drill's end (`timing` true).
fn rescues(s: &Scenario, events: &[Event], role: Option<&str>, timing: bool) -> Measured {
    let own = own_force(s, role);
    let mut trapped: BTreeMap<ResidentId, (usize, u64)> = BTreeMap::new();
    for (k, e, resident) in pick(events, |e| match e {
        SimEvent::ResidentHarmed { resident, outcome: HarmOutcome::Trapped, .. } => Some(*resident),
        _ => None,
    }) {
        trapped.entry(resident).or_insert((k, e.t));
    }
    if trapped.is_empty() {
        return na("nobody was trapped in this run");
    }
    let mut out: BTreeMap<ResidentId, (usize, u64)> = BTreeMap::new();
    for (k, e, (resident, by)) in pick(events, |e| match e {
        SimEvent::ResidentRescued { resident, by, .. } => Some((*resident, by.as_str())),
        _ => None,
    }) {
        if trapped.contains_key(&resident) && own.is_none_or(|o| o == by) {
            out.entry(resident).or_insert((k, e.t));
        }
    }
    let end = events.last().map_or(0, |e| e.t);
    let mut evidence: Vec<usize> = trapped.values().map(|x| x.0).chain(out.values().map(|x| x.0)).collect();
    evidence.sort_unstable();
    if timing {
        let waits: Vec<u64> =
            trapped.iter().map(|(r, (_, t0))| out.get(r).map_or(end, |(_, t)| *t).saturating_sub(*t0)).collect();
        let mean = waits.iter().sum::<u64>() as f64 / waits.len() as f64;
        let longest = waits.iter().copied().max().unwrap_or(0);
        Measured {
            steps: Vec::new(),
            value: Some(mean),
            evidence,
            note: format!(
                "{} trapped, {} rescued; mean wait {mean:.0} s, longest {longest} s{}",
                trapped.len(),
                out.len(),
                if out.len() < trapped.len() { " (the unrescued counted to the end of the drill)" } else { "" }
            ),
        }
    } else {
        Measured {
            steps: Vec::new(),
            value: Some(out.len() as f64 / trapped.len() as f64),
            evidence,
            note: format!("{} of {} trapped residents brought out alive", out.len(), trapped.len()),
        }
    }
}
