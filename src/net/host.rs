//! The host of a classroom drill: the one authoritative drill (a headless
//! `Session`), its seats and their join codes, and the systems that talk to
//! the seats over bevy_replicon.
//!
//! A connection holds no seat until it answers the host's challenge with a
//! seat's join code (`protocol::prove`); a code whose seat is held is
//! refused. Every order a seat asks for goes into the drill through that
//! seat — `Seat::trainee(role)` — so the tick, role and source are the
//! host's, never the seat's; the rights gate refuses (and logs) what the
//! role may not order. Each seat is sent only what its role hears of
//! (`roles::view::knows`): its own view, the situation, and the inject
//! texts as they are delivered. A seat that drops is played by its plan
//! follower (`Away::Follower`: the role is handed back, and taken over
//! again when the seat returns) or held (`Away::Hold`); a returning seat
//! gets its whole feed again. The event log is the journal: flushed every
//! tick that logged something, it rebuilds the drill after a crash
//! (`Host::resume`).
//!
//! Owns: `Host`, the seats, the join codes' file, the host's systems. May
//! not touch: sim state (it submits orders through seats and reads views).

use super::protocol::{
    self, Challenge, Hello, OrderRequest, Refused, SeatKind, SeatUpdate, SimSnapshot, UpdateBody, Welcome, WelcomeBody,
};
use crate::headless::{Outcome, RunOptions, Session};
use crate::roles::plans::NpcRoles;
use crate::roles::view::{RoleView, knows, public, role_view};
use crate::scenario::Loaded;
use crate::scenario::schema::Action;
use crate::sim::events::SimEvent;
use crate::sim::orders::Seat;
use crate::sim::view::SimView;
use bevy::prelude::*;
use bevy_replicon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What becomes of a role whose seat has dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
pub enum Away {
    /// Its plan follower plays it until the seat is back.
    #[default]
    Follower,
    /// Nobody gives its orders until the seat is back.
    Hold,
}

/// One seat of the classroom.
#[derive(Debug, Clone)]
pub struct HostSeat {
    pub seat: SeatKind,
    code: String,
    /// The connection holding it.
    pub client: Option<Entity>,
    /// Events of the log looked at for this seat so far.
    scanned: usize,
    /// What it was last sent.
    last_view: Option<RoleView>,
    /// The tick `last_view` was built at (a role's view changes only when
    /// the drill ticks).
    last_view_tick: Option<u64>,
    last_sim_tick: Option<u64>,
    last_sim_at: Option<Instant>,
    last_series: usize,
    last_speed: Option<u32>,
    /// The houses' ids and places have been sent (`UpdateBody::houses`).
    houses_sent: bool,
    /// Pieces of the situation still to send, a few a frame.
    pieces: std::collections::VecDeque<SimSnapshot>,
    fresh: bool,
    card_sent: bool,
}

impl HostSeat {
    fn new(seat: SeatKind, code: String) -> HostSeat {
        HostSeat {
            seat,
            code,
            client: None,
            scanned: 0,
            last_view: None,
            last_view_tick: None,
            last_sim_tick: None,
            last_sim_at: None,
            last_series: 0,
            last_speed: None,
            houses_sent: false,
            pieces: Default::default(),
            fresh: true,
            card_sent: false,
        }
    }

    /// The code a person types to take this seat.
    pub fn code(&self) -> &str {
        &self.code
    }

    fn role(&self) -> Option<&str> {
        match &self.seat {
            SeatKind::Role(r) => Some(r),
            SeatKind::Screen => None,
        }
    }
}

/// The seats and their codes, kept beside the journal so a resumed host
/// takes the same codes (written with mode 0600).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SeatsFile {
    seats: Vec<(SeatKind, String)>,
    away: Away,
}

/// The seats' file beside a log.
pub fn seats_path(log: &Path) -> PathBuf {
    let mut s = log.as_os_str().to_owned();
    s.push(".seats.json");
    PathBuf::from(s)
}

