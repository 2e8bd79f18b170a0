//! `compile_flow`: YAML manifests of linear flows, and failures that carry their diagnostics.

use compiler::{Format, compile_flow};
use serde_json::json;

use crate::{edge, flow, node};

#[test]
fn a_linear_flow_compiles_to_the_documented_manifest() {
    let f = flow(
        json!([
            node(
                "node_entry",
                "entry_api",
                &[],
                &["out_request"],
                json!({"method": "POST", "path": "/"})
            ),
            node(
                "node_classify",
                "llm_flexible",
                &["in"],
                &["out"],
                json!({"goal": "Classify the customer intent.", "llm_role": "primary"})
            ),
            node(
                "node_kb",
                "tool_plugin",
                &["in"],
                &["out"],
                json!({"plugin": "scaidrive", "method": "search", "args": {"path": "/kb/", "query": "{{input.q}}"}})
            ),
            node(
                "node_respond",
                "llm_guarded",
                &["in"],
                &["out"],
                json!({"goal": "Answer.", "guard": "confidence > 0.7"})
            ),
        ]),
        json!([
            edge("e1", ("node_entry", "out_request"), ("node_classify", "in")),
            edge("e2", ("node_classify", "out"), ("node_kb", "in")),
            edge("e3", ("node_kb", "out"), ("node_respond", "in"))
        ]),
    );
    let output = compile_flow(&f, Format::Yaml).unwrap();
    assert_eq!(output.format, Format::Yaml);
    let manifest: serde_yaml::Value = serde_yaml::from_str(output.text().unwrap()).unwrap();
    let core = &manifest["core"];
    assert_eq!(core["name"], "test-flow");
    assert_eq!(core["mode"], "stateless");
    assert_eq!(core["runtime_version"], "0.2");
    assert_eq!(core["identity"]["persona"], "Tester");
    assert_eq!(core["model"], "scaigrid/openai/gpt-4o");
    assert_eq!(core["plugins"][0]["alias"], "scaidrive");
    assert_eq!(core["plugins"][0]["endpoint"], "plugin://scaidrive");
    let flow0 = &core["flows"][0];
    assert_eq!(flow0["trigger"]["type"], "api");
    let steps = flow0["steps"].as_sequence().unwrap();
    assert_eq!(steps.len(), 3);
    assert_eq!(steps[0]["llm_turn"], "Classify the customer intent.");
    assert_eq!(steps[0]["meta"]["node_id"], "node_classify");
    assert_eq!(steps[0]["meta"]["node_kind"], "llm_flexible");
    assert_eq!(steps[0]["meta"]["node_config"]["llm_role"], "primary");
    assert_eq!(steps[1]["plugin_call"]["method"], "search");
    assert_eq!(steps[2]["guarded"], true);
    assert_eq!(steps[2]["guard"], "confidence > 0.7");
    assert_eq!(core["scaiflow_meta"]["source_id"], "flow_test");
    assert_eq!(core["scaiflow_meta"]["models"][0]["role"], "primary");

    let again = compile_flow(&f, Format::Yaml).unwrap();
    assert_eq!(again.bytes, output.bytes, "output must be deterministic");
}

#[test]
fn an_invalid_flow_fails_with_every_diagnostic() {
    let f = flow(
        json!([
            node("a", "llm_rigid", &["in"], &["out"], json!({"template": "t"})),
            node("b", "tool_plugin", &["in"], &["out"], json!({"plugin": "x", "colour": "red"}))
        ]),
        json!([]),
    );
    let err = compile_flow(&f, Format::Yaml).unwrap_err();
    assert_eq!(
        err.to_string(),
        "flow does not compile: flow has no entry-point node; node 'b': tool_plugin needs a method"
    );
    // Warnings travel along with the errors.
    assert!(err.diagnostics().iter().any(|d| !d.is_error()), "{:?}", err.diagnostics());
}

#[test]
fn formats_parse_from_their_names() {
    assert_eq!("yaml".parse::<Format>().unwrap(), Format::Yaml);
    assert_eq!("ir".parse::<Format>().unwrap(), Format::Ir);
    assert_eq!("scai".parse::<Format>().unwrap(), Format::Scai);
    assert_eq!(
        "xml".parse::<Format>().unwrap_err(),
        "unknown format 'xml' (expected yaml, ir or scai)"
    );
    assert_eq!(Format::Ir.extension(), "scir");
}

