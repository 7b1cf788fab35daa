//! The after-action review's panels (复盘): the scrubber over the whole
//! drill (play, pause, steps of a minute and ten), the timeline of events
//! with filters by role and kind, the scorecard where each metric opens
//! its evidence and a click on an event jumps the drill there, the charts
//! of the evaluation report, and the comparison with the reference run
//! (the plan followers at their best, same seed). Every click returns a
//! `UiAction` (`Seek`, `Speed`); the window moves the drill.
//!
//! Owns: the review panels and their filters. May not touch: the drill.

use super::{Ctx, UiAction, role_name};
use crate::gui::i18n::Tr;
use crate::record::evaluation::chart::{Chart, Mark};
use crate::record::evaluation::{describe, metric_why};
use crate::scoring::Scorecard;
use crate::sim::events::{Event, SimEvent};
use bevy_egui::egui;

/// The reference run beside a review.
#[derive(Debug, Clone)]
pub struct Reference {
    pub card: crate::scoring::Scorecard,
    /// The first tick where the recorded run's events differ from it.
    pub diverges_at: Option<u64>,
}

/// Kinds of event the timeline can show.
pub const KINDS: [&str; 5] =
    ["review-kind-orders", "review-kind-messages", "review-kind-plans", "review-kind-hazard", "review-kind-people"];

/// The review's own inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewForm {
    /// Only events of this role (`None`: every role).
    pub role: Option<String>,
    /// Which of `KINDS` the timeline shows.
    pub kinds: [bool; 5],
    /// The metric whose evidence is open.
    pub open: Option<usize>,
}

impl Default for ReviewForm {
    fn default() -> Self {
        ReviewForm { role: None, kinds: [true, true, true, true, false], open: None }
    }
}

/// Which of `KINDS` an event is, if any.
pub fn kind_of(e: &Event) -> Option<usize> {
    use SimEvent::*;
    Some(match &e.event {
        OrderGiven { .. } | OrderRefused { .. } | CallMade { .. } | MessageAcknowledged { .. } => 0,
        InjectDelivered { .. } | WarningReceived { .. } => 1,
        PlanStepTriggered { .. } | PlanStepDone { .. } | PlanStepOverdue { .. } => 2,
        DikeBreached { .. }
        | LandslideReleased { .. }
        | LandslideSettled { .. }
        | FireIgnited { .. }
        | SpotFire { .. }
        | HouseBurning { .. }
        | HouseDestroyed { .. }
        | HazardReachedHome { .. }
        | RoadFlooded { .. }
        | RoadBlocked { .. }
        | WaterReached { .. }
        | GaugeWaterReached { .. }
        | FireReached { .. } => 3,
        HouseholdWarned { .. }
        | HouseholdDeparted { .. }
        | HouseholdRefused { .. }
        | ResidentSafe { .. }
        | ResidentHarmed { .. }
        | HouseholdExposed { .. }
        | ResidentRescued { .. }
        | ForceDispatched { .. }
        | ForceTurnedOut { .. }
        | ForceOnScene { .. } => 4,
        _ => return None,
    })
}

/// The roles an event concerns.
pub fn roles_of(e: &Event) -> Vec<&str> {
    use SimEvent::*;
    match &e.event {
        OrderGiven { role, .. }
        | OrderRefused { role, .. }
        | MessageAcknowledged { role, .. }
        | PlanStepTriggered { role, .. }
        | PlanStepDone { role, .. }
        | PlanStepOverdue { role, .. } => vec![role.as_str()],
        CallMade { from, to, .. } => vec![from.as_str(), to.as_str()],
        InjectDelivered { to, .. } => to.iter().map(|r| r.as_str()).collect(),
        _ => Vec::new(),
    }
}

/// The line for an event, in the window's language.
fn line(ctx: &Ctx, e: &Event) -> String {
    let what = describe(ctx.tr, ctx.scenario, e, &|r| {
        if r == crate::sim::orders::INSTRUCTOR_ROLE { ctx.tr.t("inbox-from-instructor") } else { role_name(ctx, r) }
    })
    .unwrap_or_else(|| e.event.kind().replace('_', " "));
    format!("{}  {}", Tr::clock(e.t), what)
}

