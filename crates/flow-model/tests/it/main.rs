//! The published JSON Schema: up to date with the types, accepting every example and test flow,
//! rejecting malformed documents.

use std::path::{Path, PathBuf};

use flow_model::schema::json_schema;
use serde_json::{Value, json};

fn committed_schema_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/v2.json")
}

fn validator() -> jsonschema::Validator {
    jsonschema::draft202012::new(&json_schema())
        .expect("the schema is a valid draft 2020-12 schema")
}

fn errors(document: &Value) -> Vec<String> {
    validator().iter_errors(document).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

/// `SCAIFLOW_BLESS=1` rewrites the committed copy.
#[test]
fn the_committed_schema_is_current() {
    let generated = serde_json::to_string_pretty(&json_schema()).unwrap() + "\n";
    if std::env::var_os("SCAIFLOW_BLESS").is_some() {
        std::fs::write(committed_schema_path(), &generated).unwrap();
    }
    let committed = std::fs::read_to_string(committed_schema_path()).unwrap_or_default();
    assert!(
        committed == generated,
        "schema/v2.json is out of date: run the tests with SCAIFLOW_BLESS=1"
    );
}

/// Compiler test cases that break the schema on purpose; analysis reports them too.
const SCHEMA_INVALID: [&str; 3] = [
    "err-config-type.flow.json",
    "err-conditional-without-condition.flow.json",
    "err-document.flow.json",
];

#[test]
fn every_example_and_compiler_test_flow_is_valid() {
    let mut documents: Vec<(String, String)> =
        flow_model::EXAMPLES.iter().map(|e| (e.key.to_owned(), e.json.to_owned())).collect();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../compiler/tests/data");
    for entry in std::fs::read_dir(data).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".flow.json") {
            documents.push((name, std::fs::read_to_string(&path).unwrap()));
        }
    }
    assert!(documents.len() > 10);
    for (name, text) in documents {
        let document: Value = serde_json::from_str(&text).unwrap();
        let found = errors(&document);
        if SCHEMA_INVALID.contains(&name.as_str()) {
            assert!(!found.is_empty(), "{name} should break the schema");
        } else {
            assert!(found.is_empty(), "{name}: {found:?}");
        }
    }
}

fn minimal() -> Value {
    json!({
        "id": "flow_1", "name": "Minimal", "version": "1.0.0",
        "nodes": [{"id": "a", "type": "entry_api", "label": "A", "position": {"x": 0, "y": 0},
                   "outputs": [{"id": "out_request"}]},
                  {"id": "b", "type": "logic_loop", "label": "B", "position": {"x": 1, "y": 1},
                   "config": {"style": "while", "max_iterations": 10}}],
        "edges": [{"id": "e", "type": "sequential", "source": {"node": "a", "port": "out_request"},
                   "target": {"node": "b", "port": "in"}}],
        "config": {"core_identity": {"models": [{"role": "primary", "ref": "scaigrid", "model": "m"}]},
                   "scaiqueue": {"scope": "s", "queues": [{"slug": "q", "consumer_mode": "fifo"}]}}
    })
}

#[test]
fn malformed_documents_are_rejected() {
    assert_eq!(errors(&minimal()), Vec::<String>::new());
    type Mutation = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Mutation)> = vec![
        (
            "missing id",
            Box::new(|d| {
                d.as_object_mut().unwrap().remove("id");
            }),
        ),
        ("bad version", Box::new(|d| d["version"] = json!("v1"))),
        ("unknown node type", Box::new(|d| d["nodes"][0]["type"] = json!("entry_chat"))),
        (
            "node without position",
            Box::new(|d| {
                d["nodes"][0].as_object_mut().unwrap().remove("position");
            }),
        ),
        (
            "conditional edge without condition",
            Box::new(|d| d["edges"][0]["type"] = json!("conditional")),
        ),
        ("unknown edge type", Box::new(|d| d["edges"][0]["type"] = json!("maybe"))),
        (
            "loop max_iterations as text",
            Box::new(|d| d["nodes"][1]["config"]["max_iterations"] = json!("ten")),
        ),
        ("loop style unknown", Box::new(|d| d["nodes"][1]["config"]["style"] = json!("sometimes"))),
        (
            "consumer mode unknown",
            Box::new(|d| d["config"]["scaiqueue"]["queues"][0]["consumer_mode"] = json!("lifo")),
        ),
        (
            "model entry without ref",
            Box::new(|d| {
                d["config"]["core_identity"]["models"][0].as_object_mut().unwrap().remove("ref");
            }),
        ),
        (
            "modality unknown",
            Box::new(|d| {
                d["config"]["core_identity"]["models"][0]["modalities"] = json!(["smell"])
            }),
        ),
    ];
    for (what, mutate) in cases {
        let mut document = minimal();
        mutate(&mut document);
        assert!(!errors(&document).is_empty(), "accepted a document with {what}");
        // The parser agrees where the schema speaks about shape.
        if what != "bad version"
            && what != "conditional edge without condition"
            && what != "loop max_iterations as text"
            && what != "loop style unknown"
        {
            assert!(
                flow_model::FlowGraph::from_json(&document.to_string()).is_err(),
                "parser accepted {what}"
            );
        }
    }
}
