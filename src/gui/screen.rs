//! The projector screen (大屏): what a hall of villagers or a class reads
//! from the back of the room — no controls, the drill's title and clock,
//! big counters (warned, left home, safe in shelters, still at risk,
//! harmed), every village with the time left before the hazard reaches it
//! (the forecast, `crate::forecast`) and its shelters' fill, and the river
//! gauge against the levels the plans act on. The map beside it is the
//! window's scene with its labels. Text is sized from the window's height
//! (at least 32 px at 1080 lines); colours are the Okabe–Ito palette.
//!
//! Owns: the screen's panel and its counts. May not touch: the drill.

use super::console::Ctx;
use super::i18n::Tr;
use super::scene::markers::PERSON_COLOURS;
use crate::forecast::Forecast;
use crate::scenario::schema::{GaugeKind, Trigger};
use crate::sim::events::{HarmOutcome, SimEvent};
use crate::sim::view::PersonState;
use bevy_egui::egui;
use std::collections::BTreeSet;

/// The counters on the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub residents: usize,
    /// Warned (heard a warning, or on their way, or safe).
    pub warned: usize,
    /// Out of their homes (on their way or safe).
    pub left: usize,
    /// Safe in a shelter (or rescued).
    pub safe: usize,
    /// Residents of homes in danger not yet safe (nor dead).
    pub at_risk: usize,
    /// Injured or dead.
    pub harmed: usize,
}

/// The counters at the view's moment: states from the view, the homes in
/// danger from the events.
pub fn counts(ctx: &Ctx) -> Counts {
    let mut c = Counts { residents: ctx.sim.residents.len(), ..Default::default() };
    for p in &ctx.sim.residents {
        match p.state {
            PersonState::Unaware => {}
            PersonState::Warned => c.warned += 1,
            PersonState::Moving => {
                c.warned += 1;
                c.left += 1;
            }
            PersonState::Safe => {
                c.warned += 1;
                c.left += 1;
                c.safe += 1;
            }
            PersonState::Harmed => c.harmed += 1,
        }
    }
    let mut homes = BTreeSet::new();
    let (mut in_danger, mut out_of_it) = (0usize, 0usize);
    for e in ctx.events.iter().filter(|e| e.t <= ctx.now_s) {
        match &e.event {
            SimEvent::HouseholdAtRisk { household, residents, .. } if homes.insert(household.as_str()) => {
                in_danger += *residents as usize;
            }
            SimEvent::ResidentSafe { household, .. } | SimEvent::ResidentRescued { household, .. }
                if homes.contains(household.as_str()) =>
            {
                out_of_it += 1;
            }
            SimEvent::ResidentHarmed { household, outcome: HarmOutcome::Dead, .. }
                if homes.contains(household.as_str()) =>
            {
                out_of_it += 1;
            }
            _ => {}
        }
    }
    c.at_risk = in_danger.saturating_sub(out_of_it);
    c
}

/// The levels the plans and injects act on for gauge `id` (`GaugeAbove`).
pub fn thresholds(ctx: &Ctx, id: &str) -> Vec<f64> {
    let s = ctx.scenario;
    let from_plans = s.plans.iter().flat_map(|p| p.steps.iter()).map(|st| &st.trigger);
    let from_injects = s.injects.iter().map(|i| &i.when);
    let mut v: Vec<f64> = from_plans
        .chain(from_injects)
        .filter_map(|t| match t {
            Trigger::GaugeAbove { gauge, value } if gauge == id => Some(*value),
            _ => None,
        })
        .collect();
    v.sort_by(f64::total_cmp);
    v.dedup();
    v
}

fn colour(c: [f32; 3]) -> egui::Color32 {
    egui::Color32::from_rgb((c[0] * 255.0) as u8, (c[1] * 255.0) as u8, (c[2] * 255.0) as u8)
}

