//! People schema: villages, households, shelters, village equipment and the
//! township's rescue forces.

use super::common::{Point, Text};
use serde::{Deserialize, Serialize};

/// A village or community (村/社区).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Village {
    pub id: String,
    pub name: Text,
    pub boundary: Vec<Point>,
    /// Households written one by one.
    #[serde(default)]
    pub households: Vec<Household>,
    /// Rows of houses laid out and peopled deterministically from the block id
    /// (never from the run seed), for villages too large to write by hand.
    #[serde(default)]
    pub household_blocks: Vec<HouseholdBlock>,
    pub shelters: Vec<Shelter>,
    /// Village equipment, "5+X".
    #[serde(default)]
    pub equipment: Vec<Equipment>,
    /// Village emergency broadcast loudspeakers (农村应急广播).
    #[serde(default)]
    pub loudspeakers: Vec<Loudspeaker>,
    /// Grid-worker areas (网格).
    #[serde(default)]
    pub grid_areas: Vec<GridArea>,
}

/// One household at one house.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Household {
    pub id: String,
    pub at: Point,
    pub members: Members,
    /// Members who cannot leave without an assistant (bedridden, disabled).
    #[serde(default)]
    pub vulnerable: u32,
    /// Whether anyone in the household has a mobile phone.
    #[serde(default = "yes")]
    pub phone: bool,
    #[serde(default)]
    pub vehicle: bool,
}

fn yes() -> bool {
    true
}

/// Household members by age group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Members {
    #[serde(default)]
    pub children: u32,
    #[serde(default)]
    pub adults: u32,
    #[serde(default)]
    pub elderly: u32,
}

impl Members {
    /// All members (saturating: validation bounds each household first).
    pub fn total(&self) -> u32 {
        self.children.saturating_add(self.adults).saturating_add(self.elderly)
    }
}

/// A rectangular block of `rows × cols` houses centred on `center`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HouseholdBlock {
    pub id: String,
    pub center: Point,
    pub rows: u32,
    pub cols: u32,
    /// Distance between neighbouring houses (m).
    pub spacing_m: f64,
    /// Rotation of the rows from east, degrees counter-clockwise.
    #[serde(default)]
    pub rotation_deg: f64,
    pub profile: Demography,
}

/// Who lives in a block: shares are fractions of households or people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Demography {
    /// Share of households that are one elderly person living alone.
    pub elderly_alone: f64,
    /// Share of the other households' members who are elderly (65+).
    pub elderly: f64,
    /// Share of the other households' members who are children.
    pub children: f64,
    /// Mean size of the other households (people).
    pub mean_size: f64,
    /// Share of elderly residents who cannot leave unassisted.
    pub vulnerable: f64,
    /// Share of households with a mobile phone.
    pub phone: f64,
    /// Share of households with a vehicle.
    pub vehicle: f64,
}

/// An emergency shelter (应急避难场所).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shelter {
    pub id: String,
    pub name: Text,
    pub at: Point,
    pub capacity: u32,
    /// Whether it is open at the start of the drill (else a village head opens it).
    #[serde(default)]
    pub open: bool,
}

/// A stock of one kind of equipment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Equipment {
    pub kind: EquipmentKind,
    pub count: u32,
    #[serde(default)]
    pub at: Option<Point>,
}

/// Village "5+X" equipment and team equipment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EquipmentKind {
    SatellitePhone,
    Generator,
    DrainagePump,
    MicroFireStation,
    Megaphone,
    Gong,
    Sandbags,
    Boat,
    LifeJackets,
    Chainsaw,
    FireBeater,
    WaterPump,
    Other(String),
}

/// A village broadcast loudspeaker and the radius it is heard in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Loudspeaker {
    pub id: String,
    pub at: Point,
    pub radius_m: f64,
}

/// A grid-worker's area (网格).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GridArea {
    pub id: String,
    /// Role id of the grid worker responsible for it.
    pub worker: String,
    pub boundary: Vec<Point>,
    /// The name trainees see when it is gone through door to door; "grid
    /// area <id>" when absent.
    #[serde(default)]
    pub name: Option<Text>,
}

/// A rescue force: the township team, village teams, fire teams, volunteers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Force {
    pub id: String,
    pub name: Text,
    pub kind: ForceKind,
    pub members: u32,
    /// Road node the force turns out from.
    pub base: String,
    /// Village a village team belongs to.
    #[serde(default)]
    pub village: Option<String>,
    /// Seconds from dispatch order to rolling out.
    #[serde(default = "default_turnout")]
    pub turnout_s: u32,
    #[serde(default)]
    pub vehicles: Vec<Vehicle>,
    #[serde(default)]
    pub equipment: Vec<Equipment>,
    /// The tasks the force is equipped and trained for (a volunteer team's
    /// category); any task when absent. A dispatch for another task is
    /// refused, and the team leader's console offers only these.
    #[serde(default)]
    pub tasks: Option<Vec<super::plans::Task>>,
}

impl Force {
    /// Whether the force can be sent to do `task`.
    pub fn can(&self, task: super::plans::Task) -> bool {
        self.tasks.as_ref().is_none_or(|t| t.contains(&task))
    }
}

fn default_turnout() -> u32 {
    180
}

/// Kinds of rescue force in a township.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ForceKind {
    /// 乡镇综合性应急救援队伍
    TownshipRescue,
    /// 村级应急救援小分队 / 党员应急突击队
    VillageTeam,
    /// 政府专职消防队
    FireTeam,
    /// 微型消防站
    MicroFireStation,
    /// 社会应急力量
    Volunteer,
    /// 县消防救援大队 (usually off-map)
    CountyBrigade,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vehicle {
    pub id: String,
    pub kind: VehicleKind,
    pub seats: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VehicleKind {
    Truck,
    Pickup,
    Van,
    FireEngine,
    Boat,
    Excavator,
    Ambulance,
}
