//! Checks of villages, households, shelters, equipment and forces, and that
//! every placed thing lies on the map.

use super::findings::{Catalog, Findings, MAX_ID_CHARS, polygon};
use crate::scenario::expand::block_households;
use crate::scenario::locate::Path;
use crate::scenario::schema::*;
use crate::scenario::terrain::TerrainGrid;

/// A household with the path of what declared it (itself or its block).
pub(crate) struct Placed {
    pub household: Household,
    /// The household entry, or the block that laid it out.
    pub path: Path,
    pub from_block: bool,
}

impl Placed {
    /// Where a household field is written (a block's own field for block houses).
    pub fn field(&self, name: &'static str) -> Path {
        match (self.from_block, name) {
            (false, _) => self.path.f(name),
            (true, "at") => self.path.f("center"),
            (true, "id") => self.path.f("id"),
            (true, _) => self.path.f("profile"),
        }
    }
}

/// Most households a scenario may hold.
pub const MAX_HOUSEHOLDS: usize = 100_000;
/// Most houses one block may lay out.
pub const MAX_BLOCK_HOUSES: u64 = 5_000;
/// Most members one household may have.
pub const MAX_MEMBERS: u32 = 60;

/// Whether a block may be laid out at all: a size and an id within the
/// limits, so laying it out allocates a bounded amount.
fn within_limits(b: &crate::scenario::schema::HouseholdBlock) -> bool {
    let houses = b.rows as u64 * b.cols as u64;
    houses > 0 && houses <= MAX_BLOCK_HOUSES && b.id.chars().count() <= MAX_ID_CHARS
}

