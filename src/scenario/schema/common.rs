//! The schema's shared vocabulary: points, bilingual texts and hazard
//! kinds, used by every part of the schema.

use serde::{Deserialize, Serialize};

/// A point in map metres, written `(x, y)`.
pub type Point = (f64, f64);

/// A text in both interface languages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

/// Hazard kinds Firstline drills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum HazardKind {
    Flood,
    Landslide,
    Fire,
}
