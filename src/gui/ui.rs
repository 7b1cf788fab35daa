//! The window's systems: fonts, the launcher, the console around the map
//! (with the map's labels, north arrow, scale bar and legend), pacing,
//! camera input, picking, the scripted run's screenshot and exit, and
//! writing the drill's outputs however the window closes.
//!
//! Owns: the systems `gui::open` schedules. May not touch: sim state.

use super::catalog::{self, Source};
use super::console::state::ConsoleState;
use super::console::{self, Ctx, UiAction, card};
use super::i18n::Tr;
use super::launcher::{self, LaunchAction, LaunchForm};
use super::play::{Play, PlaySetup};
use super::scene::camera::{self, OrbitCam};
use super::scene::grid::MapGrid;
use super::scene::{Layers, markers};
use super::stats::FrameStats;
use bevy::input::mouse::{AccumulatedMouseMotion, AccumulatedMouseScroll};
use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, save_to_disk};
use bevy::window::PrimaryWindow;
use bevy_egui::input::EguiWantsInput;
use bevy_egui::{EguiContexts, egui};
use std::path::PathBuf;

/// Text scale of the window.
#[derive(Resource)]
pub struct UiScale(pub f32);

/// The launcher's list and form.
#[derive(Resource)]
pub struct LauncherState {
    pub entries: Vec<catalog::Entry>,
    pub form: LaunchForm,
    pub error: Option<String>,
}

impl LauncherState {
    pub fn new() -> Self {
        LauncherState {
            entries: catalog::list(Some(std::path::Path::new("scenarios"))),
            form: LaunchForm::default(),
            error: None,
        }
    }
}

/// Where a scripted run stands after reaching its drill second.
#[derive(Resource, Default, Debug)]
pub struct Ending {
    frames: u32,
    shot_taken: bool,
    done: bool,
}

pub fn spawn_ui_camera(mut commands: Commands) {
    // One camera for the map and the panels (egui attaches to it).
    commands.spawn((Camera3d::default(), Transform::from_xyz(0.0, 1000.0, 1000.0).looking_at(Vec3::ZERO, Vec3::Y)));
}

/// On a software renderer (Mesa llvmpipe: an office PC without a GPU
/// driver, a CI machine) multisampling costs most of the frame (measured:
/// 2.4 s a frame with 4× MSAA, 0.4 s without, at 1280×720): turn it off
/// there; a GPU keeps 4×.
pub fn fit_renderer(
    info: Option<Res<bevy::render::renderer::RenderAdapterInfo>>,
    mut q: Query<&mut Msaa>,
    mut done: Local<bool>,
) {
    let Some(info) = info else { return };
    if *done {
        return;
    }
    *done = true;
    // `wgpu::DeviceType::Cpu` (Bevy does not re-export the type).
    let software = format!("{:?}", info.device_type) == "Cpu"; // not window text
    if software {
        for mut m in &mut q {
            *m = Msaa::Off;
        }
    }
}

pub fn set_fonts(mut contexts: EguiContexts, scale: Res<UiScale>, mut done: Local<bool>) -> Result {
    if !*done {
        super::fonts::style(contexts.ctx_mut()?, scale.0);
        *done = true;
    }
    Ok(())
}

/// The log and report paths of a window session: `runs/<drill>-<role>-<seed>-<unix time>`.
pub fn default_outputs(drill: &str, role: &str, seed: u64) -> (PathBuf, PathBuf) {
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let stem = format!("runs/{drill}-{role}-seed{seed}-{t}");
    (PathBuf::from(format!("{stem}.log.jsonl")), PathBuf::from(format!("{stem}.report.json")))
}

fn root_ui(ctx: &egui::Context) -> egui::Ui {
    egui::Ui::new(
        ctx.clone(),
        "root".into(),
        egui::UiBuilder::new().layer_id(egui::LayerId::background()).max_rect(ctx.viewport_rect()),
    )
}

