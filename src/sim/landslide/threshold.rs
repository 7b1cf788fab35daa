//! Rainfall intensity–duration thresholds for shallow landslides: the time a
//! scripted rain first passes I = α·D^(−β) (Caine 1980; Guzzetti et al. 2008),
//! with I the mean intensity (mm/h) since the rain began and D its duration (h).

use crate::scenario::schema::{Series, series_at};

/// Rain intensity (mm/h) of a piecewise-linear hyetograph at `t` seconds;
/// 0 outside it.
pub fn intensity(h: &Series, t: f64) -> f64 {
    let (Some(first), Some(last)) = (h.first(), h.last()) else { return 0.0 };
    if t < first.0 as f64 || t > last.0 as f64 {
        return 0.0;
    }
    series_at(h, t)
}

/// First drill second (checked every `step_s`) at which the rain so far
/// passes the threshold, or `None` within `until_s`.
pub fn crossing_time(h: &Series, alpha: f64, beta: f64, until_s: u32, step_s: u32) -> Option<u32> {
    let step_s = step_s.max(1);
    let mut began: Option<u32> = None;
    let mut total_mm = 0.0;
    let mut t = 0u32;
    while t < until_s {
        let next = t + step_s;
        // Trapezoid over the step (mm/h × h).
        let mm = 0.5 * (intensity(h, t as f64) + intensity(h, next as f64)) * step_s as f64 / 3600.0;
        if began.is_none() && mm > 0.0 {
            began = Some(t);
        }
        total_mm += mm;
        if let Some(b) = began {
            let d_h = (next - b) as f64 / 3600.0;
            if total_mm / d_h >= alpha * d_h.powf(-beta) {
                return Some(next);
            }
        }
        t = next;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Constant rain i over D hours passes I = α·D^(−β) when i = α·D^(−β),
    /// i.e. at D* = (α / i)^(1/β): for Caine (α 14.82, β 0.39) and 10 mm/h,
    /// D* = 1.482^(2.564) = 2.74 h. Checked to the 60 s step.
    #[test]
    fn constant_rain_crosses_caine_at_the_analytic_duration() {
        let rain: Series = vec![(0, 10.0), (36_000, 10.0)];
        let t = crossing_time(&rain, 14.82, 0.39, 36_000, 60).expect("crosses") as f64;
        let expect = (14.82f64 / 10.0).powf(1.0 / 0.39) * 3600.0;
        assert!((t - expect).abs() <= 60.0, "{t} vs {expect}");
    }

    #[test]
    fn light_rain_never_crosses_and_dry_weather_never_starts_the_clock() {
        assert_eq!(crossing_time(&vec![(0, 1.0), (14_400, 1.0)], 14.82, 0.39, 14_400, 60), None);
        assert_eq!(crossing_time(&vec![], 14.82, 0.39, 14_400, 60), None);
    }
}
