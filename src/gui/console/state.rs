//! The console's own state between frames — the order being written, the
//! messages opened, whether the next map click picks a place, what was
//! clicked — and how the console's own actions change it.
//!
//! Owns: `ConsoleState`. May not touch: the drill.

use super::instructor::InstructorForm;
use super::orders::{OrderForm, PlaceChoice};
use super::{Selection, UiAction};
use crate::scenario::schema::Point;
use std::collections::BTreeSet;

/// The console's own state between frames (never the drill's).
#[derive(bevy::prelude::Resource, Debug, Clone, Default)]
pub struct ConsoleState {
    pub form: OrderForm,
    /// The person's code typed on the end screen (to store the drill).
    pub record_person: String,
    /// The code of the organisation that held the drill (optional).
    pub record_org: String,
    /// At a classroom's host: the person typed for each seated role.
    pub class_people: std::collections::BTreeMap<String, String>,
    /// Messages opened.
    pub read: BTreeSet<String>,
    /// Waiting for a click on the map.
    pub picking: bool,
    /// What was clicked on the map.
    pub selected: Option<Selection>,
    /// The instructor's unfinished inputs.
    pub instructor: InstructorForm,
    /// The next map click lights a fire (instructor).
    pub picking_ignition: bool,
    /// Where the instructor picked a fire to light (taken by the window).
    pub ignition: Option<Point>,
    /// The review's filters and open metric.
    pub review: super::review::ReviewForm,
}

impl ConsoleState {
    /// Applies the actions that are the console's own business.
    pub fn absorb(&mut self, actions: &[UiAction]) {
        for a in actions {
            match a {
                UiAction::PickPlace => self.picking = true,
                UiAction::PickIgnition => {
                    self.picking = true;
                    self.picking_ignition = true;
                }
                UiAction::Picked(p) if self.picking_ignition => {
                    self.picking = false;
                    self.picking_ignition = false;
                    self.ignition = Some(*p);
                }
                UiAction::Picked(p) => {
                    self.picking = false;
                    self.form.place = PlaceChoice::Point(*p);
                }
                UiAction::Prefill(action) => self.form = OrderForm::from_action(action),
                UiAction::Read(id) => {
                    self.read.insert(id.clone());
                }
                _ => {}
            }
        }
    }
}
