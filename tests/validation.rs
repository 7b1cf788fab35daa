//! Scenario validation: the shipped drills are valid, every negative fixture
//! in `scenarios/invalid/` fails with its expected message at its expected
//! place, and no input — truncated, mutated or random — makes `load` panic.

use firstline::scenario::{self, load_bytes};
use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::Path;

const VALID: &[&str] = &[
    "scenarios/example_small.ron",
    "scenarios/example_walls.ron",
    "scenarios/qingshi_flood.ron",
    "scenarios/qingshi_flood_class.ron",
    "scenarios/qingshi_landslide.ron",
    "scenarios/qingshi_fire.ron",
    "scenarios/team_flood_rescue.ron",
    "scenarios/team_landslide_rescue.ron",
];

#[test]
fn shipped_scenarios_are_valid() {
    for f in VALID {
        let l = scenario::load(Path::new(f)).unwrap_or_else(|r| panic!("{f} is invalid:\n{}", r.render()));
        // The shipped drills are clean: not even a warning for an author to wonder about.
        assert!(l.warnings.is_empty(), "{f}: {:?}", l.warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>());
    }
}

#[test]
fn qingshi_township_has_the_size_the_drills_need() {
    for f in VALID.iter().filter(|f| f.contains("qingshi_")) {
        let l = scenario::load(Path::new(f)).unwrap();
        let people: u32 =
            l.scenario.villages.iter().flat_map(scenario::expand::households).map(|h| h.members.total()).sum();
        assert!((2000..=5000).contains(&people), "{f}: {people} residents");
        assert!((3..=4).contains(&l.scenario.villages.len()));
        let (w, h) = l.terrain.extent();
        assert!((2500.0..=3500.0).contains(&w) && (2500.0..=3500.0).contains(&h));
        assert!(l.scenario.villages.iter().all(|v| !v.shelters.is_empty()));
    }
}

/// (fixture, line, column, message fragment, hint fragment)
const FIXTURES: &[(&str, usize, usize, &str, &str)] = &[
    ("01_missing_comma", 13, 9, "Expected comma", "comma is missing"),
    ("02_unknown_field", 13, 9, "unknown field `sead` in `Meta`", "did you mean `seed`?"),
    ("03_wrong_type", 12, 20, "expected a number", "without quotes"),
    ("04_missing_field", 45, 5, "missing field `cell_m` in `MapSpec`", "add `cell_m: …`"),
    ("05_bad_version", 7, 14, "unsupported scenario version 2", "reads version 1"),
    ("06_duplicate_id", 55, 22, "duplicate household id `xh-001`", "first used at villages[0].households[0].id"),
    ("07_point_outside", 63, 87, "point (650, 320) lies outside the map", "x 0..600 m"),
    ("08_plan_unknown_role", 85, 16, "unknown role `head_xiahe`", "did you mean `head_xiaohe`?"),
    ("09_road_unknown_node", 43, 63, "unknown road node `east_edn`", "did you mean `east_end`?"),
    ("10_shelter_unreachable", 54, 36, "household `xh-001` cannot reach any shelter", "bridge: true"),
    ("11_deadline_too_long", 86, 109, "deadline of 90000 s is out of range", "1..=3600"),
    ("12_shelter_zero_capacity", 63, 113, "shelter `xh_school` has no capacity", "number of people"),
    ("13_action_not_permitted", 86, 61, "role `grid_xiaohe` (GridWorker) may not order OrderEvacuation", "permissions"),
    ("14_inject_unknown_role", 96, 31, "unknown role `office_directer`", "did you mean `office_director`?"),
    ("15_trigger_unknown_gauge", 86, 57, "unknown gauge `river_level`", "village_depth"),
    (
        "16_hazard_slot_missing",
        11,
        26,
        "hazard Fire is listed but `hazards.fire` is not given",
        "remove it from meta.hazards",
    ),
    ("17_levels_out_of_order", 107, 17, "levels must rise", "pass 60, good 75, excellent 90"),
    ("18_heightmap_missing", 20, 18, "cannot open heightmap", "relative to the scenario file"),
    ("19_polygon_too_few_points", 51, 23, "a polygon needs at least 3 points, this one has 2", "corners"),
    ("20_tick_not_dividing", 12, 21, "not a whole number of 7 s ticks", "multiple of tick_s"),
    ("21_not_utf8", 3, 17, "not UTF-8", "UTF-8"),
    ("22_empty", 1, 1, "the file is empty", "Scenario(version: 1"),
    ("23_village_head_without_village", 76, 35, "VillageHead `head_xiaohe` needs a village", "village: "),
    ("24_household_no_members", 55, 61, "household `xh-002` has no members", "counts"),
    ("25_unknown_variant", 83, 69, "unknown variant `SMS` in `Channel`", "did you mean `Sms`?"),
    ("26_unclosed", 101, 7, "ends before the scenario is complete", "not closed"),
    ("27_instructor_action_in_plan", 87, 52, "SendInject is an instructor's order, not a plan step", "live"),
    (
        "28_household_outside_village",
        53,
        36,
        "household `xh-001` at (350, 150) lies outside its village `xiaohe`",
        "inside the boundary",
    ),
    (
        "29_door_off_wall",
        46,
        35,
        "the door at (70, 72) is 2.00 m from the nearest wall of `dorm`",
        "on the wall's line",
    ),
    (
        "30_household_shut_in",
        57,
        36,
        "household `dorm-1` cannot reach any shelter",
        "inside the building `dorm`, which has no door",
    ),
    (
        "31_walk_cell_not_dividing",
        21,
        22,
        "of 0.3 m does not divide the terrain cell of 10 m",
        "divided by a whole number",
    ),
    ("32_household_in_wall", 63, 36, "household `dorm-7` stands in a wall of `dorm`", "clear of the walls"),
];