/// How a host is to run.
#[derive(Debug, Clone)]
pub struct HostSetup {
    /// The seats, in the order their codes are printed.
    pub seats: Vec<SeatKind>,
    pub away: Away,
    /// Drill seconds per second once every trainee seat is in.
    pub speed: u32,
    pub seed: Option<u64>,
    /// The event log (the journal while it runs: `<log>.partial`).
    pub log: PathBuf,
    pub report: Option<PathBuf>,
    /// Files the outputs must not replace.
    pub inputs: Vec<PathBuf>,
    /// Send a seat the situation at most this often (ZERO: every tick).
    pub sim_every: Duration,
}

/// The classroom's drill and seats.
#[derive(Resource)]
pub struct Host {
    session: Option<Session>,
    loaded: Loaded,
    pub seats: Vec<HostSeat>,
    pub away: Away,
    /// Drill seconds per second; 0 pauses.
    pub speed: u32,
    owed_s: f64,
    /// The clock waits until every trainee seat has joined.
    pub waiting: bool,
    sim_every: Duration,
    /// How the drill ended (its log and report committed), once it has.
    pub outcome: Option<Result<Outcome, String>>,
    pub log: PathBuf,
    pub report: Option<PathBuf>,
    /// The files the drill was started from (the scenario).
    pub inputs: Vec<PathBuf>,
    /// The journal a resumed host was rebuilt from (removed at the end).
    resumed_from: Option<PathBuf>,
    /// Wall time of the last `advance` (the server's tick cost).
    pub step_time: Duration,
    /// The instructor's jump ahead: run to this drill second as fast as
    /// frames allow.
    pub jump_to_s: Option<u64>,
}

/// Connections that have been challenged and not yet answered.
#[derive(Component)]
pub struct Pending {
    nonce: [u8; 32],
}

/// The seat a connection holds (its index in `Host::seats`).
#[derive(Component, Debug, Clone, Copy)]
pub struct Seated(pub usize);

impl Host {
    /// Every seat's join code, in seat order (what the join service checks).
    pub fn codes(&self) -> Vec<String> {
        self.seats.iter().map(|s| s.code().to_owned()).collect()
    }

    /// Starts a drill for `setup.seats`, each with a new join code. Every
    /// role is given to its plan follower in the log's header; each
    /// trainee seat's role is taken over at tick 0 (an instructor order in
    /// the log), so a follower can play it while its seat is away.
    pub fn start(loaded: &Loaded, setup: HostSetup) -> Result<Host, String> {
        let s = &loaded.scenario;
        for seat in &setup.seats {
            if let SeatKind::Role(r) = seat
                && !s.roles.iter().any(|x| &x.id == r)
            {
                let ids: Vec<&str> = s.roles.iter().map(|r| r.id.as_str()).collect();
                return Err(format!("`{r}` is not a role of {} (its roles: {})", s.meta.id, ids.join(", ")));
            }
        }
        let mut roles: Vec<&str> = setup
            .seats
            .iter()
            .filter_map(|k| if let SeatKind::Role(r) = k { Some(r.as_str()) } else { None })
            .collect();
        roles.sort_unstable();
        if roles.windows(2).any(|w| w[0] == w[1]) {
            return Err("a role can have one seat only".into());
        }
        let mut seats = Vec::new();
        for k in &setup.seats {
            seats.push(HostSeat::new(k.clone(), protocol::new_code()?));
        }
        let opts = RunOptions {
            seed: setup.seed,
            log: Some(setup.log.clone()),
            report: setup.report.clone(),
            inputs: setup.inputs.clone(),
            npc: NpcRoles::Only(s.roles.iter().map(|r| r.id.clone()).collect()),
            ..Default::default()
        };
        write_seats(&setup.log, &seats, setup.away)?;
        let mut session = Session::start(loaded, &opts, true).map_err(|e| e.to_string())?;
        for seat in &seats {
            if let Some(role) = seat.role() {
                session.submit(&Seat::instructor(), Action::TakeOver { role: role.to_owned() });
            }
        }
        session.step();
        Ok(Host::new(loaded, session, seats, &setup, None))
    }