pub fn launcher_ui(
    mut commands: Commands,
    mut contexts: EguiContexts,
    state: Option<ResMut<LauncherState>>,
    mut tr: ResMut<Tr>,
    mut exit: MessageWriter<AppExit>,
) -> Result {
    let Some(mut state) = state else { return Ok(()) };
    let ctx = contexts.ctx_mut()?;
    let mut root = root_ui(ctx);
    let st = &mut *state;
    let actions = egui::CentralPanel::default()
        .show(&mut root, |ui| {
            let a = launcher::launcher(ui, &tr, &st.entries, &mut st.form);
            if let Some(e) = &st.error {
                ui.colored_label(egui::Color32::from_rgb(220, 40, 40), e.as_str());
            }
            a
        })
        .inner;
    for a in actions {
        match a {
            LaunchAction::SwitchLang => *tr = Tr::new(tr.lang().other()),
            LaunchAction::Quit => {
                exit.write(AppExit::Success);
            }
            LaunchAction::Open(path) => {
                let source = Source::File(PathBuf::from(path));
                st.entries.push(catalog::Entry { loaded: source.load(), source });
                st.form.drill = st.entries.len() - 1;
                st.form.role = None;
            }
            LaunchAction::Start(l) => {
                let Some(loaded) =
                    st.entries.iter().find(|e| e.source == l.source).and_then(|e| e.loaded.as_ref().ok())
                else {
                    continue;
                };
                let seed = l.seed.unwrap_or(loaded.scenario.meta.seed);
                let (log, report) = default_outputs(&loaded.scenario.meta.id, &l.role, seed);
                if let Some(dir) = log.parent()
                    && let Err(e) = std::fs::create_dir_all(dir)
                {
                    st.error = Some(format!("{}: {e}", dir.display()));
                    continue;
                }
                let inputs = match &l.source {
                    Source::File(p) => vec![p.clone()],
                    Source::Embedded(..) => vec![],
                };
                let setup = PlaySetup {
                    role: l.role.clone(),
                    mode: l.mode,
                    competence: l.competence,
                    seed: l.seed,
                    log: Some(log),
                    report: Some(report),
                    inputs,
                    script: Default::default(),
                    exit_after_s: None,
                    screenshot: None,
                    speed: None,
                    paced: false,
                };
                match Play::start(loaded, setup) {
                    Ok(p) => {
                        commands.insert_resource(p);
                        commands.remove_resource::<LauncherState>();
                    }
                    Err(e) => st.error = Some(e),
                }
            }
        }
    }
    Ok(())
}

/// The panels' context for the drill being played.
pub fn ctx_of<'a>(play: &'a Play, tr: &'a Tr) -> Ctx<'a> {
    Ctx {
        tr,
        scenario: &play.scenario,
        role: &play.role,
        view: &play.role_view,
        sim: &play.view,
        events: &play.events,
        series: &play.series,
        now_s: play.now_s(),
        mode: play.mode,
        speed: play.speed,
    }
}

