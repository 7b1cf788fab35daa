//! Replay: a recorded run is run again and compared with its log, event by
//! event. The software plays again the roles the header says it played, at
//! the same competence, so its orders are made afresh; only the orders of
//! the other seats (trainees, the instructor) are taken from the log, each
//! from the seat that gave it. Same scenario, seed, build and orders must
//! give the same events: an order relabelled from the software to a
//! trainee, or any edited field of any event, shows as the first differing
//! line, with its tick and both versions.
//!
//! The comparison is of events, not bytes: line endings and spacing do not
//! count. A log of another format version is refused with a clear error; a
//! log without its `drill_ended` (cut off, or a run still going) is
//! reported incomplete; a last line cut mid-way is dropped and counts as
//! incomplete too.
//!
//! May not touch: sim state (it reads logs and the replay's events).

use crate::sim::events::{EVENT_LOG_VERSION, Event, LogHeader, SimEvent};
use crate::sim::orders::{Command, Seat, Source};

/// What a replay needs from an event log.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub header: LogHeader,
    /// Every event after the header, in order.
    pub events: Vec<Event>,
    /// The orders of the seats the software did not play (trainees, instructor).
    pub commands: Vec<Command>,
    /// Drill second at which the recorded run ended (`drill_ended`), if it did.
    pub ended_s: Option<u64>,
    /// The last line was cut off mid-way (and dropped).
    pub truncated: bool,
}

impl Recorded {
    /// The drill's length as the run had it (`drill_started`).
    pub fn duration_s(&self) -> Option<u64> {
        self.events.iter().find_map(|e| match e.event {
            SimEvent::DrillStarted { duration_s, .. } => Some(duration_s),
            _ => None,
        })
    }

    /// Drill second of the last event read.
    pub fn last_s(&self) -> u64 {
        self.events.last().map_or(0, |e| e.t)
    }
}

/// Reads a log's header, events and replayable orders; the error names the line.
pub fn read_log(text: &str) -> Result<Recorded, String> {
    let mut lines = text.lines().enumerate();
    let header: LogHeader = match lines.next() {
        Some((_, l)) => {
            let v: serde_json::Value =
                serde_json::from_str(l).map_err(|e| format!("line 1: not a Firstline event log header: {e}"))?;
            let version = v.get("firstline_event_log").and_then(|x| x.as_u64());
            if version != Some(EVENT_LOG_VERSION as u64) {
                let build = v.get("build").and_then(|b| b.as_str()).unwrap_or("an unknown build");
                return Err(match version {
                    Some(n) => format!(
                        "line 1: event log version {n} — this build reads version {EVENT_LOG_VERSION} only; replay it with the build that wrote it ({build})"
                    ),
                    None => "line 1: not a Firstline event log header (no `firstline_event_log` version)".to_owned(),
                });
            }
            serde_json::from_value(v).map_err(|e| format!("line 1: not a Firstline event log header: {e}"))?
        }
        None => return Err("the event log is empty".into()),
    };
    let all: Vec<(usize, &str)> = lines.collect();
    let cut = !text.ends_with('\n');
    let mut events = Vec::with_capacity(all.len());
    let mut truncated = false;
    for (n, &(k, line)) in all.iter().enumerate() {
        match serde_json::from_str::<Event>(line) {
            Ok(ev) => events.push(ev),
            // A last line without its newline is a write cut off mid-way.
            Err(_) if cut && n + 1 == all.len() => truncated = true,
            Err(e) => return Err(format!("line {}: {e}", k + 1)),
        }
    }
    let mut commands = Vec::new();
    let mut ended_s = None;
    for ev in &events {
        match &ev.event {
            SimEvent::OrderGiven { role, source, action } | SimEvent::OrderRefused { role, source, action, .. }
                if *source != Source::Npc =>
            {
                commands.push(Seat::recorded(role.clone(), *source).order(ev.tick, action.clone()));
            }
            SimEvent::DrillEnded { .. } => ended_s = Some(ev.t),
            _ => {}
        }
    }
    Ok(Recorded { header, events, commands, ended_s, truncated })
}

