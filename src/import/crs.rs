//! Coordinate systems of an import: the elevation model's projection (from
//! its GeoTIFF keys, an EPSG code) and the scenario's local metric grid (a
//! transverse Mercator centred on the area, so a cell is a true square of
//! metres), with conversions between them and longitude/latitude by
//! `proj4rs`. Owns no file reading; imports nothing of the drill.

use proj4rs::Proj;

/// A projection the importer knows, by its EPSG code.
pub struct Crs {
    pub epsg: u16,
    proj: Proj,
}

/// Why a code is not understood, with what to do about it.
pub fn unknown(code: u16) -> String {
    format!(
        "the elevation model's projection EPSG:{code} is not one the importer knows (it reads geographic \
         WGS84/CGCS2000/ETRS89/NAD83 longitude and latitude, UTM zones, CGCS2000 Gauss-Krüger zones and \
         Web Mercator); reproject it first, e.g. `gdalwarp -t_srs EPSG:4326 in.tif out.tif`"
    )
}

/// The proj string of an EPSG code the importer supports. Geographic
/// systems tied to the ITRF (CGCS2000, ETRS89, NAD83, GDA94) are taken as
/// WGS84: they differ by about a metre, a tenth of a cell.
fn proj_string(code: u16) -> Option<String> {
    let c = code as u32;
    Some(match c {
        4326 | 4490 | 4258 | 4269 | 4283 | 4617 | 4674 | 6668 | 7844 => "+proj=longlat +datum=WGS84 +no_defs".into(),
        3857 | 900913 => {
            "+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +no_defs".into()
        }
        32601..=32660 => format!("+proj=utm +zone={} +datum=WGS84 +units=m +no_defs", c - 32600),
        32701..=32760 => format!("+proj=utm +zone={} +south +datum=WGS84 +units=m +no_defs", c - 32700),
        // ETRS89 / UTM zones 28–38 and NAD83 / UTM zones 1–23 (GRS80).
        25828..=25838 => format!("+proj=utm +zone={} +ellps=GRS80 +units=m +no_defs", c - 25800),
        26901..=26923 => format!("+proj=utm +zone={} +ellps=GRS80 +units=m +no_defs", c - 26900),
        // CGCS2000 / Gauss-Krüger: 6° zones 13–23 with the zone number in
        // the false easting, 6° central meridians 75–135 E without it, and
        // the same for 3° zones 25–45.
        4491..=4501 => {
            let z = c - 4491 + 13;
            format!(
                "+proj=tmerc +lat_0=0 +lon_0={} +k=1 +x_0={}500000 +y_0=0 +ellps=GRS80 +units=m +no_defs",
                6 * z - 3,
                z
            )
        }
        4502..=4512 => {
            format!(
                "+proj=tmerc +lat_0=0 +lon_0={} +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs",
                75 + 6 * (c - 4502)
            )
        }
        4513..=4533 => {
            let z = c - 4513 + 25;
            format!("+proj=tmerc +lat_0=0 +lon_0={} +k=1 +x_0={}500000 +y_0=0 +ellps=GRS80 +units=m +no_defs", 3 * z, z)
        }
        4534..=4554 => {
            format!(
                "+proj=tmerc +lat_0=0 +lon_0={} +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs",
                75 + 3 * (c - 4534)
            )
        }
        _ => return None,
    })
}

impl Crs {
    /// The projection of an EPSG code, or why it is not supported.
    pub fn epsg(code: u16) -> Result<Crs, String> {
        let s = proj_string(code).ok_or_else(|| unknown(code))?;
        let proj = Proj::from_proj_string(&s).map_err(|e| format!("EPSG:{code}: {e}"))?;
        Ok(Crs { epsg: code, proj })
    }

    /// Whether coordinates are longitude and latitude in degrees.
    pub fn geographic(&self) -> bool {
        self.proj.is_latlong()
    }

    /// Longitude/latitude (degrees) to this system's coordinates.
    pub fn from_lonlat(&self, lon: f64, lat: f64) -> Option<(f64, f64)> {
        if self.geographic() {
            return Some((lon, lat));
        }
        let mut p = (lon.to_radians(), lat.to_radians(), 0.0);
        proj4rs::transform::transform(&wgs84(), &self.proj, &mut p).ok()?;
        (p.0.is_finite() && p.1.is_finite()).then_some((p.0, p.1))
    }
}

