//! Runs in the store: one run written whole in one transaction (its
//! scenario's bytes once per SHA-256, the compressed event log, the report,
//! each role's seat), read back with its log, and listed per person.
//!
//! Owns: the `runs`, `run_roles`, `sessions` and `scenarios` rows. May not
//! touch: the sim.

use super::db::{Result, Store, StoreError, org_id, today};
use crate::record::report::Report;
use crate::scenario::schema::DrillKind;
use rusqlite::{OptionalExtension, params};
use std::io::{Read, Write};

/// Who sat in one role of a run.
#[derive(Debug, Clone, PartialEq)]
pub enum RoleSeat {
    /// A person from the records (their code).
    Person(String),
    PlanFollower,
    Nobody,
}

/// A finished run to store.
pub struct NewRun<'a> {
    pub scenario_source: &'a [u8],
    /// The event log's bytes as written.
    pub log: &'a [u8],
    pub report: &'a Report,
    /// Every role of the drill and who played it.
    pub seats: Vec<(String, RoleSeat)>,
    /// The drill session, if one is named.
    pub session: Option<NewSession>,
    /// The roster entry a batch made it for (unique in the store).
    pub batch_key: Option<String>,
}

/// A drill session as the office names it when it records a run: runs of
/// the same drill on the same day, place and instructor, held by the same
/// organisation, share one session (a classroom's trainees).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewSession {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub place: Option<String>,
    pub instructor: Option<String>,
    /// The township or village that held it, by code.
    pub organisation: Option<String>,
    /// Comprehensive or special (the caller resolves it from the office's
    /// word or the scenario's `drill_kind`).
    pub kind: Option<DrillKind>,
}

/// A run as listed.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRow {
    pub id: i64,
    pub recorded_at: String,
    pub scenario_id: String,
    pub scenario_title_zh: String,
    pub seed: u64,
    pub score: f64,
    pub level: String,
    /// (role, played by: a person's code, `plan_follower` or `nobody`, the role's score).
    pub roles: Vec<(String, String, Option<f64>)>,
}

/// A run read back whole.
#[derive(Debug, Clone)]
pub struct StoredRun {
    pub row: RunRow,
    pub scenario_source: Vec<u8>,
    pub scenario_sha256: String,
    pub build: String,
    pub log: Vec<u8>,
    pub log_sha256: String,
    pub report: Report,
}

