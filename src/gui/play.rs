//! A drill being played in the window: the session (the sim world and its
//! outputs), the trainee seat this window owns, the pace, the script, and
//! the end (score, written files). `drive` steps the drill each frame at
//! the chosen pace within a frame budget; `apply` carries out what the
//! person asked for — orders go through the trainee seat and nowhere else.
//!
//! Owns: `Play`, pacing, the end of a played drill. May not touch: sim
//! state (it submits through `Session::submit` and reads views).

use super::console::review::Reference;
use super::console::state::ConsoleState;
use super::console::{Mode, UiAction};
use super::script::Script;
use crate::headless::{RunOptions, Session};
use crate::roles::plans::NpcRoles;
use crate::roles::view::{RoleView, role_view};
use crate::scenario::Loaded;
use crate::scenario::schema::{Role, Scenario};
use crate::scoring::Scorecard;
use crate::sim::events::Event;
use crate::sim::gauges::{GaugeSeries, Gauges};
use crate::sim::orders::{Competence, Seat};
use crate::sim::view::SimView;
use bevy::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use crate::record::outputs::default_outputs;

/// How a drill is to be played.
#[derive(Debug, Clone)]
pub struct PlaySetup {
    pub role: String,
    pub mode: Mode,
    pub competence: Competence,
    pub seed: Option<u64>,
    pub log: Option<PathBuf>,
    pub report: Option<PathBuf>,
    /// Files the outputs must not replace.
    pub inputs: Vec<PathBuf>,
    pub script: Script,
    /// Run to this drill second (at full speed unless `paced`), take the
    /// screenshot, end.
    pub exit_after_s: Option<u64>,
    pub screenshot: Option<PathBuf>,
    /// Practice speed at the start (drill seconds per second; 10 when absent).
    pub speed: Option<u32>,
    /// Keep the pace on the way to `exit_after_s` (frame-time measurements).
    pub paced: bool,
    /// The instructor's console: the window owns the instructor seat, every
    /// role is played by its plan follower until the instructor takes it
    /// over; `role` is the role shown first (any role, or empty).
    pub instructor: bool,
    /// The projector screen (大屏): no controls, every role played by its
    /// follower (or by the log followed).
    pub screen: bool,
    /// Follow a live drill's event log (another window's, written as it
    /// runs): the same drill is run here with that log's seed and plan
    /// followers, its trainees' and instructor's orders fed in at their
    /// ticks as they appear, never running past the log.
    pub follow: Option<PathBuf>,
    /// What if: play `role` from this tick of a recorded run (its log) on —
    /// the same drill, seed and software players, the run's orders before
    /// the tick, this window's person in the role after it.
    pub branch: Option<(PathBuf, u64)>,
}

/// How the drill ended.
pub struct Ended {
    pub card: Scorecard,
    pub written: Vec<String>,
    /// A branch's parent run, scored the same way: (its scorecard, its dead).
    pub parent: Option<(Scorecard, usize)>,
    /// Residents dead in this run.
    pub dead: usize,
}

/// The drill in the window.
#[derive(Resource)]
pub struct Play {
    session: Option<Session>,
    pub scenario: Arc<Scenario>,
    pub terrain: Arc<crate::scenario::terrain::TerrainGrid>,
    pub role: Role,
    seat: Seat,
    /// The instructor's console (see `PlaySetup::instructor`).
    pub instructor: bool,
    /// Every role's view (the instructor's console), in scenario order.
    pub roles: Vec<RoleView>,
    /// The drill second a jump ahead runs to.
    jump_to_s: Option<u64>,
    /// The projector screen (see `PlaySetup::screen`).
    pub screen: bool,
    /// When the hazard reaches each village if nobody acts (computed in
    /// the background; again when the instructor changes the hazard).
    forecast: Forecaster,
    /// The live log followed, if any.
    follow: Option<Follow>,
    /// The after-action review of a recorded run, if this is one.
    pub review: Option<Box<Reviewing>>,
    /// A branch's parent run, scored (see `Ended::parent`).
    parent: Option<(Scorecard, usize)>,
    pub mode: Mode,
    /// Drill seconds per second; 0 = paused.
    pub speed: u32,
    owed_s: f64,
    script: Script,
    pub exit_after_s: Option<u64>,
    pub screenshot: Option<PathBuf>,
    paced: bool,
    /// What the faces read, refreshed after the ticks of a frame.
    pub view: SimView,
    pub role_view: RoleView,
    pub series: Vec<GaugeSeries>,
    pub events: Vec<Event>,
    pub ended: Option<Result<Ended, String>>,
    written: Vec<String>,
    /// The drill being stored in the records, or stored (see `record`).
    recording: Option<Arc<std::sync::Mutex<Recording>>>,
    /// The records database (the platform's, or `$FIRSTLINE_DB`).
    pub records_db: PathBuf,
    /// The event log and the files the drill was started from.
    log_path: Option<PathBuf>,
    inputs: Vec<PathBuf>,
    /// Wall time spent stepping the drill in the last frame.
    pub step_time: Duration,
    /// A seat at a classroom drill (`Play::remote`).
    remote: Option<RemoteSeat>,
    /// The host's instructor console at a classroom drill (`Play::hosting`).
    hosting: Option<HostLink>,
    /// The classroom's seats, as the host's console shows them.
    pub classroom: Option<super::console::Classroom>,
}

