//! Checks of roles, plans, triggers, injects, gauges, the rubric and the
//! hazard scripts: references resolve, times and deadlines are sane.

use super::findings::{Catalog, Findings, Ids, polygon};
use crate::scenario::locate::Path;
use crate::scenario::permissions::permitted;
use crate::scenario::schema::*;

pub(crate) fn check_roles<'a>(s: &'a Scenario, cat: &mut Catalog<'a>, out: &mut Findings) {
    if s.roles.is_empty() {
        out.err(Path::root().f("roles"), "the drill has no roles", "add at least a Commander and an OfficeDirector");
    }
    for (k, r) in s.roles.iter().enumerate() {
        let rp = Path::root().f("roles").i(k);
        cat.roles.add(out, "role", &r.id, rp.f("id"));
        cat.role_kind.insert(&r.id, r.kind);
        match (r.kind, &r.village) {
            (RoleKind::VillageHead | RoleKind::GridWorker, None) => out.err(
                rp.f("kind"),
                format!("{:?} `{}` needs a village", r.kind, r.id),
                "add `village: \"<village id>\"`",
            ),
            (_, Some(v)) => {
                cat.villages.check(out, "village", v, rp.f("village"));
            }
            _ => {}
        }
        match (r.kind, &r.force) {
            (RoleKind::RescueLeader, None) => {
                out.err(rp.f("kind"), format!("RescueLeader `{}` needs a force", r.id), "add `force: \"<force id>\"`")
            }
            (_, Some(f)) => {
                cat.forces.check(out, "force", f, rp.f("force"));
            }
            _ => {}
        }
    }
    for (vk, v) in s.villages.iter().enumerate() {
        for (k, g) in v.grid_areas.iter().enumerate() {
            let p = Path::root().f("villages").i(vk).f("grid_areas").i(k).f("worker");
            if cat.roles.check(out, "role", &g.worker, p.clone())
                && cat.role_kind.get(g.worker.as_str()) != Some(&RoleKind::GridWorker)
            {
                out.err(
                    p,
                    format!("`{}` is not a GridWorker role", g.worker),
                    "a grid area is looked after by a GridWorker",
                );
            }
        }
    }
}

/// Most gauges a scenario may keep.
pub const MAX_GAUGES: usize = 1_000;

pub(crate) fn check_gauges<'a>(s: &'a Scenario, cat: &mut Catalog<'a>, out: &mut Findings) {
    if s.gauges.len() > MAX_GAUGES {
        out.err(
            Path::root().f("gauges"),
            format!("{} gauges is more than the {MAX_GAUGES} a report can carry", s.gauges.len()),
            "keep the gauges that the drill's decisions and debrief need",
        );
        return;
    }
    for (k, g) in s.gauges.iter().enumerate() {
        let gp = Path::root().f("gauges").i(k);
        cat.gauges.add(out, "gauge", &g.id, gp.f("id"));
        if g.every_s == 0 || s.meta.tick_s == 0 || g.every_s % s.meta.tick_s != 0 {
            out.err(
                gp.f("every_s"),
                format!("sampling every {} s is not a whole number of ticks", g.every_s),
                format!("use a positive multiple of tick_s ({} s)", s.meta.tick_s),
            );
        }
        if let GaugeKind::PeopleCrossing { from, to } = g.kind
            && from == to
        {
            out.err(gp.f("kind").f("to"), "a crossing line needs two different ends", "");
        }
        let needs = match g.kind {
            GaugeKind::WaterDepth { .. } | GaugeKind::WaterLevel { .. } => Some(HazardKind::Flood),
            GaugeKind::DebrisDepth { .. } => Some(HazardKind::Landslide),
            GaugeKind::FireArrival { .. } => Some(HazardKind::Fire),
            GaugeKind::PeopleCrossing { .. } => None,
        };
        if let Some(h) = needs
            && !s.meta.hazards.contains(&h)
        {
            out.warn(
                gp.f("kind"),
                format!("gauge `{}` measures {h:?} but the drill has no {h:?} hazard", g.id),
                "it will read 0 throughout",
            );
        }
    }
}

