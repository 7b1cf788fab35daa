//! Things on the map that are entities, drawn from the view: shelters with
//! their occupancy, forces moving on the roads, debris bodies and gauge
//! posts (pooled: a frame moves them, it never makes meshes); the colours
//! of houses and residents, whose markers are the meshes of `crowd`.
//!
//! Owns: the marker components, palettes and their update. May not touch:
//! the sim.

use super::grid::MapGrid;
use crate::sim::view::{HouseState, PersonState, SimView};
use bevy::ecs::query::QueryFilter;
use bevy::prelude::*;

#[derive(Component)]
pub struct ShelterMarker(pub usize);
#[derive(Component)]
pub struct ForceMarker(pub usize);
#[derive(Component)]
pub struct DebrisMarker(pub usize);

/// Shared meshes and materials of the markers.
#[derive(Resource)]
pub struct Palette {
    pub debris_mesh: Handle<Mesh>,
    pub debris: Handle<StandardMaterial>,
}

/// The house colours, in `house_index` order.
pub const HOUSE_COLOURS: [[f32; 3]; 6] = [
    [0.93, 0.90, 0.84], // normal
    [0.98, 0.80, 0.20], // warned
    [0.45, 0.75, 0.45], // left
    [0.20, 0.45, 0.90], // flooded
    [0.35, 0.25, 0.20], // destroyed (debris)
    [0.90, 0.25, 0.10], // burning
];

/// The resident colours, in `person_index` order.
/// People by state in the Okabe–Ito palette (safe for the common kinds of
/// colour blindness, and distinct on a washed-out projector): grey, yellow,
/// sky blue, bluish green, vermillion.
pub const PERSON_COLOURS: [[f32; 3]; 5] = [
    [0.60, 0.60, 0.60], // unaware
    [0.94, 0.89, 0.26], // warned
    [0.34, 0.71, 0.91], // moving
    [0.00, 0.62, 0.45], // safe
    [0.84, 0.37, 0.00], // harmed
];

/// Which house colour a state takes; struck by fire when the cell burns.
pub fn house_index(s: HouseState, burning: bool) -> usize {
    match s {
        HouseState::Normal => 0,
        HouseState::Warned => 1,
        HouseState::Left => 2,
        HouseState::Flooded => 3,
        HouseState::Struck if burning => 5,
        HouseState::Struck => 4,
    }
}

pub fn person_index(s: PersonState) -> usize {
    match s {
        PersonState::Unaware => 0,
        PersonState::Warned => 1,
        PersonState::Moving => 2,
        PersonState::Safe => 3,
        PersonState::Harmed => 4,
    }
}

pub fn palette(meshes: &mut Assets<Mesh>, mats: &mut Assets<StandardMaterial>) -> Palette {
    Palette {
        debris_mesh: meshes.add(Sphere::new(6.0).mesh().ico(1).unwrap_or_else(|_| Sphere::new(6.0).mesh().uv(8, 6))),
        debris: mats.add(StandardMaterial {
            base_color: Color::srgb(0.42, 0.30, 0.18),
            perceptual_roughness: 0.9,
            ..default()
        }),
    }
}

/// Debris bodies where the landslide moves them (pooled like residents).
pub fn debris<F: QueryFilter>(
    commands: &mut Commands,
    grid: &MapGrid,
    view: &SimView,
    pal: &Palette,
    q: &mut Query<(&DebrisMarker, &mut Transform, &mut Visibility), F>,
) {
    let mut have = 0;
    for (d, mut t, mut vis) in q.iter_mut() {
        have = have.max(d.0 + 1);
        match view.debris_bodies.get(d.0) {
            Some((p, _)) => {
                t.translation = Vec3::new(p[0], grid.y(p[2]), -p[1]);
                *vis = Visibility::Inherited;
            }
            None => *vis = Visibility::Hidden,
        }
    }
    for k in have..view.debris_bodies.len() {
        let (p, _) = view.debris_bodies[k];
        commands.spawn((
            DebrisMarker(k),
            Mesh3d(pal.debris_mesh.clone()),
            MeshMaterial3d(pal.debris.clone()),
            Transform::from_translation(Vec3::new(p[0], grid.y(p[2]), -p[1])),
        ));
    }
}
