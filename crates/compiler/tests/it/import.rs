//! YAML import: exact round trips of what ScaiFlow emits, rebuilding from steps alone, and
//! hand-written manifests.

use compiler::{Format, ImportError, compile_flow, from_yaml};
use flow_model::{EdgeKind, FlowGraph, NodeKind};

use crate::snapshots::cases;

fn yaml_of(flow: &FlowGraph) -> String {
    compile_flow(flow, Format::Yaml).unwrap().text().unwrap().to_owned()
}

#[test]
fn emitted_manifests_import_back_to_the_same_flow() {
    for (name, flow) in cases().into_iter().filter(|(n, _)| n.starts_with("ok-")) {
        let imported = from_yaml(&yaml_of(&flow)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(imported, flow, "{name}");
    }
}

/// Without the document and edge list, the flow is rebuilt from the steps: it compiles to the
/// same steps again (edge ids aside).
#[test]
fn steps_alone_rebuild_an_equivalent_flow() {
    for (name, flow) in cases().into_iter().filter(|(n, _)| n.starts_with("ok-")) {
        let mut manifest: serde_yaml::Value = serde_yaml::from_str(&yaml_of(&flow)).unwrap();
        let meta = manifest["core"]["scaiflow_meta"].as_mapping_mut().unwrap();
        meta.remove("document");
        meta.remove("edges");
        let rebuilt = from_yaml(&serde_yaml::to_string(&manifest).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(rebuilt.nodes.len(), flow.nodes.len(), "{name}");
        let again: serde_yaml::Value = serde_yaml::from_str(&yaml_of(&rebuilt)).unwrap();
        assert_eq!(
            without_edge_ids(&again["core"]["flows"]),
            without_edge_ids(&manifest["core"]["flows"]),
            "{name}"
        );
    }
}

fn without_edge_ids(value: &serde_yaml::Value) -> serde_yaml::Value {
    match value {
        serde_yaml::Value::Mapping(m) => serde_yaml::Value::Mapping(
            m.iter()
                .filter(|(k, _)| k.as_str() != Some("edge"))
                .map(|(k, v)| (k.clone(), without_edge_ids(v)))
                .collect(),
        ),
        serde_yaml::Value::Sequence(s) => s.iter().map(without_edge_ids).collect(),
        other => other.clone(),
    }
}

const HAND_WRITTEN: &str = r#"
core:
  name: customer-support-agent
  mode: stateless
  runtime_version: "0.2"
  identity: { provider: scaikey, persona: "Customer Support Agent" }
  model: scaigrid/openai/gpt-4o
  flows:
    - name: customer-support-agent
      trigger: { type: api }
      steps:
        - llm_turn: "Classify the customer intent."
          meta: { node_id: node_classify, node_kind: llm_flexible, node_label: Classify, node_config: { goal: "Classify the customer intent." } }
        - plugin_call: { alias: scaidrive, method: search, args: { path: /kb/, query: "{{input.q}}" } }
        - llm_turn: "Generate a response."
          guarded: true
          guard: "confidence > 0.7"
          meta: { node_id: node_respond, node_kind: llm_guarded, node_label: Respond, node_config: { goal: "Generate a response." } }
"#;

#[test]
fn hand_written_manifests_keep_what_they_cannot_map() {
    let flow = from_yaml(HAND_WRITTEN).unwrap();
    assert_eq!(flow.name, "Customer Support Agent");
    assert_eq!(flow.scaicore_target.as_deref(), Some("0.2"));
    let models = &flow.config.as_ref().unwrap().core_identity.as_ref().unwrap().models;
    assert_eq!(models.len(), 1);
    assert_eq!(
        (models[0].role.as_str(), models[0].provider.as_str(), models[0].model.as_str()),
        ("primary", "scaigrid", "openai/gpt-4o")
    );

    let kinds: Vec<NodeKind> = flow.nodes.iter().map(|n| n.kind).collect();
    assert_eq!(kinds, [NodeKind::EntryApi, NodeKind::LlmFlexible, NodeKind::LlmGuarded]);
    let ys: Vec<f64> = flow.nodes.iter().map(|n| n.position.y).collect();
    assert_eq!(ys, [80.0, 200.0, 320.0], "stacked 120 px apart in step order");

    // The plugin call has no meta: it is kept, and the chain skips over it.
    let unknown = &flow.metadata.as_ref().unwrap().extra["unknown_steps"];
    assert_eq!(unknown[0]["plugin_call"]["method"], "search");
    let links: Vec<(&str, &str)> =
        flow.edges.iter().map(|e| (e.source.node.as_str(), e.target.node.as_str())).collect();
    assert_eq!(
        links,
        [(flow.nodes[0].id.as_str(), "node_classify"), ("node_classify", "node_respond")]
    );
    assert!(flow.edges.iter().all(|e| e.kind == EdgeKind::Sequential));
    assert!(
        compiler::analyze(&flow).iter().all(|d| !d.is_error()),
        "{:?}",
        compiler::analyze(&flow)
    );
}

#[test]
fn bad_manifests_are_refused_with_a_location() {
    match from_yaml("core:\n  flows: [\n") {
        Err(ImportError::Yaml { line, .. }) => assert!(line >= 2),
        other => panic!("{other:?}"),
    }
    assert_eq!(from_yaml("flows: []").unwrap_err(), ImportError::NoCore);
    let err = from_yaml(
        "core:\n  flows:\n    - steps:\n        - meta: { node_id: a, node_kind: llm_magic }\n",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "core.flows[0].steps[0].meta.node_kind: unknown node kind 'llm_magic'"
    );
    let err = from_yaml("core:\n  flows:\n    - trigger: { type: message }\n").unwrap_err();
    assert!(err.to_string().contains("unknown trigger type 'message'"), "{err}");
}
