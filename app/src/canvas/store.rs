//! The canvas store: the flow being shown, the viewport and the selection, as signals.
//!
//! Every change goes through a method here, so the view never edits state ad hoc; the flow
//! editing commands (and with them undo/redo and collaboration) grow from this type.

use flow_model::FlowGraph;
use leptos::prelude::*;

use super::geometry::{Bounds, Point};
use super::viewport::Viewport;

/// Free space left around the flow by "fit to view".
const FIT_MARGIN: f64 = 48.0;

/// Shared, cheaply copyable handle to the canvas state.
#[derive(Debug, Clone, Copy)]
pub struct CanvasStore {
    pub flow: RwSignal<FlowGraph>,
    pub viewport: RwSignal<Viewport>,
    pub selected: RwSignal<Option<String>>,
    /// The `<svg>` element, for measuring it (only set in the browser).
    pub svg: NodeRef<leptos::svg::Svg>,
}

impl CanvasStore {
    pub fn new(flow: FlowGraph) -> Self {
        Self {
            flow: RwSignal::new(flow),
            viewport: RwSignal::new(Viewport::default()),
            selected: RwSignal::new(None),
            svg: NodeRef::new(),
        }
    }

    pub fn pan_by(&self, dx: f64, dy: f64) {
        if dx != 0.0 || dy != 0.0 {
            self.viewport.update(|vp| vp.pan_by(dx, dy));
        }
    }

    /// Zooms by `factor` around `anchor` (screen point relative to the canvas).
    pub fn zoom_at(&self, anchor: Point, factor: f64) {
        self.viewport.update(|vp| vp.zoom_at(anchor, factor));
    }

    /// Zooms by `factor` around the middle of the canvas.
    pub fn zoom_centre(&self, factor: f64) {
        let (w, h) = self.canvas_size();
        self.zoom_at(Point::new(w / 2.0, h / 2.0), factor);
    }

    /// Shows the whole flow, centred; keeps the viewport when the flow is empty.
    pub fn fit_to_view(&self) {
        let (w, h) = self.canvas_size();
        if let Some(bounds) = self.flow.with_untracked(Bounds::of_nodes) {
            self.viewport.set(Viewport::fit(bounds, w, h, FIT_MARGIN));
        }
    }

    pub fn select(&self, node_id: Option<String>) {
        if self.selected.get_untracked() != node_id {
            self.selected.set(node_id);
        }
    }

    /// Converts client (window) coordinates to canvas coordinates.
    pub fn to_canvas(&self, client_x: f64, client_y: f64) -> Point {
        match self.svg.get_untracked() {
            Some(svg) => {
                let rect = svg.get_bounding_client_rect();
                Point::new(client_x - rect.left(), client_y - rect.top())
            }
            None => Point::new(client_x, client_y),
        }
    }

    /// Width and height of the canvas element; a nominal size before it is in the page.
    fn canvas_size(&self) -> (f64, f64) {
        match self.svg.get_untracked() {
            Some(svg) => {
                let rect = svg.get_bounding_client_rect();
                (rect.width(), rect.height())
            }
            None => (1280.0, 720.0),
        }
    }
}
