//! A seat at a classroom drill, seen from the seat's side: it gets its
//! connection's token with its join code (`tokens`), answers the host's
//! challenge with the code, keeps what the host sends
//! (`Remote`) and asks for the orders its person gives. It runs no drill:
//! the window's console reads `Remote` as it reads a local drill's views.
//!
//! Owns: `Remote`, `SeatPlugin`. May not touch: any drill.

use super::protocol::{
    self, Challenge, Hello, OrderRequest, Refused, SeatUpdate, SimSnapshot, UpdateBody, Welcome, WelcomeBody,
};
use super::tokens::JoinError;
use crate::roles::view::RoleView;
use crate::scenario::schema::Action;
use crate::sim::events::Event;
use crate::sim::view::SimView;
use bevy::prelude::*;
use bevy_replicon::prelude::*;
use bevy_replicon_renet::netcode::ConnectToken;

/// What the host has sent this seat, and the orders waiting to go.
#[derive(Resource, Debug, Default)]
pub struct Remote {
    code: String,
    /// The host (a lost connection is made again to it).
    addr: Option<std::net::SocketAddr>,
    /// Connections made again after one was lost.
    pub reconnects: u32,
    /// The seat's drill, once the host has let it in.
    pub welcome: Option<WelcomeBody>,
    pub role_view: Option<RoleView>,
    pub sim: Option<SimView>,
    /// What the seat has heard of, in log order, from the drill's start.
    pub events: Vec<Event>,
    /// The situation's pieces received so far.
    assembly: protocol::Assembly,
    /// The drill's houses (sent once; the snapshots carry their states).
    pub houses: Option<protocol::Houses>,
    /// Times `events` was started again (an update from the drill's start,
    /// after joining again); between two, `events` only grows.
    pub restarts: u64,
    /// Drill seconds per second at the host (0 while it waits or pauses).
    pub speed: u32,
    pub ended: bool,
    pub series: Vec<crate::sim::gauges::GaugeSeries>,
    /// The drill's scorecard, once it has ended.
    pub card: Option<crate::scoring::Scorecard>,
    /// Why the host turned this seat away, if it did.
    pub refused: Option<String>,
    /// Messages from the host this seat could not read.
    pub errors: Vec<String>,
    /// Packed bytes received, and updates.
    pub bytes: u64,
    pub updates: u64,
    pub snapshots: u64,
    /// Packed bytes of the snapshots among `bytes`.
    pub snapshot_bytes: u64,
    outbox: Vec<Action>,
}

impl Remote {
    pub fn new(code: &str, host: std::net::SocketAddr) -> Remote {
        Remote { code: code.to_owned(), addr: Some(host), ..Default::default() }
    }

    /// A seat that uses only a connection made for it (its app's
    /// `RenetClient`): it asks for no token and does not reconnect.
    pub fn offline(code: &str) -> Remote {
        Remote { code: code.to_owned(), ..Default::default() }
    }

    /// Asks the host for an order (sent with the next frame).
    pub fn order(&mut self, action: Action) {
        self.outbox.push(action);
    }

    fn absorb(&mut self, body: UpdateBody) {
        if body.from_start {
            self.events.clear();
            self.restarts += 1;
        }
        self.events.extend(body.events);
        if let Some(w) = self.welcome.as_mut() {
            for i in body.injects {
                if !w.scenario.injects.iter().any(|x| x.id == i.id) {
                    w.scenario.injects.push(i);
                }
            }
        }
        if let Some(v) = body.role_view {
            self.role_view = Some(v);
        }
        if body.houses.is_some() {
            self.houses = body.houses;
        }
        if let Some(g) = body.series {
            self.series = g;
        }
        if body.card.is_some() {
            self.card = body.card;
        }
        self.speed = body.speed;
        self.ended = body.ended;
        self.updates += 1;
    }
}

/// The seat's systems (add with `RepliconPlugins` and a client backend).
pub struct SeatPlugin;

impl Plugin for SeatPlugin {
    fn build(&self, app: &mut App) {
        protocol::register(app);
        app.add_systems(
            Update,
            (reconnect, answer, hear, send_orders.run_if(in_state(ClientState::Connected)))
                .chain()
                .run_if(resource_exists::<Remote>),
        );
    }
}

/// The seat's connection as it is made and made again.
#[derive(Default)]
struct Link {
    /// The join exchange under way on its thread.
    asking: Option<std::sync::mpsc::Receiver<Result<ConnectToken, JoinError>>>,
    /// When to ask again (none: now, on the first frame).
    retry_at: Option<f64>,
    /// Connections made so far.
    made: u32,
}