#[allow(clippy::too_many_arguments)]
pub fn drill_ui(
    mut contexts: EguiContexts,
    play: Option<ResMut<Play>>,
    mut console: ResMut<ConsoleState>,
    mut tr: ResMut<Tr>,
    mut layers: ResMut<Layers>,
    scale: Res<UiScale>,
    cam: Option<Res<OrbitCam>>,
    grid: Option<Res<MapGrid>>,
    camera: Query<(&Camera, &GlobalTransform)>,
    mut exit: MessageWriter<AppExit>,
) -> Result {
    let Some(mut play) = play else { return Ok(()) };
    let ctx = contexts.ctx_mut()?.clone();
    let mut root = root_ui(&ctx);
    let mut actions: Vec<UiAction> = Vec::new();
    {
        let c = ctx_of(&play, &tr);
        egui::Panel::top("top").show(&mut root, |ui| actions.extend(console::clock::top_bar(ui, &c)));
        egui::Panel::left("left").default_size(400.0 * scale.0).resizable(true).show(&mut root, |ui| {
            egui::ScrollArea::vertical().id_salt("left_scroll").show(ui, |ui| {
                actions.extend(console::inbox::inbox(ui, &c, &console));
                ui.separator();
                actions.extend(console::plan::plan(ui, &c));
                ui.separator();
                let picking = console.picking;
                actions.extend(console::orders::orders(ui, &c, &mut console.form, picking));
            });
        });
        egui::Panel::right("right").default_size(360.0 * scale.0).resizable(true).show(&mut root, |ui| {
            egui::ScrollArea::vertical().id_salt("right_scroll").show(ui, |ui| {
                layer_toggles(ui, &tr, &mut layers);
                if let Some(sel) = console.selected {
                    ui.separator();
                    card::card(ui, &c, sel);
                }
                ui.separator();
                console::gauges::gauges(ui, &c);
                ui.separator();
                console::feed::feed(ui, &c);
            });
        });
        if let (Some(cam), Some(grid), Ok((camera, gt))) = (cam.as_deref(), grid.as_deref(), camera.single()) {
            let area = root.available_rect_before_wrap();
            let painter = ctx.layer_painter(egui::LayerId::background());
            // The furniture first: labels keep clear of it.
            let mut taken = map_furniture(&painter, &tr, cam, camera, gt, area);
            taken.push(legend(&painter, &tr, area));
            if layers.labels {
                labels(&painter, &mut taken, &c, grid, camera, gt, area);
            }
        }
        if let Some(ended) = &play.ended {
            egui::Window::new(tr.t("score-title")).collapsible(false).show(&ctx, |ui| match ended {
                Ok(e) => actions.extend(console::score::score(ui, &tr, &e.card, &e.written)),
                Err(why) => {
                    ui.colored_label(
                        egui::Color32::from_rgb(220, 40, 40),
                        tr.a("score-error", &[("why", why.as_str().into())]),
                    );
                    if ui.button(tr.t("score-quit")).clicked() {
                        actions.push(UiAction::Quit);
                    }
                }
            });
        }
    }
    for a in &actions {
        match a {
            UiAction::SwitchLang => *tr = Tr::new(tr.lang().other()),
            UiAction::Quit => {
                play.end();
                exit.write(if play.ended.as_ref().is_some_and(|e| e.is_ok()) {
                    AppExit::Success
                } else {
                    AppExit::error()
                });
            }
            _ => {}
        }
    }
    play.apply(&actions, &mut console);
    Ok(())
}

fn layer_toggles(ui: &mut egui::Ui, tr: &Tr, layers: &mut Layers) {
    ui.heading(tr.t("layers-title"));
    ui.horizontal_wrapped(|ui| {
        ui.checkbox(&mut layers.hazards, tr.t("layer-hazards"));
        ui.checkbox(&mut layers.smoke, tr.t("layer-smoke"));
        ui.checkbox(&mut layers.residents, tr.t("layer-residents"));
        ui.checkbox(&mut layers.houses, tr.t("layer-houses"));
        ui.checkbox(&mut layers.roads, tr.t("layer-roads"));
        ui.checkbox(&mut layers.labels, tr.t("layer-labels"));
    });
}

/// A world point on screen (egui points), if in front of the camera.
fn screen(camera: &Camera, gt: &GlobalTransform, w: Vec3) -> Option<egui::Pos2> {
    camera.world_to_viewport(gt, w).ok().map(|v| egui::pos2(v.x, v.y))
}

/// Draws a label above `at` unless it would cover one already drawn
/// (`taken`, in drawing order: the first drawn wins).
fn tag(
    painter: &egui::Painter,
    taken: &mut Vec<egui::Rect>,
    at: egui::Pos2,
    text: String,
    colour: egui::Color32,
    area: egui::Rect,
) {
    if !area.contains(at) {
        return;
    }
    let font = egui::FontId::proportional(15.0);
    let galley = painter.layout_no_wrap(text, font, egui::Color32::WHITE);
    let rect =
        egui::Rect::from_min_size(at + egui::vec2(-galley.size().x / 2.0, -galley.size().y - 6.0), galley.size())
            .expand(3.0);
    if !area.contains_rect(rect) || taken.iter().any(|r| r.intersects(rect)) {
        return;
    }
    taken.push(rect);
    painter.rect_filled(rect, 3.0, colour);
    painter.galley(rect.min + egui::vec2(3.0, 3.0), galley, egui::Color32::WHITE);
}