/// The small example with `edit` applied to its text.
fn example_with(edit: impl Fn(&str) -> String) -> Result<scenario::Loaded, scenario::Rejected> {
    let text = std::fs::read_to_string("scenarios/example_small.ron").unwrap();
    let edited = edit(&text);
    assert_ne!(edited, text, "the edit applies");
    load_bytes("edited.ron", edited.as_bytes(), Path::new("scenarios"))
}

fn warnings(l: &scenario::Loaded) -> Vec<String> {
    l.warnings.iter().map(|w| w.to_string()).collect()
}

#[test]
fn a_partial_channel_list_is_extend_or_replace_or_warned_about() {
    use firstline::scenario::schema::{Channel, ListMode};
    let with = |mode: &str| {
        example_with(|t| {
            t.replace(
                "    injects: [",
                &format!(
                    "    residents: (channels: [(channel: Broadcast, delay_s: 30, reach: 0.7)]{mode}),\n    injects: ["
                ),
            )
        })
        .unwrap()
    };
    // Unsaid: warned, naming the defaults that were dropped, at the list.
    let l = with("");
    let w = warnings(&l);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("warnings by Sms, Phone, Megaphone, Gong, DoorToDoor will reach nobody"), "{}", w[0]);
    assert!(w[0].contains("channels_mode: Extend"), "{}", w[0]);
    assert_eq!(l.scenario.residents.channel(Channel::Phone), None);
    // Extend keeps the defaults of the channels not listed; Replace says the list is complete.
    let l = with(", channels_mode: Extend");
    assert!(warnings(&l).is_empty(), "{:?}", warnings(&l));
    assert_eq!(l.scenario.residents.channels_mode, Some(ListMode::Extend));
    assert_eq!(l.scenario.residents.channel(Channel::Broadcast).unwrap().reach, 0.7, "the listed one wins");
    assert_eq!(l.scenario.residents.channel(Channel::Phone).unwrap().reach, 0.9, "the default is kept");
    let l = with(", channels_mode: Replace");
    assert!(warnings(&l).is_empty());
    assert_eq!(l.scenario.residents.channel(Channel::Phone), None);
}

