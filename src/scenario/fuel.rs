//! Surface fuel models: Anderson's (1982) 13 and a subset of Scott & Burgan's
//! (2005, RMRS-GTR-153) 40, with the parameters BehavePlus uses (loads in
//! lb/ft², surface-area-to-volume ratios in 1/ft, depth in ft, dead fuel
//! moisture of extinction as a fraction, heat content 8,000 BTU/lb), looked
//! up by code ("FM1" … "FM13", "GR2", "GS4", …). "NB" is non-burnable.

/// One fuel model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FuelModel {
    pub code: &'static str,
    /// Fuel bed depth (ft).
    pub depth_ft: f64,
    /// Dead fuel moisture of extinction (fraction).
    pub mx_dead: f64,
    /// Loads (lb/ft²): 1-h, 10-h, 100-h dead, live herbaceous, live woody.
    pub load: [f64; 5],
    /// Surface-area-to-volume ratios (1/ft): 1-h, live herbaceous, live woody
    /// (10-h and 100-h are 109 and 30).
    pub savr_1h: f64,
    pub savr_herb: f64,
    pub savr_woody: f64,
    /// Dynamic: live herbaceous load cures to dead with low herb moisture.
    pub dynamic: bool,
}

impl FuelModel {
    /// Whether the model carries no fuel.
    pub fn burnable(&self) -> bool {
        self.load.iter().sum::<f64>() > 0.0 && self.depth_ft > 0.0
    }
}

/// Tons per acre in lb/ft².
const T: f64 = 2000.0 / 43_560.0;

const fn anderson(code: &'static str, depth: f64, mx: f64, l: [f64; 5], s1: f64) -> FuelModel {
    FuelModel {
        code,
        depth_ft: depth,
        mx_dead: mx,
        load: l,
        savr_1h: s1,
        savr_herb: 1500.0,
        savr_woody: 1500.0,
        dynamic: false,
    }
}

#[allow(clippy::too_many_arguments)]
const fn sb(
    code: &'static str,
    depth: f64,
    mx: f64,
    l: [f64; 5],
    s1: f64,
    sh: f64,
    sw: f64,
    dynamic: bool,
) -> FuelModel {
    FuelModel {
        code,
        depth_ft: depth,
        mx_dead: mx,
        load: [l[0] * T, l[1] * T, l[2] * T, l[3] * T, l[4] * T],
        savr_1h: s1,
        savr_herb: sh,
        savr_woody: sw,
        dynamic,
    }
}

/// Every fuel model this build knows.
pub const FUEL_MODELS: &[FuelModel] = &[
    sb("NB", 0.0, 0.0, [0.0; 5], 0.0, 0.0, 0.0, false),
    anderson("FM1", 1.0, 0.12, [0.034, 0.0, 0.0, 0.0, 0.0], 3500.0),
    anderson("FM2", 1.0, 0.15, [0.092, 0.046, 0.023, 0.023, 0.0], 3000.0),
    anderson("FM3", 2.5, 0.25, [0.138, 0.0, 0.0, 0.0, 0.0], 1500.0),
    anderson("FM4", 6.0, 0.20, [0.230, 0.184, 0.092, 0.0, 0.230], 2000.0),
    anderson("FM5", 2.0, 0.20, [0.046, 0.023, 0.0, 0.0, 0.092], 2000.0),
    anderson("FM6", 2.5, 0.25, [0.069, 0.115, 0.092, 0.0, 0.0], 1750.0),
    anderson("FM7", 2.5, 0.40, [0.052, 0.086, 0.069, 0.0, 0.017], 1750.0),
    anderson("FM8", 0.2, 0.30, [0.069, 0.046, 0.115, 0.0, 0.0], 2000.0),
    anderson("FM9", 0.2, 0.25, [0.134, 0.019, 0.007, 0.0, 0.0], 2500.0),
    anderson("FM10", 1.0, 0.25, [0.138, 0.092, 0.230, 0.0, 0.092], 2000.0),
    anderson("FM11", 1.0, 0.15, [0.069, 0.207, 0.253, 0.0, 0.0], 1500.0),
    anderson("FM12", 2.3, 0.20, [0.184, 0.644, 0.759, 0.0, 0.0], 1500.0),
    anderson("FM13", 3.0, 0.25, [0.322, 1.058, 1.288, 0.0, 0.0], 1500.0),
    sb("GR1", 0.4, 0.15, [0.10, 0.0, 0.0, 0.30, 0.0], 2200.0, 2000.0, 1500.0, true),
    sb("GR2", 1.0, 0.15, [0.10, 0.0, 0.0, 1.0, 0.0], 2000.0, 1800.0, 1500.0, true),
    sb("GS1", 0.9, 0.15, [0.2, 0.0, 0.0, 0.5, 0.65], 2000.0, 1800.0, 1800.0, true),
    sb("GS2", 1.5, 0.15, [0.5, 0.5, 0.0, 0.6, 1.0], 2000.0, 1800.0, 1800.0, true),
    sb("GS4", 2.1, 0.40, [1.9, 0.3, 0.1, 3.4, 7.1], 1800.0, 1600.0, 1600.0, true),
    sb("SH2", 1.0, 0.15, [1.35, 2.4, 0.75, 0.0, 3.85], 2000.0, 1800.0, 1600.0, false),
    sb("SH5", 6.0, 0.15, [3.6, 2.1, 0.0, 0.0, 2.9], 750.0, 1800.0, 1600.0, false),
    sb("TU1", 0.6, 0.20, [0.2, 0.9, 1.5, 0.2, 0.9], 2000.0, 1800.0, 1600.0, true),
    sb("TU5", 1.0, 0.25, [4.0, 4.0, 3.0, 0.0, 3.0], 1500.0, 1800.0, 750.0, false),
    sb("TL3", 0.3, 0.20, [0.5, 2.2, 2.8, 0.0, 0.0], 2000.0, 1800.0, 1600.0, false),
];

/// The fuel model with this code.
pub fn by_code(code: &str) -> Option<&'static FuelModel> {
    FUEL_MODELS.iter().find(|m| m.code == code)
}

/// Codes this build knows, for hints.
pub fn codes() -> Vec<&'static str> {
    FUEL_MODELS.iter().map(|m| m.code).collect()
}
