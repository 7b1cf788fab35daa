//! The map camera: orbit with the right mouse button (or Q/E and R/F),
//! pan with the left or middle button (or WASD / arrows), zoom with the
//! wheel (or +/−); input over a console panel is the panel's. A click
//! (press and release without a drag) picks the ground under the cursor.
//!
//! Owns: `OrbitCam` and the camera's input. May not touch: the sim.

use bevy::input::mouse::{AccumulatedMouseMotion, AccumulatedMouseScroll, MouseScrollUnit};
use bevy::prelude::*;

#[derive(Resource, Debug, Clone)]
pub struct OrbitCam {
    pub focus: Vec3,
    /// Radians about +Y, 0 = looking north.
    pub yaw: f32,
    /// Radians below the horizon.
    pub pitch: f32,
    pub distance: f32,
    /// Cursor travel (px) since the left button went down.
    pub dragged: f32,
    /// Still where the drill started it, fitted to the picture's shape
    /// (`scene::fit_first_view`); false once someone has moved it.
    pub fitted: bool,
}

/// Radians below the horizon the camera starts at (54°).
pub const START_PITCH: f32 = 0.95;

impl OrbitCam {
    pub fn looking_at(focus: Vec3, distance: f32) -> OrbitCam {
        OrbitCam { focus, yaw: 0.0, pitch: START_PITCH, distance, dragged: 0.0, fitted: false }
    }

    pub fn transform(&self) -> Transform {
        let dir = Vec3::new(self.yaw.sin() * self.pitch.cos(), self.pitch.sin(), self.yaw.cos() * self.pitch.cos());
        Transform::from_translation(self.focus + dir * self.distance).looking_at(self.focus, Vec3::Y)
    }

    /// Moves the focus by screen-space `d` (px) at the current distance.
    fn pan(&mut self, d: Vec2) {
        let k = self.distance * 0.0015;
        let right = Vec3::new(self.yaw.cos(), 0.0, -self.yaw.sin());
        let fwd = Vec3::new(-self.yaw.sin(), 0.0, -self.yaw.cos());
        self.focus += (-d.x * right + d.y * fwd) * k;
    }
}

/// Applies this frame's mouse and keys to the camera; `ui_has_pointer`:
/// egui is using the pointer.
#[allow(clippy::too_many_arguments)]
pub fn control(
    cam: &mut OrbitCam,
    buttons: &ButtonInput<MouseButton>,
    keys: &ButtonInput<KeyCode>,
    motion: &AccumulatedMouseMotion,
    scroll: &AccumulatedMouseScroll,
    dt: f32,
    ui_has_pointer: bool,
    ui_has_keyboard: bool,
) {
    if !ui_has_pointer {
        if buttons.just_pressed(MouseButton::Left) {
            cam.dragged = 0.0;
        }
        if buttons.pressed(MouseButton::Right) {
            cam.yaw -= motion.delta.x * 0.005;
            cam.pitch = (cam.pitch + motion.delta.y * 0.005).clamp(0.15, 1.5);
        }
        if buttons.pressed(MouseButton::Left) || buttons.pressed(MouseButton::Middle) {
            cam.dragged += motion.delta.length();
            if cam.dragged > 4.0 {
                cam.pan(motion.delta);
            }
        }
        let lines = match scroll.unit {
            MouseScrollUnit::Line => scroll.delta.y,
            MouseScrollUnit::Pixel => scroll.delta.y / 40.0,
        };
        if lines != 0.0 {
            cam.distance = (cam.distance * (1.0 - 0.12 * lines)).clamp(10.0, 20_000.0);
        }
    }
    if !ui_has_keyboard {
        let mut d = Vec2::ZERO;
        let step = 600.0 * dt;
        if keys.pressed(KeyCode::KeyW) || keys.pressed(KeyCode::ArrowUp) {
            d.y += step;
        }
        if keys.pressed(KeyCode::KeyS) || keys.pressed(KeyCode::ArrowDown) {
            d.y -= step;
        }
        if keys.pressed(KeyCode::KeyA) || keys.pressed(KeyCode::ArrowLeft) {
            d.x += step;
        }
        if keys.pressed(KeyCode::KeyD) || keys.pressed(KeyCode::ArrowRight) {
            d.x -= step;
        }
        if d != Vec2::ZERO {
            cam.pan(d);
        }
        if keys.pressed(KeyCode::KeyQ) {
            cam.yaw += 1.2 * dt;
        }
        if keys.pressed(KeyCode::KeyE) {
            cam.yaw -= 1.2 * dt;
        }
        if keys.pressed(KeyCode::KeyR) {
            cam.pitch = (cam.pitch + 0.8 * dt).min(1.5);
        }
        if keys.pressed(KeyCode::KeyF) {
            cam.pitch = (cam.pitch - 0.8 * dt).max(0.15);
        }
        if keys.pressed(KeyCode::Equal) || keys.pressed(KeyCode::NumpadAdd) {
            cam.distance = (cam.distance * (1.0 - dt)).max(10.0);
        }
        if keys.pressed(KeyCode::Minus) || keys.pressed(KeyCode::NumpadSubtract) {
            cam.distance = (cam.distance * (1.0 + dt)).min(20_000.0);
        }
    }
}

/// A left click that was not a drag, released this frame.
pub fn clicked(cam: &OrbitCam, buttons: &ButtonInput<MouseButton>) -> bool {
    buttons.just_released(MouseButton::Left) && cam.dragged <= 4.0
}