#[test]
fn a_gauge_threshold_the_terrain_cannot_reach_is_warned_about() {
    let inject = |value: &str| {
        example_with(|t| {
            t.replace(
                "    injects: [",
                &format!(
                    "    injects: [\n        (id: \"deep\", to: [\"office_director\"], when: GaugeAbove(gauge: \"village_depth\", value: {value}), \
                     from: (zh: \"村民\", en: \"A resident\"), message: (zh: \"水很深\", en: \"Deep water\")),"
                ),
            )
        })
        .unwrap()
    };
    let l = inject("0.5");
    assert!(warnings(&l).is_empty(), "{:?}", warnings(&l));
    // 30 m of water at the village: above the highest ground of the map.
    let l = inject("30.0");
    let w = warnings(&l);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("gauge `village_depth` above 30") && w[0].contains("above the highest ground"), "{}", w[0]);
    assert!(w[0].contains("firstline inspect"), "{}", w[0]);
    let d = &l.warnings[0];
    assert_eq!(d.line, 95, "the warning points at the threshold: {d}");
}

#[test]
fn every_negative_fixture_fails_with_its_message() {
    let on_disk = std::fs::read_dir("scenarios/invalid").unwrap().count();
    assert_eq!(on_disk, FIXTURES.len(), "every fixture has an expectation");
    for (name, line, col, msg, hint) in FIXTURES {
        let path = format!("scenarios/invalid/{name}.ron");
        let rejected = match scenario::load(Path::new(&path)) {
            Ok(_) => panic!("{path} was accepted"),
            Err(r) => r,
        };
        let d = &rejected.diagnostics[0];
        assert!(d.is_error());
        assert_eq!(d.file, path);
        assert_eq!((d.line, d.col), (*line, *col), "{path}: {d}");
        assert!(d.message.contains(msg), "{path}: message `{}` lacks `{msg}`", d.message);
        assert!(d.hint.as_deref().unwrap_or("").contains(hint), "{path}: hint {:?} lacks `{hint}`", d.hint);
        assert!(d.to_string().starts_with(&format!("{path}:{line}:{col}: error: ")));
        // The rendering with the snippet names the place too.
        if !rejected.source.is_empty() {
            let shown = rejected.render();
            // The snippet's header counts columns in bytes, ours in characters; the line agrees.
            assert!(shown.starts_with(&d.to_string()));
            assert!(shown.contains(&format!("[{path}:{line}:")), "{path}: snippet names another line:\n{shown}");
        }
    }
}

fn never_panics(bytes: &[u8]) {
    let r = std::panic::catch_unwind(|| {
        if let Err(rej) = load_bytes("fuzz.ron", bytes, Path::new("scenarios")) {
            assert!(!rej.diagnostics.is_empty());
            for d in &rej.diagnostics {
                assert!(d.line >= 1 && d.col >= 1);
                let _ = d.render(&rej.source);
            }
        }
    });
    assert!(r.is_ok(), "load panicked on {:?}", String::from_utf8_lossy(bytes));
}

#[test]
fn truncated_files_never_panic() {
    for f in ["scenarios/example_small.ron", "scenarios/qingshi_fire.ron"] {
        let src = std::fs::read(f).unwrap();
        let step = (src.len() / 400).max(1);
        for cut in (0..src.len()).step_by(step) {
            never_panics(&src[..cut]);
        }
    }
}

#[test]
fn random_bytes_and_mutations_never_panic() {
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    for _ in 0..200 {
        let n = rng.random_range(0..2000);
        let mut b = vec![0u8; n];
        rng.fill_bytes(&mut b);
        never_panics(&b);
    }
    let src = std::fs::read("scenarios/example_small.ron").unwrap();
    let alphabet = b"()[]{},:\"'0123456789.-eE_xyzSomeNoneTrue#/*\n \xff\xc3";
    for _ in 0..600 {
        let mut b = src.clone();
        for _ in 0..rng.random_range(1..4) {
            let at = rng.random_range(0..b.len());
            match rng.random_range(0..3) {
                0 => b[at] = alphabet[rng.random_range(0..alphabet.len())],
                1 => {
                    b.remove(at);
                }
                _ => b.insert(at, alphabet[rng.random_range(0..alphabet.len())]),
            }
        }
        never_panics(&b);
    }
}

