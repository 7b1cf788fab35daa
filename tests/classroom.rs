//! The LAN classroom in one process over real UDP on 127.0.0.1: a host
//! (`net::host`) and seats (`net::seat`) as separate Bevy apps. Orders from
//! two seats land in tick order and the log replays byte for byte; a seat
//! cannot order as the instructor or as another role; a seat never hears
//! another role's messages; a wrong or held code is refused; a seat that
//! drops and comes back gets its inbox again; a host that died resumes
//! from its journal.

mod common;

use bevy::prelude::*;
use firstline::headless::RunOptions;
use firstline::net::host::{Away, Host, HostSetup};
use firstline::net::protocol::SeatKind;
use firstline::net::seat::Remote;
use firstline::scenario::schema::{Action, ResponseLevel, WarningLevel};
use firstline::sim::events::SimEvent;
use firstline::sim::orders::Source;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn setup(log: PathBuf, seats: Vec<SeatKind>) -> HostSetup {
    HostSetup {
        seats,
        away: Away::Follower,
        speed: 0,
        seed: None,
        log,
        report: None,
        inputs: vec![],
        sim_every: Duration::ZERO,
    }
}

fn seats3() -> Vec<SeatKind> {
    vec![SeatKind::Role("commander".into()), SeatKind::Role("office_director".into()), SeatKind::Screen]
}

fn host_app(host: Host) -> (App, std::net::SocketAddr) {
    firstline::net::host_app(host, "127.0.0.1:0".parse().unwrap()).unwrap()
}

fn code(app: &App, k: usize) -> String {
    app.world().resource::<Host>().seats[k].code().to_owned()
}

fn host(app: &mut App) -> Mut<'_, Host> {
    app.world_mut().resource_mut::<Host>()
}

fn remote(app: &App) -> &Remote {
    app.world().resource::<Remote>()
}

