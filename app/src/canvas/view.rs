//! The canvas: grid, the visible edges and node cards in layers, and the handlers on the canvas
//! element: pointer gestures ([`super::gesture`]), the wheel, double clicks and palette drops.

use flow_model::NodeKind;
use leptos::ev::{DragEvent, WheelEvent};
use leptos::prelude::*;

use super::actions::sorted;
use super::cards::{EdgeHandles, EdgeView, NodeView};
use super::geometry::{Bounds, Point};
use super::gesture::Pointer;
use super::interaction::{Connecting, wheel_pan_delta, wheel_zoom_factor};
use super::store::{CanvasStore, DETAIL_ZOOM, Visible};
use super::viewport::Viewport;

/// Grid spacing in flow units.
const GRID: f64 = 24.0;
/// How long the wheel must rest before a zoomed scene is drawn again at its new scale.
const ZOOM_SETTLE_MS: f64 = 150.0;
/// The drag-and-drop type the palette puts a node kind under.
pub const KIND_MIME: &str = "application/x-scaiflow-kind";

/// `area` grown outwards to whole grid cells, so the dots stay put when it is redrawn.
fn snap_to_grid(area: Bounds) -> Bounds {
    Bounds {
        min: Point::new((area.min.x / GRID).floor() * GRID, (area.min.y / GRID).floor() * GRID),
        max: Point::new((area.max.x / GRID).ceil() * GRID, (area.max.y / GRID).ceil() * GRID),
    }
}

/// Milliseconds on the page's clock.
fn now() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

/// The interactive flow canvas.
#[component]
pub fn Canvas(store: CanvasStore) -> impl IntoView {
    let pointer = Pointer::new(store);
    let Pointer { panning, band, wire, connecting, .. } = pointer;
    let last_wheel_zoom = StoredValue::new(f64::NEG_INFINITY);
    let committed = committed_viewport(store, last_wheel_zoom);
    let scene_transform = move || committed.with(|vp| vp.transform());
    let layer_transform = move || {
        let (live, base) = (store.viewport.get(), committed.get());
        let r = live.zoom / base.zoom;
        let (x, y) = (live.offset.x - r * base.offset.x, live.offset.y - r * base.offset.y);
        // A plain translation when only panning: the browser moves such a layer without
        // repainting or re-layering anything.
        if r == 1.0 {
            format!("translate({x}px, {y}px)")
        } else {
            format!("translate({x}px, {y}px) scale({r})")
        }
    };
    let live_transform = move || store.viewport.with(|vp| vp.transform());
    // The dot grid is part of the scene, so it moves and scales with it for free. It covers
    // the view and two screens around it, and is drawn again only when the view leaves that
    // (or the drawn scale changes), not on every frame of a pan.
    let grid_area = Memo::new(move |previous: Option<&Bounds>| {
        let drawn_at = committed.with(|vp| vp.zoom);
        store.viewport.track();
        store.size.track();
        let view = store.view_area();
        let (w, h) = store.size.get_untracked();
        let screen = w.max(h) / drawn_at;
        match previous {
            Some(area)
                if area.contains(&view.inflate(screen / 2.0)) && area.width() <= 6.0 * screen =>
            {
                *area
            }
            _ => snap_to_grid(view.inflate(2.0 * screen)),
        }
    });
    // Level of detail follows the drawn scale, so it never changes in the middle of a zoom.
    let detail = Memo::new(move |_| committed.with(|vp| vp.zoom >= DETAIL_ZOOM));

    // Registered in the capture phase, which Leptos attaches to the element itself rather than
    // delegating to the document, where browsers make wheel listeners passive and ignore
    // preventDefault (the page would scroll instead of the canvas).
    let on_wheel = move |ev: WheelEvent| {
        ev.prevent_default();
        if ev.ctrl_key() || ev.meta_key() {
            // Ctrl+wheel, and pinch on a touchpad (which browsers report with ctrlKey).
            let anchor = store.to_canvas(f64::from(ev.client_x()), f64::from(ev.client_y()));
            last_wheel_zoom.set_value(now());
            store.zoom_at(anchor, wheel_zoom_factor(ev.delta_y(), ev.delta_mode()));
        } else {
            let (dx, dy) =
                wheel_pan_delta(ev.delta_x(), ev.delta_y(), ev.delta_mode(), ev.shift_key());
            store.pan_by(dx, dy);
        }
    };

    let band_view = move || {
        band.get().map(|b| {
            view! {
                <rect class="select-band" x=b.min.x y=b.min.y width=b.width() height=b.height()></rect>
            }
        })
    };
    let wire_view = move || {
        wire.get().map(|(from, to)| {
            let shape = super::geometry::curve(from, to);
            view! { <path class="wire" d=shape.path></path> }
        })
    };

    // Three layers: the grid; the scene; and above it what moves under the pointer (dragged
    // cards with their edges, edge end handles, the wire and the selection band), so that a
    // gesture repaints only that small layer.
    view! {
        <div
            id="flow-canvas"
            class="canvas"
            class:panning=panning
            class:connecting=move || connecting.with(Option::is_some)
            class:far=move || !detail.get()
            data-view=live_transform
            node_ref=store.element
            tabindex="-1"
            role="application"
            aria-label="Flow canvas"
            aria-roledescription="flow editor"
            on:pointerdown=move |ev| pointer.press(ev)
            on:pointermove=move |ev| pointer.drag(ev)
            on:pointerup=move |ev| pointer.finish(&ev, false)
            on:pointercancel=move |ev| pointer.finish(&ev, true)
            on:pointerleave=move |_| store.pointer.set_value(None)
            on:keydown=move |ev| pointer.key(ev)
            on:dblclick=move |ev| pointer.double_click(ev)
            on:dragover=accept_kind
            on:drop=move |ev| drop_kind(store, ev)
            on:wheel:capture=on_wheel
        >
            <svg class="canvas-layer scene" style:transform=layer_transform>
                <defs>
                    <pattern id="canvas-grid" width=GRID height=GRID patternUnits="userSpaceOnUse">
                        <circle cx="1" cy="1" r="1" class="grid-dot"></circle>
                    </pattern>
                    <marker
                        id="edge-arrow"
                        viewBox="0 0 10 10"
                        refX="9"
                        refY="5"
                        markerWidth="8"
                        markerHeight="8"
                        orient="auto-start-reverse"
                    >
                        <path d="M 0 0 L 10 5 L 0 10 z" class="edge-arrow"></path>
                    </marker>
                </defs>
                <g class="viewport" transform=scene_transform>
                    <rect
                        class="canvas-bg canvas-grid"
                        x=move || grid_area.get().min.x
                        y=move || grid_area.get().min.y
                        width=move || grid_area.get().width()
                        height=move || grid_area.get().height()
                        fill="url(#canvas-grid)"
                    ></rect>
                    <Items store items=store.visible detail connecting/>
                </g>
            </svg>
            <svg class="canvas-layer scene overlay" style:transform=layer_transform>
                <g class="viewport" transform=scene_transform>
                    <Items store items=store.lifted detail connecting/>
                    <g class="edge-ends">
                        <For
                            each=move || store.selection.with(|s| sorted(&s.edges))
                            key=|id| id.clone()
                            children=move |id| view! { <EdgeHandles store id/> }
                        />
                    </g>
                    {wire_view}
                    {band_view}
                </g>
            </svg>
        </div>
    }
}

