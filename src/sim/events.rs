//! The event log: what happened, tick by tick, as typed `SimEvent`s. One
//! JSON object per line after a versioned header line; each line is
//! `{tick, t, kind, …fields}` with `kind` the variant's snake-case name, so
//! the log stays readable while every reader (scoring, replay, summaries,
//! faces) matches on variants, never on strings. Written append-only,
//! flushed at the end of every tick that logged something, and hashed as it
//! is written so the report can carry `event_log_sha256`.
//!
//! Owns the event catalogue and the log; may not look at any model's state.

use super::ids::*;
use super::orders::{Competence, Source};
use crate::scenario::schema::{Action, Channel, Growth, HazardKind, Place, Point, PrecursorKind, Task, WarningLevel};
use bevy::prelude::Resource;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Write;

/// Version of the event-log format. 2: typed events (`kind` + fields at the
/// top level of each line, no `subject`/`data`).
pub const EVENT_LOG_VERSION: u32 = 2;

/// How a dike breach started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreachCause {
    Scripted,
    Overtopping,
    /// The instructor ordered it (`BreachDike`).
    Instructor,
}

/// What a flooded road still lets through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoadWater {
    Open,
    ClosedToVehicles,
    ClosedOnFoot,
}

/// Why a hazard started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HazardCause {
    Scripted,
    RainfallThreshold,
    Instructor,
    /// A slope's second failure after its first release.
    SecondFailure,
}

/// How a household left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TravelMode {
    Car,
    Foot,
}

/// What happened to a resident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HarmOutcome {
    Trapped,
    Injured,
    Dead,
}

/// What harmed a resident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HarmCause {
    Flood,
    Landslide,
    Fire,
    Smoke,
}

