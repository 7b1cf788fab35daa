//! The township in 3D: the ground, hazard fields, roads, dikes, houses,
//! residents, shelters, forces, debris and gauges, built when a drill
//! starts and brought up to date from the view each time its tick changes;
//! the camera, picking and layer toggles.
//!
//! Owns: the scene's entities and resources. May not touch: the sim (it
//! reads `Play`'s copy of the views).

pub mod camera;
pub mod crowd;
pub mod fields;
pub mod grid;
pub mod markers;
pub mod terrain;

use super::play::Play;
use bevy::prelude::*;
use camera::OrbitCam;
use fields::{Field, FieldKind};
use grid::MapGrid;
use markers::*;

/// What the map shows.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct Layers {
    pub hazards: bool,
    pub smoke: bool,
    pub residents: bool,
    pub houses: bool,
    pub roads: bool,
    pub labels: bool,
}

impl Default for Layers {
    fn default() -> Self {
        Layers { hazards: true, smoke: true, residents: true, houses: true, roads: true, labels: true }
    }
}

#[derive(Component)]
pub struct RoadMarker(pub usize);
#[derive(Component)]
pub struct GaugeMarker(pub usize);
#[derive(Component)]
pub struct SceneRoot;
/// The one mesh of all houses.
#[derive(Component)]
pub struct HousesMesh(pub Handle<Mesh>);
/// The one mesh of all residents.
#[derive(Component)]
pub struct PeopleMesh(pub Handle<Mesh>);

/// Road materials: by class, then closed, flooded, cut.
#[derive(Resource)]
pub struct RoadMaterials {
    pub base: Vec<Handle<StandardMaterial>>,
    pub closed: Handle<StandardMaterial>,
    pub flooded: Handle<StandardMaterial>,
    pub cut: Handle<StandardMaterial>,
    pub shelter_open: Handle<StandardMaterial>,
    pub shelter_shut: Handle<StandardMaterial>,
    pub shelter_full: Handle<StandardMaterial>,
}

/// The view tick the scene shows.
#[derive(Resource, Default)]
pub struct Shown(pub Option<u64>);

