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

impl Bounds {
    /// The rectangle spanned by two corners given in any order.
    pub fn spanning(a: Point, b: Point) -> Bounds {
        Bounds {
            min: Point::new(a.x.min(b.x), a.y.min(b.y)),
            max: Point::new(a.x.max(b.x), a.y.max(b.y)),
        }
    }

    /// The smallest rectangle holding both.
    pub fn union(self, other: Bounds) -> Bounds {
        Bounds {
            min: Point::new(self.min.x.min(other.min.x), self.min.y.min(other.min.y)),
            max: Point::new(self.max.x.max(other.max.x), self.max.y.max(other.max.y)),
        }
    }

    /// Grown by `by` on every side.
    pub fn inflate(self, by: f64) -> Bounds {
        Bounds {
            min: Point::new(self.min.x - by, self.min.y - by),
            max: Point::new(self.max.x + by, self.max.y + by),
        }
    }

    pub fn contains(&self, other: &Bounds) -> bool {
        self.min.x <= other.min.x
            && self.min.y <= other.min.y
            && self.max.x >= other.max.x
            && self.max.y >= other.max.y
    }

    pub fn contains_point(&self, p: Point) -> bool {
        self.min.x <= p.x && p.x <= self.max.x && self.min.y <= p.y && p.y <= self.max.y
    }
}

/// Grid that dragged nodes snap to, in flow units.
pub const SNAP: f64 = 16.0;

