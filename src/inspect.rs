//! `firstline inspect`: what a scenario's map holds, for its author — the
//! summary (extent, elevation range, land cover areas, villages, shelters,
//! roads, forces, gauges), what is at a point (ground elevation, cover,
//! village, zone, nearest road node and shelter), and the map drawn as a
//! picture (land cover shaded by the terrain, rivers, roads, villages,
//! danger zones, houses, shelters, gauges).
//!
//! A face over the loaded scenario; may not touch sim state.

use crate::geom::{dist, in_polygon};
use crate::scenario::Loaded;
use crate::scenario::expand::households;
use crate::scenario::schema::{Point, RoadClass};
use std::fmt::Write as _;

/// The map summary, in plain lines.
pub fn summary(l: &Loaded) -> String {
    let (s, t) = (&l.scenario, &l.terrain);
    let (w, h) = t.extent();
    let (lo, hi) = t.elevation.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &e| (a.min(e), b.max(e)));
    let mut o = String::new();
    let _ = writeln!(o, "{} — {} / {}", s.meta.id, s.meta.title.zh, s.meta.title.en);
    let _ = writeln!(o, "map        {w:.0} × {h:.0} m ({} × {} cells of {} m)", t.nx, t.ny, t.cell_m);
    let _ = writeln!(o, "elevation  {lo:.2} … {hi:.2} m");
    let cell_ha = t.cell_m * t.cell_m / 10_000.0;
    for (k, c) in s.map.land_cover.classes.iter().enumerate() {
        let n = t.cover.iter().filter(|&&x| x as usize == k).count();
        let kind = if c.built { ", built" } else { "" };
        let fuel = c.fuel.as_deref().map_or(String::new(), |f| format!(", fuel {f}"));
        let _ = writeln!(
            o,
            "cover      {:<12} {:>9.1} ha (Manning n {}{kind}{fuel})",
            c.id,
            n as f64 * cell_ha,
            c.manning_n
        );
    }
    let river = t.river.iter().filter(|&&r| r).count();
    let _ = writeln!(o, "rivers     {} ({:.1} ha of channel)", s.map.rivers.len(), river as f64 * cell_ha);
    let walk = crate::scenario::walk::WalkMask::build(&s.map, t);
    let closed = walk.blocked.iter().filter(|&&b| b).count();
    let _ = writeln!(
        o,
        "walkers    {} × {} cells of {} m, {closed} closed (rivers, walls, blocks); {} structure(s), {} door(s)",
        walk.nx,
        walk.ny,
        walk.cell_m,
        s.map.structures.len(),
        s.map.structures.iter().map(|st| st.doors().len()).sum::<usize>()
    );
    for v in &s.villages {
        let hh = households(v);
        let people: u32 = hh.iter().map(|h| h.members.total()).sum();
        let vulnerable: u32 = hh.iter().map(|h| h.vulnerable).sum();
        let cap: u32 = v.shelters.iter().map(|sh| sh.capacity).sum();
        let _ = writeln!(
            o,
            "village    {:<12} {} households, {people} residents ({vulnerable} vulnerable); shelters {} for {cap}",
            v.id,
            hh.len(),
            v.shelters.iter().map(|sh| format!("{} ({})", sh.id, sh.capacity)).collect::<Vec<_>>().join(", "),
        );
    }
    let node = |id: &str| s.map.roads.nodes.iter().find(|n| n.id == id).map(|n| n.at);
    for class in [RoadClass::County, RoadClass::Township, RoadClass::Village, RoadClass::Track, RoadClass::Footpath] {
        let edges: Vec<_> = s.map.roads.edges.iter().filter(|e| e.class == class).collect();
        if edges.is_empty() {
            continue;
        }
        let km: f64 = edges.iter().filter_map(|e| Some(dist(node(&e.from)?, node(&e.to)?))).sum::<f64>() / 1000.0;
        let bridges = edges.iter().filter(|e| e.bridge).count();
        let _ = writeln!(o, "roads      {class:?}: {} edges, {km:.2} km, {bridges} bridge(s)", edges.len());
    }
    let _ = writeln!(
        o,
        "forces     {}",
        s.forces.iter().map(|f| format!("{} ({})", f.id, f.members)).collect::<Vec<_>>().join(", ")
    );
    for g in &s.gauges {
        let p = g.kind.marker_at();
        let ground = t.cell_of(p).map_or(f64::NAN, |k| t.elevation[k]);
        let _ = writeln!(
            o,
            "gauge      {:<16} at ({:.0}, {:.0}), ground {ground:.2} m, reads {}",
            g.id,
            p.0,
            p.1,
            g.kind.unit()
        );
    }
    o
}

