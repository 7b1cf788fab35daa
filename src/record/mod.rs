//! Records of a drill: the report, atomic file writing, replay from an
//! event log, and the exported evaluation report (HTML and PDF). (The
//! SQLite store and certificates build on these.)

pub mod atomic;
pub mod evaluation;
pub mod outputs;
pub mod replay;
pub mod report;
