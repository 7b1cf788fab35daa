//! The role console: egui panels, each a function of what the role may see
//! (`Ctx`) that draws itself and returns the `UiAction`s the person asked
//! for. The panels never touch the drill: the window applies the actions
//! (orders go through its trainee seat), so the panels are tested alone
//! with egui_kittest.
//!
//! Owns: `Ctx`, `UiAction`, `ConsoleState` and the panels. May not touch:
//! the sim world, the session, Bevy.

pub mod card;
pub mod classroom;
pub mod clock;
pub mod feed;
pub mod gauges;
pub mod inbox;
pub mod instructor;
pub mod orders;
pub mod plan;
pub mod review;
pub mod score;
pub mod state;

use super::i18n::Tr;
use crate::roles::view::RoleView;
use crate::scenario::names;
use crate::scenario::schema::{Action, Place, Point, Role, Scenario};
use crate::sim::events::Event;
use crate::sim::gauges::GaugeSeries;
use crate::sim::view::SimView;

/// Practice (pause, any speed) or assessment (the scenario's pace).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Mode {
    #[default]
    Practice,
    Assessment,
    /// A seat at a classroom drill: the host keeps the pace and ends the
    /// drill.
    #[value(skip)]
    Hosted,
}

/// The speeds a practice drill offers (drill seconds per second).
pub const SPEEDS: [u32; 6] = [1, 5, 10, 30, 60, 120];
/// The speeds the instructor's console offers.
pub const INSTRUCTOR_SPEEDS: [u32; 8] = [1, 5, 10, 30, 60, 120, 300, 600];
/// How far the instructor's "jump ahead" goes (drill seconds).
pub const JUMP_S: u64 = 600;

/// Everything a panel may read.
pub struct Ctx<'a> {
    pub tr: &'a Tr,
    pub scenario: &'a Scenario,
    pub role: &'a Role,
    pub view: &'a RoleView,
    pub sim: &'a SimView,
    /// The events this drill has logged so far (the feed filters them).
    pub events: &'a [Event],
    pub series: &'a [GaugeSeries],
    pub now_s: u64,
    pub mode: Mode,
    /// Drill seconds per second; 0 = paused.
    pub speed: u32,
    /// The instructor's console (sees every role; `role` is the one shown).
    pub instructor: bool,
    /// Every role's view, in scenario order (the instructor's console only).
    pub roles: &'a [RoleView],
    /// The classroom's seats (the host's instructor console only).
    pub classroom: Option<&'a Classroom>,
}

/// The seats of a classroom drill, as the host's console shows them.
#[derive(Debug, Clone, Default)]
pub struct Classroom {
    /// The address the seats join at (`HOST:PORT`).
    pub addr: String,
    pub seats: Vec<ClassSeat>,
    /// The clock waits for every trainee seat.
    pub waiting: bool,
    /// Why the host refused the console's last order, if it did.
    pub refused: Option<String>,
}

/// One seat of a classroom drill.
#[derive(Debug, Clone)]
pub struct ClassSeat {
    pub seat: crate::net::protocol::SeatKind,
    pub code: String,
    /// A connection holds it.
    pub online: bool,
}

impl Classroom {
    /// Whether `role` is played from a trainee seat.
    pub fn seated(&self, role: &str) -> bool {
        self.seat_of(role).is_some()
    }

    /// The seat of `role`, if it has one.
    pub fn seat_of(&self, role: &str) -> Option<&ClassSeat> {
        self.seats.iter().find(|s| matches!(&s.seat, crate::net::protocol::SeatKind::Role(r) if r == role))
    }
}

/// What a person asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum UiAction {
    /// An order from this seat.
    Order(Action),
    /// Drill seconds per second, 0 to pause (practice only).
    Speed(u32),
    /// The next click on the map picks the dispatch place.
    PickPlace,
    /// A place was picked on the map.
    Picked(Point),
    /// Fill the order form with a plan step's order.
    Prefill(Action),
    /// A message was opened.
    Read(String),
    SwitchLang,
    /// End the drill now (the log and report are written).
    EndDrill,
    Quit,
    /// The instructor's console shows this role's inbox, plan and orders.
    ShowRole(String),
    /// The next click on the map lights a fire there (instructor).
    PickIgnition,
    /// Run ahead this many drill seconds as fast as the machine allows.
    Jump(u64),
    /// Start a classroom drill's clock without the seats not yet in.
    StartClass,
    /// The review shows the drill after this tick.
    Seek(u64),
    /// What if: play this role from the moment the review shows.
    Branch(String),
    /// Store the ended drill in the records, this role played by this
    /// person (their code or identity number), held by this organisation
    /// (its code: the drill then counts in its year's compliance).
    Record {
        person: String,
        org: Option<String>,
    },
    /// Store a classroom's drill (at its host) in the records: each
    /// (role, person) of the trainee seats in one run.
    RecordClass {
        people: Vec<(String, String)>,
        org: Option<String>,
    },
}

