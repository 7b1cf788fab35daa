//! Plane geometry in map metres shared by terrain building, validation and
//! the models: distances to polylines, polygon tests, segment walking.
//! Only IEEE-exact operations (+, −, ×, ÷, sqrt) so results are the same on
//! every platform.

use crate::scenario::schema::Point;

/// Distance between two points.
pub fn dist(a: Point, b: Point) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

/// Distance from `p` to the segment `a`–`b`.
pub fn dist_to_segment(p: Point, a: Point, b: Point) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 { (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
    let (cx, cy) = (a.0 + t * dx, a.1 + t * dy);
    ((p.0 - cx).powi(2) + (p.1 - cy).powi(2)).sqrt()
}

/// Distance between the segment `a`–`b` and the axis-aligned box
/// `lo`–`hi` (0 when they meet, found by clipping the segment to the box,
/// Liang–Barsky): else the least of the segment's ends to the box and the
/// box's corners to the segment.
pub fn dist_segment_to_box(a: Point, b: Point, lo: Point, hi: Point) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    let mut meets = true;
    for (p, q) in [(-dx, a.0 - lo.0), (dx, hi.0 - a.0), (-dy, a.1 - lo.1), (dy, hi.1 - a.1)] {
        if p == 0.0 {
            if q < 0.0 {
                meets = false;
            }
        } else if p < 0.0 {
            t0 = t0.max(q / p);
        } else {
            t1 = t1.min(q / p);
        }
    }
    if meets && t0 <= t1 {
        return 0.0;
    }
    let corners = [lo, (hi.0, lo.1), hi, (lo.0, hi.1)];
    let to_box = |p: Point| {
        let dx = (lo.0 - p.0).max(0.0).max(p.0 - hi.0);
        let dy = (lo.1 - p.1).max(0.0).max(p.1 - hi.1);
        (dx * dx + dy * dy).sqrt()
    };
    corners.iter().map(|&c| dist_to_segment(c, a, b)).fold(to_box(a).min(to_box(b)), f64::min)
}

/// Where the foot of `p` falls along the segment `a`–`b`, in metres from
/// `a` (unclamped: negative before `a`, beyond the length after `b`).
pub fn along_segment(p: Point, a: Point, b: Point) -> f64 {
    let len = dist(a, b);
    if len > 0.0 { ((p.0 - a.0) * (b.0 - a.0) + (p.1 - a.1) * (b.1 - a.1)) / len } else { 0.0 }
}

/// Distance from `p` to a polyline (infinite for an empty one).
pub fn dist_to_polyline(p: Point, pts: &[Point]) -> f64 {
    match pts {
        [] => f64::INFINITY,
        [a] => dist_to_segment(p, *a, *a),
        _ => pts.windows(2).map(|w| dist_to_segment(p, w[0], w[1])).fold(f64::INFINITY, f64::min),
    }
}

