//! The window (feature `gui`): the launcher, then a drill played in one
//! role — the township in 3D and the role console — with the other roles
//! played by their plan followers. The drill runs in its own world
//! (`headless::Session`); this app draws it and submits the person's orders
//! through its trainee seat, so a window session's log replays byte for
//! byte with `firstline replay`.
//!
//! Owns: the window app, its options and its systems' order. May not
//! touch: sim state (views in, seat-stamped orders out).

pub mod catalog;
pub mod console;
pub mod fonts;
pub mod hosting;
pub mod i18n;
pub mod join;
pub mod launcher;
mod overlay;
pub mod play;
pub mod scene;
pub mod screen;
pub mod script;
pub mod stats;
mod ui;

use bevy::prelude::*;
use bevy::window::{PresentMode, WindowResolution};
use bevy_egui::{EguiPlugin, EguiPrimaryContextPass};
use std::path::PathBuf;
use std::process::ExitCode;

/// How the window opens.
#[derive(Debug, Clone)]
pub struct GuiOptions {
    /// Straight into this drill (`firstline play`); the launcher otherwise.
    pub start: Option<(catalog::Source, play::PlaySetup)>,
    pub lang: i18n::Lang,
    pub size: (u32, u32),
    /// Print mean and p99 frame times at the end, and write them here.
    pub frame_stats: Option<Option<PathBuf>>,
    /// Text and panel scale (projector: 1.5).
    pub scale: f32,
    /// A seat at a classroom drill (`firstline join`, `firstline screen`).
    pub join: Option<join::Joining>,
}

/// What `firstline` says where there is no display to open a window on.
const NO_DISPLAY: &str = "error: no display (DISPLAY is not set): the window cannot open here; run drills with `firstline run`, or the window under `xvfb-run`"; // not window text

/// Opens the window and runs until it closes; the exit code says whether
/// the drill's outputs were written.
pub fn open(opts: GuiOptions) -> ExitCode {
    run(opts, None)
}

/// Opens the host's window of a classroom drill (`firstline host
/// --window`): the instructor's console on the host's drill. Its pipelines
/// compile in the background even for a picture (a stalled frame would
/// stall the seats).
pub fn open_host(hosted: hosting::Hosted, lang: i18n::Lang, size: (u32, u32)) -> ExitCode {
    let opts = GuiOptions { start: None, lang, size, frame_stats: None, scale: 1.0, join: None };
    run_scripted(opts, None, Some(hosted), false)
}

/// Opens the window on a drill already made ready (the review of a
/// recorded run, `Play::review`); `screenshot` with the drill second it is
/// taken at.
pub fn open_ready(
    play: play::Play,
    console: console::state::ConsoleState,
    lang: i18n::Lang,
    size: (u32, u32),
    scale: f32,
) -> ExitCode {
    let scripted = play.screenshot.is_some();
    let opts = GuiOptions { start: None, lang, size, frame_stats: None, scale, join: None };
    run_scripted(opts, Some((play, console)), None, scripted)
}

fn run(opts: GuiOptions, ready: Option<(play::Play, console::state::ConsoleState)>) -> ExitCode {
    // A seat's window compiles in the background even for a picture: a
    // frame stalled past netcode's 15 s timeout would drop its connection.
    let scripted = opts.start.as_ref().is_some_and(|(_, s)| s.screenshot.is_some());
    run_scripted(opts, ready, None, scripted)
}

fn run_scripted(
    opts: GuiOptions,
    ready: Option<(play::Play, console::state::ConsoleState)>,
    hosted: Option<hosting::Hosted>,
    scripted: bool,
) -> ExitCode {
    // The window is an X11 one (XWayland serves it under Wayland): without
    // a display, say so rather than fail inside the windowing library.
    let display = std::env::var_os("DISPLAY"); // not window text
    if cfg!(all(unix, not(target_os = "macos"))) && display.is_none_or(|d| d.is_empty()) {
        eprintln!("{NO_DISPLAY}");
        return ExitCode::from(2);
    }
    // A scripted run's screenshot must show the whole scene: compile each
    // render pipeline before the frame that first needs it (a person's
    // window compiles them in the background and stays responsive).
    let mut app = App::new();
    app.add_plugins(
        DefaultPlugins
            .set(bevy::render::RenderPlugin { synchronous_pipeline_compilation: scripted, ..default() })
            .set(WindowPlugin {
                primary_window: Some(Window {
                    title: i18n::Tr::new(opts.lang).t("app-title"),
                    resolution: WindowResolution::new(opts.size.0, opts.size.1),
                    present_mode: PresentMode::AutoVsync,
                    ..default()
                }),
                ..default()
            })
            .set(bevy::log::LogPlugin { level: bevy::log::Level::WARN, ..default() }),
    )
    .add_plugins(EguiPlugin::default())
    // The panels get a camera of their own (`ui::spawn_ui_camera`).
    .insert_resource(bevy_egui::EguiGlobalSettings { auto_create_primary_context: false, ..default() })
    .init_resource::<ui::MapArea>()
    .insert_resource(i18n::Tr::new(opts.lang))
    .insert_resource(ui::UiScale(opts.scale))
    .init_resource::<console::state::ConsoleState>()
    .init_resource::<scene::Layers>()
    .insert_resource(stats::FrameStats::new(opts.frame_stats.clone()))
    .init_resource::<ui::Ending>();
    match (ready, opts.start, hosted) {
        (_, _, Some(h)) => match hosting::add(&mut app, h) {
            Ok(p) => {
                app.insert_resource(p);
            }
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        },
        (Some((p, console)), _, None) => {
            app.insert_resource(p).insert_resource(console);
        }
        (None, Some((source, setup)), None) => match source.load().and_then(|l| play::Play::start(&l, setup)) {
            Ok(p) => {
                app.insert_resource(p);
            }
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        },
        (None, None, None) => match opts.join {
            Some(j) => join::add(&mut app, j),
            None => {
                app.insert_resource(ui::LauncherState::new());
            }
        },
    }
    app.add_systems(Startup, ui::spawn_ui_camera)
        .add_systems(
            EguiPrimaryContextPass,
            (ui::set_fonts, ui::launcher_ui, ui::drill_ui, ui::fit_map_viewport).chain(),
        )
        .add_systems(
            Update,
            (
                ui::fit_renderer,
                ui::drive,
                scene::setup.run_if(resource_added::<play::Play>),
                scene::update.run_if(resource_exists::<scene::grid::MapGrid>),
                ui::camera_input.run_if(resource_exists::<scene::camera::OrbitCam>),
                scene::fit_first_view.run_if(
                    resource_exists::<scene::camera::OrbitCam>
                        .and_then(resource_exists::<scene::grid::MapGrid>)
                        .and_then(resource_exists::<play::Play>),
                ),
                scene::auto_camera.run_if(
                    resource_exists::<scene::camera::OrbitCam>
                        .and_then(resource_exists::<scene::grid::MapGrid>)
                        .and_then(resource_exists::<play::Play>),
                ),
                ui::pick.run_if(resource_exists::<scene::grid::MapGrid>),
                scene::place_camera.run_if(resource_exists::<scene::camera::OrbitCam>),
                ui::finish_scripted,
                stats::record,
            )
                .chain(),
        )
        .add_systems(Last, ui::on_exit.after(bevy::window::ExitSystems));
    match app.run() {
        AppExit::Success => ExitCode::SUCCESS,
        AppExit::Error(c) => ExitCode::from(c.get()),
    }
}
