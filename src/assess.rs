//! Graded assessment of volunteer teams (社会应急力量分级分类测评): a roster
//! names the teams, their category and claimed grade, and for each team the
//! drills of its category with the command log its leader's seat gave. Each
//! (team, drill) is run — the team's role from its log, every other role by
//! its plan follower at its best — in parallel, scored by the drill's
//! rubric, and stored whole as it finishes, under a key of its roster entry
//! (team, role, scenario bytes, log bytes, seed): run again after an
//! interruption (Ctrl-C, kill -9), the batch does only what is not stored.
//! A team's grade is the band its weakest drill's level allows; the table
//! ranks the teams and lists each failed metric.
//!
//! A large assessment spreads over machines: `enqueue` puts the runs in a
//! PostgreSQL centre's queue, `work` on each machine takes them one at a
//! time (see `record::store::centre`), `grade_at_centre` ranks from there.
//!
//! A face over `headless::run` and the store; may not touch sim state.

use crate::headless::{RunOptions, run};
use crate::record::replay;
use crate::record::report::Report;
use crate::record::store::{Centre, Done, Job, NewRun, Organisation, RoleSeat, Store};
use crate::roles::plans::NpcRoles;
use crate::scenario::schema::Level;
use rayon::prelude::*;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// A roster file (RON).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Roster {
    pub title: String,
    /// The grade each level earns (default: 优秀 → 一级, 良好 → 二级, 合格 → 三级).
    #[serde(default)]
    pub bands: Option<Bands>,
    pub categories: Vec<Category>,
    /// Teams written in the roster itself…
    #[serde(default)]
    pub teams: Vec<Team>,
    /// …and/or a CSV table of teams as offices keep it (UTF-8, a BOM is
    /// fine; headers 队伍编号, 队伍名称, 类别, 申报等级, 队长编号, 队长姓名,
    /// 指令记录 — or code, name, category, claimed_grade, leader,
    /// leader_name, logs — the logs of one team separated by `;`).
    #[serde(default)]
    pub teams_csv: Option<PathBuf>,
}

/// Grade names by level.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bands {
    pub excellent: String,
    pub good: String,
    pub pass: String,
}

impl Default for Bands {
    fn default() -> Self {
        Bands { excellent: "一级".into(), good: "二级".into(), pass: "三级".into() }
    }
}

impl Bands {
    /// The grade a level earns (`None`: no grade).
    pub fn grade(&self, level: Level) -> Option<&str> {
        match level {
            Level::Excellent => Some(&self.excellent),
            Level::Good => Some(&self.good),
            Level::Pass => Some(&self.pass),
            Level::Fail => None,
        }
    }
}

/// A category and its drills (each scenario file with the role a team plays).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub name: String,
    pub drills: Vec<Drill>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Drill {
    pub scenario: PathBuf,
    /// The role the team's leader plays.
    pub role: String,
    #[serde(default)]
    pub seed: Option<u64>,
}

/// A team, its leader and its command log for each of its category's drills.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    pub code: String,
    pub name: String,
    pub category: String,
    #[serde(default)]
    pub claimed_grade: Option<String>,
    /// The leader's person code in the records (added when absent).
    pub leader: String,
    #[serde(default)]
    pub leader_name: Option<String>,
    /// One event log per drill of the category, in the category's order.
    pub logs: Vec<PathBuf>,
}

/// One (team, drill) of a roster, ready to run.
#[derive(Debug, Clone)]
pub struct Entry {
    pub team: usize,
    pub drill: usize,
    pub scenario: PathBuf,
    pub role: String,
    pub seed: Option<u64>,
    pub log: PathBuf,
    pub key: String,
}

/// A team's result on one drill.
#[derive(Debug, Clone)]
pub struct DrillResult {
    pub scenario: String,
    /// Its run in the records (0: not run).
    pub run: i64,
    pub role_score: Option<f64>,
    pub score: f64,
    pub level: String,
    /// Applicable metrics it failed.
    pub failed: Vec<String>,
}

