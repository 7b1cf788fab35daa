//! The records contract (`Records`) on a centre's PostgreSQL database: the
//! same organisations, people, runs and certificates a township's file
//! keeps, written in PostgreSQL's dialect, each write in one transaction.
//! People added at the centre have their identity numbers hashed with the
//! centre's own salt (pushed people keep their township's hash, which finds
//! them only by code here).
//!
//! Owns: nothing beyond `Centre`'s rows. May not touch: the sim.

use super::centre::{Centre, insert_run, org_id, pg, put_org};
use super::db::{
    IssuedCertificate, NewPerson, ORG_SELECT, OrgKind, Organisation, PERSON_SELECT, Person, Result, StoreError,
    check_code, check_id_number, salted_hash,
};
use super::records::Records;
use super::runs::{NewRun, NewSession, RunRow, StoredRun, check_date, inflate_log};
use crate::scenario::schema::DrillKind;
use postgres::{Row, Transaction};

fn kind(s: String) -> Result<OrgKind> {
    OrgKind::parse(&s).map_err(StoreError::Invalid)
}

fn org_row(r: &Row) -> Result<Organisation> {
    Ok(Organisation {
        code: r.get(0),
        name: r.get(1),
        kind: kind(r.get(2))?,
        category: r.get(3),
        claimed_grade: r.get(4),
        parent: r.get(5),
    })
}

fn person_row(r: &Row) -> Result<Person> {
    let org: Option<String> = r.get(5);
    Ok(Person {
        code: r.get(0),
        name: r.get(1),
        id_hash: r.get(2),
        id_number: r.get(3),
        post: r.get(4),
        organisation: match org {
            Some(code) => Some(Organisation {
                code,
                name: r.get(6),
                kind: kind(r.get(7))?,
                category: r.get(8),
                claimed_grade: r.get(9),
                parent: r.get(10),
            }),
            None => None,
        },
    })
}

impl Centre {
    fn id_hash(&mut self, id_number: &str) -> Result<String> {
        let salt: String = self
            .client
            .query_opt("SELECT value FROM firstline_settings WHERE key = 'id_salt'", &[])
            .map_err(pg)?
            .map(|r| r.get(0))
            .ok_or_else(|| StoreError::Invalid("the centre has no salt".into()))?;
        Ok(salted_hash(&salt, id_number))
    }

    fn rows(&mut self, filter: &str, param: &(dyn postgres::types::ToSql + Sync)) -> Result<Vec<RunRow>> {
        let sql = format!(
            "SELECT r.id, r.recorded_at, s.id, s.title_zh, r.seed, r.score, r.level
             FROM runs r JOIN scenarios s ON s.sha256 = r.scenario_sha256 WHERE {filter} ORDER BY r.id DESC"
        );
        let rows = self.client.query(&sql, &[param]).map_err(pg)?;
        let mut out = Vec::new();
        for r in rows {
            let id: i64 = r.get(0);
            let seats = self
                .client
                .query(
                    "SELECT rr.role, COALESCE(p.code, rr.played_by), rr.score FROM run_roles rr
                     LEFT JOIN people p ON p.id = rr.person_id WHERE rr.run_id = $1 ORDER BY rr.ctid",
                    &[&id],
                )
                .map_err(pg)?;
            out.push(RunRow {
                id,
                recorded_at: r.get(1),
                scenario_id: r.get(2),
                scenario_title_zh: r.get(3),
                seed: r.get::<_, i64>(4) as u64,
                score: r.get(5),
                level: r.get(6),
                roles: seats.iter().map(|s| (s.get(0), s.get(1), s.get(2))).collect(),
            });
        }
        Ok(out)
    }
}

