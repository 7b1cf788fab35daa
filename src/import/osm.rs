//! OpenStreetMap input: a `.osm.pbf` streamed by `osmpbf` or an `.osm`
//! XML file streamed by `quick-xml`, read in passes so memory follows the
//! area imported, never the file: nodes inside the box, the ways that
//! touch it (with all their nodes) and the relations (administrative
//! boundaries, multipolygons) that have a member touching it. Plain
//! longitude/latitude data; owns no projection and no scenario types.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// Most nodes kept (a township is some hundred thousand).
pub const MAX_NODES: usize = 20_000_000;
/// Above this size a file must be read with a `--bbox`.
pub const MAX_UNBOXED_BYTES: u64 = 512 << 20;

/// Keys that make a way or relation worth keeping.
const KEYS: &[&str] = &[
    "highway",
    "building",
    "waterway",
    "natural",
    "landuse",
    "leisure",
    "amenity",
    "emergency",
    "water",
    "boundary",
    "place",
];

/// A box in degrees: west, south, east, north.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LonLatBox {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

impl LonLatBox {
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        lon >= self.west && lon <= self.east && lat >= self.south && lat <= self.north
    }
}

/// Tags as read, in file order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tags(pub Vec<(String, String)>);

impl Tags {
    pub fn get(&self, k: &str) -> Option<&str> {
        self.0.iter().find(|(a, _)| a == k).map(|(_, v)| v.as_str())
    }
    pub fn has(&self, k: &str) -> bool {
        self.get(k).is_some()
    }
    fn interesting(&self) -> bool {
        self.0.iter().any(|(k, _)| KEYS.contains(&k.as_str()))
    }
}

/// What a relation member is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Node,
    Way,
    Relation,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Way {
    pub id: i64,
    pub refs: Vec<i64>,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    pub id: i64,
    /// (kind, id, role).
    pub members: Vec<(Kind, i64, String)>,
    pub tags: Tags,
}

/// A tagged node inside the box (a school or an assembly point drawn as a point).
#[derive(Debug, Clone, PartialEq)]
pub struct Poi {
    pub id: i64,
    pub at: (f64, f64),
    pub tags: Tags,
}

/// One element as it streams by.
enum Element {
    Node { id: i64, lon: f64, lat: f64, tags: Tags },
    Way(Way),
    Relation(Relation),
}

/// What the importer keeps of the file.
#[derive(Debug, Default)]
pub struct Osm {
    /// Longitude and latitude of every node kept.
    pub nodes: BTreeMap<i64, (f64, f64)>,
    pub pois: Vec<Poi>,
    pub ways: BTreeMap<i64, Way>,
    pub relations: Vec<Relation>,
}

enum Format {
    Pbf,
    Xml,
}

fn format_of(path: &Path) -> Result<Format, String> {
    let mut head = [0u8; 64];
    let n = File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let head = &head[..n];
    let text = String::from_utf8_lossy(head);
    if text.trim_start().starts_with('<') {
        Ok(Format::Xml)
    } else if head.windows(9).any(|w| w == b"OSMHeader") {
        Ok(Format::Pbf)
    } else {
        Err(format!(
            "{} is neither an OpenStreetMap .osm.pbf nor an .osm XML file (an extract from \
             download.geofabrik.de or `osmium extract` is either)",
            path.display()
        ))
    }
}

/// The file's own bounds (the PBF header's box or the XML `<bounds>`), if it says.
pub fn bounds(path: &Path) -> Result<Option<LonLatBox>, String> {
    match format_of(path)? {
        Format::Pbf => {
            let r = osmpbf::BlobReader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
            // The header is the first blob.
            if let Some(blob) = r.into_iter().next() {
                let blob = blob.map_err(|e| format!("{}: {e}", path.display()))?;
                if let Ok(h) = blob.to_headerblock() {
                    return Ok(h.bbox().map(|b| LonLatBox {
                        west: b.left,
                        south: b.bottom,
                        east: b.right,
                        north: b.top,
                    }));
                }
            }
            Ok(None)
        }
        Format::Xml => {
            let f = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
            let mut r = quick_xml::Reader::from_reader(BufReader::new(f));
            let mut buf = Vec::new();
            loop {
                match r.read_event_into(&mut buf) {
                    Ok(quick_xml::events::Event::Empty(e) | quick_xml::events::Event::Start(e)) => {
                        match e.name().into_inner() {
                            "bounds" => {
                                let a = attrs(&e);
                                let g = |k: &str| a.get(k).and_then(|v| v.parse::<f64>().ok());
                                return Ok(match (g("minlon"), g("minlat"), g("maxlon"), g("maxlat")) {
                                    (Some(w), Some(s), Some(e), Some(n)) => {
                                        Some(LonLatBox { west: w, south: s, east: e, north: n })
                                    }
                                    _ => None,
                                });
                            }
                            "node" | "way" | "relation" => return Ok(None),
                            _ => {}
                        }
                    }
                    Ok(quick_xml::events::Event::Eof) => return Ok(None),
                    Err(e) => return Err(format!("{}: not well-formed XML ({e})", path.display())),
                    _ => {}
                }
                buf.clear();
            }
        }
    }
}

