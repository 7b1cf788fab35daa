//! What people read for the scenario's things — villages, shelters,
//! forces, roles, road nodes, grid areas, dikes and roads — by their
//! bilingual names in the reader's language, with a plain stand-in
//! ("junction <id>", "dike <id>") for one the scenario leaves unnamed.
//! Shared by the window's panels and the evaluation report, so that both
//! call a thing the same and neither shows an id where a name exists.
//!
//! Owns: those lookups. May not touch: the sim, records, the faces.

use super::schema::{Dike, Place, Scenario};
use crate::i18n::Tr;

/// A village's name (its id when the scenario has no such village).
pub fn village(s: &Scenario, tr: &Tr, id: &str) -> String {
    s.villages.iter().find(|v| v.id == id).map_or(id.to_owned(), |v| tr.text(&v.name).to_owned())
}

/// A role's name (its id when the scenario has no such role).
pub fn role(s: &Scenario, tr: &Tr, id: &str) -> String {
    s.roles.iter().find(|r| r.id == id).map_or(id.to_owned(), |r| tr.text(&r.name).to_owned())
}

/// A force's name (its id when the scenario has no such force).
pub fn force(s: &Scenario, tr: &Tr, id: &str) -> String {
    s.forces.iter().find(|f| f.id == id).map_or(id.to_owned(), |f| tr.text(&f.name).to_owned())
}

/// A shelter's name (its id when the scenario has no such shelter).
pub fn shelter(s: &Scenario, tr: &Tr, id: &str) -> String {
    let found = s.villages.iter().flat_map(|v| &v.shelters).find(|x| x.id == id);
    found.map_or(id.to_owned(), |x| tr.text(&x.name).to_owned())
}

/// A road node's name (a patrol's stop, a force's destination), "junction
/// <id>" when it has none.
pub fn node(s: &Scenario, tr: &Tr, id: &str) -> String {
    match s.map.roads.nodes.iter().find(|n| n.id == id).and_then(|n| n.name.as_ref()) {
        Some(n) => tr.text(n).to_owned(),
        None => tr.a("node-unnamed", &[("id", id.into())]),
    }
}

/// A patrol's stops by name, in order.
pub fn route(s: &Scenario, tr: &Tr, stops: &[String]) -> String {
    stops.iter().map(|n| node(s, tr, n)).collect::<Vec<_>>().join("→")
}

/// A grid area's name, "grid area <id>" when it has none.
pub fn area(s: &Scenario, tr: &Tr, id: &str) -> String {
    let found = s.villages.iter().flat_map(|v| &v.grid_areas).find(|a| a.id == id);
    match found.and_then(|a| a.name.as_ref()) {
        Some(n) => tr.text(n).to_owned(),
        None => tr.a("area-unnamed", &[("id", id.into())]),
    }
}

/// The flood slot's dike `id` by name, "dike <id>" when it has none.
pub fn dike(s: &Scenario, tr: &Tr, id: &str) -> String {
    let dikes = s.hazards.flood.as_ref().map_or(&[][..], |f| &f.dikes[..]);
    named_dike(tr, id, dikes.iter().find(|d| d.id == id))
}

/// A dike's name, "dike <id>" standing in when it has none.
pub fn named_dike(tr: &Tr, id: &str, dike: Option<&Dike>) -> String {
    match dike.and_then(|d| d.name.as_ref()) {
        Some(n) => tr.text(n).to_owned(),
        None => tr.a("dike-unnamed", &[("id", id.into())]),
    }
}

/// Who sent message `id`, for a line that names it without its id: an
/// inject's sender, a caller (`call:<caller>:<tick>`), or the instructor
/// (`msg:<tick>:<n>`, their own words); the id itself otherwise.
pub fn message_sender(s: &Scenario, tr: &Tr, id: &str) -> String {
    if let Some(inj) = s.injects.iter().find(|i| i.id == id) {
        return tr.text(&inj.from).to_owned();
    }
    match id.strip_prefix("call:").and_then(|c| c.rsplit_once(':')) {
        Some((caller, _)) => role(s, tr, caller),
        None if id.starts_with("msg:") => tr.t("inbox-from-instructor"),
        None => id.to_owned(),
    }
}

/// Where a force is sent: a village, a shelter, a road node by name; a
/// household by its id; a map point by its coordinates.
pub fn place(s: &Scenario, tr: &Tr, p: &Place) -> String {
    match p {
        Place::Village(v) => village(s, tr, v),
        Place::Shelter(x) => shelter(s, tr, x),
        Place::Node(n) => node(s, tr, n),
        Place::Household(h) => h.clone(),
        Place::Point(p) => tr.a("place-point", &[("x", p.0.round().into()), ("y", p.1.round().into())]),
    }
}

/// A road's name, its id when it has none (the window's panels say more:
/// an unnamed road by its class and the village it runs by).
pub fn road(s: &Scenario, tr: &Tr, id: &str) -> String {
    match s.map.roads.edges.iter().find(|e| e.id == id).and_then(|e| e.name.as_ref()) {
        Some(n) => tr.text(n).to_owned(),
        None => id.to_owned(),
    }
}

/// A household as a report reads it: its id with the village it is in
/// ("后山村 hs-a-001 户"); written out, a household's id is its house
/// number, and a block's houses are `<block>-<nnn>`. Its id alone when no
/// village holds it.
pub fn household(s: &Scenario, tr: &Tr, id: &str) -> String {
    let of_block = |b: &str| id.strip_prefix(b).is_some_and(|rest| rest.starts_with('-'));
    let home = s
        .villages
        .iter()
        .find(|v| v.households.iter().any(|h| h.id == id) || v.household_blocks.iter().any(|b| of_block(&b.id)));
    match home {
        Some(v) => tr.a("household-in", &[("village", tr.text(&v.name).into()), ("id", id.into())]),
        None => id.to_owned(),
    }
}