/// The scrubber: the drill clock as a slider over the run, and the play
/// controls (`playing`: drill seconds per second, 0 paused).
pub fn scrubber(ui: &mut egui::Ui, ctx: &Ctx, last_tick: u64, playing: u32) -> Vec<UiAction> {
    let tr = ctx.tr;
    let tick_s = ctx.scenario.meta.tick_s.max(1) as u64;
    let mut out = Vec::new();
    let now = ctx.now_s / tick_s;
    ui.horizontal(|ui| {
        for (label, by) in [("-10", -600i64), ("-1", -60)] {
            if ui.button(tr.a("review-back", &[("minutes", label.into())])).clicked() {
                out.push(UiAction::Seek((now as i64 + by / tick_s as i64).max(0) as u64));
            }
        }
        let play = if playing == 0 { tr.t("review-play") } else { tr.t("review-pause") };
        if ui.button(play).clicked() {
            out.push(UiAction::Speed(if playing == 0 { 60 } else { 0 }));
        }
        for (label, by) in [("+1", 60i64), ("+10", 600)] {
            if ui.button(tr.a("review-forward", &[("minutes", label.into())])).clicked() {
                out.push(UiAction::Seek((now + by as u64 / tick_s).min(last_tick)));
            }
        }
        let mut at = now;
        let w = ui.available_width() - 8.0;
        ui.spacing_mut().slider_width = w.max(100.0);
        let slider = egui::Slider::new(&mut at, 0..=last_tick).show_value(false).clamping(egui::SliderClamping::Always);
        if ui.add(slider).changed() {
            out.push(UiAction::Seek(at));
        }
    });
    out
}

/// The scorecard: the score and level, each metric with its value, its
/// requirement and its verdict; a metric opens its evidence, an event of
/// it jumps the drill there.
pub fn scorecard(ui: &mut egui::Ui, ctx: &Ctx, card: &Scorecard, form: &mut ReviewForm) -> Vec<UiAction> {
    let tr = ctx.tr;
    let mut out = Vec::new();
    ui.heading(tr.a(
        "review-score",
        &[("score", ((card.score * 10.0).round() / 10.0).into()), ("level", card.level_zh.as_str().into())],
    ));
    for (k, m) in card.metrics.iter().enumerate() {
        let name = tr.t(&format!("metric-{:?}", m.metric));
        let verdict = match (m.applicable, m.passed) {
            (false, _) => tr.t("eval-not-applicable"),
            (true, true) => tr.t("eval-pass"),
            (true, false) => tr.t("eval-fail"),
        };
        let colour = match (m.applicable, m.passed) {
            (false, _) => egui::Color32::GRAY,
            (true, true) => egui::Color32::from_rgb(0, 158, 115),
            (true, false) => egui::Color32::from_rgb(213, 94, 0),
        };
        let open = form.open == Some(k);
        ui.horizontal(|ui| {
            ui.colored_label(colour, verdict);
            if ui.selectable_label(open, name).clicked() {
                form.open = if open { None } else { Some(k) };
            }
        });
        if open {
            let why = metric_why(tr, ctx.scenario, m, &|r| {
                if r == crate::sim::orders::INSTRUCTOR_ROLE { tr.t("inbox-from-instructor") } else { role_name(ctx, r) }
            });
            ui.label(egui::RichText::new(why).small());
            for &i in m.evidence.iter().take(40) {
                let Some(e) = ctx.events.get(i) else { continue };
                if ui.link(line(ctx, e)).clicked() {
                    out.push(UiAction::Seek(e.tick));
                }
            }
            if m.evidence.len() > 40 {
                ui.label(tr.a("eval-more", &[("n", ((m.evidence.len() - 40) as u64).into())]));
            }
        }
    }
    out
}

/// The timeline: every event the filters keep, newest at the bottom; the
/// one at the drill's moment is marked; a click jumps there.
pub fn timeline(ui: &mut egui::Ui, ctx: &Ctx, form: &mut ReviewForm) -> Vec<UiAction> {
    let tr = ctx.tr;
    let mut out = Vec::new();
    ui.heading(tr.t("review-timeline"));
    ui.horizontal_wrapped(|ui| {
        for (k, key) in KINDS.iter().enumerate() {
            ui.checkbox(&mut form.kinds[k], tr.t(key));
        }
    });
    ui.horizontal_wrapped(|ui| {
        if ui.selectable_label(form.role.is_none(), tr.t("review-all-roles")).clicked() {
            form.role = None;
        }
        for r in &ctx.scenario.roles {
            let on = form.role.as_deref() == Some(r.id.as_str());
            if ui.selectable_label(on, tr.text(&r.name)).clicked() {
                form.role = Some(r.id.clone());
            }
        }
    });
    let shown: Vec<&Event> = ctx
        .events
        .iter()
        .filter(|e| kind_of(e).is_some_and(|k| form.kinds[k]))
        .filter(|e| form.role.as_deref().is_none_or(|r| roles_of(e).contains(&r)))
        .collect();
    let row = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
    egui::ScrollArea::vertical().id_salt("review_timeline").auto_shrink([false, false]).show_rows(
        ui,
        row,
        shown.len(),
        |ui, range| {
            for e in &shown[range] {
                let here = e.t <= ctx.now_s && e.t + ctx.scenario.meta.tick_s as u64 > ctx.now_s;
                let text = egui::RichText::new(line(ctx, e));
                let text = if here { text.strong().color(egui::Color32::from_rgb(230, 159, 0)) } else { text };
                if ui.add(egui::Label::new(text).sense(egui::Sense::click()).truncate()).clicked() {
                    out.push(UiAction::Seek(e.tick));
                }
            }
        },
    );
    out
}