/// Connects: asks the host for a token for the seat's code (the join
/// exchange, on a thread of its own so that an unreachable host never
/// stalls a frame), then opens the secure connection with it. A lost
/// connection (the network, or a frame that stalled past netcode's 15 s
/// timeout) is made again a second later with a new token, and the host
/// seats this seat again with its whole feed. A host that cannot be
/// reached is asked again every two seconds. Not after a refusal or the
/// drill's end.
fn reconnect(
    mut commands: Commands,
    channels: Res<RepliconChannels>,
    client: Option<Res<bevy_replicon_renet::RenetClient>>,
    time: Res<Time<Real>>,
    mut remote: ResMut<Remote>,
    mut link: Local<Link>,
) {
    let Some(addr) = remote.addr else { return };
    if remote.refused.is_some() || remote.ended {
        return;
    }
    let now = time.elapsed_secs_f64();
    if let Some(c) = client {
        // The client's state follows a newly added client only: the lost
        // one is removed first, and a new one made a second later.
        if c.is_disconnected() {
            commands.remove_resource::<bevy_replicon_renet::RenetClient>();
            commands.remove_resource::<bevy_replicon_renet::netcode::NetcodeClientTransport>();
            link.retry_at = Some(now + 1.0);
        }
        return;
    }
    if let Some(rx) = &link.asking {
        let answer = match rx.try_recv() {
            Ok(a) => a,
            Err(std::sync::mpsc::TryRecvError::Empty) => return,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                Err(JoinError::Failed("the join exchange ended".into()))
            }
        };
        link.asking = None;
        match answer.and_then(|t| super::transport::client_resources(&channels, t).map_err(JoinError::Failed)) {
            Ok((client, transport)) => {
                commands.insert_resource(client);
                commands.insert_resource(transport);
                if link.made > 0 {
                    remote.reconnects += 1;
                    warn!("the connection to the host was lost; joining again");
                }
                link.made += 1;
            }
            Err(JoinError::Refused(r)) => remote.refused = Some(r),
            Err(JoinError::Failed(e)) => {
                if remote.errors.last() != Some(&e) {
                    remote.errors.push(e);
                }
                link.retry_at = Some(now + 2.0);
            }
        }
        return;
    }
    if link.retry_at.is_none_or(|t| now >= t) {
        let (tx, rx) = std::sync::mpsc::channel();
        let code = remote.code.clone();
        let spawned = std::thread::Builder::new().name("join".into()).spawn(move || {
            let _ = tx.send(super::tokens::fetch(addr, &code));
        });
        match spawned {
            Ok(_) => link.asking = Some(rx),
            Err(e) => {
                remote.errors.push(format!("cannot start the join exchange: {e}"));
                link.retry_at = Some(now + 2.0);
            }
        }
    }
}

fn answer(remote: Res<Remote>, mut challenges: MessageReader<Challenge>, mut hello: MessageWriter<Hello>) {
    for c in challenges.read() {
        hello.write(Hello { proof: protocol::prove(&remote.code, &c.nonce) });
    }
}

fn hear(
    mut remote: ResMut<Remote>,
    mut welcomes: MessageReader<Welcome>,
    mut updates: MessageReader<SeatUpdate>,
    mut snapshots: MessageReader<SimSnapshot>,
    mut refused: MessageReader<Refused>,
) {
    for r in refused.read() {
        remote.refused = Some(r.reason.clone());
    }
    for w in welcomes.read() {
        remote.bytes += w.0.len() as u64;
        match protocol::unpack::<WelcomeBody>(&w.0) {
            Ok(b) => remote.welcome = Some(b),
            Err(e) => remote.errors.push(e),
        }
    }
    for s in snapshots.read() {
        remote.bytes += s.bytes.len() as u64;
        let Some(whole) = remote.assembly.add(s) else { continue };
        match protocol::unpack_sim(&whole, remote.houses.as_ref()) {
            // Snapshots may come out of order: a newer one stays.
            Ok(v) if remote.sim.as_ref().is_none_or(|old| old.tick <= v.tick) => {
                remote.sim = Some(v);
                remote.snapshots += 1;
                remote.snapshot_bytes += whole.len() as u64;
            }
            Ok(_) => {}
            Err(e) => remote.errors.push(e),
        }
    }
    for u in updates.read() {
        remote.bytes += u.0.len() as u64;
        match protocol::unpack::<UpdateBody>(&u.0) {
            Ok(b) => remote.absorb(b),
            Err(e) => remote.errors.push(e),
        }
    }
}

fn send_orders(mut remote: ResMut<Remote>, mut out: MessageWriter<OrderRequest>) {
    if remote.welcome.is_none() {
        return;
    }
    for a in std::mem::take(&mut remote.outbox) {
        out.write(OrderRequest(protocol::pack(&a)));
    }
}