/// The viewport the scene is drawn at. The scene is its own compositing layer, drawn at this
/// committed viewport; the layer's CSS transform carries the rest of the way to the live one. A
/// pan only moves the layer (the compositor's work: nothing is painted again), and a wheel zoom
/// scales it until the wheel rests (`last_wheel_zoom` is when it last turned), when the scene is
/// drawn again, sharp, at the new scale.
fn committed_viewport(store: CanvasStore, last_wheel_zoom: StoredValue<f64>) -> RwSignal<Viewport> {
    let committed = RwSignal::new(store.viewport.get_untracked());
    let settle = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |_| {
        let live = store.viewport.get();
        if live.zoom == committed.get_untracked().zoom {
            return; // a pan: the layer's transform covers it
        }
        if let Some(pending) = settle.get_value() {
            pending.clear();
        }
        if now() - last_wheel_zoom.get_value() > ZOOM_SETTLE_MS {
            committed.set(live); // a single step (button, key, fit): draw it sharp at once
        } else {
            let handle = set_timeout_with_handle(
                move || committed.set(store.viewport.get_untracked()),
                std::time::Duration::from_millis(ZOOM_SETTLE_MS as u64),
            );
            settle.set_value(handle.ok());
        }
    });
    on_cleanup(move || {
        if let Some(pending) = settle.get_value() {
            pending.clear();
        }
    });
    committed
}

/// Lets a palette item be dropped on the canvas.
fn accept_kind(ev: DragEvent) {
    let ours = ev.data_transfer().is_some_and(|dt| dt.types().includes(&KIND_MIME.into(), 0));
    if ours {
        ev.prevent_default();
    }
}

/// A palette item dropped on the canvas: a new node of its kind where it fell.
fn drop_kind(store: CanvasStore, ev: DragEvent) {
    let Some(kind) = ev
        .data_transfer()
        .and_then(|dt| dt.get_data(KIND_MIME).ok())
        .and_then(|k| NodeKind::from_wire(&k))
    else {
        return;
    };
    ev.prevent_default();
    let at = store.to_flow(f64::from(ev.client_x()), f64::from(ev.client_y()));
    // The pointer holds the card by the middle of its left part.
    store.add_node_at(kind, Point::new(at.x - 40.0, at.y - 36.0));
}

/// The edges, then the node cards, of one layer.
#[component]
fn Items(
    store: CanvasStore,
    items: RwSignal<Visible>,
    detail: Memo<bool>,
    connecting: RwSignal<Option<Connecting>>,
) -> impl IntoView {
    view! {
        <g class="edges">
            <For
                each=move || items.with(|v| v.edges.clone())
                key=|id| id.clone()
                children=move |id| view! { <EdgeView store id detail/> }
            />
        </g>
        <g class="nodes">
            <For
                each=move || items.with(|v| v.nodes.clone())
                key=|id| id.clone()
                children=move |id| {
                    store
                        .node_cell(&id)
                        .map(|cell| view! { <NodeView store id cell detail connecting/> })
                }
            />
        </g>
    }
}
