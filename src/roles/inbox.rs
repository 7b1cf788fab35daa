//! Role inboxes: injects, calls (叫应) and system messages addressed to a
//! role, with the time each must be acknowledged within and when it was.

use bevy::prelude::Resource;

/// One message in a role's inbox.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct InboxMessage {
    /// Inject id, or `call:<caller>:<tick>` for a call.
    pub id: String,
    /// Receiving role.
    pub to: String,
    pub tick: u64,
    pub from: String,
    pub ack_within_s: Option<u32>,
    pub acked: Option<u64>,
    /// The instructor's own words (a free-text message); injects take
    /// theirs from the scenario.
    pub text: Option<String>,
}

/// Every role's inbox, in arrival order.
#[derive(Resource, Debug, Clone, Default)]
pub struct Inboxes {
    pub messages: Vec<InboxMessage>,
}

impl Inboxes {
    pub fn deliver(&mut self, id: String, to: String, tick: u64, from: String, ack_within_s: Option<u32>) {
        self.messages.push(InboxMessage { id, to, tick, from, ack_within_s, acked: None, text: None });
    }

    /// The role's unacknowledged message with this id.
    pub fn open_mut(&mut self, role: &str, id: &str) -> Option<&mut InboxMessage> {
        self.messages.iter_mut().find(|m| m.to == role && m.id == id && m.acked.is_none())
    }

    /// Messages of one role.
    pub fn of<'a>(&'a self, role: &'a str) -> impl Iterator<Item = &'a InboxMessage> + 'a {
        self.messages.iter().filter(move |m| m.to == role)
    }
}
