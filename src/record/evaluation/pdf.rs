//! The evaluation report as a PDF (krilla 0.8): A4 pages, the CJK font
//! embedded as a subset (so the Chinese prints on any machine and can be
//! selected and copied), the charts as vector paths. There is no layout
//! engine: lines are broken by an estimate of each character's width
//! (a CJK character one em, others 0.6 em), which never overflows the
//! column for this font.
//!
//! Owns: the PDF rendering. May not touch: anything else.

use super::Evaluation;
use super::chart::{self, Mark};
use crate::i18n::{CJK_FONT, Tr};
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke, StrokeDash};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};

const PAGE: (f32, f32) = (595.0, 842.0);
const MARGIN: f32 = 48.0;
const BODY: f32 = 9.5;

/// Width of `s` at `size` points (an upper estimate).
pub(crate) fn width(s: &str, size: f32) -> f32 {
    s.chars().map(|c| if c.is_ascii() { 0.6 } else { 1.0 }).sum::<f32>() * size
}

/// `s` broken into lines no wider than `w` at `size`: between words in
/// Latin text, between any two characters in Chinese, inside a word only
/// when it is wider than the line.
fn wrap(s: &str, size: f32, w: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in s.split('\n') {
        // Tokens: a run of ASCII letters and digits (a word), or one other character.
        let mut tokens: Vec<String> = Vec::new();
        for c in para.chars() {
            match tokens.last_mut() {
                Some(t) if c.is_ascii_graphic() && t.chars().all(|x| x.is_ascii_graphic()) => t.push(c),
                _ => tokens.push(c.to_string()),
            }
        }
        let mut line = String::new();
        for t in tokens {
            if width(&line, size) + width(&t, size) <= w || line.is_empty() && width(&t, size) <= w {
                line.push_str(&t);
                continue;
            }
            if !line.trim().is_empty() {
                lines.push(std::mem::take(&mut line).trim_end().to_owned());
            }
            line.clear();
            for c in t.chars() {
                if width(&line, size) + width(&c.to_string(), size) > w && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                if !(line.is_empty() && c == ' ') {
                    line.push(c);
                }
            }
        }
        lines.push(line);
    }
    lines
}

fn fill(c: [u8; 3]) -> Fill {
    Fill { paint: rgb::Color::new(c[0], c[1], c[2]).into(), opacity: NormalizedF32::ONE, rule: Default::default() }
}

/// A page being filled top to bottom.
struct Writer {
    doc: Document,
    font: Font,
    pages: Vec<Vec<Op>>,
    y: f32,
}

/// What a page holds, drawn when the document is finished.
enum Op {
    Text { x: f32, y: f32, size: f32, text: String, colour: [u8; 3] },
    Rect { x: f32, y: f32, w: f32, h: f32, colour: [u8; 3] },
    Line { pts: Vec<(f32, f32)>, colour: [u8; 3], width: f32, dashed: bool },
}

impl Writer {
    fn new(font: Font) -> Writer {
        Writer { doc: Document::new(), font, pages: vec![Vec::new()], y: MARGIN }
    }

    fn room(&mut self, h: f32) {
        if self.y + h > PAGE.1 - MARGIN {
            self.pages.push(Vec::new());
            self.y = MARGIN;
        }
    }

    fn op(&mut self, o: Op) {
        if let Some(p) = self.pages.last_mut() {
            p.push(o);
        }
    }

    fn text(&mut self, x: f32, size: f32, s: &str, colour: [u8; 3], w: f32) {
        for l in wrap(s, size, w) {
            self.room(size * 1.45);
            self.y += size * 1.2;
            self.op(Op::Text { x, y: self.y, size, text: l, colour });
            self.y += size * 0.25;
        }
    }

    fn heading(&mut self, s: &str, size: f32) {
        self.room(size * 3.0);
        self.y += size * 0.6;
        self.text(MARGIN, size, s, [0, 90, 150], PAGE.0 - 2.0 * MARGIN);
        self.y += size * 0.2;
    }

