//! Debris runout with rigid bodies (rapier3d, `enhanced-determinism`): the
//! released volume becomes spheres of equal volume with locked rotations, so
//! that each slides (rather than rolls) with Coulomb friction `μ` on a
//! heightfield collider of the terrain and against its neighbours. When the
//! bodies have come to rest their volume is spread bilinearly over the four
//! nearest cell centres as a debris depth (m). Plain Rust: no Bevy types, no
//! randomness; the body layout comes from the source cells alone.
//!
//! Frames: the grid is row-major `k = j·nx + i` with cell centres at
//! `((i + ½)·dx, (j + ½)·dx)` and elevation up; rapier is y-up, so map
//! `(x, y, z)` ↦ rapier `(x − cx, z − z₀, y − cy)` with `(cx, cy)` the map
//! centre and `z₀` the lowest elevation (keeps f32 coordinates small).

use bevy_rapier3d::rapier::parry::utils::Array2;
use bevy_rapier3d::rapier::prelude::*;

/// Clearance between neighbouring bodies at release, as a fraction of the diameter.
const GAP: f64 = 0.01;

/// Parameters of a runout.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunoutParams {
    /// Coulomb friction coefficient between debris and ground and between bodies.
    pub mu: f64,
    /// Physics time step (s).
    pub dt: f64,
    /// A body is at rest below this speed (m/s).
    pub rest_speed: f64,
}

impl Default for RunoutParams {
    fn default() -> Self {
        RunoutParams { mu: 0.4, dt: 1.0 / 50.0, rest_speed: 0.05 }
    }
}

/// Debris bodies sliding on a terrain heightfield.
pub struct Runout {
    world: PhysicsWorld,
    bodies: Vec<RigidBodyHandle>,
    /// Volume each body stands for (m³).
    body_volume: f64,
    radius: f64,
    nx: usize,
    ny: usize,
    dx: f64,
    centre: (f64, f64),
    z0: f64,
    params: RunoutParams,
    /// Simulated seconds since release.
    pub time_s: f64,
    /// `time_s` of the latest release (bodies released at rest need a
    /// second to gather speed before the mass can count as at rest).
    last_release_s: f64,
    /// Release position of every body, map frame.
    start: Vec<(f64, f64, f64)>,
}

impl Clone for Runout {
    /// A copy of the bodies, colliders, contacts and islands (the physics
    /// pipeline is workspace only: the copy gets a fresh one, which the
    /// next step fills the same way).
    fn clone(&self) -> Self {
        let w = &self.world;
        let world = PhysicsWorld {
            gravity: w.gravity,
            integration_parameters: w.integration_parameters,
            physics_pipeline: Default::default(),
            islands: w.islands.clone(),
            broad_phase: w.broad_phase.clone(),
            narrow_phase: w.narrow_phase.clone(),
            bodies: w.bodies.clone(),
            colliders: w.colliders.clone(),
            impulse_joints: w.impulse_joints.clone(),
            multibody_joints: w.multibody_joints.clone(),
            ccd_solver: w.ccd_solver.clone(),
        };
        Runout {
            world,
            bodies: self.bodies.clone(),
            body_volume: self.body_volume,
            radius: self.radius,
            nx: self.nx,
            ny: self.ny,
            dx: self.dx,
            centre: self.centre,
            z0: self.z0,
            params: self.params,
            time_s: self.time_s,
            last_release_s: self.last_release_s,
            start: self.start.clone(),
        }
    }
}

