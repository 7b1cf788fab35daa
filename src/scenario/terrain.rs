//! The terrain grid: elevation, land cover and river cells built from a
//! scenario's `map`. Plain data, no Bevy types; hazards and people read it.

use crate::geom::{dist_to_polyline, in_polygon, sample_segment};
use crate::scenario::schema::{Feature, MapSpec, Point, Terrain};
use std::path::Path;

/// Cell-centred raster of the map. Cell `(i, j)` is stored at `j*nx + i`,
/// `i` counting east and `j` counting north from the south-west corner.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TerrainGrid {
    pub nx: usize,
    pub ny: usize,
    pub cell_m: f64,
    /// Ground elevation (m), river channels carved in.
    pub elevation: Vec<f64>,
    /// Index into `map.land_cover.classes`.
    pub cover: Vec<u16>,
    /// Cells of a river channel.
    pub river: Vec<bool>,
}

/// Why a terrain could not be built; `field` names the offending map field.
#[derive(Debug, Clone, PartialEq)]
pub struct TerrainError {
    pub field: &'static str,
    pub message: String,
    pub hint: String,
}

impl TerrainGrid {
    /// Builds the grid. `base_dir` resolves a heightmap path (the scenario's folder).
    pub fn build(map: &MapSpec, base_dir: &Path) -> Result<Self, TerrainError> {
        let (nx, ny) = (map.size.0 as usize, map.size.1 as usize);
        let mut g = TerrainGrid {
            nx,
            ny,
            cell_m: map.cell_m,
            elevation: vec![0.0; nx * ny],
            cover: vec![0; nx * ny],
            river: vec![false; nx * ny],
        };
        match &map.terrain {
            Terrain::Heightmap { path, min_m, max_m } => {
                let raw = read_heightmap(&base_dir.join(path), nx, ny)?;
                for j in 0..ny {
                    for i in 0..nx {
                        // PNG row 0 is the north edge.
                        let v = raw[(ny - 1 - j) * nx + i] as f64 / 65535.0;
                        g.elevation[j * nx + i] = min_m + v * (max_m - min_m);
                    }
                }
            }
            Terrain::Procedural { base_m, features } => {
                g.elevation.fill(*base_m);
                for f in features {
                    g.apply(f);
                }
            }
        }
        for r in &map.rivers {
            let half = (r.width_m / 2.0).max(map.cell_m * 0.5);
            for k in 0..nx * ny {
                if dist_to_polyline(g.center(k), &r.points) <= half {
                    g.river[k] = true;
                    g.elevation[k] -= r.depth_m;
                }
            }
        }
        let class_index = |id: &str| map.land_cover.classes.iter().position(|c| c.id == id);
        let default = class_index(&map.land_cover.default).unwrap_or(0) as u16;
        g.cover.fill(default);
        for poly in &map.land_cover.polygons {
            let Some(ci) = class_index(&poly.class) else { continue };
            for k in 0..nx * ny {
                if in_polygon(g.center(k), &poly.points) {
                    g.cover[k] = ci as u16;
                }
            }
        }
        Ok(g)
    }

    fn apply(&mut self, f: &Feature) {
        for k in 0..self.nx * self.ny {
            let p = self.center(k);
            self.elevation[k] += match f {
                Feature::Plane { slope_x, slope_y } => slope_x * p.0 + slope_y * p.1,
                Feature::Valley { points, depth_m, half_width_m } => {
                    let d = dist_to_polyline(p, points) / half_width_m;
                    if d < 1.0 { -depth_m * (1.0 - d * d) } else { 0.0 }
                }
                Feature::Hill { at, height_m, radius_m } => {
                    let d = dist_to_polyline(p, &[*at]) / radius_m;
                    if d < 1.0 { height_m * 0.5 * (1.0 + libm::cos(std::f64::consts::PI * d)) } else { 0.0 }
                }
                Feature::Channel { points, depth_m, width_m } => {
                    if dist_to_polyline(p, points) <= width_m / 2.0 {
                        -depth_m
                    } else {
                        0.0
                    }
                }
                Feature::Ridge { points, height_m, half_width_m } => {
                    let d = dist_to_polyline(p, points) / half_width_m;
                    if d < 1.0 { height_m * 0.5 * (1.0 + libm::cos(std::f64::consts::PI * d)) } else { 0.0 }
                }
            };
        }
    }

    /// Centre of cell `k` in map metres.
    pub fn center(&self, k: usize) -> Point {
        let (i, j) = (k % self.nx, k / self.nx);
        ((i as f64 + 0.5) * self.cell_m, (j as f64 + 0.5) * self.cell_m)
    }

    /// The cell containing `p`, if it lies on the map.
    pub fn cell_of(&self, p: Point) -> Option<usize> {
        if !(p.0 >= 0.0 && p.1 >= 0.0) {
            return None;
        }
        let (i, j) = ((p.0 / self.cell_m) as usize, (p.1 / self.cell_m) as usize);
        (i < self.nx && j < self.ny).then_some(j * self.nx + i)
    }

    /// Map extent in metres `(width, height)`.
    pub fn extent(&self) -> (f64, f64) {
        (self.nx as f64 * self.cell_m, self.ny as f64 * self.cell_m)
    }
}

fn read_heightmap(path: &Path, nx: usize, ny: usize) -> Result<Vec<u16>, TerrainError> {
    let err = |message: String, hint: &str| TerrainError { field: "terrain", message, hint: hint.to_owned() };
    let file = std::fs::File::open(path).map_err(|e| {
        err(
            format!("cannot open heightmap `{}`: {e}", path.display()),
            "the path is relative to the scenario file's folder",
        )
    })?;
    let decoder = png::Decoder::new(std::io::BufReader::new(file));
    let mut reader = decoder
        .read_info()
        .map_err(|e| err(format!("heightmap is not a readable PNG: {e}"), "export a 16-bit greyscale PNG"))?;
    let info = reader.info();
    if info.color_type != png::ColorType::Grayscale || info.bit_depth != png::BitDepth::Sixteen {
        return Err(err(
            format!("heightmap is {:?} {:?}-bit", info.color_type, info.bit_depth as u8),
            "export a 16-bit greyscale PNG",
        ));
    }
    if (info.width as usize, info.height as usize) != (nx, ny) {
        return Err(err(
            format!("heightmap is {}×{} pixels but the map is {nx}×{ny} cells", info.width, info.height),
            "make `map.size` match the image, one pixel per cell",
        ));
    }
    let mut buf = vec![0; reader.output_buffer_size().unwrap_or(nx * ny * 2)];
    let frame = reader
        .next_frame(&mut buf)
        .map_err(|e| err(format!("heightmap cannot be decoded: {e}"), "re-export the PNG"))?;
    Ok(buf[..frame.buffer_size()].chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect())
}

/// Cells along a polyline, in order, each once.
pub fn cells_along(t: &TerrainGrid, pts: &[(f64, f64)]) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    for w in pts.windows(2) {
        for p in sample_segment(w[0], w[1], t.cell_m * 0.25) {
            if let Some(k) = t.cell_of(p)
                && !out.contains(&k)
            {
                out.push(k);
            }
        }
    }
    out
}
