//! Front end: lowers the wire document into [`Graph`], reporting references that do not resolve.

use std::collections::{HashMap, HashSet};

use flow_model::FlowGraph;

use crate::diagnostic::Diagnostic;
use crate::ir::{Graph, Link};

/// Resolves node and port references. Duplicate ids keep their first occurrence; edges with a
/// missing node or port are reported and left out of the graph.
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
        let source = index.get(edge.source.node.as_str()).copied();
        let target = index.get(edge.target.node.as_str()).copied();
        let mut resolved = true;
        match source {
            None => {
                resolved = false;
                diagnostics.push(report(format!(
                    "edge '{}': source node '{}' does not exist",
                    edge.id, edge.source.node
                )));
            }
            Some(s) if flow.nodes[s].output(&edge.source.port).is_none() => {
                resolved = false;
                diagnostics.push(report(format!(
                    "edge '{}': source node '{}' has no output port '{}'",
                    edge.id, edge.source.node, edge.source.port
                )));
            }
            Some(_) => {}
        }
        match target {
            None => {
                resolved = false;
                diagnostics.push(report(format!(
                    "edge '{}': target node '{}' does not exist",
                    edge.id, edge.target.node
                )));
            }
            Some(t) if flow.nodes[t].input(&edge.target.port).is_none() => {
                resolved = false;
                diagnostics.push(report(format!(
                    "edge '{}': target node '{}' has no input port '{}'",
                    edge.id, edge.target.node, edge.target.port
                )));
            }
            Some(_) => {}
        }
        if let (true, Some(source), Some(target)) = (resolved, source, target) {
            edges.push(Link {
                edge: i,
                source,
                target,
            });
        }
    }

    (
        Graph {
            flow,
            nodes,
            edges,
            index,
        },
        diagnostics,
    )
}
