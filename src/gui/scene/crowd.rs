//! Residents and houses as two meshes, one draw each whatever the count:
//! every resident a small octahedron and every house a box, positions and
//! colours written in place when the view's tick changes (the mesh is made
//! once, never per frame). Thousands of separate entities cost a software
//! renderer seconds a frame; one mesh of 20,000 markers costs milliseconds.
//!
//! Owns: the marker meshes' layout and update. May not touch: the sim.

use super::grid::MapGrid;
use super::markers::{HOUSE_COLOURS, PERSON_COLOURS, house_index, person_index};
use crate::sim::view::SimView;
use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology, VertexAttributeValues};
use bevy::prelude::*;

/// Half-size of a resident's marker (m).
pub const PERSON_R: f32 = 3.0;
/// A house's box (m): half width and height.
pub const HOUSE_HALF: f32 = 6.0;
pub const HOUSE_H: f32 = 8.0;

const OCTA: [[f32; 3]; 6] =
    [[1.0, 0.0, 0.0], [-1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, -1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, -1.0]];
const OCTA_TRIS: [[u32; 3]; 8] =
    [[0, 2, 4], [4, 2, 1], [1, 2, 5], [5, 2, 0], [4, 3, 0], [1, 3, 4], [5, 3, 1], [0, 3, 5]];

/// The residents' mesh for `n` residents (all at the origin until updated).
/// With none it holds one marker of no size: Bevy 0.19's mesh allocator
/// logs "use-after-free" errors for a mesh without vertices, as a seat at
/// a classroom drill had before its first situation came.
pub fn people_mesh(n: usize) -> Mesh {
    let n = n.max(1);
    let mut idx = Vec::with_capacity(n * 24);
    for k in 0..n as u32 {
        for t in OCTA_TRIS {
            idx.extend(t.iter().map(|i| k * 6 + i));
        }
    }
    let normals: Vec<[f32; 3]> = (0..n).flat_map(|_| OCTA).collect();
    Mesh::new(PrimitiveTopology::TriangleList, RenderAssetUsages::default())
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, vec![[0.0f32; 3]; n * 6])
        .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, normals)
        .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, vec![[0.0f32; 4]; n * 6])
        .with_inserted_indices(Indices::U32(idx))
}

/// Writes the residents' positions and colours in place; false when the
/// mesh was made for another number of residents.
pub fn update_people(m: &mut Mesh, grid: &MapGrid, view: &SimView, visible: bool) -> bool {
    let n = view.residents.len();
    let Ok(VertexAttributeValues::Float32x3(pos)) = m.try_attribute_mut(Mesh::ATTRIBUTE_POSITION) else { return false };
    if pos.len() != n.max(1) * 6 {
        return false;
    }
    let r = if visible { PERSON_R * grid.marker } else { 0.0 };
    for (k, p) in view.residents.iter().enumerate() {
        let c = grid.world(p.at, PERSON_R * grid.marker + 0.5);
        for (v, o) in pos[k * 6..k * 6 + 6].iter_mut().zip(OCTA) {
            *v = [c.x + o[0] * r, c.y + o[1] * r, c.z + o[2] * r];
        }
    }
    if let Ok(VertexAttributeValues::Float32x4(col)) = m.try_attribute_mut(Mesh::ATTRIBUTE_COLOR) {
        for (k, p) in view.residents.iter().enumerate() {
            let c = PERSON_COLOURS[person_index(p.state)];
            col[k * 6..k * 6 + 6].fill([c[0], c[1], c[2], 1.0]);
        }
    }
    true
}

