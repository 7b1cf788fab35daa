//! The order panel: only the orders this role is entitled to (the
//! scenario's permission table; never the instructor's), each as a typed
//! form — warning level, channels and villages; which force, which task,
//! which place (a place may be picked on the map) — and a send button that
//! is live only when the form is complete.
//!
//! Owns: `OrderForm` and the order panel. May not touch: the drill (the
//! window submits what the panel returns through its trainee seat).

use super::{Ctx, UiAction, force_name, place_name, role_name};
use crate::scenario::permissions::permitted;
use crate::scenario::schema::{
    Action, ActionKind, Channel, Place, Point, ReportKind, ResponseLevel, Role, Task, Text, WarningLevel,
};
use bevy_egui::egui;
use std::collections::BTreeSet;

/// The orders a person in `role` can give from the panel (acknowledging is
/// done in the inbox).
pub fn offered(role: &Role) -> Vec<ActionKind> {
    ActionKind::ALL
        .into_iter()
        .filter(|k| *k != ActionKind::Acknowledge && !k.instructor_only() && permitted(role, *k))
        .collect()
}

/// Where a force is sent, as chosen in the form.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum PlaceChoice {
    #[default]
    None,
    Village(String),
    Shelter(String),
    Node(String),
    Point(Point),
}

/// The order being written.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderForm {
    pub kind: Option<ActionKind>,
    pub response: ResponseLevel,
    pub warning: WarningLevel,
    pub channels: BTreeSet<Channel>,
    pub villages: BTreeSet<String>,
    pub village: Option<String>,
    pub role: Option<String>,
    pub shelter: Option<String>,
    pub force: Option<String>,
    pub task: Task,
    pub place: PlaceChoice,
    pub edge: Option<String>,
    pub text: String,
    pub report: ReportKind,
    pub route: Vec<String>,
    pub area: Option<String>,
}

impl Default for OrderForm {
    fn default() -> Self {
        OrderForm {
            kind: None,
            response: ResponseLevel::IV,
            warning: WarningLevel::Blue,
            channels: BTreeSet::new(),
            villages: BTreeSet::new(),
            village: None,
            role: None,
            shelter: None,
            force: None,
            task: Task::Standby,
            place: PlaceChoice::None,
            edge: None,
            text: String::new(),
            report: ReportKind::First,
            route: Vec::new(),
            area: None,
        }
    }
}

impl OrderForm {
    /// A form filled with `a` (a plan step's order).
    pub fn from_action(a: &Action) -> OrderForm {
        let mut f = OrderForm { kind: Some(a.kind()), ..Default::default() };
        match a {
            Action::DeclareResponse { level } => f.response = *level,
            Action::IssueWarning { level, channels, villages } => {
                f.warning = *level;
                f.channels = channels.iter().copied().collect();
                f.villages = villages.iter().cloned().collect();
            }
            Action::CallAndResponse { role } => f.role = Some(role.clone()),
            Action::OrderEvacuation { village } => f.village = Some(village.clone()),
            Action::OpenShelter { shelter } | Action::CloseShelter { shelter } => f.shelter = Some(shelter.clone()),
            Action::Dispatch { force, to, task } => {
                f.force = Some(force.clone());
                f.task = *task;
                f.place = match to {
                    Place::Village(v) => PlaceChoice::Village(v.clone()),
                    Place::Shelter(s) => PlaceChoice::Shelter(s.clone()),
                    Place::Node(n) => PlaceChoice::Node(n.clone()),
                    Place::Point(p) => PlaceChoice::Point(*p),
                    Place::Household(_) => PlaceChoice::None,
                };
            }
            Action::CloseRoad { edge } => f.edge = Some(edge.clone()),
            Action::RequestSupport { what } => f.text = what.zh.clone(),
            Action::SendReport { kind } => f.report = *kind,
            Action::Patrol { route } => f.route = route.clone(),
            Action::DoorToDoor { area } => f.area = Some(area.clone()),
            _ => {}
        }
        f
    }