/// `value` rounded to the nearest multiple of [`SNAP`].
pub fn snap(value: f64) -> f64 {
    (value / SNAP).round() * SNAP
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

/// The shape of `edge` in `flow`, or `None` when either end names no node at all. (The canvas
/// draws edges from its cells; this whole-document form is for checking the geometry.)
#[cfg(test)]
pub fn edge_shape(flow: &FlowGraph, edge: &Edge) -> Option<EdgeShape> {
    let source = flow.node(&edge.source.node)?;
    let target = flow.node(&edge.target.node)?;
    let (from, source_ok) = anchor(source, Side::Output, &edge.source.port);
    let (port, target_ok) = anchor(target, Side::Input, &edge.target.port);
    let to = Point::new(port.x - PORT_RADIUS, port.y);
    let mut shape = route(from, to, card(source), card(target));
    shape.resolved = source_ok && target_ok;
    Some(shape)
}

/// How far an edge runs straight out of an output (and into an input) before it turns, when it
/// is routed around the cards.
const STUB: f64 = 24.0;
/// Radius of a routed edge's corners.
const CORNER: f64 = 8.0;

/// The drawn shape of an edge from the output at `from` (on card `source`) to the input at `to`
/// (on card `target`). When the target lies ahead, an S-curve. Otherwise (an edge back to an
/// earlier node, or to one beside or behind its source) a path around the cards: out to the
/// right, along a lane clear of both cards (between them when one is above the other, else
/// below both), and in from the left, so it never runs over the cards or the forward edges.
pub fn route(from: Point, to: Point, source: Bounds, target: Bounds) -> EdgeShape {
    if to.x >= from.x + STUB {
        return curve(from, to);
    }
    let points = detour(from, to, source, target);
    let lane = points[2].y;
    let label_at = Point::new((points[2].x + points[3].x) / 2.0, lane);
    EdgeShape { path: rounded(&points), label_at, resolved: true }
}

/// The corners of the path around the cards (see [`route`]).
fn detour(from: Point, to: Point, source: Bounds, target: Bounds) -> [Point; 6] {
    let (out_x, in_x) = (from.x + STUB, to.x - STUB);
    let lane = if target.min.y >= source.max.y + 2.0 * STUB {
        (source.max.y + target.min.y) / 2.0
    } else if source.min.y >= target.max.y + 2.0 * STUB {
        (target.max.y + source.min.y) / 2.0
    } else {
        source.max.y.max(target.max.y) + STUB
    };
    [
        from,
        Point::new(out_x, from.y),
        Point::new(out_x, lane),
        Point::new(in_x, lane),
        Point::new(in_x, to.y),
        to,
    ]
}

/// SVG path data through `points` with rounded corners.
fn rounded(points: &[Point]) -> String {
    use std::fmt::Write;
    let mut path = String::new();
    let Some(first) = points.first() else { return path };
    let _ = write!(path, "M {} {}", first.x, first.y);
    for i in 1..points.len() {
        let (p, c) = (points[i - 1], points[i]);
        let Some(&n) = points.get(i + 1) else {
            let _ = write!(path, " L {} {}", c.x, c.y);
            break;
        };
        let (d1, d2) = ((c.x - p.x).hypot(c.y - p.y), (n.x - c.x).hypot(n.y - c.y));
        let r = CORNER.min(d1 / 2.0).min(d2 / 2.0);
        if r <= 0.0 {
            let _ = write!(path, " L {} {}", c.x, c.y);
            continue;
        }
        let before = Point::new(c.x - (c.x - p.x) / d1 * r, c.y - (c.y - p.y) / d1 * r);
        let after = Point::new(c.x + (n.x - c.x) / d2 * r, c.y + (n.y - c.y) / d2 * r);
        let _ =
            write!(path, " L {} {} Q {} {} {} {}", before.x, before.y, c.x, c.y, after.x, after.y);
    }
    path
}

/// Horizontal handle length of the curve between two points.
fn handle_length(from: Point, to: Point) -> f64 {
    // Half the distance apart (at least 40) gives an S-curve that leaves and enters ports
    // horizontally, and a visible loop for backward edges.
    ((to.x - from.x).abs() / 2.0).max(40.0)
}

/// The curve from an output port at `from` to an input at `to` (also drawn while connecting).
pub fn curve(from: Point, to: Point) -> EdgeShape {
    let handle = handle_length(from, to);
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
    EdgeShape { path, label_at: Point::new(mid_x, mid_y), resolved: true }
}

/// A rectangle holding the whole drawn edge between `source` and `target` (a Bézier curve stays
/// inside the hull of its control points), with room for a condition label.
pub fn edge_bounds(source: &Node, target: &Node, edge: &Edge) -> Bounds {
    let (from, _) = anchor(source, Side::Output, &edge.source.port);
    let (port, _) = anchor(target, Side::Input, &edge.target.port);
    let to = Point::new(port.x - PORT_RADIUS, port.y);
    if to.x < from.x + STUB {
        let points = detour(from, to, card(source), card(target));
        let first = Bounds::spanning(points[0], points[0]);
        return points
            .iter()
            .fold(first, |b, p| b.union(Bounds::spanning(*p, *p)))
            .inflate(EDGE_LABEL_ROOM);
    }
    let handle = handle_length(from, to);
    Bounds {
        min: Point::new(from.x.min(to.x - handle), from.y.min(to.y)),
        max: Point::new((from.x + handle).max(to.x), from.y.max(to.y)),
    }
    .inflate(EDGE_LABEL_ROOM)
}

/// Margin around an edge's curve for its stroke, arrowhead and condition label.
const EDGE_LABEL_ROOM: f64 = 24.0;

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
    fn edge_bounds_hold_the_whole_curve() {
        let flow = flow();
        let edge = &flow.edges[0];
        let (a, b) = (flow.node("a").unwrap(), flow.node("b").unwrap());
        let bounds = edge_bounds(a, b, edge);
        let shape = edge_shape(&flow, edge).unwrap();
        // Sample the curve from its path data: M x0 y0 C x1 y1, x2 y2, x3 y3.
        let numbers: Vec<f64> = shape
            .path
            .split(|c: char| c == ' ' || c == ',' || c.is_alphabetic())
            .filter_map(|t| t.parse().ok())
            .collect();
        let p: Vec<Point> = numbers.chunks(2).map(|c| Point::new(c[0], c[1])).collect();
        for step in 0..=20 {
            let t = f64::from(step) / 20.0;
            let u = 1.0 - t;
            let x = u * u * u * p[0].x
                + 3.0 * u * u * t * p[1].x
                + 3.0 * u * t * t * p[2].x
                + t * t * t * p[3].x;
            let y = u * u * u * p[0].y
                + 3.0 * u * u * t * p[1].y
                + 3.0 * u * t * t * p[2].y
                + t * t * t * p[3].y;
            assert!(
                bounds.contains_point(Point::new(x, y)),
                "t={t}: ({x}, {y}) outside {bounds:?}"
            );
        }
        // A backward edge loops out on both sides.
        let back = edge_bounds(b, a, edge);
        assert!(back.min.x < 0.0 && back.max.x > 400.0 + NODE_WIDTH);
    }

    /// Points along an SVG path of straight lines and quadratic corners (the routed shape).
    fn sample(path: &str) -> Vec<Point> {
        let tokens: Vec<&str> = path.split_whitespace().collect();
        let mut points = Vec::new();
        let mut at = Point::new(0.0, 0.0);
        let mut i = 0;
        let num = |k: usize| tokens[k].parse::<f64>().unwrap();
        while i < tokens.len() {
            match tokens[i] {
                "M" => {
                    at = Point::new(num(i + 1), num(i + 2));
                    i += 3;
                }
                "L" => {
                    let to = Point::new(num(i + 1), num(i + 2));
                    for s in 0..=10 {
                        let t = f64::from(s) / 10.0;
                        points.push(Point::new(at.x + (to.x - at.x) * t, at.y + (to.y - at.y) * t));
                    }
                    at = to;
                    i += 3;
                }
                "Q" => {
                    at = Point::new(num(i + 3), num(i + 4));
                    points.push(at);
                    i += 5;
                }
                other => panic!("unexpected {other} in {path}"),
            }
        }
        points
    }

    fn inside(b: &Bounds, p: Point) -> bool {
        b.min.x < p.x && p.x < b.max.x && b.min.y < p.y && p.y < b.max.y
    }

    #[test]
    fn backward_edges_go_around_the_cards_not_through_them() {
        // Three cards in a row; the last one's output goes back to the first one's input.
        let cards: Vec<Bounds> = (0..3)
            .map(|i| {
                let min = Point::new(f64::from(i) * 320.0, 0.0);
                Bounds { min, max: Point::new(min.x + NODE_WIDTH, NODE_HEIGHT) }
            })
            .collect();
        let from = Point::new(cards[2].max.x, NODE_HEIGHT / 2.0);
        let to = Point::new(cards[0].min.x - PORT_RADIUS, NODE_HEIGHT / 2.0);
        let shape = route(from, to, cards[2], cards[0]);
        let points = sample(&shape.path);
        assert!(points.iter().all(|p| cards.iter().all(|c| !inside(c, *p))), "{}", shape.path);
        // Its lane runs below the row, apart from the forward edges at mid-height.
        assert!(shape.label_at.y >= NODE_HEIGHT + 12.0, "{:?}", shape.label_at);
        assert!(points.iter().any(|p| p.y > NODE_HEIGHT), "{}", shape.path);

        // A target below its source: the lane runs between them.
        let below = Bounds { min: Point::new(0.0, 300.0), max: Point::new(NODE_WIDTH, 372.0) };
        let shape = route(
            Point::new(cards[1].max.x, 36.0),
            Point::new(-PORT_RADIUS, 336.0),
            cards[1],
            below,
        );
        assert!((NODE_HEIGHT..300.0).contains(&shape.label_at.y), "{:?}", shape.label_at);
        assert!(sample(&shape.path).iter().all(|p| !inside(&cards[1], *p) && !inside(&below, *p)));

        // Ahead of the source it is the usual curve.
        assert!(route(from, Point::new(2000.0, 0.0), cards[2], cards[0]).path.contains(" C "));
    }

    #[test]
    fn snapping_rounds_to_the_grid() {
        assert_eq!(snap(7.0), 0.0);
        assert_eq!(snap(8.0), 16.0);
        assert_eq!(snap(-9.0), -16.0);
        assert_eq!(snap(100.0), 96.0);
    }

    #[test]
    fn bounds_cover_every_card() {
        let bounds = Bounds::of_nodes(&flow()).unwrap();
        assert_eq!(bounds.min, Point::new(0.0, 0.0));
        assert_eq!(bounds.max, Point::new(400.0 + NODE_WIDTH, 100.0 + NODE_HEIGHT));
    }
}
