//! The elevation model of an import: a single-band GeoTIFF (SRTM, ASTER,
//! ALOS, Copernicus or a local survey) read by the `tiff` crate. Only the
//! strips or tiles that hold the requested window are decoded, so memory
//! follows the area imported, not the file. Its georeferencing comes from
//! the GeoTIFF tags (pixel scale and tie point, or the model
//! transformation) and keys (the EPSG code); `crs` turns that into a
//! projection. Owns no scenario types.

use super::crs::{self, Crs};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use tiff::decoder::{Decoder, DecodingResult, Limits};
use tiff::tags::Tag;

/// Most pixels of a window read (256 MiB as f32).
pub const MAX_WINDOW_PIXELS: u64 = 64 << 20;
/// Largest strip or tile decoded at once.
const MAX_CHUNK_BYTES: u64 = 256 << 20;

/// The part of the model an import reads, with its georeferencing.
pub struct Dem {
    pub crs: Crs,
    /// Pixel-centre coordinates: x = x0 + col·dx, y = y0 − row·dy (whole model).
    x0: f64,
    y0: f64,
    pub dx: f64,
    pub dy: f64,
    /// The model's size in pixels.
    pub width: u32,
    pub height: u32,
    /// The window read: first column and row, and its size.
    win: (u32, u32, u32, u32),
    values: Vec<f32>,
    nodata: Option<f64>,
}

/// The georeferencing of a GeoTIFF, before any pixel is read.
struct Georef {
    epsg: u16,
    x0: f64,
    y0: f64,
    dx: f64,
    dy: f64,
}

fn open(path: &Path) -> Result<Decoder<BufReader<File>>, String> {
    let f = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let mut limits = Limits::default();
    limits.decoding_buffer_size = MAX_CHUNK_BYTES as usize;
    limits.intermediate_buffer_size = MAX_CHUNK_BYTES as usize;
    Decoder::new(BufReader::new(f)).map(|d| d.with_limits(limits)).map_err(|e| {
        format!("{} is not a GeoTIFF the importer can read ({e}); an elevation model comes as a .tif", path.display())
    })
}

fn georef(d: &mut Decoder<BufReader<File>>, path: &Path) -> Result<Georef, String> {
    let name = path.display();
    let f64s = |d: &mut Decoder<BufReader<File>>, t: Tag| -> Option<Vec<f64>> {
        d.find_tag(t).ok().flatten().and_then(|v| v.into_f64_vec().ok())
    };
    let keys: Vec<u16> = d
        .find_tag(Tag::GeoKeyDirectoryTag)
        .ok()
        .flatten()
        .and_then(|v| v.into_u16_vec().ok())
        .ok_or_else(|| format!("{name} has no GeoTIFF keys: it says nothing of where it lies; use a GeoTIFF"))?;
    // The key directory: a 4-short header, then (id, location, count, value).
    let key = |id: u16| keys.chunks_exact(4).skip(1).find(|k| k[0] == id && k[1] == 0).map(|k| k[3]);
    let raster_is_point = key(1025) == Some(2);
    let epsg = match key(1024) {
        Some(1) => key(3072),
        Some(2) => key(2048),
        _ => key(3072).or(key(2048)),
    }
    .ok_or_else(|| format!("{name} names no EPSG code in its GeoTIFF keys; {}", crs::unknown(0)))?;
    let (mut x0, mut y0, dx, dy) = if let Some(t) = f64s(d, Tag::ModelTransformationTag).filter(|t| t.len() >= 16) {
        if t[1] != 0.0 || t[4] != 0.0 {
            return Err(format!(
                "{name} is rotated in its model transformation; warp it north-up first (`gdalwarp in.tif out.tif`)"
            ));
        }
        (t[3], t[7], t[0], -t[5])
    } else {
        let s = f64s(d, Tag::ModelPixelScaleTag).filter(|s| s.len() >= 2);
        let tp = f64s(d, Tag::ModelTiepointTag).filter(|t| t.len() >= 6);
        let (Some(s), Some(tp)) = (s, tp) else {
            return Err(format!("{name} has neither a pixel scale and tie point nor a model transformation"));
        };
        (tp[3] - tp[0] * s[0], tp[4] + tp[1] * s[1], s[0], s[1])
    };
    if !(dx > 0.0 && dy > 0.0 && dx.is_finite() && dy.is_finite()) {
        return Err(format!("{name} has a pixel size of {dx} × {dy}; expected a north-up raster"));
    }
    // Pixel-is-area ties the corner of a pixel; move to its centre.
    if !raster_is_point {
        x0 += dx / 2.0;
        y0 -= dy / 2.0;
    }
    Ok(Georef { epsg, x0, y0, dx, dy })
}

