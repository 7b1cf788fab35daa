//! What is drawn over the map in egui: labels of forces, shelters, gauges
//! and villages (projected from the camera, none covering another), the
//! north arrow, the scale bar and the colour legend.
//!
//! Owns: the overlay's drawing. May not touch: the sim, the scene's
//! entities.

use super::console::{self, Ctx};
use super::i18n::Tr;
use super::scene::camera::OrbitCam;
use super::scene::grid::MapGrid;
use super::scene::markers;
use bevy::prelude::*;
use bevy_egui::egui;

/// A world point on screen (egui points), if in front of the camera.
fn screen(camera: &Camera, gt: &GlobalTransform, w: Vec3) -> Option<egui::Pos2> {
    camera.world_to_viewport(gt, w).ok().map(|v| egui::pos2(v.x, v.y))
}

/// Draws a label above `at` unless it would cover one already drawn
/// (`taken`, in drawing order: the first drawn wins).
fn tag(
    painter: &egui::Painter,
    taken: &mut Vec<egui::Rect>,
    at: egui::Pos2,
    text: String,
    colour: egui::Color32,
    area: egui::Rect,
    k: f32,
) {
    if !area.contains(at) {
        return;
    }
    let font = egui::FontId::proportional(15.0 * k);
    let galley = painter.layout_no_wrap(text, font, egui::Color32::WHITE);
    let rect =
        egui::Rect::from_min_size(at + egui::vec2(-galley.size().x / 2.0, -galley.size().y - 6.0 * k), galley.size())
            .expand(3.0 * k);
    if !area.contains_rect(rect) || taken.iter().any(|r| r.intersects(rect)) {
        return;
    }
    taken.push(rect);
    painter.rect_filled(rect, 3.0 * k, colour);
    painter.galley(rect.min + egui::vec2(3.0 * k, 3.0 * k), galley, egui::Color32::WHITE);
}

pub fn labels(
    painter: &egui::Painter,
    taken: &mut Vec<egui::Rect>,
    c: &Ctx,
    grid: &MapGrid,
    camera: &Camera,
    gt: &GlobalTransform,
    area: egui::Rect,
    k: f32,
) {
    let tr = c.tr;
    let dark = egui::Color32::from_rgba_unmultiplied(20, 30, 40, 200);
    // Forces first (they move and matter most), then shelters, gauges and
    // village names; a label that would cover an earlier one is left out.
    for f in &c.sim.forces {
        if let Some(p) = screen(camera, gt, grid.world(f.at, 30.0)) {
            let task = f.task.map_or(String::new(), |t| tr.t(&format!("task-{t:?}")));
            let text = format!("{} {}", console::force_name(c, f.force.as_str()), task);
            tag(painter, taken, p, text, egui::Color32::from_rgba_unmultiplied(200, 90, 0, 230), area, k);
        }
    }
    for s in &c.sim.shelters {
        if let Some(p) = screen(camera, gt, grid.world(s.at, 26.0)) {
            let text = tr.a(
                "map-shelter",
                &[
                    ("name", console::shelter_name(c, s.shelter.as_str()).into()),
                    ("occupants", s.occupants.into()),
                    ("capacity", s.capacity.into()),
                ],
            );
            tag(painter, taken, p, text, egui::Color32::from_rgba_unmultiplied(20, 120, 50, 220), area, k);
        }
    }
    for (n, g) in c.scenario.gauges.iter().enumerate() {
        let at = g.kind.marker_at();
        if let Some(p) = screen(camera, gt, grid.world(at, 42.0)) {
            let v = c.sim.gauges.get(n).map_or(f64::NAN, |(_, v)| *v);
            let text = format!("{} {:.2}", console::feed::gauge_name(c, &g.id), v);
            tag(painter, taken, p, text, dark, area, k);
        }
    }
    for v in &c.scenario.villages {
        let at = crate::geom::centroid(&v.boundary);
        if let Some(p) = screen(camera, gt, grid.world(at, 60.0)) {
            let grey = egui::Color32::from_rgba_unmultiplied(60, 60, 60, 170);
            tag(painter, taken, p, tr.text(&v.name).to_owned(), grey, area, k);
        }
    }
}