/// The host's console: what it asked of the host since the last frame.
#[derive(Default)]
struct HostLink {
    orders: Vec<(Seat, crate::scenario::schema::Action)>,
    speed: Option<u32>,
    jump_s: Option<u64>,
    start_now: bool,
    end: bool,
    /// The tick whose views were read last.
    tick: Option<u64>,
}

/// A seat's window: the orders waiting to go to the host, and the host's
/// updates taken in so far.
#[derive(Default)]
struct RemoteSeat {
    outbox: Vec<crate::scenario::schema::Action>,
    updates: u64,
    snapshots: u64,
    /// `Remote::restarts` when the events were last taken in.
    restarts: u64,
}

impl Play {
    /// Starts the drill; the error says why it cannot (a role that is not
    /// in the drill, an output path that collides).
    pub fn start(loaded: &Loaded, setup: PlaySetup) -> Result<Play, String> {
        let s = &loaded.scenario;
        let wanted = if (setup.instructor || setup.screen) && setup.role.is_empty() {
            s.roles.first().map_or("", |r| r.id.as_str())
        } else {
            setup.role.as_str()
        };
        let role = s.roles.iter().find(|r| r.id == wanted).cloned().ok_or_else(|| {
            let ids: Vec<&str> = s.roles.iter().map(|r| r.id.as_str()).collect();
            format!("`{}` is not a role of {} (its roles: {})", setup.role, s.meta.id, ids.join(", ")) // not window text
        })?;
        // The instructor's window and the screen seat nobody: the followers play every role.
        let nobody_seated = setup.instructor || setup.screen;
        let others: Vec<String> =
            s.roles.iter().filter(|r| nobody_seated || r.id != role.id).map(|r| r.id.clone()).collect();
        let mut opts = RunOptions {
            seed: setup.seed,
            log: setup.log.clone(),
            report: setup.report.clone(),
            inputs: setup.inputs.clone(),
            npc: NpcRoles::Only(others),
            competence: setup.competence,
            ..Default::default()
        };
        // Following a live log: its drill, seed and software players.
        let follow = match &setup.follow {
            Some(path) => {
                let header = Follow::header(path)?;
                if header.scenario_sha256 != loaded.sha256 {
                    return Err(format!("{} was recorded with another scenario file", path.display())); // not window text
                }
                opts.seed = Some(header.seed);
                opts.npc = NpcRoles::Only(header.plan_followers.iter().map(|r| r.to_string()).collect());
                opts.competence = header.competence;
                opts.log = None;
                opts.report = None;
                Some(Follow::new(path.clone()))
            }
            None => None,
        };
        // A branch: the parent's drill up to the tick, then this window's person.
        let mut parent = None;
        let mut branch_at = None;
        if let Some((log, at)) = &setup.branch {
            let text = std::fs::read_to_string(log).map_err(|e| format!("{}: {e}", log.display()))?; // not window text
            let rec = crate::record::replay::read_log(&text).map_err(|e| format!("{}: {e}", log.display()))?; // not window text
            if rec.header.scenario_sha256 != loaded.sha256 {
                return Err(format!("{} was recorded with another scenario file", log.display())); // not window text
            }
            opts.seed = Some(rec.header.seed);
            opts.npc = NpcRoles::Only(
                rec.header.plan_followers.iter().filter(|r| r.as_str() != role.id).map(|r| r.to_string()).collect(),
            );
            opts.competence = rec.header.competence;
            opts.commands = rec.commands.iter().filter(|c| c.tick() < *at).cloned().collect();
            opts.branch = Some(crate::sim::events::BranchOf {
                parent_log_sha256: crate::scenario::load::sha256_hex(text.as_bytes()),
                at_tick: *at,
                role: crate::sim::ids::RoleId(role.id.clone()),
            });
            let card = crate::scoring::score(s, &rec.events);
            let dead = crate::sim::events::dead(&rec.events).len();
            parent = Some((card, dead));
            branch_at = Some(*at);
        }
        // The default `runs/` folder is made when a drill starts, not before.
        for dir in [&setup.log, &setup.report].into_iter().flatten().filter_map(|p| p.parent()) {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?; // not window text
            }
        }
        let session = Session::start(loaded, &opts, true).map_err(|e| e.to_string())?;
        let written = [setup.log.as_ref(), setup.report.as_ref()]
            .into_iter()
            .flatten()
            .map(|p| p.display().to_string())
            .collect();
        let speed = match setup.mode {
            Mode::Practice => setup.speed.unwrap_or(10),
            Mode::Assessment | Mode::Hosted => loaded.scenario.meta.pace.unwrap_or(1),
        };
        let mut play = Play {
            scenario: Arc::new(s.clone()),
            terrain: Arc::new(loaded.terrain.clone()),
            seat: if setup.instructor { Seat::instructor() } else { Seat::trainee(role.id.as_str()) },
            instructor: setup.instructor,
            roles: Vec::new(),
            jump_to_s: None,
            screen: setup.screen,
            forecast: Forecaster::default(),
            follow,
            review: None,
            parent: None,
            role_view: RoleView {
                role: crate::sim::ids::RoleId(role.id.clone()),
                inbox: vec![],
                steps: vec![],
                orders: vec![],
                forces: vec![],
                gauges: vec![],
            },
            role,
            mode: setup.mode,
            speed,
            owed_s: 0.0,
            script: setup.script,
            exit_after_s: setup.exit_after_s,
            screenshot: setup.screenshot,
            paced: setup.paced,
            view: SimView::default(),
            series: Vec::new(),
            events: Vec::new(),
            ended: None,
            written,
            recording: None,
            records_db: crate::record::store::Store::default_path(),
            log_path: setup.log.clone(),
            inputs: setup.inputs.clone(),
            step_time: Duration::ZERO,
            session: Some(session),
            remote: None,
            hosting: None,
            classroom: None,
        };
        // The first run sets the drill up and reads tick 0; a branch runs
        // on to its tick (the parent's drill, replayed).
        if let Some(s) = play.session.as_mut() {
            s.step();
            if let Some(at) = branch_at.filter(|&at| at > 0) {
                while s.clock().tick + 1 < at && s.step_unviewed() {}
                s.step();
            }
        }
        play.parent = parent;
        play.refresh();
        if play.screen || play.instructor {
            let seed = play.session.as_ref().map_or(loaded.scenario.meta.seed, |s| s.seed());
            play.forecast.start(loaded, seed, Vec::new());
        }
        Ok(play)
    }

    /// Drill seconds the window shows (the view's).
    pub fn now_s(&self) -> u64 {
        self.view.t_s
    }

    /// Drill seconds the drill has reached (the clock's, ahead of the view
    /// between the ticks of a frame).
    pub fn clock_s(&self) -> u64 {
        self.session.as_ref().map_or(self.view.t_s, |s| s.clock().now_s())
    }

    /// A seat at a classroom drill (`Play::remote`).
    pub fn is_remote(&self) -> bool {
        self.remote.is_some()
    }

    /// The host's console at a classroom drill (`Play::hosting`).
    pub fn is_hosting(&self) -> bool {
        self.hosting.is_some()
    }

    /// Whether the drill is still going (here, or at the host).
    pub fn running(&self) -> bool {
        self.session.is_some() || ((self.remote.is_some() || self.hosting.is_some()) && self.ended.is_none())
    }

    /// Whether the scripted run has reached its drill second.
    pub fn at_exit_point(&self) -> bool {
        self.exit_after_s.is_some_and(|t| self.clock_s() >= t) || (self.exit_after_s.is_some() && !self.running())
    }

    /// The review of a recorded run: no seat, no session of its own; the
    /// world shown is the seeker's, at the tick the person picks.
    pub fn review(
        loaded: &Loaded,
        log: PathBuf,
        seeker: crate::review::Seeker,
        header: crate::sim::events::LogHeader,
        lang: crate::i18n::Lang,
    ) -> Play {
        let s = &loaded.scenario;
        let card = seeker.report().scoring.clone();
        let eval = crate::record::evaluation::evaluate(s, &header, seeker.events(), seeker.report(), lang);
        let mut play = Play::blank(s, &loaded.terrain, s.roles[0].clone());
        play.speed = 0;
        play.events = seeker.events().to_vec();
        let reference = std::sync::Arc::new(std::sync::Mutex::new(None));
        {
            let (slot, loaded, events) = (reference.clone(), loaded.clone(), seeker.events().to_vec());
            let seed = seeker.report().seed;
            std::thread::spawn(move || {
                let opts = RunOptions { seed: Some(seed), ..Default::default() };
                if let Ok(out) = crate::headless::run(&loaded, &opts, &mut |_, _| {}) {
                    let d = crate::record::replay::first_difference(&events, &out.events);
                    let r = Reference { card: out.report.scoring, diverges_at: d.map(|d| d.tick) };
                    if let Ok(mut s) = slot.lock() {
                        *s = Some(r);
                    }
                }
            });
        }
        play.review =
            Some(Box::new(Reviewing { reference, seeker, card, charts: eval.charts, loaded: loaded.clone(), log }));
        play.seek(0);
        play
    }

    /// A window with no drill of its own yet: no session, no seat's
    /// outputs, nothing seen.
    fn blank(s: &Scenario, terrain: &crate::scenario::terrain::TerrainGrid, role: Role) -> Play {
        Play {
            session: None,
            scenario: Arc::new(s.clone()),
            terrain: Arc::new(terrain.clone()),
            seat: Seat::instructor(),
            instructor: false,
            roles: Vec::new(),
            jump_to_s: None,
            screen: false,
            forecast: Forecaster::default(),
            follow: None,
            review: None,
            parent: None,
            role_view: RoleView {
                role: crate::sim::ids::RoleId(role.id.clone()),
                inbox: vec![],
                steps: vec![],
                orders: vec![],
                forces: vec![],
                gauges: vec![],
            },
            role,
            mode: Mode::Practice,
            speed: 10,
            owed_s: 0.0,
            script: Script::default(),
            exit_after_s: None,
            screenshot: None,
            paced: false,
            view: SimView::default(),
            series: Vec::new(),
            events: Vec::new(),
            ended: None,
            written: Vec::new(),
            recording: None,
            records_db: crate::record::store::Store::default_path(),
            log_path: None,
            inputs: Vec::new(),
            step_time: Duration::ZERO,
            remote: None,
            hosting: None,
            classroom: None,
        }
    }

    /// A seat at a classroom drill (`firstline join`, `firstline screen`):
    /// the drill runs at the host; this window shows what the host sends
    /// (`sync_remote`) and sends its orders there. The screen forecasts
    /// the hazard's arrival itself, from the drill it was sent.
    pub fn remote(w: &crate::net::protocol::WelcomeBody) -> Result<Play, String> {
        use crate::net::protocol::SeatKind;
        let s = &w.scenario;
        let role = match &w.seat {
            SeatKind::Role(r) => {
                let missing = || format!("no role `{r}`"); // not window text
                s.roles.iter().find(|x| &x.id == r).cloned().ok_or_else(missing)?
            }
            SeatKind::Screen => s.roles.first().cloned().ok_or("a drill without roles")?, // not window text
        };
        let mut play = Play::blank(s, &w.terrain, role);
        play.screen = w.seat == SeatKind::Screen;
        play.speed = 0;
        play.mode = Mode::Hosted;
        play.remote = Some(RemoteSeat::default());
        if play.screen {
            let loaded = Loaded {
                scenario: s.clone(),
                sha256: w.scenario_sha256.clone(),
                terrain: w.terrain.clone(),
                warnings: Vec::new(),
            };
            play.forecast.start(&loaded, w.seed, Vec::new());
        }
        Ok(play)
    }

    /// Takes in what the host sent (a seat's window), and hands over the
    /// orders this window gave.
    pub fn sync_remote(&mut self, r: &mut crate::net::seat::Remote) {
        let Some(seat) = self.remote.as_mut() else { return };
        for a in seat.outbox.drain(..) {
            r.order(a);
        }
        if (seat.updates, seat.snapshots) == (r.updates, r.snapshots) {
            return;
        }
        seat.updates = r.updates;
        seat.snapshots = r.snapshots;
        if let Some(w) = &r.welcome
            && w.scenario.injects.len() != self.scenario.injects.len()
        {
            // Inject texts arrive as they are delivered.
            self.scenario = Arc::new(w.scenario.clone());
        }
        if let Some(v) = &r.sim {
            self.view.clone_from(v);
        }
        if let Some(v) = &r.role_view {
            self.role_view.clone_from(v);
        }
        self.series.clone_from(&r.series);
        // The seat's events only grow between restarts (a rejoin sends them
        // from the start): take in the new ones, not the whole list again.
        if seat.restarts == r.restarts && self.events.len() <= r.events.len() {
            self.events.extend_from_slice(&r.events[self.events.len()..]);
        } else {
            self.events.clone_from(&r.events);
            seat.restarts = r.restarts;
        }
        self.speed = r.speed;
        if self.screen {
            self.forecast.poll();
        }
        if r.ended && self.ended.is_none() {
            self.ended = Some(match &r.card {
                Some(card) => Ok(Ended {
                    card: card.clone(),
                    written: Vec::new(),
                    parent: None,
                    dead: crate::sim::events::dead(&self.events).len(),
                }),
                None => Err("the host's drill ended without a report".to_owned()), // not window text
            });
        }
    }

    /// The instructor's console at the host of a classroom drill
    /// (`firstline host --window`): the drill is the host's (it keeps the
    /// pace and talks to the seats); this window shows every role, gives
    /// the instructor's orders and sets the pace through it
    /// (`sync_host`). `addr` is the address the seats join at.
    pub fn hosting(host: &crate::net::host::Host, addr: &str) -> Result<Play, String> {
        let loaded = host.loaded();
        let s = &loaded.scenario;
        let role = s.roles.first().cloned().ok_or("a drill without roles")?; // not window text
        let mut play = Play::blank(s, &loaded.terrain, role);
        play.instructor = true;
        play.mode = Mode::Practice;
        play.speed = host.speed;
        play.log_path = Some(host.log.clone());
        play.inputs = host.inputs.clone();
        play.written =
            [Some(&host.log), host.report.as_ref()].into_iter().flatten().map(|p| p.display().to_string()).collect();
        play.hosting = Some(HostLink::default());
        play.classroom = Some(super::console::Classroom { addr: addr.to_owned(), ..Default::default() });
        let seed = host.session().map_or(s.meta.seed, |x| x.seed());
        play.forecast.start(loaded, seed, Vec::new());
        Ok(play)
    }

    /// Hands the host what this console asked for, and takes in the
    /// drill's views (when it has ticked), the seats, and the end.
    pub fn sync_host(&mut self, host: &mut crate::net::host::Host) {
        let Some(link) = self.hosting.as_mut() else { return };
        let mut refused = None;
        for (seat, a) in link.orders.drain(..) {
            if let Err(e) = host.submit(&seat, a) {
                refused = Some(e);
            }
        }
        if let Some(v) = link.speed.take() {
            host.speed = v;
        }
        if let Some(by) = link.jump_s.take() {
            host.jump_to_s = Some(host.now_s() + by);
        }
        if std::mem::take(&mut link.start_now) {
            host.start_now();
        }
        if std::mem::take(&mut link.end) {
            host.finish();
        }
        let tick = host.session().map(|s| s.clock().tick);
        let fresh = tick.is_some() && link.tick != tick;
        link.tick = tick;
        if let Some(k) = self.classroom.as_mut() {
            k.waiting = host.waiting;
            k.seats = host
                .seats
                .iter()
                .map(|s| super::console::ClassSeat {
                    seat: s.seat.clone(),
                    code: s.code().to_owned(),
                    online: s.client.is_some(),
                })
                .collect();
            if refused.is_some() {
                k.refused = refused;
            }
        }
        self.speed = host.speed;
        if fresh && let Some(s) = host.session() {
            self.read(s);
        }
        if self.ended.is_none()
            && let Some(out) = &host.outcome
        {
            self.ended = Some(match out {
                Ok(o) => {
                    self.events.clone_from(&o.events);
                    Ok(Ended {
                        card: o.report.scoring.clone(),
                        written: self.written.clone(),
                        parent: None,
                        dead: crate::sim::events::dead(&o.events).len(),
                    })
                }
                Err(e) => Err(e.clone()),
            });
        }
    }

    /// What if: leaves the review for a new run in which this window's
    /// person plays `role` from the tick shown on (`PlaySetup::branch`); its
    /// log and report go beside the default outputs.
    fn branch(&mut self, role: &str) {
        let Some(r) = self.review.as_ref() else { return };
        let at = self.view.tick;
        let loaded = r.loaded.clone();
        let seed = r.seeker.report().seed;
        let (log, report) = default_outputs(&loaded.scenario.meta.id, &format!("{role}-branch{at}"), seed);
        for dir in [&log, &report].into_iter().filter_map(|p| p.parent()) {
            let _ = std::fs::create_dir_all(dir);
        }
        let setup = PlaySetup {
            role: role.to_owned(),
            mode: Mode::Practice,
            competence: Competence::default(),
            seed: None,
            log: Some(log),
            report: Some(report),
            inputs: vec![r.log.clone()],
            script: Script::default(),
            exit_after_s: None,
            screenshot: None,
            speed: None,
            paced: false,
            instructor: false,
            screen: false,
            follow: None,
            branch: Some((r.log.clone(), at)),
        };
        match Play::start(&loaded, setup) {
            Ok(p) => *self = p,
            Err(e) => self.ended = Some(Err(e)),
        }
    }

    /// The review shows the drill after `tick`.
    fn seek(&mut self, tick: u64) {
        let Some(r) = self.review.as_mut() else { return };
        self.view = r.seeker.seek(tick).clone();
        self.series = r.seeker.series().to_vec();
    }

    /// The forecast of the hazard's arrival at each village, once computed.
    pub fn forecast(&self) -> Option<&crate::forecast::Forecast> {
        self.forecast.latest.as_ref()
    }

    /// The seat an order goes through: the window's own; at the
    /// instructor's console the instructor seat for instructor orders, and
    /// a person's seat in the role shown while the instructor holds it
    /// (`None`: a role its follower plays takes no orders from here).
    fn seat_for(&self, action: &crate::scenario::schema::Action) -> Option<Seat> {
        if self.screen {
            return None;
        }
        if !self.instructor || action.kind().instructor_only() {
            return Some(self.seat.clone());
        }
        self.view.taken_over.iter().any(|r| r.as_str() == self.role.id).then(|| Seat::trainee(self.role.id.as_str()))
    }

    /// Carries out what the person (or the script) asked for.
    pub fn apply(&mut self, actions: &[UiAction], console: &mut ConsoleState) {
        console.absorb(actions);
        if let Some(at) = console.ignition.take()
            && self.instructor
        {
            let fire = crate::scenario::schema::Action::Ignite {
                at: ((at.0 * 10.0).round() / 10.0, (at.1 * 10.0).round() / 10.0),
            };
            let seat = self.seat.clone();
            self.submit(&seat, fire);
        }
        for a in actions {
            match a {
                UiAction::Order(action) if self.remote.is_some() && !self.screen => {
                    if let Some(r) = self.remote.as_mut() {
                        r.outbox.push(action.clone());
                    }
                }
                UiAction::Order(action) => {
                    if let Some(seat) = self.seat_for(action) {
                        self.submit(&seat, action.clone());
                    }
                }
                UiAction::Speed(_) | UiAction::Jump(_) | UiAction::EndDrill if self.remote.is_some() => {}
                UiAction::Speed(v) if self.mode == Mode::Practice => {
                    self.speed = *v;
                    self.owed_s = 0.0;
                    if let Some(h) = self.hosting.as_mut() {
                        h.speed = Some(*v);
                    }
                }
                UiAction::Jump(by) if self.hosting.is_some() => {
                    if let Some(h) = self.hosting.as_mut() {
                        h.jump_s = Some(*by);
                    }
                }
                UiAction::Record { person, org } => self.record(person, org.as_deref()),
                UiAction::RecordClass { people, org } => self.record_seats(people.clone(), org.as_deref()),
                UiAction::StartClass => {
                    if let Some(h) = self.hosting.as_mut() {
                        h.start_now = true;
                    }
                }
                UiAction::ShowRole(id) if self.instructor => {
                    if let Some(r) = self.scenario.roles.iter().find(|r| &r.id == id) {
                        self.role = r.clone();
                        console.form = Default::default();
                        self.refresh();
                    }
                }
                UiAction::Seek(t) => self.seek(*t),
                UiAction::Branch(role) => self.branch(role),
                UiAction::Jump(by) if self.mode == Mode::Practice => {
                    self.jump_to_s = Some(self.clock_s() + by);
                    self.owed_s = 0.0;
                }
                UiAction::EndDrill => self.end(),
                _ => {}
            }
        }
    }

    /// An order into the drill: this window's own, or through the host's.
    fn submit(&mut self, seat: &Seat, action: crate::scenario::schema::Action) {
        if let Some(h) = self.hosting.as_mut() {
            h.orders.push((seat.clone(), action));
        } else if let Some(s) = self.session.as_mut() {
            s.submit(seat, action);
        }
    }

    /// Steps the drill for a frame of `dt`: the pace's share, or as fast as
    /// the budget allows in a scripted run; ticks owed past the budget are
    /// dropped (the drill slows down rather than falls behind). The host's
    /// console steps nothing: the host keeps the pace.
    pub fn drive(&mut self, dt: Duration, console: &mut ConsoleState) {
        if self.hosting.is_some() {
            return;
        }
        if self.review.is_some() {
            // Playing the review: the scrubber moves at the chosen pace.
            if self.speed > 0 {
                let tick_s = self.scenario.meta.tick_s.max(1) as f64;
                self.owed_s += dt.as_secs_f64() * self.speed as f64;
                let n = (self.owed_s / tick_s).floor();
                self.owed_s -= n * tick_s;
                if n >= 1.0 {
                    let to = self.view.tick + n as u64;
                    self.seek(to);
                }
            }
            return;
        }
        if self.session.is_none() || self.at_exit_point() {
            return;
        }
        let tick_s = self.scenario.meta.tick_s.max(1) as f64;
        if self.follow.is_some() {
            let (stepped, done) = {
                let (Some(f), Some(s)) = (self.follow.as_mut(), self.session.as_mut()) else { return };
                // As far as the live log allows, as fast as a frame allows.
                f.poll(s);
                let to = f.allowed_tick();
                let deadline = Instant::now() + Duration::from_millis(250);
                let mut stepped = false;
                while s.clock().tick < to && Instant::now() < deadline {
                    let last = s.clock().tick + 1 >= to || Instant::now() + Duration::from_millis(20) >= deadline;
                    if !(if last { s.step() } else { s.step_unviewed() }) {
                        break;
                    }
                    stepped = true;
                }
                (stepped, f.ended.is_some_and(|e| s.clock().tick >= e) || s.clock().finished)
            };
            if stepped {
                self.refresh();
            }
            if done {
                self.end();
            }
            return;
        }
        if self.jump_to_s.is_some_and(|t| self.clock_s() >= t) {
            self.jump_to_s = None;
        }
        let (n, budget) = if let Some(to) = self.jump_to_s {
            // A jump runs the owed ticks as fast as a frame allows.
            (((to - self.clock_s()) as f64 / tick_s).ceil() as u64, Duration::from_millis(250))
        } else if self.exit_after_s.is_some() && !self.paced {
            (u64::MAX, Duration::from_millis(250))
        } else {
            self.owed_s += dt.as_secs_f64() * self.speed as f64;
            let n = (self.owed_s / tick_s).floor();
            self.owed_s -= n * tick_s;
            (n as u64, Duration::from_millis(40))
        };
        let started = Instant::now();
        let deadline = started + budget;
        let mut done = 0;
        let mut slowest = Duration::ZERO;
        while done < n && Instant::now() < deadline {
            // Script steps due at this second go in before its tick runs.
            let due = self.script.due(self.clock_s());
            if !due.is_empty() {
                self.apply(&due, console);
            }
            // Only the frame's last tick fills the view (the one the frame
            // draws); which one is last is foreseen from the slowest tick.
            let t = Instant::now();
            let next_s = (self.clock_tick() + 1) * tick_s as u64;
            let last = done + 1 == n
                || t + slowest * 2 >= deadline
                || self.exit_after_s.is_some_and(|e| next_s >= e)
                || self.script.next_at().is_some_and(|a| a <= next_s);
            let Some(s) = self.session.as_mut() else { break };
            let going = if last { s.step() } else { s.step_unviewed() };
            slowest = slowest.max(t.elapsed());
            done += 1;
            if !going {
                break;
            }
            if last {
                self.refresh();
                if self.at_exit_point() {
                    break;
                }
            }
        }
        if done < n && self.jump_to_s.is_none() && (self.exit_after_s.is_none() || self.paced) {
            self.owed_s = 0.0;
        }
        self.step_time = started.elapsed();
        self.refresh();
        if self.session.as_ref().is_some_and(|s| s.clock().finished) {
            self.end();
        }
    }

    /// The ticks the drill has run.
    fn clock_tick(&self) -> u64 {
        self.session.as_ref().map_or(0, |s| s.clock().tick)
    }

    /// Copies the views out of the sim world.
    fn refresh(&mut self) {
        let Some(s) = self.session.take() else { return };
        self.read(&s);
        self.session = Some(s);
    }

    /// Copies the views out of a drill's world (this window's or the host's).
    fn read(&mut self, s: &Session) {
        let w = s.world();
        if let Some(v) = w.get_resource::<SimView>() {
            self.view.clone_from(v);
        }
        if let Some(rv) = role_view(w, &self.role.id) {
            self.role_view = rv;
        }
        if self.instructor {
            self.roles = self.scenario.roles.iter().filter_map(|r| role_view(w, &r.id)).collect();
        }
        if let Some(g) = w.get_resource::<Gauges>() {
            self.series.clone_from(&g.series);
        }
        let ev = s.events();
        if ev.len() > self.events.len() {
            self.events.extend_from_slice(&ev[self.events.len()..]);
        }
        if self.screen || self.instructor {
            self.forecast.poll();
            // A hazard the instructor changed: forecast again with it.
            let hazard: Vec<crate::sim::orders::Command> = self
                .events
                .iter()
                .filter_map(|e| match &e.event {
                    crate::sim::events::SimEvent::OrderGiven { role, source, action } => {
                        Some(Seat::recorded(role.clone(), *source).order(e.tick, action.clone()))
                    }
                    _ => None,
                })
                .filter(crate::forecast::changes_hazard)
                .collect();
            if hazard.len() != self.forecast.asked {
                let (loaded, seed) = (s.loaded().clone(), s.seed());
                self.forecast.start(&loaded, seed, hazard);
            }
        }
    }

    /// Ends the drill where it stands: the log and report are written, the
    /// score is shown. The host's console asks the host to (`sync_host`).
    pub fn end(&mut self) {
        if let Some(h) = self.hosting.as_mut() {
            h.end = true;
            return;
        }
        let Some(s) = self.session.take() else { return };
        self.ended = Some(match s.finish() {
            Ok(outcome) => {
                let dead = crate::sim::events::dead(&outcome.events).len();
                self.events = outcome.events;
                Ok(Ended {
                    card: outcome.report.scoring,
                    written: self.written.clone(),
                    parent: self.parent.take(),
                    dead,
                })
            }
            Err(e) => Err(e.to_string()),
        });
    }
}