/// What is at a point.
pub fn at(l: &Loaded, p: Point) -> String {
    let (s, t) = (&l.scenario, &l.terrain);
    let mut o = String::new();
    let Some(k) = t.cell_of(p) else {
        let (w, h) = t.extent();
        return format!("({}, {}) lies outside the map (x 0..{w} m, y 0..{h} m)\n", p.0, p.1);
    };
    let class = s.map.land_cover.classes.get(t.cover[k] as usize).map_or("?", |c| c.id.as_str());
    let _ = writeln!(o, "at         ({}, {}): cell {} ({}, {})", p.0, p.1, k, k % t.nx, k / t.nx);
    let _ = writeln!(o, "ground     {:.2} m{}", t.elevation[k], if t.river[k] { " (river channel)" } else { "" });
    let _ = writeln!(o, "cover      {class}");
    let walk = crate::scenario::walk::WalkMask::build(&s.map, t);
    let on_foot = match walk.cell_of(p).filter(|&c| !walk.is_open(c)) {
        None => "open".to_owned(),
        Some(_) => match walk.blocker(&s.map, p) {
            Some(st) => format!("closed by `{}`", st.id()),
            None => "closed (river channel)".to_owned(),
        },
    };
    let _ = writeln!(o, "on foot    {on_foot} (walkers' cell of {} m)", walk.cell_m);
    let village = s.villages.iter().find(|v| v.boundary.len() >= 3 && in_polygon(p, &v.boundary));
    let _ = writeln!(o, "village    {}", village.map_or("none", |v| v.id.as_str()));
    for z in s.residents.danger_zones.iter().filter(|z| in_polygon(p, &z.zone)) {
        let _ = writeln!(o, "danger     {} ({:?})", z.id, z.hazard);
    }
    if let Some(n) = s.map.roads.nodes.iter().min_by(|a, b| dist(a.at, p).total_cmp(&dist(b.at, p))) {
        let _ = writeln!(o, "road node  {} at {:.0} m", n.id, dist(n.at, p));
    }
    let shelters = s.villages.iter().flat_map(|v| v.shelters.iter());
    if let Some(sh) = shelters.min_by(|a, b| dist(a.at, p).total_cmp(&dist(b.at, p))) {
        let g = t.cell_of(sh.at).map_or(f64::NAN, |c| t.elevation[c]);
        let _ = writeln!(o, "shelter    {} at {:.0} m, ground {g:.2} m", sh.id, dist(sh.at, p));
    }
    o
}

/// An RGB picture.
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

impl Picture {
    fn put(&mut self, x: i64, y: i64, c: [u8; 3]) {
        if x >= 0 && y >= 0 && (x as u32) < self.width && (y as u32) < self.height {
            let i = 3 * (y as usize * self.width as usize + x as usize);
            self.rgb[i..i + 3].copy_from_slice(&c);
        }
    }

    fn square(&mut self, (x, y): (i64, i64), r: i64, c: [u8; 3]) {
        for dy in -r..=r {
            for dx in -r..=r {
                self.put(x + dx, y + dy, c);
            }
        }
    }

    fn line(&mut self, a: (i64, i64), b: (i64, i64), thick: i64, c: [u8; 3], dash: bool) {
        let n = (b.0 - a.0).abs().max((b.1 - a.1).abs()).max(1);
        for i in 0..=n {
            if dash && (i / 6) % 2 == 1 {
                continue;
            }
            let x = a.0 + (b.0 - a.0) * i / n;
            let y = a.1 + (b.1 - a.1) * i / n;
            self.square((x, y), thick / 2, c);
        }
    }

