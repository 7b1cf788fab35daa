//! The classroom's transport: replicon over renet's netcode (UDP), the
//! host's listening socket and a seat's connection.
//!
//! Owns: the plugins, channels' configuration and sockets. May not touch:
//! the drill, the host's or the seat's state.

use super::protocol;
use bevy::prelude::*;
use bevy_replicon::prelude::*;
use bevy_replicon_renet::netcode::{
    ClientAuthentication, NetcodeClientTransport, NetcodeServerTransport, ServerAuthentication, ServerConfig,
};
use bevy_replicon_renet::renet::ConnectionConfig;
use bevy_replicon_renet::{RenetChannelsExt, RenetClient, RenetServer, RepliconRenetPlugins};
use std::net::{SocketAddr, UdpSocket};
use std::time::SystemTime;

/// The most connections a host takes (30 trainees, screens, spares).
pub const MAX_CONNECTIONS: usize = 64;

/// Replicon with the classroom's own authorisation (the join code), over
/// renet. Both ends use this.
pub fn replicon_plugins(app: &mut App) {
    app.add_plugins((
        RepliconPlugins.set(RepliconSharedPlugin { auth_method: AuthMethod::Custom }),
        RepliconRenetPlugins,
    ));
}

/// Bytes a connection may be sent in one frame (renet's default budget):
/// more in one burst overruns a receiving socket's buffer, and a welcome
/// of a few hundred kB takes a few frames. An unreliable message larger
/// than what is left of it is dropped (renet), so the situation goes in
/// pieces spread over frames (`protocol::pieces`).
pub const FRAME_BYTES: u64 = 60_000;

fn connection_config(channels: &RepliconChannels) -> ConnectionConfig {
    ConnectionConfig {
        available_bytes_per_tick: FRAME_BYTES,
        server_channels_config: channels.server_configs(),
        client_channels_config: channels.client_configs(),
    }
}

fn unix_now() -> std::time::Duration {
    SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default()
}

/// The host's socket on `addr` (port 0: any free port), and the address it
/// is bound to — taken before the app runs, so a port in use is said at once.
pub fn bind(addr: SocketAddr) -> Result<(UdpSocket, SocketAddr), String> {
    let socket = UdpSocket::bind(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local = socket.local_addr().map_err(|e| e.to_string())?;
    Ok((socket, local))
}

/// The server and its transport on a bound socket (a window inserts them
/// from a startup system, once its messages are registered).
pub fn server_resources(
    channels: &RepliconChannels,
    socket: UdpSocket,
) -> Result<(RenetServer, NetcodeServerTransport), String> {
    let local = socket.local_addr().map_err(|e| e.to_string())?;
    let server = RenetServer::new(connection_config(channels));
    let config = ServerConfig {
        current_time: unix_now(),
        max_clients: MAX_CONNECTIONS,
        protocol_id: protocol::PROTOCOL_ID,
        public_addresses: vec![local],
        authentication: ServerAuthentication::Unsecure,
    };
    let transport = NetcodeServerTransport::new(config, socket).map_err(|e| e.to_string())?;
    Ok((server, transport))
}

/// Makes `app` (with `replicon_plugins` and `seat::SeatPlugin`) connect to
/// a host at `host`.
pub fn connect(app: &mut App, host: SocketAddr) -> Result<(), String> {
    let (client, transport) = client_resources(app.world().resource::<RepliconChannels>(), host)?;
    app.insert_resource(client).insert_resource(transport);
    Ok(())
}

/// The client and its transport for a connection to `host` (a window
/// inserts them from a startup system, once its messages are registered).
pub fn client_resources(
    channels: &RepliconChannels,
    host: SocketAddr,
) -> Result<(RenetClient, NetcodeClientTransport), String> {
    let bind: SocketAddr = if host.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" }.parse().map_err(|_| "bad bind")?;
    let socket = UdpSocket::bind(bind).map_err(|e| format!("no UDP socket: {e}"))?;
    let client = RenetClient::new(connection_config(channels));
    let mut id = [0u8; 8];
    getrandom::fill(&mut id).map_err(|e| e.to_string())?;
    let auth = ClientAuthentication::Unsecure {
        client_id: u64::from_le_bytes(id),
        protocol_id: protocol::PROTOCOL_ID,
        server_addr: host,
        user_data: None,
    };
    let transport = NetcodeClientTransport::new(unix_now(), auth, socket).map_err(|e| e.to_string())?;
    Ok((client, transport))
}
