//! Resource bombs: small scenario files that once made validation allocate
//! gigabytes (products wrapping in u32, houses built before their limit was
//! checked, a resident count wrapping, a megabyte id copied into every
//! house, a device read to the end). Each must now be refused with a clear
//! message at file:line:column, and the whole check must stay under 200 MB
//! of heap at its peak (a counting allocator in this test binary measures it).

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = NOW.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        NOW.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const LIMIT: usize = 200 << 20;

/// Loads `text` as a scenario file and returns the first error's text, with
/// the heap's peak growth during the load.
fn refused(text: &str) -> (String, usize) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bomb.ron");
    std::fs::write(&p, text).unwrap();
    refused_path(&p)
}

fn refused_path(p: &Path) -> (String, usize) {
    let base = NOW.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let r = firstline::scenario::load(p);
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    match r {
        Ok(_) => panic!("{} was accepted", p.display()),
        Err(r) => {
            let d = r.diagnostics.iter().find(|d| d.is_error()).expect("an error");
            (format!("{}:{}:{}: {} (hint: {:?})", d.file, d.line, d.col, d.message, d.hint), peak)
        }
    }
}

#[test]
fn each_bomb_is_refused_clearly_in_bounded_memory() {
    let base = std::fs::read_to_string("scenarios/example_small.ron").unwrap();
    let block = r#"(id: "xh-b", center: (220.0, 200.0), rows: 3, cols: 4,"#;
    assert!(base.contains(block));
    let house = r#"members: (adults: 2, elderly: 1), vulnerable: 1)"#;
    assert!(base.contains(house));
    let big_id = "b".repeat(1 << 20);
    let many_blocks: String = (0..40)
        .map(|k| {
            format!(
                r#"(id: "m{k}", center: (220.0, 200.0), rows: 50, cols: 100, spacing_m: 1.0, profile: (elderly_alone: 0.1, elderly: 0.3, children: 0.1, mean_size: 2.5, vulnerable: 0.1, phone: 0.9, vehicle: 0.3)),"#
            )
        })
        .collect();
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "rows × cols wrapping to 0",
            base.replace(block, r#"(id: "xh-b", center: (220.0, 200.0), rows: 65536, cols: 65536,"#),
            "out of range",
        ),
        (
            "rows × cols wrapping to 1",
            base.replace(block, r#"(id: "xh-b", center: (220.0, 200.0), rows: 4294967295, cols: 4294967295,"#),
            "out of range",
        ),
        (
            "4 billion columns",
            base.replace(block, r#"(id: "xh-b", center: (220.0, 200.0), rows: 1, cols: 4294967295,"#),
            "out of range",
        ),
        (
            "4 billion adults",
            base.replace(house, r#"members: (adults: 4294967295, elderly: 1), vulnerable: 1)"#),
            "4294967296 members",
        ),
        (
            "a megabyte block id",
            base.replace(block, &format!(r#"(id: "{big_id}", center: (220.0, 200.0), rows: 3, cols: 4,"#)),
            "a text of 1048576 characters",
        ),
        (
            "a 100-character block id",
            base.replace(block, &format!(r#"(id: "{}", center: (220.0, 200.0), rows: 3, cols: 4,"#, "b".repeat(100))),
            "block id is 100 characters long",
        ),
        (
            "a 5,000-character raw-string name",
            base.replace(
                r#"(zh: "小河村", en: "Xiaohe")"#,
                &format!(r###"(zh: r#"{}"#, en: "Xiaohe")"###, "名".repeat(5000)),
            ),
            "a text of 5000 characters",
        ),
        (
            "2,000 gauges",
            base.replace(
                "    gauges: [\n",
                &format!(
                    "    gauges: [\n{}",
                    (0..2000)
                        .map(|k| format!(r#"(id: "g{k}", kind: WaterDepth(at: (10.0, 10.0)), every_s: 60),"#))
                        .collect::<String>()
                ),
            ),
            "2001 gauges is more than the 1000",
        ),
        (
            "a walkers' grid of 96 million cells",
            base.replace("cell_m: 10.0, ", "cell_m: 10.0, walk_cell_m: 0.05, "),
            "the walkers' grid would have 96000000 cells",
        ),
        (
            "a walkers' cell 10,000 times finer",
            base.replace("cell_m: 10.0, ", "cell_m: 10.0, walk_cell_m: 0.001, "),
            "more than 200",
        ),
        (
            "20,001 structures",
            base.replace(
                "        roads: (",
                &format!(
                    "        structures: [{}],\n        roads: (",
                    (0..20_001)
                        .map(|k| format!(r#"Block(id: "b{k}", outline: [(1.0, 1.0), (2.0, 1.0), (2.0, 2.0)]),"#))
                        .collect::<String>()
                ),
            ),
            "20001 structures, more than 20000",
        ),
        (
            "20,000 thick walls across the map",
            base.replace(
                "        roads: (",
                &format!(
                    "        walk_cell_m: 0.25,\n        structures: [{}],\n        roads: (",
                    (0..20_000)
                        .map(|k| format!(
                            r#"Wall(id: "w{k}", points: [(0.0, 0.0), (600.0, 400.0)], thickness_m: 20.0),"#
                        ))
                        .collect::<String>()
                ),
            ),
            "more than this build draws",
        ),
        (
            "40 blocks of 5,000",
            base.replace("household_blocks: [", &format!("household_blocks: [{many_blocks}")),
            "past 100000 households",
        ),
    ];
    for (what, text, want) in cases {
        let (msg, peak) = refused(&text);
        eprintln!("{what}: {msg} — peak {:.1} MB", peak as f64 / 1048576.0);
        assert!(msg.contains(want), "{what}: {msg}");
        // It names the offending value's place, not the top of the file.
        assert!(msg.contains("bomb.ron:") && !msg.contains("bomb.ron:1:1:"), "{what}: {msg}");
        assert!(peak < LIMIT, "{what}: {} MB at the peak", peak >> 20);
    }
    // A device is not read to its end.
    if Path::new("/dev/zero").exists() {
        let (msg, peak) = refused_path(Path::new("/dev/zero"));
        eprintln!("/dev/zero: {msg} — peak {:.1} MB", peak as f64 / 1048576.0);
        assert!(msg.contains("larger than 16 MiB"), "{msg}");
        assert!(peak < LIMIT, "/dev/zero: {} MB", peak >> 20);
    }
}

/// Forcing beyond any on record is refused where it is written: rain,
/// inflow and wind of 1e20 once stuck a drill at its first ticks.
#[test]
fn absurd_forcing_is_refused() {
    let flood = std::fs::read_to_string("scenarios/qingshi_flood.ron").unwrap();
    let fire = std::fs::read_to_string("scenarios/qingshi_fire.ron").unwrap();
    let cases = [
        (
            flood.replacen("(3600, 35.0)", "(3600, 1e20)", 1),
            "hyetograph value 100000000000000000000 is beyond any on record",
        ),
        (
            flood.replacen("(5400, 800.0)", "(5400, 1e20)", 1),
            "hydrograph value 100000000000000000000 is beyond any on record",
        ),
        (
            fire.replacen("(3600, 7.0)", "(3600, 1e20)", 1),
            "wind series value 100000000000000000000 is beyond any on record",
        ),
    ];
    for (text, want) in cases {
        let (msg, _) = refused(&text);
        assert!(msg.contains(want) && !msg.contains("bomb.ron:1:1:"), "{msg}");
    }
}

/// A drill that is valid but would run for hours is told so before it
/// runs: the largest grid allowed, on 5 m cells, for the flood drill's six
/// hours is estimated in days, most of it in the flood; the shipped drills
/// are estimated well within the budget (they validate without warnings).
#[test]
fn the_work_of_a_drill_is_estimated_and_a_long_one_warned() {
    use firstline::scenario::validate::work::{BUDGET_S, estimate};
    let loaded = firstline::scenario::load(Path::new("scenarios/qingshi_flood.ron")).unwrap();
    let residents: u64 =
        firstline::sim::Drill::new(&loaded, 1).households.iter().map(|(_, h)| h.members.total() as u64).sum();
    let shipped = estimate(&loaded.scenario, residents);
    assert!(shipped.total_s() < BUDGET_S, "{shipped:?}");
    // 150² cells of 20 m with a 4.5 m river: one sub-step a tick, 21,600 ticks.
    assert!((shipped.flood_s - 150.0 * 150.0 * 21_600.0 / 5.0e6).abs() < 1e-6, "{shipped:?}");
    let mut big = loaded.scenario.clone();
    big.map.size = (4096, 4096);
    big.map.cell_m = 5.0;
    let e = estimate(&big, residents);
    assert!(e.total_s() > 24.0 * 3600.0 && e.flood_s > 0.9 * e.total_s(), "{e:?}");
    let mut gauges = loaded.scenario.clone();
    let g = gauges.gauges[0].clone();
    gauges.gauges = (0..100_000)
        .map(|k| firstline::scenario::schema::Gauge { id: format!("g{k}"), every_s: 1, ..g.clone() })
        .collect();
    assert!(estimate(&gauges, residents).report_bytes > 1e9);
}
