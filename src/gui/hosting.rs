//! The host's window (`firstline host --window`): the classroom's host and
//! the instructor's console in one app. The host's systems run the drill
//! and talk to the seats (`net::host`); the console shows every role and
//! the seats' join codes, and hands the instructor's orders, the pace, the
//! jump ahead and the end to the host (`Play::hosting`, `Play::sync_host`).
//!
//! Owns: the host window's systems. May not touch: sim state (the host
//! runs the drill; the console asks it).

use super::play::Play;
use crate::net::Listener;
use crate::net::host::{Host, HostPlugin, HostSystems};
use bevy::prelude::*;
use bevy_replicon::prelude::*;
use std::path::PathBuf;

/// A classroom drill to host in the window.
pub struct Hosted {
    pub host: Host,
    /// Bound before the window opens (a port in use is said at once).
    pub socket: Listener,
    /// The address the seats join at, as the join lines show it.
    pub addr: String,
    /// Save a picture once the drill shows this drill second, then close
    /// (the drill is ended: its log and report are written).
    pub exit_after_s: Option<u64>,
    pub screenshot: Option<PathBuf>,
}

/// The sockets, until the server takes them at start-up.
#[derive(Resource)]
struct Listening(Option<Listener>);

/// Adds the host and its systems to the window's app; returns the console.
pub fn add(app: &mut App, hosted: Hosted) -> Result<Play, String> {
    let Hosted { mut host, socket, addr, exit_after_s, screenshot } = hosted;
    let mut play = Play::hosting(&host, &addr)?;
    play.exit_after_s = exit_after_s;
    play.screenshot = screenshot;
    play.sync_host(&mut host);
    crate::net::replicon_plugins(app);
    app.add_plugins(HostPlugin)
        .insert_resource(host)
        .insert_resource(Listening(Some(socket)))
        .add_systems(Startup, listen)
        .add_systems(Update, sync.after(HostSystems).before(super::ui::drive))
        .add_systems(Last, close.before(super::ui::on_exit));
    Ok(play)
}

/// The server on the bound socket, once the messages are registered.
fn listen(mut commands: Commands, channels: Res<RepliconChannels>, host: Res<Host>, mut socket: ResMut<Listening>) {
    let Some(s) = socket.0.take() else { return };
    match crate::net::server_resources(&channels, s, host.codes()) {
        Ok((server, transport, tokens)) => {
            commands.insert_resource(server);
            commands.insert_resource(transport);
            commands.insert_resource(tokens);
        }
        Err(e) => error!("the classroom cannot listen: {e}"), // not window text
    }
}

fn sync(mut host: ResMut<Host>, play: Option<ResMut<Play>>) {
    if let Some(mut p) = play {
        p.sync_host(&mut host);
    }
}

/// However the window closes, the host's drill ends: its log and report
/// are written and the seats are sent the score.
fn close(mut exits: MessageReader<AppExit>, mut host: ResMut<Host>, play: Option<ResMut<Play>>) {
    if exits.read().next().is_none() {
        return;
    }
    let was_running = host.session().is_some();
    host.finish();
    if let Some(mut p) = play {
        p.sync_host(&mut host);
        if was_running {
            super::ui::report_end(&p);
        }
    }
}