    /// Rebuilds a host's drill from its journal (the `.partial` log a host
    /// that died left, or that log's final path): the same seed, followers
    /// and seats' codes, every seat's and the instructor's order at its
    /// tick, run again to the journal's last tick; the log goes on where
    /// the journal stopped. The journal is kept as `<log>.journal` until
    /// the drill ends.
    pub fn resume(loaded: &Loaded, journal: &Path, mut setup: HostSetup) -> Result<Host, String> {
        let partial = crate::record::atomic::partial_path(journal);
        let (jpath, log) = if journal.extension().is_some_and(|e| e == "partial") {
            (journal.to_owned(), journal.with_extension(""))
        } else if partial.exists() {
            (partial, journal.to_owned())
        } else {
            return Err(format!(
                "{}: no journal to resume ({} does not exist: the drill ended, or never started here)",
                journal.display(),
                partial.display()
            ));
        };
        let text = std::fs::read_to_string(&jpath).map_err(|e| format!("{}: {e}", jpath.display()))?;
        let rec = crate::record::replay::read_log(&text).map_err(|e| format!("{}: {e}", jpath.display()))?;
        if rec.header.scenario_sha256 != loaded.sha256 {
            return Err(format!("{} was written for another scenario file", jpath.display()));
        }
        if rec.ended_s.is_some() {
            return Err(format!("{}: the drill has ended; nothing to resume", jpath.display()));
        }
        let sp = seats_path(&log);
        let seats_text =
            std::fs::read_to_string(&sp).map_err(|e| format!("{}: {e} (the seats' codes)", sp.display()))?;
        let file: SeatsFile = serde_json::from_str(&seats_text).map_err(|e| format!("{}: {e}", sp.display()))?;
        let kept = log.with_extension("journal");
        std::fs::rename(&jpath, &kept).map_err(|e| format!("{}: {e}", jpath.display()))?;
        let last_tick = rec.events.last().map_or(0, |e| e.tick);
        let mut opts = RunOptions::replaying(&rec);
        opts.pause_at_s = None;
        opts.log = Some(log.clone());
        opts.report = setup.report.clone();
        opts.inputs = setup.inputs.clone();
        let mut session = match Session::start(loaded, &opts, true) {
            Ok(s) => s,
            Err(e) => {
                let _ = std::fs::rename(&kept, &jpath);
                return Err(e.to_string());
            }
        };
        while session.clock().tick < last_tick && session.step_unviewed() {}
        session.step();
        let seats: Vec<HostSeat> = file.seats.into_iter().map(|(k, c)| HostSeat::new(k, c)).collect();
        setup.away = file.away;
        setup.log = log;
        Ok(Host::new(loaded, session, seats, &setup, Some(kept)))
    }

    fn new(
        loaded: &Loaded,
        session: Session,
        seats: Vec<HostSeat>,
        setup: &HostSetup,
        resumed: Option<PathBuf>,
    ) -> Host {
        let waiting = seats.iter().any(|s| s.role().is_some());
        Host {
            session: Some(session),
            loaded: loaded.clone(),
            seats,
            away: setup.away,
            speed: setup.speed,
            owed_s: 0.0,
            waiting,
            sim_every: setup.sim_every,
            outcome: None,
            log: setup.log.clone(),
            report: setup.report.clone(),
            inputs: setup.inputs.clone(),
            resumed_from: resumed,
            step_time: Duration::ZERO,
            jump_to_s: None,
        }
    }

    /// The drill, while it runs.
    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    /// Drill seconds now.
    pub fn now_s(&self) -> u64 {
        self.session.as_ref().map_or(0, |s| s.clock().now_s())
    }

    /// The drill as loaded (with every plan and inject: the host's own).
    pub fn loaded(&self) -> &Loaded {
        &self.loaded
    }

    /// An instructor's order (the host's own console).
    pub fn instruct(&mut self, action: Action) {
        if let Some(s) = self.session.as_mut() {
            s.submit(&Seat::instructor(), action);
        }
    }