/// Builds the scene for the drill that just started.
pub fn setup(
    mut commands: Commands,
    play: Res<Play>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut mats: ResMut<Assets<StandardMaterial>>,
    old: Query<Entity, With<SceneRoot>>,
) {
    for e in &old {
        commands.entity(e).despawn();
    }
    let s = &play.scenario;
    let grid = MapGrid::new(&play.terrain);
    let cam = first_view(s, &grid);
    // The camera is the window's (spawned at start-up); `place_camera` moves it.
    commands.insert_resource(cam);
    commands.spawn((
        SceneRoot,
        DirectionalLight { illuminance: 9_000.0, shadow_maps_enabled: false, ..default() },
        // The sun from the south-west, 40° up: slopes facing it are lit.
        Transform::from_xyz(-1.0, 1.2, 1.0).looking_at(Vec3::ZERO, Vec3::Y),
    ));
    commands.insert_resource(GlobalAmbientLight { brightness: 600.0, ..default() });
    commands.insert_resource(ClearColor(Color::srgb(0.70, 0.80, 0.90)));

    let ground = meshes.add(terrain::ground_mesh(&grid, &play.terrain, s));
    let ground_mat = mats.add(StandardMaterial { base_color: Color::WHITE, unlit: true, ..default() });
    commands.spawn((SceneRoot, Mesh3d(ground), MeshMaterial3d(ground_mat)));

    for kind in [FieldKind::Water, FieldKind::Debris, FieldKind::Fire, FieldKind::Smoke] {
        let mesh = meshes.add(fields::mesh(&grid));
        let mat = mats.add(StandardMaterial {
            base_color: Color::WHITE,
            alpha_mode: AlphaMode::Blend,
            unlit: true,
            double_sided: true,
            cull_mode: None,
            ..default()
        });
        commands.spawn((
            SceneRoot,
            Field { kind, mesh: mesh.clone(), shown_tick: None },
            Mesh3d(mesh),
            MeshMaterial3d(mat),
        ));
    }

    // Roads and bridges.
    let unit = meshes.add(Cuboid::new(1.0, 1.0, 1.0));
    let flat = |mats: &mut Assets<StandardMaterial>, c: Color| {
        mats.add(StandardMaterial { base_color: c, perceptual_roughness: 1.0, ..default() })
    };
    let mut base = Vec::new();
    for c in terrain::ROAD_CLASSES {
        base.push(flat(&mut mats, terrain::road_colour(c, false)));
    }
    base.push(flat(&mut mats, terrain::road_colour(terrain::ROAD_CLASSES[0], true)));
    let road_mats = RoadMaterials {
        base,
        closed: flat(&mut mats, Color::srgb(0.85, 0.10, 0.10)),
        flooded: flat(&mut mats, Color::srgb(0.10, 0.30, 0.85)),
        cut: flat(&mut mats, Color::srgb(0.40, 0.25, 0.10)),
        shelter_open: flat(&mut mats, Color::srgb(0.10, 0.70, 0.30)),
        shelter_shut: flat(&mut mats, Color::srgb(0.55, 0.55, 0.55)),
        shelter_full: flat(&mut mats, Color::srgb(0.90, 0.45, 0.05)),
    };
    let node = |id: &str| s.map.roads.nodes.iter().find(|n| n.id == id).map(|n| n.at);
    for (k, e) in s.map.roads.edges.iter().enumerate() {
        let (Some(a), Some(b)) = (node(&e.from), node(&e.to)) else { continue };
        let lift = if e.bridge { 3.0 } else { 0.8 };
        let (wa, wb) = (grid.world(a, lift), grid.world(b, lift));
        let (wa, wb) = if e.bridge {
            let y = wa.y.max(wb.y);
            (wa.with_y(y), wb.with_y(y))
        } else {
            (wa, wb)
        };
        let mat = road_mats.base[terrain::road_slot(e.class, e.bridge)].clone();
        commands.spawn((
            SceneRoot,
            RoadMarker(k),
            Mesh3d(unit.clone()),
            MeshMaterial3d(mat),
            terrain::segment(wa, wb, terrain::road_width(e.class, e.width_m), 1.5),
        ));
    }
    // Dikes at their crest.
    if let Some(f) = &s.hazards.flood {
        let dike_mat = flat(&mut mats, Color::srgb(0.50, 0.38, 0.22));
        for d in &f.dikes {
            let y = terrain::crest_y(&grid, d.crest_m);
            for w in d.points.windows(2) {
                let (a, b) = (grid.world(w[0], 0.0).with_y(y), grid.world(w[1], 0.0).with_y(y));
                commands.spawn((
                    SceneRoot,
                    Mesh3d(unit.clone()),
                    MeshMaterial3d(dike_mat.clone()),
                    terrain::segment(a, b, 10.0, 4.0),
                ));
            }
        }
    }

    // Buildings, walls and blocks people walk round, doors left open.
    let wall_mat = flat(&mut mats, Color::srgb(0.45, 0.42, 0.40));
    for st in &s.map.structures {
        let (pieces, thickness) = crate::scenario::walk::wall_pieces(st);
        for (a, b) in pieces {
            let (wa, wb) = (grid.world(a, 1.5), grid.world(b, 1.5));
            commands.spawn((
                SceneRoot,
                Mesh3d(unit.clone()),
                MeshMaterial3d(wall_mat.clone()),
                terrain::segment(wa, wb, (thickness as f32).max(0.2), 3.0),
            ));
        }
    }

    let pal = markers::palette(&mut meshes, &mut mats);
    let houses = meshes.add(crowd::houses_mesh(&grid, &play.view));
    let white = mats.add(StandardMaterial { base_color: Color::WHITE, perceptual_roughness: 0.9, ..default() });
    commands.spawn((SceneRoot, HousesMesh(houses.clone()), Mesh3d(houses), MeshMaterial3d(white)));
    let people = meshes.add(crowd::people_mesh(play.view.residents.len()));
    let glow = mats.add(StandardMaterial { base_color: Color::WHITE, unlit: true, ..default() });
    commands.spawn((SceneRoot, PeopleMesh(people.clone()), Mesh3d(people), MeshMaterial3d(glow)));
    let shelter_mesh = meshes.add(Cylinder::new(16.0, 24.0));
    for (k, sh) in play.view.shelters.iter().enumerate() {
        commands.spawn((
            SceneRoot,
            ShelterMarker(k),
            Mesh3d(shelter_mesh.clone()),
            MeshMaterial3d(road_mats.shelter_shut.clone()),
            Transform::from_translation(grid.world(sh.at, 12.0 * grid.marker)).with_scale(Vec3::splat(grid.marker)),
        ));
    }
    let force_mesh = meshes.add(Cone::new(12.0, 26.0));
    let force_mat = flat(&mut mats, Color::srgb(1.0, 0.45, 0.0));
    for (k, f) in play.view.forces.iter().enumerate() {
        commands.spawn((
            SceneRoot,
            ForceMarker(k),
            Mesh3d(force_mesh.clone()),
            MeshMaterial3d(force_mat.clone()),
            Transform::from_translation(grid.world(f.at, 14.0 * grid.marker)).with_scale(Vec3::splat(grid.marker)),
        ));
    }
    let post = meshes.add(Cylinder::new(2.5, 40.0));
    let post_mat = flat(&mut mats, Color::srgb(0.95, 0.95, 0.98));
    for (k, g) in s.gauges.iter().enumerate() {
        let at = g.kind.marker_at();
        commands.spawn((
            SceneRoot,
            GaugeMarker(k),
            Mesh3d(post.clone()),
            MeshMaterial3d(post_mat.clone()),
            Transform::from_translation(grid.world(at, 20.0 * grid.marker)).with_scale(Vec3::splat(grid.marker)),
        ));
    }
    commands.insert_resource(road_mats);
    commands.insert_resource(pal);
    commands.insert_resource(grid);
    commands.insert_resource(Shown(None));
}