/// Streams every element of the file through `f`.
fn each(path: &Path, f: &mut dyn FnMut(Element) -> Result<(), String>) -> Result<(), String> {
    let name = path.display().to_string();
    match format_of(path)? {
        Format::Pbf => {
            let reader = osmpbf::ElementReader::from_path(path).map_err(|e| format!("{name}: {e}"))?;
            let mut failed: Option<String> = None;
            let tags = |it: &mut dyn Iterator<Item = (&str, &str)>| {
                Tags(it.map(|(k, v)| (k.to_owned(), v.to_owned())).collect())
            };
            reader
                .for_each(|e| {
                    if failed.is_some() {
                        return;
                    }
                    let el = match e {
                        osmpbf::Element::Node(n) => {
                            Element::Node { id: n.id(), lon: n.lon(), lat: n.lat(), tags: tags(&mut n.tags()) }
                        }
                        osmpbf::Element::DenseNode(n) => {
                            Element::Node { id: n.id(), lon: n.lon(), lat: n.lat(), tags: tags(&mut n.tags()) }
                        }
                        osmpbf::Element::Way(w) => {
                            Element::Way(Way { id: w.id(), refs: w.refs().collect(), tags: tags(&mut w.tags()) })
                        }
                        osmpbf::Element::Relation(r) => Element::Relation(Relation {
                            id: r.id(),
                            members: r
                                .members()
                                .map(|m| {
                                    let kind = match m.member_type {
                                        osmpbf::RelMemberType::Node => Kind::Node,
                                        osmpbf::RelMemberType::Way => Kind::Way,
                                        osmpbf::RelMemberType::Relation => Kind::Relation,
                                    };
                                    (kind, m.member_id, m.role().unwrap_or("").to_owned())
                                })
                                .collect(),
                            tags: tags(&mut r.tags()),
                        }),
                    };
                    if let Err(e) = f(el) {
                        failed = Some(e);
                    }
                })
                .map_err(|e| format!("{name}: the file is damaged or not an OSM PBF ({e})"))?;
            failed.map_or(Ok(()), Err)
        }
        Format::Xml => {
            use quick_xml::events::Event;
            let file = File::open(path).map_err(|e| format!("cannot open {name}: {e}"))?;
            let mut r = quick_xml::Reader::from_reader(BufReader::new(file));
            let mut buf = Vec::new();
            let mut open: Option<Element> = None;
            loop {
                let ev = r
                    .read_event_into(&mut buf)
                    .map_err(|e| format!("{name}: not well-formed XML near byte {} ({e})", r.buffer_position()))?;
                let (start, empty) = match &ev {
                    Event::Start(e) => (Some(e.clone()), false),
                    Event::Empty(e) => (Some(e.clone()), true),
                    _ => (None, false),
                };
                if let Some(e) = start {
                    let a = attrs(&e);
                    let id = || a.get("id").and_then(|v| v.parse::<i64>().ok());
                    match e.name().into_inner() {
                        "node" => {
                            let (Some(id), Some(lon), Some(lat)) = (
                                id(),
                                a.get("lon").and_then(|v| v.parse().ok()),
                                a.get("lat").and_then(|v| v.parse().ok()),
                            ) else {
                                return Err(format!(
                                    "{name}: a node without id, lon or lat near byte {}",
                                    r.buffer_position()
                                ));
                            };
                            open = Some(Element::Node { id, lon, lat, tags: Tags::default() });
                        }
                        "way" => {
                            open = id().map(|id| Element::Way(Way { id, refs: Vec::new(), tags: Tags::default() }))
                        }
                        "relation" => {
                            open = id().map(|id| {
                                Element::Relation(Relation { id, members: Vec::new(), tags: Tags::default() })
                            })
                        }
                        "tag" => {
                            if let (Some(k), Some(v)) = (a.get("k"), a.get("v")) {
                                let t = (k.clone(), v.clone());
                                match &mut open {
                                    Some(Element::Node { tags, .. }) => tags.0.push(t),
                                    Some(Element::Way(w)) => w.tags.0.push(t),
                                    Some(Element::Relation(rel)) => rel.tags.0.push(t),
                                    None => {}
                                }
                            }
                        }
                        "nd" => {
                            if let (Some(Element::Way(w)), Some(rf)) =
                                (&mut open, a.get("ref").and_then(|v| v.parse().ok()))
                            {
                                w.refs.push(rf);
                            }
                        }
                        "member" => {
                            if let (Some(Element::Relation(rel)), Some(rf)) =
                                (&mut open, a.get("ref").and_then(|v| v.parse().ok()))
                            {
                                let kind = match a.get("type").map(String::as_str) {
                                    Some("node") => Kind::Node,
                                    Some("way") => Kind::Way,
                                    _ => Kind::Relation,
                                };
                                rel.members.push((kind, rf, a.get("role").cloned().unwrap_or_default()));
                            }
                        }
                        _ => {}
                    }
                    let element = matches!(e.name().into_inner(), "node" | "way" | "relation");
                    if empty
                        && element
                        && let Some(el) = open.take()
                    {
                        f(el)?;
                    }
                } else if let Event::End(e) = &ev {
                    if matches!(e.name().into_inner(), "node" | "way" | "relation")
                        && let Some(el) = open.take()
                    {
                        f(el)?;
                    }
                } else if let Event::Eof = ev {
                    return Ok(());
                }
                buf.clear();
            }
        }
    }
}

