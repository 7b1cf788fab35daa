//! Map schema: grid, terrain, land cover, rivers, the road graph, and the
//! structures walkers cannot pass (buildings, walls, doors) with the
//! walkers' own grid.

use super::common::{Point, Text};
use serde::{Deserialize, Serialize};

/// The terrain grid and everything drawn on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MapSpec {
    /// Grid size in cells, `(columns, rows)`.
    pub size: (u32, u32),
    /// Cell edge length in metres.
    pub cell_m: f64,
    pub terrain: Terrain,
    pub land_cover: LandCover,
    #[serde(default)]
    pub rivers: Vec<River>,
    pub roads: RoadNet,
    /// Cell edge of the walkers' grid (m): the terrain cell divided by a
    /// whole number (e.g. 0.5 m under 10 m terrain cells), so that doors
    /// and walls a metre wide can be drawn where people walk. The terrain
    /// cell when absent.
    #[serde(default)]
    pub walk_cell_m: Option<f64>,
    /// Buildings, walls and solid footprints that walkers cannot pass
    /// (doors let them through); drawn on the walkers' grid.
    #[serde(default)]
    pub structures: Vec<Structure>,
}

/// Something people on foot cannot walk through. Cells of the walkers'
/// grid whose square the structure's solid part touches are blocked, so a
/// wall of any thickness leaves no gap between cells; a door opens the
/// cells of its wall whose centres lie within its width.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Structure {
    /// A building people can be inside (a hall, a school, a house): walls
    /// of `wall_m` along its closed outline, open inside, doors in its walls.
    Building {
        id: String,
        #[serde(default)]
        name: Option<Text>,
        outline: Vec<Point>,
        /// Wall thickness (m).
        #[serde(default = "default_wall_m")]
        wall_m: f64,
        #[serde(default)]
        doors: Vec<Door>,
    },
    /// A free-standing wall along a polyline (a compound wall, a fence, a
    /// flood wall people cannot climb), with its gates as doors.
    Wall {
        id: String,
        points: Vec<Point>,
        #[serde(default = "default_wall_m")]
        thickness_m: f64,
        #[serde(default)]
        doors: Vec<Door>,
    },
    /// A solid footprint nobody enters during the drill (a building outside
    /// it, a pylon base, a pond wall).
    Block { id: String, outline: Vec<Point> },
}

/// An opening in a wall: its centre on the wall's line and its clear width.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Door {
    pub at: Point,
    pub width_m: f64,
}

fn default_wall_m() -> f64 {
    0.3
}

impl Structure {
    pub fn id(&self) -> &str {
        match self {
            Structure::Building { id, .. } | Structure::Wall { id, .. } | Structure::Block { id, .. } => id,
        }
    }

    /// The doors in its walls (none for a block).
    pub fn doors(&self) -> &[Door] {
        match self {
            Structure::Building { doors, .. } | Structure::Wall { doors, .. } => doors,
            Structure::Block { .. } => &[],
        }
    }

    /// Its walls as line segments with their thickness: a building's
    /// outline closed, a wall's polyline open; a block has none (its whole
    /// footprint is solid).
    pub fn wall_segments(&self) -> (Vec<(Point, Point)>, f64) {
        let pairs = |pts: &[Point], closed: bool| {
            let mut v: Vec<(Point, Point)> = pts.windows(2).map(|w| (w[0], w[1])).collect();
            if closed && pts.len() > 2 {
                v.push((pts[pts.len() - 1], pts[0]));
            }
            v
        };
        match self {
            Structure::Building { outline, wall_m, .. } => (pairs(outline, true), *wall_m),
            Structure::Wall { points, thickness_m, .. } => (pairs(points, false), *thickness_m),
            Structure::Block { .. } => (Vec::new(), 0.0),
        }
    }
}

/// Where terrain elevation comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Terrain {
    /// A 16-bit greyscale PNG (path relative to the scenario file), one pixel
    /// per cell, row 0 at the north edge; 0 maps to `min_m`, 65535 to `max_m`.
    Heightmap { path: String, min_m: f64, max_m: f64 },
    /// A base elevation plus features applied in order.
    Procedural {
        base_m: f64,
        #[serde(default)]
        features: Vec<Feature>,
    },
}