pub(crate) fn check_villages<'a>(s: &'a Scenario, cat: &mut Catalog<'a>, out: &mut Findings) -> Vec<Placed> {
    let mut placed = Vec::new();
    if s.villages.is_empty() {
        out.err(Path::root().f("villages"), "the scenario has no village", "a township drill has at least one village");
    }
    for (vk, v) in s.villages.iter().enumerate() {
        let vp = Path::root().f("villages").i(vk);
        cat.villages.add(out, "village", &v.id, vp.f("id"));
        polygon(out, vp.f("boundary"), &v.boundary);
        for (k, h) in v.households.iter().enumerate() {
            placed.push(Placed { household: h.clone(), path: vp.f("households").i(k), from_block: false });
        }
        for (k, b) in v.household_blocks.iter().enumerate() {
            let bp = vp.f("household_blocks").i(k);
            let houses = b.rows as u64 * b.cols as u64;
            if b.rows == 0 || b.cols == 0 || houses > MAX_BLOCK_HOUSES {
                out.err(
                    bp.f("rows"),
                    format!("a block of {}×{} houses is out of range", b.rows, b.cols),
                    format!("rows and cols at least 1, at most {MAX_BLOCK_HOUSES} houses a block"),
                );
                continue;
            }
            if b.id.chars().count() > MAX_ID_CHARS {
                out.err(
                    bp.f("id"),
                    format!("the block id is {} characters long", b.id.chars().count()),
                    format!("ids are at most {MAX_ID_CHARS} characters (each house's id starts with it)"),
                );
                continue;
            }
            if placed.len() as u64 + houses > MAX_HOUSEHOLDS as u64 {
                out.err(
                    bp.f("rows"),
                    format!("this block brings the township past {MAX_HOUSEHOLDS} households"),
                    "split the township into several drills",
                );
                continue;
            }
            if !(b.spacing_m > 0.0) {
                out.err(bp.f("spacing_m"), "house spacing must be positive", "rural houses stand 15–30 m apart");
                continue;
            }
            let d = &b.profile;
            let shares = [
                ("elderly_alone", d.elderly_alone),
                ("elderly", d.elderly),
                ("children", d.children),
                ("vulnerable", d.vulnerable),
                ("phone", d.phone),
                ("vehicle", d.vehicle),
            ];
            let mut good = true;
            for (name, v) in shares {
                if !(0.0..=1.0).contains(&v) {
                    out.err(
                        bp.f("profile").f(name),
                        format!("share {v} is not between 0 and 1"),
                        "shares are fractions, e.g. 0.25",
                    );
                    good = false;
                }
            }
            if d.elderly + d.children > 1.0 {
                out.err(bp.f("profile").f("children"), "elderly and children shares add up to more than 1", "");
                good = false;
            }
            if !(1.0..=6.0).contains(&d.mean_size) {
                out.err(
                    bp.f("profile").f("mean_size"),
                    format!("mean household size {} is out of range", d.mean_size),
                    "rural households average 2–4 people",
                );
                good = false;
            }
            if good {
                for h in block_households(b) {
                    placed.push(Placed { household: h, path: bp.clone(), from_block: true });
                }
            }
        }
        if v.households.is_empty() && v.household_blocks.is_empty() {
            out.err(
                vp.f("households"),
                format!("village `{}` has no households", v.id),
                "add `households` or `household_blocks`",
            );
        }
        if v.shelters.is_empty() {
            out.err(
                vp.f("shelters"),
                format!("village `{}` has no shelter", v.id),
                "every village needs at least one emergency shelter (应急避难场所)",
            );
        }
        for (k, sh) in v.shelters.iter().enumerate() {
            let sp = vp.f("shelters").i(k);
            cat.shelters.add(out, "shelter", &sh.id, sp.f("id"));
            if sh.capacity == 0 {
                out.err(
                    sp.f("capacity"),
                    format!("shelter `{}` has no capacity", sh.id),
                    "give the number of people it can hold",
                );
            }
        }
        for (k, l) in v.loudspeakers.iter().enumerate() {
            if !(l.radius_m > 0.0 && l.radius_m <= 5_000.0) {
                out.err(
                    vp.f("loudspeakers").i(k).f("radius_m"),
                    format!("loudspeaker radius {} m is out of range", l.radius_m),
                    "a village loudspeaker carries 200–500 m",
                );
            }
        }
        for (k, e) in v.equipment.iter().enumerate() {
            if e.count == 0 {
                out.warn(
                    vp.f("equipment").i(k).f("count"),
                    "equipment listed with count 0",
                    "remove it or give the count",
                );
            }
        }
        for (k, g) in v.grid_areas.iter().enumerate() {
            cat.grid_areas.add(out, "grid area", &g.id, vp.f("grid_areas").i(k).f("id"));
            polygon(out, vp.f("grid_areas").i(k).f("boundary"), &g.boundary);
        }
        let people: u64 = placed_in(&placed, &vp).map(|h| h.members.total() as u64).sum();
        let capacity: u64 = v.shelters.iter().map(|s| s.capacity as u64).sum();
        if people > capacity && capacity > 0 {
            out.warn(
                vp.f("shelters"),
                format!("shelters of `{}` hold {capacity} people but the village has {people} residents", v.id),
                "overflow will be scored; add a shelter or raise capacity if that is not intended",
            );
        }
    }
    if placed.len() > MAX_HOUSEHOLDS {
        out.err(
            Path::root().f("villages"),
            format!("{} households is more than the {MAX_HOUSEHOLDS} supported", placed.len()),
            "split the township into several drills",
        );
    }
    for p in &placed {
        let h = &p.household;
        cat.households.add(out, "household", &h.id, p.field("id"));
        if h.members.total() == 0 {
            out.err(
                p.field("members"),
                format!("household `{}` has no members", h.id),
                "give children, adults or elderly counts",
            );
        }
        let members = h.members.children as u64 + h.members.adults as u64 + h.members.elderly as u64;
        if members > MAX_MEMBERS as u64 {
            out.err(
                p.field("members"),
                format!("household `{}` has {members} members", h.id),
                format!("at most {MAX_MEMBERS} people live in one household; use more households"),
            );
        }
        if h.vulnerable > h.members.total() {
            out.err(
                p.field("vulnerable"),
                format!("household `{}` has more vulnerable members than members", h.id),
                "vulnerable members are counted among the members",
            );
        }
    }
    placed
}

fn placed_in<'a>(placed: &'a [Placed], village: &'a Path) -> impl Iterator<Item = &'a Household> {
    placed.iter().filter(move |p| p.path.0.starts_with(&village.0)).map(|p| &p.household)
}

