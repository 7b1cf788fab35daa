//! `firstline records …`, `keys init`, `certify RUN --person ID` and
//! `verify CERT`: the records store and the office's certificates from the
//! command line. Exit codes: 0 done (a certificate that holds), 1 a write
//! failed, 2 bad input, 3 a certificate that does not hold.
//!
//! May not touch: sim state.

use clap::Subcommand;
use firstline::certify;
use firstline::record::atomic;
use firstline::record::certificate::{Certificate, keys};
use firstline::record::store::{self, NewPerson, NewSession, Organisation, Records, Store};
use firstline::scenario::schema::DrillKind;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum RecordsCmd {
    /// Add (or update) an organisation: a township, a village or a volunteer team.
    AddOrg {
        code: String,
        name: String,
        /// township, village or team (乡镇, 村, 队伍).
        #[arg(long)]
        kind: String,
        /// A team's category (e.g. 水上搜救).
        #[arg(long)]
        category: Option<String>,
        /// The grade a team claims (e.g. 一级).
        #[arg(long)]
        grade: Option<String>,
        /// The organisation it belongs to (a village's township), by code.
        #[arg(long)]
        parent: Option<String>,
    },
    /// Add (or update) a person; the identity number is kept only as a salted hash.
    AddPerson {
        /// The office's number for the person.
        code: String,
        name: String,
        #[arg(long)]
        id_number: Option<String>,
        /// Their organisation's code.
        #[arg(long)]
        org: Option<String>,
        /// Their post (镇长, 网格员, 队长…).
        #[arg(long)]
        post: Option<String>,
    },
    /// Import people or organisations from CSV (headers 编号,姓名,身份证号,单位,岗位
    /// or 编号,名称,类型,类别,申报等级,上级单位) or RON; all rows or none.
    Import { file: PathBuf },
    /// List people, organisations, runs or the certificates issued.
    List {
        #[arg(value_parser = ["people", "orgs", "runs", "certificates"], default_value = "people")]
        what: String,
    },
    /// A person's history: every run they played in, with their role's score.
    Show { person: String },
    /// Store a finished run from its event log (a window session's, or
    /// `firstline run --log`): the log is replayed first; a log that does
    /// not reproduce is not stored.
    AddRun {
        log: PathBuf,
        #[arg(long)]
        scenario: PathBuf,
        /// Who played a role: ROLE=PERSON (repeat for each person).
        #[arg(long = "seat", value_name = "ROLE=PERSON")]
        seats: Vec<String>,
        /// The drill session's date (YYYY-MM-DD), place and instructor.
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        place: Option<String>,
        #[arg(long)]
        instructor: Option<String>,
        /// The township or village that held the drill (its code), so it
        /// counts for its yearly drills.
        #[arg(long)]
        org: Option<String>,
        /// comprehensive or special (综合, 专项); the scenario's `drill_kind`
        /// when absent.
        #[arg(long)]
        kind: Option<String>,
    },
    /// Send this store's organisations, people, sessions and runs to a
    /// provincial centre (postgres://…); runs it already has are not sent twice.
    Push {
        #[arg(long, value_name = "URL")]
        to: String,
    },
    /// Which townships and villages held this year's required comprehensive
    /// drill, which special drills, and who took part (CSV and/or XLSX).
    Compliance {
        #[arg(long)]
        year: i32,
        #[arg(long)]
        csv: Option<PathBuf>,
        #[arg(long)]
        xlsx: Option<PathBuf>,
    },
    /// How identity numbers are kept: `hash-only` (the default: a salted
    /// SHA-256, enough to find a person by number) or `keep` (in clear too,
    /// when the office must); going back to hash-only erases the numbers.
    IdNumbers {
        #[arg(value_parser = ["hash-only", "keep"])]
        mode: String,
    },
    /// Export the runs, one row per person and run, as CSV and/or XLSX.
    Export {
        #[arg(long)]
        csv: Option<PathBuf>,
        #[arg(long)]
        xlsx: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum KeysCmd {
    /// Make the issuing office's ed25519 signing key (PKCS#8 PEM, mode
    /// 0600) and its public half beside it (`.pub.pem`, to give to
    /// checking offices).
    Init {
        /// Where (default: the platform's config folder, or $FIRSTLINE_KEY).
        #[arg(long)]
        key: Option<PathBuf>,
        /// The office's name, printed on its certificates.
        #[arg(long)]
        office: String,
    },
}

fn open(db: Option<&Path>) -> Result<Store, ExitCode> {
    let path = db.map(Path::to_owned).unwrap_or_else(Store::default_path);
    Store::open(&path).map_err(|e| {
        eprintln!("error: {}: {e}", path.display());
        ExitCode::from(2)
    })
}

/// The records `--db` names: a township's file, or a centre's
/// `postgres://` database.
fn open_records(db: Option<&Path>) -> Result<Box<dyn Records>, ExitCode> {
    let path = db.map(Path::to_owned).unwrap_or_else(Store::default_path);
    let name = path.to_string_lossy().into_owned();
    store::open(&name).map_err(|e| {
        eprintln!("error: {}: {e}", without_password(&name));
        ExitCode::from(2)
    })
}

/// A database URL as it may be printed: `postgres://user:***@host/db`.
fn without_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => match url[s + 3..at].find(':') {
            Some(c) => format!("{}:***{}", &url[..s + 3 + c], &url[at..]),
            None => url.to_owned(),
        },
        _ => url.to_owned(),
    }
}