#[test]
fn ir_bundles_decode_to_what_was_encoded_and_the_verifier_catches_broken_ones() {
    let f = flow_model::FlowGraph::from_json(flow_model::EXAMPLES[0].json).unwrap();
    let bytes = compile_flow(&f, Format::Ir).unwrap().bytes;
    assert_eq!(&bytes[..4], b"SCIR");
    let module = compiler::decode(&bytes).unwrap();
    assert_eq!(
        compiler::scir::encode(&module).unwrap(),
        bytes,
        "decode then encode is the identity"
    );
    assert!(compiler::verify(&module).is_empty());

    let mut broken = module.clone();
    broken.models.retain(|m| m.role != "fast");
    broken.plugins.clear();
    broken.triggers[0].target_flow = "nowhere".into();
    let codes: Vec<&str> = compiler::verify(&broken).iter().map(|e| e.code).collect();
    assert_eq!(codes.iter().filter(|c| **c == "V001").count(), 1, "{codes:?}");
    assert!(codes.contains(&"V002") && codes.contains(&"V003"), "{codes:?}");

    assert_eq!(compiler::decode(b"YAML").unwrap_err(), compiler::DecodeError::NotScir);
    assert!(matches!(compiler::decode(b"SCIR\xc1"), Err(compiler::DecodeError::Malformed(_))));
}

#[test]
fn a_flow_with_errors_drafts_what_can_be_compiled_with_the_errors_on_top() {
    // An entry and a prompt without a goal: an error, yet the step is drafted.
    let f = flow(
        json!([
            node(
                "node_entry",
                "entry_api",
                &[],
                &["out_request"],
                json!({"method": "POST", "path": "/"})
            ),
            node("node_ask", "llm_flexible", &["in"], &["out"], json!({"goal": ""})),
        ]),
        json!([edge("e1", ("node_entry", "out_request"), ("node_ask", "in"))]),
    );
    assert!(compile_flow(&f, Format::Yaml).is_err(), "the flow itself does not compile");
    let draft = compiler::draft(&f, Format::Yaml).unwrap();
    let text = draft.output.text().unwrap();
    assert!(text.starts_with("# Draft: 1 error keeps"), "{text}");
    assert!(
        text.contains("# error at node_ask: node 'node_ask': llm_flexible needs a goal"),
        "{text}"
    );
    assert!(text.contains("node_id: node_ask"), "the step is drafted: {text}");
    let manifest: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
    assert_eq!(manifest["core"]["flows"][0]["trigger"]["type"], "api", "it is still YAML");
    assert!(draft.diagnostics.iter().any(|d| d.is_error()));

    let scai = compiler::draft(&f, Format::Scai).unwrap();
    assert!(scai.output.text().unwrap().starts_with("// Draft: 1 error"));
    let ir = compiler::draft(&f, Format::Ir).unwrap();
    assert!(compiler::decode(&ir.output.bytes).is_ok(), "the IR draft decodes");
}

#[test]
fn a_lone_node_and_a_cycle_still_draft() {
    // A new flow's first node, with no entry point yet.
    let lone = flow(
        json!([node("n1", "llm_flexible", &["in"], &["out"], json!({"goal": "Hi"}))]),
        json!([]),
    );
    let draft = compiler::draft(&lone, Format::Yaml).unwrap();
    assert!(
        draft.output.text().unwrap().contains("no entry-point node"),
        "{}",
        draft.output.text().unwrap()
    );
    assert!(draft.output.text().unwrap().contains("core:"));

    let cyclic = flow(
        json!([
            node("e", "entry_api", &[], &["out_request"], json!({"method": "POST", "path": "/"})),
            node("a", "llm_rigid", &["in"], &["out"], json!({"template": "a"})),
            node("b", "llm_rigid", &["in"], &["out"], json!({"template": "b"})),
        ]),
        json!([
            edge("e0", ("e", "out_request"), ("a", "in")),
            edge("e1", ("a", "out"), ("b", "in")),
            edge("e2", ("b", "out"), ("a", "in")),
        ]),
    );
    let text = compiler::draft(&cyclic, Format::Yaml).unwrap().output.text().unwrap().to_owned();
    assert!(text.contains("cycle detected"), "{text}");
    assert!(text.contains("node_id: b"), "the cycle is cut, not the nodes: {text}");
}

#[test]
fn every_broken_test_case_drafts_without_panicking() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".flow.json") {
            continue;
        }
        let Ok(f) = flow_model::FlowGraph::from_json(&std::fs::read_to_string(&path).unwrap())
        else {
            continue; // a case that is not a flow document at all
        };
        for format in [Format::Yaml, Format::Ir, Format::Scai] {
            let draft = compiler::draft(&f, format);
            assert!(draft.is_some(), "{name} as {format}");
        }
    }
}
