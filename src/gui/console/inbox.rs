//! The inbox: injects and calls (叫应) addressed to the role, newest first,
//! unread marked, each with its acknowledgement deadline (the "135" rule:
//! a minute) and an acknowledge button while it is open.
//!
//! Owns: the inbox panel. May not touch: the drill.

use super::state::ConsoleState;
use super::{Ctx, UiAction, message_text, secs};
use crate::gui::i18n::Tr;
use crate::scenario::schema::Action;
use bevy_egui::egui;

pub fn inbox(ui: &mut egui::Ui, ctx: &Ctx, state: &ConsoleState) -> Vec<UiAction> {
    let tr = ctx.tr;
    let mut out = Vec::new();
    let unread = ctx.view.inbox.iter().filter(|m| !state.read.contains(&m.id)).count();
    ui.heading(tr.a("inbox-title", &[("unread", (unread as u64).into())]));
    if ctx.view.inbox.is_empty() {
        ui.label(tr.t("inbox-empty"));
    }
    for m in ctx.view.inbox.iter().rev() {
        let (from, text) = message_text(ctx, &m.id, &m.from);
        let is_read = state.read.contains(&m.id);
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.horizontal(|ui| {
                if !is_read {
                    ui.colored_label(egui::Color32::from_rgb(220, 40, 40), tr.t("inbox-unread"));
                }
                ui.strong(from);
                ui.label(Tr::clock(secs(ctx, m.tick)));
            });
            ui.label(text);
            ui.horizontal(|ui| {
                match (m.acked, m.ack_within_s) {
                    (Some(t), _) => {
                        ui.label(tr.a("inbox-acked", &[("at", Tr::clock(secs(ctx, t)).into())]));
                    }
                    (None, Some(w)) => {
                        let due = secs(ctx, m.tick) + w as u64;
                        let key = if ctx.now_s > due { "inbox-overdue" } else { "inbox-due" };
                        let colour = if ctx.now_s > due {
                            egui::Color32::from_rgb(220, 40, 40)
                        } else {
                            egui::Color32::from_rgb(230, 150, 0)
                        };
                        ui.colored_label(colour, tr.a(key, &[("at", Tr::clock(due).into())]));
                    }
                    (None, None) => {}
                }
                if m.acked.is_none() && ui.button(tr.t("inbox-ack")).clicked() {
                    out.push(UiAction::Order(Action::Acknowledge { message: m.id.clone() }));
                    out.push(UiAction::Read(m.id.clone()));
                }
                if !is_read && ui.button(tr.t("inbox-mark-read")).clicked() {
                    out.push(UiAction::Read(m.id.clone()));
                }
            });
        });
    }
    out
}
