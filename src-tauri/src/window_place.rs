//! The main window opens where it was closed: its size and position are restored from the
//! settings at start and recorded (written a moment after a drag or resize settles) as they
//! change.

use crate::settings::{Prefs, WindowPlace};
use std::sync::Arc;
use tauri::{PhysicalPosition, PhysicalSize, Window, WindowEvent};

/// Puts the main window at `place`.
pub fn restore(window: &tauri::WebviewWindow, place: WindowPlace) {
    let _ = window.set_size(PhysicalSize::new(place.width, place.height));
    let _ = window.set_position(PhysicalPosition::new(place.x, place.y));
}

/// Records the window's place when it is moved or resized (not while minimised or maximised:
/// those are not a size to come back to).
pub fn track(prefs: &Arc<Prefs>, window: &Window, event: &WindowEvent) {
    if !matches!(event, WindowEvent::Moved(_) | WindowEvent::Resized(_)) {
        return;
    }
    if window.is_minimized().unwrap_or(false) || window.is_maximized().unwrap_or(false) {
        return;
    }
    let (Ok(position), Ok(size)) = (window.outer_position(), window.inner_size()) else {
        return;
    };
    let place = WindowPlace {
        x: position.x,
        y: position.y,
        width: size.width,
        height: size.height,
    };
    if place.width == 0 || place.height == 0 {
        return;
    }
    prefs.update_soon(|s| s.window = Some(place));
}
