//! The report's charts as plain data — lines, reference lines, bars — laid
//! out once (`Chart::frame`) and drawn by both renderers: as SVG in the
//! HTML and as vector paths in the PDF.
//!
//! Owns: `Chart` and its SVG. May not touch: anything else.

/// One line of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub label: String,
    pub colour: [u8; 3],
    /// (x, y) in the chart's units.
    pub points: Vec<(f64, f64)>,
    /// Drawn as steps (a count that jumps), not straight segments.
    pub step: bool,
}

/// A chart: lines over x and y ranges, horizontal and vertical reference
/// lines, or (when `bars` is not empty) labelled horizontal bars.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub x: (f64, f64),
    pub y: (f64, f64),
    pub lines: Vec<Series>,
    pub hlines: Vec<(f64, String)>,
    pub vlines: Vec<(f64, String)>,
    pub bars: Vec<(String, f64)>,
}

/// Width and height of a chart (points, as the PDF and the SVG use them).
pub const W: f64 = 480.0;
pub const H: f64 = 220.0;
/// The plot area inside: left, top, right, bottom margins.
const M: (f64, f64, f64, f64) = (56.0, 28.0, 16.0, 36.0);

/// Something to draw, in chart coordinates (points, y down).
#[derive(Debug, Clone, PartialEq)]
pub enum Mark {
    Polyline { points: Vec<(f64, f64)>, colour: [u8; 3], width: f64, dashed: bool },
    Rect { x: f64, y: f64, w: f64, h: f64, colour: [u8; 3] },
    Text { x: f64, y: f64, size: f64, text: String, colour: [u8; 3], anchor_end: bool },
}

impl Chart {
    pub fn new(title: String, x_label: String, y_label: String, x: (f64, f64), y: (f64, f64)) -> Chart {
        Chart { title, x_label, y_label, x, y, lines: vec![], hlines: vec![], vlines: vec![], bars: vec![] }
    }