/// Runs frames of every app until `done` holds (or 5,000 frames: false).
fn until(host: &mut App, seats: &mut [&mut App], done: impl Fn(&App, &[&mut App]) -> bool) -> bool {
    for _ in 0..5000 {
        host.update();
        for s in seats.iter_mut() {
            s.update();
        }
        if done(host, seats) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    false
}

/// Runs `n` frames of every app.
fn frames(host: &mut App, seats: &mut [&mut App], n: usize) {
    for _ in 0..n {
        host.update();
        for s in seats.iter_mut() {
            s.update();
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn join(host: &mut App, k: usize, others: &mut [&mut App]) -> App {
    let addr = *host.world().resource::<HostAddr>();
    let mut seat = firstline::net::seat_app(addr.0, &code(host, k));
    let ok = {
        let mut all: Vec<&mut App> = others.iter_mut().map(|a| &mut **a).collect();
        all.push(&mut seat);
        until(host, &mut all, |_, s| s.last().is_some_and(|a| remote(a).welcome.is_some() && remote(a).updates > 0))
    };
    assert!(ok, "seat {k} was not let in: {:?}", remote(&seat).refused);
    seat
}

#[derive(Resource, Clone, Copy)]
struct HostAddr(std::net::SocketAddr);

fn start(dir: &Path, seats: Vec<SeatKind>) -> App {
    let loaded = firstline::scenario::load(Path::new(common::SMALL)).unwrap();
    let h = Host::start(&loaded, setup(dir.join("class.log.jsonl"), seats)).unwrap();
    let (mut app, addr) = host_app(h);
    app.insert_resource(HostAddr(addr));
    app
}

fn warn() -> Action {
    Action::IssueWarning {
        level: WarningLevel::Red,
        channels: vec![firstline::scenario::schema::Channel::Broadcast],
        villages: vec!["xiaohe".into()],
    }
}

fn log_text(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("class.log.jsonl")).unwrap()
}

#[test]
fn orders_from_two_seats_land_in_tick_order_and_the_log_replays() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = start(dir.path(), seats3());
    let mut cmd = join(&mut h, 0, &mut []);
    assert!(h.world().resource::<Host>().waiting, "the clock waits for the office director");
    let mut dir_seat = join(&mut h, 1, &mut [&mut cmd]);
    frames(&mut h, &mut [&mut cmd, &mut dir_seat], 3);
    assert!(!h.world().resource::<Host>().waiting, "both trainee seats are in (the screen is not waited for)");
    // The office director at tick ~0, the commander 5 ticks later.
    dir_seat.world_mut().resource_mut::<Remote>().order(warn());
    frames(&mut h, &mut [&mut cmd, &mut dir_seat], 5);
    host(&mut h).advance(5);
    cmd.world_mut().resource_mut::<Remote>().order(Action::DeclareResponse { level: ResponseLevel::III });
    frames(&mut h, &mut [&mut cmd, &mut dir_seat], 5);
    host(&mut h).advance(5);
    host(&mut h).finish();
    assert!(matches!(h.world().resource::<Host>().outcome, Some(Ok(_))));
    let text = log_text(dir.path());
    let rec = firstline::record::replay::read_log(&text).unwrap();
    let given: Vec<(u64, &str, Source)> = rec
        .events
        .iter()
        .filter_map(|e| match &e.event {
            SimEvent::OrderGiven { role, source, .. } if *source == Source::Trainee => {
                Some((e.tick, role.as_str(), *source))
            }
            _ => None,
        })
        .collect();
    assert_eq!(given.len(), 2, "{given:?}");
    assert_eq!(given[0].1, "office_director");
    assert_eq!(given[1].1, "commander");
    assert!(given[0].0 + 5 <= given[1].0, "the ticks are the host's, in the order the orders came: {given:?}");
    // The log replays byte for byte.
    let loaded = firstline::scenario::load(Path::new(common::SMALL)).unwrap();
    let mut opts = RunOptions::replaying(&rec);
    let again = dir.path().join("again.log.jsonl");
    opts.log = Some(again.clone());
    firstline::headless::run(&loaded, &opts, &mut |_, _| {}).unwrap();
    assert_eq!(std::fs::read_to_string(&again).unwrap(), text, "the replay's log differs from the host's");
}

#[test]
fn a_seat_cannot_order_as_the_instructor_or_as_another_role() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = start(dir.path(), seats3());
    let mut cmd = join(&mut h, 0, &mut []);
    // The instructor's orders, asked for by a trainee seat.
    for a in [Action::SendInject { id: "red_rain".into() }, Action::HandBack { role: "office_director".into() }] {
        cmd.world_mut().resource_mut::<Remote>().order(a);
    }
    frames(&mut h, &mut [&mut cmd], 5);
    host(&mut h).advance(2);
    // A connection that holds no seat asks for an order: nothing lands.
    let addr = h.world().resource::<HostAddr>().0;
    let mut stranger = firstline::net::seat_app(addr, "00000-00000");
    stranger.world_mut().resource_mut::<Remote>().order(warn());
    frames(&mut h, &mut [&mut cmd, &mut stranger], 20);
    host(&mut h).advance(2);
    host(&mut h).finish();
    let rec = firstline::record::replay::read_log(&log_text(dir.path())).unwrap();
    let mut refused = 0;
    for e in &rec.events {
        match &e.event {
            SimEvent::OrderRefused { role, source, reason, .. } if *source == Source::Trainee => {
                assert_eq!(role.as_str(), "commander", "stamped with the seat's role");
                assert!(reason.contains("only the instructor"), "{reason}");
                refused += 1;
            }
            SimEvent::OrderGiven { source: Source::Trainee, .. } => panic!("a trainee order was given: {e:?}"),
            _ => {}
        }
    }
    assert_eq!(refused, 2, "both instructor orders refused and logged");
    assert!(remote(&stranger).welcome.is_none());
}

#[test]
fn a_seat_hears_only_its_own_role() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = start(dir.path(), seats3());
    let mut cmd = join(&mut h, 0, &mut []);
    let mut od = join(&mut h, 1, &mut [&mut cmd]);
    let mut screen = join(&mut h, 2, &mut [&mut cmd, &mut od]);
    // The red-rain inject reaches the office director at 120–180 s.
    od.world_mut().resource_mut::<Remote>().order(warn());
    frames(&mut h, &mut [&mut cmd, &mut od, &mut screen], 3);
    host(&mut h).advance(240);
    frames(&mut h, &mut [&mut cmd, &mut od, &mut screen], 10);
    let inbox = |a: &App| remote(a).role_view.as_ref().map_or(0, |v| v.inbox.len());
    assert_eq!(inbox(&od), 1, "the office director's inbox has the red-rain warning");
    assert!(remote(&od).welcome.as_ref().unwrap().scenario.injects.iter().any(|i| i.id == "red_rain"));
    assert!(remote(&od).events.iter().any(|e| matches!(e.event, SimEvent::InjectDelivered { .. })));
    // The commander and the screen got none of it.
    for (name, a) in [("commander", &cmd), ("screen", &screen)] {
        let r = remote(a);
        assert_eq!(inbox(a), 0, "{name}");
        let w = r.welcome.as_ref().unwrap();
        assert!(w.scenario.injects.is_empty(), "{name} was sent an inject's text");
        assert!(w.scenario.plans.iter().all(|p| p.role == name), "{name} was sent another role's plan");
        for e in &r.events {
            match &e.event {
                SimEvent::InjectDelivered { .. } => panic!("{name} heard an inject: {e:?}"),
                SimEvent::OrderGiven { role, .. } | SimEvent::OrderRefused { role, .. } => {
                    assert_eq!(role.as_str(), name, "{name} heard another role's order")
                }
                SimEvent::PlanStepTriggered { role, .. } => assert_eq!(role.as_str(), name),
                _ => {}
            }
        }
        assert!(r.sim.is_some(), "{name} sees the situation");
        assert!(r.events.iter().any(|e| matches!(e.event, SimEvent::DrillStarted { .. })));
    }
}