    /// Fills the map polygon `poly` (map metres; `scale` pixels a metre,
    /// `h` the map's height in metres).
    fn fill(&mut self, poly: &[Point], scale: f64, h: f64, c: [u8; 3]) {
        let (mut lo, mut hi) = ((f64::INFINITY, f64::INFINITY), (f64::NEG_INFINITY, f64::NEG_INFINITY));
        for p in poly {
            lo = (lo.0.min(p.0), lo.1.min(p.1));
            hi = (hi.0.max(p.0), hi.1.max(p.1));
        }
        let (x0, x1) = ((lo.0 * scale).floor() as i64, (hi.0 * scale).ceil() as i64);
        let (y0, y1) = (((h - hi.1) * scale).floor() as i64, ((h - lo.1) * scale).ceil() as i64);
        for y in y0.max(0)..=y1.min(self.height as i64 - 1) {
            for x in x0.max(0)..=x1.min(self.width as i64 - 1) {
                let m = ((x as f64 + 0.5) / scale, h - (y as f64 + 0.5) / scale);
                if in_polygon(m, poly) {
                    self.put(x, y, c);
                }
            }
        }
    }

    fn ring(&mut self, pts: &[(i64, i64)], thick: i64, c: [u8; 3], dash: bool) {
        for k in 0..pts.len() {
            self.line(pts[k], pts[(k + 1) % pts.len()], thick, c, dash);
        }
    }

    /// PNG bytes.
    pub fn png(&self) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut e = png::Encoder::new(&mut out, self.width, self.height);
        e.set_color(png::ColorType::Rgb);
        e.set_depth(png::BitDepth::Eight);
        let mut w = e.write_header().map_err(std::io::Error::other)?;
        w.write_image_data(&self.rgb).map_err(std::io::Error::other)?;
        w.finish().map_err(std::io::Error::other)?;
        Ok(out)
    }
}

/// What the picture's colours mean.
pub const LEGEND: &str = "land cover by class (shaded by the terrain, lit from the north-west); rivers blue; \
roads by class (county dark red, township orange, village yellow, track and footpath light), bridges black; \
dikes purple (a breach point boxed black), landslide source brown, fire ignition an orange cross; \
buildings and walls dark grey (doors open); village boundaries white dashed; danger zones red; houses dark brown; shelters green squares; \
gauges magenta; force bases orange";