/// Brings the scene up to the view's tick.
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
pub fn update(
    mut commands: Commands,
    play: Res<Play>,
    grid: Res<MapGrid>,
    pal: Res<Palette>,
    rm: Res<RoadMaterials>,
    layers: Res<Layers>,
    mut shown: ResMut<Shown>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut fields: Query<(&mut Field, &mut Visibility), Without<DebrisMarker>>,
    people: Query<&PeopleMesh>,
    mut houses: Query<(&HousesMesh, &mut Visibility), (Without<Field>, Without<DebrisMarker>)>,
    mut debris: Query<(&DebrisMarker, &mut Transform, &mut Visibility), (Without<Field>, Without<HousesMesh>)>,
    mut others: ParamSet<(
        Query<(&ForceMarker, &mut Transform), Without<DebrisMarker>>,
        Query<(&ShelterMarker, &mut MeshMaterial3d<StandardMaterial>)>,
        Query<
            (&RoadMarker, &mut MeshMaterial3d<StandardMaterial>, &mut Visibility),
            (Without<Field>, Without<DebrisMarker>, Without<HousesMesh>, Without<ShelterMarker>),
        >,
    )>,
) {
    let view = &play.view;
    let layers_changed = layers.is_changed();
    if shown.0 == Some(view.tick) && !layers_changed {
        return;
    }
    shown.0 = Some(view.tick);
    for (mut f, mut vis) in fields.iter_mut() {
        let on = if f.kind == FieldKind::Smoke { layers.smoke } else { layers.hazards };
        let want = if on { Visibility::Inherited } else { Visibility::Hidden };
        if *vis != want {
            *vis = want;
        }
        if on && f.shown_tick != Some(view.tick) {
            if let Some(mut m) = meshes.get_mut(&f.mesh) {
                fields::update(f.kind, &grid, view, &mut m);
            }
            f.shown_tick = Some(view.tick);
        }
    }
    for (h, mut vis) in houses.iter_mut() {
        let want = if layers.houses { Visibility::Inherited } else { Visibility::Hidden };
        if *vis != want {
            *vis = want;
        }
        if let Some(mut m) = meshes.get_mut(&h.0)
            && !crowd::update_houses(&mut m, &grid, view)
        {
            *m = crowd::houses_mesh(&grid, view);
            crowd::update_houses(&mut m, &grid, view);
        }
    }
    for p in people.iter() {
        if let Some(mut m) = meshes.get_mut(&p.0)
            && !crowd::update_people(&mut m, &grid, view, layers.residents)
        {
            // A different number of residents: a new mesh of the right size.
            *m = crowd::people_mesh(view.residents.len());
            crowd::update_people(&mut m, &grid, view, layers.residents);
        }
    }
    markers::debris(&mut commands, &grid, view, &pal, &mut debris);
    for (f, mut t) in others.p0().iter_mut() {
        if let Some(fv) = view.forces.get(f.0) {
            t.translation = grid.world(fv.at, 14.0 * grid.marker);
        }
    }
    for (s, mut m) in others.p1().iter_mut() {
        if let Some(sv) = view.shelters.get(s.0) {
            let want = if !sv.open {
                &rm.shelter_shut
            } else if sv.occupants >= sv.capacity {
                &rm.shelter_full
            } else {
                &rm.shelter_open
            };
            if m.0 != *want {
                m.0 = want.clone();
            }
        }
    }
    let s = &play.scenario;
    for (r, mut m, mut vis) in others.p2().iter_mut() {
        let want_vis = if layers.roads { Visibility::Inherited } else { Visibility::Hidden };
        if *vis != want_vis {
            *vis = want_vis;
        }
        let Some(rv) = view.roads.get(r.0) else { continue };
        let e = &s.map.roads.edges[r.0];
        let want = if rv.cut {
            rm.cut.clone()
        } else if rv.flooded {
            rm.flooded.clone()
        } else if rv.closed {
            rm.closed.clone()
        } else {
            rm.base[terrain::road_slot(e.class, e.bridge)].clone()
        };
        if m.0 != want {
            m.0 = want;
        }
    }
}