/// Storing an ended drill in the records (off the frame loop: the log is
/// replayed first, which takes as long as running the drill headless).
#[derive(Debug, Clone, PartialEq)]
pub enum Recording {
    Busy,
    Stored(i64),
    Failed(String),
}

impl Play {
    /// Stores the ended drill in the records, this window's role played by
    /// `person` (a code or an identity number), held by the organisation
    /// `org` (a code) if one is named, in a background thread.
    pub fn record(&mut self, person: &str, org: Option<&str>) {
        let role = self.role.id.clone();
        self.record_seats(vec![(role, person.to_owned())], org);
    }

    /// Stores the ended drill in the records with each (role, person) of
    /// `people` in its seat (a classroom's drill, at its host), held by
    /// `org` if one is named, in a background thread.
    pub fn record_seats(&mut self, people: Vec<(String, String)>, org: Option<&str>) {
        if matches!(self.recording(), Some(Recording::Busy | Recording::Stored(_))) {
            return;
        }
        let job = Arc::new(std::sync::Mutex::new(Recording::Busy));
        self.recording = Some(job.clone());
        let (log, inputs, db) =
            (self.log_path.clone().unwrap_or_default(), self.inputs.clone(), self.records_db.clone());
        let org = org.map(str::to_owned);
        std::thread::spawn(move || {
            let done =
                crate::certify::record_log_file_seats(&log, scenario_candidates(&inputs), &db, &people, org.as_deref());
            if let Ok(mut j) = job.lock() {
                *j = match done {
                    Ok(id) => Recording::Stored(id),
                    Err(e) => Recording::Failed(e),
                };
            }
        });
    }