pub(crate) fn check_injects_ids<'a>(s: &'a Scenario, cat: &mut Catalog<'a>, out: &mut Findings) {
    for (k, i) in s.injects.iter().enumerate() {
        cat.injects.add(out, "inject", &i.id, Path::root().f("injects").i(k).f("id"));
    }
    for (pk, plan) in s.plans.iter().enumerate() {
        for (k, st) in plan.steps.iter().enumerate() {
            cat.steps.add(out, "plan step", &st.id, Path::root().f("plans").i(pk).f("steps").i(k).f("id"));
        }
    }
}

fn check_trigger(t: &Trigger, self_step: Option<&str>, s: &Scenario, cat: &Catalog, out: &mut Findings, p: Path) {
    match t {
        Trigger::At(time) if *time > s.meta.duration_s => out.err(
            p,
            format!("trigger time {time} s is after the drill ends ({} s)", s.meta.duration_s),
            "use a time within the drill",
        ),
        Trigger::GaugeAbove { gauge, value } => {
            cat.gauges.check(out, "gauge", gauge, p.f("gauge"));
            if !value.is_finite() {
                out.err(p.f("value"), "threshold is not a number", "");
            }
        }
        Trigger::Inject(id) => {
            cat.injects.check(out, "inject", id, p);
        }
        Trigger::Step(id) if Some(id.as_str()) == self_step => {
            out.err(p, format!("step `{id}` waits for itself"), "trigger it from another step, a time or an event")
        }
        Trigger::Step(id) => {
            cat.steps.check(out, "plan step", id, p);
        }
        Trigger::Precursor(id) => {
            let known: Vec<&str> =
                s.hazards.landslide.iter().flat_map(|l| l.precursors.iter().map(|q| q.id.as_str())).collect();
            if !known.contains(&id.as_str()) {
                out.err(
                    p,
                    format!("no landslide precursor `{id}`"),
                    if known.is_empty() {
                        "list it in hazards.landslide.precursors".to_owned()
                    } else {
                        format!("precursors: {}", known.join(", "))
                    },
                );
            }
        }
        Trigger::RoadCleared(id) => {
            cat.edges.check(out, "road", id, p.clone());
            if s.hazards.landslide.is_none() {
                out.err(
                    p,
                    format!("road `{id}` can only be cleared of landslide debris"),
                    "add hazards.landslide, or trigger the step otherwise",
                );
            }
        }
        _ => {}
    }
}

pub(crate) fn check_plans<'a>(s: &'a Scenario, cat: &mut Catalog<'a>, out: &mut Findings) {
    let mut planned = Ids::default();
    for (pk, plan) in s.plans.iter().enumerate() {
        let pp = Path::root().f("plans").i(pk);
        if !cat.roles.check(out, "role", &plan.role, pp.f("role")) {
            continue;
        }
        planned.add(out, "plan for role", &plan.role, pp.f("role"));
        let role = s.roles.iter().find(|r| r.id == plan.role);
        for (k, st) in plan.steps.iter().enumerate() {
            let sp = pp.f("steps").i(k);
            check_trigger(&st.trigger, Some(&st.id), s, cat, out, sp.f("trigger"));
            if st.deadline_s == 0 || st.deadline_s > s.meta.duration_s {
                out.err(
                    sp.f("deadline_s"),
                    format!("deadline of {} s is out of range", st.deadline_s),
                    format!("give the seconds after the trigger by which the step is done, 1..={}", s.meta.duration_s),
                );
            }
            if let Some(r) = role
                && !st.action.kind().instructor_only()
                && !permitted(r, st.action.kind())
            {
                out.err(
                    sp.f("action"),
                    format!("role `{}` ({:?}) may not order {:?}", r.id, r.kind, st.action.kind()),
                    "give the step to a role entitled to it, or add the action to the role's `permissions`",
                );
            }
            if let (Some(r), Action::Dispatch { force, task, .. }) = (role, &st.action) {
                check_team_dispatch(s, r, force, *task, out, sp.f("action"));
            }
            check_action(&st.action, cat, out, sp.f("action"));
        }
    }
}

