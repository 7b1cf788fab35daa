//! The event log: what happened, tick by tick. One JSON object per line,
//! after a versioned header line; written append-only and flushed at the end
//! of every tick that logged something; hashed as it is written so the report
//! can carry `event_log_sha256`. Keys are sorted (serde_json's map is a
//! BTreeMap), so the same events give the same bytes.

use bevy::prelude::Resource;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::io::Write;

/// Version of the event-log format.
pub const EVENT_LOG_VERSION: u32 = 1;

/// One logged event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Tick at which it happened.
    pub tick: u64,
    /// Drill seconds at that tick.
    pub t: u64,
    pub kind: String,
    /// What it is about, as `kind:id` (e.g. `inject:rain_red`).
    pub subject: String,
    pub data: Value,
}

/// The header line of a log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogHeader {
    pub firstline_event_log: u32,
    pub build: String,
    pub scenario: String,
    pub scenario_sha256: String,
    pub seed: u64,
}

/// The run's event log: kept in memory for scoring, mirrored to a sink.
#[derive(Resource)]
pub struct EventLog {
    events: Vec<Event>,
    sink: Option<Box<dyn Write + Send + Sync>>,
    hasher: Sha256,
    bytes: u64,
    unflushed: bool,
    error: Option<String>,
}

impl EventLog {
    /// A log whose lines also go to `sink` (a file, or nothing).
    pub fn new(header: &LogHeader, sink: Option<Box<dyn Write + Send + Sync>>) -> Self {
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

    /// Appends an event.
    pub fn push(&mut self, tick: u64, tick_s: u32, kind: &str, subject: String, data: Value) {
        let ev = Event { tick, t: tick * tick_s as u64, kind: kind.to_owned(), subject, data };
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
    pub fn take_sink(&mut self) -> Option<Box<dyn Write + Send + Sync>> {
        self.flush();
        self.sink.take()
    }
}