/// Draws the scenario's map, `longest` pixels along its longer side.
pub fn draw(l: &Loaded, longest: u32) -> Picture {
    let (s, t) = (&l.scenario, &l.terrain);
    let (w, h) = t.extent();
    let scale = longest as f64 / w.max(h);
    let (pw, ph) = (((w * scale).round() as u32).max(1), ((h * scale).round() as u32).max(1));
    let mut pic = Picture { width: pw, height: ph, rgb: vec![0; (pw * ph * 3) as usize] };
    let px = |p: Point| ((p.0 * scale) as i64, ((h - p.1) * scale) as i64);
    let classes = &s.map.land_cover.classes;
    let elev = |i: usize, j: usize| t.elevation[j.min(t.ny - 1) * t.nx + i.min(t.nx - 1)];
    for y in 0..ph {
        for x in 0..pw {
            let (mx, my) = ((x as f64 + 0.5) / scale, h - (y as f64 + 0.5) / scale);
            let Some(k) = t.cell_of((mx, my)) else { continue };
            let (i, j) = (k % t.nx, k / t.nx);
            // Hill shading: the slope towards a light in the north-west.
            let dzdx = (elev(i + 1, j) - elev(i.saturating_sub(1), j)) / (2.0 * t.cell_m);
            let dzdy = (elev(i, j + 1) - elev(i, j.saturating_sub(1))) / (2.0 * t.cell_m);
            let shade = (1.0 + 2.5 * (dzdx - dzdy) * std::f64::consts::FRAC_1_SQRT_2).clamp(0.55, 1.3);
            let base = if t.river[k] {
                [0.25, 0.45, 0.80]
            } else {
                classes.get(t.cover[k] as usize).map_or([0.55, 0.62, 0.40], |c| c.colour())
            };
            let c = base.map(|v| ((v as f64 * shade).clamp(0.0, 1.0) * 255.0) as u8);
            pic.put(x as i64, y as i64, c);
        }
    }
    let thick = (2.0 * scale * 5.0).clamp(2.0, 6.0) as i64;
    let node = |id: &str| s.map.roads.nodes.iter().find(|n| n.id == id).map(|n| n.at);
    for e in &s.map.roads.edges {
        let (Some(a), Some(b)) = (node(&e.from), node(&e.to)) else { continue };
        let c = match (e.bridge, e.class) {
            (true, _) => [20, 20, 20],
            (_, RoadClass::County) => [150, 30, 30],
            (_, RoadClass::Township) => [230, 130, 30],
            (_, RoadClass::Village) => [240, 220, 80],
            _ => [235, 230, 200],
        };
        let wide =
            if matches!(e.class, RoadClass::County | RoadClass::Township) || e.bridge { thick } else { thick - 1 };
        pic.line(px(a), px(b), wide.max(1), c, false);
    }
    for z in &s.residents.danger_zones {
        let pts: Vec<_> = z.zone.iter().map(|&p| px(p)).collect();
        pic.ring(&pts, 3, [220, 30, 30], false);
    }
    // The hazard script: dikes (breach point ringed), the landslide's source
    // zone, the fire's ignition point.
    for d in s.hazards.flood.iter().flat_map(|f| f.dikes.iter()) {
        for w in d.points.windows(2) {
            pic.line(px(w[0]), px(w[1]), thick, [110, 60, 150], false);
        }
        if let Some(b) = &d.breach {
            let c = px(b.at);
            pic.ring(
                &[(c.0 - 7, c.1 - 7), (c.0 + 7, c.1 - 7), (c.0 + 7, c.1 + 7), (c.0 - 7, c.1 + 7)],
                2,
                [20, 20, 20],
                false,
            );
        }
    }
    if let Some(l) = &s.hazards.landslide {
        let pts: Vec<_> = l.zone.iter().map(|&p| px(p)).collect();
        pic.ring(&pts, 3, [150, 90, 40], false);
    }
    if let Some(f) = &s.hazards.fire {
        let c = px(f.ignition);
        pic.line((c.0 - 8, c.1 - 8), (c.0 + 8, c.1 + 8), 3, [250, 60, 0], false);
        pic.line((c.0 - 8, c.1 + 8), (c.0 + 8, c.1 - 8), 3, [250, 60, 0], false);
    }
    // Buildings, walls and blocks walkers go round (doors left open).
    for st in &s.map.structures {
        if let crate::scenario::schema::Structure::Block { outline, .. } = st {
            pic.fill(outline, scale, h, [90, 85, 80]);
        }
        let (pieces, thickness) = crate::scenario::walk::wall_pieces(st);
        let wide = ((thickness * scale).round() as i64).max(2);
        for (a, b) in pieces {
            pic.line(px(a), px(b), wide, [40, 36, 32], false);
        }
    }
    for v in &s.villages {
        let pts: Vec<_> = v.boundary.iter().map(|&p| px(p)).collect();
        pic.ring(&pts, 2, [255, 255, 255], true);
        for hh in households(v) {
            pic.square(px(hh.at), 1, [90, 50, 30]);
        }
    }
    for sh in s.villages.iter().flat_map(|v| v.shelters.iter()) {
        pic.square(px(sh.at), 5, [255, 255, 255]);
        pic.square(px(sh.at), 4, [30, 160, 60]);
    }
    for f in &s.forces {
        if let Some(b) = node(&f.base) {
            pic.square(px(b), 3, [240, 140, 20]);
        }
    }
    for g in &s.gauges {
        let c = px(g.kind.marker_at());
        for r in 0..5i64 {
            pic.line((c.0 - 4 + r, c.1 - r), (c.0 + 4 - r, c.1 - r), 1, [220, 40, 200], false);
            pic.line((c.0 - 4 + r, c.1 + r), (c.0 + 4 - r, c.1 + r), 1, [220, 40, 200], false);
        }
    }
    pic
}