impl Runout {
    /// Builds the ground from `elevation` (nx·ny, row-major, m) on cells of `dx` m.
    pub fn new(nx: usize, ny: usize, dx: f64, elevation: &[f64], params: RunoutParams) -> Self {
        let nx = nx.max(2);
        let ny = ny.max(2);
        let z0 = elevation.iter().copied().fold(f64::INFINITY, f64::min);
        let z0 = if z0.is_finite() { z0 } else { 0.0 };
        // Column-major (rows along rapier z = map y, columns along x).
        let mut data = vec![0.0f32; nx * ny];
        for j in 0..ny {
            for i in 0..nx {
                data[j + i * ny] = (elevation.get(j * nx + i).copied().unwrap_or(z0) - z0) as f32;
            }
        }
        let heights = Array2::new(ny, nx, data);
        let scale = Vector::new(((nx - 1) as f64 * dx) as f32, 1.0, ((ny - 1) as f64 * dx) as f32);
        let mut world = PhysicsWorld::new();
        world.integration_parameters.dt = params.dt as f32;
        world.gravity = Vector::new(0.0, -9.81, 0.0);
        let ground = ColliderBuilder::heightfield_with_flags(heights, scale, HeightFieldFlags::FIX_INTERNAL_EDGES)
            .friction(params.mu as f32)
            .friction_combine_rule(CoefficientCombineRule::Min)
            .restitution(0.0)
            .restitution_combine_rule(CoefficientCombineRule::Min)
            .build();
        world.insert_collider(ground, None);
        Runout {
            world,
            bodies: Vec::new(),
            body_volume: 0.0,
            radius: 0.0,
            nx,
            ny,
            dx,
            centre: (nx as f64 * dx / 2.0, ny as f64 * dx / 2.0),
            z0,
            params,
            time_s: 0.0,
            last_release_s: 0.0,
            start: Vec::new(),
        }
    }

    fn to_world(&self, p: (f64, f64, f64)) -> Vector {
        Vector::new((p.0 - self.centre.0) as f32, (p.2 - self.z0) as f32, (p.1 - self.centre.1) as f32)
    }

    fn to_map(&self, v: Vector) -> (f64, f64, f64) {
        (v.x as f64 + self.centre.0, v.z as f64 + self.centre.1, v.y as f64 + self.z0)
    }

    /// Releases `volume` m³ from the source `cells` as `n_bodies` spheres of
    /// equal volume (radius from volume and count), packed without overlap
    /// (`lay`). Bodies of a second release join the first.
    pub fn release(&mut self, cells: &[usize], elevation: &[f64], volume: f64, n_bodies: usize) {
        if cells.is_empty() || volume <= 0.0 || n_bodies == 0 {
            return;
        }
        self.body_volume = volume / n_bodies as f64;
        self.radius = (3.0 * self.body_volume / (4.0 * std::f64::consts::PI)).cbrt();
        self.lay(cells, elevation, n_bodies);
    }

    /// Releases `volume` more from `cells` (a second failure) in bodies of
    /// the first release's size, packed like it on top of whatever debris
    /// is already lying there.
    pub fn release_more(&mut self, cells: &[usize], elevation: &[f64], volume: f64) {
        if cells.is_empty() || volume <= 0.0 || self.body_volume <= 0.0 {
            return;
        }
        let n = (volume / self.body_volume).round().max(1.0) as usize;
        self.last_release_s = self.time_s;
        self.lay(cells, elevation, n);
    }

    /// Lays `count` bodies of the current radius on a cubic lattice of
    /// spacing `2r·(1 + GAP)` over the source: columns at the lattice points
    /// that fall in a source cell, each column a stack of bodies resting on
    /// the ground (or on debris already there). Any two lattice points differ
    /// by at least one spacing across or along the column, so no two spheres
    /// interpenetrate and the physics starts from rest, not from a
    /// separation impulse. Columns fill layer by layer, in cell order, so a
    /// partial top layer is spread evenly over the source. A source that no
    /// lattice point falls in gets columns at its cells' centres, kept a
    /// spacing apart (`columns`).
    fn lay(&mut self, cells: &[usize], elevation: &[f64], count: usize) {
        let r = self.radius;
        let s = 2.0 * r * (1.0 + GAP);
        let columns = self.columns(cells, s);
        if columns.is_empty() {
            return;
        }
        // Where each column starts: on the ground, or above the debris of an
        // earlier release within one diameter of it.
        let lying: Vec<(f64, f64, f64)> = self.bodies().into_iter().map(|b| b.0).collect();
        let bases: Vec<f64> = columns
            .iter()
            .map(|&(x, y)| {
                let ground = self.ground_at(elevation, x, y) + r * (1.0 + GAP);
                lying
                    .iter()
                    .filter(|p| (p.0 - x).powi(2) + (p.1 - y).powi(2) < s * s)
                    .map(|p| p.2 + s)
                    .fold(ground, f64::max)
            })
            .collect();
        for n in 0..count {
            let (c, layer) = (n % columns.len(), n / columns.len());
            let (x, y) = columns[c];
            self.add_body((x, y, bases[c] + layer as f64 * s));
        }
    }

