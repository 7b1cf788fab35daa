//! Records and certificates as a face: a recorded run is replayed before it
//! is stored (a log that does not reproduce is no record), the people in
//! its seats are named, a stored run is certified for one of them, and a
//! certificate is checked — signature and key first, then the drill re-run
//! from the certificate's own scenario text and orders and compared.
//!
//! A face over `headless::run`, `record::store` and `record::certificate`;
//! may not touch sim state.

use crate::headless::{RunOptions, run};
use crate::record::certificate::{
    CERTIFICATE_VERSION, Certificate, Claims, Finding, Order, OrganisationClaim, PersonClaim, Rerun,
};
use crate::record::replay::{self, Recorded};
use crate::record::store::{NewRun, NewSession, Records, RoleSeat, Store};
use crate::roles::plans::NpcRoles;
use crate::scenario::Loaded;
use crate::scenario::schema::DrillKind;
use crate::sim::orders::Source;
use ed25519_dalek::{SigningKey, VerifyingKey};
use std::path::Path;

/// Who sat in each role of a recorded run: the software's roles from the
/// log's header, the named people in theirs, nobody in the rest. A role a
/// person gave orders in must be named. A role the software was given in
/// the header but that was taken over from it in the log (a classroom
/// seat's, the instructor's console's) was a person's: it may be named.
pub fn seats(
    loaded: &Loaded,
    recorded: &Recorded,
    people: &[(String, String)],
) -> Result<Vec<(String, RoleSeat)>, String> {
    let follower = |role: &str| recorded.header.plan_followers.iter().any(|f| f.0 == role);
    let taken = |role: &str| {
        recorded
            .commands
            .iter()
            .any(|c| matches!(c.action(), crate::scenario::schema::Action::TakeOver { role: r } if r == role))
    };
    for (role, _) in people {
        if !loaded.scenario.roles.iter().any(|r| &r.id == role) {
            return Err(format!("no role `{role}` in this drill"));
        }
        if follower(role) && !taken(role) {
            return Err(format!("`{role}` was played by the software in this run, not by a person"));
        }
    }
    let mut out = Vec::new();
    for r in &loaded.scenario.roles {
        let named = people.iter().find(|(role, _)| role == &r.id);
        let seat = match named {
            Some((_, code)) if !follower(&r.id) || taken(&r.id) => RoleSeat::Person(code.clone()),
            _ if follower(&r.id) => RoleSeat::PlanFollower,
            _ if recorded.commands.iter().any(|c| c.role().0 == r.id && c.source() == Source::Trainee) => {
                return Err(format!("a person played `{}` in this run: name them (--seat {}=CODE)", r.id, r.id));
            }
            _ => RoleSeat::Nobody,
        };
        out.push((r.id.clone(), seat));
    }
    Ok(out)
}

/// Replays a recorded run and stores it with its seats; a log that does
/// not reproduce, or a run not ended, is refused. Returns the run's number.
pub fn record(
    store: &mut dyn Records,
    loaded: &Loaded,
    scenario_source: &[u8],
    log: &[u8],
    people: &[(String, String)],
    session: Option<NewSession>,
) -> Result<i64, String> {
    let recorded = replay::read_log(&String::from_utf8_lossy(log))?;
    if recorded.ended_s.is_none() {
        return Err(format!(
            "the log ends at {} s without `drill_ended`: only finished runs are recorded",
            recorded.last_s()
        ));
    }
    let seats = seats(loaded, &recorded, people)?;
    let outcome = run(loaded, &RunOptions::replaying(&recorded), &mut |_, _| {}).map_err(|e| e.to_string())?;
    if let Some(d) = replay::first_difference(&recorded.events, &outcome.events) {
        return Err(format!("the log does not replay, so it is not recorded:\n{d}"));
    }
    let report = outcome.report;
    // The office's word on the drill's kind, else the scenario author's, else special.
    let session = session.map(|s| NewSession {
        kind: Some(s.kind.or(loaded.scenario.meta.drill_kind).unwrap_or(DrillKind::Special)),
        ..s
    });
    // Same events, and the same bytes: a certificate states the hash of the
    // log the drill writes, which its re-run must give again.
    if report.event_log_sha256 != crate::scenario::load::sha256_hex(log) {
        return Err("the log's events replay, but its bytes are not those the drill writes (was it edited or re-saved?); store the log as the drill wrote it".into());
    }
    store
        .store_run(&NewRun { scenario_source, log, report: &report, seats, session, batch_key: None })
        .map_err(|e| e.to_string())
}

