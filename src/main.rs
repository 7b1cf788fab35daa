//! The `firstline` command line: the window (no subcommand: the launcher;
//! `play`: straight into a drill), and validating, running and replaying
//! drills headless.

mod cli;

use clap::{Parser, Subcommand};
use firstline::headless::{self, RunOptions};
use firstline::record::replay;
use firstline::roles::plans::{Competence, NpcRoles};
use firstline::scenario;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "firstline", version, about = "Firstline 基层应急演练仿真系统 — township emergency drill simulator")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Language of the window and of the evaluation reports.
    #[arg(long, value_enum, default_value = "zh-CN", global = true)]
    lang: firstline::i18n::Lang,
}

#[derive(Subcommand)]
enum Command {
    /// Play a drill in the window as one role (the others are played by
    /// their plan followers); FILE is a scenario file or the name of an
    /// embedded drill (qingshi_flood, qingshi_landslide, qingshi_fire).
    #[cfg(feature = "gui")]
    Play(PlayArgs),
    /// Host a classroom drill on the LAN: the drill runs here, each seat
    /// (a trainee's role, a projector screen) joins with the code printed
    /// for it; the event log is the journal (`--resume` carries on a drill
    /// whose host stopped).
    Host(cli::classroom::HostArgs),
    /// Take a trainee's seat at a classroom drill: ADDR is the host's
    /// `IP:PORT`, CODE the code it printed for the seat.
    #[cfg(feature = "gui")]
    Join(JoinArgs),
    /// Show a classroom drill on the projector: the screen's code.
    #[cfg(feature = "gui")]
    Screen(JoinArgs),
    /// Check scenario files; exit 0 when all are valid, 2 when any is not.
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Show what a scenario's map holds: extent, elevation range, land
    /// cover areas, villages, shelters, roads, gauges; what is at a point;
    /// and the map as a picture.
    Inspect {
        file: PathBuf,
        /// A point to describe, `X,Y` in metres from the south-west corner.
        #[arg(long, value_name = "X,Y", value_parser = parse_point)]
        at: Option<(f64, f64)>,
        /// Draw the map into this PNG.
        #[arg(long, value_name = "PNG")]
        png: Option<PathBuf>,
        /// Pixels along the picture's longer side.
        #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u32).range(64..=8192))]
        pixels: u32,
    },
    /// Make a township scenario from an elevation model (GeoTIFF) and an
    /// OpenStreetMap extract (.osm.pbf or .osm): terrain, roads, rivers,
    /// land cover, buildings as households, proposed shelters, villages.
    /// Writes OUT (the scenario skeleton, commented), OUT's heightmap
    /// (.height.png) and a picture of the map (.png).
    Import {
        /// The elevation model: a single-band GeoTIFF (SRTM, ASTER, ALOS, a survey).
        #[arg(long)]
        dem: PathBuf,
        /// The map data: an OpenStreetMap .osm.pbf or .osm file.
        #[arg(long)]
        osm: PathBuf,
        /// The area, `WEST,SOUTH,EAST,NORTH` in degrees (default: the OSM file's bounds).
        #[arg(long, value_name = "W,S,E,N", allow_hyphen_values = true)]
        bbox: Option<String>,
        /// Terrain cell edge (m).
        #[arg(long, default_value_t = 10.0)]
        cell: f64,
        /// The walkers' cell edge (m); the terrain cell divided by a whole number.
        #[arg(long, default_value_t = 2.0)]
        walk_cell: f64,
        /// Mean people per household.
        #[arg(long, default_value_t = 2.8)]
        persons: f64,
        /// Floor area per household (m²): a building's floor area (footprint ×
        /// levels) over this is its number of households, at least one.
        #[arg(long, default_value_t = 120.0)]
        m2_per_household: f64,
        /// The scenario file to write (e.g. township.ron).
        #[arg(long)]
        out: PathBuf,
    },
    /// Run a drill headless to its end and print a summary.
    Run {
        file: PathBuf,
        /// Random seed (default: the scenario's).
        #[arg(long)]
        seed: Option<u64>,
        /// Stop after this many drill seconds.
        #[arg(long, value_name = "SECONDS")]
        until: Option<u32>,
        /// Write the report JSON here.
        #[arg(long, value_name = "PATH")]
        report: Option<PathBuf>,
        /// Write the event log here.
        #[arg(long, value_name = "PATH")]
        log: Option<PathBuf>,
        /// Roles the software plays by their plans: all, none, or a comma-separated list of role ids.
        #[arg(long, default_value = "all", value_name = "all|none|ROLE,...")]
        npc: String,
        /// How well the software plays its roles.
        #[arg(long, value_enum, default_value_t = Competence::Perfect)]
        competence: Competence,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
        /// Print where the wall time went, by model (flood, crowd, …), to
        /// standard error.
        #[arg(long)]
        profile: bool,
        /// The orders of the people from a recorded session (a window's or
        /// a team's event log): their seats' orders are given at their ticks.
        #[arg(long, value_name = "LOG")]
        orders: Option<PathBuf>,
        /// Store the finished run in the records (replayed first).
        #[arg(long)]
        record: bool,
        /// With --record: the person who played --role (their code or ID number).
        #[arg(long, requires = "record")]
        trainee: Option<String>,
        /// With --trainee: the role they played.
        #[arg(long, requires = "trainee")]
        role: Option<String>,
        /// With --record: the township or village that held the drill (its
        /// code), so it counts for its yearly drills (`records compliance`).
        #[arg(long, requires = "record")]
        org: Option<String>,
        /// With --org: comprehensive or special (综合, 专项); the scenario's
        /// `drill_kind` when absent.
        #[arg(long, requires = "org")]
        kind: Option<String>,
        /// The records database (default: the platform's data folder, or $FIRSTLINE_DB).
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
    },
    /// Run a drill over many seeds with perfect, typical and poor plan
    /// followers and with nobody acting, and print the table of scores
    /// (does the rubric separate them, and does chance decide a level?).
    Sweep {
        file: PathBuf,
        /// Seeds: a range `1-20` or a list `1,5,11`.
        #[arg(long, default_value = "1-20")]
        seeds: String,
        /// Who plays: a comma-separated list of perfect, typical, poor, nobody.
        #[arg(long, default_value = "perfect,typical,poor,nobody")]
        players: String,
        /// Runs at once (default: the machine's cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Also print one line per run.
        #[arg(long)]
        each: bool,
    },
    /// Open the after-action review (复盘) of a recorded drill in the window:
    /// the drill replayed once with keyframes, then shown at any moment (a
    /// scrubber, play and pause), the timeline with filters by role and
    /// kind, the scorecard whose evidence jumps the drill to its event, and
    /// the report's charts.
    #[cfg(feature = "gui")]
    Review {
        log: PathBuf,
        /// The scenario file the log was recorded with.
        #[arg(long)]
        scenario: PathBuf,
        /// Open at this drill second.
        #[arg(long, value_name = "SECONDS")]
        at: Option<u64>,
        /// Open this metric's evidence (a metric id of the rubric).
        #[arg(long, value_name = "ID")]
        metric: Option<String>,
        /// Save a PNG of the window (with --at), then close.
        #[arg(long, value_name = "PNG", requires = "at")]
        screenshot: Option<PathBuf>,
        /// Window size, WIDTHxHEIGHT.
        #[arg(long, default_value = "1280x720", value_parser = parse_size)]
        size: (u32, u32),
    },
    /// Write the drill evaluation report (演练评估报告) of a recorded run:
    /// the log is replayed first (a log that does not replay gets no
    /// report, exit 3), then the overview, timeline, metrics with their
    /// evidence, problems and suggestions, and charts are written as a
    /// self-contained HTML file and/or a PDF with the Chinese font embedded.
    Report {
        log: PathBuf,
        /// The scenario file the log was recorded with.
        #[arg(long)]
        scenario: PathBuf,
        #[arg(long, value_name = "PATH")]
        html: Option<PathBuf>,
        #[arg(long, value_name = "PATH")]
        pdf: Option<PathBuf>,
        /// Evaluate a log without its end (what it holds).
        #[arg(long)]
        partial: bool,
    },
    /// Re-run a recorded drill (the software plays its roles again, the
    /// trainees' and instructor's orders come from the log) and compare every
    /// event; exit 0 when identical, 3 when not (the first differing line is
    /// printed), 2 for bad input or an incomplete log.
    Replay {
        log: PathBuf,
        /// The scenario file the log was recorded with.
        #[arg(long)]
        scenario: PathBuf,
        /// Write the replayed run's report here.
        #[arg(long, value_name = "PATH")]
        report: Option<PathBuf>,
        /// Replay a log without its end up to its last event.
        #[arg(long)]
        partial: bool,
    },
    /// The records (演练档案): organisations, people, runs; import and export.
    Records {
        /// The records: a township's SQLite file (default: the platform's
        /// data folder, or $FIRSTLINE_DB), or a centre's postgres://… database.
        #[arg(long, value_name = "PATH|URL", global = true)]
        db: Option<PathBuf>,
        #[command(subcommand)]
        cmd: cli::records::RecordsCmd,
    },
    /// Graded assessment of volunteer teams: run every team's command log
    /// on its category's drills (in parallel), score, grade, store each run
    /// as it finishes (run again after an interruption, it does only what is
    /// not stored), print and export the ranked table.
    Assess {
        /// The roster (RON); not with --worker.
        #[arg(required_unless_present = "worker")]
        roster: Option<PathBuf>,
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
        /// Queue the roster's runs at a centre (postgres://…) for workers,
        /// instead of running them here; run again to see the ranked table.
        #[arg(long, value_name = "URL", conflicts_with = "worker")]
        queue: Option<String>,
        /// Work for a centre (postgres://…): take its queued runs one at a
        /// time until none is left.
        #[arg(long, value_name = "URL")]
        worker: Option<String>,
        /// Runs at once (default: the machine's cores).
        #[arg(long)]
        threads: Option<usize>,
        #[arg(long, value_name = "PATH")]
        csv: Option<PathBuf>,
        #[arg(long, value_name = "PATH")]
        xlsx: Option<PathBuf>,
    },
    /// The issuing office's signing key.
    Keys {
        #[command(subcommand)]
        cmd: cli::records::KeysCmd,
    },
    /// Issue a signed certificate for a person's stored run (JSON, and a
    /// printable PDF with a QR code).
    Certify {
        /// The run's number in the records.
        run: i64,
        /// The person (their code or identity number).
        #[arg(long)]
        person: String,
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
        /// The office's signing key (default: the platform's config folder, or $FIRSTLINE_KEY).
        #[arg(long, value_name = "PATH")]
        key: Option<PathBuf>,
        /// The certificate file to write.
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// The printable certificate.
        #[arg(long, value_name = "PATH")]
        pdf: Option<PathBuf>,
    },
    /// Check a certificate: its signature (against the office's public key),
    /// then the drill re-run from its own scenario and orders; says exactly
    /// what fails; exit 0 valid, 3 invalid, 2 bad input.
    Verify {
        cert: PathBuf,
        /// The issuing office's public key (`.pub.pem`).
        #[arg(long, value_name = "PATH")]
        pubkey: Option<PathBuf>,
        /// Where the scenario's relative asset files (heightmaps) are.
        #[arg(long, value_name = "DIR")]
        scenario_dir: Option<PathBuf>,
    },
}