/// A command that works on a township's file only.
fn township_only(what: &str) -> ExitCode {
    bad(format!(
        "{what} works on a township's records file (--db FILE), not on a centre's database; the centre gathers townships' records by `records push`"
    ))
}

fn bad(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(2)
}

fn write_out(path: &Path, bytes: &[u8]) -> Result<(), ExitCode> {
    atomic::write(path, bytes).map_err(|e| {
        eprintln!("error: {}: {e}", path.display());
        ExitCode::from(1)
    })?;
    println!("wrote {}", path.display());
    Ok(())
}

/// `ROLE=PERSON` pairs.
pub fn parse_seats(seats: &[String]) -> Result<Vec<(String, String)>, String> {
    seats
        .iter()
        .map(|s| {
            s.split_once('=')
                .map(|(r, p)| (r.trim().to_owned(), p.trim().to_owned()))
                .filter(|(r, p)| !r.is_empty() && !p.is_empty())
                .ok_or_else(|| format!("--seat {s}: expected ROLE=PERSON, e.g. commander=P001"))
        })
        .collect()
}

pub fn records(cmd: RecordsCmd, db: Option<&Path>) -> ExitCode {
    let mut records = match open_records(db) {
        Ok(s) => s,
        Err(c) => return c,
    };
    let store = &mut *records;
    let done = match cmd {
        RecordsCmd::AddOrg { code, name, kind, category, grade, parent } => match store::OrgKind::parse(&kind) {
            Ok(kind) => store
                .put_organisation(&Organisation { code, name, kind, category, claimed_grade: grade, parent })
                .map(|_| println!("stored")),
            Err(e) => return bad(format!("organisation {code}: {e}")),
        },
        RecordsCmd::AddPerson { code, name, id_number, org, post } => {
            store.put_person(&NewPerson { code, name, id_number, organisation: org, post }).map(|_| println!("stored"))
        }
        RecordsCmd::Import { file } => {
            store::import(store, &file).map(|(o, p)| println!("imported {o} organisations and {p} people"))
        }
        RecordsCmd::List { what } => list(store, &what),
        RecordsCmd::Show { person } => show(store, &person),
        RecordsCmd::Push { to } => match store.township() {
            None => return township_only("records push"),
            Some(store) => match store::Centre::connect(&to).and_then(|mut c| c.push(store)) {
                Ok(p) => {
                    println!(
                        "pushed to the centre: {} organisations, {} people, {} new runs, {} it had already, {} new certificates",
                        p.organisations, p.people, p.new_runs, p.known_runs, p.new_certificates
                    );
                    Ok(())
                }
                Err(e) => Err(e),
            },
        },
        RecordsCmd::Compliance { year, csv, xlsx } => match store.township() {
            Some(store) => return compliance(store, year, csv.as_deref(), xlsx.as_deref()),
            None => return township_only("records compliance"),
        },
        RecordsCmd::AddRun { log, scenario, seats, date, place, instructor, org, kind } => {
            let kind = match kind.as_deref().map(DrillKind::parse).transpose() {
                Ok(k) => k,
                Err(e) => return bad(format!("--kind: {e}")),
            };
            let named = date.is_some() || place.is_some() || instructor.is_some() || org.is_some();
            let session = named.then(|| NewSession {
                date: date.unwrap_or_else(store::today),
                place,
                instructor,
                organisation: org,
                kind,
            });
            return add_run(store, &log, &scenario, &seats, session);
        }
        RecordsCmd::IdNumbers { mode } => match store.township() {
            Some(store) => store.set_keep_id_numbers(mode == "keep").map(|_| println!("identity numbers: {mode}")),
            None => return township_only("records id-numbers"),
        },
        RecordsCmd::Export { csv, xlsx } => {
            if csv.is_none() && xlsx.is_none() {
                return bad("name an output: --csv PATH and/or --xlsx PATH");
            }
            for (path, bytes) in
                [(csv, store::export_csv as fn(&mut dyn Records) -> store::Result<Vec<u8>>), (xlsx, store::export_xlsx)]
            {
                let Some(path) = path else { continue };
                match bytes(store) {
                    Ok(b) => {
                        if let Err(c) = write_out(&path, &b) {
                            return c;
                        }
                    }
                    Err(e) => return bad(e),
                }
            }
            Ok(())
        }
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => bad(e),
    }
}

