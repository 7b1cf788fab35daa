//! The command line's records and certificate commands (`firstline records
//! …`, `keys init`, `certify`, `verify`): argument shapes and what they
//! print. The work is `firstline::certify`'s and the store's.
//!
//! May not touch: sim state.

pub mod classroom;
pub mod records;