#[cfg(feature = "gui")]
#[derive(clap::Args)]
struct PlayArgs {
    file: PathBuf,
    /// The role to play (a role id of the drill); the first role when absent.
    #[arg(long)]
    role: Option<String>,
    /// Random seed (default: the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// How well the plan followers play the other roles.
    #[arg(long, value_enum, default_value_t = Competence::Perfect)]
    competence: Competence,
    /// Practice (pause, speeds ×1…×120) or assessment (the scenario's pace).
    #[arg(long, value_enum, default_value = "practice")]
    mode: firstline::gui::console::Mode,
    /// The event log (default: runs/<drill>-<role>-seed<N>-<time>.log.jsonl).
    #[arg(long, value_name = "PATH")]
    log: Option<PathBuf>,
    /// The report (default: beside the log).
    #[arg(long, value_name = "PATH")]
    report: Option<PathBuf>,
    /// What the person does, at drill seconds (RON; see `gui::script`).
    #[arg(long, value_name = "FILE")]
    script: Option<PathBuf>,
    /// Run at full speed to this drill second, then end (with --screenshot:
    /// take it there first).
    #[arg(long, value_name = "SECONDS")]
    exit_after: Option<u64>,
    /// Practice speed at the start, drill seconds per second (×1…×120; the
    /// instructor's console ×1…×600).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=600))]
    speed: Option<u32>,
    /// Save a PNG of the window at --exit-after.
    #[arg(long, value_name = "PNG", requires = "exit_after")]
    screenshot: Option<PathBuf>,
    /// Report mean, median and p99 frame times at the end (and write them
    /// as JSON to PATH).
    #[arg(long, value_name = "PATH", num_args = 0..=1)]
    frame_stats: Option<Option<PathBuf>>,
    /// Window size, WIDTHxHEIGHT.
    #[arg(long, default_value = "1280x720", value_parser = parse_size)]
    size: (u32, u32),
    /// Text scale (1.5 for a projector).
    #[arg(long, default_value_t = 1.0)]
    scale: f32,
    /// The instructor's console (导调台): every role played by its plan
    /// follower until taken over; injects, hazards, messages and notes sent
    /// live through the instructor seat; speeds up to ×600.
    #[arg(long, conflicts_with = "screen")]
    instructor: bool,
    /// The projector screen (大屏): no controls, big counters, each
    /// village's time left before the hazard reaches it, the river gauge,
    /// a camera that follows the hazard; every role played by its follower.
    #[arg(long)]
    screen: bool,
    /// With --screen: show the drill another window is running, by
    /// following its event log as it is written (the same drill is run
    /// here from that log's orders; give the path passed to that window's
    /// --log).
    #[arg(long, value_name = "LOG", requires = "screen")]
    follow: Option<PathBuf>,
    /// What if: play --role from drill second --at of this recorded run on
    /// (the same drill, seed and software players; the run's orders before
    /// that moment); the log's header names the run it branched from.
    #[arg(long, value_name = "LOG", requires = "at")]
    branch_of: Option<PathBuf>,
    /// With --branch-of: the drill second to take over at.
    #[arg(long, value_name = "SECONDS", requires = "branch_of")]
    at: Option<u64>,
}