/// Everything the simulation, the roles and the drill log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SimEvent {
    // The drill.
    DrillStarted {
        scenario: String,
        duration_s: u64,
        tick_s: u32,
        households: usize,
        residents: u64,
    },
    DrillEnded {
        ticks: u64,
    },
    // Injects and warnings.
    InjectDelivered {
        inject: InjectId,
        to: Vec<RoleId>,
        from: String,
        message: String,
        ack_within_s: Option<u32>,
        warning: Option<WarningLevel>,
    },
    WarningReceived {
        inject: InjectId,
        level: WarningLevel,
    },
    // Orders.
    OrderGiven {
        role: RoleId,
        source: Source,
        action: Action,
    },
    OrderRefused {
        role: RoleId,
        source: Source,
        action: Action,
        reason: String,
    },
    CallMade {
        call: MessageId,
        from: RoleId,
        to: RoleId,
    },
    MessageAcknowledged {
        role: RoleId,
        message: MessageId,
        after_s: u64,
        within_s: Option<u32>,
    },
    // Plans.
    PlanStepTriggered {
        step: StepId,
        role: RoleId,
        deadline_s: u32,
    },
    PlanStepDone {
        step: StepId,
        role: RoleId,
        after_s: u64,
        deadline_s: u32,
        on_time: bool,
    },
    PlanStepOverdue {
        step: StepId,
        role: RoleId,
        deadline_s: u32,
    },
    // Responders.
    ForceDispatched {
        force: ForceId,
        task: Task,
        to: Place,
    },
    ForceTurnedOut {
        force: ForceId,
        after_s: u64,
    },
    ForceEnRoute {
        force: ForceId,
        travel_s: f64,
        edges: usize,
    },
    ForceCutOff {
        force: ForceId,
    },
    ForceRerouted {
        force: ForceId,
        at: NodeId,
        cut: RoadId,
    },
    ForceOnScene {
        force: ForceId,
        after_s: u64,
        task: Task,
    },
    /// The crew at work is in danger: in water past its limit (wading: the
    /// FD2321 hazard rating; a boat: the current), beside moving debris, or
    /// beside fire. Logged once each time it comes into danger.
    CrewEndangered {
        force: ForceId,
        hazard: HazardKind,
        /// The hazard rating, current (m/s) or distance (m) that put it there.
        value: f64,
        limit: f64,
    },
    // Flood.
    DikeBreached {
        dike: DikeId,
        cause: BreachCause,
    },
    WaterReached {
        household: HouseholdId,
        depth_m: f64,
        residents: u32,
        vulnerable: u32,
    },
    GaugeWaterReached {
        gauge: GaugeId,
        depth_m: f64,
    },
    HazardReachedHome {
        household: HouseholdId,
        hazard: HazardKind,
        residents: u32,
        vulnerable: u32,
        /// Flood: FD2321 hazard rating and depth at the house.
        hazard_rating: Option<f64>,
        depth_m: Option<f64>,
        /// Landslide: fastest debris that crossed the house (m/s).
        speed_m_s: Option<f64>,
    },
    RoadFlooded {
        road: RoadId,
        state: RoadWater,
        depth_m: f64,
    },
    /// A hazard's solver needed more than `substeps` steps in a tick (its
    /// last stable step was `step_s`): the drill stops here.
    ModelStalled {
        hazard: HazardKind,
        substeps: u64,
        step_s: f64,
    },
    PumpingStarted {
        force: ForceId,
        pumps: u32,
    },
    DikeRaised {
        dike: DikeId,
        by: ForceId,
        length_m: f64,
        height_m: f64,
    },
    // Landslide.
    PrecursorVisible {
        precursor: PrecursorId,
        precursor_kind: PrecursorKind,
        release_in_s: Option<u64>,
    },
    PrecursorObserved {
        precursor: PrecursorId,
        by: RoleId,
        precursor_kind: PrecursorKind,
        release_in_s: Option<u64>,
    },
    LandslideReleased {
        cause: HazardCause,
        volume_m3: f64,
        bodies: usize,
    },
    LandslideSettled {
        after_s: f64,
        travel_m: f64,
        drop_m: f64,
        deposit_area_m2: f64,
        max_depth_m: f64,
    },
    RiverDammed {
        river_cells: usize,
        max_depth_m: f64,
    },
    HouseDestroyed {
        household: HouseholdId,
        hazard: HazardKind,
        depth_m: f64,
        speed_m_s: f64,
    },
    RoadBlocked {
        road: RoadId,
        hazard: HazardKind,
        depth_m: f64,
    },
    RoadCleared {
        road: RoadId,
        by: ForceId,
        volume_m3: f64,
    },
    // Fire.
    FireIgnited {
        at: Point,
        cause: HazardCause,
    },
    SpotFire {
        from: Point,
        to: Point,
    },
    FireStatus {
        burning_cells: usize,
        burnt_area_ha: f64,
        head_ros_m_min: f64,
        max_flame_m: f64,
        wind_m_s: f64,
        /// Visibility in the thickest smoke (m); `None` without smoke.
        thickest_smoke_visibility_m: Option<f64>,
        /// Box around the burning cells `[x0, y0, x1, y1]` (m).
        front_box_m: Option<[f64; 4]>,
    },
    FireSuppressed {
        force: ForceId,
        cells: usize,
        engine: bool,
    },
    HouseBurning {
        household: HouseholdId,
        growth: Growth,
    },
    FireReached {
        gauge: GaugeId,
    },
    // Residents.
    HouseholdAtRisk {
        household: HouseholdId,
        zone: ZoneId,
        hazard: HazardKind,
        residents: u32,
        vulnerable: u32,
    },
    HouseholdWarned {
        household: HouseholdId,
        channel: Channel,
        order: bool,
    },
    HouseholdRefused {
        household: HouseholdId,
        visit: u8,
        back_in_s: u64,
    },
    HouseholdDeparted {
        household: HouseholdId,
        walking: usize,
        by: TravelMode,
    },
    CarStalled {
        household: HouseholdId,
        at: Point,
    },
    ResidentSafe {
        resident: ResidentId,
        household: HouseholdId,
        shelter: ShelterId,
        vulnerable: bool,
    },
    ResidentHarmed {
        resident: ResidentId,
        household: HouseholdId,
        outcome: HarmOutcome,
        cause: HarmCause,
        vulnerable: bool,
        /// Flood: water depth where it happened (m).
        depth_m: Option<f64>,
        /// Landslide: debris speed (m/s).
        speed_m_s: Option<f64>,
        /// Smoke: CO concentration (ppm).
        co_ppm: Option<f64>,
    },
    /// The hazard reached a home with people still in it (water above the
    /// walking limit, debris over the house, the house alight): logged once
    /// per household, with who was there.
    HouseholdExposed {
        household: HouseholdId,
        hazard: HazardKind,
        at_home: u32,
        vulnerable_at_home: u32,
    },
    ResidentRescued {
        resident: ResidentId,
        household: HouseholdId,
        by: ForceId,
        vulnerable: bool,
    },
    ShelterFull {
        shelter: ShelterId,
        turned_away: u32,
    },
    /// Arrivals turned away from a shelter closed by order.
    ShelterClosed {
        shelter: ShelterId,
        turned_away: u32,
    },
}