/// A team's result.
#[derive(Debug, Clone)]
pub struct TeamResult {
    pub code: String,
    pub name: String,
    pub category: String,
    pub claimed: Option<String>,
    pub drills: Vec<DrillResult>,
    /// The weakest level, and the grade it earns.
    pub level: Level,
    pub grade: Option<String>,
}

/// Reads a roster, with the teams of its CSV table if it names one; paths
/// in it (and in the table) are relative to the roster's folder.
pub fn read(path: &Path) -> Result<(Roster, PathBuf), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut roster: Roster = crate::scenario::load::ron_options()
        .from_str(&text)
        .map_err(|e| format!("{}:{}:{}: {}", path.display(), e.span.start.line, e.span.start.col, e.code))?;
    let base = path.parent().map(Path::to_owned).unwrap_or_default();
    if let Some(csv) = &roster.teams_csv {
        let csv = base.join(csv);
        let bytes = std::fs::read(&csv).map_err(|e| format!("{}: {e}", csv.display()))?;
        roster.teams.extend(read_teams_csv(&csv, &bytes)?);
    }
    if roster.teams.is_empty() {
        return Err(format!("{}: the roster names no team (`teams` or `teams_csv`)", path.display()));
    }
    let mut seen = std::collections::BTreeSet::new();
    if let Some(t) = roster.teams.iter().find(|t| !seen.insert(t.code.as_str())) {
        return Err(format!("{}: team {} is named twice", path.display(), t.code));
    }
    Ok((roster, base))
}

/// The headers each column of a teams table may have (Chinese first).
const TEAM_COLS: [(&str, &[&str], bool); 7] = [
    ("code", &["队伍编号", "编号", "code"], true),
    ("name", &["队伍名称", "名称", "name"], true),
    ("category", &["类别", "测评类别", "category"], true),
    ("claimed_grade", &["申报等级", "claimed_grade"], false),
    ("leader", &["队长编号", "leader"], true),
    ("leader_name", &["队长姓名", "队长", "leader_name"], false),
    ("logs", &["指令记录", "logs"], true),
];

/// The teams of a CSV table; a row with a required cell empty, or a table
/// without a required column, is an error naming the file and line.
pub fn read_teams_csv(path: &Path, bytes: &[u8]) -> Result<Vec<Team>, String> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}');
    let mut rd = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = rd.headers().map_err(|e| format!("{}: {e}", path.display()))?.clone();
    let mut cols = Vec::new();
    for (field, names, required) in TEAM_COLS {
        let at = headers.iter().position(|h| names.contains(&h));
        if at.is_none() && required {
            return Err(format!(
                "{}:1: no column {} ({field}); the header has {}",
                path.display(),
                names[0],
                headers.iter().collect::<Vec<_>>().join(", ")
            ));
        }
        cols.push(at);
    }
    let mut teams = Vec::new();
    for row in rd.records() {
        let row = row.map_err(|e| format!("{}: {e}", path.display()))?;
        let line = row.position().map_or(0, |p| p.line());
        let cell = |k: usize| cols[k].and_then(|c| row.get(c)).map(str::trim).filter(|s| !s.is_empty());
        let need = |k: usize| {
            cell(k)
                .map(str::to_owned)
                .ok_or_else(|| format!("{}:{line}: {} is empty", path.display(), TEAM_COLS[k].1[0]))
        };
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let logs: Vec<PathBuf> =
            need(6)?.split([';', '；']).map(str::trim).filter(|s| !s.is_empty()).map(PathBuf::from).collect();
        teams.push(Team {
            code: need(0)?,
            name: need(1)?,
            category: need(2)?,
            claimed_grade: cell(3).map(str::to_owned),
            leader: need(4)?,
            leader_name: cell(5).map(str::to_owned),
            logs,
        });
    }
    Ok(teams)
}

