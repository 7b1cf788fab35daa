//! The classroom's transport: replicon over renet's netcode (UDP) in its
//! secure mode, the host's listening sockets (UDP for netcode, TCP on the
//! same port number for the join exchange, `tokens`) and a seat's
//! connection with the token it was given.
//!
//! Owns: the plugins, channels' configuration and sockets. May not touch:
//! the drill, the host's or the seat's state.

use super::protocol;
use super::tokens::{Issuer, TokenService};
use bevy::prelude::*;
use bevy_replicon::prelude::*;
use bevy_replicon_renet::netcode::{
    ClientAuthentication, ConnectToken, NetcodeClientTransport, NetcodeServerTransport, ServerAuthentication,
    ServerConfig,
};
use bevy_replicon_renet::renet::ConnectionConfig;
use bevy_replicon_renet::{RenetChannelsExt, RenetClient, RenetServer, RepliconRenetPlugins};
use std::net::{SocketAddr, TcpListener, UdpSocket};

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

/// The host's two sockets on one port: netcode's (UDP) and the join
/// exchange's (TCP).
pub struct Listener {
    pub udp: UdpSocket,
    pub tcp: TcpListener,
}

/// The host's sockets on `addr` (port 0: a port free for both), and the
/// address they are bound to — taken before the app runs, so a port in
/// use is said at once.
pub fn bind(addr: SocketAddr) -> Result<(Listener, SocketAddr), String> {
    // With port 0 the system picks the UDP port; the same TCP port may be
    // taken by another program, so a few are tried.
    for _ in 0..if addr.port() == 0 { 16 } else { 1 } {
        let udp = UdpSocket::bind(addr).map_err(|e| format!("cannot listen on UDP {addr}: {e}"))?;
        let local = udp.local_addr().map_err(|e| e.to_string())?;
        match TcpListener::bind(local) {
            Ok(tcp) => return Ok((Listener { udp, tcp }, local)),
            Err(e) if addr.port() != 0 => {
                return Err(format!("cannot listen for join codes on TCP {local}: {e}"));
            }
            Err(_) => {}
        }
    }
    Err(format!("no port on {} is free for both UDP and TCP", addr.ip()))
}

/// The server, its transport (secure: only connections with a token from
/// this host's join service are admitted) and the join service for
/// `codes`, on the bound sockets (a window inserts them from a startup
/// system, once its messages are registered).
pub fn server_resources(
    channels: &RepliconChannels,
    listener: Listener,
    codes: Vec<String>,
) -> Result<(RenetServer, NetcodeServerTransport, TokenService), String> {
    let local = listener.udp.local_addr().map_err(|e| e.to_string())?;
    let issuer = Issuer::new(codes, local)?;
    let server = RenetServer::new(connection_config(channels));
    let config = ServerConfig {
        current_time: super::tokens::unix_now(),
        max_clients: MAX_CONNECTIONS,
        protocol_id: protocol::PROTOCOL_ID,
        public_addresses: vec![local],
        authentication: ServerAuthentication::Secure { private_key: issuer.key() },
    };
    let transport = NetcodeServerTransport::new(config, listener.udp).map_err(|e| e.to_string())?;
    let service = TokenService::start(listener.tcp, issuer, local.port())?;
    Ok((server, transport, service))
}

/// The client and its transport for a connection with `token` (from
/// `tokens::fetch`), to the first address in it.
pub fn client_resources(
    channels: &RepliconChannels,
    token: ConnectToken,
) -> Result<(RenetClient, NetcodeClientTransport), String> {
    let host = token.server_addresses[0].ok_or("the token names no host")?;
    let bind: SocketAddr = if host.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" }.parse().map_err(|_| "bad bind")?;
    let socket = UdpSocket::bind(bind).map_err(|e| format!("no UDP socket: {e}"))?;
    let client = RenetClient::new(connection_config(channels));
    let auth = ClientAuthentication::Secure { connect_token: token };
    let transport = NetcodeClientTransport::new(super::tokens::unix_now(), auth, socket).map_err(|e| e.to_string())?;
    Ok((client, transport))
}
