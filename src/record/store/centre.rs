//! A provincial centre's records on PostgreSQL (`postgres://…`): the
//! township store's schema in PostgreSQL's dialect, so a centre gathers
//! many townships' records — `push` sends one township's organisations,
//! people, sessions, runs and issued certificates, idempotently (a run is known by the store it
//! came from and its number there) — and a queue of assessment runs that
//! worker machines take with `FOR UPDATE SKIP LOCKED`: a job stays locked by
//! the transaction that runs it and is marked done in the same transaction
//! that stores its run, so a worker killed mid-run loses nothing (its
//! connection drops, the transaction rolls back, the job is free again) and
//! no run is stored twice.
//!
//! Identity numbers travel as the township store's salted hash (each store
//! has its own salt, so they find a person only within their township's
//! records); person and organisation codes are the centre's keys, so offices
//! feeding one centre must keep their codes distinct.
//!
//! Owns: the PostgreSQL connection and schema. May not touch: the sim (the
//! worker's caller runs the drill).

use super::db::{Organisation, Result, Store, StoreError, today};
use super::runs::RoleSeat;
use crate::record::report::Report;
use postgres::{Client, NoTls, Transaction};
use std::io::Write;

/// The centre's schema, one step per version (never edit a shipped step).
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE organisations (
        id BIGSERIAL PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('township', 'village', 'team')),
        category TEXT,
        claimed_grade TEXT,
        parent_id BIGINT REFERENCES organisations(id)
     );
     CREATE TABLE people (
        id BIGSERIAL PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        id_hash TEXT,
        id_number TEXT,
        organisation_id BIGINT REFERENCES organisations(id),
        post TEXT
     );
     CREATE TABLE sessions (
        id BIGSERIAL PRIMARY KEY,
        date TEXT NOT NULL,
        place TEXT,
        instructor TEXT,
        scenario_id TEXT NOT NULL,
        organisation_id BIGINT REFERENCES organisations(id),
        kind TEXT CHECK (kind IN ('comprehensive', 'special')),
        origin TEXT,
        origin_session BIGINT,
        UNIQUE (origin, origin_session)
     );
     CREATE TABLE scenarios (
        sha256 TEXT PRIMARY KEY,
        id TEXT NOT NULL,
        title_zh TEXT NOT NULL,
        source BYTEA NOT NULL
     );
     CREATE TABLE runs (
        id BIGSERIAL PRIMARY KEY,
        session_id BIGINT REFERENCES sessions(id),
        scenario_sha256 TEXT NOT NULL REFERENCES scenarios(sha256),
        build TEXT NOT NULL,
        seed BIGINT NOT NULL,
        recorded_at TEXT NOT NULL,
        log_deflate BYTEA NOT NULL,
        log_sha256 TEXT NOT NULL,
        report TEXT NOT NULL,
        score DOUBLE PRECISION NOT NULL,
        level TEXT NOT NULL,
        batch_key TEXT UNIQUE,
        origin TEXT,
        origin_run BIGINT,
        UNIQUE (origin, origin_run)
     );
     CREATE TABLE run_roles (
        run_id BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        role TEXT NOT NULL,
        played_by TEXT NOT NULL CHECK (played_by IN ('person', 'plan_follower', 'nobody')),
        person_id BIGINT REFERENCES people(id),
        score DOUBLE PRECISION,
        PRIMARY KEY (run_id, role),
        CHECK ((played_by = 'person') = (person_id IS NOT NULL))
     );
     CREATE TABLE assess_queue (
        key TEXT PRIMARY KEY,
        team TEXT NOT NULL,
        leader TEXT NOT NULL,
        role TEXT NOT NULL,
        seed BIGINT,
        scenario_name TEXT NOT NULL,
        scenario BYTEA NOT NULL,
        log BYTEA NOT NULL,
        run_id BIGINT REFERENCES runs(id),
        error TEXT
     );",
    // 2: the certificates townships issued (the signed file's bytes).
    "CREATE TABLE certificates (
        id TEXT PRIMARY KEY,
        run_id BIGINT NOT NULL REFERENCES runs(id),
        person_id BIGINT NOT NULL REFERENCES people(id),
        issued TEXT NOT NULL,
        level TEXT NOT NULL,
        body BYTEA NOT NULL
     );",
];

