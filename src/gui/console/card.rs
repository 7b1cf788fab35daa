//! The info card of what was clicked on the map: a house (its household,
//! state), a village (households, residents), a shelter (occupancy), a
//! force (task, on scene) or a gauge (latest value).
//!
//! Owns: `pick` and the card panel. May not touch: the drill.

use super::{Ctx, Selection, force_name, shelter_name, village_name};
use crate::geom::dist;
use crate::scenario::schema::Point;
use bevy_egui::egui;

/// The nearest thing within `radius_m` of `p` (forces, shelters, gauges,
/// then houses), else the village whose boundary holds `p`.
pub fn pick(ctx: &Ctx, p: Point, radius_m: f64) -> Option<Selection> {
    let near = |at: Point| dist(at, p) <= radius_m;
    let best = |pts: &mut dyn Iterator<Item = Point>| -> Option<usize> {
        pts.enumerate().filter(|(_, a)| near(*a)).min_by(|a, b| dist(a.1, p).total_cmp(&dist(b.1, p))).map(|(k, _)| k)
    };
    if let Some(k) = best(&mut ctx.sim.forces.iter().map(|f| f.at)) {
        return Some(Selection::Force(k));
    }
    if let Some(k) = best(&mut ctx.sim.shelters.iter().map(|s| s.at)) {
        return Some(Selection::Shelter(k));
    }
    if let Some(k) = best(&mut ctx.scenario.gauges.iter().map(|g| g.kind.marker_at())) {
        return Some(Selection::Gauge(k));
    }
    if let Some(k) = best(&mut ctx.sim.houses.iter().map(|h| h.at)) {
        return Some(Selection::House(k));
    }
    ctx.scenario.villages.iter().position(|v| crate::geom::in_polygon(p, &v.boundary)).map(Selection::Village)
}

pub fn card(ui: &mut egui::Ui, ctx: &Ctx, sel: Selection) {
    let tr = ctx.tr;
    match sel {
        Selection::House(k) => {
            let Some(h) = ctx.sim.houses.get(k) else { return };
            ui.heading(tr.a("card-house", &[("id", h.household.as_str().into())]));
            ui.label(tr.t(&format!("house-{:?}", h.state)));
        }
        Selection::Village(k) => {
            let Some(v) = ctx.scenario.villages.get(k) else { return };
            let hh = crate::scenario::expand::households(v);
            ui.heading(village_name(ctx, &v.id));
            ui.label(tr.a(
                "card-village",
                &[
                    ("households", (hh.len() as u64).into()),
                    ("residents", hh.iter().map(|h| h.members.total() as u64).sum::<u64>().into()),
                ],
            ));
        }
        Selection::Shelter(k) => {
            let Some(s) = ctx.sim.shelters.get(k) else { return };
            ui.heading(shelter_name(ctx, s.shelter.as_str()));
            ui.label(tr.a("card-shelter", &[("occupants", s.occupants.into()), ("capacity", s.capacity.into())]));
            ui.label(tr.t(if s.open { "card-open" } else { "card-shut" }));
        }
        Selection::Force(k) => {
            let Some(f) = ctx.sim.forces.get(k) else { return };
            ui.heading(force_name(ctx, f.force.as_str()));
            let task = f.task.map_or(tr.t("card-no-task"), |t| tr.t(&format!("task-{t:?}")));
            ui.label(tr.a("card-force", &[("task", task.into())]));
            if f.on_scene {
                ui.label(tr.t("card-on-scene"));
            }
        }
        Selection::Gauge(k) => {
            let Some(g) = ctx.scenario.gauges.get(k) else { return };
            ui.heading(super::feed::gauge_name(ctx, &g.id));
            let v = ctx.view.gauges.get(k).map_or(f64::NAN, |(_, v)| *v);
            ui.label(tr.a("card-gauge", &[("value", ((v * 100.0).round() / 100.0).into())]));
        }
    }
}
