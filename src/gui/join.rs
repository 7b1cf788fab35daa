//! A seat's window at a classroom drill (`firstline join`, `firstline
//! screen`): it connects to the host, says so until the host lets it in
//! (or why it did not), then shows the same console as a drill played
//! here, fed by the host (`Play::remote`, `Play::sync_remote`).
//!
//! Owns: the joining systems and the waiting panel. May not touch: any
//! drill (the host runs it).

use super::i18n::Tr;
use super::play::Play;
use crate::net::seat::Remote;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};
use bevy_replicon::prelude::*;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Where a seat's window joins, and a scripted run's end.
#[derive(Resource, Debug, Clone)]
pub struct Joining {
    pub addr: SocketAddr,
    pub code: String,
    /// Save a picture once the drill shows this drill second, then close.
    pub exit_after_s: Option<u64>,
    pub screenshot: Option<PathBuf>,
    /// Why the window could not connect.
    pub error: Option<String>,
}

/// Adds the seat's networking and systems to the window's app.
pub fn add(app: &mut App, joining: Joining) {
    crate::net::replicon_plugins(app);
    app.add_plugins(crate::net::seat::SeatPlugin)
        .insert_resource(Remote::new(&joining.code, joining.addr))
        .insert_resource(joining)
        .add_systems(Update, (admit, sync).chain().before(super::ui::drive))
        .add_systems(bevy_egui::EguiPrimaryContextPass, waiting.after(super::ui::set_fonts));
}

/// Opens the drill once the host has sent it.
fn admit(mut commands: Commands, remote: Res<Remote>, play: Option<Res<Play>>, mut j: ResMut<Joining>) {
    if play.is_some() || j.error.is_some() {
        return;
    }
    if let Some(w) = &remote.welcome {
        match Play::remote(w) {
            Ok(mut p) => {
                p.exit_after_s = j.exit_after_s;
                p.screenshot = j.screenshot.clone();
                commands.insert_resource(p);
            }
            Err(e) => j.error = Some(e),
        }
    }
}

fn sync(mut remote: ResMut<Remote>, play: Option<ResMut<Play>>) {
    if let Some(mut p) = play {
        p.sync_remote(&mut remote);
    }
}

/// Until the drill opens: where the window is joining, and why it cannot.
fn waiting(
    mut contexts: EguiContexts,
    j: Res<Joining>,
    remote: Res<Remote>,
    play: Option<Res<Play>>,
    tr: Res<Tr>,
    state: Res<State<ClientState>>,
) -> Result {
    if play.is_some() {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?.clone();
    let mut root = super::ui::root_ui(&ctx);
    egui::CentralPanel::default().show(&mut root, |ui| {
        ui.add_space(40.0);
        ui.vertical_centered(|ui| {
            ui.heading(tr.a("join-connecting", &[("host", j.addr.to_string().into())]));
            let why = remote.refused.clone().or(j.error.clone());
            match why {
                Some(w) => {
                    ui.colored_label(egui::Color32::from_rgb(220, 40, 40), tr.a("join-refused", &[("why", w.into())]));
                }
                None if *state.get() == ClientState::Connected => {
                    ui.label(tr.t("join-checking"));
                }
                None => {
                    ui.label(tr.t("join-waiting"));
                    // Why it is not through yet (an unreachable host, a
                    // broken exchange), while it keeps trying.
                    if let Some(e) = remote.errors.last() {
                        ui.colored_label(egui::Color32::from_rgb(200, 140, 0), e);
                    }
                }
            }
        });
    });
    Ok(())
}
