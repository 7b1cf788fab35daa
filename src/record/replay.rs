//! Replay: the commands of a recorded run are read back from its event log
//! (every `order_given` and `order_refused`, in order) and fed to a fresh run
//! in which the software plays no role. Same scenario, seed, build and
//! commands must give the same event log, byte for byte.

use crate::roles::commands::{Command, Source};
use crate::scenario::schema::Action;
use crate::sim::events::{Event, LogHeader};

/// What a replay needs from an event log.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub header: LogHeader,
    pub commands: Vec<Command>,
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
    let mut commands = Vec::new();
    for (k, line) in lines {
        let ev: Event = serde_json::from_str(line).map_err(|e| format!("line {}: {e}", k + 1))?;
        if ev.kind != "order_given" && ev.kind != "order_refused" {
            continue;
        }
        let role = ev.subject.strip_prefix("role:").ok_or(format!("line {}: order without a role", k + 1))?;
        let source: Source =
            serde_json::from_value(ev.data["source"].clone()).map_err(|e| format!("line {}: {e}", k + 1))?;
        let action: Action =
            serde_json::from_value(ev.data["action"].clone()).map_err(|e| format!("line {}: {e}", k + 1))?;
        commands.push(Command { tick: ev.tick, role: role.to_owned(), source, action });
    }
    Ok(Recorded { header, commands })
}