/// The camera follows `OrbitCam`.
pub fn place_camera(cam: Res<OrbitCam>, mut q: Query<&mut Transform, With<Camera3d>>) {
    if cam.is_changed() {
        for mut t in &mut q {
            *t = cam.transform();
        }
    }
}

/// The projector's camera follows what matters: homes the hazard has
/// reached and people on their way, framed together; the whole map (or
/// its villages' part, `populated`) when nothing is happening yet. It
/// eases there (half the way in about a second and a half), so the picture
/// never jumps.
pub fn auto_camera(
    play: Res<Play>,
    grid: Res<MapGrid>,
    mut cam: ResMut<OrbitCam>,
    time: Res<Time<Real>>,
    camera: Query<&Camera, With<Camera3d>>,
) {
    if !play.screen {
        return;
    }
    use crate::sim::view::{HouseState, PersonState};
    let v = &play.view;
    let hit = v.houses.iter().filter(|h| matches!(h.state, HouseState::Flooded | HouseState::Struck)).map(|h| h.at);
    let moving = v.residents.iter().filter(|p| p.state == PersonState::Moving).map(|p| p.at);
    let pts: Vec<(f64, f64)> = hit.chain(moving).collect();
    // At rest: the whole map, or the villages' part of a much larger one.
    let aspect = picture_aspect(&camera);
    let home = rest_view(&play.scenario, &grid, aspect);
    let size = home.1 / 1.05;
    let (target, distance) = if pts.is_empty() {
        home
    } else {
        let n = pts.len() as f64;
        let c = (pts.iter().map(|p| p.0).sum::<f64>() / n, pts.iter().map(|p| p.1).sum::<f64>() / n);
        let spread = pts.iter().map(|p| crate::geom::dist(*p, c)).fold(0.0, f64::max) as f32;
        // Following something, the picture is all map: no farther than the
        // frame (see `in_frame`) fits inside the map.
        let fit = (grid.width_m() / (2.0 * REACH_SIDE * aspect)).min(grid.height_m() / (REACH_SOUTH + REACH_NORTH));
        (c, (spread * 2.6).clamp(size * 0.3, (size * 1.05).min(fit).max(size * 0.3)))
    };
    let goal = grid.world(in_frame(target, distance, (grid.width_m(), grid.height_m()), aspect), 0.0);
    let k = (time.delta_secs() * 0.5).min(1.0);
    let c = &mut *cam;
    c.focus += (goal - c.focus) * k;
    c.distance += (distance - c.distance) * k;
}