/// The screen's side panel; `px` is the body text size in points.
pub fn panel(ui: &mut egui::Ui, ctx: &Ctx, forecast: Option<&Forecast>, px: f32) {
    let tr = ctx.tr;
    let big = |t: String, size: f32| egui::RichText::new(t).size(size);
    let c = counts(ctx);
    let rows = [
        ("screen-warned", c.warned, PERSON_COLOURS[1]),
        ("screen-left", c.left, PERSON_COLOURS[2]),
        ("screen-safe", c.safe, PERSON_COLOURS[3]),
        ("screen-at-risk", c.at_risk, [1.0, 1.0, 1.0]),
        ("screen-harmed", c.harmed, PERSON_COLOURS[4]),
    ];
    egui::Grid::new("screen_counts").spacing([px, px * 0.2]).show(ui, |ui| {
        for (key, n, col) in rows {
            ui.label(big(tr.t(key), px));
            ui.label(big(n.to_string(), px * 1.6).strong().color(colour(col)));
            ui.end_row();
        }
    });
    ui.label(big(tr.a("screen-of", &[("n", (c.residents as u64).into())]), px * 0.75));
    ui.add_space(px * 0.5);
    ui.label(big(tr.t("screen-villages"), px).strong());
    for (vk, v) in ctx.scenario.villages.iter().enumerate() {
        let reached = forecast.and_then(|f| f.villages.get(vk)).and_then(|(_, t)| *t);
        let (text, col) = match reached {
            Some(t) if t <= ctx.now_s => (tr.t("screen-reached"), egui::Color32::from_rgb(213, 94, 0)),
            Some(t) => {
                (tr.a("screen-in", &[("left", Tr::clock(t - ctx.now_s).into())]), egui::Color32::from_rgb(240, 228, 66))
            }
            None if forecast.is_some() => (tr.t("screen-no-threat"), egui::Color32::from_rgb(0, 158, 115)),
            None => (tr.t("screen-forecasting"), egui::Color32::GRAY),
        };
        ui.horizontal_wrapped(|ui| {
            ui.label(big(tr.text(&v.name).to_owned(), px));
            ui.label(big(text, px).color(col));
        });
        for sh in &v.shelters {
            let Some(sv) = ctx.sim.shelters.iter().find(|s| s.shelter.as_str() == sh.id) else { continue };
            let fill = sv.occupants as f32 / sv.capacity.max(1) as f32;
            ui.horizontal(|ui| {
                ui.label(big(tr.text(&sh.name).to_owned(), px * 0.75));
                ui.add(
                    egui::ProgressBar::new(fill.min(1.0))
                        .desired_width(px * 6.0)
                        .fill(colour(PERSON_COLOURS[3]))
                        .text(big(format!("{}/{}", sv.occupants, sv.capacity), px * 0.7)),
                );
            });
        }
    }
    // The river gauge against the levels the plans act on.
    let river = ctx.scenario.gauges.iter().position(|g| matches!(g.kind, GaugeKind::WaterLevel { .. }));
    if let Some(k) = river
        && let Some(series) = ctx.series.get(k)
    {
        let g = &ctx.scenario.gauges[k];
        ui.add_space(px * 0.5);
        let name = g.name.as_ref().map_or(g.id.clone(), |n| tr.text(n).to_owned());
        let now = series.samples.last().map_or(f64::NAN, |s| s.1);
        ui.label(big(
            tr.a("screen-gauge", &[("gauge", name.into()), ("level", ((now * 100.0).round() / 100.0).into())]),
            px,
        ));
        let levels = thresholds(ctx, &g.id);
        gauge_chart(ui, series, &levels, ctx.scenario.meta.duration_s as f64, px);
    }
}

/// The gauge's line with its thresholds as dashed lines, painted (no
/// interaction), `px * 5` high.
fn gauge_chart(ui: &mut egui::Ui, series: &crate::sim::gauges::GaugeSeries, levels: &[f64], duration: f64, px: f32) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(ui.available_width(), px * 5.0), egui::Sense::hover());
    let p = ui.painter_at(rect);
    p.rect_filled(rect, 4.0, egui::Color32::from_gray(30));
    let values = series.samples.iter().map(|s| s.1).chain(levels.iter().copied());
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
        return;
    }
    let (lo, hi) = (lo - 0.1 * (hi - lo), hi + 0.1 * (hi - lo));
    let at = |t: f64, v: f64| {
        egui::pos2(
            rect.left() + rect.width() * (t / duration.max(1.0)) as f32,
            rect.bottom() - rect.height() * ((v - lo) / (hi - lo)) as f32,
        )
    };
    for &l in levels {
        let y = at(0.0, l).y;
        let stroke = egui::Stroke::new(px * 0.08, egui::Color32::from_rgb(230, 159, 0));
        p.add(egui::Shape::dashed_line(
            &[egui::pos2(rect.left(), y), egui::pos2(rect.right(), y)],
            stroke,
            px * 0.4,
            px * 0.25,
        ));
    }
    let pts: Vec<egui::Pos2> = series.samples.iter().map(|s| at(s.0 as f64, s.1)).collect();
    p.add(egui::Shape::line(pts, egui::Stroke::new(px * 0.12, egui::Color32::from_rgb(86, 180, 233))));
}