#[test]
fn a_wrong_or_held_join_code_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = start(dir.path(), seats3());
    let mut cmd = join(&mut h, 0, &mut []);
    let addr = h.world().resource::<HostAddr>().0;
    let mut wrong = firstline::net::seat_app(addr, "ABCDE-FGHJK");
    let held = code(&h, 0);
    let mut twice = firstline::net::seat_app(addr, &held);
    let ok = until(&mut h, &mut [&mut cmd, &mut wrong, &mut twice], |_, s| {
        remote(s[1]).refused.is_some() && remote(s[2]).refused.is_some()
    });
    assert!(ok, "no refusal came");
    assert_eq!(remote(&wrong).refused.as_deref(), Some("wrong join code"));
    assert_eq!(remote(&twice).refused.as_deref(), Some("this seat is already taken"));
    assert!(remote(&wrong).welcome.is_none() && remote(&twice).welcome.is_none());
    assert!(h.world().resource::<Host>().seats[0].client.is_some(), "the commander keeps the seat");
}

/// A connection without the host's token is not admitted even with a
/// right code (netcode's secure mode): a seat with the commander's code
/// connecting in the unsecure mode the classroom used before the join
/// exchange never reaches the host, and nothing it asks for lands. The
/// same code through the join exchange is seated.
#[test]
fn a_connection_without_the_hosts_token_is_not_admitted() {
    use bevy_replicon_renet::RenetChannelsExt;
    use bevy_replicon_renet::netcode::{ClientAuthentication, NetcodeClientTransport};
    let dir = tempfile::tempdir().unwrap();
    let mut h = start(dir.path(), seats3());
    let addr = h.world().resource::<HostAddr>().0;
    let commander = code(&h, 0);
    let mut rogue = App::new();
    rogue.add_plugins((MinimalPlugins, bevy::state::app::StatesPlugin));
    firstline::net::replicon_plugins(&mut rogue);
    rogue.add_plugins(firstline::net::seat::SeatPlugin);
    rogue.finish();
    rogue.cleanup();
    let channels = rogue.world().resource::<bevy_replicon::prelude::RepliconChannels>();
    let client = bevy_replicon_renet::RenetClient::new(bevy_replicon_renet::renet::ConnectionConfig {
        server_channels_config: channels.server_configs(),
        client_channels_config: channels.client_configs(),
        ..Default::default()
    });
    let auth = ClientAuthentication::Unsecure {
        client_id: 7,
        protocol_id: firstline::net::protocol::PROTOCOL_ID,
        server_addr: addr,
        user_data: None,
    };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let transport = NetcodeClientTransport::new(now, auth, socket).unwrap();
    rogue.insert_resource(client).insert_resource(transport).insert_resource(Remote::offline(&commander));
    rogue.world_mut().resource_mut::<Remote>().order(warn());
    frames(&mut h, &mut [&mut rogue], 300);
    assert!(remote(&rogue).welcome.is_none(), "a connection without a token was let in");
    assert!(
        !rogue.world().resource::<bevy_replicon_renet::RenetClient>().is_connected(),
        "the host's transport admitted it"
    );
    assert_eq!(h.world().resource::<bevy_replicon_renet::RenetServer>().connected_clients(), 0);
    assert!(h.world().resource::<Host>().seats[0].client.is_none());
    // The same code through the join exchange is seated.
    let mut cmd = join(&mut h, 0, &mut [&mut rogue]);
    frames(&mut h, &mut [&mut cmd, &mut rogue], 5);
    assert!(h.world().resource::<Host>().seats[0].client.is_some());
    host(&mut h).advance(2);
    host(&mut h).finish();
    let rec = firstline::record::replay::read_log(&log_text(dir.path())).unwrap();
    assert!(
        !rec.events.iter().any(|e| matches!(
            e.event,
            SimEvent::OrderGiven { source: Source::Trainee, .. }
                | SimEvent::OrderRefused { source: Source::Trainee, .. }
        )),
        "the rogue's order reached the drill"
    );
}

