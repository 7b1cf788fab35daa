//! Seed sweeps: one drill run headless over many seeds and followers'
//! competences (and with nobody acting), scored, and tabulated — how an
//! author or a certifier checks that a rubric separates good play from bad
//! and that chance does not decide a level (`firstline sweep`).
//!
//! A face over `headless::run`; may not touch sim state.

use crate::headless::{RunOptions, run};
use crate::roles::plans::{Competence, NpcRoles};
use crate::scenario::Loaded;
use crate::scenario::schema::Level;
use crate::sim::events::SimEvent;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Who plays the roles in a sweep's row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Players {
    /// The plan followers at this competence play every role.
    Followers(Competence),
    /// Nobody: every seat left empty.
    Nobody,
}

impl Players {
    pub fn label(self) -> &'static str {
        match self {
            Players::Followers(Competence::Perfect) => "perfect",
            Players::Followers(Competence::Typical) => "typical",
            Players::Followers(Competence::Poor) => "poor",
            Players::Nobody => "nobody",
        }
    }

    /// Parses `perfect`, `typical`, `poor` or `nobody`.
    pub fn parse(s: &str) -> Option<Players> {
        Some(match s {
            "perfect" => Players::Followers(Competence::Perfect),
            "typical" => Players::Followers(Competence::Typical),
            "poor" => Players::Followers(Competence::Poor),
            "nobody" => Players::Nobody,
            _ => return None,
        })
    }
}

/// One scored run.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub players: Players,
    pub seed: u64,
    pub score: f64,
    pub level: Level,
    pub level_by_score: Level,
    pub dead: usize,
    pub exposed: u64,
}

/// Runs every (players, seed) pair on `threads` threads; rows in input order.
pub fn sweep(loaded: &Loaded, players: &[Players], seeds: &[u64], threads: usize) -> std::io::Result<Vec<Row>> {
    let jobs: Vec<(Players, u64)> = players.iter().flat_map(|p| seeds.iter().map(move |s| (*p, *s))).collect();
    let next = AtomicUsize::new(0);
    let out: Mutex<Vec<Option<std::io::Result<Row>>>> = Mutex::new((0..jobs.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&(p, seed)) = jobs.get(k) else { break };
                    let row = one(loaded, p, seed);
                    if let Ok(mut o) = out.lock() {
                        o[k] = Some(row);
                    }
                }
            });
        }
    });
    let rows = out.into_inner().map_err(|_| std::io::Error::other("sweep lock"))?;
    rows.into_iter().map(|r| r.unwrap_or_else(|| Err(std::io::Error::other("a sweep run did not finish")))).collect()
}

fn one(loaded: &Loaded, players: Players, seed: u64) -> std::io::Result<Row> {
    let (npc, competence) = match players {
        Players::Followers(c) => (NpcRoles::All, c),
        Players::Nobody => (NpcRoles::None, Competence::Perfect),
    };
    let opts = RunOptions { seed: Some(seed), npc, competence, ..Default::default() };
    let o = run(loaded, &opts, &mut |_, _| {})?;
    let c = &o.report.scoring;
    let dead = crate::sim::events::dead(&o.events);
    let exposed = o
        .events
        .iter()
        .filter_map(|e| match e.event {
            SimEvent::HouseholdExposed { at_home, .. } => Some(at_home as u64),
            _ => None,
        })
        .sum();
    Ok(Row {
        players,
        seed,
        score: c.score,
        level: c.level,
        level_by_score: c.level_by_score,
        dead: dead.len(),
        exposed,
    })
}

/// Per players: min / median / max score, levels, deaths and exposure.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| players | runs | score min | median | mean | max | levels (by score → after gates) | dead (max) | exposed (max) |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    let mut groups: Vec<Players> = rows.iter().map(|r| r.players).collect();
    groups.dedup();
    for p in groups {
        let mine: Vec<&Row> = rows.iter().filter(|r| r.players == p).collect();
        let mut scores: Vec<f64> = mine.iter().map(|r| r.score).collect();
        scores.sort_by(f64::total_cmp);
        let median = if scores.len() % 2 == 1 {
            scores[scores.len() / 2]
        } else {
            0.5 * (scores[scores.len() / 2 - 1] + scores[scores.len() / 2])
        };
        let count = |l: Level, after: bool| {
            mine.iter().filter(|r| (if after { r.level } else { r.level_by_score }) == l).count()
        };
        let levels: Vec<String> = [Level::Excellent, Level::Good, Level::Pass, Level::Fail]
            .iter()
            .filter(|l| count(**l, false) + count(**l, true) > 0)
            .map(|l| format!("{} {}→{}", l.zh(), count(*l, false), count(*l, true)))
            .collect();
        let mean = scores.iter().sum::<f64>() / scores.len() as f64;
        out.push_str(&format!(
            "| {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {} | {} | {} |\n",
            p.label(),
            mine.len(),
            scores[0],
            median,
            mean,
            scores[scores.len() - 1],
            levels.join(", "),
            mine.iter().map(|r| r.dead).max().unwrap_or(0),
            mine.iter().map(|r| r.exposed).max().unwrap_or(0),
        ));
    }
    out
}