    /// How storing the drill went, if it was asked for.
    pub fn recording(&self) -> Option<Recording> {
        self.recording.as_ref().and_then(|j| j.lock().ok().map(|g| g.clone()))
    }
}

/// The drill's scenario candidates: the files it was started from and the
/// embedded drills (with the folder their relative paths start from).
fn scenario_candidates(inputs: &[PathBuf]) -> Vec<(Vec<u8>, PathBuf)> {
    let files = inputs
        .iter()
        .filter_map(|p| std::fs::read(p).ok().map(|b| (b, p.parent().map(PathBuf::from).unwrap_or_default())));
    let embedded = super::catalog::EMBEDDED.iter().map(|(_, t)| (t.as_bytes().to_vec(), PathBuf::from(".")));
    files.chain(embedded).collect()
}

/// The forecast computed in a background thread (a whole drill run ahead
/// takes seconds to a minute); the newest one asked for wins.
#[derive(Default)]
struct Forecaster {
    latest: Option<crate::forecast::Forecast>,
    pending: Option<std::sync::Arc<std::sync::Mutex<Option<crate::forecast::Forecast>>>>,
    /// The instructor's hazard orders the newest request assumed.
    asked: usize,
}

impl Forecaster {
    fn start(&mut self, loaded: &Loaded, seed: u64, commands: Vec<crate::sim::orders::Command>) {
        let slot = std::sync::Arc::new(std::sync::Mutex::new(None));
        let (loaded, out) = (loaded.clone(), slot.clone());
        self.asked = commands.len();
        std::thread::spawn(move || {
            if let Ok(f) = crate::forecast::forecast(&loaded, seed, &commands)
                && let Ok(mut o) = out.lock()
            {
                *o = Some(f);
            }
        });
        self.pending = Some(slot);
    }