/// A procedural terrain feature; each adds to the elevation of every cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Feature {
    /// A tilted plane: `dz = slope_x·x + slope_y·y` (m per m).
    Plane { slope_x: f64, slope_y: f64 },
    /// A valley along a polyline with a parabolic cross-section.
    Valley { points: Vec<Point>, depth_m: f64, half_width_m: f64 },
    /// A round hill with a cosine profile.
    Hill { at: Point, height_m: f64, radius_m: f64 },
    /// A flat-bottomed cut (a drainage channel) along a polyline.
    Channel { points: Vec<Point>, depth_m: f64, width_m: f64 },
    /// A raised ridge or embankment along a polyline with a cosine profile.
    Ridge { points: Vec<Point>, height_m: f64, half_width_m: f64 },
}

/// Land cover classes and where they lie.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LandCover {
    pub classes: Vec<CoverClass>,
    /// Class of every cell not covered by a polygon.
    pub default: String,
    /// Polygons painted in order; later ones win.
    #[serde(default)]
    pub polygons: Vec<CoverPolygon>,
}

/// One land cover class with its hydraulic and fire properties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverClass {
    pub id: String,
    #[serde(default)]
    pub name: Option<Text>,
    /// Manning roughness n (s/m^(1/3)).
    pub manning_n: f64,
    /// Fire behaviour fuel model code (Anderson "FM1".."FM13", Scott–Burgan
    /// "GR1", "GS4"…, or "NB" for non-burnable).
    #[serde(default)]
    pub fuel: Option<String>,
    /// Built-up land (houses with streets between them): the flood's hazard
    /// rating takes FD2321's urban debris factor here (1 from 0.25 m deep).
    /// It does not block walkers — residents walk its streets; buildings
    /// and walls that people cannot pass are `map.structures`.
    #[serde(default)]
    pub built: bool,
}

impl CoverClass {
    /// The class's colour on a map (window and `inspect --png`), from its
    /// id, fuel and kind.
    pub fn colour(&self) -> [f32; 3] {
        let id = self.id.to_ascii_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| id.contains(w));
        if self.built || has(&["village", "town", "built"]) {
            [0.70, 0.66, 0.60]
        } else if has(&["water", "river", "lake"]) || self.fuel.as_deref() == Some("NB") {
            [0.35, 0.55, 0.75]
        } else if has(&["forest", "wood"]) {
            [0.22, 0.42, 0.22]
        } else if has(&["shrub", "scrub"]) {
            [0.42, 0.52, 0.30]
        } else if has(&["farm", "paddy", "field", "crop"]) {
            [0.66, 0.72, 0.42]
        } else {
            [0.55, 0.62, 0.40]
        }
    }
}

/// A polygon of one land cover class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverPolygon {
    pub class: String,
    pub points: Vec<Point>,
}

/// A river drawn as a polyline; it cuts a channel into the terrain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct River {
    pub id: String,
    #[serde(default)]
    pub name: Option<Text>,
    pub points: Vec<Point>,
    pub width_m: f64,
    /// Bank-full depth of the channel below the surrounding terrain.
    pub depth_m: f64,
}

/// The road graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoadNet {
    pub nodes: Vec<RoadNode>,
    pub edges: Vec<RoadEdge>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoadNode {
    pub id: String,
    pub at: Point,
    /// The name trainees see (a junction, a landmark: a patrol's stops, a
    /// force's destination); "junction <id>" when absent.
    #[serde(default)]
    pub name: Option<Text>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoadEdge {
    pub id: String,
    pub from: String,
    pub to: String,
    pub class: RoadClass,
    /// The name trainees see (a street, a route number); its id when absent.
    #[serde(default)]
    pub name: Option<Text>,
    pub width_m: f64,
    /// Free speed; the class default when absent.
    #[serde(default)]
    pub speed_kmh: Option<f64>,
    #[serde(default)]
    pub bridge: bool,
}

/// Road classes of a rural township.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoadClass {
    County,
    Township,
    Village,
    Track,
    Footpath,
}

impl RoadClass {
    /// Typical free speed by class (km/h) for a rural Chinese road network.
    pub fn default_speed_kmh(self) -> f64 {
        match self {
            RoadClass::County => 60.0,
            RoadClass::Township => 40.0,
            RoadClass::Village => 25.0,
            RoadClass::Track => 15.0,
            RoadClass::Footpath => 5.0,
        }
    }
}
