//! Records of a drill: the report, and atomic file writing. (Command logs,
//! replay, the SQLite store and certificates build on these.)

pub mod atomic;
pub mod report;