fn list(store: &mut dyn Records, what: &str) -> store::Result<()> {
    match what {
        "orgs" => {
            for o in store.organisations()? {
                let extra = [o.category, o.claimed_grade].into_iter().flatten().collect::<Vec<_>>().join(" ");
                println!("{}\t{}\t{}\t{extra}", o.code, o.name, o.kind.as_str());
            }
        }
        "certificates" => {
            for c in store.certificates()? {
                println!("{}\trun {}\t{}\t{}\t{}", c.id, c.run, c.person, c.issued, c.level);
            }
        }
        "runs" => {
            for r in store.runs(None)? {
                let who: Vec<String> = r.roles.iter().map(|(role, by, _)| format!("{role}={by}")).collect();
                println!(
                    "{}\t{}\t{}\tseed {}\t{:.1} {}\t{}",
                    r.id,
                    r.recorded_at,
                    r.scenario_id,
                    r.seed,
                    r.score,
                    r.level,
                    who.join(" ")
                );
            }
        }
        _ => {
            for p in store.people()? {
                let org = p.organisation.map(|o| o.name).unwrap_or_default();
                let id = if p.id_hash.is_some() { "ID on file" } else { "" };
                println!("{}\t{}\t{org}\t{}\t{id}", p.code, p.name, p.post.unwrap_or_default());
            }
        }
    }
    Ok(())
}

fn show(store: &mut dyn Records, person: &str) -> store::Result<()> {
    let p = store.person(person)?;
    let org = p.organisation.as_ref().map(|o| format!(", {}", o.name)).unwrap_or_default();
    println!("{} {}{org}", p.code, p.name);
    let runs = store.runs(Some(&p.code))?;
    if runs.is_empty() {
        println!("  no runs recorded");
    }
    for r in runs {
        for (role, by, score) in r.roles.iter().filter(|(_, by, _)| by == &p.code) {
            let _ = by;
            let mine = score.map(|s| format!("{s:.1}")).unwrap_or_else(|| "—".into());
            println!(
                "  run {}  {}  {}  role {role}: {mine}  overall {:.1} {}",
                r.id, r.recorded_at, r.scenario_title_zh, r.score, r.level
            );
        }
    }
    Ok(())
}

fn add_run(
    store: &mut dyn Records,
    log: &Path,
    scenario: &Path,
    seats: &[String],
    session: Option<NewSession>,
) -> ExitCode {
    let people = match parse_seats(seats) {
        Ok(p) => p,
        Err(e) => return bad(e),
    };
    let (Ok(source), Ok(bytes)) = (std::fs::read(scenario), std::fs::read(log)) else {
        return bad(format!("cannot read {} or {}", scenario.display(), log.display()));
    };
    let loaded = match firstline::scenario::load(scenario) {
        Ok(l) => l,
        Err(r) => {
            eprintln!("{}", r.render());
            return ExitCode::from(2);
        }
    };
    match certify::record(store, &loaded, &source, &bytes, &people, session) {
        Ok(id) => {
            println!("stored as run {id}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {e}", log.display());
            ExitCode::from(3)
        }
    }
}

/// `records compliance --year`: the table printed, and written as asked.
fn compliance(store: &Store, year: i32, csv: Option<&Path>, xlsx: Option<&Path>) -> ExitCode {
    let rows = match store::compliance(store, year) {
        Ok(r) => r,
        Err(e) => return bad(e),
    };
    let table = store::compliance_table(&rows);
    for r in &table {
        println!("{}", r.join("\t"));
    }
    let missing = rows.iter().filter(|r| !r.met()).count();
    println!(
        "{year}: {} townships and villages; {} held or took part in a comprehensive drill, {missing} did not",
        rows.len(),
        rows.len() - missing
    );
    write_tables([
        (csv, store::csv_bytes(&table)),
        (xlsx, store::xlsx_bytes(&format!("{year}年演练开展情况"), &table, &[4, 6])),
    ])
}