/// A centre's database, connected.
pub struct Centre {
    pub(super) client: Client,
}

/// What a push sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pushed {
    pub organisations: usize,
    pub people: usize,
    /// Runs new to the centre, and runs it already had.
    pub new_runs: usize,
    pub known_runs: usize,
    /// Certificates new to the centre.
    pub new_certificates: usize,
}

/// One assessment run waiting in the queue: a team's leader's log on one
/// drill (the scenario's bytes travel with it, so a worker needs no files).
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub key: String,
    pub team: String,
    pub leader: String,
    pub role: String,
    pub seed: Option<u64>,
    /// The scenario's file name (for messages and its id's fallback).
    pub scenario_name: String,
    pub scenario: Vec<u8>,
    pub log: Vec<u8>,
}

/// What running a job gave: the event log's bytes, the report and who sat where.
pub struct Done {
    pub log: Vec<u8>,
    pub report: Report,
    pub seats: Vec<(String, RoleSeat)>,
}

/// The queue's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueState {
    pub total: usize,
    pub done: usize,
    pub failed: usize,
}

pub(super) fn pg(e: postgres::Error) -> StoreError {
    // The server's own words ("database … does not exist", "password
    // authentication failed …") say more than the client's "db error".
    match e.as_db_error() {
        Some(d) => StoreError::Io(format!("the centre's database: {}", d.message())),
        None => StoreError::Io(format!("the centre's database: {e}")),
    }
}

impl Centre {
    /// Connects (`postgres://user:password@host/db`) and migrates the
    /// centre's schema to this build's (one migrator at a time).
    pub fn connect(url: &str) -> Result<Centre> {
        let client = Client::connect(url, NoTls).map_err(pg)?;
        let mut c = Centre { client };
        c.migrate()?;
        Ok(c)
    }

    fn migrate(&mut self) -> Result<()> {
        let mut tx = self.client.transaction().map_err(pg)?;
        // Workers starting together: the first migrates, the rest wait.
        tx.execute("SELECT pg_advisory_xact_lock(7261001)", &[]).map_err(pg)?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS firstline_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            .map_err(pg)?;
        let at: usize = tx
            .query_opt("SELECT value FROM firstline_settings WHERE key = 'schema_version'", &[])
            .map_err(pg)?
            .and_then(|r| r.get::<_, String>(0).parse().ok())
            .unwrap_or(0);
        if at > MIGRATIONS.len() {
            return Err(StoreError::Invalid(format!(
                "the centre's database has schema version {at}, newer than this build's {}; use a newer firstline",
                MIGRATIONS.len()
            )));
        }
        for step in &MIGRATIONS[at..] {
            tx.batch_execute(step).map_err(pg)?;
        }
        tx.execute(
            "INSERT INTO firstline_settings (key, value) VALUES ('schema_version', $1)
             ON CONFLICT (key) DO UPDATE SET value = $1",
            &[&MIGRATIONS.len().to_string()],
        )
        .map_err(pg)?;
        // The centre's own salt, for the identity numbers of people added
        // at the centre itself (pushed people keep their township's hash).
        let salt = super::db::hex(&super::db::random_bytes::<16>()?);
        tx.execute(
            "INSERT INTO firstline_settings (key, value) VALUES ('id_salt', $1) ON CONFLICT (key) DO NOTHING",
            &[&salt],
        )
        .map_err(pg)?;
        tx.commit().map_err(pg)
    }

