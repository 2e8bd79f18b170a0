//! Small flows for the canvas's unit tests.

use flow_model::{Edge, EdgeKind, Endpoint, FlowGraph, Node, NodeKind, Position};
use serde_json::Map;

/// A rigid-template step at (x, y), with the kind's default `in` and `out` ports.
pub fn node(id: &str, x: f64, y: f64) -> Node {
    Node::new(NodeKind::LlmRigid, id, Position { x, y })
}

/// A sequential edge from `from`'s `out` to `to`'s `in`.
pub fn edge(id: &str, from: &str, to: &str) -> Edge {
    Edge {
        id: id.into(),
        kind: EdgeKind::Sequential,
        source: Endpoint { node: from.into(), port: "out".into(), extra: Map::new() },
        target: Endpoint { node: to.into(), port: "in".into(), extra: Map::new() },
        condition: None,
        extra: Map::new(),
    }
}

/// A flow holding just `nodes` and `edges`.
pub fn flow(nodes: Vec<Node>, edges: Vec<Edge>) -> FlowGraph {
    let mut flow = FlowGraph::from_json(r#"{"id": "f", "name": "F", "version": "1.0.0"}"#)
        .expect("a minimal flow parses");
    flow.nodes = nodes;
    flow.edges = edges;
    flow
}
