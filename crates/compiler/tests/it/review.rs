//! The review form of `hitl_review` nodes: ScaiQueue's documented `hitl_spec` (a list of typed
//! sections plus `timeout_s`) read from flows and written to every artifact, and the grouped
//! form of earlier flows read as the same sections.

use compiler::{Format, analyze, compile_flow};
use serde_json::{Value, json};

use crate::{edge, flow, node};

/// Entry → review, with the review's `sections` (and a timeout).
fn review_flow(sections: Value) -> flow_model::FlowGraph {
    let mut f = flow(
        json!([
            node(
                "node_entry",
                "entry_api",
                &[],
                &["out_request"],
                json!({"method": "POST", "path": "/"})
            ),
            node(
                "node_review",
                "hitl_review",
                &["in"],
                &["out"],
                json!({
                    "queue": "review", "scope": "finance", "prompt": "Approve?", "timeout": "2d",
                    "sections": sections,
                })
            ),
        ]),
        json!([edge("e1", ("node_entry", "out_request"), ("node_review", "in"))]),
    );
    let mut config = f.config.take().unwrap_or_default();
    config.scaiqueue =
        serde_json::from_value(json!({"scope": "finance", "queues": [{"slug": "review"}]}))
            .unwrap();
    f.config = Some(config);
    f
}

fn documented() -> Value {
    json!([
        {"type": "context", "title": "Claim", "content": "{{claim.amount}} EUR for {{claim.reason}}"},
        {"type": "input", "field": "note", "kind": "text", "required": true},
        {"type": "decision", "field": "decision", "options": [
            {"id": "approve", "label": "Approve"}, {"id": "reject", "label": "Reject"}]},
    ])
}

/// The review step of the compiled manifest.
fn review_step(f: &flow_model::FlowGraph) -> serde_yaml::Value {
    let out = compile_flow(f, Format::Yaml).unwrap_or_else(|e| panic!("{e}"));
    let manifest: serde_yaml::Value = serde_yaml::from_str(out.text().unwrap()).unwrap();
    manifest["core"]["flows"][0]["steps"][0].clone()
}