    /// The schema version the centre is at.
    pub fn version(&mut self) -> Result<u32> {
        let r = self
            .client
            .query_one("SELECT value FROM firstline_settings WHERE key = 'schema_version'", &[])
            .map_err(pg)?;
        r.get::<_, String>(0)
            .parse()
            .map_err(|_| StoreError::Invalid("the centre's schema version is not a number".into()))
    }

    /// Sends a township store's records, all in one transaction: a push cut
    /// off stores nothing, a push repeated stores nothing twice.
    pub fn push(&mut self, store: &Store) -> Result<Pushed> {
        let origin = store.store_id()?;
        let orgs = store.organisations()?;
        let people = store.people()?;
        let keep = store.keeps_id_numbers()?;
        let mut tx = self.client.transaction().map_err(pg)?;
        for o in &orgs {
            put_org(&mut tx, &Organisation { parent: None, ..o.clone() })?;
        }
        for o in orgs.iter().filter(|o| o.parent.is_some()) {
            put_org(&mut tx, o)?;
        }
        for p in &people {
            let org = match &p.organisation {
                Some(o) => Some(org_id(&mut tx, &o.code)?),
                None => None,
            };
            let clear = if keep { p.id_number.clone() } else { None };
            tx.execute(
                "INSERT INTO people (code, name, id_hash, id_number, organisation_id, post) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (code) DO UPDATE SET name = $2, id_hash = COALESCE($3, people.id_hash),
                    id_number = COALESCE($4, people.id_number), organisation_id = $5, post = $6",
                &[&p.code, &p.name, &p.id_hash, &clear, &org, &p.post],
            )
            .map_err(pg)?;
        }
        let conn = store.conn();
        let mut sessions = std::collections::BTreeMap::new();
        {
            let mut st = conn.prepare(
                "SELECT s.id, s.date, s.place, s.instructor, s.scenario_id, o.code, s.kind
                 FROM sessions s LEFT JOIN organisations o ON o.id = s.organisation_id ORDER BY s.id",
            )?;
            let rows = st.query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                ))
            })?;
            for row in rows {
                let (id, date, place, instructor, scenario, org, kind) = row?;
                let org = match org {
                    Some(code) => Some(org_id(&mut tx, &code)?),
                    None => None,
                };
                tx.execute(
                    "INSERT INTO sessions (date, place, instructor, scenario_id, organisation_id, kind, origin, origin_session)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (origin, origin_session) DO NOTHING",
                    &[&date, &place, &instructor, &scenario, &org, &kind, &origin, &id],
                )
                .map_err(pg)?;
                let at: i64 = tx
                    .query_one("SELECT id FROM sessions WHERE origin = $1 AND origin_session = $2", &[&origin, &id])
                    .map_err(pg)?
                    .get(0);
                sessions.insert(id, at);
            }
        }
        let (mut new_runs, mut known_runs) = (0, 0);
        let mut st = conn.prepare(
            "SELECT r.id, r.session_id, r.scenario_sha256, s.id, s.title_zh, s.source, r.build, r.seed, r.recorded_at,
                    r.log_deflate, r.log_sha256, r.report, r.score, r.level, r.batch_key
             FROM runs r JOIN scenarios s ON s.sha256 = r.scenario_sha256 ORDER BY r.id",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let session = r.get::<_, Option<i64>>(1)?.and_then(|s| sessions.get(&s).copied());
            let sha: String = r.get(2)?;
            tx.execute(
                "INSERT INTO scenarios (sha256, id, title_zh, source) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                &[&sha, &r.get::<_, String>(3)?, &r.get::<_, String>(4)?, &r.get::<_, Vec<u8>>(5)?],
            )
            .map_err(pg)?;
            let inserted = tx
                .query_opt(
                    "INSERT INTO runs (session_id, scenario_sha256, build, seed, recorded_at, log_deflate, log_sha256,
                        report, score, level, batch_key, origin, origin_run)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING RETURNING id",
                    &[
                        &session,
                        &sha,
                        &r.get::<_, String>(6)?,
                        &r.get::<_, i64>(7)?,
                        &r.get::<_, String>(8)?,
                        &r.get::<_, Vec<u8>>(9)?,
                        &r.get::<_, String>(10)?,
                        &r.get::<_, String>(11)?,
                        &r.get::<_, f64>(12)?,
                        &r.get::<_, String>(13)?,
                        &r.get::<_, Option<String>>(14)?,
                        &origin,
                        &id,
                    ],
                )
                .map_err(pg)?;
            let Some(new) = inserted else {
                known_runs += 1;
                continue;
            };
            let run: i64 = new.get(0);
            let mut seats = conn.prepare(
                "SELECT rr.role, rr.played_by, p.code, rr.score FROM run_roles rr
                 LEFT JOIN people p ON p.id = rr.person_id WHERE rr.run_id = ?1 ORDER BY rr.rowid",
            )?;
            let mut seat_rows = seats.query([id])?;
            while let Some(s) = seat_rows.next()? {
                let person = match s.get::<_, Option<String>>(2)? {
                    Some(code) => Some(person_id(&mut tx, &code)?),
                    None => None,
                };
                tx.execute(
                    "INSERT INTO run_roles (run_id, role, played_by, person_id, score) VALUES ($1, $2, $3, $4, $5)",
                    &[&run, &s.get::<_, String>(0)?, &s.get::<_, String>(1)?, &person, &s.get::<_, Option<f64>>(3)?],
                )
                .map_err(pg)?;
            }
            new_runs += 1;
        }
        drop(rows);
        let mut new_certificates = 0;
        for cert in store.certificates()? {
            let run: i64 = tx
                .query_one("SELECT id FROM runs WHERE origin = $1 AND origin_run = $2", &[&origin, &cert.run])
                .map_err(pg)?
                .get(0);
            let person = person_id(&mut tx, &cert.person)?;
            new_certificates += tx
                .execute(
                    "INSERT INTO certificates (id, run_id, person_id, issued, level, body) VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (id) DO NOTHING",
                    &[&cert.id, &run, &person, &cert.issued, &cert.level, &cert.body],
                )
                .map_err(pg)? as usize;
        }
        tx.commit().map_err(pg)?;
        Ok(Pushed { organisations: orgs.len(), people: people.len(), new_runs, known_runs, new_certificates })
    }

    /// Puts the teams and their leaders, and queues the jobs not queued
    /// before (a job is known by its key). Returns how many were new.
    pub fn enqueue(&mut self, teams: &[(Organisation, String, String)], jobs: &[Job]) -> Result<usize> {
        let mut tx = self.client.transaction().map_err(pg)?;
        for (org, leader, leader_name) in teams {
            put_org(&mut tx, org)?;
            let org = org_id(&mut tx, &org.code)?;
            tx.execute(
                "INSERT INTO people (code, name, organisation_id, post) VALUES ($1, $2, $3, '队长') ON CONFLICT (code) DO NOTHING",
                &[leader, leader_name, &org],
            )
            .map_err(pg)?;
        }
        let mut new = 0;
        for j in jobs {
            new += tx
                .execute(
                    "INSERT INTO assess_queue (key, team, leader, role, seed, scenario_name, scenario, log)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (key) DO NOTHING",
                    &[
                        &j.key,
                        &j.team,
                        &j.leader,
                        &j.role,
                        &j.seed.map(|s| s as i64),
                        &j.scenario_name,
                        &j.scenario,
                        &j.log,
                    ],
                )
                .map_err(pg)? as usize;
        }
        tx.commit().map_err(pg)?;
        Ok(new)
    }

    /// Takes one job no other worker holds, runs it with `run` while
    /// holding it, and stores its run and marks it done in one transaction.
    /// `None` when nothing is left to take; the job's key and its run (or
    /// why it failed: a failed job is kept with its reason, not retried).
    pub fn work_one(
        &mut self,
        taken: &mut dyn FnMut(&Job),
        run: &mut dyn FnMut(&Job) -> std::result::Result<Done, String>,
    ) -> Result<Option<(String, std::result::Result<i64, String>)>> {
        let mut tx = self.client.transaction().map_err(pg)?;
        let Some(r) = tx
            .query_opt(
                "SELECT key, team, leader, role, seed, scenario_name, scenario, log FROM assess_queue
                 WHERE run_id IS NULL AND error IS NULL ORDER BY key LIMIT 1 FOR UPDATE SKIP LOCKED",
                &[],
            )
            .map_err(pg)?
        else {
            tx.commit().map_err(pg)?;
            return Ok(None);
        };
        let job = Job {
            key: r.get(0),
            team: r.get(1),
            leader: r.get(2),
            role: r.get(3),
            seed: r.get::<_, Option<i64>>(4).map(|s| s as u64),
            scenario_name: r.get(5),
            scenario: r.get(6),
            log: r.get(7),
        };
        taken(&job);
        let outcome = match run(&job) {
            Ok(done) => {
                let id = store_run(&mut tx, &job, &done)?;
                tx.execute("UPDATE assess_queue SET run_id = $1 WHERE key = $2", &[&id, &job.key]).map_err(pg)?;
                Ok(id)
            }
            Err(e) => {
                tx.execute("UPDATE assess_queue SET error = $1 WHERE key = $2", &[&e, &job.key]).map_err(pg)?;
                Err(e)
            }
        };
        tx.commit().map_err(pg)?;
        Ok(Some((job.key, outcome)))
    }

    /// The run a job was stored as, with its report, if it is done.
    pub fn batch_run(&mut self, key: &str) -> Result<Option<(i64, Report)>> {
        let Some(r) = self
            .client
            .query_opt(
                "SELECT r.id, r.report FROM assess_queue q JOIN runs r ON r.id = q.run_id WHERE q.key = $1",
                &[&key],
            )
            .map_err(pg)?
        else {
            return Ok(None);
        };
        let report: String = r.get(1);
        let report = serde_json::from_str(&report)
            .map_err(|e| StoreError::Invalid(format!("a stored report does not read: {e}")))?;
        Ok(Some((r.get(0), report)))
    }

    /// How far the queue is.
    pub fn queue_state(&mut self) -> Result<QueueState> {
        let r =
            self.client.query_one("SELECT COUNT(*), COUNT(run_id), COUNT(error) FROM assess_queue", &[]).map_err(pg)?;
        Ok(QueueState {
            total: r.get::<_, i64>(0) as usize,
            done: r.get::<_, i64>(1) as usize,
            failed: r.get::<_, i64>(2) as usize,
        })
    }

    /// Every run's (id, batch key, origin, origin run, log SHA-256), by id.
    #[allow(clippy::type_complexity)]
    pub fn runs(&mut self) -> Result<Vec<(i64, Option<String>, Option<String>, Option<i64>, String)>> {
        let rows = self
            .client
            .query("SELECT id, batch_key, origin, origin_run, log_sha256 FROM runs ORDER BY id", &[])
            .map_err(pg)?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4))).collect())
    }

    /// A certificate the centre holds (the signed file's bytes), by id.
    pub fn certificate(&mut self, id: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.client.query_opt("SELECT body FROM certificates WHERE id = $1", &[&id]).map_err(pg)?.map(|r| r.get(0)))
    }

    /// A person's (code) runs with their role and that role's score.
    pub fn history(&mut self, person: &str) -> Result<Vec<(i64, String, Option<f64>)>> {
        let rows = self
            .client
            .query(
                "SELECT rr.run_id, rr.role, rr.score FROM run_roles rr JOIN people p ON p.id = rr.person_id
                 WHERE p.code = $1 ORDER BY rr.run_id",
                &[&person],
            )
            .map_err(pg)?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect())
    }
}

