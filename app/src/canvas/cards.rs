//! The drawn items: node cards and edges. They hold no event handlers (the canvas delegates
//! every gesture from the canvas element by `data-*` attributes), so thousands mount quickly; each
//! reads only its own cells, so a change redraws only what it touched.

use std::sync::Arc;

use compiler::Severity;
use flow_model::{Category, Edge, EdgeKind, Node, Position};
use leptos::prelude::*;

use super::connect::PortRef;
use super::geometry::{self, NODE_HEIGHT, NODE_WIDTH, PORT_RADIUS, Point, Side};
use super::interaction::Connecting;
use super::store::{CanvasStore, NodeCell};

/// A one-character glyph per category, drawn on the card next to the label.
pub fn glyph(category: Category) -> &'static str {
    match category {
        Category::Entry => "▶",
        Category::Llm => "✦",
        Category::Logic => "◆",
        Category::Tool => "⚙",
        Category::Data => "≡",
        Category::Checkpoint => "⚑",
        Category::QueueHitl => "✉",
        Category::Compute => "▣",
        Category::Subflow => "⇲",
    }
}

/// One node card: category colour band, glyph, label, kind name and ports.
#[component]
pub fn NodeView(
    store: CanvasStore,
    id: String,
    cell: NodeCell,
    /// Whether labels and ports are drawn (false when zoomed far out).
    detail: Memo<bool>,
    connecting: RwSignal<Option<Connecting>>,
) -> impl IntoView {
    let NodeCell { pos, node } = cell;
    let selected = {
        let id = id.clone();
        move || store.selection.with(|s| s.nodes.contains(&id))
    };
    // While a connection is dragged: whether this node would accept it.
    let accepts = {
        let id = id.clone();
        move || {
            connecting.with(|c| {
                let c = c.as_ref()?;
                Some(store.with_scene(|s| c.accepted_by(s.doc(), &id)))
            })
        }
    };
    let accepts = Memo::new(move |_| accepts());
    let problem = {
        let id = id.clone();
        Memo::new(move |_| store.problem(&id))
    };
    // The card's rectangles take the position as coordinates rather than from a transform on
    // the group: a transform per card would give the browser one paint chunk per card to
    // composite on every frame, and zoomed out thousands of cards are drawn.
    let coordinate = |of: fn(&Position) -> f64| {
        let pos = pos.clone();
        move || pos.with(of)
    };
    let (card_x, card_y) = (coordinate(|p| p.x), coordinate(|p| p.y));
    let (band_x, band_y) = (coordinate(|p| p.x), coordinate(|p| p.y));
    let transform = {
        let pos = pos.clone();
        move || pos.with(|p| format!("translate({} {})", p.x, p.y))
    };
    let node_for_class = node.clone();
    let class = move || {
        let category = node_for_class.with(|n| n.kind.category());
        format!("node node-{}", category.as_str())
    };
    let node_for_style = node.clone();
    let style =
        move || format!("--node-colour: {}", node_for_style.with(|n| n.kind.category().colour()));
    let node_for_aria = node.clone();
    let aria =
        move || node_for_aria.with(|n| format!("{}, {} node", n.label, n.kind.display_name()));
    let node_for_kind = node.clone();
    let kind = move || node_for_kind.with(|n| n.kind.as_str());
    let content = move || {
        detail.get().then(|| {
            let transform = transform.clone();
            view! { <g class="node-content" transform=transform>{node_content(node.get())}</g> }
        })
    };

    view! {
        <g
            class=class
            class:selected=selected
            class:drop-ok=move || accepts.get() == Some(true)
            class:drop-no=move || accepts.get() == Some(false)
            class:has-error=move || problem.get() == Some(Severity::Error)
            class:has-warning=move || problem.get() == Some(Severity::Warning)
            data-node-id=id
            data-kind=kind
            style=style
            tabindex="0"
            role="group"
            aria-roledescription="node"
            aria-label=aria
        >
            <rect class="node-card" x=card_x y=card_y width=NODE_WIDTH height=NODE_HEIGHT rx="10"></rect>
            <rect class="node-band" x=band_x y=band_y width="8" height=NODE_HEIGHT rx="4"></rect>
            {content}
        </g>
    }
}

/// Label, kind, glyph and ports: what is left out at low zoom.
fn node_content(node: Arc<Node>) -> impl IntoView {
    let ports = |side: Side, ports: &[flow_model::Port]| {
        let count = ports.len();
        ports
            .iter()
            .enumerate()
            .map(|(i, port)| {
                let at = geometry::port_offset(side, i, count);
                let (class, side_name) = match side {
                    Side::Input => ("port port-in", "in"),
                    Side::Output => ("port port-out", "out"),
                };
                let title = port.label.clone().unwrap_or_else(|| port.id.clone());
                view! {
                    <circle
                        class=class
                        cx=at.x
                        cy=at.y
                        r=PORT_RADIUS
                        data-port-id=port.id.clone()
                        data-port-side=side_name
                    >
                        <title>{title}</title>
                    </circle>
                }
            })
            .collect_view()
    };
    let category = node.kind.category();
    view! {
        <text class="node-glyph" x="22" y="30" aria-hidden="true">{glyph(category)}</text>
        <text class="node-label" x="42" y="30">{node.label.clone()}</text>
        <text class="node-kind" x="22" y="52">{node.kind.display_name()}</text>
        {ports(Side::Input, &node.inputs)}
        {ports(Side::Output, &node.outputs)}
    }
}

