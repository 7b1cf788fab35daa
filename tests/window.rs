//! The window end to end, under Xvfb with Mesa's software Vulkan: a
//! scripted session of the Qingshi flood drill as the emergency office
//! director runs at full speed to drill second 1,200, saves a screenshot
//! and exits; the trainee's orders are in its log, the log replays
//! identically, and the picture shows the scene (many colours, not one).
//!
//! Skipped (with a message) where there is no `xvfb-run`; `.ci/run` installs
//! it and sets `FIRSTLINE_REQUIRE_DISPLAY=1`, so in CI it always runs.
#![cfg(feature = "gui")]

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn have(cmd: &str) -> bool {
    Command::new("sh").arg("-c").arg(format!("command -v {cmd}")).output().is_ok_and(|o| o.status.success())
}

fn display_or_skip() -> bool {
    if have("xvfb-run") {
        return true;
    }
    assert!(
        std::env::var_os("FIRSTLINE_REQUIRE_DISPLAY").is_none(),
        "FIRSTLINE_REQUIRE_DISPLAY is set but xvfb-run is missing (apt-get install xvfb mesa-vulkan-drivers libvulkan1)"
    );
    eprintln!("skipped: no xvfb-run here (apt-get install xvfb mesa-vulkan-drivers libvulkan1)");
    false
}

/// Distinct colours, and the share of the most common one, in an RGBA PNG's
/// region (fractions of width and height).
/// A PNG's pixels: the bytes, width, height and samples per pixel.
fn pixels(png_path: &Path) -> (Vec<u8>, usize, usize, usize) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png_path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    (buf, info.width as usize, info.height as usize, info.color_type.samples())
}

fn colours(png_path: &Path, region: (f32, f32, f32, f32)) -> (usize, f64) {
    let (buf, w, h, ch) = pixels(png_path);
    let mut seen = std::collections::BTreeMap::<[u8; 3], usize>::new();
    let (x0, x1) = ((region.0 * w as f32) as usize, (region.1 * w as f32) as usize);
    let (y0, y1) = ((region.2 * h as f32) as usize, (region.3 * h as f32) as usize);
    for y in y0..y1 {
        for x in x0..x1 {
            let k = (y * w + x) * ch;
            *seen.entry([buf[k], buf[k + 1], buf[k + 2]]).or_default() += 1;
        }
    }
    let total: usize = seen.values().sum();
    (seen.len(), *seen.values().max().unwrap() as f64 / total as f64)
}

