//! `firstline import`: a township scenario from the files a county office
//! can get — a GeoTIFF elevation model and an OpenStreetMap extract. Writes
//! the scenario skeleton (`FILE.ron`, commented: what the author fills
//! in), its 16-bit heightmap (`FILE.height.png`) and an `inspect` picture
//! (`FILE.png`), after the skeleton passed every scenario check; nothing
//! is written when any step fails. A face beside `inspect`: it reads the
//! scenario language and the record layer's atomic files, never the sim.

pub mod crs;
pub mod dem;
pub mod osm;
pub mod township;

use crate::scenario::schema::{Point, Text};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Largest map imported, in cells each way.
pub const MAX_CELLS: u32 = 2048;

/// What to import and how.
#[derive(Debug, Clone)]
pub struct Options {
    pub dem: PathBuf,
    pub osm: PathBuf,
    pub bbox: Option<osm::LonLatBox>,
    pub out: PathBuf,
    pub settings: township::Settings,
}

impl Default for township::Settings {
    fn default() -> Self {
        township::Settings {
            cell_m: 10.0,
            walk_cell_m: 2.0,
            persons: 2.8,
            m2_per_household: 120.0,
            elderly: 0.2,
            children: 0.15,
            m2_per_sheltered: 2.0,
        }
    }
}

/// What was written.
#[derive(Debug)]
pub struct Imported {
    pub scenario: PathBuf,
    pub heightmap: PathBuf,
    pub picture: PathBuf,
    pub report: township::Report,
    pub size: (u32, u32),
    /// The scenario's non-blocking findings, rendered.
    pub warnings: Vec<String>,
}

/// Parses `west,south,east,north` in degrees.
pub fn parse_bbox(s: &str) -> Result<osm::LonLatBox, String> {
    let v: Vec<f64> = s.split(',').map(|p| p.trim().parse::<f64>()).collect::<Result<_, _>>().map_err(|_| {
        format!("--bbox `{s}` is not four numbers: west,south,east,north in degrees, e.g. 24.93,60.16,24.96,60.175")
    })?;
    let [w, so, e, n] = v[..] else {
        return Err(format!("--bbox `{s}` needs four numbers: west,south,east,north in degrees"));
    };
    if !(w < e && so < n && (-180.0..=180.0).contains(&w) && (-180.0..=180.0).contains(&e) && so >= -85.0 && n <= 85.0)
    {
        return Err(format!("--bbox `{s}`: west must be less than east and south less than north, in degrees"));
    }
    Ok(osm::LonLatBox { west: w, south: so, east: e, north: n })
}