fn attrs(e: &quick_xml::events::BytesStart<'_>) -> BTreeMap<String, String> {
    e.attributes()
        .flatten()
        .filter_map(|a| {
            let k = a.key.as_ref().to_owned();
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| (k, v.into_owned()))
        })
        .collect()
}

/// Reads what the importer needs of the area `bbox` (nodes are expected
/// before the ways, ways before the relations, as every extract tool writes).
pub fn read(path: &Path, bbox: LonLatBox) -> Result<Osm, String> {
    let mut osm = Osm::default();
    let mut touching: BTreeSet<i64> = BTreeSet::new();
    let too_many = || {
        format!(
            "{} has more than {} million nodes inside the box: that is a city, not a township; choose a smaller --bbox",
            path.display(),
            MAX_NODES / 1_000_000
        )
    };
    // Pass 1: nodes inside the box widened by half its size each way (so a
    // way whose long straight piece crosses the box with no node inside it
    // is still found), the ways touching them, relations holding those ways.
    let (mx, my) = ((bbox.east - bbox.west) / 2.0 + 0.005, (bbox.north - bbox.south) / 2.0 + 0.005);
    let wide = LonLatBox { west: bbox.west - mx, south: bbox.south - my, east: bbox.east + mx, north: bbox.north + my };
    each(path, &mut |el| {
        match el {
            Element::Node { id, lon, lat, tags } => {
                if wide.contains(lon, lat) {
                    if osm.nodes.len() >= MAX_NODES {
                        return Err(too_many());
                    }
                    osm.nodes.insert(id, (lon, lat));
                    if tags.interesting() && bbox.contains(lon, lat) {
                        osm.pois.push(Poi { id, at: (lon, lat), tags });
                    }
                }
            }
            Element::Way(w) => {
                if w.refs.iter().any(|r| osm.nodes.contains_key(r)) {
                    touching.insert(w.id);
                    if w.tags.interesting() {
                        osm.ways.insert(w.id, w);
                    }
                }
            }
            Element::Relation(r) => {
                let kind = r.tags.get("type");
                if matches!(kind, Some("multipolygon" | "boundary"))
                    && r.tags.interesting()
                    && r.members.iter().any(|(k, id, _)| *k == Kind::Way && touching.contains(id))
                {
                    osm.relations.push(r);
                }
            }
        }
        Ok(())
    })?;
    // Pass 2: the relations' member ways that do not touch the box.
    let wanted: BTreeSet<i64> = osm
        .relations
        .iter()
        .flat_map(|r| r.members.iter().filter(|m| m.0 == Kind::Way).map(|m| m.1))
        .filter(|id| !osm.ways.contains_key(id))
        .collect();
    if !wanted.is_empty() {
        each(path, &mut |el| {
            if let Element::Way(w) = el
                && wanted.contains(&w.id)
            {
                osm.ways.insert(w.id, w);
            }
            Ok(())
        })?;
    }
    // Pass 3: the nodes of kept ways outside the box.
    let missing: BTreeSet<i64> =
        osm.ways.values().flat_map(|w| w.refs.iter().copied()).filter(|r| !osm.nodes.contains_key(r)).collect();
    if !missing.is_empty() {
        if missing.len() + osm.nodes.len() > MAX_NODES {
            return Err(too_many());
        }
        each(path, &mut |el| {
            if let Element::Node { id, lon, lat, .. } = el
                && missing.contains(&id)
            {
                osm.nodes.insert(id, (lon, lat));
            }
            Ok(())
        })?;
    }
    Ok(osm)
}