    /// Lattice points of spacing `s` that lie in `cells`, in cell order (the
    /// lattice is anchored at the map origin so neighbouring cells continue
    /// it); when no point falls in any of them, the cells' centres at least
    /// `s` apart.
    fn columns(&self, cells: &[usize], s: f64) -> Vec<(f64, f64)> {
        let mut out = Vec::new();
        for &k in cells {
            let (x0, y0) = ((k % self.nx) as f64 * self.dx, (k / self.nx) as f64 * self.dx);
            let first = |lo: f64| (lo / s - 0.5).ceil().max(0.0) as usize;
            let (mut a, b0) = (first(x0), first(y0));
            while (a as f64 + 0.5) * s < x0 + self.dx {
                let mut b = b0;
                while (b as f64 + 0.5) * s < y0 + self.dx {
                    out.push(((a as f64 + 0.5) * s, (b as f64 + 0.5) * s));
                    b += 1;
                }
                a += 1;
            }
        }
        if out.is_empty() {
            for &k in cells {
                let c = (((k % self.nx) as f64 + 0.5) * self.dx, ((k / self.nx) as f64 + 0.5) * self.dx);
                if out.iter().all(|p: &(f64, f64)| (p.0 - c.0).powi(2) + (p.1 - c.1).powi(2) >= s * s) {
                    out.push(c);
                }
            }
        }
        out
    }

    fn add_body(&mut self, p: (f64, f64, f64)) {
        let body = RigidBodyBuilder::dynamic().translation(self.to_world(p)).lock_rotations().build();
        let h = self.world.insert_body(body);
        let c = ColliderBuilder::ball(self.radius as f32)
            .density(2000.0)
            .friction(self.params.mu as f32)
            .friction_combine_rule(CoefficientCombineRule::Min)
            .restitution(0.0)
            .restitution_combine_rule(CoefficientCombineRule::Min)
            .build();
        self.world.insert_collider(c, Some(h));
        self.bodies.push(h);
        self.start.push(p);
    }

    /// Bilinear ground elevation at a map point from the cell-centre grid.
    pub fn ground_at(&self, elevation: &[f64], x: f64, y: f64) -> f64 {
        let fx = (x / self.dx - 0.5).clamp(0.0, (self.nx - 1) as f64);
        let fy = (y / self.dx - 0.5).clamp(0.0, (self.ny - 1) as f64);
        let (i, j) = ((fx as usize).min(self.nx - 2), (fy as usize).min(self.ny - 2));
        let (a, b) = (fx - i as f64, fy - j as f64);
        let z = |i: usize, j: usize| elevation.get(j * self.nx + i).copied().unwrap_or(self.z0);
        z(i, j) * (1.0 - a) * (1.0 - b)
            + z(i + 1, j) * a * (1.0 - b)
            + z(i, j + 1) * (1.0 - a) * b
            + z(i + 1, j + 1) * a * b
    }

    /// One physics step.
    pub fn step(&mut self) {
        if self.bodies.is_empty() {
            return;
        }
        self.world.step();
        self.time_s += self.params.dt;
        // Bodies that leave the map are parked where they are (they fall off
        // the heightfield's edge otherwise).
        let (w, h) = (self.nx as f64 * self.dx, self.ny as f64 * self.dx);
        for k in 0..self.bodies.len() {
            let hd = self.bodies[k];
            let p = self.to_map(self.world.bodies[hd].translation());
            if p.0 < 0.0 || p.1 < 0.0 || p.0 > w || p.1 > h || p.2 < self.z0 - 50.0 {
                let b = &mut self.world.bodies[hd];
                b.set_body_type(RigidBodyType::Fixed, false);
            }
        }
    }

    /// Steps for `seconds` (whole physics steps; stops early at rest).
    pub fn advance(&mut self, seconds: f64) {
        let n = (seconds / self.params.dt).round().max(0.0) as usize;
        for _ in 0..n {
            if self.at_rest() {
                return;
            }
            self.step();
        }
    }