#[cfg(feature = "gui")]
fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s.split_once('x').ok_or("expected WIDTHxHEIGHT, e.g. 1920x1080")?;
    let (w, h) = (w.parse::<u32>().map_err(|e| e.to_string())?, h.parse::<u32>().map_err(|e| e.to_string())?);
    if !(320..=7680).contains(&w) || !(240..=4320).contains(&h) {
        return Err("a size from 320x240 to 7680x4320".into());
    }
    Ok((w, h))
}

#[cfg(feature = "gui")]
fn play(a: PlayArgs, lang: firstline::i18n::Lang) -> ExitCode {
    use firstline::gui::{self, catalog, play::PlaySetup, script::Script};
    let name = a.file.to_string_lossy().to_string();
    let source = if a.file.exists() {
        catalog::Source::File(a.file.clone())
    } else if let Some((n, t)) =
        catalog::EMBEDDED.iter().find(|(n, _)| *n == name || n.trim_end_matches(".ron") == name)
    {
        catalog::Source::Embedded(n, t)
    } else {
        eprintln!(
            "error: {name}: no such file, nor an embedded drill (qingshi_flood, qingshi_landslide, qingshi_fire)"
        );
        return ExitCode::from(2);
    };
    let loaded = match source.load() {
        Ok(l) => l,
        Err(r) => {
            eprintln!("{r}");
            return ExitCode::from(2);
        }
    };
    let script = match &a.script {
        Some(p) => match Script::read(p) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        },
        None => Script::default(),
    };
    let role = a.role.clone().unwrap_or_else(|| loaded.scenario.roles[0].id.clone());
    let seed = a.seed.unwrap_or(loaded.scenario.meta.seed);
    let seat_name = if a.instructor { firstline::sim::orders::INSTRUCTOR_ROLE.to_owned() } else { role.clone() };
    let (log, report) = match (a.log.clone(), a.report.clone()) {
        (Some(l), Some(r)) => (l, r),
        (Some(l), None) => {
            let r = l.with_extension("report.json");
            (l, r)
        }
        (None, r) => {
            let (l, dr) = gui::play::default_outputs(&loaded.scenario.meta.id, &seat_name, seed);
            (l, r.unwrap_or(dr))
        }
    };
    let mut inputs: Vec<PathBuf> = a.script.iter().cloned().collect();
    if let catalog::Source::File(p) = &source {
        inputs.push(p.clone());
    }
    // The screen writes nothing: it shows a drill, it does not record one.
    let (log, report) = if a.screen { (None, None) } else { (Some(log), Some(report)) };
    let setup = PlaySetup {
        role,
        mode: a.mode,
        competence: a.competence,
        seed: a.seed,
        log,
        report,
        inputs,
        script,
        exit_after_s: a.exit_after,
        screenshot: a.screenshot,
        speed: a.speed,
        // Frame times are measured at the chosen pace, not at full speed.
        paced: a.frame_stats.is_some(),
        instructor: a.instructor,
        screen: a.screen,
        follow: a.follow,
        branch: a.branch_of.clone().zip(a.at.map(|s| s / loaded.scenario.meta.tick_s.max(1) as u64)),
    };
    gui::open(gui::GuiOptions {
        start: Some((source, setup)),
        lang,
        size: a.size,
        frame_stats: a.frame_stats,
        scale: a.scale,
        join: None,
    })
}