#[test]
fn wrong_types_and_unknown_fields_in_every_section_are_reported() {
    let src = std::fs::read_to_string("scenarios/example_small.ron").unwrap();
    // Replace each `key: <number>` by a string and add an unknown field to each struct.
    let mut checked = 0;
    for (k, _) in src.match_indices("_m: ") {
        let mut s = src.clone();
        s.insert(k + 4, '"');
        s.insert(s[k + 5..].find([',', ')']).map_or(s.len(), |e| k + 5 + e), '"');
        let r = load_bytes("t.ron", s.as_bytes(), Path::new("scenarios"));
        assert!(r.is_err(), "a quoted number was accepted at byte {k}");
        checked += 1;
    }
    for (k, _) in src.match_indices("(id: ") {
        let mut s = src.clone();
        s.insert_str(k + 1, "colour: 3, ");
        let r = load_bytes("t.ron", s.as_bytes(), Path::new("scenarios")).expect_err("unknown field accepted");
        assert!(r.diagnostics[0].message.contains("unknown field `colour`"), "{}", r.diagnostics[0]);
        checked += 1;
    }
    assert!(checked > 20);
}

/// Every example in the scenario guide's tables parses as what it claims
/// to be: rubric metrics, triggers, targets and distributions.
#[test]
fn the_guides_examples_parse() {
    use firstline::dist::Distribution;
    use firstline::scenario::schema::{Place, RubricMetric, Trigger};
    let guide = std::fs::read_to_string("docs/scenario.md").unwrap();
    // The options the scenario loader reads with.
    let ron = firstline::scenario::load::ron_options();
    let mut counts = [0usize; 4];
    for line in guide.lines().filter(|l| l.starts_with('|')) {
        let Some(example) = line.trim_end_matches('|').rsplit('|').next().map(str::trim) else { continue };
        let code = example.trim_matches('`');
        let result = if let Some(rest) = code.strip_prefix("trigger: ").or_else(|| code.strip_prefix("when: ")) {
            counts[1] += 1;
            ron.from_str::<Trigger>(rest).map(|_| ())
        } else if let Some(rest) = code.strip_prefix("to: ") {
            counts[2] += 1;
            ron.from_str::<Place>(rest).map(|_| ())
        } else if let Some(rest) = code.strip_prefix("premovement: ") {
            counts[3] += 1;
            ron.from_str::<Distribution>(rest.split(" (").next().unwrap().trim_end_matches('`')).map(|_| ())
        } else if code.starts_with("(id: ") {
            counts[0] += 1;
            ron.from_str::<RubricMetric>(code).map(|_| ())
        } else {
            continue;
        };
        assert!(result.is_ok(), "`{code}`: {result:?}");
    }
    // Every metric, trigger, target and distribution has its example.
    assert_eq!(counts, [17, 7, 5, 4], "examples found: metrics, triggers, targets, distributions");
}

/// A door the walkers' cells cannot open as wide as written is warned
/// about, at its width: a 0.3 m door on 0.5 m cells opens one cell (0.5 m).
#[test]
fn a_door_narrower_than_the_walker_cells_is_warned_about() {
    let text = std::fs::read_to_string("scenarios/example_walls.ron").unwrap();
    let edited = text.replace("(at: (70.0, 70.0), width_m: 1.0)", "(at: (70.0, 70.0), width_m: 0.3)");
    assert_ne!(edited, text);
    let l = load_bytes("edited.ron", edited.as_bytes(), Path::new("scenarios")).unwrap();
    let w = warnings(&l);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("on walkers' cells of 0.5 m this door opens 0.5 m, not 0.3 m"), "{}", w[0]);
    assert_eq!((l.warnings[0].line, l.warnings[0].col), (46, 58), "at the door's width: {}", w[0]);
}

/// Too few bodies for a thin source: the spheres would be wider than twice
/// the slide's thickness (40,000 m³ over 19,200 m² is 2.08 m; 50 bodies are
/// 11.5 m across; spheres 4.17 m across need 40,000 / (π/6 · 4.17³) → 1,057
/// bodies): warned at `bodies`, with the count that fits.
#[test]
fn landslide_bodies_wider_than_the_source_is_thick_are_warned_about() {
    let text = std::fs::read_to_string("scenarios/qingshi_landslide.ron").unwrap();
    let edited = text.replace("bodies: 1500,", "bodies: 50,");
    assert_ne!(edited, text);
    let l = load_bytes("edited.ron", edited.as_bytes(), Path::new("scenarios")).unwrap();
    let w = warnings(&l);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("11.5 m across from a source 2.1 m thick"), "{}", w[0]);
    assert!(w[0].contains("give at least 1057 bodies"), "{}", w[0]);
    let line = text.lines().position(|l| l.contains("bodies: 1500,")).unwrap() + 1;
    assert_eq!(l.warnings[0].line, line, "at the body count: {}", w[0]);
}