/// A host with the office director's seat in, 240 s into the drill: the
/// red-rain warning is in its inbox.
fn director_with_the_warning() -> (tempfile::TempDir, App, App) {
    let dir = tempfile::tempdir().unwrap();
    let mut h = start(dir.path(), vec![SeatKind::Role("office_director".into())]);
    let mut od = join(&mut h, 0, &mut []);
    frames(&mut h, &mut [&mut od], 3);
    host(&mut h).advance(240);
    frames(&mut h, &mut [&mut od], 5);
    assert_eq!(remote(&od).role_view.as_ref().unwrap().inbox.len(), 1);
    (dir, h, od)
}

#[test]
fn a_seat_that_drops_and_comes_back_gets_its_inbox_again() {
    let (dir, mut h, mut od) = director_with_the_warning();
    // The seat leaves (a clean disconnect), the follower plays the role.
    od.world_mut().resource_mut::<bevy_replicon_renet::RenetClient>().disconnect();
    frames(&mut h, &mut [&mut od], 5);
    drop(od);
    assert!(until(&mut h, &mut [], |a, _| a.world().resource::<Host>().seats[0].client.is_none()));
    host(&mut h).advance(5);
    let mut back = join(&mut h, 0, &mut []);
    frames(&mut h, &mut [&mut back], 5);
    let r = remote(&back);
    assert_eq!(r.role_view.as_ref().unwrap().inbox.len(), 1, "the inbox is back");
    assert!(r.events.iter().any(|e| matches!(e.event, SimEvent::InjectDelivered { .. })), "the feed is back");
    assert!(r.welcome.as_ref().unwrap().scenario.injects.iter().any(|i| i.id == "red_rain"), "its text is back");
    host(&mut h).advance(2);
    host(&mut h).finish();
    let rec = firstline::record::replay::read_log(&log_text(dir.path())).unwrap();
    let hand: Vec<&Action> = rec
        .events
        .iter()
        .filter_map(|e| match &e.event {
            SimEvent::OrderGiven { source: Source::Instructor, action, .. } => Some(action),
            _ => None,
        })
        .collect();
    let names: Vec<String> = hand.iter().map(|a| format!("{:?}", a.kind())).collect();
    assert_eq!(names, ["TakeOver", "HandBack", "TakeOver"], "taken at the start, handed to the follower, taken back");
}

#[test]
fn a_lost_connection_is_made_again_and_the_seat_gets_its_feed_back() {
    let (_dir, mut h, mut od) = director_with_the_warning();
    // The seat's connection breaks (as a timeout would break it).
    od.world_mut().resource_mut::<bevy_replicon_renet::RenetClient>().disconnect();
    let back = until(&mut h, &mut [&mut od], |h, s| {
        let r = remote(s[0]);
        r.reconnects == 1 && h.world().resource::<Host>().seats[0].client.is_some() && r.updates > 0
    });
    assert!(back, "the seat did not come back");
    frames(&mut h, &mut [&mut od], 5);
    let r = remote(&od);
    assert_eq!(r.role_view.as_ref().unwrap().inbox.len(), 1, "the inbox is back");
    assert!(r.events.iter().any(|e| matches!(e.event, SimEvent::InjectDelivered { .. })));
}