/// The session's row: the one already held by the same organisation, on
/// the same day, place and instructor, of the same drill — or a new one.
fn session(tx: &rusqlite::Transaction, s: &NewSession, scenario: &str) -> Result<i64> {
    check_date(&s.date)?;
    let org = match &s.organisation {
        Some(code) => Some(org_id(tx, code, "the session")?),
        None => None,
    };
    let kind = s.kind.map(DrillKind::as_str);
    let found: Option<i64> = tx
        .query_row(
            "SELECT id FROM sessions WHERE date = ?1 AND place IS ?2 AND instructor IS ?3 AND scenario_id = ?4
                AND organisation_id IS ?5 AND kind IS ?6",
            params![s.date, s.place, s.instructor, scenario, org, kind],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    tx.execute(
        "INSERT INTO sessions (date, place, instructor, scenario_id, organisation_id, kind) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![s.date, s.place, s.instructor, scenario, org, kind],
    )?;
    Ok(tx.last_insert_rowid())
}

/// A stored run's log, inflated and checked against its SHA-256.
pub(super) fn inflate_log(id: i64, deflated: &[u8], sha256: &str) -> Result<Vec<u8>> {
    let mut log = Vec::new();
    flate2::read::DeflateDecoder::new(deflated)
        .read_to_end(&mut log)
        .map_err(|e| StoreError::Invalid(format!("run {id}: its stored log does not inflate: {e}")))?;
    if crate::scenario::load::sha256_hex(&log) != sha256 {
        return Err(StoreError::Invalid(format!("run {id}: its stored log does not match its SHA-256")));
    }
    Ok(log)
}

/// A session's date is `YYYY-MM-DD`.
pub(super) fn check_date(date: &str) -> Result<()> {
    if date.len() != 10
        || !date.chars().enumerate().all(|(k, c)| if k == 4 || k == 7 { c == '-' } else { c.is_ascii_digit() })
    {
        return Err(StoreError::Invalid(format!("session date `{date}`: write it YYYY-MM-DD")));
    }
    Ok(())
}

impl Store {
    /// Stores a run whole, or nothing: the scenario, the run, every seat.
    /// Returns the run's number.
    pub fn store_run(&mut self, run: &NewRun) -> Result<i64> {
        let sha = crate::scenario::load::sha256_hex(run.scenario_source);
        if sha != run.report.scenario.sha256 {
            return Err(StoreError::Invalid("the report is not of this scenario (SHA-256 differs)".into()));
        }
        let log_sha = crate::scenario::load::sha256_hex(run.log);
        if log_sha != run.report.event_log_sha256 {
            return Err(StoreError::Invalid(
                "the event log is not the one the report was made from (SHA-256 differs)".into(),
            ));
        }
        let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(run.log).and_then(|_| z.flush()).map_err(|e| StoreError::Io(e.to_string()))?;
        let deflated = z.finish().map_err(|e| StoreError::Io(e.to_string()))?;
        let report = serde_json::to_string(run.report).map_err(|e| StoreError::Invalid(format!("the report: {e}")))?;
        let tx = self.conn_mut().transaction()?;
        tx.execute(
            "INSERT INTO scenarios (sha256, id, title_zh, source) VALUES (?1, ?2, ?3, ?4) ON CONFLICT(sha256) DO NOTHING",
            params![sha, run.report.scenario.id, run.report.scenario.title_zh, run.scenario_source],
        )?;
        let session_id: Option<i64> = match &run.session {
            Some(s) => Some(session(&tx, s, &run.report.scenario.id)?),
            None => None,
        };
        let c = &run.report.scoring;
        tx.execute(
            "INSERT INTO runs (session_id, scenario_sha256, build, seed, recorded_at, log_deflate, log_sha256, report, score, level, batch_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                session_id,
                sha,
                run.report.build,
                run.report.seed as i64,
                today(),
                deflated,
                log_sha,
                report,
                c.score,
                c.level_zh,
                run.batch_key
            ],
        )?;
        let id = tx.last_insert_rowid();
        for (role, seat) in &run.seats {
            let score = c.roles.iter().find(|r| &r.role == role).and_then(|r| r.score);
            let (by, person): (&str, Option<i64>) = match seat {
                RoleSeat::Person(code) => {
                    let pid = tx
                        .query_row("SELECT id FROM people WHERE code = ?1", params![code], |r| r.get(0))
                        .optional()?
                        .ok_or_else(|| {
                            StoreError::NotFound(format!(
                                "no person `{code}` in the records; add them first (firstline records add-person)"
                            ))
                        })?;
                    ("person", Some(pid))
                }
                RoleSeat::PlanFollower => ("plan_follower", None),
                RoleSeat::Nobody => ("nobody", None),
            };
            tx.execute(
                "INSERT INTO run_roles (run_id, role, played_by, person_id, score) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, role, by, person, score],
            )?;
        }
        tx.commit()?;
        Ok(id)
    }

    /// The run a batch stored for this roster entry, if any.
    pub fn batch_run(&self, key: &str) -> Result<Option<i64>> {
        Ok(self.conn().query_row("SELECT id FROM runs WHERE batch_key = ?1", params![key], |r| r.get(0)).optional()?)
    }

    /// Every run (newest first), or only those a person played in.
    pub fn runs(&self, person: Option<&str>) -> Result<Vec<RunRow>> {
        self.rows(
            "?1 IS NULL OR r.id IN (SELECT rr.run_id FROM run_roles rr JOIN people p ON p.id = rr.person_id WHERE p.code = ?1)",
            person.map(|p| p.to_owned().into()).unwrap_or(rusqlite::types::Value::Null),
        )
    }

    /// The runs matching `filter` (SQL over `r`, one parameter), with their seats.
    fn rows(&self, filter: &str, param: rusqlite::types::Value) -> Result<Vec<RunRow>> {
        let sql = format!(
            "SELECT r.id, r.recorded_at, s.id, s.title_zh, r.seed, r.score, r.level
             FROM runs r JOIN scenarios s ON s.sha256 = r.scenario_sha256 WHERE {filter} ORDER BY r.id DESC"
        );
        let mut st = self.conn().prepare(&sql)?;
        let rows = st.query_map(params![param], |r| {
            Ok(RunRow {
                id: r.get(0)?,
                recorded_at: r.get(1)?,
                scenario_id: r.get(2)?,
                scenario_title_zh: r.get(3)?,
                seed: r.get::<_, i64>(4)? as u64,
                score: r.get(5)?,
                level: r.get(6)?,
                roles: Vec::new(),
            })
        })?;
        let mut out: Vec<RunRow> = rows.collect::<std::result::Result<_, _>>()?;
        for row in &mut out {
            row.roles = self.seats(row.id)?;
        }
        Ok(out)
    }

    fn seats(&self, run: i64) -> Result<Vec<(String, String, Option<f64>)>> {
        let mut st = self.conn().prepare(
            "SELECT rr.role, COALESCE(p.code, rr.played_by), rr.score FROM run_roles rr
             LEFT JOIN people p ON p.id = rr.person_id WHERE rr.run_id = ?1 ORDER BY rr.rowid",
        )?;
        let rows = st.query_map(params![run], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// One run with its scenario, log and report.
    pub fn run(&self, id: i64) -> Result<StoredRun> {
        let Some(row) = self.rows("r.id = ?1", id.into())?.pop() else {
            return Err(StoreError::NotFound(format!("no run {id} in the records; `firstline records list runs`")));
        };
        let (scenario_source, scenario_sha256, build, deflated, log_sha256, report) = self.conn().query_row(
            "SELECT s.source, s.sha256, r.build, r.log_deflate, r.log_sha256, r.report
             FROM runs r JOIN scenarios s ON s.sha256 = r.scenario_sha256 WHERE r.id = ?1",
            params![id],
            |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Vec<u8>>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                ))
            },
        )?;
        let log = inflate_log(id, &deflated, &log_sha256)?;
        let report = serde_json::from_str(&report)
            .map_err(|e| StoreError::Invalid(format!("run {id}: its stored report does not read: {e}")))?;
        Ok(StoredRun { row, scenario_source, scenario_sha256, build, log, log_sha256, report })
    }
}
