//! The hazard fields over the ground, one mesh each on the ground's
//! lattice, updated in place when the view's tick changes (no mesh is made
//! per frame): the water surface coloured by depth, debris deposits, the
//! burnt area and the fire front, and smoke as a haze aloft. A dry vertex
//! sits just under the ground with no opacity, so only wet cells show.
//!
//! Owns: `Field`, `FieldKind` and their colours. May not touch: the sim.

use super::grid::{MapGrid, VERTICAL};
use crate::sim::view::SimView;
use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology, VertexAttributeValues};
use bevy::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Water,
    Debris,
    Fire,
    Smoke,
}

/// A hazard field's entity: its mesh and the view tick it shows.
#[derive(Component)]
pub struct Field {
    pub kind: FieldKind,
    pub mesh: Handle<Mesh>,
    pub shown_tick: Option<u64>,
}

/// Depth colour of water (m): shallow pale blue to deep navy, the FD2321
/// bands' break points (0.25, 0.5, 1.2 m) as steps.
pub fn water_colour(d: f32) -> [f32; 4] {
    match d {
        d if d < 0.02 => [0.3, 0.5, 0.8, 0.0],
        d if d < 0.25 => [0.55, 0.75, 0.95, 0.55],
        d if d < 0.5 => [0.35, 0.60, 0.90, 0.65],
        d if d < 1.2 => [0.15, 0.40, 0.80, 0.75],
        _ => [0.05, 0.18, 0.55, 0.85],
    }
}

/// An empty (all dry) field mesh on the lattice.
pub fn mesh(grid: &MapGrid) -> Mesh {
    let n = grid.vx * grid.vy;
    let mut pos = Vec::with_capacity(n);
    for b in 0..grid.vy {
        for a in 0..grid.vx {
            let p = grid.vertex_point(a, b);
            pos.push([p.0 as f32, grid.y(grid.elevation[grid.vertex_cell(a, b)]) - 0.5, -(p.1 as f32)]);
        }
    }
    Mesh::new(PrimitiveTopology::TriangleList, RenderAssetUsages::default())
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, pos)
        .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, vec![[0.0f32, 1.0, 0.0]; n])
        .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, vec![[0.0f32; 4]; n])
        .with_inserted_indices(Indices::U32(grid.indices()))
}

/// Writes one field's heights and colours from the view into `m`, in
/// place; false when the view has nothing for it.
pub fn update(kind: FieldKind, grid: &MapGrid, view: &SimView, m: &mut Mesh) -> bool {
    let (depth, burnt, smoke) = (
        match kind {
            FieldKind::Water => view.water_depth.as_deref(),
            FieldKind::Debris => view.debris_depth.as_deref(),
            _ => None,
        },
        view.fire_reached.as_deref().filter(|_| kind == FieldKind::Fire),
        view.smoke_walk.as_deref().filter(|_| kind == FieldKind::Smoke),
    );
    if depth.is_none() && burnt.is_none() && smoke.is_none() {
        return false;
    }
    let sample = |c: usize| -> (f32, [f32; 4]) {
        let ground = grid.y(grid.elevation[c]);
        match kind {
            FieldKind::Water | FieldKind::Debris => {
                let d = depth.and_then(|d| d.get(c)).copied().unwrap_or(0.0);
                let col = if kind == FieldKind::Water {
                    water_colour(d)
                } else if d < 0.05 {
                    [0.45, 0.33, 0.2, 0.0]
                } else {
                    [0.45, 0.33, 0.2, 0.9]
                };
                (if col[3] > 0.0 { ground + d * VERTICAL + 0.15 } else { ground - 0.5 }, col)
            }
            FieldKind::Fire => {
                let on = burnt.and_then(|f| f.get(c)).copied().unwrap_or(false);
                (if on { ground + 0.4 } else { ground - 0.5 }, if on { [0.12, 0.08, 0.06, 0.85] } else { [0.0; 4] })
            }
            FieldKind::Smoke => {
                let w = smoke.and_then(|s| s.get(c)).copied().unwrap_or(1.0);
                (ground + 40.0, [0.55, 0.55, 0.55, (1.0 - w).clamp(0.0, 0.7)])
            }
        }
    };
    // Three passes over the lattice, each writing one buffer in place: the
    // heights, the colours, and the triangles that show (any corner wet),
    // so a dry map costs the renderer nothing.
    let cells = || (0..grid.vy).flat_map(move |b| (0..grid.vx).map(move |a| grid.vertex_cell(a, b)));
    if let Ok(VertexAttributeValues::Float32x3(pos)) = m.try_attribute_mut(Mesh::ATTRIBUTE_POSITION) {
        for (v, c) in pos.iter_mut().zip(cells()) {
            v[1] = sample(c).0;
        }
    }
    if let Ok(VertexAttributeValues::Float32x4(col)) = m.try_attribute_mut(Mesh::ATTRIBUTE_COLOR) {
        for (v, c) in col.iter_mut().zip(cells()) {
            *v = sample(c).1;
        }
    }
    let wet = |a: usize, b: usize| sample(grid.vertex_cell(a, b)).1[3] > 0.0;
    if let Some(Indices::U32(idx)) = m.indices_mut() {
        idx.clear();
        for b in 0..grid.vy.saturating_sub(1) {
            for a in 0..grid.vx.saturating_sub(1) {
                if wet(a, b) || wet(a + 1, b) || wet(a, b + 1) || wet(a + 1, b + 1) {
                    let k = (b * grid.vx + a) as u32;
                    let (r, u, ru) = (k + 1, k + grid.vx as u32, k + grid.vx as u32 + 1);
                    idx.extend_from_slice(&[k, r, u, r, ru, u]);
                }
            }
        }
    }
    true
}