/// Runs the import.
pub fn run(o: &Options) -> Result<Imported, String> {
    let s = &o.settings;
    if !(1.0..=100.0).contains(&s.cell_m) || !(0.25..=s.cell_m).contains(&s.walk_cell_m) {
        return Err(format!(
            "--cell {} / --walk-cell {}: the cell is 1–100 m and the walkers' cell 0.25 m up to the cell",
            s.cell_m, s.walk_cell_m
        ));
    }
    if !(s.persons >= 1.0 && s.persons <= 12.0 && s.m2_per_household >= 10.0) {
        return Err("--persons is 1–12 people per household and --m2-per-household at least 10".into());
    }
    let osm_len = std::fs::metadata(&o.osm).map_err(|e| format!("cannot open {}: {e}", o.osm.display()))?.len();
    std::fs::metadata(&o.dem).map_err(|e| format!("cannot open {}: {e}", o.dem.display()))?;
    let bbox = match o.bbox {
        Some(b) => b,
        None if osm_len > osm::MAX_UNBOXED_BYTES => {
            return Err(format!(
                "{} is {} MB: an extract this large covers more than a township; give the area with \
                 --bbox west,south,east,north (degrees)",
                o.osm.display(),
                osm_len >> 20
            ));
        }
        None => osm::bounds(&o.osm)?.ok_or_else(|| {
            format!("{} does not say what area it covers; give it with --bbox west,south,east,north", o.osm.display())
        })?,
    };
    // Fail on the elevation model's projection before reading any map data.
    dem::Dem::crs_of(&o.dem)?;
    // The map: a whole number of cells round the box's centre.
    let (clon, clat) = ((bbox.west + bbox.east) / 2.0, (bbox.south + bbox.north) / 2.0);
    let mut grid = crs::LocalGrid::centred(clon, clat)?;
    let span = |a: (f64, f64), b: (f64, f64)| -> Result<f64, String> {
        let far = || format!("--bbox {bbox:?} cannot be put on a local grid round its centre");
        let (p, q) = (grid.to_map(a.0, a.1).ok_or_else(far)?, grid.to_map(b.0, b.1).ok_or_else(far)?);
        Ok(crate::geom::dist(p, q))
    };
    let width = span((bbox.west, clat), (bbox.east, clat))?;
    let height = span((clon, bbox.south), (clon, bbox.north))?;
    let (nx, ny) = ((width / s.cell_m).floor() as u32, (height / s.cell_m).floor() as u32);
    if nx < 10 || ny < 10 {
        return Err(format!("the area is {width:.0} × {height:.0} m: less than 10 cells of {} m each way", s.cell_m));
    }
    if nx > MAX_CELLS || ny > MAX_CELLS {
        return Err(format!(
            "the area is {width:.0} × {height:.0} m: {nx} × {ny} cells of {} m, more than {MAX_CELLS} each way; \
             choose a smaller --bbox or a larger --cell",
            s.cell_m
        ));
    }
    grid.origin = (-(nx as f64) * s.cell_m / 2.0, -(ny as f64) * s.cell_m / 2.0);
    let area = township::Area { grid, nx, ny, cell_m: s.cell_m };
    // The model's pixels under the map's outline, and the map data inside it.
    let (w, h) = (nx as f64 * s.cell_m, ny as f64 * s.cell_m);
    let outline: Vec<(f64, f64)> = (0..=16)
        .flat_map(|k| {
            let t = k as f64 / 16.0;
            [(t * w, 0.0), (t * w, h), (0.0, t * h), (w, t * h)]
        })
        .filter_map(|(x, y)| area.grid.to_lonlat(x, y))
        .collect();
    let model = dem::Dem::read(&o.dem, &outline)?;
    let inside = osm::LonLatBox {
        west: outline.iter().map(|p| p.0).fold(f64::INFINITY, f64::min),
        south: outline.iter().map(|p| p.1).fold(f64::INFINITY, f64::min),
        east: outline.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max),
        north: outline.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max),
    };
    let data = osm::read(&o.osm, inside)?;
    if !data.ways.values().any(|w| w.tags.has("highway")) {
        return Err(format!(
            "{} has no roads (highway=*) in the area: a township needs its road graph; \
             check --bbox, or that the extract is the right one",
            o.osm.display()
        ));
    }
    let draft = township::build(&data, &model, &area, s)?;
    if draft.villages.is_empty() {
        return Err(format!(
            "no building in the area could be made a household that reaches a shelter ({} buildings, {} residential); \
             the extract may lack buildings here",
            draft.report.buildings, draft.report.residential
        ));
    }
    write_all(o, &area, &draft)
}

fn stem(out: &Path) -> String {
    out.file_stem()
        .map(|s| s.to_string_lossy().trim_end_matches(".ron").to_owned())
        .unwrap_or_else(|| "township".into())
}

fn write_all(o: &Options, area: &township::Area, d: &township::Draft) -> Result<Imported, String> {
    let dir = o.out.parent().filter(|p| !p.as_os_str().is_empty()).map(Path::to_path_buf).unwrap_or_else(|| ".".into());
    let name = stem(&o.out);
    let hm_name = format!("{name}.height.png");
    let (lo, hi) = d.report.elevation_range;
    let (lo, hi) = ((lo * 10.0).floor() / 10.0, ((hi * 10.0).ceil() / 10.0).max(lo + 1.0));
    let png = heightmap(&d.elevation, area.nx as usize, area.ny as usize, lo, hi)?;
    let text = skeleton(o, area, d, &hm_name, lo, hi);
    // Check the skeleton with its heightmap in a scratch folder first.
    let scratch = tempdir_in(&dir)?;
    let checked = (|| {
        std::fs::write(scratch.join(&hm_name), &png).map_err(|e| format!("cannot write in {}: {e}", dir.display()))?;
        crate::scenario::load_bytes(&o.out.display().to_string(), text.as_bytes(), &scratch)
            .map_err(|r| format!("the imported scenario does not pass its checks (an importer fault):\n{}", r.render()))
    })();
    let _ = std::fs::remove_dir_all(&scratch);
    let loaded = checked?;
    let pic = crate::inspect::draw(&loaded, 1600).png().map_err(|e| format!("cannot draw the map: {e}"))?;
    let (heightmap_path, picture) = (dir.join(&hm_name), dir.join(format!("{name}.png")));
    let write = |p: &Path, b: &[u8]| {
        crate::record::atomic::write(p, b).map_err(|e| format!("cannot write {}: {e}", p.display()))
    };
    write(&heightmap_path, &png)?;
    write(&picture, &pic)?;
    write(&o.out, text.as_bytes())?;
    Ok(Imported {
        scenario: o.out.clone(),
        heightmap: heightmap_path,
        picture,
        report: d.report.clone(),
        size: (area.nx, area.ny),
        warnings: loaded.warnings.iter().map(|w| w.to_string()).collect(),
    })
}