/// `target` moved in just so far that a camera `distance` away frames map
/// rather than the void beyond its edge: a flood in a corner of the map is
/// shown with the map around it, not in the corner of an empty picture.
/// The projector's camera looks north, 54° down, with Bevy's 45° vertical
/// field of view on a picture `aspect` wide for its height: the ground it
/// frames reaches about 0.41·aspect of the distance to either side of the
/// focus, 0.73 of it north (the top of the picture) and 0.39 of it south.
/// Along an axis where the map is smaller than the frame, the target
/// stays: on a mountain map the flat-ground reach is far off (the high
/// rim is nearer the camera), and moving the focus there framed more void,
/// not less (seen on the imported Encamp valley).
/// How far the projector's frame reaches on flat ground from its focus, as
/// shares of the camera's distance: to either side (per unit of aspect),
/// south (the bottom of the picture) and north (the top); see `in_frame`.
const REACH_SIDE: f32 = 0.41;
const REACH_SOUTH: f32 = 0.39;
const REACH_NORTH: f32 = 0.73;

fn in_frame(target: (f64, f64), distance: f32, (w, h): (f32, f32), aspect: f32) -> (f64, f64) {
    let d = distance as f64;
    // At least `low` from the near edge and `high` from the far one.
    let keep = |v: f64, size: f32, low: f64, high: f64| {
        if low + high >= size as f64 { v } else { v.clamp(low, size as f64 - high) }
    };
    let side = (REACH_SIDE * aspect) as f64 * d;
    (keep(target.0, w, side, side), keep(target.1, h, REACH_SOUTH as f64 * d, REACH_NORTH as f64 * d))
}

/// The villages' part of a map much larger than its villages (a
/// township's land around its valley): their bounding box with a margin
/// of 15 % a side, at least 1 km across each way (but never beyond the
/// map), so that houses and people read on a projector. `None` when the
/// villages fill most of the map.
fn populated(s: &crate::scenario::schema::Scenario, grid: &MapGrid) -> Option<(f64, f64, f64, f64)> {
    let size = grid.width_m().max(grid.height_m()) as f64;
    let points = s.villages.iter().flat_map(|v| v.boundary.iter());
    let (x0, y0, x1, y1) = points.fold(None, |b: Option<(f64, f64, f64, f64)>, &(x, y)| {
        Some(b.map_or((x, y, x, y), |(x0, y0, x1, y1)| (x0.min(x), y0.min(y), x1.max(x), y1.max(y))))
    })?;
    let span = (x1 - x0).max(y1 - y0);
    let half = |lo: f64, hi: f64| (0.5 * (hi - lo) + 0.15 * span).max(500.0);
    let (cx, cy, hx, hy) = (0.5 * (x0 + x1), 0.5 * (y0 + y1), half(x0, x1), half(y0, y1));
    // Never more than the map: on a small map the villages' part with its
    // margin is the whole map.
    let (w, h) = (grid.width_m() as f64, grid.height_m() as f64);
    (span < 0.6 * size).then_some(((cx - hx).max(0.0), (cy - hy).max(0.0), (cx + hx).min(w), (cy + hy).min(h)))
}

/// Where a camera at rest looks, on a picture `aspect` wide for its
/// height: the whole map, or the villages' part of a much larger one
/// (`populated`), fitted into the frame (the focus in map metres, and the
/// distance; see `fit`).
fn rest_view(s: &crate::scenario::schema::Scenario, grid: &MapGrid, aspect: f32) -> ((f64, f64), f32) {
    let area = populated(s, grid).unwrap_or((0.0, 0.0, grid.width_m() as f64, grid.height_m() as f64));
    fit(area, aspect)
}