impl Dem {
    /// The projection of the file at `path`, read from its keys only.
    pub fn crs_of(path: &Path) -> Result<Crs, String> {
        let mut d = open(path)?;
        Crs::epsg(georef(&mut d, path)?.epsg)
    }

    /// Reads the pixels of the file that cover the points `need` (in
    /// longitude/latitude), plus a margin of two pixels.
    pub fn read(path: &Path, need: &[(f64, f64)]) -> Result<Dem, String> {
        let name = path.display().to_string();
        let mut d = open(path)?;
        let g = georef(&mut d, path)?;
        let crs = Crs::epsg(g.epsg)?;
        let (width, height) = d.dimensions().map_err(|e| format!("{name}: {e}"))?;
        let samples = d.find_tag_unsigned::<u16>(Tag::SamplesPerPixel).ok().flatten().unwrap_or(1);
        if samples != 1 {
            return Err(format!("{name} has {samples} bands; an elevation model has one (heights)"));
        }
        let nodata = d
            .find_tag(Tag::GdalNodata)
            .ok()
            .flatten()
            .and_then(|v| v.into_string().ok())
            .and_then(|s| s.trim_matches(char::from(0)).trim().parse::<f64>().ok());
        // The window in pixels that the points need.
        let (mut c0, mut c1, mut r0, mut r1) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
        for &(lon, lat) in need {
            let (x, y) = crs
                .from_lonlat(lon, lat)
                .ok_or_else(|| format!("{name}: the point {lon:.5}, {lat:.5} cannot be put in EPSG:{}", g.epsg))?;
            let (c, r) = ((x - g.x0) / g.dx, (g.y0 - y) / g.dy);
            c0 = c0.min(c);
            c1 = c1.max(c);
            r0 = r0.min(r);
            r1 = r1.max(r);
        }
        let (w, h) = (width as f64, height as f64);
        if !(c1 >= -0.5 && c0 <= w - 0.5 && r1 >= -0.5 && r0 <= h - 0.5) {
            let (lo, hi) = (g.x0 - g.dx / 2.0, g.x0 + (w - 0.5) * g.dx);
            let (bl, bh) = (g.y0 - (h - 0.5) * g.dy, g.y0 + g.dy / 2.0);
            return Err(format!(
                "the area asked for lies outside the elevation model {name}, which covers x {lo:.4}…{hi:.4}, \
                 y {bl:.4}…{bh:.4} (EPSG:{}); check --bbox or use the model's tile for this area",
                g.epsg
            ));
        }
        if c0 < -0.5 || c1 > w - 0.5 || r0 < -0.5 || r1 > h - 0.5 {
            return Err(format!(
                "the area asked for runs off the edge of the elevation model {name}; shrink --bbox to the \
                 model's extent or mosaic the neighbouring tiles first (`gdalbuildvrt`, `gdal_translate`)"
            ));
        }
        let clamp = |v: f64, n: u32| v.clamp(0.0, n as f64 - 1.0) as u32;
        let (ca, cb) = (clamp(c0.floor() - 2.0, width), clamp(c1.ceil() + 2.0, width));
        let (ra, rb) = (clamp(r0.floor() - 2.0, height), clamp(r1.ceil() + 2.0, height));
        let (ww, wh) = (cb - ca + 1, rb - ra + 1);
        if ww as u64 * wh as u64 > MAX_WINDOW_PIXELS {
            return Err(format!(
                "the area needs {ww} × {wh} pixels of {name}, more than the importer reads at once \
                 ({} million); choose a smaller --bbox or a coarser model",
                MAX_WINDOW_PIXELS >> 20
            ));
        }
        let mut values = vec![f32::NAN; ww as usize * wh as usize];
        let (cw, ch) = d.chunk_dimensions();
        if cw == 0 || ch == 0 {
            return Err(format!("{name}: its strips or tiles have no size"));
        }
        let across = width.div_ceil(cw);
        for ty in ra / ch..=rb / ch {
            for tx in ca / cw..=cb / cw {
                let idx = ty * across + tx;
                let (dw, dh) = d.chunk_data_dimensions(idx);
                if dw as u64 * dh as u64 * 8 > MAX_CHUNK_BYTES {
                    return Err(format!(
                        "{name} is stored in pieces of {dw} × {dh} pixels, too large to read part of; \
                         tile it first (`gdal_translate -co TILED=YES in.tif out.tif`) or crop it"
                    ));
                }
                let chunk = d.read_chunk(idx).map_err(|e| format!("{name}: cannot read its pixels ({e})"))?;
                let get =
                    as_f32(chunk).ok_or_else(|| format!("{name}: its pixels are of a type heights do not come in"))?;
                for y in 0..dh {
                    let row = ty * ch + y;
                    if row < ra || row > rb {
                        continue;
                    }
                    for x in 0..dw {
                        let col = tx * cw + x;
                        if col < ca || col > cb {
                            continue;
                        }
                        values[((row - ra) * ww + (col - ca)) as usize] = get[(y * dw + x) as usize];
                    }
                }
            }
        }
        Ok(Dem { crs, x0: g.x0, y0: g.y0, dx: g.dx, dy: g.dy, width, height, win: (ca, ra, ww, wh), values, nodata })
    }