/// A fresh folder inside `dir` (removed by the caller).
fn tempdir_in(dir: &Path) -> Result<PathBuf, String> {
    for k in 0..1000u32 {
        let p = dir.join(format!(".firstline-import-{}-{k}", std::process::id()));
        match std::fs::create_dir(&p) {
            Ok(()) => return Ok(p),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("cannot write in {}: {e}", dir.display())),
        }
    }
    Err(format!("cannot make a scratch folder in {}", dir.display()))
}

/// A 16-bit greyscale PNG of the elevations, row 0 north, 0 = `lo`, 65535 = `hi`.
fn heightmap(z: &[f64], nx: usize, ny: usize, lo: f64, hi: f64) -> Result<Vec<u8>, String> {
    let mut raw = Vec::with_capacity(nx * ny * 2);
    for row in 0..ny {
        let j = ny - 1 - row;
        for i in 0..nx {
            let v = ((z[j * nx + i] - lo) / (hi - lo) * 65535.0).round().clamp(0.0, 65535.0) as u16;
            raw.extend_from_slice(&v.to_be_bytes());
        }
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, nx as u32, ny as u32);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Sixteen);
        let mut w = enc.write_header().map_err(|e| format!("heightmap: {e}"))?;
        w.write_image_data(&raw).map_err(|e| format!("heightmap: {e}"))?;
    }
    Ok(out)
}

fn q(s: &str) -> String {
    format!("{s:?}")
}
fn t(x: &Text) -> String {
    format!("(zh: {}, en: {})", q(&x.zh), q(&x.en))
}
fn p(x: Point) -> String {
    format!("({:.1}, {:.1})", x.0, x.1)
}
fn pts(v: &[Point]) -> String {
    format!("[{}]", v.iter().map(|x| p(*x)).collect::<Vec<_>>().join(", "))
}

