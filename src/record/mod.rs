//! Records of a drill: the report, atomic file writing, replay from an
//! event log, the exported evaluation report (HTML and PDF), the records
//! store (SQLite) and signed certificates.

pub mod atomic;
pub mod certificate;
pub mod evaluation;
pub mod outputs;
pub mod replay;
pub mod report;
pub mod store;