#[test]
fn a_host_that_died_resumes_from_its_journal() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = firstline::scenario::load(Path::new(common::SMALL)).unwrap();
    let seats = vec![SeatKind::Role("office_director".into())];
    let mut h = start(dir.path(), seats.clone());
    let mut od = join(&mut h, 0, &mut []);
    frames(&mut h, &mut [&mut od], 3);
    host(&mut h).advance(200);
    od.world_mut().resource_mut::<Remote>().order(warn());
    frames(&mut h, &mut [&mut od], 5);
    host(&mut h).advance(100);
    let code0 = code(&h, 0);
    // The host dies: nothing is finished, the journal is what it flushed.
    std::mem::forget(h);
    drop(od);
    let log = dir.path().join("class.log.jsonl");
    let journal = std::fs::read_to_string(firstline::record::atomic::partial_path(&log)).unwrap();
    assert!(!log.exists());
    let h2 = Host::resume(&loaded, &log, setup(log.clone(), seats)).unwrap();
    let last_t = firstline::record::replay::read_log(&journal).unwrap().last_s();
    assert!(
        last_t >= 250 && h2.now_s() >= last_t,
        "rebuilt to the journal's last event ({last_t} s), at {} s",
        h2.now_s()
    );
    assert_eq!(h2.seats[0].code(), code0, "the seats keep their codes");
    let (mut h2, addr) = host_app(h2);
    h2.insert_resource(HostAddr(addr));
    let mut od = join(&mut h2, 0, &mut []);
    od.world_mut()
        .resource_mut::<Remote>()
        .order(Action::SendReport { kind: firstline::scenario::schema::ReportKind::First });
    frames(&mut h2, &mut [&mut od], 5);
    host(&mut h2).advance(100);
    host(&mut h2).finish();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.starts_with(journal.as_str()), "the resumed log carries on from the journal unchanged");
    assert!(text.len() > journal.len());
    // The same commands in one uninterrupted run give the same log.
    let rec = firstline::record::replay::read_log(&text).unwrap();
    assert_eq!(rec.commands.iter().filter(|c| c.source() == Source::Trainee).count(), 2);
    let mut opts = RunOptions::replaying(&rec);
    let again = dir.path().join("again.log.jsonl");
    opts.log = Some(again.clone());
    firstline::headless::run(&loaded, &opts, &mut |_, _| {}).unwrap();
    assert_eq!(std::fs::read_to_string(&again).unwrap(), text);
}

/// A free UDP port on 127.0.0.1 (bound and let go).
fn free_port() -> u16 {
    // Free for both: the host listens on UDP and TCP at one port number.
    firstline::net::bind("127.0.0.1:0".parse().unwrap()).unwrap().1.port()
}

/// Starts `firstline host …` and reads its printed lines until the seat
/// line of `role`; returns the process (the caller waits for it) and that
/// seat's code.
#[allow(clippy::zombie_processes)]
fn host_process(args: &[&str], role: &str) -> (std::process::Child, String, std::sync::mpsc::Receiver<String>) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_firstline"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let want = format!("seat {role} ");
    loop {
        let line = rx.recv_timeout(Duration::from_secs(120)).expect("the host printed no seat line");
        if let Some(rest) = line.trim_start().strip_prefix(want.as_str()) {
            let code = rest.split_whitespace().next().unwrap().to_owned();
            return (child, code, rx);
        }
    }
}

