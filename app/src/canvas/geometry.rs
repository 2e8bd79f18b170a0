//! Where things are drawn: node cards, their ports and the curves between them, in flow units.

use flow_model::{Edge, FlowGraph, Node};

/// Size of a node card.
pub const NODE_WIDTH: f64 = 220.0;
pub const NODE_HEIGHT: f64 = 72.0;
/// Radius of a port circle; edges stop at its rim so the arrowhead stays visible.
pub const PORT_RADIUS: f64 = 5.0;

/// A point in flow or screen space (the caller knows which).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    pub const fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }
}

/// An axis-aligned rectangle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub min: Point,
    pub max: Point,
}

impl Bounds {
    pub fn width(&self) -> f64 {
        self.max.x - self.min.x
    }

    pub fn height(&self) -> f64 {
        self.max.y - self.min.y
    }

    pub fn centre(&self) -> Point {
        Point::new((self.min.x + self.max.x) / 2.0, (self.min.y + self.max.y) / 2.0)
    }

    /// The smallest rectangle holding every node card; `None` for an empty flow.
    pub fn of_nodes(flow: &FlowGraph) -> Option<Bounds> {
        let mut nodes = flow.nodes.iter();
        let first = nodes.next()?;
        let mut bounds = card(first);
        for node in nodes {
            let b = card(node);
            bounds.min.x = bounds.min.x.min(b.min.x);
            bounds.min.y = bounds.min.y.min(b.min.y);
            bounds.max.x = bounds.max.x.max(b.max.x);
            bounds.max.y = bounds.max.y.max(b.max.y);
        }
        Some(bounds)
    }
}

/// The card rectangle of a node.
pub fn card(node: &Node) -> Bounds {
    let min = Point::new(node.position.x, node.position.y);
    Bounds { min, max: Point::new(min.x + NODE_WIDTH, min.y + NODE_HEIGHT) }
}

/// Which side of the card a port sits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Input,
    Output,
}

/// Position of the `index`-th of `count` ports on one side, relative to the card's top-left.
pub fn port_offset(side: Side, index: usize, count: usize) -> Point {
    let x = match side {
        Side::Input => 0.0,
        Side::Output => NODE_WIDTH,
    };
    let slots = count.max(1) as f64 + 1.0;
    Point::new(x, NODE_HEIGHT * (index as f64 + 1.0) / slots)
}

/// Where an edge attaches to a node: its port if the node has one by that id, else the middle
/// of the side (so a dangling reference is still drawn, and shown as broken).
pub fn anchor(node: &Node, side: Side, port: &str) -> (Point, bool) {
    let ports = match side {
        Side::Input => &node.inputs,
        Side::Output => &node.outputs,
    };
    let found = ports.iter().position(|p| p.id == port);
    let offset = match found {
        Some(i) => port_offset(side, i, ports.len()),
        None => port_offset(side, 0, 1),
    };
    (Point::new(node.position.x + offset.x, node.position.y + offset.y), found.is_some())
}

/// The drawn shape of an edge.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeShape {
    /// SVG path data (a cubic Bézier from source port to target port).
    pub path: String,
    /// Where a condition label goes: the curve's midpoint.
    pub label_at: Point,
    /// False when a node or port the edge names does not exist.
    pub resolved: bool,
}

/// The shape of `edge` in `flow`, or `None` when either end names no node at all.
pub fn edge_shape(flow: &FlowGraph, edge: &Edge) -> Option<EdgeShape> {
    let source = flow.node(&edge.source.node)?;
    let target = flow.node(&edge.target.node)?;
    let (from, source_ok) = anchor(source, Side::Output, &edge.source.port);
    let (port, target_ok) = anchor(target, Side::Input, &edge.target.port);
    let to = Point::new(port.x - PORT_RADIUS, port.y);
    // Horizontal handles half the distance apart (at least 40) give an S-curve that leaves and
    // enters ports horizontally, and a visible loop for backward edges.
    let handle = ((to.x - from.x).abs() / 2.0).max(40.0);
    let path = format!(
        "M {} {} C {} {}, {} {}, {} {}",
        from.x,
        from.y,
        from.x + handle,
        from.y,
        to.x - handle,
        to.y,
        to.x,
        to.y
    );
    // Midpoint of a cubic Bézier at t = 0.5: (P0 + 3 P1 + 3 P2 + P3) / 8.
    let mid_x = (from.x + 3.0 * (from.x + handle) + 3.0 * (to.x - handle) + to.x) / 8.0;
    let mid_y = (from.y + to.y) / 2.0;
    Some(EdgeShape { path, label_at: Point::new(mid_x, mid_y), resolved: source_ok && target_ok })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow() -> FlowGraph {
        FlowGraph::from_json(
            r#"{"id":"f","name":"f","version":"1.0.0","nodes":[
              {"id":"a","type":"entry_api","label":"A","position":{"x":0,"y":0},
               "outputs":[{"id":"out_request"}]},
              {"id":"b","type":"llm_rigid","label":"B","position":{"x":400,"y":100},
               "inputs":[{"id":"in"},{"id":"in_2"}],"outputs":[{"id":"out"}]}],
             "edges":[
              {"id":"e1","type":"sequential","source":{"node":"a","port":"out_request"},
               "target":{"node":"b","port":"in_2"}},
              {"id":"e2","type":"sequential","source":{"node":"a","port":"nope"},
               "target":{"node":"b","port":"in"}},
              {"id":"e3","type":"sequential","source":{"node":"ghost","port":"out"},
               "target":{"node":"b","port":"in"}}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn ports_are_spread_evenly_along_their_side() {
        assert_eq!(port_offset(Side::Input, 0, 1), Point::new(0.0, NODE_HEIGHT / 2.0));
        assert_eq!(
            port_offset(Side::Output, 1, 2),
            Point::new(NODE_WIDTH, NODE_HEIGHT * 2.0 / 3.0)
        );
    }

    #[test]
    fn edges_run_from_output_port_to_input_port() {
        let flow = flow();
        let shape = edge_shape(&flow, &flow.edges[0]).unwrap();
        assert!(shape.resolved);
        let start = format!("M {} {} ", NODE_WIDTH, NODE_HEIGHT / 2.0);
        assert!(shape.path.starts_with(&start), "{}", shape.path);
        let end = format!("{} {}", 400.0 - PORT_RADIUS, 100.0 + NODE_HEIGHT * 2.0 / 3.0);
        assert!(shape.path.ends_with(&end), "{}", shape.path);
    }

    #[test]
    fn dangling_ports_are_drawn_but_flagged_and_missing_nodes_are_skipped() {
        let flow = flow();
        assert!(!edge_shape(&flow, &flow.edges[1]).unwrap().resolved);
        assert!(edge_shape(&flow, &flow.edges[2]).is_none());
    }

    #[test]
    fn bounds_cover_every_card() {
        let bounds = Bounds::of_nodes(&flow()).unwrap();
        assert_eq!(bounds.min, Point::new(0.0, 0.0));
        assert_eq!(bounds.max, Point::new(400.0 + NODE_WIDTH, 100.0 + NODE_HEIGHT));
    }
}
