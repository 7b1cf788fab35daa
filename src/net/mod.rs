//! The LAN classroom: one host runs the drill, trainee seats and the
//! projector screen join it over UDP (bevy_replicon over renet's netcode).
//! The host is the only authority: seats send order requests and receive
//! what their role may see.
//!
//! Owns: the wire (`protocol`), the join exchange (`tokens`), the host
//! (`host`), the seat (`seat`), the transport (`transport`) and the
//! headless apps. May not touch: sim state.

pub mod host;
pub mod protocol;
pub mod seat;
pub mod tokens;
pub mod transport;

use bevy::prelude::*;
use bevy::state::app::StatesPlugin;
use bevy_replicon::prelude::RepliconChannels;
use std::net::SocketAddr;
pub use transport::{Listener, MAX_CONNECTIONS, bind, client_resources, replicon_plugins, server_resources};

/// A headless app with replicon and `plugin`, built (its channels known).
fn headless(plugin: impl Plugin) -> App {
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, StatesPlugin));
    replicon_plugins(&mut app);
    app.add_plugins(plugin);
    app.finish();
    app.cleanup();
    app
}

/// A headless host app for `host`, listening on `addr`.
pub fn host_app(host: host::Host, addr: SocketAddr) -> Result<(App, SocketAddr), String> {
    let (listener, local) = bind(addr)?;
    Ok((host_app_on(host, listener)?, local))
}

/// A headless host app for `host`, on sockets already bound (`bind`).
pub fn host_app_on(host: host::Host, listener: Listener) -> Result<App, String> {
    let mut app = headless(host::HostPlugin);
    let (server, transport, tokens) =
        server_resources(app.world().resource::<RepliconChannels>(), listener, host.codes())?;
    app.insert_resource(server).insert_resource(transport).insert_resource(tokens).insert_resource(host);
    Ok(app)
}

/// A headless seat app that joins the host at `addr` with `code` (it asks
/// for its token on its first frame, on a thread of its own).
pub fn seat_app(addr: SocketAddr, code: &str) -> App {
    let mut app = headless(seat::SeatPlugin);
    app.insert_resource(seat::Remote::new(code, addr));
    app
}