/// Stores a finished drill from its log file (a window's): its scenario is
/// the candidate (bytes, folder) whose SHA-256 the log names; `person` (a
/// code or an identity number) played `role`; `org` (a code), when named,
/// held the drill today (a session of the scenario's kind, so it counts in
/// that organisation's compliance). Returns the run's number.
pub fn record_log_file(
    log: &Path,
    scenarios: Vec<(Vec<u8>, std::path::PathBuf)>,
    db: &Path,
    (role, person): (&str, &str),
    org: Option<&str>,
) -> Result<i64, String> {
    record_log_file_seats(log, scenarios, db, &[(role.to_owned(), person.to_owned())], org)
}

/// `record_log_file` for a drill several people played (a classroom's):
/// each (role, person) of `people` in one run.
pub fn record_log_file_seats(
    log: &Path,
    scenarios: Vec<(Vec<u8>, std::path::PathBuf)>,
    db: &Path,
    people: &[(String, String)],
    org: Option<&str>,
) -> Result<i64, String> {
    let bytes = std::fs::read(log).map_err(|e| format!("{}: {e}", log.display()))?;
    let header = replay::read_log(&String::from_utf8_lossy(&bytes))?.header;
    let (source, base) = scenarios
        .into_iter()
        .find(|(b, _)| crate::scenario::load::sha256_hex(b) == header.scenario_sha256)
        .ok_or_else(|| format!("the scenario file of {} is not at hand", header.scenario))?;
    let loaded = crate::scenario::load_bytes(&header.scenario, &source, &base).map_err(|r| r.render())?;
    let mut store = Store::open(db).map_err(|e| format!("{}: {e}", db.display()))?;
    let mut seats = Vec::new();
    for (role, person) in people {
        seats.push((role.clone(), store.person(person).map_err(|e| e.to_string())?.code));
    }
    let session = org.map(|o| NewSession {
        date: crate::record::store::today(),
        organisation: Some(o.to_owned()),
        ..Default::default()
    });
    record(&mut store, &loaded, &source, &bytes, &seats, session)
}

/// The claims of a certificate for `person` on stored run `run_id`.
pub fn claims(store: &Store, run_id: i64, person: &str, issuer: &str, issued: &str) -> Result<Claims, String> {
    let stored = store.run(run_id).map_err(|e| e.to_string())?;
    let who = store.person(person).map_err(|e| e.to_string())?;
    let Some((role, _, role_score)) = stored.row.roles.iter().find(|(_, by, _)| by == &who.code) else {
        return Err(format!("{} ({}) did not play in run {run_id}", who.name, who.code));
    };
    let recorded = replay::read_log(&String::from_utf8_lossy(&stored.log))?;
    if recorded.ended_s.is_none() {
        return Err(format!("run {run_id} did not end; only finished runs are certified"));
    }
    let c = &stored.report.scoring;
    if c.level == crate::scenario::schema::Level::Fail {
        return Err(format!(
            "run {run_id} was assessed {} ({:.1}): no certificate is issued for it; the record stays",
            c.level_zh, c.score
        ));
    }
    let scenario_source = String::from_utf8(stored.scenario_source.clone())
        .map_err(|_| "the stored scenario is not UTF-8 text".to_owned())?;
    let role_title = crate::scenario::load::parse("stored", scenario_source.as_bytes())
        .ok()
        .and_then(|(s, _)| s.roles.iter().find(|r| &r.id == role).map(|r| r.name.zh.clone()))
        .unwrap_or_else(|| role.clone());
    Ok(Claims {
        firstline_certificate: CERTIFICATE_VERSION,
        id: String::new(),
        issued: issued.to_owned(),
        drilled: stored.row.recorded_at.clone(),
        issuer: issuer.to_owned(),
        person: PersonClaim { code: who.code.clone(), name: who.name.clone(), id_hash: who.id_hash.clone() },
        organisation: who.organisation.as_ref().map(|o| OrganisationClaim {
            code: o.code.clone(),
            name: o.name.clone(),
            kind: o.kind,
        }),
        role: role.clone(),
        role_title,
        scenario: stored.report.scenario.clone(),
        scenario_source,
        build: stored.build.clone(),
        seed: stored.report.seed,
        until_s: recorded.duration_s(),
        plan_followers: recorded.header.plan_followers.clone(),
        competence: recorded.header.competence,
        branch: recorded.header.branch.clone(),
        orders: recorded.commands.iter().map(Order::of).collect(),
        event_log_sha256: stored.log_sha256.clone(),
        score: c.score,
        role_score: *role_score,
        level: c.level_zh.clone(),
        run: run_id,
    })
}

