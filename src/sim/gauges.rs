//! Gauges: named observation points and lines sampled at their interval
//! (and at t = 0) into time series for the report; a crossing line also
//! records its counts each way, net and per interval. Each tick every gauge's
//! current reading is also kept for triggers (`GaugeAbove`). Readings come
//! from the exposure fields, never from a model's own state.
//!
//! Owns: `Gauges`. May not touch: any model's state.

use super::exposure::Exposure;
use super::tick::{Drill, Observe, SimClock, SimTick};
use crate::scenario::schema::GaugeKind;
use bevy::prelude::*;
use serde::{Deserialize, Serialize};

/// One gauge's series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GaugeSeries {
    pub id: String,
    pub unit: String,
    pub every_s: u32,
    /// `(drill seconds, reading)`.
    pub samples: Vec<(u64, f64)>,
    /// A crossing line's counts at the same times: each way, net and in
    /// the interval ending at the sample (empty for other gauges).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub crossings: Vec<CrossingSample>,
}

/// A crossing line's counts at one sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrossingSample {
    pub t: u64,
    /// Cumulative crossings from the line's right to its left (looking
    /// from `from` to `to`), and the other way.
    pub forward: u64,
    pub backward: u64,
    /// `forward − backward`.
    pub net: i64,
    /// Crossings either way since the previous sample.
    pub in_interval: u64,
}

/// People who crossed each `PeopleCrossing` gauge's line (gauge order; 0 for
/// other gauges): `forward` from the line's right to its left (looking from
/// `from` to `to`), `backward` the other way. Counted by the crowd as
/// residents move; read here.
#[derive(Resource, Debug, Clone, Default, PartialEq, Eq)]
pub struct Crossings {
    pub forward: Vec<u64>,
    pub backward: Vec<u64>,
}

/// All gauges: current readings and recorded series, in scenario order.
#[derive(Resource, Debug, Clone, Default)]
pub struct Gauges {
    pub current: Vec<f64>,
    pub series: Vec<GaugeSeries>,
}

impl Gauges {
    /// Current reading of a gauge by id.
    pub fn reading(&self, id: &str) -> Option<f64> {
        self.series.iter().position(|g| g.id == id).map(|k| self.current[k])
    }
}

pub struct GaugePlugin;

impl Plugin for GaugePlugin {
    fn build(&self, app: &mut App) {
        let n = app.world().get_resource::<Drill>().map_or(0, |d| d.scenario.gauges.len());
        crate::sim::snapshot::register::<Gauges>(app);
        crate::sim::snapshot::register::<Crossings>(app);
        app.init_resource::<Gauges>()
            .insert_resource(Crossings { forward: vec![0; n], backward: vec![0; n] })
            .add_systems(SimTick, sample.in_set(Observe::Gauges));
    }
}

/// A gauge's reading from the exposure fields (and, for a crossing line, the
/// crowd's count of people across it, both ways); absent hazards read 0 (a
/// water level without a flood reads the ground).
fn read(k: usize, kind: &GaugeKind, drill: &Drill, x: &Exposure, c: &Crossings) -> f64 {
    if let GaugeKind::PeopleCrossing { .. } = kind {
        return (c.forward.get(k).copied().unwrap_or(0) + c.backward.get(k).copied().unwrap_or(0)) as f64;
    }
    let t = &drill.terrain;
    let Some(k) = kind.at().and_then(|at| t.cell_of(at)) else { return 0.0 };
    match kind {
        GaugeKind::WaterDepth { .. } => x.depth(k),
        GaugeKind::WaterLevel { .. } => x.water.as_ref().map_or(t.elevation[k], |w| w.level(k)),
        GaugeKind::DebrisDepth { .. } => x.debris.as_ref().map_or(0.0, |d| d.depth[k]),
        GaugeKind::FireArrival { .. } => x.fire.as_ref().map_or(0.0, |f| if f.reached[k] { 1.0 } else { 0.0 }),
        GaugeKind::PeopleCrossing { .. } => 0.0,
    }
}

pub fn sample(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    exposure: Res<Exposure>,
    crossings: Res<Crossings>,
    mut gauges: ResMut<Gauges>,
) {
    let gauges = &mut *gauges;
    if gauges.series.is_empty() && !drill.scenario.gauges.is_empty() {
        gauges.series = drill
            .scenario
            .gauges
            .iter()
            .map(|g| GaugeSeries {
                id: g.id.clone(),
                unit: g.kind.unit().to_owned(),
                every_s: g.every_s,
                samples: Vec::new(),
                crossings: Vec::new(),
            })
            .collect();
        gauges.current = vec![0.0; gauges.series.len()];
    }
    let now = clock.now_s();
    for (k, g) in drill.scenario.gauges.iter().enumerate() {
        let v = read(k, &g.kind, &drill, &exposure, &crossings);
        gauges.current[k] = v;
        if now.is_multiple_of(g.every_s.max(1) as u64) || clock.tick == clock.end_tick {
            let series = &mut gauges.series[k];
            if series.samples.last().is_none_or(|(t, _)| *t != now) {
                series.samples.push((now, v));
                if let GaugeKind::PeopleCrossing { .. } = g.kind {
                    let (f, b) = (crossings.forward[k], crossings.backward[k]);
                    let before = series.crossings.last().map_or(0, |c| c.forward + c.backward);
                    let c = CrossingSample {
                        t: now,
                        forward: f,
                        backward: b,
                        net: f as i64 - b as i64,
                        in_interval: f + b - before,
                    };
                    series.crossings.push(c);
                }
            }
        }
    }
}
