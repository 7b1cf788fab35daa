//! The records store (演练档案): one SQLite file holding organisations
//! (townships, villages, volunteer teams with their category and claimed
//! grade), people, drill sessions and runs — each run whole: the scenario
//! it ran (its bytes, so it can be re-run and certified years later), the
//! build, the seed, the event log (deflate-compressed), the report, and who
//! played which role.
//!
//! The schema is versioned (`PRAGMA user_version`) and migrated forward on
//! open, one transaction per step; foreign keys are on and the journal is
//! WAL. Every write runs in a transaction, so a run is stored whole or not
//! at all, even when the process is killed mid-way.
//!
//! Identity numbers (身份证号) are kept only as a salted SHA-256 (the salt is
//! the store's own, made when the store is made) unless the office chose
//! `keep_id_numbers` when it made the store.
//!
//! Each township and village's yearly drills (`compliance`) are read from
//! the sessions it held and the people seated in them.
//!
//! A provincial centre keeps the same records on PostgreSQL (`centre`):
//! townships push to it, and assessment workers take runs from its queue.
//! Both keep the same contract (`Records`): the records commands and the
//! store tests run on either.
//!
//! Owns: the database file and its schema. May not touch: the sim (it stores
//! what a run produced; it never runs one).

mod centre;
mod centre_records;
mod compliance;
mod db;
mod records;
mod runs;
mod table;

pub use centre::{Centre, Done, Job, Pushed, QueueState};
pub use compliance::{ComplianceRow, Held, compliance, compliance_table};
pub use db::*;
pub use records::{Records, open};
pub use runs::{NewRun, NewSession, RoleSeat, RunRow, StoredRun};
pub use table::{csv_bytes, export_csv, export_xlsx, import, xlsx_bytes};