    /// The marks that draw the chart in a `W` × `H` box.
    pub fn frame(&self) -> Vec<Mark> {
        let ink = [40, 40, 40];
        let (l, t, r, b) = M;
        let (pw, ph) = (W - l - r, H - t - b);
        let mut out =
            vec![Mark::Text { x: l, y: 16.0, size: 12.0, text: self.title.clone(), colour: ink, anchor_end: false }];
        if !self.bars.is_empty() {
            // Horizontal bars, one a row, value axis along x.
            let n = self.bars.len() as f64;
            let row = ph / n;
            let (lo, hi) = (self.y.0, self.y.1.max(self.y.0 + 1e-9));
            let xs = |v: f64| l + 110.0 + (pw - 110.0) * ((v - lo) / (hi - lo)).clamp(0.0, 1.0);
            for (k, (label, v)) in self.bars.iter().enumerate() {
                let y = t + row * k as f64;
                out.push(Mark::Text {
                    x: l + 104.0,
                    y: y + row * 0.65,
                    size: 9.0,
                    text: label.clone(),
                    colour: ink,
                    anchor_end: true,
                });
                out.push(Mark::Rect {
                    x: xs(lo),
                    y: y + row * 0.15,
                    w: xs(*v) - xs(lo),
                    h: row * 0.7,
                    colour: [0, 114, 178],
                });
                out.push(Mark::Text {
                    x: xs(*v) + 3.0,
                    y: y + row * 0.65,
                    size: 8.0,
                    text: trim(*v),
                    colour: ink,
                    anchor_end: false,
                });
            }
            for (v, label) in &self.hlines {
                let x = xs(*v);
                out.push(Mark::Polyline {
                    points: vec![(x, t), (x, t + ph)],
                    colour: [230, 159, 0],
                    width: 1.0,
                    dashed: true,
                });
                out.push(Mark::Text {
                    x,
                    y: t + ph + 12.0,
                    size: 8.0,
                    text: label.clone(),
                    colour: ink,
                    anchor_end: false,
                });
            }
            out.push(Mark::Text {
                x: l + pw,
                y: H - 6.0,
                size: 9.0,
                text: self.y_label.clone(),
                colour: ink,
                anchor_end: true,
            });
            return out;
        }
        let (x0, x1) = (self.x.0, self.x.1.max(self.x.0 + 1e-9));
        let (y0, y1) = (self.y.0, self.y.1.max(self.y.0 + 1e-9));
        let px = |x: f64| l + pw * ((x - x0) / (x1 - x0)).clamp(0.0, 1.0);
        let py = |y: f64| t + ph * (1.0 - ((y - y0) / (y1 - y0)).clamp(0.0, 1.0));
        // Axes with five ticks each.
        out.push(Mark::Polyline {
            points: vec![(l, t), (l, t + ph), (l + pw, t + ph)],
            colour: ink,
            width: 0.8,
            dashed: false,
        });
        for k in 0..=4 {
            let f = k as f64 / 4.0;
            let (xv, yv) = (x0 + f * (x1 - x0), y0 + f * (y1 - y0));
            out.push(Mark::Polyline {
                points: vec![(l, py(yv)), (l + pw, py(yv))],
                colour: [225, 225, 225],
                width: 0.5,
                dashed: false,
            });
            out.push(Mark::Text {
                x: l - 4.0,
                y: py(yv) + 3.0,
                size: 8.0,
                text: trim(yv),
                colour: ink,
                anchor_end: true,
            });
            out.push(Mark::Text {
                x: px(xv),
                y: t + ph + 12.0,
                size: 8.0,
                text: trim(xv),
                colour: ink,
                anchor_end: false,
            });
        }
        out.push(Mark::Text {
            x: l + pw,
            y: H - 6.0,
            size: 9.0,
            text: self.x_label.clone(),
            colour: ink,
            anchor_end: true,
        });
        out.push(Mark::Text {
            x: 4.0,
            y: t - 6.0,
            size: 9.0,
            text: self.y_label.clone(),
            colour: ink,
            anchor_end: false,
        });
        for (v, label) in &self.hlines {
            out.push(Mark::Polyline {
                points: vec![(l, py(*v)), (l + pw, py(*v))],
                colour: [230, 159, 0],
                width: 1.0,
                dashed: true,
            });
            out.push(Mark::Text {
                x: l + pw,
                y: py(*v) - 3.0,
                size: 8.0,
                text: label.clone(),
                colour: [180, 110, 0],
                anchor_end: true,
            });
        }
        for (v, label) in &self.vlines {
            out.push(Mark::Polyline {
                points: vec![(px(*v), t), (px(*v), t + ph)],
                colour: [213, 94, 0],
                width: 1.0,
                dashed: true,
            });
            out.push(Mark::Text {
                x: px(*v) + 3.0,
                y: t + 10.0,
                size: 8.0,
                text: label.clone(),
                colour: [213, 94, 0],
                anchor_end: false,
            });
        }
        for (k, s) in self.lines.iter().enumerate() {
            let mut pts = Vec::with_capacity(s.points.len() * 2);
            for (n, &(x, y)) in s.points.iter().enumerate() {
                if s.step && n > 0 {
                    pts.push((px(x), py(s.points[n - 1].1)));
                }
                pts.push((px(x), py(y)));
            }
            // Long series: keep at most one point per half point of width.
            if pts.len() > 2000 {
                let every = pts.len() / 1000;
                pts = pts.iter().step_by(every).copied().chain(pts.last().copied()).collect();
            }
            out.push(Mark::Polyline { points: pts, colour: s.colour, width: 1.6, dashed: false });
            out.push(Mark::Text {
                x: l + 6.0,
                y: t + 12.0 + 11.0 * k as f64,
                size: 9.0,
                text: s.label.clone(),
                colour: s.colour,
                anchor_end: false,
            });
        }
        out
    }

    /// The chart as an SVG element (no external references).
    pub fn svg(&self) -> String {
        let mut o = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img">"#
        );
        o.push_str(&format!(r#"<title>{}</title><rect width="{W}" height="{H}" fill="white"/>"#, esc(&self.title)));
        for m in self.frame() {
            match m {
                Mark::Polyline { points, colour, width, dashed } => {
                    let pts: Vec<String> = points.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
                    let dash = if dashed { r#" stroke-dasharray="4 3""# } else { "" };
                    o.push_str(&format!(
                        r#"<polyline fill="none" stroke="{}" stroke-width="{width}"{dash} points="{}"/>"#,
                        rgb(colour),
                        pts.join(" ")
                    ));
                }
                Mark::Rect { x, y, w, h, colour } => {
                    o.push_str(&format!(
                        r#"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{h:.1}" fill="{}"/>"#,
                        w.max(0.0),
                        rgb(colour)
                    ));
                }
                Mark::Text { x, y, size, text, colour, anchor_end } => {
                    let anchor = if anchor_end { "end" } else { "start" };
                    o.push_str(&format!(
                        r#"<text x="{x:.1}" y="{y:.1}" font-size="{size}" fill="{}" text-anchor="{anchor}">{}</text>"#,
                        rgb(colour),
                        esc(&text)
                    ));
                }
            }
        }
        o.push_str("</svg>");
        o
    }
}

/// A tick value without needless decimals.
fn trim(v: f64) -> String {
    if (v - v.round()).abs() < 1e-6 || v.abs() >= 100.0 { format!("{:.0}", v) } else { format!("{v:.1}") }
}

fn rgb(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// Escapes text for HTML and SVG.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
