//! Integration tests of the compiler's public API: analysis and compilation of whole flows.

mod analyze;
mod compile;
mod flowgen;
mod import;
mod properties;
mod review;
mod snapshots;

use flow_model::FlowGraph;
use serde_json::{Value, json};

/// A flow built from JSON nodes and edges, with the boilerplate filled in.
fn flow(nodes: Value, edges: Value) -> FlowGraph {
    let doc = json!({
        "id": "flow_test", "name": "Test Flow", "version": "1.0.0", "scaicore_target": "0.2",
        "nodes": nodes, "edges": edges,
        "config": {"core_identity": {"name": "Tester", "models": [
            {"role": "primary", "ref": "scaigrid", "model": "openai/gpt-4o"}]}}
    });
    serde_json::from_value(doc).expect("test flow must parse")
}

fn node(id: &str, kind: &str, inputs: &[&str], outputs: &[&str], config: Value) -> Value {
    let ports = |ids: &[&str]| ids.iter().map(|p| json!({"id": p})).collect::<Vec<_>>();
    json!({"id": id, "type": kind, "label": id.to_uppercase(), "position": {"x": 0, "y": 0},
           "config": config, "inputs": ports(inputs), "outputs": ports(outputs)})
}

fn edge(id: &str, from: (&str, &str), to: (&str, &str)) -> Value {
    json!({"id": id, "type": "sequential", "source": {"node": from.0, "port": from.1},
           "target": {"node": to.0, "port": to.1}})
}
