//! The pedestrian movement kernel: walkers (structure of arrays) on the
//! navigation grid, one flow field per goal, and `Crowd::step(dt)`. Each
//! moving walker takes its desired direction from its goal's flow field, its
//! speed from the Weidmann (1993) fundamental diagram at the density sensed
//! just ahead of it (kernel estimate over the spatial index, corrected for
//! walls), times its own and its cell's speed and walk factors, capped so
//! that it keeps a time gap to the person in front (headway, with turns of
//! up to 60° to pass); overlapping walkers are pushed half the overlap
//! apart, and the move slides along walls and never enters a blocked cell.
//! A walker that reaches a goal cell has arrived (listed in
//! `Crowd::arrivals`, ascending index); one with no route (or standing on a blocked cell) stops with
//! `NoRoute` and walks on by itself once a route opens. Every walker reads
//! only the previous step's snapshot, so the rayon-parallel step gives the
//! same bits for any number of threads. Plain Rust, no Bevy types, no
//! randomness.

use super::density::{DensityKernel, WeidmannTable, clearance_map};
use super::flowfield::FlowField;
use super::navgrid::NavGrid;
pub use super::params::{AgentState, CrowdParams};
use super::spatial::Entry;
use super::spatial::SpatialIndex;
use super::walker::{Ctx, Me, Scratch, Walked, walk_run_on};
use crate::sim::tier::Tier;
use rayon::prelude::*;

/// Walkers as parallel arrays, one entry per walker (index = walker id).
/// Change entries freely between steps (state, speed factor…; a goal
/// index that does not exist makes the walker stop with `NoRoute`), but
/// add walkers only with [`Crowd::add_agent`] so the arrays stay aligned.
#[derive(Debug, Clone, Default)]
pub struct Agents {
    /// Position (m, east).
    pub x: Vec<f64>,
    /// Position (m, north).
    pub y: Vec<f64>,
    /// Velocity over the last step (m/s).
    pub vx: Vec<f64>,
    pub vy: Vec<f64>,
    /// Free walking speed (m/s).
    pub v0: Vec<f64>,
    /// Body radius (m); also the distance kept from walls (at most 0.9 of
    /// a cell).
    pub radius: Vec<f64>,
    /// Multiplies the free speed (injury, carrying, escorting; 1 = none).
    pub speed_factor: Vec<f64>,
    /// Flow-field index from [`Crowd::add_goal`].
    pub goal: Vec<u32>,
    pub state: Vec<AgentState>,
    /// Seconds without progress (see [`CrowdParams::patience`]).
    pub stalled: Vec<f32>,
}

impl Agents {
    pub fn len(&self) -> usize {
        self.x.len()
    }

    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }
}

/// A walker to add.
#[derive(Debug, Clone, Copy)]
pub struct AgentSpec {
    pub x: f64,
    pub y: f64,
    pub v0: f64,
    pub radius: f64,
    pub goal: usize,
    pub state: AgentState,
    pub speed_factor: f64,
}

impl AgentSpec {
    /// A walker of radius 0.25 m (shoulder width 0.5 m), moving, speed
    /// factor 1.
    pub fn new(x: f64, y: f64, v0: f64, goal: usize) -> Self {
        AgentSpec { x, y, v0, radius: 0.25, goal, state: AgentState::Moving, speed_factor: 1.0 }
    }
}

/// The crowd on its grid.
#[derive(Debug, Clone)]
pub struct Crowd {
    grid: NavGrid,
    fields: Vec<FlowField>,
    /// The walkers (see [`Agents`]).
    pub agents: Agents,
    params: CrowdParams,
    kernel: DensityKernel,
    weidmann: WeidmannTable,
    index: SpatialIndex,
    clear: Vec<u8>,
    clear_cap: u8,
    out: Vec<Walked>,
    mine: Vec<Me>,
    arrivals: Vec<u32>,
    /// The instruction set the walkers' steps run in (the best the CPU
    /// has; the tests try each, which all give the same bits).
    tier: Tier,
}

