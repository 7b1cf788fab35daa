//! Probability distributions drawn from a seeded stream with `libm`
//! transcendental functions, so draws are the same on every platform.
//! Used for residents' pre-movement times and plan followers' delays.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// A continuous distribution of a positive quantity (seconds, usually).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Distribution {
    /// Uniform on `[min, max]`.
    Uniform { min: f64, max: f64 },
    /// Weibull with scale λ and shape k: F(x) = 1 − exp(−(x/λ)^k).
    Weibull { scale: f64, shape: f64 },
    /// Log-normal with the given median and σ of the underlying normal.
    LogNormal { median: f64, sigma: f64 },
    /// Rayleigh with scale σ: F(x) = 1 − exp(−x²/(2σ²)).
    Rayleigh { sigma: f64 },
}

/// A uniform draw in (0, 1), never exactly 0 or 1.
pub fn open01(rng: &mut ChaCha8Rng) -> f64 {
    // 53 random bits, shifted half a step off the ends.
    ((rng.random::<u64>() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
}

/// A standard normal draw (Box–Muller).
pub fn std_normal(rng: &mut ChaCha8Rng) -> f64 {
    let (u1, u2) = (open01(rng), open01(rng));
    libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(std::f64::consts::TAU * u2)
}

impl Distribution {
    /// One draw.
    pub fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        match *self {
            Distribution::Uniform { min, max } => min + (max - min) * open01(rng),
            Distribution::Weibull { scale, shape } => scale * libm::pow(-libm::log(open01(rng)), 1.0 / shape),
            Distribution::LogNormal { median, sigma } => median * libm::exp(sigma * std_normal(rng)),
            Distribution::Rayleigh { sigma } => sigma * libm::sqrt(-2.0 * libm::log(open01(rng))),
        }
    }

    /// The distribution's mean.
    pub fn mean(&self) -> f64 {
        match *self {
            Distribution::Uniform { min, max } => (min + max) / 2.0,
            Distribution::Weibull { scale, shape } => scale * libm::tgamma(1.0 + 1.0 / shape),
            Distribution::LogNormal { median, sigma } => median * libm::exp(sigma * sigma / 2.0),
            Distribution::Rayleigh { sigma } => sigma * libm::sqrt(std::f64::consts::PI / 2.0),
        }
    }

    /// Whether the parameters make sense (all positive, min ≤ max).
    pub fn is_valid(&self) -> bool {
        match *self {
            Distribution::Uniform { min, max } => min >= 0.0 && max >= min && max.is_finite(),
            Distribution::Weibull { scale, shape } => {
                scale > 0.0 && shape > 0.0 && scale.is_finite() && shape.is_finite()
            }
            Distribution::LogNormal { median, sigma } => {
                median > 0.0 && sigma >= 0.0 && median.is_finite() && sigma.is_finite()
            }
            Distribution::Rayleigh { sigma } => sigma > 0.0 && sigma.is_finite(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// Sample means of 200,000 draws match the analytic means within 1%
    /// (standard error is below 0.3% for these parameters).
    #[test]
    fn sample_means_match_analytic_means() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        for d in [
            Distribution::Uniform { min: 10.0, max: 40.0 },
            Distribution::Weibull { scale: 139.0, shape: 1.2 },
            Distribution::LogNormal { median: 60.0, sigma: 0.5 },
            Distribution::Rayleigh { sigma: 100.0 },
        ] {
            let n = 200_000;
            let m: f64 = (0..n).map(|_| d.sample(&mut rng)).sum::<f64>() / n as f64;
            assert!((m / d.mean() - 1.0).abs() < 0.01, "{d:?}: sample mean {m}, analytic {}", d.mean());
        }
    }
}
