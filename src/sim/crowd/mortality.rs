//! Published flood mortality functions for people in buildings, as pure
//! functions of the exposure (`harm` applies them, person by person).
//!
//! Jonkman, Vrijling & Vrouwenvelder (2008), "Methods for the estimation of
//! loss of life due to floods: a literature review and a proposal for a new
//! method", Natural Hazards 46:353–389, §5: the expected mortality `F_D`
//! among people who stayed in a flooded area, by zone —
//! - **breach zone** (depth·velocity `hv ≥ 7 m²/s` and `v ≥ 2 m/s`, where
//!   houses collapse): `F_D = 1`;
//! - **rapidly rising zone** (rise rate `w ≥ 0.5 m/h` and depth `h ≥ 2.1 m`):
//!   `F_D = Φ((ln h − 1.46) / 0.28)`;
//! - **remaining zone**: `F_D = Φ((ln h − 7.60) / 2.75)`,
//!
//! with `Φ` the standard normal distribution. The vulnerable (the elderly,
//! the disabled) die more often: in New Orleans after Katrina about 60 % of
//! the victims were over 65 (Jonkman et al. 2009, Risk Analysis 29(5)),
//! against 11.7 % of the population (US census 2000, Orleans Parish), a
//! relative mortality of (0.60/0.117)/(0.40/0.883) ≈ 11.
//!
//! Owns: the curves. May not touch: anything (pure).

/// Breach zone: depth × velocity from which houses collapse (m²/s) …
pub const BREACH_HV_M2_S: f64 = 7.0;
/// … together with a velocity of at least this (m/s).
pub const BREACH_V_M_S: f64 = 2.0;
/// Rapidly rising zone: rise rate (m/h) …
pub const RAPID_RISE_M_H: f64 = 0.5;
/// … and depth (m).
pub const RAPID_DEPTH_M: f64 = 2.1;
/// Relative mortality of vulnerable residents (see above).
pub const VULNERABLE_FACTOR: f64 = 11.0;

/// Jonkman's zones of a flooded area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    Breach,
    RapidlyRising,
    Remaining,
}

/// The zone of an exposure: depth (m), speed (m/s), fastest rise so far (m/h).
pub fn zone(depth: f64, speed: f64, rise_m_h: f64) -> Zone {
    if depth * speed >= BREACH_HV_M2_S && speed >= BREACH_V_M_S {
        Zone::Breach
    } else if rise_m_h >= RAPID_RISE_M_H && depth >= RAPID_DEPTH_M {
        Zone::RapidlyRising
    } else {
        Zone::Remaining
    }
}

/// Standard normal distribution function.
pub fn phi(x: f64) -> f64 {
    0.5 * libm::erfc(-x / core::f64::consts::SQRT_2)
}

/// Expected mortality of people in a building at this exposure.
pub fn in_building(depth: f64, speed: f64, rise_m_h: f64) -> f64 {
    if depth <= 0.0 {
        return 0.0;
    }
    match zone(depth, speed, rise_m_h) {
        Zone::Breach => 1.0,
        Zone::RapidlyRising => phi((libm::log(depth) - 1.46) / 0.28),
        Zone::Remaining => phi((libm::log(depth) - 7.60) / 2.75),
    }
}

/// The same for one person: the vulnerable's mortality is `VULNERABLE_FACTOR`
/// times higher (at most 1).
pub fn for_person(depth: f64, speed: f64, rise_m_h: f64, vulnerable: bool) -> f64 {
    let f = in_building(depth, speed, rise_m_h);
    if vulnerable { (f * VULNERABLE_FACTOR).min(1.0) } else { f }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Points on the published curves (Jonkman et al. 2008, §5, the
    /// formulas above), evaluated independently with Python's
    /// `0.5 * math.erfc(-x / math.sqrt(2))`; tolerance 1 % relative.
    #[test]
    fn curves_match_the_published_functions() {
        let remaining =
            [(0.5, 0.001_281_98), (1.0, 0.002_858_06), (2.0, 0.006_009_55), (3.0, 0.009_035_97), (5.0, 0.014_688_6)];
        for (h, want) in remaining {
            let got = in_building(h, 0.2, 0.1);
            assert!((got - want).abs() <= 0.01 * want, "remaining zone h = {h}: {got} vs {want}");
        }
        let rising = [(2.1, 0.005_166_09), (3.0, 0.098_409_0), (4.3, 0.498_027), (5.0, 0.703_228), (6.0, 0.881_963)];
        for (h, want) in rising {
            let got = in_building(h, 0.2, 0.6);
            assert!((got - want).abs() <= 0.01 * want, "rapidly rising zone h = {h}: {got} vs {want}");
        }
        // Breach zone: hv = 3.5 × 2.0 = 7 m²/s at 2 m/s.
        assert_eq!(in_building(3.5, 2.0, 0.0), 1.0);
        assert_eq!(zone(3.5, 1.9, 0.0), Zone::Remaining, "below 2 m/s it is not the breach zone");
        assert_eq!(zone(2.0, 3.0, 5.0), Zone::Remaining, "hv 6 and h < 2.1 m: neither breach nor rapid rise");
        assert_eq!(in_building(0.0, 0.0, 0.0), 0.0);
    }

    /// The tabulated standard normal (Abramowitz & Stegun 26.2): Φ(−1) =
    /// 0.158 655, Φ(1.96) = 0.975 002.
    #[test]
    fn phi_matches_the_table() {
        assert!((phi(-1.0) - 0.158_655).abs() < 1e-6);
        assert!((phi(1.96) - 0.975_002).abs() < 1e-6);
        assert!((phi(0.0) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn vulnerable_die_eleven_times_as_often_up_to_certainty() {
        let f = in_building(2.0, 0.1, 0.0);
        assert!((for_person(2.0, 0.1, 0.0, true) - 11.0 * f).abs() < 1e-12);
        assert_eq!(for_person(5.0, 0.1, 1.0, true), 1.0);
    }

    /// Per-person draws: a resident dies when the curve's mortality exceeds
    /// their own uniform draw, so over many residents the share dead is the
    /// curve's value (binomial tolerance, 4 σ).
    #[test]
    fn per_person_draws_give_the_expected_mortality() {
        let mut rng = crate::sim::rng::stream(3, "harm-test");
        let n = 200_000;
        for (h, w) in [(3.0, 0.1), (3.0, 0.6), (4.3, 0.6)] {
            let f = in_building(h, 0.2, w);
            let dead = (0..n).filter(|_| crate::dist::open01(&mut rng) < f).count() as f64 / n as f64;
            let sigma = (f * (1.0 - f) / n as f64).sqrt();
            assert!((dead - f).abs() <= 4.0 * sigma, "h {h} w {w}: {dead} vs {f}");
        }
    }
}
