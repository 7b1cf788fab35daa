//! Surface fire behaviour: Rothermel's (1972) spread model with Albini's
//! (1976) revisions as BehavePlus computes it (Andrews 2018, RMRS-GTR-371):
//! reaction intensity, propagating flux, heat sink, wind and slope factors
//! combined as vectors, effective wind speed, the Anderson (1983) length-to-
//! breadth ratio, the elliptical rate in any direction, Byram's fireline
//! intensity and flame length. Works in BehavePlus' units (ft, lb, BTU, min)
//! inside and answers in SI.

use crate::scenario::fuel::FuelModel;

/// Dead and live fuel moisture (fractions).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moisture {
    pub one_h: f64,
    pub ten_h: f64,
    pub hundred_h: f64,
    pub live_herb: f64,
    pub live_woody: f64,
}

/// Wind and slope where the fire burns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Conditions {
    /// Midflame wind speed (m/s).
    pub midflame_wind: f64,
    /// Direction the wind blows towards, radians counter-clockwise from +x (east).
    pub wind_toward: f64,
    /// Slope steepness as rise over run (tan of the slope angle).
    pub slope: f64,
    /// Upslope direction, radians counter-clockwise from +x.
    pub upslope: f64,
}

/// What the fire does at the head and around its ellipse.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Behaviour {
    /// Head fire rate of spread (m/s).
    pub ros: f64,
    /// Direction of maximum spread, radians counter-clockwise from +x.
    pub heading: f64,
    /// Eccentricity of the spread ellipse.
    pub eccentricity: f64,
    /// Length-to-breadth ratio (Anderson 1983).
    pub length_to_breadth: f64,
    /// Effective midflame wind (m/s).
    pub effective_wind: f64,
    /// Reaction intensity (kW/m²).
    pub reaction_intensity: f64,
    /// Heat per unit area (kJ/m²).
    pub heat_per_area: f64,
    /// Byram's fireline intensity at the head (kW/m).
    pub fireline_intensity: f64,
    /// Flame length at the head (m), Byram (1959).
    pub flame_length: f64,
    /// Residence time (s), Anderson (1969): 384/σ minutes.
    pub residence_s: f64,
}

impl Behaviour {
    /// No fire.
    pub const NONE: Behaviour = Behaviour {
        ros: 0.0,
        heading: 0.0,
        eccentricity: 0.0,
        length_to_breadth: 1.0,
        effective_wind: 0.0,
        reaction_intensity: 0.0,
        heat_per_area: 0.0,
        fireline_intensity: 0.0,
        flame_length: 0.0,
        residence_s: 0.0,
    };

    /// Rate of spread (m/s) in the direction `theta` (radians from +x) of a
    /// fire spreading from a point: R·(1 − e)/(1 − e·cos β), β the angle from
    /// the heading (BehavePlus "from ignition point").
    pub fn ros_toward(&self, theta: f64) -> f64 {
        let e = self.eccentricity;
        self.ros * (1.0 - e) / (1.0 - e * (theta - self.heading).cos())
    }
}

const FT: f64 = 0.3048;
const FT_PER_MIN: f64 = FT / 60.0;
/// BTU/ft²/min in kW/m².
const BTU_FT2_MIN: f64 = 1055.056 / (FT * FT) / 60.0 / 1000.0;
const HEAT: f64 = 8000.0;
const PARTICLE_DENSITY: f64 = 32.0;
const TOTAL_SILICA: f64 = 0.0555;
const EFFECTIVE_SILICA: f64 = 0.010;

/// A particle of the fuel bed: load (lb/ft²), σ (1/ft), moisture.
#[derive(Clone, Copy)]
struct Particle {
    load: f64,
    savr: f64,
    moisture: f64,
}

/// Albini's size classes for the net-load weighting.
fn size_class(savr: f64) -> usize {
    match savr {
        s if s >= 1200.0 => 0,
        s if s >= 192.0 => 1,
        s if s >= 96.0 => 2,
        s if s >= 48.0 => 3,
        s if s >= 16.0 => 4,
        _ => 5,
    }
}

/// Fuel bed properties that do not depend on wind and slope.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fuelbed {
    /// Characteristic surface-area-to-volume ratio (1/ft).
    pub sigma: f64,
    pub packing_ratio: f64,
    pub relative_packing: f64,
    /// Reaction intensity (BTU/ft²/min).
    pub reaction_intensity: f64,
    /// No-wind, no-slope rate of spread (ft/min).
    pub r0: f64,
    /// Characteristic dead and live moisture, live moisture of extinction (fractions).
    pub dead_moisture: f64,
    pub live_moisture: f64,
    pub mx_live: f64,
    /// Wind factor coefficients C, B, E (Rothermel 1972).
    pub wind_c: f64,
    pub wind_b: f64,
    pub wind_e: f64,
}

