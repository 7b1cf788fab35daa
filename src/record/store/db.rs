//! The store's file, schema and migrations, settings, organisations and
//! people (see the parent module for the whole).
//!
//! Owns: the database connection. May not touch: the sim.

use rusqlite::{Connection, OptionalExtension, params};
use std::path::{Path, PathBuf};

/// What can go wrong with the store; every message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the records database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Io(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// The schema, one step per version; never edit a step once shipped —
/// add the next.
pub const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
     CREATE TABLE organisations (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('township', 'village', 'team')),
        category TEXT,
        claimed_grade TEXT
     );
     CREATE TABLE people (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        id_hash TEXT,
        id_number TEXT,
        organisation_id INTEGER REFERENCES organisations(id),
        post TEXT
     );
     CREATE INDEX people_id_hash ON people(id_hash);
     CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        date TEXT NOT NULL,
        place TEXT,
        instructor TEXT,
        scenario_id TEXT NOT NULL
     );
     CREATE TABLE scenarios (
        sha256 TEXT PRIMARY KEY,
        id TEXT NOT NULL,
        title_zh TEXT NOT NULL,
        source BLOB NOT NULL
     );
     CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        session_id INTEGER REFERENCES sessions(id),
        scenario_sha256 TEXT NOT NULL REFERENCES scenarios(sha256),
        build TEXT NOT NULL,
        seed INTEGER NOT NULL,
        recorded_at TEXT NOT NULL,
        log_deflate BLOB NOT NULL,
        log_sha256 TEXT NOT NULL,
        report TEXT NOT NULL,
        score REAL NOT NULL,
        level TEXT NOT NULL
     );
     CREATE TABLE run_roles (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        role TEXT NOT NULL,
        played_by TEXT NOT NULL CHECK (played_by IN ('person', 'plan_follower', 'nobody')),
        person_id INTEGER REFERENCES people(id),
        score REAL,
        PRIMARY KEY (run_id, role),
        CHECK ((played_by = 'person') = (person_id IS NOT NULL))
     );
     CREATE INDEX run_roles_person ON run_roles(person_id);",
    // 2: runs made by a batch (`firstline assess`) carry the key of their
    // roster entry, so an interrupted batch resumes without storing twice.
    "ALTER TABLE runs ADD COLUMN batch_key TEXT;
     CREATE UNIQUE INDEX runs_batch_key ON runs(batch_key) WHERE batch_key IS NOT NULL;",
    // 3: the yearly drill requirement (`records compliance`): a village
    // belongs to its township; a session is held by an organisation and is a
    // comprehensive or a special drill.
    "ALTER TABLE organisations ADD COLUMN parent_id INTEGER REFERENCES organisations(id);
     ALTER TABLE sessions ADD COLUMN organisation_id INTEGER REFERENCES organisations(id);
     ALTER TABLE sessions ADD COLUMN kind TEXT CHECK (kind IN ('comprehensive', 'special'));
     CREATE INDEX sessions_organisation ON sessions(organisation_id, date);",
    // 4: the register of certificates issued (the signed file's bytes), so
    // an office can list them and a centre receive them.
    "CREATE TABLE certificates (
        id TEXT PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        person_id INTEGER NOT NULL REFERENCES people(id),
        issued TEXT NOT NULL,
        level TEXT NOT NULL,
        body BLOB NOT NULL
     );",
];

/// The records store, open.
pub struct Store {
    conn: Connection,
}

/// Kinds of organisation (stored as `township`, `village`, `team`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrgKind {
    Township,
    Village,
    Team,
}

