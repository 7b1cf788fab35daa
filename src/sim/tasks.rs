//! Tasks under way: which force works on scene at what, published by the
//! responders each tick for the models that carry the work out (pumping,
//! sandbagging, clearing, suppression, rescue, door-to-door, escorts).
//!
//! Owns: `Tasks`. May not touch: any model's state.

use crate::scenario::schema::{Point, Task};
use bevy::prelude::Resource;

/// A force at work on scene.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OnScene {
    pub task: Task,
    /// Where it works.
    pub at: Point,
    /// The village, when the place is one (index into the scenario's villages).
    pub village: Option<usize>,
    /// Tick it got there.
    pub since: u64,
}

/// Per force (scenario order): its work on scene, if it is on scene; and
/// every task started so far, in order, for readers with a cursor.
#[derive(Resource, Debug, Clone, Default)]
pub struct Tasks {
    pub on_scene: Vec<Option<OnScene>>,
    /// (force index, task) in the order they started.
    pub started: Vec<(usize, OnScene)>,
}

impl Tasks {
    /// The force's task, when it is on scene doing `task`.
    pub fn doing(&self, force: usize, task: Task) -> Option<&OnScene> {
        self.on_scene.get(force).and_then(|o| o.as_ref()).filter(|o| o.task == task)
    }
}
