//! Pointer gestures on the canvas: what a press, a drag and a release do, found by the `data-*`
//! attributes of what was hit. A background drag pans (with Shift: box select), a card drag
//! moves the selection (snapped to the grid; Alt drags freely), a drag from an output port draws
//! a new edge, and a drag from a selected edge's end handle reconnects it.

use flow_model::Position;
use leptos::ev::{KeyboardEvent, MouseEvent, PointerEvent};
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

use super::actions::{End, drag_positions, sorted};
use super::cards::{default_input, default_output};
use super::connect::{PortRef, Refusal};
use super::geometry::{Bounds, Point};
use super::interaction::{Connecting, PanGesture};
use super::store::{CanvasStore, Selection};

/// How far (screen pixels) a pointer must travel before a press on a card becomes a drag.
const DRAG_THRESHOLD: f64 = 3.0;

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

/// What the canvas's pointer handlers share: the gesture in progress and what it draws.
#[derive(Clone, Copy)]
pub(super) struct Pointer {
    store: CanvasStore,
    gesture: StoredValue<Option<Gesture>>,
    /// A pan is in progress (the canvas shows the grabbing cursor).
    pub panning: RwSignal<bool>,
    /// The selection band of a Shift-drag.
    pub band: RwSignal<Option<Bounds>>,
    /// The wire being drawn, from end to end.
    pub wire: RwSignal<Option<(Point, Point)>>,
    /// The connection being drawn, which the cards read to mark the ports that take it.
    pub connecting: RwSignal<Option<Connecting>>,
}

impl Pointer {
    pub fn new(store: CanvasStore) -> Self {
        Pointer {
            store,
            gesture: StoredValue::new(None),
            panning: RwSignal::new(false),
            band: RwSignal::new(None),
            wire: RwSignal::new(None),
            connecting: RwSignal::new(None),
        }
    }

    fn capture(self, ev: &PointerEvent) {
        let store = self.store;
        if let Some(el) = store.element.get_untracked() {
            // Keep receiving moves when the pointer leaves the canvas mid-drag.
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
    }

    /// A button goes down: starts the gesture what was hit calls for.
    pub fn press(self, ev: PointerEvent) {
        let Pointer { store, gesture, panning, band, wire, connecting } = self;
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
        self.capture(&ev);
        ev.prevent_default();
        // Keep keyboard focus on the canvas so shortcuts apply to it.
        if let Some(el) = store.element.get_untracked() {
            let _ = el.focus();
        }
    }

    /// The pointer moves: follows the gesture in progress.
    pub fn drag(self, ev: PointerEvent) {
        let Pointer { store, gesture, band, wire, .. } = self;
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
    }

    /// The button goes up (or the browser cancels the gesture): ends the gesture.
    pub fn finish(self, ev: &PointerEvent, cancelled: bool) {
        let Pointer { store, gesture, panning, band, wire, connecting } = self;
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
    }

    /// Escape abandons a gesture in progress.
    pub fn key(self, ev: KeyboardEvent) {
        let Pointer { store, gesture, panning, band, wire, connecting } = self;
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
    }

    /// A double click renames a card or edits a conditional edge's condition.
    pub fn double_click(self, ev: MouseEvent) {
        let store = self.store;
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
    }
}

fn element(target: Option<web_sys::EventTarget>) -> Option<web_sys::Element> {
    target?.dyn_into::<web_sys::Element>().ok()
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