fn pump_seat(seat: &mut App, frames: usize) {
    for _ in 0..frames {
        seat.update();
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_host_process_killed_mid_drill_resumes_from_its_journal() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("class.log.jsonl");
    let partial = firstline::record::atomic::partial_path(&log);
    let (port, log_s) = (free_port().to_string(), log.to_string_lossy().to_string());
    let args = [
        "host",
        common::SMALL,
        "--port",
        &port,
        "--seats",
        "office_director",
        "--screens",
        "0",
        "--speed",
        "300",
        "--log",
        &log_s,
    ];
    let (mut host, code, _lines) = host_process(&args, "office_director");
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let mut seat = firstline::net::seat_app(addr, &code);
    let mut sent = false;
    // Play until the drill is past 10 minutes with the seat's order in the journal.
    for _ in 0..6000 {
        pump_seat(&mut seat, 1);
        if remote(&seat).welcome.is_some() && !sent {
            seat.world_mut().resource_mut::<Remote>().order(warn());
            sent = true;
        }
        if remote(&seat).sim.as_ref().is_some_and(|v| v.t_s >= 600) {
            break;
        }
    }
    assert!(
        remote(&seat).sim.as_ref().is_some_and(|v| v.t_s >= 600),
        "the drill did not run: {:?}",
        remote(&seat).refused
    );
    host.kill().unwrap(); // SIGKILL
    host.wait().unwrap();
    drop(seat);
    let journal = std::fs::read_to_string(&partial).unwrap();
    let whole = &journal[..journal.rfind('\n').unwrap() + 1];
    assert!(
        whole.contains("\"source\":\"Trainee\""),
        "the seat's order is not in the journal: {}",
        &whole[whole.len().saturating_sub(3000)..]
    );
    // A new host process carries on from the journal; the seat keeps its code.
    let port2 = free_port().to_string();
    let args = ["host", common::SMALL, "--port", &port2, "--resume", &log_s, "--speed", "3600"];
    let (mut host, code2, _lines) = host_process(&args, "office_director");
    assert_eq!(code2, code);
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port2}").parse().unwrap();
    let mut seat = firstline::net::seat_app(addr, &code);
    let t0 = std::time::Instant::now();
    let status = loop {
        pump_seat(&mut seat, 1);
        if let Some(s) = host.try_wait().unwrap() {
            break s;
        }
        if t0.elapsed() > Duration::from_secs(300) {
            host.kill().unwrap();
            host.wait().unwrap();
            panic!("the resumed host did not end the drill in 5 minutes: {:?}", remote(&seat).refused);
        }
    };
    assert!(status.success(), "the resumed host failed");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.starts_with(whole), "the resumed log carries on from the journal unchanged");
    let rec = firstline::record::replay::read_log(&text).unwrap();
    assert!(rec.ended_s.is_some(), "the drill ran to its end");
    // The uninterrupted run with the same orders writes the same log.
    let loaded = firstline::scenario::load(Path::new(common::SMALL)).unwrap();
    let mut opts = RunOptions::replaying(&rec);
    let again = dir.path().join("again.log.jsonl");
    opts.log = Some(again.clone());
    firstline::headless::run(&loaded, &opts, &mut |_, _| {}).unwrap();
    assert_eq!(std::fs::read_to_string(&again).unwrap(), text);
}

/// Frames of the host and its seats, the host's console taking in what the
/// host did after each (`firstline host --window` does the same each frame).
#[cfg(feature = "gui")]
fn console_frames(h: &mut App, seats: &mut [&mut App], console: &mut firstline::gui::play::Play, n: usize) {
    for _ in 0..n {
        frames(h, seats, 1);
        console.sync_host(&mut host(h));
    }
}

