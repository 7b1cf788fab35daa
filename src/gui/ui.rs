//! The window's systems: fonts, the launcher, the console around the map
//! (the map's labels and furniture are `overlay`'s), pacing,
//! camera input, picking, the scripted run's screenshot and exit, and
//! writing the drill's outputs however the window closes.
//!
//! Owns: the systems `gui::open` schedules. May not touch: sim state.

use super::catalog::{self, Source};
use super::console::state::ConsoleState;
use super::console::{self, Ctx, UiAction, card};
use super::i18n::Tr;
use super::launcher::{self, LaunchAction, LaunchForm};
use super::overlay;
use super::play::{Play, PlaySetup};
use super::scene::Layers;
use super::scene::camera::{self, OrbitCam};
use super::scene::grid::MapGrid;
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

/// Two cameras: the map's, drawing only into the part of the window the
/// panels leave (`fit_map_viewport`), so that what it looks at is in the
/// middle of the map one sees rather than under a panel; and the panels'
/// (egui's), over the whole window, drawn after the map and clearing
/// nothing.
pub fn spawn_ui_camera(mut commands: Commands) {
    commands.spawn((Camera3d::default(), Transform::from_xyz(0.0, 1000.0, 1000.0).looking_at(Vec3::ZERO, Vec3::Y)));
    commands.spawn((
        bevy_egui::PrimaryEguiContext,
        Camera2d,
        bevy::camera::visibility::RenderLayers::none(),
        Camera {
            order: 1,
            output_mode: bevy::camera::CameraOutputMode::Write {
                blend_state: Some(bevy::render::render_resource::BlendState::ALPHA_BLENDING),
                clear_color: ClearColorConfig::None,
            },
            clear_color: ClearColorConfig::Custom(Color::NONE),
            ..default()
        },
    ));
}

/// The part of the window the drill's panels leave for the map (egui
/// points), as the last frame laid them out; `None` without a drill.
#[derive(Resource, Default, Debug)]
pub struct MapArea(pub Option<egui::Rect>);

