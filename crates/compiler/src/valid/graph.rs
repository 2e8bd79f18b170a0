//! Checks of the graph's shape: entry point, edge conditions, cycles and unused output ports.

use flow_model::EdgeKind;

use crate::diagnostic::Diagnostic;
use crate::ir::Graph;

/// The document's own fields: an id, a name and a semver version.
pub(super) fn document(graph: &Graph<'_>, out: &mut Vec<Diagnostic>) {
    let flow = graph.flow;
    if flow.id.trim().is_empty() {
        out.push(Diagnostic::error("the flow has no id", "id"));
    }
    if flow.name.trim().is_empty() {
        out.push(Diagnostic::error("the flow has no name", "name"));
    }
    if !crate::names::is_semver(&flow.version) {
        out.push(Diagnostic::error(
            format!("version '{}' must be semver MAJOR.MINOR.PATCH, e.g. 1.0.0", flow.version),
            "version",
        ));
    }
}

pub(super) fn entry_points(graph: &Graph<'_>, out: &mut Vec<Diagnostic>) {
    if !graph.nodes.iter().any(|&n| graph.node(n).kind.is_entry()) {
        out.push(Diagnostic::error("flow has no entry-point node", "nodes"));
    }
}

pub(super) fn conditions(graph: &Graph<'_>, out: &mut Vec<Diagnostic>) {
    for (i, edge) in graph.flow.edges.iter().enumerate() {
        let path = format!("edges[{i}].condition");
        let blank = edge.condition.as_deref().is_none_or(|c| c.trim().is_empty());
        match edge.kind {
            EdgeKind::Conditional if blank => out.push(
                Diagnostic::error(
                    format!("edge '{}': conditional edge has no condition", edge.id),
                    path,
                )
                .on_edge(&edge.id),
            ),
            EdgeKind::Sequential | EdgeKind::Data if !blank => out.push(
                Diagnostic::warning(
                    format!(
                        "edge '{}': condition is ignored on a {} edge",
                        edge.id,
                        edge.kind.as_str()
                    ),
                    path,
                )
                .on_edge(&edge.id),
            ),
            _ => {}
        }
    }
}

/// Reports each back edge of a depth-first search once, with the cycle it closes. Loops are
/// drawn with `logic_loop`, never with edges pointing back. Returns whether there was any.
pub(super) fn cycles(graph: &Graph<'_>, out: &mut Vec<Diagnostic>) -> bool {
    const NEW: u8 = 0;
    const ACTIVE: u8 = 1;
    const DONE: u8 = 2;
    let mut found = false;
    let mut state = vec![NEW; graph.flow.nodes.len()];
    for &start in &graph.nodes {
        if state[start] != NEW {
            continue;
        }
        state[start] = ACTIVE;
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        while let Some(top) = stack.last_mut() {
            let (node, next) = *top;
            let Some(&link) = graph.outgoing(node).get(next) else {
                state[node] = DONE;
                stack.pop();
                continue;
            };
            top.1 += 1;
            match state[link.target] {
                NEW => {
                    state[link.target] = ACTIVE;
                    stack.push((link.target, 0));
                }
                ACTIVE => {
                    let from = stack.iter().position(|&(n, _)| n == link.target).unwrap_or(0);
                    let mut names: Vec<&str> =
                        stack[from..].iter().map(|&(n, _)| graph.node(n).id.as_str()).collect();
                    names.push(graph.node(link.target).id.as_str());
                    let edge = graph.edge(link);
                    found = true;
                    out.push(
                        Diagnostic::error(
                            format!("cycle detected: {}", names.join(" -> ")),
                            format!("edges[{}]", link.edge),
                        )
                        .on_node(names[0])
                        .on_edge(&edge.id),
                    );
                }
                _ => {}
            }
        }
    }
    found
}

/// A node that uses some of its output ports but not all probably misses a connection; a node
/// that uses none simply ends the flow.
pub(super) fn unused_outputs(graph: &Graph<'_>, out: &mut Vec<Diagnostic>) {
    for &n in &graph.nodes {
        let node = graph.node(n);
        // A loop's `out` is optional (the flow may end after the loop); its body is checked
        // by structuring.
        if node.kind == flow_model::NodeKind::LogicLoop {
            continue;
        }
        let used: Vec<&str> =
            graph.outgoing(n).iter().map(|&l| graph.edge(l).source.port.as_str()).collect();
        if used.is_empty() {
            continue;
        }
        for (j, port) in node.outputs.iter().enumerate() {
            if !used.contains(&port.id.as_str()) {
                out.push(
                    Diagnostic::warning(
                        format!("node '{}' has an unused output port '{}'", node.id, port.id),
                        format!("nodes[{n}].outputs[{j}]"),
                    )
                    .on_node(&node.id),
                );
            }
        }
    }
}