#[test]
fn a_scripted_window_session_replays_and_shows_the_township() {
    if !display_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (png, log, report) = (dir.path().join("shot.png"), dir.path().join("s.log.jsonl"), dir.path().join("s.json"));
    let bin = env!("CARGO_BIN_EXE_firstline");
    let out = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x720x24"])
        .arg(bin)
        .args(["play", "scenarios/qingshi_flood.ron", "--role", "office_director"])
        .args(["--script", "tests/data/window_script.ron", "--exit-after", "1200"])
        .arg("--screenshot")
        .arg(&png)
        .arg("--log")
        .arg(&log)
        .arg("--report")
        .arg(&report)
        .env("WGPU_BACKEND", "vulkan")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the window run failed: {stderr}");

    // The trainee's orders are in the log, stamped by the window's seat.
    let text = std::fs::read_to_string(&log).unwrap();
    let recorded = firstline::record::replay::read_log(&text).unwrap();
    let mine: Vec<_> = recorded
        .commands
        .iter()
        .filter(|c| c.source() == firstline::sim::orders::Source::Trainee)
        .map(|c| (c.tick(), c.role().as_str().to_owned(), c.action().kind()))
        .collect();
    use firstline::scenario::schema::ActionKind::*;
    let role = "office_director".to_owned();
    assert_eq!(
        mine,
        vec![
            (310, role.clone(), Acknowledge),
            (340, role.clone(), IssueWarning),
            (360, role.clone(), CallAndResponse),
            (430, role, Dispatch)
        ]
    );
    assert!(text.contains("\"kind\":\"force_dispatched\""), "the dispatch reached the force");
    assert!(report.exists(), "the report is written beside the log");

    // The log replays identically (it ends at 1,200 s: a partial replay).
    let rep = Command::new(bin)
        .args(["replay"])
        .arg(&log)
        .args(["--scenario", "scenarios/qingshi_flood.ron", "--partial"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&rep.stdout);
    assert!(
        rep.status.success() && said.starts_with("identical"),
        "replay: {said} {}",
        String::from_utf8_lossy(&rep.stderr)
    );

    // The picture: the whole window has many colours; the map between the
    // panels is not one flat colour (terrain, water, houses drawn).
    let (all, _) = colours(&png, (0.0, 1.0, 0.0, 1.0));
    let (map, top_share) = colours(&png, (0.40, 0.62, 0.30, 0.80));
    assert!(all > 500, "{all} colours in the window");
    assert!(map > 100 && top_share < 0.6, "the map shows {map} colours, the commonest on {:.0} %", top_share * 100.0);
    let kinds: BTreeSet<_> = recorded.events.iter().map(|e| e.event.kind()).collect();
    assert!(kinds.contains("inject_delivered") && kinds.contains("order_given"), "{kinds:?}");
}

/// Runs `firstline ARGS` under Xvfb at `size`; panics with its stderr on failure.
fn window(args: &[&str], size: &str) {
    let out = Command::new("xvfb-run")
        .args(["-a", "-s", &format!("-screen 0 {size}x24")])
        .arg(env!("CARGO_BIN_EXE_firstline"))
        .args(args)
        .env("WGPU_BACKEND", "vulkan")
        .output()
        .unwrap();
    assert!(out.status.success(), "the window run failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// Chinese text read off a picture by tesseract (`chi_sim`), if installed.
/// Whether OCR text holds `words` with at most one character misread
/// (tesseract reads the small 720-line text with the odd slip: 避 → 吉).
fn reads(read: &str, words: &str) -> bool {
    let (r, w): (Vec<char>, Vec<char>) = (read.chars().collect(), words.chars().collect());
    r.windows(w.len()).any(|win| win.iter().zip(&w).filter(|(a, b)| a != b).count() <= 1)
}

/// The part of `from` right of `x0` (a share of its width), saved as `to`.
fn crop(from: &Path, to: &Path, x0: f32) {
    let (buf, w, h, ch) = pixels(from);
    let left = (x0 * w as f32) as usize;
    let mut out = Vec::with_capacity((w - left) * h * 3);
    for y in 0..h {
        for x in left..w {
            let k = (y * w + x) * ch;
            out.extend_from_slice(&buf[k..k + 3]);
        }
    }
    let mut enc =
        png::Encoder::new(std::io::BufWriter::new(std::fs::File::create(to).unwrap()), (w - left) as u32, h as u32);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.write_header().unwrap().write_image_data(&out).unwrap();
}

fn ocr(png: &Path) -> Option<String> {
    if !have("tesseract") {
        assert!(
            std::env::var_os("FIRSTLINE_REQUIRE_DISPLAY").is_none(),
            "FIRSTLINE_REQUIRE_DISPLAY is set but tesseract is missing (apt-get install tesseract-ocr tesseract-ocr-chi-sim)"
        );
        return None;
    }
    let out = Command::new("tesseract").arg(png).args(["-", "-l", "chi_sim"]).output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).chars().filter(|c| !c.is_whitespace()).collect())
}

/// The instructor's console (`--instructor`, scripted: a note, an inject
/// sent early, a village head taken over and played, the slide released
/// early, a message, a bookmark) and the projector screen (`--screen`) of
/// the landslide drill at 1280×720: both windows run and draw; the
/// console's log holds the instructor's orders and replays; the screen's
/// counters are read back off the picture in Chinese.
#[test]
fn the_instructors_console_and_the_projector_screen_run() {
    if !display_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (shot, log) = (dir.path().join("console.png"), dir.path().join("console.log.jsonl"));
    let (shot_s, log_s, report) = (shot.to_str().unwrap(), log.to_str().unwrap(), dir.path().join("c.json"));
    window(
        &[
            "play",
            "scenarios/qingshi_landslide.ron",
            "--instructor",
            "--script",
            "tests/data/instructor_script.ron",
            "--exit-after",
            "900",
            "--screenshot",
            shot_s,
            "--log",
            log_s,
            "--report",
            report.to_str().unwrap(),
        ],
        "1280x720",
    );
    let text = std::fs::read_to_string(&log).unwrap();
    let recorded = firstline::record::replay::read_log(&text).unwrap();
    let instructor =
        recorded.commands.iter().filter(|c| c.source() == firstline::sim::orders::Source::Instructor).count();
    assert_eq!(instructor, 6, "note, inject, take-over, slide, message, bookmark");
    let rep = Command::new(env!("CARGO_BIN_EXE_firstline"))
        .args(["replay", log_s, "--scenario", "scenarios/qingshi_landslide.ron", "--partial"])
        .output()
        .unwrap();
    assert!(rep.status.success(), "replay: {}", String::from_utf8_lossy(&rep.stdout));
    let (all, _) = colours(&shot, (0.0, 1.0, 0.0, 1.0));
    assert!(all > 500, "{all} colours in the console");

    // The projector's layout at both sizes it is made for.
    for size in ["1280x720", "1920x1080"] {
        let screen = dir.path().join(format!("screen-{size}.png"));
        window(
            &["play", "scenarios/qingshi_landslide.ron", "--screen", "--size", size, "--exit-after", "1500"]
                .into_iter()
                .chain(["--screenshot", screen.to_str().unwrap()])
                .collect::<Vec<_>>(),
            size,
        );
        let (map, top_share) = colours(&screen, (0.05, 0.60, 0.10, 0.90));
        assert!(
            map > 100 && top_share < 0.6,
            "{size}: the screen's map shows {map} colours, the commonest {top_share:.2}"
        );
        // The side panel alone (the right 36 %): read with the map beside
        // it, tesseract joined the compass's 北 to the panel's first line.
        let panel = dir.path().join(format!("screen-{size}-panel.png"));
        crop(&screen, &panel, 0.64);
        if let Some(read) = ocr(&panel) {
            for words in ["已获知预警", "避难场所", "各村情况"] {
                assert!(reads(&read, words), "{size}: `{words}` not read off the screen: {read}");
            }
        }
    }
}

/// The host's window of a classroom drill (`firstline host --window`):
/// it opens the instructor's console on the host's drill, draws each
/// seat's join code as a QR code that a reader decodes to exactly the
/// join line the host printed, and, closed, ends the drill (log and
/// report written). The QR codes are read with `zbarimg` (zbar-tools).
#[test]
fn the_hosts_window_shows_each_seats_join_code_as_a_qr_code() {
    if !display_or_skip() {
        return;
    }
    if !have("zbarimg") {
        assert!(
            std::env::var_os("FIRSTLINE_REQUIRE_DISPLAY").is_none(),
            "FIRSTLINE_REQUIRE_DISPLAY is set but zbarimg is missing (apt-get install zbar-tools)"
        );
        eprintln!("skipped: no zbarimg here (apt-get install zbar-tools)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("host.png");
    let log = dir.path().join("class.log.jsonl");
    let port = firstline::net::bind("127.0.0.1:0".parse().unwrap()).unwrap().1.port().to_string();
    let out = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1600x900x24"])
        .arg(env!("CARGO_BIN_EXE_firstline"))
        .args(["host", "scenarios/qingshi_flood.ron", "--seats", "commander,office_director,head_dongwan"])
        .args(["--port", &port, "--window", "--size", "1600x900", "--exit-after", "0", "--screenshot"])
        .arg(&shot)
        .arg("--log")
        .arg(&log)
        .env("WGPU_BACKEND", "vulkan")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "the host window failed: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    // The join lines the host printed: `  seat ROLE  CODE   firstline join ADDR --code CODE`.
    let printed: BTreeSet<String> =
        stdout.lines().filter_map(|l| l.find("firstline ").map(|k| l[k..].trim().to_owned())).collect();
    assert_eq!(printed.len(), 4, "three seats and a screen: {stdout}");
    let z = Command::new("zbarimg").args(["-q", "--raw"]).arg(&shot).output().unwrap();
    let read: BTreeSet<String> = String::from_utf8_lossy(&z.stdout).lines().map(|l| l.trim().to_owned()).collect();
    assert_eq!(read, printed, "the QR codes on the host's window");
    assert!(log.exists() && dir.path().join("class.report.json").exists(), "the closed window ended the drill");
}
