//! `firstline import` (#19): a township from an elevation model and an
//! OpenStreetMap extract. A synthetic area checks the pipeline against
//! exact answers (a planar DEM, whose bilinear samples are exact, and a
//! hand-drawn village with a bridged river, a culverted stream and houses
//! cut off); the shipped real extract (`tests/data/import/`) checks it on
//! real data; bad inputs get a clear message and leave nothing written.

use firstline::import::{self, Options, osm::LonLatBox, township::Settings};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The synthetic model's plane: metres at (lon, lat).
fn plane(lon: f64, lat: f64) -> f64 {
    200.0 + 2000.0 * (lon - 110.0) + 3000.0 * (lat - 30.0)
}

/// A north-up float GeoTIFF of `plane` over 109.99–110.03 E, 29.99–30.025 N
/// (0.0005° pixels, pixel-is-area) in EPSG `epsg`.
fn write_dem(path: &Path, epsg: u16) {
    use tiff::encoder::{TiffEncoder, colortype::Gray32Float};
    use tiff::tags::Tag;
    let (w, h, d) = (80u32, 70u32, 0.0005);
    let (west, north) = (109.99, 30.025);
    let mut data = Vec::new();
    for r in 0..h {
        for c in 0..w {
            let (lon, lat) = (west + (c as f64 + 0.5) * d, north - (r as f64 + 0.5) * d);
            data.push(plane(lon, lat) as f32);
        }
    }
    let f = std::fs::File::create(path).unwrap();
    let mut enc = TiffEncoder::new(f).unwrap();
    let mut img = enc.new_image::<Gray32Float>(w, h).unwrap();
    img.rows_per_strip(16).unwrap();
    img.encoder().write_tag(Tag::ModelPixelScaleTag, &[d, d, 0.0][..]).unwrap();
    img.encoder().write_tag(Tag::ModelTiepointTag, &[0.0, 0.0, 0.0, west, north, 0.0][..]).unwrap();
    // GTModelType geographic, GTRasterType pixel-is-area, GeographicType.
    let keys: [u16; 16] = [1, 1, 0, 3, 1024, 0, 1, 2, 1025, 0, 1, 1, 2048, 0, 1, epsg];
    img.encoder().write_tag(Tag::GeoKeyDirectoryTag, &keys[..]).unwrap();
    img.write_data(&data).unwrap();
}

/// A hand-drawn township as OSM XML: two east-west streets and a
/// north-south lane, a river at 110.012 E bridged by the southern street
/// only, a stream the lane crosses without a bridge tag (a culvert), a
/// school, 24 houses west of the river, 4 east of it reached by the bridge,
/// and 2 beyond a second, unbridged river; two villages (administrative
/// level 10) divided at 110.010 E, written after the ways as extracts are.
struct Osm {
    xml: String,
    next: i64,
    houses: Vec<i64>,
}

