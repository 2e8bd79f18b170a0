//! The SVG canvas: grid, edges and node cards, and the gestures that move the viewport.

use flow_model::{Edge, EdgeKind, Node};
use leptos::ev::{PointerEvent, WheelEvent};
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

use super::geometry::{self, NODE_HEIGHT, NODE_WIDTH, PORT_RADIUS, Point, Side};
use super::interaction::{PanGesture, wheel_zoom_factor};
use super::store::CanvasStore;

/// Grid spacing in flow units.
const GRID: f64 = 24.0;

/// The interactive flow canvas.
#[component]
pub fn Canvas(store: CanvasStore) -> impl IntoView {
    let pan = StoredValue::new(None::<PanGesture>);
    // Kept apart from `pan`, which changes on every move, so only start and end re-render.
    let panning = RwSignal::new(false);

    let on_pointer_down = move |ev: PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        let on_node = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest(".node").ok().flatten())
            .is_some();
        if on_node {
            return;
        }
        store.select(None);
        let at = Point::new(f64::from(ev.client_x()), f64::from(ev.client_y()));
        pan.set_value(Some(PanGesture::start(ev.pointer_id(), at)));
        panning.set(true);
        if let Some(svg) = store.svg.get_untracked() {
            // Keep receiving moves when the pointer leaves the canvas mid-drag.
            let _ = svg.set_pointer_capture(ev.pointer_id());
        }
        ev.prevent_default();
    };
    let on_pointer_move = move |ev: PointerEvent| {
        let at = Point::new(f64::from(ev.client_x()), f64::from(ev.client_y()));
        let delta = pan
            .try_update_value(|g| g.as_mut().and_then(|g| g.drag_to(ev.pointer_id(), at)))
            .flatten();
        if let Some((dx, dy)) = delta {
            store.pan_by(dx, dy);
        }
    };
    let on_pointer_end = move |ev: PointerEvent| {
        let ends = pan.with_value(|g| g.is_some_and(|g| g.pointer_id() == ev.pointer_id()));
        if ends {
            pan.set_value(None);
            panning.set(false);
        }
    };
    // Registered in the capture phase, which Leptos attaches to the element itself rather than
    // delegating to the document, where browsers make wheel listeners passive and ignore
    // preventDefault (the page would scroll instead of the canvas zooming).
    let on_wheel = move |ev: WheelEvent| {
        ev.prevent_default();
        let anchor = store.to_canvas(f64::from(ev.client_x()), f64::from(ev.client_y()));
        store.zoom_at(anchor, wheel_zoom_factor(ev.delta_y(), ev.delta_mode()));
    };

    let transform = move || store.viewport.with(|vp| vp.transform());
    let grid_transform = move || {
        store
            .viewport
            .with(|vp| format!("translate({} {}) scale({})", vp.offset.x, vp.offset.y, vp.zoom))
    };
    view! {
        <svg
            id="flow-canvas"
            class="canvas"
            class:panning=panning
            node_ref=store.svg
            role="application"
            aria-label="Flow canvas"
            on:pointerdown=on_pointer_down
            on:pointermove=on_pointer_move
            on:pointerup=on_pointer_end
            on:pointercancel=on_pointer_end
            on:wheel:capture=on_wheel
        >
            <defs>
                <pattern
                    id="canvas-grid"
                    width=GRID
                    height=GRID
                    patternUnits="userSpaceOnUse"
                    patternTransform=grid_transform
                >
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
            <rect class="canvas-bg" width="100%" height="100%" fill="url(#canvas-grid)"></rect>
            <g class="viewport" transform=transform>
                <g class="edges">
                    <For
                        each=move || store.flow.with(|f| f.edges.clone())
                        key=|edge| edge.id.clone()
                        children=move |edge| view! { <EdgeView store edge/> }
                    />
                </g>
                <g class="nodes">
                    <For
                        each=move || store.flow.with(|f| f.nodes.clone())
                        key=|node| node.id.clone()
                        children=move |node| view! { <NodeView store node/> }
                    />
                </g>
            </g>
        </svg>
    }
}

/// One edge: a curve with an arrowhead and, for conditional edges, its condition.
#[component]
fn EdgeView(store: CanvasStore, edge: Edge) -> impl IntoView {
    let shape = store.flow.with_untracked(|flow| geometry::edge_shape(flow, &edge))?;
    let class = format!(
        "edge edge-{}{}",
        edge.kind.as_str(),
        if shape.resolved { "" } else { " edge-dangling" }
    );
    let label = match (edge.kind, edge.condition) {
        (EdgeKind::Conditional, Some(condition)) => Some(view! {
            <text class="edge-label" x=shape.label_at.x y=shape.label_at.y - 6.0 text-anchor="middle">
                {condition}
            </text>
        }),
        _ => None,
    };
    Some(view! {
        <g class=class data-edge-id=edge.id>
            <path d=shape.path marker-end="url(#edge-arrow)"></path>
            {label}
        </g>
    })
}

/// One node card: category colour band, label, kind name and ports.
#[component]
fn NodeView(store: CanvasStore, node: Node) -> impl IntoView {
    let category = node.kind.category();
    let id = node.id.clone();
    let selected = {
        let id = id.clone();
        move || store.selected.with(|s| s.as_deref() == Some(id.as_str()))
    };
    let on_pointer_down = {
        let id = id.clone();
        move |ev: PointerEvent| {
            if ev.button() == 0 {
                store.select(Some(id.clone()));
            }
        }
    };
    let ports = |side: Side, ports: &[flow_model::Port]| {
        let count = ports.len();
        ports
            .iter()
            .enumerate()
            .map(|(i, port)| {
                let at = geometry::port_offset(side, i, count);
                let class = match side {
                    Side::Input => "port port-in",
                    Side::Output => "port port-out",
                };
                let title = port.label.clone().unwrap_or_else(|| port.id.clone());
                view! {
                    <circle class=class cx=at.x cy=at.y r=PORT_RADIUS data-port-id=port.id.clone()>
                        <title>{title}</title>
                    </circle>
                }
            })
            .collect_view()
    };
    let inputs = ports(Side::Input, &node.inputs);
    let outputs = ports(Side::Output, &node.outputs);
    let transform = format!("translate({} {})", node.position.x, node.position.y);

    view! {
        <g
            class=format!("node node-{}", category.as_str())
            class:selected=selected
            data-node-id=id
            data-kind=node.kind.as_str()
            transform=transform
            style=format!("--node-colour: {}", category.colour())
            on:pointerdown=on_pointer_down
        >
            <rect class="node-card" width=NODE_WIDTH height=NODE_HEIGHT rx="10"></rect>
            <rect class="node-band" width="8" height=NODE_HEIGHT rx="4"></rect>
            <text class="node-label" x="22" y="30">{node.label}</text>
            <text class="node-kind" x="22" y="52">{node.kind.display_name()}</text>
            {inputs}
            {outputs}
        </g>
    }
}
