//! The instructor's console (导调台): every role at a glance (who plays it,
//! its steps done and late, its inbox), a role's console shown on demand,
//! taking a role over from its plan follower and handing it back; the
//! scenario's injects sent now; hazards set off (breach a dike, release the
//! slide, light a fire at a point picked on the map, change the wind); a
//! free-text message to any role; notes and bookmarks at the current time.
//! Every control returns an instructor order (`UiAction::Order` of an
//! instructor-only action) or a console action; the window sends the
//! orders through its instructor seat, so each is in the log and replays.
//!
//! Owns: the instructor panel and its form. May not touch: the drill.

use super::plan::{StepState, state};
use super::{Ctx, UiAction};
use crate::scenario::schema::Action;
use crate::sim::events::SimEvent;
use bevy_egui::egui;

/// The instructor's unfinished inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct InstructorForm {
    pub message_to: Option<String>,
    pub message: String,
    pub note: String,
    pub wind_speed: f64,
    pub wind_from: f64,
}

impl Default for InstructorForm {
    fn default() -> Self {
        InstructorForm {
            message_to: None,
            message: String::new(),
            note: String::new(),
            wind_speed: 5.0,
            wind_from: 0.0,
        }
    }
}

/// What the instructor's panel shows and offers.
pub fn instructor(ui: &mut egui::Ui, ctx: &Ctx, form: &mut InstructorForm, picking: bool) -> Vec<UiAction> {
    let tr = ctx.tr;
    let mut out = Vec::new();
    let s = ctx.scenario;
    if ctx.classroom.is_some() {
        out.extend(super::classroom::seats(ui, ctx));
        ui.separator();
    }
    ui.heading(tr.t("instructor-roles"));
    egui::Grid::new("instructor_roles").striped(true).show(ui, |ui| {
        for (r, v) in s.roles.iter().zip(ctx.roles) {
            let taken = ctx.sim.taken_over.iter().any(|t| t.as_str() == r.id);
            let shown = ctx.role.id == r.id;
            if ui.selectable_label(shown, tr.text(&r.name)).clicked() {
                out.push(UiAction::ShowRole(r.id.clone()));
            }
            // A role with a classroom seat is its trainee's, or its
            // follower's (or nobody's) while the seat is away.
            let seat = ctx.classroom.and_then(|k| k.seat_of(&r.id));
            let played = match seat {
                Some(seat) if seat.online => "class-played-by-trainee",
                Some(_) if taken => "class-seat-empty",
                _ if taken => "instructor-played-by-you",
                _ => "instructor-played-by-plan",
            };
            ui.label(tr.t(played));
            let tick_s = s.meta.tick_s;
            let count = |want: StepState| v.steps.iter().filter(|st| state(st, ctx.now_s, tick_s) == want).count();
            ui.label(tr.a(
                "instructor-steps",
                &[("done", (count(StepState::Done) as u64).into()), ("late", (count(StepState::Late) as u64).into())],
            ));
            let open = v.inbox.iter().filter(|m| m.acked.is_none()).count();
            ui.label(tr.a("instructor-open", &[("n", (open as u64).into())]));
            let action = if taken {
                (tr.t("instructor-hand-back"), Action::HandBack { role: r.id.clone() })
            } else {
                (tr.t("instructor-take-over"), Action::TakeOver { role: r.id.clone() })
            };
            if seat.is_none() && ui.small_button(action.0).clicked() {
                out.push(UiAction::Order(action.1));
                out.push(UiAction::ShowRole(r.id.clone()));
            }
            ui.end_row();
        }
    });
    ui.separator();
    ui.heading(tr.t("instructor-injects"));
    for i in &s.injects {
        let sent = ctx
            .events
            .iter()
            .any(|e| matches!(&e.event, SimEvent::InjectDelivered { inject, .. } if inject.as_str() == i.id));
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("{} · {}", tr.text(&i.from), tr.text(&i.message)));
            if sent {
                ui.label(tr.t("instructor-sent"));
            } else if ui.small_button(tr.t("instructor-send-now")).clicked() {
                out.push(UiAction::Order(Action::SendInject { id: i.id.clone() }));
            }
        });
    }
    if s.injects.is_empty() {
        ui.label(tr.t("instructor-no-injects"));
    }
    ui.separator();
    ui.heading(tr.t("instructor-hazards"));
    let happened = |f: &dyn Fn(&SimEvent) -> bool| ctx.events.iter().any(|e| f(&e.event));
    if let Some(f) = &s.hazards.flood {
        for d in &f.dikes {
            let breached =
                happened(&|e| matches!(e, SimEvent::DikeBreached { dike, .. } if dike.as_str() == d.id.as_str()));
            ui.horizontal(|ui| {
                ui.label(tr.a("instructor-dike", &[("dike", super::named_dike(tr, &d.id, Some(d)).into())]));
                if breached {
                    ui.label(tr.t("instructor-breached"));
                } else if ui.button(tr.t("instructor-breach")).clicked() {
                    out.push(UiAction::Order(Action::BreachDike { dike: d.id.clone() }));
                }
            });
        }
    }
    if s.hazards.landslide.is_some() {
        if happened(&|e| matches!(e, SimEvent::LandslideReleased { .. })) {
            ui.label(tr.t("instructor-released"));
        } else if ui.button(tr.t("instructor-release")).clicked() {
            out.push(UiAction::Order(Action::TriggerLandslide));
        }
    }
    if s.hazards.fire.is_some() {
        let label = if picking { tr.t("instructor-ignite-picking") } else { tr.t("instructor-ignite") };
        if ui.button(label).clicked() {
            out.push(UiAction::PickIgnition);
        }
        ui.horizontal(|ui| {
            ui.add(egui::Slider::new(&mut form.wind_speed, 0.0..=30.0).text(tr.t("instructor-wind-speed")));
        });
        ui.horizontal(|ui| {
            ui.add(egui::Slider::new(&mut form.wind_from, 0.0..=359.0).text(tr.t("instructor-wind-from")));
            if ui.button(tr.t("instructor-set-wind")).clicked() {
                out.push(UiAction::Order(Action::SetWind {
                    speed_ms: (form.wind_speed * 10.0).round() / 10.0,
                    from_deg: form.wind_from.round(),
                }));
            }
        });
    }
    ui.separator();
    ui.heading(tr.t("instructor-message"));
    ui.horizontal_wrapped(|ui| {
        for r in &s.roles {
            let on = form.message_to.as_deref() == Some(r.id.as_str());
            if ui.selectable_label(on, tr.text(&r.name)).clicked() {
                form.message_to = Some(r.id.clone());
            }
        }
    });
    ui.text_edit_multiline(&mut form.message);
    let to = form.message_to.clone();
    let ready = to.is_some() && !form.message.trim().is_empty();
    if ui.add_enabled(ready, egui::Button::new(tr.t("instructor-send-message"))).clicked()
        && let Some(to) = to
    {
        out.push(UiAction::Order(Action::Message { to, text: form.message.trim().to_owned() }));
        form.message.clear();
    }
    ui.separator();
    ui.heading(tr.t("instructor-notes"));
    ui.text_edit_multiline(&mut form.note);
    ui.horizontal(|ui| {
        if ui.add_enabled(!form.note.trim().is_empty(), egui::Button::new(tr.t("instructor-write-note"))).clicked() {
            out.push(UiAction::Order(Action::Note { text: form.note.trim().to_owned() }));
            form.note.clear();
        }
        if ui.button(tr.t("instructor-bookmark")).clicked() {
            out.push(UiAction::Order(Action::Note { text: String::new() }));
        }
    });
    let notes: Vec<String> = ctx
        .events
        .iter()
        .rev()
        .filter_map(|e| match &e.event {
            SimEvent::OrderGiven { action: Action::Note { text }, .. } => Some(format!(
                "{}  {}",
                crate::gui::i18n::Tr::clock(e.t),
                if text.is_empty() { tr.t("instructor-bookmark-mark") } else { text.clone() }
            )),
            _ => None,
        })
        .take(20)
        .collect();
    for n in notes {
        ui.label(n);
    }
    out
}