/// Gives the map's camera the part of the window the panels leave (the
/// whole window without a drill). A projection centred on the visible map
/// puts what the camera follows in its middle: with the projector's side
/// panel over the full-window picture, the flood it followed sat at the
/// panel's edge.
pub fn fit_map_viewport(
    mut contexts: EguiContexts,
    area: Res<MapArea>,
    play: Option<Res<Play>>,
    windows: Query<&Window, With<bevy::window::PrimaryWindow>>,
    mut cams: Query<&mut Camera, With<Camera3d>>,
) -> Result {
    let Ok(window) = windows.single() else { return Ok(()) };
    let (w, h) = (window.physical_width(), window.physical_height());
    let want = match (play.is_some(), area.0) {
        (true, Some(r)) => {
            let ppp = contexts.ctx_mut()?.pixels_per_point();
            let px = |v: f32, max: u32| ((v * ppp).round().max(0.0) as u32).min(max);
            let (x0, y0, x1, y1) = (px(r.min.x, w), px(r.min.y, h), px(r.max.x, w), px(r.max.y, h));
            (x1 > x0 && y1 > y0).then(|| (UVec2::new(x0, y0), UVec2::new(x1 - x0, y1 - y0)))
        }
        _ => None,
    };
    for mut cam in &mut cams {
        let now = cam.viewport.as_ref().map(|v| (v.physical_position, v.physical_size));
        if now != want {
            cam.viewport = want.map(|(physical_position, physical_size)| bevy::camera::Viewport {
                physical_position,
                physical_size,
                ..default()
            });
        }
    }
    Ok(())
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

pub(super) fn root_ui(ctx: &egui::Context) -> egui::Ui {
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
                let (log, report) = super::play::default_outputs(&loaded.scenario.meta.id, &l.role, seed);
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
                    instructor: false,
                    screen: false,
                    follow: None,
                    branch: None,
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
        instructor: play.instructor,
        roles: &play.roles,
        classroom: play.classroom.as_ref(),
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
    camera: Query<(&Camera, &GlobalTransform), With<Camera3d>>,
    mut exit: MessageWriter<AppExit>,
    mut map_area: ResMut<MapArea>,
) -> Result {
    let Some(mut play) = play else { return Ok(()) };
    let ctx = contexts.ctx_mut()?.clone();
    let mut root = root_ui(&ctx);
    let mut actions: Vec<UiAction> = Vec::new();
    if play.review.is_some() {
        let mut actions = Vec::new();
        {
            let c = ctx_of(&play, &tr);
            let r = play.review.as_ref().expect("checked");
            let last = r.seeker.last_tick();
            egui::Panel::top("review_top").show(&mut root, |ui| {
                ui.horizontal(|ui| {
                    ui.strong(tr.a("review-title", &[("drill", tr.text(&c.scenario.meta.title).into())]));
                    ui.separator();
                    let total = c.scenario.meta.duration_s as u64;
                    let clock =
                        tr.a("bar-clock", &[("now", Tr::clock(c.now_s).into()), ("total", Tr::clock(total).into())]);
                    ui.label(egui::RichText::new(clock).monospace().strong());
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        if ui.button(tr.t("score-quit")).clicked() {
                            actions.push(UiAction::Quit);
                        }
                        if ui.button(tr.t("bar-lang")).clicked() {
                            actions.push(UiAction::SwitchLang);
                        }
                    });
                });
                actions.extend(console::review::scrubber(ui, &c, last, c.speed));
            });
            egui::Panel::left("review_left").default_size(420.0 * scale.0).resizable(true).show(&mut root, |ui| {
                egui::ScrollArea::vertical().id_salt("review_left_scroll").show(ui, |ui| {
                    actions.extend(console::review::scorecard(ui, &c, &r.card, &mut console.review));
                    ui.separator();
                    actions.extend(console::review::branch(ui, &c));
                    ui.separator();
                    let reference = r.reference.lock().ok().and_then(|g| g.clone());
                    actions.extend(console::review::reference(ui, &c, &r.card, reference.as_ref()));
                    ui.separator();
                    console::review::charts(ui, &r.charts);
                });
            });
            egui::Panel::right("review_right").default_size(420.0 * scale.0).resizable(true).show(&mut root, |ui| {
                layer_toggles(ui, &tr, &mut layers);
                ui.separator();
                actions.extend(console::review::timeline(ui, &c, &mut console.review));
            });
            if let (Some(cam), Some(grid), Ok((camera, gt))) = (cam.as_deref(), grid.as_deref(), camera.single()) {
                let area = root.available_rect_before_wrap();
                map_area.0 = Some(area);
                let painter = ctx.layer_painter(egui::LayerId::background());
                let mut taken = overlay::map_furniture(&painter, &tr, cam, camera, gt, area);
                taken.push(overlay::legend(&painter, &tr, area, 1.0));
                if layers.labels {
                    overlay::labels(&painter, &mut taken, &c, grid, camera, gt, area, 1.0);
                }
            }
        }
        for a in &actions {
            match a {
                UiAction::SwitchLang => *tr = Tr::new(tr.lang().other()),
                UiAction::Quit => {
                    exit.write(AppExit::Success);
                }
                _ => {}
            }
        }
        play.apply(&actions, &mut console);
        return Ok(());
    }
    if play.screen {
        let c = ctx_of(&play, &tr);
        // Body text 32 px at 1080 lines, in proportion on other windows.
        let px = 32.0 * ctx.viewport_rect().height() / 1080.0;
        let width = ctx.viewport_rect().width() * 0.36;
        egui::Panel::top("screen_top").show(&mut root, |ui| {
            ui.horizontal(|ui| {
                ui.label(egui::RichText::new(tr.text(&c.scenario.meta.title)).size(px * 1.1).strong());
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let total = c.scenario.meta.duration_s as u64;
                    let clock =
                        tr.a("bar-clock", &[("now", Tr::clock(c.now_s).into()), ("total", Tr::clock(total).into())]);
                    ui.label(egui::RichText::new(clock).size(px * 1.1).monospace().strong());
                });
            });
        });
        egui::Panel::right("screen_side").exact_size(width).resizable(false).show(&mut root, |ui| {
            super::screen::panel(ui, &c, play.forecast(), px);
        });
        if let (Some(cam), Some(grid), Ok((camera, gt))) = (cam.as_deref(), grid.as_deref(), camera.single()) {
            let area = root.available_rect_before_wrap();
            map_area.0 = Some(area);
            let painter = ctx.layer_painter(egui::LayerId::background());
            let mut taken = overlay::map_furniture(&painter, &tr, cam, camera, gt, area);
            // Map text at the screen's size too (the window's is 15 px).
            let k = px / 15.0;
            taken.push(overlay::legend(&painter, &tr, area, k * 0.75));
            overlay::labels(&painter, &mut taken, &c, grid, camera, gt, area, k * 0.75);
        }
        return Ok(());
    }
    {
        let c = ctx_of(&play, &tr);
        egui::Panel::top("top").show(&mut root, |ui| actions.extend(console::clock::top_bar(ui, &c)));
        // The role's console: on the left for a trainee; at the instructor's
        // console the instructor's panel is on the left and the role shown
        // on the right (its orders only while the instructor holds it).
        let role_console = |ui: &mut egui::Ui, console: &mut ConsoleState, actions: &mut Vec<UiAction>| {
            actions.extend(console::inbox::inbox(ui, &c, console));
            ui.separator();
            actions.extend(console::plan::plan(ui, &c));
            // A role played from a classroom seat is that trainee's.
            let holds = !c.instructor
                || (c.sim.taken_over.iter().any(|r| r.as_str() == c.role.id)
                    && !c.classroom.is_some_and(|k| k.seated(&c.role.id)));
            if holds {
                ui.separator();
                let picking = console.picking && !console.picking_ignition;
                actions.extend(console::orders::orders(ui, &c, &mut console.form, picking));
            }
        };
        egui::Panel::left("left").default_size(400.0 * scale.0).resizable(true).show(&mut root, |ui| {
            egui::ScrollArea::vertical().id_salt("left_scroll").show(ui, |ui| {
                if c.instructor {
                    let picking = console.picking_ignition;
                    actions.extend(console::instructor::instructor(ui, &c, &mut console.instructor, picking));
                } else {
                    role_console(ui, &mut console, &mut actions);
                }
            });
        });
        egui::Panel::right("right").default_size(360.0 * scale.0).resizable(true).show(&mut root, |ui| {
            egui::ScrollArea::vertical().id_salt("right_scroll").show(ui, |ui| {
                if c.instructor {
                    ui.heading(tr.a("instructor-showing", &[("role", tr.text(&c.role.name).into())]));
                    role_console(ui, &mut console, &mut actions);
                    ui.separator();
                }
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
            map_area.0 = Some(area);
            let painter = ctx.layer_painter(egui::LayerId::background());
            // The furniture first: labels keep clear of it.
            let mut taken = overlay::map_furniture(&painter, &tr, cam, camera, gt, area);
            taken.push(overlay::legend(&painter, &tr, area, 1.0));
            if layers.labels {
                overlay::labels(&painter, &mut taken, &c, grid, camera, gt, area, 1.0);
            }
        }
        if let Some(ended) = &play.ended {
            // Over the middle of the map, clear of the side panels and the top bar.
            egui::Window::new(tr.t("score-title"))
                .collapsible(false)
                .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
                .default_width(620.0)
                .show(&ctx, |ui| match ended {
                    Ok(e) => {
                        let role = (play.role.id.as_str(), tr.text(&play.role.name));
                        actions.extend(console::score::score(ui, &tr, &e.card, role, &e.written));
                        // A classroom's drill is stored at its host for the
                        // people in its trainee seats.
                        if let Some(k) = play.classroom.as_ref().filter(|_| !e.written.is_empty()) {
                            let roles: Vec<(String, String)> = k
                                .seats
                                .iter()
                                .filter_map(|s| match &s.seat {
                                    crate::net::protocol::SeatKind::Role(r) => {
                                        Some((r.clone(), console::role_name(&c, r)))
                                    }
                                    crate::net::protocol::SeatKind::Screen => None,
                                })
                                .collect();
                            let status = play.recording();
                            let st = &mut *console;
                            actions.extend(console::score::class_record_form(
                                ui,
                                &tr,
                                &roles,
                                (&mut st.class_people, &mut st.record_org),
                                status.as_ref(),
                            ));
                        }
                        // A trainee's drill can be stored for the person who played it.
                        if !play.instructor && !e.written.is_empty() {
                            let status = play.recording();
                            let c = &mut *console;
                            actions.extend(console::score::record_form(
                                ui,
                                &tr,
                                (&mut c.record_person, &mut c.record_org),
                                status.as_ref(),
                            ));
                        }
                        if let Some((parent, dead)) = &e.parent {
                            ui.separator();
                            ui.strong(tr.a(
                                "score-branch",
                                &[
                                    ("parent", ((parent.score * 10.0).round() / 10.0).into()),
                                    ("parent_dead", (*dead as u64).into()),
                                    ("score", ((e.card.score * 10.0).round() / 10.0).into()),
                                    ("dead", (e.dead as u64).into()),
                                ],
                            ));
                        }
                    }
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
        *cam = OrbitCam { fitted: false, ..c };
    } else {
        cam.bypass_change_detection().dragged = c.dragged;
    }
}

#[allow(clippy::too_many_arguments)]
pub fn pick(
    buttons: Res<ButtonInput<MouseButton>>,
    cam: Res<OrbitCam>,
    window: Query<&Window, With<PrimaryWindow>>,
    camera: Query<(&Camera, &GlobalTransform), With<Camera3d>>,
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
    time: Res<Time<Real>>,
) {
    let Some(mut play) = play else { return };
    if ending.done || !play.at_exit_point() {
        return;
    }
    ending.frames += 1;
    let shot = play.screenshot.clone();
    match shot {
        Some(path) => {
            // A few frames for the scene and the panels to show the last
            // tick, and at least 4 s from the start: Bevy compiles a
            // material's pipeline in the background and draws nothing with
            // it until then (a software renderer took 1–3 s for the
            // ground, so a picture at 0 s showed the labels over no map).
            if !ending.shot_taken && ending.frames >= 8 && time.elapsed_secs() >= 4.0 {
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
                // A seat's window writes nothing: the picture is its output.
                // The host's console: the host ends the drill as the window closes.
                let ok =
                    saved && (play.is_remote() || play.is_hosting() || play.ended.as_ref().is_some_and(|e| e.is_ok()));
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

pub(super) fn report_end(play: &Play) {
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
