//! The minimap: the whole flow in miniature with the viewport as a rectangle; click or drag on
//! it to move the view.
//!
//! All cards of one category are one `<path>`, rebuilt only when the flow changes (not on pan or
//! zoom), so the minimap costs a handful of elements however large the flow is.

use std::collections::BTreeMap;

use flow_model::Category;
use leptos::ev::PointerEvent;
use leptos::prelude::*;

use super::geometry::{Bounds, NODE_HEIGHT, NODE_WIDTH, Point};
use super::store::CanvasStore;

/// Size of the minimap in screen pixels.
pub const WIDTH: f64 = 200.0;
pub const HEIGHT: f64 = 140.0;
/// Width of the view rectangle's outline (the CSS sets the same).
const VIEW_STROKE: f64 = 1.5;
/// Room around the flow inside the minimap, in flow units.
const PAD: f64 = 200.0;

/// How the flow maps into the minimap: flow point `p` is drawn at `(p - origin) * scale`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub origin: Point,
    pub scale: f64,
}

impl Frame {
    /// The frame showing `area` (the flow plus the view), centred.
    pub fn of(area: Bounds) -> Frame {
        let area = area.inflate(PAD);
        let scale = (WIDTH / area.width().max(1.0)).min(HEIGHT / area.height().max(1.0));
        let (w, h) = (area.width() * scale, area.height() * scale);
        Frame {
            origin: Point::new(
                area.min.x - (WIDTH - w) / 2.0 / scale,
                area.min.y - (HEIGHT - h) / 2.0 / scale,
            ),
            scale,
        }
    }

    /// The flow area the minimap shows in this frame.
    pub fn area(self) -> Bounds {
        Bounds {
            min: self.origin,
            max: Point::new(
                self.origin.x + WIDTH / self.scale,
                self.origin.y + HEIGHT / self.scale,
            ),
        }
    }

    pub fn to_map(self, p: Point) -> Point {
        Point::new((p.x - self.origin.x) * self.scale, (p.y - self.origin.y) * self.scale)
    }

    pub fn to_flow(self, p: Point) -> Point {
        Point::new(p.x / self.scale + self.origin.x, p.y / self.scale + self.origin.y)
    }
}

/// Path data for all cards, one path per category.
fn card_paths(store: CanvasStore, frame: Frame) -> Vec<(Category, String)> {
    use std::fmt::Write;
    store.with_scene(|s| {
        let mut paths: BTreeMap<Category, String> = BTreeMap::new();
        let (w, h) = ((NODE_WIDTH * frame.scale).max(1.5), (NODE_HEIGHT * frame.scale).max(1.0));
        for node in &s.flow().nodes {
            let at = frame.to_map(Point::new(node.position.x, node.position.y));
            let d = paths.entry(node.kind.category()).or_default();
            let _ = write!(d, "M{:.1} {:.1}h{w:.1}v{h:.1}h{:.1}z", at.x, at.y, -w);
        }
        paths.into_iter().collect()
    })
}

#[component]
pub fn Minimap(store: CanvasStore) -> impl IntoView {
    // The frame holds the flow and the view. It is chosen again when the flow changes or the
    // view leaves it, not on every frame of a pan (that would redraw every card); so the view
    // rectangle is always whole inside the map.
    let frame = Memo::new(move |previous: Option<&(Frame, u64)>| {
        let revision = store.revision.get();
        store.viewport.track();
        store.size.track();
        let view = store.view_area();
        match previous {
            Some((frame, at)) if *at == revision && frame.area().contains(&view) => (*frame, *at),
            _ => {
                let flow = store.with_scene(|s| s.bounds()).unwrap_or(Bounds {
                    min: Point::new(0.0, 0.0),
                    max: Point::new(1000.0, 600.0),
                });
                (Frame::of(flow.union(view)), revision)
            }
        }
    });
    let frame = Memo::new(move |_| frame.get().0);
    // Rebuilt when the flow changes, never on pan or zoom.
    let paths = Memo::new(move |_| {
        store.revision.track();
        card_paths(store, frame.get())
    });
    let view_rect = move || {
        let f = frame.get();
        store.viewport.track();
        store.size.track();
        let view = store.view_area();
        let (a, b) = (f.to_map(view.min), f.to_map(view.max));
        // Inset by half the stroke, so the whole outline is drawn inside the map.
        let inset = VIEW_STROKE / 2.0;
        let (x, y) = (a.x.max(inset), a.y.max(inset));
        let (right, bottom) = (b.x.min(WIDTH - inset), b.y.min(HEIGHT - inset));
        (x, y, (right - x).max(2.0), (bottom - y).max(2.0))
    };
    let dragging = StoredValue::new(None::<i32>);
    let centre_at = move |ev: &PointerEvent| {
        let Some(target) = ev.current_target() else { return };
        let Ok(el) = leptos::wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(target) else {
            return;
        };
        let rect = el.get_bounding_client_rect();
        let at = Point::new(
            f64::from(ev.client_x()) - rect.left(),
            f64::from(ev.client_y()) - rect.top(),
        );
        store.centre_on(frame.get_untracked().to_flow(at));
    };
    let on_down = move |ev: PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        ev.prevent_default();
        dragging.set_value(Some(ev.pointer_id()));
        if let Some(el) = ev
            .current_target()
            .and_then(|t| leptos::wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
        centre_at(&ev);
    };
    let on_move = move |ev: PointerEvent| {
        if dragging.get_value() == Some(ev.pointer_id()) {
            centre_at(&ev);
        }
    };
    let on_up = move |ev: PointerEvent| {
        if dragging.get_value() == Some(ev.pointer_id()) {
            dragging.set_value(None);
        }
    };
    // The viewport frame is its own layer, placed by a CSS transform: a pan moves it without
    // painting the thousands of cards below again.
    // Rounded and memoised: a pan changes only the position, so the rectangle is not painted
    // again (floating-point noise in a recomputed size would repaint it every frame).
    let frame_size = Memo::new(move |_| {
        let (_, _, w, h) = view_rect();
        ((w * 10.0).round() / 10.0, (h * 10.0).round() / 10.0)
    });
    let frame_transform = move || {
        let (x, y, _, _) = view_rect();
        format!("translate({x}px, {y}px)")
    };
    view! {
        <div
            id="minimap"
            class="minimap"
            role="img"
            aria-label="Minimap: the whole flow and the visible part; click or drag to move the view"
            on:pointerdown=on_down
            on:pointermove=on_move
            on:pointerup=on_up
            on:pointercancel=on_up
        >
            <svg class="minimap-layer" width=WIDTH height=HEIGHT aria-hidden="true">
                {move || {
                    paths
                        .get()
                        .into_iter()
                        .map(|(category, d)| {
                            view! { <path d=d fill=category.colour() class="minimap-cards"></path> }
                        })
                        .collect_view()
                }}
            </svg>
            <svg
                class="minimap-layer minimap-frame"
                width=WIDTH
                height=HEIGHT
                style:transform=frame_transform
                aria-hidden="true"
            >
                <rect
                    class="minimap-view"
                    x="0"
                    y="0"
                    width=move || frame_size.get().0
                    height=move || frame_size.get().1
                ></rect>
            </svg>
        </div>
    }
}