/// The entries of a roster, checked: every team's category exists, and it
/// has one log per drill of it. The key of an entry is the SHA-256 of its
/// team, role, seed, scenario bytes and log bytes.
pub fn entries(roster: &Roster, base: &Path) -> Result<Vec<Entry>, String> {
    let mut out = Vec::new();
    for (t, team) in roster.teams.iter().enumerate() {
        let Some(cat) = roster.categories.iter().find(|c| c.name == team.category) else {
            return Err(format!("team {}: no category `{}` in the roster", team.code, team.category));
        };
        if team.logs.len() != cat.drills.len() {
            return Err(format!(
                "team {}: {} logs for the {} drills of {}",
                team.code,
                team.logs.len(),
                cat.drills.len(),
                cat.name
            ));
        }
        for (d, (drill, log)) in cat.drills.iter().zip(&team.logs).enumerate() {
            let scenario = base.join(&drill.scenario);
            let log = base.join(log);
            let read = |p: &Path| std::fs::read(p).map_err(|e| format!("team {}: {}: {e}", team.code, p.display()));
            let mut h = format!("{}\n{}\n{:?}\n", team.code, drill.role, drill.seed).into_bytes();
            h.extend(crate::scenario::load::sha256_hex(&read(&scenario)?).bytes());
            h.extend(crate::scenario::load::sha256_hex(&read(&log)?).bytes());
            let key = crate::scenario::load::sha256_hex(&h);
            out.push(Entry { team: t, drill: d, scenario, role: drill.role.clone(), seed: drill.seed, log, key });
        }
    }
    Ok(out)
}

/// Runs one (team, drill): the team's role from the orders its leader's
/// seat gave in `log`, every other role by its plan follower at its best;
/// `scenario` is the drill's bytes (`base`: where its files are found).
pub fn run_job(
    scenario: &[u8],
    name: &str,
    base: &Path,
    role: &str,
    seed: Option<u64>,
    log: &[u8],
    leader: &str,
    scratch: &Path,
) -> Result<Done, String> {
    let loaded = crate::scenario::load_bytes(name, scenario, base).map_err(|r| r.render())?;
    if !loaded.scenario.roles.iter().any(|r| r.id == role) {
        return Err(format!("{name}: no role `{role}`"));
    }
    let recorded = replay::read_log(&String::from_utf8_lossy(log))?;
    // The team's orders only, from the team's seat.
    let commands = recorded.commands.into_iter().filter(|c| c.role().0 == role).collect();
    // A scratch file of this call's own: the same scenario, log and role
    // may run at once under two seeds (or twice) on the pool's threads.
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let key = crate::scenario::load::sha256_hex(&[scenario, log, role.as_bytes()].concat());
    let path = scratch.join(format!("firstline-assess-{}-{call}-{}.log.jsonl", std::process::id(), &key[..16]));
    let followers = loaded.scenario.roles.iter().filter(|r| r.id != role).map(|r| r.id.clone()).collect();
    let opts =
        RunOptions { seed, log: Some(path.clone()), npc: NpcRoles::Only(followers), commands, ..Default::default() };
    let outcome = run(&loaded, &opts, &mut |_, _| {}).map_err(|err| err.to_string());
    let bytes = std::fs::read(&path).map_err(|err| format!("{}: {err}", path.display()));
    let _ = std::fs::remove_file(&path);
    let (outcome, bytes) = (outcome?, bytes?);
    let seats = loaded
        .scenario
        .roles
        .iter()
        .map(|r| {
            let seat = if r.id == role { RoleSeat::Person(leader.to_owned()) } else { RoleSeat::PlanFollower };
            (r.id.clone(), seat)
        })
        .collect();
    Ok(Done { log: bytes, report: outcome.report, seats })
}

/// Runs one entry and stores it (whole, in one transaction); its run number.
fn run_entry(store: &std::sync::Mutex<Store>, team: &Team, e: &Entry, scratch: &Path) -> Result<i64, String> {
    let source = std::fs::read(&e.scenario).map_err(|err| format!("{}: {err}", e.scenario.display()))?;
    let log = std::fs::read(&e.log).map_err(|err| format!("{}: {err}", e.log.display()))?;
    let name = e.scenario.display().to_string();
    let base = e.scenario.parent().unwrap_or(Path::new("."));
    let done = run_job(&source, &name, base, &e.role, e.seed, &log, &team.leader, scratch)
        .map_err(|err| format!("{}: {err}", e.log.display()))?;
    let mut store = store.lock().map_err(|_| "the store's lock was poisoned".to_owned())?;
    store
        .store_run(&NewRun {
            scenario_source: &source,
            log: &done.log,
            report: &done.report,
            seats: done.seats,
            session: None,
            batch_key: Some(e.key.clone()),
        })
        .map_err(|err| err.to_string())
}