#[test]
fn the_documented_sections_are_accepted_and_emitted_as_hitl_spec() {
    let f = review_flow(documented());
    let errors: Vec<String> =
        analyze(&f).into_iter().filter(|d| d.is_error()).map(|d| d.message).collect();
    assert!(errors.is_empty(), "{errors:?}");

    let step = review_step(&f);
    let checkpoint = &step["checkpoint"];
    assert_eq!(checkpoint["type"], "hitl_review");
    let spec: Value = serde_json::to_value(&checkpoint["hitl_spec"]).unwrap();
    assert_eq!(spec["sections"], documented(), "the sections go out as they came in");
    assert_eq!(spec["timeout_s"], 172_800, "2d in seconds");
    assert_eq!(checkpoint["options"], serde_yaml::to_value(["approve", "reject"]).unwrap());

    // The IR carries the same form.
    let ir = compiler::decode(&compile_flow(&f, Format::Ir).unwrap().bytes).unwrap();
    let ir = serde_json::to_value(&ir).unwrap();
    let text = ir.to_string();
    assert!(
        text.contains(r#""hitl_spec":{"sections":[{"type":"context","title":"Claim""#),
        "{text}"
    );
    assert!(text.contains(r#""timeout_s":172800"#), "{text}");
    // And the .scai text.
    let scai = compile_flow(&f, Format::Scai).unwrap();
    assert!(scai.text().unwrap().contains("timeout_s"), "{}", scai.text().unwrap());
}

#[test]
fn the_grouped_form_of_earlier_flows_compiles_to_the_same_artifacts() {
    let grouped = review_flow(json!({
        "context": [{"field": "claim", "label": "Claim"}],
        "input": [{"id": "note", "label": "Note", "type": "textarea"}],
        "decision": [{"id": "approve", "label": "Approve"}, {"id": "reject", "label": "Reject"}],
    }));
    let listed = review_flow(json!([
        {"type": "context", "title": "Claim", "content": "{{claim}}"},
        {"type": "input", "field": "note", "kind": "textarea", "label": "Note", "required": false},
        {"type": "decision", "field": "decision", "options": [
            {"id": "approve", "label": "Approve"}, {"id": "reject", "label": "Reject"}]},
    ]));
    for format in [Format::Yaml, Format::Ir, Format::Scai] {
        let a = compile_flow(&grouped, format).unwrap().bytes;
        let b = compile_flow(&listed, format).unwrap().bytes;
        // The node's own config (in the step's meta) differs; the spec does not.
        if format == Format::Yaml {
            let step = |bytes: &[u8]| {
                let m: serde_yaml::Value = serde_yaml::from_slice(bytes).unwrap();
                m["core"]["flows"][0]["steps"][0]["checkpoint"].clone()
            };
            assert_eq!(step(&a), step(&b));
        } else {
            assert_eq!(a, b, "{format:?} carries no node config: the artifacts are equal");
        }
    }
    let spec = serde_json::to_value(&review_step(&grouped)["checkpoint"]["hitl_spec"]["sections"])
        .unwrap();
    assert_eq!(spec[0], json!({"type": "context", "title": "Claim", "content": "{{claim}}"}));
    assert_eq!(spec[2]["options"][1], json!({"id": "reject", "label": "Reject"}));
}

#[test]
fn options_may_be_plain_ids_and_unknown_fields_are_kept() {
    let f = review_flow(json!([
        {"type": "context", "title": "T", "content": "c", "format": "markdown"},
        {"type": "decision", "field": "verdict", "options": ["yes", "no"]},
    ]));
    let spec = serde_json::to_value(&review_step(&f)["checkpoint"]["hitl_spec"]).unwrap();
    assert_eq!(spec["sections"][0]["format"], "markdown", "a field ScaiQueue may add survives");
    assert_eq!(spec["sections"][1]["options"], json!([{"id": "yes"}, {"id": "no"}]));
    assert_eq!(spec["sections"][1]["field"], "verdict");
}

#[test]
fn broken_forms_are_reported_where_they_are_broken() {
    let f = review_flow(json!([
        {"type": "input", "field": "", "kind": "text"},
        {"type": "input", "field": "note", "kind": "colour"},
        {"type": "input", "field": "pick", "kind": "select"},
        {"type": "decision", "options": [{"id": "ok"}, {"id": "ok"}, {"label": "Nameless"}]},
        {"type": "decision", "field": "again", "options": ["x"]},
    ]));
    let found: Vec<(String, String)> =
        analyze(&f).into_iter().filter(|d| d.is_error()).map(|d| (d.path, d.message)).collect();
    let has =
        |path: &str, text: &str| found.iter().any(|(p, m)| p.ends_with(path) && m.contains(text));
    assert!(has("config.sections[0].field", "input section 1 names no field"), "{found:#?}");
    assert!(has("config.sections[1].kind", "kind 'colour'"), "{found:#?}");
    assert!(has("config.sections[2].options", "select input 'pick' has no options"), "{found:#?}");
    assert!(has("config.sections[3].options[1].id", "'ok' is listed twice"), "{found:#?}");
    assert!(has("config.sections[3].options[2].id", "option 3 has no id"), "{found:#?}");
    assert!(has("config.sections[4]", "more than one decision section"), "{found:#?}");

    // A section of an unknown type is a config error at its index.
    let bad = review_flow(json!([{"type": "banner", "title": "x"}]));
    let errors: Vec<(String, String)> =
        analyze(&bad).into_iter().filter(|d| d.is_error()).map(|d| (d.path, d.message)).collect();
    assert!(
        errors
            .iter()
            .any(|(p, m)| p.contains("sections") && m.contains("unknown variant `banner`")),
        "{errors:#?}"
    );
}

#[test]
fn a_review_without_sections_asks_to_approve_or_reject() {
    let mut f = review_flow(json!(null));
    if let Some(n) = f.nodes.iter_mut().find(|n| n.id == "node_review") {
        n.config.remove("sections");
    }
    let spec = serde_json::to_value(&review_step(&f)["checkpoint"]).unwrap();
    assert_eq!(spec["options"], json!(["approve", "reject"]));
}
