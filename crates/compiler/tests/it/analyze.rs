//! `analyze`: every structural problem is reported, with its documented message and location.

use compiler::{Severity, analyze};
use serde_json::json;

use crate::{edge, flow, node};

fn messages(flow: &flow_model::FlowGraph) -> Vec<String> {
    analyze(flow).into_iter().map(|d| d.message).collect()
}

#[test]
fn a_clean_linear_flow_has_no_diagnostics() {
    let f = flow(
        json!([
            node("a", "entry_api", &[], &["out_request"], json!({})),
            node("b", "llm_flexible", &["in"], &["out"], json!({"goal": "Say hi"}))
        ]),
        json!([edge("e1", ("a", "out_request"), ("b", "in"))]),
    );
    assert_eq!(analyze(&f), vec![]);
}

#[test]
fn dangling_references_use_the_documented_wording() {
    let f = flow(
        json!([
            node("node_abc", "entry_api", &[], &["out"], json!({})),
            node("b", "llm_rigid", &["in"], &["out"], json!({}))
        ]),
        json!([
            edge("edge_xyz", ("node_abc", "out_typo"), ("b", "in")),
            edge("e2", ("ghost", "out"), ("b", "in")),
            edge("e3", ("node_abc", "out"), ("b", "in_typo"))
        ]),
    );
    let diagnostics = analyze(&f);
    let dangling = &diagnostics[0];
    assert_eq!(
        dangling.message,
        "edge 'edge_xyz': source node 'node_abc' has no output port 'out_typo'"
    );
    assert_eq!(dangling.path, "edges[0]");
    assert_eq!(dangling.edge_id.as_deref(), Some("edge_xyz"));
    assert_eq!(dangling.severity, Severity::Error);
    let all = messages(&f);
    assert!(all.contains(&"edge 'e2': source node 'ghost' does not exist".to_string()), "{all:?}");
    assert!(
        all.contains(&"edge 'e3': target node 'b' has no input port 'in_typo'".to_string()),
        "{all:?}"
    );
}

#[test]
fn missing_entry_duplicates_and_conditions_are_all_reported_together() {
    let mut conditional = edge("e1", ("a", "out"), ("b", "in"));
    conditional["type"] = json!("conditional");
    let mut sequential_with_condition = edge("e2", ("b", "out"), ("c", "in"));
    sequential_with_condition["condition"] = json!("x > 1");
    let f = flow(
        json!([
            node("a", "llm_rigid", &["in"], &["out"], json!({})),
            node("b", "llm_rigid", &["in"], &["out"], json!({})),
            node("b", "llm_rigid", &["in"], &["out"], json!({})),
            node("c", "llm_rigid", &["in"], &["out"], json!({}))
        ]),
        json!([conditional, sequential_with_condition, edge("e2", ("a", "out"), ("c", "in"))]),
    );
    let all = messages(&f);
    for expected in [
        "duplicate node id 'b'",
        "duplicate edge id 'e2'",
        "flow has no entry-point node",
        "edge 'e1': conditional edge has no condition",
        "edge 'e2': condition is ignored on a sequential edge",
    ] {
        assert!(all.contains(&expected.to_string()), "missing {expected:?} in {all:?}");
    }
}

#[test]
fn back_edges_are_cycles_named_node_by_node() {
    let f = flow(
        json!([
            node("entry", "entry_api", &[], &["out"], json!({})),
            node("node_a", "llm_rigid", &["in"], &["out"], json!({})),
            node("node_b", "llm_rigid", &["in"], &["out"], json!({}))
        ]),
        json!([
            edge("e1", ("entry", "out"), ("node_a", "in")),
            edge("e2", ("node_a", "out"), ("node_b", "in")),
            edge("e3", ("node_b", "out"), ("node_a", "in"))
        ]),
    );
    let cycles: Vec<_> =
        analyze(&f).into_iter().filter(|d| d.message.starts_with("cycle")).collect();
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    assert_eq!(cycles[0].message, "cycle detected: node_a -> node_b -> node_a");
    assert_eq!(cycles[0].edge_id.as_deref(), Some("e3"));
    assert_eq!(cycles[0].path, "edges[2]");
}

#[test]
fn a_partly_connected_node_warns_about_its_unused_outputs() {
    let f = flow(
        json!([
            node("entry", "entry_api", &[], &["out"], json!({})),
            node(
                "node_review",
                "hitl_review",
                &["in"],
                &["out", "out_aux"],
                json!({"queue": "q", "scope": "s"})
            ),
            node("end", "llm_rigid", &["in"], &["out"], json!({"template": "bye"}))
        ]),
        json!([
            edge("e1", ("entry", "out"), ("node_review", "in")),
            edge("e2", ("node_review", "out"), ("end", "in"))
        ]),
    );
    let diagnostics = analyze(&f);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0].message, "node 'node_review' has an unused output port 'out_aux'");
    assert_eq!(diagnostics[0].severity, Severity::Warning);
    assert_eq!(diagnostics[0].node_id.as_deref(), Some("node_review"));
    assert_eq!(diagnostics[0].path, "nodes[1].outputs[1]");
}

#[test]
fn bundled_examples_have_no_errors() {
    for example in flow_model::EXAMPLES {
        let f = flow_model::FlowGraph::from_json(example.json).unwrap();
        let errors: Vec<_> = analyze(&f).into_iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", example.key);
    }
}