/// Draws the report's charts (the same marks as its SVG and PDF).
pub fn charts(ui: &mut egui::Ui, charts: &[Chart]) {
    for c in charts {
        let w = ui.available_width().min(crate::record::evaluation::chart::W as f32 * 1.2);
        let k = w / crate::record::evaluation::chart::W as f32;
        let (rect, _) =
            ui.allocate_exact_size(egui::vec2(w, crate::record::evaluation::chart::H as f32 * k), egui::Sense::hover());
        let p = ui.painter_at(rect);
        p.rect_filled(rect, 2.0, egui::Color32::WHITE);
        let at = |x: f64, y: f64| rect.min + egui::vec2(x as f32 * k, y as f32 * k);
        let col = |c: [u8; 3]| egui::Color32::from_rgb(c[0], c[1], c[2]);
        for m in c.frame() {
            match m {
                Mark::Polyline { points, colour, width, dashed } => {
                    let pts: Vec<egui::Pos2> = points.iter().map(|&(x, y)| at(x, y)).collect();
                    let stroke = egui::Stroke::new(width as f32 * k, col(colour));
                    if dashed {
                        p.add(egui::Shape::dashed_line(&pts, stroke, 4.0 * k, 3.0 * k));
                    } else {
                        p.add(egui::Shape::line(pts, stroke));
                    }
                }
                Mark::Rect { x, y, w, h, colour } => {
                    p.rect_filled(
                        egui::Rect::from_min_size(at(x, y), egui::vec2(w as f32 * k, h as f32 * k)),
                        0.0,
                        col(colour),
                    );
                }
                Mark::Text { x, y, size, text, colour, anchor_end } => {
                    let align = if anchor_end { egui::Align2::RIGHT_BOTTOM } else { egui::Align2::LEFT_BOTTOM };
                    p.text(at(x, y), align, text, egui::FontId::proportional(size as f32 * k * 1.15), col(colour));
                }
            }
        }
        ui.add_space(6.0);
    }
}

/// What if (分支推演): play a role from the moment shown on — a new run that
/// shares the recorded one up to here.
pub fn branch(ui: &mut egui::Ui, ctx: &Ctx) -> Vec<UiAction> {
    let tr = ctx.tr;
    let mut out = Vec::new();
    ui.heading(tr.t("review-branch"));
    ui.label(tr.a("review-branch-from", &[("at", Tr::clock(ctx.now_s).into())]));
    ui.horizontal_wrapped(|ui| {
        for r in &ctx.scenario.roles {
            if ui.button(tr.text(&r.name)).clicked() {
                out.push(UiAction::Branch(r.id.clone()));
            }
        }
    });
    out
}

/// The recorded run beside the reference run (every role by its plan, at
/// its best, on the same seed): both scores, each metric's value in both,
/// and the first moment the two differ (a click jumps there).
pub fn reference(ui: &mut egui::Ui, ctx: &Ctx, card: &Scorecard, reference: Option<&Reference>) -> Vec<UiAction> {
    let tr = ctx.tr;
    let mut out = Vec::new();
    ui.heading(tr.t("review-reference"));
    let Some(r) = reference else {
        ui.label(tr.t("review-reference-running"));
        return out;
    };
    let round = |x: f64| (x * 10.0).round() / 10.0;
    ui.label(
        tr.a("review-reference-scores", &[("mine", round(card.score).into()), ("theirs", round(r.card.score).into())]),
    );
    match r.diverges_at {
        Some(t) => {
            let at = t * ctx.scenario.meta.tick_s as u64;
            if ui.link(tr.a("review-diverges", &[("at", Tr::clock(at).into())])).clicked() {
                out.push(UiAction::Seek(t));
            }
        }
        None => {
            ui.label(tr.t("review-same"));
        }
    }
    egui::Grid::new("review_reference").striped(true).show(ui, |ui| {
        for (m, theirs) in card.metrics.iter().zip(&r.card.metrics) {
            ui.label(tr.t(&format!("metric-{:?}", m.metric)));
            let v = |x: Option<f64>| x.map_or("—".to_owned(), |v| format!("{:.2}", v));
            ui.label(v(m.value));
            ui.label(v(theirs.value));
            ui.end_row();
        }
    });
    out
}