impl OrgKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Township => "township",
            OrgKind::Village => "village",
            OrgKind::Team => "team",
        }
    }

    /// A kind as offices write it (乡镇, 村, 队伍) or in English.
    pub fn parse(s: &str) -> std::result::Result<OrgKind, String> {
        match s.trim() {
            "乡镇" | "镇" | "乡" | "街道" => Ok(OrgKind::Township),
            "村" | "社区" | "村（社区）" => Ok(OrgKind::Village),
            "队伍" | "救援队" | "社会应急力量" => Ok(OrgKind::Team),
            other => match other.to_lowercase().as_str() {
                "township" => Ok(OrgKind::Township),
                "village" => Ok(OrgKind::Village),
                "team" => Ok(OrgKind::Team),
                _ => Err(format!("kind `{other}` is not one of township, village, team (乡镇, 村, 队伍)")),
            },
        }
    }
}

/// An organisation as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Organisation {
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    /// A team's category (e.g. 水上搜救), if any.
    pub category: Option<String>,
    /// The grade a team claims (e.g. 一级), if any.
    pub claimed_grade: Option<String>,
    /// The organisation it belongs to (a village's township), by code.
    pub parent: Option<String>,
}

/// A person as given to the store (the identity number in clear, hashed
/// before it is written).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewPerson {
    /// The office's number for the person: how every command names them.
    pub code: String,
    pub name: String,
    pub id_number: Option<String>,
    /// The organisation's code.
    pub organisation: Option<String>,
    /// Their post (镇长, 网格员, 队长…).
    pub post: Option<String>,
}

/// A certificate in the register: its id, the run and person (code) it
/// certifies, the date issued, the level, and the signed file's bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct IssuedCertificate {
    pub id: String,
    pub run: i64,
    pub person: String,
    pub issued: String,
    pub level: String,
    pub body: Vec<u8>,
}

/// A person as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub code: String,
    pub name: String,
    /// Salted SHA-256 of the identity number, if one was given.
    pub id_hash: Option<String>,
    /// The number itself, only in a store that keeps them.
    pub id_number: Option<String>,
    pub organisation: Option<Organisation>,
    pub post: Option<String>,
}

impl Store {
    /// The default file: the platform's data directory
    /// (`~/.local/share/firstline/records.sqlite` on Linux), or `$FIRSTLINE_DB`.
    pub fn default_path() -> PathBuf {
        if let Some(p) = std::env::var_os("FIRSTLINE_DB") {
            return PathBuf::from(p);
        }
        directories::ProjectDirs::from("cn", "Firstline", "firstline")
            .map(|d| d.data_dir().join("records.sqlite"))
            .unwrap_or_else(|| PathBuf::from("records.sqlite"))
    }