/// Computes the fuel bed of a model at a moisture.
pub fn fuelbed(m: &FuelModel, w: &Moisture) -> Fuelbed {
    let mut dead = [
        Particle { load: m.load[0], savr: m.savr_1h, moisture: w.one_h },
        Particle { load: m.load[1], savr: 109.0, moisture: w.ten_h },
        Particle { load: m.load[2], savr: 30.0, moisture: w.hundred_h },
        // Cured herbaceous fuel, dead, at the 1-h moisture.
        Particle { load: 0.0, savr: m.savr_herb, moisture: w.one_h },
    ];
    let mut live = [
        Particle { load: m.load[3], savr: m.savr_herb, moisture: w.live_herb },
        Particle { load: m.load[4], savr: m.savr_woody, moisture: w.live_woody },
    ];
    if m.dynamic {
        // Scott & Burgan's load transfer, as BehavePlus applies it.
        let cured = if w.live_herb < 0.30 {
            1.0
        } else if w.live_herb <= 1.20 {
            1.333 - 1.11 * w.live_herb
        } else {
            0.0
        };
        dead[3].load = live[0].load * cured;
        live[0].load -= dead[3].load;
    }
    let area = |p: &Particle| if p.savr > 0.0 { p.load * p.savr / PARTICLE_DENSITY } else { 0.0 };
    let sum_area = |ps: &[Particle]| ps.iter().map(area).sum::<f64>();
    let (a_dead, a_live) = (sum_area(&dead), sum_area(&live));
    let a_total = a_dead + a_live;
    if a_total <= 0.0 || m.depth_ft <= 0.0 {
        return Fuelbed {
            sigma: 0.0,
            packing_ratio: 0.0,
            relative_packing: 0.0,
            reaction_intensity: 0.0,
            r0: 0.0,
            dead_moisture: 0.0,
            live_moisture: 0.0,
            mx_live: 0.0,
            wind_c: 0.0,
            wind_b: 0.0,
            wind_e: 0.0,
        };
    }
    let f_life = [a_dead / a_total, a_live / a_total];
    // Per life state: fractions f_ij, size-sorted weights g_ij and weighted values.
    struct Life {
        sigma: f64,
        moisture: f64,
        net_load: f64,
        heat_sink: f64,
        load: f64,
    }
    let life = |ps: &[Particle], a: f64| -> Life {
        let f: Vec<f64> = ps.iter().map(|p| if a > 0.0 { area(p) / a } else { 0.0 }).collect();
        let mut by_class = [0.0; 6];
        for (p, fi) in ps.iter().zip(&f) {
            by_class[size_class(p.savr)] += fi;
        }
        let mut out = Life { sigma: 0.0, moisture: 0.0, net_load: 0.0, heat_sink: 0.0, load: 0.0 };
        for (p, fi) in ps.iter().zip(&f) {
            if p.savr <= 0.0 {
                continue;
            }
            out.sigma += fi * p.savr;
            out.moisture += fi * p.moisture;
            out.net_load += by_class[size_class(p.savr)] * p.load * (1.0 - TOTAL_SILICA);
            out.heat_sink += fi * (250.0 + 1116.0 * p.moisture) * (-138.0 / p.savr).exp();
            out.load += p.load;
        }
        out
    };
    let (d, l) = (life(&dead, a_dead), life(&live, a_live));
    let sigma = f_life[0] * d.sigma + f_life[1] * l.sigma;
    let total_load = d.load + l.load;
    let bulk_density = total_load / m.depth_ft;
    let packing_ratio = total_load / (m.depth_ft * PARTICLE_DENSITY);
    let beta_op = 3.348 * sigma.powf(-0.8189);
    let relative_packing = packing_ratio / beta_op;
    // Live fuel moisture of extinction (Albini 1976, p. 89).
    let fine_dead: f64 = dead.iter().filter(|p| p.savr > 0.0).map(|p| p.load * (-138.0 / p.savr).exp()).sum();
    let fine_dead_moist: f64 =
        dead.iter().filter(|p| p.savr > 0.0).map(|p| p.load * (-138.0 / p.savr).exp() * p.moisture).sum();
    let fine_live: f64 = live.iter().filter(|p| p.savr > 0.0).map(|p| p.load * (-500.0 / p.savr).exp()).sum();
    let mx_live = if fine_live > 0.0 {
        let mf = if fine_dead > 0.0 { fine_dead_moist / fine_dead } else { 0.0 };
        (2.9 * (fine_dead / fine_live) * (1.0 - mf / m.mx_dead) - 0.226).max(m.mx_dead)
    } else {
        m.mx_dead
    };
    // Reaction intensity (Rothermel 1972, eq. 27 with Albini's weighting).
    let a_exp = 133.0 * sigma.powf(-0.7913);
    let gamma_max = sigma.powf(1.5) / (495.0 + 0.0594 * sigma.powf(1.5));
    let gamma = gamma_max * relative_packing.powf(a_exp) * (a_exp * (1.0 - relative_packing)).exp();
    let eta_s = (0.174 * EFFECTIVE_SILICA.powf(-0.19)).min(1.0);
    let damping = |mf: f64, mx: f64| {
        let r = if mx > 0.0 { (mf / mx).min(1.0) } else { 1.0 };
        (1.0 - 2.59 * r + 5.11 * r * r - 3.52 * r * r * r).max(0.0)
    };
    let ir = gamma
        * HEAT
        * eta_s
        * (d.net_load * damping(d.moisture, m.mx_dead) + l.net_load * damping(l.moisture, mx_live));
    let xi = ((0.792 + 0.681 * sigma.sqrt()) * (packing_ratio + 0.1)).exp() / (192.0 + 0.2595 * sigma);
    let heat_sink = bulk_density * (f_life[0] * d.heat_sink + f_life[1] * l.heat_sink);
    let r0 = if heat_sink > 0.0 { ir * xi / heat_sink } else { 0.0 };
    Fuelbed {
        sigma,
        packing_ratio,
        relative_packing,
        reaction_intensity: ir,
        r0,
        dead_moisture: d.moisture,
        live_moisture: l.moisture,
        mx_live,
        wind_c: 7.47 * (-0.133 * sigma.powf(0.55)).exp(),
        wind_b: 0.02526 * sigma.powf(0.54),
        wind_e: 0.715 * (-3.59e-4 * sigma).exp(),
    }
}