    /// The order the form describes, or the key of what is missing.
    pub fn build(&self, ctx: &Ctx) -> Result<Action, &'static str> {
        let kind = self.kind.ok_or("order-missing-kind")?;
        let need = |o: &Option<String>, key: &'static str| o.clone().ok_or(key);
        Ok(match kind {
            ActionKind::DeclareResponse => Action::DeclareResponse { level: self.response },
            ActionKind::IssueWarning => {
                if self.channels.is_empty() {
                    return Err("order-missing-channels");
                }
                let villages: Vec<String> = ctx
                    .scenario
                    .villages
                    .iter()
                    .filter(|v| self.villages.contains(&v.id))
                    .map(|v| v.id.clone())
                    .collect();
                if villages.is_empty() {
                    return Err("order-missing-villages");
                }
                Action::IssueWarning {
                    level: self.warning,
                    channels: self.channels.iter().copied().collect(),
                    villages,
                }
            }
            ActionKind::CallAndResponse => Action::CallAndResponse { role: need(&self.role, "order-missing-role")? },
            ActionKind::OrderEvacuation => {
                Action::OrderEvacuation { village: need(&self.village, "order-missing-village")? }
            }
            ActionKind::OpenShelter => Action::OpenShelter { shelter: need(&self.shelter, "order-missing-shelter")? },
            ActionKind::CloseShelter => Action::CloseShelter { shelter: need(&self.shelter, "order-missing-shelter")? },
            ActionKind::Dispatch => Action::Dispatch {
                force: {
                    let force = need(&self.force, "order-missing-force")?;
                    if ctx.scenario.forces.iter().any(|f| f.id == force && !f.can(self.task)) {
                        return Err("order-missing-task");
                    }
                    force
                },
                task: self.task,
                to: match &self.place {
                    PlaceChoice::None => return Err("order-missing-place"),
                    PlaceChoice::Village(v) => Place::Village(v.clone()),
                    PlaceChoice::Shelter(s) => Place::Shelter(s.clone()),
                    PlaceChoice::Node(n) => Place::Node(n.clone()),
                    PlaceChoice::Point(p) => Place::Point(((p.0 * 10.0).round() / 10.0, (p.1 * 10.0).round() / 10.0)),
                },
            },
            ActionKind::CloseRoad => Action::CloseRoad { edge: need(&self.edge, "order-missing-road")? },
            ActionKind::RequestSupport => {
                let t = self.text.trim();
                if t.is_empty() {
                    return Err("order-missing-text");
                }
                Action::RequestSupport { what: Text { zh: t.to_owned(), en: t.to_owned() } }
            }
            ActionKind::SendReport => Action::SendReport { kind: self.report },
            ActionKind::Patrol => {
                if self.route.len() < 2 {
                    return Err("order-missing-route");
                }
                Action::Patrol { route: self.route.clone() }
            }
            ActionKind::DoorToDoor => Action::DoorToDoor { area: need(&self.area, "order-missing-area")? },
            ActionKind::Acknowledge
            | ActionKind::SendInject
            | ActionKind::TriggerLandslide
            | ActionKind::Ignite
            | ActionKind::BreachDike
            | ActionKind::SetWind
            | ActionKind::Message
            | ActionKind::TakeOver
            | ActionKind::HandBack
            | ActionKind::Note => return Err("order-missing-kind"),
        })
    }
}

fn choice<T: PartialEq + Clone>(ui: &mut egui::Ui, slot: &mut T, value: T, label: String) {
    if ui.selectable_label(*slot == value, label).clicked() {
        *slot = value;
    }
}