pub(crate) fn check_forces<'a>(s: &'a Scenario, cat: &mut Catalog<'a>, out: &mut Findings) {
    for (k, f) in s.forces.iter().enumerate() {
        let fp = Path::root().f("forces").i(k);
        cat.forces.add(out, "force", &f.id, fp.f("id"));
        cat.nodes.check(out, "road node", &f.base, fp.f("base"));
        if let Some(v) = &f.village {
            cat.villages.check(out, "village", v, fp.f("village"));
        }
        if f.members == 0 {
            out.err(
                fp.f("members"),
                format!("force `{}` has no members", f.id),
                "a village team has at least 10, a township team at least 30",
            );
        }
        if f.turnout_s > 3_600 {
            out.err(
                fp.f("turnout_s"),
                format!("turn-out of {} s is out of range", f.turnout_s),
                "the 135 standard turns out in 180 s",
            );
        }
        if f.tasks.as_ref().is_some_and(|t| t.is_empty()) {
            out.err(
                fp.f("tasks"),
                format!("force `{}` is equipped for no task", f.id),
                "list its tasks, e.g. [Rescue, Standby], or leave `tasks` out",
            );
        }
        let mut vehicles = super::findings::Ids::default();
        for (j, v) in f.vehicles.iter().enumerate() {
            vehicles.add(out, "vehicle", &v.id, fp.f("vehicles").i(j).f("id"));
        }
    }
}

/// Everything with a position must lie on the map.
/// Households must stand inside their village's boundary (a household
/// outside it would be warned, ordered and counted as the wrong village's).
fn outside_village(v: &Village, vp: &Path, out: &mut Findings) {
    if v.boundary.len() < 3 {
        return;
    }
    let hint = |id: &str| {
        format!(
            "move `{id}` inside the boundary of `{}`, widen the boundary, or give it to the village it stands in",
            v.id
        )
    };
    for (k, hh) in v.households.iter().enumerate() {
        if !crate::geom::in_polygon(hh.at, &v.boundary) {
            out.err(
                vp.f("households").i(k).f("at"),
                format!("household `{}` at ({}, {}) lies outside its village `{}`", hh.id, hh.at.0, hh.at.1, v.id),
                hint(&hh.id),
            );
        }
    }
    for (k, b) in v.household_blocks.iter().enumerate() {
        if !within_limits(b) {
            continue;
        }
        let houses = block_households(b);
        let outside: Vec<_> = houses.iter().filter(|hh| !crate::geom::in_polygon(hh.at, &v.boundary)).collect();
        if let Some(first) = outside.first() {
            out.err(
                vp.f("household_blocks").i(k).f("center"),
                format!(
                    "{} of the {} houses of block `{}` lie outside village `{}` (the first, `{}`, at ({:.1}, {:.1}))",
                    outside.len(),
                    houses.len(),
                    b.id,
                    v.id,
                    first.id,
                    first.at.0,
                    first.at.1
                ),
                hint(&b.id),
            );
        }
    }
}

pub(crate) fn check_points(s: &Scenario, t: &TerrainGrid, out: &mut Findings) {
    for (vk, v) in s.villages.iter().enumerate() {
        outside_village(v, &Path::root().f("villages").i(vk), out);
    }
    let (w, h) = t.extent();
    let mut at = |path: Path, p: Point| {
        if !(p.0 >= 0.0 && p.0 < w && p.1 >= 0.0 && p.1 < h) {
            out.err(
                path,
                format!("point ({}, {}) lies outside the map", p.0, p.1),
                format!("the map spans x 0..{w} m and y 0..{h} m from its south-west corner"),
            );
        }
    };
    let root = Path::root();
    for (k, n) in s.map.roads.nodes.iter().enumerate() {
        at(root.f("map").f("roads").f("nodes").i(k).f("at"), n.at);
    }
    for (vk, v) in s.villages.iter().enumerate() {
        let vp = root.f("villages").i(vk);
        for (k, p) in v.boundary.iter().enumerate() {
            at(vp.f("boundary").i(k), *p);
        }
        for (k, hh) in v.households.iter().enumerate() {
            at(vp.f("households").i(k).f("at"), hh.at);
        }
        for (k, b) in v.household_blocks.iter().enumerate() {
            // Only blocks within their limits are laid out (the limits are reported elsewhere).
            if !within_limits(b) {
                continue;
            }
            if let Some(hh) =
                block_households(b).iter().find(|hh| !(hh.at.0 >= 0.0 && hh.at.0 < w && hh.at.1 >= 0.0 && hh.at.1 < h))
            {
                at(vp.f("household_blocks").i(k).f("center"), hh.at);
            }
        }
        for (k, sh) in v.shelters.iter().enumerate() {
            at(vp.f("shelters").i(k).f("at"), sh.at);
        }
        for (k, l) in v.loudspeakers.iter().enumerate() {
            at(vp.f("loudspeakers").i(k).f("at"), l.at);
        }
        for (k, e) in v.equipment.iter().enumerate() {
            if let Some(p) = e.at {
                at(vp.f("equipment").i(k).f("at"), p);
            }
        }
    }
    for (k, g) in s.gauges.iter().enumerate() {
        let gp = root.f("gauges").i(k).f("kind");
        match &g.kind {
            GaugeKind::WaterDepth { at: p }
            | GaugeKind::WaterLevel { at: p }
            | GaugeKind::DebrisDepth { at: p }
            | GaugeKind::FireArrival { at: p } => at(gp.f("at"), *p),
            GaugeKind::PeopleCrossing { from, to } => {
                at(gp.f("from"), *from);
                at(gp.f("to"), *to);
            }
        }
    }
    let hz = root.f("hazards");
    if let Some(f) = &s.hazards.flood {
        for (k, i) in f.inflows.iter().enumerate() {
            at(hz.f("flood").f("inflows").i(k).f("from"), i.from);
            at(hz.f("flood").f("inflows").i(k).f("to"), i.to);
        }
        for (k, d) in f.dikes.iter().enumerate() {
            for (j, p) in d.points.iter().enumerate() {
                at(hz.f("flood").f("dikes").i(k).f("points").i(j), *p);
            }
        }
    }
    if let Some(f) = &s.hazards.fire {
        at(hz.f("fire").f("ignition"), f.ignition);
    }
    if let Some(l) = &s.hazards.landslide {
        for (j, p) in l.zone.iter().enumerate() {
            at(hz.f("landslide").f("zone").i(j), *p);
        }
        for (j, p) in l.second.iter().flat_map(|s| s.zone.iter()).enumerate() {
            at(hz.f("landslide").f("second").f("zone").i(j), *p);
        }
    }
}

