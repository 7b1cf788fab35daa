//! Typed ids: the names by which events, orders and views refer to the
//! scenario's things. Each wraps the scenario's own id (or, for residents, an
//! index), so a household can never be looked up where a force was meant.
//! Serialised as the bare id, so the event log stays readable.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! string_id {
    ($($(#[$m:meta])* $name:ident),* $(,)?) => {$(
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_owned())
            }
        }

        impl From<&String> for $name {
            fn from(s: &String) -> Self {
                $name(s.clone())
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    )*};
}

string_id!(
    /// A household (`Household.id`, or the generated id of a block's house).
    HouseholdId,
    /// A role (`Role.id`).
    RoleId,
    /// A force (`Force.id`).
    ForceId,
    /// A shelter (`Shelter.id`).
    ShelterId,
    /// A road edge (`RoadEdge.id`).
    RoadId,
    /// A road node (`RoadNode.id`).
    NodeId,
    /// A dike of the flood slot.
    DikeId,
    /// A gauge (`Gauge.id`).
    GaugeId,
    /// An inject (`Inject.id`).
    InjectId,
    /// A plan step (`PlanStep.id`).
    StepId,
    /// A landslide precursor.
    PrecursorId,
    /// A danger zone of the residents' slot.
    ZoneId,
    /// A message in an inbox: an inject id, or `call:<caller>:<tick>`.
    MessageId,
);

/// A resident: index into the drill's residents, in household order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ResidentId(pub u32);

impl fmt::Display for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