fn labels(
    painter: &egui::Painter,
    taken: &mut Vec<egui::Rect>,
    c: &Ctx,
    grid: &MapGrid,
    camera: &Camera,
    gt: &GlobalTransform,
    area: egui::Rect,
) {
    let tr = c.tr;
    let dark = egui::Color32::from_rgba_unmultiplied(20, 30, 40, 200);
    // Forces first (they move and matter most), then shelters, gauges and
    // village names; a label that would cover an earlier one is left out.
    for f in &c.sim.forces {
        if let Some(p) = screen(camera, gt, grid.world(f.at, 30.0)) {
            let task = f.task.map_or(String::new(), |t| tr.t(&format!("task-{t:?}")));
            let text = format!("{} {}", console::force_name(c, f.force.as_str()), task);
            tag(painter, taken, p, text, egui::Color32::from_rgba_unmultiplied(200, 90, 0, 230), area);
        }
    }
    for s in &c.sim.shelters {
        if let Some(p) = screen(camera, gt, grid.world(s.at, 26.0)) {
            let text = tr.a(
                "map-shelter",
                &[
                    ("name", console::shelter_name(c, s.shelter.as_str()).into()),
                    ("occupants", s.occupants.into()),
                    ("capacity", s.capacity.into()),
                ],
            );
            tag(painter, taken, p, text, egui::Color32::from_rgba_unmultiplied(20, 120, 50, 220), area);
        }
    }
    for (k, g) in c.scenario.gauges.iter().enumerate() {
        let at = match &g.kind {
            crate::scenario::schema::GaugeKind::PeopleCrossing { from, to } => {
                ((from.0 + to.0) / 2.0, (from.1 + to.1) / 2.0)
            }
            other => other.at().unwrap_or((0.0, 0.0)),
        };
        if let Some(p) = screen(camera, gt, grid.world(at, 42.0)) {
            let v = c.view.gauges.get(k).map_or(f64::NAN, |(_, v)| *v);
            let text = format!("{} {:.2}", console::feed::gauge_name(c, &g.id), v);
            tag(painter, taken, p, text, dark, area);
        }
    }
    for v in &c.scenario.villages {
        let at = crate::geom::centroid(&v.boundary);
        if let Some(p) = screen(camera, gt, grid.world(at, 60.0)) {
            let grey = egui::Color32::from_rgba_unmultiplied(60, 60, 60, 170);
            tag(painter, taken, p, tr.text(&v.name).to_owned(), grey, area);
        }
    }
}

/// The north arrow (top right of the map) and the scale bar (bottom
/// right); returns the rectangles they cover.
fn map_furniture(
    painter: &egui::Painter,
    tr: &Tr,
    cam: &OrbitCam,
    camera: &Camera,
    gt: &GlobalTransform,
    area: egui::Rect,
) -> Vec<egui::Rect> {
    let ink = egui::Color32::from_rgb(20, 20, 20);
    let paper = egui::Color32::from_rgba_unmultiplied(255, 255, 255, 210);
    // North: where the screen moves from the focus towards −Z.
    let north = match (screen(camera, gt, cam.focus), screen(camera, gt, cam.focus + Vec3::new(0.0, 0.0, -100.0))) {
        (Some(a), Some(b)) if (b - a).length() > 0.5 => (b - a).normalized(),
        _ => egui::vec2(0.0, -1.0),
    };
    let centre = egui::pos2(area.right() - 50.0, area.top() + 60.0);
    painter.circle_filled(centre, 34.0, paper);
    let tip = centre + north * 26.0;
    let side = egui::vec2(-north.y, north.x) * 9.0;
    painter.add(egui::Shape::convex_polygon(
        vec![tip, centre + side - north * 8.0, centre - side - north * 8.0],
        ink,
        egui::Stroke::NONE,
    ));
    painter.text(
        centre - north * 20.0,
        egui::Align2::CENTER_CENTER,
        tr.t("map-north"),
        egui::FontId::proportional(16.0),
        ink,
    );
    // Scale: metres per point at the focus.
    let fov = std::f32::consts::FRAC_PI_4;
    let m_per_pt = 2.0 * cam.distance * (fov / 2.0).tan() / area.height().max(1.0);
    let target = 160.0 * m_per_pt;
    let nice = [10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0];
    let len_m = nice.iter().copied().rev().find(|&n| n <= target).unwrap_or(10.0);
    let len_pt = len_m / m_per_pt;
    let y = area.bottom() - 30.0;
    let x1 = area.right() - 30.0;
    let x0 = x1 - len_pt;
    let bar = egui::Rect::from_min_max(egui::pos2(x0 - 8.0, y - 26.0), egui::pos2(x1 + 8.0, y + 8.0));
    painter.rect_filled(bar, 3.0, paper);
    painter.line_segment([egui::pos2(x0, y), egui::pos2(x1, y)], egui::Stroke::new(3.0, ink));
    for x in [x0, x1] {
        painter.line_segment([egui::pos2(x, y - 6.0), egui::pos2(x, y + 4.0)], egui::Stroke::new(2.0, ink));
    }
    let label = if len_m >= 1000.0 {
        tr.a("map-scale-km", &[("km", ((len_m / 1000.0) as f64).into())])
    } else {
        tr.a("map-scale-m", &[("m", (len_m as f64).into())])
    };
    painter.text(
        egui::pos2((x0 + x1) / 2.0, y - 14.0),
        egui::Align2::CENTER_CENTER,
        label,
        egui::FontId::proportional(15.0),
        ink,
    );
    vec![egui::Rect::from_center_size(centre, egui::vec2(70.0, 70.0)), bar]
}