impl Fuelbed {
    /// Fire behaviour under wind and slope (no wind limit, as BehavePlus 6
    /// by default; Andrews et al. 2013 advise against it).
    pub fn behaviour(&self, c: &Conditions) -> Behaviour {
        if self.r0 <= 0.0 {
            return Behaviour::NONE;
        }
        let u = c.midflame_wind.max(0.0) / FT_PER_MIN;
        let phi_w =
            if u > 0.0 { self.wind_c * u.powf(self.wind_b) * self.relative_packing.powf(-self.wind_e) } else { 0.0 };
        let phi_s = 5.275 * self.packing_ratio.powf(-0.3) * c.slope * c.slope;
        // Vector sum of the slope and wind rates (BehavePlus), upslope as x.
        let rel = c.wind_toward - c.upslope;
        let x = self.r0 * phi_s + self.r0 * phi_w * rel.cos();
        let y = self.r0 * phi_w * rel.sin();
        let add = (x * x + y * y).sqrt();
        let ros_ft = self.r0 + add;
        let heading = if add > 0.0 { c.upslope + y.atan2(x) } else { c.upslope };
        let phi_e = ros_ft / self.r0 - 1.0;
        let ue = if phi_e > 0.0 {
            (phi_e * self.relative_packing.powf(self.wind_e) / self.wind_c).powf(1.0 / self.wind_b)
        } else {
            0.0
        };
        // Anderson (1983) with the effective wind in mph, as BehavePlus
        // (0.1147 and 0.0692 per mph are 0.2566 and 0.1548 per m/s).
        let ue_mph = ue / 88.0;
        let lb = (0.936 * (0.1147 * ue_mph).exp() + 0.461 * (-0.0692 * ue_mph).exp() - 0.397).clamp(1.0, 8.0);
        let e = (lb * lb - 1.0).sqrt() / lb;
        let residence_min = 384.0 / self.sigma;
        let hpa = self.reaction_intensity * residence_min; // BTU/ft²
        let ros = ros_ft * FT_PER_MIN;
        let ir_kw = self.reaction_intensity * BTU_FT2_MIN;
        let hpa_kj = hpa * 1.055056 / (FT * FT);
        let intensity = hpa_kj * ros; // kW/m
        Behaviour {
            ros,
            heading,
            eccentricity: e,
            length_to_breadth: lb,
            effective_wind: ue * FT_PER_MIN,
            reaction_intensity: ir_kw,
            heat_per_area: hpa_kj,
            fireline_intensity: intensity,
            flame_length: 0.0775 * intensity.powf(0.46),
            residence_s: residence_min * 60.0,
        }
    }
}

/// Midflame wind adjustment factor (Albini & Baughman 1979, as BehavePlus):
/// unsheltered 1.83/ln((20 + 0.36·δ)/(0.13·δ)) with δ the fuel bed depth
/// (ft); under a canopy with crown fill f = cover·crown ratio/3 ≥ 0.05 and
/// height H ≥ 6 ft, 0.555/(√(f·H)·ln((20 + 0.36·H)/(0.13·H))).
pub fn wind_adjustment(depth_ft: f64, canopy_cover: f64, canopy_height_ft: f64, crown_ratio: f64) -> f64 {
    let fill = canopy_cover * crown_ratio / 3.0;
    if canopy_cover <= 0.0 || fill < 0.05 || canopy_height_ft < 6.0 {
        if depth_ft <= 0.0 {
            return 0.0;
        }
        1.83 / ((20.0 + 0.36 * depth_ft) / (0.13 * depth_ft)).ln()
    } else {
        let h = canopy_height_ft;
        0.555 / ((fill * h).sqrt() * ((20.0 + 0.36 * h) / (0.13 * h)).ln())
    }
}
