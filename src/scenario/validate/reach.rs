//! Can every household reach a shelter? On the walkers' grid
//! (`scenario::walk`: river channels blocked except where a bridge crosses,
//! walls and blocks drawn, doors open) the check labels the connected open
//! areas and asks whether each household's area holds a shelter — the same
//! mask the residents walk on in a drill.

use super::findings::Findings;
use super::people::Placed;
use crate::geom::in_polygon;
use crate::scenario::locate::Path;
use crate::scenario::schema::{Point, Scenario, Structure};
use crate::scenario::walk::WalkMask;

/// What stands at a blocked point, for a message: a structure or a river.
fn what_blocks(s: &Scenario, walk: &WalkMask, p: Point) -> String {
    match walk.blocker(&s.map, p) {
        Some(Structure::Block { id, .. }) => format!("inside the block `{id}`"),
        Some(st) => format!("in a wall of `{}`", st.id()),
        None => "in a river channel".into(),
    }
}

/// The building whose outline holds `p`, if any.
fn building_round(s: &Scenario, p: Point) -> Option<&Structure> {
    s.map.structures.iter().find(|st| matches!(st, Structure::Building { outline, .. } if in_polygon(p, outline)))
}

pub(crate) fn check_reachability(s: &Scenario, households: &[Placed], walk: &WalkMask, out: &mut Findings) {
    let label = walk.components();
    let mut sheltered = std::collections::BTreeSet::new();
    for (vk, v) in s.villages.iter().enumerate() {
        for (k, sh) in v.shelters.iter().enumerate() {
            let Some(c) = walk.cell_of(sh.at) else { continue };
            if !walk.is_open(c) {
                out.err(
                    Path::root().f("villages").i(vk).f("shelters").i(k).f("at"),
                    format!("shelter `{}` stands {}", sh.id, what_blocks(s, walk, sh.at)),
                    "move its point to open ground or inside the building, clear of the walls",
                );
            } else {
                sheltered.insert(label[c]);
            }
        }
    }
    let mut reported = std::collections::BTreeSet::new();
    for p in households {
        let at = p.household.at;
        let Some(c) = walk.cell_of(at) else { continue };
        // One finding per declaring path (a block reports once).
        if !walk.is_open(c) {
            if reported.insert(p.path.to_string()) {
                out.err(
                    p.field("at"),
                    format!("household `{}` stands {}", p.household.id, what_blocks(s, walk, at)),
                    "move it to open ground or inside a building, clear of the walls",
                );
            }
        } else if !sheltered.contains(&label[c]) && reported.insert(p.path.to_string()) {
            let hint = match building_round(s, at) {
                Some(b) if b.doors().is_empty() => {
                    format!("it is inside the building `{}`, which has no door: add `doors: [(at: …, width_m: 1.0)]` on its outline", b.id())
                }
                Some(b) => format!("it is inside the building `{}`, whose doors lead nowhere a shelter is: check the doors and the walls round them", b.id()),
                None => "a river or a wall cuts it off: add a bridge edge (`bridge: true`) across the river, a door in the wall, or a shelter on its side".into(),
            };
            out.err(
                p.field("at"),
                format!("household `{}` cannot reach any shelter on foot or by road", p.household.id),
                hint,
            );
        }
    }
}
