//! Roles, the action catalogue, one-page plans, triggers and injects.

use super::common::{Point, Text};
use serde::{Deserialize, Serialize};

/// A township role a trainee (or the software) plays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub id: String,
    pub kind: RoleKind,
    pub name: Text,
    /// Village of a village head or grid worker.
    #[serde(default)]
    pub village: Option<String>,
    /// Force led by a rescue team leader.
    #[serde(default)]
    pub force: Option<String>,
    /// Actions this role may order; the role kind's defaults when absent.
    #[serde(default)]
    pub permissions: Option<Vec<ActionKind>>,
}

/// The roles of a township drill (DOMAIN.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RoleKind {
    /// 总指挥（乡镇党委书记/乡镇长）
    Commander,
    /// 应急办主任
    OfficeDirector,
    /// 村（社区）党组织书记/主任
    VillageHead,
    /// 网格员
    GridWorker,
    /// 救援队长
    RescueLeader,
    /// 灾害信息员
    InfoOfficer,
}

/// The catalogue of orders, without their parameters (used for permissions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ActionKind {
    DeclareResponse,
    IssueWarning,
    CallAndResponse,
    OrderEvacuation,
    OpenShelter,
    CloseShelter,
    Dispatch,
    CloseRoad,
    RequestSupport,
    SendReport,
    Patrol,
    DoorToDoor,
    Acknowledge,
    SendInject,
    TriggerLandslide,
    Ignite,
    BreachDike,
    SetWind,
    Message,
    TakeOver,
    HandBack,
    Note,
}

impl ActionKind {
    /// Every kind, in declaration order.
    pub const ALL: [ActionKind; 22] = [
        ActionKind::DeclareResponse,
        ActionKind::IssueWarning,
        ActionKind::CallAndResponse,
        ActionKind::OrderEvacuation,
        ActionKind::OpenShelter,
        ActionKind::CloseShelter,
        ActionKind::Dispatch,
        ActionKind::CloseRoad,
        ActionKind::RequestSupport,
        ActionKind::SendReport,
        ActionKind::Patrol,
        ActionKind::DoorToDoor,
        ActionKind::Acknowledge,
        ActionKind::SendInject,
        ActionKind::TriggerLandslide,
        ActionKind::Ignite,
        ActionKind::BreachDike,
        ActionKind::SetWind,
        ActionKind::Message,
        ActionKind::TakeOver,
        ActionKind::HandBack,
        ActionKind::Note,
    ];

    /// Orders only the instructor (导调) gives, never a role or a plan.
    pub fn instructor_only(self) -> bool {
        matches!(
            self,
            ActionKind::SendInject
                | ActionKind::TriggerLandslide
                | ActionKind::Ignite
                | ActionKind::BreachDike
                | ActionKind::SetWind
                | ActionKind::Message
                | ActionKind::TakeOver
                | ActionKind::HandBack
                | ActionKind::Note
        )
    }
}