/// The colour keys of residents and houses (bottom left of the map);
/// returns the rectangle it covers.
fn legend(painter: &egui::Painter, tr: &Tr, area: egui::Rect) -> egui::Rect {
    let rows: Vec<(String, [f32; 3])> = [
        ("legend-unaware", markers::PERSON_COLOURS[0]),
        ("legend-warned", markers::PERSON_COLOURS[1]),
        ("legend-moving", markers::PERSON_COLOURS[2]),
        ("legend-safe", markers::PERSON_COLOURS[3]),
        ("legend-harmed", markers::PERSON_COLOURS[4]),
        ("legend-house-flooded", markers::HOUSE_COLOURS[3]),
        ("legend-house-burning", markers::HOUSE_COLOURS[5]),
    ]
    .into_iter()
    .map(|(k, c)| (tr.t(k), c))
    .collect();
    let h = 20.0;
    let top = area.bottom() - 12.0 - h * rows.len() as f32;
    let left = area.left() + 12.0;
    let frame =
        egui::Rect::from_min_max(egui::pos2(left - 6.0, top - 6.0), egui::pos2(left + 150.0, area.bottom() - 6.0));
    painter.rect_filled(frame, 3.0, egui::Color32::from_rgba_unmultiplied(255, 255, 255, 210));
    for (k, (text, c)) in rows.into_iter().enumerate() {
        let y = top + k as f32 * h + h / 2.0;
        let col = egui::Color32::from_rgb((c[0] * 255.0) as u8, (c[1] * 255.0) as u8, (c[2] * 255.0) as u8);
        painter.circle_filled(egui::pos2(left + 8.0, y), 6.0, col);
        painter.text(
            egui::pos2(left + 22.0, y),
            egui::Align2::LEFT_CENTER,
            text,
            egui::FontId::proportional(14.0),
            egui::Color32::from_rgb(20, 20, 20),
        );
    }
    frame
}

pub fn drive(time: Res<Time<Real>>, play: Option<ResMut<Play>>, mut console: ResMut<ConsoleState>) {
    if let Some(mut play) = play {
        play.drive(time.delta(), &mut console);
    }
}