    /// Opens the store at `path`, making it (and its folder) when absent,
    /// and migrates its schema to this build's. A store made by a newer
    /// build is refused.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::Io(format!("cannot make the folder {}: {e}", dir.display())))?;
        }
        let conn = Connection::open(path)?;
        Self::setup(conn)
    }

    /// A store in memory (tests).
    pub fn in_memory() -> Result<Store> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(conn: Connection) -> Result<Store> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let _mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Erased identity numbers are overwritten on disk, not left in free pages.
        conn.pragma_update(None, "secure_delete", true)?;
        let mut store = Store { conn };
        store.migrate()?;
        // The store's own name, by which a centre knows the runs it pushed.
        let id = hex(&random_bytes::<16>()?);
        store.conn.execute("INSERT OR IGNORE INTO settings (key, value) VALUES ('store_id', ?1)", params![id])?;
        Ok(store)
    }

    /// The schema version this store is at.
    pub fn version(&self) -> Result<u32> {
        Ok(self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    fn migrate(&mut self) -> Result<()> {
        let at = self.version()? as usize;
        if at > MIGRATIONS.len() {
            return Err(StoreError::Invalid(format!(
                "this records database has schema version {at}, newer than this build's {}; use a newer firstline",
                MIGRATIONS.len()
            )));
        }
        for (k, step) in MIGRATIONS.iter().enumerate().skip(at) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(step)?;
            if k == 0 {
                let salt = hex(&random_bytes::<16>()?);
                tx.execute("INSERT INTO settings (key, value) VALUES ('id_salt', ?1)", params![salt])?;
                tx.execute("INSERT INTO settings (key, value) VALUES ('keep_id_numbers', '0')", [])?;
            }
            tx.pragma_update(None, "user_version", (k + 1) as u32)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// The store's own random name (made when it was first opened).
    pub fn store_id(&self) -> Result<String> {
        self.setting("store_id")?.ok_or_else(|| StoreError::Invalid("the store has no id".into()))
    }

    /// Registers a certificate issued for a person's run (its file's bytes);
    /// the same certificate registered again is kept once.
    pub fn put_certificate(&mut self, c: &IssuedCertificate) -> Result<()> {
        let person: i64 = self
            .conn
            .query_row("SELECT id FROM people WHERE code = ?1", params![c.person], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("no person `{}` in the records", c.person)))?;
        self.conn.execute(
            "INSERT INTO certificates (id, run_id, person_id, issued, level, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(id) DO NOTHING",
            params![c.id, c.run, person, c.issued, c.level, c.body],
        )?;
        Ok(())
    }

    /// Every certificate issued, oldest first.
    pub fn certificates(&self) -> Result<Vec<IssuedCertificate>> {
        let mut st = self.conn.prepare(
            "SELECT c.id, c.run_id, p.code, c.issued, c.level, c.body FROM certificates c
             JOIN people p ON p.id = c.person_id ORDER BY c.rowid",
        )?;
        let rows = st.query_map([], |r| {
            Ok(IssuedCertificate {
                id: r.get(0)?,
                run: r.get(1)?,
                person: r.get(2)?,
                issued: r.get(3)?,
                level: r.get(4)?,
                body: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Whether identity numbers are kept in clear (the office's choice).
    pub fn keeps_id_numbers(&self) -> Result<bool> {
        Ok(self.setting("keep_id_numbers")?.as_deref() == Some("1"))
    }

    /// Keep identity numbers in clear from now on (or stop: numbers already
    /// kept are erased, their hashes stay).
    pub fn set_keep_id_numbers(&mut self, keep: bool) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE settings SET value = ?1 WHERE key = 'keep_id_numbers'",
            params![if keep { "1" } else { "0" }],
        )?;
        if !keep {
            tx.execute("UPDATE people SET id_number = NULL", [])?;
        }
        tx.commit()?;
        Ok(())
    }

    fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT value FROM settings WHERE key = ?1", params![key], |r| r.get(0)).optional()?)
    }

    /// The salted hash the store keeps of an identity number.
    pub fn id_hash(&self, id_number: &str) -> Result<String> {
        let salt = self.setting("id_salt")?.ok_or_else(|| StoreError::Invalid("the store has no salt".into()))?;
        Ok(salted_hash(&salt, id_number))
    }

    /// Adds an organisation, or updates the one with the same code.
    pub fn put_organisation(&mut self, o: &Organisation) -> Result<()> {
        put_organisation(&self.conn, o)
    }

    /// Adds a person, or updates the one with the same code.
    pub fn put_person(&mut self, p: &NewPerson) -> Result<()> {
        let tx = self.conn.transaction()?;
        put_person(&tx, p)?;
        tx.commit()?;
        Ok(())
    }

    /// Adds many organisations and people in one transaction: all or none.
    /// An organisation's parent may come later in the same list.
    pub fn put_all(&mut self, orgs: &[Organisation], people: &[NewPerson]) -> Result<()> {
        let tx = self.conn.transaction()?;
        for o in orgs {
            put_organisation(&tx, &Organisation { parent: None, ..o.clone() })?;
        }
        for o in orgs.iter().filter(|o| o.parent.is_some()) {
            put_organisation(&tx, o)?;
        }
        for p in people {
            put_person(&tx, p)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Every organisation, by code.
    pub fn organisations(&self) -> Result<Vec<Organisation>> {
        let mut st = self.conn.prepare(&format!("{ORG_SELECT} ORDER BY o.code"))?;
        let rows = st.query_map([], org_row)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Every person, by code.
    pub fn people(&self) -> Result<Vec<Person>> {
        let mut st = self.conn.prepare(&format!("{PERSON_SELECT} ORDER BY p.code"))?;
        let rows = st.query_map([], person_row)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// The person with this code — or, failing that, this identity number.
    pub fn person(&self, key: &str) -> Result<Person> {
        let mut st = self.conn.prepare(&format!("{PERSON_SELECT} WHERE p.code = ?1"))?;
        if let Some(p) = st.query_row(params![key], person_row).optional()? {
            return Ok(p);
        }
        let hash = self.id_hash(key)?;
        let mut st = self.conn.prepare(&format!("{PERSON_SELECT} WHERE p.id_hash = ?1"))?;
        st.query_row(params![hash], person_row).optional()?.ok_or_else(|| {
            StoreError::NotFound(format!(
                "no person `{key}` in the records (neither a code nor an identity number); `firstline records list people` lists them"
            ))
        })
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

pub(super) const PERSON_SELECT: &str = "SELECT p.code, p.name, p.id_hash, p.id_number, p.post,
        o.code, o.name, o.kind, o.category, o.claimed_grade, op.code
     FROM people p LEFT JOIN organisations o ON o.id = p.organisation_id
     LEFT JOIN organisations op ON op.id = o.parent_id";

pub(super) const ORG_SELECT: &str = "SELECT o.code, o.name, o.kind, o.category, o.claimed_grade, op.code
     FROM organisations o LEFT JOIN organisations op ON op.id = o.parent_id";

fn person_row(r: &rusqlite::Row) -> rusqlite::Result<Person> {
    let org_code: Option<String> = r.get(5)?;
    Ok(Person {
        code: r.get(0)?,
        name: r.get(1)?,
        id_hash: r.get(2)?,
        id_number: r.get(3)?,
        post: r.get(4)?,
        organisation: match org_code {
            Some(code) => Some(Organisation {
                code,
                name: r.get(6)?,
                kind: kind_at(r, 7)?,
                category: r.get(8)?,
                claimed_grade: r.get(9)?,
                parent: r.get(10)?,
            }),
            None => None,
        },
    })
}

pub(crate) fn org_row(r: &rusqlite::Row) -> rusqlite::Result<Organisation> {
    Ok(Organisation {
        code: r.get(0)?,
        name: r.get(1)?,
        kind: kind_at(r, 2)?,
        category: r.get(3)?,
        claimed_grade: r.get(4)?,
        parent: r.get(5)?,
    })
}

/// The kind in column `k` (the schema's CHECK keeps it one of three).
fn kind_at(r: &rusqlite::Row, k: usize) -> rusqlite::Result<OrgKind> {
    let s: String = r.get(k)?;
    OrgKind::parse(&s).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(k, rusqlite::types::Type::Text, Box::new(StoreError::Invalid(e)))
    })
}

/// The salted SHA-256 a store keeps of an identity number (trimmed, the
/// check character in capitals).
pub(super) fn salted_hash(salt: &str, id_number: &str) -> String {
    crate::scenario::load::sha256_hex(format!("{salt}:{}", id_number.trim().to_uppercase()).as_bytes())
}

pub(super) fn check_code(what: &str, code: &str) -> Result<()> {
    if code.trim().is_empty() || code.trim() != code {
        return Err(StoreError::Invalid(format!("{what} code `{code}`: empty, or spaces around it")));
    }
    Ok(())
}

/// An identity number looks like one: 18 characters, 17 digits and a digit
/// or X, with the GB 11643 check digit right.
pub fn check_id_number(id: &str) -> std::result::Result<(), String> {
    let id = id.trim().to_uppercase();
    let chars: Vec<char> = id.chars().collect();
    if chars.len() != 18 || !chars[..17].iter().all(char::is_ascii_digit) {
        return Err(format!("identity number `{id}`: 18 characters, the first 17 digits"));
    }
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = chars[..17].iter().zip(W).map(|(c, w)| c.to_digit(10).unwrap_or(0) * w).sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    if chars[17] != check {
        return Err(format!("identity number `{id}`: its check character should be {check} (GB 11643)"));
    }
    Ok(())
}

/// The row id of the organisation with this code; `what` names who asked,
/// for the message when there is none.
pub(crate) fn org_id(conn: &Connection, code: &str, what: &str) -> Result<i64> {
    conn.query_row("SELECT id FROM organisations WHERE code = ?1", params![code], |r| r.get(0)).optional()?.ok_or_else(
        || StoreError::NotFound(format!("{what}: no organisation `{code}`; add it first (firstline records add-org)")),
    )
}

fn put_organisation(conn: &Connection, o: &Organisation) -> Result<()> {
    check_code("organisation", &o.code)?;
    let parent: Option<i64> = match &o.parent {
        Some(code) if code == &o.code => {
            return Err(StoreError::Invalid(format!("organisation {}: it cannot belong to itself", o.code)));
        }
        Some(code) => Some(org_id(conn, code, &format!("organisation {}: parent", o.code))?),
        None => None,
    };
    conn.execute(
        "INSERT INTO organisations (code, name, kind, category, claimed_grade, parent_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(code) DO UPDATE SET name = ?2, kind = ?3, category = ?4, claimed_grade = ?5, parent_id = ?6",
        params![o.code, o.name, o.kind.as_str(), o.category, o.claimed_grade, parent],
    )?;
    Ok(())
}

fn put_person(tx: &rusqlite::Transaction, p: &NewPerson) -> Result<()> {
    check_code("person", &p.code)?;
    if p.name.trim().is_empty() {
        return Err(StoreError::Invalid(format!("person {}: no name", p.code)));
    }
    let org_id: Option<i64> = match &p.organisation {
        Some(code) => Some(org_id(tx, code, &format!("person {}", p.code))?),
        None => None,
    };
    let salt: String = tx.query_row("SELECT value FROM settings WHERE key = 'id_salt'", [], |r| r.get(0))?;
    let keep: String = tx.query_row("SELECT value FROM settings WHERE key = 'keep_id_numbers'", [], |r| r.get(0))?;
    let (hash, clear) = match p.id_number.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(id) => {
            check_id_number(id).map_err(|e| StoreError::Invalid(format!("person {}: {e}", p.code)))?;
            let h = salted_hash(&salt, id);
            let id = id.to_uppercase();
            (Some(h), (keep == "1").then_some(id))
        }
        None => (None, None),
    };
    tx.execute(
        "INSERT INTO people (code, name, id_hash, id_number, organisation_id, post) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(code) DO UPDATE SET name = ?2, id_hash = COALESCE(?3, id_hash),
            id_number = COALESCE(?4, id_number), organisation_id = ?5, post = ?6",
        params![p.code, p.name.trim(), hash, clear, org_id, p.post],
    )?;
    Ok(())
}

/// Bytes from the operating system's generator (salts and keys only;
/// never on a sim path).
pub fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| StoreError::Io(format!("no random bytes from the system: {e}")))?;
    Ok(b)
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Today's date (UTC), `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = std::time::SystemTime::now() // ok: a record's date, never on a sim path
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    date_of_days((secs / 86_400) as i64)
}

/// The civil date of a day count since 1970-01-01 (H. Hinnant's algorithm).
pub fn date_of_days(z: i64) -> String {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_of_known_days() {
        // 1970-01-01 is day 0; 2000-03-01 is day 11017; 2026-12-02 is day 20789.
        assert_eq!(date_of_days(0), "1970-01-01");
        assert_eq!(date_of_days(11_017), "2000-03-01");
        assert_eq!(date_of_days(20_789), "2026-12-02");
        assert_eq!(date_of_days(-1), "1969-12-31");
    }

    #[test]
    fn identity_numbers_are_checked_by_their_check_character() {
        // The example number of GB 11643-1999.
        assert!(check_id_number("11010519491231002X").is_ok());
        assert!(check_id_number("110105194912310021").unwrap_err().contains("should be X"));
        assert!(check_id_number("1101051949123100").is_err());
    }
}