/// Even–odd point-in-polygon test (the polygon closes itself).
pub fn in_polygon(p: Point, poly: &[Point]) -> bool {
    let n = poly.len();
    if n < 3 {
        return false;
    }
    let mut inside = false;
    let mut j = n - 1;
    for i in 0..n {
        let (a, b) = (poly[i], poly[j]);
        if (a.1 > p.1) != (b.1 > p.1) && p.0 < (b.0 - a.0) * (p.1 - a.1) / (b.1 - a.1) + a.0 {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// Signed area of a polygon (positive when counter-clockwise).
pub fn polygon_area(poly: &[Point]) -> f64 {
    let n = poly.len();
    (0..n)
        .map(|i| {
            let (a, b) = (poly[i], poly[(i + 1) % n]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum::<f64>()
        / 2.0
}

/// Mean of a polygon's corners (a village's centre for rounds and dispatches).
pub fn centroid(pts: &[Point]) -> Point {
    let n = pts.len().max(1) as f64;
    (pts.iter().map(|p| p.0).sum::<f64>() / n, pts.iter().map(|p| p.1).sum::<f64>() / n)
}

/// Points every `step` metres along a segment, both ends included.
pub fn sample_segment(a: Point, b: Point, step: f64) -> impl Iterator<Item = Point> {
    let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
    let n = (len / step.max(1e-9)).ceil().max(1.0) as usize;
    (0..=n).map(move |k| {
        let t = k as f64 / n as f64;
        (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1))
    })
}

/// Whether segments p1–p2 and q1–q2 cross (touching counts).
pub fn segments_cross(p1: Point, p2: Point, q1: Point, q2: Point) -> bool {
    fn orient(a: Point, b: Point, c: Point) -> f64 {
        (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
    }
    let d1 = orient(q1, q2, p1);
    let d2 = orient(q1, q2, p2);
    let d3 = orient(p1, p2, q1);
    let d4 = orient(p1, p2, q2);
    (d1 * d2 <= 0.0) && (d3 * d4 <= 0.0)
}

/// How a step from `p0` to `p1` crosses the line `a`–`b`: `1` from its right
/// to its left (looking from `a` to `b`), `-1` the other way, `0` not at
/// all. A point on the line counts as on its left, so a walk that stops on
/// the line and goes on is counted once.
pub fn crossing(a: Point, b: Point, p0: Point, p1: Point) -> i8 {
    let side = |p: Point| (b.0 - a.0) * (p.1 - a.1) - (b.1 - a.1) * (p.0 - a.0) >= 0.0;
    let (l0, l1) = (side(p0), side(p1));
    if l0 == l1 || !segments_cross(p0, p1, a, b) {
        0
    } else if l1 {
        1
    } else {
        -1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_to_box_distance() {
        let (lo, hi) = ((0.0, 0.0), (1.0, 1.0));
        assert_eq!(dist_segment_to_box((-1.0, 0.5), (2.0, 0.5), lo, hi), 0.0, "through");
        assert_eq!(dist_segment_to_box((0.2, 0.2), (0.3, 0.3), lo, hi), 0.0, "inside");
        assert_eq!(dist_segment_to_box((1.0, 2.0), (1.0, 1.0), lo, hi), 0.0, "touching a corner");
        // On the line of an edge but beyond it: not touching.
        assert_eq!(dist_segment_to_box((1.0, 5.0), (1.0, 3.0), lo, hi), 2.0);
        assert!((dist_segment_to_box((2.0, 0.0), (0.0, 2.0), lo, hi)).abs() < 1e-12, "through the far corner");
        let d = dist_segment_to_box((3.0, 0.0), (0.0, 3.0), lo, hi);
        assert!((d - 0.5f64.sqrt()).abs() < 1e-12, "{d}");
        assert_eq!(dist_segment_to_box((2.5, -5.0), (2.5, 5.0), lo, hi), 1.5);
    }

    #[test]
    fn crossings_count_once_each_way_and_not_past_the_ends() {
        let (a, b) = ((0.0, 0.0), (0.0, 10.0));
        // Looking north along x = 0, the left is the west.
        assert_eq!(crossing(a, b, (1.0, 5.0), (-1.0, 5.0)), 1);
        assert_eq!(crossing(a, b, (-1.0, 5.0), (1.0, 5.0)), -1);
        assert_eq!(crossing(a, b, (1.0, 5.0), (2.0, 5.0)), 0);
        assert_eq!(crossing(a, b, (1.0, 12.0), (-1.0, 12.0)), 0, "past the line's end");
        // Stopping on the line, then going on: one crossing in all.
        let steps = [(1.0, 5.0), (0.0, 5.0), (-1.0, 5.0)];
        let n: i32 = steps.windows(2).map(|w| crossing(a, b, w[0], w[1]) as i32).sum();
        assert_eq!(n, 1);
    }

    #[test]
    fn distances_and_polygons() {
        assert_eq!(dist_to_segment((0.0, 1.0), (-1.0, 0.0), (1.0, 0.0)), 1.0);
        assert_eq!(dist_to_segment((3.0, 4.0), (0.0, 0.0), (0.0, 0.0)), 5.0);
        let sq = [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0)];
        assert!(in_polygon((1.0, 1.0), &sq));
        assert!(!in_polygon((3.0, 1.0), &sq));
        assert_eq!(polygon_area(&sq), 4.0);
        assert_eq!(sample_segment((0.0, 0.0), (10.0, 0.0), 2.5).count(), 5);
        assert!(segments_cross((0.0, 0.0), (2.0, 2.0), (0.0, 2.0), (2.0, 0.0)));
        assert!(!segments_cross((0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)));
    }
}