    /// Whether `role` has a trainee seat in this classroom.
    pub fn seated(&self, role: &str) -> bool {
        self.seats.iter().any(|s| s.role() == Some(role))
    }

    /// An order from the host's console: the instructor's, or one in a
    /// role the instructor has taken over from its follower. A role with
    /// a trainee seat is that trainee's: the console cannot order in it.
    pub fn submit(&mut self, seat: &Seat, action: Action) -> Result<(), String> {
        if seat.source() != crate::sim::orders::Source::Instructor && self.seated(seat.role().as_str()) {
            return Err(format!("`{}` has a trainee seat: its orders are the trainee's", seat.role().as_str()));
        }
        let s = self.session.as_mut().ok_or("the drill has ended")?;
        s.submit(seat, action);
        Ok(())
    }

    /// Starts the clock without the seats that have not joined: their
    /// roles go to their plan followers (`Away::Follower`) or wait for
    /// their seats (`Away::Hold`) as if they had dropped.
    pub fn start_now(&mut self) {
        if !self.waiting {
            return;
        }
        self.waiting = false;
        for k in 0..self.seats.len() {
            if self.seats[k].client.is_none() && self.seats[k].role().is_some() {
                self.unseat(k);
            }
        }
    }

    /// Runs `ticks` ticks at once (the last one viewed); ends the drill
    /// when its clock does.
    pub fn advance(&mut self, ticks: u64) {
        self.run(ticks, None);
    }

    /// Runs up to `ticks` ticks, stopping early at `deadline` (the last
    /// tick run is viewed, foreseen from the slowest tick so far). Wall
    /// time decides only how many ticks a frame runs and which is viewed,
    /// never what a tick does: the orders are logged at the tick they went
    /// in, so the log replays the same however the frames fell.
    fn run(&mut self, ticks: u64, deadline: Option<Instant>) {
        let Some(s) = self.session.as_mut() else { return };
        let t0 = Instant::now();
        let mut going = true;
        let mut slowest = Duration::ZERO;
        for k in 0..ticks {
            let t = Instant::now();
            let last = k + 1 == ticks || deadline.is_some_and(|d| t + slowest * 2 >= d);
            going = if last { s.step() } else { s.step_unviewed() };
            slowest = slowest.max(t.elapsed());
            if !going || last {
                break;
            }
        }
        self.step_time = t0.elapsed();
        if !going || s.clock().finished {
            self.finish();
        }
    }

    /// Ends the drill where it stands: the log and report are committed.
    pub fn finish(&mut self) {
        if let Some(s) = self.session.take() {
            let out = s.finish().map_err(|e| e.to_string());
            if out.is_ok() {
                if let Some(j) = self.resumed_from.take() {
                    let _ = std::fs::remove_file(j);
                }
                let _ = std::fs::remove_file(seats_path(&self.log));
            }
            self.outcome = Some(out);
        }
    }

    /// The seat whose code answers `nonce` with `proof`.
    fn seat_for(&self, nonce: &[u8; 32], proof: &[u8; 32]) -> Option<usize> {
        self.seats.iter().position(|s| protocol::verify(&s.code, nonce, proof))
    }

    fn welcome(&self, k: usize) -> WelcomeBody {
        let seat = self.seats[k].seat.clone();
        WelcomeBody {
            scenario: protocol::redact(&self.loaded.scenario, &seat),
            scenario_sha256: self.loaded.sha256.clone(),
            terrain: self.loaded.terrain.clone(),
            seed: self.session.as_ref().map_or(self.loaded.scenario.meta.seed, |s| s.seed()),
            seat,
        }
    }