/// The focus (m) and distance (m) at which the camera, looking north at
/// its starting pitch with Bevy's 45° vertical field of view, frames the
/// flat ground rectangle (x0, y0, x1, y1) on a picture `aspect` wide for
/// its height: centred on the picture up and down (the far edge looks
/// shorter, so the focus sits south of the middle), with 4 % to spare
/// along the tighter direction — the picture's height, or its width at
/// the near (south) edge, which perspective shows widest.
fn fit((x0, y0, x1, y1): (f64, f64, f64, f64), aspect: f32) -> ((f64, f64), f32) {
    let pitch = camera::START_PITCH as f64;
    let (c, s, t) = (libm::cos(pitch), libm::sin(pitch), libm::tan(std::f64::consts::FRAC_PI_8));
    let a = aspect.max(0.1) as f64;
    // The picture's height (−1 bottom … 1 top) of ground `dy` north of the
    // focus, seen from `d` away; and its half-width at that depth.
    let up = |dy: f64, d: f64| dy * s / ((d + dy * c) * t);
    let across = |dy: f64, d: f64| 0.5 * (x1 - x0) / ((d + dy * c) * t * a);
    // The focus that puts the south and north edges equally far from the
    // picture's middle (`up` of the two sums to zero; it falls as fy rises).
    let centred = |d: f64| {
        let (mut lo, mut hi) = (y0, y1);
        for _ in 0..60 {
            let fy = 0.5 * (lo + hi);
            if up(y0 - fy, d) + up(y1 - fy, d) > 0.0 { lo = fy } else { hi = fy }
        }
        0.5 * (lo + hi)
    };
    // Too near, the south edge is behind the camera: that does not fit.
    let fits = |d: f64| {
        let fy = centred(d);
        d + (y0 - fy) * c > 0.01 * d && up(y1 - fy, d).max(across(y0 - fy, d)) <= 1.0 / 1.04
    };
    let mut hi = 10.0;
    while !fits(hi) && hi < 1e7 {
        hi *= 2.0;
    }
    let mut lo = hi * 0.5;
    for _ in 0..50 {
        let d = 0.5 * (lo + hi);
        if fits(d) { hi = d } else { lo = d }
    }
    ((0.5 * (x0 + x1), centred(hi)), hi as f32)
}

/// Shape (width over height) of the map camera's picture: its viewport,
/// or the window's before the panels are laid out; 16:9 before either.
fn picture_aspect(camera: &Query<&Camera, With<Camera3d>>) -> f32 {
    camera.single().ok().and_then(|c| c.logical_viewport_size()).map_or(16.0 / 9.0, |v| v.x / v.y.max(1.0))
}

/// Where the camera starts: `rest_view` on a 16:9 picture, refitted to the
/// map's own part of the window by `fit_first_view` until someone moves it.
fn first_view(s: &crate::scenario::schema::Scenario, grid: &MapGrid) -> OrbitCam {
    let (c, distance) = rest_view(s, grid, 16.0 / 9.0);
    OrbitCam { fitted: true, ..OrbitCam::looking_at(grid.world(c, 0.0), distance) }
}

/// The window's first view follows the shape of the map's part of the
/// window (the panels are laid out after the scene is built, and the window
/// may be resized), so the whole map (or its villages' part) is in the
/// picture, not cut at the sides by a narrow one; once the trainee moves
/// the camera it is theirs. The projector's camera is `auto_camera`'s.
pub fn fit_first_view(
    play: Res<Play>,
    grid: Res<MapGrid>,
    mut cam: ResMut<OrbitCam>,
    camera: Query<&Camera, With<Camera3d>>,
) {
    if play.screen || !cam.fitted {
        return;
    }
    let (c, distance) = rest_view(&play.scenario, &grid, picture_aspect(&camera));
    let focus = grid.world(c, 0.0);
    if cam.focus != focus || cam.distance != distance {
        (cam.focus, cam.distance) = (focus, distance);
    }
}

#[cfg(test)]
mod tests {
    use super::{fit, in_frame};