/// Walkers per rayon task. Small enough that a queue's walkers (many times
/// dearer than those walking freely, and side by side in the snapshot's
/// order) spread over several tasks for the threads to share: measured
/// against 512, the room's jam steps 9 % faster, a township drill's
/// residents phase 4–5 %.
const CHUNK: usize = 128;

/// Bucket side of the spatial index as a fraction of the neighbourhood's
/// half-side.
const BUCKET_FRACTION: f64 = 1.0;

impl Crowd {
    /// An empty crowd on `grid` (out-of-range parameters are brought into
    /// range, see [`CrowdParams::sanitized`]).
    pub fn new(mut grid: NavGrid, params: CrowdParams) -> Self {
        let params = params.sanitized();
        // Changes made before the crowd exists need no repair.
        grid.take_changes();
        let kernel = DensityKernel::new(params.sense_radius);
        let reach = params.sense_radius + params.sense_ahead.abs();
        let clear_cap = (reach / grid.dx()).ceil().min(250.0) as u8;
        let mut clear = Vec::new();
        clearance_map(&grid, clear_cap as usize, &mut clear);
        // Buckets as wide as half the neighbourhood a walker reads (R + a/2 round the
        // midpoint of walker and kernel centre): 3 buckets a side (measured:
        // smaller buckets cost more in lookups than they save in entries).
        let index = SpatialIndex::new(&grid, BUCKET_FRACTION * (params.sense_radius + 0.5 * params.sense_ahead));
        Crowd {
            grid,
            index,
            fields: Vec::new(),
            agents: Agents::default(),
            params,
            kernel,
            weidmann: WeidmannTable::default(),
            clear,
            clear_cap,
            out: Vec::new(),
            mine: Vec::new(),
            arrivals: Vec::new(),
            tier: Tier::detect(),
        }
    }

    pub fn grid(&self) -> &NavGrid {
        &self.grid
    }

    /// The grid, to block or open cells and change speed factors (hazards,
    /// see [`NavGrid::set_speed_factor`] and [`NavGrid::set_walk_factor`]);
    /// flow fields follow at the next [`Crowd::refresh_fields`] or
    /// [`Crowd::step`].
    pub fn grid_mut(&mut self) -> &mut NavGrid {
        &mut self.grid
    }

    /// Blocks (`true`) or opens (`false`, speed factor 1) cell `k`; cells
    /// outside the grid are ignored. Fields follow at the next refresh or step.
    pub fn set_blocked(&mut self, k: usize, blocked: bool) {
        self.grid.set_speed_factor(k, if blocked { 0.0 } else { 1.0 });
    }

    pub fn params(&self) -> &CrowdParams {
        &self.params
    }

    /// Adds a goal (e.g. a shelter's cells; cells outside the grid are
    /// ignored) and its flow field; returns its index.
    pub fn add_goal(&mut self, cells: &[usize]) -> usize {
        self.refresh_fields();
        self.fields.push(FlowField::new(&self.grid, cells));
        self.fields.len() - 1
    }

    /// The flow field of goal `g`, if it exists.
    pub fn field(&self, g: usize) -> Option<&FlowField> {
        self.fields.get(g)
    }

    pub fn goal_count(&self) -> usize {
        self.fields.len()
    }

    /// Adds a walker; returns its index, or `None` (nothing added) if its
    /// goal does not exist or its position, speed or radius is not a
    /// finite number (negative speeds and factors count as 0, the radius
    /// is clamped to 0.05–1 m).
    pub fn add_agent(&mut self, s: AgentSpec) -> Option<usize> {
        let finite = [s.x, s.y, s.v0, s.radius, s.speed_factor].iter().all(|v| v.is_finite());
        if s.goal >= self.fields.len() || !finite || self.agents.len() >= u32::MAX as usize - 1 {
            return None;
        }
        let a = &mut self.agents;
        a.x.push(s.x);
        a.y.push(s.y);
        a.vx.push(0.0);
        a.vy.push(0.0);
        a.v0.push(s.v0.max(0.0));
        a.radius.push(s.radius.clamp(0.05, 1.0));
        a.speed_factor.push(s.speed_factor.max(0.0));
        a.goal.push(s.goal as u32);
        a.state.push(s.state);
        a.stalled.push(0.0);
        Some(a.x.len() - 1)
    }

