//! What both record stores do: a township's SQLite file (`Store`) and a
//! provincial centre's PostgreSQL database (`Centre`) keep organisations,
//! people, runs and issued certificates under one contract, so the records
//! commands and the store tests work on either (`--db FILE` or
//! `--db postgres://…`). Writes are all-or-nothing on both: a run is stored
//! whole or not at all, a list of people and organisations all or none.
//!
//! Owns: the `Records` trait and `open`. May not touch: the sim.

use super::centre::Centre;
use super::db::{IssuedCertificate, NewPerson, Organisation, Person, Result, Store};
use super::runs::{NewRun, RunRow, StoredRun};
use std::path::Path;

/// A record store: a township's file or a centre's database.
pub trait Records {
    /// Adds many organisations and people in one transaction: all or none
    /// (an organisation's parent may come later in the list); one with a
    /// code already kept is updated.
    fn put_all(&mut self, orgs: &[Organisation], people: &[NewPerson]) -> Result<()>;
    /// Every organisation, by code.
    fn organisations(&mut self) -> Result<Vec<Organisation>>;
    /// Every person, by code.
    fn people(&mut self) -> Result<Vec<Person>>;
    /// The person with this code — or, failing that, this identity number.
    fn person(&mut self, key: &str) -> Result<Person>;
    /// Stores a run whole, or nothing; returns its number.
    fn store_run(&mut self, run: &NewRun) -> Result<i64>;
    /// Every run (newest first), or only those a person played in.
    fn runs(&mut self, person: Option<&str>) -> Result<Vec<RunRow>>;
    /// One run with its scenario, log and report.
    fn run(&mut self, id: i64) -> Result<StoredRun>;
    /// Registers a certificate issued for a person's run; once only.
    fn put_certificate(&mut self, c: &IssuedCertificate) -> Result<()>;
    /// Every certificate issued, oldest first.
    fn certificates(&mut self) -> Result<Vec<IssuedCertificate>>;

    /// Adds an organisation, or updates the one with the same code.
    fn put_organisation(&mut self, o: &Organisation) -> Result<()> {
        self.put_all(std::slice::from_ref(o), &[])
    }
    /// Adds a person, or updates the one with the same code.
    fn put_person(&mut self, p: &NewPerson) -> Result<()> {
        self.put_all(&[], std::slice::from_ref(p))
    }
    /// The township store underneath, when it is one (push, compliance and
    /// the identity-number setting work on a township's file).
    fn township(&mut self) -> Option<&mut Store> {
        None
    }
}

impl Records for Store {
    fn put_all(&mut self, orgs: &[Organisation], people: &[NewPerson]) -> Result<()> {
        Store::put_all(self, orgs, people)
    }
    fn organisations(&mut self) -> Result<Vec<Organisation>> {
        Store::organisations(self)
    }
    fn people(&mut self) -> Result<Vec<Person>> {
        Store::people(self)
    }
    fn person(&mut self, key: &str) -> Result<Person> {
        Store::person(self, key)
    }
    fn store_run(&mut self, run: &NewRun) -> Result<i64> {
        Store::store_run(self, run)
    }
    fn runs(&mut self, person: Option<&str>) -> Result<Vec<RunRow>> {
        Store::runs(self, person)
    }
    fn run(&mut self, id: i64) -> Result<StoredRun> {
        Store::run(self, id)
    }
    fn put_certificate(&mut self, c: &IssuedCertificate) -> Result<()> {
        Store::put_certificate(self, c)
    }
    fn certificates(&mut self) -> Result<Vec<IssuedCertificate>> {
        Store::certificates(self)
    }
    fn township(&mut self) -> Option<&mut Store> {
        Some(self)
    }
}

/// Opens the store `db` names: a `postgres://` (or `postgresql://`) URL is
/// a centre's database, anything else a township's SQLite file.
pub fn open(db: &str) -> Result<Box<dyn Records>> {
    if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        Ok(Box::new(Centre::connect(db)?))
    } else {
        Ok(Box::new(Store::open(Path::new(db))?))
    }
}