/// A table's CSV and XLSX bytes written where asked (each `None`: not asked).
fn write_tables(outs: [(Option<&Path>, store::Result<Vec<u8>>); 2]) -> ExitCode {
    for (out, bytes) in outs {
        let Some(out) = out else { continue };
        match bytes {
            Ok(b) => {
                if let Err(c) = write_out(out, &b) {
                    return c;
                }
            }
            Err(e) => return bad(e),
        }
    }
    ExitCode::SUCCESS
}

pub fn keys_cmd(cmd: KeysCmd) -> ExitCode {
    match cmd {
        KeysCmd::Init { key, office } => {
            let path = key.unwrap_or_else(keys::default_path);
            match keys::init(&path, &office) {
                Ok(public) => {
                    println!(
                        "signing key: {} (mode 0600; keep it off the records database and backed up offline)",
                        path.display()
                    );
                    println!(
                        "public key:  {} (give it to the offices that check certificates)",
                        keys::public_path(&path).display()
                    );
                    println!("fingerprint: {}", keys::fingerprint(&public));
                    ExitCode::SUCCESS
                }
                Err(e) => bad(e),
            }
        }
    }
}

pub fn certify_cmd(
    run: i64,
    person: &str,
    db: Option<&Path>,
    key: Option<PathBuf>,
    out: &Path,
    pdf: Option<PathBuf>,
) -> ExitCode {
    let mut store = match open(db) {
        Ok(s) => s,
        Err(c) => return c,
    };
    let (key, office) = match keys::load_signing(&key.unwrap_or_else(keys::default_path)) {
        Ok(k) => k,
        Err(e) => return bad(e),
    };
    let cert = match certify::certify(&store, run, person, &key, &office) {
        Ok(c) => c,
        Err(e) => return bad(e),
    };
    // Into the office's register first, then the file.
    let register = store::IssuedCertificate {
        id: cert.claims.id.clone(),
        run,
        person: cert.claims.person.code.clone(),
        issued: cert.claims.issued.clone(),
        level: cert.claims.level.clone(),
        body: cert.to_bytes(),
    };
    let body = &register.body;
    if let Err(e) = store.put_certificate(&register) {
        eprintln!("error: {e}");
        return ExitCode::from(1);
    }
    if let Err(c) = write_out(out, body) {
        return c;
    }
    if let Some(pdf) = pdf {
        match firstline::record::certificate::pdf::render(&cert) {
            Ok(b) => {
                if let Err(c) = write_out(&pdf, &b) {
                    return c;
                }
            }
            Err(e) => return bad(e),
        }
    }
    println!(
        "certificate {} for {} ({}): {:.1} {}",
        cert.claims.id, cert.claims.person.name, cert.claims.role_title, cert.claims.score, cert.claims.level
    );
    ExitCode::SUCCESS
}

pub fn verify_cmd(cert_path: &Path, pubkey: Option<&Path>, scenario_dir: Option<&Path>) -> ExitCode {
    let bytes = match std::fs::read(cert_path) {
        Ok(b) => b,
        Err(e) => return bad(format!("cannot read {}: {e}", cert_path.display())),
    };
    let cert = match Certificate::from_bytes(&bytes) {
        Ok(c) => c,
        Err(e) => return bad(format!("{}: {e}", cert_path.display())),
    };
    let office = match pubkey.map(keys::load_public).transpose() {
        Ok(k) => k,
        Err(e) => return bad(e),
    };
    let base = scenario_dir.map(Path::to_owned).unwrap_or_default();
    eprintln!("checking {} — re-running the drill from its orders…", cert.claims.id);
    let v = certify::verify(&cert, office.as_ref(), &base);
    for n in &v.notes {
        println!("note: {n}");
    }
    if v.holds() {
        let c = &cert.claims;
        println!(
            "VALID: {} — {} ({}) as {}, {}: {:.1} {}; signed by {}; the re-run gives the same event log and score",
            c.id,
            c.person.name,
            c.person.code,
            c.role_title,
            c.scenario.title_zh,
            c.score,
            c.level,
            cert.key_fingerprint
        );
        ExitCode::SUCCESS
    } else {
        for f in &v.findings {
            println!("INVALID: {f}");
        }
        ExitCode::from(3)
    }
}

/// A roster read and checked, or the exit code after saying why not.
fn roster_entries(roster_path: &Path) -> Result<(firstline::assess::Roster, Vec<firstline::assess::Entry>), ExitCode> {
    let (roster, base) = firstline::assess::read(roster_path).map_err(bad)?;
    let entries =
        firstline::assess::entries(&roster, &base).map_err(|e| bad(format!("{}: {e}", roster_path.display())))?;
    Ok((roster, entries))
}

