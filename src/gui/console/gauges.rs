//! The gauges the role can read (gauges are public): each one's latest
//! value and a small time-series plot of its samples (egui_plot).
//!
//! Owns: the gauge panel. May not touch: the drill.

use super::Ctx;
use super::feed::gauge_name;
use bevy_egui::egui;
use egui_plot::{Line, Plot, PlotPoints};

/// The unit of a gauge in the window's language.
fn unit_key(kind: &crate::scenario::schema::GaugeKind) -> &'static str {
    use crate::scenario::schema::GaugeKind::*;
    match kind {
        WaterDepth { .. } | DebrisDepth { .. } => "unit-m",
        WaterLevel { .. } => "unit-m-asl",
        FireArrival { .. } => "unit-reached",
        PeopleCrossing { .. } => "unit-people",
    }
}

pub fn gauges(ui: &mut egui::Ui, ctx: &Ctx) {
    let tr = ctx.tr;
    ui.heading(tr.t("gauges-title"));
    if ctx.scenario.gauges.is_empty() {
        ui.label(tr.t("gauges-empty"));
    }
    for (k, g) in ctx.scenario.gauges.iter().enumerate() {
        let now = ctx.view.gauges.get(k).map_or(f64::NAN, |(_, v)| *v);
        ui.label(tr.a(
            "gauges-value",
            &[
                ("name", gauge_name(ctx, &g.id).into()),
                ("value", ((now * 100.0).round() / 100.0).into()),
                ("unit", tr.t(unit_key(&g.kind)).into()),
            ],
        ));
        let Some(series) = ctx.series.iter().find(|s| s.id == g.id) else { continue };
        if series.samples.len() < 2 {
            continue;
        }
        let points: PlotPoints = series.samples.iter().map(|(t, v)| [*t as f64 / 60.0, *v]).collect();
        Plot::new(("gauge_plot", k))
            .height(90.0)
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false)
            .show_axes([true, true])
            .x_axis_label(tr.t("gauges-minutes"))
            .show(ui, |p| p.line(Line::new(gauge_name(ctx, &g.id), points)));
    }
}
