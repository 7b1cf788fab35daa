//! The instruction-set tiers the models' hot loops are compiled for, and
//! `dispatched!`, which compiles one loop body for each and runs the best
//! the CPU has. On x86-64 a body is compiled three times, for the
//! baseline (SSE2, two f64 lanes), AVX2 (four) and AVX-512 (eight), and the
//! CPU picks at run time. Every operation in such a body is an IEEE add,
//! multiply, divide, square root, comparison, conversion or bit operation,
//! never fused (Rust does not contract `a * b + c`, and FMA is not
//! enabled), so every tier gives the same bits: the models' tests compare
//! each tier the CPU has with the baseline.
//!
//! Owns: `Tier` and the dispatch. May not touch: any model's state (a
//! model's loops use it; it knows none of them).

/// The instruction sets the loops are compiled for, best last. Every tier
/// gives the same bits (IEEE operations, nothing fused); a wider one does
/// more lanes an instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    /// x86-64's SSE2 (two lanes), or whatever the target is.
    Baseline,
    /// AVX2 without FMA (four lanes).
    Avx2,
    /// AVX-512 F, DQ and VL without FMA (eight lanes; the divider is no
    /// wider, so a loop with divisions gains less than that).
    Avx512,
}

impl Tier {
    /// The best tier this CPU runs, found once (every loop call asks).
    pub fn detect() -> Tier {
        static BEST: std::sync::OnceLock<Tier> = std::sync::OnceLock::new();
        *BEST.get_or_init(|| {
            #[cfg(target_arch = "x86_64")]
            {
                use std::arch::is_x86_feature_detected as has;
                if has!("avx512f") && has!("avx512dq") && has!("avx512vl") {
                    return Tier::Avx512;
                }
                if has!("avx2") {
                    return Tier::Avx2;
                }
            }
            Tier::Baseline
        })
    }

    /// The tiers this CPU runs, baseline first.
    pub fn available() -> Vec<Tier> {
        [Tier::Baseline, Tier::Avx2, Tier::Avx512].into_iter().filter(|&t| t <= Tier::detect()).collect()
    }
}

/// f64 lanes of the widest tier (AVX-512): loops over fixed-size arrays
/// of this many unroll into whole vectors on every tier, and reductions
/// keep this many partial results.
pub const LANES: usize = 8;

/// A slice of exactly `LANES` items as an array, for a loop the compiler
/// turns into vector operations.
#[inline(always)]
pub fn lanes<T>(s: &[T]) -> &[T; LANES] {
    s.try_into().expect("a whole vector")
}

/// Defines each loop from one body: `$base`, the body itself (inlined
/// where it is called); `$tiered`, which runs it compiled for the given
/// tier or the best below it that the CPU has; and `$name` (with the
/// visibility given), which runs the best the CPU has (`Tier::detect`).
macro_rules! dispatched {
    ($($(#[$doc:meta])* $vis:vis fn $name:ident($($a:ident: $t:ty),* $(,)?) $(-> $r:ty)? as $base:ident, $tiered:ident $body:block)*) => {$(
        #[allow(clippy::too_many_arguments)]
        #[inline(always)]
        fn $base($($a: $t),*) $(-> $r)? $body

        $(#[$doc])*
        #[allow(clippy::too_many_arguments)]
        $vis fn $name($($a: $t),*) $(-> $r)? {
            $tiered(crate::sim::tier::Tier::detect(), $($a),*)
        }

        /// The loop compiled for `tier`, or the best below it this CPU has.
        #[allow(clippy::too_many_arguments)]
        $vis fn $tiered(tier: crate::sim::tier::Tier, $($a: $t),*) $(-> $r)? {
            use crate::sim::tier::Tier;
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2")]
                #[allow(clippy::too_many_arguments)]
                fn avx2($($a: $t),*) $(-> $r)? {
                    $base($($a),*)
                }
                #[target_feature(enable = "avx512f,avx512dq,avx512vl")]
                #[allow(clippy::too_many_arguments)]
                fn avx512($($a: $t),*) $(-> $r)? {
                    $base($($a),*)
                }
                match tier.min(Tier::detect()) {
                    // SAFETY: the CPU has what each asks for (`Tier::detect`);
                    // the functions are otherwise safe Rust.
                    Tier::Avx512 => return unsafe { avx512($($a),*) },
                    Tier::Avx2 => return unsafe { avx2($($a),*) },
                    Tier::Baseline => {}
                }
            }
            let _ = tier;
            $base($($a),*)
        }
    )*};
}

pub(crate) use dispatched;
