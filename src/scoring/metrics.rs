//! Measuring each metric family from the event log. Every function returns
//! the value, the events it rests on, and a one-line note in plain words.

use super::Measured;
use crate::scenario::schema::{Action, ActionKind, Metric, ReportKind, Scenario};
use crate::sim::events::Event;
use std::collections::{BTreeMap, BTreeSet};

fn na(note: &str) -> Measured {
    Measured { value: None, evidence: Vec::new(), note: note.to_owned() }
}

fn of_kind<'a>(events: &'a [Event], kind: &'a str) -> impl Iterator<Item = (usize, &'a Event)> + 'a {
    events.iter().enumerate().filter(move |(_, e)| e.kind == kind)
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
    for (k, e) in of_kind(events, "plan_step_triggered") {
        let id = e.subject.trim_start_matches("step:");
        if !steps.contains(id) {
            continue;
        }
        evidence.push(k);
        let done = of_kind(events, "plan_step_done").find(|(_, d)| d.subject == e.subject);
        let delay = match done {
            Some((j, d)) => {
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
    for (k, e) in of_kind(events, "call_made") {
        if role.is_some_and(|r| e.data["from"] != r) {
            continue;
        }
        evidence.push(k);
        let ack = of_kind(events, "message_acknowledged").find(|(_, a)| a.data["message"] == e.subject.as_str());
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
    for (k, e) in of_kind(events, "inject_delivered") {
        if e.data["ack_within_s"].is_null() {
            continue;
        }
        let id = e.subject.trim_start_matches("inject:");
        let to: Vec<String> =
            e.data["to"].as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_owned)).collect();
        for r in to.iter().filter(|r| role.is_none_or(|want| want == r.as_str())) {
            evidence.push(k);
            let ack = of_kind(events, "message_acknowledged")
                .find(|(_, a)| a.data["message"] == id && a.subject == format!("role:{r}"));
            worst = Some(worst.map_or(f64::NEG_INFINITY, |w: f64| w).max(until_ack(e, ack, &mut evidence)));
        }
    }
    match worst {
        Some(v) => Measured { value: Some(v), evidence, note: format!("slowest alarm taken in {v} s") },
        None => na("no alarm needed acknowledging"),
    }
}

fn responders(events: &[Event], kind: &str) -> Measured {
    let list: Vec<(usize, &Event)> = of_kind(events, kind).collect();
    if list.is_empty() {
        return na("no force was dispatched, or responders are not modelled in this drill");
    }
    let worst = list.iter().filter_map(|(_, e)| e.data["after_s"].as_f64()).fold(0.0, f64::max);
    Measured {
        value: Some(worst),
        evidence: list.iter().map(|(k, _)| *k).collect(),
        note: format!("slowest: {worst} s"),
    }
}

/// People at risk and when each got out, from the residents' events.
struct Evacuation {
    /// household → (residents, vulnerable, hazard arrival t)
    households: BTreeMap<String, (u64, u64, Option<u64>)>,
    /// (t, household, vulnerable, event index) of residents reaching safety
    safe: Vec<(u64, String, bool, usize)>,
    alarm_t: u64,
    /// What started the evacuation clock (for the note).
    alarm_what: &'static str,
}

fn evacuation(events: &[Event]) -> Option<Evacuation> {
    let mut households: BTreeMap<String, (u64, u64, Option<u64>)> = BTreeMap::new();
    for (_, e) in of_kind(events, "household_at_risk") {
        let h = households.entry(e.subject.clone()).or_default();
        h.0 = e.data["residents"].as_u64().unwrap_or(0);
        h.1 = e.data["vulnerable"].as_u64().unwrap_or(0);
    }
    for (_, e) in of_kind(events, "hazard_reached_home") {
        let h = households.entry(e.subject.clone()).or_default();
        if h.0 == 0 {
            h.0 = e.data["residents"].as_u64().unwrap_or(0);
            h.1 = e.data["vulnerable"].as_u64().unwrap_or(0);
        }
        h.2.get_or_insert(e.t);
    }
    if households.is_empty() {
        return None;
    }
    let safe = of_kind(events, "resident_safe")
        .filter_map(|(k, e)| {
            let hh = e.data["household"].as_str()?.to_owned();
            Some((e.t, format!("household:{hh}"), e.data["vulnerable"].as_bool().unwrap_or(false), k))
        })
        .collect();
    // The evacuation clock starts with the first evacuation order; without
    // one, with the first warning that reached a household; without that,
    // with the first official warning the township received.
    let order = of_kind(events, "order_given").find(|(_, e)| e.data["action"].get("OrderEvacuation").is_some());
    let (alarm_t, alarm_what) = if let Some((_, e)) = order {
        (e.t, "the first evacuation order")
    } else if let Some((_, e)) = of_kind(events, "household_warned").next() {
        (e.t, "the first warning reached a household")
    } else {
        (of_kind(events, "warning_received").map(|(_, e)| e.t).next().unwrap_or(0), "the first warning")
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
        Metric::TurnOut => responders(events, "force_turned_out"),
        Metric::OnScene => responders(events, "force_on_scene"),
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
            if evacuation(events).is_none() && of_kind(events, "resident_harmed").next().is_none() {
                return na("residents are not modelled in this drill");
            }
            let mut worst: BTreeMap<&str, (usize, bool)> = BTreeMap::new();
            for (k, e) in of_kind(events, "resident_harmed") {
                let outcome = e.data["outcome"].as_str().unwrap_or("");
                if outcome == "dead" || outcome == "injured" {
                    worst.entry(e.subject.as_str()).or_insert((k, outcome == "dead"));
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
            let list: Vec<(usize, &Event)> = of_kind(events, "shelter_full").collect();
            let n: u64 = list.iter().map(|(_, e)| e.data["turned_away"].as_u64().unwrap_or(0)).sum();
            Measured {
                value: Some(n as f64),
                evidence: list.iter().map(|(k, _)| *k).collect(),
                note: format!("{n} people turned away from full shelters"),
            }
        }
        Metric::PlanAdherence => {
            let mine = |e: &Event| role.is_none_or(|r| e.data["role"] == r);
            let triggered: Vec<usize> =
                of_kind(events, "plan_step_triggered").filter(|(_, e)| mine(e)).map(|(k, _)| k).collect();
            if triggered.is_empty() {
                return na("no plan step was triggered");
            }
            let on_time: Vec<usize> = of_kind(events, "plan_step_done")
                .filter(|(_, e)| mine(e) && e.data["on_time"] == true)
                .map(|(k, _)| k)
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
