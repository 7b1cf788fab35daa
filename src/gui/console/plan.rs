//! My one-page plan (预案"一页纸"): the role's steps with their state
//! (waiting, due, done, late) and deadline; a due step's order can be put
//! into the order form with one click (the person still sends it).
//!
//! Owns: the plan panel and the step states. May not touch: the drill.

use super::{Ctx, UiAction, describe, secs};
use crate::gui::i18n::Tr;
use crate::roles::view::StepView;
use bevy_egui::egui;

/// Where a plan step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepState {
    /// Its trigger has not happened.
    Waiting,
    /// Triggered, not done, the deadline not passed.
    Due,
    /// Done by its deadline.
    Done,
    /// Done after its deadline, or not done and past it.
    Late,
}

impl StepState {
    pub fn key(self) -> &'static str {
        match self {
            StepState::Waiting => "step-waiting",
            StepState::Due => "step-due",
            StepState::Done => "step-done",
            StepState::Late => "step-late",
        }
    }
}

/// The state of `step` at drill second `now_s` (`tick_s` seconds a tick).
pub fn state(step: &StepView, now_s: u64, tick_s: u32) -> StepState {
    let Some(t) = step.triggered else { return StepState::Waiting };
    let due = t * tick_s as u64 + step.deadline_s as u64;
    match step.done {
        Some(d) if d * tick_s as u64 <= due => StepState::Done,
        Some(_) => StepState::Late,
        None if now_s > due => StepState::Late,
        None => StepState::Due,
    }
}

pub fn plan(ui: &mut egui::Ui, ctx: &Ctx) -> Vec<UiAction> {
    let tr = ctx.tr;
    let mut out = Vec::new();
    ui.heading(tr.t("plan-title"));
    if ctx.view.steps.is_empty() {
        ui.label(tr.t("plan-empty"));
    }
    for s in &ctx.view.steps {
        let st = state(s, ctx.now_s, ctx.scenario.meta.tick_s);
        let colour = match st {
            StepState::Waiting => egui::Color32::GRAY,
            StepState::Due => egui::Color32::from_rgb(230, 150, 0),
            StepState::Done => egui::Color32::from_rgb(40, 160, 60),
            StepState::Late => egui::Color32::from_rgb(220, 40, 40),
        };
        ui.horizontal_wrapped(|ui| {
            ui.colored_label(colour, tr.t(st.key()));
            ui.label(describe(ctx, &s.action));
            match s.triggered {
                Some(t) => {
                    let due = secs(ctx, t) + s.deadline_s as u64;
                    ui.label(tr.a("plan-deadline", &[("at", Tr::clock(due).into())]));
                }
                None => {
                    ui.label(tr.a("plan-within", &[("minutes", (s.deadline_s as u64 / 60).into())]));
                }
            }
            if matches!(st, StepState::Due | StepState::Late)
                && s.done.is_none()
                && ui.small_button(tr.t("plan-prefill")).clicked()
            {
                out.push(UiAction::Prefill(s.action.clone()));
            }
        });
    }
    out
}