impl Osm {
    fn node(&mut self, lon: f64, lat: f64) -> i64 {
        self.next += 1;
        let _ = writeln!(self.xml, r#"  <node id="{}" lat="{lat:.7}" lon="{lon:.7}"/>"#, self.next);
        self.next
    }
    fn way(&mut self, pts: &[(f64, f64)], tags: &[(&str, &str)], closed: bool) -> i64 {
        let ids: Vec<i64> = pts.iter().map(|p| self.node(p.0, p.1)).collect();
        self.way_of(&ids, tags, closed)
    }
    fn way_of(&mut self, ids: &[i64], tags: &[(&str, &str)], closed: bool) -> i64 {
        self.next += 1;
        let id = self.next;
        let _ = writeln!(self.xml, r#"  <way id="{id}">"#);
        for n in ids.iter().chain(ids.first().filter(|_| closed)) {
            let _ = writeln!(self.xml, r#"    <nd ref="{n}"/>"#);
        }
        for (k, v) in tags {
            let _ = writeln!(self.xml, r#"    <tag k="{k}" v="{v}"/>"#);
        }
        let _ = writeln!(self.xml, "  </way>");
        id
    }
    /// An administrative area drawn as a relation of two outer ways that
    /// meet end to end (the importer joins them into a ring).
    fn area(&mut self, w: f64, e: f64, name: &str) {
        let (s, n) = (29.99, 30.03);
        let c = [self.node(w, s), self.node(e, s), self.node(e, n), self.node(w, n)];
        let a = self.way_of(&[c[0], c[1], c[2]], &[], false);
        let b = self.way_of(&[c[2], c[3], c[0]], &[], false);
        self.next += 1;
        let _ = writeln!(self.xml, r#"  <relation id="{}">"#, self.next);
        for m in [a, b] {
            let _ = writeln!(self.xml, r#"    <member type="way" ref="{m}" role="outer"/>"#);
        }
        for (k, v) in [("type", "boundary"), ("boundary", "administrative"), ("admin_level", "10"), ("name", name)] {
            let _ = writeln!(self.xml, r#"    <tag k="{k}" v="{v}"/>"#);
        }
        let _ = writeln!(self.xml, "  </relation>");
    }
    fn house(&mut self, lon: f64, lat: f64) {
        let (dx, dy) = (0.00008, 0.00006); // about 8 × 7 m
        let id = self.way(
            &[(lon, lat), (lon + dx, lat), (lon + dx, lat + dy), (lon, lat + dy)],
            &[("building", "house")],
            true,
        );
        self.houses.push(id);
    }
}

fn write_osm(path: &Path, roads: bool) -> Vec<i64> {
    let mut o = Osm { xml: String::new(), next: 0, houses: Vec::new() };
    o.xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<osm version=\"0.6\" generator=\"test\">\n");
    o.xml.push_str("  <bounds minlat=\"30.0\" minlon=\"110.0\" maxlat=\"30.015\" maxlon=\"110.02\"/>\n");
    if roads {
        o.way(&[(110.001, 30.004), (110.011, 30.004)], &[("highway", "residential")], false);
        o.way(&[(110.011, 30.004), (110.0135, 30.004)], &[("highway", "residential"), ("bridge", "yes")], false);
        o.way(&[(110.0135, 30.004), (110.0170, 30.004)], &[("highway", "residential")], false);
        o.way(&[(110.001, 30.010), (110.011, 30.010)], &[("highway", "tertiary"), ("name", "北街")], false);
        // A mapper's placeholder is not a name.
        o.way(&[(110.001, 30.0125), (110.011, 30.0125)], &[("highway", "track"), ("name", "FIXME")], false);
        o.way(&[(110.006, 30.001), (110.006, 30.013)], &[("highway", "unclassified")], false);
    }
    o.way(&[(110.012, 29.995), (110.012, 30.020)], &[("waterway", "river"), ("name", "清溪")], false);
    o.way(&[(110.0185, 29.995), (110.0185, 30.020)], &[("waterway", "river")], false);
    o.way(&[(110.000, 30.0075), (110.011, 30.0075)], &[("waterway", "stream")], false);
    o.way(&[(110.003, 30.0115), (110.009, 30.0115)], &[("waterway", "stream"), ("tunnel", "culvert")], false);
    o.way(
        &[(110.0065, 30.0050), (110.0085, 30.0050), (110.0085, 30.0065), (110.0065, 30.0065)],
        &[("amenity", "school"), ("name", "清溪小学")],
        true,
    );
    for k in 0..12 {
        let lon = 110.0015 + 0.0007 * k as f64;
        o.house(lon, 30.0043);
        o.house(lon, 30.0103);
    }
    for k in 0..4 {
        o.house(110.0140 + 0.0007 * k as f64, 30.0043);
    }
    o.house(110.0191, 30.0090);
    o.house(110.0191, 30.0100);
    o.area(109.98, 110.010, "西村");
    o.area(110.010, 110.04, "东村");
    o.xml.push_str("</osm>\n");
    std::fs::write(path, &o.xml).unwrap();
    o.houses
}

/// A float GeoTIFF in UTM zone 49 N (EPSG:32649) of the plane
/// `utm_plane`, 30 m pixels round the synthetic area, pixel-is-area.
fn write_utm_dem(path: &Path) -> impl Fn(f64, f64) -> f64 + use<> {
    use tiff::encoder::{TiffEncoder, colortype::Gray32Float};
    use tiff::tags::Tag;
    let utm = import::crs::Crs::epsg(32649).unwrap();
    let corners = [(109.99, 29.99), (110.03, 29.99), (109.99, 30.025), (110.03, 30.025)];
    let pts: Vec<(f64, f64)> = corners.iter().map(|c| utm.from_lonlat(c.0, c.1).unwrap()).collect();
    let west = pts.iter().map(|p| p.0).fold(f64::INFINITY, f64::min).floor();
    let north = pts.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max).ceil();
    let east = pts.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
    let south = pts.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let d = 30.0;
    let (w, h) = (((east - west) / d).ceil() as u32, ((north - south) / d).ceil() as u32);
    let plane = move |e: f64, n: f64| 500.0 + 0.01 * (e - west) + 0.02 * (north - n);
    let mut data = Vec::new();
    for r in 0..h {
        for c in 0..w {
            data.push(plane(west + (c as f64 + 0.5) * d, north - (r as f64 + 0.5) * d) as f32);
        }
    }
    let mut enc = TiffEncoder::new(std::fs::File::create(path).unwrap()).unwrap();
    let mut img = enc.new_image::<Gray32Float>(w, h).unwrap();
    img.encoder().write_tag(Tag::ModelPixelScaleTag, &[d, d, 0.0][..]).unwrap();
    img.encoder().write_tag(Tag::ModelTiepointTag, &[0.0, 0.0, 0.0, west, north, 0.0][..]).unwrap();
    // GTModelType projected, pixel-is-area, ProjectedCSType.
    let keys: [u16; 16] = [1, 1, 0, 3, 1024, 0, 1, 1, 1025, 0, 1, 1, 3072, 0, 1, 32649];
    img.encoder().write_tag(Tag::GeoKeyDirectoryTag, &keys[..]).unwrap();
    img.write_data(&data).unwrap();
    move |lon: f64, lat: f64| {
        let (e, n) = utm.from_lonlat(lon, lat).unwrap();
        plane(e, n)
    }
}

fn opts(dir: &Path, dem: &str, osm: &str) -> Options {
    Options {
        dem: dir.join(dem),
        osm: dir.join(osm),
        bbox: None,
        out: dir.join("out").join("qingxi.ron"),
        settings: Settings::default(),
    }
}

fn area() -> (tempfile::TempDir, Vec<i64>) {
    let dir = tempfile::tempdir().unwrap();
    write_dem(&dir.path().join("dem.tif"), 4326);
    let houses = write_osm(&dir.path().join("area.osm"), true);
    std::fs::create_dir(dir.path().join("out")).unwrap();
    (dir, houses)
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    v.sort();
    v
}

#[test]
fn a_synthetic_township_imports_validates_and_keeps_the_model_s_heights() {
    let (dir, houses) = area();
    let done = import::run(&opts(dir.path(), "dem.tif", "area.osm")).unwrap();
    let loaded = firstline::scenario::load(&done.scenario).unwrap_or_else(|r| panic!("{}", r.render()));
    let s = &loaded.scenario;
    let r = &done.report;
    // 0.02° × 0.015° at 30° N is 1 929.7 × 1 662.8 m: 192 × 166 cells of 10 m.
    assert_eq!(s.map.size, (192, 166));
    // The plane is linear in longitude and latitude, so bilinear samples
    // are exact: every cell off a river matches it to the heightmap's
    // quantisation ((max − min) / 65535, under 1 mm here) plus 1 cm.
    let grid = import::crs::LocalGrid::centred(110.01, 30.0075).unwrap();
    let mut grid = grid;
    grid.origin = (-960.0, -830.0);
    let t = &loaded.terrain;
    let mut checked = 0;
    for k in (0..t.nx * t.ny).step_by(97) {
        if t.river[k] {
            continue;
        }
        let c = t.center(k);
        let (lon, lat) = grid.to_lonlat(c.0, c.1).unwrap();
        assert!((t.elevation[k] - plane(lon, lat)).abs() < 0.01, "cell {k}: {} vs {}", t.elevation[k], plane(lon, lat));
        checked += 1;
    }
    assert!(checked > 300);
    // Every house is a household or reported: the two between the
    // unbridged rivers cannot reach a shelter and are left out.
    assert_eq!(r.buildings, houses.len(), "the school grounds are not a building");
    let written: std::collections::BTreeSet<String> = s
        .villages
        .iter()
        .flat_map(|v| v.households.iter().map(|h| h.id.split('-').next().unwrap().to_owned()))
        .collect();
    let left: Vec<&str> = r.left_out.iter().map(|l| l.0.as_str()).collect();
    for h in &houses {
        let id = format!("b{h}");
        assert!(written.contains(&id) ^ left.contains(&id.as_str()), "{id} is neither written nor reported once");
    }
    assert_eq!(left.len(), 2, "{:?}", r.left_out);
    assert_eq!(r.households, 28, "one household per house of 51 m² at 120 m² per household");
    // 2.8 people a household, spread by error diffusion: 28 × 2.8 = 78.4.
    assert!((78..=79).contains(&r.residents), "{}", r.residents);
    // Two villages from the administrative areas, clipped to the map: the
    // school is the west's shelter; the east's four houses reach it over the
    // bridge, and the east gets an assembly point of its own (every village
    // has one) on its highest open ground, proposed for the author to check.
    let names: Vec<&str> = s.villages.iter().map(|v| v.name.zh.as_str()).collect();
    assert_eq!(names, ["西村", "东村"]);
    let (west, east) = (&s.villages[0], &s.villages[1]);
    assert_eq!((west.households.len(), east.households.len()), (24, 4));
    assert!(west.shelters.iter().any(|sh| sh.name.zh == "清溪小学"), "{:?}", west.shelters);
    assert_eq!(east.shelters.len(), 1);
    assert!(east.shelters[0].id.starts_with("proposed_") && east.shelters[0].name.zh.contains("待核实"));
    assert!(east.boundary.iter().all(|p| p.0 >= 0.0 && p.0 < 1920.0 && p.1 >= 0.0 && p.1 < 1660.0));
    // The bridge and the culverted crossing let walkers over; the
    // culverted stream is not a river.
    assert_eq!(r.culverts, 1);
    assert_eq!(r.crossings, 1, "the north-south lane crosses the stream without a bridge tag");
    assert!(s.map.roads.edges.iter().any(|e| e.bridge));
    assert_eq!(s.map.rivers.len(), 3);
    // Streets keep their names for the window's messages.
    let named: Vec<&str> = s.map.roads.edges.iter().filter_map(|e| e.name.as_ref()).map(|n| n.zh.as_str()).collect();
    assert!(!named.is_empty() && named.iter().all(|n| *n == "北街"), "{named:?}");
    // The river that enters the map brings an inflow at its upstream end.
    let flood = s.hazards.flood.as_ref().unwrap();
    assert!(!flood.inflows.is_empty());
    // What the import wrote: the scenario, its heightmap and a picture.
    let names: Vec<String> =
        files(&dir.path().join("out")).iter().map(|p| p.file_name().unwrap().to_string_lossy().into()).collect();
    assert_eq!(names, ["qingxi.height.png", "qingxi.png", "qingxi.ron"]);
    let text = std::fs::read_to_string(&done.scenario).unwrap();
    assert!(text.contains("© OpenStreetMap contributors, ODbL 1.0"));
    assert!(text.contains("TO DO"));
}

/// A projected model (UTM): a plane in eastings and northings is sampled
/// exactly too, so the projection and the pixel geometry are right.
#[test]
fn a_utm_model_is_reprojected_onto_the_local_grid() {
    let (dir, _) = area();
    let plane = write_utm_dem(&dir.path().join("utm.tif"));
    let done = import::run(&opts(dir.path(), "utm.tif", "area.osm")).unwrap();
    let loaded = firstline::scenario::load(&done.scenario).unwrap_or_else(|r| panic!("{}", r.render()));
    let mut grid = import::crs::LocalGrid::centred(110.01, 30.0075).unwrap();
    grid.origin = (-960.0, -830.0);
    let t = &loaded.terrain;
    let mut checked = 0;
    for k in (0..t.nx * t.ny).step_by(89).filter(|&k| !t.river[k]) {
        let c = t.center(k);
        let (lon, lat) = grid.to_lonlat(c.0, c.1).unwrap();
        // The heightmap's step is (max − min) / 65535: under 1 mm here.
        assert!((t.elevation[k] - plane(lon, lat)).abs() < 0.01, "cell {k}: {} vs {}", t.elevation[k], plane(lon, lat));
        checked += 1;
    }
    assert!(checked > 300);
}

#[test]
fn the_same_files_import_to_the_same_bytes() {
    let (dir, _) = area();
    let a = import::run(&opts(dir.path(), "dem.tif", "area.osm")).unwrap();
    let first = (std::fs::read(&a.scenario).unwrap(), std::fs::read(&a.heightmap).unwrap());
    std::fs::remove_dir_all(dir.path().join("out")).unwrap();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let b = import::run(&opts(dir.path(), "dem.tif", "area.osm")).unwrap();
    assert!(first.0 == std::fs::read(&b.scenario).unwrap(), "scenario bytes differ");
    assert!(first.1 == std::fs::read(&b.heightmap).unwrap(), "heightmap bytes differ");
}

/// Each bad input is refused with a message that says what to do, and the
/// output folder stays empty.
#[test]
fn bad_inputs_are_refused_clearly_and_nothing_is_written() {
    let (dir, _) = area();
    let d = dir.path();
    let refused = |o: Options| {
        let e = import::run(&o).expect_err("refused");
        assert!(files(&d.join("out")).is_empty(), "something was written: {:?}", files(&d.join("out")));
        e
    };
    // A projection the importer does not know.
    write_dem(&d.join("nzgd.tif"), 2193);
    let e = refused(opts(d, "nzgd.tif", "area.osm"));
    assert!(e.contains("EPSG:2193") && e.contains("gdalwarp"), "{e}");
    // An extract without roads.
    write_osm(&d.join("noroads.osm"), false);
    let e = refused(opts(d, "dem.tif", "noroads.osm"));
    assert!(e.contains("no roads"), "{e}");
    // A box outside the model.
    let mut o = opts(d, "dem.tif", "area.osm");
    o.bbox = Some(LonLatBox { west: 111.0, south: 31.0, east: 111.02, north: 31.015 });
    let e = refused(o);
    assert!(e.contains("outside the elevation model"), "{e}");
    // A box that runs off the model's edge.
    let mut o = opts(d, "dem.tif", "area.osm");
    o.bbox = Some(LonLatBox { west: 110.0, south: 30.0, east: 110.05, north: 30.015 });
    let e = refused(o);
    assert!(e.contains("runs off the edge"), "{e}");
    // A 5 GB extract (sparse: no disk used) without a box is refused before
    // it is read; the same size as a model is not a GeoTIFF.
    let big = d.join("planet.osm.pbf");
    std::fs::File::create(&big).unwrap().set_len(5 << 30).unwrap();
    let e = refused(opts(d, "dem.tif", "planet.osm.pbf"));
    assert!(e.contains("--bbox") && e.contains("5120 MB"), "{e}");
    let mut o = opts(d, "planet.osm.pbf", "area.osm");
    o.bbox = Some(LonLatBox { west: 110.0, south: 30.0, east: 110.02, north: 30.015 });
    let e = refused(o);
    assert!(e.contains("not a GeoTIFF"), "{e}");
    // The same 5 GB as the extract, with a box: streamed, and refused as
    // not an OSM file at its first bytes.
    let mut o = opts(d, "dem.tif", "planet.osm.pbf");
    o.bbox = Some(LonLatBox { west: 110.0, south: 30.0, east: 110.02, north: 30.015 });
    let e = refused(o);
    assert!(e.contains("neither an OpenStreetMap"), "{e}");
    // A malformed box on the command line.
    assert!(import::parse_bbox("110,30,109,31").unwrap_err().contains("west must be less than east"));
}

/// The shipped real extract (tests/data/import/README.md): Encamp,
/// Andorra — OpenStreetMap (PBF) and the SRTM3 tile N42E001.
const ENCAMP_BOX: LonLatBox = LonLatBox { west: 1.570, south: 42.528, east: 1.600, north: 42.545 };

#[test]
fn the_real_extract_imports_validates_runs_and_keeps_the_srtm_heights() {
    let dir = tempfile::tempdir().unwrap();
    let data = Path::new("tests/data/import");
    let o = Options {
        dem: data.join("encamp_srtm3.tif"),
        osm: data.join("encamp.osm.pbf"),
        bbox: Some(ENCAMP_BOX),
        out: dir.path().join("encamp.ron"),
        settings: Settings::default(),
    };
    let done = import::run(&o).unwrap();
    let loaded = firstline::scenario::load(&done.scenario).unwrap_or_else(|r| panic!("{}", r.render()));
    let s = &loaded.scenario;
    let r = &done.report;
    // 0.030° × 0.017° at 42.5365° N: 2 463 × 1 888 m, 246 × 188 cells of 10 m.
    assert_eq!(s.map.size, (246, 188));
    // Heights: each place is the middle of four SRTM pixel centres, whose
    // values `tools/make_import_fixture.py` read from the raw .hgt (big-
    // endian int16, row 0 at 43° N) independently of this code. The
    // imported cell there, bilinear between them and quantised to the
    // heightmap's 1.1 cm step, must lie within their range (the model's
    // resolution); the cell's centre is within 7.1 m of the place, well
    // inside the 68 × 92 m square the four pixels span.
    let reference = [
        (1.5837500, 42.5362500, 1273.0, 1280.0),
        (1.5745833, 42.5420833, 1676.0, 1739.0),
        (1.5945833, 42.5304167, 1527.0, 1584.0),
        (1.5879167, 42.5437500, 1490.0, 1536.0),
    ];
    let mut grid = import::crs::LocalGrid::centred(1.585, 42.5365).unwrap();
    grid.origin = (-1230.0, -940.0);
    let t = &loaded.terrain;
    for (lon, lat, lo, hi) in reference {
        let p = grid.to_map(lon, lat).unwrap();
        let k = t.cell_of(p).unwrap();
        assert!(!t.river[k], "the place is off the river's carved channel");
        let z = t.elevation[k];
        assert!(z >= lo - 0.02 && z <= hi + 0.02, "at {lon}, {lat}: {z:.2} m, the pixels say {lo}–{hi}");
    }
    // Every building is a block, every residential one a household or
    // reported: none silently lost.
    let blocks = s.map.structures.iter().filter(|st| st.id().starts_with('b')).count();
    assert_eq!(blocks, r.buildings);
    assert!(r.buildings > 150 && r.residential > 100, "{} buildings, {} residential", r.buildings, r.residential);
    let written: std::collections::BTreeSet<&str> =
        s.villages.iter().flat_map(|v| v.households.iter().map(|h| h.id.split('-').next().unwrap())).collect();
    assert_eq!(
        written.len() + r.left_out.len(),
        r.residential,
        "written {} + left out {:?}",
        written.len(),
        r.left_out
    );
    assert!(r.left_out.len() * 20 < r.residential, "too many left out: {:?}", r.left_out);
    // The Valira d'Orient and the main road are there, bridged.
    assert!(!s.map.rivers.is_empty() && s.map.roads.edges.len() > 300);
    assert!(s.map.roads.edges.iter().any(|e| e.bridge));
    assert!(s.villages.iter().flat_map(|v| &v.shelters).count() >= 3);
    // It runs as a drill: the placeholder plans warn (at about 8 minutes)
    // and evacuate, and the first residents reach a shelter within 20
    // minutes (23 with seed 1; 199 by 50 minutes).
    let opts = firstline::headless::RunOptions { until_s: Some(1200), ..Default::default() };
    let out = firstline::headless::run(&loaded, &opts, &mut |_, _| {}).unwrap();
    let safe =
        out.events.iter().filter(|e| matches!(e.event, firstline::sim::events::SimEvent::ResidentSafe { .. })).count();
    assert!(safe >= 10, "{safe} residents reached a shelter");
}

/// The command: prints what it found and exits 0; refused input exits 2
/// and says nothing was written.
#[test]
fn the_command_reports_what_it_did_and_refuses_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_firstline");
    let out = dir.path().join("encamp.ron");
    let run = |dem: &str| {
        std::process::Command::new(bin)
            .args(["import", "--dem", dem, "--osm", "tests/data/import/encamp.osm.pbf"])
            .args(["--bbox", "1.570,42.528,1.600,42.545", "--out"])
            .arg(&out)
            .output()
            .unwrap()
    };
    let bad = run("tests/data/import/encamp.osm.pbf");
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("not a GeoTIFF") && err.contains("nothing was written"), "{err}");
    assert!(files(dir.path()).is_empty());
    let ok = run("tests/data/import/encamp_srtm3.tif");
    let text = String::from_utf8_lossy(&ok.stdout);
    assert_eq!(ok.status.code(), Some(0), "{text}{}", String::from_utf8_lossy(&ok.stderr));
    assert!(text.contains("246 × 188 cells") && text.contains("households"), "{text}");
    assert_eq!(files(dir.path()).len(), 3);
}