/// The host's instructor console (`firstline host --window`, here without
/// a window): it shows the seats' codes and who is in; starts the clock
/// without an absent seat (whose role goes to its follower); its
/// instructor orders land in the host's log as the instructor's; it cannot
/// order in a role a trainee seat plays; it sets the pace, jumps ahead and
/// ends the drill (log and report written, the score shown).
#[cfg(feature = "gui")]
#[test]
fn the_hosts_console_runs_the_classroom_drill() {
    use firstline::gui::console::UiAction;
    use firstline::gui::console::state::ConsoleState;
    let dir = tempfile::tempdir().unwrap();
    let loaded = firstline::scenario::load(Path::new(common::SMALL)).unwrap();
    let mut s = setup(dir.path().join("class.log.jsonl"), seats3());
    s.report = Some(dir.path().join("class.report.json"));
    s.inputs = vec![PathBuf::from(common::SMALL)];
    s.speed = 10;
    let (mut h, addr) = host_app(Host::start(&loaded, s).unwrap());
    h.insert_resource(HostAddr(addr));
    let mut console = firstline::gui::play::Play::hosting(h.world().resource::<Host>(), &addr.to_string()).unwrap();
    let mut state = ConsoleState::default();
    console.sync_host(&mut host(&mut h));
    let class = console.classroom.clone().unwrap();
    assert_eq!(class.seats.len(), 3);
    assert!(class.waiting && class.seats.iter().all(|s| !s.online));
    assert_eq!(class.seats[0].code, code(&h, 0), "the console shows the seats' codes");
    assert!(firstline::gui::console::classroom::join_line(&class.addr, &class.seats[0]).ends_with(&code(&h, 0)));

    // The commander joins; the office director does not come.
    let mut cmd = join(&mut h, 0, &mut []);
    console_frames(&mut h, &mut [&mut cmd], &mut console, 3);
    let class = console.classroom.clone().unwrap();
    assert!(class.seats[0].online && !class.seats[1].online && class.waiting);
    console.apply(&[UiAction::StartClass], &mut state);
    console_frames(&mut h, &mut [&mut cmd], &mut console, 3);
    assert!(!host(&mut h).waiting, "the console started the clock");
    host(&mut h).advance(2);
    console_frames(&mut h, &mut [&mut cmd], &mut console, 1);
    assert!(console.view.taken_over.iter().any(|r| r.as_str() == "commander"), "the commander's seat holds the role");

    // The instructor's inject goes in as the instructor's order; an order
    // in the commander's role (a trainee's seat) is refused at the host.
    console.apply(&[UiAction::Order(Action::SendInject { id: "red_rain".into() })], &mut state);
    console.apply(&[UiAction::ShowRole("commander".into())], &mut state);
    console.apply(&[UiAction::Order(Action::DeclareResponse { level: ResponseLevel::III })], &mut state);
    console_frames(&mut h, &mut [&mut cmd], &mut console, 5);
    let refused = console.classroom.as_ref().unwrap().refused.clone();
    assert!(refused.as_deref().is_some_and(|r| r.contains("commander")), "{refused:?}");

    // The pace and the jump ahead are the host's.
    console.apply(&[UiAction::Speed(0)], &mut state);
    console_frames(&mut h, &mut [&mut cmd], &mut console, 2);
    assert_eq!(host(&mut h).speed, 0);
    let before = host(&mut h).now_s();
    console.apply(&[UiAction::Jump(300)], &mut state);
    console_frames(&mut h, &mut [&mut cmd], &mut console, 1);
    let ok = until(&mut h, &mut [&mut cmd], |a, _| a.world().resource::<Host>().now_s() >= before + 300);
    assert!(ok, "the jump ahead did not reach {} s", before + 300);
    console_frames(&mut h, &mut [&mut cmd], &mut console, 2);
    assert!(console.now_s() >= before + 300, "the console shows the host's drill: {} s", console.now_s());

    // A jump past the drill's end ends the host's drill: the console shows
    // the score and the files written.
    console.apply(&[UiAction::Jump(4000)], &mut state);
    console_frames(&mut h, &mut [&mut cmd], &mut console, 1);
    let ok = until(&mut h, &mut [&mut cmd], |a, _| a.world().resource::<Host>().outcome.is_some());
    assert!(ok, "the drill did not end");
    console_frames(&mut h, &mut [&mut cmd], &mut console, 3);
    assert!(matches!(host(&mut h).outcome, Some(Ok(_))));
    let ended = console.ended.as_ref().expect("the console shows the end").as_ref().unwrap();
    assert_eq!(ended.written.len(), 2, "{:?}", ended.written);
    assert!(dir.path().join("class.report.json").exists());
    let rec = firstline::record::replay::read_log(&log_text(dir.path())).unwrap();
    let by_instructor: Vec<&Action> =
        rec.commands.iter().filter(|c| c.source() == Source::Instructor).map(|c| c.action()).collect();
    assert!(
        by_instructor.iter().any(|a| matches!(a, Action::SendInject { id } if id == "red_rain")),
        "{by_instructor:?}"
    );
    assert!(
        by_instructor.iter().any(|a| matches!(a, Action::HandBack { role } if role == "office_director")),
        "the absent seat's role went to its follower: {by_instructor:?}"
    );
    assert!(
        !rec.commands.iter().any(|c| matches!(c.action(), Action::DeclareResponse { .. }) && c.source() != Source::Npc),
        "no order in the trainee's role came from the console"
    );

    // The host stores the run for the person in the commander's seat; the
    // absent office director's role is its plan's.
    let db = dir.path().join("records.sqlite");
    common::records_with_p001(&db);
    console.records_db = db.clone();
    console
        .apply(&[UiAction::RecordClass { people: vec![("commander".into(), "P001".into())], org: None }], &mut state);
    let t = std::time::Instant::now();
    while matches!(console.recording(), Some(firstline::gui::play::Recording::Busy)) && t.elapsed().as_secs() < 300 {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(console.recording(), Some(firstline::gui::play::Recording::Stored(1)));
    let store = firstline::record::store::Store::open(&db).unwrap();
    let roles = store.run(1).unwrap().row.roles;
    let by = |role: &str| roles.iter().find(|(r, _, _)| r == role).map(|(_, b, _)| b.clone());
    assert_eq!(by("commander").as_deref(), Some("P001"), "{roles:?}");
    assert_eq!(by("office_director").as_deref(), Some("plan_follower"), "{roles:?}");
}

/// A seat's window (`Play::remote`) takes in only the events that are new
/// since its last frame, and the whole list again after a reconnect (the
/// host sends it from the start): it always shows what the seat was sent.
#[cfg(feature = "gui")]
#[test]
fn a_seat_window_follows_its_feed_across_a_reconnect() {
    let (_dir, mut h, mut od) = director_with_the_warning();
    let mut window = firstline::gui::play::Play::remote(remote(&od).welcome.as_ref().unwrap()).unwrap();
    window.sync_remote(&mut od.world_mut().resource_mut::<Remote>());
    assert_eq!(window.events, remote(&od).events);
    let (restarts, before) = (remote(&od).restarts, window.events.len());
    // News for the seat: its own order, heard back from the log.
    od.world_mut().resource_mut::<Remote>().order(warn());
    frames(&mut h, &mut [&mut od], 3);
    host(&mut h).advance(5);
    frames(&mut h, &mut [&mut od], 5);
    window.sync_remote(&mut od.world_mut().resource_mut::<Remote>());
    assert!(window.events.len() > before, "the seat's order came back in its feed");
    assert_eq!(window.events, remote(&od).events, "the new events taken in once, in order");
    od.world_mut().resource_mut::<bevy_replicon_renet::RenetClient>().disconnect();
    let back = until(&mut h, &mut [&mut od], |_, s| {
        let r = remote(s[0]);
        r.reconnects == 1 && r.restarts > restarts
    });
    assert!(back, "the seat did not come back");
    frames(&mut h, &mut [&mut od], 5);
    window.sync_remote(&mut od.world_mut().resource_mut::<Remote>());
    assert_eq!(window.events, remote(&od).events, "after the rejoin, the list sent from the start");
}

/// The situation reaches a seat whole: its houses (sent once, by id and
/// place) with their states, and every resident, as the host sees them.
#[test]
fn a_seat_sees_the_whole_situation() {
    let (_dir, mut h, mut od) = director_with_the_warning();
    host(&mut h).advance(2);
    let same = until(&mut h, &mut [&mut od], |h, s| {
        let (Some(seen), Some(there)) = (
            remote(s[0]).sim.as_ref(),
            h.world()
                .resource::<Host>()
                .session()
                .and_then(|s| s.world().get_resource::<firstline::sim::view::SimView>()),
        ) else {
            return false;
        };
        seen.tick == there.tick && !there.houses.is_empty()
    });
    assert!(same, "the seat never caught up with the host's situation");
    let seen = remote(&od).sim.clone().unwrap();
    let host_ref = h.world().resource::<Host>();
    let there = host_ref.session().unwrap().world().resource::<firstline::sim::view::SimView>();
    assert_eq!(seen.houses.len(), there.houses.len());
    for (a, b) in seen.houses.iter().zip(&there.houses) {
        // Places travel in JSON, exact to a micrometre.
        assert_eq!((&a.household, a.state), (&b.household, b.state));
        assert!((a.at.0 - b.at.0).abs() < 1e-6 && (a.at.1 - b.at.1).abs() < 1e-6);
    }
    assert_eq!(seen.residents.len(), there.residents.len());
    for (a, b) in seen.residents.iter().zip(&there.residents) {
        assert_eq!(a.state, b.state);
        assert!((a.at.0 - b.at.0).abs() <= 0.05 + 1e-9 && (a.at.1 - b.at.1).abs() <= 0.05 + 1e-9);
    }
}