    fn poll(&mut self) {
        let done = self.pending.as_ref().and_then(|p| p.lock().ok().and_then(|mut o| o.take()));
        if let Some(f) = done {
            self.latest = Some(f);
            self.pending = None;
        }
    }
}

/// A live event log being read as it grows (`PlaySetup::follow`): the file
/// itself, or its `.partial` while the drill that writes it runs.
struct Follow {
    path: PathBuf,
    /// Bytes read so far (the same in the partial and the final file).
    offset: u64,
    /// The end of the last read that was not yet a whole line.
    tail: String,
    /// The highest tick with an event read.
    seen_tick: u64,
    /// The tick of `drill_ended`, once read.
    ended: Option<u64>,
}

impl Follow {
    fn new(path: PathBuf) -> Follow {
        Follow { path, offset: 0, tail: String::new(), seen_tick: 0, ended: None }
    }

    /// The file to read: the log, or its partial while it is written.
    fn file(path: &std::path::Path) -> PathBuf {
        if path.exists() { path.to_owned() } else { crate::record::atomic::partial_path(path) }
    }

    /// The log's header (its first line).
    fn header(path: &std::path::Path) -> Result<crate::sim::events::LogHeader, String> {
        let text = std::fs::read_to_string(Self::file(path)).map_err(|e| format!("{}: {e}", path.display()))?; // not window text
        let first = text.lines().next().unwrap_or("");
        let r =
            crate::record::replay::read_log(&format!("{first}\n")).map_err(|e| format!("{}: {e}", path.display()))?; // not window text
        Ok(r.header)
    }