    /// What seat `k` has not been sent yet, if anything: an update, and
    /// whether the situation is due (`snapshot`).
    fn update_for(&mut self, k: usize, now: Instant) -> (Option<UpdateBody>, bool) {
        let ended = self.session.is_none();
        let speed = if self.waiting || ended { 0 } else { self.speed };
        let seat = &mut self.seats[k];
        let mut body = UpdateBody { from_start: seat.fresh, speed, ended, ..Default::default() };
        let events: &[crate::sim::events::Event] = match (&self.session, &self.outcome) {
            (Some(s), _) => s.events(),
            (None, Some(Ok(o))) => &o.events,
            _ => &[],
        };
        let scenario = &self.loaded.scenario;
        for e in events.iter().skip(seat.scanned) {
            let heard = match seat.role() {
                Some(r) => knows(scenario, r, &e.event),
                None => public(&e.event),
            };
            if heard {
                if let SimEvent::InjectDelivered { inject, .. } = &e.event
                    && let Some(i) = scenario.injects.iter().find(|i| i.id == inject.as_str())
                {
                    body.injects.push(i.clone());
                }
                body.events.push(e.clone());
            }
        }
        seat.scanned = events.len();
        let mut snapshot = false;
        if let Some(s) = &self.session {
            if let Some(g) = s.world().get_resource::<crate::sim::gauges::Gauges>() {
                let n = g.series.iter().map(|x| x.samples.len()).sum::<usize>();
                if n != seat.last_series {
                    body.series = Some(g.series.clone());
                    seat.last_series = n;
                }
            }
            let tick = s.clock().tick;
            if let Some(r) = seat.role()
                && seat.last_view_tick != Some(tick)
            {
                let v = role_view(s.world(), r);
                seat.last_view_tick = Some(tick);
                if v != seat.last_view {
                    body.role_view = v.clone();
                    seat.last_view = v;
                }
            }
            let sim = s.world().get_resource::<SimView>();
            if let Some(sim) = sim
                && !seat.houses_sent
                && !sim.houses.is_empty()
            {
                body.houses = Some(protocol::Houses::of(sim));
                seat.houses_sent = true;
            }
            if let Some(sim) = sim
                && seat.last_sim_tick != Some(sim.tick)
                && seat.last_sim_at.is_none_or(|t| now.duration_since(t) >= self.sim_every)
            {
                snapshot = true;
                seat.last_sim_tick = Some(sim.tick);
                seat.last_sim_at = Some(now);
            }
        }
        if ended && !seat.card_sent {
            body.card = match &self.outcome {
                Some(Ok(o)) => Some(o.report.scoring.clone()),
                _ => None,
            };
            seat.card_sent = true;
        }
        let changed = seat.fresh
            || !body.events.is_empty()
            || body.houses.is_some()
            || body.role_view.is_some()
            || body.card.is_some()
            || body.series.is_some()
            || seat.last_speed != Some(speed);
        seat.fresh = false;
        seat.last_speed = Some(speed);
        (changed.then_some(body), snapshot)
    }

    /// The situation now, packed and cut in pieces (once a frame, for every
    /// seat it is due to).
    fn snapshot(&self) -> Option<Vec<SimSnapshot>> {
        let sim = self.session.as_ref()?.world().get_resource::<SimView>()?;
        Some(protocol::pieces(sim.tick, &protocol::pack_sim(sim)))
    }

    /// A seat is taken by a connection: it starts again from the drill's
    /// first event; a role its follower played while it was away is taken
    /// over again.
    fn seat(&mut self, k: usize, client: Entity) {
        let away = self.away;
        let seat = &mut self.seats[k];
        *seat = HostSeat { client: Some(client), ..HostSeat::new(seat.seat.clone(), std::mem::take(&mut seat.code)) };
        if away == Away::Follower
            && let Some(r) = seat.role().map(str::to_owned)
            && !self.taken(&r)
        {
            self.instruct(Action::TakeOver { role: r });
        }
        if self.waiting && self.seats.iter().all(|s| s.role().is_none() || s.client.is_some()) {
            self.waiting = false;
        }
    }

    /// A seat's connection went away.
    fn unseat(&mut self, k: usize) {
        let seat = &mut self.seats[k];
        seat.client = None;
        if self.away == Away::Follower
            && let Some(r) = seat.role().map(str::to_owned)
            && self.taken(&r)
        {
            self.instruct(Action::HandBack { role: r });
        }
    }

