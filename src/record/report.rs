//! The report JSON of a drill run: what ran (scenario hash, seed, build),
//! what was observed (gauge series), how it scored (metrics), and the hash of
//! the event log that justifies it. Nothing machine-dependent goes in: no
//! wall time, no paths.

use crate::scoring::Scorecard;
use crate::sim::gauges::GaugeSeries;
use serde::{Deserialize, Serialize};

/// Version of the report format.
pub const REPORT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub firstline_report: u32,
    pub build: String,
    pub scenario: ScenarioRef,
    pub seed: u64,
    /// Drill seconds simulated.
    pub drill_seconds: u64,
    pub ticks: u64,
    /// Whether the drill ran to its scripted end (not stopped by `--until`).
    pub complete: bool,
    pub summary: Summary,
    pub gauges: Vec<GaugeSeries>,
    /// Metrics, per-role and overall scores and the certification level.
    pub scoring: Scorecard,
    pub event_log_sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioRef {
    pub id: String,
    pub title_zh: String,
    pub title_en: String,
    pub sha256: String,
}

/// Headline counts of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub villages: usize,
    pub households: usize,
    pub residents: u64,
    pub events: usize,
    pub injects_delivered: usize,
}

impl Report {
    /// Pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}