/// The scenario text: the imported map and villages, and a runnable
/// flood drill the author replaces, every section commented.
fn skeleton(o: &Options, area: &township::Area, d: &township::Draft, heightmap: &str, lo: f64, hi: f64) -> String {
    let r = &d.report;
    let m = &d.map;
    let s = &o.settings;
    let id: String =
        stem(&o.out).chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' }).collect();
    let main = d.villages.iter().max_by_key(|v| v.households.len()).map(|v| v.name.clone()).expect("a village");
    let file = |p: &Path| p.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let mut o_ = String::new();
    let w = &mut o_;
    let _ = writeln!(w, "// A township imported by `firstline import` (schema version 1).");
    let _ = writeln!(w, "// Terrain: {} (keep its licence's attribution with this file).", file(&o.dem));
    let _ = writeln!(w, "// Map data: {} — © OpenStreetMap contributors, ODbL 1.0,", file(&o.osm));
    let _ = writeln!(w, "//   https://www.openstreetmap.org/copyright");
    let _ = writeln!(
        w,
        "// Grid: {} × {} cells of {} m on a transverse Mercator centred at {:.6}° E, {:.6}° N;",
        area.nx, area.ny, area.cell_m, area.grid.centre.0, area.grid.centre.1
    );
    let _ = writeln!(w, "//   x east and y north in metres from the map's south-west corner.");
    let _ = writeln!(w, "//");
    let _ = writeln!(
        w,
        "// What the import found: {} buildings ({} residential) → {} households, {} residents",
        r.buildings, r.residential, r.households, r.residents
    );
    let _ = writeln!(
        w,
        "//   ({} people a household, one household per {} m² of floor, {:.0} % elderly, {:.0} % children);",
        s.persons,
        s.m2_per_household,
        s.elderly * 100.0,
        s.children * 100.0
    );
    let _ = writeln!(
        w,
        "//   {} road nodes and {} edges; {} waterways ({} culverted, left out); {} road crossings of a",
        r.road_nodes, r.road_edges, r.rivers, r.culverts, r.crossings
    );
    let _ = writeln!(w, "//   waterway without a bridge tag are taken as culverts or fords (`bridge: true`);");
    let _ = writeln!(
        w,
        "//   {} shelters from schools, offices, squares and assembly points, {} proposed on high ground;",
        r.shelters_found, r.shelters_proposed
    );
    let _ =
        writeln!(w, "//   {} terrain cells were voids in the elevation model, filled from their neighbours.", r.voids);
    if !r.left_out.is_empty() {
        let _ = writeln!(
            w,
            "// Residential buildings left out ({}): their people could not reach a shelter.",
            r.left_out.len()
        );
        let _ = writeln!(w, "//   Add a bridge edge or a shelter on their side, then their households:");
        for (b, at, why) in r.left_out.iter().take(200) {
            let _ = writeln!(w, "//   {b} at {}: {why}", p(*at));
        }
        if r.left_out.len() > 200 {
            let _ = writeln!(w, "//   … and {} more (`firstline import` prints them all)", r.left_out.len() - 200);
        }
    }
    let _ = writeln!(w, "//");
    let _ = writeln!(w, "// TO DO by the scenario author (docs/import.md walks through each):");
    let _ = writeln!(w, "//   1. check the households against the village register (members, the vulnerable, phones);");
    let _ = writeln!(
        w,
        "//   2. check the shelters: names, capacity (here {} m² a person), which are open at the start;",
        s.m2_per_sheltered
    );
    let _ = writeln!(w, "//   3. roles: one per trainee seat; forces and their base road nodes (`forces`);");
    let _ = writeln!(w, "//   4. plans: the township's own one-page plans replace the two steps below;");
    let _ = writeln!(w, "//   5. the hazard: the rain and river flows below are placeholders, not design floods;");
    let _ = writeln!(w, "//   6. the rubric: thresholds from the county's assessment rules.");
    let _ = writeln!(w, "Scenario(");
    let _ = writeln!(w, "    version: 1,");
    let _ = writeln!(w, "    meta: (");
    let _ = writeln!(w, "        id: {},", q(&id));
    let _ = writeln!(
        w,
        "        title: (zh: {}, en: {}),",
        q(&format!("{}防汛演练（导入）", main.zh)),
        q(&format!("{} flood drill (imported)", main.en))
    );
    let _ = writeln!(w, "        hazards: [Flood],");
    let _ = writeln!(w, "        duration_s: 7200,");
    let _ = writeln!(w, "        seed: 1,");
    let _ = writeln!(w, "        tick_s: 1,");
    let _ = writeln!(w, "        start_clock: \"08:00\",");
    let _ = writeln!(w, "    ),");
    let _ = writeln!(w, "    map: (");
    let _ = writeln!(w, "        size: ({}, {}),", m.size.0, m.size.1);
    let _ = writeln!(w, "        cell_m: {:.1},", m.cell_m);
    if let Some(wc) = m.walk_cell_m {
        let _ = writeln!(w, "        walk_cell_m: {wc:.1}, // the walkers' grid: lanes between houses stay open");
    }
    let _ =
        writeln!(w, "        // Elevation sampled from the model at each cell centre (bilinear), {lo:.1}–{hi:.1} m.");
    let _ = writeln!(w, "        terrain: Heightmap(path: {}, min_m: {lo:.1}, max_m: {hi:.1}),", q(heightmap));
    let _ = writeln!(w, "        land_cover: (");
    let _ = writeln!(w, "            // Manning's n and fuel models are typical values; adjust to the ground.");
    let _ = writeln!(w, "            classes: [");
    for c in &m.land_cover.classes {
        let name = c.name.as_ref().map(|n| format!(", name: {}", t(n))).unwrap_or_default();
        let fuel = c.fuel.as_ref().map(|f| format!(", fuel: {}", q(f))).unwrap_or_default();
        let built = if c.built { ", built: true" } else { "" };
        let _ = writeln!(w, "                (id: {}{name}, manning_n: {}{fuel}{built}),", q(&c.id), c.manning_n);
    }
    let _ = writeln!(w, "            ],");
    let _ = writeln!(w, "            default: {},", q(&m.land_cover.default));
    let _ = writeln!(w, "            // From OSM landuse, natural and leisure areas, larger ones first.");
    let _ = writeln!(w, "            polygons: [");
    for pg in &m.land_cover.polygons {
        let _ = writeln!(w, "                (class: {}, points: {}),", q(&pg.class), pts(&pg.points));
    }
    let _ = writeln!(w, "            ],");
    let _ = writeln!(w, "        ),");
    let _ = writeln!(w, "        // OSM waterways (id r<way>_<n>); width and bank-full depth from the tags or");
    let _ =
        writeln!(w, "        // by kind (river 15 × 2 m, canal 8 × 1.5, stream 3 × 1, ditch 1.5 × 0.5): check them.");
    let _ = writeln!(w, "        rivers: [");
    for rv in &m.rivers {
        let name = rv.name.as_ref().map(|n| format!(", name: {}", t(n))).unwrap_or_default();
        let _ = writeln!(
            w,
            "            (id: {}{name}, points: {}, width_m: {}, depth_m: {}),",
            q(&rv.id),
            pts(&rv.points),
            rv.width_m,
            rv.depth_m
        );
    }
    let _ = writeln!(w, "        ],");
    let _ = writeln!(
        w,
        "        // OSM highways: nodes n<node>, edges w<way>_<n>; class from the highway tag, name from name or ref."
    );
    let _ = writeln!(w, "        roads: (");
    let _ = writeln!(w, "            nodes: [");
    for n in &m.roads.nodes {
        let _ = writeln!(w, "                (id: {}, at: {}),", q(&n.id), p(n.at));
    }
    let _ = writeln!(w, "            ],");
    let _ = writeln!(w, "            edges: [");
    for e in &m.roads.edges {
        let speed = e.speed_kmh.map(|v| format!(", speed_kmh: {v}")).unwrap_or_default();
        let name = e.name.as_ref().map(|n| format!(", name: {}", t(n))).unwrap_or_default();
        let bridge = if e.bridge { ", bridge: true" } else { "" };
        let _ = writeln!(
            w,
            "                (id: {}, from: {}, to: {}, class: {:?}{name}, width_m: {}{speed}{bridge}),",
            q(&e.id),
            q(&e.from),
            q(&e.to),
            e.class,
            e.width_m
        );
    }
    let _ = writeln!(w, "            ],");
    let _ = writeln!(w, "        ),");
    let _ = writeln!(w, "        // Buildings (b<way>) and still water (water<way>) walkers cannot pass.");
    let _ = writeln!(w, "        structures: [");
    for st in &m.structures {
        if let crate::scenario::schema::Structure::Block { id, outline } = st {
            let _ = writeln!(w, "            Block(id: {}, outline: {}),", q(id), pts(outline));
        }
    }
    let _ = writeln!(w, "        ],");
    let _ = writeln!(w, "    ),");
    let _ = writeln!(w, "    // Villages from OSM administrative areas (the whole map when there are none).");
    let _ = writeln!(w, "    // Households b<building>-<n> stand at the open ground nearest their building.");
    let _ = writeln!(w, "    villages: [");
    for v in &d.villages {
        let _ = writeln!(w, "        (");
        let _ = writeln!(w, "            id: {},", q(&v.id));
        let _ = writeln!(w, "            name: {},", t(&v.name));
        let _ = writeln!(w, "            boundary: {},", pts(&v.boundary));
        let _ = writeln!(w, "            households: [");
        for h in &v.households {
            let mm = h.members;
            let _ = writeln!(
                w,
                "                (id: {}, at: {}, members: (children: {}, adults: {}, elderly: {})),",
                q(&h.id),
                p(h.at),
                mm.children,
                mm.adults,
                mm.elderly
            );
        }
        let _ = writeln!(w, "            ],");
        let _ = writeln!(w, "            // Proposed from the map: check each against the shelter register.");
        let _ = writeln!(w, "            shelters: [");
        for sh in &v.shelters {
            let _ = writeln!(
                w,
                "                (id: {}, name: {}, at: {}, capacity: {}),",
                q(&sh.id),
                t(&sh.name),
                p(sh.at),
                sh.capacity
            );
        }
        let _ = writeln!(w, "            ],");
        let _ = writeln!(w, "        ),");
    }
    let _ = writeln!(w, "    ],");
    let _ = writeln!(w, "    // The township's forces: add its rescue team with a base road node, e.g.");
    let _ = writeln!(w, "    // (id: \"township_team\", name: (zh: \"乡镇应急救援队\", en: \"Township rescue team\"),");
    let _ = writeln!(
        w,
        "    //  kind: TownshipRescue, members: 20, base: \"{}\"),",
        m.roads.nodes.first().map(|n| n.id.as_str()).unwrap_or("")
    );
    let _ = writeln!(w, "    forces: [],");
    let _ = writeln!(w, "    roles: [");
    let _ = writeln!(w, "        (id: \"commander\", kind: Commander, name: (zh: \"总指挥\", en: \"Commander\")),");
    let _ = writeln!(
        w,
        "        (id: \"office_director\", kind: OfficeDirector, name: (zh: \"应急办主任\", en: \"Emergency office director\")),"
    );
    for v in &d.villages {
        let _ = writeln!(
            w,
            "        (id: {}, kind: VillageHead, village: {}, name: (zh: {}, en: {})),",
            q(&format!("head_{}", v.id)),
            q(&v.id),
            q(&format!("{}书记", v.name.zh)),
            q(&format!("{} village head", v.name.en))
        );
    }
    let _ = writeln!(w, "    ],");
    let vids: Vec<String> = d.villages.iter().map(|v| q(&v.id)).collect();
    let _ = writeln!(w, "    // Placeholder plans: the warning, then each village evacuates.");
    let _ = writeln!(w, "    plans: [");
    let _ = writeln!(w, "        (role: \"office_director\", steps: [");
    let _ = writeln!(w, "            (id: \"warn\", trigger: Inject(\"red_rain\"),");
    let _ = writeln!(
        w,
        "             action: IssueWarning(level: Red, channels: [Broadcast, Sms], villages: [{}]), deadline_s: 600),",
        vids.join(", ")
    );
    let _ = writeln!(w, "        ]),");
    for v in &d.villages {
        let _ = writeln!(w, "        (role: {}, steps: [", q(&format!("head_{}", v.id)));
        let _ = writeln!(
            w,
            "            (id: {}, trigger: Step(\"warn\"), action: OrderEvacuation(village: {}), deadline_s: 900),",
            q(&format!("evacuate_{}", v.id)),
            q(&v.id)
        );
        let _ = writeln!(w, "        ]),");
    }
    let _ = writeln!(w, "    ],");
    let _ = writeln!(w, "    hazards: (");
    let _ = writeln!(w, "        // PLACEHOLDER storm and river flows: replace them with the county's design");
    let _ = writeln!(w, "        // rainfall (mm/h) and the hydrology office's design flood (m³/s).");
    let _ = writeln!(w, "        flood: (");
    let _ = writeln!(w, "            rain: [(hyetograph: [(0, 10.0), (1800, 60.0), (3600, 30.0), (5400, 5.0)])],");
    let _ = writeln!(w, "            inflows: [");
    for (rid, a, b) in &d.entries {
        let width = m.rivers.iter().find(|r| &r.id == rid).map_or(5.0, |r| r.width_m);
        let (base, peak) = ((width * 0.5).max(0.5), (width * 5.0).max(5.0));
        let _ = writeln!(
            w,
            "                (id: {}, from: {}, to: {}, hydrograph: [(0, {base:.1}), (3600, {peak:.1}), (7200, {base:.1})]),",
            q(&format!("in_{rid}")),
            p(*a),
            p(*b)
        );
    }
    let _ = writeln!(w, "            ],");
    let _ = writeln!(w, "            // Water leaves the cut-out map at every edge.");
    let _ = writeln!(
        w,
        "            boundaries: (west: FreeOutflow, east: FreeOutflow, south: FreeOutflow, north: FreeOutflow),"
    );
    let _ = writeln!(w, "        ),");
    let _ = writeln!(w, "    ),");
    let _ = writeln!(w, "    injects: [");
    let _ = writeln!(
        w,
        "        (id: \"red_rain\", to: [\"office_director\"], when: At(300), from: (zh: \"县气象局\", en: \"County weather bureau\"),"
    );
    let _ = writeln!(
        w,
        "         message: (zh: \"暴雨红色预警\", en: \"Red rainstorm warning\"), ack_within_s: 60, warning: Red),"
    );
    let _ = writeln!(w, "    ],");
    let _ = writeln!(w, "    rubric: (");
    let _ = writeln!(w, "        metrics: [");
    let _ = writeln!(
        w,
        "            (id: \"warning_delay\", metric: WarningDelay, role: \"office_director\", threshold: 600.0, weight: 1.0),"
    );
    let _ = writeln!(w, "            (id: \"casualties\", metric: Casualties, threshold: 0.0, weight: 2.0),");
    let _ = writeln!(w, "        ],");
    let _ = writeln!(w, "        levels: (excellent: 90.0, good: 75.0, pass: 60.0),");
    let _ = writeln!(w, "        gates: [PreventableDeath(cap: Pass)],");
    let _ = writeln!(w, "    ),");
    let _ = writeln!(w, ")");
    o_
}