impl SimEvent {
    /// The variant's name as written in the log's `kind`.
    pub fn kind(&self) -> &'static str {
        // Serialising a variant costs far more than this match would, but the
        // name must come from one place: the serde attributes above.
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(m)) => match m.get("kind").and_then(|k| k.as_str()) {
                Some(k) => KINDS.iter().copied().find(|&x| x == k).unwrap_or("unknown"),
                None => "unknown",
            },
            _ => "unknown",
        }
    }

    /// The household the event is about, if any.
    pub fn household(&self) -> Option<&HouseholdId> {
        use SimEvent::*;
        match self {
            WaterReached { household, .. }
            | HazardReachedHome { household, .. }
            | HouseDestroyed { household, .. }
            | HouseBurning { household, .. }
            | HouseholdAtRisk { household, .. }
            | HouseholdWarned { household, .. }
            | HouseholdRefused { household, .. }
            | HouseholdDeparted { household, .. }
            | CarStalled { household, .. }
            | ResidentSafe { household, .. }
            | ResidentHarmed { household, .. }
            | HouseholdExposed { household, .. }
            | ResidentRescued { household, .. } => Some(household),
            _ => None,
        }
    }
}

/// Every `kind` the log may hold, in catalogue order.
pub const KINDS: &[&str] = &[
    "drill_started",
    "drill_ended",
    "inject_delivered",
    "warning_received",
    "order_given",
    "order_refused",
    "call_made",
    "message_acknowledged",
    "plan_step_triggered",
    "plan_step_done",
    "plan_step_overdue",
    "force_dispatched",
    "force_turned_out",
    "force_en_route",
    "force_cut_off",
    "force_rerouted",
    "force_on_scene",
    "crew_endangered",
    "dike_breached",
    "water_reached",
    "gauge_water_reached",
    "hazard_reached_home",
    "road_flooded",
    "model_stalled",
    "pumping_started",
    "dike_raised",
    "precursor_visible",
    "precursor_observed",
    "landslide_released",
    "landslide_settled",
    "river_dammed",
    "house_destroyed",
    "road_blocked",
    "road_cleared",
    "fire_ignited",
    "spot_fire",
    "fire_status",
    "fire_suppressed",
    "house_burning",
    "fire_reached",
    "household_at_risk",
    "household_warned",
    "household_refused",
    "household_departed",
    "car_stalled",
    "resident_safe",
    "resident_harmed",
    "household_exposed",
    "resident_rescued",
    "shelter_full",
    "shelter_closed",
];

/// One logged event: when, and what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Tick at which it happened.
    pub tick: u64,
    /// Drill seconds at that tick.
    pub t: u64,
    #[serde(flatten)]
    pub event: SimEvent,
}

/// The header line of a log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogHeader {
    pub firstline_event_log: u32,
    pub build: String,
    pub scenario: String,
    pub scenario_sha256: String,
    pub seed: u64,
    /// The roles the software played by their plans, and how well: a
    /// replay plays them again and takes only the other seats' orders
    /// from the log.
    pub plan_followers: Vec<RoleId>,
    pub competence: Competence,
    /// A "what if" run: the run it branched from (its log's SHA-256) and
    /// the tick it took over at. Absent for a run of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<BranchOf>,
}

/// Where a branch run comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BranchOf {
    pub parent_log_sha256: String,
    pub at_tick: u64,
    /// The role a person took over at that tick.
    pub role: RoleId,
}

/// A writer the log mirrors its lines to (a file, a pipe, a journal).
pub type Sink = Box<dyn Write + Send + Sync>;