/// A team leader sends only the team they lead, and a team only to the
/// tasks it is equipped for (the rights gate refuses the same at run time).
fn check_team_dispatch(s: &Scenario, r: &Role, force: &str, task: Task, out: &mut Findings, p: Path) {
    if let Some(own) = r.force.as_deref().filter(|own| r.kind == RoleKind::RescueLeader && *own != force) {
        out.err(
            p.f("force"),
            format!("`{}` leads `{own}` and cannot dispatch `{force}`", r.id),
            "give the step to a role that commands that force (a commander or the office director)",
        );
    }
    if let Some(f) = s.forces.iter().find(|f| f.id == force)
        && !f.can(task)
    {
        out.err(
            p.f("task"),
            format!("force `{force}` is not equipped for {task:?}"),
            format!("its tasks are {:?}; add the task to the force's `tasks`, or send another force", f.tasks),
        );
    }
}

fn check_action(a: &Action, cat: &Catalog, out: &mut Findings, p: Path) {
    match a {
        Action::IssueWarning { channels, villages, .. } => {
            if channels.is_empty() {
                out.err(p.f("channels"), "a warning needs at least one channel", "e.g. [Broadcast, Sms, DoorToDoor]");
            }
            for (k, v) in villages.iter().enumerate() {
                cat.villages.check(out, "village", v, p.f("villages").i(k));
            }
        }
        Action::CallAndResponse { role } => {
            cat.roles.check(out, "role", role, p.f("role"));
        }
        Action::OrderEvacuation { village } => {
            cat.villages.check(out, "village", village, p.f("village"));
        }
        Action::OpenShelter { shelter } | Action::CloseShelter { shelter } => {
            cat.shelters.check(out, "shelter", shelter, p.f("shelter"));
        }
        Action::Dispatch { force, to, .. } => {
            cat.forces.check(out, "force", force, p.f("force"));
            let tp = p.f("to").i(0);
            match to {
                Place::Node(id) => cat.nodes.check(out, "road node", id, tp),
                Place::Village(id) => cat.villages.check(out, "village", id, tp),
                Place::Household(id) => cat.households.check(out, "household", id, tp),
                Place::Shelter(id) => cat.shelters.check(out, "shelter", id, tp),
                Place::Point(_) => true,
            };
        }
        Action::CloseRoad { edge } => {
            cat.edges.check(out, "road edge", edge, p.f("edge"));
        }
        Action::Patrol { route } => {
            if route.is_empty() {
                out.err(p.f("route"), "a patrol route is empty", "list the road nodes walked, in order");
            }
            for (k, n) in route.iter().enumerate() {
                cat.nodes.check(out, "road node", n, p.f("route").i(k));
            }
        }
        Action::DoorToDoor { area } => {
            cat.grid_areas.check(out, "grid area", area, p.f("area"));
        }
        Action::Acknowledge { message } => {
            cat.injects.check(out, "inject", message, p.f("message"));
        }
        Action::DeclareResponse { .. } | Action::RequestSupport { .. } | Action::SendReport { .. } => {}
        Action::SendInject { .. }
        | Action::TriggerLandslide
        | Action::Ignite { .. }
        | Action::BreachDike { .. }
        | Action::SetWind { .. }
        | Action::Message { .. }
        | Action::TakeOver { .. }
        | Action::HandBack { .. }
        | Action::Note { .. } => out.err(
            p,
            format!("{:?} is an instructor's order, not a plan step", a.kind()),
            "give it live as an instructor command (source Instructor), or script it as an inject or hazard time",
        ),
    }
}

pub(crate) fn check_injects(s: &Scenario, cat: &Catalog, out: &mut Findings) {
    for (k, i) in s.injects.iter().enumerate() {
        let ip = Path::root().f("injects").i(k);
        if i.to.is_empty() {
            out.err(
                ip.f("to"),
                format!("inject `{}` is addressed to nobody", i.id),
                "list the role ids that receive it",
            );
        }
        for (j, r) in i.to.iter().enumerate() {
            cat.roles.check(out, "role", r, ip.f("to").i(j));
        }
        check_trigger(&i.when, None, s, cat, out, ip.f("when"));
        if let Trigger::Inject(id) = &i.when
            && id == &i.id
        {
            out.err(ip.f("when"), format!("inject `{id}` waits for itself"), "");
        }
        if i.ack_within_s == Some(0) {
            out.err(ip.f("ack_within_s"), "acknowledgement window of 0 s", "the 135 alarm allows 60 s");
        }
        if i.jitter_s > s.meta.duration_s {
            out.err(ip.f("jitter_s"), "jitter longer than the drill", "");
        }
    }
}