    /// The first view frames the whole area on any picture shape: a 2.5 km
    /// × 1 km map in a narrow (4:5) map viewport and a wide (16:9) one, a
    /// square map on a wide one and a tall map on a narrow one. Its corners
    /// are projected with Bevy's own camera (the orbit camera's transform,
    /// the default 45° perspective): all are in the picture, the tighter
    /// direction is filled to 95–97 % (4 % to spare), and the south and
    /// north edges are equally far from the middle (to 1e-3).
    #[test]
    fn the_first_view_frames_the_whole_map_on_any_picture() {
        use super::camera::OrbitCam;
        use bevy::math::{Mat4, Vec3};
        for (area, aspect) in [
            ((0.0, 0.0, 2500.0, 1000.0), 0.8f32),
            ((0.0, 0.0, 2500.0, 1000.0), 16.0 / 9.0),
            ((100.0, 300.0, 2100.0, 2300.0), 16.0 / 9.0),
            ((0.0, 0.0, 600.0, 3000.0), 0.7),
        ] {
            let ((fx, fy), d) = fit(area, aspect);
            let view = OrbitCam::looking_at(Vec3::new(fx as f32, 0.0, -fy as f32), d).transform().to_matrix().inverse();
            let clip = Mat4::perspective_infinite_reverse_rh(std::f32::consts::FRAC_PI_4, aspect, 0.1) * view;
            let (x0, y0, x1, y1) = area;
            let ndc = |x: f64, y: f64| clip.project_point3(Vec3::new(x as f32, 0.0, -y as f32));
            let corners = [ndc(x0, y0), ndc(x1, y0), ndc(x0, y1), ndc(x1, y1)];
            let most = corners.iter().map(|p| p.x.abs().max(p.y.abs())).fold(0.0, f32::max);
            assert!((0.95..=0.97).contains(&most), "{area:?} at {aspect}: fills {most}");
            assert!((corners[0].y + corners[2].y).abs() < 1e-3, "{area:?} at {aspect}: {corners:?}");
        }
    }

    /// The villages' part of a map is never more than the map: on the
    /// small example (600 m × 400 m, one village) it is the whole map (its
    /// 1 km minimum cut to the map), so the first view fills the window
    /// with it; on the 10 km township it is a part well inside.
    #[test]
    fn the_villages_part_stays_on_the_map() {
        use super::{MapGrid, populated};
        let part = |file: &str| {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
            let loaded = crate::scenario::load(&path).unwrap();
            let grid = MapGrid::new(&loaded.terrain);
            let (w, h) = (grid.width_m() as f64, grid.height_m() as f64);
            (populated(&loaded.scenario, &grid), w, h)
        };
        let (small, w, h) = part("scenarios/example_small.ron");
        assert_eq!(small, Some((0.0, 0.0, w, h)));
        let (town, w, h) = part("benches/scenarios/township_20k.ron");
        let (x0, y0, x1, y1) = town.expect("the township's villages are a small part of its map");
        assert!(x0 >= 0.0 && y0 >= 0.0 && x1 <= w && y1 <= h && (x1 - x0) < 0.6 * w, "{town:?} on {w} × {h}");
    }

    /// A flood in the south-west corner of a 2.5 km map, framed from 1 km
    /// on a 16:9 picture: the focus moves in until the frame's edges meet
    /// the map's (0.73 km east of the west edge, 0.39 km north of the
    /// south edge); one in the north-east corner stops 0.73 km from the
    /// east edge and 0.73 km from the north; one in the middle stays. From
    /// 3 km the frame is wider and taller than the map: nothing moves.
    #[test]
    fn the_projector_frames_map_not_the_void_beyond_it() {
        let (map, wide) = ((2500.0, 2500.0), 16.0 / 9.0);
        let near = |a: (f64, f64), b: (f64, f64)| (a.0 - b.0).abs() < 0.5 && (a.1 - b.1).abs() < 0.5;
        let side = 0.41 * wide as f64 * 1000.0;
        assert!(near(in_frame((100.0, 50.0), 1000.0, map, wide), (side, 390.0)));
        assert!(near(in_frame((2450.0, 2490.0), 1000.0, map, wide), (2500.0 - side, 1770.0)));
        assert!(near(in_frame((1200.0, 1300.0), 1000.0, map, wide), (1200.0, 1300.0)));
        assert!(near(in_frame((100.0, 2450.0), 3000.0, map, wide), (100.0, 2450.0)));
    }
}