/// Something on the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    House(usize),
    Village(usize),
    Shelter(usize),
    Force(usize),
    Gauge(usize),
}

/// Drill seconds at `tick`.
pub fn secs(ctx: &Ctx, tick: u64) -> u64 {
    tick * ctx.scenario.meta.tick_s as u64
}

/// A village's name in the window's language.
pub fn village_name(ctx: &Ctx, id: &str) -> String {
    names::village(ctx.scenario, ctx.tr, id)
}

/// A role's name in the window's language.
pub fn role_name(ctx: &Ctx, id: &str) -> String {
    names::role(ctx.scenario, ctx.tr, id)
}

/// The dike with id `id`'s name in the window's language ("dike" and its
/// id when it has none).
pub fn dike_name(ctx: &Ctx, id: &str) -> String {
    names::dike(ctx.scenario, ctx.tr, id)
}

/// A road node's name (a patrol's stop, a force's destination), "junction
/// <id>" when it has none.
pub fn node_name(ctx: &Ctx, id: &str) -> String {
    names::node(ctx.scenario, ctx.tr, id)
}

/// A grid area's name, "grid area <id>" when it has none.
pub fn area_name(ctx: &Ctx, id: &str) -> String {
    names::area(ctx.scenario, ctx.tr, id)
}

/// A dike's name, its id standing in when it has none.
pub fn named_dike(tr: &Tr, id: &str, dike: Option<&crate::scenario::schema::Dike>) -> String {
    names::named_dike(tr, id, dike)
}

/// A road's name in the window's language (its id when it has none).
pub fn road_name(ctx: &Ctx, id: &str) -> String {
    let s = ctx.scenario;
    let Some(edge) = s.map.roads.edges.iter().find(|e| e.id == id) else { return id.to_owned() };
    if let Some(n) = &edge.name {
        return ctx.tr.text(n).to_owned();
    }
    // An unnamed road (a lane off the map, most of an imported township's):
    // its class and the village it runs through, or the nearest, with its
    // id to tell it from the village's other lanes.
    let at = |n: &str| s.map.roads.nodes.iter().find(|x| x.id == n).map(|x| x.at);
    let (Some(a), Some(b)) = (at(&edge.from), at(&edge.to)) else { return id.to_owned() };
    let mid = (0.5 * (a.0 + b.0), 0.5 * (a.1 + b.1));
    let village = s.villages.iter().find(|v| crate::geom::in_polygon(mid, &v.boundary)).or_else(|| {
        s.villages.iter().min_by(|x, y| {
            let d = |v: &crate::scenario::schema::Village| crate::geom::dist(mid, crate::geom::centroid(&v.boundary));
            d(x).total_cmp(&d(y))
        })
    });
    let Some(v) = village else { return id.to_owned() };
    ctx.tr.a(
        "road-unnamed",
        &[
            ("near", ctx.tr.text(&v.name).to_owned().into()),
            ("class", ctx.tr.t(&format!("road-{:?}", edge.class)).into()),
            ("id", id.into()),
        ],
    )
}

/// A force's name in the window's language.
pub fn force_name(ctx: &Ctx, id: &str) -> String {
    names::force(ctx.scenario, ctx.tr, id)
}

/// A shelter's name in the window's language.
pub fn shelter_name(ctx: &Ctx, id: &str) -> String {
    names::shelter(ctx.scenario, ctx.tr, id)
}