pub(crate) fn check_residents(s: &Scenario, out: &mut Findings) {
    let rp = Path::root().f("residents");
    let r = &s.residents;
    let mut seen = Vec::new();
    for (k, c) in r.channels.iter().enumerate() {
        if seen.contains(&c.channel) {
            out.err(
                rp.f("channels").i(k).f("channel"),
                format!("channel {:?} is given twice", c.channel),
                "give each channel once",
            );
        }
        seen.push(c.channel);
        if !(0.0..=1.0).contains(&c.reach) {
            out.err(
                rp.f("channels").i(k).f("reach"),
                format!("reach {} is not between 0 and 1", c.reach),
                "reach is the share of households a channel gets through to",
            );
        }
    }
    if r.channels_mode.is_none() && r.channels != default_channels() {
        let dropped: Vec<String> = default_channels()
            .iter()
            .filter(|d| !r.channels.iter().any(|c| c.channel == d.channel))
            .map(|d| format!("{:?}", d.channel))
            .collect();
        if !dropped.is_empty() {
            out.warn(
                rp.f("channels"),
                format!("this list replaces the defaults: warnings by {} will reach nobody", dropped.join(", ")),
                "add `channels_mode: Extend` to keep the defaults of the channels not listed, or `channels_mode: Replace` to say the list is complete",
            );
        }
    }
    if !r.premovement.is_valid() {
        out.err(
            rp.f("premovement"),
            "the pre-movement distribution's parameters are out of range",
            "e.g. Weibull(scale: 139.0, shape: 1.2)",
        );
    }
    let c = &r.compliance;
    for (name, v) in [
        ("remote", c.remote),
        ("order", c.order),
        ("in_person", c.in_person),
        ("refuse_until_in_person", c.refuse_until_in_person),
    ] {
        if !(0.0..=1.0).contains(&v) {
            out.err(
                rp.f("compliance").f(name),
                format!("{name} {v} is not between 0 and 1"),
                "compliance values are probabilities",
            );
        }
    }
    if r.visit_s == 0 || r.visit_s > 3600 {
        out.err(
            rp.f("visit_s"),
            format!("a door-to-door visit of {} s is out of range", r.visit_s),
            "a visit takes 30–300 s",
        );
    }
    let mut ids = super::findings::Ids::default();
    for (k, z) in r.danger_zones.iter().enumerate() {
        ids.add(out, "danger zone", &z.id, rp.f("danger_zones").i(k).f("id"));
        polygon(out, rp.f("danger_zones").i(k).f("zone"), &z.zone);
        if !s.meta.hazards.contains(&z.hazard) {
            out.warn(
                rp.f("danger_zones").i(k).f("hazard"),
                format!("danger zone `{}` is for {:?}, which this drill does not have", z.id, z.hazard),
                "",
            );
        }
    }
}
