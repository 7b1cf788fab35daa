//! How residents respond: warning channels (delay and reach), pre-movement
//! time, compliance, door-to-door pace and the declared danger zones. Every
//! field has a documented default, so a scenario may leave the section out.

use super::common::{HazardKind, Point};
use super::plans::Channel;
use crate::dist::Distribution;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResidentsSpec {
    /// Delay and reach of each warning channel.
    #[serde(default = "default_channels")]
    pub channels: Vec<ChannelSpec>,
    /// How `channels` combines with the defaults: `Extend` keeps the
    /// default of every channel not listed, `Replace` drops them (those
    /// channels then reach nobody). Validation warns when a partial list
    /// leaves this out.
    #[serde(default)]
    pub channels_mode: Option<ListMode>,
    /// Time from deciding to leave to walking out of the door (s). Default:
    /// Weibull scale 139 s, shape 1.2 (Lovreglio, Kuligowski, Gwynne &
    /// Strahan 2019, "A pre-evacuation database for use in egress
    /// simulations", Fire Safety Journal 105).
    #[serde(default = "default_premovement")]
    pub premovement: Distribution,
    #[serde(default)]
    pub compliance: Compliance,
    /// Seconds a door-to-door visit takes at each house (knock, talk, help).
    #[serde(default = "default_visit")]
    pub visit_s: u32,
    /// Areas the plans treat as in danger (危险区); residents whose home lies
    /// in one are counted at risk from the start. Homes the hazard reaches
    /// are counted at risk too.
    #[serde(default)]
    pub danger_zones: Vec<DangerZone>,
}

impl Default for ResidentsSpec {
    fn default() -> Self {
        ResidentsSpec {
            channels: default_channels(),
            channels_mode: None,
            premovement: default_premovement(),
            compliance: Compliance::default(),
            visit_s: default_visit(),
            danger_zones: Vec::new(),
        }
    }
}

/// How a list given in a scenario combines with its defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ListMode {
    Extend,
    Replace,
}

impl ResidentsSpec {
    /// The delay and reach of a channel, after `channels_mode`.
    pub fn channel(&self, c: Channel) -> Option<ChannelSpec> {
        let listed = self.channels.iter().find(|s| s.channel == c).cloned();
        match (listed, self.channels_mode) {
            (Some(s), _) => Some(s),
            (None, Some(ListMode::Extend)) => default_channels().into_iter().find(|s| s.channel == c),
            (None, _) => None,
        }
    }
}

/// A warning channel's delay from the order to the household, and the chance
/// it reaches a household it is meant for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelSpec {
    pub channel: Channel,
    pub delay_s: u32,
    pub reach: f64,
}

/// Defaults for a rural township at night or in heavy rain: loudspeakers are
/// heard indoors by about 60%, SMS read by about half within minutes, phone
/// calls by village cadres reach 90% of those called; megaphone and gong
/// rounds and door-to-door visits reach nearly everyone they pass.
pub fn default_channels() -> Vec<ChannelSpec> {
    let c = |channel, delay_s, reach| ChannelSpec { channel, delay_s, reach };
    vec![
        c(Channel::Broadcast, 60, 0.6),
        c(Channel::Sms, 120, 0.5),
        c(Channel::Phone, 60, 0.9),
        c(Channel::Megaphone, 0, 0.8),
        c(Channel::Gong, 0, 0.7),
        c(Channel::DoorToDoor, 0, 1.0),
    ]
}

fn default_premovement() -> Distribution {
    Distribution::Weibull { scale: 139.0, shape: 1.2 }
}

fn default_visit() -> u32 {
    90
}

/// Whether a warned household decides to leave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Compliance {
    /// Chance that one remote warning (broadcast, SMS, phone, megaphone,
    /// gong) makes a household decide to leave; each further warning is a
    /// fresh chance, so n warnings give 1 − (1 − p)ⁿ.
    #[serde(default = "half")]
    pub remote: f64,
    /// The same for an evacuation order (转移命令) announced in the village.
    #[serde(default = "order")]
    pub order: f64,
    /// Chance that an in-person visit makes a household leave.
    #[serde(default = "in_person")]
    pub in_person: f64,
    /// Share of households that ignore every remote warning and leave only
    /// when someone comes to the door ("撤离不果断").
    #[serde(default = "refusers")]
    pub refuse_until_in_person: f64,
}

impl Default for Compliance {
    fn default() -> Self {
        Compliance { remote: half(), order: order(), in_person: in_person(), refuse_until_in_person: refusers() }
    }
}

fn half() -> f64 {
    0.45
}
fn order() -> f64 {
    0.7
}
fn in_person() -> f64 {
    0.97
}
fn refusers() -> f64 {
    0.12
}

/// A declared danger zone of one hazard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DangerZone {
    pub id: String,
    pub hazard: HazardKind,
    pub zone: Vec<Point>,
}