/// The session's row, as the township store finds or makes it.
fn session(tx: &mut Transaction, s: &NewSession, scenario: &str) -> Result<i64> {
    check_date(&s.date)?;
    let org = match &s.organisation {
        Some(code) => Some(org_id(tx, code)?),
        None => None,
    };
    let kind = s.kind.map(DrillKind::as_str);
    let found = tx
        .query_opt(
            "SELECT id FROM sessions WHERE date = $1 AND place IS NOT DISTINCT FROM $2 AND instructor IS NOT DISTINCT FROM $3
                AND scenario_id = $4 AND organisation_id IS NOT DISTINCT FROM $5 AND kind IS NOT DISTINCT FROM $6
                AND origin IS NULL",
            &[&s.date, &s.place, &s.instructor, &scenario, &org, &kind],
        )
        .map_err(pg)?;
    if let Some(r) = found {
        return Ok(r.get(0));
    }
    Ok(tx
        .query_one(
            "INSERT INTO sessions (date, place, instructor, scenario_id, organisation_id, kind) VALUES ($1, $2, $3, $4, $5, $6)
             RETURNING id",
            &[&s.date, &s.place, &s.instructor, &scenario, &org, &kind],
        )
        .map_err(pg)?
        .get(0))
}

impl Records for Centre {
    fn put_all(&mut self, orgs: &[Organisation], people: &[NewPerson]) -> Result<()> {
        for o in orgs {
            check_code("organisation", &o.code)?;
            if o.parent.as_ref() == Some(&o.code) {
                return Err(StoreError::Invalid(format!("organisation {}: it cannot belong to itself", o.code)));
            }
        }
        let mut hashed = Vec::with_capacity(people.len());
        for p in people {
            check_code("person", &p.code)?;
            if p.name.trim().is_empty() {
                return Err(StoreError::Invalid(format!("person {}: no name", p.code)));
            }
            let id = p.id_number.as_deref().map(str::trim).filter(|s| !s.is_empty());
            if let Some(id) = id {
                check_id_number(id).map_err(|e| StoreError::Invalid(format!("person {}: {e}", p.code)))?;
            }
            hashed.push(match id {
                Some(id) => Some(self.id_hash(id)?),
                None => None,
            });
        }
        let mut tx = self.client.transaction().map_err(pg)?;
        for o in orgs {
            put_org(&mut tx, &Organisation { parent: None, ..o.clone() })?;
        }
        for o in orgs.iter().filter(|o| o.parent.is_some()) {
            put_org(&mut tx, o)?;
        }
        for (p, hash) in people.iter().zip(hashed) {
            let org = match &p.organisation {
                Some(code) => Some(org_id(&mut tx, code).map_err(|_| {
                    StoreError::NotFound(format!(
                        "person {}: no organisation `{code}`; add it first (firstline records add-org)",
                        p.code
                    ))
                })?),
                None => None,
            };
            tx.execute(
                "INSERT INTO people (code, name, id_hash, organisation_id, post) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (code) DO UPDATE SET name = $2, id_hash = COALESCE($3, people.id_hash),
                    organisation_id = $4, post = $5",
                &[&p.code, &p.name.trim(), &hash, &org, &p.post],
            )
            .map_err(pg)?;
        }
        tx.commit().map_err(pg)
    }

    fn organisations(&mut self) -> Result<Vec<Organisation>> {
        let rows = self.client.query(&format!("{ORG_SELECT} ORDER BY o.code"), &[]).map_err(pg)?;
        rows.iter().map(org_row).collect()
    }

    fn people(&mut self) -> Result<Vec<Person>> {
        let rows = self.client.query(&format!("{PERSON_SELECT} ORDER BY p.code"), &[]).map_err(pg)?;
        rows.iter().map(person_row).collect()
    }

    fn person(&mut self, key: &str) -> Result<Person> {
        if let Some(r) = self.client.query_opt(&format!("{PERSON_SELECT} WHERE p.code = $1"), &[&key]).map_err(pg)? {
            return person_row(&r);
        }
        let hash = self.id_hash(key)?;
        match self.client.query_opt(&format!("{PERSON_SELECT} WHERE p.id_hash = $1"), &[&hash]).map_err(pg)? {
            Some(r) => person_row(&r),
            None => Err(StoreError::NotFound(format!(
                "no person `{key}` at the centre (neither a code nor an identity number); `firstline records list people` lists them"
            ))),
        }
    }

