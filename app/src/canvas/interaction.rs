//! Gestures, as plain state machines fed with screen coordinates: the view forwards pointer and
//! wheel events here and applies what comes back to the store.

use super::actions::End;
use super::connect::{self, PortRef, Refusal};
use super::document::Document;
use super::geometry::Point;

/// A background drag in progress, following one pointer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PanGesture {
    pointer_id: i32,
    last: Point,
}

impl PanGesture {
    pub fn start(pointer_id: i32, at: Point) -> Self {
        Self { pointer_id, last: at }
    }

    /// The screen delta since the previous event of the same pointer; `None` for another one
    /// (a second finger must not yank the plane).
    pub fn drag_to(&mut self, pointer_id: i32, at: Point) -> Option<(f64, f64)> {
        if pointer_id != self.pointer_id {
            return None;
        }
        let delta = (at.x - self.last.x, at.y - self.last.y);
        self.last = at;
        Some(delta)
    }

    pub fn pointer_id(&self) -> i32 {
        self.pointer_id
    }
}

/// `WheelEvent.deltaMode` values.
const DOM_DELTA_LINE: u32 = 1;
const DOM_DELTA_PAGE: u32 = 2;

/// How much one wheel event scales the view. Exponential in the scroll distance, so many small
/// touchpad events and one big mouse notch of the same total distance zoom the same amount.
pub fn wheel_zoom_factor(delta_y: f64, delta_mode: u32) -> f64 {
    let pixels = match delta_mode {
        DOM_DELTA_LINE => delta_y * 16.0,
        DOM_DELTA_PAGE => delta_y * 800.0,
        _ => delta_y,
    };
    // One 100 px notch scales by about 16 %; a single event never more than 2× either way.
    (-pixels * 0.0015).clamp(-0.7, 0.7).exp()
}

/// How far one wheel (or two-finger scroll) event pans the view, in screen pixels: the content
/// moves against the scroll direction, and Shift turns a vertical wheel into a horizontal pan.
pub fn wheel_pan_delta(delta_x: f64, delta_y: f64, delta_mode: u32, shift: bool) -> (f64, f64) {
    let scale = match delta_mode {
        DOM_DELTA_LINE => 16.0,
        DOM_DELTA_PAGE => 800.0,
        _ => 1.0,
    };
    let (x, y) = if shift && delta_x == 0.0 { (delta_y, 0.0) } else { (delta_x, delta_y) };
    (-x * scale, -y * scale)
}

/// The factor of one press of the zoom-in (or, inverted, zoom-out) button.
pub const BUTTON_ZOOM_STEP: f64 = 1.2;

/// A connection being dragged: the end that stays, and which end follows the pointer.
#[derive(Debug, Clone, PartialEq)]
pub struct Connecting {
    /// An output when drawing a new edge or moving an edge's target; an input when moving an
    /// edge's source.
    pub fixed: PortRef,
    pub moving: End,
    /// The edge being reconnected, if any.
    pub replacing: Option<String>,
}

impl Connecting {
    /// The connection a drop on `port` would make, checked.
    pub fn check(&self, doc: &Document, port: &PortRef) -> Result<(), Refusal> {
        match self.moving {
            End::Target => connect::check(doc, &self.fixed, port, self.replacing.as_deref()),
            End::Source => connect::check(doc, port, &self.fixed, self.replacing.as_deref()),
        }
    }

    /// Whether some port of `node` on the moving side would take the connection.
    pub fn accepted_by(&self, doc: &Document, node: &str) -> bool {
        let Some(n) = doc.node(node) else { return false };
        let ports = match self.moving {
            End::Target => &n.inputs,
            End::Source => &n.outputs,
        };
        ports.iter().any(|p| self.check(doc, &PortRef::new(node, p.id.clone())).is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drag_reports_deltas_of_its_own_pointer_only() {
        let mut pan = PanGesture::start(7, Point::new(10.0, 10.0));
        assert_eq!(pan.drag_to(7, Point::new(25.0, 4.0)), Some((15.0, -6.0)));
        assert_eq!(pan.drag_to(8, Point::new(99.0, 99.0)), None);
        assert_eq!(pan.drag_to(7, Point::new(25.0, 10.0)), Some((0.0, 6.0)));
    }

    #[test]
    fn wheel_down_zooms_out_and_up_zooms_in_symmetrically() {
        let out = wheel_zoom_factor(100.0, 0);
        let inn = wheel_zoom_factor(-100.0, 0);
        assert!(out < 1.0 && inn > 1.0);
        assert!((out * inn - 1.0).abs() < 1e-12);
        assert_eq!(wheel_zoom_factor(0.0, 0), 1.0);
    }

    #[test]
    fn scrolling_pans_against_the_scroll_and_shift_scrolls_sideways() {
        assert_eq!(wheel_pan_delta(0.0, 100.0, 0, false), (-0.0, -100.0));
        assert_eq!(wheel_pan_delta(0.0, 3.0, DOM_DELTA_LINE, true), (-48.0, -0.0));
        assert_eq!(wheel_pan_delta(12.0, -4.0, 0, false), (-12.0, 4.0));
    }

    #[test]
    fn line_and_page_deltas_are_converted_to_pixels() {
        assert_eq!(wheel_zoom_factor(1.0, DOM_DELTA_LINE), wheel_zoom_factor(16.0, 0));
        assert_eq!(wheel_zoom_factor(100.0, DOM_DELTA_PAGE), (-0.7f64).exp());
    }
}
