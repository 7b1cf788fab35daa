//! The command line's classroom: `firstline host` runs a drill for seats
//! on the LAN and prints their join codes; the host's terminal shows who
//! is in and the drill's clock.
//!
//! May not touch: sim state (the host does the work).

use firstline::net::host::{Away, Host, HostSetup};
use firstline::net::protocol::SeatKind;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The port a host listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 7460;

#[derive(clap::Args)]
pub struct HostArgs {
    /// The scenario file.
    pub file: PathBuf,
    /// UDP port to listen on.
    #[arg(long, default_value_t = DEFAULT_PORT)]
    pub port: u16,
    /// The trainee seats: role ids, comma-separated (default: every role).
    #[arg(long, value_name = "ROLE,...")]
    pub seats: Option<String>,
    /// Projector screens to seat.
    #[arg(long, default_value_t = 1)]
    pub screens: usize,
    /// Drill seconds per second once every trainee seat is in (default:
    /// the scenario's pace, or 1).
    #[arg(long)]
    pub speed: Option<u32>,
    /// Who plays a role while its seat is away.
    #[arg(long, value_enum, default_value_t = Away::Follower)]
    pub away: Away,
    /// Random seed (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// The event log, which is also the journal while the drill runs
    /// (default: runs/<drill>-class-seed<N>-<time>.log.jsonl).
    #[arg(long, value_name = "PATH")]
    pub log: Option<PathBuf>,
    /// The report (default: beside the log).
    #[arg(long, value_name = "PATH")]
    pub report: Option<PathBuf>,
    /// Carry on a drill whose host stopped: its log (or `.partial`
    /// journal); the seats keep their codes.
    #[arg(long, value_name = "LOG")]
    pub resume: Option<PathBuf>,
    /// Open the instructor's console on the host's drill: every role, the
    /// seats' join codes (with QR codes), the pace, injects and hazards.
    #[cfg(feature = "gui")]
    #[arg(long)]
    pub window: bool,
    /// The window's size, WIDTHxHEIGHT (with `--window`).
    #[cfg(feature = "gui")]
    #[arg(long, default_value = "1600x900", value_parser = crate::parse_size, requires = "window")]
    pub size: (u32, u32),
    /// Save a PNG of the window once the drill shows this drill second,
    /// end the drill and close (with `--window`).
    #[cfg(feature = "gui")]
    #[arg(long, value_name = "SECONDS", requires_all = ["screenshot", "window"])]
    pub exit_after: Option<u64>,
    #[cfg(feature = "gui")]
    #[arg(long, value_name = "PNG", requires = "window")]
    pub screenshot: Option<PathBuf>,
}

/// This machine's address on the LAN (the one a route out would use; no
/// packet is sent), for the join line.
fn lan_ip() -> Option<std::net::IpAddr> {
    let s = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect("192.0.2.1:9").ok()?;
    s.local_addr().ok().map(|a| a.ip()).filter(|ip| !ip.is_unspecified())
}

pub fn host_cmd(a: HostArgs, lang: firstline::i18n::Lang) -> ExitCode {
    let loaded = match firstline::scenario::load(&a.file) {
        Ok(l) => l,
        Err(r) => {
            eprintln!("{}", r.render());
            return ExitCode::from(2);
        }
    };
    let s = &loaded.scenario;
    let roles: Vec<String> = match &a.seats {
        Some(list) => list.split(',').map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()).collect(),
        None => s.roles.iter().map(|r| r.id.clone()).collect(),
    };
    let mut seats: Vec<SeatKind> = roles.into_iter().map(SeatKind::Role).collect();
    seats.extend((0..a.screens).map(|_| SeatKind::Screen));
    let seed = a.seed.unwrap_or(s.meta.seed);
    let (default_log, default_report) = firstline::record::outputs::default_outputs(&s.meta.id, "class", seed);
    let log = a.log.clone().or_else(|| a.resume.clone()).unwrap_or(default_log);
    let log = if log.extension().is_some_and(|e| e == "partial") { log.with_extension("") } else { log };
    let report = match (&a.report, &a.log, &a.resume) {
        (Some(r), _, _) => r.clone(),
        (None, None, None) => default_report,
        // Beside the log it was given.
        _ => {
            let name = log
                .file_name()
                .map_or("class".into(), |n| n.to_string_lossy().trim_end_matches(".log.jsonl").to_owned());
            log.with_file_name(format!("{name}.report.json"))
        }
    };
    let setup = HostSetup {
        seats,
        away: a.away,
        speed: a.speed.unwrap_or(s.meta.pace.unwrap_or(1)),
        seed: a.seed,
        log: log.clone(),
        report: Some(report.clone()),
        inputs: vec![a.file.clone()],
        sim_every: Duration::from_millis(500),
    };
    let host = match &a.resume {
        Some(j) => Host::resume(&loaded, j, setup),
        None => Host::start(&loaded, setup),
    };
    let host = match host {
        Ok(h) => h,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let bind = SocketAddr::from(([0, 0, 0, 0], a.port));
    let (socket, local) = match firstline::net::bind(bind) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let shown = SocketAddr::new(lan_ip().unwrap_or(local.ip()), local.port());
    if a.resume.is_some() {
        println!("resumed {} at {} s; the seats keep their codes", s.meta.id, host.now_s());
    }
    println!(
        "{} — listening on UDP and TCP {local}; journal {}",
        s.meta.id,
        firstline::record::atomic::partial_path(&log).display()
    );
    for seat in &host.seats {
        let what = match &seat.seat {
            SeatKind::Role(r) => format!("seat {r}"),
            SeatKind::Screen => "screen".to_owned(),
        };
        let cmd = if seat.seat == SeatKind::Screen { "screen" } else { "join" };
        println!("  {what:<24} {}   firstline {cmd} {shown} --code {}", seat.code(), seat.code());
    }
    println!("the clock starts when every trainee seat is in");
    #[cfg(feature = "gui")]
    if a.window {
        let hosted = firstline::gui::hosting::Hosted {
            host,
            socket,
            addr: shown.to_string(),
            exit_after_s: a.exit_after,
            screenshot: a.screenshot.clone(),
        };
        return firstline::gui::open_host(hosted, lang, a.size);
    }
    #[cfg(not(feature = "gui"))]
    let _ = lang;
    let mut app = match firstline::net::host_app_on(host, socket) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let frame = Duration::from_millis(16);
    let mut said = Instant::now();
    let mut last_in = usize::MAX;
    loop {
        let t0 = Instant::now();
        app.update();
        let h = app.world().resource::<Host>();
        if let Some(out) = &h.outcome {
            match out {
                Ok(o) => {
                    println!("drill ended: {:.1} points ({:?})", o.report.scoring.score, o.report.scoring.level);
                    println!("wrote {} and {}", log.display(), report.display());
                    return ExitCode::SUCCESS;
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        let seated = h.seats.iter().filter(|s| s.client.is_some()).count();
        if seated != last_in || said.elapsed() >= Duration::from_secs(10) {
            println!(
                "{:>6} s  seats in {seated}/{}{}",
                h.now_s(),
                h.seats.len(),
                if h.waiting { "  (waiting)" } else { "" }
            );
            said = Instant::now();
            last_in = seated;
        }
        std::thread::sleep(frame.saturating_sub(t0.elapsed()));
    }
}