/// An order with its parameters, as written in a plan step (and, later, as a
/// command in the command log).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Action {
    /// Declare the township emergency response level (IV lowest … I highest).
    DeclareResponse {
        level: ResponseLevel,
    },
    /// Issue a warning to villages through channels.
    IssueWarning {
        level: WarningLevel,
        channels: Vec<Channel>,
        villages: Vec<String>,
    },
    /// Call a responsible person, who must confirm receipt (叫应).
    CallAndResponse {
        role: String,
    },
    /// Order a village to evacuate.
    OrderEvacuation {
        village: String,
    },
    OpenShelter {
        shelter: String,
    },
    CloseShelter {
        shelter: String,
    },
    /// Send a force to a place for a task.
    Dispatch {
        force: String,
        to: Place,
        task: Task,
    },
    CloseRoad {
        edge: String,
    },
    /// Ask the county for support.
    RequestSupport {
        what: Text,
    },
    /// Report upward (信息报告): first report or follow-up.
    SendReport {
        kind: ReportKind,
    },
    /// Walk a route of road nodes looking for hazard signs.
    Patrol {
        route: Vec<String>,
    },
    /// Knock on every door of a grid area.
    DoorToDoor {
        area: String,
    },
    /// Confirm receipt of a message: an inject id, or a call's id
    /// (`call:<caller role>:<tick>`) in call-and-response (叫应).
    Acknowledge {
        message: String,
    },
    /// Instructor only: deliver a scenario inject now, whatever its trigger.
    SendInject {
        id: String,
    },
    /// Instructor only: the landslide lets go now.
    TriggerLandslide,
    /// Instructor only: a fire starts at a point now.
    Ignite {
        at: Point,
    },
    /// Instructor only: a dike breaches now, at its scripted breach point
    /// (the middle of the dike when it has none).
    BreachDike {
        dike: String,
    },
    /// Instructor only: the wind changes now (10 m open wind, m/s; the
    /// direction it blows from, degrees clockwise from north).
    SetWind {
        speed_ms: f64,
        from_deg: f64,
    },
    /// Instructor only: a free-text message to a role's inbox.
    Message {
        to: String,
        text: String,
    },
    /// Instructor only: the role's plan follower stops; the instructor (or a
    /// person the instructor seats) gives its orders from now on.
    TakeOver {
        role: String,
    },
    /// Instructor only: the role's plan follower plays it again.
    HandBack {
        role: String,
    },
    /// Instructor only: a note or bookmark at this moment (for the review).
    Note {
        text: String,
    },
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::DeclareResponse { .. } => ActionKind::DeclareResponse,
            Action::IssueWarning { .. } => ActionKind::IssueWarning,
            Action::CallAndResponse { .. } => ActionKind::CallAndResponse,
            Action::OrderEvacuation { .. } => ActionKind::OrderEvacuation,
            Action::OpenShelter { .. } => ActionKind::OpenShelter,
            Action::CloseShelter { .. } => ActionKind::CloseShelter,
            Action::Dispatch { .. } => ActionKind::Dispatch,
            Action::CloseRoad { .. } => ActionKind::CloseRoad,
            Action::RequestSupport { .. } => ActionKind::RequestSupport,
            Action::SendReport { .. } => ActionKind::SendReport,
            Action::Patrol { .. } => ActionKind::Patrol,
            Action::DoorToDoor { .. } => ActionKind::DoorToDoor,
            Action::Acknowledge { .. } => ActionKind::Acknowledge,
            Action::SendInject { .. } => ActionKind::SendInject,
            Action::TriggerLandslide => ActionKind::TriggerLandslide,
            Action::Ignite { .. } => ActionKind::Ignite,
            Action::BreachDike { .. } => ActionKind::BreachDike,
            Action::SetWind { .. } => ActionKind::SetWind,
            Action::Message { .. } => ActionKind::Message,
            Action::TakeOver { .. } => ActionKind::TakeOver,
            Action::HandBack { .. } => ActionKind::HandBack,
            Action::Note { .. } => ActionKind::Note,
        }
    }
}

/// Emergency response levels (应急响应), IV the lowest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ResponseLevel {
    IV,
    III,
    II,
    I,
}

/// Warning colours, blue the lowest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum WarningLevel {
    Blue,
    Yellow,
    Orange,
    Red,
}

/// Warning channels (到户到人).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Channel {
    Broadcast,
    Phone,
    Sms,
    Megaphone,
    Gong,
    DoorToDoor,
}

/// Where a force is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Place {
    Node(String),
    Village(String),
    Household(String),
    Shelter(String),
    Point(Point),
}

/// On-scene tasks of a force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Task {
    Rescue,
    SuppressFire,
    Pump,
    Sandbag,
    ClearRoad,
    /// Fetch the vulnerable (households with someone who cannot leave
    /// alone) of the village, two by two, with the evacuation order.
    EscortVulnerable,
    /// Knock on every door of the village, two by two, with the evacuation
    /// order (and help the vulnerable out where they find them).
    DoorToDoor,
    Standby,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReportKind {
    First,
    FollowUp,
}

/// A role's one-page plan (预案"一页纸"): who does what, when, by when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub role: String,
    pub steps: Vec<PlanStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanStep {
    pub id: String,
    pub trigger: Trigger,
    pub action: Action,
    /// Seconds after the trigger by which the step must be done.
    pub deadline_s: u32,
    #[serde(default)]
    pub note: Option<Text>,
}

/// When a plan step or an inject fires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Trigger {
    /// At a drill time (s).
    At(u32),
    /// When a gauge's reading first rises above a value.
    GaugeAbove { gauge: String, value: f64 },
    /// When an inject reaches the role.
    Inject(String),
    /// When another plan step is done.
    Step(String),
    /// When a warning of at least this level has been received by the township.
    Warning(WarningLevel),
    /// When a patrol has seen a landslide precursor (`hazards.landslide.precursors`).
    Precursor(String),
    /// When a road that debris blocked has been cleared and is open again
    /// (`road_cleared`): e.g. a team's next step once its excavator is through.
    RoadCleared(String),
}

/// A message to roles: county notices, residents' calls, sensor alerts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inject {
    pub id: String,
    /// Role ids that receive it.
    pub to: Vec<String>,
    pub when: Trigger,
    /// Delivery is delayed by a uniform draw in `0..=jitter_s` seconds
    /// (seeded), e.g. a resident's phone call whose moment is uncertain.
    #[serde(default)]
    pub jitter_s: u32,
    /// Who sends it.
    pub from: Text,
    pub message: Text,
    /// Seconds within which a recipient must acknowledge it (the "135"
    /// alarm: 60 s).
    #[serde(default)]
    pub ack_within_s: Option<u32>,
    /// The inject carries an official warning of this level.
    #[serde(default)]
    pub warning: Option<WarningLevel>,
}