pub fn orders(ui: &mut egui::Ui, ctx: &Ctx, form: &mut OrderForm, picking: bool) -> Vec<UiAction> {
    let tr = ctx.tr;
    let mut out = Vec::new();
    let s = ctx.scenario;
    ui.heading(tr.t("order-title"));
    let kinds = offered(ctx.role);
    ui.horizontal_wrapped(|ui| {
        for k in &kinds {
            if ui.selectable_label(form.kind == Some(*k), tr.t(&format!("action-{k:?}"))).clicked() {
                *form = OrderForm { kind: Some(*k), ..form.clone() };
            }
        }
    });
    let Some(kind) = form.kind.filter(|k| kinds.contains(k)) else {
        ui.label(tr.t("order-pick-kind"));
        return out;
    };
    ui.separator();
    match kind {
        ActionKind::DeclareResponse => {
            ui.horizontal(|ui| {
                for l in [ResponseLevel::IV, ResponseLevel::III, ResponseLevel::II, ResponseLevel::I] {
                    choice(
                        ui,
                        &mut form.response,
                        l,
                        tr.a("order-response-level", &[("level", format!("{l:?}").into())]),
                    );
                }
            });
        }
        ActionKind::IssueWarning => {
            ui.horizontal_wrapped(|ui| {
                for l in [WarningLevel::Blue, WarningLevel::Yellow, WarningLevel::Orange, WarningLevel::Red] {
                    choice(ui, &mut form.warning, l, tr.t(&format!("warning-{l:?}")));
                }
            });
            ui.label(tr.t("order-channels"));
            ui.horizontal_wrapped(|ui| {
                for c in [
                    Channel::Broadcast,
                    Channel::Sms,
                    Channel::Phone,
                    Channel::Megaphone,
                    Channel::Gong,
                    Channel::DoorToDoor,
                ] {
                    let mut on = form.channels.contains(&c);
                    if ui.checkbox(&mut on, tr.t(&format!("channel-{c:?}"))).changed() {
                        if on {
                            form.channels.insert(c)
                        } else {
                            form.channels.remove(&c)
                        };
                    }
                }
            });
            ui.label(tr.t("order-villages"));
            ui.horizontal_wrapped(|ui| {
                for v in &s.villages {
                    let mut on = form.villages.contains(&v.id);
                    if ui.checkbox(&mut on, tr.text(&v.name)).changed() {
                        if on {
                            form.villages.insert(v.id.clone())
                        } else {
                            form.villages.remove(&v.id)
                        };
                    }
                }
            });
        }
        ActionKind::CallAndResponse => {
            ui.horizontal_wrapped(|ui| {
                for r in s.roles.iter().filter(|r| r.id != ctx.role.id) {
                    choice(ui, &mut form.role, Some(r.id.clone()), role_name(ctx, &r.id));
                }
            });
        }
        ActionKind::OrderEvacuation => {
            ui.horizontal_wrapped(|ui| {
                for v in villages_of(ctx) {
                    choice(ui, &mut form.village, Some(v.id.clone()), tr.text(&v.name).to_owned());
                }
            });
        }
        ActionKind::OpenShelter | ActionKind::CloseShelter => {
            ui.horizontal_wrapped(|ui| {
                for sh in villages_of(ctx).into_iter().flat_map(|v| &v.shelters) {
                    let label =
                        tr.a("order-shelter", &[("name", tr.text(&sh.name).into()), ("capacity", sh.capacity.into())]);
                    choice(ui, &mut form.shelter, Some(sh.id.clone()), label);
                }
            });
        }
        ActionKind::Dispatch => {
            ui.label(tr.t("order-force"));
            ui.horizontal_wrapped(|ui| {
                for f in s.forces.iter().filter(|f| ctx.role.force.as_ref().is_none_or(|own| *own == f.id)) {
                    choice(ui, &mut form.force, Some(f.id.clone()), force_name(ctx, &f.id));
                }
            });
            ui.label(tr.t("order-task"));
            ui.horizontal_wrapped(|ui| {
                // Only what the chosen force (the leader's own team) is equipped for.
                let chosen = form.force.as_ref().and_then(|id| s.forces.iter().find(|f| &f.id == id));
                for t in [
                    Task::Rescue,
                    Task::EscortVulnerable,
                    Task::DoorToDoor,
                    Task::Sandbag,
                    Task::Pump,
                    Task::ClearRoad,
                    Task::SuppressFire,
                    Task::Standby,
                ]
                .into_iter()
                .filter(|t| chosen.is_none_or(|f| f.can(*t)))
                {
                    choice(ui, &mut form.task, t, tr.t(&format!("task-{t:?}")));
                }
            });
            ui.label(tr.t("order-place"));
            ui.horizontal_wrapped(|ui| {
                for v in &s.villages {
                    choice(ui, &mut form.place, PlaceChoice::Village(v.id.clone()), tr.text(&v.name).to_owned());
                }
                for sh in s.villages.iter().flat_map(|v| &v.shelters) {
                    choice(ui, &mut form.place, PlaceChoice::Shelter(sh.id.clone()), tr.text(&sh.name).to_owned());
                }
            });
            ui.horizontal(|ui| {
                let label = if picking { tr.t("order-picking") } else { tr.t("order-pick-on-map") };
                if ui.selectable_label(picking, label).clicked() {
                    out.push(UiAction::PickPlace);
                }
                if let PlaceChoice::Point(p) = &form.place {
                    ui.label(place_name(ctx, &Place::Point(*p)));
                }
            });
        }
        ActionKind::CloseRoad => {
            ui.horizontal_wrapped(|ui| {
                for e in &s.map.roads.edges {
                    let label = tr.a(
                        "order-road",
                        &[
                            ("id", e.id.as_str().into()),
                            ("class", tr.t(&format!("road-{:?}", e.class)).into()),
                            ("bridge", if e.bridge { tr.t("road-bridge") } else { String::new() }.into()),
                        ],
                    );
                    choice(ui, &mut form.edge, Some(e.id.clone()), label);
                }
            });
        }
        ActionKind::RequestSupport => {
            ui.label(tr.t("order-support-what"));
            ui.text_edit_singleline(&mut form.text);
        }
        ActionKind::SendReport => {
            ui.horizontal(|ui| {
                choice(ui, &mut form.report, ReportKind::First, tr.t("report-First"));
                choice(ui, &mut form.report, ReportKind::FollowUp, tr.t("report-FollowUp"));
            });
        }
        ActionKind::Patrol => {
            ui.label(tr.a("order-route", &[("route", super::route_names(ctx, &form.route).into())]));
            ui.horizontal_wrapped(|ui| {
                for n in &s.map.roads.nodes {
                    if ui.small_button(super::node_name(ctx, &n.id)).clicked() {
                        form.route.push(n.id.clone());
                    }
                }
                if ui.small_button(tr.t("order-route-clear")).clicked() {
                    form.route.clear();
                }
            });
        }
        ActionKind::DoorToDoor => {
            ui.horizontal_wrapped(|ui| {
                for v in villages_of(ctx) {
                    for a in &v.grid_areas {
                        choice(ui, &mut form.area, Some(a.id.clone()), super::area_name(ctx, &a.id));
                    }
                }
            });
        }
        _ => {}
    }
    ui.separator();
    match form.build(ctx) {
        Ok(action) => {
            ui.label(super::describe(ctx, &action));
            if ui.button(tr.t("order-send")).clicked() {
                out.push(UiAction::Order(action));
            }
        }
        Err(missing) => {
            ui.colored_label(egui::Color32::from_rgb(230, 150, 0), tr.t(missing));
            ui.add_enabled(false, egui::Button::new(tr.t("order-send")));
        }
    }
    out
}

/// The villages a role acts for: its own, or all for township roles.
fn villages_of<'a>(ctx: &Ctx<'a>) -> Vec<&'a crate::scenario::schema::Village> {
    match &ctx.role.village {
        Some(own) => ctx.scenario.villages.iter().filter(|v| &v.id == own).collect(),
        None => ctx.scenario.villages.iter().collect(),
    }
}