/// The north arrow (top right of the map) and the scale bar (bottom
/// right); returns the rectangles they cover.
pub fn map_furniture(
    painter: &egui::Painter,
    tr: &Tr,
    cam: &OrbitCam,
    camera: &Camera,
    gt: &GlobalTransform,
    area: egui::Rect,
) -> Vec<egui::Rect> {
    let ink = egui::Color32::from_rgb(20, 20, 20);
    let paper = egui::Color32::from_rgba_unmultiplied(255, 255, 255, 210);
    // North: where the screen moves from the focus towards −Z.
    let north = match (screen(camera, gt, cam.focus), screen(camera, gt, cam.focus + Vec3::new(0.0, 0.0, -100.0))) {
        (Some(a), Some(b)) if (b - a).length() > 0.5 => (b - a).normalized(),
        _ => egui::vec2(0.0, -1.0),
    };
    let centre = egui::pos2(area.right() - 50.0, area.top() + 60.0);
    painter.circle_filled(centre, 34.0, paper);
    let tip = centre + north * 26.0;
    let side = egui::vec2(-north.y, north.x) * 9.0;
    painter.add(egui::Shape::convex_polygon(
        vec![tip, centre + side - north * 8.0, centre - side - north * 8.0],
        ink,
        egui::Stroke::NONE,
    ));
    painter.text(
        centre - north * 20.0,
        egui::Align2::CENTER_CENTER,
        tr.t("map-north"),
        egui::FontId::proportional(16.0),
        ink,
    );
    // Scale: metres per point at the focus.
    let fov = std::f32::consts::FRAC_PI_4;
    let m_per_pt = 2.0 * cam.distance * (fov / 2.0).tan() / area.height().max(1.0);
    let target = 160.0 * m_per_pt;
    let nice = [10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0];
    let len_m = nice.iter().copied().rev().find(|&n| n <= target).unwrap_or(10.0);
    let len_pt = len_m / m_per_pt;
    let y = area.bottom() - 30.0;
    let x1 = area.right() - 30.0;
    let x0 = x1 - len_pt;
    let bar = egui::Rect::from_min_max(egui::pos2(x0 - 8.0, y - 26.0), egui::pos2(x1 + 8.0, y + 8.0));
    painter.rect_filled(bar, 3.0, paper);
    painter.line_segment([egui::pos2(x0, y), egui::pos2(x1, y)], egui::Stroke::new(3.0, ink));
    for x in [x0, x1] {
        painter.line_segment([egui::pos2(x, y - 6.0), egui::pos2(x, y + 4.0)], egui::Stroke::new(2.0, ink));
    }
    let label = if len_m >= 1000.0 {
        tr.a("map-scale-km", &[("km", ((len_m / 1000.0) as f64).into())])
    } else {
        tr.a("map-scale-m", &[("m", (len_m as f64).into())])
    };
    painter.text(
        egui::pos2((x0 + x1) / 2.0, y - 14.0),
        egui::Align2::CENTER_CENTER,
        label,
        egui::FontId::proportional(15.0),
        ink,
    );
    vec![egui::Rect::from_center_size(centre, egui::vec2(70.0, 70.0)), bar]
}

/// The colour keys of residents and houses (bottom left of the map);
/// returns the rectangle it covers (`k`: size against the window's 14 px).
pub fn legend(painter: &egui::Painter, tr: &Tr, area: egui::Rect, k: f32) -> egui::Rect {
    let rows: Vec<(String, [f32; 3])> = [
        ("legend-unaware", markers::PERSON_COLOURS[0]),
        ("legend-warned", markers::PERSON_COLOURS[1]),
        ("legend-moving", markers::PERSON_COLOURS[2]),
        ("legend-safe", markers::PERSON_COLOURS[3]),
        ("legend-harmed", markers::PERSON_COLOURS[4]),
        ("legend-house-flooded", markers::HOUSE_COLOURS[3]),
        ("legend-house-burning", markers::HOUSE_COLOURS[5]),
    ]
    .into_iter()
    .map(|(k, c)| (tr.t(k), c))
    .collect();
    let h = 20.0 * k;
    let top = area.bottom() - 12.0 - h * rows.len() as f32;
    let left = area.left() + 12.0;
    let frame =
        egui::Rect::from_min_max(egui::pos2(left - 6.0, top - 6.0), egui::pos2(left + 150.0 * k, area.bottom() - 6.0));
    painter.rect_filled(frame, 3.0, egui::Color32::from_rgba_unmultiplied(255, 255, 255, 210));
    for (n, (text, c)) in rows.into_iter().enumerate() {
        let y = top + n as f32 * h + h / 2.0;
        let col = egui::Color32::from_rgb((c[0] * 255.0) as u8, (c[1] * 255.0) as u8, (c[2] * 255.0) as u8);
        painter.circle_filled(egui::pos2(left + 8.0 * k, y), 6.0 * k, col);
        painter.text(
            egui::pos2(left + 22.0 * k, y),
            egui::Align2::LEFT_CENTER,
            text,
            egui::FontId::proportional(14.0 * k),
            egui::Color32::from_rgb(20, 20, 20),
        );
    }
    frame
}
