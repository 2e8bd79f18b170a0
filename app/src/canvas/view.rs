//! The canvas: grid, the visible edges and node cards in layers, and every pointer gesture on
//! them.
//!
//! One set of pointer handlers on the canvas element turns gestures into store calls, finding
//! what was hit by `data-*` attributes: a background drag pans (with Shift: box select), a card
//! drag moves the selection (snapped to the grid; Alt drags freely), a drag from an output port
//! draws a new edge, and a drag from a selected edge's end handle reconnects it.

use flow_model::{NodeKind, Position};
use leptos::ev::{DragEvent, MouseEvent, PointerEvent, WheelEvent};
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

use super::actions::{End, drag_positions, sorted};
use super::cards::{EdgeHandles, EdgeView, NodeView, default_input, default_output};
use super::connect::{PortRef, Refusal};
use super::geometry::{Bounds, Point};
use super::interaction::{Connecting, PanGesture, wheel_pan_delta, wheel_zoom_factor};
use super::store::{CanvasStore, DETAIL_ZOOM, Selection, Visible};

/// Grid spacing in flow units.
const GRID: f64 = 24.0;
/// How long the wheel must rest before a zoomed scene is drawn again at its new scale.
const ZOOM_SETTLE_MS: f64 = 150.0;
/// How far (screen pixels) a pointer must travel before a press on a card becomes a drag.
const DRAG_THRESHOLD: f64 = 3.0;
/// The drag-and-drop type the palette puts a node kind under.
pub const KIND_MIME: &str = "application/x-scaiflow-kind";

/// A gesture in progress, following one pointer.
#[derive(Debug, Clone)]
enum Gesture {
    Pan(PanGesture),
    /// Shift-drag on the background: select what the band touches, added to `base`.
    Band {
        pointer: i32,
        origin: Point,
        base: Selection,
    },
    /// Dragging cards: where each started, and whether the pointer went past the threshold.
    Move {
        pointer: i32,
        start: Point,
        origin: Vec<(String, Position)>,
        moved: bool,
        /// A plain click on an already selected card narrows the selection to it on release.
        narrow_to: Option<String>,
    },
    /// Dragging a new edge or an edge's end; `anchor` is the fixed end's point.
    Wire {
        pointer: i32,
        connecting: Connecting,
        anchor: Point,
    },
}

impl Gesture {
    fn pointer(&self) -> i32 {
        match self {
            Gesture::Pan(pan) => pan.pointer_id(),
            Gesture::Band { pointer, .. }
            | Gesture::Move { pointer, .. }
            | Gesture::Wire { pointer, .. } => *pointer,
        }
    }
}

fn element(target: Option<web_sys::EventTarget>) -> Option<web_sys::Element> {
    target?.dyn_into::<web_sys::Element>().ok()
}

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

fn closest(el: &web_sys::Element, selector: &str) -> Option<web_sys::Element> {
    el.closest(selector).ok().flatten()
}

/// The element under a client point (with the pointer captured, events all target the canvas element).
fn element_at(x: f64, y: f64) -> Option<web_sys::Element> {
    document().element_from_point(x as f32, y as f32)
}

/// The node id and port of a port element.
fn port_of(el: &web_sys::Element) -> Option<(PortRef, String)> {
    let port = closest(el, "[data-port-id]")?;
    let node = closest(&port, "[data-node-id]")?.get_attribute("data-node-id")?;
    let side = port.get_attribute("data-port-side")?;
    Some((PortRef::new(node, port.get_attribute("data-port-id")?), side))
}

fn client(ev: &MouseEvent) -> Point {
    Point::new(f64::from(ev.client_x()), f64::from(ev.client_y()))
}