pub(crate) fn check_rubric<'a>(s: &'a Scenario, cat: &mut Catalog<'a>, out: &mut Findings) {
    let rp = Path::root().f("rubric");
    let r = &s.rubric;
    let mut total = 0.0;
    for (k, m) in r.metrics.iter().enumerate() {
        let mp = rp.f("metrics").i(k);
        cat.metrics.add(out, "metric", &m.id, mp.f("id"));
        if let Some(role) = &m.role {
            cat.roles.check(out, "role", role, mp.f("role"));
        }
        if !(m.weight >= 0.0 && m.weight.is_finite()) {
            out.err(mp.f("weight"), format!("weight {} is not a non-negative number", m.weight), "");
        } else {
            total += m.weight;
        }
        if !m.threshold.is_finite() || m.threshold < 0.0 || (m.metric.unit() == "share 0..1" && m.threshold > 1.0) {
            out.err(
                mp.f("threshold"),
                format!("threshold {} is out of range for {:?} ({})", m.threshold, m.metric, m.metric.unit()),
                "shares are 0..1, times in seconds, counts in people",
            );
        }
    }
    if r.metrics.is_empty() || total <= 0.0 {
        out.err(rp.f("metrics"), "the rubric weighs nothing", "give at least one metric a positive weight");
    }
    let l = &r.levels;
    if !(0.0 < l.pass && l.pass < l.good && l.good < l.excellent && l.excellent <= 100.0) {
        out.err(
            rp.f("levels"),
            format!("levels must rise: 0 < pass ({}) < good ({}) < excellent ({}) ≤ 100", l.pass, l.good, l.excellent),
            "the usual levels are pass 60, good 75, excellent 90",
        );
    }
    for (k, g) in r.gates.iter().enumerate() {
        if let Gate::MetricFailed { metric, .. } = g {
            cat.metrics.check(out, "metric", metric, rp.f("gates").i(k).f("metric"));
        }
    }
}

/// Forcing beyond what has ever been observed: a value above it is refused.
/// Rain: the greatest 1-hour rainfall on record is about 305 mm (WMO); the
/// greatest river discharge (the Amazon in flood) about 300,000 m³/s; the
/// strongest surface gust recorded 113 m/s (WMO, Barrow Island 1996).
pub const MAX_RAIN_MM_H: f64 = 500.0;
pub const MAX_INFLOW_M3_S: f64 = 500_000.0;
pub const MAX_WIND_M_S: f64 = 113.0;
const RAIN_WHY: &str = "mm/h; the greatest 1-hour rainfall on record is about 305 mm";

/// A series whose values may not exceed `max` (with the reason in `why`).
fn bounded_series(out: &mut Findings, p: Path, pts: &Series, what: &str, duration: u32, max: f64, why: &str) {
    series(out, p.clone(), pts, what, duration);
    for (k, (_, v)) in pts.iter().enumerate() {
        if v.is_finite() && *v > max {
            out.err(p.i(k).i(1), format!("{what} value {v} is beyond any on record (at most {max})"), why);
        }
    }
}

fn series(out: &mut Findings, p: Path, pts: &Series, what: &str, duration: u32) {
    if pts.is_empty() {
        out.err(p, format!("the {what} has no points"), "give `(seconds, value)` points");
        return;
    }
    for (k, w) in pts.windows(2).enumerate() {
        if w[1].0 <= w[0].0 {
            out.err(
                p.i(k + 1).i(0),
                format!("{what} times must increase ({} s follows {} s)", w[1].0, w[0].0),
                "sort the points by time",
            );
        }
    }
    for (k, (t, v)) in pts.iter().enumerate() {
        if !(v.is_finite() && *v >= 0.0) {
            out.err(p.i(k).i(1), format!("{what} value {v} is not a non-negative number"), "");
        }
        if *t > duration {
            out.warn(p.i(k).i(0), format!("{what} point at {t} s is after the drill ends"), "");
        }
    }
}

