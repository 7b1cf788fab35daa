//! The launcher: the drills the window knows with their title, hazard,
//! duration and roles; the person picks a drill, the role to play (the
//! others are played by their plan followers at a chosen competence),
//! practice or assessment, the seed and the language, or opens a file by
//! path.
//!
//! Owns: `LaunchForm`, `Launch` and the launcher panel. May not touch: the
//! sim.

use super::catalog::{Entry, Source};
use super::console::Mode;
use super::i18n::Tr;
use crate::sim::orders::Competence;
use bevy_egui::egui;

/// What the person has chosen so far.
#[derive(Debug, Clone, Default)]
pub struct LaunchForm {
    pub drill: usize,
    pub role: Option<String>,
    pub competence: Competence,
    pub mode: Mode,
    /// The seed as typed; empty = the scenario's.
    pub seed: String,
    pub path: String,
}

/// A drill to start.
#[derive(Debug, Clone, PartialEq)]
pub struct Launch {
    pub source: Source,
    pub role: String,
    pub competence: Competence,
    pub mode: Mode,
    pub seed: Option<u64>,
}

/// What the launcher asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum LaunchAction {
    Start(Launch),
    /// Load this file into the list.
    Open(String),
    SwitchLang,
    Quit,
}

fn hazard_names(tr: &Tr, e: &Entry) -> String {
    match &e.loaded {
        Ok(l) => l
            .scenario
            .meta
            .hazards
            .iter()
            .map(|h| tr.t(&format!("hazard-{h:?}")))
            .collect::<Vec<_>>()
            .join(&tr.t("list-sep")),
        Err(_) => String::new(),
    }
}

pub fn launcher(ui: &mut egui::Ui, tr: &Tr, entries: &[Entry], form: &mut LaunchForm) -> Vec<LaunchAction> {
    let mut out = Vec::new();
    ui.horizontal(|ui| {
        ui.heading(tr.t("app-title"));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button(tr.t("launch-quit")).clicked() {
                out.push(LaunchAction::Quit);
            }
            if ui.button(tr.t("bar-lang")).clicked() {
                out.push(LaunchAction::SwitchLang);
            }
        });
    });
    ui.separator();
    ui.columns(2, |cols| {
        let ui = &mut cols[0];
        ui.heading(tr.t("launch-drills"));
        for (k, e) in entries.iter().enumerate() {
            let title = match &e.loaded {
                Ok(l) => tr.a(
                    "launch-drill",
                    &[
                        ("title", tr.text(&l.scenario.meta.title).into()),
                        ("hazard", hazard_names(tr, e).into()),
                        ("minutes", (l.scenario.meta.duration_s as u64 / 60).into()),
                    ],
                ),
                Err(_) => tr.a("launch-invalid", &[("name", e.source.name().into())]),
            };
            if ui.selectable_label(form.drill == k, title).clicked() && form.drill != k {
                form.drill = k;
                form.role = None;
            }
        }
        ui.separator();
        ui.label(tr.t("launch-open-path"));
        ui.horizontal(|ui| {
            ui.text_edit_singleline(&mut form.path);
            if ui.button(tr.t("launch-open")).clicked() && !form.path.trim().is_empty() {
                out.push(LaunchAction::Open(form.path.trim().to_owned()));
            }
        });
        let ui = &mut cols[1];
        let Some(entry) = entries.get(form.drill) else { return };
        let loaded = match &entry.loaded {
            Ok(l) => l,
            Err(why) => {
                ui.colored_label(egui::Color32::from_rgb(220, 40, 40), tr.t("launch-cannot-play"));
                ui.monospace(why.as_str());
                return;
            }
        };
        let s = &loaded.scenario;
        ui.heading(tr.text(&s.meta.title));
        if let Some(d) = &s.meta.description {
            ui.label(tr.text(d));
        }
        ui.label(
            tr.a(
                "launch-facts",
                &[
                    ("villages", (s.villages.len() as u64).into()),
                    (
                        "residents",
                        (s.villages
                            .iter()
                            .flat_map(crate::scenario::expand::households)
                            .map(|h| h.members.total() as u64)
                            .sum::<u64>())
                        .into(),
                    ),
                    ("minutes", (s.meta.duration_s as u64 / 60).into()),
                ],
            ),
        );
        ui.separator();
        ui.label(tr.t("launch-role"));
        for r in &s.roles {
            let label = format!("{} — {}", tr.text(&r.name), tr.t(&format!("role-{:?}", r.kind)));
            if ui.selectable_label(form.role.as_deref() == Some(r.id.as_str()), label).clicked() {
                form.role = Some(r.id.clone());
            }
        }
        ui.separator();
        ui.horizontal(|ui| {
            ui.label(tr.t("launch-others"));
            for c in [Competence::Perfect, Competence::Typical, Competence::Poor] {
                if ui.selectable_label(form.competence == c, tr.t(&format!("competence-{c:?}"))).clicked() {
                    form.competence = c;
                }
            }
        });
        ui.horizontal(|ui| {
            ui.label(tr.t("launch-mode"));
            for m in [Mode::Practice, Mode::Assessment] {
                if ui.selectable_label(form.mode == m, tr.t(&format!("mode-{m:?}"))).clicked() {
                    form.mode = m;
                }
            }
        });
        ui.horizontal(|ui| {
            ui.label(tr.a("launch-seed", &[("default", s.meta.seed.into())]));
            ui.add(egui::TextEdit::singleline(&mut form.seed).desired_width(120.0));
        });
        let seed = form.seed.trim();
        let seed_ok = seed.is_empty() || seed.parse::<u64>().is_ok();
        if !seed_ok {
            ui.colored_label(egui::Color32::from_rgb(220, 40, 40), tr.t("launch-bad-seed"));
        }
        ui.separator();
        match (&form.role, seed_ok) {
            (Some(role), true) => {
                if ui.button(egui::RichText::new(tr.t("launch-start")).heading()).clicked() {
                    out.push(LaunchAction::Start(Launch {
                        source: entry.source.clone(),
                        role: role.clone(),
                        competence: form.competence,
                        mode: form.mode,
                        seed: seed.parse().ok(),
                    }));
                }
            }
            _ => {
                ui.label(tr.t("launch-pick-role"));
            }
        }
    });
    out
}