    /// A table: column widths (points) and rows of cells; the first row
    /// is the header (shaded).
    fn table(&mut self, widths: &[f32], rows: &[Vec<String>], size: f32) {
        for (n, row) in rows.iter().enumerate() {
            let cells: Vec<Vec<String>> = row.iter().zip(widths).map(|(c, w)| wrap(c, size, w - 6.0)).collect();
            let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let h = lines as f32 * size * 1.3 + 4.0;
            self.room(h);
            if n == 0 {
                self.op(Op::Rect { x: MARGIN, y: self.y, w: widths.iter().sum(), h, colour: [236, 241, 246] });
            }
            let mut x = MARGIN;
            for (cell, w) in cells.iter().zip(widths) {
                for (k, l) in cell.iter().enumerate() {
                    let y = self.y + 2.0 + size * (1.05 + 1.3 * k as f32);
                    self.op(Op::Text { x: x + 3.0, y, size, text: l.clone(), colour: [30, 30, 30] });
                }
                x += w;
            }
            let total: f32 = widths.iter().sum();
            self.op(Op::Line {
                pts: vec![(MARGIN, self.y + h), (MARGIN + total, self.y + h)],
                colour: [200, 200, 200],
                width: 0.5,
                dashed: false,
            });
            self.y += h;
        }
        self.y += 6.0;
    }

    fn chart(&mut self, c: &chart::Chart) {
        let h = chart::H as f32;
        self.room(h + 8.0);
        let (x0, y0) = (MARGIN, self.y);
        for m in c.frame() {
            match m {
                Mark::Polyline { points, colour, width, dashed } => self.op(Op::Line {
                    pts: points.iter().map(|&(x, y)| (x0 + x as f32, y0 + y as f32)).collect(),
                    colour,
                    width: width as f32,
                    dashed,
                }),
                Mark::Rect { x, y, w, h, colour } => {
                    self.op(Op::Rect { x: x0 + x as f32, y: y0 + y as f32, w: w as f32, h: h as f32, colour })
                }
                Mark::Text { x, y, size, text, colour, anchor_end } => {
                    let dx = if anchor_end { width(&text, size as f32) } else { 0.0 };
                    self.op(Op::Text { x: x0 + x as f32 - dx, y: y0 + y as f32, size: size as f32, text, colour })
                }
            }
        }
        self.y += h + 8.0;
    }

    fn finish(mut self, title: &str, lang: &str) -> Result<Vec<u8>, String> {
        let pages = std::mem::take(&mut self.pages);
        let n = pages.len();
        for (k, ops) in pages.into_iter().enumerate() {
            let settings = PageSettings::from_wh(PAGE.0, PAGE.1).ok_or("bad page size")?;
            let mut page = self.doc.start_page_with(settings);
            let mut s = page.surface();
            for o in ops {
                draw(&mut s, &self.font, o);
            }
            let folio = format!("{} / {n}", k + 1);
            s.set_fill(Some(fill([120, 120, 120])));
            s.draw_text(
                Point::from_xy(PAGE.0 - MARGIN - width(&folio, 8.0), PAGE.1 - 24.0),
                self.font.clone(),
                8.0,
                &folio,
                false,
                TextDirection::Auto,
            );
            s.finish();
            page.finish();
        }
        self.doc.set_metadata(
            Metadata::new().title(title.to_owned()).language(lang.to_owned()).creator("Firstline".to_owned()),
        );
        self.doc.finish().map_err(|e| format!("the PDF could not be written: {e:?}"))
    }
}

fn draw(s: &mut Surface, font: &Font, o: Op) {
    match o {
        Op::Text { x, y, size, text, colour } => {
            s.set_fill(Some(fill(colour)));
            s.set_stroke(None);
            s.draw_text(Point::from_xy(x, y), font.clone(), size, &text, false, TextDirection::Auto);
        }
        Op::Rect { x, y, w, h, colour } => {
            let Some(r) = Rect::from_xywh(x, y, w.max(0.01), h.max(0.01)) else { return };
            let mut pb = PathBuilder::new();
            pb.push_rect(r);
            if let Some(p) = pb.finish() {
                s.set_fill(Some(fill(colour)));
                s.set_stroke(None);
                s.draw_path(&p);
            }
        }
        Op::Line { pts, colour, width, dashed } => {
            if pts.len() < 2 {
                return;
            }
            let mut pb = PathBuilder::new();
            pb.move_to(pts[0].0, pts[0].1);
            for &(x, y) in &pts[1..] {
                pb.line_to(x, y);
            }
            if let Some(p) = pb.finish() {
                s.set_fill(None);
                s.set_stroke(Some(Stroke {
                    paint: rgb::Color::new(colour[0], colour[1], colour[2]).into(),
                    width,
                    dash: dashed.then(|| StrokeDash { array: vec![4.0, 3.0], offset: 0.0 }),
                    ..Default::default()
                }));
                s.draw_path(&p);
            }
        }
    }
}

