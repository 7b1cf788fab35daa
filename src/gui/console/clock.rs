//! The top bar: the drill's title, the role played, the drill clock and,
//! in practice, pause and speed; the language switch and the end button.
//!
//! Owns: the top bar. May not touch: the drill.

use super::{Ctx, INSTRUCTOR_SPEEDS, JUMP_S, Mode, SPEEDS, UiAction};
use crate::gui::i18n::Tr;
use bevy_egui::egui;

/// The wall-clock time of day at drill second `s`, from the scenario's
/// `start_clock` ("HH:MM"), if it has one.
pub fn time_of_day(start: Option<&str>, s: u64) -> Option<String> {
    let start_s = crate::scenario::schema::clock_minutes(start?)? as u64 * 60;
    let t = (start_s + s) % 86_400;
    Some(format!("{:02}:{:02}", t / 3600, t / 60 % 60))
}

pub fn top_bar(ui: &mut egui::Ui, ctx: &Ctx) -> Vec<UiAction> {
    let tr = ctx.tr;
    let mut out = Vec::new();
    // First row: the drill and the role, the language and the end button.
    ui.horizontal(|ui| {
        ui.strong(tr.text(&ctx.scenario.meta.title));
        ui.separator();
        if ctx.instructor {
            ui.label(tr.a("bar-instructor", &[("role", tr.text(&ctx.role.name).into())]));
        } else {
            ui.label(tr.a("bar-role", &[("role", tr.text(&ctx.role.name).into())]));
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ctx.mode != Mode::Hosted && ui.button(tr.t("bar-end")).clicked() {
                out.push(UiAction::EndDrill);
            }
            if ui.button(tr.t("bar-lang")).clicked() {
                out.push(UiAction::SwitchLang);
            }
        });
    });
    // Second row: the clock, the pace, the response level.
    ui.horizontal(|ui| {
        let total = ctx.scenario.meta.duration_s as u64;
        ui.label(
            egui::RichText::new(
                tr.a("bar-clock", &[("now", Tr::clock(ctx.now_s).into()), ("total", Tr::clock(total).into())]),
            )
            .strong()
            .monospace(),
        );
        if let Some(tod) = time_of_day(ctx.scenario.meta.start_clock.as_deref(), ctx.now_s) {
            ui.label(tr.a("bar-time-of-day", &[("time", tod.into())]));
        }
        ui.separator();
        match ctx.mode {
            Mode::Practice => {
                let paused = ctx.speed == 0;
                if ui.selectable_label(paused, tr.t("bar-pause")).clicked() {
                    out.push(UiAction::Speed(0));
                }
                let speeds: &[u32] = if ctx.instructor { &INSTRUCTOR_SPEEDS } else { &SPEEDS };
                for &s in speeds {
                    if ui.selectable_label(ctx.speed == s, format!("×{s}")).clicked() {
                        out.push(UiAction::Speed(s));
                    }
                }
                if ctx.instructor && ui.button(tr.a("bar-jump", &[("minutes", (JUMP_S / 60).into())])).clicked() {
                    out.push(UiAction::Jump(JUMP_S));
                }
            }
            Mode::Assessment => {
                ui.label(tr.a("bar-assessment", &[("speed", ctx.speed.into())]));
            }
            Mode::Hosted if ctx.speed == 0 => {
                ui.label(tr.t("bar-hosted-waiting"));
            }
            Mode::Hosted => {
                ui.label(tr.a("bar-hosted", &[("speed", ctx.speed.into())]));
            }
        }
        ui.separator();
        let level = match ctx.sim.response {
            Some(l) => tr.a("bar-response", &[("level", format!("{l:?}").into())]),
            None => tr.t("bar-no-response"),
        };
        ui.label(level);
    });
    out
}
