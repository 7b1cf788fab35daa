//! Flood-fighting work by forces on scene: drainage pumps taking water out
//! of the flooded ground and sandbag walls raising a dike's crest. Plain
//! functions on the kernel's arrays (no Bevy types); the flood adapter calls
//! them every tick for each force on scene with the task `Pump` or
//! `Sandbag`.
//!
//! Pumping: each mobile drainage pump lifts `PUMP_M3_PER_H` (a 150 mm
//! trailer pump, about 300 m³/h at low head) from the wet cells within
//! `PUMP_REACH_M` of the place (suction hoses), each cell giving in
//! proportion to its depth, never more than is there; the water leaves the
//! model (discharged over the dike) and is booked in the water balance as a
//! negative source, so the balance still closes.
//!
//! Sandbagging: a crew fills and places `BAGS_PER_PERSON_H` bags an hour
//! each; a wall `SANDBAG_RAISE_M` high costs `BAGS_PER_M` bags a metre of
//! dike (a three-bag base: US Army Corps of Engineers' sandbag guide, about
//! 30 bags per metre for 0.5 m). The crew builds the wall on the dike cell
//! nearest the place first, then outwards along the dike, until its bags run
//! out. A raised cell's crest is the dike crest plus the wall; a breach that
//! opens there still cuts through it.

use super::kernel::Shallow;
use super::script::Dike;

/// Discharge of one mobile drainage pump (m³/h).
pub const PUMP_M3_PER_H: f64 = 300.0;
/// Reach of a pump's suction hoses from where it stands (m).
pub const PUMP_REACH_M: f64 = 100.0;
/// Sandbags one person fills and places in an hour.
pub const BAGS_PER_PERSON_H: f64 = 30.0;
/// Sandbags per metre of a wall `SANDBAG_RAISE_M` high.
pub const BAGS_PER_M: f64 = 30.0;
/// Height a sandbag wall adds to the crest (m).
pub const SANDBAG_RAISE_M: f64 = 0.5;
/// How far from the place a crew will look for the dike (m).
pub const SANDBAG_REACH_M: f64 = 300.0;

/// Takes up to `pumps × PUMP_M3_PER_H × dt` of water from the wet cells
/// within reach of `at`, in proportion to their depth. Returns the volume
/// taken (m³) and books it in the water balance.
pub fn pump(m: &mut Shallow, at: (f64, f64), pumps: u32, dt: f64) -> f64 {
    let area = m.dx * m.dx;
    let cells: Vec<usize> = cells_within(m, at, PUMP_REACH_M).filter(|&k| m.h[k] > 0.0).collect();
    let there: f64 = cells.iter().map(|&k| m.h[k] * area).sum();
    let want = pumps as f64 * PUMP_M3_PER_H / 3600.0 * dt;
    if there <= 0.0 || want <= 0.0 {
        return 0.0;
    }
    let share = (want / there).min(1.0);
    let mut taken = 0.0;
    for &k in &cells {
        let dh = m.h[k] * share;
        m.drain_to(k, m.h[k] - dh);
        taken += dh * area;
    }
    m.balance.sources -= taken;
    taken
}

/// A sandbag wall under construction on one dike.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Wall {
    /// Bags placed so far.
    pub bags: f64,
    /// Height added per dike cell (same order as the dike's cells).
    pub raised: Vec<f64>,
}

/// The dike whose nearest cell is within reach of `at`, and that cell's
/// index along it.
pub fn nearest_dike(m: &Shallow, dikes: &[Dike], at: (f64, f64)) -> Option<(usize, usize)> {
    let mut best: Option<(f64, usize, usize)> = None;
    for (d, dike) in dikes.iter().enumerate() {
        for (i, &k) in dike.cells.iter().enumerate() {
            let dist = distance(m, k, at);
            if dist <= SANDBAG_REACH_M && best.is_none_or(|b| dist < b.0) {
                best = Some((dist, d, i));
            }
        }
    }
    best.map(|(_, d, i)| (d, i))
}

/// Adds `bags` to the wall on `dike`, centred on cell `centre` of it, and
/// raises the bed of the finished stretch. Cells are done nearest first
/// (ties: the lower index along the dike); a breached cell is skipped.
/// Returns the number of cells newly raised to the full height.
pub fn build_wall(m: &mut Shallow, dike: &Dike, wall: &mut Wall, centre: usize, bags: f64) -> usize {
    let n = dike.cells.len();
    if wall.raised.len() != n {
        wall.raised = vec![0.0; n];
    }
    wall.bags += bags.max(0.0);
    let per_cell = BAGS_PER_M * m.dx;
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (i.abs_diff(centre), i));
    let mut left = wall.bags;
    let mut finished = 0;
    for i in order {
        let k = dike.cells[i];
        let breached = m.z[k] < dike.crest;
        let height = if breached { 0.0 } else { SANDBAG_RAISE_M * (left / per_cell).clamp(0.0, 1.0) };
        if !breached {
            left = (left - per_cell).max(0.0);
        }
        if height > wall.raised[i] {
            if height >= SANDBAG_RAISE_M && wall.raised[i] < SANDBAG_RAISE_M {
                finished += 1;
            }
            m.z[k] += height - wall.raised[i];
            wall.raised[i] = height;
        }
        if left <= 0.0 && !breached {
            break;
        }
    }
    finished
}

fn distance(m: &Shallow, k: usize, at: (f64, f64)) -> f64 {
    let (i, j) = (k % m.nx, k / m.nx);
    let (x, y) = ((i as f64 + 0.5) * m.dx, (j as f64 + 0.5) * m.dx);
    ((x - at.0).powi(2) + (y - at.1).powi(2)).sqrt()
}

fn cells_within(m: &Shallow, at: (f64, f64), r: f64) -> impl Iterator<Item = usize> + '_ {
    (0..m.nx * m.ny).filter(move |&k| distance(m, k, at) <= r)
}
