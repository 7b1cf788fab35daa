//! Snapshots of a drill's whole state: every resource the simulation keeps
//! between ticks is registered here by the plugin that inserts it
//! (`register`), so a face can copy the state at a tick (`take`) and put
//! it back later (`put`) — the after-action review seeks anywhere in a
//! drill from the nearest keyframe instead of running it again from the
//! start. The sim's systems keep no state of their own (no `Local`s): what
//! is not in a registered resource does not survive a tick.
//!
//! The event log is copied without its sink: a snapshot can only be put
//! back into a run that writes no file (a review's or a forecast's).
//!
//! Owns: `Snapshot`, the registry. May not touch: models (they register
//! themselves), anything above the core.

use super::events::EventLog;
use bevy::prelude::*;
use std::any::Any;

type Part = Box<dyn Any + Send + Sync>;

/// How to copy one resource out of a world and put it back.
#[derive(Clone, Copy)]
struct Entry {
    take: fn(&World) -> Option<Part>,
    put: fn(&mut World, &Part),
}

/// The resources a snapshot holds, in the order they were registered.
#[derive(Resource, Default, Clone)]
pub struct Registry {
    entries: Vec<Entry>,
}

/// A drill's state at one tick.
pub struct Snapshot {
    parts: Vec<Option<Part>>,
}

fn take_one<R: Resource + Clone>(w: &World) -> Option<Part> {
    w.get_resource::<R>().map(|r| Box::new(r.clone()) as Part)
}

fn put_one<R: Resource + Clone>(w: &mut World, p: &Part) {
    if let Some(r) = p.downcast_ref::<R>() {
        w.insert_resource(r.clone());
    }
}

/// Adds resource type `R` to what snapshots hold (once; again is a no-op).
pub fn register<R: Resource + Clone>(app: &mut App) {
    let entry = Entry { take: take_one::<R>, put: put_one::<R> };
    let mut reg = app.world_mut().get_resource_or_insert_with(Registry::default);
    if !reg.entries.iter().any(|e| std::ptr::fn_addr_eq(e.take, entry.take)) {
        reg.entries.push(entry);
    }
}

/// The event log's contents without its sink.
fn take_log(w: &World) -> Option<Part> {
    w.get_resource::<EventLog>().map(|l| Box::new(l.copy_without_sink()) as Part)
}

fn put_log(w: &mut World, p: &Part) {
    if let Some(l) = p.downcast_ref::<EventLog>() {
        w.insert_resource(l.copy_without_sink());
    }
}

/// Registers the event log (its events and hash; never its sink).
pub fn register_log(app: &mut App) {
    let mut reg = app.world_mut().get_resource_or_insert_with(Registry::default);
    reg.entries.push(Entry { take: take_log, put: put_log });
}

/// Copies the drill's state out of `world`.
pub fn take(world: &World) -> Snapshot {
    let entries = world.get_resource::<Registry>().map(|r| r.entries.clone()).unwrap_or_default();
    Snapshot { parts: entries.iter().map(|e| (e.take)(world)).collect() }
}

/// Puts a snapshot taken from this drill's world back. Refused (false,
/// nothing changed) when the world writes its log to a sink, or the
/// snapshot is not of this world's kind.
pub fn put(world: &mut World, s: &Snapshot) -> bool {
    let entries = world.get_resource::<Registry>().map(|r| r.entries.clone()).unwrap_or_default();
    if entries.len() != s.parts.len() || world.get_resource::<EventLog>().is_some_and(|l| l.has_sink()) {
        return false;
    }
    for (e, p) in entries.iter().zip(&s.parts) {
        if let Some(p) = p {
            (e.put)(world, p);
        }
    }
    true
}
