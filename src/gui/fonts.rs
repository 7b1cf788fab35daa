//! The window's font: a subset of WenQuanYi Micro Hei (Apache-2.0, licence
//! in `assets/fonts/`) holding the common hanzi and every character of the
//! embedded scenarios and .ftl files (`tools/subset_font.py`), embedded in
//! the binary and put first in both egui families, so Chinese never shows
//! as boxes on a PC without CJK fonts.
//!
//! Owns: the embedded font and egui's font set-up. May not touch: the sim.

use bevy_egui::egui;

/// The subset font's bytes.
pub const CJK: &[u8] = crate::i18n::CJK_FONT;

/// egui's fonts with the CJK font first (it has Latin too) and egui's own
/// fonts behind it for symbols.
pub fn definitions() -> egui::FontDefinitions {
    let mut defs = egui::FontDefinitions::default();
    defs.font_data.insert("firstline-cjk".to_owned(), std::sync::Arc::new(egui::FontData::from_static(CJK)));
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        defs.families.entry(family).or_default().insert(0, "firstline-cjk".to_owned());
    }
    defs
}

/// Sizes for reading at a desk and, on a projector, from the back of a
/// room: body text 16 pt, headings 20 pt (`scale` multiplies both).
pub fn style(ctx: &egui::Context, scale: f32) {
    ctx.set_fonts(definitions());
    let mut style = (*ctx.global_style()).clone();
    use egui::{FontFamily::Proportional, FontId, TextStyle};
    style.text_styles = [
        (TextStyle::Small, FontId::new(13.0 * scale, Proportional)),
        (TextStyle::Body, FontId::new(16.0 * scale, Proportional)),
        (TextStyle::Button, FontId::new(16.0 * scale, Proportional)),
        (TextStyle::Heading, FontId::new(20.0 * scale, Proportional)),
        (TextStyle::Monospace, FontId::new(15.0 * scale, egui::FontFamily::Monospace)),
    ]
    .into();
    style.spacing.item_spacing = egui::vec2(8.0, 6.0);
    ctx.set_global_style(style);
}
