//! Gauges: named observation points and lines sampled at their interval
//! (and at t = 0) into time series for the report. Each tick every gauge's
//! current reading is also kept for triggers (`GaugeAbove`).

use super::fire::Fire;
use super::flood::Flood;
use super::landslide::Landslide;
use super::{Drill, SimClock, SimSet};
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
        app.init_resource::<Gauges>().add_systems(FixedUpdate, sample.in_set(SimSet::Detect));
    }
}

/// The hazard models a gauge can read; absent models read 0.
pub struct Models<'a> {
    pub flood: Option<&'a Flood>,
    pub landslide: Option<&'a Landslide>,
    pub fire: Option<&'a Fire>,
}

/// What the hazard and people models expose to gauges.
fn read(kind: &GaugeKind, drill: &Drill, m: &Models) -> f64 {
    let t = &drill.terrain;
    match (kind, m.flood) {
        (GaugeKind::WaterDepth { at }, Some(f)) => f.depth_at(t, *at),
        (GaugeKind::WaterLevel { at }, Some(f)) => t.cell_of(*at).map_or(0.0, |k| f.water.z[k] + f.water.h[k]),
        (GaugeKind::WaterLevel { at }, None) => t.cell_of(*at).map_or(0.0, |k| t.elevation[k]),
        (GaugeKind::DebrisDepth { at }, _) => m.landslide.map_or(0.0, |l| l.depth_at(drill, *at)),
        (GaugeKind::FireArrival { at }, _) => m.fire.map_or(0.0, |f| if f.reached(drill, *at) { 1.0 } else { 0.0 }),
        (GaugeKind::WaterDepth { .. }, None) | (GaugeKind::PeopleCrossing { .. }, _) => 0.0,
    }
}

pub fn sample(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    flood: Option<Res<Flood>>,
    landslide: Option<Res<Landslide>>,
    fire: Option<Res<Fire>>,
    mut gauges: ResMut<Gauges>,
) {
    let models = Models { flood: flood.as_deref(), landslide: landslide.as_deref(), fire: fire.as_deref() };
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
            })
            .collect();
        gauges.current = vec![0.0; gauges.series.len()];
    }
    let now = clock.now_s();
    for (k, g) in drill.scenario.gauges.iter().enumerate() {
        let v = read(&g.kind, &drill, &models);
        gauges.current[k] = v;
        if now.is_multiple_of(g.every_s.max(1) as u64) || clock.tick == clock.end_tick {
            let s = &mut gauges.series[k].samples;
            if s.last().is_none_or(|(t, _)| *t != now) {
                s.push((now, v));
            }
        }
    }
}
