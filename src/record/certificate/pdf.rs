//! The printable certificate: one A4 landscape page in Chinese (the CJK
//! font subset embedded, the text copyable), the person, role, drill,
//! scores and level, the issuing office, the certificate id and the facts a
//! checker needs (build, seed, event-log hash, key fingerprint), and a QR
//! code of the id and the claims' hash.
//!
//! Owns: the certificate's page. May not touch: the sim, the store.

use super::Certificate;
use crate::i18n::CJK_FONT;
use crate::record::evaluation::pdf::width;
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};

const PAGE: (f32, f32) = (842.0, 595.0);
const INK: [u8; 3] = [25, 25, 25];
const RED: [u8; 3] = [170, 20, 20];
const GREY: [u8; 3] = [95, 95, 95];

fn text(s: &mut Surface, font: &Font, x: f32, y: f32, size: f32, t: &str, c: [u8; 3]) {
    s.set_fill(Some(Fill { paint: rgb::Color::new(c[0], c[1], c[2]).into(), ..Default::default() }));
    s.set_stroke(None);
    s.draw_text(Point::from_xy(x, y), font.clone(), size, t, false, TextDirection::Auto);
}

fn centred(s: &mut Surface, font: &Font, y: f32, size: f32, t: &str, c: [u8; 3]) {
    text(s, font, (PAGE.0 - width(t, size)) / 2.0, y, size, t, c);
}

fn frame(s: &mut Surface, inset: f32, w: f32) {
    let Some(r) = Rect::from_xywh(inset, inset, PAGE.0 - 2.0 * inset, PAGE.1 - 2.0 * inset) else { return };
    let mut pb = PathBuilder::new();
    pb.push_rect(r);
    if let Some(p) = pb.finish() {
        s.set_fill(None);
        s.set_stroke(Some(Stroke {
            paint: rgb::Color::new(RED[0], RED[1], RED[2]).into(),
            width: w,
            ..Default::default()
        }));
        s.draw_path(&p);
    }
}

/// The QR code's dark modules as one path, `size` points wide at (x, y).
fn qr(s: &mut Surface, data: &str, x: f32, y: f32, size: f32) -> Result<(), String> {
    let code = qrcode::QrCode::with_error_correction_level(data.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| format!("the QR code: {e}"))?;
    let n = code.width();
    let colours = code.to_colors();
    let quiet = 2.0;
    let m = size / (n as f32 + 2.0 * quiet);
    let mut pb = PathBuilder::new();
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if colours[row * n + col] == qrcode::Color::Dark {
                let start = col;
                while col < n && colours[row * n + col] == qrcode::Color::Dark {
                    col += 1;
                }
                let rx = x + (quiet + start as f32) * m;
                let ry = y + (quiet + row as f32) * m;
                if let Some(r) = Rect::from_xywh(rx, ry, (col - start) as f32 * m, m) {
                    pb.push_rect(r);
                }
            } else {
                col += 1;
            }
        }
    }
    if let Some(p) = pb.finish() {
        s.set_fill(Some(Fill { paint: rgb::Color::new(0, 0, 0).into(), ..Default::default() }));
        s.set_stroke(None);
        s.draw_path(&p);
    }
    Ok(())
}

/// The certificate as PDF bytes (deterministic: same certificate, same bytes).
pub fn render(cert: &Certificate) -> Result<Vec<u8>, String> {
    let c = &cert.claims;
    let font = Font::new(CJK_FONT.into(), 0).ok_or("the embedded font cannot be read")?;
    let mut doc = Document::new();
    let settings = PageSettings::from_wh(PAGE.0, PAGE.1).ok_or("bad page size")?;
    let mut page = doc.start_page_with(settings);
    let mut s = page.surface();
    frame(&mut s, 22.0, 3.0);
    frame(&mut s, 30.0, 0.8);
    centred(&mut s, &font, 110.0, 40.0, "应急演练考核证书", RED);
    centred(&mut s, &font, 140.0, 12.0, "基层应急演练仿真系统 · Firstline", GREY);

    let org = c.organisation.as_ref().map(|o| format!("（{}）", o.name)).unwrap_or_default();
    let role_score = c.role_score.map(|v| format!("，本人角色得分 {v:.1} 分")).unwrap_or_default();
    let lines = [
        format!("兹证明 {}{org}", c.person.name),
        format!("于 {} 参加「{}」模拟演练，担任{}，", c.drilled, c.scenario.title_zh, c.role_title),
        format!("演练总分 {:.1} 分{role_score}，考核等级：{}。", c.score, c.level),
    ];
    // 20 pt, smaller when a long drill or organisation name would overflow.
    let room = PAGE.0 - 180.0;
    let size = lines.iter().map(|l| room / width(l, 1.0)).fold(20.0f32, f32::min).max(9.0);
    for (k, l) in lines.iter().enumerate() {
        text(&mut s, &font, 90.0, 210.0 + 42.0 * k as f32, size, l, INK);
    }
    let facts = [
        format!("证书编号：{}", c.id),
        format!("发证机关：{}", if c.issuer.is_empty() { "（未署名）" } else { &c.issuer }),
        format!("发证日期：{}", c.issued),
        format!("人员编号：{}    记录号：{}", c.person.code, c.run),
        format!("演练：{}（SHA-256 {}…）  种子：{}", c.scenario.id, &c.scenario.sha256[..16], c.seed),
        format!("事件日志 SHA-256：{}", c.event_log_sha256),
        format!("程序版本：{}", c.build),
        format!("签名密钥指纹：{}", cert.key_fingerprint),
    ];
    for (k, l) in facts.iter().enumerate() {
        text(&mut s, &font, 90.0, 380.0 + 17.0 * k as f32, 9.5, l, GREY);
    }
    text(
        &mut s,
        &font,
        90.0,
        530.0,
        9.0,
        "核验：firstline verify 证书文件.json --pubkey 发证机关公钥.pub.pem（验证签名并按证书中的指令重演演练，核对日志与成绩）",
        GREY,
    );
    qr(&mut s, &cert.qr_text(), PAGE.0 - 90.0 - 150.0, 360.0, 150.0)?;
    s.finish();
    page.finish();
    doc.set_metadata(
        Metadata::new()
            .title(format!("应急演练考核证书 {}", c.id))
            .language("zh-CN".to_owned())
            .creator("Firstline".to_owned()),
    );
    doc.finish().map_err(|e| format!("the PDF could not be written: {e:?}"))
}
