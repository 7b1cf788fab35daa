//! Free walking speeds by age. Source: RiMEA — Guideline for Microscopic
//! Evacuation Analysis (RiMEA e.V., v2.2.1 / v3.0), Test 7 "Demographic
//! parameters", whose table of age-dependent walking speeds is read off
//! Weidmann (1993), *Transporttechnik der Fussgänger*, ETH Zürich, Schriftenreihe
//! IVT Nr. 90, Fig. on walking speed against age:
//!
//! | band                       | min (m/s) | max (m/s) |
//! |----------------------------|-----------|-----------|
//! | under 30 years (children incl.) | 0.58 | 1.61 |
//! | 30 to 50 years             | 1.41      | 1.54      |
//! | over 50 years              | 0.68      | 1.41      |
//! | mobility impaired          | 0.46      | 0.76      |
//!
//! RiMEA asks that assigned speeds lie within the band's range; speeds here
//! are drawn uniformly over it. The coarse child / adult / elderly groups the
//! scenario uses map onto these bands (children under 18 and elderly 65+
//! onto their band; an adult 18–64 gets an age drawn uniformly in that
//! range first — an assumption of this module, not of RiMEA). Randomness
//! comes only from the caller's `ChaCha8Rng`.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// RiMEA test 7 age bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AgeBand {
    Under30,
    From30To50,
    Over50,
    MobilityImpaired,
}

/// The RiMEA test 7 table: band, minimum and maximum free speed (m/s).
pub const RIMEA_SPEED_TABLE: [(AgeBand, f64, f64); 4] = [
    (AgeBand::Under30, 0.58, 1.61),
    (AgeBand::From30To50, 1.41, 1.54),
    (AgeBand::Over50, 0.68, 1.41),
    (AgeBand::MobilityImpaired, 0.46, 0.76),
];

impl AgeBand {
    pub const ALL: [AgeBand; 4] = [AgeBand::Under30, AgeBand::From30To50, AgeBand::Over50, AgeBand::MobilityImpaired];

    /// The band of an unimpaired person aged `years` (30 and 50 fall in the
    /// middle band).
    pub fn of_age(years: f64) -> AgeBand {
        if years < 30.0 {
            AgeBand::Under30
        } else if years <= 50.0 {
            AgeBand::From30To50
        } else {
            AgeBand::Over50
        }
    }

    /// (min, max) free speed of the band (m/s).
    pub fn range(self) -> (f64, f64) {
        let (_, lo, hi) = RIMEA_SPEED_TABLE[self as usize];
        (lo, hi)
    }

    /// A free speed drawn uniformly in the band (m/s).
    pub fn sample(self, rng: &mut ChaCha8Rng) -> f64 {
        let (lo, hi) = self.range();
        lo + (hi - lo) * unit(rng)
    }
}

/// The scenario's coarse age groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgeGroup {
    /// Under 18.
    Child,
    /// 18 to 64.
    Adult,
    /// 65 and over.
    Elderly,
}

impl AgeGroup {
    /// The RiMEA band for one person of this group (adults: by an age drawn
    /// uniformly in 18–64).
    pub fn band(self, rng: &mut ChaCha8Rng) -> AgeBand {
        match self {
            AgeGroup::Child => AgeBand::Under30,
            AgeGroup::Adult => AgeBand::of_age(18.0 + 47.0 * unit(rng)),
            AgeGroup::Elderly => AgeBand::Over50,
        }
    }

    /// A free speed for one person of this group (m/s); mobility-impaired
    /// people get the impaired band whatever their age.
    pub fn sample_speed(self, impaired: bool, rng: &mut ChaCha8Rng) -> f64 {
        let band = if impaired { AgeBand::MobilityImpaired } else { self.band(rng) };
        band.sample(rng)
    }
}

/// Uniform in [0, 1) from the top 53 bits of one draw (platform independent).
fn unit(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn bands_by_age() {
        assert_eq!(AgeBand::of_age(8.0), AgeBand::Under30);
        assert_eq!(AgeBand::of_age(40.0), AgeBand::From30To50);
        assert_eq!(AgeBand::of_age(70.0), AgeBand::Over50);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        assert_eq!(AgeGroup::Elderly.band(&mut rng), AgeBand::Over50);
        for b in AgeBand::ALL {
            assert_eq!(RIMEA_SPEED_TABLE[b as usize].0, b);
        }
    }
}
