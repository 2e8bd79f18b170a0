//! Front end: lowers the wire document into [`Graph`], reporting references that do not resolve
//! and node configs that do not fit their kind.

use std::collections::{HashMap, HashSet};

use flow_model::{Edge, FlowGraph, NodeConfig};

use crate::diagnostic::Diagnostic;
use crate::ir::{Graph, Link};

/// Resolves node and port references and types node configs. Duplicate ids keep their first
/// occurrence; edges with a missing node or port are reported and left out of the graph.
pub fn lower(flow: &FlowGraph) -> (Graph<'_>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut index = HashMap::with_capacity(flow.nodes.len());
    let mut nodes = Vec::with_capacity(flow.nodes.len());
    for (i, node) in flow.nodes.iter().enumerate() {
        if index.contains_key(node.id.as_str()) {
            diagnostics.push(
                Diagnostic::error(
                    format!("duplicate node id '{}'", node.id),
                    format!("nodes[{i}]"),
                )
                .on_node(&node.id),
            );
        } else {
            index.insert(node.id.as_str(), i);
            nodes.push(i);
        }
    }

    let mut edge_ids = HashSet::with_capacity(flow.edges.len());
    let mut edges = Vec::with_capacity(flow.edges.len());
    for (i, edge) in flow.edges.iter().enumerate() {
        let path = format!("edges[{i}]");
        let report = |message: String| Diagnostic::error(message, path.clone()).on_edge(&edge.id);
        if !edge_ids.insert(edge.id.as_str()) {
            diagnostics.push(report(format!("duplicate edge id '{}'", edge.id)));
            continue;
        }
        match (end_of(flow, &index, edge, End::Source), end_of(flow, &index, edge, End::Target)) {
            (Ok(source), Ok(target)) => edges.push(Link { edge: i, source, target }),
            (source, target) => {
                for message in [source.err(), target.err()].into_iter().flatten() {
                    diagnostics.push(report(message));
                }
            }
        }
    }

    // Counting sort of the edges by source node: a stable grouping in linear time.
    let mut out_start = vec![0usize; flow.nodes.len() + 1];
    for link in &edges {
        out_start[link.source + 1] += 1;
    }
    for i in 0..flow.nodes.len() {
        out_start[i + 1] += out_start[i];
    }
    let mut fill = out_start.clone();
    let mut out_edges = vec![Link { edge: 0, source: 0, target: 0 }; edges.len()];
    for &link in &edges {
        out_edges[fill[link.source]] = link;
        fill[link.source] += 1;
    }
    let mut configs = vec![None; flow.nodes.len()];
    for &n in &nodes {
        configs[n] = typed_config(flow, n, &mut diagnostics);
    }

    (Graph { flow, nodes, edges, configs, out_start, out_edges, index }, diagnostics)
}

/// The typed config of node `n`; config errors and unknown fields are reported.
fn typed_config(
    flow: &FlowGraph,
    n: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<NodeConfig> {
    let node = &flow.nodes[n];
    let known = NodeConfig::known_fields(node.kind);
    for key in node.config.keys().filter(|k| !known.contains(*k)) {
        diagnostics.push(
            Diagnostic::warning(
                format!(
                    "node '{}': unknown config field '{key}' for {}",
                    node.id,
                    node.kind.as_str()
                ),
                format!("nodes[{n}].config.{key}"),
            )
            .on_node(&node.id),
        );
    }
    match NodeConfig::parse(node.kind, &node.config) {
        Ok(config) => Some(config),
        Err(e) => {
            let field = match e.path.as_str() {
                "." => "config".to_owned(),
                inner => format!("config.{inner}"),
            };
            diagnostics.push(
                Diagnostic::error(
                    format!("node '{}': {field}: {}", node.id, e.message),
                    format!("nodes[{n}].{field}"),
                )
                .on_node(&node.id),
            );
            None
        }
    }
}

/// One end of an edge: the source names an output port, the target an input port.
#[derive(Clone, Copy)]
enum End {
    Source,
    Target,
}

/// The index of the node at `end` of `edge`, or the message saying what does not resolve.
fn end_of(
    flow: &FlowGraph,
    index: &HashMap<&str, usize>,
    edge: &Edge,
    end: End,
) -> Result<usize, String> {
    let (endpoint, role, direction) = match end {
        End::Source => (&edge.source, "source", "output"),
        End::Target => (&edge.target, "target", "input"),
    };
    let Some(&n) = index.get(endpoint.node.as_str()) else {
        return Err(format!("edge '{}': {role} node '{}' does not exist", edge.id, endpoint.node));
    };
    let node = &flow.nodes[n];
    let port = match end {
        End::Source => node.output(&endpoint.port),
        End::Target => node.input(&endpoint.port),
    };
    match port {
        Some(_) => Ok(n),
        None => Err(format!(
            "edge '{}': {role} node '{}' has no {direction} port '{}'",
            edge.id, endpoint.node, endpoint.port
        )),
    }
}