/// A plan step waiting for a road to open names a road that exists, in a
/// drill with a landslide to block it.
#[test]
fn a_road_cleared_trigger_names_a_known_road_of_a_landslide_drill() {
    let text = std::fs::read_to_string("scenarios/team_landslide_rescue.ron").unwrap();
    let edited = text.replace("RoadCleared(\"sw_lane\")", "RoadCleared(\"sw_lan\")");
    assert_ne!(edited, text);
    let e = load_bytes("edited.ron", edited.as_bytes(), Path::new("scenarios")).unwrap_err().render();
    assert!(e.contains("unknown road `sw_lan`") && e.contains("did you mean `sw_lane`"), "{e}");
    let flood = std::fs::read_to_string("scenarios/team_flood_rescue.ron").unwrap().replace(
        "trigger: Inject(\"call_out\"), action: SendReport",
        "trigger: RoadCleared(\"dike_rd\"), action: SendReport",
    );
    let e = load_bytes("flood.ron", flood.as_bytes(), Path::new("scenarios")).unwrap_err().render();
    assert!(e.contains("road `dike_rd` can only be cleared of landslide debris"), "{e}");
}

/// The flood's solver settings: a scenario may choose the Godunov solver
/// and set θ and the Courant number within their stable ranges; outside
/// them, or θ with the Godunov solver, is an error at the field.
#[test]
fn flood_solver_settings_are_checked() {
    let with = |fields: &'static str| {
        example_with(move |t| {
            t.replacen("boundaries: (south: FreeOutflow),", &format!("boundaries: (south: FreeOutflow), {fields}"), 1)
        })
    };
    let ok = with("solver: Godunov, courant: 0.4,").unwrap_or_else(|r| panic!("{}", r.render()));
    let f = ok.scenario.hazards.flood.as_ref().unwrap();
    let p = firstline::sim::flood::solver_params(f);
    assert_eq!((p.solver, p.alpha), (firstline::sim::flood::kernel::Solver::Godunov, 0.4));
    let p = firstline::sim::flood::solver_params(&with("theta: 0.9,").unwrap().scenario.hazards.flood.unwrap());
    assert_eq!((p.theta, p.alpha), (0.9, 0.5), "θ below 1 takes the step it is stable at");
    let p = firstline::sim::flood::solver_params(&with("courant: 0.6,").unwrap().scenario.hazards.flood.unwrap());
    assert_eq!((p.theta, p.alpha), (0.8, 0.6), "the default θ is the damped 0.8");
    let p = firstline::sim::flood::solver_params(&with("theta: 1,").unwrap().scenario.hazards.flood.unwrap());
    assert_eq!((p.theta, p.alpha), (1.0, 0.7), "θ = 1 is Bates et al.'s scheme at its own step");
    assert!(with("local_steps: true,").unwrap().scenario.hazards.flood.unwrap().local_steps);
    let p = firstline::sim::flood::solver_params(&with("").unwrap().scenario.hazards.flood.unwrap());
    assert_eq!(p, firstline::sim::flood::kernel::Params::default(), "no settings: the verified default");
    for (fields, msg) in [
        ("solver: Godunov, theta: 0.8,", "theta belongs to the Inertial solver"),
        ("theta: 0.3,", "theta 0.3 is outside 0.6–1"),
        ("theta: 1, courant: 0.8,", "courant 0.8 is outside (0, 0.7]"),
        ("courant: 0.7,", "courant 0.7 is outside (0, 0.6]"),
        ("solver: Godunov, courant: 0.6,", "courant 0.6 is outside (0, 0.5]"),
        ("solver: Godunov, local_steps: true,", "local_steps belongs to the Inertial solver"),
    ] {
        let r = match with(fields) {
            Ok(_) => panic!("{fields} was accepted"),
            Err(r) => r,
        };
        let d = &r.diagnostics[0];
        assert!(d.message.contains(msg), "{fields}: {d}");
        assert_eq!(d.line, 91, "{fields}: the error points at the flood's line: {d}");
    }
}
