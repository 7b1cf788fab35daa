//! Records of a drill: the report, atomic file writing and replay from an
//! event log. (The SQLite store and certificates build on these.)

pub mod atomic;
pub mod outputs;
pub mod replay;
pub mod report;
