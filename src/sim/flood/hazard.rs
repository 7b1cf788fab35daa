//! Flood hazard to people: the hazard rating of Defra/Environment Agency
//! R&D report FD2321/TR2 "Flood Risks to People Phase 2" (2006):
//! HR = d·(v + 0.5) + DF, with the debris factor DF = 0 for d < 0.25 m,
//! 0.5 for 0.25 ≤ d < 0.75 m and 1 for d ≥ 0.75 m (the pasture/arable
//! column of FD2321's debris-factor table, the lowest; woodland and urban
//! areas use 1 from 0.25 m — pass `urban = true` for those).

/// FD2321 hazard classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum HazardClass {
    /// HR < 0.75: "caution".
    Low,
    /// 0.75 ≤ HR < 1.25: "danger for some" (children, elderly, infirm).
    Moderate,
    /// 1.25 ≤ HR < 2.0: "danger for most".
    Significant,
    /// HR ≥ 2.0: "danger for all".
    Extreme,
}

/// The formula is the core's (`sim::exposure`), shared by every reader of the water.
pub use crate::sim::exposure::{debris_factor, hazard_rating};

pub fn class(hr: f64) -> HazardClass {
    if hr < 0.75 {
        HazardClass::Low
    } else if hr < 1.25 {
        HazardClass::Moderate
    } else if hr < 2.0 {
        HazardClass::Significant
    } else {
        HazardClass::Extreme
    }
}