    /// Sends walker `i` to goal `g` (an arrived walker walks on); returns
    /// false (nothing changed) if either does not exist.
    pub fn set_goal(&mut self, i: usize, g: usize) -> bool {
        if i >= self.agents.len() || g >= self.fields.len() {
            return false;
        }
        self.agents.goal[i] = g as u32;
        self.agents.stalled[i] = 0.0;
        if matches!(self.agents.state[i], AgentState::Arrived | AgentState::NoRoute) {
            self.agents.state[i] = AgentState::Moving;
        }
        true
    }

    /// Sets walker `i`'s state (e.g. `Waiting` → `Moving` when it sets
    /// off); returns false if it does not exist.
    pub fn set_state(&mut self, i: usize, state: AgentState) -> bool {
        let Some(s) = self.agents.state.get_mut(i) else { return false };
        *s = state;
        true
    }

    /// Position of walker `i` (m).
    pub fn position(&self, i: usize) -> Option<(f64, f64)> {
        Some((*self.agents.x.get(i)?, self.agents.y[i]))
    }

    /// State of walker `i`.
    pub fn state(&self, i: usize) -> Option<AgentState> {
        self.agents.state.get(i).copied()
    }

    /// Walkers that reached their goal in the last [`Crowd::step`], by
    /// ascending index.
    pub fn arrivals(&self) -> &[u32] {
        &self.arrivals
    }

    /// Number of walkers in `state`.
    pub fn count(&self, state: AgentState) -> usize {
        self.agents.state.iter().filter(|&&s| s == state).count()
    }

    /// Applies pending grid changes to every flow field (repairing only what
    /// the changed cells affect) and to the wall map of the density estimate.
    pub fn refresh_fields(&mut self) {
        if self.grid.pending_changes().is_empty() {
            return;
        }
        let changed = self.grid.take_changes();
        let (grid, cap, clear) = (&self.grid, self.clear_cap as usize, &mut self.clear);
        rayon::join(
            || self.fields.par_iter_mut().for_each(|f| f.repair(grid, &changed)),
            || clearance_map(grid, cap, clear),
        );
    }

