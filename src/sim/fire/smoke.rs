//! Smoke near the ground: a column mass of smoke per cell (g/m²), emitted by
//! burning cells, carried by the wind (first-order upwind finite volume),
//! spread by eddy diffusion and lost slowly aloft. Emission: fuel consumed
//! (heat per unit area ÷ 18,600 kJ/kg, over the cell's burning time) × a
//! smoke yield of 20 g/kg (flaming vegetation). The ground concentration is
//! the column mass over a mixing height of `MIX_M`; the extinction
//! coefficient is C_s = 7.6 m²/g × concentration (Mulholland), visibility
//! 3/C_s m (Jin 1978, reflecting signs), and walking speed falls by
//! 0.34 (m/s)/(1/m) of extinction from 1.11 m/s (Frantzich & Nilsson 2003),
//! i.e. a factor 1 − 0.306·C_s, floored at 0.2.
//!
//! Harm: carbon monoxide travels with the smoke at `CO_YIELD_G_PER_KG`
//! (Andreae 2019, extratropical forest ≈ 113 g/kg against ~20 g/kg of
//! smoke), so CO (ppm) = smoke concentration × 110/20 × 1000 / 1.145 mg/m³
//! per ppm. People outdoors take a fractional effective dose (ISO 13571,
//! Purser): FED = Σ ppm·minutes / 35,000; at FED 1 they are incapacitated
//! (counted injured: smoke inhalation).

/// Depth of air the smoke mixes into near the ground (m).
pub const MIX_M: f64 = 100.0;
/// Smoke yield (g per kg of fuel).
pub const YIELD_G_PER_KG: f64 = 20.0;
/// Specific extinction (m²/g).
pub const K_M: f64 = 7.6;
/// Eddy diffusivity (m²/s).
pub const DIFFUSIVITY: f64 = 20.0;
/// CO yield of burning vegetation (g per kg of fuel).
pub const CO_YIELD_G_PER_KG: f64 = 110.0;
/// Incapacitating CO dose (ppm·min), ISO 13571.
pub const CO_DOSE_PPM_MIN: f64 = 35_000.0;
/// Loss aloft (1/s).
pub const DECAY: f64 = 1.0 / 1800.0;

/// Smoke on the grid.
#[derive(Debug, Clone)]
pub struct Smoke {
    pub nx: usize,
    pub ny: usize,
    pub dx: f64,
    /// Column mass per cell (g/m²).
    pub mass: Vec<f64>,
}

impl Smoke {
    pub fn new(nx: usize, ny: usize, dx: f64) -> Self {
        Smoke { nx, ny, dx, mass: vec![0.0; nx * ny] }
    }

    /// Advances `dt` seconds (sub-stepped for stability) with wind `(u, v)`
    /// m/s and sources `(cell, g/m²/s)`. Smoke leaving the map is lost.
    pub fn step(&mut self, dt: f64, u: f64, v: f64, sources: &[(usize, f64)]) {
        let (nx, ny, dx) = (self.nx, self.ny, self.dx);
        let limit = 0.4 * dx / (u.abs() + v.abs() + 4.0 * DIFFUSIVITY / dx).max(1e-9);
        let n = (dt / limit).ceil().max(1.0) as usize;
        let h = dt / n as f64;
        let mut old = self.mass.clone();
        for _ in 0..n {
            for &(k, rate) in sources {
                if let Some(m) = self.mass.get_mut(k) {
                    *m += rate * h;
                }
            }
            old.copy_from_slice(&self.mass);
            let at = |i: i64, j: i64| {
                if i < 0 || j < 0 || i >= nx as i64 || j >= ny as i64 { 0.0 } else { old[j as usize * nx + i as usize] }
            };
            for j in 0..ny as i64 {
                for i in 0..nx as i64 {
                    let c = at(i, j);
                    let adv_x = if u >= 0.0 { u * (c - at(i - 1, j)) } else { u * (at(i + 1, j) - c) };
                    let adv_y = if v >= 0.0 { v * (c - at(i, j - 1)) } else { v * (at(i, j + 1) - c) };
                    let lap = at(i + 1, j) + at(i - 1, j) + at(i, j + 1) + at(i, j - 1) - 4.0 * c;
                    let next = c + h * (-(adv_x + adv_y) / dx + DIFFUSIVITY * lap / (dx * dx) - DECAY * c);
                    self.mass[j as usize * nx + i as usize] = next.max(0.0);
                }
            }
        }
    }