pub(super) fn put_org(tx: &mut Transaction, o: &Organisation) -> Result<()> {
    let parent = match &o.parent {
        Some(code) => Some(org_id(tx, code)?),
        None => None,
    };
    tx.execute(
        "INSERT INTO organisations (code, name, kind, category, claimed_grade, parent_id) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (code) DO UPDATE SET name = $2, kind = $3, category = $4, claimed_grade = $5,
            parent_id = COALESCE($6, organisations.parent_id)",
        &[&o.code, &o.name, &o.kind.as_str(), &o.category, &o.claimed_grade, &parent],
    )
    .map_err(pg)?;
    Ok(())
}

pub(super) fn org_id(tx: &mut Transaction, code: &str) -> Result<i64> {
    tx.query_opt("SELECT id FROM organisations WHERE code = $1", &[&code])
        .map_err(pg)?
        .map(|r| r.get(0))
        .ok_or_else(|| StoreError::NotFound(format!("no organisation `{code}` at the centre")))
}

pub(super) fn person_id(tx: &mut Transaction, code: &str) -> Result<i64> {
    tx.query_opt("SELECT id FROM people WHERE code = $1", &[&code])
        .map_err(pg)?
        .map(|r| r.get(0))
        .ok_or_else(|| StoreError::NotFound(format!("no person `{code}` at the centre")))
}