/// The evaluation as PDF bytes.
pub fn render(e: &Evaluation) -> Result<Vec<u8>, String> {
    let tr = Tr::new(e.lang);
    let font = Font::new(CJK_FONT.into(), 0).ok_or("the embedded font cannot be read")?;
    let mut w = Writer::new(font);
    let full = PAGE.0 - 2.0 * MARGIN;
    w.text(MARGIN, 17.0, &e.title, [20, 20, 20], full);
    w.text(MARGIN, 11.5, &e.verdict, [20, 20, 20], full);
    w.heading(&tr.t("eval-h-overview"), 13.0);
    let rows: Vec<Vec<String>> = e.overview.iter().map(|(k, v)| vec![k.clone(), v.clone()]).collect();
    w.table(&[120.0, full - 120.0], &rows, BODY);
    let mut rows = vec![vec![tr.t("eval-col-role"), tr.t("eval-col-played"), tr.t("eval-col-score")]];
    rows.extend(e.roles.iter().map(|(r, who, s)| vec![r.clone(), who.clone(), s.clone()]));
    w.table(&[170.0, full - 230.0, 60.0], &rows, BODY);
    w.heading(&tr.t("eval-h-timeline"), 13.0);
    let mut rows = vec![vec![tr.t("eval-col-time"), tr.t("eval-col-event")]];
    rows.extend(e.timeline.iter().map(|(t, what)| vec![t.clone(), what.clone()]));
    w.table(&[56.0, full - 56.0], &rows, 8.5);
    w.heading(&tr.t("eval-h-metrics"), 13.0);
    let mut rows = vec![vec![
        tr.t("eval-col-metric"),
        tr.t("eval-col-value"),
        tr.t("eval-col-threshold"),
        tr.t("eval-col-passed"),
        tr.t("eval-col-evidence"),
    ]];
    for m in &e.metrics {
        let pass = match m.passed {
            Some(true) => tr.t("eval-pass"),
            Some(false) => tr.t("eval-fail"),
            None => "—".to_owned(),
        };
        let mut ev = m.evidence.join("\n");
        if m.evidence_total > m.evidence.len() {
            ev.push('\n');
            ev.push_str(&tr.a("eval-more", &[("n", ((m.evidence_total - m.evidence.len()) as u64).into())]));
        }
        rows.push(vec![format!("{}\n{}", m.name, m.why), m.value.clone(), m.threshold.clone(), pass, ev]);
    }
    w.table(&[170.0, 58.0, 58.0, 40.0, full - 326.0], &rows, 8.0);
    for c in &e.charts {
        w.chart(c);
    }
    for (key, items) in [("eval-h-problems", &e.problems), ("eval-h-suggestions", &e.suggestions)] {
        w.heading(&tr.t(key), 13.0);
        if items.is_empty() {
            w.text(MARGIN, BODY, &tr.t("eval-none"), [30, 30, 30], full);
        }
        for (k, p) in items.iter().enumerate() {
            w.text(MARGIN, BODY, &format!("{}. {p}", k + 1), [30, 30, 30], full);
        }
    }
    w.y += 10.0;
    w.text(MARGIN, 7.5, &tr.t("eval-footer"), [110, 110, 110], full);
    w.finish(&e.title, e.lang.tag())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_between_words_and_never_overflow() {
        let text =
            "Orange geological-hazard weather warning: high risk around Houshan. 后山坡体出现新裂缝，坡脚泉水变浑。";
        let lines = wrap(text, 10.0, 150.0);
        assert!(lines.len() >= 3, "{lines:?}");
        for l in &lines {
            assert!(width(l, 10.0) <= 150.0, "{l:?} overflows");
        }
        // No English word is cut: every word of the text is whole in some line.
        for word in ["geological-hazard", "weather", "warning:", "Houshan."] {
            assert!(lines.iter().any(|l| l.contains(word)), "{word} was cut: {lines:?}");
        }
        assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""), "nothing lost");
        // A word wider than the line is cut inside it.
        let long = wrap(&"x".repeat(60), 10.0, 100.0);
        assert!(long.len() >= 3 && long.iter().all(|l| width(l, 10.0) <= 100.0));
    }
}
