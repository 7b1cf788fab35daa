//! The map grid as the window draws it: map metres (x east, y north) to
//! world coordinates (X east, Y up, −Z north), the ground height under a
//! point, and the vertex lattice the terrain and the hazard fields share
//! (one vertex every `stride` cells, at most `MAX_SIDE` a side, so a large
//! imported terrain still draws as one modest mesh).
//!
//! Owns: `MapGrid`. May not touch: the sim.

use crate::scenario::schema::Point;
use crate::scenario::terrain::TerrainGrid;
use bevy::prelude::*;

/// Vertices along the longer side at most.
pub const MAX_SIDE: usize = 256;

/// Heights are drawn this many times taller, so a township's low relief
/// reads from above.
pub const VERTICAL: f32 = 1.5;

#[derive(Resource, Clone)]
pub struct MapGrid {
    pub nx: usize,
    pub ny: usize,
    pub cell_m: f32,
    pub elevation: Vec<f32>,
    pub min_z: f32,
    pub max_z: f32,
    /// Cells per lattice step.
    pub stride: usize,
    /// Lattice size (vertices).
    pub vx: usize,
    pub vy: usize,
    /// Size of the markers (houses, people, shelters, forces, posts)
    /// against a 3 km township's: smaller on a small map, so a walled
    /// village of 300 m is not covered by its own markers.
    pub marker: f32,
}

impl MapGrid {
    pub fn new(t: &TerrainGrid) -> MapGrid {
        let stride = t.nx.max(t.ny).div_ceil(MAX_SIDE).max(1);
        let elevation: Vec<f32> = t.elevation.iter().map(|&e| e as f32).collect();
        let min_z = elevation.iter().copied().fold(f32::INFINITY, f32::min);
        let max_z = elevation.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        MapGrid {
            nx: t.nx,
            ny: t.ny,
            cell_m: t.cell_m as f32,
            elevation,
            min_z,
            max_z,
            stride,
            vx: t.nx.div_ceil(stride),
            vy: t.ny.div_ceil(stride),
            marker: ((t.nx.max(t.ny) as f64 * t.cell_m / 3000.0) as f32).clamp(0.35, 1.0),
        }
    }

    pub fn width_m(&self) -> f32 {
        self.nx as f32 * self.cell_m
    }

    pub fn height_m(&self) -> f32 {
        self.ny as f32 * self.cell_m
    }

    /// The cell under a map point, clamped to the map.
    pub fn cell(&self, p: Point) -> usize {
        let i = ((p.0 as f32 / self.cell_m).floor().max(0.0) as usize).min(self.nx - 1);
        let j = ((p.1 as f32 / self.cell_m).floor().max(0.0) as usize).min(self.ny - 1);
        j * self.nx + i
    }

    /// Ground elevation at a map point (the cell's).
    pub fn ground(&self, p: Point) -> f32 {
        self.elevation[self.cell(p)]
    }

    /// World position of a map point `above` metres over the ground.
    pub fn world(&self, p: Point, above: f32) -> Vec3 {
        Vec3::new(p.0 as f32, (self.ground(p) - self.min_z) * VERTICAL + above, -(p.1 as f32))
    }

    /// World height of elevation `z`.
    pub fn y(&self, z: f32) -> f32 {
        (z - self.min_z) * VERTICAL
    }

    /// The map point under a world position.
    pub fn map_point(&self, w: Vec3) -> Point {
        (w.x as f64, -w.z as f64)
    }

    /// The cell of lattice vertex (a, b).
    pub fn vertex_cell(&self, a: usize, b: usize) -> usize {
        let i = (a * self.stride).min(self.nx - 1);
        let j = (b * self.stride).min(self.ny - 1);
        j * self.nx + i
    }

    /// Map point of lattice vertex (a, b): the centre of its cell.
    pub fn vertex_point(&self, a: usize, b: usize) -> Point {
        let c = self.vertex_cell(a, b);
        (
            ((c % self.nx) as f32 + 0.5) as f64 * self.cell_m as f64,
            ((c / self.nx) as f32 + 0.5) as f64 * self.cell_m as f64,
        )
    }

    /// Triangle indices of the lattice (two a quad).
    pub fn indices(&self) -> Vec<u32> {
        let mut out = Vec::with_capacity((self.vx - 1) * (self.vy - 1) * 6);
        for b in 0..self.vy.saturating_sub(1) {
            for a in 0..self.vx.saturating_sub(1) {
                let k = (b * self.vx + a) as u32;
                let (r, u, ru) = (k + 1, k + self.vx as u32, k + self.vx as u32 + 1);
                // Counter-clockwise seen from above (+Y), with north = −Z.
                out.extend_from_slice(&[k, r, u, r, ru, u]);
            }
        }
        out
    }

    /// Where a ray from the camera first meets the ground, marching in
    /// steps of half a cell.
    pub fn hit(&self, ray: Ray3d) -> Option<Vec3> {
        let step = self.cell_m * 0.5;
        let far = (self.width_m() + self.height_m()) * 4.0;
        let mut t = 0.0;
        while t < far {
            let p = ray.get_point(t);
            let inside = p.x >= 0.0 && p.x <= self.width_m() && -p.z >= 0.0 && -p.z <= self.height_m();
            if inside && p.y <= self.y(self.ground(self.map_point(p))) {
                return Some(p);
            }
            t += step;
        }
        None
    }
}
