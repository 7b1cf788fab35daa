//! Whether each `GaugeAbove` trigger can ever fire: its threshold against
//! what the terrain and the hazard can reach at the gauge (a water level
//! above the highest ground of the map, a depth deeper than the ground is
//! below it, a fire gauge above 1, a crossing count above the number of
//! residents) or is already passed at the start. Warnings, not errors: an
//! author may mean it, but usually an inject that never fires is a typo.
//!
//! Owns: `check_thresholds`. May not touch: anything but the scenario and
//! its terrain.

use super::findings::Findings;
use crate::scenario::locate::Path;
use crate::scenario::schema::{GaugeKind, Scenario, Trigger};
use crate::scenario::terrain::TerrainGrid;

/// Why a threshold can never be crossed, or is crossed from the start.
fn unreachable(kind: &GaugeKind, value: f64, t: &TerrainGrid, residents: u64) -> Option<String> {
    let top = t.elevation.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let ground = kind.at().and_then(|p| t.cell_of(p)).map(|k| t.elevation[k]);
    match (kind, ground) {
        (GaugeKind::WaterLevel { .. }, Some(g)) if value < g => {
            Some(format!("the gauge reads the ground ({g:.2} m) before any water comes, so it fires at once"))
        }
        (GaugeKind::WaterLevel { .. }, Some(_)) if value > top => {
            Some(format!("a water level of {value} m is above the highest ground of the map ({top:.2} m)"))
        }
        (GaugeKind::WaterDepth { .. } | GaugeKind::DebrisDepth { .. }, Some(g)) if value > top - g => Some(format!(
            "{value} m deep at the gauge would put the surface at {:.2} m, above the highest ground of the map ({top:.2} m)",
            g + value
        )),
        (GaugeKind::WaterDepth { .. } | GaugeKind::DebrisDepth { .. }, _) if value < 0.0 => {
            Some("a depth below 0 m is passed at the start".to_owned())
        }
        (GaugeKind::FireArrival { .. }, _) if !(0.0..1.0).contains(&value) => {
            Some("a fire-arrival gauge reads 0 or 1: use a threshold between 0 and 1, e.g. 0.5".to_owned())
        }
        (GaugeKind::PeopleCrossing { .. }, _) if value >= 2.0 * residents as f64 => {
            Some(format!("{value} crossings is more than the drill's {residents} residents crossing there and back"))
        }
        _ => None,
    }
}

/// Warns about every `GaugeAbove` trigger (plan steps and injects) whose
/// threshold cannot be reached.
pub(crate) fn check_thresholds(s: &Scenario, t: &TerrainGrid, residents: u64, out: &mut Findings) {
    let mut one = |trigger: &Trigger, p: Path| {
        let Trigger::GaugeAbove { gauge, value } = trigger else { return };
        let Some(g) = s.gauges.iter().find(|g| &g.id == gauge) else { return };
        if let Some(why) = unreachable(&g.kind, *value, t, residents) {
            out.warn(
                p.f("value"),
                format!("gauge `{gauge}` above {value}: {why}"),
                "check the threshold against `firstline inspect --at X,Y`, which prints the ground elevation at the gauge",
            );
        }
    };
    for (pk, plan) in s.plans.iter().enumerate() {
        for (k, st) in plan.steps.iter().enumerate() {
            one(&st.trigger, Path::root().f("plans").i(pk).f("steps").i(k).f("trigger"));
        }
    }
    for (k, i) in s.injects.iter().enumerate() {
        one(&i.when, Path::root().f("injects").i(k).f("when"));
    }
}