/// The drawn geometry of an edge, from its cells.
#[derive(Debug, Clone, PartialEq)]
struct Drawn {
    path: String,
    label_at: Point,
    from: Point,
    to: Point,
    resolved: bool,
}

/// Where an edge's curve runs, following the cards at its ends.
fn drawn(store: CanvasStore, edge: Option<ArcRwSignal<Arc<Edge>>>) -> Memo<Option<Drawn>> {
    Memo::new(move |_| {
        let edge = edge.as_ref()?.get();
        let source = store.node_cell(&edge.source.node)?;
        let target = store.node_cell(&edge.target.node)?;
        let (from, source_ok) = anchored(&source, Side::Output, &edge.source.port);
        let (port, target_ok) = anchored(&target, Side::Input, &edge.target.port);
        let to = Point::new(port.x - PORT_RADIUS, port.y);
        let shape = geometry::route(from, to, card_at(&source), card_at(&target));
        Some(Drawn {
            path: shape.path,
            label_at: shape.label_at,
            from,
            to: port,
            resolved: source_ok && target_ok,
        })
    })
}

/// One edge: a curve with an arrowhead, a wide invisible stroke to click and the condition of
/// a conditional edge.
#[component]
pub fn EdgeView(store: CanvasStore, id: String, detail: Memo<bool>) -> impl IntoView {
    let cell = store.edge_cell(&id);
    let drawn = drawn(store, cell.clone());
    let edge_kind = cell.clone();
    let class = move || {
        let kind = edge_kind.as_ref().map_or(EdgeKind::Sequential, |e| e.with(|e| e.kind));
        let resolved = drawn.with(|d| d.as_ref().is_some_and(|d| d.resolved));
        format!("edge edge-{}{}", kind.as_str(), if resolved { "" } else { " edge-dangling" })
    };
    let selected = {
        let id = id.clone();
        move || store.selection.with(|s| s.edges.contains(&id))
    };
    let path = move || drawn.with(|d| d.as_ref().map(|d| d.path.clone()).unwrap_or_default());
    let condition = cell.clone();
    let label = move || {
        if !detail.get() {
            return None;
        }
        let text = condition.as_ref()?.with(|e| match e.kind {
            EdgeKind::Conditional => Some(e.condition.clone().unwrap_or_default()),
            _ => None,
        })?;
        let at = drawn.with(|d| d.as_ref().map(|d| d.label_at))?;
        Some(view! {
            <text class="edge-label" x=at.x y=at.y - 6.0 text-anchor="middle">{text}</text>
        })
    };
    let aria = cell
        .as_ref()
        .map(|e| e.with_untracked(|e| format!("edge from {} to {}", e.source.node, e.target.node)));
    let broken = {
        let id = id.clone();
        move || store.problem(&id) == Some(Severity::Error)
    };
    view! {
        <g class=class class:selected=selected class:edge-error=broken data-edge-id=id role="group" aria-label=aria>
            <path class="edge-hit" d=path></path>
            <path class="edge-line" d=path marker-end="url(#edge-arrow)"></path>
            {label}
        </g>
    }
}

/// A node's card, read from its position cell (so it follows a drag).
fn card_at(cell: &NodeCell) -> geometry::Bounds {
    let at = cell.pos.get();
    geometry::Bounds {
        min: Point::new(at.x, at.y),
        max: Point::new(at.x + NODE_WIDTH, at.y + NODE_HEIGHT),
    }
}

/// Where an edge attaches to a node, read from its cells (so it follows a drag).
fn anchored(cell: &NodeCell, side: Side, port: &str) -> (Point, bool) {
    let at = cell.pos.get();
    cell.node.with(|n| {
        let ports = match side {
            Side::Input => &n.inputs,
            Side::Output => &n.outputs,
        };
        let found = ports.iter().position(|p| p.id == port);
        let offset = match found {
            Some(i) => geometry::port_offset(side, i, ports.len()),
            None => geometry::port_offset(side, 0, 1),
        };
        (Point::new(at.x + offset.x, at.y + offset.y), found.is_some())
    })
}

/// The input of `node` a drop on its card (not on a port) connects to.
pub fn default_input(node: &Node) -> Option<PortRef> {
    node.inputs.first().map(|p| PortRef::new(node.id.clone(), p.id.clone()))
}

/// The output of `node` a drop on its card connects from (when moving an edge's source).
pub fn default_output(node: &Node) -> Option<PortRef> {
    node.outputs.first().map(|p| PortRef::new(node.id.clone(), p.id.clone()))
}

/// The handles that drag the ends of a selected edge. They are drawn above the cards, since
/// they sit on the ports the edge joins.
#[component]
pub fn EdgeHandles(store: CanvasStore, id: String) -> impl IntoView {
    let drawn = drawn(store, store.edge_cell(&id));
    move || {
        drawn.get().map(|d| {
            view! {
                <g class="edge-handles" data-edge-id=id.clone()>
                    <circle class="edge-end" data-edge-end="source" cx=d.from.x cy=d.from.y r="7"></circle>
                    <circle class="edge-end" data-edge-end="target" cx=d.to.x cy=d.to.y r="7"></circle>
                </g>
            }
        })
    }
}