    /// Advances every moving walker by `dt` seconds (nothing happens unless
    /// `dt` is a positive finite number). Pending grid changes are applied
    /// first; the walkers that arrive are listed in [`Crowd::arrivals`].
    pub fn step(&mut self, dt: f64) {
        self.arrivals.clear();
        if !(dt > 0.0 && dt.is_finite()) {
            return;
        }
        self.refresh_fields();
        let Crowd {
            grid,
            fields,
            agents,
            params,
            kernel,
            weidmann,
            index,
            clear,
            clear_cap,
            out,
            mine,
            arrivals,
            tier,
        } = self;
        let Agents { x, y, vx, vy, v0, radius, speed_factor, goal, state, stalled } = agents;
        // Walkers and those waiting for a route take up room; not those the
        // water (a blocked cell) has caught where they stand.
        let at = |i: usize| match state[i] {
            AgentState::Moving | AgentState::NoRoute => {
                grid.cell_at(x[i], y[i]).filter(|&k| grid.is_walkable(k)).map(|_| (x[i], y[i]))
            }
            _ => None,
        };
        let me = |i: usize, stalled: f32| Me {
            free: v0[i] * speed_factor[i],
            r: radius[i] as f32 as f64,
            goal: goal[i],
            stalled,
        };
        let make = |i: usize| {
            let e = Entry { x: x[i], y: y[i], r: radius[i] as f32, id: i as u32 };
            (e, me(i, stalled[i]))
        };
        index.rebuild(x.len(), at, make, mine);
        let ctx =
            Ctx { grid, fields, index, kernel, weidmann, params, clear, clear_cap: *clear_cap, dt, inv_dt: 1.0 / dt };
        // Walk everyone in the crowd in snapshot (street) order …
        out.resize(index.len(), Walked::default());
        out.par_chunks_mut(CHUNK).enumerate().for_each(|(c, o)| {
            let r = c * CHUNK..c * CHUNK + o.len();
            let cols = index.columns();
            let (xs, ys, ids) = (&cols.x[r.clone()], &cols.y[r.clone()], &cols.id[r.clone()]);
            walk_run_on(*tier, &ctx, &mut Scratch::default(), xs, ys, ids, &mine[r], o);
        });
        // … then copy the results back by walker index; walkers left out of
        // the crowd (caught by water, or off the grid) are walked here. Each
        // task lists its arrivals; the lists are joined in walker order.
        let out = &*out;
        let arrived: Vec<Vec<u32>> =
            (x.par_chunks_mut(CHUNK), y.par_chunks_mut(CHUNK), vx.par_chunks_mut(CHUNK), vy.par_chunks_mut(CHUNK))
                .into_par_iter()
                .zip((state.par_chunks_mut(CHUNK), stalled.par_chunks_mut(CHUNK)))
                .enumerate()
                .map(|(c, ((xs, ys, vxs, vys), (sts, sls)))| {
                    let mut arrived = Vec::new();
                    for o in 0..xs.len() {
                        let i = c * CHUNK + o;
                        let w = match index.position(i) {
                            Some(p) => out[p],
                            None if matches!(sts[o], AgentState::Moving | AgentState::NoRoute) => {
                                ctx.walk(&mut Scratch::default(), i, xs[o], ys[o], me(i, sls[o]))
                            }
                            None => continue,
                        };
                        if w.state == AgentState::Arrived {
                            arrived.push(i as u32);
                        }
                        // The velocity over the step, from where it stood.
                        (vxs[o], vys[o]) = ((w.x - xs[o]) * ctx.inv_dt, (w.y - ys[o]) * ctx.inv_dt);
                        (xs[o], ys[o], sts[o], sls[o]) = (w.x, w.y, w.state, w.stalled);
                    }
                    arrived
                })
                .collect();
        arrivals.extend(arrived.into_iter().flatten());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hall 60 m × 40 m on 1 m cells with a 2 m door in the east wall,
    /// 2,000 walkers on a 0.5 m lattice, walked for 40 s: a queue stands
    /// at the door. Each tier this CPU has steps it 10 s on to the same bits
    /// as the baseline: positions, states and stalled times.
    #[test]
    fn every_tier_the_cpu_has_walks_the_baseline_s_bits() {
        let mut g = NavGrid::new(70, 40, 1.0).unwrap();
        for k in 0..g.len() {
            let (x, y) = g.cell_centre(k);
            if (60.0..61.0).contains(&x) && !(19.0..21.0).contains(&y) {
                g.block(k);
            }
        }
        let mut c = Crowd::new(g, CrowdParams::default());
        let exit: Vec<usize> = (0..c.grid().len()).filter(|&k| c.grid().cell_centre(k).0 > 68.0).collect();
        let goal = c.add_goal(&exit);
        for k in 0..2000 {
            let (x, y) = (1.0 + 0.5 * (k % 100) as f64, 1.0 + 0.5 * (k / 100) as f64 + 0.1 * (k % 7) as f64);
            c.add_agent(AgentSpec::new(x, y, 1.1 + 0.05 * (k % 9) as f64, goal)).unwrap();
        }
        for _ in 0..80 {
            c.step(0.5);
        }
        // A queue: most still inside, many pressed close to someone.
        assert!(c.count(AgentState::Moving) > 1500, "{}", c.count(AgentState::Moving));
        let run = |tier: Tier| {
            let mut c = c.clone();
            c.tier = tier;
            for _ in 0..20 {
                c.step(0.5);
            }
            c.agents
        };
        let base = run(Tier::Baseline);
        assert!(base.x.iter().zip(&c.agents.x).filter(|(a, b)| a != b).count() > 1000, "the crowd moved");
        let bits = |a: &Agents| -> Vec<u64> {
            a.x.iter().chain(&a.y).map(|v| v.to_bits()).chain(a.stalled.iter().map(|v| v.to_bits() as u64)).collect()
        };
        for tier in Tier::available() {
            let a = run(tier);
            assert_eq!(bits(&a), bits(&base), "{tier:?}");
            assert_eq!(a.state, base.state, "{tier:?}");
        }
    }
}
