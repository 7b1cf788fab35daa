//! The movement kernel's shared vocabulary: a walker's state and the
//! kernel's parameters, used by both the kernel (`kernel`) and the walker
//! rule (`walker`), so neither imports the other's internals.

/// What a walker is doing.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AgentState {
    /// Not yet walking (at home, pre-movement); not moved, not in the crowd.
    Waiting,
    /// Walking to its goal.
    Moving,
    /// Reached a goal cell; no longer moved nor counted in the crowd.
    Arrived,
    /// No route to its goal from where it stands (or standing on a blocked
    /// cell): stays put, still takes up room, resumes when a route opens.
    NoRoute,
}

/// Model constants.
#[derive(Debug, Clone, Copy)]
pub struct CrowdParams {
    /// Half-width R of the density kernel (m).
    pub sense_radius: f64,
    /// How far ahead of the walker the density kernel is centred (m).
    pub sense_ahead: f64,
    /// Largest push apart per step, as a fraction of the walker's radius.
    pub max_push: f64,
    /// Fraction of the sum of two radii down to which a walker will close
    /// in on someone in its path (people turn their shoulders and squeeze;
    /// 1 = hard discs, which lock in arches at narrow doors).
    pub squeeze: f64,
    /// Further factor on that distance for a walker that cannot move at
    /// all otherwise (pressed people edge past each other; hard discs would
    /// lock for good in an arch at a door).
    pub squeeze_stuck: f64,
    /// Seconds without progress after which a walker starts to squeeze
    /// past others: its `squeeze` shrinks by 0.2 per further second, down
    /// to `squeeze_min` (a lock of several walkers, e.g. counterflow in a
    /// 1 m gap, always comes loose).
    pub patience: f64,
    /// Smallest factor on `squeeze` for a stalled walker.
    pub squeeze_min: f64,
    /// Time gap (s) a walker keeps to the person in its path: its speed is
    /// at most the free distance to them over this time (never less than
    /// the step).
    pub time_gap: f64,
    /// Speed (m/s) people still edge forward at where the crowd is at or
    /// beyond Weidmann's jam density, if they have room in front (a crowd
    /// never freezes for good).
    pub creep_speed: f64,
}

impl Default for CrowdParams {
    /// Calibrated against the verification tests (RiMEA 4 fundamental
    /// diagram within ±6 %, RiMEA 12 door flow 1.8 /(m·s)).
    fn default() -> Self {
        CrowdParams {
            sense_radius: 1.2,
            sense_ahead: 0.6,
            max_push: 0.5,
            squeeze: 0.9,
            squeeze_stuck: 0.8,
            patience: 3.0,
            squeeze_min: 0.4,
            time_gap: 0.5,
            creep_speed: 0.1,
        }
    }
}

/// `v` if finite and within [lo, hi], else `fallback` (clamped).
fn sane(v: f64, lo: f64, hi: f64, fallback: f64) -> f64 {
    if v.is_finite() { v.clamp(lo, hi) } else { fallback }
}

impl CrowdParams {
    /// The parameters with every value brought into a workable range
    /// (non-finite values replaced by the defaults).
    pub fn sanitized(&self) -> Self {
        let d = CrowdParams::default();
        CrowdParams {
            sense_radius: sane(self.sense_radius, 0.3, 5.0, d.sense_radius),
            sense_ahead: sane(self.sense_ahead, 0.0, 5.0, d.sense_ahead),
            max_push: sane(self.max_push, 0.0, 1.0, d.max_push),
            squeeze: sane(self.squeeze, 0.3, 1.0, d.squeeze),
            squeeze_stuck: sane(self.squeeze_stuck, 0.3, 1.0, d.squeeze_stuck),
            patience: sane(self.patience, 0.0, 1e6, d.patience),
            squeeze_min: sane(self.squeeze_min, 0.1, 1.0, d.squeeze_min),
            time_gap: sane(self.time_gap, 0.0, 10.0, d.time_gap),
            creep_speed: sane(self.creep_speed, 0.0, 1.0, d.creep_speed),
        }
    }
}
