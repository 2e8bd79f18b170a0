//! `canvas-flowgen <nodes> [seed]`: prints a valid FlowGraph of about `<nodes>` nodes with about
//! 1.2 edges per node, for `bench/canvas.sh`.
//!
//! The shape comes from the compiler's generator (sequences, decisions that merge, loops,
//! parallel branches, laid out 40 cards to a row); data edges from a card to the one below it
//! bring the edge count to 1.2 per node, as in flows that pass results between branches.

#[path = "../../../crates/compiler/tests/it/flowgen.rs"]
mod flowgen;

use std::collections::HashSet;
use std::io::Write;
use std::process::ExitCode;

use flow_model::{Edge, EdgeKind, Endpoint, FlowGraph};
use serde_json::Map;

/// Edges per node the generated flows aim for.
const EDGES_PER_NODE: f64 = 1.2;
/// Cards per row in the generator's layout.
const ROW: usize = 40;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parsed = match args.as_slice() {
        [n] => n.parse().ok().map(|n| (n, 42)),
        [n, seed] => n.parse().ok().zip(seed.parse().ok()),
        _ => None,
    };
    let Some((nodes, seed)) = parsed.filter(|&(n, _): &(usize, u64)| n >= 2) else {
        eprintln!("usage: canvas-flowgen <nodes (at least 2)> [seed]");
        return ExitCode::from(2);
    };
    let flow = generate(nodes, seed);
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{}", flow.to_json_pretty()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("canvas-flowgen: cannot write the flow: {e}");
            ExitCode::FAILURE
        }
    }
}

fn generate(nodes: usize, seed: u64) -> FlowGraph {
    let mut flow = flowgen::sized(nodes, seed);
    flow.id = format!("flow_bench_{}", flow.nodes.len());
    flow.name = format!("Benchmark {} nodes", flow.nodes.len());
    let wanted = (flow.nodes.len() as f64 * EDGES_PER_NODE).round() as usize;
    let mut joined: HashSet<(String, String)> =
        flow.edges.iter().map(|e| (e.source.node.clone(), e.target.node.clone())).collect();
    let mut next = 0;
    while flow.edges.len() < wanted && next + ROW < flow.nodes.len() {
        let (from, to) = (&flow.nodes[next], &flow.nodes[next + ROW]);
        next += 1;
        let (Some(out), Some(input)) = (from.outputs.first(), to.inputs.first()) else {
            continue;
        };
        if !joined.insert((from.id.clone(), to.id.clone())) {
            continue;
        }
        let edge = Edge {
            id: format!("d{next}"),
            kind: EdgeKind::Data,
            source: Endpoint { node: from.id.clone(), port: out.id.clone(), extra: Map::new() },
            target: Endpoint { node: to.id.clone(), port: input.id.clone(), extra: Map::new() },
            condition: None,
            extra: Map::new(),
        };
        flow.edges.push(edge);
    }
    flow
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flows_have_the_size_and_edge_density_asked_for() {
        for n in [1_000, 5_000] {
            let flow = generate(n, 42);
            assert!(flow.nodes.len() >= n && flow.nodes.len() < n + 10, "{}", flow.nodes.len());
            let ratio = flow.edges.len() as f64 / flow.nodes.len() as f64;
            assert!((ratio - EDGES_PER_NODE).abs() < 0.01, "{ratio}");
            let ids: HashSet<&str> = flow.edges.iter().map(|e| e.id.as_str()).collect();
            assert_eq!(ids.len(), flow.edges.len(), "edge ids are unique");
            let back = FlowGraph::from_json(&flow.to_json_pretty()).expect("round trips");
            assert_eq!(back.nodes.len(), flow.nodes.len());
        }
    }
}
