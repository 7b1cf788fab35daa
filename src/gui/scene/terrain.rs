//! The ground: one mesh over the map lattice, coloured by land cover (river
//! channels blue) with the hills' shading baked in (drawn unlit); roads as
//! strips coloured by class (bridges darker, re-coloured when closed,
//! flooded or cut); dikes as brown walls at their crest.
//!
//! Owns: the ground, road and dike entities. May not touch: the sim.

use super::grid::{MapGrid, VERTICAL};
use crate::scenario::schema::{RoadClass, Scenario};
use crate::scenario::terrain::TerrainGrid;
use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;

/// The ground mesh.
pub fn ground_mesh(grid: &MapGrid, t: &TerrainGrid, s: &Scenario) -> Mesh {
    let classes = &s.map.land_cover.classes;
    let mut pos = Vec::with_capacity(grid.vx * grid.vy);
    let mut col = Vec::with_capacity(grid.vx * grid.vy);
    for b in 0..grid.vy {
        for a in 0..grid.vx {
            let c = grid.vertex_cell(a, b);
            let p = grid.vertex_point(a, b);
            pos.push([p.0 as f32, grid.y(grid.elevation[c]), -(p.1 as f32)]);
            let rgb = if t.river[c] {
                [0.30, 0.50, 0.72]
            } else {
                let k = t.cover[c] as usize;
                classes.get(k).map_or([0.55, 0.62, 0.40], |cl| cl.colour())
            };
            col.push([rgb[0], rgb[1], rgb[2], 1.0]);
        }
    }
    // Hill shading baked into the colours (the ground is drawn unlit, so a
    // software renderer shades it at the cost of a flat colour): Lambert
    // from the sun in the south-west at 40°, half ambient.
    let sun = Vec3::new(-1.0, 1.2, 1.0).normalize();
    let h = |a: usize, b: usize| pos[b.min(grid.vy - 1) * grid.vx + a.min(grid.vx - 1)][1];
    let step = grid.cell_m * grid.stride as f32;
    for b in 0..grid.vy {
        for a in 0..grid.vx {
            let dx = (h(a + 1, b) - h(a.saturating_sub(1), b)) / (2.0 * step);
            let dn = (h(a, b + 1) - h(a, b.saturating_sub(1))) / (2.0 * step);
            // World normal of the surface y = f(x, −z): north is −Z.
            let n = Vec3::new(-dx, 1.0, dn).normalize();
            let k = 0.55 + 0.55 * n.dot(sun).max(0.0);
            let c = &mut col[b * grid.vx + a];
            for ch in c.iter_mut().take(3) {
                *ch = (*ch * k).min(1.0);
            }
        }
    }
    Mesh::new(PrimitiveTopology::TriangleList, RenderAssetUsages::default())
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, pos)
        .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, vec![[0.0f32, 1.0, 0.0]; grid.vx * grid.vy])
        .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, col)
        .with_inserted_indices(Indices::U32(grid.indices()))
}

/// Road strip width drawn (m): wider than life so a village lane reads.
pub fn road_width(class: RoadClass, width_m: f64) -> f32 {
    let min = match class {
        RoadClass::County => 14.0,
        RoadClass::Township => 11.0,
        RoadClass::Village => 8.0,
        RoadClass::Track | RoadClass::Footpath => 5.0,
    };
    (width_m as f32).max(min)
}

/// Road classes in the order of `RoadMaterials::base` (a bridge's material follows them).
pub const ROAD_CLASSES: [RoadClass; 5] =
    [RoadClass::County, RoadClass::Township, RoadClass::Village, RoadClass::Track, RoadClass::Footpath];

/// The material slot of a road: its class, or the bridges' after them.
pub fn road_slot(class: RoadClass, bridge: bool) -> usize {
    if bridge { ROAD_CLASSES.len() } else { ROAD_CLASSES.iter().position(|c| *c == class).unwrap_or(2) }
}

pub fn road_colour(class: RoadClass, bridge: bool) -> Color {
    if bridge {
        return Color::srgb(0.25, 0.22, 0.20);
    }
    match class {
        RoadClass::County => Color::srgb(0.95, 0.80, 0.35),
        RoadClass::Township => Color::srgb(0.95, 0.92, 0.85),
        RoadClass::Village => Color::srgb(0.85, 0.82, 0.75),
        RoadClass::Track | RoadClass::Footpath => Color::srgb(0.62, 0.52, 0.40),
    }
}

/// A road segment's transform: a unit cube stretched from `a` to `b`.
pub fn segment(a: Vec3, b: Vec3, width: f32, thick: f32) -> Transform {
    let mid = (a + b) * 0.5;
    let d = b - a;
    let len = d.length().max(0.1);
    let yaw = (-d.z).atan2(d.x);
    let pitch = (d.y / len).asin();
    Transform::from_translation(mid)
        .with_rotation(Quat::from_rotation_y(yaw) * Quat::from_rotation_z(pitch))
        .with_scale(Vec3::new(len, thick, width))
}

/// World height of a dike's crest.
pub fn crest_y(grid: &MapGrid, crest_m: f64) -> f32 {
    grid.y(crest_m as f32) + 0.2 * VERTICAL
}
