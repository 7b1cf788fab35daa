//! Building fires: t² growth Q = α·t² (kW) up to a peak heat release rate,
//! then burning at the peak until the building's fuel is spent (α slow
//! 0.00293, medium 0.01172, fast 0.0469, ultra-fast 0.1876 kW/s²; NFPA 72,
//! SFPE Handbook). A neighbour ignites when the radiant flux from the
//! burning one, as a point source q″ = χᵣ·Q/(4π·R²) with χᵣ = 0.3, reaches
//! 12.5 kW/m² — piloted ignition of wood (Drysdale, An Introduction to Fire
//! Dynamics) — so the critical separation is R = √(χᵣ·Q/(4π·12.5)).

use crate::scenario::schema::Growth;

/// Radiative fraction of the heat release.
pub const CHI_R: f64 = 0.3;
/// Critical radiant flux for piloted ignition of wood (kW/m²).
pub const Q_CRIT: f64 = 12.5;
/// Peak heat release rate of a rural house (kW).
pub const PEAK_KW: f64 = 5000.0;
/// Fuel energy of a rural house (kJ): about 40 m² floor × 700 MJ/m².
pub const FUEL_KJ: f64 = 28.0e6;

pub fn alpha(g: Growth) -> f64 {
    match g {
        Growth::Slow => 0.00293,
        Growth::Medium => 0.01172,
        Growth::Fast => 0.0469,
        Growth::UltraFast => 0.1876,
    }
}

/// Heat release rate (kW) `t` seconds after ignition; 0 once burnt out.
pub fn hrr(g: Growth, t: f64) -> f64 {
    if t <= 0.0 {
        return 0.0;
    }
    let a = alpha(g);
    let t_peak = (PEAK_KW / a).sqrt();
    let e_growth = a * t_peak.powi(3) / 3.0;
    if t < t_peak {
        return a * t * t;
    }
    let burn = (FUEL_KJ - e_growth).max(0.0) / PEAK_KW;
    if t < t_peak + burn { PEAK_KW } else { 0.0 }
}

/// Separation (m) within which a fire of `q_kw` ignites a neighbour.
pub fn critical_distance(q_kw: f64) -> f64 {
    (CHI_R * q_kw / (4.0 * std::f64::consts::PI * Q_CRIT)).sqrt()
}

/// Buildings at points; which burn and since when.
#[derive(Debug, Clone)]
pub struct Buildings {
    pub at: Vec<(f64, f64)>,
    pub ignited: Vec<Option<f64>>,
    pub growth: Growth,
}

impl Buildings {
    pub fn new(at: Vec<(f64, f64)>, growth: Growth) -> Self {
        let n = at.len();
        Buildings { at, ignited: vec![None; n], growth }
    }

    /// Ignites building `b` at `t` if it is not burning yet; whether it did.
    pub fn ignite(&mut self, b: usize, t: f64) -> bool {
        match self.ignited.get_mut(b) {
            Some(s @ None) => {
                *s = Some(t);
                true
            }
            _ => false,
        }
    }

    /// Spreads between buildings at time `t`; returns the newly ignited, in index order.
    pub fn step(&mut self, t: f64) -> Vec<usize> {
        let sources: Vec<(usize, f64)> = (0..self.at.len())
            .filter_map(|s| self.ignited[s].map(|t0| (s, hrr(self.growth, t - t0))))
            .filter(|&(_, q)| q > 0.0)
            .collect();
        let mut new = Vec::new();
        if sources.is_empty() {
            return new;
        }
        for b in 0..self.at.len() {
            if self.ignited[b].is_some() {
                continue;
            }
            let flux: f64 = sources
                .iter()
                .map(|&(s, q)| {
                    let r2 = (self.at[s].0 - self.at[b].0).powi(2) + (self.at[s].1 - self.at[b].1).powi(2);
                    CHI_R * q / (4.0 * std::f64::consts::PI * r2.max(1.0))
                })
                .sum();
            if flux >= Q_CRIT {
                new.push(b);
            }
        }
        for &b in &new {
            self.ignited[b] = Some(t);
        }
        new
    }
}