/// The interactive flow canvas.
#[component]
pub fn Canvas(store: CanvasStore) -> impl IntoView {
    let gesture = StoredValue::new(None::<Gesture>);
    let panning = RwSignal::new(false);
    let band = RwSignal::new(None::<Bounds>);
    let wire = RwSignal::new(None::<(Point, Point)>);
    let connecting = RwSignal::new(None::<Connecting>);
    // The scene is its own compositing layer, drawn at the `committed` viewport; the layer's
    // CSS transform carries the rest of the way to the live one. A pan only moves the layer
    // (the compositor's work: nothing is painted again), and a wheel zoom scales it until the
    // wheel rests, when the scene is drawn again, sharp, at the new scale.
    let committed = RwSignal::new(store.viewport.get_untracked());
    let last_wheel_zoom = StoredValue::new(f64::NEG_INFINITY);
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

    let capture = move |ev: &PointerEvent| {
        if let Some(el) = store.element.get_untracked() {
            // Keep receiving moves when the pointer leaves the canvas mid-drag.
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
    };

    let on_pointer_down = move |ev: PointerEvent| {
        let button = ev.button();
        if (button != 0 && button != 1) || gesture.with_value(Option::is_some) {
            return;
        }
        let at = client(&ev);
        let pointer = ev.pointer_id();
        let Some(target) = element(ev.target()) else { return };
        let extend = ev.shift_key() || ev.ctrl_key() || ev.meta_key();
        if button == 1 {
            gesture.set_value(Some(Gesture::Pan(PanGesture::start(pointer, at))));
            panning.set(true);
        } else if let Some(end) = closest(&target, "[data-edge-end]") {
            // Reconnecting: the other end stays.
            let Some(edge_id) =
                closest(&end, "[data-edge-id]").and_then(|e| e.get_attribute("data-edge-id"))
            else {
                return;
            };
            let Some(edge) = store.with_scene(|s| s.doc().edge(&edge_id).cloned()) else { return };
            let moving = match end.get_attribute("data-edge-end").as_deref() {
                Some("source") => End::Source,
                _ => End::Target,
            };
            let fixed = match moving {
                End::Source => PortRef::new(edge.target.node.clone(), edge.target.port.clone()),
                End::Target => PortRef::new(edge.source.node.clone(), edge.source.port.clone()),
            };
            let anchor = port_point(store, &fixed, moving);
            let connecting_now = Connecting { fixed, moving, replacing: Some(edge_id) };
            connecting.set(Some(connecting_now.clone()));
            wire.set(Some(ordered(anchor, store.to_flow(at.x, at.y), moving)));
            gesture.set_value(Some(Gesture::Wire { pointer, connecting: connecting_now, anchor }));
        } else if let Some((port, side)) = port_of(&target).filter(|(_, side)| side == "out") {
            let _ = side;
            let anchor = port_point(store, &port, End::Target);
            let connecting_now = Connecting { fixed: port, moving: End::Target, replacing: None };
            connecting.set(Some(connecting_now.clone()));
            wire.set(Some((anchor, store.to_flow(at.x, at.y))));
            gesture.set_value(Some(Gesture::Wire { pointer, connecting: connecting_now, anchor }));
        } else if let Some(node) =
            closest(&target, "[data-node-id]").and_then(|n| n.get_attribute("data-node-id"))
        {
            let was_selected = store.selection.with_untracked(|s| s.nodes.contains(&node));
            let mut narrow_to = None;
            if extend {
                store.toggle_selected(&node);
                if was_selected {
                    return; // toggled off: nothing to drag
                }
            } else if !was_selected {
                store.select(Selection::nodes([node.clone()]));
            } else {
                narrow_to = Some(node.clone());
            }
            // The pressed card leads, so it is the one that lands on the grid.
            let mut ids = store.selection.with_untracked(|s| sorted(&s.nodes));
            ids.retain(|id| *id != node);
            ids.insert(0, node);
            let origin = store.with_scene(|s| {
                ids.iter().filter_map(|id| Some((id.clone(), s.node(id)?.position))).collect()
            });
            gesture.set_value(Some(Gesture::Move {
                pointer,
                start: at,
                origin,
                moved: false,
                narrow_to,
            }));
        } else if let Some(edge) =
            closest(&target, "[data-edge-id]").and_then(|e| e.get_attribute("data-edge-id"))
        {
            store.select_edge(&edge, extend);
            return;
        } else if ev.shift_key() {
            let origin = store.to_flow(at.x, at.y);
            band.set(Some(Bounds::spanning(origin, origin)));
            let base = store.selection.get_untracked();
            gesture.set_value(Some(Gesture::Band { pointer, origin, base }));
        } else {
            store.select(Selection::default());
            gesture.set_value(Some(Gesture::Pan(PanGesture::start(pointer, at))));
            panning.set(true);
        }
        capture(&ev);
        ev.prevent_default();
        // Keep keyboard focus on the canvas so shortcuts apply to it.
        if let Some(el) = store.element.get_untracked() {
            let _ = el.focus();
        }
    };

    let on_pointer_move = move |ev: PointerEvent| {
        if ev.pointer_type() == "mouse" {
            // Client coordinates: converting here would measure the canvas on every move.
            store.pointer.set_value(Some(client(&ev)));
        }
        let Some(current) = gesture.get_value() else { return };
        if current.pointer() != ev.pointer_id() {
            return;
        }
        let at = client(&ev);
        match current {
            Gesture::Pan(_) => {
                let delta = gesture
                    .try_update_value(|g| match g {
                        Some(Gesture::Pan(pan)) => pan.drag_to(ev.pointer_id(), at),
                        _ => None,
                    })
                    .flatten();
                if let Some((dx, dy)) = delta {
                    store.pan_by(dx, dy);
                }
            }
            Gesture::Band { origin, base, .. } => {
                let area = Bounds::spanning(origin, store.to_flow(at.x, at.y));
                band.set(Some(area));
                store.select_area(&area, &base);
            }
            Gesture::Move { start, origin, moved, pointer, narrow_to } => {
                let (dx, dy) = (at.x - start.x, at.y - start.y);
                if !moved && dx.hypot(dy) < DRAG_THRESHOLD {
                    return;
                }
                if !moved {
                    store.pin(origin.iter().map(|(id, _)| id.clone()).collect());
                    gesture.set_value(Some(Gesture::Move {
                        pointer,
                        start,
                        origin: origin.clone(),
                        moved: true,
                        narrow_to,
                    }));
                }
                let zoom = store.viewport.get_untracked().zoom;
                store.preview_positions(&drag_positions(
                    &origin,
                    dx / zoom,
                    dy / zoom,
                    ev.alt_key(),
                ));
            }
            Gesture::Wire { anchor, connecting: c, .. } => {
                let to = store.to_flow(at.x, at.y);
                wire.set(Some(ordered(anchor, to, c.moving)));
            }
        }
    };

    let finish = move |ev: &PointerEvent, cancelled: bool| {
        let Some(current) = gesture.get_value() else { return };
        if current.pointer() != ev.pointer_id() {
            return;
        }
        gesture.set_value(None);
        let at = client(ev);
        match current {
            Gesture::Pan(_) => panning.set(false),
            Gesture::Band { .. } => band.set(None),
            Gesture::Move { origin, moved, narrow_to, start, .. } => {
                if moved {
                    let ids: Vec<String> = origin.iter().map(|(id, _)| id.clone()).collect();
                    if cancelled {
                        store.cancel_preview(&ids);
                    } else {
                        let zoom = store.viewport.get_untracked().zoom;
                        let (dx, dy) = ((at.x - start.x) / zoom, (at.y - start.y) / zoom);
                        store.move_nodes(drag_positions(&origin, dx, dy, ev.alt_key()));
                    }
                    store.pin(Vec::new());
                } else if let Some(id) = narrow_to {
                    store.select(Selection::nodes([id]));
                }
            }
            Gesture::Wire { connecting: c, .. } => {
                wire.set(None);
                connecting.set(None);
                if !cancelled {
                    drop_wire(store, &c, at);
                }
            }
        }
    };
    let on_pointer_up = move |ev: PointerEvent| finish(&ev, false);
    let on_pointer_cancel = move |ev: PointerEvent| finish(&ev, true);

    // Escape abandons a gesture in progress.
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape"
            && let Some(current) = gesture.get_value()
        {
            gesture.set_value(None);
            panning.set(false);
            band.set(None);
            wire.set(None);
            connecting.set(None);
            if let Gesture::Move { origin, moved: true, .. } = current {
                store.cancel_preview(&origin.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>());
                store.pin(Vec::new());
            }
            ev.stop_propagation();
        }
    };

    let on_dblclick = move |ev: MouseEvent| {
        // Not the event's target: after a press on a card captured the pointer, clicks are
        // aimed at the canvas itself.
        let at = client(&ev);
        let Some(target) = element_at(at.x, at.y) else { return };
        if let Some(edge) =
            closest(&target, "[data-edge-id]").and_then(|e| e.get_attribute("data-edge-id"))
        {
            let conditional = store.with_scene(|s| {
                s.doc().edge(&edge).is_some_and(|e| e.kind == flow_model::EdgeKind::Conditional)
            });
            if conditional {
                store.editing_condition.set(Some(edge));
            }
        } else if let Some(node) =
            closest(&target, "[data-node-id]").and_then(|n| n.get_attribute("data-node-id"))
        {
            store.renaming.set(Some(node));
        }
    };

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

    // Palette items dropped on the canvas.
    let on_drag_over = move |ev: DragEvent| {
        let ours = ev.data_transfer().is_some_and(|dt| dt.types().includes(&KIND_MIME.into(), 0));
        if ours {
            ev.prevent_default();
        }
    };
    let on_drop = move |ev: DragEvent| {
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
            on:pointerdown=on_pointer_down
            on:pointermove=on_pointer_move
            on:pointerup=on_pointer_up
            on:pointercancel=on_pointer_cancel
            on:pointerleave=move |_| store.pointer.set_value(None)
            on:keydown=on_key
            on:dblclick=on_dblclick
            on:dragover=on_drag_over
            on:drop=on_drop
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

/// Puts the fixed end first for a wire drawn from an output, last when it is an input.
fn ordered(anchor: Point, pointer: Point, moving: End) -> (Point, Point) {
    match moving {
        End::Target => (anchor, pointer),
        End::Source => (pointer, anchor),
    }
}

/// Where a port is drawn, in flow units (`moving` says which side the fixed port is on).
fn port_point(store: CanvasStore, port: &PortRef, moving: End) -> Point {
    store.with_scene(|s| {
        let Some(node) = s.node(&port.node) else { return Point::new(0.0, 0.0) };
        let side = match moving {
            End::Target => super::geometry::Side::Output,
            End::Source => super::geometry::Side::Input,
        };
        super::geometry::anchor(node, side, &port.port).0
    })
}

/// Ends a connection drag at client point `at`: connects, reconnects or says why not.
fn drop_wire(store: CanvasStore, c: &Connecting, at: Point) {
    let Some(el) = element_at(at.x, at.y) else { return };
    let wanted_side = match c.moving {
        End::Target => "in",
        End::Source => "out",
    };
    let port = match port_of(&el) {
        Some((port, side)) if side == wanted_side => Some(port),
        Some(_) => {
            let message = match c.moving {
                End::Target => Refusal::NotAnInput.to_string(),
                End::Source => {
                    "Drop the edge's start on an output port (the right side of a card).".to_owned()
                }
            };
            store.notify(message, true);
            return;
        }
        None => {
            let node = closest(&el, "[data-node-id]").and_then(|n| n.get_attribute("data-node-id"));
            let Some(node) = node else { return }; // dropped on empty canvas: nothing to do
            let found = store.with_scene(|s| {
                let n = s.node(&node)?;
                // A drop on the card means its first port that would take the connection.
                let ports = match c.moving {
                    End::Target => &n.inputs,
                    End::Source => &n.outputs,
                };
                ports
                    .iter()
                    .map(|p| PortRef::new(node.clone(), p.id.clone()))
                    .find(|p| c.check(s.doc(), p).is_ok())
                    .or_else(|| match c.moving {
                        End::Target => default_input(n),
                        End::Source => default_output(n),
                    })
            });
            match found {
                Some(port) => Some(port),
                None => {
                    let refusal = store.with_scene(|s| {
                        s.node(&node).map(|n| match c.moving {
                            End::Target if n.kind.is_entry() => {
                                Refusal::EntryHasNoInput(n.kind.display_name()).to_string()
                            }
                            End::Target => format!("'{}' has no input port.", n.label),
                            End::Source => format!("'{}' has no output port.", n.label),
                        })
                    });
                    if let Some(message) = refusal {
                        store.notify(message, true);
                    }
                    return;
                }
            }
        }
    };
    let Some(port) = port else { return };
    let result = match (&c.replacing, c.moving) {
        (Some(edge), end) => store.reconnect(edge, end, &port).map(|_| ()),
        (None, _) => store.connect(&c.fixed, &port).map(|_| ()),
    };
    if let Err(refusal) = result {
        store.notify(refusal.to_string(), true);
    }
}