/// Where a replay first departs from its log.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// Line of the log (the header is line 1).
    pub line: usize,
    pub tick: u64,
    /// The event as recorded and as replayed (JSON), `None` past the end.
    pub recorded: Option<String>,
    pub replayed: Option<String>,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "first difference at line {} (tick {}):", self.line, self.tick)?;
        writeln!(f, "  recorded: {}", self.recorded.as_deref().unwrap_or("(the log ends here)"))?;
        write!(f, "  replayed: {}", self.replayed.as_deref().unwrap_or("(the replay ends here)"))
    }
}

/// The first event where `replayed` differs from `recorded`, if any.
pub fn first_difference(recorded: &[Event], replayed: &[Event]) -> Option<Difference> {
    let json = |e: &Event| serde_json::to_string(e).unwrap_or_default();
    let n = recorded.len().max(replayed.len());
    (0..n).find_map(|k| {
        let (a, b) = (recorded.get(k), replayed.get(k));
        (a != b).then(|| Difference {
            line: k + 2,
            tick: a.or(b).map_or(0, |e| e.tick),
            recorded: a.map(json),
            replayed: b.map(json),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(lines: &[&str]) -> String {
        let header = r#"{"firstline_event_log":2,"build":"b","scenario":"s","scenario_sha256":"x","seed":1,"plan_followers":["a"],"competence":"Perfect"}"#;
        std::iter::once(header).chain(lines.iter().copied()).map(|l| format!("{l}\n")).collect()
    }

    #[test]
    fn the_software_s_orders_are_not_fed_back_but_the_others_are() {
        let text = log(&[
            r#"{"tick":1,"t":1,"kind":"order_given","role":"a","source":"Npc","action":"TriggerLandslide"}"#,
            r#"{"tick":2,"t":2,"kind":"order_refused","role":"b","source":"Trainee","action":"TriggerLandslide","reason":"r"}"#,
            r#"{"tick":3,"t":3,"kind":"drill_ended","ticks":3}"#,
        ]);
        let r = read_log(&text).unwrap();
        assert_eq!(r.commands.len(), 1);
        assert_eq!(
            (r.commands[0].role().as_str(), r.commands[0].source(), r.commands[0].tick()),
            ("b", Source::Trainee, 2)
        );
        assert_eq!((r.ended_s, r.truncated, r.events.len()), (Some(3), false, 3));
    }

    #[test]
    fn crlf_reads_the_same_and_a_cut_last_line_is_incomplete() {
        let text = log(&[r#"{"tick":3,"t":3,"kind":"drill_ended","ticks":3}"#]);
        let crlf = text.replace('\n', "\r\n");
        assert_eq!(read_log(&crlf).unwrap().events, read_log(&text).unwrap().events);
        let cut = &text[..text.len() - 6];
        let r = read_log(cut).unwrap();
        assert!(r.truncated && r.ended_s.is_none() && r.events.is_empty());
        // A broken line in the middle is an error naming it.
        let bad = log(&["{", r#"{"tick":3,"t":3,"kind":"drill_ended","ticks":3}"#]);
        assert!(read_log(&bad).unwrap_err().starts_with("line 2:"));
    }

    #[test]
    fn the_first_difference_names_its_line_and_both_versions() {
        let r = read_log(&log(&[
            r#"{"tick":1,"t":1,"kind":"drill_ended","ticks":1}"#,
            r#"{"tick":2,"t":2,"kind":"drill_ended","ticks":2}"#,
        ]))
        .unwrap();
        let mut other = r.events.clone();
        assert_eq!(first_difference(&r.events, &other), None);
        other[1].event = SimEvent::DrillEnded { ticks: 9 };
        let d = first_difference(&r.events, &other).unwrap();
        assert_eq!((d.line, d.tick), (3, 2));
        assert!(d.recorded.unwrap().contains("\"ticks\":2") && d.replayed.unwrap().contains("\"ticks\":9"));
        let d = first_difference(&r.events, &other[..1]).unwrap();
        assert_eq!((d.line, d.replayed), (3, None));
    }
}