fn wgs84() -> Proj {
    Proj::from_proj_string("+proj=longlat +datum=WGS84 +no_defs").expect("WGS84 proj string parses")
}

/// The scenario's own grid: metres east and north of the map's south-west
/// corner on a transverse Mercator centred on the area (scale error under
/// 1e-5 within 25 km of the centre).
pub struct LocalGrid {
    proj: Proj,
    wgs: Proj,
    /// Local coordinates of the map's south-west corner.
    pub origin: (f64, f64),
    /// Longitude and latitude of the centre (degrees).
    pub centre: (f64, f64),
}

impl LocalGrid {
    /// A grid centred on `(lon, lat)`; the origin is set by the caller.
    pub fn centred(lon: f64, lat: f64) -> Result<LocalGrid, String> {
        let s = format!("+proj=tmerc +lat_0={lat} +lon_0={lon} +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs");
        let proj = Proj::from_proj_string(&s).map_err(|e| format!("local grid: {e}"))?;
        Ok(LocalGrid { proj, wgs: wgs84(), origin: (0.0, 0.0), centre: (lon, lat) })
    }

    /// Longitude/latitude (degrees) to map metres.
    pub fn to_map(&self, lon: f64, lat: f64) -> Option<(f64, f64)> {
        let mut p = (lon.to_radians(), lat.to_radians(), 0.0);
        proj4rs::transform::transform(&self.wgs, &self.proj, &mut p).ok()?;
        (p.0.is_finite() && p.1.is_finite()).then_some((p.0 - self.origin.0, p.1 - self.origin.1))
    }

    /// Map metres to longitude/latitude (degrees).
    pub fn to_lonlat(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        let mut p = (x + self.origin.0, y + self.origin.1, 0.0);
        proj4rs::transform::transform(&self.proj, &self.wgs, &mut p).ok()?;
        (p.0.is_finite() && p.1.is_finite()).then_some((p.0.to_degrees(), p.1.to_degrees()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// UTM zone 50N: the central meridian 117° E maps to easting 500 000 m
    /// exactly; 1° north of the equator lies 0.9996 × 110 574.39 m (the
    /// WGS84 meridian arc, GeographicLib) = 110 530.16 m north.
    #[test]
    fn utm_puts_the_central_meridian_at_500_km() {
        let c = Crs::epsg(32650).unwrap();
        let (e, n) = c.from_lonlat(117.0, 1.0).unwrap();
        assert!((e - 500_000.0).abs() < 1e-3, "{e}");
        assert!((n - 110_530.16).abs() < 0.05, "{n}");
    }

    /// The local grid keeps distances: at 30° N a degree of latitude is
    /// 110 852.5 m and of longitude 96 486.2 m (WGS84, the standard series
    /// 111 132.954 − 559.822 cos 2φ + 1.175 cos 4φ and
    /// 111 412.84 cos φ − 93.5 cos 3φ), so 0.01° is 1 108.52 m and 964.86 m.
    #[test]
    fn the_local_grid_is_in_true_metres_and_round_trips() {
        let g = LocalGrid::centred(110.0, 30.0).unwrap();
        let (x0, y0) = g.to_map(110.0, 30.0).unwrap();
        assert!(x0.abs() < 1e-6 && y0.abs() < 1e-6);
        let (_, y) = g.to_map(110.0, 30.01).unwrap();
        assert!((y - 1108.52).abs() < 0.05, "{y}");
        let (x, _) = g.to_map(110.01, 30.0).unwrap();
        assert!((x - 964.86).abs() < 0.05, "{x}");
        let (lon, lat) = g.to_lonlat(x, 250.0).unwrap();
        let (x2, y2) = g.to_map(lon, lat).unwrap();
        assert!((x2 - x).abs() < 1e-6 && (y2 - 250.0).abs() < 1e-6);
    }

    #[test]
    fn an_unknown_code_says_how_to_reproject() {
        let e = Crs::epsg(2193).err().unwrap();
        assert!(e.contains("EPSG:2193") && e.contains("gdalwarp"), "{e}");
    }
}
