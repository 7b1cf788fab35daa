//! The classroom's seats at the host's instructor console: the address the
//! seats join at, each seat's join code (as text, and as a QR code of the
//! command that joins it; a class of more than six seats as a table of
//! codes with the QR code of the seat picked), who is in, and starting the clock without the
//! seats that have not come.
//!
//! Owns: the seats panel and its QR codes. May not touch: the host (the
//! panel asks through `UiAction`; `Play::sync_host` carries it out).

use super::{ClassSeat, Ctx, UiAction, role_name};
use crate::net::protocol::SeatKind;
use bevy_egui::egui;

/// The command a person types to take `seat` (what its QR code holds).
pub fn join_line(addr: &str, seat: &ClassSeat) -> String {
    let cmd = if seat.seat == SeatKind::Screen { "screen" } else { "join" };
    format!("firstline {cmd} {addr} --code {}", seat.code) // not window text: a command line
}

/// The seats panel (the host's console only; nothing elsewhere).
pub fn seats(ui: &mut egui::Ui, ctx: &Ctx) -> Vec<UiAction> {
    let mut out = Vec::new();
    let Some(k) = ctx.classroom else { return out };
    let tr = ctx.tr;
    let trainees = k.seats.iter().filter(|s| s.seat != SeatKind::Screen);
    let (in_, all) = trainees.fold((0u64, 0u64), |(i, a), s| (i + s.online as u64, a + 1));
    egui::CollapsingHeader::new(egui::RichText::new(tr.t("class-seats")).heading()).default_open(true).show(ui, |ui| {
        ui.label(tr.a("class-address", &[("addr", k.addr.as_str().into())]));
        if k.waiting {
            ui.label(tr.a("class-waiting", &[("in", in_.into()), ("all", all.into())]));
            if ui.button(tr.t("class-start-now")).clicked() {
                out.push(UiAction::StartClass);
            }
        }
        if let Some(why) = &k.refused {
            ui.colored_label(
                egui::Color32::from_rgb(220, 40, 40),
                tr.a("class-refused", &[("why", why.as_str().into())]),
            );
        }
        if k.seats.len() <= ROOMY {
            for seat in &k.seats {
                ui.separator();
                card(ui, ctx, &k.addr, seat, true);
            }
        } else {
            many_seats(ui, ctx, k);
        }
    });
    out
}

/// Up to this many seats each show their QR code; a class larger than
/// that (30 cadres) gets a table of codes, the seats still to come first,
/// and the QR code of the seat picked in it.
const ROOMY: usize = 6;

fn seat_name(ctx: &Ctx, seat: &ClassSeat) -> String {
    match &seat.seat {
        SeatKind::Role(r) => role_name(ctx, r),
        SeatKind::Screen => ctx.tr.t("class-screen"),
    }
}

fn presence(ctx: &Ctx, seat: &ClassSeat) -> (String, egui::Color32) {
    if seat.online {
        (ctx.tr.t("class-online"), egui::Color32::from_rgb(40, 150, 60))
    } else {
        (ctx.tr.t("class-offline"), egui::Color32::from_rgb(200, 120, 20))
    }
}

/// A seat's QR code beside its name, its code in large type and (with
/// `presence`) whether it is in.
fn card(ui: &mut egui::Ui, ctx: &Ctx, addr: &str, seat: &ClassSeat, with_presence: bool) {
    ui.horizontal(|ui| {
        qr(ui, &join_line(addr, seat), 3.0);
        ui.vertical(|ui| {
            ui.strong(seat_name(ctx, seat));
            ui.label(egui::RichText::new(&seat.code).monospace().size(20.0).strong());
            if with_presence {
                let (text, colour) = presence(ctx, seat);
                ui.colored_label(colour, text);
            }
        });
    });
}

/// A large class: the QR code of the seat picked (the first seat still to
/// come until one is picked), then one line per seat (who, the code in
/// large type, in or not), the seats still to come first; a click on a
/// line picks its seat.
fn many_seats(ui: &mut egui::Ui, ctx: &Ctx, k: &super::Classroom) {
    let picked_id = ui.id().with("class_qr_seat");
    let mut order: Vec<usize> = (0..k.seats.len()).collect();
    order.sort_by_key(|&i| k.seats[i].online);
    let picked = ui
        .data(|d| d.get_temp::<usize>(picked_id))
        .filter(|&i| i < k.seats.len())
        .or_else(|| order.first().copied().filter(|&i| !k.seats[i].online));
    if let Some(i) = picked {
        ui.separator();
        card(ui, ctx, &k.addr, &k.seats[i], false);
    }
    ui.separator();
    egui::Grid::new("class_seat_table").striped(true).num_columns(3).spacing([12.0, 4.0]).show(ui, |ui| {
        for &i in &order {
            let seat = &k.seats[i];
            let name = ui.selectable_label(picked == Some(i), seat_name(ctx, seat));
            let code =
                ui.selectable_label(picked == Some(i), egui::RichText::new(&seat.code).monospace().size(18.0).strong());
            if name.clicked() || code.clicked() {
                ui.data_mut(|d| d.insert_temp(picked_id, i));
            }
            let (text, colour) = presence(ctx, seat);
            ui.colored_label(colour, text);
            ui.end_row();
        }
    });
}

/// Draws `text` as a QR code (error correction M, the 4-module quiet zone
/// on white) with modules of `px` points.
pub fn qr(ui: &mut egui::Ui, text: &str, px: f32) {
    let Ok(code) = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M) else {
        return;
    };
    let n = code.width();
    let side = (n + 8) as f32 * px;
    let (rect, _) = ui.allocate_exact_size(egui::vec2(side, side), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, egui::Color32::WHITE);
    let colours = code.to_colors();
    for row in 0..n {
        for col in 0..n {
            if colours[row * n + col] == qrcode::Color::Dark {
                let min = rect.min + egui::vec2((col + 4) as f32 * px, (row + 4) as f32 * px);
                painter.rect_filled(egui::Rect::from_min_size(min, egui::vec2(px, px)), 0.0, egui::Color32::BLACK);
            }
        }
    }
}
