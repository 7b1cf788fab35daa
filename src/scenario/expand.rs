//! Expands household blocks into households. The layout and the people are
//! drawn from a ChaCha8 stream keyed by the block id alone, so a village looks
//! the same in every run whatever the run seed.

use super::schema::{Household, HouseholdBlock, Members, Village};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};

/// Every household of a village: the listed ones, then each block's in order.
pub fn households(v: &Village) -> Vec<Household> {
    let mut out = v.households.clone();
    for b in &v.household_blocks {
        out.extend(block_households(b));
    }
    out
}

fn block_rng(id: &str) -> ChaCha8Rng {
    let d = Sha256::digest(format!("household-block:{id}").as_bytes());
    let mut seed = [0u8; 32];
    seed.copy_from_slice(&d);
    ChaCha8Rng::from_seed(seed)
}

/// The households of one block, ids `{block}-{k:03}` row by row.
pub fn block_households(b: &HouseholdBlock) -> Vec<Household> {
    let mut rng = block_rng(&b.id);
    let p = &b.profile;
    let (s, c) = (libm::sin(b.rotation_deg.to_radians()), libm::cos(b.rotation_deg.to_radians()));
    let mut out = Vec::with_capacity((b.rows as u64 * b.cols as u64).min(5_000) as usize);
    for r in 0..b.rows {
        for q in 0..b.cols {
            // Local offsets from the block centre, jittered by up to 15% of the spacing.
            let lx = (q as f64 - (b.cols as f64 - 1.0) / 2.0) * b.spacing_m
                + (rng.random::<f64>() - 0.5) * 0.3 * b.spacing_m;
            let ly = (r as f64 - (b.rows as f64 - 1.0) / 2.0) * b.spacing_m
                + (rng.random::<f64>() - 0.5) * 0.3 * b.spacing_m;
            let at = (b.center.0 + c * lx - s * ly, b.center.1 + s * lx + c * ly);
            let mut m = Members::default();
            if rng.random::<f64>() < p.elderly_alone {
                m.elderly = 1;
            } else {
                // Size 1..=6 with the profile's mean: 1 + Binomial(5, (mean-1)/5).
                let pk = ((p.mean_size - 1.0) / 5.0).clamp(0.0, 1.0);
                let size = 1 + (0..5).filter(|_| rng.random::<f64>() < pk).count() as u32;
                for _ in 0..size {
                    let u = rng.random::<f64>();
                    if u < p.elderly {
                        m.elderly += 1;
                    } else if u < p.elderly + p.children {
                        m.children += 1;
                    } else {
                        m.adults += 1;
                    }
                }
                if m.adults + m.elderly == 0 {
                    m.children -= 1;
                    m.adults += 1;
                }
            }
            let vulnerable = (0..m.elderly).filter(|_| rng.random::<f64>() < p.vulnerable).count() as u32;
            let phone = rng.random::<f64>() < p.phone;
            let vehicle = rng.random::<f64>() < p.vehicle;
            out.push(Household {
                id: format!("{}-{:03}", b.id, out.len() + 1),
                at,
                members: m,
                vulnerable,
                phone,
                vehicle,
            });
        }
    }
    out
}