    /// The height of pixel `(col, row)` of the whole model, if it is in the
    /// window read and holds data.
    pub fn pixel(&self, col: i64, row: i64) -> Option<f64> {
        let (ca, ra, ww, wh) = self.win;
        let (c, r) = (col - ca as i64, row - ra as i64);
        if c < 0 || r < 0 || c >= ww as i64 || r >= wh as i64 {
            return None;
        }
        let v = self.values[(r * ww as i64 + c) as usize] as f64;
        let void = !v.is_finite() || self.nodata.is_some_and(|n| v == n) || v < -1000.0;
        (!void).then_some(v)
    }

    /// The pixel whose square holds `(lon, lat)`, as (column, row).
    pub fn pixel_at(&self, lon: f64, lat: f64) -> Option<(i64, i64)> {
        let (x, y) = self.crs.from_lonlat(lon, lat)?;
        Some((((x - self.x0) / self.dx).round() as i64, ((self.y0 - y) / self.dy).round() as i64))
    }

    /// The height at `(lon, lat)`, bilinear between the four pixel centres
    /// round it; voids are left out of the weights. None when all four are
    /// voids or outside the window.
    pub fn height(&self, lon: f64, lat: f64) -> Option<f64> {
        let (x, y) = self.crs.from_lonlat(lon, lat)?;
        let (fc, fr) = ((x - self.x0) / self.dx, (self.y0 - y) / self.dy);
        let (c, r) = (fc.floor() as i64, fr.floor() as i64);
        let (u, v) = (fc - c as f64, fr - r as f64);
        let (mut sum, mut wsum) = (0.0, 0.0);
        for (dc, dr, w) in [(0, 0, (1.0 - u) * (1.0 - v)), (1, 0, u * (1.0 - v)), (0, 1, (1.0 - u) * v), (1, 1, u * v)]
        {
            if let Some(h) = self.pixel(c + dc, r + dr) {
                sum += w * h;
                wsum += w;
            }
        }
        (wsum > 1e-9).then(|| sum / wsum)
    }
}

fn as_f32(r: DecodingResult) -> Option<Vec<f32>> {
    Some(match r {
        DecodingResult::U8(v) => v.into_iter().map(f32::from).collect(),
        DecodingResult::I8(v) => v.into_iter().map(f32::from).collect(),
        DecodingResult::U16(v) => v.into_iter().map(f32::from).collect(),
        DecodingResult::I16(v) => v.into_iter().map(f32::from).collect(),
        DecodingResult::U32(v) => v.into_iter().map(|x| x as f32).collect(),
        DecodingResult::I32(v) => v.into_iter().map(|x| x as f32).collect(),
        DecodingResult::F32(v) => v,
        DecodingResult::F64(v) => v.into_iter().map(|x| x as f32).collect(),
        _ => return None,
    })
}
