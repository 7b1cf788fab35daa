//! Can every household reach a shelter? Walking is blocked by river channels
//! except where a bridge edge crosses; the check labels the connected
//! walkable areas of the grid and asks whether each household's area holds
//! a shelter.

use super::findings::Findings;
use super::people::Placed;
use crate::geom::sample_segment;
use crate::scenario::locate::Path;
use crate::scenario::schema::Scenario;
use crate::scenario::terrain::TerrainGrid;
use std::collections::{BTreeMap, VecDeque};

/// Walkable cells for the reachability check: not river, or on a bridge.
pub fn walkable(s: &Scenario, t: &TerrainGrid) -> Vec<bool> {
    let mut w: Vec<bool> = t.river.iter().map(|r| !r).collect();
    let nodes: BTreeMap<&str, _> = s.map.roads.nodes.iter().map(|n| (n.id.as_str(), n.at)).collect();
    for e in s.map.roads.edges.iter().filter(|e| e.bridge) {
        if let (Some(a), Some(b)) = (nodes.get(e.from.as_str()), nodes.get(e.to.as_str())) {
            for p in sample_segment(*a, *b, t.cell_m * 0.5) {
                if let Some(k) = t.cell_of(p) {
                    w[k] = true;
                }
            }
        }
    }
    w
}

/// Component label per cell (u32::MAX for blocked cells), 4-connected.
pub fn components(t: &TerrainGrid, walk: &[bool]) -> Vec<u32> {
    let mut label = vec![u32::MAX; walk.len()];
    let mut next = 0u32;
    let mut queue = VecDeque::new();
    for start in 0..walk.len() {
        if !walk[start] || label[start] != u32::MAX {
            continue;
        }
        label[start] = next;
        queue.push_back(start);
        while let Some(k) = queue.pop_front() {
            let (i, j) = (k % t.nx, k / t.nx);
            let mut visit = |n: usize| {
                if walk[n] && label[n] == u32::MAX {
                    label[n] = next;
                    queue.push_back(n);
                }
            };
            if i > 0 {
                visit(k - 1);
            }
            if i + 1 < t.nx {
                visit(k + 1);
            }
            if j > 0 {
                visit(k - t.nx);
            }
            if j + 1 < t.ny {
                visit(k + t.nx);
            }
        }
        next += 1;
    }
    label
}

pub(crate) fn check_reachability(s: &Scenario, households: &[Placed], t: &TerrainGrid, out: &mut Findings) {
    let walk = walkable(s, t);
    let label = components(t, &walk);
    let mut sheltered = std::collections::BTreeSet::new();
    for (vk, v) in s.villages.iter().enumerate() {
        for (k, sh) in v.shelters.iter().enumerate() {
            let Some(c) = t.cell_of(sh.at) else { continue };
            if !walk[c] {
                out.err(
                    Path::root().f("villages").i(vk).f("shelters").i(k).f("at"),
                    format!("shelter `{}` stands in a river channel", sh.id),
                    "move it to dry, high ground",
                );
            } else {
                sheltered.insert(label[c]);
            }
        }
    }
    let mut reported = std::collections::BTreeSet::new();
    for p in households {
        let Some(c) = t.cell_of(p.household.at) else { continue };
        let ok = walk[c] && sheltered.contains(&label[c]);
        // One finding per declaring path (a block reports once).
        if !ok && reported.insert(p.path.to_string()) {
            out.err(
                p.field("at"),
                format!("household `{}` cannot reach any shelter on foot or by road", p.household.id),
                "a river cuts it off: add a bridge edge (`bridge: true`) across the river, or a shelter on its side",
            );
        }
    }
}