    fn store_run(&mut self, run: &NewRun) -> Result<i64> {
        let mut tx = self.client.transaction().map_err(pg)?;
        for (_, seat) in &run.seats {
            if let super::runs::RoleSeat::Person(code) = seat
                && tx.query_opt("SELECT 1 FROM people WHERE code = $1", &[code]).map_err(pg)?.is_none()
            {
                return Err(StoreError::NotFound(format!(
                    "no person `{code}` in the records; add them first (firstline records add-person)"
                )));
            }
        }
        let session = match &run.session {
            Some(s) => Some(session(&mut tx, s, &run.report.scenario.id)?),
            None => None,
        };
        let id = insert_run(
            &mut tx,
            run.scenario_source,
            run.log,
            run.report,
            &run.seats,
            session,
            run.batch_key.as_deref(),
        )?;
        tx.commit().map_err(pg)?;
        Ok(id)
    }

    fn runs(&mut self, person: Option<&str>) -> Result<Vec<RunRow>> {
        self.rows(
            "$1::TEXT IS NULL OR r.id IN (SELECT rr.run_id FROM run_roles rr JOIN people p ON p.id = rr.person_id WHERE p.code = $1)",
            &person,
        )
    }

    fn run(&mut self, id: i64) -> Result<StoredRun> {
        let Some(row) = self.rows("r.id = $1", &id)?.pop() else {
            return Err(StoreError::NotFound(format!("no run {id} at the centre; `firstline records list runs`")));
        };
        let r = self
            .client
            .query_one(
                "SELECT s.source, s.sha256, r.build, r.log_deflate, r.log_sha256, r.report
                 FROM runs r JOIN scenarios s ON s.sha256 = r.scenario_sha256 WHERE r.id = $1",
                &[&id],
            )
            .map_err(pg)?;
        let deflated: Vec<u8> = r.get(3);
        let log_sha256: String = r.get(4);
        let log = inflate_log(id, &deflated, &log_sha256)?;
        let report: String = r.get(5);
        let report = serde_json::from_str(&report)
            .map_err(|e| StoreError::Invalid(format!("run {id}: its stored report does not read: {e}")))?;
        Ok(StoredRun {
            row,
            scenario_source: r.get(0),
            scenario_sha256: r.get(1),
            build: r.get(2),
            log,
            log_sha256,
            report,
        })
    }

    fn put_certificate(&mut self, c: &IssuedCertificate) -> Result<()> {
        let mut tx = self.client.transaction().map_err(pg)?;
        let person = tx
            .query_opt("SELECT id FROM people WHERE code = $1", &[&c.person])
            .map_err(pg)?
            .map(|r| r.get::<_, i64>(0))
            .ok_or_else(|| StoreError::NotFound(format!("no person `{}` in the records", c.person)))?;
        tx.execute(
            "INSERT INTO certificates (id, run_id, person_id, issued, level, body) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (id) DO NOTHING",
            &[&c.id, &c.run, &person, &c.issued, &c.level, &c.body],
        )
        .map_err(pg)?;
        tx.commit().map_err(pg)
    }

    fn certificates(&mut self) -> Result<Vec<IssuedCertificate>> {
        let rows = self
            .client
            .query(
                "SELECT c.id, c.run_id, p.code, c.issued, c.level, c.body FROM certificates c
                 JOIN people p ON p.id = c.person_id ORDER BY c.ctid",
                &[],
            )
            .map_err(pg)?;
        Ok(rows
            .iter()
            .map(|r| IssuedCertificate {
                id: r.get(0),
                run: r.get(1),
                person: r.get(2),
                issued: r.get(3),
                level: r.get(4),
                body: r.get(5),
            })
            .collect())
    }
}