    /// Whether `role` is taken from its follower (or will be, by an order
    /// waiting for the next tick).
    fn taken(&self, role: &str) -> bool {
        let Some(s) = &self.session else { return false };
        let mut taken = s.world().get_resource::<crate::sim::orders::Township>().is_some_and(|t| t.taken(role));
        for c in s.world().resource::<crate::sim::orders::CommandQueue>().pending() {
            match c.action() {
                Action::TakeOver { role: r } if r == role => taken = true,
                Action::HandBack { role: r } if r == role => taken = false,
                _ => {}
            }
        }
        taken
    }

    /// An order a seat asked for, through that seat.
    fn order(&mut self, k: usize, action: Action) -> Result<(), String> {
        let Some(role) = self.seats[k].role().map(str::to_owned) else {
            return Err("the screen gives no orders".into());
        };
        let s = self.session.as_mut().ok_or("the drill has ended")?;
        s.submit(&Seat::trainee(role.as_str()), action);
        Ok(())
    }
}

fn write_seats(log: &Path, seats: &[HostSeat], away: Away) -> Result<(), String> {
    let file = SeatsFile { seats: seats.iter().map(|s| (s.seat.clone(), s.code.clone())).collect(), away };
    let path = seats_path(log);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let json = serde_json::to_vec_pretty(&file).map_err(|e| e.to_string())?;
    crate::record::atomic::write_private(&path, &json).map_err(|e| format!("{}: {e}", path.display()))
}

/// The host's systems (add with `RepliconPlugins` and a server backend).
pub struct HostPlugin;

/// The host's systems in `Update`, for a console to order itself around.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct HostSystems;

impl Plugin for HostPlugin {
    fn build(&self, app: &mut App) {
        protocol::register(app);
        app.add_systems(
            Update,
            (challenge, hear_hellos, seats_left, hear_orders, drive, send_updates)
                .chain()
                .in_set(HostSystems)
                .run_if(resource_exists::<Host>),
        );
    }
}

/// Connections that have neither been challenged nor seated.
type Unchallenged = (With<ConnectedClient>, Without<Pending>, Without<Seated>);

/// Challenges each new connection.
fn challenge(mut commands: Commands, fresh: Query<Entity, Unchallenged>, mut out: MessageWriter<ToClients<Challenge>>) {
    for e in &fresh {
        match protocol::new_nonce() {
            Ok(nonce) => {
                commands.entity(e).insert(Pending { nonce });
                out.write(ToClients {
                    targets: SendTargets::Single(ClientId::Client(e)),
                    message: Challenge { nonce },
                });
            }
            Err(err) => error!("{err}"),
        }
    }
}

/// Seats a connection whose answer matches a free seat's code; refuses
/// and disconnects the others.
fn hear_hellos(
    mut commands: Commands,
    mut host: ResMut<Host>,
    mut hellos: MessageReader<FromClient<Hello>>,
    pending: Query<&Pending>,
    mut welcome: MessageWriter<ToClients<Welcome>>,
    mut refused: MessageWriter<ToClients<Refused>>,
    mut disconnect: MessageWriter<DisconnectRequest>,
) {
    for h in hellos.read() {
        let Some(e) = h.client_id.entity() else { continue };
        let Ok(p) = pending.get(e) else { continue };
        let refuse = |reason: &str, refused: &mut MessageWriter<ToClients<Refused>>| {
            refused.write(ToClients {
                targets: SendTargets::Single(h.client_id),
                message: Refused { reason: reason.to_owned() },
            });
        };
        match host.seat_for(&p.nonce, &h.proof) {
            None => {
                info!("a connection gave a wrong join code");
                refuse("wrong join code", &mut refused);
                disconnect.write(DisconnectRequest { client: e });
            }
            Some(k) if host.seats[k].client.is_some() => {
                info!("a connection gave the code of a seat that is held");
                refuse("this seat is already taken", &mut refused);
                disconnect.write(DisconnectRequest { client: e });
            }
            Some(k) => {
                commands.entity(e).remove::<Pending>().insert((Seated(k), AuthorizedClient));
                host.seat(k, e);
                let body = host.welcome(k);
                welcome.write(ToClients {
                    targets: SendTargets::Single(h.client_id),
                    message: Welcome(protocol::pack(&body)),
                });
                info!("seat {:?} joined", host.seats[k].seat);
            }
        }
    }
}