/// Faces of a unit box: normal and four corners (counter-clockwise seen
/// from outside), corners as (x, y, z) in {-1, 1} (y in {0, 1}).
const FACES: [([f32; 3], [[f32; 3]; 4]); 5] = [
    ([0.0, 1.0, 0.0], [[-1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [1.0, 1.0, -1.0], [-1.0, 1.0, -1.0]]),
    ([1.0, 0.0, 0.0], [[1.0, 0.0, 1.0], [1.0, 0.0, -1.0], [1.0, 1.0, -1.0], [1.0, 1.0, 1.0]]),
    ([-1.0, 0.0, 0.0], [[-1.0, 0.0, -1.0], [-1.0, 0.0, 1.0], [-1.0, 1.0, 1.0], [-1.0, 1.0, -1.0]]),
    ([0.0, 0.0, 1.0], [[-1.0, 0.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 1.0], [-1.0, 1.0, 1.0]]),
    ([0.0, 0.0, -1.0], [[1.0, 0.0, -1.0], [-1.0, 0.0, -1.0], [-1.0, 1.0, -1.0], [1.0, 1.0, -1.0]]),
];

/// The houses' mesh: a box on the ground at each house (no floor); with
/// no house, one box of no size (see `people_mesh`).
pub fn houses_mesh(grid: &MapGrid, view: &SimView) -> Mesh {
    let n = view.houses.len();
    let (mut pos, mut nor, mut idx) =
        (Vec::with_capacity(n * 20), Vec::with_capacity(n * 20), Vec::with_capacity(n * 30));
    let (half, high) = (HOUSE_HALF * grid.marker, HOUSE_H * grid.marker);
    // The corners of a box at each house; with none, one box at the origin, all its corners there.
    let boxes: Vec<Option<Vec3>> =
        if n == 0 { vec![None] } else { view.houses.iter().map(|h| Some(grid.world(h.at, 0.0))).collect() };
    for c in boxes {
        for (normal, corners) in FACES {
            let base = pos.len() as u32;
            for q in corners {
                pos.push(
                    c.map_or([0.0; 3], |c| [c.x + q[0] * half, c.y - 1.0 + q[1] * (high + 1.0), c.z + q[2] * half]),
                );
                nor.push(normal);
            }
            idx.extend_from_slice(&[base, base + 1, base + 2, base, base + 2, base + 3]);
        }
    }
    let col = vec![[1.0f32; 4]; pos.len()];
    Mesh::new(PrimitiveTopology::TriangleList, RenderAssetUsages::default())
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, pos)
        .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, nor)
        .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, col)
        .with_inserted_indices(Indices::U32(idx))
}

/// Writes the houses' colours in place.
/// False when the mesh holds another number of houses than `view` (a seat
/// at a classroom drill is sent the houses after its first situation):
/// build a new one with `houses_mesh`.
pub fn update_houses(m: &mut Mesh, grid: &MapGrid, view: &SimView) -> bool {
    let Ok(VertexAttributeValues::Float32x4(col)) = m.try_attribute_mut(Mesh::ATTRIBUTE_COLOR) else { return true };
    if col.len() != view.houses.len().max(1) * 20 {
        return false;
    }
    for (k, h) in view.houses.iter().enumerate() {
        let burning = view.fire_reached.as_ref().is_some_and(|f| f.get(grid.cell(h.at)).copied().unwrap_or(false));
        let c = HOUSE_COLOURS[house_index(h.state, burning)];
        if let Some(v) = col.get_mut(k * 20..k * 20 + 20) {
            v.fill([c[0], c[1], c[2], 1.0]);
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_octahedron_faces_outward() {
        // Each triangle's winding gives an outward normal (front faces are
        // counter-clockwise): the normal points away from the centre.
        for t in OCTA_TRIS {
            let [a, b, c] = t.map(|i| Vec3::from(OCTA[i as usize]));
            let n = (b - a).cross(c - a);
            assert!(n.dot(a + b + c) > 0.0, "{t:?} faces inward");
        }
    }

    /// Before a classroom seat's first situation its view has no resident
    /// and no house: the meshes still hold vertices (Bevy's allocator logs
    /// errors for empty ones), and updating them from that view keeps them.
    #[test]
    fn an_empty_view_makes_meshes_with_vertices() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/example_small.ron");
        let loaded = crate::scenario::load(&path).unwrap();
        let grid = MapGrid::new(&loaded.terrain);
        let view = SimView::default();
        let (mut people, mut houses) = (people_mesh(0), houses_mesh(&grid, &view));
        for m in [&people, &houses] {
            assert!(m.count_vertices() > 0 && m.indices().is_some_and(|i| !i.is_empty()));
        }
        assert!(update_people(&mut people, &grid, &view, true), "the empty view fits the placeholder");
        assert!(update_houses(&mut houses, &grid, &view));
        let Some(VertexAttributeValues::Float32x3(pos)) = houses.attribute(Mesh::ATTRIBUTE_POSITION) else { panic!() };
        assert!(pos.iter().all(|p| *p == [0.0; 3]), "the placeholder box has no size");
    }

    #[test]
    fn the_box_faces_outward() {
        for (normal, q) in FACES {
            let [a, b, c, _] = q.map(Vec3::from);
            let n = (b - a).cross(c - a);
            assert!(n.dot(Vec3::from(normal)) > 0.0, "{normal:?} faces inward");
        }
    }
}