/// Issues a signed certificate.
pub fn certify(
    store: &Store,
    run_id: i64,
    person: &str,
    key: &SigningKey,
    issuer: &str,
) -> Result<Certificate, String> {
    let claims = claims(store, run_id, person, issuer, &crate::record::store::today())?;
    Ok(Certificate::sign(claims, key))
}

/// What checking a certificate found.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub findings: Vec<Finding>,
    /// Said but not failures (another build that reproduces, no office key given).
    pub notes: Vec<String>,
    pub rerun: Option<Rerun>,
}

impl Verdict {
    pub fn holds(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Checks a certificate: the signature, the key against the office's (when
/// given), then the drill re-run from the embedded scenario and orders.
/// `base_dir` resolves the scenario's relative asset paths.
pub fn verify(cert: &Certificate, office: Option<&VerifyingKey>, base_dir: &Path) -> Verdict {
    let mut findings = crate::record::certificate::check_signature(cert, office);
    let mut notes = Vec::new();
    if office.is_none() {
        notes.push(format!(
            "no office key given (--pubkey): the signature was checked against the key the certificate carries ({}); compare that fingerprint with the issuing office's",
            cert.key_fingerprint
        ));
    }
    let c = &cert.claims;
    let this = crate::sim::build_id();
    let rerun = match crate::scenario::load_bytes(&c.scenario.id, c.scenario_source.as_bytes(), base_dir) {
        Ok(loaded) => {
            let opts = RunOptions {
                seed: Some(c.seed),
                until_s: c.until_s.map(|d| d.min(u32::MAX as u64) as u32),
                npc: NpcRoles::Only(c.plan_followers.iter().map(|r| r.to_string()).collect()),
                competence: c.competence,
                commands: c.orders.iter().map(Order::command).collect(),
                branch: c.branch.clone(),
                ..Default::default()
            };
            match run(&loaded, &opts, &mut |_, _| {}) {
                Ok(o) => Some(Rerun {
                    event_log_sha256: o.report.event_log_sha256,
                    score: o.report.scoring.score,
                    level: o.report.scoring.level_zh,
                }),
                Err(e) => {
                    notes.push(format!("the drill could not be re-run: {e}"));
                    None
                }
            }
        }
        Err(r) => {
            notes.push(format!("the embedded scenario does not load:\n{}", r.render()));
            None
        }
    };
    match &rerun {
        Some(r) => {
            findings.extend(crate::record::certificate::compare_rerun(c, r, &this));
            if c.build != this && findings.is_empty() {
                notes.push(format!("certified with `{}`; this build (`{this}`) reproduces it", c.build));
            }
        }
        None => findings.push(Finding::LogDiffers { stated: c.event_log_sha256.clone(), rerun: "(no re-run)".into() }),
    }
    Verdict { findings, notes, rerun }
}