    /// Steps until every body is at rest or `max_s` simulated seconds pass;
    /// returns whether it came to rest.
    pub fn run_to_rest(&mut self, max_s: f64) -> bool {
        let end = self.time_s + max_s;
        while self.time_s < end {
            if self.at_rest() {
                return true;
            }
            self.step();
        }
        self.at_rest()
    }

    /// Whether every body moves slower than the rest speed (after the first second).
    pub fn at_rest(&self) -> bool {
        self.time_s > self.last_release_s + 1.0 && self.max_speed() < self.params.rest_speed
    }

    /// Fastest body (m/s).
    pub fn max_speed(&self) -> f64 {
        self.bodies
            .iter()
            .map(|&h| {
                let b = &self.world.bodies[h];
                if b.is_dynamic() { b.linvel().length() as f64 } else { 0.0 }
            })
            .fold(0.0, f64::max)
    }

    /// Number of bodies.
    pub fn len(&self) -> usize {
        self.bodies.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bodies.is_empty()
    }

    /// Volume each body carries (m³) and its radius (m).
    pub fn body_size(&self) -> (f64, f64) {
        (self.body_volume, self.radius)
    }

    /// Body positions (map frame, centre of the sphere) and speeds, in release order.
    pub fn bodies(&self) -> Vec<((f64, f64, f64), f64)> {
        self.bodies
            .iter()
            .map(|&h| {
                let b = &self.world.bodies[h];
                (self.to_map(b.translation()), if b.is_dynamic() { b.linvel().length() as f64 } else { 0.0 })
            })
            .collect()
    }

    /// Release positions (map frame), in release order.
    pub fn start(&self) -> &[(f64, f64, f64)] {
        &self.start
    }

    /// Centre of mass (map frame) of the bodies now and at release.
    pub fn centre_of_mass(&self) -> ((f64, f64, f64), (f64, f64, f64)) {
        let n = self.bodies.len().max(1) as f64;
        let mean = |ps: &mut dyn Iterator<Item = (f64, f64, f64)>| {
            let s = ps.fold((0.0, 0.0, 0.0), |a, p| (a.0 + p.0, a.1 + p.1, a.2 + p.2));
            (s.0 / n, s.1 / n, s.2 / n)
        };
        let now = mean(&mut self.bodies().into_iter().map(|b| b.0));
        let start = mean(&mut self.start.iter().copied());
        (now, start)
    }

    /// Debris depth per cell (m): each body's volume spread bilinearly over
    /// the four cell centres around it. Volume is conserved on the map.
    pub fn deposit(&self) -> Vec<f64> {
        let mut vol = vec![0.0; self.nx * self.ny];
        for (p, _) in self.bodies() {
            let fx = (p.0 / self.dx - 0.5).clamp(0.0, (self.nx - 1) as f64);
            let fy = (p.1 / self.dx - 0.5).clamp(0.0, (self.ny - 1) as f64);
            let (i, j) = ((fx as usize).min(self.nx - 2), (fy as usize).min(self.ny - 2));
            let (a, b) = (fx - i as f64, fy - j as f64);
            let v = self.body_volume;
            vol[j * self.nx + i] += v * (1.0 - a) * (1.0 - b);
            vol[j * self.nx + i + 1] += v * a * (1.0 - b);
            vol[(j + 1) * self.nx + i] += v * (1.0 - a) * b;
            vol[(j + 1) * self.nx + i + 1] += v * a * b;
        }
        let area = self.dx * self.dx;
        vol.into_iter().map(|v| v / area).collect()
    }

    /// Cell of each body now (`None` off the map).
    pub fn body_cells(&self) -> Vec<Option<usize>> {
        self.bodies()
            .into_iter()
            .map(|(p, _)| {
                if p.0 < 0.0 || p.1 < 0.0 {
                    return None;
                }
                let (i, j) = ((p.0 / self.dx) as usize, (p.1 / self.dx) as usize);
                (i < self.nx && j < self.ny).then_some(j * self.nx + i)
            })
            .collect()
    }
}
