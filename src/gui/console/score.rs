//! The end of a drill: the score, the level (after the gates), the
//! trainee's own role score, and each metric with its value, threshold and
//! whether it passed; where the log and report were written.
//!
//! Owns: the score window. May not touch: the drill.

use super::UiAction;
use crate::gui::i18n::Tr;
use crate::scoring::Scorecard;
use bevy_egui::egui;

/// `role`: the trainee's role (id, name as shown).
pub fn score(ui: &mut egui::Ui, tr: &Tr, card: &Scorecard, role: (&str, &str), written: &[String]) -> Vec<UiAction> {
    let mut out = Vec::new();
    let level = match tr.lang() {
        crate::gui::i18n::Lang::ZhCn => card.level_zh.clone(),
        crate::gui::i18n::Lang::En => format!("{:?}", card.level),
    };
    ui.heading(tr.a("score-total", &[("score", ((card.score * 10.0).round() / 10.0).into()), ("level", level.into())]));
    let round = |x: f64| (x * 10.0).round() / 10.0;
    match card.roles.iter().find(|r| r.role == role.0) {
        Some(r) if r.score.is_some() => {
            let args = [
                ("role", role.1.into()),
                ("score", round(r.score.unwrap_or(0.0)).into()),
                ("steps", (r.steps_expected as f64).into()),
                ("on_time", (r.steps_on_time as f64).into()),
            ];
            ui.strong(tr.a("score-role", &args));
        }
        _ => {
            ui.label(tr.a("score-role-none", &[("role", role.1.into())]));
        }
    }
    ui.label(tr.a("score-team", &[("score", round(card.team_score).into())]));
    for g in &card.gates_applied {
        ui.colored_label(egui::Color32::from_rgb(220, 40, 40), tr.a("score-gate", &[("why", g.as_str().into())]));
    }
    egui::Grid::new("score_grid").striped(true).show(ui, |ui| {
        ui.strong(tr.t("score-metric"));
        ui.strong(tr.t("score-value"));
        ui.strong(tr.t("score-threshold"));
        ui.strong(tr.t("score-result"));
        ui.end_row();
        for m in &card.metrics {
            ui.label(tr.t(&format!("metric-{:?}", m.metric)));
            // As the evaluation report writes them: never done, not "inf s".
            let shown = |v: f64| crate::record::evaluation::fmt_value(m.metric, v);
            ui.label(match m.value {
                _ if !m.applicable => tr.t("score-na"),
                Some(v) if v.is_finite() => shown(v),
                _ => tr.t("eval-never"),
            });
            ui.label(shown(m.threshold));
            let key = if !m.applicable {
                "score-na"
            } else if m.passed {
                "score-passed"
            } else {
                "score-failed"
            };
            ui.label(tr.t(key));
            ui.end_row();
        }
    });
    for w in written {
        ui.label(tr.a("score-written", &[("path", w.as_str().into())]));
    }
    if ui.button(tr.t("score-quit")).clicked() {
        out.push(UiAction::Quit);
    }
    out
}

/// The end screen's lines to store the drill in the records: the person's
/// code (or identity number), the code of the organisation that held the
/// drill (optional: with it the drill counts in that township's or
/// village's compliance for the year), the button, and how the storing went.
pub fn record_form(
    ui: &mut egui::Ui,
    tr: &Tr,
    (person, org): (&mut String, &mut String),
    status: Option<&crate::gui::play::Recording>,
) -> Option<UiAction> {
    use crate::gui::play::Recording;
    let mut out = None;
    ui.separator();
    egui::Grid::new("record_form").num_columns(2).show(ui, |ui| {
        ui.label(tr.t("record-person"));
        ui.add(egui::TextEdit::singleline(person).desired_width(160.0));
        ui.end_row();
        ui.label(tr.t("record-org"));
        ui.add(egui::TextEdit::singleline(org).desired_width(160.0));
        ui.end_row();
    });
    let busy = matches!(status, Some(Recording::Busy));
    let ready = !busy && !person.trim().is_empty() && !matches!(status, Some(Recording::Stored(_)));
    if ui.add_enabled(ready, egui::Button::new(tr.t("record-store"))).clicked() {
        let org = Some(org.trim().to_owned()).filter(|o| !o.is_empty());
        out = Some(UiAction::Record { person: person.trim().to_owned(), org });
    }
    record_status(ui, tr, status);
    out
}

/// How storing the drill went, under the store button.
fn record_status(ui: &mut egui::Ui, tr: &Tr, status: Option<&crate::gui::play::Recording>) {
    use crate::gui::play::Recording;
    match status {
        Some(Recording::Busy) => {
            ui.label(tr.t("record-busy"));
        }
        Some(Recording::Stored(id)) => {
            ui.label(tr.a("record-stored", &[("run", (*id as f64).into())]));
        }
        Some(Recording::Failed(why)) => {
            ui.colored_label(
                egui::Color32::from_rgb(220, 40, 40),
                tr.a("record-failed", &[("why", why.as_str().into())]),
            );
        }
        None => {}
    }
}

/// The host's end screen at a classroom drill: the person who sat in each
/// trainee seat (`roles`: id and name), the organisation that held the
/// drill (optional), one button that stores the run for all of them, and
/// how the storing went. A seat left blank is stored as its plan's.
pub fn class_record_form(
    ui: &mut egui::Ui,
    tr: &Tr,
    roles: &[(String, String)],
    (people, org): (&mut std::collections::BTreeMap<String, String>, &mut String),
    status: Option<&crate::gui::play::Recording>,
) -> Option<UiAction> {
    use crate::gui::play::Recording;
    let mut out = None;
    ui.separator();
    ui.label(tr.t("record-class"));
    egui::Grid::new("class_record_form").num_columns(2).show(ui, |ui| {
        for (id, name) in roles {
            ui.label(name);
            ui.add(egui::TextEdit::singleline(people.entry(id.clone()).or_default()).desired_width(160.0));
            ui.end_row();
        }
        ui.label(tr.t("record-org"));
        ui.add(egui::TextEdit::singleline(org).desired_width(160.0));
        ui.end_row();
    });
    let named: Vec<(String, String)> = roles
        .iter()
        .filter_map(|(id, _)| people.get(id).map(|p| (id.clone(), p.trim().to_owned())).filter(|(_, p)| !p.is_empty()))
        .collect();
    let busy = matches!(status, Some(Recording::Busy));
    let ready = !busy && !named.is_empty() && !matches!(status, Some(Recording::Stored(_)));
    if ui.add_enabled(ready, egui::Button::new(tr.t("record-store"))).clicked() {
        let org = Some(org.trim().to_owned()).filter(|o| !o.is_empty());
        out = Some(UiAction::RecordClass { people: named, org });
    }
    record_status(ui, tr, status);
    out
}