    /// Reads what was appended; feeds the orders of the seats the software
    /// does not play to `session` at their ticks.
    fn poll(&mut self, session: &mut Session) {
        use std::io::{Read, Seek, SeekFrom};
        let Ok(mut f) = std::fs::File::open(Self::file(&self.path)) else { return };
        if f.seek(SeekFrom::Start(self.offset)).is_err() {
            return;
        }
        let mut bytes = Vec::new();
        if f.read_to_end(&mut bytes).is_err() {
            return;
        }
        self.offset += bytes.len() as u64;
        self.tail.push_str(&String::from_utf8_lossy(&bytes));
        let Some(cut) = self.tail.rfind('\n') else { return };
        let whole: String = self.tail.drain(..=cut).collect();
        for line in whole.lines() {
            let Ok(e) = serde_json::from_str::<crate::sim::events::Event>(line) else { continue };
            match &e.event {
                crate::sim::events::SimEvent::OrderGiven { role, source, action }
                | crate::sim::events::SimEvent::OrderRefused { role, source, action, .. }
                    if *source != crate::sim::orders::Source::Npc =>
                {
                    session.push(Seat::recorded(role.clone(), *source).order(e.tick, action.clone()));
                }
                crate::sim::events::SimEvent::DrillEnded { .. } => self.ended = Some(e.tick),
                _ => {}
            }
            self.seen_tick = self.seen_tick.max(e.tick);
        }
    }

    /// How far the run here may go: the drill's end once logged, else one
    /// tick short of the last tick seen (its lines may still be coming).
    fn allowed_tick(&self) -> u64 {
        self.ended.unwrap_or(self.seen_tick.saturating_sub(1))
    }
}

/// A recorded run under review.
pub struct Reviewing {
    /// The reference run (every role by its plan, at its best, same seed),
    /// computed in the background: its scorecard and the first tick where
    /// the recorded run departs from it.
    pub reference: std::sync::Arc<std::sync::Mutex<Option<Reference>>>,
    pub seeker: crate::review::Seeker,
    pub card: crate::scoring::Scorecard,
    pub charts: Vec<crate::record::evaluation::chart::Chart>,
    pub loaded: Loaded,
    /// The recorded run's log (a branch names it as its parent).
    pub log: PathBuf,
}