/// The team's organisation as the records keep it.
fn team_org(team: &Team) -> Organisation {
    Organisation {
        code: team.code.clone(),
        name: team.name.clone(),
        kind: crate::record::store::OrgKind::Team,
        category: Some(team.category.clone()),
        claimed_grade: team.claimed_grade.clone(),
        parent: None,
    }
}

fn leader_name(team: &Team) -> String {
    team.leader_name.clone().unwrap_or_else(|| format!("{} 队长", team.name))
}

/// Runs what of the roster is not yet stored (`threads` at once), calling
/// `done(entry, run or error)` as each finishes; then reads every entry's
/// run back and grades the teams, best first.
pub fn assess(
    store: Store,
    roster: &Roster,
    entries: &[Entry],
    threads: usize,
    scratch: &Path,
    done: &(dyn Fn(&Entry, &Result<i64, String>) + Sync),
) -> Result<(Vec<TeamResult>, usize), String> {
    let store = std::sync::Mutex::new(store);
    {
        let mut s = store.lock().map_err(|_| "lock")?;
        for team in &roster.teams {
            s.put_organisation(&team_org(team)).map_err(|e| e.to_string())?;
            if s.person(&team.leader).is_err() {
                s.put_person(&crate::record::store::NewPerson {
                    code: team.leader.clone(),
                    name: leader_name(team),
                    organisation: Some(team.code.clone()),
                    post: Some("队长".into()),
                    ..Default::default()
                })
                .map_err(|e| e.to_string())?;
            }
        }
    }
    let pending: Vec<&Entry> = {
        let s = store.lock().map_err(|_| "lock")?;
        entries.iter().filter(|e| !matches!(s.batch_run(&e.key), Ok(Some(_)))).collect()
    };
    let n = pending.len();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads.max(1)).build().map_err(|e| e.to_string())?;
    pool.install(|| {
        pending.par_iter().for_each(|e| {
            let r = run_entry(&store, &roster.teams[e.team], e, scratch);
            done(e, &r);
        })
    });
    let store = store.into_inner().map_err(|_| "lock")?;
    let results = grade(roster, entries, &mut |key| match store.batch_run(key).map_err(|e| e.to_string())? {
        Some(id) => Ok(Some((id, store.run(id).map_err(|e| e.to_string())?.report))),
        None => Ok(None),
    })?;
    Ok((results, n))
}

/// Queues the roster's runs at a centre (those not queued before); returns
/// how many were new.
pub fn enqueue(centre: &mut Centre, roster: &Roster, entries: &[Entry]) -> Result<usize, String> {
    let teams: Vec<_> = roster.teams.iter().map(|t| (team_org(t), t.leader.clone(), leader_name(t))).collect();
    let mut jobs = Vec::new();
    for e in entries {
        let read = |p: &Path| std::fs::read(p).map_err(|err| format!("{}: {err}", p.display()));
        jobs.push(Job {
            key: e.key.clone(),
            team: roster.teams[e.team].code.clone(),
            leader: roster.teams[e.team].leader.clone(),
            role: e.role.clone(),
            seed: e.seed,
            scenario_name: e.scenario.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            scenario: read(&e.scenario)?,
            log: read(&e.log)?,
        });
    }
    centre.enqueue(&teams, &jobs).map_err(|e| e.to_string())
}