/// The run's event log: kept in memory for scoring, mirrored to a sink.
#[derive(Resource)]
pub struct EventLog {
    events: Vec<Event>,
    sink: Option<Sink>,
    hasher: Sha256,
    bytes: u64,
    unflushed: bool,
    error: Option<String>,
}

impl EventLog {
    /// A log whose lines also go to `sink` (a file, or nothing).
    pub fn new(header: &LogHeader, sink: Option<Sink>) -> Self {
        let mut log =
            EventLog { events: Vec::new(), sink, hasher: Sha256::new(), bytes: 0, unflushed: false, error: None };
        let line = serde_json::to_string(header).unwrap_or_default();
        log.write_line(&line);
        log.flush();
        log
    }

    fn write_line(&mut self, line: &str) {
        self.hasher.update(line.as_bytes());
        self.hasher.update(b"\n");
        self.bytes += line.len() as u64 + 1;
        if let Some(sink) = &mut self.sink
            && self.error.is_none()
            && let Err(e) = writeln!(sink, "{line}")
        {
            self.error = Some(e.to_string());
        }
        self.unflushed = true;
    }

    /// Appends an event at `tick`.
    pub fn push(&mut self, tick: u64, tick_s: u32, event: SimEvent) {
        let ev = Event { tick, t: tick * tick_s as u64, event };
        let line = serde_json::to_string(&ev).unwrap_or_default();
        self.write_line(&line);
        self.events.push(ev);
    }

    /// Flushes the sink if anything was written since the last flush.
    pub fn flush(&mut self) {
        if self.unflushed {
            if let Some(sink) = &mut self.sink
                && self.error.is_none()
                && let Err(e) = sink.flush()
            {
                self.error = Some(e.to_string());
            }
            self.unflushed = false;
        }
    }

    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Hex SHA-256 of every byte written so far (header included).
    pub fn sha256(&self) -> String {
        self.hasher.clone().finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The first write error, if the sink failed.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Takes the sink out (to close and rename the file).
    pub fn take_sink(&mut self) -> Option<Sink> {
        self.flush();
        self.sink.take()
    }

    /// Whether the log mirrors its lines to a sink.
    pub fn has_sink(&self) -> bool {
        self.sink.is_some()
    }

    /// The log as it stands, without its sink (for snapshots).
    pub fn copy_without_sink(&self) -> EventLog {
        EventLog {
            events: self.events.clone(),
            sink: None,
            hasher: self.hasher.clone(),
            bytes: self.bytes,
            unflushed: false,
            error: self.error.clone(),
        }
    }
}

/// The residents killed in a run (each once, in id order).
pub fn dead(events: &[Event]) -> Vec<ResidentId> {
    let mut dead: Vec<_> = events
        .iter()
        .filter_map(|e| match e.event {
            SimEvent::ResidentHarmed { resident, outcome: HarmOutcome::Dead, .. } => Some(resident),
            _ => None,
        })
        .collect();
    dead.sort_unstable();
    dead.dedup();
    dead
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_reads_back_as_the_same_event_and_names_its_kind() {
        let ev = Event {
            tick: 3,
            t: 3,
            event: SimEvent::ResidentHarmed {
                resident: ResidentId(7),
                household: "h1".into(),
                outcome: HarmOutcome::Dead,
                cause: HarmCause::Flood,
                vulnerable: true,
                depth_m: Some(2.1),
                speed_m_s: None,
                co_ppm: None,
            },
        };
        let line = serde_json::to_string(&ev).unwrap();
        assert!(
            line.starts_with(r#"{"tick":3,"t":3,"kind":"resident_harmed","resident":7,"household":"h1""#),
            "{line}"
        );
        assert_eq!(serde_json::from_str::<Event>(&line).unwrap(), ev);
        assert_eq!(ev.event.kind(), "resident_harmed");
    }

    #[test]
    fn a_version_1_line_is_not_an_event() {
        let old = r#"{"tick":0,"t":0,"kind":"drill_ended","subject":"drill","data":{"ticks":0}}"#;
        // The old shape names a known kind but lacks its fields.
        assert!(serde_json::from_str::<Event>(old).is_err());
    }
}
