//! Views for faces: a read-only snapshot of what a face may draw, refreshed
//! at the end of every tick while a face has asked for it (by inserting
//! `SimView`). The core fills the clock, the hazard fields (from the
//! exposure), the roads and the gauges; the crowd fills houses, residents
//! and shelters, the responders their forces, each from its own state. A
//! face reads `SimView` and never the models.
//!
//! Owns: the view types and the core's part of the filling. May not touch:
//! any model's state.

use super::exposure::Exposure;
use super::gauges::Gauges;
use super::ids::{ForceId, GaugeId, HouseholdId, RoadId, ShelterId};
use super::orders::Township;
use super::roads::RoadGraph;
use super::tick::{Drill, SimClock, SimSet, SimTick};
use crate::scenario::schema::{Point, Task};
use bevy::prelude::*;

/// What a house looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum HouseState {
    Normal,
    Warned,
    /// Everyone able to leave has left.
    Left,
    /// Water above the doorstep.
    Flooded,
    /// Debris or fire has reached it.
    Struck,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HouseView {
    pub household: HouseholdId,
    pub at: Point,
    pub state: HouseState,
}

/// What a resident looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PersonState {
    Unaware,
    Warned,
    Moving,
    Safe,
    Harmed,
}

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PersonView {
    pub at: Point,
    pub state: PersonState,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ShelterView {
    pub shelter: ShelterId,
    pub at: Point,
    pub capacity: u32,
    pub occupants: u32,
    pub open: bool,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ForceView {
    pub force: ForceId,
    /// Where it stands or last stood (the road node; on scene, its place).
    pub at: Point,
    pub task: Option<Task>,
    pub on_scene: bool,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RoadView {
    pub road: RoadId,
    /// Closed to the public by order.
    pub closed: bool,
    pub flooded: bool,
    /// Cut by debris.
    pub cut: bool,
}

/// The whole picture at the end of a tick.
#[derive(Resource, Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SimView {
    pub tick: u64,
    pub t_s: u64,
    pub finished: bool,
    /// Per terrain cell, when the drill has the hazard.
    pub water_depth: Option<Vec<f32>>,
    pub debris_depth: Option<Vec<f32>>,
    pub fire_reached: Option<Vec<bool>>,
    pub smoke_walk: Option<Vec<f32>>,
    /// Debris bodies: position (m, east, north, up) and speed (m/s).
    pub debris_bodies: Vec<([f32; 3], f32)>,
    pub houses: Vec<HouseView>,
    pub residents: Vec<PersonView>,
    pub shelters: Vec<ShelterView>,
    pub forces: Vec<ForceView>,
    pub roads: Vec<RoadView>,
    pub gauges: Vec<(GaugeId, f64)>,
    pub response: Option<crate::scenario::schema::ResponseLevel>,
    /// Roles the instructor has taken over from their plan followers.
    pub taken_over: Vec<super::ids::RoleId>,
}

/// The sets the view's fillers run in, chained inside `SimSet::Record`:
/// the core's part, then the hazards', the people's and the forces'.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub enum FillView {
    Core,
    Hazards,
    People,
    Forces,
}

/// Keeps `SimView` filled; a face adds it (the headless runner does not).
pub struct ViewPlugin;

impl Plugin for ViewPlugin {
    fn build(&self, app: &mut App) {
        crate::sim::snapshot::register::<SimView>(app);
        app.init_resource::<SimView>().add_systems(SimTick, fill_core.in_set(FillView::Core));
    }
}

/// Configures `FillView` (called by `SimPlugin`): after the log is flushed,
/// only while a face wants the view.
pub fn configure(app: &mut App) {
    app.configure_sets(
        SimTick,
        (FillView::Core, FillView::Hazards, FillView::People, FillView::Forces)
            .chain()
            .after(super::tick::record)
            .in_set(SimSet::Record)
            .run_if(resource_exists::<SimView>),
    );
}

fn fill_core(
    clock: Res<SimClock>,
    drill: Res<Drill>,
    exposure: Res<Exposure>,
    gauges: Res<Gauges>,
    roads: Res<RoadGraph>,
    town: Res<Township>,
    mut view: ResMut<SimView>,
) {
    let v = &mut *view;
    v.tick = clock.tick;
    v.t_s = clock.now_s();
    v.finished = clock.finished;
    v.water_depth = exposure.water.as_ref().map(|w| w.depth.iter().map(|&d| d as f32).collect());
    v.debris_depth = exposure.debris.as_ref().map(|d| d.depth.iter().map(|&x| x as f32).collect());
    v.fire_reached = exposure.fire.as_ref().map(|f| f.reached.clone());
    v.smoke_walk = exposure.fire.as_ref().map(|f| f.smoke_walk.clone());
    v.roads = roads
        .edges
        .iter()
        .enumerate()
        .map(|(k, e)| RoadView {
            road: RoadId(e.id.clone()),
            closed: roads.blocked[k],
            flooded: roads.flooded[k],
            cut: roads.hazard[k],
        })
        .collect();
    v.gauges =
        drill.scenario.gauges.iter().map(|g| GaugeId(g.id.clone())).zip(gauges.current.iter().copied()).collect();
    v.response = town.response.map(|(l, _)| l);
    v.taken_over = town.taken_over.iter().cloned().collect();
}
