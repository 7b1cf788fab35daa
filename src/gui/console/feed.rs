//! The event feed: what this role knows, newest first — its messages,
//! calls and acknowledgements, its orders and their refusals, its overdue
//! steps, the forces it can see, and the situation everybody hears of
//! (breaches, gauges reached, slides, fires, roads cut).
//!
//! Owns: the feed and its choice of events. May not touch: the drill.

use super::{Ctx, describe, force_name, role_name};
use crate::gui::i18n::Tr;
use crate::sim::events::{Event, SimEvent};
use bevy_egui::egui;

/// Lines the feed keeps.
const KEEP: usize = 200;

/// The feed's line for `e`, if this role knows of it.
pub fn line(ctx: &Ctx, e: &Event) -> Option<String> {
    let tr = ctx.tr;
    let me = ctx.role.id.as_str();
    // The instructor knows what every role knows.
    let mine = |r: &str| ctx.instructor || r == me;
    let who = |r: &str| match (ctx.instructor, r == crate::sim::orders::INSTRUCTOR_ROLE) {
        (false, _) => String::new(),
        (true, true) => format!("{}：", tr.t("inbox-from-instructor")),
        (true, false) => format!("{}：", role_name(ctx, r)),
    };
    let my_force = |f: &str| ctx.instructor || ctx.role.force.as_deref().is_none_or(|own| own == f);
    let text = match &e.event {
        SimEvent::DrillStarted { .. } => tr.t("feed-started"),
        SimEvent::DrillEnded { .. } => tr.t("feed-ended"),
        SimEvent::InjectDelivered { inject, to, .. } if to.iter().any(|r| mine(r.as_str())) => {
            let (from, text) = super::message_text(ctx, inject.as_str(), "");
            tr.a("feed-message", &[("from", from.into()), ("text", text.into())])
        }
        SimEvent::OrderGiven { role, action, .. } if mine(role.as_str()) => {
            who(role.as_str()) + &tr.a("feed-order", &[("order", describe(ctx, action).into())])
        }
        SimEvent::OrderRefused { role, action, reason, .. } if mine(role.as_str()) => {
            who(role.as_str())
                + &tr.a("feed-refused", &[("order", describe(ctx, action).into()), ("reason", reason.as_str().into())])
        }
        SimEvent::CallMade { from, to, .. } if mine(to.as_str()) || mine(from.as_str()) => tr.a(
            "feed-call",
            &[("from", role_name(ctx, from.as_str()).into()), ("to", role_name(ctx, to.as_str()).into())],
        ),
        SimEvent::MessageAcknowledged { role, after_s, .. } if mine(role.as_str()) => {
            who(role.as_str()) + &tr.a("feed-acked", &[("after", (*after_s).into())])
        }
        SimEvent::PlanStepOverdue { step, role, .. } if mine(role.as_str()) => {
            // What the step asks, not its id (step ids are unique in a scenario).
            let mut steps = ctx.scenario.plans.iter().flat_map(|p| &p.steps);
            let what =
                steps.find(|s| s.id == step.as_str()).map_or(step.as_str().to_owned(), |s| describe(ctx, &s.action));
            who(role.as_str()) + &tr.a("feed-overdue", &[("what", what.into())])
        }
        SimEvent::ForceTurnedOut { force, after_s } if my_force(force.as_str()) => {
            tr.a("feed-turned-out", &[("force", force_name(ctx, force.as_str()).into()), ("after", (*after_s).into())])
        }
        SimEvent::ForceOnScene { force, after_s, task } if my_force(force.as_str()) => tr.a(
            "feed-on-scene",
            &[
                ("force", force_name(ctx, force.as_str()).into()),
                ("task", tr.t(&format!("task-{task:?}")).into()),
                ("after", (*after_s).into()),
            ],
        ),
        SimEvent::CrewEndangered { force, hazard, .. } if my_force(force.as_str()) => tr.a(
            "feed-crew-endangered",
            &[
                ("force", force_name(ctx, force.as_str()).into()),
                ("hazard", tr.t(&format!("hazard-{hazard:?}")).into()),
            ],
        ),
        SimEvent::ForceCutOff { force } if my_force(force.as_str()) => {
            tr.a("feed-cut-off", &[("force", force_name(ctx, force.as_str()).into())])
        }
        SimEvent::DikeBreached { dike, .. } => {
            tr.a("feed-breach", &[("dike", super::dike_name(ctx, dike.as_str()).into())])
        }
        SimEvent::GaugeWaterReached { gauge, depth_m } => {
            tr.a("feed-gauge-water", &[("gauge", gauge_name(ctx, gauge.as_str()).into()), ("depth", (*depth_m).into())])
        }
        SimEvent::RoadFlooded { road, .. } => {
            tr.a("feed-road-flooded", &[("road", super::road_name(ctx, road.as_str()).into())])
        }
        SimEvent::RoadBlocked { road, .. } => {
            tr.a("feed-road-blocked", &[("road", super::road_name(ctx, road.as_str()).into())])
        }
        SimEvent::LandslideReleased { volume_m3, .. } => {
            tr.a("feed-landslide", &[("volume", volume_m3.round().into())])
        }
        SimEvent::PrecursorObserved { by, .. } if mine(by.as_str()) => tr.t("feed-precursor"),
        SimEvent::FireIgnited { .. } => tr.t("feed-fire"),
        SimEvent::HouseBurning { household, .. } => tr.a("feed-house-burning", &[("house", household.as_str().into())]),
        _ => return None,
    };
    Some(format!("{}  {}", Tr::clock(e.t), text))
}

/// A gauge's name in the window's language.
pub fn gauge_name(ctx: &Ctx, id: &str) -> String {
    ctx.scenario
        .gauges
        .iter()
        .find(|g| g.id == id)
        .and_then(|g| g.name.as_ref())
        .map_or(id.to_owned(), |n| ctx.tr.text(n).to_owned())
}

pub fn feed(ui: &mut egui::Ui, ctx: &Ctx) {
    ui.heading(ctx.tr.t("feed-title"));
    let lines: Vec<String> = ctx.events.iter().rev().filter_map(|e| line(ctx, e)).take(KEEP).collect();
    egui::ScrollArea::vertical().id_salt("feed").max_height(260.0).show(ui, |ui| {
        for l in lines {
            ui.label(l);
        }
    });
}