    /// Extinction coefficient (1/m) at ground level in cell `k`.
    pub fn extinction(&self, k: usize) -> f64 {
        K_M * self.mass.get(k).copied().unwrap_or(0.0) / MIX_M
    }

    /// Visibility (m) of reflecting signs in cell `k`.
    pub fn visibility(&self, k: usize) -> f64 {
        let c = self.extinction(k);
        if c > 0.0 { 3.0 / c } else { f64::INFINITY }
    }

    /// Factor on walking speed in cell `k`.
    pub fn walk_factor(&self, k: usize) -> f64 {
        (1.0 - 0.306 * self.extinction(k)).clamp(0.2, 1.0)
    }

    /// Carbon monoxide near the ground in cell `k` (ppm).
    pub fn co_ppm(&self, k: usize) -> f64 {
        let smoke_g_m3 = self.mass.get(k).copied().unwrap_or(0.0) / MIX_M;
        smoke_g_m3 * CO_YIELD_G_PER_KG / YIELD_G_PER_KG * 1000.0 / 1.145
    }

    /// Fractional effective dose taken per second outdoors in cell `k`.
    pub fn fed_per_s(&self, k: usize) -> f64 {
        self.co_ppm(k) / CO_DOSE_PPM_MIN / 60.0
    }

    /// Total smoke on the map (g).
    pub fn total(&self) -> f64 {
        self.mass.iter().sum::<f64>() * self.dx * self.dx
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With no wind, diffusion moves smoke but keeps it: a puff in the
    /// middle of the map (far from its edges) keeps its mass but for the
    /// loss aloft, m₀·(1 − h·decay)ⁿ, to 1e-9.
    #[test]
    fn a_puff_keeps_its_mass_but_for_the_loss_aloft() {
        // 60 cells from every edge: after 120 sub-steps nothing measurable leaves.
        let mut s = Smoke::new(121, 121, 10.0);
        s.mass[60 * 121 + 60] = 1000.0;
        let m0 = s.total();
        s.step(60.0, 0.0, 0.0, &[]);
        // Stable sub-step 0.4·dx/(4D/dx) = 0.5 s: 120 sub-steps of 0.5 s.
        let expect = m0 * (1.0 - 0.5 * DECAY).powi(120);
        assert!((s.total() - expect).abs() / expect < 1e-9, "{} vs {expect}", s.total());
        assert!(s.mass[60 * 121 + 61] > 0.0);
    }

    /// Wind carries smoke downwind, not upwind; thicker smoke walks slower.
    #[test]
    fn wind_carries_smoke_downwind_and_it_slows_walkers() {
        let mut s = Smoke::new(60, 20, 10.0);
        s.step(300.0, 3.0, 0.0, &[(10 * 60 + 10, 0.5)]);
        assert!(s.mass[10 * 60 + 30] > s.mass[10 * 60 + 5] * 10.0);
        assert!(s.walk_factor(10 * 60 + 12) < 1.0);
        assert!(s.walk_factor(10 * 60 + 12) <= s.walk_factor(10 * 60 + 40));
        assert!(s.walk_factor(0) > 0.999, "clean air upwind");
    }

    /// The CO dose rule by hand: 10 g/m² of smoke over 100 m is 0.1 g/m³,
    /// 0.55 g/m³ of CO = 480.3 ppm; 35,000 ppm·min take 72.9 min (to 1e-9).
    #[test]
    fn co_dose_reaches_incapacitation_at_iso_13571_ppm_minutes() {
        let mut s = Smoke::new(1, 1, 10.0);
        s.mass[0] = 10.0;
        let ppm = 0.1 * 5.5 * 1000.0 / 1.145;
        assert!((s.co_ppm(0) - ppm).abs() < 1e-9);
        let minutes = 1.0 / s.fed_per_s(0) / 60.0;
        assert!((minutes - 35_000.0 / ppm).abs() < 1e-9, "{minutes} min");
        assert!((minutes - 72.87).abs() < 0.01);
    }
}
