//! Scripted sessions (for CI, demonstrations and bug reports): a RON list
//! of what a person did at given drill seconds — the same `UiAction`s the
//! panels return when clicked (orders, a place picked on the map, a
//! speed) — applied by the window exactly as clicks are, before the tick
//! of that second runs.
//!
//! ```ron
//! [
//!     (at_s: 310, do: Order(Acknowledge(message: "county_red_rain"))),
//!     (at_s: 320, do: Order(IssueWarning(level: Red, channels: [Broadcast, Sms], villages: ["dongwan"]))),
//!     (at_s: 330, do: Picked(1800.0, 1500.0)),
//! ]
//! ```
//!
//! Owns: `Script`, `Step`. May not touch: the sim.

use super::console::UiAction;
use crate::scenario::schema::{Action, Point};
use serde::Deserialize;
use std::path::Path;

/// One thing the person did.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub enum Do {
    Order(Action),
    /// Clicked this map point (metres east, north) while picking a place.
    Picked(Point),
    PickPlace,
    Speed(u32),
    Read(String),
    /// The instructor's console shows this role.
    ShowRole(String),
    /// The next map click lights a fire (the instructor's console).
    PickIgnition,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub at_s: u64,
    #[serde(rename = "do")]
    pub act: Do,
}

/// A script, in drill-time order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Script {
    pub steps: Vec<Step>,
    next: usize,
}

impl Script {
    /// Reads a script; the error names the file and, for a syntax error,
    /// the line and column.
    pub fn read(path: &Path) -> Result<Script, String> {
        let text = std::fs::read_to_string(path);
        let text = text.map_err(|e| format!("{}: cannot read the script: {e}", path.display()))?; // not window text
        Script::parse(&path.display().to_string(), &text)
    }

    pub fn parse(name: &str, text: &str) -> Result<Script, String> {
        let mut steps: Vec<Step> = crate::scenario::load::ron_options()
            .from_str(text)
            .map_err(|e| format!("{name}:{}:{}: {}", e.span.start.line, e.span.start.col, e.code))?;
        steps.sort_by_key(|s| s.at_s);
        Ok(Script { steps, next: 0 })
    }

    /// The drill second of the next step not yet given.
    pub fn next_at(&self) -> Option<u64> {
        self.steps.get(self.next).map(|s| s.at_s)
    }

    /// The actions due by drill second `now_s`, each once.
    pub fn due(&mut self, now_s: u64) -> Vec<UiAction> {
        let mut out = Vec::new();
        while let Some(s) = self.steps.get(self.next).filter(|s| s.at_s <= now_s) {
            out.push(match &s.act {
                Do::Order(a) => UiAction::Order(a.clone()),
                Do::Picked(p) => UiAction::Picked(*p),
                Do::PickPlace => UiAction::PickPlace,
                Do::Speed(v) => UiAction::Speed(*v),
                Do::Read(id) => UiAction::Read(id.clone()),
                Do::ShowRole(id) => UiAction::ShowRole(id.clone()),
                Do::PickIgnition => UiAction::PickIgnition,
            });
            self.next += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_come_once_in_time_order() {
        let mut s = Script::parse(
            "t.ron",
            "[(at_s: 20, do: Speed(5)), (at_s: 10, do: Order(SendReport(kind: First))), (at_s: 20, do: Picked(1.0, 2.0))]",
        )
        .unwrap();
        assert!(s.due(9).is_empty());
        assert_eq!(
            s.due(10),
            vec![UiAction::Order(Action::SendReport { kind: crate::scenario::schema::ReportKind::First })]
        );
        assert_eq!(s.due(25), vec![UiAction::Speed(5), UiAction::Picked((1.0, 2.0))]);
        assert!(s.due(1000).is_empty());
    }

    #[test]
    fn a_bad_script_names_line_and_column() {
        let e = Script::parse("s.ron", "[\n  (at_s: 1, do: Fly),\n]").unwrap_err();
        assert!(e.starts_with("s.ron:2:"), "{e}");
    }
}