pub fn camera_input(
    mut cam: ResMut<OrbitCam>,
    buttons: Res<ButtonInput<MouseButton>>,
    keys: Res<ButtonInput<KeyCode>>,
    motion: Res<AccumulatedMouseMotion>,
    scroll: Res<AccumulatedMouseScroll>,
    wants: Res<EguiWantsInput>,
    time: Res<Time<Real>>,
) {
    let mut c = cam.bypass_change_detection().clone();
    camera::control(
        &mut c,
        &buttons,
        &keys,
        &motion,
        &scroll,
        time.delta_secs(),
        wants.wants_any_pointer_input(),
        wants.wants_any_keyboard_input(),
    );
    let moved = c.focus != cam.focus || c.yaw != cam.yaw || c.pitch != cam.pitch || c.distance != cam.distance;
    if moved {
        *cam = c;
    } else {
        cam.bypass_change_detection().dragged = c.dragged;
    }
}

#[allow(clippy::too_many_arguments)]
pub fn pick(
    buttons: Res<ButtonInput<MouseButton>>,
    cam: Res<OrbitCam>,
    window: Query<&Window, With<PrimaryWindow>>,
    camera: Query<(&Camera, &GlobalTransform)>,
    grid: Res<MapGrid>,
    play: Option<ResMut<Play>>,
    mut console: ResMut<ConsoleState>,
    tr: Res<Tr>,
    wants: Res<EguiWantsInput>,
) {
    let Some(mut play) = play else { return };
    if !camera::clicked(&cam, &buttons) || wants.wants_any_pointer_input() {
        return;
    }
    let (Ok(w), Ok((camera, gt))) = (window.single(), camera.single()) else { return };
    let Some(cursor) = w.cursor_position() else { return };
    let Ok(ray) = camera.viewport_to_world(gt, cursor) else { return };
    let Some(hit) = grid.hit(ray) else { return };
    let p = grid.map_point(hit);
    if console.picking {
        play.apply(&[UiAction::Picked(p)], &mut console);
    } else {
        let sel = card::pick(&ctx_of(&play, &tr), p, 40.0);
        console.selected = sel;
    }
}

/// A scripted run (`--exit-after`): once the drill second is reached, let
/// the scene catch up, take the screenshot, wait until it is on disk, end
/// the drill (the log and report are written) and exit.
pub fn finish_scripted(
    mut commands: Commands,
    play: Option<ResMut<Play>>,
    mut ending: ResMut<Ending>,
    mut exit: MessageWriter<AppExit>,
) {
    let Some(mut play) = play else { return };
    if ending.done || !play.at_exit_point() {
        return;
    }
    ending.frames += 1;
    let shot = play.screenshot.clone();
    match shot {
        Some(path) => {
            // A few frames for the scene and the panels to show the last tick.
            if !ending.shot_taken && ending.frames >= 8 {
                commands.spawn(Screenshot::primary_window()).observe(save_to_disk(path.clone()));
                ending.shot_taken = true;
                ending.frames = 0;
                return;
            }
            let saved = std::fs::metadata(&path).is_ok_and(|m| m.len() > 0);
            if ending.shot_taken && (saved && ending.frames > 3 || ending.frames > 600) {
                if !saved {
                    eprintln!("error: the screenshot {} was not written", path.display());
                }
                play.end();
                let ok = saved && play.ended.as_ref().is_some_and(|e| e.is_ok());
                report_end(&play);
                ending.done = true;
                exit.write(if ok { AppExit::Success } else { AppExit::error() });
            }
        }
        None => {
            play.end();
            report_end(&play);
            ending.done = true;
            exit.write(if play.ended.as_ref().is_some_and(|e| e.is_ok()) {
                AppExit::Success
            } else {
                AppExit::error()
            });
        }
    }
}

fn report_end(play: &Play) {
    match &play.ended {
        Some(Ok(e)) => {
            eprintln!("drill ended at {} s: score {:.1}, {}", play.now_s(), e.card.score, e.card.level_zh);
            for w in &e.written {
                eprintln!("wrote {w}");
            }
        }
        Some(Err(why)) => eprintln!("error: {why}"),
        None => {}
    }
}

/// However the window closes, the drill's log and report are written, and
/// the frame statistics are reported.
pub fn on_exit(mut exits: MessageReader<AppExit>, play: Option<ResMut<Play>>, stats: Res<FrameStats>) {
    if exits.read().next().is_none() {
        return;
    }
    if let Some(mut play) = play
        && play.running()
    {
        play.end();
        report_end(&play);
    }
    stats.report();
}