/// A job's run, stored whole inside the job's transaction.
fn store_run(tx: &mut Transaction, job: &Job, done: &Done) -> Result<i64> {
    insert_run(tx, &job.scenario, &done.log, &done.report, &done.seats, None, Some(&job.key))
}

/// A run inserted in `tx`: its scenario (once per SHA-256), the run and
/// every seat. The caller commits.
pub(super) fn insert_run(
    tx: &mut Transaction,
    scenario_source: &[u8],
    log: &[u8],
    report: &Report,
    seats: &[(String, RoleSeat)],
    session: Option<i64>,
    batch_key: Option<&str>,
) -> Result<i64> {
    let sha = crate::scenario::load::sha256_hex(scenario_source);
    if sha != report.scenario.sha256 {
        return Err(StoreError::Invalid("the report is not of this scenario (SHA-256 differs)".into()));
    }
    let log_sha = crate::scenario::load::sha256_hex(log);
    if log_sha != report.event_log_sha256 {
        return Err(StoreError::Invalid(
            "the event log is not the one the report was made from (SHA-256 differs)".into(),
        ));
    }
    let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(log).and_then(|_| z.flush()).map_err(|e| StoreError::Io(e.to_string()))?;
    let deflated = z.finish().map_err(|e| StoreError::Io(e.to_string()))?;
    let json = serde_json::to_string(report).map_err(|e| StoreError::Invalid(format!("the report: {e}")))?;
    let r = report;
    tx.execute(
        "INSERT INTO scenarios (sha256, id, title_zh, source) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        &[&sha, &r.scenario.id, &r.scenario.title_zh, &scenario_source],
    )
    .map_err(pg)?;
    let c = &r.scoring;
    let id: i64 = tx
        .query_one(
            "INSERT INTO runs (session_id, scenario_sha256, build, seed, recorded_at, log_deflate, log_sha256, report, score, level, batch_key)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            &[&session, &sha, &r.build, &(r.seed as i64), &today(), &deflated, &log_sha, &json, &c.score, &c.level_zh, &batch_key],
        )
        .map_err(pg)?
        .get(0);
    for (role, seat) in seats {
        let score = c.roles.iter().find(|x| &x.role == role).and_then(|x| x.score);
        let (by, person) = match seat {
            RoleSeat::Person(code) => ("person", Some(person_id(tx, code)?)),
            RoleSeat::PlanFollower => ("plan_follower", None),
            RoleSeat::Nobody => ("nobody", None),
        };
        tx.execute(
            "INSERT INTO run_roles (run_id, role, played_by, person_id, score) VALUES ($1, $2, $3, $4, $5)",
            &[&id, role, &by, &person, &score],
        )
        .map_err(pg)?;
    }
    Ok(id)
}