/// The ranked table printed, and written as asked.
fn print_ranking(
    results: &[firstline::assess::TeamResult],
    csv_out: Option<&Path>,
    xlsx_out: Option<&Path>,
) -> ExitCode {
    let rows = firstline::assess::table(results);
    for r in &rows {
        println!("{}", r.join("\t"));
    }
    write_tables([(csv_out, store::csv_bytes(&rows)), (xlsx_out, store::xlsx_bytes("测评结果", &rows, &[0]))])
}

/// `assess ROSTER --queue URL`: the runs queued at the centre; once the
/// workers have run them all, the ranked table.
pub fn queue_cmd(roster_path: &Path, url: &str, csv_out: Option<&Path>, xlsx_out: Option<&Path>) -> ExitCode {
    let (roster, entries) = match roster_entries(roster_path) {
        Ok(r) => r,
        Err(c) => return c,
    };
    let mut centre = match store::Centre::connect(url) {
        Ok(c) => c,
        Err(e) => return bad(e),
    };
    let new = match firstline::assess::enqueue(&mut centre, &roster, &entries) {
        Ok(n) => n,
        Err(e) => return bad(e),
    };
    let results = match firstline::assess::grade_at_centre(&mut centre, &roster, &entries) {
        Ok(r) => r,
        Err(e) => return bad(e),
    };
    let done = results.iter().flat_map(|r| &r.drills).filter(|d| d.run != 0).count();
    println!("{}: {} runs, {new} queued now, {done} done at the centre", roster.title, entries.len());
    if done < entries.len() {
        println!("waiting for workers: `firstline assess --worker URL` on each machine, then run this again");
        return ExitCode::SUCCESS;
    }
    print_ranking(&results, csv_out, xlsx_out)
}

/// `assess --worker URL`: take the centre's queued runs until none is left.
pub fn worker_cmd(url: &str) -> ExitCode {
    let mut centre = match store::Centre::connect(url) {
        Ok(c) => c,
        Err(e) => return bad(e),
    };
    let scratch = std::env::temp_dir();
    let mut failed = 0;
    let r = firstline::assess::work(
        &mut centre,
        Path::new("."),
        &scratch,
        &mut |j| eprintln!("taken {} ({} on {})", &j.key[..16], j.team, j.scenario_name),
        &mut |key, r| match r {
            Ok(id) => eprintln!("stored run {id} for {}", &key[..16]),
            Err(e) => {
                failed += 1;
                eprintln!("FAILED {}: {e}", &key[..16]);
            }
        },
    );
    match r {
        Ok(n) => {
            println!("ran {n} queued runs; none left to take");
            if failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(3) }
        }
        Err(e) => bad(e),
    }
}

pub fn assess_cmd(
    roster_path: &Path,
    db: Option<&Path>,
    threads: Option<usize>,
    csv_out: Option<&Path>,
    xlsx_out: Option<&Path>,
) -> ExitCode {
    use firstline::assess;
    let (roster, entries) = match roster_entries(roster_path) {
        Ok(r) => r,
        Err(c) => return c,
    };
    let store = match open(db) {
        Ok(s) => s,
        Err(c) => return c,
    };
    let threads = threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let bar = indicatif::ProgressBar::new(entries.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("assessing {bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let failures = std::sync::Mutex::new(Vec::new());
    let scratch = std::env::temp_dir();
    let done = |e: &assess::Entry, r: &Result<i64, String>| {
        bar.inc(1);
        match r {
            Ok(id) => {
                bar.suspend(|| eprintln!("stored run {id}: {} on {}", roster.teams[e.team].code, e.scenario.display()))
            }
            Err(err) => {
                bar.suspend(|| eprintln!("FAILED: {} on {}: {err}", roster.teams[e.team].code, e.scenario.display()));
                if let Ok(mut f) = failures.lock() {
                    f.push(err.clone());
                }
            }
        }
    };
    let (results, ran) = match assess::assess(store, &roster, &entries, threads, &scratch, &done) {
        Ok(r) => r,
        Err(e) => return bad(e),
    };
    bar.finish_and_clear();
    println!("{}: {} runs, {ran} run now, {} stored before", roster.title, entries.len(), entries.len() - ran);
    let printed = print_ranking(&results, csv_out, xlsx_out);
    if printed != ExitCode::SUCCESS {
        return printed;
    }
    if failures.lock().map(|f| f.is_empty()).unwrap_or(false) { ExitCode::SUCCESS } else { ExitCode::from(3) }
}