/// Who sent a message and what it says, in the window's language.
pub fn message_text(ctx: &Ctx, id: &str, from: &str) -> (String, String) {
    if let Some(m) = ctx.view.inbox.iter().find(|m| m.id == id)
        && let Some(text) = &m.text
    {
        return (ctx.tr.t("inbox-from-instructor"), text.clone());
    }
    if let Some(inj) = ctx.scenario.injects.iter().find(|i| i.id == id) {
        return (ctx.tr.text(&inj.from).to_owned(), ctx.tr.text(&inj.message).to_owned());
    }
    // A call: `call:<caller>:<tick>`.
    let caller = role_name(ctx, from);
    (caller.clone(), ctx.tr.a("inbox-call", &[("caller", caller.into())]))
}

/// One line saying what an order does, in the window's language.
pub fn describe(ctx: &Ctx, a: &Action) -> String {
    let tr = ctx.tr;
    let sep = tr.t("list-sep");
    let list = |ids: &[String], f: &dyn Fn(&str) -> String| ids.iter().map(|i| f(i)).collect::<Vec<_>>().join(&sep);
    match a {
        Action::DeclareResponse { level } => tr.a("do-declare", &[("level", format!("{level:?}").into())]),
        Action::IssueWarning { level, channels, villages } => tr.a(
            "do-warn",
            &[
                ("level", tr.t(&format!("warning-{level:?}")).into()),
                (
                    "channels",
                    channels.iter().map(|c| tr.t(&format!("channel-{c:?}"))).collect::<Vec<_>>().join(&sep).into(),
                ),
                ("villages", list(villages, &|v| village_name(ctx, v)).into()),
            ],
        ),
        Action::CallAndResponse { role } => tr.a("do-call", &[("role", role_name(ctx, role).into())]),
        Action::OrderEvacuation { village } => tr.a("do-evacuate", &[("village", village_name(ctx, village).into())]),
        Action::OpenShelter { shelter } => tr.a("do-open-shelter", &[("shelter", shelter_name(ctx, shelter).into())]),
        Action::CloseShelter { shelter } => tr.a("do-close-shelter", &[("shelter", shelter_name(ctx, shelter).into())]),
        Action::Dispatch { force, to, task } => tr.a(
            "do-dispatch",
            &[
                ("force", force_name(ctx, force).into()),
                ("task", tr.t(&format!("task-{task:?}")).into()),
                ("place", place_name(ctx, to).into()),
            ],
        ),
        Action::CloseRoad { edge } => tr.a("do-close-road", &[("road", road_name(ctx, edge.as_str()).into())]),
        Action::RequestSupport { what } => tr.a("do-request", &[("what", tr.text(what).into())]),
        Action::SendReport { kind } => tr.t(&format!("do-report-{kind:?}")),
        Action::Patrol { route } => tr.a("do-patrol", &[("route", route_names(ctx, route).into())]),
        Action::DoorToDoor { area } => tr.a("do-door", &[("area", area_name(ctx, area).into())]),
        Action::Acknowledge { message } => {
            tr.a("do-ack", &[("from", names::message_sender(ctx.scenario, ctx.tr, message).into())])
        }
        Action::SendInject { id } => tr.a("do-inject", &[("id", id.as_str().into())]),
        Action::TriggerLandslide => tr.t("do-trigger-landslide"),
        Action::Ignite { at } => tr.a("do-ignite", &[("x", at.0.into()), ("y", at.1.into())]),
        Action::BreachDike { dike } => tr.a("do-breach", &[("dike", dike_name(ctx, dike.as_str()).into())]),
        Action::SetWind { speed_ms, from_deg } => {
            tr.a("do-wind", &[("speed", (*speed_ms).into()), ("from", (*from_deg).into())])
        }
        Action::Message { to, text } => {
            tr.a("do-message", &[("role", role_name(ctx, to).into()), ("text", text.as_str().into())])
        }
        Action::TakeOver { role } => tr.a("do-take-over", &[("role", role_name(ctx, role).into())]),
        Action::HandBack { role } => tr.a("do-hand-back", &[("role", role_name(ctx, role).into())]),
        // A note without words is a bookmark.
        Action::Note { text } if text.trim().is_empty() => tr.t("do-bookmark"),
        Action::Note { text } => tr.a("do-note", &[("text", text.as_str().into())]),
    }
}

/// A patrol's stops by name, in order.
pub fn route_names(ctx: &Ctx, route: &[String]) -> String {
    names::route(ctx.scenario, ctx.tr, route)
}

/// A place's name in the window's language.
pub fn place_name(ctx: &Ctx, p: &Place) -> String {
    names::place(ctx.scenario, ctx.tr, p)
}
