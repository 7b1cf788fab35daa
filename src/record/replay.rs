//! Replay: the commands of a recorded run are read back from its event log
//! (every `order_given` and `order_refused`, in order) and fed to a fresh run
//! in which the software plays no role; each comes back from the seat that
//! gave it (trainee, plan follower or instructor). Same scenario, seed,
//! build and commands must give the same event log, byte for byte. A log of
//! another version is refused with a clear error, never half read.

use crate::sim::events::{EVENT_LOG_VERSION, Event, LogHeader, SimEvent};
use crate::sim::orders::{Command, Seat};

/// What a replay needs from an event log.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub header: LogHeader,
    pub commands: Vec<Command>,
    /// Drill second at which the recorded run ended (`drill_ended`), if it did.
    pub ended_s: Option<u64>,
}

/// Reads a log's header and commands; the error names the line.
pub fn read_log(text: &str) -> Result<Recorded, String> {
    let mut lines = text.lines().enumerate();
    let header: LogHeader = match lines.next() {
        Some((_, l)) => {
            serde_json::from_str(l).map_err(|e| format!("line 1: not a Firstline event log header: {e}"))?
        }
        None => return Err("the event log is empty".into()),
    };
    if header.firstline_event_log != EVENT_LOG_VERSION {
        return Err(format!(
            "line 1: event log version {} — this build reads version {EVENT_LOG_VERSION} only; replay it with the build that wrote it ({})",
            header.firstline_event_log, header.build
        ));
    }
    let mut commands = Vec::new();
    let mut ended_s = None;
    for (k, line) in lines {
        let ev: Event = serde_json::from_str(line).map_err(|e| format!("line {}: {e}", k + 1))?;
        match ev.event {
            SimEvent::OrderGiven { role, source, action } | SimEvent::OrderRefused { role, source, action, .. } => {
                commands.push(Seat::recorded(role, source).order(ev.tick, action));
            }
            SimEvent::DrillEnded { .. } => ended_s = Some(ev.t),
            _ => {}
        }
    }
    Ok(Recorded { header, commands, ended_s })
}
