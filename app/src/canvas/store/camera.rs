//! The store's viewport: which nodes are in the DOM, panning and zooming, fitting and
//! revealing, the canvas's measured size and screen-to-flow coordinates.

use std::collections::HashSet;

use leptos::prelude::*;

use super::{CanvasStore, FIT_MARGIN, Visible};
use crate::canvas::geometry::{Bounds, Point};
use crate::canvas::scene::Scene;
use crate::canvas::viewport::Viewport;

impl CanvasStore {
    /// The flow area the canvas shows.
    pub fn view_area(&self) -> Bounds {
        let (w, h) = self.size.get_untracked();
        let vp = self.viewport.get_untracked();
        Bounds::spanning(vp.to_flow(Point::new(0.0, 0.0)), vp.to_flow(Point::new(w, h)))
    }

    /// Looks the visible set up again when the view left the area last queried, the scale
    /// shrank a lot, or `force` (the flow changed).
    pub fn refresh_visible(&self, force: bool) {
        let view = self.view_area();
        let zoom = self.viewport.get_untracked().zoom;
        let stale = self.queried.with_value(|q| match q {
            Some((area, at_zoom)) => !area.contains(&view) || zoom > at_zoom * 4.0,
            None => true,
        });
        if !(force || stale) {
            return;
        }
        // Query half a screen beyond each edge, so small pans need no new lookup.
        let margin = view.width().max(view.height()) / 2.0;
        let area = view.inflate(margin);
        self.queried.set_value(Some((area, zoom)));
        let (mut nodes, mut edges) = self.scene.with_value(|s| s.visible(&area));
        let pinned = self.pinned.get_untracked();
        let mut lifted = Visible::default();
        if !pinned.is_empty() {
            let lifted_nodes: HashSet<&String> = pinned.iter().collect();
            nodes.retain(|id| !lifted_nodes.contains(id));
            let touching: Vec<String> = self.scene.with_value(|s| {
                let mut seen = HashSet::new();
                pinned
                    .iter()
                    .flat_map(|id| s.doc().edges_of(id).map(|e| e.id.clone()).collect::<Vec<_>>())
                    .filter(|id| seen.insert(id.clone()))
                    .collect()
            });
            let lifted_edges: HashSet<&String> = touching.iter().collect();
            edges.retain(|id| !lifted_edges.contains(id));
            lifted = Visible { nodes: pinned, edges: touching };
        }
        let next = Visible { nodes, edges };
        if self.visible.with_untracked(|v| *v != next) {
            self.visible.set(next);
        }
        if self.lifted.with_untracked(|v| *v != lifted) {
            self.lifted.set(lifted);
        }
    }

    /// Lifts `ids` (and their edges) into the drag layer, whatever the viewport, until unpinned.
    pub fn pin(&self, ids: Vec<String>) {
        self.pinned.set(ids);
        self.refresh_visible(true);
    }

    pub fn pan_by(&self, dx: f64, dy: f64) {
        if dx != 0.0 || dy != 0.0 {
            self.viewport.update(|vp| vp.pan_by(dx, dy));
            self.refresh_visible(false);
        }
    }

    /// Zooms by `factor` around `anchor` (screen point relative to the canvas).
    pub fn zoom_at(&self, anchor: Point, factor: f64) {
        self.viewport.update(|vp| vp.zoom_at(anchor, factor));
        self.refresh_visible(false);
    }

    /// Zooms by `factor` around the middle of the canvas.
    pub fn zoom_centre(&self, factor: f64) {
        let (w, h) = self.size.get_untracked();
        self.zoom_at(Point::new(w / 2.0, h / 2.0), factor);
    }

    pub fn set_viewport(&self, viewport: Viewport) {
        self.viewport.set(viewport);
        self.refresh_visible(false);
    }

    /// Shows the whole flow, centred; keeps the viewport when the flow is empty.
    pub fn fit_to_view(&self) {
        if let Some(bounds) = self.scene.with_value(Scene::bounds) {
            self.fit(bounds);
        }
    }

    /// Shows the selected nodes; the whole flow when nothing is selected.
    pub fn zoom_to_selection(&self) {
        let bounds = self
            .selection
            .with_untracked(|sel| self.scene.with_value(|s| s.bounds_of(sel.nodes.iter())));
        match bounds {
            Some(bounds) => self.fit(bounds),
            None => self.fit_to_view(),
        }
    }

    fn fit(&self, bounds: Bounds) {
        let (w, h) = self.size.get_untracked();
        self.set_viewport(Viewport::fit(bounds, w, h, FIT_MARGIN));
    }

    /// Moves the view so `flow_point` is in the middle, keeping the scale.
    pub fn centre_on(&self, flow_point: Point) {
        let (w, h) = self.size.get_untracked();
        let mut vp = self.viewport.get_untracked();
        vp.offset = Point::new(w / 2.0 - flow_point.x * vp.zoom, h / 2.0 - flow_point.y * vp.zoom);
        self.set_viewport(vp);
    }

    /// Scrolls just enough to bring a node fully into view (keyboard focus moving off-screen).
    pub fn reveal(&self, id: &str) {
        let Some(card) = self.scene.with_value(|s| s.node(id).map(crate::canvas::geometry::card))
        else {
            return;
        };
        let view = self.view_area().inflate(-24.0 / self.viewport.get_untracked().zoom);
        if view.contains(&card) {
            return;
        }
        self.centre_on(card.centre());
    }

    /// The centre of the view, in flow units (where keyboard-created nodes go).
    pub fn view_centre(&self) -> Point {
        self.view_area().centre()
    }

    /// Measures the canvas element (on mount and on window resize).
    pub fn measure(&self) {
        if let Some(el) = self.element.get_untracked() {
            let rect = el.get_bounding_client_rect();
            let size = (rect.width().max(1.0), rect.height().max(1.0));
            if self.size.get_untracked() != size {
                self.size.set(size);
                self.refresh_visible(false);
            }
        }
    }

    /// Measures the canvas again after it was resized (a side pane opened or closed, the window
    /// changed), keeping the flow point in the middle of the view where it was; and when the
    /// whole flow was in view, keeping it in view (zooming out if the canvas got too small).
    pub fn remeasure(&self) {
        let centre = self.view_centre();
        let before = self.size.get_untracked();
        let flow = self.scene.with_value(Scene::bounds);
        let whole_flow_shown = flow.is_some_and(|b| self.view_area().contains(&b));
        self.measure();
        if self.size.get_untracked() == before {
            return;
        }
        self.centre_on(centre);
        if let Some(bounds) = flow.filter(|_| whole_flow_shown)
            && !self.view_area().contains(&bounds)
        {
            self.fit(bounds);
        }
    }

    /// Converts client (window) coordinates to canvas coordinates.
    pub fn to_canvas(&self, client_x: f64, client_y: f64) -> Point {
        match self.element.get_untracked() {
            Some(el) => {
                let rect = el.get_bounding_client_rect();
                Point::new(client_x - rect.left(), client_y - rect.top())
            }
            None => Point::new(client_x, client_y),
        }
    }

    /// Converts client coordinates to flow coordinates.
    pub fn to_flow(&self, client_x: f64, client_y: f64) -> Point {
        self.viewport.get_untracked().to_flow(self.to_canvas(client_x, client_y))
    }
}