/// A worker: takes the centre's queued runs one at a time until none is
/// left, running each drill here (`base`: where a scenario's files are
/// found), calling `taken` as it takes one and `done` as it stores it.
/// Returns how many it ran.
pub fn work(
    centre: &mut Centre,
    base: &Path,
    scratch: &Path,
    taken: &mut dyn FnMut(&Job),
    done: &mut dyn FnMut(&str, &Result<i64, String>),
) -> Result<usize, String> {
    let mut n = 0;
    loop {
        let mut run =
            |j: &Job| run_job(&j.scenario, &j.scenario_name, base, &j.role, j.seed, &j.log, &j.leader, scratch);
        match centre.work_one(taken, &mut run).map_err(|e| e.to_string())? {
            Some((key, r)) => {
                n += 1;
                done(&key, &r);
            }
            None => return Ok(n),
        }
    }
}

/// The roster graded from the centre's stored runs (an entry not run yet
/// counts as not run).
pub fn grade_at_centre(centre: &mut Centre, roster: &Roster, entries: &[Entry]) -> Result<Vec<TeamResult>, String> {
    grade(roster, entries, &mut |key| centre.batch_run(key).map_err(|e| e.to_string()))
}

/// Grades every team from its entries' runs (`lookup`: an entry's key →
/// its run number and report, if run), best first.
#[allow(clippy::type_complexity)]
fn grade(
    roster: &Roster,
    entries: &[Entry],
    lookup: &mut dyn FnMut(&str) -> Result<Option<(i64, Report)>, String>,
) -> Result<Vec<TeamResult>, String> {
    let bands = roster.bands.clone().unwrap_or_default();
    let mut results = Vec::new();
    for (t, team) in roster.teams.iter().enumerate() {
        let mut drills = Vec::new();
        let mut level = Level::Excellent;
        for e in entries.iter().filter(|e| e.team == t) {
            let Some((id, report)) = lookup(&e.key)? else {
                drills.push(DrillResult {
                    scenario: e.scenario.display().to_string(),
                    run: 0,
                    role_score: None,
                    score: 0.0,
                    level: "未完成".into(),
                    failed: vec!["not run".into()],
                });
                level = Level::Fail;
                continue;
            };
            let c = &report.scoring;
            level = level.min(c.level);
            let role_score = c.roles.iter().find(|r| r.role == e.role).and_then(|r| r.score);
            let failed =
                c.metrics.iter().filter(|m| m.applicable && !m.passed).map(|m| m.id.clone()).collect::<Vec<_>>();
            drills.push(DrillResult {
                scenario: report.scenario.id.clone(),
                run: id,
                role_score,
                score: c.score,
                level: c.level_zh.clone(),
                failed,
            });
        }
        results.push(TeamResult {
            code: team.code.clone(),
            name: team.name.clone(),
            category: team.category.clone(),
            claimed: team.claimed_grade.clone(),
            grade: bands.grade(level).map(str::to_owned),
            level,
            drills,
        });
    }
    // Best first: level, then the mean of the overall scores; code breaks ties.
    let mean = |r: &TeamResult| r.drills.iter().map(|d| d.score).sum::<f64>() / r.drills.len().max(1) as f64;
    results.sort_by(|a, b| b.level.cmp(&a.level).then(mean(b).total_cmp(&mean(a))).then(a.code.cmp(&b.code)));
    Ok(results)
}

/// The ranked table as rows (for printing and export).
pub fn table(results: &[TeamResult]) -> Vec<[String; 8]> {
    let mut rows = vec![[
        "名次".to_owned(),
        "队伍".into(),
        "类别".into(),
        "申报等级".into(),
        "测评等级".into(),
        "科目得分".into(),
        "记录号".into(),
        "未通过指标".into(),
    ]];
    for (k, r) in results.iter().enumerate() {
        rows.push([
            (k + 1).to_string(),
            format!("{} {}", r.code, r.name),
            r.category.clone(),
            r.claimed.clone().unwrap_or_default(),
            r.grade.clone().unwrap_or_else(|| "不定级".into()),
            r.drills
                .iter()
                .map(|d| format!("{} {:.1} {}", d.scenario, d.score, d.level))
                .collect::<Vec<_>>()
                .join("; "),
            r.drills.iter().map(|d| d.run.to_string()).collect::<Vec<_>>().join(","),
            r.drills.iter().flat_map(|d| d.failed.iter().cloned()).collect::<Vec<_>>().join(", "),
        ]);
    }
    rows
}