/// Frees the seats whose connections are gone.
fn seats_left(mut host: ResMut<Host>, clients: Query<(), With<ConnectedClient>>) {
    for k in 0..host.seats.len() {
        if let Some(e) = host.seats[k].client
            && clients.get(e).is_err()
        {
            info!("seat {:?} left", host.seats[k].seat);
            host.unseat(k);
        }
    }
}

/// Puts each seat's order requests into the drill through that seat.
fn hear_orders(mut host: ResMut<Host>, mut orders: MessageReader<FromClient<OrderRequest>>, seated: Query<&Seated>) {
    for o in orders.read() {
        let Some(k) = o.client_id.entity().and_then(|e| seated.get(e).ok()).map(|s| s.0) else {
            warn!("an order from a connection that holds no seat was dropped");
            continue;
        };
        match protocol::unpack::<Action>(&o.message.0) {
            Ok(a) => {
                if let Err(e) = host.order(k, a) {
                    warn!("seat {:?}: {e}", host.seats[k].seat);
                }
            }
            Err(e) => warn!("seat {:?}: {e}", host.seats[k].seat),
        }
    }
}

/// Keeps the drill's pace: `speed` drill seconds per wall second once every
/// trainee seat is in. A frame runs the ticks owed within 0.1 s of wall
/// time and drops the rest (a slow frame — the host's window on a weak
/// machine — slows the drill rather than letting it fall behind); a jump
/// ahead runs as many ticks as a quarter of a second allows.
fn drive(mut host: ResMut<Host>, time: Res<Time>) {
    if host.waiting || host.session.is_none() {
        return;
    }
    let tick_s = host.loaded.scenario.meta.tick_s.max(1) as f64;
    if let Some(to) = host.jump_to_s {
        let owed = (to.saturating_sub(host.now_s()) as f64 / tick_s).ceil() as u64;
        host.run(owed, Some(Instant::now() + Duration::from_millis(250)));
        if host.session.is_none() || host.now_s() >= to {
            host.jump_to_s = None;
        }
        host.owed_s = 0.0;
        return;
    }
    if host.speed == 0 {
        return;
    }
    host.owed_s += time.delta_secs_f64().min(1.0) * host.speed as f64;
    let ticks = (host.owed_s / tick_s).floor();
    if ticks >= 1.0 {
        host.owed_s -= ticks * tick_s;
        host.run(ticks as u64, Some(Instant::now() + Duration::from_millis(100)));
    }
}

/// Pieces of the situation sent to a seat in one frame (with
/// `PIECE_BYTES` each, half the frame's budget: the seat's updates share it).
const PIECES_PER_FRAME: usize = 2;

/// Sends each held seat what it has not been sent, and the next pieces of
/// the situation it is due.
fn send_updates(
    mut host: ResMut<Host>,
    mut out: MessageWriter<ToClients<SeatUpdate>>,
    mut snapshots: MessageWriter<ToClients<SimSnapshot>>,
) {
    let now = Instant::now();
    let mut packed: Option<Option<Vec<SimSnapshot>>> = None;
    for k in 0..host.seats.len() {
        let Some(e) = host.seats[k].client else { continue };
        let targets = SendTargets::Single(ClientId::Client(e));
        let (body, due) = host.update_for(k, now);
        if let Some(body) = body {
            out.write(ToClients { targets, message: SeatUpdate(protocol::pack(&body)) });
        }
        if due && let Some(pieces) = packed.get_or_insert_with(|| host.snapshot()) {
            // A newer situation replaces what is left of an older one.
            host.seats[k].pieces = pieces.iter().cloned().collect();
        }
        let queue = &mut host.seats[k].pieces;
        for message in queue.drain(..PIECES_PER_FRAME.min(queue.len())) {
            snapshots.write(ToClients { targets, message });
        }
    }
}
