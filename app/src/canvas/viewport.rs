//! The viewport: which part of the flow plane the canvas shows, and at what scale.
//!
//! A flow point `p` appears on screen at `p * zoom + offset`. Every operation keeps that one
//! equation, so zooming "around the cursor" means keeping the flow point under the cursor fixed.

use super::geometry::{Bounds, Point};

/// Smallest and largest scale the canvas allows.
pub const MIN_ZOOM: f64 = 0.1;
pub const MAX_ZOOM: f64 = 4.0;

/// Pan offset (screen pixels) and scale of the flow plane.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub offset: Point,
    pub zoom: f64,
}

impl Default for Viewport {
    fn default() -> Self {
        Self { offset: Point::new(0.0, 0.0), zoom: 1.0 }
    }
}

impl Viewport {
    /// Moves the plane by a screen-space delta.
    pub fn pan_by(&mut self, dx: f64, dy: f64) {
        self.offset.x += dx;
        self.offset.y += dy;
    }

    /// Multiplies the scale by `factor` (clamped), keeping the flow point under `anchor` (a
    /// screen point relative to the canvas) where it is.
    pub fn zoom_at(&mut self, anchor: Point, factor: f64) {
        if !factor.is_finite() || factor <= 0.0 {
            return;
        }
        let under = self.to_flow(anchor);
        self.zoom = (self.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        self.offset = Point::new(anchor.x - under.x * self.zoom, anchor.y - under.y * self.zoom);
    }

    /// Scales and centres so `bounds` fills a `width` × `height` canvas with `margin` pixels
    /// around it; never zooms in past 1:1, so a small flow is not blown up.
    pub fn fit(bounds: Bounds, width: f64, height: f64, margin: f64) -> Self {
        let (bw, bh) = (bounds.width().max(1.0), bounds.height().max(1.0));
        let usable_w = (width - 2.0 * margin).max(1.0);
        let usable_h = (height - 2.0 * margin).max(1.0);
        let zoom = (usable_w / bw).min(usable_h / bh).clamp(MIN_ZOOM, 1.0);
        let centre = bounds.centre();
        Self {
            offset: Point::new(width / 2.0 - centre.x * zoom, height / 2.0 - centre.y * zoom),
            zoom,
        }
    }

    /// The flow point shown at a screen point.
    pub fn to_flow(&self, screen: Point) -> Point {
        Point::new((screen.x - self.offset.x) / self.zoom, (screen.y - self.offset.y) / self.zoom)
    }

    /// The screen point where a flow point is shown.
    pub fn to_screen(&self, flow: Point) -> Point {
        Point::new(flow.x * self.zoom + self.offset.x, flow.y * self.zoom + self.offset.y)
    }

    /// The SVG `transform` of the layer holding the flow.
    pub fn transform(&self) -> String {
        format!(
            "translate({} {}) scale({})",
            round(self.offset.x, 2),
            round(self.offset.y, 2),
            round(self.zoom, 4)
        )
    }

    /// The scale as a whole percentage, for display.
    pub fn percent(&self) -> u32 {
        // zoom is clamped to [MIN_ZOOM, MAX_ZOOM], so this never overflows.
        (self.zoom * 100.0).round() as u32
    }
}

/// Rounds for display so attributes stay short and identical on server and client.
fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    let rounded = (value * scale).round() / scale;
    if rounded == 0.0 { 0.0 } else { rounded }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Point, b: Point) -> bool {
        (a.x - b.x).abs() < 1e-9 && (a.y - b.y).abs() < 1e-9
    }

    #[test]
    fn pan_moves_the_offset_only() {
        let mut vp = Viewport::default();
        vp.pan_by(30.0, -12.5);
        assert_eq!(vp.offset, Point::new(30.0, -12.5));
        assert_eq!(vp.zoom, 1.0);
        assert_eq!(vp.transform(), "translate(30 -12.5) scale(1)");
    }

    #[test]
    fn zoom_keeps_the_point_under_the_cursor_fixed() {
        let mut vp = Viewport { offset: Point::new(40.0, 25.0), zoom: 0.8 };
        let cursor = Point::new(310.0, 190.0);
        let before = vp.to_flow(cursor);
        vp.zoom_at(cursor, 1.5);
        assert!((vp.zoom - 1.2).abs() < 1e-12);
        assert!(close(vp.to_flow(cursor), before));
        assert!(close(vp.to_screen(before), cursor));
    }

    #[test]
    fn zoom_is_clamped_and_ignores_nonsense_factors() {
        let mut vp = Viewport::default();
        vp.zoom_at(Point::new(0.0, 0.0), 1000.0);
        assert_eq!(vp.zoom, MAX_ZOOM);
        vp.zoom_at(Point::new(0.0, 0.0), 1e-9);
        assert_eq!(vp.zoom, MIN_ZOOM);
        let snapshot = vp;
        vp.zoom_at(Point::new(5.0, 5.0), f64::NAN);
        vp.zoom_at(Point::new(5.0, 5.0), -2.0);
        assert_eq!(vp, snapshot);
    }

    #[test]
    fn fit_centres_the_bounds_and_never_magnifies() {
        let bounds = Bounds { min: Point::new(100.0, 100.0), max: Point::new(300.0, 200.0) };
        let vp = Viewport::fit(bounds, 1000.0, 800.0, 40.0);
        assert_eq!(vp.zoom, 1.0);
        assert!(close(vp.to_screen(bounds.centre()), Point::new(500.0, 400.0)));

        let wide = Bounds { min: Point::new(0.0, 0.0), max: Point::new(4000.0, 500.0) };
        let vp = Viewport::fit(wide, 1000.0, 800.0, 50.0);
        assert!((vp.zoom - 900.0 / 4000.0).abs() < 1e-12);
        assert!(close(vp.to_screen(wide.centre()), Point::new(500.0, 400.0)));
    }

    #[test]
    fn percent_rounds() {
        let vp = Viewport { offset: Point::new(0.0, 0.0), zoom: 1.2345 };
        assert_eq!(vp.percent(), 123);
    }
}