/// A seat's window at a classroom drill.
#[cfg(feature = "gui")]
#[derive(clap::Args)]
struct JoinArgs {
    /// The host, `IP:PORT` (a host listens on port 7460 unless told otherwise; the port may be left out).
    addr: String,
    /// The seat's join code, as the host printed it.
    #[arg(long)]
    code: String,
    /// Window size, WIDTHxHEIGHT.
    #[arg(long, default_value = "1280x720", value_parser = parse_size)]
    size: (u32, u32),
    /// Save a PNG of the window once the drill shows this drill second, then close.
    #[arg(long, value_name = "SECONDS", requires = "screenshot")]
    exit_after: Option<u64>,
    #[arg(long, value_name = "PNG")]
    screenshot: Option<PathBuf>,
}

#[cfg(feature = "gui")]
fn join(a: JoinArgs, scale: f32, lang: firstline::i18n::Lang) -> ExitCode {
    use std::net::ToSocketAddrs;
    let with_port = if a.addr.rsplit_once(':').is_some_and(|(_, p)| p.parse::<u16>().is_ok()) {
        a.addr.clone()
    } else {
        format!("{}:{}", a.addr, cli::classroom::DEFAULT_PORT)
    };
    let addr = match with_port.to_socket_addrs().ok().and_then(|mut i| i.next()) {
        Some(x) => x,
        None => {
            eprintln!("error: {}: not a host address (IP:PORT)", a.addr);
            return ExitCode::from(2);
        }
    };
    firstline::gui::open(firstline::gui::GuiOptions {
        start: None,
        lang,
        size: a.size,
        frame_stats: None,
        scale,
        join: Some(firstline::gui::join::Joining {
            addr,
            code: a.code,
            exit_after_s: a.exit_after,
            screenshot: a.screenshot,
            error: None,
        }),
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Some(command) = cli.command else {
        #[cfg(feature = "gui")]
        return firstline::gui::open(firstline::gui::GuiOptions {
            start: None,
            lang: cli.lang,
            size: (1280, 720),
            frame_stats: None,
            scale: 1.0,
            join: None,
        });
        #[cfg(not(feature = "gui"))]
        {
            eprintln!("this build has no window (built without the `gui` feature); see `firstline --help`");
            return ExitCode::from(2);
        }
    };
    match command {
        #[cfg(feature = "gui")]
        Command::Play(a) => play(a, cli.lang),
        Command::Host(a) => cli::classroom::host_cmd(a, cli.lang),
        #[cfg(feature = "gui")]
        Command::Join(a) => join(a, 1.0, cli.lang),
        #[cfg(feature = "gui")]
        Command::Screen(a) => join(a, 1.5, cli.lang),
        Command::Validate { files } => validate(&files),
        Command::Inspect { file, at, png, pixels } => inspect(&file, at, png.as_deref(), pixels),
        Command::Import { dem, osm, bbox, cell, walk_cell, persons, m2_per_household, out } => {
            import(dem, osm, bbox.as_deref(), cell, walk_cell, persons, m2_per_household, out)
        }
        Command::Replay { log, scenario, report, partial } => replay(&log, &scenario, report, partial),
        #[cfg(feature = "gui")]
        Command::Review { log, scenario, at, metric, screenshot, size } => {
            review(&log, &scenario, at, metric, screenshot, size, cli.lang)
        }
        Command::Report { log, scenario, html, pdf, partial } => {
            evaluation_report(&log, &scenario, html, pdf, cli.lang, partial)
        }
        Command::Sweep { file, seeds, players, threads, each } => sweep(&file, &seeds, &players, threads, each),
        Command::Records { db, cmd } => cli::records::records(cmd, db.as_deref()),
        Command::Keys { cmd } => cli::records::keys_cmd(cmd),
        Command::Assess { roster, db, queue, worker, threads, csv, xlsx } => match (roster, worker) {
            (_, Some(url)) => cli::records::worker_cmd(&url),
            (Some(roster), None) => match queue {
                Some(url) => cli::records::queue_cmd(&roster, &url, csv.as_deref(), xlsx.as_deref()),
                None => cli::records::assess_cmd(&roster, db.as_deref(), threads, csv.as_deref(), xlsx.as_deref()),
            },
            (None, None) => ExitCode::from(2),
        },
        Command::Certify { run, person, db, key, out, pdf } => {
            cli::records::certify_cmd(run, &person, db.as_deref(), key, &out, pdf)
        }
        Command::Verify { cert, pubkey, scenario_dir } => {
            cli::records::verify_cmd(&cert, pubkey.as_deref(), scenario_dir.as_deref())
        }
        Command::Run {
            file,
            seed,
            until,
            report,
            log,
            npc,
            competence,
            quiet,
            profile,
            orders,
            record,
            trainee,
            role,
            org,
            kind,
            db,
        } => {
            let npc = match npc.as_str() {
                "all" => NpcRoles::All,
                "none" => NpcRoles::None,
                list => NpcRoles::Only(list.split(',').map(|r| r.trim().to_owned()).collect()),
            };
            let commands = match orders.as_deref().map(read_orders).transpose() {
                Ok(c) => c.unwrap_or_default(),
                Err(code) => return code,
            };
            let mut inputs = vec![file.clone()];
            inputs.extend(orders);
            let opts = RunOptions {
                seed,
                until_s: until,
                log,
                report,
                inputs,
                npc,
                competence,
                commands,
                ..Default::default()
            };
            let kind = match kind.as_deref().map(firstline::scenario::schema::DrillKind::parse).transpose() {
                Ok(k) => k,
                Err(e) => {
                    eprintln!("error: --kind: {e}");
                    return ExitCode::from(2);
                }
            };
            let session = org.map(|org| firstline::record::store::NewSession {
                date: firstline::record::store::today(),
                organisation: Some(org),
                kind,
                ..Default::default()
            });
            let record = record.then(|| Record { db, seats: role.into_iter().zip(trainee).collect(), session });
            run(file, opts, quiet, profile, record)
        }
    }
}

fn validate(files: &[PathBuf]) -> ExitCode {
    let mut ok = true;
    for f in files {
        match scenario::load(f) {
            Ok(l) => {
                for w in &l.warnings {
                    eprintln!("{w}");
                }
                let people: u32 =
                    l.scenario.villages.iter().flat_map(scenario::expand::households).map(|h| h.members.total()).sum();
                println!(
                    "{}: valid ({}; {} villages, {} residents, {} roles)",
                    f.display(),
                    l.scenario.meta.id,
                    l.scenario.villages.len(),
                    people,
                    l.scenario.roles.len()
                );
            }
            Err(r) => {
                ok = false;
                eprintln!("{}", r.render());
                let n = r.diagnostics.iter().filter(|d| d.is_error()).count();
                eprintln!("{}: invalid ({n} error{})", f.display(), if n == 1 { "" } else { "s" });
            }
        }
    }
    if ok { ExitCode::SUCCESS } else { ExitCode::from(2) }
}

/// `run --record`: where, and who sat in which role.
struct Record {
    db: Option<PathBuf>,
    seats: Vec<(String, String)>,
    session: Option<firstline::record::store::NewSession>,
}

/// The people's orders (not the software's) of a recorded session's log.
fn read_orders(path: &Path) -> Result<Vec<firstline::sim::orders::Command>, ExitCode> {
    let text = std::fs::read(path).map_err(|e| {
        eprintln!("error: cannot read {}: {e}", path.display());
        ExitCode::from(2)
    })?;
    replay::read_log(&String::from_utf8_lossy(&text)).map(|r| r.commands).map_err(|e| {
        eprintln!("{}:{e}", path.display());
        ExitCode::from(2)
    })
}

fn run(file: PathBuf, mut opts: RunOptions, quiet: bool, profile: bool, record: Option<Record>) -> ExitCode {
    // The drill runs on this thread: it is one of rayon's.
    firstline::headless::work_on_this_thread();
    // A run to record needs its log's bytes: beside the records when no --log.
    let scratch = (record.is_some() && opts.log.is_none())
        .then(|| std::env::temp_dir().join(format!("firstline-record-{}.log.jsonl", std::process::id())));
    if let Some(p) = &scratch {
        opts.log = Some(p.clone());
    }
    let loaded = match scenario::load(&file) {
        Ok(l) => {
            if let NpcRoles::Only(list) = &opts.npc
                && let Some(bad) = list.iter().find(|r| !l.scenario.roles.iter().any(|x| &x.id == *r))
            {
                eprintln!("error: --npc names `{bad}`, which is not a role of {}", l.scenario.meta.id);
                return ExitCode::from(2);
            }
            l
        }
        Err(r) => {
            eprintln!("{}", r.render());
            return ExitCode::from(2);
        }
    };
    let bar = if quiet { ProgressBar::hidden() } else { ProgressBar::new(0) };
    bar.set_style(
        ProgressStyle::with_template("{spinner} drill {pos}/{len} ticks [{bar:40}] {per_sec} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = std::time::Instant::now(); // wall time, printed to stderr only (allowed)
    let mut progress = |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let outcome = if profile {
        headless::run_profiled(&loaded, &opts, &mut progress).map(|(o, laps)| (o, Some(laps)))
    } else {
        headless::run(&loaded, &opts, &mut progress).map(|o| (o, None))
    };
    bar.finish_and_clear();
    let (outcome, laps) = match outcome {
        Ok(o) => o,
        Err(e) => return failed(&e),
    };
    // The report and log are already in place: a closed stdout loses nothing.
    let r = &outcome.report;
    let _ = writeln!(std::io::stdout(), "{}", summary_table(r));
    eprintln!("ran {} drill seconds in {:.2} s wall time", r.drill_seconds, started.elapsed().as_secs_f64());
    if let Some(laps) = laps {
        eprint!("wall time by phase of the tick:\n{}", laps.table());
    }
    let Some(record) = record else { return ExitCode::SUCCESS };
    let log_path = opts.log.clone().unwrap_or_default();
    let stored = (|| {
        let log = std::fs::read(&log_path).map_err(|e| format!("cannot read {}: {e}", log_path.display()))?;
        let source = std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let path = record.db.clone().unwrap_or_else(firstline::record::store::Store::default_path);
        let mut store = firstline::record::store::Store::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        // People are named by code or identity number; the store keeps codes.
        let mut seats = Vec::new();
        for (role, who) in &record.seats {
            seats.push((role.clone(), store.person(who).map_err(|e| e.to_string())?.code));
        }
        firstline::certify::record(&mut store, &loaded, &source, &log, &seats, record.session.clone())
    })();
    if let Some(p) = &scratch {
        let _ = std::fs::remove_file(p);
    }
    match stored {
        Ok(id) => {
            println!("stored as run {id}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: the run was not recorded: {e}");
            ExitCode::from(3)
        }
    }
}

/// Exit code and message of a failed run: 2 for outputs refused before the
/// drill, 1 for I/O failures.
fn failed(e: &std::io::Error) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(if e.kind() == std::io::ErrorKind::InvalidInput { 2 } else { 1 })
}

/// Reads a recorded run's log and the scenario it was recorded with, and
/// checks that they belong together; the error is printed and its exit
/// code returned (2: bad input).
fn open_recorded(
    log_path: &Path,
    scenario_path: &Path,
) -> Result<(Vec<u8>, replay::Recorded, scenario::Loaded), ExitCode> {
    let bytes = std::fs::read(log_path).map_err(|e| {
        eprintln!("error: cannot read {}: {e}", log_path.display());
        ExitCode::from(2)
    })?;
    let recorded = replay::read_log(&String::from_utf8_lossy(&bytes)).map_err(|e| {
        eprintln!("{}:{e}", log_path.display());
        ExitCode::from(2)
    })?;
    let loaded = scenario::load(scenario_path).map_err(|r| {
        eprintln!("{}", r.render());
        ExitCode::from(2)
    })?;
    if loaded.sha256 != recorded.header.scenario_sha256 {
        eprintln!(
            "error: {} is not the scenario this log was recorded with (sha256 {} ≠ {})",
            scenario_path.display(),
            &loaded.sha256[..12],
            recorded.header.scenario_sha256.get(..12).unwrap_or(&recorded.header.scenario_sha256)
        );
        return Err(ExitCode::from(2));
    }
    Ok((bytes, recorded, loaded))
}

/// `firstline review`: replay the log with keyframes, then open the window.
#[cfg(feature = "gui")]
fn review(
    log_path: &Path,
    scenario_path: &Path,
    at: Option<u64>,
    metric: Option<String>,
    screenshot: Option<PathBuf>,
    size: (u32, u32),
    lang: firstline::i18n::Lang,
) -> ExitCode {
    use firstline::gui;
    let (_, recorded, loaded) = match open_recorded(log_path, scenario_path) {
        Ok(o) => o,
        Err(code) => return code,
    };
    let bar = indicatif::ProgressBar::new(100);
    bar.set_style(
        indicatif::ProgressStyle::with_template("replaying for the review {bar:40} {percent}%")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let started = std::time::Instant::now(); // ok: wall time printed to stderr only
    let seeker = match firstline::review::Seeker::new(&loaded, &recorded, 600, &mut |t, total| {
        bar.set_position((100 * t / total.max(1)).min(100));
    }) {
        Ok(s) => s,
        Err(e) => return failed(&e),
    };
    bar.finish_and_clear();
    eprintln!("replayed in {:.1} s; {} keyframes", started.elapsed().as_secs_f64(), seeker.keyframes().len());
    if let Some(d) =
        replay::first_difference(&recorded.events, &seeker.events()[..recorded.events.len().min(seeker.events().len())])
    {
        eprintln!("{}: the log does not replay, so it cannot be reviewed:\n{d}", log_path.display());
        return ExitCode::from(3);
    }
    let mut play = gui::play::Play::review(&loaded, log_path.to_owned(), seeker, recorded.header.clone(), lang);
    let tick_s = loaded.scenario.meta.tick_s.max(1) as u64;
    let mut console = gui::console::state::ConsoleState::default();
    if let Some(id) = &metric {
        let Some(k) = play.review.as_ref().and_then(|r| r.card.metrics.iter().position(|m| &m.id == id)) else {
            eprintln!("error: no metric `{id}` in this drill's rubric");
            return ExitCode::from(2);
        };
        console.review.open = Some(k);
    }
    if let Some(t) = at {
        play.apply(&[gui::console::UiAction::Seek(t / tick_s)], &mut console);
    }
    play.screenshot = screenshot.clone();
    if screenshot.is_some() {
        play.exit_after_s = at;
    }
    gui::open_ready(play, console, lang, size, 1.0)
}

/// `firstline report`: replay the log, then write the evaluation report.
fn evaluation_report(
    log_path: &Path,
    scenario_path: &Path,
    html: Option<PathBuf>,
    pdf: Option<PathBuf>,
    lang: firstline::i18n::Lang,
    partial: bool,
) -> ExitCode {
    use firstline::record::{atomic, evaluation};
    firstline::headless::work_on_this_thread();
    if html.is_none() && pdf.is_none() {
        eprintln!("error: name an output: --html PATH and/or --pdf PATH");
        return ExitCode::from(2);
    }
    for out in html.iter().chain(pdf.iter()) {
        if out.as_path() == log_path || out.as_path() == scenario_path {
            eprintln!("error: {} is an input; write the report elsewhere", out.display());
            return ExitCode::from(2);
        }
    }
    let (_, recorded, loaded) = match open_recorded(log_path, scenario_path) {
        Ok(o) => o,
        Err(code) => return code,
    };
    if recorded.ended_s.is_none() && !partial {
        eprintln!(
            "{}: incomplete: the log ends at {} s without `drill_ended`; `--partial` evaluates what it holds",
            log_path.display(),
            recorded.last_s()
        );
        return ExitCode::from(2);
    }
    // The report rests on a replay: a log that does not reproduce is no evidence.
    let outcome = match headless::run(&loaded, &RunOptions::replaying(&recorded), &mut |_, _| {}) {
        Ok(o) => o,
        Err(e) => return failed(&e),
    };
    let replayed = &outcome.events[..recorded.events.len().min(outcome.events.len())];
    let replayed = if recorded.ended_s.is_some() { &outcome.events[..] } else { replayed };
    if let Some(d) = replay::first_difference(&recorded.events, replayed) {
        eprintln!("{}: the log does not replay, so no report is made:\n{d}", log_path.display());
        return ExitCode::from(3);
    }
    let e = evaluation::evaluate(&loaded.scenario, &recorded.header, &recorded.events, &outcome.report, lang);
    if let Some(p) = &html {
        if let Err(err) = atomic::write(p, evaluation::html::render(&e).as_bytes()) {
            eprintln!("error: {}: {err}", p.display());
            return ExitCode::from(1);
        }
        println!("wrote {}", p.display());
    }
    if let Some(p) = &pdf {
        let bytes = match evaluation::pdf::render(&e) {
            Ok(b) => b,
            Err(err) => {
                eprintln!("error: {err}");
                return ExitCode::from(1);
            }
        };
        if let Err(err) = atomic::write(p, &bytes) {
            eprintln!("error: {}: {err}", p.display());
            return ExitCode::from(1);
        }
        println!("wrote {}", p.display());
    }
    ExitCode::SUCCESS
}

fn replay(log_path: &Path, scenario_path: &Path, report_path: Option<PathBuf>, partial: bool) -> ExitCode {
    firstline::headless::work_on_this_thread();
    let (bytes, recorded, loaded) = match open_recorded(log_path, scenario_path) {
        Ok(o) => o,
        Err(code) => return code,
    };
    if recorded.header.build != firstline::sim::build_id() {
        eprintln!(
            "warning: recorded with `{}`, replaying with `{}`",
            recorded.header.build,
            firstline::sim::build_id()
        );
    }
    let complete = recorded.ended_s.is_some();
    if !complete && !partial {
        eprintln!(
            "{}: incomplete: the log ends at {} s without `drill_ended`{}; `--partial` replays what it holds",
            log_path.display(),
            recorded.last_s(),
            if recorded.truncated { " (its last line was cut off)" } else { "" }
        );
        return ExitCode::from(2);
    }
    let opts = RunOptions {
        report: report_path,
        inputs: vec![log_path.to_owned(), scenario_path.to_owned()],
        ..RunOptions::replaying(&recorded)
    };
    let outcome = match headless::run(&loaded, &opts, &mut |_, _| {}) {
        Ok(o) => o,
        Err(e) => return failed(&e),
    };
    // A partial log is compared with the same stretch of the replay.
    let replayed =
        if complete { &outcome.events[..] } else { &outcome.events[..recorded.events.len().min(outcome.events.len())] };
    let n = recorded.events.len();
    match replay::first_difference(&recorded.events, replayed) {
        None => {
            let what = if complete { "the whole drill" } else { "the part the log holds" };
            let _ = writeln!(
                std::io::stdout(),
                "identical: the replay reproduced all {n} events of {what} (to {} s); score {:.1}, {}",
                recorded.last_s(),
                outcome.report.scoring.score,
                outcome.report.scoring.level_zh
            );
            if complete && outcome.report.event_log_sha256 != scenario::load::sha256_hex(&bytes) {
                eprintln!(
                    "note: the file's bytes differ from the replay's log (line endings or spacing); its events do not"
                );
            }
            ExitCode::SUCCESS
        }
        Some(d) => {
            let _ = writeln!(std::io::stdout(), "DIFFERENT: {d}");
            ExitCode::from(3)
        }
    }
}

fn parse_point(s: &str) -> Result<(f64, f64), String> {
    let (x, y) = s.split_once(',').ok_or("expected X,Y in metres, e.g. 1500,1205")?;
    let p = |v: &str| v.trim().parse::<f64>().ok().filter(|f| f.is_finite());
    match (p(x), p(y)) {
        (Some(x), Some(y)) => Ok((x, y)),
        _ => Err("expected two numbers X,Y in metres, e.g. 1500,1205".into()),
    }
}

#[allow(clippy::too_many_arguments)]
fn import(
    dem: PathBuf,
    osm: PathBuf,
    bbox: Option<&str>,
    cell_m: f64,
    walk_cell_m: f64,
    persons: f64,
    m2_per_household: f64,
    out: PathBuf,
) -> ExitCode {
    use firstline::import;
    let bbox = match bbox.map(import::parse_bbox).transpose() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let settings = import::township::Settings { cell_m, walk_cell_m, persons, m2_per_household, ..Default::default() };
    match import::run(&import::Options { dem, osm, bbox, out, settings }) {
        Ok(done) => {
            let r = &done.report;
            println!("scenario   {} ({} × {} cells)", done.scenario.display(), done.size.0, done.size.1);
            println!(
                "heightmap  {} ({:.1}–{:.1} m)",
                done.heightmap.display(),
                r.elevation_range.0,
                r.elevation_range.1
            );
            println!("picture    {}", done.picture.display());
            println!(
                "buildings  {} ({} residential) → {} households, {} residents",
                r.buildings, r.residential, r.households, r.residents
            );
            println!(
                "roads      {} nodes, {} edges ({} unbridged crossings taken as culverts)",
                r.road_nodes, r.road_edges, r.crossings
            );
            println!("rivers     {} ({} culverted waterways left out)", r.rivers, r.culverts);
            println!("shelters   {} from the map, {} proposed on high ground", r.shelters_found, r.shelters_proposed);
            if r.voids > 0 {
                println!("voids      {} terrain cells filled from their neighbours", r.voids);
            }
            if !r.left_out.is_empty() {
                println!("left out   {} residential buildings whose people cannot reach a shelter:", r.left_out.len());
                for (b, at, why) in &r.left_out {
                    println!("           {b} at ({:.1}, {:.1}): {why}", at.0, at.1);
                }
            }
            for w in &done.warnings {
                eprintln!("{w}");
            }
            println!(
                "next       read the TO DO at the top of the file; `firstline run {}` runs it",
                done.scenario.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("nothing was written");
            ExitCode::from(2)
        }
    }
}

fn inspect(file: &Path, at: Option<(f64, f64)>, png: Option<&Path>, pixels: u32) -> ExitCode {
    let loaded = match scenario::load(file) {
        Ok(l) => l,
        Err(r) => {
            eprintln!("{}", r.render());
            return ExitCode::from(2);
        }
    };
    for w in &loaded.warnings {
        eprintln!("{w}");
    }
    let mut out = firstline::inspect::summary(&loaded);
    if let Some(p) = at {
        out += &firstline::inspect::at(&loaded, p);
    }
    if let Some(path) = png {
        let pic = firstline::inspect::draw(&loaded, pixels);
        let written = pic.png().and_then(|bytes| firstline::record::atomic::write(path, &bytes));
        if let Err(e) = written {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::from(1);
        }
        out += &format!(
            "map        {} ({}×{} px): {}\n",
            path.display(),
            pic.width,
            pic.height,
            firstline::inspect::LEGEND
        );
    }
    match write!(std::io::stdout(), "{out}") {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => failed(&e),
    }
}

fn parse_seeds(s: &str) -> Option<Vec<u64>> {
    if let Some((a, b)) = s.split_once('-') {
        let (a, b): (u64, u64) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
        return (a <= b && b - a < 10_000).then(|| (a..=b).collect());
    }
    s.split(',').map(|x| x.trim().parse().ok()).collect()
}

fn sweep(file: &Path, seeds: &str, players: &str, threads: Option<usize>, each: bool) -> ExitCode {
    use firstline::sweep::{Players, sweep, table};
    let Some(seeds) = parse_seeds(seeds).filter(|s| !s.is_empty()) else {
        eprintln!("error: --seeds wants a range such as 1-20 or a list such as 1,5,11, not `{seeds}`");
        return ExitCode::from(2);
    };
    let Some(players) = players.split(',').map(|p| Players::parse(p.trim())).collect::<Option<Vec<_>>>() else {
        eprintln!("error: --players wants a list of perfect, typical, poor, nobody, not `{players}`");
        return ExitCode::from(2);
    };
    let loaded = match scenario::load(file) {
        Ok(l) => l,
        Err(r) => {
            eprintln!("{}", r.render());
            return ExitCode::from(2);
        }
    };
    let threads = threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let rows = match sweep(&loaded, &players, &seeds, threads) {
        Ok(r) => r,
        Err(e) => return failed(&e),
    };
    let mut out =
        format!("{} — {} seeds ({}…{})\n\n", loaded.scenario.meta.id, seeds.len(), seeds[0], seeds[seeds.len() - 1]);
    out += &table(&rows);
    if each {
        out += "\n| players | seed | score | level | dead | exposed |\n| --- | --- | --- | --- | --- | --- |\n";
        for r in &rows {
            out += &format!(
                "| {} | {} | {:.1} | {} | {} | {} |\n",
                r.players.label(),
                r.seed,
                r.score,
                r.level.zh(),
                r.dead,
                r.exposed
            );
        }
    }
    match write!(std::io::stdout(), "{out}") {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => failed(&e),
    }
}

/// A metric's note, then the ids of the plan steps behind a failure (the
/// scenario's author reads these; the reports name the steps).
fn note_with_steps(m: &firstline::scoring::MetricResult) -> String {
    use firstline::scoring::Wanting;
    let mut out = m.note.clone();
    for (wanting, what) in [(Wanting::Late, "late"), (Wanting::NotDone, "not done")] {
        let ids = m.steps_wanting(wanting);
        if !ids.is_empty() {
            out += &format!(" [{what}: {}]", ids.join(", "));
        }
    }
    out
}

fn summary_table(r: &firstline::record::report::Report) -> String {
    let rows = [
        ("scenario", format!("{} ({})", r.scenario.id, r.scenario.title_zh)),
        ("seed", r.seed.to_string()),
        (
            "drill time",
            format!("{} s ({} ticks){}", r.drill_seconds, r.ticks, if r.complete { "" } else { ", stopped early" }),
        ),
        ("villages / households", format!("{} / {}", r.summary.villages, r.summary.households)),
        ("residents", r.summary.residents.to_string()),
        ("events logged", r.summary.events.to_string()),
        ("injects delivered", r.summary.injects_delivered.to_string()),
        ("gauges", r.gauges.len().to_string()),
        ("event log sha256", r.event_log_sha256[..16].to_string() + "…"),
        ("score", format!("{:.1} / 100", r.scoring.score)),
        ("level", format!("{} ({:?})", r.scoring.level_zh, r.scoring.level)),
    ];
    let w = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (k, v) in rows {
        out.push_str(&format!("  {k:<w$}  {v}\n"));
    }
    for g in &r.gauges {
        let max = g.samples.iter().map(|s| s.1).fold(f64::NEG_INFINITY, f64::max);
        out.push_str(&format!("  gauge {:<w2$}  max {max:.3} {}\n", g.id, g.unit, w2 = w.saturating_sub(6)));
    }
    for m in &r.scoring.metrics {
        let value = match m.value {
            None => "n/a".to_owned(),
            Some(v) if v.is_infinite() => "never".to_owned(),
            Some(v) => format!("{v}"),
        };
        let mark = if !m.applicable {
            "·"
        } else if m.passed {
            "✓"
        } else {
            "✗"
        };
        out.push_str(&format!(
            "  {mark} {:<w2$}  {value} (threshold {} {}) — {}\n",
            m.id,
            m.threshold,
            m.unit,
            note_with_steps(m),
            w2 = w.saturating_sub(2)
        ));
    }
    for role in &r.scoring.roles {
        let score = role.score.map_or("—".to_owned(), |s| format!("{s:.1}"));
        out.push_str(&format!(
            "  role {:<w2$}  {score:>5}  (weight {}) {}\n",
            role.role,
            role.weight,
            role.note,
            w2 = w.saturating_sub(5)
        ));
    }
    for g in &r.scoring.gates_applied {
        out.push_str(&format!("  gate: {g}\n"));
    }
    out.trim_end().to_owned()
}