pub(crate) fn check_hazards(s: &Scenario, out: &mut Findings) {
    let hp = Path::root().f("hazards");
    let dur = s.meta.duration_s;
    if let Some(f) = &s.hazards.flood {
        let fp = hp.f("flood");
        for (k, r) in f.rain.iter().enumerate() {
            bounded_series(
                out,
                fp.f("rain").i(k).f("hyetograph"),
                &r.hyetograph,
                "hyetograph",
                dur,
                MAX_RAIN_MM_H,
                RAIN_WHY,
            );
            if let Some(z) = &r.zone {
                polygon(out, fp.f("rain").i(k).f("zone"), z);
            }
        }
        let mut ids = Ids::default();
        for (k, i) in f.inflows.iter().enumerate() {
            ids.add(out, "inflow", &i.id, fp.f("inflows").i(k).f("id"));
            bounded_series(
                out,
                fp.f("inflows").i(k).f("hydrograph"),
                &i.hydrograph,
                "hydrograph",
                dur,
                MAX_INFLOW_M3_S,
                "m³/s; the Amazon in flood carries about 300,000 m³/s",
            );
        }
        let mut dikes = Ids::default();
        for (k, d) in f.dikes.iter().enumerate() {
            let dp = fp.f("dikes").i(k);
            dikes.add(out, "dike", &d.id, dp.f("id"));
            if d.points.len() < 2 {
                out.err(dp.f("points"), "a dike needs at least two points", "");
            }
            if let Some(b) = &d.breach {
                let bp = dp.f("breach");
                if !(b.initial_width_m > 0.0 && b.max_width_m >= b.initial_width_m && b.widen_m_per_min >= 0.0) {
                    out.err(
                        bp.clone(),
                        "breach widths must satisfy 0 < initial_width_m ≤ max_width_m and widening ≥ 0",
                        "",
                    );
                } else if b.bottom_m >= d.crest_m {
                    out.err(
                        bp.f("bottom_m"),
                        "breach bottom is not below the crest",
                        "the breach erodes the dike down to bottom_m",
                    );
                } else if crate::geom::dist_to_polyline(b.at, &d.points) > 3.0 * s.map.cell_m {
                    out.err(bp.f("at"), "the breach point is not on its dike", "place it on the dike line");
                }
                if let BreachStart::At(t) = b.start
                    && t > dur
                {
                    out.err(bp.f("start"), format!("breach at {t} s is after the drill ends"), "");
                }
            }
        }
        if !(f.vehicle_limit_m > 0.0 && f.foot_limit_m > 0.0) {
            out.err(fp.f("foot_limit_m"), "depth limits must be positive", "defaults: vehicles 0.3 m, on foot 0.5 m");
        }
        if let Some(theta) = f.theta {
            if f.solver == FloodSolver::Godunov {
                out.err(fp.f("theta"), "theta belongs to the Inertial solver", "remove it, or use solver: Inertial");
            } else if !(0.6..=1.0).contains(&theta) {
                out.err(
                    fp.f("theta"),
                    format!("theta {theta} is outside 0.6–1"),
                    "0.8 is the default and damps sloshing; 1 is Bates et al.'s undamped scheme",
                );
            }
        }
        if f.local_steps && f.solver == FloodSolver::Godunov {
            out.err(
                fp.f("local_steps"),
                "local_steps belongs to the Inertial solver",
                "remove it, or use solver: Inertial",
            );
        }
        if let Some(c) = f.courant {
            // θ < 1 (the default 0.8) grew at 0.7 in the stability sweep;
            // θ = 1 is Bates et al.'s 0.7.
            let most = match f.solver {
                FloodSolver::Godunov => 0.5,
                FloodSolver::Inertial if f.theta.is_some_and(|t| t >= 1.0) => 0.7,
                FloodSolver::Inertial => 0.6,
            };
            if !(c > 0.0 && c <= most) {
                out.err(
                    fp.f("courant"),
                    format!("courant {c} is outside (0, {most}] for this solver"),
                    "larger steps are unstable; defaults: Inertial 0.5 (0.7 with theta 1), Godunov 0.45",
                );
            }
        }
    }
    if let Some(l) = &s.hazards.landslide {
        let lp = hp.f("landslide");
        polygon(out, lp.f("zone"), &l.zone);
        if !(l.volume_m3 > 0.0) {
            out.err(lp.f("volume_m3"), "slide volume must be positive", "");
        }
        match &l.release {
            Release::At(t) if *t > dur => out.err(lp.f("release"), "release after the drill ends", ""),
            Release::At(_) | Release::Instructor => {}
            Release::Rainfall { hyetograph, alpha, beta } => {
                bounded_series(
                    out,
                    lp.f("release").f("hyetograph"),
                    hyetograph,
                    "hyetograph",
                    dur,
                    MAX_RAIN_MM_H,
                    RAIN_WHY,
                );
                if !(*alpha > 0.0 && beta.is_finite() && *beta >= 0.0) {
                    out.err(
                        lp.f("release").f("alpha"),
                        "the threshold I = alpha·D^(−beta) needs alpha > 0 and beta ≥ 0",
                        "Caine (1980): alpha 14.82, beta 0.39",
                    );
                }
            }
        }
        if !(l.friction > 0.0 && l.friction < 1.5) {
            out.err(lp.f("friction"), "debris friction must be between 0 and 1.5", "0.2–0.3 for saturated debris");
        }
        if !(1..=20_000).contains(&l.bodies) {
            out.err(lp.f("bodies"), "use 1 to 20,000 debris bodies", "about 1,000–5,000");
        } else {
            body_size(out, lp.f("bodies"), l);
        }
        if !(l.destroy_depth_m > 0.0 && l.block_depth_m > 0.0) {
            out.err(lp.f("destroy_depth_m"), "debris depth limits must be positive", "defaults 1.0 m and 0.3 m");
        }
        if let Some(second) = &l.second {
            let sp = lp.f("second");
            polygon(out, sp.f("zone"), &second.zone);
            if !(second.volume_m3 > 0.0 && second.volume_m3 <= 10.0 * l.volume_m3) {
                out.err(
                    sp.f("volume_m3"),
                    "the second failure's volume must be positive and at most ten times the first's",
                    "a back-scarp failure is usually smaller than the first slide",
                );
            }
            if second.after_s == 0 || second.after_s > dur {
                out.err(
                    sp.f("after_s"),
                    "the second failure must come within the drill",
                    "seconds after the first release",
                );
            }
        }
        let mut ids = Ids::default();
        for (k, q) in l.precursors.iter().enumerate() {
            ids.add(out, "precursor", &q.id, lp.f("precursors").i(k).f("id"));
            if !(q.radius_m > 0.0) {
                out.err(lp.f("precursors").i(k).f("radius_m"), "radius must be positive", "");
            }
        }
    }
    if let Some(f) = &s.hazards.fire {
        let fp = hp.f("fire");
        if f.ignition_s > dur {
            out.err(fp.f("ignition_s"), "ignition after the drill ends", "");
        }
        bounded_series(
            out,
            fp.f("wind_speed"),
            &f.wind_speed,
            "wind series",
            dur,
            MAX_WIND_M_S,
            "m/s; the strongest gust on record is 113 m/s",
        );
        let m = &f.moisture;
        let dead_ok = [m.one_h, m.ten_h, m.hundred_h].iter().all(|x| (0.01..=0.6).contains(x));
        let live_ok = [m.live_herb, m.live_woody].iter().all(|x| (0.3..=3.0).contains(x));
        if !(dead_ok && live_ok) {
            out.err(
                fp.f("moisture"),
                "fuel moisture out of range",
                "fractions of dry weight: dead 0.01–0.6 (e.g. one_h: 0.06), live 0.3–3.0 (e.g. live_herb: 0.6)",
            );
        }
    }
}

/// The debris is laid out as `bodies` equal spheres packed without overlap
/// over the source; stacked over many bodies their heap stands about 6/π
/// times the source's mean thickness. A sphere wider than twice that
/// thickness turns a sheet of colluvium into a row of boulders that topple
/// off each other: warn, and say how many bodies keep the diameter within it.
fn body_size(out: &mut Findings, path: Path, l: &LandslideSpec) {
    let area = crate::geom::polygon_area(&l.zone).abs();
    if !(area > 0.0 && l.volume_m3 > 0.0) {
        return;
    }
    let thickness = l.volume_m3 / area;
    let diameter = 2.0 * (3.0 * l.volume_m3 / (4.0 * std::f64::consts::PI * l.bodies as f64)).cbrt();
    if diameter > 2.0 * thickness {
        let least = (l.volume_m3 / (std::f64::consts::PI / 6.0 * (2.0 * thickness).powi(3))).ceil();
        out.warn(
            path,
            format!(
                "{} bodies make spheres {diameter:.1} m across from a source {thickness:.1} m thick: the slide would start as a heap of boulders",
                l.bodies
            ),
            format!("give at least {least:.0} bodies (at most 20,000), or a smaller zone"),
        );
    }
}
